"""cron: /etc/crontab and /etc/cron.d (with a user field), user spools (without), and the scripts
run-parts would run for a crontab line, judged with the host's dialect (Debian cron or cronie)."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

from lineguard.agent.follow import artifact_name
from lineguard.agent.sources.host.cron import GUARD
from lineguard.agent.wire import Artifact
from lineguard.collector.model import BootTrigger, CronTrigger, Job, Trigger, UnparsableTrigger
from lineguard.collector.parse.host import line_number
from lineguard.collector.schedule.cron import CronSchedule

if TYPE_CHECKING:
    from lineguard.collector.parse.host import HostContext

SHORTHANDS = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight",
                        "@hourly"})
_ENV = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")
_DEBIAN_CROND_NAME = re.compile(r"^[a-zA-Z0-9_-]+$")
_CRONIE_SKIP_SUFFIXES = ("~", ".rpmsave", ".rpmorig", ".rpmnew")
_RUN_PARTS_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
# run-parts --lsbsysinit: LSB hierarchical and reserved names, Debian cron-script names.
_RUN_PARTS_LSB = re.compile(r"^(?:[a-z0-9]+|_?(?:[a-z0-9_.]+-)+[a-z0-9]+|[a-z0-9][a-z0-9-]*)$")
# cronie's run-parts is a shell script: it runs any executable name except these suffixes.
_CRONIE_RUN_PARTS_SKIP = ("~", ",", ".rpmsave", ".rpmorig", ".rpmnew", ".swp", ".cfsaved")
_RUN_PARTS_CALL = re.compile(r"\brun-parts\b((?:\s+-{1,2}[A-Za-z-]+(?:=\S+)?)*)\s+(/[^\s;&|)]+)")


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
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        env_match = _ENV.match(stripped)
        if env_match and not stripped.startswith(("@", "*")) and not stripped[0].isdecimal():
            env[env_match.group(1)] = env_match.group(2).strip("'\"")
            continue
        zone = env.get("CRON_TZ") if ctx.dialect == "cronie" and env.get("CRON_TZ") else None
        out += entry_jobs(ctx, art, line_number(art, number), stripped, system, spool_user,
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


def entry_jobs(ctx: HostContext, art: Artifact, number: int, line: str, system: bool,
               spool_user: str | None, inert: str | None, zone: str | None) -> list[Job]:
    n_time = 1 if line.startswith("@") else 5
    words = line.split(None, n_time + (1 if system else 0))
    schedule = " ".join(words[:n_time])
    base: dict[str, Any] = {"source": "cron", "origin_path": art.name, "origin_line": number,
                            "schedule": schedule}
    if zone:
        base["timezone"] = zone
    owner = spool_user
    rest_index = n_time
    if system:
        owner = words[n_time] if len(words) > n_time else None
        rest_index += 1
    command_text = words[rest_index] if len(words) > rest_index else ""
    problem = schedule_problem(schedule, ctx.dialect)
    if problem is None and not command_text:
        problem = "no command" if not system or owner else "no user and no command"
    if problem:
        return [ctx.job(**base, owner=owner, command=command_text, files=(),
                        trigger=UnparsableTrigger(problem), state="unparsable", problem=problem)]
    state, why = ("inert", inert) if inert else ("active", None)
    if state == "active" and system and owner not in ctx.user_names and ctx.uid_names:
        state, why = "inert", f"user {owner!r} does not exist: cron skips the entry (ORPHAN)"
    trigger: Trigger = (BootTrigger() if schedule == "@reboot"
                        else CronTrigger(schedule, ctx.dialect))
    command = cron_command(command_text)
    guard = GUARD.match(command)
    if guard and state == "active" and _exists(ctx, guard.group(1)):
        state, why = "inert", f"{guard.group(1)} exists, so `test -x ... ||` skips the rest"
    call = _RUN_PARTS_CALL.search(command)
    if call and state == "active":
        return run_parts_jobs(ctx, call.group(2), "--lsbsysinit" in call.group(1),
                              {**base, "source": "run-parts", "owner": owner, "trigger": trigger})
    return [ctx.job(**base, owner=owner, command=command, trigger=trigger, state=state,
                    problem=why)]


def file_mode(art: Artifact, default: str) -> int | None:
    """The file's permission bits from the agent's octal `mode` ("0644"), or None when what is
    there cannot be read: then no check on the mode can put a job aside."""
    try:
        return int(str(art.meta.get("mode", default)), 8)
    except ValueError:
        return None


def _exists(ctx: HostContext, path: str) -> bool:
    art = ctx.artifacts.get(artifact_name(path))
    return art is not None and art.state != "missing"


def cron_command(text: str) -> str:
    """The command as the shell gets it: cron cuts at the first unescaped `%` and feeds the
    rest as stdin with each later `%` a newline, written here as a here-document."""
    if "%" not in text:
        return text
    head: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and text[i + 1:i + 2] == "%":
            head.append("%")
            i += 2
        elif text[i] == "%":
            stdin = text[i + 1:].replace("\\%", "\0").replace("%", "\n").replace("\0", "%")
            return "".join(head) + " <<'CRON_STDIN'\n" + stdin + "\nCRON_STDIN"
        else:
            head.append(text[i])
            i += 1
    return "".join(head)


def run_parts_jobs(ctx: HostContext, directory: str, lsb: bool, base: dict[str, Any]) -> list[Job]:
    """One job per file in the directory: active when run-parts would run it, else inert."""
    out: list[Job] = []
    pattern = _RUN_PARTS_LSB if lsb else _RUN_PARTS_NAME
    for script in ctx.children(directory):
        name = script.name.rsplit("/", 1)[-1]
        mode = file_mode(script, "0")
        why = None
        if ctx.dialect == "cronie":
            if name.endswith(_CRONIE_RUN_PARTS_SKIP):
                why = f"cronie run-parts skips the name {name!r}"
        elif not pattern.match(name):
            why = f"run-parts skips the name {name!r}"
        elif mode is not None and not mode & 0o111:
            why = f"not executable (mode {mode:04o}): run-parts skips it"
        elif script.state == "special":
            why = "not a regular file: run-parts skips it"
        command = "/" + script.name
        files = (script.name, *[f for f in ctx.files_for(command) if f != script.name])
        out.append(ctx.job(**base, command=command, files=files,
                           state="inert" if why else "active", problem=why))
    if not out:
        out.append(ctx.job(**base, command=f"run-parts /{directory.strip('/')}", files=(),
                           state="inert", problem="run-parts directory is empty or not captured"))
    return out


@functools.lru_cache(maxsize=4096)
def schedule_problem(schedule: str, dialect: str) -> str | None:
    """Why cron would reject the schedule, or None. The timing engine judges the rest
    (impossible dates, reversed ranges)."""
    if schedule.startswith("@"):
        return None if schedule in SHORTHANDS or schedule == "@reboot" else \
            f"unknown shorthand {schedule!r}"
    try:
        CronSchedule.parse(schedule, dialect)
    except ValueError as e:
        return f"bad schedule: {e}"
    return None
