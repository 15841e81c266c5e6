"""Ingest: verify a snapshot file and store it, or quarantine it with the reason beside it.

A snapshot is accepted only when it parses, is signed by the enrolled key of the agent it names,
continues that agent's chain (seq = last seq + 1 and prev = hash of the last accepted snapshot),
was taken neither in the future nor before its predecessor (within the allowed clock skew), and
carries only targets that belong to that agent. A gap, a fork, a replay, a bent clock or a
foreign target is rejected and recorded in the audit log as a security event. Storing happens
in one SQLite transaction; the input file is removed from the inbox only after the commit, so a
crash leaves it in place to be ingested again.

No single input stops the others: whatever a file holds, and whatever goes wrong while handling
it, that file is rejected into quarantine with a one-line reason naming it, and the batch goes
on. What is in the inbox but cannot be a snapshot (a FIFO, a device node, a link, a folder, a
stray reason file) is read never and reported always. Each file is claimed (an exclusive
`flock`, checked to still be the file listed) before it is worked on, so two ingests on one
inbox neither reject what the other consumed, nor judge a chain's next file before the other
stored its predecessor, nor record one bad file twice.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import itertools
import json
import os
import re
import shutil
import sqlite3
import stat
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lineguard.agent.keys import parse_public
from lineguard.agent.restore.report import KIND, DeviceOutcome, RestoreReport, RowOutcome
from lineguard.collector.home import Home, Settings
from lineguard.collector.store import Store
from lineguard.formats.wire import SignedSnapshot, Snapshot, WireError, load, parse_utc

SECURITY = "security"
IMPERSONATION = "impersonation"     # an agent speaking for a target that belongs to another
_PLAIN_NAME = re.compile(r"[\w./@:+,=~%-]+")
_SAFE_CHARS = re.compile(r"[^A-Za-z0-9._-]")
_MAX_KEPT_NAME = 96


def quoted(text: str) -> str:
    """A file name as it can be shown: as it is when plain, else Python-quoted, so that a
    newline, a control character or undecodable bytes in it cannot forge or break a line."""
    return text if _PLAIN_NAME.fullmatch(text) else repr(text)


def one_line(text: str) -> str:
    """`text` with every non-printable character escaped: one line, whatever it holds."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


@dataclass(frozen=True)
class IngestResult:
    path: Path
    outcome: str              # accepted | duplicate | rejected | skipped | deferred
    reason: str = ""
    agent: str | None = None
    seq: int | None = None

    @property
    def failed(self) -> bool:
        """Something the operator must look at: the exit code of `ingest` says so."""
        return self.outcome in ("rejected", "skipped", "deferred")


class Rejected(Exception):
    def __init__(self, reason: str, security: bool = False, event: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.event = event or (SECURITY if security else "reject")


# --- what to read ----------------------------------------------------------------------------

def _kind(mode: int) -> str | None:
    """Why an inode that is not a regular file is not read; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "a symbolic link: not followed (deliver the file itself)"
    if stat.S_ISDIR(mode):
        return "a folder: snapshots go directly in the inbox"
    if stat.S_ISFIFO(mode):
        return "a FIFO: not read (it could block ingest forever)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device node: not read"
    if stat.S_ISSOCK(mode):
        return "a socket: not read"
    return "not a regular file: not read"


@dataclass(frozen=True)
class _Entry:
    path: Path
    in_folder: bool     # listed from a folder (consumed once stored), not named by the user


def expand(paths: list[Path]) -> tuple[list[_Entry], list[IngestResult]]:
    """The regular files named, and those directly inside folders named; and what was found in
    those folders but will not be read, with why. Dot files are deliveries still being written
    (`.NAME.part`) and are left for the next run."""
    files: list[_Entry] = []
    skipped: list[IngestResult] = []
    for p in paths:
        if not p.is_dir():
            files.append(_Entry(p, in_folder=False))
            continue
        try:
            entries = sorted(os.scandir(p), key=lambda e: e.name)
        except OSError as e:
            skipped.append(IngestResult(p, "skipped", f"folder cannot be listed: {e.strerror or e}"))
            continue
        for entry in entries:
            path = p / entry.name
            if entry.name.startswith("."):
                if not entry.name.endswith(".part"):
                    skipped.append(IngestResult(path, "skipped", "a dot file: not read (only "
                                                "deliveries in progress, .NAME.part, are hidden)"))
                continue
            try:
                why = _kind(entry.stat(follow_symlinks=False).st_mode)
            except FileNotFoundError:
                continue    # consumed by another ingest since the listing
            except OSError as e:
                why = f"cannot be examined: {e.strerror or e}"
            if why is None and entry.name.endswith(".reason"):
                why = "a stray reason file: reasons belong beside rejected files in quarantine/"
            if why is None:
                files.append(_Entry(path, in_folder=True))
            else:
                skipped.append(IngestResult(path, "skipped", why))
    return files, skipped


# --- claiming and reading one file -----------------------------------------------------------

class _NotRegular(Exception):
    """Not a regular file (the message says what it is): never opened for reading."""


class _Unreadable(Rejected):
    """Could not be opened or read at all; `skip`: not a file (nothing to keep or record)."""

    def __init__(self, reason: str, skip: bool = False) -> None:
        super().__init__(reason)
        self.skip = skip


@dataclass
class _Claim:
    fd: int
    identity: tuple[int, int, int, int]


def _identity(st: os.stat_result) -> tuple[int, int, int, int]:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def _open(entry: _Entry) -> int:
    """Open without blocking (a FIFO put in place of a file) and, in a folder, without following
    a link swapped in since the listing. Raises _NotRegular or OSError."""
    flags = os.O_RDONLY | os.O_NONBLOCK | (os.O_NOFOLLOW if entry.in_folder else 0)
    if not entry.in_folder:
        why = _kind(os.stat(entry.path).st_mode)   # before open: opening a device can act
        if why:
            raise _NotRegular(why)
    try:
        fd = os.open(entry.path, flags)
    except OSError as e:
        if entry.in_folder and e.errno == errno.ELOOP:   #: the name became a link
            raise _NotRegular(_kind(stat.S_IFLNK)) from None
        raise
    why = _kind(os.fstat(fd).st_mode)
    if why:
        os.close(fd)
        raise _NotRegular(why)
    return fd


def _claim(entry: _Entry) -> _Claim | None:
    """An exclusive claim on the file, or None when another ingest has consumed it. A file
    another ingest is working on is waited for (one file's work), never skipped: its chain's
    next file must not be judged before it is stored. Each ingest holds one claim at a time,
    so two cannot wait on each other; the lock dies with its process, so a killed ingest
    leaves nothing to clean up."""
    try:
        fd = _open(entry)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        held = os.fstat(fd)
        now = os.stat(entry.path, follow_symlinks=not entry.in_folder)
    except FileNotFoundError:
        os.close(fd)
        return None
    if (now.st_dev, now.st_ino) != (held.st_dev, held.st_ino):
        os.close(fd)     # consumed, and another file has taken its name: the next run's
        return None
    return _Claim(fd, _identity(held))


def _read_fd(fd: int, max_bytes: int) -> SignedSnapshot | Rejected:
    size = os.fstat(fd).st_size
    if size > max_bytes:
        return Rejected(f"oversized: {size} bytes > limit {max_bytes}")
    os.lseek(fd, 0, os.SEEK_SET)
    chunks, total = [], 0
    while total <= max_bytes:
        chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        return Rejected(f"oversized: more than {max_bytes} bytes")
    try:
        return load(data)
    except WireError as e:
        return Rejected(f"malformed snapshot: {e}")


def _peek(entry: _Entry, max_bytes: int) -> tuple[SignedSnapshot | Rejected | None, tuple | None]:
    """A first, unclaimed read to order the batch: (parsed, identity); identity None when the
    file could not be opened (the Rejected says why); (None, None) when it is gone from a
    folder (another ingest took it)."""
    try:
        fd = _open(entry)
    except FileNotFoundError:
        return (None, None) if entry.in_folder else (Rejected("no such file"), None)
    except _NotRegular as e:
        return _Unreadable(str(e), skip=True), None
    except PermissionError:
        return _Unreadable("permission denied"), None
    except OSError as e:
        return _Unreadable(f"cannot read: {e.strerror or e}"), None
    try:
        return _read_fd(fd, max_bytes), _identity(os.fstat(fd))
    except OSError as e:
        return _Unreadable(f"cannot read: {e.strerror or e}"), None
    finally:
        os.close(fd)


# --- the batch -------------------------------------------------------------------------------

def ingest_paths(home: Home, store: Store, paths: list[Path],
                 on_done: Callable[[IngestResult], None] | None = None) -> list[IngestResult]:
    """Verify and store every snapshot file in `paths`; `on_done` hears of each file read as
    it is done (a progress bar)."""
    settings = home.settings()
    entries, results = expand(paths)
    staged: list[tuple[_Entry, SignedSnapshot | Rejected, tuple | None]] = []
    for entry in entries:
        try:
            parsed, identity = _peek(entry, settings.max_snapshot_bytes)
        except Exception as e:   # noqa: BLE001 — no file may stop the batch, whatever it holds
            parsed, identity = _internal(e), None
        if parsed is not None:
            staged.append((entry, parsed, identity))
    # Chains must be applied in order, whatever order the files were named in.
    staged.sort(key=lambda it: (0, it[1].snapshot.agent, it[1].snapshot.seq, str(it[0].path))
                if isinstance(it[1], SignedSnapshot) else (1, "", 0, str(it[0].path)))
    for entry, parsed, identity in staged:
        if isinstance(parsed, _Unreadable) and parsed.skip:
            result: IngestResult | None = IngestResult(entry.path, "skipped", parsed.reason)
        elif identity is None and not isinstance(parsed, SignedSnapshot):
            result = _reject(home, store, entry.path, parsed)   # nothing to claim
        else:
            result = _claimed(home, store, entry, parsed, identity, settings)
        if result is not None:      # None: another ingest has consumed it
            results.append(result)
            if on_done is not None:
                on_done(result)
    return results


def _claimed(home: Home, store: Store, entry: _Entry, parsed: SignedSnapshot | Rejected,
             identity: tuple | None, settings: Settings) -> IngestResult | None:
    """Claim the file, then ingest it; None when another ingest consumed it."""
    try:
        claim = _claim(entry)
    except _NotRegular as e:
        return IngestResult(entry.path, "skipped", str(e))
    except OSError as e:
        return _reject(home, store, entry.path, Rejected(f"cannot read: {e.strerror or e}"))
    if claim is None:
        return None
    try:
        if claim.identity != identity:    # replaced since the first read: judge what is there now
            parsed = _read_fd(claim.fd, settings.max_snapshot_bytes)
        return ingest_one(home, store, entry.path, parsed, settings=settings)
    except sqlite3.OperationalError as e:
        # the store, not the file: locked, full or read-only. Keep the file for the next run.
        return IngestResult(entry.path, "deferred", f"the database refused it ({e})")
    except Exception as e:   # noqa: BLE001 — see _internal
        return _reject(home, store, entry.path, _internal(e))
    finally:
        os.close(claim.fd)


def _internal(e: Exception) -> Rejected:
    return Rejected(f"internal error while ingesting ({e.__class__.__name__}: {str(e)[:200]}); "
                    f"the file is kept for a fixed collector")


def _reject(home: Home, store: Store, path: Path, r: Rejected) -> IngestResult:
    try:
        return _rejected(home, store, path, r, None)
    except (OSError, sqlite3.Error) as e:
        return IngestResult(path, "deferred", f"{r.reason}; and it could not be "
                            f"quarantined ({e.__class__.__name__}: {e})")


# --- one claimed file ------------------------------------------------------------------------

def ingest_one(home: Home, store: Store, path: Path, parsed: SignedSnapshot | Rejected, *,
               settings: Settings | None = None) -> IngestResult:
    """Store one (claimed) file's snapshot or quarantine the file. A file in the inbox is
    consumed once stored; files named elsewhere are the user's to keep."""
    signed = parsed if isinstance(parsed, SignedSnapshot) else None
    try:
        if isinstance(parsed, Rejected):
            raise parsed
        result = _accept(store, path, parsed, settings or home.settings())
    except Rejected as r:
        return _rejected(home, store, path, r, signed)
    if _in_inbox(home, path):
        # stored whatever happens now: a file that cannot be removed is "already stored" next run
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
    return result


def _in_inbox(home: Home, path: Path) -> bool:
    return path.parent.resolve() == home.inbox.resolve()


def _rejected(home: Home, store: Store, path: Path, r: Rejected,
              signed: SignedSnapshot | None) -> IngestResult:
    agent = signed.snapshot.agent if signed else None
    store.audit(r.event, agent, quoted(str(path)), one_line(r.reason))
    quarantine(home, path, r.reason)
    return IngestResult(path, "rejected", r.reason, agent, signed.snapshot.seq if signed else None)


def _accept(store: Store, path: Path, signed: SignedSnapshot,
            settings: Settings) -> IngestResult:
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
    skew = timedelta(seconds=settings.max_clock_skew_seconds)
    with store.transaction():
        # The chain is read under the write lock: another ingest (`watch` beside a manual run)
        # may have moved it since, and checking it before the lock let both sides of a fork in.
        duplicate = store.has_snapshot(digest)
        if not duplicate:
            _check_clock(signed, datetime.now(UTC), skew)
            head = store.agent(snap.agent) or agent
            _check_chain(store, head.last_seq, head.last_hash, signed, skew)
            _check_owners(store, signed)
            store.insert_snapshot(snap, digest, signed.signature)   # with its accept record
            for plan, summary in restore_reports(snap):
                store.audit("restore-report", snap.agent, plan, summary)
    return IngestResult(path, "duplicate" if duplicate else "accepted", agent=snap.agent,
                        seq=snap.seq)


def restore_reports(snap: Snapshot) -> list[tuple[str, str]]:
    """(plan id, one-line summary) of each restore report the snapshot carries: who approved
    the plan and, per device, what happened, for the audit log."""
    out = []
    for target in snap.targets:
        for art in target.artifacts:
            if art.kind != KIND:
                continue
            try:
                doc = json.loads(art.text() or "")
                report = RestoreReport(**{k: v for k, v in doc.items() if k != "devices"},
                                       devices=[DeviceOutcome(**{k: v for k, v in d.items()
                                                                 if k != "rows"},
                                                              rows=[RowOutcome(**r)
                                                                    for r in d["rows"]])
                                                for d in doc["devices"]])
            except (ValueError, TypeError, KeyError, AttributeError) as e:
                out.append((art.name, f"unreadable restore report ({e.__class__.__name__}); "
                                      f"sha256 {art.sha256}"))
                continue
            devices = "; ".join(f"{d.device} {d.outcome}" for d in report.devices)
            out.append((report.plan, f"{report.summary()} [{devices}] digest "
                                     f"{report.digest[:16]}"))
    return out


def _check_clock(signed: SignedSnapshot, received: datetime, skew: timedelta) -> None:
    """A snapshot dated ahead of the collector's clock would outrank every later poll in the
    target's history (and hide what those show)."""
    taken = parse_utc(signed.snapshot.taken_at)
    if taken > received + skew:
        ahead = int((taken - received).total_seconds())
        raise Rejected(f"taken_at {signed.snapshot.taken_at} is in the future: {ahead} s ahead "
                       f"of the collector's clock (allowed: {int(skew.total_seconds())} s, "
                       f"max_clock_skew_seconds)", security=True)


def _check_owners(store: Store, signed: SignedSnapshot) -> None:
    """Every target belongs to one agent: set at enrolment, or pinned on its first report."""
    snap = signed.snapshot
    names = [t.name for t in snap.targets]
    owners = store.owners(names)
    foreign = sorted((t, o) for t, o in owners.items() if o != snap.agent)
    if foreign:
        listed = ", ".join(f"{t!r} belongs to agent {o}" for t, o in foreign[:5])
        raise Rejected(f"agent {snap.agent} reported target(s) it does not own: {listed} "
                       f"(a planned move: lineguard agents assign TARGET --to {snap.agent}, "
                       f"then ingest the quarantined file again)", event=IMPERSONATION)
    store.pin_targets(snap.agent, [n for n in names if n not in owners], "first report")


def _check_chain(store: Store, last_seq: int | None, last_hash: str | None,
                 signed: SignedSnapshot, skew: timedelta) -> None:
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
    last = store.snapshot_at(snap.agent, last_seq)
    with contextlib.suppress(ValueError):    # a predecessor stored with a bad time: not judged
        if last is not None and parse_utc(snap.taken_at) < parse_utc(last.taken_at) - skew:
            raise Rejected(f"taken_at {snap.taken_at} is before its predecessor #{last_seq} "
                           f"(taken {last.taken_at}): the agent's clock went back, or the "
                           f"snapshot was back-dated", security=True)


# --- quarantine ------------------------------------------------------------------------------

def kept_name(name: str) -> str:
    """A name safe to create in quarantine: plain characters only and bounded in length, so no
    name the inbox can hold (255 bytes, newlines, undecodable bytes) fails to be kept."""
    safe = _SAFE_CHARS.sub("_", name)
    if safe == name and len(name) <= _MAX_KEPT_NAME:
        return name
    tag = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return f"{safe[:_MAX_KEPT_NAME - 13]}-{tag}"


def quarantine(home: Home, path: Path, reason: str) -> Path | None:
    """Keep the rejected bytes with the reason beside them: moved out of the inbox, copied
    otherwise. The reason file is created first and exclusively: it reserves the name, so two
    ingests (or a coarse clock) never write over each other's quarantine."""
    move = _in_inbox(home, path)
    home.quarantine.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    base = kept_name(path.name)
    fd, dest = _reserve(home.quarantine, stamp, base)
    kept: Path | None = dest
    try:
        if move:
            os.replace(path, dest)
        elif path.is_file():
            shutil.copy2(path, dest)
        else:
            kept = None
    except OSError:
        kept = None
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(f"{quoted(str(path))}\n{one_line(reason)}\n")
    return kept


def _reserve(folder: Path, stamp: str, base: str) -> tuple[int, Path]:
    for n in itertools.count():
        dest = folder / (f"{stamp}-{base}" if n == 0 else f"{stamp}-{n}-{base}")
        if os.path.lexists(dest):
            continue
        try:
            return os.open(_reason_path(dest), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644), dest
        except FileExistsError:
            continue
    raise AssertionError("itertools.count() is endless")


def _reason_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".reason")
