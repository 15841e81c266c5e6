"""Enrolled agents: enrol, remove, rotate keys and assign targets, each recorded in the audit
log. A removed agent's snapshots and a rotated-out key stay in the store, so old evidence stays
verifiable. Targets belong to agents: named at enrolment, or pinned on the first report that
carries them; `assign` moves one."""

from __future__ import annotations

from pathlib import Path

from lineguard.agent.keys import KeyError_, load_public, public_text
from lineguard.collector.home import Home
from lineguard.collector.store import AgentRecord, Store
from lineguard.formats.wire import is_name, key_fingerprint


class AgentError(ValueError):
    """An agent cannot be enrolled, removed or re-keyed; the message says why."""


def _public(key_path: Path) -> tuple[str, str]:
    try:
        key = load_public(key_path)
    except KeyError_ as e:
        raise AgentError(str(e)) from None
    return public_text(key), key_fingerprint(key)


def _not_anothers(store: Store, name: str, key_id: str, key_path: Path) -> None:
    """One key speaks for one agent: a key any other agent signs or signed with (removed agents
    included) is refused, or a rogue agent could send snapshots that verify as another's."""
    other = next((k.agent for k in store.agent_keys() if k.key_id == key_id and k.agent != name),
                 None)
    if other is not None:
        raise AgentError(f"{key_path} is the key of agent {other!r} ({key_id}); "
                         "each agent needs its own key (lineguard-agent keygen)")


def _enrolled(store: Store, name: str) -> AgentRecord:
    agent = store.agent(name)
    if agent is None:
        gone = store.agent(name, include_removed=True)
        raise AgentError(f"agent {name!r} " + ("was removed" if gone else "is not enrolled")
                         + " (see: lineguard agents)")
    return agent


def enrol(store: Store, name: str, key_path: Path, site: str | None,
          targets: tuple[str, ...] = ()) -> AgentRecord:
    if not is_name(name):
        raise AgentError(f"agent name {name!r} must be letters, digits and ._@:-")
    bad = [t for t in targets if not is_name(t)]
    if bad:
        raise AgentError(f"{bad[0]!r} is not a target name")
    if store.agent(name, include_removed=True) is not None:
        removed = store.agent(name) is None
        raise AgentError(f"agent {name!r} is already enrolled" + (
            " (removed; its history keeps the name: enrol it under a new one)" if removed
            else ""))
    public, key_id = _public(key_path)
    _not_anothers(store, name, key_id, key_path)
    store.add_agent(name, public, key_id, site, targets)
    return _enrolled(store, name)


def assign(store: Store, target: str, name: str) -> str | None:
    """Move `target` to agent `name` (audited); returns its previous owner."""
    if not is_name(target):
        raise AgentError(f"{target!r} is not a target name")
    _enrolled(store, name)
    return store.assign_target(target, name)


def remove(store: Store, name: str, reason: str, open_then: tuple[str, ...] = ()) -> AgentRecord:
    """Refuse the agent's snapshots from now on and leave its targets out of every view. The
    audit record keeps `open_then`, the findings of its targets that were open, so that the
    removal's own finding says what it took out of view."""
    agent = _enrolled(store, name)
    detail = " ".join((reason or "no reason given").split())
    store.remove_agent(name, "\n".join((detail, *open_then)))
    return agent


def open_findings_of(home: Home, store: Store, name: str) -> tuple[str, ...]:
    """The open findings about agent `name` and the targets it reports, one line each."""
    from lineguard.collector.check import evaluate
    from lineguard.collector.jobs import parse_now
    mine = {name, *store.targets_owned(name)}
    try:
        judged = evaluate(home, store, parse_now(None))
    except Exception as e:      # removal must not depend on judging the fleet
        return (f"(could not be listed: {e.__class__.__name__}: {e})",)
    return tuple(f"{j.finding.severity.upper()} {' '.join(j.finding.title.split())}"
                 for j in judged if not j.waived and j.finding.target in mine)


def rotate_key(store: Store, name: str, key_path: Path) -> tuple[str, str]:
    """The agent signs with the new key from its next snapshot on (its chain continues); the old
    key stays on record to verify what it signed. Returns (old key id, new key id)."""
    agent = _enrolled(store, name)
    public, key_id = _public(key_path)
    if key_id == agent.key_id:
        raise AgentError(f"{key_path} is the key {name} already signs with")
    if any(k.key_id == key_id for k in store.agent_keys(name)):
        raise AgentError(f"{key_path} is a key {name} signed with before; use a new key")
    _not_anothers(store, name, key_id, key_path)
    return store.rotate_key(name, public, key_id), key_id
