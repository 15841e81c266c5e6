"""Cron expressions and when they fire, with each dialect's real semantics.

Facts (shared/reference/schedulers.md §1.1, read from the Vixie/Debian and cronie sources and run
under libfaketime):

* five fields: minute 0-59, hour 0-23, day-of-month 1-31, month 1-12 (jan..dec), day-of-week 0-7
  (sun..sat; 0 and 7 are Sunday); names in any case, also inside ranges;
* elements ``*``, ``N``, ``N-M``, ``*/S``, ``N-M/S``; ``N/S`` is a syntax error in Debian and
  cronie;
* a reversed range is an empty set on Debian (the job silently never fires there); cronie reads a
  day-of-week range ending in 0 as ending in 7 and rejects other reversed ranges;
* cronie's ``~`` picks one random value when the crontab is loaded, so only a window is known;
* day-of-month and day-of-week are ORed, unless either field's text starts with ``*`` (then ANDed);
* ``@yearly`` and friends are case-sensitive; ``@reboot`` has no clock time;
* DST (Debian cron.c): a fixed-time job whose minute falls into a skipped hour runs right after
  the jump; in a repeated hour a fixed-time job is not run again, while a job with ``*`` in its
  minute or hour field follows the wall clock and runs in both passes.

"ios" (Cisco EEM ``cron-entry``) uses the Debian rules.
"""

from __future__ import annotations

import bisect
import calendar
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from random import Random

from lineguard.formats.cron import NICKNAMES, REBOOT

DIALECTS = ("debian", "cronie", "ios")
SEARCH_YEARS = 30     # Feb 29 on a given weekday recurs within 28 years
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DOW_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_MAX_RANDOM_COMBINATIONS = 4096
_MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    name_base: int = 0


_FIELDS = (
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day-of-month", 1, 31),
    _Field("month", 1, 12, _MONTH_NAMES, 1),
    _Field("day-of-week", 0, 7, _DOW_NAMES, 0),
)
_ELEMENT = re.compile(r"^(?P<a>\*|[A-Za-z0-9]+)(?:-(?P<b>[A-Za-z0-9]+))?(?:/(?P<s>[0-9]+))?$")
_RANDOM = re.compile(r"^(?P<a>[A-Za-z0-9]*)~(?P<b>[A-Za-z0-9]*)$")


@dataclass(frozen=True)
class CronSchedule:
    """A parsed cron schedule. Sets are sorted tuples; day-of-week uses 0..6 with Sunday 0."""

    expr: str
    dialect: str
    minutes: tuple[int, ...] = ()
    hours: tuple[int, ...] = ()
    doms: tuple[int, ...] = ()
    months: tuple[int, ...] = ()
    dows: tuple[int, ...] = ()
    dom_star: bool = False
    dow_star: bool = False
    wild: bool = False                 # minute or hour field starts with '*' (Debian's DST rule)
    reboot: bool = False
    never_reason: str | None = None
    # cronie '~' elements: (field index, low, high) of each value picked at random on load
    random: tuple[tuple[int, int, int], ...] = ()
    fixed: tuple[tuple[int, ...], ...] = ()      # per field, the values not left to chance

    # --- parsing ---------------------------------------------------------------------------

    @classmethod
    def parse(cls, expr: str, dialect: str = "debian") -> CronSchedule:
        """Parse five cron fields or an @shorthand; raise ValueError naming the bad field."""
        if dialect not in DIALECTS:
            raise ValueError(f"unknown cron dialect {dialect!r} (expected one of {DIALECTS})")
        text = expr.strip()
        if text.startswith("@"):
            if text == REBOOT:
                return cls(expr=expr, dialect=dialect, reboot=True,
                           never_reason="@reboot runs at boot, not at a clock time")
            if text not in NICKNAMES:
                raise ValueError(f"unknown cron shorthand {text!r} (names are case-sensitive)")
            text = NICKNAMES[text]
        parts = text.split()
        if len(parts) != 5:
            raise ValueError(f"cron schedule needs 5 fields, got {len(parts)}: {expr!r}")
        sets: list[tuple[int, ...]] = []
        fixed: list[tuple[int, ...]] = []
        random: list[tuple[int, int, int]] = []
        notes: list[str] = []
        for index, (part, field) in enumerate(zip(parts, _FIELDS, strict=True)):
            values, certain, picks, note = _parse_field(part, field, dialect)
            sets.append(values)
            fixed.append(certain)
            random.extend((index, lo, hi) for lo, hi in picks)
            if note:
                notes.append(note)
        schedule = cls(
            expr=expr, dialect=dialect, minutes=sets[0], hours=sets[1], doms=sets[2],
            months=sets[3], dows=sets[4], dom_star=parts[2].startswith("*"),
            dow_star=parts[4].startswith("*"),
            wild=parts[0].startswith("*") or parts[1].startswith("*"), random=tuple(random),
            fixed=tuple(fixed) if random else ())
        reason = schedule._static_never(notes)
        return replace(schedule, never_reason=reason) if reason else schedule

    def _static_never(self, notes: list[str]) -> str | None:
        suffix = f" ({'; '.join(notes)})" if notes else ""
        for name, values in (("minute", self.minutes), ("hour", self.hours),
                             ("month", self.months)):
            if not values:
                return f"never fires: the {name} field is an empty set{suffix}"
        if self._day_and():
            if not self.doms or not self.dows:
                which = "day-of-month" if not self.doms else "day-of-week"
                return f"never fires: the {which} field is an empty set{suffix}"
            possible = any(d <= _max_days(m) for m in self.months for d in self.doms)
            if not possible:
                return (f"never fires: day {_list(self.doms)} does not occur in month "
                        f"{_list(self.months)}")
        elif not self.dows:
            if not self.doms:
                return f"never fires: no day matches{suffix}"
            if not any(d <= _max_days(m) for m in self.months for d in self.doms):
                return (f"never fires: day {_list(self.doms)} does not occur in month "
                        f"{_list(self.months)} and the day-of-week field is empty{suffix}")
        return None

    def _day_and(self) -> bool:
        return self.dom_star or self.dow_star

    # --- evaluation ------------------------------------------------------------------------

    def matches_day(self, year: int, month: int, day: int) -> bool:
        """Whether cron's DOM/DOW rule accepts this date (month already matched)."""
        dow = (calendar.weekday(year, month, day) + 1) % 7
        dom_ok = _contains(self.doms, day)
        dow_ok = _contains(self.dows, dow)
        return (dom_ok and dow_ok) if self._day_and() else (dom_ok or dow_ok)

    def next_after(self, local: datetime) -> datetime | None:
        """The first run strictly after `local` (aware, in the cron daemon's zone), as an aware
        datetime in that zone; None when it never fires (see `never_reason`). For a cronie
        schedule with `~` this is the earliest possible run (see `window_after`)."""
        if local.tzinfo is None:
            raise ValueError("next_after needs an aware datetime in the target's zone")
        if self.never_reason:
            return None
        tz = local.tzinfo
        base = local.astimezone(UTC)
        start = base.replace(second=0, microsecond=0) + _MINUTE
        # Wall minutes skipped by a DST jump right after `local` lie between these two walls.
        first_wall = min(_wall(start, tz), local.replace(tzinfo=None, second=0, microsecond=0,
                                                         fold=0) + _MINUTE)
        found = self._next_instant(start, first_wall, tz)
        return found.astimezone(tz) if found else None

    def window_after(self, local: datetime) -> tuple[datetime, datetime] | None:
        """Earliest and latest possible next run after `local`; equal unless cronie's `~`
        left a value to chance. None when no choice of values ever fires."""
        if not self.random:
            at = self.next_after(local)
            return (at, at) if at else None
        choices = [range(lo, hi + 1) for _, lo, hi in self.random]
        total = 1
        for c in choices:
            total *= len(c)
        combos: Iterable[tuple[int, ...]] = itertools.product(*choices)
        if total > _MAX_RANDOM_COMBINATIONS:
            # Too many to try them all: take the corner choices plus a fixed sample, so the
            # latest end is an estimate (the earliest stays exact, see below).
            rng = Random(self.expr)
            corners = itertools.product(*[(c[0], c[-1]) for c in choices])
            sample = [tuple(rng.choice(c) for c in choices)
                      for _ in range(_MAX_RANDOM_COMBINATIONS)]
            combos = itertools.chain(corners, sample)
        found: list[datetime] = []
        earliest = self.next_after(local)     # every value is possible, so this is exact
        if earliest:
            found.append(earliest)
        for combo in combos:
            fixed = self._with_random_values(combo)
            at = fixed.next_after(local)
            if at:
                found.append(at)
        if not found:
            return None
        return min(found), max(found)

    def _with_random_values(self, combo: tuple[int, ...]) -> CronSchedule:
        sets: list[set[int]] = [set(values) for values in self.fixed]
        for (index, _, _), value in zip(self.random, combo, strict=True):
            sets[index].add(value % 7 if index == 4 else value)
        minutes, hours, doms, months, dows = (tuple(sorted(s)) for s in sets)
        return replace(self, random=(), fixed=(), minutes=minutes, hours=hours, doms=doms,
                       months=months, dows=dows)

    def _next_instant(self, start: datetime, wall: datetime, tz: tzinfo) -> datetime | None:
        """First run instant (UTC) at or after `start` (UTC, minute aligned), searching wall
        times from `wall` on."""
        for _ in range(4 * 24 * 60):
            at_wall = self._next_wall(wall)
            if at_wall is None:
                return None
            first = _instant(at_wall, tz, 0)
            if _wall(first, tz) != at_wall:
                # The wall time is skipped by a DST jump.
                if self.wild:
                    wall = at_wall + _MINUTE
                    continue
                second = _instant(at_wall, tz, 1)
                return _first_with_offset(tz, second, first, first.astimezone(tz).utcoffset())
            second = _instant(at_wall, tz, 1)
            if first >= start:
                found = first
            elif self.wild and second >= start:
                found = second
            else:
                wall = at_wall + _MINUTE
                continue
            if self.wild:
                found = self._repeated_hour_run(start, found, tz) or found
            return found
        return None

    def _repeated_hour_run(self, start: datetime, found: datetime,
                           tz: tzinfo) -> datetime | None:
        """A wildcard job also runs in the second pass of a repeated hour; find such a run
        between start and found if the clock goes back in between."""
        for when, before, after in _transitions(tz, start, found):
            if after >= before:
                continue
            wall = (when + after).replace(tzinfo=None)
            end_wall = (when + before).replace(tzinfo=None)
            at_wall = self._next_wall(wall)
            if at_wall is not None and at_wall < end_wall:
                at = _instant(at_wall, tz, 1)
                if start <= at < found:
                    return at
        return None

    def _next_wall(self, wall: datetime) -> datetime | None:
        """First naive wall-clock minute >= wall that the five fields accept."""
        year, month, day, hour, minute = wall.year, wall.month, wall.day, wall.hour, wall.minute
        limit = year + SEARCH_YEARS
        while year <= limit:
            m = _next_value(self.months, month)
            if m is None:
                year, month, day, hour, minute = year + 1, self.months[0], 1, 0, 0
                continue
            if m != month:
                month, day, hour, minute = m, 1, 0, 0
            last = calendar.monthrange(year, month)[1]
            d = day
            while d <= last and not self.matches_day(year, month, d):
                d += 1
            if d > last:
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
                day, hour, minute = 1, 0, 0
                continue
            if d != day:
                day, hour, minute = d, 0, 0
            h = _next_value(self.hours, hour)
            if h is None:
                day, hour, minute = day + 1, 0, 0
                if day > last:
                    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
                    day = 1
                continue
            if h != hour:
                hour, minute = h, 0
            mi = _next_value(self.minutes, minute)
            if mi is None:
                hour, minute = hour + 1, 0
                if hour > 23:
                    day, hour = day + 1, 0
                    if day > last:
                        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
                        day = 1
                continue
            return datetime(year, month, day, hour, mi)
        return None


_FieldValues = tuple[tuple[int, ...], tuple[int, ...], list[tuple[int, int]], str]


def _parse_field(text: str, field: _Field, dialect: str) -> _FieldValues:
    """Values of one field (random ranges included), the values not left to chance, its
    random picks (cronie '~') and a note on reversed ranges."""
    values: set[int] = set()
    certain: set[int] = set()
    picks: list[tuple[int, int]] = []
    note = ""
    for element in text.split(","):
        if not element:
            raise ValueError(f"{field.name} field {text!r}: empty list element")
        random = _RANDOM.match(element)
        if random:
            if dialect != "cronie":
                raise ValueError(f"{field.name} field {text!r}: '~' is cronie-only syntax")
            lo = _number(random["a"], field, text) if random["a"] else field.low
            hi = _number(random["b"], field, text) if random["b"] else field.high
            if lo > hi:
                raise ValueError(f"{field.name} field {text!r}: reversed random range")
            picks.append((lo, hi))
            values.update(range(lo, hi + 1))
            continue
        match = _ELEMENT.match(element)
        if not match:
            raise ValueError(f"{field.name} field {text!r}: cannot parse {element!r}")
        step = 1
        if match["s"] is not None:
            step = int(match["s"])
            if step <= 0:
                raise ValueError(f"{field.name} field {text!r}: step must be at least 1")
        if match["a"] == "*":
            if match["b"] is not None:
                raise ValueError(f"{field.name} field {text!r}: '*' cannot start a range")
            lo, hi = field.low, field.high
        else:
            lo = _number(match["a"], field, text)
            if match["b"] is None:
                if match["s"] is not None:
                    raise ValueError(f"{field.name} field {text!r}: step without range "
                                     f"({element!r}; write {match['a']}-{field.high}/{step})")
                hi = lo
            else:
                hi = _number(match["b"], field, text)
        if lo > hi:
            if dialect == "cronie" and field.name == "day-of-week" and hi == 0:
                hi = 7
            elif dialect == "cronie":
                raise ValueError(f"{field.name} field {text!r}: reversed range {element!r}")
            else:
                note = f"reversed range {element!r} is an empty set in {dialect} cron"
                continue
        values.update(range(lo, hi + 1, step))
        certain.update(range(lo, hi + 1, step))
    if field.name == "day-of-week":
        values = {v % 7 for v in values}
        certain = {v % 7 for v in certain}
    return tuple(sorted(values)), tuple(sorted(certain)), picks, note


def _number(token: str, field: _Field, text: str) -> int:
    if token.isdigit():
        value = int(token)
    elif field.names and token.lower() in field.names:
        value = field.names.index(token.lower()) + field.name_base
    else:
        raise ValueError(f"{field.name} field {text!r}: {token!r} is not a number"
                         + (" or a 3-letter name" if field.names else ""))
    if not field.low <= value <= field.high:
        raise ValueError(f"{field.name} field {text!r}: {value} is out of range "
                         f"{field.low}-{field.high}")
    return value


def _contains(values: tuple[int, ...], value: int) -> bool:
    i = bisect.bisect_left(values, value)
    return i < len(values) and values[i] == value


def _next_value(values: tuple[int, ...], value: int) -> int | None:
    i = bisect.bisect_left(values, value)
    return values[i] if i < len(values) else None


def _max_days(month: int) -> int:
    return 29 if month == 2 else calendar.monthrange(2001, month)[1]


def _list(values: tuple[int, ...]) -> str:
    return ",".join(str(v) for v in values)


def _wall(instant: datetime, tz: tzinfo) -> datetime:
    return instant.astimezone(tz).replace(tzinfo=None, fold=0)


def _instant(wall: datetime, tz: tzinfo, fold: int) -> datetime:
    return wall.replace(tzinfo=tz, fold=fold).astimezone(UTC)


def _offset(tz: tzinfo, instant: datetime) -> timedelta:
    offset = instant.astimezone(tz).utcoffset()
    return offset if offset is not None else timedelta(0)


def _first_with_offset(tz: tzinfo, low: datetime, high: datetime,
                       offset: timedelta | None) -> datetime:
    """Binary search (to the second) for the first instant in (low, high] with `offset`, where
    the offset changes exactly once in that span: the moment of a zone transition."""
    while high - low > timedelta(seconds=1):
        mid = low + (high - low) / 2
        mid = mid.replace(microsecond=0)
        if mid <= low:
            break
        if _offset(tz, mid) == offset:
            high = mid
        else:
            low = mid
    return high


def _transitions(tz: tzinfo, start: datetime, end: datetime):
    """Zone transitions in (start, end], as (instant, offset before, offset after). Scans in
    12-hour steps (no zone changes twice in 12 hours) and at most two years ahead."""
    step = timedelta(hours=12)
    end = min(end, start + timedelta(days=731))
    low, before = start, _offset(tz, start)
    while low < end:
        high = min(low + step, end)
        after = _offset(tz, high)
        if after != before:
            yield _first_with_offset(tz, low, high, after), before, after
            before = after
        low = high
