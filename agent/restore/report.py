"""What a restore run did, per device and per row: the record the agent spools and puts into
its next signed snapshot (artifact kind ``restore-report``), so the collector's audit shows who
approved the plan and what happened on every device."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

KIND = "restore-report"
ARTIFACT_PREFIX = "lineguard/restore-reports/"
# row outcomes
RESTORED, PRESENT, FAILED, STOPPED, WOULD = ("restored", "already present", "failed",
                                             "not applied", "would restore")


@dataclass
class RowOutcome:
    id: int
    what: str
    outcome: str
    message: str = ""


@dataclass
class DeviceOutcome:
    device: str
    outcome: str             # restored | partial | failed | stopped | skipped | dry-run |
                             # other agent (planned for another agent, which applies it)
    message: str = ""
    rows: list[RowOutcome] = field(default_factory=list)


@dataclass
class RestoreReport:
    plan: str
    digest: str
    agent: str
    mode: str                # apply | dry-run | refused
    started_at: str
    finished_at: str = ""
    approved_by: list[str] = field(default_factory=list)
    message: str = ""        # why a whole plan was refused
    devices: list[DeviceOutcome] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for d in self.devices:
            for r in d.rows:
                out[r.outcome] = out.get(r.outcome, 0) + 1
        return out

    def ok(self) -> bool:
        return self.mode != "refused" and all(
            d.outcome in ("restored", "dry-run", "other agent") for d in self.devices)

    def summary(self) -> str:
        counts = ", ".join(f"{n} {k}" for k, n in sorted(self.counts().items())) or "no rows"
        who = ", ".join(self.approved_by) or "nobody"
        if self.mode == "refused":
            return f"plan {self.plan} refused by {self.agent}: {self.message}"
        return f"plan {self.plan} ({self.mode}) by {self.agent}, approved by {who}: {counts}"

    def render(self) -> str:
        out = [self.summary()]
        for d in self.devices:
            out.append(f"{d.device}: {d.outcome}" + (f": {d.message}" if d.message else ""))
            out += [f"  {r.outcome:<15} {r.what}" + (f": {r.message}" if r.message else "")
                    for r in d.rows]
        return "\n".join(out)


def spool(directory: Path, report: RestoreReport) -> Path:
    """Keep the report until a snapshot carries it (see agent.snapshot)."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = report.finished_at.replace(":", "").replace("-", "")
    path = directory / f"{stamp}-{report.plan}-{report.mode}.json"
    tmp = path.with_name("." + path.name + ".tmp")
    tmp.write_text(json.dumps(report.to_json(), indent=1, sort_keys=True) + "\n")
    os.replace(tmp, path)
    return path
