"""Ingest: verify a snapshot file and store it, or quarantine it with the reason beside it.

A snapshot is accepted only when it parses, is signed by the enrolled key of the agent it names,
and continues that agent's chain: seq = last seq + 1 and prev = hash of the last accepted
snapshot. A gap, a fork or a replay is rejected and recorded in the audit log as a security
event. Storing happens in one SQLite transaction; the input file is removed from the inbox only
after the commit, so a crash leaves it in place to be ingested again.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from agent.keys import parse_public
from agent.wire import SignedSnapshot, WireError, load
from collector.home import Home
from collector.store import Store

SECURITY = "security"


@dataclass(frozen=True)
class IngestResult:
    path: Path
    outcome: str              # accepted | duplicate | rejected
    reason: str = ""
    agent: str | None = None
    seq: int | None = None

    def line(self) -> str:
        if self.outcome == "accepted":
            return f"{self.path}: accepted {self.agent} #{self.seq}"
        if self.outcome == "duplicate":
            return f"{self.path}: already stored ({self.agent} #{self.seq}), nothing to do"
        return f"{self.path}: rejected: {self.reason}"


class Rejected(Exception):
    def __init__(self, reason: str, security: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.security = security


def expand(paths: list[Path]) -> list[Path]:
    """Files named, and every regular file directly inside folders named (not dot files)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith(".")
                              and not f.name.endswith(".reason")))
        else:
            out.append(p)
    return out


def ingest_paths(home: Home, store: Store, paths: list[Path]) -> list[IngestResult]:
    settings = home.settings()
    staged: list[tuple[Path, SignedSnapshot | Rejected]] = []
    for path in expand(paths):
        staged.append((path, _read(path, settings.max_snapshot_bytes)))
    # Chains must be applied in order, whatever order the files were named in.
    staged.sort(key=lambda it: (0, it[1].snapshot.agent, it[1].snapshot.seq, str(it[0]))
                if isinstance(it[1], SignedSnapshot) else (1, "", 0, str(it[0])))
    return [ingest_one(home, store, path, parsed) for path, parsed in staged]


def _read(path: Path, max_bytes: int) -> SignedSnapshot | Rejected:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return Rejected(f"oversized: {size} bytes > limit {max_bytes}")
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
        if len(data) > max_bytes:
            return Rejected(f"oversized: more than {max_bytes} bytes")
        return load(data)
    except FileNotFoundError:
        return Rejected("no such file")
    except IsADirectoryError:
        return Rejected("is a directory")
    except PermissionError:
        return Rejected("permission denied")
    except OSError as e:   # a dangling link, an I/O error: this file is rejected, not the batch
        return Rejected(f"cannot read: {e.strerror or e}")
    except WireError as e:
        return Rejected(f"malformed snapshot: {e}")


def ingest_one(home: Home, store: Store, path: Path, parsed: SignedSnapshot | Rejected) -> IngestResult:
    try:
        if isinstance(parsed, Rejected):
            raise parsed
        return _accept(home, store, path, parsed)
    except Rejected as r:
        agent = parsed.snapshot.agent if isinstance(parsed, SignedSnapshot) else None
        store.audit(SECURITY if r.security else "reject", agent, str(path), r.reason)
        quarantine(home, path, r.reason)
        return IngestResult(path, "rejected", r.reason, agent,
                            parsed.snapshot.seq if isinstance(parsed, SignedSnapshot) else None)


def _accept(home: Home, store: Store, path: Path, signed: SignedSnapshot) -> IngestResult:
    snap = signed.snapshot
    agent = store.agent(snap.agent)
    if agent is None:
        removed = store.agent(snap.agent, include_removed=True)
        if removed is not None:
            raise Rejected(f"agent {snap.agent!r} was removed at {removed.removed_at}; its "
                           f"snapshots are refused", security=True)
        raise Rejected(f"unknown agent {snap.agent!r} (enrol it: lineguard agents add "
                       f"{snap.agent} --key KEY.pub)", security=True)
    try:
        signed.verify(parse_public(agent.public_key.encode()))
    except WireError as e:
        raise Rejected(str(e), security=True) from None
    digest = signed.digest
    with store.transaction():
        # The chain is read under the write lock: another ingest (`watch` beside a manual run)
        # may have moved it since, and checking it before the lock let both sides of a fork in.
        duplicate = store.has_snapshot(digest)
        if not duplicate:
            head = store.agent(snap.agent) or agent
            _check_chain(store, head.last_seq, head.last_hash, signed)
            store.insert_snapshot(snap, digest, signed.signature)   # with its accept record
    _done(home, path)
    return IngestResult(path, "duplicate" if duplicate else "accepted", agent=snap.agent,
                        seq=snap.seq)


def _check_chain(store: Store, last_seq: int | None, last_hash: str | None,
                 signed: SignedSnapshot) -> None:
    snap = signed.snapshot
    if last_seq is None:
        return  # first contact: the chain starts here (recorded by the accept audit row)
    if snap.seq <= last_seq:
        # Old evidence presented again is a replay; a newer snapshot on a branch is a fork.
        sibling = store.snapshot_at(snap.agent, snap.seq)
        if sibling is not None and sibling.prev == snap.prev and snap.taken_at > sibling.taken_at:
            raise Rejected(f"fork: a different snapshot #{snap.seq} with the same predecessor "
                           f"was already accepted", security=True)
        raise Rejected(f"replay: seq {snap.seq} (taken {snap.taken_at}) is not after the last "
                       f"accepted seq {last_seq}", security=True)
    if snap.seq > last_seq + 1:
        raise Rejected(f"gap: expected seq {last_seq + 1}, got {snap.seq} "
                       f"({snap.seq - last_seq - 1} snapshot(s) missing)", security=True)
    if snap.prev != last_hash:
        raise Rejected(f"fork: seq {snap.seq} does not chain to the last accepted snapshot "
                       f"(prev {str(snap.prev)[:12]}…, expected {str(last_hash)[:12]}…)", security=True)


def _done(home: Home, path: Path) -> None:
    """An inbox file is consumed once stored; files named elsewhere are the user's to keep."""
    if path.parent.resolve() == home.inbox.resolve():
        path.unlink(missing_ok=True)


def quarantine(home: Home, path: Path, reason: str) -> Path | None:
    """Keep the rejected bytes with the reason beside them; move out of the inbox, copy otherwise."""
    home.quarantine.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    dest = home.quarantine / f"{stamp}-{path.name}"
    # Same-named files from two folders (or a coarse clock) must not overwrite each other.
    n = 0
    while dest.exists() or _reason_path(dest).exists():
        n += 1
        dest = home.quarantine / f"{stamp}-{n}-{path.name}"
    kept: Path | None = dest
    try:
        if path.parent.resolve() == home.inbox.resolve():
            os.replace(path, dest)
        elif path.is_file():
            shutil.copy2(path, dest)
        else:
            kept = None
    except OSError:
        kept = None
    _reason_path(dest).write_text(f"{path}\n{reason}\n")
    return kept


def _reason_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".reason")
