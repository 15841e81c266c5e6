"""The restore plan document, owned here and imported by the collector (which makes and signs
it) and the agent (which verifies and applies it).

A plan file is JSON ``{"body": BODY, "collector": {"key_id", "ed25519"}, "approvals": [...]}``.
BODY names the devices, per device the baseline it came from, the poll it was computed against,
the rows to put back and the commands (CLI lines, or SNMP SETs as ``OID i|o VALUE``) that do it,
grouped in actions; it expires. The collector signs the canonical encoding of BODY with its key;
each approver signs BODY too, with the two-person rule of collector.approvals (purpose
``lineguard-restore-plan``), so any change to the body voids every signature.
"""

from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from lineguard.collector.approvals import ApprovalError, Signature, check, parse_signatures
from lineguard.collector.model import LineDataRow
from lineguard.formats.wire import canonical, key_fingerprint, sha256_hex

FORMAT = "lineguard-restore-plan/1"
DOMAIN = "lineguard-restore-plan"
_COLLECTOR_DOMAIN = b"lineguard-restore-plan/collector\x00"
CHANGES = ("missing", "changed")


class PlanError(ValueError):
    """A plan file is malformed, not signed by the collector, not approved, or expired."""


@dataclass(frozen=True)
class RestoreRow:
    """One line data row to put back: as the baseline has it, and as the device had it when the
    plan was made (None when it was missing)."""

    id: int
    change: str                       # missing | changed
    row: LineDataRow
    current: LineDataRow | None
    what: str                         # the row as an operator names it


@dataclass(frozen=True)
class RestoreAction:
    """Commands that restore some rows together (an IOS `atm pvc` line makes a cross-connect
    and both its links), in the order they are sent."""

    rows: tuple[int, ...]
    commands: tuple[str, ...]


@dataclass(frozen=True)
class DevicePlan:
    device: str
    platform: str
    method: str                       # cli | snmp: how the agent applies it
    site: str | None
    agent: str                        # the agent whose inventory holds the device
    baseline: dict[str, Any]          # approved_by, approved_at, source agent/seq/hash, digest
    poll: dict[str, Any]              # agent, seq, taken_at, hash of the poll compared with
    rows: tuple[RestoreRow, ...]
    actions: tuple[RestoreAction, ...]
    commit: bool = False              # Junos: the candidate needs `commit`


@dataclass(frozen=True)
class Refusal:
    device: str
    row: str | None                   # None: the whole device
    reason: str


@dataclass(frozen=True)
class PlanBody:
    id: str
    created_at: str
    expires_at: str
    collector_key_id: str
    required_approvals: int
    devices: tuple[DevicePlan, ...]
    refused: tuple[Refusal, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "id": self.id, "created_at": self.created_at,
                "expires_at": self.expires_at, "collector_key_id": self.collector_key_id,
                "required_approvals": self.required_approvals,
                "devices": [_device_json(d) for d in self.devices],
                "refused": [asdict(r) for r in self.refused]}

    def row_count(self) -> int:
        return sum(len(d.rows) for d in self.devices)


def _row_json(row: LineDataRow | None) -> dict[str, Any] | None:
    if row is None:
        return None
    out = {f.name: getattr(row, f.name) for f in fields(row)}
    out["extra"] = dict(row.extra)
    return out


def _device_json(d: DevicePlan) -> dict[str, Any]:
    return {"device": d.device, "platform": d.platform, "method": d.method, "site": d.site,
            "agent": d.agent, "baseline": d.baseline, "poll": d.poll, "commit": d.commit,
            "rows": [{"id": r.id, "change": r.change, "row": _row_json(r.row),
                      "current": _row_json(r.current), "what": r.what} for r in d.rows],
            "actions": [{"rows": list(a.rows), "commands": list(a.commands)}
                        for a in d.actions]}


def _body_from_json(b: Any) -> PlanBody:
    if not isinstance(b, dict) or b.get("format") != FORMAT:
        raise PlanError(f"not a restore plan body (format {FORMAT} expected)")
    try:
        devices = tuple(DevicePlan(
            device=d["device"], platform=d["platform"], method=d["method"], site=d["site"],
            agent=d["agent"], baseline=dict(d["baseline"]), poll=dict(d["poll"]),
            commit=bool(d["commit"]),
            rows=tuple(RestoreRow(id=int(r["id"]), change=r["change"],
                                  row=LineDataRow(**r["row"]),
                                  current=LineDataRow(**r["current"]) if r["current"] else None,
                                  what=r["what"]) for r in d["rows"]),
            actions=tuple(RestoreAction(tuple(int(i) for i in a["rows"]),
                                        tuple(str(c) for c in a["commands"]))
                          for a in d["actions"])) for d in b["devices"])
        body = PlanBody(id=str(b["id"]), created_at=b["created_at"], expires_at=b["expires_at"],
                        collector_key_id=b["collector_key_id"],
                        required_approvals=int(b["required_approvals"]), devices=devices,
                        refused=tuple(Refusal(**r) for r in b["refused"]))
    except (KeyError, TypeError, ValueError) as e:
        raise PlanError(f"malformed restore plan body ({e.__class__.__name__}: {e})") from None
    if any(r.change not in CHANGES for d in devices for r in d.rows):
        raise PlanError("malformed restore plan body (a row's change is not missing/changed)")
    return body


@dataclass(frozen=True)
class SignedPlan:
    body: PlanBody
    body_json: dict[str, Any]         # exactly as stored: what the signatures cover
    collector_key_id: str
    collector_signature: str
    approvals: tuple[Signature, ...] = ()

    @property
    def digest(self) -> str:
        return sha256_hex(canonical(self.body_json))

    def with_approvals(self, approvals: tuple[Signature, ...]) -> SignedPlan:
        return SignedPlan(self.body, self.body_json, self.collector_key_id,
                          self.collector_signature, approvals)

    def dumps(self) -> bytes:
        doc = {"body": self.body_json,
               "collector": {"key_id": self.collector_key_id,
                             "ed25519": self.collector_signature},
               "approvals": [a.to_json() for a in self.approvals]}
        return (json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False,
                           allow_nan=False) + "\n").encode("utf-8")


def sign(body: PlanBody, key: Ed25519PrivateKey) -> SignedPlan:
    body_json = body.to_json()
    sig = key.sign(_COLLECTOR_DOMAIN + canonical(body_json))
    return SignedPlan(body, body_json, key_fingerprint(key.public_key()),
                      base64.b64encode(sig).decode("ascii"))


def loads(data: bytes) -> SignedPlan:
    """Parse a plan file; checks its shape, not its signatures (see `verify`)."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise PlanError(f"not a JSON restore plan ({e.__class__.__name__})") from None
    if not isinstance(doc, dict) or set(doc) != {"body", "collector", "approvals"}:
        raise PlanError("a restore plan file has exactly 'body', 'collector' and 'approvals'")
    col = doc["collector"]
    if not isinstance(col, dict) or not isinstance(col.get("ed25519"), str) \
            or not isinstance(col.get("key_id"), str):
        raise PlanError("malformed collector signature block")
    if not isinstance(doc["approvals"], list):
        raise PlanError("approvals must be a list")
    try:
        approvals = parse_signatures(doc["approvals"], "restore plan")
    except ApprovalError as e:
        raise PlanError(str(e)) from None
    return SignedPlan(_body_from_json(doc["body"]), doc["body"], col["key_id"], col["ed25519"],
                      approvals)


def verify_collector(plan: SignedPlan, collector: Ed25519PublicKey) -> None:
    if plan.collector_key_id != key_fingerprint(collector):
        raise PlanError(f"signed by collector key {plan.collector_key_id}, not the collector key "
                        f"configured here ({key_fingerprint(collector)})")
    try:
        collector.verify(base64.b64decode(plan.collector_signature, validate=True),
                         _COLLECTOR_DOMAIN + canonical(plan.body_json))
    except (InvalidSignature, ValueError):
        raise PlanError("bad collector signature: the plan was altered after it was made, or "
                        "signed by another key; refused") from None


def verify(plan: SignedPlan, collector: Ed25519PublicKey, approvers: dict[str, Ed25519PublicKey],
           minimum_approvals: int, now: datetime) -> list[Signature]:
    """The approvals that put `plan` in force; PlanError when the collector signature, the
    approvals (at least `minimum_approvals`, or what the plan asks if more) or the expiry fail."""
    verify_collector(plan, collector)
    expires = datetime.fromisoformat(plan.body.expires_at.replace("Z", "+00:00"))
    if now.astimezone(UTC) >= expires:
        raise PlanError(f"plan {plan.body.id} expired at {plan.body.expires_at}; make a new "
                        f"plan (lineguard restore plan)")
    required = max(minimum_approvals, plan.body.required_approvals)
    state = check(DOMAIN, plan.body_json, plan.approvals, approvers, required)
    if not state.in_force:
        problems = "".join(f"; {p}" for p in state.problems)
        raise PlanError(f"plan {plan.body.id} is not approved: {state.describe()}{problems}")
    return list(state.signed)
