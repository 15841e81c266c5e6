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
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from cryptography.exceptions import InvalidSignature
from sqlite_utils.db import Table

from lineguard.collector.anchor import GENESIS, Anchor
from lineguard.formats.wire import Artifact, Snapshot, Target, canonical, sha256_hex

SCHEMA_VERSION = 4
# Hashes per `IN (...)` query when blobs are read together (SQLite's bound-parameter limit was
# 999 before 3.32).
_BLOBS_PER_QUERY = 900


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class OwnershipError(ValueError):
    """A target would belong to two agents, or to an agent that is not enrolled."""


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
    removed_at: str | None = None


@dataclass(frozen=True)
class AgentKey:
    """A public key an agent signs (or signed) with; retired keys still verify old snapshots."""

    agent: str
    key_id: str
    public_key: str
    added_at: str
    retired_at: str | None


@dataclass(frozen=True)
class TargetRow:
    """A target as the store last saw it: its newest poll and its newest complete one."""

    name: str
    kind: str
    agent: str
    status: str
    error: str | None
    taken_at: str
    last_ok: str | None
    facts: dict[str, Any]


@dataclass(frozen=True)
class UnreportedTarget:
    """A target its owner's newest snapshot leaves out, and where it was last reported."""

    name: str
    kind: str
    owner: str
    owner_seq: int                    # the owner's newest snapshot, which does not carry it
    owner_taken_at: str
    last_agent: str                   # the last snapshot that did carry it
    last_seq: int
    last_taken_at: str


@dataclass(frozen=True)
class FindingRow:
    """A finding as `check` recorded it: when it was first and last seen open."""

    key: str
    kind: str
    severity: str
    site: str | None
    target: str
    title: str
    first_seen: str
    last_seen: str


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
        if "agents" not in self.db.table_names():
            self._create()
        if "sig" not in self.db["audit"].columns_dict:   # a store from before the collector key
            with self.transaction():
                if "sig" not in self.db["audit"].columns_dict:   # another process was quicker
                    self.db.execute("ALTER TABLE audit ADD COLUMN sig BLOB")
        if self.db.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
            return
        for version, step in enumerate((self._migrate_1, self._migrate_2, self._migrate_3,
                                             self._migrate_4), 1):
            with self.transaction():
                # read again under the write lock: another process may have just migrated
                if self.db.execute("PRAGMA user_version").fetchone()[0] < version:
                    step()
                    self.db.execute(f"PRAGMA user_version = {version}")

    def _migrate_1(self) -> None:
        """Removed agents and their key history, alert state per route (a site's mail, the
        security list), and the findings seen open (so resolved ones can be listed)."""
        db = self.db
        db.execute("ALTER TABLE agents ADD COLUMN removed_at TEXT")
        db.execute("CREATE TABLE agent_keys (agent TEXT NOT NULL REFERENCES agents(name), "
                   "key_id TEXT NOT NULL, public_key TEXT NOT NULL, added_at TEXT NOT NULL, "
                   "retired_at TEXT, PRIMARY KEY (agent, key_id))")
        db.execute("INSERT INTO agent_keys (agent, key_id, public_key, added_at) "
                   "SELECT name, key_id, public_key, enrolled_at FROM agents")
        db.execute("CREATE TABLE alerts_by_route (route TEXT NOT NULL, key TEXT NOT NULL, "
                   "severity TEXT, first_seen TEXT, last_sent TEXT, sent_count INTEGER, "
                   "subject TEXT, PRIMARY KEY (route, key))")
        db.execute("INSERT INTO alerts_by_route SELECT 'legacy', key, severity, first_seen, "
                   "last_sent, sent_count, subject FROM alerts")
        db.execute("DROP TABLE alerts")
        db.execute("ALTER TABLE alerts_by_route RENAME TO alerts")
        db.execute("CREATE TABLE findings (key TEXT PRIMARY KEY, kind TEXT, severity TEXT, "
                   "site TEXT, target TEXT, title TEXT, first_seen TEXT, last_seen TEXT)")

    def _migrate_2(self) -> None:
        """Which agent may report which target (a database from before pins each target to
        the agent that reported it last), and each alert email, on record as `sending` before
        the SMTP server has it and `sent` after, so a collector that died in between knows and
        repeats it under the same Message-ID."""
        db = self.db
        db.execute("CREATE TABLE target_owners (target TEXT PRIMARY KEY, "
                   "agent TEXT NOT NULL REFERENCES agents(name), since TEXT, how TEXT)")
        db.execute("INSERT OR IGNORE INTO target_owners (target, agent, since, how) "
                   "SELECT t.name, s.agent, s.received_at, 'reported before ownership was kept' "
                   "FROM targets t JOIN snapshots s ON s.id = t.snapshot "
                   "ORDER BY s.received_at DESC, s.id DESC")
        db.execute("CREATE TABLE alert_mail (message_id TEXT PRIMARY KEY, state TEXT NOT NULL, "
                   "started_at TEXT, finished_at TEXT, keys TEXT)")

    def _migrate_3(self) -> None:
        """The `baselines` table goes: baselines are signed files in the home's baselines
        folder, and the table was never written."""
        self.db.execute("DROP TABLE IF EXISTS baselines")

    def _migrate_4(self) -> None:
        """What the effects engine found in each job, kept per engine (collector/readings.py)."""
        self.db.execute("CREATE TABLE IF NOT EXISTS readings (key TEXT PRIMARY KEY, "
                        "engine TEXT NOT NULL, body TEXT NOT NULL, mac BLOB NOT NULL)")

    def _create(self) -> None:
        db = self.db
        with db.conn:
            Table(db, "agents").create({"name": str, "public_key": str, "key_id": str, "site": str,
                                 "enrolled_at": str, "last_seq": int, "last_hash": str,
                                 "last_seen": str}, pk="name")
            Table(db, "blobs").create({"sha256": str, "size": int, "data": bytes}, pk="sha256")
            Table(db, "snapshots").create({"id": int, "agent": str, "seq": int, "hash": str, "prev": str,
                                    "taken_at": str, "received_at": str, "key_id": str,
                                    "host": str, "sig": bytes},
                                   pk="id", foreign_keys=[("agent", "agents", "name")])
            Table(db, "snapshots").create_index(["hash"], unique=True)
            Table(db, "snapshots").create_index(["agent", "seq"])
            Table(db, "targets").create({"snapshot": int, "idx": int, "kind": str, "name": str,
                                  "status": str, "error": str, "manifest": str},
                                 foreign_keys=[("snapshot", "snapshots", "id"),
                                               ("manifest", "blobs", "sha256")])
            Table(db, "targets").create_index(["snapshot"])
            Table(db, "targets").create_index(["name", "snapshot"])
            Table(db, "audit").create({"id": int, "at": str, "event": str, "agent": str, "subject": str,
                                "detail": str, "hash": str, "sig": bytes}, pk="id")
            Table(db, "alerts").create({"key": str, "severity": str, "first_seen": str, "last_sent": str,
                                 "sent_count": int, "subject": str}, pk="key")
            # The audit log is append-only: the database itself refuses edits and deletions.
            db.execute("CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
                       "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END")
            db.execute("CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
                       "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END")

    # --- readings (derived: collector/readings.py) ----------------------------------------

    def readings(self, engine: str, keys: list[str]) -> list[tuple[str, str, bytes]]:
        marks = ",".join("?" * len(keys))
        return self.db.execute(f"SELECT key, body, mac FROM readings WHERE engine = ? "
                               f"AND key IN ({marks})", [engine, *keys]).fetchall()

    def put_readings(self, engine: str, rows: list[tuple[str, str, bytes]]) -> None:
        """Store readings of `engine`; those of any other engine go (they are never read)."""
        with self.transaction():
            self.db.execute("DELETE FROM readings WHERE engine != ?", [engine])
            self.db.conn.executemany("INSERT OR REPLACE INTO readings (key, engine, body, mac) "
                                     "VALUES (?, ?, ?, ?)", [(k, engine, b, m) for k, b, m in rows])

    # --- agents -------------------------------------------------------------------------

    def add_agent(self, name: str, public_key: str, key_id: str, site: str | None,
                  targets: tuple[str, ...] = ()) -> None:
        """Enrol an agent, with the targets it alone may report. Raises OwnershipError when one
        of them already belongs to another agent."""
        with self.transaction():   # raw SQL: sqlite-utils' writes commit on their own
            taken = {t: o for t, o in self.owners(targets).items() if o != name}
            if taken:
                t, owner = sorted(taken.items())[0]
                raise OwnershipError(f"target {t!r} belongs to agent {owner}; move it with: "
                                     f"lineguard agents assign {t} --to {name}")
            now = utc_now()
            self.db.execute("INSERT INTO agents (name, public_key, key_id, site, enrolled_at) "
                            "VALUES (?, ?, ?, ?, ?)", [name, public_key, key_id, site, now])
            self.db.execute("INSERT INTO agent_keys (agent, key_id, public_key, added_at) "
                            "VALUES (?, ?, ?, ?)", [name, key_id, public_key, now])
            self.audit("enrol", name, key_id, f"site={site or '-'}"
                       + (f" targets={','.join(targets)}" if targets else "")
                       + f" key={public_key}")
            self.pin_targets(name, targets, "at enrolment", audit=False)

    def agent(self, name: str, include_removed: bool = False) -> AgentRecord | None:
        """The enrolled agent `name`; a removed one only when asked (its snapshots stay)."""
        rows = list(self.db["agents"].rows_where("name = ?", [name]))
        if not rows or (rows[0]["removed_at"] and not include_removed):
            return None
        return AgentRecord(**rows[0])

    def agents(self, include_removed: bool = False) -> list[AgentRecord]:
        where = None if include_removed else "removed_at IS NULL"
        return [AgentRecord(**r) for r in self.db["agents"].rows_where(where, order_by="name")]

    def remove_agent(self, name: str, reason: str) -> None:
        """Stop accepting `name`'s snapshots and leave it out of the views; what it sent stays
        stored and verifiable."""
        with self.transaction():
            self.db.execute("UPDATE agents SET removed_at = ? WHERE name = ?", [utc_now(), name])
            self.audit("agent-remove", name, name, reason)

    def rotate_key(self, name: str, public_key: str, key_id: str) -> str:
        """Make `public_key` the key `name` signs with; the old one is kept, retired, to verify
        the snapshots it signed. Returns the old key id."""
        with self.transaction():
            old = self.db.execute("SELECT key_id FROM agents WHERE name = ?", [name]).fetchone()[0]
            now = utc_now()
            self.db.execute("UPDATE agent_keys SET retired_at = ? WHERE agent = ? AND key_id = ?",
                            [now, name, old])
            self.db.execute("INSERT OR REPLACE INTO agent_keys (agent, key_id, public_key, "
                            "added_at) VALUES (?, ?, ?, ?)", [name, key_id, public_key, now])
            self.db.execute("UPDATE agents SET public_key = ?, key_id = ? WHERE name = ?",
                            [public_key, key_id, name])
            self.audit("agent-rotate-key", name, key_id, f"replaces {old} key={public_key}")
        return old

    def agent_keys(self, name: str | None = None) -> list[AgentKey]:
        """Every key an agent (or every agent) has signed with, oldest first."""
        rows = self.db.execute("SELECT agent, key_id, public_key, added_at, retired_at "
                               "FROM agent_keys WHERE ? IS NULL OR agent = ? "
                               "ORDER BY agent, added_at", [name, name]).fetchall()
        return [AgentKey(*r) for r in rows]

    # --- target ownership ---------------------------------------------------------------

    def owners(self, targets: Iterable[str]) -> dict[str, str]:
        """The owning agent of each of `targets` that has one."""
        names = list(targets)
        out: dict[str, str] = {}
        for i in range(0, len(names), 500):
            chunk = names[i:i + 500]
            marks = ",".join("?" * len(chunk))
            out.update(self.db.execute(f"SELECT target, agent FROM target_owners "
                                       f"WHERE target IN ({marks})", chunk).fetchall())
        return out

    def owner_rows(self) -> list[tuple[str, str, str | None]]:
        """(target, agent, how it was given) for every owned target, by target."""
        return self.db.execute("SELECT target, agent, how FROM target_owners "
                               "ORDER BY target").fetchall()

    def targets_owned(self, agent: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT target FROM target_owners WHERE agent = ? "
                                              "ORDER BY target", [agent])]

    def pin_targets(self, agent: str, targets: Iterable[str], how: str,
                    audit: bool = True) -> None:
        """Give unowned `targets` to `agent` (first report, or enrolment); the caller has
        checked that none belongs to another agent."""
        names = list(dict.fromkeys(targets))
        if not names:
            return
        with self.transaction():
            at = utc_now()
            self.db.conn.executemany("INSERT OR IGNORE INTO target_owners (target, agent, since, "
                                     "how) VALUES (?, ?, ?, ?)", [(t, agent, at, how) for t in names])
            if audit:
                self.audit("pin", agent, ",".join(names)[:2000], how)

    def assign_target(self, target: str, agent: str) -> str | None:
        """Move `target` to `agent`, on the audit record; returns the previous owner."""
        with self.transaction():
            if self.agent(agent) is None:
                raise OwnershipError(f"no agent named {agent!r} is enrolled (lineguard agents)")
            before = self.owners([target]).get(target)
            self.db.execute("INSERT INTO target_owners (target, agent, since, how) "
                            "VALUES (?, ?, ?, 'assigned') ON CONFLICT(target) DO UPDATE SET "
                            "agent = excluded.agent, since = excluded.since, how = excluded.how",
                            [target, agent, utc_now()])
            self.audit("assign", agent, target, f"from {before or 'no agent'} to {agent}")
        return before

    # --- blobs --------------------------------------------------------------------------

    def put_blob(self, data: bytes, sha: str | None = None) -> str:
        sha = sha or sha256_hex(data)
        self.db.execute("INSERT OR IGNORE INTO blobs (sha256, size, data) VALUES (?, ?, ?)",
                        [sha, len(data), zlib.compress(data, 6)])
        return sha

    def has_blob(self, sha: str) -> bool:
        return self.db.execute("SELECT 1 FROM blobs WHERE sha256 = ?", [sha]).fetchone() is not None

    def blob(self, sha: str) -> bytes:
        """The bytes stored under `sha`, checked to hash to it. Raises KeyError when they are
        missing or altered."""
        row = self.db.execute("SELECT data FROM blobs WHERE sha256 = ?", [sha]).fetchone()
        if row is None:
            raise KeyError(f"blob {sha} missing from the store")
        return _checked(sha, row[0])

    def blobs(self, shas: Iterable[str]) -> dict[str, bytes]:
        """Several blobs by hash, read in a few queries rather than one each."""
        wanted = list(dict.fromkeys(shas))
        out: dict[str, bytes] = {}
        for i in range(0, len(wanted), _BLOBS_PER_QUERY):
            part = wanted[i:i + _BLOBS_PER_QUERY]
            out.update((sha, _checked(sha, data)) for sha, data in self.db.execute(
                f"SELECT sha256, data FROM blobs WHERE sha256 IN ({','.join('?' * len(part))})",
                part))
        missing = next((sha for sha in wanted if sha not in out), None)
        if missing is not None:
            raise KeyError(f"blob {missing} missing from the store")
        return out

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
            if raw is not None and a.sha256 is not None:   # the wire checked they agree
                if not self.has_blob(a.sha256):
                    self.put_blob(raw, a.sha256)
                d["content"] = None
                d["blob"] = a.sha256
            arts.append(d)
        return self.put_blob(canonical({"facts": target.facts, "artifacts": arts}))

    def load_target(self, manifest_sha: str, kind: str, name: str, status: str,
                    error: str | None) -> Target:
        doc = json.loads(self.blob(manifest_sha))
        bodies = self.blobs(d["blob"] for d in doc["artifacts"] if d.get("blob") is not None)
        arts = []
        for d in doc["artifacts"]:
            blob = d.pop("blob", None)
            if blob is not None:
                # re-encode the way the agent chose, so the body canonicalises identically
                d["content"] = _encode(bodies[blob], d.get("encoding", "utf-8"))
            arts.append(Artifact.from_wire(d))
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
            "ON s.agent = m.agent AND s.seq = m.seq JOIN agents a ON a.name = s.agent "
            "WHERE a.removed_at IS NULL ORDER BY s.agent").fetchall()
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

    def snapshot_index(self) -> list[tuple[int, str, int, str, str, str]]:
        """(id, agent, seq, hash, received at, key id) of every stored snapshot, by agent and
        seq."""
        return self.db.execute("SELECT id, agent, seq, hash, received_at, key_id FROM snapshots "
                               "ORDER BY agent, seq").fetchall()

    def judged_snapshot_index(self) -> list[tuple[int, str, int, str, str, str]]:
        """snapshot_index rows of the snapshots the checks read: each active agent's newest,
        each target's newest (as target_history orders them) and its first complete poll."""
        ids = [r[0] for r in self.db.execute(
            "SELECT MAX(s.id) FROM snapshots s JOIN agents a ON a.name = s.agent "
            "WHERE a.removed_at IS NULL GROUP BY s.agent")]
        for ordering, where in (("DESC", ""), ("", "AND t.status = 'ok' ")):
            ids += [r[0] for r in self.db.execute(
                f"SELECT (SELECT s.id FROM targets t JOIN snapshots s ON s.id = t.snapshot "
                f"WHERE t.name = n.name {where}ORDER BY s.taken_at {ordering}, s.id {ordering} "
                f"LIMIT 1) FROM (SELECT DISTINCT name FROM targets) n") if r[0] is not None]
        chosen = sorted(set(ids))
        out = []
        for i in range(0, len(chosen), _BLOBS_PER_QUERY):
            part = chosen[i:i + _BLOBS_PER_QUERY]
            out += self.db.execute(
                f"SELECT id, agent, seq, hash, received_at, key_id FROM snapshots WHERE id IN "
                f"({','.join('?' * len(part))}) ORDER BY agent, seq", part).fetchall()
        return out

    def first_ok(self, name: str, until: str | None = None,
                 accept: Callable[[Target], bool] | None = None,
                 ) -> tuple[StoredSnapshot, Target] | None:
        """The oldest complete poll of target `name` (taken at or before `until`): the fixed
        reference of a target nobody has approved a baseline for yet. With `accept`, the oldest
        one it accepts (the collector's own judgement of the capture)."""
        rows = self.db.execute(
            "SELECT s.id, s.agent, s.seq, s.hash, s.prev, s.taken_at, s.received_at, s.host, "
            "t.kind, t.name, t.status, t.error, t.manifest FROM targets t JOIN snapshots s "
            "ON s.id = t.snapshot WHERE t.name = ? AND t.status = 'ok' AND (? IS NULL OR "
            "s.taken_at <= ?) ORDER BY s.taken_at, s.id", [name, until, until])
        for row in rows:
            target = self.load_target(row[12], row[8], row[9], row[10], row[11])
            if accept is None or accept(target):
                return _stored(row[:8]), target
        return None

    def target_names(self) -> list[str]:
        """Every target an active agent has reported."""
        return [r[0] for r in self.db.execute(
            "SELECT DISTINCT t.name FROM targets t JOIN snapshots s ON s.id = t.snapshot "
            "JOIN agents a ON a.name = s.agent WHERE a.removed_at IS NULL ORDER BY t.name")]

    def target_rows(self, with_last_ok: bool = False) -> list[TargetRow]:
        """Each target of an active agent as its newest poll left it (and, if asked, when it
        was last complete)."""
        rows = self.db.execute(
            "SELECT t.name, t.kind, s.agent, t.status, t.error, s.taken_at, t.manifest "
            "FROM (SELECT name, MAX(snapshot) AS snap FROM targets GROUP BY name) n "
            "JOIN targets t ON t.name = n.name AND t.snapshot = n.snap "
            "JOIN snapshots s ON s.id = t.snapshot JOIN agents a ON a.name = s.agent "
            "WHERE a.removed_at IS NULL ORDER BY t.name").fetchall()
        return [TargetRow(name=n, kind=k, agent=a, status=st, error=e, taken_at=at,
                          last_ok=self._last_ok(n) if with_last_ok else None,
                          facts=json.loads(self.blob(m)).get("facts", {}))
                for n, k, a, st, e, at, m in rows]

    def unreported_targets(self, until: str | None = None) -> list[UnreportedTarget]:
        """Targets an active agent owns and that were reported before (by it or by their
        previous owner), but that the owner's newest snapshot (taken at or before `until`) does
        not carry: dropped from its inventory, renamed, or never polled again."""
        rows = self.db.execute(
            "WITH newest AS (SELECT s.agent, MAX(s.seq) AS seq FROM snapshots s "
            "  JOIN agents a ON a.name = s.agent WHERE a.removed_at IS NULL "
            "  AND (? IS NULL OR s.taken_at <= ?) GROUP BY s.agent), "
            "head AS (SELECT s.id, s.agent, s.seq, s.taken_at FROM snapshots s "
            "  JOIN newest n ON n.agent = s.agent AND n.seq = s.seq) "
            "SELECT o.target, o.agent, h.seq, h.taken_at FROM target_owners o "
            "JOIN head h ON h.agent = o.agent WHERE NOT EXISTS (SELECT 1 FROM targets t "
            "  WHERE t.snapshot = h.id AND t.name = o.target) ORDER BY o.target",
            [until, until]).fetchall()
        out = []
        for target, agent, seq, taken_at in rows:
            last = self.db.execute(
                "SELECT t.kind, s.agent, s.seq, s.taken_at FROM targets t JOIN snapshots s "
                "ON s.id = t.snapshot WHERE t.name = ? AND (? IS NULL OR s.taken_at <= ?) "
                "ORDER BY s.taken_at DESC, s.id DESC LIMIT 1", [target, until, until]).fetchone()
            if last is not None:
                out.append(UnreportedTarget(target, last[0], agent, seq, taken_at, last[1],
                                            last[2], last[3]))
        return out

    def _last_ok(self, name: str) -> str | None:
        row = self.db.execute("SELECT MAX(s.taken_at) FROM targets t JOIN snapshots s "
                              "ON s.id = t.snapshot WHERE t.name = ? AND t.status = 'ok'",
                              [name]).fetchone()
        return row[0] if row else None

    # --- alert and finding state --------------------------------------------------------

    def alert_state(self, route: str, key: str) -> dict[str, Any] | None:
        rows = list(self.db["alerts"].rows_where("route = ? AND key = ?", [route, key]))
        return rows[0] if rows else None

    def record_alerts(self, route: str, sent: list[tuple[str, str]], subject: str,
                      at: str) -> None:
        """Mark (key, severity) pairs as sent on `route` at `at`; the caller's transaction."""
        for key, severity in sent:
            self.db.execute(
                "INSERT INTO alerts (route, key, severity, first_seen, last_sent, sent_count, "
                "subject) VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT(route, key) DO UPDATE SET "
                "severity = excluded.severity, last_sent = excluded.last_sent, "
                "sent_count = COALESCE(alerts.sent_count, 0) + 1, subject = excluded.subject",
                [route, key, severity, at, at, subject])

    def alerts_sent(self) -> list[tuple[str, str | None]]:
        """(finding key, when last sent) of every alert state row, by key."""
        return self.db.execute("SELECT key, last_sent FROM alerts ORDER BY key").fetchall()

    def begin_alert_mail(self, message_id: str, at: str, keys: str) -> tuple[list[tuple[str, str]],
                                                                          bool]:
        """Put an alert email on record as `sending`, in the caller's transaction. Returns the
        other emails still `sending` (message id, started at), now marked `uncertain` (the
        collector did not live to record them), and whether this one was `sending` already."""
        stale = self.db.execute("SELECT message_id, started_at FROM alert_mail "
                                "WHERE state = 'sending' AND message_id != ?",
                                [message_id]).fetchall()
        for other, _ in stale:
            self.db.execute("UPDATE alert_mail SET state = 'uncertain' WHERE message_id = ?",
                            [other])
        again = self.db.execute("SELECT 1 FROM alert_mail WHERE message_id = ? AND "
                                "state = 'sending'", [message_id]).fetchone() is not None
        self.db.execute("INSERT INTO alert_mail (message_id, state, started_at, keys) "
                        "VALUES (?, 'sending', ?, ?) ON CONFLICT(message_id) DO UPDATE SET "
                        "state = 'sending', started_at = excluded.started_at",
                        [message_id, at, keys])
        return [(m, started) for m, started in stale], again

    def end_alert_mail(self, message_id: str, state: str, at: str | None = None) -> None:
        """The outcome of an alert email on record: `sent` (at `at`) or `failed`."""
        with self.transaction():
            if at is None:
                self.db.execute("UPDATE alert_mail SET state = ? WHERE message_id = ?",
                                [state, message_id])
            else:
                self.db.execute("UPDATE alert_mail SET state = ?, finished_at = ? "
                                "WHERE message_id = ?", [state, at, message_id])

    def forget_alerts(self, keys: list[str]) -> None:
        """Drop the alert state of `keys` on every route (waived findings: when a waiver ends,
        the finding is mailed again as new, not held back until a reminder is due)."""
        with self.transaction():
            for key in keys:
                self.db.execute("DELETE FROM alerts WHERE key = ?", [key])

    def record_findings(self, rows: list[tuple[str, str, str, str | None, str, str]],
                        at: str) -> None:
        """(key, kind, severity, site, target, title) seen open at `at`."""
        with self.transaction():
            for key, kind, severity, site, target, title in rows:
                self.db.execute(
                    "INSERT INTO findings (key, kind, severity, site, target, title, first_seen, "
                    "last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
                    "severity = excluded.severity, title = excluded.title, "
                    "last_seen = excluded.last_seen",
                    [key, kind, severity, site, target, title, at, at])

    def finding_rows(self) -> list[FindingRow]:
        rows = self.db.execute("SELECT key, kind, severity, site, target, title, first_seen, "
                               "last_seen FROM findings ORDER BY last_seen DESC, key").fetchall()
        return [FindingRow(*r) for r in rows]

    def audit_since(self, since: str, events: tuple[str, ...]) -> list[dict[str, Any]]:
        marks = ", ".join("?" * len(events))
        return list(self.db["audit"].rows_where(f"event IN ({marks}) AND at >= ?",
                                                [*events, since], order_by="id"))

    def audit_events(self, *events: str) -> list[dict[str, Any]]:
        """Every audit row of these events, oldest first."""
        return self.audit_since("", events)

    def audit_heads(self) -> dict[int, bytes | None]:
        """Each audit row's id and the collector's signature of it (None before the key)."""
        return {rid: None if sig is None else bytes(sig)
                for rid, sig in self.db.execute("SELECT id, sig FROM audit").fetchall()}

    def audit_signature(self, audit_id: int) -> bytes | None:
        """The collector's signature of audit row `audit_id`; None when it has none or is
        gone."""
        row = self.db.execute("SELECT sig FROM audit WHERE id = ?", [audit_id]).fetchone()
        return None if row is None or row[0] is None else bytes(row[0])

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
        """The newest rows, the collector's signature in hex."""
        return [{**r, "sig": bytes(r["sig"]).hex() if r.get("sig") is not None else None}
                for r in self.db["audit"].rows_where(order_by="id desc", limit=limit)]


def _checked(sha: str, stored: bytes) -> bytes:
    """A blob's bytes, which must hash to the name they are stored under: content-addressed
    evidence edited in the database (a baseline's configuration a restore plan renders, a
    manifest a comparison reads) is an error, never evidence."""
    data = zlib.decompress(stored)
    if sha256_hex(data) != sha:
        raise KeyError(f"blob {sha[:12]}… no longer hashes to its name: altered in the database")
    return data


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
