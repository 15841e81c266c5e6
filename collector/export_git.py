"""`lineguard export git DIR`: the stored history as a git repository, one commit per change
per target (author = the agent that polled it, date = the poll's time), one file per artifact
under TARGET/ and the line data as TARGET/line-data.txt — so RANCID and Oxidized users keep
`git log -p`. Uses the git command line. Incremental: what was exported is kept in
.git/lineguard-export.json, and a re-run commits only the newer changes."""

from __future__ import annotations

import json
import os
import posixpath
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from lineguard.collector.analyse.drift import row_text, volatile_kinds
from lineguard.collector.baseline import line_data
from lineguard.collector.history import Change, changes, polls
from lineguard.collector.render import change_summary
from lineguard.collector.store import Store
from lineguard.formats.wire import Target

MARKER = "lineguard-export.json"
LINE_DATA = "line-data.txt"


class ExportError(RuntimeError):
    """git failed, or DIR cannot hold the export."""


@dataclass(frozen=True)
class Exported:
    target: str
    commits: int
    skipped: int                      # changes exported by an earlier run


def export_git(store: Store, out: Path, targets: list[str] | None = None) -> list[Exported]:
    """Commit every change not yet exported, all targets interleaved in poll-time order."""
    _git_init(out)
    marker_path = out / ".git" / MARKER
    done: dict[str, str] = json.loads(marker_path.read_text()) if marker_path.exists() else {}
    pending: list[Change] = []
    skipped: dict[str, int] = {}
    for name in targets or store.target_names():
        for change in changes(polls(store, name)):
            if change.poll.status != "ok":
                continue        # a failed poll changes no file: the archive keeps the last
            if name in done and _key(change) <= done[name]:
                skipped[name] = skipped.get(name, 0) + 1
                continue
            pending.append(change)
    pending.sort(key=_key)
    made: dict[str, int] = {}
    for change in pending:
        _commit(out, change)
        done[change.target] = _key(change)
        marker_path.write_text(json.dumps(done, indent=1, sort_keys=True) + "\n")
        made[change.target] = made.get(change.target, 0) + 1
    names = sorted(set(made) | set(skipped))
    return [Exported(n, made.get(n, 0), skipped.get(n, 0)) for n in names]


def _key(change: Change) -> str:
    """Orders changes and says how far a target was exported: poll time, then agent and seq."""
    return f"{change.poll.taken_at}|{change.poll.agent}|{change.poll.seq:012d}"


def _git(out: Path, *args: str, env: dict[str, str] | None = None) -> str:
    try:
        # the export's commits are the store's record, not the user's: no signing prompt, no hooks
        done = subprocess.run(["git", "-C", str(out), "-c", "commit.gpgsign=false",
                               "-c", "core.hooksPath=/dev/null", *args], capture_output=True,
                              text=True,
                              env={**os.environ, **(env or {})}, check=False)
    except FileNotFoundError:
        raise ExportError("the git command is not installed") from None
    if done.returncode != 0:
        raise ExportError(f"git {args[0]} failed in {out}: {done.stderr.strip()}")
    return done.stdout


def _git_init(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    if not (out / ".git").is_dir():
        _git(out, "init", "-q")


def _files(target: Target) -> dict[str, bytes]:
    """The target's tree: one file per captured, non-volatile artifact, and its line data."""
    files: dict[str, bytes] = {}
    volatile = volatile_kinds(target)
    for art in target.artifacts:
        raw = art.raw()
        if raw is None or art.kind in volatile:
            continue
        name = posixpath.normpath(art.name.lstrip("/"))
        if name.startswith("..") or name in (".", LINE_DATA):
            raise ExportError(f"{target.name}: artifact name {art.name!r} cannot be a file")
        files[name] = raw
    rows = line_data(target)
    if rows:
        files[LINE_DATA] = "".join(row_text(r) + "\n" for r in rows).encode()
    return files


def _commit(out: Path, change: Change) -> None:
    if "/" in change.target or change.target in (".", "..", ".git"):
        raise ExportError(f"target name {change.target!r} cannot be a folder name")
    folder = out / change.target
    if folder.exists():
        shutil.rmtree(folder)
    for name, data in _files(change.poll.target).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    poll = change.poll
    who = {"GIT_AUTHOR_NAME": poll.agent, "GIT_AUTHOR_EMAIL": f"{poll.agent}@lineguard",
           "GIT_AUTHOR_DATE": poll.taken_at, "GIT_COMMITTER_NAME": "lineguard export",
           "GIT_COMMITTER_EMAIL": "lineguard@localhost", "GIT_COMMITTER_DATE": poll.taken_at}
    _git(out, "add", "-A", "--", change.target)
    message = (f"{change.target}: {change_summary(change)}\n\n"
               f"Poll {poll.label} taken {poll.taken_at}"
               + (f", compared with {change.previous.label}" if change.previous else "") + "\n")
    _git(out, "commit", "-q", "--allow-empty", "-m", message, env=who)
