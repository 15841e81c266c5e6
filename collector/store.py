"""The collector's store: SQLite (WAL) via sqlite-utils.

Owns the schema: enrolled agents, accepted snapshots, their targets, content-addressed blobs
(sha256, zlib) and the append-only, hash-chained audit log. A target's artifact list (its
manifest) is itself a blob, so an unchanged host polled a thousand times costs one snapshot row,
one target row and one audit row per poll. Snapshots can be re-assembled byte for byte and their
signatures re-verified from what is stored.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from cryptography.exceptions import InvalidSignature

from agent.wire import Artifact, Snapshot, Target, canonical, sha256_hex
from collector.anchor import GENESIS, Anchor


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class AgentRecord:
    name: str
    public_key: str
    key_id: str
    site: str | None
    enrolled_at: str
    last_seq: int | None
    last_hash: str | None
    last_seen: str | None


@dataclass(frozen=True)
class StoredSnapshot:
    id: int
    agent: str
    seq: int
    hash: str
    prev: str | None
    taken_at: str
    received_at: str
    host: dict[str, Any]


class Store:
    """One collector home's database."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.anchor = Anchor(path.parent)
        self._audit_written = False
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=30)
        self.db = sqlite_utils.Database(conn)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    def close(self) -> None:
        self.db.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic write, holding the write lock from the start. The connection runs in
        autocommit mode, where `with conn:` groups nothing: without this, what a writer read
        first (the audit chain's head, an agent's last seq) could change before it wrote."""
        if self.db.conn.in_transaction:
            yield   # already inside the caller's transaction
            return
        self.db.execute("BEGIN IMMEDIATE")
        self._audit_written = False
        try:
            yield
        except BaseException:
            if self.db.conn.in_transaction:   # SQLite may have rolled back already (disk full)
                self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")
        if self._audit_written:
            self.checkpoint()

    # --- schema -------------------------------------------------------------------------

    def _migrate(self) -> None:
        db = self.db
        if "agents" in db.table_names():
            if "sig" not in db["audit"].columns_dict:   # a store from before the collector key
                db.execute("ALTER TABLE audit ADD COLUMN sig BLOB")
            return
        with db.conn:
            db["agents"].create({"name": str, "public_key": str, "key_id": str, "site": str,
                                 "enrolled_at": str, "last_seq": int, "last_hash": str,
                                 "last_seen": str}, pk="name")
            db["blobs"].create({"sha256": str, "size": int, "data": bytes}, pk="sha256")
            db["snapshots"].create({"id": int, "agent": str, "seq": int, "hash": str, "prev": str,
                                    "taken_at": str, "received_at": str, "key_id": str,
                                    "host": str, "sig": bytes},
                                   pk="id", foreign_keys=[("agent", "agents", "name")])
            db["snapshots"].create_index(["hash"], unique=True)
            db["snapshots"].create_index(["agent", "seq"])
            db["targets"].create({"snapshot": int, "idx": int, "kind": str, "name": str,
                                  "status": str, "error": str, "manifest": str},
                                 foreign_keys=[("snapshot", "snapshots", "id"),
                                               ("manifest", "blobs", "sha256")])
            db["targets"].create_index(["snapshot"])
            db["targets"].create_index(["name", "snapshot"])
            db["audit"].create({"id": int, "at": str, "event": str, "agent": str, "subject": str,
                                "detail": str, "hash": str, "sig": bytes}, pk="id")
            db["baselines"].create({"id": int, "target": str, "state": str, "proposed_at": str,
                                    "proposed_from": int, "manifest": str, "approved_by": str,
                                    "approved_at": str, "signature": str, "note": str}, pk="id")
            db["baselines"].create_index(["target", "state"])
            db["alerts"].create({"key": str, "severity": str, "first_seen": str, "last_sent": str,
                                 "sent_count": int, "subject": str}, pk="key")
            # The audit log is append-only: the database itself refuses edits and deletions.
            db.execute("CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
                       "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END")
            db.execute("CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
                       "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END")

    # --- agents -------------------------------------------------------------------------

    def add_agent(self, name: str, public_key: str, key_id: str, site: str | None) -> None:
        with self.transaction():   # raw SQL: sqlite-utils' writes commit on their own
            self.db.execute("INSERT INTO agents (name, public_key, key_id, site, enrolled_at) "
                            "VALUES (?, ?, ?, ?, ?)", [name, public_key, key_id, site, utc_now()])
            self.audit("enrol", name, key_id, f"site={site or '-'} key={public_key}")

    def agent(self, name: str) -> AgentRecord | None:
        rows = list(self.db["agents"].rows_where("name = ?", [name]))
        return AgentRecord(**rows[0]) if rows else None

    def agents(self) -> list[AgentRecord]:
        return [AgentRecord(**r) for r in self.db["agents"].rows_where(order_by="name")]

    # --- blobs --------------------------------------------------------------------------

    def put_blob(self, data: bytes, sha: str | None = None) -> str:
        sha = sha or sha256_hex(data)
        self.db.execute("INSERT OR IGNORE INTO blobs (sha256, size, data) VALUES (?, ?, ?)",
                        [sha, len(data), zlib.compress(data, 6)])
        return sha

    def has_blob(self, sha: str) -> bool:
        return self.db.execute("SELECT 1 FROM blobs WHERE sha256 = ?", [sha]).fetchone() is not None

    def blob(self, sha: str) -> bytes:
        row = self.db.execute("SELECT data FROM blobs WHERE sha256 = ?", [sha]).fetchone()
        if row is None:
            raise KeyError(f"blob {sha} missing from the store")
        return zlib.decompress(row[0])

    # --- snapshots ----------------------------------------------------------------------

    def has_snapshot(self, digest: str) -> bool:
        return self.db.execute("SELECT 1 FROM snapshots WHERE hash = ?", [digest]).fetchone() is not None

    def snapshot_at(self, agent: str, seq: int) -> StoredSnapshot | None:
        row = self.db.execute("SELECT id, agent, seq, hash, prev, taken_at, received_at, host "
                              "FROM snapshots WHERE agent = ? AND seq = ?", [agent, seq]).fetchone()
        return _stored(row) if row else None

    def insert_snapshot(self, snap: Snapshot, digest: str, signature: bytes) -> int:
        """Store an already verified snapshot with its signed accept record (whose time is the
        snapshot's received_at); the caller holds the transaction."""
        received = utc_now()
        cur = self.db.execute(
            "INSERT INTO snapshots (agent, seq, hash, prev, taken_at, received_at, key_id, host, sig) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [snap.agent, snap.seq, digest, snap.prev, snap.taken_at, received, snap.key_id,
             canonical(snap.host).decode(), signature])
        snap_id = cur.lastrowid
        for idx, target in enumerate(snap.targets):
            manifest = self._store_target(target)
            self.db.execute("INSERT INTO targets (snapshot, idx, kind, name, status, error, manifest) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [snap_id, idx, target.kind, target.name, target.status, target.error,
                             manifest])
        self.db.execute("UPDATE agents SET last_seq = ?, last_hash = ?, last_seen = ? WHERE name = ?",
                        [snap.seq, digest, received, snap.agent])
        self.audit("accept", snap.agent, f"#{snap.seq}", digest, at=received)
        return snap_id

    def _store_target(self, target: Target) -> str:
        arts = []
        for a in target.artifacts:
            d = a.to_wire()
            raw = a.raw()
            if raw is not None:
                if not self.has_blob(a.sha256):
                    self.put_blob(raw, a.sha256)
                d["content"] = None
                d["blob"] = a.sha256
            arts.append(d)
        return self.put_blob(canonical({"facts": target.facts, "artifacts": arts}))

    def load_target(self, manifest_sha: str, kind: str, name: str, status: str,
                    error: str | None) -> Target:
        doc = json.loads(self.blob(manifest_sha))
        arts = []
        for d in doc["artifacts"]:
            blob = d.pop("blob", None)
            art = Artifact(**d)
            if blob is not None:
                # re-encode the way the agent chose, so the body canonicalises identically
                art = replace(art, content=_encode(self.blob(blob), art.encoding))
            arts.append(art)
        return Target(kind=kind, name=name, status=status, artifacts=tuple(arts), error=error,
                      facts=doc["facts"])

    def targets_of(self, snapshot_id: int) -> list[Target]:
        rows = self.db.execute("SELECT kind, name, status, error, manifest FROM targets "
                               "WHERE snapshot = ? ORDER BY idx", [snapshot_id]).fetchall()
        return [self.load_target(m, k, n, s, e) for k, n, s, e, m in rows]

    def latest_snapshots(self) -> list[StoredSnapshot]:
        rows = self.db.execute(
            "SELECT s.id, s.agent, s.seq, s.hash, s.prev, s.taken_at, s.received_at, s.host "
            "FROM snapshots s JOIN (SELECT agent, MAX(seq) AS seq FROM snapshots GROUP BY agent) m "
            "ON s.agent = m.agent AND s.seq = m.seq ORDER BY s.agent").fetchall()
        return [_stored(r) for r in rows]

    def target_history(self, name: str, limit: int = 50,
                       only_ok: bool = False) -> Iterator[tuple[StoredSnapshot, Target]]:
        """Newest first: each snapshot that carried target `name` (with status ok, if asked)."""
        rows = self.db.execute(
            "SELECT s.id, s.agent, s.seq, s.hash, s.prev, s.taken_at, s.received_at, s.host, "
            "t.kind, t.name, t.status, t.error, t.manifest FROM targets t JOIN snapshots s "
            "ON s.id = t.snapshot WHERE t.name = ? AND (t.status = 'ok' OR NOT ?) "
            "ORDER BY s.taken_at DESC, s.id DESC LIMIT ?", [name, only_ok, limit]).fetchall()
        for r in rows:
            yield _stored(r[:8]), self.load_target(r[12], r[8], r[9], r[10], r[11])

    def snapshot_body(self, snapshot_id: int) -> tuple[dict[str, Any], bytes]:
        """Re-assemble a stored snapshot's signed body and its signature."""
        row = self.db.execute("SELECT agent, seq, prev, taken_at, key_id, host, sig FROM snapshots "
                              "WHERE id = ?", [snapshot_id]).fetchone()
        agent, seq, prev, taken_at, key_id, host, sig = row
        snap = Snapshot(agent=agent, key_id=key_id, seq=seq, prev=prev, taken_at=taken_at,
                        host=json.loads(host), targets=tuple(self.targets_of(snapshot_id)))
        return snap.body(), sig

    # --- audit --------------------------------------------------------------------------

    def audit(self, event: str, agent: str | None, subject: str, detail: str,
              at: str | None = None) -> None:
        """Append to the audit log, signed by the collector key and chained to the row before,
        in the caller's transaction if it holds one: the chain's head is read and extended
        under one write lock, or two writers would both link to the same row. A checkpoint of
        the new head follows the commit."""
        with self.transaction():
            last = self.db.execute("SELECT hash, sig FROM audit ORDER BY id DESC LIMIT 1").fetchone()
            prev = _link(last) if last else GENESIS
            at = at or utc_now()
            key = self.anchor.key(signed_before=bool(last and last[1] is not None))
            sig = key.sign(Anchor.row_message(prev, at, event, agent, subject, detail))
            self.db.execute("INSERT INTO audit (at, event, agent, subject, detail, sig) "
                            "VALUES (?, ?, ?, ?, ?, ?)", [at, event, agent, subject, detail, sig])
            self._audit_written = True

    def checkpoint(self) -> bool:
        """Anchor the audit log's newest row in the checkpoint log (if it is not there yet)."""
        head = self.db.execute("SELECT id, sig FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        if head is None or head[1] is None:
            return False
        return self.anchor.checkpoint(head[0], bytes(head[1]).hex())

    def verify_audit(self) -> list[tuple[int, str]]:
        """(row id, what is wrong) for each audit row whose signature or link does not hold."""
        public = self.anchor.public_key()
        problems: list[tuple[int, str]] = []
        prev = GENESIS
        for row in self.db.execute("SELECT id, at, event, agent, subject, detail, hash, sig "
                                   "FROM audit ORDER BY id"):
            rid, at, event, agent, subject, detail, digest, sig = row
            if sig is None:
                # rows from before the collector key: the old hash chain is all there is
                ok = digest == sha256_hex(canonical([prev, at, event, agent, subject, detail]))
                if not ok:
                    problems.append((rid, "hash chain broken"))
            elif public is None:
                problems.append((rid, "signed, but the collector key is missing"))
            else:
                try:
                    public.verify(bytes(sig), Anchor.row_message(prev, at, event, agent, subject,
                                                                 detail))
                except InvalidSignature:
                    problems.append((rid, "signature does not verify with the collector key "
                                          "(row forged, edited, or a row before it removed)"))
            prev = _link((digest, sig))
        return problems

    def audit_rows(self, limit: int = 100) -> list[dict[str, Any]]:
        return list(self.db["audit"].rows_where(order_by="id desc", limit=limit))


def _link(row: Any) -> str:
    """What the next audit row chains to: this row's signature, or its hash if unsigned."""
    digest, sig = row
    return bytes(sig).hex() if sig is not None else digest


def _encode(raw: bytes, encoding: str) -> str:
    return base64.b64encode(raw).decode("ascii") if encoding == "base64" else raw.decode("utf-8")


def _stored(row: Any) -> StoredSnapshot:
    sid, agent, seq, digest, prev, taken_at, received_at, host = row
    return StoredSnapshot(id=sid, agent=agent, seq=seq, hash=digest, prev=prev, taken_at=taken_at,
                          received_at=received_at, host=json.loads(host))
