"""Re-proving the store: every stored snapshot re-assembled, re-hashed and its signature checked
against the key that signed it (a rotated-out key is kept for this, and a removed agent's keys
too), every chain link followed, and the audit log's hash chain walked."""

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
    keys = {(k.agent, k.key_id): parse_public(k.public_key.encode()) for k in store.agent_keys()}
    prev_by_agent: dict[str, tuple[int, str]] = {}
    for sid, agent, seq, digest, key_id in store.snapshot_index():
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
            SignedSnapshot(parse_body(body), data, sig).verify(keys[(agent, key_id)])
        except WireError as e:
            problems.append(f"{agent} #{seq}: {e}")
        except KeyError:
            problems.append(f"{agent} #{seq}: signed by {key_id}, a key never enrolled for "
                            f"{agent}")
        last = prev_by_agent.get(agent)
        if last is not None and (seq != last[0] + 1 or body["prev"] != last[1]):
            problems.append(f"{agent} #{seq}: does not chain to #{last[0]}")
        prev_by_agent[agent] = (seq, digest)
    return problems
