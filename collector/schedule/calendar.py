"""systemd calendar events (OnCalendar=, systemd.time(7)) and when they elapse.

The grammar and normalisation follow systemd's calendarspec.c: ``[Weekdays] [[YYYY-]MM-DD]
[HH:MM[:SS[.ffffff]]] [TZ]`` where each component is ``*``, a list, ``A..B``, ``/step``, and the
day may count back from the month's end (``~``); weekdays and date are ANDed; shorthands
(minutely ... semiannually) and ``@EPOCH``. Times are matched on the wall clock of the spec's
own zone (or the zone the caller passes); a wall time skipped by a DST jump does not elapse,
and a repeated one elapses once (its first occurrence), as systemd does. Years stop at 2199.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

MIN_YEAR = 1970
MAX_YEAR = 2199
USEC = 1_000_000
_ALL_WEEKDAYS = 127
_WEEKDAYS = (("monday", "mon"), ("tuesday", "tue"), ("wednesday", "wed"), ("thursday", "thu"),
             ("friday", "fri"), ("saturday", "sat"), ("sunday", "sun"))
_DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_SHORTHANDS: dict[str, dict[str, tuple[int, ...]]] = {
    "minutely": {"usec": (0,)},
    "hourly": {"minute": (0,), "usec": (0,)},
    "daily": {"hour": (0,), "minute": (0,), "usec": (0,)},
    "monthly": {"day": (1,), "hour": (0,), "minute": (0,), "usec": (0,)},
    "annually": {"month": (1,), "day": (1,), "hour": (0,), "minute": (0,), "usec": (0,)},
    "yearly": {"month": (1,), "day": (1,), "hour": (0,), "minute": (0,), "usec": (0,)},
    "anually": {"month": (1,), "day": (1,), "hour": (0,), "minute": (0,), "usec": (0,)},
    "weekly": {"hour": (0,), "minute": (0,), "usec": (0,)},
    "quarterly": {"month": (1, 4, 7, 10), "day": (1,), "hour": (0,), "minute": (0,),
                  "usec": (0,)},
    "semiannually": {"month": (1, 7), "day": (1,), "hour": (0,), "minute": (0,), "usec": (0,)},
}
for _alias in ("biannually", "bi-annually", "semi-annually"):
    _SHORTHANDS[_alias] = _SHORTHANDS["semiannually"]
_ZONE_NAME = re.compile(r"^[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*$")


@dataclass(frozen=True)
class Component:
    """One list element: start, optional stop (-1 for none) and repeat (0 for none)."""

    start: int
    stop: int = -1
    repeat: int = 0


Chain = tuple[Component, ...] | None     # None is '*'


@dataclass(frozen=True)
class CalendarSpec:
    """A parsed OnCalendar expression."""

    text: str
    weekdays: int = -1                  # bit 0 = Monday ... bit 6 = Sunday; -1 = any
    year: Chain = None
    month: Chain = None
    day: Chain = None
    hour: Chain = None
    minute: Chain = None
    usec: Chain = None                  # seconds in microseconds
    end_of_month: bool = False
    utc: bool = False
    timezone: str | None = None

    @classmethod
    def parse(cls, text: str) -> CalendarSpec:
        """Parse like calendar_spec_from_string(); raise ValueError on what systemd rejects."""
        return _Parser(text).parse()

    # --- normal form ---------------------------------------------------------------------------

    def normalized(self) -> str:
        """The "Normalized form" systemd-analyze prints."""
        out = []
        if 0 < self.weekdays < _ALL_WEEKDAYS:
            out.append(_format_weekdays(self.weekdays) + " ")
        out.append(_format_chain(self.year, 4, False))
        out.append("-")
        out.append(_format_chain(self.month, 2, False))
        out.append("~" if self.end_of_month else "-")
        out.append(_format_chain(self.day, 2, False))
        out.append(" ")
        out.append(_format_chain(self.hour, 2, False))
        out.append(":")
        out.append(_format_chain(self.minute, 2, False))
        out.append(":")
        out.append(_format_chain(self.usec, 2, True))
        if self.utc:
            out.append(" UTC")
        elif self.timezone:
            out.append(" " + self.timezone)
        return "".join(out)

    # --- evaluation ----------------------------------------------------------------------------

    def zone(self, default: tzinfo) -> tzinfo:
        """The zone the expression is read in: its own, or the caller's."""
        if self.utc:
            return UTC
        if self.timezone:
            return ZoneInfo(self.timezone)
        return default

    def next_after(self, after: datetime, tz: tzinfo | None = None) -> datetime | None:
        """First elapse strictly after `after` (aware), read in the spec's own zone, else `tz`,
        else after's zone. Returned in UTC; None when it never elapses again."""
        if after.tzinfo is None:
            raise ValueError("next_after needs an aware datetime")
        zone = self.zone(tz or after.tzinfo)
        base = after.astimezone(UTC)
        start = base + timedelta(microseconds=1)
        wall = start.astimezone(zone).replace(tzinfo=None, fold=0)
        for _ in range(100_000):
            found = self._first_wall(wall)
            if found is None:
                return None
            at = found.replace(tzinfo=zone, fold=0).astimezone(UTC)
            back = at.astimezone(zone).replace(tzinfo=None, fold=0)
            if back == found and at > base:
                return at
            # Skipped by a DST jump, or the first pass of a repeated hour already went by:
            # systemd does not elapse then; carry on at the next whole minute.
            wall = found.replace(second=0, microsecond=0) + timedelta(minutes=1)
        return None

    def _first_wall(self, wall: datetime) -> datetime | None:
        """First naive wall time >= wall matching every component."""
        y, mo, d = wall.year, wall.month, wall.day
        h, mi = wall.hour, wall.minute
        us = wall.second * USEC + wall.microsecond
        while True:
            ny = _next_in(self.year, y, MAX_YEAR)
            if ny is None or ny > MAX_YEAR:
                return None
            if ny != y:
                y, mo, d, h, mi, us = ny, 1, 1, 0, 0, 0
            nm = _next_in(self.month, mo, 12)
            if nm is None:
                y, mo, d, h, mi, us = y + 1, 1, 1, 0, 0, 0
                continue
            if nm != mo:
                mo, d, h, mi, us = nm, 1, 0, 0, 0
            last = calendar.monthrange(y, mo)[1]
            nd = self._next_day(y, mo, d, last)
            if nd is None:
                y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
                d, h, mi, us = 1, 0, 0, 0
                continue
            if nd != d:
                d, h, mi, us = nd, 0, 0, 0
            if not self._weekday_ok(y, mo, d):
                y, mo, d = _next_day(y, mo, d, last)
                h, mi, us = 0, 0, 0
                continue
            nh = _next_in(self.hour, h, 23)
            if nh is None:
                y, mo, d = _next_day(y, mo, d, last)
                h, mi, us = 0, 0, 0
                continue
            if nh != h:
                h, mi, us = nh, 0, 0
            nmi = _next_in(self.minute, mi, 59)
            if nmi is None:
                h, mi, us = h + 1, 0, 0
                if h > 23:
                    y, mo, d = _next_day(y, mo, d, last)
                    h = 0
                continue
            if nmi != mi:
                mi, us = nmi, 0
            nus = _next_in(self.usec, us, 60 * USEC - 1, star_repeat=USEC)
            if nus is None:
                mi, us = mi + 1, 0
                if mi > 59:
                    h, mi = h + 1, 0
                    if h > 23:
                        y, mo, d = _next_day(y, mo, d, last)
                        h = 0
                continue
            return datetime(y, mo, d, h, mi, nus // USEC, nus % USEC)

    def _next_day(self, year: int, month: int, day: int, last: int) -> int | None:
        if self.day is None:
            return day if day <= last else None
        if not self.end_of_month:
            found = _next_in(self.day, day, 31)
            return found if found is not None and found <= last else None
        best = None
        for c in self.day:
            # "~N" is the N-th last day; a range ~A..B runs from the B-th last to the A-th last.
            start = last - c.start + 1
            stop = last - c.stop + 1 if c.stop >= 0 else -1
            if stop > 0:
                start, stop = stop, start
            value = _component_next(start, stop, c.repeat, day)
            if value is not None and value <= last and (best is None or value < best):
                best = value
        return best

    def _weekday_ok(self, year: int, month: int, day: int) -> bool:
        if self.weekdays < 0:
            return True
        return bool(self.weekdays & (1 << calendar.weekday(year, month, day)))


def _next_day(year: int, month: int, day: int, last: int) -> tuple[int, int, int]:
    if day < last:
        return year, month, day + 1
    return (year + 1, 1, 1) if month == 12 else (year, month + 1, 1)


def _component_next(start: int, stop: int, repeat: int, value: int) -> int | None:
    if start >= value:
        return start
    if repeat > 0:
        k = start + repeat * (-(-(value - start) // repeat))
        if stop < 0 or k <= stop:
            return k
    return None


def _next_in(chain: Chain, value: int, high: int, star_repeat: int = 1) -> int | None:
    """Smallest value >= `value` matched by the chain (find_matching_component)."""
    if chain is None:
        if star_repeat == 1:
            return value if value <= high else None
        k = -(-value // star_repeat) * star_repeat
        return k if k <= high else None
    best = None
    for c in chain:
        found = _component_next(c.start, c.stop, c.repeat, value)
        if found is not None and found <= high and (best is None or found < best):
            best = found
    return best


# --- parsing -----------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.weekdays = 0
        self.end_of_month = False
        self.epoch = False              # @EPOCH is always UTC
        self.chains: dict[str, Chain] = {}

    def fail(self, why: str) -> ValueError:
        return ValueError(f"invalid calendar spec {self.text!r}: {why}")

    def parse(self) -> CalendarSpec:
        p = self.text
        utc = False
        timezone = None
        if p.lower().endswith(" utc"):
            utc, p = True, p[:-4]
        else:
            last_space = p.rfind(" ")
            if last_space >= 0 and _zone_is_valid(p[last_space + 1:]):
                timezone, p = p[last_space + 1:], p[:last_space]
        if not p:
            raise self.fail("empty")
        shorthand = _SHORTHANDS.get(p.lower())
        if shorthand is not None:
            for name in ("month", "day", "hour", "minute", "usec"):
                if name in shorthand:
                    values = shorthand[name]
                    self.chains[name] = tuple(Component(v * (USEC if name == "usec" else 1))
                                              for v in values)
            if p.lower() == "weekly":
                self.weekdays = 1
        else:
            rest = self.parse_weekdays(p)
            rest, done = self.parse_date(rest)
            if not done:
                rest = self.parse_time(rest)
            if rest:
                raise self.fail(f"unexpected {rest!r}")
        if timezone == "UTC" or self.epoch:
            utc, timezone = True, None
        return self.build(utc, timezone)

    def build(self, utc: bool, timezone: str | None) -> CalendarSpec:
        weekdays = self.weekdays
        if weekdays <= 0 or weekdays >= _ALL_WEEKDAYS:
            weekdays = -1
        day = self.chains.get("day")
        end_of_month = self.end_of_month and day is not None
        year = self.chains.get("year")
        if year is not None:
            year = tuple(Component(_fix_year(c.start), _fix_year(c.stop), c.repeat) for c in year)
        chains = {
            "year": _normalize(year), "month": _normalize(self.chains.get("month")),
            "day": _normalize(day), "hour": _normalize(self.chains.get("hour")),
            "minute": _normalize(self.chains.get("minute")),
            "usec": _normalize(self.chains.get("usec")),
        }
        limits = {"year": (MIN_YEAR, MAX_YEAR), "month": (1, 12), "day": (1, 31),
                  "hour": (0, 23), "minute": (0, 59), "usec": (0, 60 * USEC - 1)}
        for name, chain in chains.items():
            low, high = limits[name]
            if not _chain_valid(chain, low, high, end_of_month and name == "day"):
                raise self.fail(f"{name} out of range")
        return CalendarSpec(text=self.text, weekdays=weekdays, end_of_month=end_of_month,
                            utc=utc, timezone=timezone, **chains)

    def parse_weekdays(self, p: str) -> str:
        last = -1
        first = True
        while True:
            found = _weekday_prefix(p)
            if found is None:
                if first:
                    return p
                raise self.fail("bad weekday")
            number, name = found
            rest = p[len(name):]
            if rest[:1] not in ("", "-", ".", ",", " "):
                raise self.fail("bad weekday")
            self.weekdays |= 1 << number
            if last >= 0:
                if last > number:
                    raise self.fail("weekday range runs backwards")
                for j in range(last + 1, number):
                    self.weekdays |= 1 << j
            p = rest
            if not p:
                return p
            if p[0] == " ":
                return p.lstrip(" ")
            if p[0] == ".":
                if last >= 0 or p[1:2] != ".":
                    raise self.fail("bad weekday range")
                last = number
                p = p[2:]
            elif p[0] == "-":
                if last >= 0:
                    raise self.fail("bad weekday range")
                last = number
                p = p[1:]
            elif p[0] == ",":
                last = -1
                p = p[1:]
            if p[:1] in ("", " "):
                if last >= 0:
                    raise self.fail("open weekday range")
                return p.lstrip(" ")
            first = False

    def parse_date(self, p: str) -> tuple[str, bool]:
        if not p:
            return p, False
        if p[0] == "@":
            m = re.match(r"\d+", p[1:])
            if not m:
                raise self.fail("bad @EPOCH")
            try:
                when = datetime.fromtimestamp(int(m.group()), UTC)
            except (OverflowError, ValueError, OSError) as exc:
                raise self.fail("@EPOCH out of range") from exc
            self.chains.update(year=(Component(when.year),), month=(Component(when.month),),
                               day=(Component(when.day),), hour=(Component(when.hour),),
                               minute=(Component(when.minute),),
                               usec=(Component(when.second * USEC),))
            self.epoch = True
            return p[1 + m.end():], True
        first, t = self.parse_chain(p, False)
        if t[:1] in ("", ":"):
            return p, False
        if t[0] == "~":
            self.end_of_month = True
        elif t[0] != "-":
            raise self.fail("bad date")
        second, t = self.parse_chain(t[1:], False)
        if t[:1] in ("", " "):
            self.chains.update(month=first, day=second)
            return t.lstrip(" "), False
        if self.end_of_month:
            raise self.fail("'~' must separate month and day")
        if t[0] == "~":
            self.end_of_month = True
        elif t[0] != "-":
            raise self.fail("bad date")
        third, t = self.parse_chain(t[1:], False)
        if t[:1] not in ("", " "):
            raise self.fail("bad date")
        self.chains.update(year=first, month=second, day=third)
        return t.lstrip(" "), False

    def parse_time(self, p: str) -> str:
        if not p:
            self.chains.update(hour=(Component(0),), minute=(Component(0),),
                               usec=(Component(0),))
            return p
        hour, t = self.parse_chain(p, False)
        if t[:1] != ":":
            raise self.fail("bad time")
        minute, t = self.parse_chain(t[1:], False)
        if not t:
            self.chains.update(hour=hour, minute=minute, usec=(Component(0),))
            return t
        if t[0] != ":":
            raise self.fail("bad time")
        usec, t = self.parse_chain(t[1:], True)
        if t:
            raise self.fail("bad time")
        self.chains.update(hour=hour, minute=minute, usec=usec)
        return t

    def parse_chain(self, p: str, usec: bool) -> tuple[Chain, str]:
        if p[:1] == "*":
            return ((Component(0, -1, USEC),) if usec else None), p[1:]
        items: list[Component] = []
        while True:
            item, p = self.parse_component(p, usec)
            items.append(item)
            if len(items) > 240:
                raise self.fail("too many components")
            if p[:1] != ",":
                return tuple(items), p
            p = p[1:]

    def parse_component(self, p: str, usec: bool) -> tuple[Component, str]:
        start, p = self.parse_decimal(p, usec)
        stop, repeat = -1, 0
        if p.startswith(".."):
            stop, p = self.parse_decimal(p[2:], usec)
            repeat = USEC if usec else 1
        if p[:1] == "/":
            repeat, p = self.parse_decimal(p[1:], usec)
            if repeat == 0:
                raise self.fail("repeat of zero")
        elif usec and stop >= 0 and start + repeat > stop:
            raise self.fail("sub-second range without repeat")
        if p[:1] not in ("", " ", ",", "-", "~", ":"):
            raise self.fail(f"unexpected {p[:1]!r}")
        return Component(start, stop, repeat), p

    def parse_decimal(self, p: str, usec: bool) -> tuple[int, str]:
        m = re.match(r"[0-9]+", p)
        if not m:
            raise self.fail(f"expected a number at {p!r}")
        value = int(m.group())
        p = p[m.end():]
        if usec:
            value *= USEC
            if p[:1] == "." and p[1:2] != ".":
                digits = p[1:][:len(p) - 1 - len(p[1:].lstrip("0123456789"))]
                if not digits:
                    raise self.fail("bad fraction")
                frac = int((digits[:6]).ljust(6, "0"))
                if len(digits) > 6 and digits[6] >= "5":
                    frac += 1       # systemd rounds on the seventh digit
                value += frac
                p = p[1 + len(digits):]
        if value > 2**31 - 1:
            raise self.fail("number out of range")
        return value, p


def _weekday_prefix(text: str) -> tuple[int, str] | None:
    """The weekday (0 = Monday) a text starts with, and the name as matched."""
    lower = text.lower()
    for number, names in enumerate(_WEEKDAYS):
        for name in names:
            if lower.startswith(name):
                return number, name
    return None


def _fix_year(value: int) -> int:
    if 0 <= value < 70:
        return value + 2000
    if 70 <= value < 100:
        return value + 1900
    return value


def _normalize(chain: Chain) -> Chain:
    if chain is None:
        return None
    items = []
    for c in chain:
        start, stop, repeat = c.start, c.stop, c.repeat
        if stop > start and repeat > 0:
            stop -= (stop - start) % repeat
        if (stop > start and repeat > 0 and start + repeat > stop) or start == stop:
            repeat, stop = 0, -1
        items.append(Component(start, stop, repeat))
    unique = sorted(set(items), key=lambda c: (c.start, c.stop, c.repeat))
    return tuple(unique)


def _chain_valid(chain: Chain, low: int, high: int, end_of_month: bool) -> bool:
    if chain is None:
        return True
    if end_of_month:
        high -= 3       # no more than 28 days back from the month's end
    for c in chain:
        if c.start < low or c.start > high or c.repeat > high - low:
            return False
        if c.stop >= 0:
            if c.stop < low or c.stop > high or c.start + c.repeat > c.stop:
                return False
        elif end_of_month and c.start - c.repeat < low:
            return False
        elif not end_of_month and c.start + c.repeat > high:
            return False
    return True


def _zone_is_valid(name: str) -> bool:
    if not name or not _ZONE_NAME.match(name) or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ValueError, OSError, KeyError):
        return False
    return True


def _format_weekdays(bits: int) -> str:
    out = []
    need_comma = False
    run_start = -1
    for x in range(7):
        if bits & (1 << x):
            if run_start < 0:
                if need_comma:
                    out.append(",")
                need_comma = True
                out.append(_DAY_ABBR[x])
                run_start = x
        elif run_start >= 0:
            if x > run_start + 1:
                out.append(".." if x > run_start + 2 else ",")
                out.append(_DAY_ABBR[x - 1])
            run_start = -1
    if run_start >= 0 and 7 > run_start + 1:
        out.append(".." if 7 > run_start + 2 else ",")
        out.append(_DAY_ABBR[6])
    return "".join(out)


def _format_chain(chain: Chain, width: int, usec: bool) -> str:
    d = USEC if usec else 1
    if chain is None or (usec and any(c.start == 0 and c.stop < 0 and c.repeat == USEC
                                      for c in chain)):
        return "*"
    parts = []
    for c in chain:
        s = f"{c.start // d:0{width}d}"
        if c.start % d:
            s += f".{c.start % d:06d}"
        if c.stop > 0:
            s += f"..{c.stop // d:0{width}d}"
            if c.stop % d:
                s += f".{c.stop % d:06d}"
        if c.repeat > 0 and not (c.stop > 0 and c.repeat == d):
            s += f"/{c.repeat // d}"
        if c.repeat % d:
            s += f".{c.repeat % d:06d}"
        parts.append(s)
    return ",".join(parts)
