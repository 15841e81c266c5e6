"""Taking one snapshot: host sources and devices gathered into targets, chained and signed.

The chain state (last seq and hash) is kept beside the key and advanced only after the signed
file is safely written. Before writing, the state notes the file about to be written; a run that
finds that file in place (the agent died before the commit) continues after it. So a crash
never skips a sequence number (the collector would refuse every later snapshot as a gap) and
never signs a second, different snapshot with a number already on disk (a fork).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from agent.wire import Snapshot, Target, WireError, key_fingerprint, load, sign


def mask_key_for(key: Ed25519PrivateKey) -> bytes:
    """A secret-masking key derived from the agent key: stable across runs, never leaves the host."""
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return hashlib.sha256(b"lineguard-mask-v1\x00" + raw).digest()


class ChainError(ValueError):
    """The chain state file is unreadable: never silently restart the chain at seq 1."""


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
         now: datetime | None = None) -> tuple[Snapshot, bytes]:
    """Gather, chain and sign one snapshot. Returns it and the file bytes (chain not yet advanced)."""
    from agent.sources.host import collect as collect_host

    if live is None:
        live = root.resolve() == Path("/")
    host_target, facts = collect_host(root, hostname=hostname, live=live,
                                      mask_key=mask_key_for(key))
    targets: list[Target] = [host_target]
    if inventory is not None:
        from agent.devices import collect as collect_devices
        # devices' SSH host keys live beside the chain state: trusted once, then checked
        targets.extend(collect_devices(inventory, credentials, mask_key=mask_key_for(key),
                                       progress=progress,
                                       known_hosts=chain.with_name("known_hosts")))
    seq, prev = read_chain(chain)
    taken = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    facts = dict(facts)
    facts.setdefault("hostname", hostname or socket.gethostname())
    snap = Snapshot(agent=agent, key_id=key_fingerprint(key.public_key()), seq=seq + 1,
                    prev=prev, taken_at=taken, host=facts, targets=tuple(targets))
    return snap, sign(snap, key)


def commit(chain: Path, snap: Snapshot) -> None:
    write_atomic(chain, json.dumps({"seq": snap.seq, "hash": snap.digest()}).encode(), 0o600)


def publish(out: Path, data: bytes, chain: Path, snap: Snapshot) -> None:
    """Write the signed file, then advance the chain (see the module docstring)."""
    pending = {"seq": snap.seq, "hash": snap.digest(), "path": os.path.abspath(out)}
    write_atomic(chain, json.dumps({"seq": snap.seq - 1, "hash": snap.prev,
                                    "pending": pending}).encode(), 0o600)
    write_atomic(out, data)
    commit(chain, snap)


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
            raise ChainError(f"{chain}: another snapshot on this chain is running; "
                             f"try again when it has finished") from None
        yield
    finally:
        os.close(fd)


def snapshot_to(out: Path, chain: Path, **kw) -> Snapshot:
    with chain_lock(chain):
        snap, data = take(chain=chain, **kw)
        publish(out, data, chain, snap)
    return snap
