"""Re-proving the store: every stored snapshot re-assembled, re-hashed and its signature checked
against the key that signed it (a rotated-out key is kept for this, and a removed agent's keys
too), every chain link followed; the audit log's signatures checked with the
collector key and its head against the checkpoint log; and the tables that steer the checks
(agents, snapshots, alerts) cross-checked against the signed audit records that wrote them.

What a database owner without the collector key could do, and what shows it:
- delete, add or reorder snapshots: every stored snapshot has exactly one signed accept record
  (agent, seq, hash, received time) and every accept record its snapshot;
- edit `agents` or `agent_keys` (last seq, hash, seen; a swapped key; a site; an agent marked
  removed): they must equal the newest accept record and the signed enrolment, key rotation and
  removal records, and each key's fingerprint the one recorded;
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

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from lineguard.agent.keys import parse_public
from lineguard.collector.store import Store, utc_now
from lineguard.formats.wire import (
    SignedSnapshot,
    WireError,
    canonical,
    key_fingerprint,
    parse_body,
    sha256_hex,
)

# "In the future" means beyond this: `check` judges as of a whole second, and clocks drift.
CLOCK_SLACK = timedelta(minutes=5)
_ENROLLED = re.compile(r"^site=(?P<site>\S*)")
_TARGETS = re.compile(r" targets=(\S+)")
_KEY_TEXT = re.compile(r"(?:^| )key=(.+)$")


def verify_store(store: Store, now: str | None = None) -> list[str]:
    """Every problem found, one line each; [] when the store proves itself."""
    now = now or utc_now()
    problems = [f"audit log row {rid}: {why}" for rid, why in store.verify_audit()]
    problems += _checkpoints(store)
    problems += _agents(store, now)
    problems += _snapshots(store)
    problems += _alerts(store, now)
    problems += _owners(store)
    return problems


def quick_problems(store: Store, now: str) -> list[str]:
    """The checks cheap enough for every `check` run: the agents table and the alert state
    against the signed records, the snapshots the checks judge by, and the audit log's head
    against the newest checkpoint."""
    problems = _agents(store, now) + _alerts(store, now) + _owners(store)
    problems += judged_snapshots(store)
    last = store.anchor.last_line()
    if last:
        try:
            doc = json.loads(last)
            sig = store.audit_signature(int(doc["audit_id"]))
            if sig is None or sig.hex() != doc["audit_sig"]:
                problems.append(f"the newest checkpoint names audit row {doc['audit_id']}, "
                                "which the audit log no longer holds as signed")
        except (ValueError, KeyError, TypeError):
            problems.append(f"{store.anchor.log_path.name}: its last line is not a checkpoint")
    return problems


def _checkpoints(store: Store) -> list[str]:
    checkpoints, problems = store.anchor.read_checkpoints()
    heads = store.audit_heads()
    top = max(heads, default=0)
    for cp in checkpoints:
        sig = heads.get(cp.audit_id)
        if sig is None:
            problems.append(f"checkpoint {cp.n} ({cp.at}) names audit row {cp.audit_id}, which "
                            f"the audit log no longer holds (its last row is {top or 'none'}): "
                            "rows were removed")
        elif sig.hex() != cp.audit_sig:
            problems.append(f"checkpoint {cp.n} ({cp.at}): audit row {cp.audit_id} is not the "
                            "row that was checkpointed")
    if not checkpoints and any(sig is not None for sig in heads.values()):
        problems.append(f"{store.anchor.log_path.name} is missing: the audit log's head is "
                        "anchored nowhere")
    return problems


def _audit_events(store: Store, event: str) -> list[tuple[str, str | None, str, str]]:
    return [(r["at"], r["agent"], r["subject"], r["detail"]) for r in store.audit_events(event)]


def _audit_rows(store: Store, *events: str) -> list[tuple[str, str | None, str, str, str]]:
    return [(r["at"], r["agent"], r["event"], r["subject"], r["detail"])
            for r in store.audit_events(*events)]


def _key_records(store: Store) -> dict[str, dict[str, str]]:
    """agent -> {key id: public key text} from the signed enrolment and key rotation records."""
    keys: dict[str, dict[str, str]] = defaultdict(dict)
    for event in ("enrol", "agent-rotate-key"):
        for _, agent, key_id, detail in _audit_events(store, event):
            m = _KEY_TEXT.search(detail)
            keys[str(agent)][key_id] = m.group(1) if m else ""
    return keys


def _agents(store: Store, now: str) -> list[str]:
    problems: list[str] = []
    # the newest of enrolment and key rotation names the key an agent signs with now
    current: dict[str, str] = {}
    sites: dict[str, str | None] = {}
    removed: dict[str, bool] = {}
    for _, agent, event, subject, detail in _audit_rows(store, "enrol", "agent-rotate-key",
                                                        "agent-remove"):
        name = str(agent)
        if event == "agent-remove":
            removed[name] = True
            continue
        current[name] = subject
        if event == "enrol":
            m = _ENROLLED.match(detail)
            site = m.group("site") if m else None
            sites[name] = None if site in (None, "-") else site
            removed[name] = False
    key_texts = _key_records(store)
    accepts: dict[str, tuple[int, str, str]] = {}
    for at, agent, subject, digest in _audit_events(store, "accept"):
        accepts[str(agent)] = (int(subject.lstrip("#")), digest, at)
    names = set()
    for a in store.agents(include_removed=True):
        names.add(a.name)
        if a.name not in current:
            problems.append(f"agent {a.name}: no signed enrolment record (added behind the "
                            "collector's back)")
        else:
            if a.site != sites.get(a.name):
                problems.append(f"agent {a.name}: site {a.site!r} is not the enrolled site "
                                f"{sites.get(a.name)!r} (its alerts would go to another site)")
            key_id = current[a.name]
            try:
                actual = key_fingerprint(parse_public(a.public_key.encode()))
            except ValueError:
                actual = "unreadable"
            text = key_texts[a.name].get(key_id, "")
            if actual != key_id or a.key_id != key_id or (text and text != a.public_key):
                problems.append(f"agent {a.name}: key {actual} is not the enrolled key {key_id} "
                                "(key swapped)")
        if bool(a.removed_at) != removed.get(a.name, False):
            problems.append(f"agent {a.name}: marked {'removed' if a.removed_at else 'active'} "
                            "without a signed record of it"
                            + (" (its silence would go unreported)" if a.removed_at else ""))
        head = accepts.get(a.name)
        state = (a.last_seq, a.last_hash, a.last_seen)
        expected = head if head is not None else (None, None, None)
        if state != expected:
            problems.append(f"agent {a.name}: last seq/hash/seen {_show(state)} differ from the "
                            f"newest accept record {_show(expected)}")
        if a.last_seen is not None and _when(a.last_seen) > _when(now) + CLOCK_SLACK:
            problems.append(f"agent {a.name}: last seen {a.last_seen} is in the future "
                            "(it would hide the agent falling silent)")
    for name in sorted(set(current) - names):
        problems.append(f"agent {name}: enrolled in the audit log but gone from the agents table")
    for k in store.agent_keys():
        try:
            actual = key_fingerprint(parse_public(k.public_key.encode()))
        except ValueError:
            actual = "unreadable"
        enrolled = key_texts.get(k.agent, {}).get(k.key_id)
        if actual != k.key_id or enrolled is None or (enrolled and enrolled != k.public_key):
            problems.append(f"agent {k.agent}: key {k.key_id} in the key history is not a key "
                            "the signed records enrolled (key swapped or added)")
    return problems


def _show(state: tuple[object, object, object]) -> str:
    seq, digest, seen = state
    return f"(#{seq}, {str(digest)[:12]}…, {seen})" if seq is not None else "(none)"


def _snapshots(store: Store) -> list[str]:
    keys, problems = _snapshot_keys(store)
    accepted = _accepted(store)
    stored: set[tuple[str, int]] = set()
    prev_by_agent: dict[str, tuple[int, str]] = {}
    per_agent: dict[str, int] = defaultdict(int)
    for row in store.snapshot_index():
        _, agent, seq, digest, _, _ = row
        stored.add((agent, seq))
        per_agent[agent] += 1
        found, body = _prove(store, row, keys, accepted)
        problems += found
        if body is None:
            continue
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


def judged_snapshots(store: Store) -> list[str]:
    """The snapshots every `check` judges by, re-proved each time: each agent's newest, and
    each target's newest and first complete poll (its reference without a baseline). Pointing a
    target's row at an older manifest, or dating an old snapshot anew, would otherwise make the
    comparisons read what the agent never signed, until someone ran `audit --verify`."""
    keys, problems = _snapshot_keys(store)
    accepted = _accepted(store)
    for row in store.judged_snapshot_index():
        problems += _prove(store, row, keys, accepted)[0]
    return problems


def _snapshot_keys(store: Store) -> tuple[dict[tuple[str, str], Ed25519PublicKey], list[str]]:
    keys, problems = {}, []
    for k in store.agent_keys():
        try:
            keys[(k.agent, k.key_id)] = parse_public(k.public_key.encode())
        except ValueError:
            problems.append(f"agent {k.agent}: stored public key {k.key_id} is unreadable")
    return keys, problems


def _accepted(store: Store) -> dict[tuple[str, int], tuple[str, str]]:
    """(agent, seq) -> (hash, received at) from the signed accept records."""
    return {(str(agent), int(subject.lstrip("#"))): (digest, at)
            for at, agent, subject, digest in _audit_events(store, "accept")}


def _prove(store: Store, row: tuple[int, str, int, str, str, str],
           keys: dict[tuple[str, str], Ed25519PublicKey],
           accepted: dict[tuple[str, int], tuple[str, str]]) -> tuple[list[str], dict | None]:
    """What is wrong with one stored snapshot (its accept record, its content re-assembled and
    hashed, its signature), and its body when it could be re-assembled and hashes right."""
    sid, agent, seq, digest, received, key_id = row
    problems: list[str] = []
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
        return problems + [f"{agent} #{seq}: cannot be re-assembled "
                           f"({e.__class__.__name__}: {e})"], None
    data = canonical(body)
    if sha256_hex(data) != digest:
        return problems + [f"{agent} #{seq}: stored content no longer hashes to "
                           f"{digest[:12]}…"], None
    try:
        SignedSnapshot(parse_body(body), data, sig).verify(keys[(agent, key_id)])
    except WireError as e:
        problems.append(f"{agent} #{seq}: {e}")
    except KeyError:
        problems.append(f"{agent} #{seq}: signed by {key_id}, a key never enrolled for "
                        f"{agent}")
    return problems, body


def _runs(seqs: list[int]) -> str:
    out: list[str] = []
    start = prev = seqs[0]
    following: list[int | None] = [*seqs[1:], None]
    for s in following:
        if s is not None and s == prev + 1:
            prev = s
            continue
        out.append(f"#{start}" if start == prev else f"#{start}–#{prev}")
        if s is not None:
            start = prev = s
    return ", ".join(out)


def _owners(store: Store) -> list[str]:
    """Which agent may report which target, replayed from the signed enrolment, pin and assign
    records: a target moved to another agent by hand would let that agent speak for it."""
    recorded: dict[str, str] = {}
    cut = False
    for _, agent, event, subject, detail in _audit_rows(store, "enrol", "pin", "assign"):
        if event == "assign":
            recorded[subject] = str(agent)
            continue
        m = _TARGETS.search(detail) if event == "enrol" else None
        names = (m.group(1) if m else "") if event == "enrol" else subject
        cut = cut or len(names) >= 2000
        for name in filter(None, names.split(",")):
            recorded.setdefault(name, str(agent))   # a pin gives only what nobody owns yet
    problems: list[str] = []
    table = {t: (a, how) for t, a, how in store.owner_rows()}
    for target, (agent, how) in table.items():
        if str(how or "").startswith("reported before ownership was kept"):
            continue   # pinned by the migration from what was stored
        owner = recorded.get(target)
        if owner is None and not cut:
            problems.append(f"target {target}: given to {agent} without a signed record of it")
        elif owner is not None and owner != agent:
            problems.append(f"target {target}: belongs to {owner} by the signed records, the "
                            f"table says {agent} (that agent could speak for it)")
    for target in sorted(set(recorded) - set(table)):
        problems.append(f"target {target}: its owner {recorded[target]} was removed from the "
                        "table (any agent could claim it)")
    return problems


def _when(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return datetime.max.replace(tzinfo=UTC)   # unreadable: as suspicious as the future


def _alerts(store: Store, now: str) -> list[str]:
    sent_at = {at for at, _, _, _ in _audit_events(store, "alert")}
    problems: list[str] = []
    for key, last_sent in store.alerts_sent():
        if last_sent is None:
            continue
        if _when(last_sent) > _when(now) + CLOCK_SLACK:
            problems.append(f"alert {key}: marked sent at {last_sent}, in the future (it would "
                            "never go out)")
        elif last_sent not in sent_at:
            problems.append(f"alert {key}: marked sent at {last_sent}, but no alert was recorded "
                            "then")
    return problems

