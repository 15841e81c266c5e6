"""Cisco IOS / IOS-XE: `show running-config` (or a saved copy of it) is the configuration; PVCs
and cross-connects are read from it, EEM timer applets, kron occurrences and a pending reload
are its jobs."""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from lineguard.collector.model import Job
from lineguard.collector.parse import ios
from lineguard.collector.parse.device import polled_at
from lineguard.collector.platforms import Platform, control_characters, first_and_last, register
from lineguard.collector.restore import ios as ios_restore
from lineguard.formats import banners
from lineguard.formats.wire import Target

if TYPE_CHECKING:
    from lineguard.collector.parse.device import DeviceZone

# How `show running-config` begins, or a saved copy of it (RANCID and Oxidized keep `!` comment
# headers, some archives start at `version`).
_BEGINNING = re.compile(r"^(?:Building configuration\.\.\.|Current configuration ?: \d+ bytes|!|"
                        r"version \S)")
# What the agent typed or the session printed around the output: never a configuration line.
_ECHO = re.compile(r"^\s*(?:\S+[>#]\s*)?(?:show running-config|terminal (?:length|width) \d+|"
                   r"enable)\s*$")
_HOSTNAME = re.compile(r"^hostname (\S+)\s*$", re.MULTILINE)


def _jobs(target: Target, zone: DeviceZone) -> list[Job]:
    config = _text(target, ios.CONFIG)
    reload_text = _text(target, "show-reload")
    ctx = ios.Context(device=target.name, zone=zone.tz, zone_name=zone.name,
                      polled_at=polled_at(target))
    if config:
        return ios.jobs(ctx, config, reload_text, _text(target, "show-kron-schedule"),
                        _text(target, "show-event-manager-policy-registered"))
    if reload_text:
        return ios.reload_jobs(ctx, reload_text)
    return []


# `show clock`: `*10:15:32.123 JST Wed Nov 25 2026` (a leading * or . : not authoritative)
_SHOW_CLOCK = re.compile(r"^[*.]?(\d{1,2}:\d\d:\d\d)(?:\.\d+)? \S+ \w{3} (\w{3}) (\d{1,2}) (\d{4})\s*$",
                         re.MULTILINE)


def _clock(target: Target, zone: DeviceZone) -> datetime | None:
    """What `show clock` read, in the device's clock zone."""
    m = _SHOW_CLOCK.search(_text(target, "show-clock") or "")
    if m is None:
        return None
    try:
        local = datetime.strptime(f"{m[4]} {m[2]} {m[3]} {m[1]}", "%Y %b %d %H:%M:%S")
    except ValueError:
        return None
    return local.replace(tzinfo=zone.tz)


def _text(target: Target, artifact: str) -> str | None:
    art = target.artifact(artifact)
    return art.text() if art is not None else None


def capture_problem(config: str, device: str) -> str | None:
    """Complete: begins as running-config does and ends with `end`, outside any banner. Clean:
    no prompt at the start of a line, no echoed command, no terminal control characters;
    banner text (formats.banners) is the operator's, where a prompt-like line is no prompt."""
    ends = first_and_last(config)
    if ends is None:
        return "empty configuration"
    (first_no, first), (last_no, last) = ends
    if not _BEGINNING.match(first):
        return (f"does not begin as a running-config does (line {first_no}: {first[:60]!r})")
    if last.strip() != "end":
        return f"does not end with 'end' (line {last_no}: {last[:60]!r}): truncated"
    text_lines = banners.verbatim(config)
    if text_lines.open:
        return "ends inside a banner (its closing ^C never came): truncated"
    names = {device, *_HOSTNAME.findall(config)}
    prompt = re.compile(r"^(?:" + "|".join(re.escape(n) for n in sorted(names)) +
                        r")(?:\([\w-]+\))?[>#]")
    for number, line in enumerate(config.splitlines(), 1):
        if number in text_lines.lines:
            continue
        if prompt.match(line):
            return f"device prompt at the start of line {number} ({line[:60]!r})"
        if _ECHO.match(line):
            return f"echoed command at line {number} ({line[:60]!r})"
    return control_characters(config)


PLATFORM = register(Platform(
    name="cisco_ios",
    config_artifact=ios.CONFIG,
    line_data=ios.line_data,
    jobs=_jobs,
    clock=_clock,
    volatile_artifacts=frozenset({"show-clock", "show-reload", "show-kron-schedule",
                                  "show-atm-vc"}),
    job_artifacts=frozenset({"show-event-manager-policy-registered"}),
    volatile_lines=re.compile(r"^(?:Building configuration|Current configuration ?:"
                              r"|! Last configuration change at |! NVRAM config last updated at "
                              r"|! No configuration change since last restart"
                              r"|ntp clock-period )"),
    filler_lines=re.compile(r"^\s*!?\s*$"),
    # printed from the logging and NTP association tables, whose order a reload or a name
    # resolved again changes
    unordered_lines=re.compile(r"^(?:logging host |ntp server |ntp peer |snmp-server host )"),
    capture_problem=capture_problem,
    restore=ios_restore.render,
))
