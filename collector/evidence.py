"""Re-proving the store: every stored snapshot re-assembled, re-hashed and its signature checked
against the enrolled key, every chain link followed; the audit log's signatures checked with the
collector key and its head against the checkpoint log; and the tables that steer the checks
(agents, snapshots, alerts) cross-checked against the signed audit records that wrote them.

What a database owner without the collector key could do, and what shows it:
- delete, add or reorder snapshots: every stored snapshot has exactly one signed accept record
  (agent, seq, hash, received time) and every accept record its snapshot;
- edit `agents` (last seq, hash, seen; a swapped key): they must equal the newest accept record
  and the signed enrolment, and the key's fingerprint the enrolled one;
- mark an alert sent (in the future, or when it never went out): `alerts.last_sent` must be the
  time of a signed alert record, never after now;
- cut or rebuild the audit log: row signatures and the checkpoint log.
"""

from __future__ import annotations

import json
import re
import zlib
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from agent.keys import parse_public
from agent.wire import SignedSnapshot, WireError, canonical, key_fingerprint, parse_body, sha256_hex
from collector.store import Store, utc_now

# "In the future" means beyond this: `check` judges as of a whole second, and clocks drift.
CLOCK_SLACK = timedelta(minutes=5)
_ENROLLED = re.compile(r"^site=(?P<site>\S*)(?: key=(?P<key>.+))?$")


def verify_store(store: Store, now: str | None = None) -> list[str]:
    """Every problem found, one line each; [] when the store proves itself."""
    now = now or utc_now()
    problems = [f"audit log row {rid}: {why}" for rid, why in store.verify_audit()]
    problems += _checkpoints(store)
    problems += _agents(store, now)
    problems += _snapshots(store)
    problems += _alerts(store, now)
    return problems


def quick_problems(store: Store, now: str) -> list[str]:
    """The checks cheap enough for every `check` run: the agents table and the alert state
    against the signed records, and the audit log's head against the newest checkpoint."""
    problems = _agents(store, now) + _alerts(store, now)
    last = store.anchor.last_line()
    if last:
        try:
            doc = json.loads(last)
            row = store.db.execute("SELECT sig FROM audit WHERE id = ?",
                                   [int(doc["audit_id"])]).fetchone()
            if row is None or row[0] is None or bytes(row[0]).hex() != doc["audit_sig"]:
                problems.append(f"the newest checkpoint names audit row {doc['audit_id']}, "
                                "which the audit log no longer holds as signed")
        except (ValueError, KeyError, TypeError):
            problems.append(f"{store.anchor.log_path.name}: its last line is not a checkpoint")
    return problems


def _checkpoints(store: Store) -> list[str]:
    checkpoints, problems = store.anchor.read_checkpoints()
    heads = dict(store.db.execute("SELECT id, sig FROM audit").fetchall())
    top = max(heads, default=0)
    for cp in checkpoints:
        sig = heads.get(cp.audit_id)
        if sig is None:
            problems.append(f"checkpoint {cp.n} ({cp.at}) names audit row {cp.audit_id}, which "
                            f"the audit log no longer holds (its last row is {top or 'none'}): "
                            "rows were removed")
        elif bytes(sig).hex() != cp.audit_sig:
            problems.append(f"checkpoint {cp.n} ({cp.at}): audit row {cp.audit_id} is not the "
                            "row that was checkpointed")
    if not checkpoints and any(sig is not None for sig in heads.values()):
        problems.append(f"{store.anchor.log_path.name} is missing: the audit log's head is "
                        "anchored nowhere")
    return problems


def _audit_events(store: Store, event: str) -> list[tuple[str, str | None, str, str]]:
    return store.db.execute("SELECT at, agent, subject, detail FROM audit WHERE event = ? "
                            "ORDER BY id", [event]).fetchall()


def _agents(store: Store, now: str) -> list[str]:
    problems: list[str] = []
    enrolled: dict[str, tuple[str, str, str | None]] = {}
    for _, agent, key_id, detail in _audit_events(store, "enrol"):
        m = _ENROLLED.match(detail)
        site = m.group("site") if m else None
        enrolled[str(agent)] = (key_id, (m and m.group("key")) or "",
                                None if site in (None, "-") else site)
    accepts: dict[str, tuple[int, str, str]] = {}
    for at, agent, subject, digest in _audit_events(store, "accept"):
        accepts[str(agent)] = (int(subject.lstrip("#")), digest, at)
    names = set()
    for a in store.agents():
        names.add(a.name)
        record = enrolled.get(a.name)
        if record is None:
            problems.append(f"agent {a.name}: no signed enrolment record (added behind the "
                            "collector's back)")
        else:
            key_id, key_text, site = record
            if a.site != site:
                problems.append(f"agent {a.name}: site {a.site!r} is not the enrolled site "
                                f"{site!r} (its alerts would go to another site)")
            try:
                actual = key_fingerprint(parse_public(a.public_key.encode()))
            except ValueError:
                actual = "unreadable"
            if actual != key_id or a.key_id != key_id or (key_text and key_text != a.public_key):
                problems.append(f"agent {a.name}: key {actual} is not the enrolled key {key_id} "
                                "(key swapped)")
        head = accepts.get(a.name)
        state = (a.last_seq, a.last_hash, a.last_seen)
        expected = head if head is not None else (None, None, None)
        if state != expected:
            problems.append(f"agent {a.name}: last seq/hash/seen {_show(state)} differ from the "
                            f"newest accept record {_show(expected)}")
        if a.last_seen is not None and _when(a.last_seen) > _when(now) + CLOCK_SLACK:
            problems.append(f"agent {a.name}: last seen {a.last_seen} is in the future "
                            "(it would hide the agent falling silent)")
    for name in sorted(set(enrolled) - names):
        problems.append(f"agent {name}: enrolled in the audit log but gone from the agents table")
    return problems


def _show(state: tuple[object, object, object]) -> str:
    seq, digest, seen = state
    return f"(#{seq}, {str(digest)[:12]}…, {seen})" if seq is not None else "(none)"


def _snapshots(store: Store) -> list[str]:
    problems: list[str] = []
    keys = {}
    for a in store.agents():
        try:
            keys[a.name] = parse_public(a.public_key.encode())
        except ValueError:
            problems.append(f"agent {a.name}: stored public key is unreadable")
    accepted: dict[tuple[str, int], tuple[str, str]] = {}
    for at, agent, subject, digest in _audit_events(store, "accept"):
        accepted[(str(agent), int(subject.lstrip("#")))] = (digest, at)
    stored: set[tuple[str, int]] = set()
    prev_by_agent: dict[str, tuple[int, str]] = {}
    per_agent: dict[str, int] = defaultdict(int)
    rows = store.db.execute("SELECT id, agent, seq, hash, received_at FROM snapshots "
                            "ORDER BY agent, seq").fetchall()
    for sid, agent, seq, digest, received in rows:
        stored.add((agent, seq))
        per_agent[agent] += 1
        record = accepted.get((agent, seq))
        if record is None:
            problems.append(f"{agent} #{seq}: stored without an accept record (inserted behind "
                            "the collector's back)")
        elif record[0] != digest:
            problems.append(f"{agent} #{seq}: is not the snapshot that was accepted "
                            f"({digest[:12]}…, accepted {record[0][:12]}…)")
        elif record[1] != received:
            problems.append(f"{agent} #{seq}: received_at {received} differs from the accept "
                            f"record's {record[1]}")
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
    missing: dict[str, list[int]] = defaultdict(list)
    for agent, seq in sorted(set(accepted) - stored):
        missing[agent].append(seq)
    for agent, seqs in missing.items():
        every = " (every snapshot of the agent)" if not per_agent.get(agent) else ""
        problems.append(f"{agent}: accepted snapshot(s) {_runs(seqs)} missing from the "
                        f"store{every}: deleted")
    return problems


def _runs(seqs: list[int]) -> str:
    out: list[str] = []
    start = prev = seqs[0]
    for s in seqs[1:] + [None]:   # type: ignore[list-item]
        if s is not None and s == prev + 1:
            prev = s
            continue
        out.append(f"#{start}" if start == prev else f"#{start}–#{prev}")
        if s is not None:
            start = prev = s
    return ", ".join(out)


def _when(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return datetime.max.replace(tzinfo=UTC)   # unreadable: as suspicious as the future


def _alerts(store: Store, now: str) -> list[str]:
    sent_at = {at for at, _, _, _ in _audit_events(store, "alert")}
    problems: list[str] = []
    for key, last_sent in store.db.execute("SELECT key, last_sent FROM alerts ORDER BY key"):
        if last_sent is None:
            continue
        if _when(last_sent) > _when(now) + CLOCK_SLACK:
            problems.append(f"alert {key}: marked sent at {last_sent}, in the future (it would "
                            "never go out)")
        elif last_sent not in sent_at:
            problems.append(f"alert {key}: marked sent at {last_sent}, but no alert was recorded "
                            "then")
    return problems

