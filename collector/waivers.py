"""Waivers: a sanctioned finding, signed by approvers (the two-person rule), shown as waived
with who, why and until when instead of being alerted on.

A waiver binds to the finding's evidence, not to its name: for a scheduled job, the hash of what
it runs (its command, schedule, owner and the content of every script it executes); for drift
and line data loss, the digest of what changed. When the evidence changes, or the waiver
expires, the finding is open again. Waivers are files in HOME/waivers (one reviewable JSON
document each, `{"body": ..., "signatures": [...]}`), signed by the approvers listed in
HOME/baselines/approvers. Signing the same finding, date and reason again adds a signature to
the same waiver.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from lineguard.collector import approvals
from lineguard.collector.approvals import ApprovalError, ApprovalState, Signature
from lineguard.collector.home import Home
from lineguard.collector.model import UNWAIVABLE, Finding
from lineguard.collector.store import Store
from lineguard.formats.wire import canonical, sha256_hex

FORMAT = "lineguard-waiver/1"


class WaiverError(ValueError):
    """A waiver cannot be made or read; the message says why, in one line."""


@dataclass(frozen=True)
class Waiver:
    id: str
    target: str
    binding: str                      # Finding.binding of what was waived
    finding: str                      # the finding's key when it was waived (for a reader)
    title: str
    reason: str
    until: str                        # ISO-8601 UTC; not in force from then on
    site: str | None
    signatures: tuple[Signature, ...] = ()

    def body(self) -> dict[str, Any]:
        return {"format": FORMAT, "id": self.id, "target": self.target, "binding": self.binding,
                "finding": self.finding, "title": self.title, "reason": self.reason,
                "until": self.until, "site": self.site}

    def expired(self, now: datetime) -> bool:
        return now >= _parse(self.until)


@dataclass(frozen=True)
class WaiverStatus:
    waiver: Waiver
    approval: ApprovalState

    def in_force(self, now: datetime) -> bool:
        return self.approval.in_force and not self.waiver.expired(now)

    def describe(self, now: datetime) -> str:
        w = self.waiver
        if self.waiver.expired(now):
            state = f"EXPIRED at {w.until}"
        elif self.approval.in_force:
            state = f"waived by {', '.join(self.approval.approvers)} until {w.until}"
        else:
            state = f"waiver {self.approval.describe()}"
        return f"{w.id}: {state}: {w.reason}"


def finding_id(key: str) -> str:
    """A short handle for a finding key, as `lineguard findings` shows it."""
    return "f-" + hashlib.sha256(key.encode()).hexdigest()[:8]


def parse_until(text: str, now: datetime, max_days: int) -> str:
    """`2027-01-31` (end of that day, UTC) or an ISO instant; must lie in the future, and
    within `max_days` (a waiver is a decision with a date to review it, never for good)."""
    try:
        if len(text) == 10:
            when = datetime.combine(date.fromisoformat(text), time(23, 59, 59), UTC)
        else:
            when = _parse(text)
    except ValueError:
        raise WaiverError(f"--until {text!r}: expected a date (2027-01-31) or an ISO instant"
                          ) from None
    if when <= now:
        raise WaiverError(f"--until {text!r} is not in the future")
    if when > now + timedelta(days=max_days):
        raise WaiverError(f"--until {text!r} is more than {max_days} days ahead "
                          f"(max_waiver_days): a waiver ends, and is reviewed, by then")
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(text: str) -> datetime:
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).astimezone(UTC)


def resolve(ref: str, findings: list[Finding]) -> Finding:
    """The finding `ref` names: its key, its short id (f-…), or for a job TARGET:PATH:LINE as
    the jobs view shows it."""
    for f in findings:
        if ref in (f.key, finding_id(f.key)):
            return f
    jobs = [f for f in findings if f.kind == "job" and f.key.startswith(f"job:{ref}:")]
    if len(jobs) == 1:
        return jobs[0]
    if len(jobs) > 1:
        raise WaiverError(f"{ref!r} names {len(jobs)} jobs; use a finding id from "
                          f"`lineguard findings`")
    raise WaiverError(f"no open finding {ref!r} (a finding key or id from `lineguard "
                      f"findings`, or a job as TARGET:PATH:LINE)")


def _path(folder: Path, waiver_id: str) -> Path:
    if not waiver_id.startswith("w-") or not waiver_id[2:].isalnum():
        raise WaiverError(f"{waiver_id!r} is not a waiver id (w-…)")
    return folder / f"{waiver_id}.json"


def _write(path: Path, waiver: Waiver) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"body": waiver.body(), "signatures": [s.to_json() for s in waiver.signatures]}
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    os.replace(tmp, path)


def read(path: Path) -> Waiver:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        b = doc["body"]
        if b["format"] != FORMAT:
            raise ValueError(f"unknown format {b['format']!r}")
        return Waiver(id=b["id"], target=b["target"], binding=b["binding"],
                      finding=b["finding"], title=b["title"], reason=b["reason"],
                      until=b["until"], site=b["site"],
                      signatures=approvals.parse_signatures(doc["signatures"], str(path)))
    except FileNotFoundError:
        raise WaiverError(f"no waiver {path.stem} in {path.parent}") from None
    except (ApprovalError, KeyError, TypeError, ValueError) as e:
        raise WaiverError(f"{path}: not a waiver ({e.__class__.__name__}: {e})") from None


def sign(folder: Path, approvers_dir: Path, waiver: Waiver, key: Path, approver: str,
         required: int) -> WaiverStatus:
    """Add `approver`'s signature to `waiver` (creating its file on the first one)."""
    path = _path(folder, waiver.id)
    if path.exists():
        waiver = read(path)
    try:
        found = approvals.read_approvers(approvers_dir)
        signatures = approvals.sign(FORMAT, waiver.body(), waiver.signatures, found, key,
                                    approver, waiver.id)
    except ApprovalError as e:
        raise WaiverError(str(e)) from None
    signed = Waiver(**{**waiver.__dict__, "signatures": signatures})
    _write(path, signed)
    return WaiverStatus(signed, approvals.check(FORMAT, signed.body(), signatures, found,
                                                required))


def waive(home: Home, store: Store, ref: str, until: str | None, reason: str | None,
          key: Path, approver: str, now: datetime) -> WaiverStatus:
    """Sign a waiver as `approver`: a new one of the open finding `ref` names (until `until`,
    for `reason`), or, given a waiver id, the existing one. Recorded in the audit log."""
    from lineguard.collector.check import all_findings
    if ref.startswith("w-"):
        waiver = read(_path(home.waivers, ref))
    else:
        if not until or not reason:
            raise WaiverError("a new waiver needs --until DATE and --reason TEXT")
        waiver = request(resolve(ref, all_findings(home, store, now)),
                         parse_until(until, now, home.settings().max_waiver_days), reason)
    status = sign(home.waivers, home.baselines, waiver, key, approver,
                  home.settings().site(waiver.site).approvals)
    store.audit("waiver-sign", None, status.waiver.id,
                f"{approver} on {status.waiver.finding} until {status.waiver.until}")
    return status


def request(finding: Finding, until: str, reason: str) -> Waiver:
    """The waiver of `finding` until `until` for `reason` (its id follows from all three, so
    a second approver signing the same request signs the same waiver)."""
    if not reason.strip():
        raise WaiverError("--reason must say why the finding is sanctioned")
    if finding.kind in UNWAIVABLE:
        raise WaiverError(f"{finding.kind} findings cannot be waived: the approvers they "
                          f"report on would be the ones to sign (it closes by itself a week "
                          f"after the change)")
    ident = sha256_hex(canonical([finding.target, finding.binding, until, reason]))[:12]
    return Waiver(id=f"w-{ident}", target=finding.target, binding=finding.binding,
                  finding=finding.key, title=finding.title, reason=reason, until=until,
                  site=finding.site)


@dataclass(frozen=True)
class WaiverBook:
    """Every waiver in a home, and the approvers whose signatures count."""

    waivers: tuple[Waiver, ...]
    approvers: dict[str, Any]
    problems: tuple[str, ...] = ()    # waiver files that could not be read, and why

    @classmethod
    def load(cls, folder: Path, approvers_dir: Path) -> WaiverBook:
        """A waiver file that cannot be read waives nothing and is reported (`problems`); it
        never stops the other waivers or the check itself."""
        files = sorted(folder.glob("w-*.json")) if folder.is_dir() else []
        if not files:
            return cls((), {})
        try:
            found = approvals.read_approvers(approvers_dir)
        except ApprovalError:
            found = {}     # no approvers: no waiver can be in force
        waivers, problems = [], []
        for path in files:
            try:
                waivers.append(read(path))
            except WaiverError as e:
                problems.append(str(e))
        return cls(tuple(waivers), found, tuple(problems))

    def status(self, waiver: Waiver, required: int) -> WaiverStatus:
        return WaiverStatus(waiver, approvals.check(FORMAT, waiver.body(), waiver.signatures,
                                                    self.approvers, required))

    def for_finding(self, finding: Finding, required: int,
                    now: datetime) -> WaiverStatus | None:
        """The waiver bound to this finding's evidence: one in force if any, else the newest
        pending or expired one (so a reader sees why it is not waived). The number of
        signatures required is the finding's site's, whatever the waiver file says."""
        mine = [self.status(w, required) for w in self.waivers
                if w.target == finding.target and w.binding == finding.binding]
        if not mine:
            return None
        return max(mine, key=lambda w: (w.in_force(now), w.waiver.until))
