"""The host source: every way this host (or a tree read as `/`) will run something later, and the
files those jobs execute, as artifacts of one Target with the host facts beside it."""

from __future__ import annotations

import os
import re
import socket
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lineguard.agent.sources.host import (
    anacron,
    apthooks,
    at,
    authkeys,
    cron,
    daemons,
    githooks,
    incron,
    kernelconf,
    login,
    logins,
    logrotate,
    nethooks,
    pam,
    processes,
    pysite,
    schedfile,
    supervisors,
    systemd,
    sysv,
    tmpfiles,
    udev,
    units,
)
from lineguard.agent.sources.host.rootfs import HostLimits, RootFS
from lineguard.agent.sources.host.secrets import mask_artifact
from lineguard.collector.analyse.effects.wanted import wanted_files
from lineguard.formats.follow import (
    artifact_name,
    carrier_commands,
    module_files,
    program_references,
    python_modules,
    referenced_paths,
)
from lineguard.formats.schedfile import ScheduledFile
from lineguard.formats.shells import is_shell_text
from lineguard.formats.wire import Artifact, Target

__all__ = ["HostLimits", "ScheduledFile", "collect"]
# Every source that reads the root: each returns its artifacts and the command texts to follow.
SOURCES = (cron, at, systemd, units, sysv, nethooks, udev, incron, apthooks, login,
           authkeys, pam, logins, tmpfiles, kernelconf, supervisors, pysite, daemons)

# Artifacts whose failure to be read is reported per file (the job or schedule it belongs to),
# not as the whole host's poll being incomplete.
PER_FILE_KINDS = frozenset({"crontab", "cron.d", "cron-spool", "anacrontab", "at-job",
                            "systemd-unit", "systemd-link", "run-parts", "script",
                            "anacron-stamp", "process", "unit", "unit-link", "rc-local",
                            "init-script", "rc-link", "net-hook", "interfaces", "udev-rules",
                            "logrotate", "logrotate-state", "apt-conf", "login-file",
                            "authorized-keys", "sshd-config", "pam", "scheduled-file",
                            "incron-table", "incron-conf", "kernel-hook", "unit-generator",
                            "tmpfiles", "kernel-conf", "supervisor-conf", "python-site",
                            "git-hook", "git-config", "daemon-conf", "systemd-conf"})
_BAD_NAME_CHARS = re.compile(r"[^A-Za-z0-9._@:-]")
# Without the agent's mask key (a library caller, a test) secrets are still masked, under a key
# that lives only as long as this process: nothing readable leaves, whoever calls.
_PROCESS_MASK_KEY = os.urandom(32)


def collect(root: Path, hostname: str | None = None, live: bool = False,
            limits: HostLimits | None = None,
            scheduled_files: tuple[ScheduledFile, ...] = (),
            mask_key: bytes | None = None) -> tuple[Target, dict[str, Any]]:
    """Snapshot the host sources under `root` (read as `/`), and the site's own scheduled
    command files declared in the agent config. Processes are read only when `live` (from this
    machine's /proc). Secrets in command lines and scripts are replaced by their hash under
    `mask_key` (the agent's). Returns the host Target and the host facts."""
    limits = limits or HostLimits()
    fs = RootFS(Path(root), limits)
    arts: dict[str, Artifact] = {}

    def add(items: list[Artifact]) -> None:
        for art in items:
            arts.setdefault(art.name, art)

    passwd = fs.capture("etc/passwd", "passwd")
    fs.load_users(passwd.text(), fs.read_text("etc/group"))
    add([passwd])
    timezone, tz_arts = _timezone(fs)
    add(tz_arts)
    commands: list[str] = []
    for source in SOURCES:
        found, texts = source.gather(fs)
        add(found)
        commands += texts
    found, texts = schedfile.gather(fs, scheduled_files)
    add(found)
    commands += texts
    # anacron and logrotate last: a job may run them with a table or config of its own,
    # which is read too
    for runner in (anacron, logrotate):
        found, texts = runner.gather(fs, commands)
        add(found)
        commands += texts
    if live:
        procs = processes.gather(fs, Path("/proc"), limits.long_sleep_s)
        add(procs)
        commands += [a.text() or "" for a in procs]
    truncated = _follow(fs, commands, arts, limits)
    # git hooks run with the git calls of jobs and of the scripts they run
    scripts = [t for a in list(arts.values()) if a.kind == "script" and (t := a.text())]
    found, texts = githooks.gather(fs, commands + scripts,
                                   (t for a in list(arts.values())
                                    if a.kind != "script" and (t := a.text())))
    add(found)
    # a virtualenv's site hooks run with every python of it a job or script runs
    found, venv_texts = pysite.gather_venvs(fs, commands + scripts)
    add(found)
    texts += venv_texts
    truncated = truncated or _follow(fs, texts, arts, limits)
    truncated = truncated or _capture_wanted(fs, commands + texts, arts, limits)
    key = mask_key or _PROCESS_MASK_KEY
    arts = {name: mask_artifact(art, key) for name, art in arts.items()}
    facts = {"hostname": _hostname(fs, hostname, live), "timezone": timezone,
             "dialect": dialect(fs), "root": str(fs.root)}
    failed = [a for a in arts.values() if a.failed]
    # A schedule file or script that cannot be read is flagged on its own (the collector makes
    # it a finding naming the file); it must not turn the whole host partial, or one FIFO
    # dropped into /etc/cron.d would take every other file out of the baseline comparison.
    degrading = [a for a in failed if a.kind not in PER_FILE_KINDS]
    error = "; ".join(filter(None, [f"{len(failed)} artifact(s) not read" if failed else "",
                                    truncated]))
    status = "partial" if degrading or truncated else "ok"
    target = Target(kind="host", name=facts["hostname"], status=status,
                    artifacts=tuple(arts.values()), error=error or None, facts=dict(facts))
    return target, facts


def watched_paths(root: Path, target: Target | None = None,
                  scheduled_files: tuple[ScheduledFile, ...] = ()) -> list[str]:
    """Root-relative paths where a job can be planted, as each source declares them (`~` and
    `$RUNTIME` expanded for every home and runtime folder present) with the site's declared
    scheduler files, and — given the newest host target — the scripts its jobs run, the tables
    jobs run anacron with and the git hooks of repositories jobs run git in, so replacing any
    of them is seen as fast as planting a job."""
    out: list[str] = [RootFS.name(s.path) for s in scheduled_files]
    for source in (*SOURCES, anacron, logrotate, githooks):
        for pattern in source.WATCH:
            out += _expand(root, pattern)
    if target is not None:
        out += [a.name for a in target.artifacts if a.kind in ("script", "anacrontab", "git-hook")]
        # a hook dropped into a repository a job pulls in, or a hooksPath set in its config
        out += [p for a in target.artifacts if a.kind == "git-config"
                for p in (a.name, a.name.rsplit("/", 1)[0] + "/hooks")
                if p == a.name or not a.name.endswith(("gitconfig", ".config/git/config"))]
    return sorted(set(out))


# Where "~" and "$RUNTIME" expand: one folder per account, so a new subfolder is a new account
# whose paths are to be watched too.
HOMES, RUNTIMES = "home", "run/user"
ACCOUNT_DIRS = (HOMES, RUNTIMES)


def _expand(root: Path, pattern: str) -> list[str]:
    if pattern.startswith("~/"):
        homes = ["root"] + [f"{HOMES}/{h.name}" for h in sorted((root / HOMES).glob("*"))
                            if h.is_dir()]
        return [f"{h}/{pattern[2:]}" for h in homes]
    if pattern.startswith("$RUNTIME/"):
        return [f"{RUNTIMES}/{u.name}/{pattern[9:]}"
                for u in sorted((root / RUNTIMES).glob("*")) if u.is_dir()]
    return [pattern]


def dialect(fs: RootFS) -> str:
    """debian (Vixie/Debian cron) or cronie (RHEL and relatives)."""
    if fs.exists("etc/debian_version"):
        return "debian"
    if fs.exists("etc/redhat-release"):
        return "cronie"
    users = fs.user_names()
    try:
        spool = fs.listdir(cron.CRONIE_SPOOL)
    except OSError:
        spool = []
    if any(n in users and not fs.is_dir(f"{cron.CRONIE_SPOOL}/{n}") for n in spool):
        return "cronie"
    return "debian"


def _timezone(fs: RootFS) -> tuple[str, list[Artifact]]:
    arts: list[Artifact] = []
    zone = None
    if fs.exists("etc/timezone"):
        art = fs.capture("etc/timezone", "timezone")
        arts.append(art)
        zone = (art.text() or "").strip() or None
    if fs.readlink("etc/localtime") is not None:
        art = fs.link_artifact("etc/localtime", "localtime")
        arts.append(art)
        link = str(art.meta.get("link", ""))
        if zone is None and "zoneinfo/" in link:
            zone = link.split("zoneinfo/", 1)[1]
    elif fs.exists("etc/localtime"):
        arts.append(fs.capture("etc/localtime", "localtime"))
    return zone or "UTC", arts


def _hostname(fs: RootFS, given: str | None, live: bool) -> str:
    name = given or (fs.read_text("etc/hostname") or "").strip()
    if not name and live:
        name = socket.gethostname()
    name = _BAD_NAME_CHARS.sub("-", name or fs.root.name or "host").lstrip("._@:-")
    return name[:128] or "host"


def _follow(fs: RootFS, commands: list[str], arts: dict[str, Artifact],
            limits: HostLimits) -> str:
    """Capture what the commands run, then what those scripts run, up to follow_depth levels.
    Returns a note when the file or byte budget ran out.

    Each command follows from a queue of its own, and the queues take turns (one file each):
    a job naming 50,000 files of its own (`run-parts` over a folder of them) cannot spend the
    budget before another job's scripts are reached. Where the budget runs out, each file still
    queued that is on the host is recorded as not read (state unread, meta.unread says why), so
    a job whose script was not reached is a finding, never a job running nothing."""
    # per command: (path, depth, whether it is an entry of a folder named as a whole)
    queues: list[deque[tuple[str, int, bool]]] = []
    # files a carrier (make, m4, sed -f, gdb -x, vim -S, a console's -f) reads as its
    # program, by path: once captured, the commands they hold are followed too
    programs: dict[str, str] = {}
    for command in commands:
        queues.append(deque((p, 1, False) for p in _referenced(fs, command, programs)))
        queues[-1].extend((p, 1, False) for p in _module_paths(fs, command))
    scanned: set[str] = set()
    for listed in list(arts.values()):
        parts = listed.text() if listed.kind == "run-parts" else None
        if parts is not None and is_shell_text(parts):
            scanned.add(listed.name)
            queues.append(deque((p, 2, False) for p in referenced_paths(parts)))
    spent = _Spent()
    turn = deque(q for q in queues if q)
    while turn:
        queue = turn.popleft()
        path, depth, in_folder = queue.popleft()
        note = _follow_one(fs, path, depth, in_folder, queue, arts, programs, scanned, limits,
                           spent)
        if note is not None:
            queue.appendleft((path, depth, in_folder))
            _left_unread(fs, [queue, *turn], arts, note)
            return note
        if queue:
            turn.append(queue)
    return ""


@dataclass
class _Spent:
    """What following has captured so far: files and bytes of text."""

    files: int = 0
    text: int = 0


def _follow_one(fs: RootFS, path: str, depth: int, in_folder: bool,
                queue: deque[tuple[str, int, bool]], arts: dict[str, Artifact],
                programs: dict[str, str], scanned: set[str], limits: HostLimits,
                spent: _Spent) -> str | None:
    """Capture one queued path (what it runs joins `queue`); the budget note when it is spent."""
    name = fs.name(path)
    if not name:
        return None
    art = arts.get(artifact_name(name))
    if art is None:
        if spent.files >= limits.max_followed_files:
            return f"stopped following after {spent.files} files (limit)"
        if spent.text >= limits.max_followed_bytes:
            return f"stopped following after {spent.files} files, {spent.text} bytes of text (limit)"
        art = fs.capture(name, "script")
        if art.state == "special" and fs.is_dir(name):
            # `run-parts DIR`: what runs is the files inside, not what is in its
            # subfolders (run-parts does not descend)
            if not in_folder:
                queue.extend((f"/{name}/{e}", depth, True) for e in _entries(fs, name))
            return None
        arts[art.name] = art
        spent.files += 1
        spent.text += len(art.content or "")
    if (art.kind in ("script", "run-parts") and art.name not in scanned
            and depth < limits.follow_depth):
        scanned.add(art.name)
        text = art.text()
        # a module another program loads (no #! line of its own) is read in its language
        module = art.name.endswith((".py", ".pm", ".pl", ".tcl", ".exp"))
        carrier = programs.get("/" + art.name)
        if text is not None and carrier is not None:
            for cmd in carrier_commands(carrier, text):
                queue.extend((p, depth + 1, False) for p in referenced_paths(cmd, programs))
        elif text is not None and is_shell_text(text) and not module:
            queue.extend((p, depth + 1, False) for p in _referenced(fs, text, programs))
            queue.extend((p, depth + 1, False) for p in _module_paths(fs, text))
        elif text is not None:
            # Python, Perl, expect: the modules, libraries and files they load
            queue.extend((p, depth + 1, False) for p in program_references(art.name, text)
                         if fs.exists(p) and not fs.is_dir(p))
    return None


# files recorded as not read where the follow budget ran out (a name each; past this many the
# host's note says the rest were not listed)
MAX_LEFT_UNREAD = 10_000


def _left_unread(fs: RootFS, queues: list[deque[tuple[str, int, bool]]],
                 arts: dict[str, Artifact], note: str) -> None:
    """Record the files still queued when the budget ran out that are on the host, as unread:
    what runs them is then judged as running files the agent could not read."""
    left = 0
    for queue in queues:
        for path, _depth, _in_folder in queue:
            name = fs.name(path)
            label = artifact_name(name) if name else ""
            if not label or label in arts or not fs.exists(name) or fs.is_dir(name):
                continue
            if left >= MAX_LEFT_UNREAD:
                return
            arts[label] = Artifact(name=label, kind="script",
                                   meta={"path": "/" + label, "unread": f"not captured: {note}"},
                                   state="unread")
            left += 1


def _capture_wanted(fs: RootFS, commands: list[str], arts: dict[str, Artifact],
                    limits: HostLimits) -> str:
    """Capture the files the collector's reading of each command looks for and finds
    missing (named inside a decoded payload, a command line built or split at run time), and
    what those run in turn; again while a round captures something new. Returns a note when
    the follow budget ran out."""
    pending = list(dict.fromkeys(c for c in commands if c.strip()))
    tried: set[str] = set()
    stop = time.process_time() + limits.wanted_cpu_s
    for _round in range(limits.follow_depth):
        wanted: dict[str, list[str]] = {}
        for k, command in enumerate(pending):
            if time.process_time() > stop:
                return (f"stopped reading jobs for the files they look for after "
                        f"{limits.wanted_cpu_s:g} s of CPU ({len(pending) - k} not read) (limit)")
            for name in _wanted(command, arts, limits.follow_depth):
                if name not in tried and fs.exists(name) and not fs.is_dir(name):
                    wanted.setdefault(name, []).append(command)
        if not wanted:
            return ""
        tried.update(wanted)
        note = _follow(fs, ["/" + n for n in wanted], arts, limits)
        if note:
            return note
        pending = list(dict.fromkeys(c for cs in wanted.values() for c in cs))
    return ""


def _wanted(command: str, arts: dict[str, Artifact], depth: int) -> list[str]:
    """wanted_files, or nothing where the reader fails on the text: what the agent found by
    literal paths is still sent, and the collector meets the same text and says so there."""
    try:
        return wanted_files(command, arts, depth)
    except Exception:       # noqa: BLE001  (one job's text must not stop the host's snapshot)
        return []


def _referenced(fs: RootFS, text: str, programs: dict[str, str]) -> list[str]:
    """What a command or shell script runs, and the files named in the command lines it
    keeps in quotes (for later, an eval, a trap) that exist on this root."""
    quoted: list[str] = []
    found = referenced_paths(text, programs, quoted)
    return found + [p for p in quoted if p not in found and fs.exists(p) and not fs.is_dir(p)]


def _module_paths(fs: RootFS, text: str) -> list[str]:
    """The files of modules the text runs with `python3 -m` that exist on this root."""
    mods = python_modules(text)
    if not mods:
        return []
    versions = sorted({v for d in ("usr/lib", "usr/local/lib", "usr/lib64") if fs.exists(d)
                       for v in _entries(fs, d) if re.fullmatch(r"python3(?:\.\d+)?", v)})
    return [p for m, dirs in mods for p in module_files(m, versions, dirs)
            if fs.exists(p) and not fs.is_dir(p)]


def _entries(fs: RootFS, name: str) -> list[str]:
    try:
        return fs.listdir(name)
    except OSError:
        return []
