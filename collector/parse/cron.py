"""cron: /etc/crontab and /etc/cron.d (with a user field), user spools (without), and the scripts
run-parts would run for a crontab line, judged with the host's dialect (Debian cron or cronie)."""

from __future__ import annotations

import functools
import re
from typing import Any

from lineguard.collector.model import (
    BootTrigger,
    CronTrigger,
    Job,
    JobState,
    Trigger,
    UnparsableTrigger,
)
from lineguard.collector.parse.hostcontext import HostContext, file_mode, line_number
from lineguard.collector.parse.runparts import RUN_PARTS_CALL, run_parts_jobs
from lineguard.collector.schedule.cron import CronSchedule
from lineguard.formats.cron import (
    GUARD,
    NICKNAMES,
    REBOOT,
    CronEntry,
    assignment,
    entry,
    split_percent,
)
from lineguard.formats.follow import artifact_name
from lineguard.formats.wire import Artifact

_DEBIAN_CROND_NAME = re.compile(r"^[a-zA-Z0-9_-]+$")
_CRONIE_SKIP_SUFFIXES = ("~", ".rpmsave", ".rpmorig", ".rpmnew")


def jobs(ctx: HostContext) -> list[Job]:
    out: list[Job] = []
    for art in ctx.target.artifacts:
        if art.content is None or art.kind not in ("crontab", "cron.d", "cron-spool"):
            continue
        out += file_jobs(ctx, art)
    return out


def file_jobs(ctx: HostContext, art: Artifact) -> list[Job]:
    system = art.kind != "cron-spool"
    inert = _file_ignored(ctx, art)
    spool_user = None if system else art.name.rsplit("/", 1)[-1]
    env: dict[str, str] = {}
    out: list[Job] = []
    for number, line in enumerate((art.text() or "").splitlines(), 1):
        setting = assignment(line)
        if setting:
            env[setting[0]] = setting[1]
            continue
        found = entry(line, system)
        if found is None:
            continue
        zone = env.get("CRON_TZ") if ctx.dialect == "cronie" and env.get("CRON_TZ") else None
        out += entry_jobs(ctx, art, line_number(art, number), found, system, spool_user,
                          inert, zone)
    return out


def _file_ignored(ctx: HostContext, art: Artifact) -> str | None:
    """Why cron would skip this whole file, or None."""
    base = art.name.rsplit("/", 1)[-1]
    if art.kind == "cron.d":
        if ctx.dialect == "cronie":
            if base.startswith((".", "#")) or base.endswith(_CRONIE_SKIP_SUFFIXES):
                return f"cronie skips /etc/cron.d file name {base!r}"
        elif not _DEBIAN_CROND_NAME.match(base):
            return f"Debian cron skips /etc/cron.d file name {base!r} (must match [a-zA-Z0-9_-]+)"
    if art.kind in ("crontab", "cron.d"):
        mode = file_mode(art, "0644")
        if art.meta.get("uid", 0) != 0:
            return "not owned by root: cron refuses it"
        if mode is not None and mode & 0o022:
            return f"mode {mode:04o} is group- or other-writable: cron refuses it"
    if art.kind == "cron-spool" and art.name.rsplit("/", 1)[-1] not in ctx.user_names:
        return "orphan: no such user in /etc/passwd, cron ignores this spool file"
    return None


def entry_jobs(ctx: HostContext, art: Artifact, number: int, found: CronEntry, system: bool,
               spool_user: str | None, inert: str | None, zone: str | None) -> list[Job]:
    schedule = found.schedule
    base: dict[str, Any] = {"source": "cron", "origin_path": art.name, "origin_line": number,
                            "schedule": schedule}
    if zone:
        base["timezone"] = zone
    owner = found.user if system else spool_user
    command_text = found.command
    problem = schedule_problem(schedule, ctx.dialect)
    if problem is None and not command_text:
        problem = "no command" if not system or owner else "no user and no command"
    if problem:
        return [ctx.job(**base, owner=owner, command=command_text, files=(),
                        trigger=UnparsableTrigger(problem), state="unparsable", problem=problem)]
    state: JobState
    state, why = ("inert", inert) if inert else ("active", None)
    if state == "active" and system and owner not in ctx.user_names and ctx.uid_names:
        state, why = "inert", f"user {owner!r} does not exist: cron skips the entry (ORPHAN)"
    trigger: Trigger = (BootTrigger() if schedule == REBOOT
                        else CronTrigger(schedule, ctx.dialect))
    command = cron_command(command_text)
    guard = GUARD.match(command)
    if guard and state == "active" and _executable(ctx, guard.group(1)):
        state, why = "inert", f"{guard.group(1)} is executable, so `test -x ... ||` skips the rest"
    call = RUN_PARTS_CALL.search(command)
    if call and state == "active":
        return run_parts_jobs(ctx, call.group(2), "--lsbsysinit" in call.group(1),
                              {**base, "source": "run-parts", "owner": owner, "trigger": trigger})
    return [ctx.job(**base, owner=owner, command=command, trigger=trigger, state=state,
                    problem=why)]


def _executable(ctx: HostContext, path: str) -> bool:
    """Whether `test -x PATH` holds: the file is there with an execute bit (a 0644 file is
    there, and `test -x /etc/passwd || rm …` runs the rest every time)."""
    art = ctx.artifacts.get(artifact_name(path))
    if art is None or art.state == "missing":
        return False
    mode = file_mode(art, "0755")
    return mode is not None and bool(mode & 0o111)


def cron_command(text: str) -> str:
    """The command as the shell gets it: cron cuts at the first unescaped `%` and feeds the
    rest as stdin with each later `%` a newline, written here as a here-document."""
    command, stdin = split_percent(text)
    return command if stdin is None else f"{command} <<'CRON_STDIN'\n{stdin}\nCRON_STDIN"


@functools.lru_cache(maxsize=4096)
def schedule_problem(schedule: str, dialect: str) -> str | None:
    """Why cron would reject the schedule, or None. The timing engine judges the rest
    (impossible dates, reversed ranges)."""
    if schedule.startswith("@"):
        return None if schedule in NICKNAMES or schedule == REBOOT else \
            f"unknown shorthand {schedule!r}"
    try:
        CronSchedule.parse(schedule, dialect)
    except ValueError as e:
        return f"bad schedule: {e}"
    return None
