"""What every host parser needs to know about the host besides the artifact it reads: its users,
zone and cron dialect, the captured files by folder and kind, and linking a command to the
captured files it runs (followed through shell scripts)."""

from __future__ import annotations

import posixpath
import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from lineguard.collector.model import Job, JobState, Trigger
from lineguard.formats.follow import artifact_name, referenced_paths
from lineguard.formats.shells import is_shell_text
from lineguard.formats.wire import Artifact, Target

_FOLLOW_DEPTH = 4
# Errors the agent writes that mean "this file's content is not here".
_NOT_GAPS = ("ok", "binary")
# a text the agent kept only the hash of, being past its size limit (padding a script past it
# must not make what it runs quieter: check raises it, see check._unseen_finding)
TOO_LARGE = "past the size the agent reads"
# a script the agent reached no more: its follow budget was spent (by the host's other jobs, or
# by one naming tens of thousands of files): as loud as a text past the size limit
NOT_REACHED = "not reached within the agent's follow limit"


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
        """Why some of the files a job runs are not captured, if any (what the agent could not
        read: an error, a file cut short, a text past the size it reads). A program that is not
        there, or compiled, is code nobody can read: the effects engine names it where the job
        runs it (effects.resolve.unseen_program)."""
        missing = [f"{n}: {TOO_LARGE} ({a.error})" if a.state == "hash_only" else
                   f"{n}: {NOT_REACHED} ({a.meta.get('unread')})" if a.state == "unread" else
                   f"{n}: {a.error or a.state}"
                   for n in self.unread(files) if (a := self.artifacts[n])]
        return "not captured: " + "; ".join(missing) if missing else None

    def unread(self, files: tuple[str, ...]) -> tuple[str, ...]:
        """The files of `files` the agent could not read (see problem_with_files)."""
        return tuple(n for n in files if self.artifacts[n].state not in _NOT_GAPS)

    def job(self, *, source: str, origin_path: str, origin_line: int | None, owner: str | None,
            schedule: str, command: str, trigger: Trigger, files: tuple[str, ...] | None = None,
            state: JobState = "active", problem: str | None = None,
            timezone: str | None = None,
            command_at: tuple[tuple[str, int], ...] = ()) -> Job:
        """A Job of this host: the files its command runs (unless given), the not-captured
        problem (unless another is given) and the host's zone (unless given) filled in."""
        if files is None:
            files = self.files_for(command)
        problem = problem or self.problem_with_files(files)
        return Job(target=self.target.name, source=source, origin_path=origin_path,
                   origin_line=origin_line, owner=owner, schedule=schedule, command=command,
                   trigger=trigger, files=files, state=state, problem=problem,
                   timezone=timezone or self.timezone, command_at=command_at,
                   unread=self.unread(files))


def line_number(art: Artifact, index: int) -> int:
    """The file's own line number of the `index`-th (1-based) line of the artifact's text: the
    agent keeps only the job lines of an oversized schedule file and says where each was."""
    numbers = art.meta.get("line_numbers")
    if isinstance(numbers, list) and 0 < index <= len(numbers) and isinstance(numbers[index - 1], int):
        return numbers[index - 1]
    return index


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


def file_mode(art: Artifact, default: str) -> int | None:
    """The file's permission bits from the agent's octal `mode` ("0644"), or None when what is
    there cannot be read: then no check on the mode can put a job aside."""
    try:
        return int(str(art.meta.get("mode", default)), 8)
    except ValueError:
        return None
