"""When each job fires next: `next_fire(trigger, now, tz)` for every trigger kind of
collector.model, and `countdown(now, fire)` for people.

`now` is aware (UTC); schedules are read in the target's own zone `tz` (IANA name; an unknown
name falls back to UTC and says so in the note). Every returned datetime is UTC. Parsed specs are
cached, so judging 10,000 jobs costs little more than the date arithmetic.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from lineguard.collector.model import (
    AbsoluteTrigger,
    AnacronTrigger,
    BootTrigger,
    CalendarTrigger,
    ConditionalTrigger,
    CountedTrigger,
    CronTrigger,
    DelayedTrigger,
    EventTrigger,
    Fire,
    HookTrigger,
    IntervalTrigger,
    LoginTrigger,
    Trigger,
    UnparsableTrigger,
)
from lineguard.collector.schedule.calendar import CalendarSpec
from lineguard.collector.schedule.cron import SEARCH_YEARS, CronSchedule
from lineguard.formats.timespan import format_timespan, parse_timespan

# Debian's anacron.timer: OnCalendar=*-*-* 07..23:30, RandomizedDelaySec=5m.
DEBIAN_ANACRON_HOURS = (7, 23)
DEBIAN_ANACRON_MINUTE = 30
DEBIAN_ANACRON_RANDOM = timedelta(minutes=5)
# cronie: 0anacron in cron.hourly runs at minute 01 of each hour; RHEL's /etc/anacrontab sets
# RANDOM_DELAY=45 (minutes), which the trigger does not carry, so it is assumed.
CRONIE_ANACRON_MINUTE = 1
CRONIE_ANACRON_RANDOM = timedelta(minutes=45)

_MONOTONIC = {
    "OnBootSec": "after boot",
    "OnStartupSec": "after the service manager started",
    "OnActiveSec": "after the timer was started",
    "OnUnitActiveSec": "after last activation",
    "OnUnitInactiveSec": "after the service last finished",
}


def next_fire(trigger: Trigger, now: datetime, tz: str) -> Fire:
    """When `trigger` fires next, as of `now`, reading its schedule in zone `tz`."""
    now = _utc(now)
    zone, zone_note = _zone(tz)
    fire = _dispatch(trigger, now, zone)
    if zone_note:
        return Fire(fire.kind, fire.at, fire.latest, _join(fire.note, zone_note))
    return fire


def countdown(now: datetime, fire: Fire) -> str:
    """Human countdown: "in 74d 09h", "in 3h 12m", "in 45s", "overdue 2h", "at boot", "never"."""
    if fire.kind in _NO_CLOCK:
        return _NO_CLOCK[fire.kind]
    if fire.kind in ("never", "unknown", "running"):
        return fire.kind
    if fire.at is None:
        return fire.note or fire.kind
    now = _utc(now)
    delta = (fire.at - now).total_seconds()
    if delta < 0:
        return f"overdue {_span(-delta)}"
    text = f"in {_span(delta)}"
    if fire.kind == "window" and fire.latest is not None:
        until = _span((fire.latest - now).total_seconds())
        if until != _span(delta):
            text += f"..{until}"
    return text


# --- per trigger kind -----------------------------------------------------------------------------


def _dispatch(trigger: Trigger, now: datetime, zone: tzinfo) -> Fire:
    if isinstance(trigger, CronTrigger):
        return _cron(trigger, now, zone)
    if isinstance(trigger, CalendarTrigger):
        return _calendar(trigger, now, zone)
    if isinstance(trigger, AbsoluteTrigger):
        return _absolute(trigger, now, zone)
    if isinstance(trigger, IntervalTrigger):
        return _interval(trigger, now, zone)
    if isinstance(trigger, DelayedTrigger):
        return _delayed(trigger, now, zone)
    if isinstance(trigger, CountedTrigger):
        return _counted(trigger, now, zone)
    if isinstance(trigger, ConditionalTrigger):
        fire = _dispatch(trigger.base, now, zone)
        return Fire(fire.kind, fire.at, fire.latest, _join(fire.note, trigger.condition))
    if isinstance(trigger, AnacronTrigger):
        return _anacron(trigger, now, zone)
    if isinstance(trigger, BootTrigger | EventTrigger | LoginTrigger | HookTrigger):
        return _not_clock(trigger, now, zone)
    if isinstance(trigger, UnparsableTrigger):
        return Fire("unknown", note=trigger.reason)
    return Fire("unknown", note=f"no timing rule for {type(trigger).__name__}")


def _cron(trigger: CronTrigger, now: datetime, zone: tzinfo) -> Fire:
    schedule, error = _parse_cron(trigger.expr, trigger.dialect)
    if schedule is None:
        return Fire("unknown", note=f"unparsable cron schedule: {error}")
    if schedule.reboot:
        return Fire("boot", note="at boot (@reboot)")
    if schedule.never_reason:
        return Fire("never", note=schedule.never_reason)
    local = now.astimezone(zone)
    if schedule.random:
        window = schedule.window_after(local)
        if window is None:
            return Fire("never", note=f"no matching time within {SEARCH_YEARS} years")
        return Fire("window", _utc(window[0]), _utc(window[1]),
                    note="cronie '~' picks a random value when the crontab is loaded")
    at = schedule.next_after(local)
    if at is None:
        return Fire("never", note=f"no matching time within {SEARCH_YEARS} years")
    return Fire("exact", _utc(at))


def _calendar(trigger: CalendarTrigger, now: datetime, zone: tzinfo) -> Fire:
    notes: list[str] = []
    earliest: datetime | None = None
    parsed = 0
    for text in trigger.calendars:
        spec, error = _parse_calendar(text)
        if spec is None:
            notes.append(f"unparsable OnCalendar={text}: {error}")
            continue
        parsed += 1
        at = spec.next_after(now, zone)
        if at is not None and (earliest is None or at < earliest):
            earliest = at
    relative = _monotonic_notes(trigger, notes)
    delay = trigger.randomized_delay_s
    delay_note = [f"plus up to {format_timespan(delay)} random delay"] if delay > 0 else []
    if math.isinf(delay):
        delay_note = ["plus a random delay without bound (RandomizedDelaySec=infinity)"]
    if earliest is not None:
        note = "; ".join(notes + [f"also {r}" for r in relative] + delay_note)
        if delay > 0:
            # the window opens at the calendar time; an unbounded delay (or one past the
            # year 9999) leaves it open: the earliest moment is still when it may fire
            try:
                latest = None if math.isinf(delay) else earliest + timedelta(seconds=delay)
            except OverflowError:
                latest = None
            return Fire("window", earliest, latest, note)
        return Fire("exact", earliest, note=note)
    if relative:
        note = "; ".join(relative + delay_note + notes)
        return Fire("relative", note=note)
    if parsed:
        return Fire("never", note="; ".join(["OnCalendar never elapses again"] + notes))
    return Fire("unknown", note="; ".join(notes) or "timer has no trigger")


def _monotonic_notes(trigger: CalendarTrigger, problems: list[str]) -> list[str]:
    out = []
    for name, span in trigger.monotonic:
        try:
            parse_timespan(span)
        except ValueError as exc:
            problems.append(f"unparsable {name}={span}: {exc}")
            continue
        out.append(f"{span.strip()} {_MONOTONIC.get(name, 'after ' + name)}")
    return out


def _absolute(trigger: AbsoluteTrigger, now: datetime, zone: tzinfo) -> Fire:
    when = trigger.when if trigger.when.tzinfo else trigger.when.replace(tzinfo=zone)
    at = _utc(when)
    if at > now:
        return Fire("exact", at, note=trigger.note)
    return Fire("exact", at, note=_join(trigger.note, "overdue"))


def _interval(trigger: IntervalTrigger, now: datetime, zone: tzinfo) -> Fire:
    if trigger.seconds <= 0:
        return Fire("unknown", note=f"interval of {trigger.seconds}s")
    span = format_timespan(trigger.seconds)
    period = timedelta(seconds=trigger.seconds)
    if trigger.anchor is None and trigger.once and trigger.unrun_at is not None:
        read = _utc(trigger.unrun_at)
        if read + period <= now:
            return Fire("unknown", note=f"once, {span} after it was set; still pending when "
                                        f"read at {_iso(read)}, so due by {_iso(read + period)}")
        return Fire("window", max(now, read), read + period,
                    note=f"once, {span} after it was set; still pending when read at {_iso(read)}")
    if trigger.anchor is None and trigger.once:
        return Fire("unknown", note=f"once, {span} after it was set, and when it was set (or "
                                    f"whether it already ran) is not shown")
    if trigger.anchor is None:
        # the phase is not shown, but a repeating timer fires within one period of any instant
        return Fire("window", now, now + period,
                    note=f"every {span} from an instant not shown: next within {span}")
    anchor = _utc(trigger.anchor if trigger.anchor.tzinfo else trigger.anchor.replace(tzinfo=zone))
    if trigger.once:
        at = anchor + period
        if at > now:
            return Fire("exact", at, note=f"once, {span} after {_iso(anchor)}")
        return Fire("never", note=f"one-shot was due {_iso(at)} and has passed")
    if anchor > now:
        return Fire("exact", anchor, note=f"every {span}")
    periods = (now - anchor) // period + 1
    return Fire("exact", anchor + periods * period, note=f"every {span}")


def _delayed(trigger: DelayedTrigger, now: datetime, zone: tzinfo) -> Fire:
    """The effect comes `seconds` after the base fires, so a base fire within the last
    `seconds` still has its effect ahead: look for the base's fire after now - seconds."""
    delay = timedelta(seconds=trigger.seconds)
    what = trigger.note if trigger.clock else \
        _join(trigger.note, f"{format_timespan(trigger.seconds)} after it starts")
    try:
        base = _dispatch(trigger.base, now - delay, zone)
    except OverflowError:
        return Fire("unknown", note=f"{what}: past the calendar's range")
    if base.at is None:
        return Fire(base.kind, note=_join(base.note, what))
    try:
        at = base.at + delay
        latest = base.latest + delay if base.latest is not None else None
    except OverflowError:
        return Fire("never", note=f"{what}: past the year 9999")
    if base.kind == "exact" and at <= now:
        return Fire("exact", at, note=_join(base.note, what, "overdue"))
    return Fire(base.kind, at, latest, _join(base.note, what))


def _counted(trigger: CountedTrigger, now: datetime, zone: tzinfo) -> Fire:
    """A policy run on the count of an event that occurs every `period_s`, within a sliding
    window of `window_s`. Once the event has occurred for a whole window, the count stays at
    M (ceil(W/P); W/P + 1 as well when the window ends exactly on an occurrence, since the
    device's boundary rule is not documented: either is taken). Before that it climbs 1, 2, ...
    With a known anchor (start-time) the climb is placed exactly; otherwise it began when the
    policy took effect, which the configuration does not say."""
    p, w, n, mode = trigger.period_s, trigger.window_s, trigger.count, trigger.mode
    if p <= 0 or w <= 0 or n < 0 or mode not in ("on", "after", "until"):
        return Fire("unknown", note=f"cannot count: every {p}s, within {w}s, {mode} {n}")
    saturated = {-(-w // p), w // p + 1}
    top = max(saturated)

    def runs(count: int) -> bool:
        return count == n if mode == "on" else count > n if mode == "after" else count < n

    what = _join(f"trigger {mode} {n} within {format_timespan(w)} of an event every "
                 f"{format_timespan(p)}", trigger.note)
    steady = any(runs(m) for m in saturated)
    climb = [c for c in range(1, min(saturated)) if runs(c)]
    base = trigger.base
    if isinstance(base, IntervalTrigger) and base.anchor is not None:
        anchor = _utc(base.anchor if base.anchor.tzinfo else base.anchor.replace(tzinfo=zone))
        period = timedelta(seconds=p)
        k = 0 if anchor > now else (now - anchor) // period + 1
        while True:
            counts = {min(k + 1, m) for m in saturated}
            if any(runs(c) for c in counts):
                return Fire("exact", anchor + k * period,
                            note=_join(what, f"occurrence {k + 1} from {_iso(anchor)}"))
            if k + 1 >= top:
                return Fire("never", note=_join(what, f"the count stays at {_counts(saturated)}"
                                                      " from here on"))
            k += 1
    fire = _dispatch(base, now, zone)
    if steady:
        return Fire(fire.kind, fire.at, fire.latest,
                    _join(fire.note, what, f"runs at every occurrence while the count is "
                                           f"{_counts(saturated)}"))
    if climb:
        firsts = ", ".join(str(c) for c in climb[:5]) + (", ..." if len(climb) > 5 else "")
        return Fire("relative", note=_join(what, f"only at occurrence {firsts} after the policy "
                                                 "took effect (commit or restart of the event "
                                                 "daemon), never in steady state"))
    return Fire("never", note=_join(what, f"the count never exceeds {top}"))


def _counts(values: set[int]) -> str:
    return " or ".join(str(v) for v in sorted(values))


def _anacron(trigger: AnacronTrigger, now: datetime, zone: tzinfo) -> Fire:
    """Window for an anacron job, assuming the host stays up.

    The job is due on `due` = last run + period (the next month/year for @monthly/@yearly; today
    when there is no stamp; today when that day has passed). anacron itself only runs at set
    times: Debian's anacron.timer at HH:30 from 07:30 to 23:30 with up to 5 min random delay;
    cronie's 0anacron at HH:01 within START_HOURS_RANGE with RANDOM_DELAY (assumed 45 min).
    earliest = first such run at or after max(now, due 00:00), plus the job's delay;
    latest = earliest + that random delay. A reboot can start it earlier (anacron also runs at
    boot); that is noted, not modelled."""
    local_now = now.astimezone(zone)
    today = local_now.date()
    due = _anacron_due(trigger, today)
    if due is None:
        return Fire("unknown", note=f"unparsable anacron period {trigger.period!r}")
    due = max(due, today)
    start = max(local_now, datetime.combine(due, time(0), zone))
    if trigger.start_hours is not None:
        hours, minute, spread = trigger.start_hours, CRONIE_ANACRON_MINUTE, CRONIE_ANACRON_RANDOM
        first, last = hours[0], hours[1] - 1     # START_HOURS_RANGE=3-22 runs 03:xx..21:xx
    else:
        hours, minute, spread = DEBIAN_ANACRON_HOURS, DEBIAN_ANACRON_MINUTE, DEBIAN_ANACRON_RANDOM
        first, last = hours
    run = _next_hourly_slot(start, first, last, minute, zone)
    if run is None:
        return Fire("unknown", note=f"anacron start hours {hours} never occur")
    earliest = _utc(run) + timedelta(minutes=trigger.delay_min)
    note = (f"anacron, due {due.isoformat()}, delay {trigger.delay_min} min"
            " (or soon after boot)")
    return Fire("window", earliest, earliest + spread, note)


def _anacron_due(trigger: AnacronTrigger, today: date) -> date | None:
    period = trigger.period.strip()
    last = trigger.last_run
    if last is None:
        return today
    if period in ("@monthly", "monthly"):
        return date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    if period in ("@yearly", "yearly", "@annually", "annually"):
        return date(last.year + 1, 1, 1)
    days = {"@daily": 1, "daily": 1, "@weekly": 7, "weekly": 7}.get(period)
    if days is None:
        if not period.isdigit():
            return None
        days = int(period)
    return last + timedelta(days=days)


def _next_hourly_slot(start: datetime, first: int, last: int, minute: int,
                      zone: tzinfo) -> datetime | None:
    if not 0 <= first <= last <= 23:
        return None
    day = start.date()
    for _ in range(3):
        for hour in range(first, last + 1):
            slot = datetime.combine(day, time(hour, minute), zone)
            if slot >= start:
                return slot
        day += timedelta(days=1)
    return None


# --- triggers that are not a clock ----------------------------------------------------------

_NO_CLOCK = {"boot": "at boot", "event": "on event", "login": "at login", "hook": "with its job"}


def _not_clock(trigger: BootTrigger | EventTrigger | LoginTrigger | HookTrigger, now: datetime,
               zone: tzinfo) -> Fire:
    """Boot, event and login triggers have no clock time and say what they wait for; a hook
    fires with the job that runs it (logrotate's next run), not before it can be due."""
    if isinstance(trigger, BootTrigger):
        return Fire("boot", note=trigger.note)
    if isinstance(trigger, EventTrigger):
        return Fire("event", note=f"{trigger.event}: no clock time")
    if isinstance(trigger, LoginTrigger):
        return Fire("login", note=f"at login of {trigger.who} ({trigger.how}): no clock time")
    what = f"with {trigger.host_job}: {trigger.operation}"
    if trigger.via is None:
        return Fire("hook", note=f"{what}: no clock time")
    start = now
    if trigger.not_before is not None and _utc(trigger.not_before) > now:
        start = _utc(trigger.not_before)
        what += f", due {_iso(start)}"
    fires = [_dispatch(t, start, zone) for t in (trigger.via, *trigger.also)]
    timed = [f for f in fires if f.at is not None]
    if not timed:
        return Fire("hook", note=_join(what, fires[0].note))
    ahead = [f for f in timed if f.at is not None and f.at >= start] or timed
    host = min(ahead, key=lambda f: f.at or start)
    return Fire(host.kind, host.at, host.latest, _join(what, host.note))


# --- helpers --------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _parse_cron(expr: str, dialect: str) -> tuple[CronSchedule | None, str]:
    try:
        return CronSchedule.parse(expr, dialect), ""
    except ValueError as exc:
        return None, str(exc)


@lru_cache(maxsize=4096)
def _parse_calendar(text: str) -> tuple[CalendarSpec | None, str]:
    try:
        return CalendarSpec.parse(text), ""
    except ValueError as exc:
        return None, str(exc)


@lru_cache(maxsize=512)
def _zone(name: str) -> tuple[tzinfo, str]:
    try:
        return ZoneInfo(name), ""
    except (ValueError, OSError, KeyError):
        return UTC, f"unknown time zone {name!r}, read as UTC"


def _utc(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        raise ValueError("timing needs aware datetimes")
    return dt.astimezone(UTC)


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _span(seconds: float) -> str:
    total = int(seconds)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours:02d}h"
    if hours:
        return f"{hours}h {minutes:02d}m" if minutes else f"{hours}h"
    if minutes:
        return f"{minutes}m {secs:02d}s" if secs else f"{minutes}m"
    return f"{secs}s"
