"""Approver signatures over a document: the two-person rule, reusable by any signed document
(restore plans today). An approval is an Ed25519 signature by a key listed in an approvers file
(``NAME ssh-ed25519 AAAA...``, the baselines folder's) over a statement naming the
document's digest, the approver and when; a document is in force only with the required number
of distinct listed approvers whose signatures verify."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from agent.keys import parse_public
from agent.wire import canonical, key_fingerprint

DEFAULT_REQUIRED = 2


class ApprovalError(ValueError):
    """An approval cannot be given or the approvals do not put a document in force."""


@dataclass(frozen=True)
class Approval:
    approver: str
    key_id: str
    at: str                 # ISO-8601 UTC
    signature: str          # base64 Ed25519 over the statement

    def to_json(self) -> dict[str, str]:
        return {"approver": self.approver, "key_id": self.key_id, "at": self.at,
                "ed25519": self.signature}

    @classmethod
    def from_json(cls, d: Any) -> Approval:
        if not isinstance(d, dict) or not all(isinstance(d.get(k), str) for k in
                                              ("approver", "key_id", "at", "ed25519")):
            raise ApprovalError("malformed approval (approver, key_id, at, ed25519 expected)")
        return cls(d["approver"], d["key_id"], d["at"], d["ed25519"])


def read_approvers_file(path: Path) -> dict[str, Ed25519PublicKey]:
    """NAME -> public key from an approvers file (`NAME ssh-ed25519 AAAA... [comment]`, '#'
    starts a comment line): the baselines folder's, or the copy an agent is given."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ApprovalError(f"{path}: no approvers file (one line per approver: "
                            f"NAME ssh-ed25519 AAAA...)") from None
    except OSError as e:
        raise ApprovalError(f"{path}: cannot read the approvers file ({e.strerror or e})") \
            from None
    approvers: dict[str, Ed25519PublicKey] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split()
        if len(parts) < 3:
            raise ApprovalError(f"{path}:{number}: expected 'NAME ssh-ed25519 AAAA...'")
        try:
            approvers[parts[0]] = parse_public(" ".join(parts[1:3]).encode())
        except ValueError as e:
            raise ApprovalError(f"{path}:{number}: approver {parts[0]}: {e}") from None
    return approvers


def statement(domain: str, digest: str, approver: str, at: str) -> bytes:
    """What an approver signs: the kind of document, its digest, who and when."""
    return canonical({"approve": domain, "digest": digest, "approver": approver, "at": at})


def approve(domain: str, digest: str, approver: str, key: Ed25519PrivateKey,
            approvers: dict[str, Ed25519PublicKey], now: datetime | None = None) -> Approval:
    """Sign `digest` as `approver`, whose key must be the one listed for that name."""
    listed = approvers.get(approver)
    if listed is None:
        raise ApprovalError(f"{approver!r} is not a listed approver")
    if key_fingerprint(key.public_key()) != key_fingerprint(listed):
        raise ApprovalError(f"the key given is not the key listed for approver {approver!r}")
    at = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    sig = key.sign(statement(domain, digest, approver, at))
    return Approval(approver, key_fingerprint(listed), at, base64.b64encode(sig).decode("ascii"))


def valid_approvers(domain: str, digest: str, approvals: list[Approval],
                    approvers: dict[str, Ed25519PublicKey]) -> tuple[list[Approval], list[str]]:
    """(approvals that verify, one distinct approver each; why each other one does not)."""
    good: dict[str, Approval] = {}
    problems: list[str] = []
    for a in approvals:
        key = approvers.get(a.approver)
        if key is None:
            problems.append(f"{a.approver}: not a listed approver")
            continue
        try:
            key.verify(base64.b64decode(a.signature, validate=True),
                       statement(domain, digest, a.approver, a.at))
        except (InvalidSignature, ValueError):
            problems.append(f"{a.approver}: signature does not verify (altered document or "
                            f"another key)")
            continue
        good.setdefault(a.approver, a)
    return list(good.values()), problems


def require(domain: str, digest: str, approvals: list[Approval],
            approvers: dict[str, Ed25519PublicKey], required: int) -> list[Approval]:
    """The verified approvals, or ApprovalError when fewer than `required` distinct approvers
    signed this very digest."""
    good, problems = valid_approvers(domain, digest, approvals, approvers)
    if len(good) < required:
        who = ", ".join(a.approver for a in good) or "nobody"
        why = f" ({'; '.join(problems)})" if problems else ""
        raise ApprovalError(f"{len(good)} of {required} required approvals (approved by {who})"
                            f"{why}; it needs {required - len(good)} more")
    return good
