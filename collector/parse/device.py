"""Device targets → line data rows and device-side jobs, dispatched by the target's platform and
collection method (facts), so SNMP, CLI and saved-config views all come out in one shape."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from agent.wire import Target
from collector.model import Job, LineDataRow
from collector.parse import atm_mib, ios, junos


class IncompleteTarget(ValueError):
    """Line data was asked of a poll that did not complete: it must not be read as 'no rows'."""


# Zone abbreviations IOS devices commonly print without an offset, mapped to their IANA zone.
_ABBREVIATIONS = {"UTC": "UTC", "GMT": "UTC", "JST": "Asia/Tokyo", "KST": "Asia/Seoul"}
_IOS_CLOCK = re.compile(r"^(\S+) (-?)(\d+)(?: (\d+))?$")


@dataclass(frozen=True)
class DeviceZone:
    tz: tzinfo
    name: str                 # IANA-compatible name used for Job.timezone
    note: str | None = None   # why the zone is approximate, if it is


def device_zone(stated: str | None) -> DeviceZone:
    """The device clock zone as stated (`JST 9 0` from `clock timezone`, `Asia/Tokyo` from
    Junos, or a bare abbreviation) as an IANA zone: fixed offsets map to Etc/GMT∓N."""
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


def _text(target: Target, artifact: str) -> str | None:
    art = target.artifact(artifact)
    return art.text() if art is not None else None


def _view(target: Target) -> str:
    method = target.facts.get("method")
    platform = target.facts.get("platform")
    if method == "snmp" or platform == "atm_mib":
        return "atm_mib"
    if platform in ("cisco_ios", "juniper_junos"):
        return platform
    raise ValueError(f"device {target.name}: no parser for platform {platform!r} "
                     f"read by {method!r}")


def line_data(target: Target) -> list[LineDataRow]:
    """Rows of a complete poll. Raises IncompleteTarget for any other status, so that a failed
    or cut-short poll can never be mistaken for deleted line data."""
    if target.status != "ok":
        raise IncompleteTarget(f"device {target.name} was not read completely "
                               f"({target.status}: {target.error}); its line data is unknown")
    view = _view(target)
    artifact = {"atm_mib": atm_mib.ARTIFACT, "cisco_ios": ios.CONFIG,
                "juniper_junos": junos.CONFIG}[view]
    text = _text(target, artifact)
    if text is None:
        raise IncompleteTarget(f"device {target.name} has no {artifact} artifact")
    parse = {"atm_mib": atm_mib.line_data, "cisco_ios": ios.line_data,
             "juniper_junos": junos.line_data}[view]
    return parse(target.name, text)


def jobs(target: Target) -> list[Job]:
    """Jobs the device will run by itself, from whatever was read (a partial config's jobs are
    still real; only an absent config yields none). A platform without a job parser (an
    SNMP-only ATM switch) has none to report."""
    try:
        view = _view(target)
    except ValueError:
        return []
    zone = device_zone(target.facts.get("timezone"))
    found: list[Job] = []
    if view == "cisco_ios":
        config = _text(target, ios.CONFIG)
        reload_text = _text(target, "show-reload")
        ctx = ios.Context(device=target.name, zone=zone.tz, zone_name=zone.name,
                          polled_at=_polled_at(target))
        if config:
            found = ios.jobs(ctx, config, reload_text, _text(target, "show-kron-schedule"))
        elif reload_text:
            found = ios.reload_jobs(ctx, reload_text)
    elif view == "juniper_junos":
        config = _text(target, junos.CONFIG)
        if config:
            found = junos.jobs(target.name, config, zone.name)
        reboot = _text(target, "show-system-reboot")
        if reboot:
            found += junos.reboot_jobs(target.name, reboot, zone.tz, zone.name)
    if zone.note:
        found = [j if j.problem else _with_problem(j, zone.note) for j in found]
    return found


def _with_problem(job: Job, note: str) -> Job:
    return replace(job, problem=note)


def _polled_at(target: Target) -> datetime | None:
    value = target.facts.get("polled_at")
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None
