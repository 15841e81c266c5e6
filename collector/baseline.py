"""Approved baselines: one reviewable, signed JSON file per target in a baselines folder.

A baseline records what a target looked like in one complete (status ok) poll: its artifacts by
name, kind and sha256, and its line data rows. It lives as data, so a change to it goes through
review like code: `propose` writes `TARGET.proposed.json`; `approve` signs it with an approver's
Ed25519 key and puts it in place as `TARGET.json`. Approvers and their public keys are listed in
the folder's `approvers` file ("NAME ssh-ed25519 AAAA... [comment]"). The signature covers the
canonical encoding (agent.wire.canonical) of the body, so the pretty-printed file can be
reformatted freely but not altered; a baseline whose signature does not verify is never trusted.
"""

from __future__ import annotations

import base64
import json
import os
import re
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from agent.keys import KeyError_, load_private, parse_public, public_text
from agent.wire import Target, canonical, key_fingerprint
from collector.model import LineDataRow
from collector.store import Store, StoredSnapshot

FORMAT = "lineguard-baseline/1"
APPROVERS = "approvers"
_HISTORY_LIMIT = 500
_TARGET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}")   # as agent.wire admits them


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
    approved_at: str | None = None
    approved_by: str | None = None

    def artifact(self, name: str) -> BaselineArtifact | None:
        return next((a for a in self.artifacts if a.name == name), None)

    def body(self) -> dict[str, Any]:
        return {
            "format": FORMAT, "target": self.target, "kind": self.kind,
            "proposed_at": self.proposed_at, "approved_at": self.approved_at,
            "approved_by": self.approved_by, "source": asdict(self.source), "facts": self.facts,
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
        from collector.parse.device import line_data as parse_rows
    except ImportError:
        return None
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


def _write(path: Path, baseline: Baseline, signature: dict[str, str] | None) -> None:
    doc = {"body": baseline.body(), "signature": signature}
    text = json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _read(path: Path) -> tuple[Baseline, dict[str, Any], Any]:
    """The baseline, its body exactly as stored (what the signature covers), and the
    signature block."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{path}: no such baseline file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BaselineError(f"{path}: not a JSON baseline ({e.__class__.__name__})") from None
    if not isinstance(doc, dict) or set(doc) != {"body", "signature"}:
        raise BaselineError(f"{path}: a baseline file has exactly 'body' and 'signature'")
    try:
        return _from_body(doc["body"]), doc["body"], doc["signature"]
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
        facts=dict(b["facts"]), approved_at=b["approved_at"], approved_by=b["approved_by"])


# --- approvers -----------------------------------------------------------------------------


def read_approvers(baselines_dir: Path) -> dict[str, Ed25519PublicKey]:
    """NAME -> public key from the folder's approvers file; '#' starts a comment line."""
    path = baselines_dir / APPROVERS
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"{path}: no approvers file (one line per approver: "
                            f"NAME ssh-ed25519 AAAA...)") from None
    approvers: dict[str, Ed25519PublicKey] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split()
        if len(parts) < 3:
            raise BaselineError(f"{path}:{number}: expected 'NAME ssh-ed25519 AAAA...'")
        try:
            approvers[parts[0]] = parse_public(" ".join(parts[1:3]).encode())
        except ValueError as e:
            raise BaselineError(f"{path}:{number}: approver {parts[0]}: {e}") from None
    return approvers


def add_approver(baselines_dir: Path, name: str, public_key: Ed25519PublicKey) -> None:
    """Append an approver line; the approvers file is itself reviewed like the baselines."""
    baselines_dir.mkdir(parents=True, exist_ok=True)
    with open(baselines_dir / APPROVERS, "a", encoding="utf-8") as f:
        f.write(f"{name} {public_text(public_key)}\n")


# --- propose, approve, load, show ----------------------------------------------------------


def _newest_ok(store: Store, target: str) -> tuple[StoredSnapshot, Target]:
    seen: list[tuple[str, str, str | None]] = []
    for snap, tgt in store.target_history(target, limit=_HISTORY_LIMIT):
        if tgt.status == "ok":
            return snap, tgt
        seen.append((snap.taken_at, tgt.status, tgt.error))
    if not seen:
        raise BaselineError(f"no stored snapshot carries target {target!r}")
    taken, status, error = seen[0]
    raise BaselineError(f"no complete poll of {target}: all {len(seen)} stored poll(s) failed "
                        f"(latest {taken}: {status}{': ' + error if error else ''}); a baseline "
                        f"is only taken from a poll with status ok")


def propose(store: Store, target: str, baselines_dir: Path) -> Path:
    """Write TARGET.proposed.json from the newest snapshot in which the target's poll was ok."""
    snap, tgt = _newest_ok(store, target)
    proposal = Baseline(
        target=tgt.name, kind=tgt.kind,
        proposed_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        source=SourceSnapshot(agent=snap.agent, seq=snap.seq, hash=snap.hash,
                              taken_at=snap.taken_at),
        artifacts=tuple(sorted((BaselineArtifact(a.name, a.kind, a.sha256) for a in tgt.artifacts),
                               key=lambda a: a.name)),
        line_data=line_data(tgt), facts=dict(tgt.facts))
    baselines_dir.mkdir(parents=True, exist_ok=True)
    path = proposal_path(baselines_dir, target)
    _write(path, proposal, None)
    store.audit("baseline-propose", snap.agent, target, f"{path.name} from #{snap.seq} "
                f"{snap.hash[:12]}")
    return path


def approve(path: Path, key_path: Path, approver: str) -> None:
    """Sign the baseline at `path` as `approver` and install it as the approved TARGET.json."""
    baseline, _, _ = _read(path)
    approvers = read_approvers(path.parent)
    listed = approvers.get(approver)
    if listed is None:
        raise BaselineError(f"{approver!r} is not listed in {path.parent / APPROVERS}")
    try:
        key = load_private(key_path)
    except KeyError_ as e:
        raise BaselineError(str(e)) from None
    if key_fingerprint(key.public_key()) != key_fingerprint(listed):
        raise BaselineError(f"{key_path} is not the key listed for approver {approver!r}")
    signed = replace(baseline, approved_by=approver,
                     approved_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    signature = {"approver": approver, "key_id": key_fingerprint(listed),
                 "ed25519": base64.b64encode(key.sign(canonical(signed.body()))).decode("ascii")}
    dest = approved_path(path.parent, baseline.target)
    _write(dest, signed, signature)
    if path != dest:
        path.unlink()


def verify(path: Path) -> Baseline:
    """The baseline in `path` if its signature verifies against the key of an approver listed
    in the same folder's approvers file."""
    baseline, body, signature = _read(path)
    if signature is None:
        raise BaselineError(f"{path}: not signed; approve it first (lineguard baseline approve)")
    if not isinstance(signature, dict) or not isinstance(signature.get("ed25519"), str):
        raise BaselineError(f"{path}: malformed signature block")
    approvers = read_approvers(path.parent)
    who = signature.get("approver")
    key = approvers.get(who) if isinstance(who, str) else None
    if key is None or who != baseline.approved_by:
        raise BaselineError(f"{path}: signed by {who!r}, who is not a listed approver or not "
                            f"the approver the baseline names; not trusted")
    try:
        key.verify(base64.b64decode(signature["ed25519"], validate=True), canonical(body))
    except (InvalidSignature, ValueError):
        raise BaselineError(f"{path}: bad signature: the baseline was altered after approval or "
                            f"signed by another key; not trusted") from None
    return baseline


def load_approved(baselines_dir: Path, target: str) -> Baseline | None:
    """The approved baseline of `target`, None when there is none; raises BaselineError when
    the file exists but its signature is missing or does not verify."""
    path = approved_path(baselines_dir, target)
    if not path.exists():
        return None
    baseline = verify(path)
    if baseline.target != target:
        raise BaselineError(f"{path}: holds the baseline of {baseline.target!r}, not {target!r}")
    return baseline


def show(baselines_dir: Path, target: str) -> str:
    """A human summary of the approved baseline and any pending proposal of `target`."""
    out: list[str] = []
    approved = approved_path(baselines_dir, target)
    if approved.exists():
        try:
            b = verify(approved)
            out.append(f"{target}: approved by {b.approved_by} at {b.approved_at} "
                       f"(signature verified)")
            out += _summary(b)
        except BaselineError as e:
            out.append(f"{target}: NOT TRUSTED: {e}")
    else:
        out.append(f"{target}: no approved baseline in {baselines_dir}")
    proposal = proposal_path(baselines_dir, target)
    if proposal.exists():
        b, _, _ = _read(proposal)
        out.append(f"pending proposal {proposal.name}, proposed at {b.proposed_at}:")
        out += _summary(b)
    return "\n".join(out)


def _summary(b: Baseline) -> list[str]:
    rows = "not parsed" if b.line_data is None else f"{len(b.line_data)} row(s)"
    lines = [f"  from {b.source.agent} #{b.source.seq} taken {b.source.taken_at} "
             f"({b.source.hash[:12]}…)", f"  line data: {rows}",
             f"  {len(b.artifacts)} artifact(s):"]
    lines += [f"    {a.name:<44} {a.kind:<20} {(a.sha256 or '-')[:16]}" for a in b.artifacts]
    return lines
