"""A target's stored history, as archivers keep it: every change between consecutive complete
polls (artifacts added, removed, changed; line data rows lost, added, changed), polls that
failed, and the comparison of any two stored instants. Uses drift's comparison, so volatile
artifacts and lines are left out the same way."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from lineguard.collector.analyse.drift import (
    ArtifactChange,
    RowChange,
    TargetDiff,
    compare_polls,
)
from lineguard.collector.baseline import line_data
from lineguard.collector.store import Store, StoredSnapshot
from lineguard.formats.wire import Target

_ALL_POLLS = 1_000_000


@dataclass(frozen=True)
class Poll:
    """One stored poll of a target."""

    agent: str
    seq: int
    taken_at: str                     # ISO-8601 UTC
    status: str
    error: str | None
    target: Target

    @property
    def label(self) -> str:
        return f"{self.agent} #{self.seq}"

    @property
    def when(self) -> datetime:
        return datetime.fromisoformat(self.taken_at.replace("Z", "+00:00")).astimezone(UTC)


@dataclass(frozen=True)
class Change:
    """What one poll changed against the previous complete one (`first`: the first poll;
    status other than ok: a failed poll, nothing compared)."""

    target: str
    poll: Poll
    previous: Poll | None
    artifacts: tuple[ArtifactChange, ...] = ()
    rows: tuple[RowChange, ...] = ()

    @property
    def first(self) -> bool:
        return self.previous is None and self.poll.status == "ok"


def polls(store: Store, target: str) -> list[Poll]:
    """Every stored poll of `target`, oldest first; LookupError when there is none."""
    out = [_poll(snap, tgt) for snap, tgt in store.target_history(target, limit=_ALL_POLLS)]
    if not out:
        raise LookupError(f"no stored snapshot carries target {target!r}")
    return out[::-1]


def _poll(snap: StoredSnapshot, tgt: Target) -> Poll:
    return Poll(snap.agent, snap.seq, snap.taken_at, tgt.status, tgt.error, tgt)


def changes(all_polls: list[Poll]) -> Iterator[Change]:
    """Each poll that changed something, oldest first: the first complete poll, every failed
    poll, and every complete poll that differs from the complete poll before it."""
    previous: Poll | None = None
    for p in all_polls:
        if p.status != "ok":
            yield Change(p.target.name, p, previous)
            continue
        if previous is None:
            yield Change(p.target.name, p, None)
        else:
            artifacts, rows = compare_polls(previous.target, p.target, "previous")
            if artifacts or rows:
                yield Change(p.target.name, p, previous, tuple(artifacts), tuple(rows))
        previous = p


def history(store: Store, target: str) -> list[Change]:
    return list(changes(polls(store, target)))


def at_or_before(all_polls: list[Poll], instant: datetime) -> Poll:
    """The newest complete poll taken at or before `instant` (a failed poll is never compared)."""
    found = [p for p in all_polls if p.when <= instant and p.status == "ok"]
    if not found:
        first = all_polls[0].taken_at
        raise LookupError(f"no complete poll of {all_polls[0].target.name} at or before "
                          f"{instant:%Y-%m-%dT%H:%M:%SZ} (the first stored poll is {first})")
    return found[-1]


def diff_between(store: Store, target: str, start: datetime, end: datetime) -> TargetDiff:
    """`target` as polled at `end` against `target` as polled at `start` (the nearest complete
    poll at or before each)."""
    all_polls = polls(store, target)
    old, new = at_or_before(all_polls, start), at_or_before(all_polls, end)
    artifacts, rows = compare_polls(old.target, new.target, "from")
    agent = store.agent(new.agent, include_removed=True)
    old_rows, new_rows = line_data(old.target), line_data(new.target)
    return TargetDiff(
        target=target, kind=new.target.kind,
        site=new.target.facts.get("site") or (agent.site if agent else None),
        status=new.status, error=new.error, taken_at=new.taken_at,
        current=f"{new.label} taken {new.taken_at}", against="poll",
        reference=f"the poll {old.label} taken {old.taken_at}",
        artifacts=tuple(artifacts), rows=tuple(rows),
        rows_before=None if old_rows is None else len(old_rows),
        rows_after=None if new_rows is None else len(new_rows))
