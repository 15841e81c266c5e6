"""Approving a restore plan: an approver listed in the baselines folder's approvers file signs
the plan's body (collector.approvals, the two-person rule); the plan file gains the signature
in place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from lineguard.agent.restore.document import DOMAIN, PlanError, SignedPlan, loads, verify_collector
from lineguard.collector.approvals import ApprovalError, check, read_approvers, sign
from lineguard.collector.keys import collector_key
from lineguard.collector.store import Store


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


def approve_plan(store: Store, path: Path, home_root: Path, baselines_dir: Path, key_path: Path,
                 approver: str) -> SignedPlan:
    """Add `approver`'s signature to the plan at `path`, after checking that this collector
    made it and that it has not been altered; on the audit record."""
    plan = read_plan(path)
    verify_collector(plan, collector_key(home_root).public_key())
    try:
        signatures = sign(DOMAIN, plan.body_json, plan.approvals, read_approvers(baselines_dir),
                          key_path, approver, f"plan {plan.body.id}")
    except ApprovalError as e:
        raise PlanError(str(e)) from None
    signed = plan.with_approvals(signatures)
    write_plan(path, signed)
    have, need = len(signed.approvals), signed.body.required_approvals
    store.audit("restore-approve", None, signed.body.id,
                f"by {approver}; {have} of {need} approval(s); digest {signed.digest[:16]}")
    return signed


@dataclass(frozen=True)
class PlanReview:
    """`restore show`: a plan this collector made, and whose approvals count."""

    plan: SignedPlan
    approved_by: list[str]            # approvers whose signatures verify
    problems: list[str]               # why the other signatures do not count


def review(path: Path, home_root: Path, baselines_dir: Path) -> PlanReview:
    plan = read_plan(path)
    verify_collector(plan, collector_key(home_root).public_key())
    good, problems = approval_state(plan, baselines_dir)
    return PlanReview(plan, good, problems)


def approval_state(plan: SignedPlan, baselines_dir: Path) -> tuple[list[str], list[str]]:
    """(approvers whose signatures verify, problems with the others)."""
    state = check(DOMAIN, plan.body_json, plan.approvals, read_approvers(baselines_dir),
                  plan.body.required_approvals)
    return list(state.approvers), list(state.problems)
