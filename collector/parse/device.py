"""Device targets → line data rows and device-side jobs, read by the target's collector platform
(collector.platforms, chosen from its facts), so SNMP, CLI and saved-config views all come out in
one shape; and the device clock zone the jobs are timed in."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lineguard.collector import platforms
from lineguard.collector.model import (
    CalendarTrigger,
    CronTrigger,
    DelayedTrigger,
    Job,
    LineDataRow,
    Trigger,
)
from lineguard.formats.timespan import format_timespan
from lineguard.formats.wire import Target


class IncompleteTarget(ValueError):
    """Line data was asked of a poll that did not complete: it must not be read as 'no rows'."""


# Zone abbreviations devices commonly print without an offset, mapped to their IANA zone.
_ABBREVIATIONS = {"UTC": "UTC", "GMT": "UTC", "JST": "Asia/Tokyo", "KST": "Asia/Seoul"}
_IOS_CLOCK = re.compile(r"^(\S+) (-?)(\d+)(?: (\d+))?$")


@dataclass(frozen=True)
class DeviceZone:
    tz: tzinfo
    name: str                 # IANA-compatible name used for Job.timezone
    note: str | None = None   # why the zone is approximate, if it is


def device_zone(stated: str | None) -> DeviceZone:
    """The device clock zone as stated (`JST 9 0` from `clock timezone`, `Asia/Tokyo` from
    an IANA name, or a bare abbreviation) as an IANA zone: fixed offsets map to Etc/GMT∓N."""
    if not stated:
        return DeviceZone(UTC, "UTC", "device clock zone unknown; read as UTC")
    stated = stated.strip()
    if m := _IOS_CLOCK.match(stated):
        abbr, sign, hours, minutes = m.group(1), m.group(2), int(m.group(3)), int(m.group(4) or 0)
        if hours > 23 or minutes > 59:   # beyond what `clock timezone` accepts: garbled
            return DeviceZone(UTC, "UTC", f"device clock zone {stated!r} is no UTC offset; "
                                          f"read as UTC")
        if not minutes and hours <= (12 if sign else 14):   # the span of the Etc/GMT zones
            if hours == 0:
                return DeviceZone(UTC, "UTC")
            # Etc/ zones invert the sign: UTC+9 is Etc/GMT-9.
            name = f"Etc/GMT{'+' if sign else '-'}{hours}"
            return DeviceZone(ZoneInfo(name), name)
        offset = timedelta(hours=hours, minutes=minutes) * (-1 if sign else 1)
        return DeviceZone(timezone(offset, abbr), "UTC",
                          f"device clock {stated} (UTC{sign or '+'}{hours:02d}:{minutes:02d}) has "
                          f"no IANA name; read as UTC{sign or '+'}{hours:02d}:{minutes:02d}")
    name = _ABBREVIATIONS.get(stated.upper(), stated)
    try:
        return DeviceZone(ZoneInfo(name), name)
    except (ZoneInfoNotFoundError, ValueError):
        return DeviceZone(UTC, "UTC", f"device clock zone {stated!r} is not known; read as UTC")


def line_data(target: Target) -> list[LineDataRow]:
    """Rows of a complete poll. Raises IncompleteTarget for any other status, so that a failed
    or cut-short poll can never be mistaken for deleted line data, and UnknownPlatform (a
    ValueError) when no collector platform reads the device."""
    if target.status != "ok":
        raise IncompleteTarget(f"device {target.name} was not read completely "
                               f"({target.status}: {target.error}); its line data is unknown")
    platform = platforms.for_facts(target.facts)
    art = target.artifact(platform.config_artifact)
    text = art.text() if art is not None else None
    if text is None:
        raise IncompleteTarget(f"device {target.name} has no {platform.config_artifact} artifact")
    return platform.line_data(target.name, text)


def jobs(target: Target) -> list[Job]:
    """Jobs the device will run by itself, from whatever was read (a partial config's jobs are
    still real; only an absent config yields none). A platform without a job parser (an
    SNMP-only ATM switch) has none to report. A schedule read off the device's wall clock runs
    by that clock: when it is set ahead (or behind), the job fires that much earlier (later)."""
    platform = platforms.for_target(target)
    if platform is None:
        return []
    zone = device_zone(target.facts.get("timezone"))
    found = platform.jobs(target, zone)
    if zone.note:
        found = [j if j.problem else _with_problem(j, zone.note) for j in found]
    offset = clock_offset(target)
    if offset is not None:
        note = (f"the device clock runs {format_timespan(abs(offset.total_seconds()))} "
                f"{'ahead' if offset > timedelta(0) else 'behind'}, so it fires that much "
                f"{'earlier' if offset > timedelta(0) else 'later'} than its schedule reads")
        found = [replace(j, trigger=DelayedTrigger(j.trigger, -offset.total_seconds(), note,
                                                             clock=True))
                 if _wall_clock(j.trigger) else j for j in found]
    return found


def _wall_clock(trigger: Trigger) -> bool:
    """Whether the trigger is read off the device's wall clock (a cron entry or calendar, maybe
    delayed or conditioned), not counted from when it was read (`reload in`, a countdown)."""
    if isinstance(trigger, CronTrigger | CalendarTrigger):
        return True
    base = getattr(trigger, "base", None)
    return base is not None and _wall_clock(base)


# How far a device clock may be from the agent's before schedules are read by it (NTP keeps
# them within seconds; a poll takes a while).
CLOCK_TOLERANCE = timedelta(minutes=5)


def clock_offset(target: Target) -> timedelta | None:
    """How far the device's own clock was from the agent's when it was read (positive: ahead),
    or None when it is within CLOCK_TOLERANCE or cannot be told."""
    platform = platforms.for_target(target)
    polled = polled_at(target)
    if platform is None or platform.clock is None or polled is None:
        return None
    shown = platform.clock(target, device_zone(target.facts.get("timezone")))
    if shown is None:
        return None
    offset = shown - polled
    return offset if abs(offset) > CLOCK_TOLERANCE else None


def _with_problem(job: Job, note: str) -> Job:
    return replace(job, problem=note)


def polled_at(target: Target) -> datetime | None:
    """When the agent read the device (UTC), as its facts say; None when they do not."""
    value = target.facts.get("polled_at")
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None
