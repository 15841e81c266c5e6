"""A target's stored history, as archivers keep it: every change between consecutive complete
polls (artifacts added, removed, changed; line data rows lost, added, changed), polls that
failed, and the comparison of any two stored instants. Uses drift's comparison, so volatile
artifacts and lines are left out the same way."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lineguard.collector.analyse.drift import (
    ArtifactChange,
    RowChange,
    TargetDiff,
    compare_polls,
    row_text,
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

    def summary(self) -> str:
        """One line: `first poll: 12 artifacts, 40 line-data rows`, `2 changed, 1 row lost`."""
        p = self.poll
        if p.status != "ok":
            return f"poll {p.status}" + (f": {p.error}" if p.error else "") + \
                " (nothing compared)"
        if self.first:
            rows = line_data(p.target)
            return (f"first poll: {len(p.target.artifacts)} artifact(s)"
                    + (f", {len(rows)} line-data row(s)" if rows else ""))
        parts = [f"{n} {what}" for what in ("added", "removed", "changed")
                 if (n := sum(a.change == what for a in self.artifacts))]
        parts += [f"{n} row(s) {what}" for what in ("lost", "added", "changed")
                  if (n := sum(r.change == what for r in self.rows))]
        return ", ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {"target": self.target, "taken_at": self.poll.taken_at,
                "agent": self.poll.agent, "seq": self.poll.seq, "status": self.poll.status,
                "error": self.poll.error,
                "previous": None if self.previous is None else
                {"agent": self.previous.agent, "seq": self.previous.seq,
                 "taken_at": self.previous.taken_at},
                "first": self.first, "summary": self.summary(),
                "artifacts": [{"name": a.name, "kind": a.kind, "change": a.change,
                               "old_sha256": a.old_sha256, "new_sha256": a.new_sha256}
                              for a in self.artifacts],
                "rows": [{"change": r.change, "row": row_text(r.before or r.after)}
                         for r in self.rows]}


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
