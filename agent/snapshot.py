"""Taking one snapshot: host sources and devices gathered into targets, chained and signed.

The chain state (last seq and hash) is kept beside the key (`KEY.chain`). Every command that
signs (`snapshot`, `run`) or delivers (`push`) goes through one allocator under one lock:

1. the signed bytes and where they go are written to the journal (`KEY.chain.pending`, 0600,
   fsynced): the sequence number is now reserved, durably, for exactly these bytes;
2. the snapshot file is written;
3. the chain state is advanced, and the journal removed.

A run or push that finds a journal (the agent died between 1 and 3) first finishes that
publish: it puts the very same bytes where they were going (again, if `push` delivered them
meanwhile: the collector stores one copy and calls the other "already stored") and advances the
chain. So a crash never skips a sequence number (the collector would refuse every later
snapshot as a gap) and never signs a second, different snapshot with a number that may already
have left the host (a fork).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import socket
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from lineguard.agent.restore.report import ARTIFACT_PREFIX, KIND
from lineguard.formats import agentsetup
from lineguard.formats.agentsetup import AgentSetup, Peer, addresses_of, collector_peer
from lineguard.formats.schedfile import ScheduledFile
from lineguard.formats.wire import (
    MAX_SNAPSHOT_BYTES,
    Artifact,
    Snapshot,
    Target,
    WireError,
    canonical,
    key_fingerprint,
    load,
    sign,
)


def reports_dir(chain: Path) -> Path:
    """Where restore reports wait for the next snapshot: beside the chain state."""
    return chain.with_name("restore-reports")


def _pending_reports(chain: Path) -> tuple[Artifact, ...]:
    folder = reports_dir(chain)
    if not folder.is_dir():
        return ()
    return tuple(Artifact.from_bytes(ARTIFACT_PREFIX + p.name, KIND, p.read_bytes())
                 for p in sorted(folder.glob("*.json")))


def mark_sent(chain: Path, snap: Snapshot) -> None:
    """Reports a published snapshot carries move to restore-reports/sent/."""
    folder = reports_dir(chain)
    for target in snap.targets:
        for art in target.artifacts:
            if art.kind == KIND and art.name.startswith(ARTIFACT_PREFIX):
                path = folder / art.name[len(ARTIFACT_PREFIX):]
                if path.exists():
                    (folder / "sent").mkdir(exist_ok=True)
                    os.replace(path, folder / "sent" / path.name)


def mask_key_for(key: Ed25519PrivateKey) -> bytes:
    """A secret-masking key derived from the agent key: stable across runs, never leaves the host."""
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return hashlib.sha256(b"lineguard-mask-v1\x00" + raw).digest()


class ChainError(ValueError):
    """The chain state file is unreadable: never silently restart the chain at seq 1."""


class ChainBusy(ChainError):
    """Another snapshot on this chain is running."""


def read_chain(path: Path) -> tuple[int, str | None]:
    """The last (seq, hash) written, counting a snapshot whose commit a crash interrupted."""
    try:
        doc = json.loads(path.read_text())
        seq, digest = doc["seq"], doc["hash"]
        pending = doc.get("pending")
        if pending and _written(Path(pending["path"]), pending["hash"]):
            seq, digest = pending["seq"], pending["hash"]
    except FileNotFoundError:
        return 0, None
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ChainError(f"{path}: chain state unreadable ({e.__class__.__name__}: {e}); restore "
                         f"it, or move it away to start a new chain and re-enrol the agent") from None
    if not (isinstance(seq, int) and seq >= 0 and (digest is None) == (seq == 0)
            and (digest is None or (isinstance(digest, str) and len(digest) == 64))):
        raise ChainError(f"{path}: chain state holds seq {seq!r} and hash {digest!r}; restore it, "
                         f"or move it away to start a new chain and re-enrol the agent")
    return seq, digest


def _written(path: Path, digest: str) -> bool:
    try:
        return load(path.read_bytes()).digest == digest
    except (OSError, WireError):
        return False


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def take(*, agent: str, key: Ed25519PrivateKey, chain: Path, root: Path = Path("/"),
         hostname: str | None = None, inventory: Path | None = None,
         credentials: Path | None = None, live: bool | None = None, progress: bool = False,
         now: datetime | None = None,
         scheduled_files: tuple[ScheduledFile, ...] = (),
         max_bytes: int = MAX_SNAPSHOT_BYTES, deliver: str | None = None,
         own_files: tuple[Path, ...] = ()) -> tuple[Snapshot, bytes]:
    """Gather, chain and sign one snapshot, under `max_bytes` (see fitted). Returns it and the
    file bytes (chain not yet advanced). The agent's own setup (`deliver`: where snapshots go,
    the inventory's devices, `own_files`: its config, key, state and outbox) rides along as an
    artifact of the host (formats/agentsetup.py)."""
    from lineguard.agent.sources.host import collect as collect_host

    if live is None:
        live = root.resolve() == Path("/")
    host_target, facts = collect_host(root, hostname=hostname, live=live,
                                      mask_key=mask_key_for(key),
                                      scheduled_files=scheduled_files)
    own = own_setup(root, deliver, inventory, (*own_files, key_path_of(chain), chain))
    reports = _pending_reports(chain)
    host_target = replace(host_target, artifacts=host_target.artifacts + (own, *reports))
    targets: list[Target] = [host_target]
    if inventory is not None:
        from lineguard.agent.devices import collect as collect_devices
        # devices' SSH host keys live beside the chain state: trusted once, then checked
        targets.extend(collect_devices(inventory, credentials, mask_key=mask_key_for(key),
                                       progress=progress,
                                       known_hosts=chain.with_name("known_hosts")))
    seq, prev = read_chain(chain)
    taken = max((now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                _last_taken(chain))   # never before the last one: the clock may have stepped back
    facts = dict(facts)
    facts.setdefault("hostname", hostname or socket.gethostname())
    snap = Snapshot(agent=agent, key_id=key_fingerprint(key.public_key()), seq=seq + 1,
                    prev=prev, taken_at=taken, host=facts, targets=tuple(targets))
    data = sign(snap, key)
    if len(data) > max_bytes:
        snap = fitted(snap, len(data), max_bytes)
        data = sign(snap, key)
    return snap, data


def fitted(snap: Snapshot, size: int, max_bytes: int) -> Snapshot:
    """The snapshot brought under `max_bytes` (the collector refuses a larger file, and every
    later one: the host's evidence would stop, a job planted beside the padding with it): the
    host's followed scripts with the largest encoded text (padding, or text JSON writes six
    bytes a character for) are recorded as not read instead, largest first, and the host
    target is partial, saying so. The collector then judges each job that runs one as having
    run past a reading limit (high)."""
    host = snap.targets[0]
    scripts = sorted(((len(canonical(a.to_wire())), a.name) for a in host.artifacts
                      if a.kind == "script" and a.content is not None), reverse=True)
    over = size - int(max_bytes * 0.95)
    dropped: set[str] = set()
    for cost, name in scripts:
        if over <= 0:
            break
        dropped.add(name)
        over -= cost
    why = (f"not captured: dropped to keep the snapshot under {max_bytes:,} bytes "
           f"(the collector's limit; it was {size:,})")
    artifacts = tuple(
        Artifact(name=a.name, kind=a.kind, state="unread",
                 meta={**{k: v for k, v in a.meta.items() if k != "unread"}, "unread": why})
        if a.name in dropped else a for a in host.artifacts)
    note = f"{len(dropped)} followed script(s) dropped to fit the snapshot size limit"
    host = replace(host, artifacts=artifacts, status="partial",
                   error="; ".join(filter(None, [host.error, note])))
    return replace(snap, targets=(host, *snap.targets[1:]))


def key_path_of(chain: Path) -> Path:
    """The key a chain state beside it belongs to (KEY.chain): the agent's own file too."""
    return chain.with_name(chain.name.removesuffix(".chain"))


def own_setup(root: Path, deliver: str | None, inventory: Path | None,
              files: tuple[Path, ...]) -> Artifact:
    """The agent's setup as an artifact (formats/agentsetup.py): the collector it delivers
    to, the devices of the inventory (an inventory that cannot be read names none here; the
    device poll reports it) and its own files."""
    from lineguard.agent.devices import inventory as inventory_file
    try:
        hosts = (root / "etc/hosts").read_text(errors="replace")
    except OSError:
        hosts = ""
    peers = [p for p in (collector_peer(deliver, hosts),) if p is not None]
    if inventory is not None:
        try:
            devices = inventory_file.load(Path(inventory))
        except (inventory_file.InventoryError, OSError):
            devices = []
        peers += [Peer("device", d.name if not d.host or d.host == d.name else d.host,
                       addresses_of(d.host or d.name, hosts),
                       d.port or agentsetup.DEVICE_PORTS.get(d.method), f"{d.method} polling")
                  for d in devices if d.method in agentsetup.DEVICE_PORTS]
    names = tuple(dict.fromkeys(str(f.absolute()) for f in (*files, *(
        (inventory,) if inventory is not None else ()))))
    return Artifact.from_bytes(agentsetup.ARTIFACT, agentsetup.KIND, AgentSetup(tuple(peers), names).to_json().encode())


def commit(chain: Path, snap: Snapshot) -> None:
    write_atomic(chain, json.dumps({"seq": snap.seq, "hash": snap.digest(),
                                    "taken_at": snap.taken_at}).encode(), 0o600)


def _last_taken(chain: Path) -> str:
    """When the last committed snapshot was taken ("" when unknown). The collector refuses a
    snapshot dated before its predecessor, so a clock stepped back must not date one so."""
    try:
        taken = json.loads(chain.read_text()).get("taken_at")
    except (OSError, ValueError, AttributeError):
        return ""
    return taken if isinstance(taken, str) else ""


def journal_path(chain: Path) -> Path:
    return chain.with_name(chain.name + ".pending")


def publish(out: Path, data: bytes, chain: Path, snap: Snapshot) -> None:
    """Reserve the number for these bytes, write the signed file, then advance the chain (see
    the module docstring). The caller holds chain_lock."""
    journal = journal_path(chain)
    write_atomic(journal, json.dumps({"path": os.path.abspath(out),
                                      "snapshot": data.decode("utf-8")}).encode(), 0o600)
    try:
        write_atomic(out, data)
    except OSError:
        journal.unlink()    # known not written (nothing left the host): the number is free again
        raise
    commit(chain, snap)
    journal.unlink()
    mark_sent(chain, snap)


def settle(chain: Path) -> int | None:
    """Finish a publish that a crash interrupted; returns the seq it settled, if any. The
    caller holds chain_lock. Raises ChainError when the journal cannot be used."""
    journal = journal_path(chain)
    try:
        doc = json.loads(journal.read_text())
        out, data = Path(doc["path"]), doc["snapshot"].encode("utf-8")
        snap = load(data).snapshot
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise ChainError(f"{journal}: an interrupted snapshot cannot be read back "
                         f"({e.__class__.__name__}: {e}); restore it, or move it away if that "
                         f"snapshot never left this host") from None
    seq, digest = read_chain(chain)
    if (snap.seq, snap.prev) != (seq + 1, digest):
        journal.unlink()     # already committed (the crash came after step 3's first half)
        return None
    try:
        held = out.read_bytes()
    except OSError:
        held = None
    if held != data:
        try:
            write_atomic(out, data)
        except OSError as e:
            raise ChainError(f"{journal}: snapshot #{snap.seq} was signed before a crash but "
                             f"cannot be written to {out} ({e.strerror or e}); make that folder "
                             f"writable again so it is delivered, never signed anew") from None
    commit(chain, snap)
    journal.unlink()
    mark_sent(chain, snap)
    return snap.seq


@contextlib.contextmanager
def chain_lock(chain: Path) -> Iterator[None]:
    """One snapshot at a time per chain: two runs (the daemon and a manual `snapshot` with the
    same key) reading the same state would sign two different snapshots with one number."""
    chain.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(chain.with_name(chain.name + ".lock"), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ChainBusy(f"{chain}: another snapshot on this chain is running; "
                             f"try again when it has finished") from None
        yield
    finally:
        os.close(fd)


def settle_if_idle(chain: Path) -> None:
    """Before a delivery: finish an interrupted publish, unless a snapshot is running now (its
    file is then delivered as it is; the journal makes that safe either way)."""
    with contextlib.suppress(ChainBusy), chain_lock(chain):
        settle(chain)


def snapshot_to(out: Path | Callable[[Snapshot], Path], chain: Path, **kw) -> Snapshot:
    """The one sequence allocator: settle what a crash left, take, reserve, write, commit.
    `out` is the file, or a function naming it from the snapshot (the daemon's outbox)."""
    with chain_lock(chain):
        settle(chain)
        snap, data = take(chain=chain, **kw)
        publish(out(snap) if callable(out) else out, data, chain, snap)
    return snap
