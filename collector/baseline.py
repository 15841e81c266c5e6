"""Approved baselines: one reviewable, signed JSON file per target in a baselines folder.

A baseline records what a target looked like in one complete (status ok) poll: its artifacts by
name, kind and sha256, and its line data rows. It lives as data, so a change to it goes through
review like code: `propose` writes `TARGET.proposed.json`; `approve` adds an approver's
signature to it (collector.approvals: the folder's `approvers` file, the two-person rule), and
once the site's required number of distinct approvers have signed, puts it in place as
`TARGET.json`. Signatures cover the canonical encoding of the body, so the pretty-printed file can
be reformatted freely but not altered; a baseline without enough valid signatures is never
trusted.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from lineguard.collector import approvals
from lineguard.collector.approvals import DEFAULT_REQUIRED, ApprovalError, ApprovalState, Signature
from lineguard.collector.model import LineDataRow
from lineguard.collector.parse.device import line_data as parse_rows
from lineguard.collector.platforms import judged
from lineguard.collector.store import Store, StoredSnapshot
from lineguard.formats.wire import Target

FORMAT = "lineguard-baseline/2"
_HISTORY_LIMIT = 500
IN_FORCE = "baseline-in-force"     # audit event: a baseline came into force (its source)
_TARGET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}")   # as formats.wire admits them


class BaselineError(ValueError):
    """A baseline cannot be proposed, approved or trusted; the message says why, in one line."""


@dataclass(frozen=True)
class SourceSnapshot:
    """The stored snapshot a baseline was taken from."""

    agent: str
    seq: int
    hash: str
    taken_at: str


@dataclass(frozen=True)
class BaselineArtifact:
    name: str
    kind: str
    sha256: str | None


@dataclass(frozen=True)
class Baseline:
    target: str
    kind: str                                   # host | device
    proposed_at: str
    source: SourceSnapshot
    artifacts: tuple[BaselineArtifact, ...]
    line_data: tuple[LineDataRow, ...] | None   # None: no parser could read this target's rows
    facts: dict[str, Any]
    approval: ApprovalState | None = None       # set once the signatures were checked

    @property
    def approved_by(self) -> str | None:
        return ", ".join(self.approval.approvers) if self.approval else None

    @property
    def verified(self) -> ApprovalState:
        """The signatures verify() checked; a baseline read without verify() has none."""
        if self.approval is None:
            raise BaselineError(f"the baseline of {self.target} was read without checking "
                                f"its signatures")
        return self.approval

    @property
    def approved_at(self) -> str | None:
        """When the last required signature was made."""
        if not self.approval or not self.approval.signed:
            return None
        return max(s.signed_at for s in self.approval.signed)

    def artifact(self, name: str) -> BaselineArtifact | None:
        return next((a for a in self.artifacts if a.name == name), None)

    def body(self) -> dict[str, Any]:
        return {
            "format": FORMAT, "target": self.target, "kind": self.kind,
            "proposed_at": self.proposed_at, "source": asdict(self.source), "facts": self.facts,
            "artifacts": [asdict(a) for a in self.artifacts],
            "line_data": None if self.line_data is None else [_row(r) for r in self.line_data],
        }


def _row(row: LineDataRow) -> dict[str, Any]:
    # dataclasses.asdict deep-copies; rows are flat apart from `extra`, and baselines hold many.
    out = {f.name: getattr(row, f.name) for f in fields(row)}
    out["extra"] = dict(row.extra)
    return out


def line_data(target: Target) -> tuple[LineDataRow, ...] | None:
    """A target's line data rows, sorted by identity; () for hosts, None when no parser exists."""
    if target.kind != "device":
        return ()
    try:
        rows = parse_rows(target)
    except ValueError:
        return None   # an unknown platform: its rows are unknown, never "none"
    return tuple(sorted(rows, key=row_order))


def row_order(row: LineDataRow) -> tuple:
    """Sort key: interface, then VPI/VCI numerically (1/36 before 1/101); None sorts first."""
    return tuple((v is not None, v if v is not None else 0) for v in
                 (row.interface, row.vpi, row.vci, row.kind, row.peer_interface, row.peer_vpi,
                  row.peer_vci))


# --- files ---------------------------------------------------------------------------------


def path_for(baselines_dir: Path, target: str) -> Path:
    """The file `approve` acts on: a pending proposal if there is one, else the approved file."""
    proposal = proposal_path(baselines_dir, target)
    return proposal if proposal.exists() else approved_path(baselines_dir, target)


def approved_path(baselines_dir: Path, target: str) -> Path:
    return baselines_dir / f"{_file_stem(target)}.json"


def proposal_path(baselines_dir: Path, target: str) -> Path:
    return baselines_dir / f"{_file_stem(target)}.proposed.json"


def _file_stem(target: str) -> str:
    """A target name as a file name in the baselines folder: never a path out of it (a
    proposal's body names the file `approve` writes)."""
    if not _TARGET_NAME.fullmatch(target):
        raise BaselineError(f"{target!r} is not a target name (letters, digits, . _ @ : -)")
    return target


def _write(path: Path, body: dict[str, Any], signatures: tuple[Signature, ...]) -> None:
    doc = {"body": body, "signatures": [s.to_json() for s in signatures]}
    text = json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _read(path: Path) -> tuple[Baseline, dict[str, Any], tuple[Signature, ...]]:
    """The baseline, its body exactly as stored (what the signatures cover), and the
    signatures."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{path}: no such baseline file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BaselineError(f"{path}: not a JSON baseline ({e.__class__.__name__})") from None
    if not isinstance(doc, dict) or set(doc) != {"body", "signatures"}:
        raise BaselineError(f"{path}: a baseline file has exactly 'body' and 'signatures' "
                            f"(format {FORMAT}; propose and approve older baselines again)")
    try:
        return (_from_body(doc["body"]), doc["body"],
                approvals.parse_signatures(doc["signatures"], str(path)))
    except (KeyError, TypeError, ValueError) as e:
        raise BaselineError(f"{path}: malformed baseline body "
                            f"({e.__class__.__name__}: {e})") from None


def _from_body(b: dict[str, Any]) -> Baseline:
    if b["format"] != FORMAT:
        raise ValueError(f"unknown format {b['format']!r} (expected {FORMAT})")
    rows = b["line_data"]
    return Baseline(
        target=b["target"], kind=b["kind"], proposed_at=b["proposed_at"],
        source=SourceSnapshot(**b["source"]),
        artifacts=tuple(BaselineArtifact(**a) for a in b["artifacts"]),
        line_data=None if rows is None else tuple(LineDataRow(**r) for r in rows),
        facts=dict(b["facts"]))


# --- propose, approve, load, show ----------------------------------------------------------


def _newest_ok(store: Store, target: str) -> tuple[StoredSnapshot, Target]:
    seen: list[tuple[str, str, str | None]] = []
    for snap, stored in store.target_history(target, limit=_HISTORY_LIMIT):
        # Judged again by its platform: a capture with a prompt fragment or cut short is no
        # baseline, whatever the agent that sent it said.
        tgt = judged(stored)
        if tgt.status == "ok":
            return snap, tgt
        seen.append((snap.taken_at, tgt.status, tgt.error))
    if not seen:
        raise BaselineError(f"no stored snapshot carries target {target!r}")
    taken, status, error = seen[0]
    raise BaselineError(f"no complete poll of {target}: all {len(seen)} stored poll(s) failed "
                        f"(latest {taken}: {status}{': ' + error if error else ''}); a baseline "
                        f"is only taken from a poll with status ok")


def _of_poll(snap: StoredSnapshot, tgt: Target, proposed_at: str) -> Baseline:
    """The baseline a complete poll makes."""
    return Baseline(
        target=tgt.name, kind=tgt.kind, proposed_at=proposed_at,
        source=SourceSnapshot(agent=snap.agent, seq=snap.seq, hash=snap.hash,
                              taken_at=snap.taken_at),
        artifacts=tuple(sorted((BaselineArtifact(a.name, a.kind, a.sha256) for a in tgt.artifacts),
                               key=lambda a: a.name)),
        line_data=line_data(tgt), facts=dict(tgt.facts))


def propose(store: Store, target: str, baselines_dir: Path) -> Path:
    """Write TARGET.proposed.json from the newest snapshot in which the target's poll was ok."""
    snap, tgt = _newest_ok(store, target)
    proposal = _of_poll(snap, tgt, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    baselines_dir.mkdir(parents=True, exist_ok=True)
    path = proposal_path(baselines_dir, target)
    _write(path, proposal.body(), ())
    store.audit("baseline-propose", snap.agent, target, f"{path.name} from #{snap.seq} "
                f"{snap.hash[:12]}")
    return path


def approve(path: Path, key_path: Path, approver: str,
            required: int = DEFAULT_REQUIRED) -> ApprovalState:
    """Add `approver`'s signature to the baseline at `path` (a proposal, or the approved file
    when more signatures are now required); once `required` distinct approvers have signed,
    install it as the approved TARGET.json. Returns where the approval stands."""
    baseline, body, signatures = _read(path)
    dest = approved_path(path.parent, baseline.target)
    try:
        approvers = approvals.read_approvers(path.parent)
        signatures = approvals.sign(FORMAT, body, signatures, approvers, key_path, approver,
                                    path.name)
    except ApprovalError as e:
        raise BaselineError(str(e)) from None
    state = approvals.check(FORMAT, body, signatures, approvers, required)
    if state.in_force:
        _write(dest, body, signatures)
        if path != dest:
            path.unlink()
    else:
        _write(path, body, signatures)
    return state


def verify(path: Path, required: int = DEFAULT_REQUIRED) -> Baseline:
    """The baseline in `path` if at least `required` distinct approvers listed in the same
    folder's approvers file have validly signed it."""
    baseline, body, signatures = _read(path)
    if not signatures:
        raise BaselineError(f"{path}: not signed; approve it first (lineguard baseline approve)")
    try:
        state = approvals.check(FORMAT, body, signatures, approvals.read_approvers(path.parent),
                                required)
    except ApprovalError as e:
        raise BaselineError(str(e)) from None
    if not state.in_force:
        why = "; ".join(state.problems)
        raise BaselineError(f"{path}: {state.describe()}" + (f" ({why})" if why else "")
                            + "; not trusted")
    return replace(baseline, approval=state)


def load_approved(baselines_dir: Path, target: str,
                  required: int = DEFAULT_REQUIRED) -> Baseline | None:
    """The approved baseline of `target`, None when there is none; raises BaselineError when
    the file exists but lacks the required valid signatures."""
    path = approved_path(baselines_dir, target)
    if not path.exists():
        return None
    baseline = verify(path, required)
    if baseline.target != target:
        raise BaselineError(f"{path}: holds the baseline of {baseline.target!r}, not {target!r}")
    return baseline


def pending(baselines_dir: Path, target: str,
            required: int = DEFAULT_REQUIRED) -> ApprovalState | None:
    """Where the pending proposal of `target` stands, None when there is none."""
    path = proposal_path(baselines_dir, target)
    if not path.exists():
        return None
    _, body, signatures = _read(path)
    return approvals.check(FORMAT, body, signatures, _approvers_or_none(baselines_dir), required)


def _approvers_or_none(baselines_dir: Path) -> dict[str, Ed25519PublicKey]:
    """The folder's approvers; none when the file is missing or broken (then no signature
    counts, and the proposal says so)."""
    try:
        return approvals.read_approvers(baselines_dir)
    except ApprovalError:
        return {}


@dataclass(frozen=True)
class BaselineStatus:
    """Where a target's baselines stand (`baseline show`): the approved one, if any and
    trusted (else why not), and a pending proposal with its signatures so far."""

    target: str
    folder: Path
    approved: Baseline | None             # trusted, with its approval state
    untrusted: str | None                 # the approved file exists but is not trusted: why
    proposal: Baseline | None
    proposal_name: str | None
    proposal_state: ApprovalState | None


def status(baselines_dir: Path, target: str, required: int = DEFAULT_REQUIRED) -> BaselineStatus:
    approved: Baseline | None = None
    untrusted: str | None = None
    if approved_path(baselines_dir, target).exists():
        try:
            approved = verify(approved_path(baselines_dir, target), required)
        except BaselineError as e:
            untrusted = str(e)
    proposal, name, state = None, None, None
    path = proposal_path(baselines_dir, target)
    if path.exists():
        proposal, _, _ = _read(path)
        name, state = path.name, pending(baselines_dir, target, required)
    return BaselineStatus(target, baselines_dir, approved, untrusted, proposal, name, state)


def as_polled(store: Store, path: Path) -> Baseline:
    """The baseline in `path` if it is exactly what the poll it names made (the stored,
    signed snapshot: agent, number and digest; its artifacts, line data and facts as judged
    now). Approvers sign with `approve --all` what they have not opened: whoever can write the
    baselines folder must not have them sign line data without the rows they mean to delete."""
    b, body, _ = _read(path)
    src = b.source
    snap = store.snapshot_at(src.agent, src.seq)
    if snap is None or snap.hash != src.hash:
        raise BaselineError(f"{path}: does not match the poll it names ({src.agent} #{src.seq} "
                            f"is not in the store with that digest); propose it again")
    tgt = next((t for t in store.targets_of(snap.id) if t.name == b.target), None)
    polled = judged(tgt) if tgt is not None else None
    if polled is None or polled.status != "ok" or \
            _of_poll(snap, polled, b.proposed_at).body() != body:
        raise BaselineError(f"{path}: does not match the poll it names ({src.agent} #{src.seq}: "
                            f"its artifacts, line data or facts differ); propose it again")
    return b


def sign(store: Store, baselines_dir: Path, target: str, key_path: Path, approver: str,
         required: int, *, judged_here: bool) -> ApprovalState:
    """`baseline approve`: `approver` signs the target's proposal (or approved baseline), on
    the audit record. `judged_here`: `baselines_dir` is the folder the checks compare with, so
    a baseline coming into force there is recorded as such (a later rollback is a finding).
    What is signed is what the store polled: a file that says anything else is refused."""
    path = path_for(baselines_dir, target)
    as_polled(store, path)
    state = approve(path, key_path, approver, required)
    store.audit("baseline-sign", None, target, f"{approver}: {state.describe()}")
    if state.in_force and judged_here:
        approved = load_approved(baselines_dir, target, required)
        assert approved is not None     # in force: installed and verified just now
        src = approved.source
        store.audit(IN_FORCE, src.agent, target, f"{src.taken_at} #{src.seq} {src.hash}")
    return state
