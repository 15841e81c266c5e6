"""Approving a restore plan: an approver listed in the baselines folder's approvers file signs
the plan's body (collector.approvals, the two-person rule); the plan file gains the signature
in place."""

from __future__ import annotations

import os
from pathlib import Path

from lineguard.agent.restore.document import DOMAIN, PlanError, SignedPlan, loads, verify_collector
from lineguard.collector.approvals import ApprovalError, check, read_approvers, sign
from lineguard.collector.keys import collector_key


def read_plan(path: Path) -> SignedPlan:
    try:
        return loads(path.read_bytes())
    except FileNotFoundError:
        raise PlanError(f"{path}: no such plan file") from None


def write_plan(path: Path, plan: SignedPlan) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(plan.dumps())
    os.replace(tmp, path)


def approve_plan(path: Path, home_root: Path, baselines_dir: Path, key_path: Path,
                 approver: str) -> SignedPlan:
    """Add `approver`'s signature to the plan at `path`, after checking that this collector
    made it and that it has not been altered."""
    plan = read_plan(path)
    verify_collector(plan, collector_key(home_root).public_key())
    try:
        signatures = sign(DOMAIN, plan.body_json, plan.approvals, read_approvers(baselines_dir),
                          key_path, approver, f"plan {plan.body.id}")
    except ApprovalError as e:
        raise PlanError(str(e)) from None
    signed = plan.with_approvals(signatures)
    write_plan(path, signed)
    return signed


def approval_state(plan: SignedPlan, baselines_dir: Path) -> tuple[list[str], list[str]]:
    """(approvers whose signatures verify, problems with the others)."""
    state = check(DOMAIN, plan.body_json, plan.approvals, read_approvers(baselines_dir),
                  plan.body.required_approvals)
    return list(state.approvers), list(state.problems)
