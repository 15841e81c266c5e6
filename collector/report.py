"""`lineguard report`: the fleet as of an instant — agents, the targets of the newest snapshots
and their baselines, every finding with its waiver, every scheduled job — as one record. The
Markdown (collector.markdown) and HTML (collector.html_report) reports and the alert email's
attachment render it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lineguard.collector.check import Judged, evaluate
from lineguard.collector.home import Home
from lineguard.collector.jobs import JobView, collect, latest_targets
from lineguard.collector.model import Finding
from lineguard.collector.store import AgentRecord, Store
from lineguard.collector.targets import BaselineState

DIFF_KINDS = frozenset({"drift", "line-data-loss"})    # findings whose detail is a diff


@dataclass(frozen=True)
class ReportTarget:
    """A target of an agent's newest snapshot."""

    name: str
    kind: str
    site: str | None
    agent: str
    status: str
    error: str | None
    artifacts: int
    baseline: BaselineState
    baseline_detail: str


@dataclass(frozen=True)
class FleetReport:
    now: datetime
    agents: list[AgentRecord]
    targets: list[ReportTarget]
    sites: dict[str, str]              # target and agent names -> site, where they have one
    judged: list[Judged]               # every finding, waived ones too
    views: list[JobView]               # every scheduled job

    @property
    def open_findings(self) -> list[Finding]:
        """The findings that still need attention: waived ones are sanctioned."""
        return [j.finding for j in self.judged if not j.waived]


def fleet_report(home: Home, store: Store, now: datetime) -> FleetReport:
    from lineguard.collector.approvals import DEFAULT_REQUIRED
    from lineguard.collector.targets import baseline_state, sites
    settings = home.settings()
    site_of = sites(store)
    required = {t: settings.site(s).approvals for t, s in site_of.items()}
    targets = []
    for snap, t in latest_targets(store):
        state, detail = baseline_state(home.baselines, t.name,
                                       required.get(t.name, DEFAULT_REQUIRED))
        targets.append(ReportTarget(t.name, t.kind, site_of.get(t.name), snap.agent, t.status,
                                    t.error, len(t.artifacts), state, detail))
    problems: list[Finding] = []
    views = collect(store, now, problems=problems)
    return FleetReport(now=now, agents=store.agents(), targets=targets,
                       sites={name: site for name, site in site_of.items() if site},
                       judged=evaluate(home, store, now, views, problems), views=views)
