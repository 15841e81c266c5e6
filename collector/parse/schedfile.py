"""A site's own scheduled command files (declared in the agent config, the declaration carried
in each artifact's meta "format"): one job per entry, its schedule read with the declared syntax
(cron, systemd calendar, an ISO date-time, an interval, or boot) in the host's zone."""

from __future__ import annotations

import math
from datetime import datetime

from lineguard.collector.model import (
    AbsoluteTrigger,
    BootTrigger,
    CalendarTrigger,
    CronTrigger,
    IntervalTrigger,
    Job,
    Trigger,
    UnparsableTrigger,
)
from lineguard.collector.parse.cron import schedule_problem
from lineguard.collector.parse.hostcontext import HostContext
from lineguard.collector.parse.systemd import calendar_problem
from lineguard.formats.schedfile import ScheduledFile, ScheduledFileError
from lineguard.formats.timespan import parse_timespan


def jobs(ctx: HostContext) -> list[Job]:
    out: list[Job] = []
    for art in ctx.of_kind("scheduled-file"):
        if art.content is None:
            continue
        try:
            spec = ScheduledFile.from_doc(art.meta.get("format"))
        except ScheduledFileError as e:
            why = f"declaration unusable: {e}"
            out.append(ctx.job(source="scheduled-file", origin_path=art.name, origin_line=None,
                               owner=None, schedule="", command="", files=(),
                               trigger=UnparsableTrigger(why), state="unparsable", problem=why))
            continue
        for entry in spec.entries(art.text() or ""):
            if len(entry) == 2:
                number, why = entry
                out.append(ctx.job(source=spec.name, origin_path=art.name, origin_line=number,
                                   owner=None, schedule="", command="", files=(),
                                   trigger=UnparsableTrigger(why), state="unparsable",
                                   problem=why))
                continue
            number, schedule, owner, command = entry
            trigger = read_schedule(spec.syntax, schedule, ctx.dialect, ctx.timezone)
            bad = trigger.reason if isinstance(trigger, UnparsableTrigger) else None
            out.append(ctx.job(source=spec.name, origin_path=art.name, origin_line=number,
                               owner=owner or ctx.owner_of(art), schedule=schedule,
                               command=command, trigger=trigger,
                               state="unparsable" if bad is not None else "active",
                               problem=bad))
    return out


def read_schedule(syntax: str, text: str, dialect: str, zone: str) -> Trigger:
    if syntax == "boot":
        return BootTrigger(f"at boot ({text})" if text else "at boot")
    if syntax == "cron":
        if text == "@reboot":
            return BootTrigger()
        problem = schedule_problem(text, dialect)
        return UnparsableTrigger(problem) if problem else CronTrigger(text, dialect)
    if syntax == "calendar":
        problem = calendar_problem(text)
        return UnparsableTrigger(problem) if problem else CalendarTrigger(calendars=(text,))
    if syntax == "interval":
        try:
            seconds = parse_timespan(text)
        except ValueError as e:
            return UnparsableTrigger(f"bad interval {text!r}: {e}")
        if not 1 <= seconds < math.inf:
            return UnparsableTrigger(f"bad interval {text!r}: it never repeats")
        return IntervalTrigger(seconds=int(seconds))
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return UnparsableTrigger(f"bad date-time {text!r} (expected ISO 8601)")
    if when.tzinfo is None:
        from zoneinfo import ZoneInfo
        when = when.replace(tzinfo=ZoneInfo(zone))
    return AbsoluteTrigger(when=when, note="scheduled file entry")
