"""logrotate scripts (prerotate, postrotate, firstaction, lastaction, preremove): each runs as
root when logrotate rotates its logs, so it fires with logrotate's own schedule (logrotate.timer
or the cron.daily script, whichever the host runs) — for a weekly or monthly log at the first
run after the rotation is due, as the state file tells."""

from __future__ import annotations

import fnmatch
import re
import textwrap
from datetime import UTC, date, datetime, timedelta

from lineguard.collector.model import CalendarTrigger, HookTrigger, Job
from lineguard.collector.parse.hostcontext import HostContext
from lineguard.formats.logrotate import CONF, parse, run_configs

_STATE = re.compile(r'^"?(.+?)"?\s+(\d{4})-(\d{1,2})-(\d{1,2})')


def rotating_jobs(earlier: list[Job]) -> list[tuple[Job, list[str]]]:
    """The active jobs that run logrotate, with the configs they name, timers first."""
    runs = [(j, run_configs(j.command)) for j in earlier
            if j.state == "active" and "logrotate" in j.command
            and (j.source != "systemd" or isinstance(j.trigger, CalendarTrigger))]
    runs.sort(key=lambda jc: (jc[0].source != "systemd", jc[0].source != "run-parts"))
    return runs


def runner(runs: list[tuple[Job, list[str]]], conf: str = CONF) -> Job | None:
    """The job that runs logrotate with `conf`: an active timer first, then cron/anacron. For
    /etc/logrotate.conf a job named after logrotate counts too (Debian's cron.daily/logrotate
    script runs it)."""
    return next((j for j, confs in runs
                 if "/" + conf in confs or (conf == CONF and not confs)), None)


def _roots(confs: list, runs: list[tuple[Job, list[str]]]) -> dict[str, str]:
    """Each config file -> the config logrotate is run with that reads it (itself, or the one
    that includes it); files no job's config includes belong to /etc/logrotate.conf."""
    run = {c.lstrip("/") for _j, named in runs for c in named}
    names = {a.name for a in confs}
    owner: dict[str, str] = {}
    for root in [CONF, *sorted(run - {CONF})]:
        if root not in names:
            continue
        owner.setdefault(root, root)
        text = next(a.text() or "" for a in confs if a.name == root)
        for inc in parse(text).includes:
            inc = inc.strip("/")
            for name in names:
                if name == inc or name.startswith(inc + "/"):
                    owner.setdefault(name, root)
    return owner


def last_rotations(ctx: HostContext) -> dict[str, date]:
    out: dict[str, date] = {}
    for art in ctx.of_kind("logrotate-state"):
        for line in (art.text() or "").splitlines():
            m = _STATE.match(line.strip())
            if m:
                try:
                    out[m.group(1)] = date(int(m.group(2)), int(m.group(3)), int(m.group(4)))
                except ValueError:
                    continue
    return out


def _due(frequency: str | None, last: date | None) -> datetime | None:
    if last is None or frequency not in ("weekly", "monthly", "yearly"):
        return None
    if frequency == "weekly":
        due = last + timedelta(days=7)
    elif frequency == "monthly":
        due = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    else:
        due = date(last.year + 1, 1, 1)
    return datetime(due.year, due.month, due.day, tzinfo=UTC)


def jobs(ctx: HostContext, earlier: list[Job]) -> list[Job]:
    confs = [a for a in ctx.of_kind("logrotate") if a.content is not None]
    runs = rotating_jobs(earlier)
    roots = _roots(confs, runs)
    defaults = {a.name: parse(a.text() or "").frequency for a in confs if a.name in roots.values()}
    hosts = {root: runner(runs, root) for root in {*roots.values(), CONF}}
    rotated = last_rotations(ctx)
    out: list[Job] = []
    for art in confs:
        root = roots.get(art.name, CONF)
        default = defaults.get(root)
        host = hosts[root]
        host_job = (f"logrotate ({host.origin_path})" if host
                    else f"logrotate -- no job runs it with /{root}")
        conf = parse(art.text() or "")
        for block in conf.blocks:
            frequency = block.frequency or conf.frequency or default or "on every run"
            lasts = [d for p, d in rotated.items()
                     if any(fnmatch.fnmatch(p, pat) for pat in block.paths)]
            due = _due(frequency, min(lasts) if lasts else None)
            logs = block.paths[0] + (f" and {len(block.paths) - 1} more"
                                     if len(block.paths) > 1 else "")
            for script in block.scripts:
                trigger = HookTrigger(host_job=host_job,
                                      operation=f"{script.kind} when {logs} is rotated "
                                                f"({frequency})",
                                      via=host.trigger if host else None, not_before=due)
                out.append(ctx.job(source="logrotate", origin_path=art.name,
                                   origin_line=script.line, owner="root",
                                   schedule=f"{script.kind} {logs} ({frequency})",
                                   command=textwrap.dedent(script.text).strip("\n"),
                                   trigger=trigger,
                                   timezone=host.timezone if host else ctx.timezone))
    return out
