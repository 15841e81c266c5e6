"""Taking one snapshot: host sources and devices gathered into targets, chained and signed.

The chain state (last seq and hash) is kept beside the key and advanced only after the signed
file is safely written, so a crash never skips or reuses a sequence number.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from agent.wire import Snapshot, Target, key_fingerprint, sign


def mask_key_for(key: Ed25519PrivateKey) -> bytes:
    """A secret-masking key derived from the agent key: stable across runs, never leaves the host."""
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return hashlib.sha256(b"lineguard-mask-v1\x00" + raw).digest()


def read_chain(path: Path) -> tuple[int, str | None]:
    try:
        doc = json.loads(path.read_text())
        return int(doc["seq"]), doc["hash"]
    except FileNotFoundError:
        return 0, None


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
    host_target, facts = collect_host(root, hostname=hostname, live=live)
    targets: list[Target] = [host_target]
    if inventory is not None:
        from agent.devices import collect as collect_devices
        targets.extend(collect_devices(inventory, credentials, mask_key=mask_key_for(key),
                                       progress=progress))
    seq, prev = read_chain(chain)
    taken = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    facts = dict(facts)
    facts.setdefault("hostname", hostname or socket.gethostname())
    snap = Snapshot(agent=agent, key_id=key_fingerprint(key.public_key()), seq=seq + 1,
                    prev=prev, taken_at=taken, host=facts, targets=tuple(targets))
    return snap, sign(snap, key)


def commit(chain: Path, snap: Snapshot) -> None:
    write_atomic(chain, json.dumps({"seq": snap.seq, "hash": snap.digest()}).encode(), 0o600)


def snapshot_to(out: Path, chain: Path, **kw) -> Snapshot:
    snap, data = take(chain=chain, **kw)
    write_atomic(out, data)
    commit(chain, snap)
    return snap
