"""`lineguard watch`: ingest the inbox and check, round after round, at once when a snapshot
arrives or config.toml changes (homewatch), else every interval.

A round is steps (STEPS). One that fails (a database error, an alert email the SMTP server
cannot take, a config version that cannot be recorded) is one line on standard error and a
`watch-error` row in the signed audit log; the loop goes on, and the step is tried again the
next round. A step that fails FAILING_AFTER rounds in a row is a HIGH finding (kind `watch`)
until it works again: a collector that cannot ingest, judge or mail is blind, and unknown is
not benign."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal, TypeVar

from lineguard.collector.model import Finding, Severity
from lineguard.collector.store import Store
from lineguard.formats.wire import parse_utc

Step = Literal["config", "ingest", "check", "alerts"]
STEPS: tuple[Step, ...] = ("config", "ingest", "check", "alerts")
FAILING_AFTER = 3
ERROR, FAILING, RECOVERED = "watch-error", "watch-failing", "watch-recovered"
RUN_SLACK = timedelta(minutes=10)

T = TypeVar("T")


@dataclass
class Rounds:
    """The watch loop's steps: each run guarded, its failures in a row counted and recorded."""

    store: Store
    say: Callable[[str], None]          # one line for the operator (standard error)
    round: int = 0
    failures: dict[Step, int] = field(default_factory=dict)     # rounds in a row, this run
    failing: set[str] = field(init=False)    # steps on record as failing (an earlier run too)

    def __post_init__(self) -> None:
        self.failing = {step for step, r in _newest(self.store).items() if r["event"] == FAILING}

    def run(self, step: Step, action: Callable[[], T]) -> T | None:
        """action(), or None when it raised (recorded; the next round tries again)."""
        try:
            result = action()
        except Exception as e:  # noqa: BLE001 — no failing step may stop the loop
            self._failed(step, e)
            return None
        self.failures.pop(step, None)
        if step in self.failing:
            self.failing.discard(step)
            self._record(RECOVERED, step, f"works again in round {self.round}")
        return result

    def _failed(self, step: Step, e: Exception) -> None:
        n = self.failures[step] = self.failures.get(step, 0) + 1
        what = " ".join(f"{e.__class__.__name__}: {e}".split())[:500]
        self.say(f"lineguard watch: round {self.round}: {step} failed ({n} round(s) in a row), "
                 f"retrying next round: {what}")
        self._record(ERROR, step, what)
        if n >= FAILING_AFTER and step not in self.failing:
            self.failing.add(step)
            self._record(FAILING, step, f"failed {n} rounds in a row, the last with: {what}")

    def _record(self, event: str, step: Step, detail: str) -> None:
        try:
            self.store.audit(event, None, step, detail)
        except Exception as e:  # noqa: BLE001 — the store may be what fails
            self.say(f"lineguard watch: round {self.round}: could not put the {event} of "
                     f"{step} in the audit log either: {e.__class__.__name__}: {e}")


def findings(store: Store, now: datetime) -> list[Finding]:
    """One HIGH finding per step whose newest record says it kept failing (none once it
    worked again)."""
    newest = _newest(store, now)
    return [Finding(key=f"watch:{step}:{r['id']}", kind="watch", severity=Severity.HIGH,
                    target="collector",
                    title=f"lineguard watch: {step} has failed every round since {r['at'][:19]}Z "
                          f"({r['detail']})"[:400],
                    detail=f"each failed round is a {ERROR} row in the audit log (lineguard "
                           f"audit); until {step} works, what it does is not done")
            for step, r in sorted(newest.items()) if r["event"] == FAILING]


def _newest(store: Store, now: datetime | None = None) -> dict[str, dict]:
    """The newest failing or recovered row of each step (as of `now`: a what-if sees the state
    at that instant; `now` of a real run is taken to the second, before rows it may write)."""
    newest: dict[str, dict] = {}
    for r in store.audit_since("", (FAILING, RECOVERED)):
        if now is None or parse_utc(r["at"]) <= now + RUN_SLACK:
            newest[r["subject"]] = r
    return newest
