"""Taking a restore plan in at the agent: verify it against the configured collector key and
approvers, apply it (or dry-run it), and spool the report for the next snapshot. Used by
`lineguard-agent restore apply` and by the daemon for plans delivered to its folder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lineguard.agent.devices import credentials as credentials_file
from lineguard.agent.devices import inventory as inventory_file
from lineguard.agent.keys import KeyError_, load_public
from lineguard.agent.restore import apply
from lineguard.agent.restore.document import PlanError, loads, verify
from lineguard.agent.restore.report import RestoreReport, spool
from lineguard.agent.snapshot import mask_key_for, reports_dir
from lineguard.collector.approvals import ApprovalError, read_approvers_file


@dataclass(frozen=True)
class Setup:
    """What the agent needs to take a plan in."""

    agent: str
    key: Ed25519PrivateKey
    chain: Path
    inventory: Path
    credentials: Path | None
    collector_key: Path
    approvers: Path
    minimum_approvals: int = 2


def take_in(path: Path, setup: Setup, apply_changes: bool, now: datetime | None = None,
            progress=None) -> tuple[RestoreReport, Path]:
    """Verify and run one plan file; the report (also when the plan is refused) is spooled."""
    now = now or datetime.now(UTC)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise PlanError(f"{path}: cannot read the plan ({e.strerror or e})") from None
    plan_id, digest = path.name, ""
    try:
        plan = loads(data)
        plan_id, digest = plan.body.id, plan.digest
        try:
            collector = load_public(setup.collector_key)
            approvers = read_approvers_file(setup.approvers)
        except (KeyError_, ApprovalError) as e:
            raise PlanError(str(e)) from None
        approvals = verify(plan, collector, approvers, setup.minimum_approvals, now)
    except PlanError as e:
        report = apply.refused(plan_id, digest, setup.agent, str(e))
        return report, spool(reports_dir(setup.chain), report)
    devices = inventory_file.load(setup.inventory)
    creds = credentials_file.load(setup.credentials)
    report = apply.run(plan, [a.approver for a in approvals], setup.agent, devices, creds,
                       mask_key=mask_key_for(setup.key),
                       known_hosts=setup.chain.with_name("known_hosts"), apply=apply_changes,
                       progress=progress)
    return report, spool(reports_dir(setup.chain), report)

