"""The store's schema across versions: a database from an older collector is brought up to date
in place when it is opened."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lineguard.collector.store import SCHEMA_VERSION, Store


def test_the_unused_baselines_table_is_dropped_from_an_older_store(tmp_path: Path) -> None:
    path = tmp_path / "lineguard.db"
    Store(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert "baselines" not in {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
    # as a version-2 collector left it: the table its first schema created, never written
    db.execute("CREATE TABLE baselines (id INTEGER PRIMARY KEY, target TEXT, state TEXT)")
    db.execute("PRAGMA user_version = 2")
    db.commit()
    db.close()
    Store(path).close()
    db = sqlite3.connect(path)
    assert "baselines" not in {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()
