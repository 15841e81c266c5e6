"""Host jobs: turns a host Target's artifacts into Job records, one parser module per scheduler
(cron, at, systemd, anacron, process). This module owns what they share: the host's users and
zone, and linking a command to the captured files it runs."""

from __future__ import annotations

import posixpath
import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from lineguard.agent.follow import artifact_name, referenced_paths
from lineguard.agent.wire import Artifact, Target
from lineguard.collector.model import Job, TriggerKind, UnparsableTrigger

_SHELLS = frozenset({"sh", "bash", "dash", "ksh", "zsh", "ash", "busybox"})
_FOLLOW_DEPTH = 4
# States in which a file's content is all there is to know (a binary file is judged by hash).
_NOT_GAPS = ("ok", "binary")
# Files that define jobs, with the source and trigger kind of a job they would define: one the
# agent could not read is still listed (as an unparsable job), never silently dropped.
JOB_FILE_KINDS: dict[str, tuple[str, TriggerKind]] = {"crontab": ("cron", "clock"), "cron.d": ("cron", "clock"),
                  "cron-spool": ("cron", "clock"), "anacrontab": ("anacron", "clock"),
                  "at-job": ("at", "clock"), "systemd-unit": ("systemd", "clock"),
                  "unit": ("systemd", "event"), "rc-local": ("sysv", "boot"),
                  "init-script": ("sysv", "boot"), "net-hook": ("net-hook", "event"),
                  "interfaces": ("net-hook", "event"), "udev-rules": ("udev", "event"),
                  "logrotate": ("logrotate", "hook"), "apt-conf": ("apt", "hook"),
                  "login-file": ("login", "login"), "authorized-keys": ("ssh-key", "login"),
                  "sshd-config": ("ssh-key", "login"),
                  "pam": ("pam", "login"), "scheduled-file": ("scheduled-file", "clock")}


@dataclass(frozen=True)
class HostContext:
    """What every host parser needs to know about the host besides the artifact it reads."""

    target: Target
    dialect: str
    timezone: str
    uid_names: dict[int, str]
    artifacts: dict[str, Artifact] = field(repr=False)
    by_dir: dict[str, list[Artifact]] = field(repr=False, default_factory=dict)
    by_kind: dict[str, list[Artifact]] = field(repr=False, default_factory=dict)
    # referenced_paths of each shell script by content, computed once however many jobs (or
    # copies of the script) run it
    _script_refs: dict[str, list[str]] = field(repr=False, default_factory=dict, compare=False)

    @property
    def user_names(self) -> set[str]:
        return set(self.uid_names.values())

    def owner_of(self, art: Artifact) -> str | None:
        owner = art.meta.get("owner")
        if owner:
            return str(owner)
        uid = art.meta.get("uid")
        return self.uid_names.get(uid) if isinstance(uid, int) else None

    def of_kind(self, *kinds: str) -> list[Artifact]:
        """The artifacts of these kinds, in snapshot order within each kind."""
        return [a for k in kinds for a in self.by_kind.get(k, ())]

    def children(self, directory: str) -> list[Artifact]:
        """Captured files directly inside a directory (artifact name without leading /)."""
        return self.by_dir.get(artifact_name(directory), [])

    def files_for(self, command: str) -> tuple[str, ...]:
        """Artifact names of the captured files `command` runs, followed through scripts."""
        out: list[str] = []
        queue: deque[tuple[str, int]] = deque((p, 1) for p in referenced_paths(command))
        seen: set[str] = set()
        while queue:
            path, depth = queue.popleft()
            name = artifact_name(path)
            if not name or name in seen:
                continue
            seen.add(name)
            art = self.artifacts.get(name)
            if art is None:
                queue.extend(("/" + c.name, depth) for c in self.children(name))
                continue
            if art.state == "missing":
                continue   # the agent looked and nothing is there: nothing to point at
            out.append(name)
            if depth < _FOLLOW_DEPTH:
                queue.extend((p, depth + 1) for p in self._refs(art))
        return tuple(out)

    def _refs(self, art: Artifact) -> list[str]:
        key = art.sha256 or "name:" + art.name
        refs = self._script_refs.get(key)
        if refs is None:
            text = art.text()
            refs = referenced_paths(text) if text is not None and is_shell_text(text) else []
            self._script_refs[key] = refs
        return refs

    def problem_with_files(self, files: tuple[str, ...]) -> str | None:
        """Why some of the files a job runs are not captured as text, if any."""
        missing = [f"{n}: {a.error or a.state}" for n in files
                   if (a := self.artifacts[n]).state not in _NOT_GAPS]
        return "not captured: " + "; ".join(missing) if missing else None

    def job(self, **fields: Any) -> Job:
        """A Job of this host, with files and the not-captured problem filled in."""
        files = fields.pop("files", None)
        if files is None:
            files = self.files_for(fields["command"])
        problem = fields.pop("problem", None) or self.problem_with_files(files)
        fields.setdefault("timezone", self.timezone)
        return Job(target=self.target.name, files=files, problem=problem, **fields)


def line_number(art: Artifact, index: int) -> int:
    """The file's own line number of the `index`-th (1-based) line of the artifact's text: the
    agent keeps only the job lines of an oversized schedule file and says where each was."""
    numbers = art.meta.get("line_numbers")
    if isinstance(numbers, list) and 0 < index <= len(numbers) and isinstance(numbers[index - 1], int):
        return numbers[index - 1]
    return index


def is_shell_text(text: str) -> bool:
    """Scripts without a #! line run under sh; others only when their interpreter is a shell."""
    if not text.startswith("#!"):
        return True
    words = text[2:].split("\n", 1)[0].split()
    if not words:
        return True
    prog = posixpath.basename(words[0])
    if prog == "env" and len(words) > 1:
        prog = posixpath.basename(words[1])
    return prog in _SHELLS


def context(target: Target, host: dict[str, Any]) -> HostContext:
    uid_names: dict[int, str] = {}
    passwd = target.artifact("etc/passwd")
    for line in ((passwd.text() if passwd else None) or "").splitlines():
        fields = line.split(":")
        if len(fields) >= 3 and fields[2].isdecimal():
            uid_names.setdefault(int(fields[2]), fields[0])
    facts = {**target.facts, **host}
    zone = str(facts.get("timezone") or "UTC")
    if not re.match(r"^[A-Za-z0-9_+/-]+$", zone):
        zone = "UTC"
    by_dir: dict[str, list[Artifact]] = {}
    by_kind: dict[str, list[Artifact]] = {}
    for art in target.artifacts:
        by_kind.setdefault(art.kind, []).append(art)
    for art in sorted(target.artifacts, key=lambda a: a.name.encode()):
        by_dir.setdefault(posixpath.dirname(art.name), []).append(art)
    return HostContext(target=target, dialect=str(facts.get("dialect") or "debian"),
                       timezone=zone, uid_names=uid_names,
                       artifacts={a.name: a for a in target.artifacts}, by_dir=by_dir,
                       by_kind=by_kind)


def jobs(target: Target, host: dict[str, Any]) -> list[Job]:
    """Every job the host's artifacts define, bad ones included with state and problem set."""
    from lineguard.collector import provenance
    from lineguard.collector.parse import (
        anacron,
        apthooks,
        at,
        authkeys,
        cron,
        login,
        logrotate,
        nethooks,
        pam,
        process,
        schedfile,
        systemd,
        sysv,
        udev,
        units,
    )

    ctx = context(target, host)
    out: list[Job] = []
    for art in target.artifacts:
        # unread, or read only in part (cut short): what is missing may hold any job
        if art.kind in JOB_FILE_KINDS and art.state not in ("ok", "unread") and "link" not in art.meta \
                and (art.content is None or art.failed):
            out.append(not_captured(ctx, art))
    for parser in (cron, anacron, at, systemd, process, units, sysv, nethooks, udev, login,
                   authkeys, pam, schedfile):
        out += parser.jobs(ctx)
    # hooks run by other jobs: they fire with the job that runs them
    for hook_parser in (logrotate, apthooks):
        out += hook_parser.jobs(ctx, out)
    return provenance.attach(ctx, out)


def not_captured(ctx: HostContext, art: Artifact) -> Job:
    """A file defining jobs that the agent could not read still shows up, as an unparsable job."""
    source, kind = JOB_FILE_KINDS[art.kind]
    if art.kind == "scheduled-file":
        source = str((art.meta.get("format") or {}).get("name") or source)
    return ctx.job(source=source, origin_path=art.name, origin_line=None,
                   owner=ctx.owner_of(art), schedule="", command="", files=(),
                   trigger=UnparsableTrigger(f"not captured: {art.error}", kind),
                   state="unparsable", problem=f"not captured: {art.error}")
