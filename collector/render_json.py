"""JSON rendering of the collector's records: the documents `--json` prints. Times are UTC
(`...Z`) whatever the display zone; lists of many items are one item per line."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import Any

from lineguard.agent.restore.document import SignedPlan
from lineguard.collector.analyse.drift import TargetDiff, row_text
from lineguard.collector.approvals import ApprovalState
from lineguard.collector.baseline import Baseline, BaselineStatus
from lineguard.collector.history import Change
from lineguard.collector.ingest import IngestResult
from lineguard.collector.jobs import JobView, clock_time, iso_z
from lineguard.collector.model import Finding, trigger_kind
from lineguard.collector.provenance import to_json as provenance_json
from lineguard.collector.store import FindingRow
from lineguard.collector.targets import TargetView
from lineguard.collector.waivers import WaiverStatus, finding_id

_ITEM = json.JSONEncoder(ensure_ascii=False)     # one encoder for every item, not one per item


def document(head: dict, key: str, items: list[dict]) -> str:
    """One JSON object whose list `key` has one item per line: readable, diffable, and written
    by the C encoder (indent= would fall back to the pure-Python one, slow on 10,000 jobs)."""
    if not items:
        return json.dumps({**head, key: []})
    opening = json.dumps(head)[:-1] + f', "{key}": [\n'
    return opening + ",\n".join(map(_ITEM.encode, items)) + "\n]}"


def job(v: JobView) -> dict[str, Any]:
    j = v.job
    return {
        "target": j.target, "source": j.source,
        "origin": {"path": j.origin_path, "line": j.origin_line},
        "owner": j.owner, "schedule": j.schedule,
        "next_fire": iso_z(clock_time(v.fire)),
        "trigger": trigger_kind(j.trigger),
        "fire": {"kind": v.fire.kind, "earliest": iso_z(v.fire.at), "latest": iso_z(v.fire.latest),
                 "note": v.fire.note},
        "command": j.command, "state": j.state, "problem": j.problem, "timezone": j.timezone,
        "files": list(j.files),
        "verdict": v.judgement.verdict, "severity": v.judgement.severity,
        "reasons": [{"rule": r.rule, "evidence": r.evidence, "path": r.path, "line": r.line,
                     "title": r.title, "severity": r.severity} for r in v.judgement.reasons],
        "provenance": provenance_json(j.provenance),
    }


def finding(f: Finding, waiver: WaiverStatus | None = None, waived: bool = False,
            now: datetime | None = None) -> dict[str, Any]:
    return {"id": finding_id(f.key), "key": f.key, "kind": f.kind, "severity": f.severity,
            "site": f.site, "target": f.target, "status": "waived" if waived else "open",
            "title": f.title, "detail": f.detail, "fire_at": iso_z(f.fire_at),
            "evidence": [{"rule": r.rule, "evidence": r.evidence, "path": r.path, "line": r.line}
                         for r in f.evidence],
            "waiver": None if waiver is None else {
                "id": waiver.waiver.id, "in_force": waived, "reason": waiver.waiver.reason,
                "until": waiver.waiver.until, "signed_by": list(waiver.approval.approvers),
                "required": waiver.approval.required,
                "note": waiver.describe(now) if now else ""}}


def waiver(status: WaiverStatus, now: datetime) -> dict[str, Any]:
    """`waive --json`: the waiver and where its approval stands."""
    w = status.waiver
    return {"id": w.id, "in_force": status.in_force(now), "reason": w.reason, "until": w.until,
            "signed_by": list(status.approval.approvers), "required": status.approval.required,
            "note": status.describe(now)}


def resolved(r: FindingRow) -> dict[str, Any]:
    """A finding an earlier `check` saw open that is gone now."""
    return {"id": finding_id(r.key), "key": r.key, "kind": r.kind, "severity": r.severity,
            "site": r.site, "target": r.target, "status": "resolved", "title": r.title,
            "first_seen": r.first_seen, "last_seen": r.last_seen}


def baseline_status(st: BaselineStatus) -> dict[str, Any]:
    """`baseline show --json`: one record per target."""
    out: dict[str, Any] = {"target": st.target, "approved": None, "pending": None}
    if st.approved is not None:
        out["approved"] = {"trusted": True, "problem": None, **_approval(st.approved.approval),
                           **_baseline(st.approved)}
    elif st.untrusted is not None:
        out["approved"] = {"trusted": False, "problem": st.untrusted}
    if st.proposal is not None:
        out["pending"] = {**_approval(st.proposal_state), **_baseline(st.proposal)}
    return out


def _approval(state: ApprovalState | None) -> dict[str, Any]:
    if state is None:
        return {}
    return {"in_force": state.in_force, "required": state.required,
            "signed": [{"approver": s.approver, "key_id": s.key_id, "signed_at": s.signed_at}
                       for s in state.signed], "problems": list(state.problems)}


def _baseline(b: Baseline) -> dict[str, Any]:
    return {"proposed_at": b.proposed_at,
            "source": {"agent": b.source.agent, "seq": b.source.seq, "hash": b.source.hash,
                       "taken_at": b.source.taken_at},
            "line_data_rows": None if b.line_data is None else len(b.line_data),
            "artifacts": [{"name": a.name, "kind": a.kind, "sha256": a.sha256}
                          for a in b.artifacts]}


def restore_plan(plan: SignedPlan) -> dict[str, Any]:
    return {"digest": plan.digest, "approvals": [a.to_json() for a in plan.approvals],
            **plan.body_json}


def ingest_result(r: IngestResult) -> dict[str, Any]:
    """`ingest --json`: one record per file."""
    return {"path": str(r.path), "outcome": r.outcome, "reason": r.reason or None,
            "agent": r.agent, "seq": r.seq}


def target(v: TargetView) -> dict[str, Any]:
    return asdict(v)


def diff(d: TargetDiff) -> dict[str, Any]:
    return {
        "target": d.target, "kind": d.kind, "site": d.site, "status": d.status,
        "error": d.error, "taken_at": d.taken_at, "current": d.current,
        "against": d.against, "reference": d.reference,
        "rows_before": d.rows_before, "rows_after": d.rows_after,
        "artifacts": [{"name": a.name, "kind": a.kind, "change": a.change,
                       "old_sha256": a.old_sha256, "new_sha256": a.new_sha256,
                       "diff": a.diff} for a in d.artifacts],
        "rows": [{"change": r.change, "before": None if r.before is None else asdict(r.before),
                  "after": None if r.after is None else asdict(r.after)} for r in d.rows],
    }


def change(c: Change) -> dict[str, Any]:
    """One entry of `history --json`."""
    from lineguard.collector.render import change_summary
    return {"target": c.target, "taken_at": c.poll.taken_at,
            "agent": c.poll.agent, "seq": c.poll.seq, "status": c.poll.status,
            "error": c.poll.error,
            "previous": None if c.previous is None else
            {"agent": c.previous.agent, "seq": c.previous.seq,
             "taken_at": c.previous.taken_at},
            "first": c.first, "summary": change_summary(c),
            "artifacts": [{"name": a.name, "kind": a.kind, "change": a.change,
                           "old_sha256": a.old_sha256, "new_sha256": a.new_sha256}
                          for a in c.artifacts],
            "rows": [{"change": r.change, "row": row_text(r.before or r.after)}
                     for r in c.rows]}
