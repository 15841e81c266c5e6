"""anacron: /etc/anacrontab entries (period, delay, job id, command) with their last-run stamps
from /var/spool/anacron; `run-parts DIR` entries expand to the scripts run-parts would run."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from lineguard.collector.model import AnacronTrigger, Job, UnparsableTrigger
from lineguard.collector.parse.hostcontext import HostContext, line_number
from lineguard.collector.parse.runparts import RUN_PARTS_CALL, run_parts_jobs
from lineguard.formats.anacron import PERIODS, AnacronLine, read, stamp_date, stamp_path
from lineguard.formats.follow import artifact_name

# Bigger periods or delays (days, minutes) are a garbled line: no date could hold the next run.
_MAX_DAYS = 100 * 366


def jobs(ctx: HostContext) -> list[Job]:
    out: list[Job] = []
    for art in ctx.target.artifacts:
        if art.kind != "anacrontab" or art.content is None:
            continue
        env: dict[str, str] = {}
        for number, item in read(art.text() or ""):
            if isinstance(item, AnacronLine):
                out += entry_jobs(ctx, art.name, line_number(art, number), item.words, env)
            else:
                env[item[0]] = item[1]
    return out


def last_run(ctx: HostContext, job_id: str) -> date | None:
    art = ctx.artifacts.get(artifact_name(stamp_path(job_id)))
    stamp = stamp_date(art.text() or "") if art else None
    if stamp is None:
        return None
    # A stamp so far ahead that no next run fits in a date is garbled: read as never run.
    return stamp if stamp.year <= date.max.year - 200 else None


def _start_hours(env: dict[str, str]) -> tuple[int, int] | None:
    m = re.fullmatch(r"(\d{1,2})-(\d{1,2})", env.get("START_HOURS_RANGE", ""))
    return (int(m.group(1)), int(m.group(2))) if m else None


def entry_jobs(ctx: HostContext, origin: str, number: int, words: tuple[str, ...],
               env: dict[str, str]) -> list[Job]:
    schedule = " ".join(words[:2])
    base: dict[str, Any] = {"source": "anacron", "origin_path": origin, "origin_line": number,
                            "owner": "root", "schedule": schedule}
    problem = None
    if len(words) < 4:
        problem = "expected: period delay job-id command"
    elif not (words[0].isdecimal() or words[0] in PERIODS.get(ctx.dialect, PERIODS["debian"])):
        problem = f"bad period {words[0]!r} for {ctx.dialect} anacron"
    elif not words[1].isdecimal():
        problem = f"bad delay {words[1]!r}"
    elif words[0].isdecimal() and int(words[0]) > _MAX_DAYS:
        problem = f"period of {words[0]} days is more than 100 years"
    elif int(words[1]) > _MAX_DAYS * 1440:
        problem = f"delay of {words[1]} minutes is more than 100 years"
    if problem:
        command = words[3] if len(words) == 4 else ""
        return [ctx.job(**base, command=command, files=(), trigger=UnparsableTrigger(problem),
                        state="unparsable", problem=problem)]
    period, delay, job_id, command = words
    trigger = AnacronTrigger(period=period, delay_min=int(delay), last_run=last_run(ctx, job_id),
                             start_hours=_start_hours(env) if ctx.dialect == "cronie" else None)
    base["schedule"] = f"{period} {delay} {job_id}"
    call = RUN_PARTS_CALL.search(command)
    if call:
        return run_parts_jobs(ctx, call.group(2), "--lsbsysinit" in call.group(1),
                              {**base, "source": "run-parts", "trigger": trigger})
    return [ctx.job(**base, command=command, trigger=trigger)]
