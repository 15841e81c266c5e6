"""Targets as a fleet operator manages them: which agent reports each one, its site, when it was
last polled completely, and where its baseline stands."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from lineguard.collector import baseline
from lineguard.collector.home import Settings
from lineguard.collector.store import Store

BaselineState = Literal["approved", "pending", "untrusted", "none"]


@dataclass(frozen=True)
class TargetView:
    name: str
    kind: str                         # host | device
    agent: str
    site: str | None
    status: str                       # of the newest poll
    last_poll: str
    last_ok: str | None               # newest complete poll, None: never
    baseline: BaselineState
    baseline_detail: str              # who signed, what is missing, or why it is not trusted


def sites(store: Store) -> dict[str, str | None]:
    """Target and agent names -> site: a device's own site, else its agent's."""
    agent_site = {a.name: a.site for a in store.agents()}
    out: dict[str, str | None] = dict(agent_site)
    for row in store.target_rows():
        out[row.name] = row.facts.get("site") or agent_site.get(row.agent)
    return out


def known_sites(store: Store) -> dict[str, str]:
    """Each target's (and agent's) site, leaving out those without one."""
    return {name: site for name, site in sites(store).items() if site}


def baseline_state(baselines_dir: Path, target: str,
                   required: int) -> tuple[BaselineState, str]:
    """Where the target's baseline stands, and a line saying who signed or why not."""
    try:
        approved = baseline.load_approved(baselines_dir, target, required)
    except baseline.BaselineError as e:
        return "untrusted", str(e)
    proposal = baseline.pending(baselines_dir, target, required)
    if approved is not None:
        extra = f"; a new proposal is {proposal.describe()}" if proposal else ""
        return "approved", approved.verified.describe() + extra
    if proposal is not None:
        return "pending", proposal.describe()
    return "none", "no baseline: compared with its first complete poll"


def overview(store: Store, settings: Settings, baselines_dir: Path) -> list[TargetView]:
    agent_site = {a.name: a.site for a in store.agents()}
    out = []
    for row in store.target_rows(with_last_ok=True):
        site = row.facts.get("site") or agent_site.get(row.agent)
        state, detail = baseline_state(baselines_dir, row.name, settings.site(site).approvals)
        out.append(TargetView(name=row.name, kind=row.kind, agent=row.agent, site=site,
                              status=row.status, last_poll=row.taken_at, last_ok=row.last_ok,
                              baseline=state, baseline_detail=detail))
    return out


def select(store: Store, names: list[str], site: str | None, every: bool) -> list[str]:
    """The targets a fleet command acts on: those named, or every target of `site`, or all.
    A name or site nothing reports is an error (LookupError), never a silent no-op."""
    known = sites(store)
    targets = {r.name for r in store.target_rows()}
    if every:
        return sorted(targets)
    if site is not None:
        chosen = sorted(t for t in targets if known.get(t) == site)
        if not chosen:
            have = sorted({s for t, s in known.items() if t in targets and s})
            raise LookupError(f"no target at site {site!r} (sites: {', '.join(have) or 'none'})")
        return chosen
    missing = [n for n in names if n not in targets]
    if missing:
        raise LookupError(f"no stored snapshot carries target {missing[0]!r} "
                          f"(see: lineguard targets)")
    return names
