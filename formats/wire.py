"""The snapshot wire format, owned here and imported by both the agent and the collector.

A snapshot file is canonical JSON of ``{"body": BODY, "sig": BASE64}``. BODY carries the format
version, the agent's name, the signing key's fingerprint, a sequence number, the hash of the
previous snapshot (the chain), the UTC time it was taken, host facts and the targets with their
artifacts. ``sig`` is Ed25519 over the canonical encoding of BODY, and the snapshot's hash (what
the next snapshot's ``prev`` names) is the SHA-256 of that same encoding.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

FORMAT = "lineguard-snapshot/1"
STATUSES = ("ok", "unreachable", "auth-failed", "timeout", "partial")
TARGET_KINDS = ("host", "device")
# What became of an artifact: ok (all of it is here; for a link, the link itself), partial (the
# content is here but not all of it: `error` says what is missing), binary (a binary file, kept
# by its sha256), hash_only (too large to keep: its sha256 only), missing (nothing at that path),
# dangling (a link to nothing), special (not a regular file: a directory, FIFO, socket or
# device, not opened), unreadable (there, but the agent could not read it: `error` says why),
# unread (the agent had no means to read it, e.g. no journalctl: `meta.unread` says why).
ArtifactState = Literal["ok", "partial", "binary", "hash_only", "missing", "dangling", "special",
                        "unreadable", "unread"]
ARTIFACT_STATES: tuple[ArtifactState, ...] = get_args(ArtifactState)
# Evidence the agent went for and did not get; the others are facts about the host.
FAILED_STATES: frozenset[ArtifactState] = frozenset({"partial", "special", "unreadable"})
# \Z, not $: `$` also matches before a final newline, which would let "name\n" through.
_HEX64 = re.compile(r"^[0-9a-f]{64}\Z")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}\Z")
_TAKEN_AT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z\Z")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_KEY_ID = re.compile(r"^SHA256:[A-Za-z0-9+/]{43}\Z")
_KIND = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:+-]{0,63}\Z")
SEQ_MAX = 2**63 - 1      # SQLite's largest integer: a seq beyond it cannot be stored
# Fields of `meta` and `facts` that readers rely on, by the type they must have when present
# (null allowed). Other keys may hold any JSON value; readers do not interpret them.
_TEXT, _WHOLE, _NUMBER, _TEXTS = "text", "whole number", "number", "list of text"
_META_TYPES = {"path": _TEXT, "owner": _TEXT, "group": _TEXT, "mode": _TEXT, "link": _TEXT,
               "target": _TEXT, "user": _TEXT, "command": _TEXT, "method": _TEXT,
               "mtime": _TEXT, "ctime": _TEXT, "start": _TEXT, "uid": _WHOLE, "gid": _WHOLE,
               "size": _WHOLE, "pid": _WHOLE, "ppid": _WHOLE, "seconds": _NUMBER,
               "argv": _TEXTS, "columns": _TEXTS}
_FACT_TYPES = {"platform": _TEXT, "site": _TEXT, "method": _TEXT, "timezone": _TEXT,
               "hostname": _TEXT, "dialect": _TEXT, "root": _TEXT, "polled_at": _TEXT,
               "path": _TEXT, "host": _TEXT, "port": _WHOLE}
_HOST_TYPES = {"hostname": _TEXT, "timezone": _TEXT, "dialect": _TEXT, "root": _TEXT}


def parse_utc(text: str) -> datetime:
    """An RFC 3339 UTC instant as the wire writes it (`2026-11-25T17:31:54Z`, optionally with a
    fraction of a second). Raises ValueError for anything else, e.g. `2026-99-99T99:99:99Z`."""
    if not (isinstance(text, str) and _TAKEN_AT.match(text)):
        raise ValueError(f"{text!r} is not an RFC 3339 UTC time ending in Z")
    return datetime.fromisoformat(text[:-1]).replace(tzinfo=UTC)


def is_name(text: str) -> bool:
    """Whether `text` can name an agent or a target (it also becomes part of file names)."""
    return bool(_NAME.match(text))


class WireError(ValueError):
    """The bytes are not a well-formed, correctly signed lineguard snapshot."""


# A secret in host text (a password option, a TOKEN= variable) as the agent records it: its
# keyed hash in one plain shell word (agent/sources/host/secrets.py writes it; the collector
# knows it for a value it cannot read, see effects.judge).
MASKED_PREFIX = "lg-masked:hmac-sha256:"
MASKED = re.compile(r"lg-masked:hmac-sha256:[0-9a-f]{16}")


# The largest snapshot file a collector takes by default (its max_snapshot_bytes); the agent
# keeps its snapshots under it (agent.snapshot.fitted)
MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024


def canonical(obj: Any) -> bytes:
    """Canonical JSON: sorted keys, UTF-8, no insignificant whitespace, no NaN."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def key_fingerprint(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "SHA256:" + base64.b64encode(hashlib.sha256(raw).digest()).decode().rstrip("=")


@dataclass(frozen=True)
class Artifact:
    """One piece of raw evidence: a file, a command's output, a walk, a process."""

    name: str                       # relative host path, or a device artifact name
    kind: str                       # cron, systemd-unit, at-job, script, running-config, ...
    meta: dict[str, Any] = field(default_factory=dict)   # path, owner, mode, mtime, ctime, size, ...
    content: str | None = None      # text, or base64 when encoding == "base64"
    encoding: str = "utf-8"         # utf-8 | base64
    sha256: str | None = None       # hash of the raw bytes, always set when anything was read
    error: str | None = None        # why content is absent or incomplete, for a person to read
    state: ArtifactState = "ok"
    # False: the snapshot predates the state field and `state` was read from `error` (see
    # legacy_state); such an artifact is written back without it, as it was signed.
    stated: bool = field(default=True, compare=False)

    def __post_init__(self) -> None:
        problem = state_problem(self.state, self.content, self.sha256, self.error)
        if problem:
            raise ValueError(f"artifact {self.name!r}: {problem}")

    @property
    def failed(self) -> bool:
        """Whether evidence the agent went for is missing (not read, or read in part)."""
        return self.state in FAILED_STATES

    def raw(self) -> bytes | None:
        if self.content is None:
            return None
        if self.encoding == "base64":
            return base64.b64decode(self.content)
        return self.content.encode("utf-8")

    def text(self) -> str | None:
        """Content as text; undecodable bytes replaced, so parsers always get a string."""
        raw = self.raw()
        return None if raw is None else raw.decode("utf-8", errors="replace")

    def to_wire(self) -> dict[str, Any]:
        out = {"name": self.name, "kind": self.kind, "meta": self.meta, "content": self.content,
               "encoding": self.encoding, "sha256": self.sha256, "error": self.error}
        if self.stated:
            out["state"] = self.state
        return out

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Artifact:
        """An artifact from its wire (or stored) fields, already checked; without a `state`
        (an agent older than the field) the state is read from the error text it wrote."""
        if "state" in d:
            return cls(**d)
        state = legacy_state(d.get("content"), d.get("meta") or {}, d.get("error"))
        return cls(**d, state=state, stated=False)

    @classmethod
    def from_bytes(cls, name: str, kind: str, data: bytes, meta: dict[str, Any] | None = None,
                   error: str | None = None) -> Artifact:
        """All of `data` as content: ok, or partial when `error` says what is not in it."""
        try:
            content, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            content, encoding = base64.b64encode(data).decode("ascii"), "base64"
        return cls(name=name, kind=kind, meta=dict(meta or {}), content=content, encoding=encoding,
                   sha256=sha256_hex(data), error=error, state="partial" if error else "ok")


def state_problem(state: str, content: str | None, sha256: str | None,
                  error: str | None) -> str | None:
    """Why these fields cannot go together (None when they can): an artifact whose state hides
    its error, or claims content it does not carry, would pass a gap off as evidence."""
    if state not in ARTIFACT_STATES:
        return f"state must be one of {', '.join(ARTIFACT_STATES)}"
    if content is not None and state not in ("ok", "partial"):
        return f"a {state} artifact cannot have content"
    if content is None and state == "partial":
        return "a partial artifact needs its content"
    if (error is None) != (state in ("ok", "unread")):
        return f"a {state} artifact {'needs' if error is None else 'cannot have'} an error"
    if state in ("binary", "hash_only") and sha256 is None:
        return f"a {state} artifact needs its sha256"
    return None


def legacy_state(content: str | None, meta: dict[str, Any], error: str | None) -> ArtifactState:
    """The state of an artifact from an agent that did not write one, from the error texts
    those agents wrote."""
    if error is None:
        return "unread" if content is None and meta.get("unread") else "ok"
    if content is not None:
        return "partial"
    if error == "not found":
        return "missing"
    if error.startswith("dangling link"):
        return "dangling"
    if error == "binary: sha256 only":
        return "binary"
    if error.endswith("sha256 only"):
        return "hash_only"
    if error.startswith("not a regular file"):
        return "special"
    return "unreadable"


@dataclass(frozen=True)
class Target:
    """A host or a device as seen in one snapshot, with an explicit poll status."""

    kind: str                        # host | device
    name: str
    status: str                      # ok | unreachable | auth-failed | timeout | partial
    artifacts: tuple[Artifact, ...] = ()
    error: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)   # platform, site, method, timezone, ...

    def artifact(self, name: str) -> Artifact | None:
        return next((a for a in self.artifacts if a.name == name), None)

    def to_wire(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "status": self.status, "error": self.error,
                "facts": self.facts, "artifacts": [a.to_wire() for a in self.artifacts]}


@dataclass(frozen=True)
class Snapshot:
    agent: str
    key_id: str
    seq: int
    prev: str | None
    taken_at: str                    # ISO-8601 UTC, "...Z"
    host: dict[str, Any]             # hostname, timezone, root, dialect
    targets: tuple[Target, ...]
    format: str = FORMAT

    def body(self) -> dict[str, Any]:
        return {"format": self.format, "agent": self.agent, "key_id": self.key_id, "seq": self.seq,
                "prev": self.prev, "taken_at": self.taken_at, "host": self.host,
                "targets": [t.to_wire() for t in self.targets]}

    def digest(self) -> str:
        return sha256_hex(canonical(self.body()))


def sign(snapshot: Snapshot, key: Ed25519PrivateKey) -> bytes:
    """The signed snapshot file's bytes."""
    body = canonical(snapshot.body())
    sig = base64.b64encode(key.sign(body)).decode("ascii")
    return canonical({"body": snapshot.body(), "sig": sig}) + b"\n"


@dataclass(frozen=True)
class SignedSnapshot:
    snapshot: Snapshot
    body_bytes: bytes
    signature: bytes

    @property
    def digest(self) -> str:
        return sha256_hex(self.body_bytes)

    def verify(self, public_key: Ed25519PublicKey) -> None:
        if key_fingerprint(public_key) != self.snapshot.key_id:
            raise WireError(f"signed with key {self.snapshot.key_id}, not the agent's enrolled key")
        try:
            public_key.verify(self.signature, self.body_bytes)
        except InvalidSignature:
            raise WireError("bad signature: the snapshot was altered or signed by another key") from None


def _require(cond: bool, what: str) -> None:
    if not cond:
        raise WireError(what)


def _is(value: Any, kind: str) -> bool:
    if value is None:
        return True
    if kind == _TEXT:
        return isinstance(value, str)
    if kind == _TEXTS:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if isinstance(value, bool):
        return False
    return isinstance(value, int) if kind == _WHOLE else isinstance(value, int | float)


def _check_fields(d: dict[str, Any], types: dict[str, str], what: str, of: str = "") -> None:
    for key in types.keys() & d.keys():
        if not _is(d[key], types[key]):
            where = f"{of!r}: " if of else ""
            raise WireError(f"{where}{what} {key!r} must be {types[key]} or null, "
                            f"not {type(d[key]).__name__} ({str(d[key])[:40]!r})")


def _check_artifact_name(name: Any) -> None:
    # Checked for every artifact of every snapshot: messages are formatted only on failure.
    if not (isinstance(name, str) and 0 < len(name) <= 4096):
        raise WireError("artifact name must be a non-empty string")
    if "\\" in name:
        raise WireError(f"artifact name {name!r} has a backslash")
    if _CONTROL.search(name):   # a newline would forge a line in every listing and mail
        raise WireError(f"artifact name {name!r} has a control character")
    if name.startswith("/"):
        raise WireError(f"artifact name {name!r} is absolute")
    if ".." in name.split("/"):
        raise WireError(f"artifact name {name!r} escapes its target (path traversal)")


def _parse_artifact(d: Any) -> Artifact:
    _require(isinstance(d, dict), "artifact must be an object")
    _check_artifact_name(d.get("name"))
    if not (isinstance(d.get("kind"), str) and _KIND.match(d["kind"])):
        raise WireError(f"artifact {d['name']!r}: kind must be a short word "
                        f"(letters, digits, ._:+-)")
    _require(isinstance(d.get("meta"), dict), "artifact meta must be an object")
    _check_fields(d["meta"], _META_TYPES, "meta", d["name"])
    _require(d.get("content") is None or isinstance(d["content"], str), "artifact content must be a string or null")
    _require(d.get("encoding") in ("utf-8", "base64"), "artifact encoding must be utf-8 or base64")
    sha = d.get("sha256")
    _require(sha is None or (isinstance(sha, str) and bool(_HEX64.match(sha))), "artifact sha256 must be 64 hex digits")
    _require(d.get("error") is None or isinstance(d["error"], str), "artifact error must be a string or null")
    fields = {"name": d["name"], "kind": d["kind"], "meta": d["meta"], "content": d.get("content"),
              "encoding": d["encoding"], "sha256": sha, "error": d.get("error")}
    if "state" in d:
        problem = state_problem(d["state"], fields["content"], sha, fields["error"]) \
            if isinstance(d["state"], str) else "state must be a string"
        if problem:
            raise WireError(f"artifact {d['name']!r}: {problem}")
        fields["state"] = d["state"]
    art = Artifact.from_wire(fields)
    if art.content is not None:
        try:
            raw = art.raw()
        except ValueError:
            raise WireError(f"artifact {art.name!r}: content is not valid base64") from None
        _require(sha is not None and raw is not None and sha256_hex(raw) == sha,
                 f"artifact {art.name!r}: content does not match its sha256")
    return art


def _parse_target(d: Any) -> Target:
    _require(isinstance(d, dict), "target must be an object")
    _require(d.get("kind") in TARGET_KINDS, f"target kind must be one of {', '.join(TARGET_KINDS)}")
    _require(isinstance(d.get("name"), str) and bool(_NAME.match(d["name"])), f"bad target name {d.get('name')!r}")
    _require(d.get("status") in STATUSES, f"target status must be one of {', '.join(STATUSES)}")
    _require(d.get("error") is None or isinstance(d["error"], str), "target error must be a string or null")
    _require(isinstance(d.get("facts"), dict), "target facts must be an object")
    _check_fields(d["facts"], _FACT_TYPES, "fact", d["name"])
    _require(isinstance(d.get("artifacts"), list), "target artifacts must be a list")
    arts = tuple(_parse_artifact(a) for a in d["artifacts"])
    names = [a.name for a in arts]
    _require(len(names) == len(set(names)), f"target {d['name']!r} has duplicate artifact names")
    # Two names that differ only in Unicode normalisation print the same: one could stand in for
    # the other in every report. The agent spells names so that this never happens (follow.py).
    if len({n if n.isascii() else unicodedata.normalize("NFC", n) for n in names}) != len(names):
        raise WireError(f"target {d['name']!r} has duplicate artifact names after NFC "
                        f"normalisation")
    return Target(kind=d["kind"], name=d["name"], status=d["status"], artifacts=arts,
                  error=d.get("error"), facts=d["facts"])


def check_host(host: Any) -> None:
    """The host facts' shape: an object whose known facts are text (hostname required)."""
    _require(isinstance(host, dict), "host must be an object")
    _check_fields(host, _HOST_TYPES, "host")
    _require(isinstance(host.get("hostname"), str), "host 'hostname' must be text")


def parse_body(body: Any) -> Snapshot:
    _require(isinstance(body, dict), "body must be an object")
    _require(body.get("format") == FORMAT, f"unknown format {body.get('format')!r} (expected {FORMAT})")
    _require(isinstance(body.get("agent"), str) and bool(_NAME.match(body["agent"])), "agent must be a name")
    _require(isinstance(body.get("key_id"), str) and bool(_KEY_ID.match(body["key_id"])),
             "key_id must be a key fingerprint (SHA256: and 43 base64 characters)")
    seq = body.get("seq")
    _require(isinstance(seq, int) and not isinstance(seq, bool) and 1 <= seq <= SEQ_MAX,
             f"seq must be a positive integer of at most {SEQ_MAX}")
    prev = body.get("prev")
    _require(prev is None or (isinstance(prev, str) and bool(_HEX64.match(prev))), "prev must be null or 64 hex digits")
    _require((prev is None) == (seq == 1), "prev must be null exactly for seq 1")
    taken = body.get("taken_at")
    try:
        parse_utc(taken)
    except ValueError:
        raise WireError(f"taken_at {str(taken)[:40]!r} is not a real RFC 3339 UTC time "
                        f"(YYYY-MM-DDTHH:MM:SSZ)") from None
    check_host(body.get("host"))
    _require(isinstance(body.get("targets"), list), "targets must be a list")
    targets = tuple(_parse_target(t) for t in body["targets"])
    names = [t.name for t in targets]
    _require(len(names) == len(set(names)), "duplicate target name in one snapshot")
    return Snapshot(agent=body["agent"], key_id=body["key_id"], seq=seq, prev=prev, taken_at=taken,
                    host=body["host"], targets=targets)


def _no_constant(name: str) -> Any:
    # Python's json reads NaN and Infinity, which canonical JSON (and so the signature) cannot hold.
    raise WireError(f"not JSON ({name} is not a JSON value)")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise WireError(f"not JSON ({text[:20]} does not fit a number)")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Readers disagree on which of two equal keys wins; the signature covers only the last one.
    doc = dict(pairs)
    if len(doc) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise WireError(f"duplicate key {key[:40]!r} in one object")
            seen.add(key)
    return doc


def load(data: bytes) -> SignedSnapshot:
    """Parse a snapshot file's bytes. Raises WireError, whatever the bytes hold; does not check
    the signature."""
    try:
        doc = json.loads(data.decode("utf-8"), parse_constant=_no_constant, parse_float=_finite,
                         object_pairs_hook=_unique_keys)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise WireError(f"not JSON ({e.__class__.__name__}: {str(e)[:80]})") from None
    except RecursionError:
        raise WireError("not JSON (nested too deeply)") from None
    except WireError:
        raise
    except ValueError as e:   # e.g. an integer of more digits than Python converts
        raise WireError(f"not JSON ({str(e)[:80]})") from None
    _require(isinstance(doc, dict) and set(doc) == {"body", "sig"}, "envelope must have exactly body and sig")
    _require(isinstance(doc["sig"], str), "sig must be a base64 string")
    try:
        signature = base64.b64decode(doc["sig"], validate=True)
    except ValueError:
        raise WireError("sig is not base64") from None
    _require(len(signature) == 64, "sig must be a 64-byte Ed25519 signature")
    snapshot = parse_body(doc["body"])
    try:
        body_bytes = canonical(doc["body"])
    except UnicodeEncodeError as e:
        bad = e.object[e.start:e.end].encode("unicode_escape").decode("ascii")
        raise WireError(f"a string holds a lone surrogate ({bad}): not Unicode text") from None
    return SignedSnapshot(snapshot=snapshot, body_bytes=body_bytes, signature=signature)
