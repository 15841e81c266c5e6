"""The collector's anchor outside its database: its own Ed25519 key and a checkpoint log.

Whoever can write `lineguard.db` can rewrite any table and recompute any hash chain in it. Two
things they cannot do without the collector key (HOME/collector.key, 0600, created on first use,
refused when group or others can read it):

- sign an audit row: every row carries an Ed25519 signature over its content and the signature
  of the row before it, so a forged, edited, removed or re-chained row is seen;
- write a checkpoint: after each commit that added audit rows, the newest row's id and signature
  are appended to HOME/checkpoints.log, one signed line each, every line naming the hash of the
  line before. Cutting rows off the end of the audit log (or emptying it) leaves a checkpoint
  that names a row the database no longer holds.

The log is a separate file so that it can live where the database's owner cannot rewrite it
(a file with `chattr +a`, a remote syslog, mail): `lineguard audit --verify` reads it back.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from lineguard.agent.keys import check_private_mode, generate, load_private
from lineguard.formats.wire import canonical, key_fingerprint, sha256_hex

KEY_NAME = "collector.key"
LOG_NAME = "checkpoints.log"
GENESIS = "0" * 64
_TAIL = 8192            # bytes read from the end of the log to find its last line


@dataclass(frozen=True)
class Checkpoint:
    n: int                 # 1, 2, 3, … along the log
    at: str
    audit_id: int          # the newest audit row when it was written
    audit_sig: str         # that row's signature (hex)
    key_id: str            # the collector key that signed it
    prev: str              # SHA-256 of the previous line, GENESIS for the first
    line: str              # the line as written (its hash is the next line's prev)


class AnchorError(ValueError):
    """The collector key is missing while the audit log holds rows it signed."""


class Anchor:
    """The collector key and checkpoint log of one collector home."""

    def __init__(self, home: Path) -> None:
        self.key_path = home / KEY_NAME
        self.log_path = home / LOG_NAME
        self._key: Ed25519PrivateKey | None = None
        if self.key_path.exists():
            check_private_mode(self.key_path)   # refused at once, not at the first write

    # --- the key ---------------------------------------------------------------------------

    def key(self, signed_before: bool = False) -> Ed25519PrivateKey:
        """The collector key, created (0600) the first time anything is signed. Never created
        again once it has signed something: a new key would sign over the old rows' gap."""
        if self._key is None:
            if not self.key_path.exists():
                if signed_before:
                    raise AnchorError(f"{self.key_path} is missing, but the audit log holds rows "
                                      "it signed: restore the key (a new one would hide what "
                                      "was signed before)")
                try:
                    generate(self.key_path)
                except FileExistsError:
                    pass   # another collector process created it a moment ago
            self._key = load_private(self.key_path)
        return self._key

    def public_key(self) -> Ed25519PublicKey | None:
        """The key to check signatures with; None when the home has never had one."""
        if not self.key_path.exists():
            return None
        return self.key().public_key()

    # --- audit rows ------------------------------------------------------------------------

    @staticmethod
    def row_message(prev_sig: str, at: str, event: str, agent: str | None, subject: str,
                    detail: str) -> bytes:
        """What an audit row's signature covers: its fields and the previous row's signature."""
        return canonical([prev_sig, at, event, agent, subject, detail])

    # --- checkpoints -----------------------------------------------------------------------

    def checkpoint(self, audit_id: int, audit_sig: str) -> bool:
        """Append a checkpoint for audit row `audit_id` unless the log already reaches it.
        Serialised by a lock on the log, so two collector processes never interleave lines."""
        key = self.key()
        fd = os.open(self.log_path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            last = _last_line(fd)
            n, prev = 1, GENESIS
            if last:
                doc = json.loads(last)
                if int(doc["audit_id"]) >= audit_id:
                    return False
                n, prev = int(doc["n"]) + 1, sha256_hex(last.encode())
            body = {"n": n, "at": _now(), "audit_id": audit_id, "audit_sig": audit_sig,
                    "key_id": key_fingerprint(key.public_key()), "prev": prev}
            sig = base64.b64encode(key.sign(canonical(body))).decode()
            os.write(fd, canonical({**body, "sig": sig}) + b"\n")
            return True
        finally:
            os.close(fd)   # releases the lock

    def last_line(self) -> str:
        """The newest checkpoint line as written ("" when there is none)."""
        try:
            fd = os.open(self.log_path, os.O_RDONLY)
        except FileNotFoundError:
            return ""
        try:
            return _last_line(fd)
        finally:
            os.close(fd)

    def read_checkpoints(self) -> tuple[list[Checkpoint], list[str]]:
        """Every checkpoint, and what is wrong with the log (bad signature, broken chain)."""
        if not self.log_path.exists():
            return [], []
        public = self.public_key()
        problems: list[str] = []
        out: list[Checkpoint] = []
        prev = GENESIS
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, 1):
                line = line.rstrip("\n")
                where = f"{self.log_path.name}:{number}"
                try:
                    doc = json.loads(line)
                    sig = base64.b64decode(doc.pop("sig"), validate=True)
                    cp = Checkpoint(n=int(doc["n"]), at=str(doc["at"]),
                                    audit_id=int(doc["audit_id"]), audit_sig=str(doc["audit_sig"]),
                                    key_id=str(doc["key_id"]), prev=str(doc["prev"]), line=line)
                except (ValueError, KeyError, TypeError, AttributeError) as e:
                    problems.append(f"{where}: not a checkpoint ({e.__class__.__name__})")
                    prev = sha256_hex(line.encode())
                    continue
                if public is None:
                    problems.append(f"{where}: the collector key that signed it is missing")
                else:
                    try:
                        public.verify(sig, canonical(doc))
                    except InvalidSignature:
                        problems.append(f"{where}: signature does not verify with the collector key")
                if cp.prev != prev or cp.n != len(out) + 1:
                    problems.append(f"{where}: does not follow the line before (lines removed "
                                    f"or reordered)")
                out.append(cp)
                prev = sha256_hex(line.encode())
        return out, problems


def _last_line(fd: int) -> str:
    size = os.fstat(fd).st_size
    if size == 0:
        return ""
    start = max(0, size - _TAIL)
    data = os.pread(fd, size - start, start).decode("utf-8", errors="replace")
    lines = [ln for ln in data.split("\n") if ln]
    return lines[-1] if lines else ""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")

