"""Approvals: the two-person rule for anything that changes what lineguard trusts or reports.

A document (a baseline, a waiver, later a restore plan) is in force only when the configured
number of distinct approvers (default 2, per site) have signed it with their own Ed25519 keys.
Approvers and their public keys are listed in an `approvers` file ("NAME ssh-ed25519 AAAA...
[comment]", '#' starts a comment line). Each signature covers the purpose (so a baseline
signature can never pass as a waiver's), the canonical encoding (formats.wire.canonical) of the
document's body, the approver's name and when they signed.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from lineguard.agent.keys import KeyError_, load_private, parse_public, public_text
from lineguard.formats.wire import canonical, key_fingerprint

APPROVERS = "approvers"
DEFAULT_REQUIRED = 2


class ApprovalError(ValueError):
    """A signature cannot be made or read; the message says why, in one line."""


@dataclass(frozen=True)
class Signature:
    approver: str
    key_id: str
    signed_at: str
    ed25519: str                      # base64

    def to_json(self) -> dict[str, str]:
        return {"approver": self.approver, "key_id": self.key_id, "signed_at": self.signed_at,
                "ed25519": self.ed25519}


@dataclass(frozen=True)
class ApprovalState:
    """Who has validly signed a document, and whether that puts it in force."""

    required: int
    signed: tuple[Signature, ...]     # distinct listed approvers whose signature verifies
    problems: tuple[str, ...] = ()    # signatures that do not count, and why

    @property
    def in_force(self) -> bool:
        return len(self.signed) >= self.required

    @property
    def missing(self) -> int:
        return max(0, self.required - len(self.signed))

    @property
    def approvers(self) -> tuple[str, ...]:
        return tuple(s.approver for s in self.signed)

    def describe(self) -> str:
        """`approved by tanaka, sato (2 of 2)` or `PENDING: signed by tanaka (1 of 2); needs 1
        more approver`."""
        who = ", ".join(self.approvers) or "nobody"
        if self.in_force:
            return f"approved by {who} ({len(self.signed)} of {self.required} required)"
        return (f"PENDING: signed by {who} ({len(self.signed)} of {self.required} required); "
                f"needs {self.missing} more approver(s), not in force")


def read_approvers(folder: Path) -> dict[str, Ed25519PublicKey]:
    """NAME -> public key from the folder's approvers file."""
    return read_approvers_file(folder / APPROVERS)


def read_approvers_file(path: Path) -> dict[str, Ed25519PublicKey]:
    """NAME -> public key from an approvers file (the baselines folder's, or the copy an agent
    is given to check restore plans with)."""
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


def add_approver(folder: Path, name: str, public_key: Ed25519PublicKey) -> None:
    """Append an approver line; the approvers file is itself reviewed like the baselines."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / APPROVERS, "a", encoding="utf-8") as f:
        f.write(f"{name} {public_text(public_key)}\n")


def _payload(purpose: str, body: dict[str, Any], approver: str, signed_at: str) -> bytes:
    return canonical({"purpose": purpose, "body": body, "approver": approver,
                      "signed_at": signed_at})


def parse_signatures(raw: Any, where: str) -> tuple[Signature, ...]:
    if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
        raise ApprovalError(f"{where}: 'signatures' must be a list of signature objects")
    try:
        return tuple(Signature(**{k: str(s[k]) for k in ("approver", "key_id", "signed_at",
                                                         "ed25519")}) for s in raw)
    except KeyError as e:
        raise ApprovalError(f"{where}: a signature lacks {e.args[0]!r}") from None


def sign(purpose: str, body: dict[str, Any], signatures: tuple[Signature, ...],
         approvers: dict[str, Ed25519PublicKey], key_path: Path, approver: str,
         where: str) -> tuple[Signature, ...]:
    """`signatures` with `approver`'s signature added. Refuses an approver who is not listed,
    a key that is not theirs, and a second signature by the same approver."""
    listed = approvers.get(approver)
    if listed is None:
        raise ApprovalError(f"{approver!r} is not listed in the approvers file of {where}")
    try:
        key = load_private(key_path)
    except KeyError_ as e:
        raise ApprovalError(str(e)) from None
    if key_fingerprint(key.public_key()) != key_fingerprint(listed):
        raise ApprovalError(f"{key_path} is not the key listed for approver {approver!r}")
    if any(s.approver == approver for s in signatures):
        raise ApprovalError(f"{where}: {approver} has already signed; the two-person rule needs "
                            f"a different approver")
    alias = next((s.approver for s in signatures if s.approver in approvers and
                  key_fingerprint(approvers[s.approver]) == key_fingerprint(listed)), None)
    if alias is not None:
        raise ApprovalError(f"{where}: {approver}'s key has already signed as {alias}; the "
                            f"two-person rule needs a different approver's key")
    at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    sig = base64.b64encode(key.sign(_payload(purpose, body, approver, at))).decode("ascii")
    return signatures + (Signature(approver, key_fingerprint(listed), at, sig),)


def check(purpose: str, body: dict[str, Any], signatures: tuple[Signature, ...],
          approvers: dict[str, Ed25519PublicKey], required: int) -> ApprovalState:
    """Which signatures verify against a listed approver's key; each approver counts once, and
    so does each key (one person listed under two names is still one person)."""
    good: dict[str, Signature] = {}
    holder: dict[str, str] = {}       # key fingerprint -> the approver who counted with it
    problems: list[str] = []
    for s in signatures:
        key = approvers.get(s.approver)
        if key is None:
            problems.append(f"signed by {s.approver!r}, who is not a listed approver")
            continue
        try:
            key.verify(base64.b64decode(s.ed25519, validate=True),
                       _payload(purpose, body, s.approver, s.signed_at))
        except (InvalidSignature, ValueError):
            problems.append(f"bad signature by {s.approver}: altered after signing or signed "
                            f"by another key")
            continue
        fingerprint = key_fingerprint(key)
        if holder.setdefault(fingerprint, s.approver) != s.approver:
            problems.append(f"signed by {s.approver} with the key of {holder[fingerprint]}, "
                            f"who already counts: one key is one approver")
            continue
        good.setdefault(s.approver, s)
    return ApprovalState(required, tuple(good.values()), tuple(problems))
