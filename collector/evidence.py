"""Re-proving the store: every stored snapshot re-assembled, re-hashed and its signature checked
against the enrolled key, every chain link followed, and the audit log's hash chain walked."""

from __future__ import annotations

import zlib

from agent.keys import parse_public
from agent.wire import SignedSnapshot, WireError, canonical, parse_body, sha256_hex
from collector.store import Store


def verify_store(store: Store) -> list[str]:
    problems: list[str] = []
    broken = store.verify_audit()
    if broken is not None:
        problems.append(f"audit log: hash chain broken at row {broken}")
    keys = {a.name: parse_public(a.public_key.encode()) for a in store.agents()}
    prev_by_agent: dict[str, tuple[int, str]] = {}
    rows = store.db.execute("SELECT id, agent, seq, hash FROM snapshots ORDER BY agent, seq").fetchall()
    for sid, agent, seq, digest in rows:
        try:
            body, sig = store.snapshot_body(sid)
        except (KeyError, ValueError, zlib.error) as e:
            # a blob deleted or overwritten in the database: a finding, not a reason to stop
            problems.append(f"{agent} #{seq}: cannot be re-assembled ({e.__class__.__name__}: {e})")
            continue
        data = canonical(body)
        if sha256_hex(data) != digest:
            problems.append(f"{agent} #{seq}: stored content no longer hashes to {digest[:12]}…")
            continue
        try:
            SignedSnapshot(parse_body(body), data, sig).verify(keys[agent])
        except (WireError, KeyError) as e:
            problems.append(f"{agent} #{seq}: {e}")
        last = prev_by_agent.get(agent)
        if last is not None and (seq != last[0] + 1 or body["prev"] != last[1]):
            problems.append(f"{agent} #{seq}: does not chain to #{last[0]}")
        prev_by_agent[agent] = (seq, digest)
    return problems
