"""anacron: /etc/anacrontab entries (period, delay, job id, command) with their last-run stamps
from /var/spool/anacron; `run-parts DIR` entries expand to the scripts run-parts would run."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from lineguard.agent.follow import artifact_name
from lineguard.agent.sources.host.anacron import logical_lines
from lineguard.collector.model import AnacronTrigger, Job, UnparsableTrigger
from lineguard.collector.parse.cron import _RUN_PARTS_CALL, run_parts_jobs
from lineguard.collector.parse.host import line_number

if TYPE_CHECKING:
    from lineguard.collector.parse.host import HostContext

STAMPS = "var/spool/anacron"
_ENV = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")
# Bigger periods or delays (days, minutes) are a garbled line: no date could hold the next run.
_MAX_DAYS = 100 * 366
_PERIODS = {"debian": ("@monthly", "@yearly"),
            "cronie": ("@daily", "@weekly", "@monthly", "@yearly")}


def jobs(ctx: HostContext) -> list[Job]:
    out: list[Job] = []
    for art in ctx.target.artifacts:
        if art.kind != "anacrontab" or art.content is None:
            continue
        env: dict[str, str] = {}
        for number, line in logical_lines(art.text() or ""):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            m = _ENV.match(stripped)
            if m and not stripped[0].isdecimal() and not stripped.startswith("@"):
                env[m.group(1)] = m.group(2).strip("'\"")
                continue
            out += entry_jobs(ctx, art.name, line_number(art, number), stripped, env)
    return out


def last_run(ctx: HostContext, job_id: str) -> date | None:
    stamp = ctx.artifacts.get(artifact_name(f"{STAMPS}/{job_id}"))
    text = (stamp.text() or "").strip() if stamp else ""
    if not re.fullmatch(r"\d{8}", text):
        return None
    try:
        day = date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None
    # A stamp so far ahead that no next run fits in a date is garbled: read as never run.
    return day if day.year <= date.max.year - 200 else None


def _start_hours(env: dict[str, str]) -> tuple[int, int] | None:
    m = re.fullmatch(r"(\d{1,2})-(\d{1,2})", env.get("START_HOURS_RANGE", ""))
    return (int(m.group(1)), int(m.group(2))) if m else None


def entry_jobs(ctx: HostContext, origin: str, number: int, line: str,
               env: dict[str, str]) -> list[Job]:
    words = line.split(None, 3)
    schedule = " ".join(words[:2])
    base: dict[str, Any] = {"source": "anacron", "origin_path": origin, "origin_line": number,
                            "owner": "root", "schedule": schedule}
    problem = None
    if len(words) < 4:
        problem = "expected: period delay job-id command"
    elif not (words[0].isdecimal() or words[0] in _PERIODS.get(ctx.dialect, _PERIODS["debian"])):
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
    call = _RUN_PARTS_CALL.search(command)
    if call:
        return run_parts_jobs(ctx, call.group(2), "--lsbsysinit" in call.group(1),
                              {**base, "source": "run-parts", "trigger": trigger})
    return [ctx.job(**base, command=command, trigger=trigger)]
