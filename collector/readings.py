"""Readings kept in the store: what the effects engine found when it followed a job (its effects
with their resolved arguments, whether it talks to devices, the change ticket it names, and
every captured file it looked at), so that `lineguard jobs`, `check` and `report` follow again
only the jobs whose programs changed. `lineguard ingest` follows what arrived, so the views
after it start from stored readings.

A reading is kept under a digest of the job (its command, origin and the content hashes of its
files) and is reused only where

- the engine is the same: every source and data file of the effects engine, the formats layer
  and the parser versions go into `ENGINE`; an improved reader or parser re-reads all history;
- every file it looked at (a library it sourced, a device list it read) has the same content
  as when it was read (the engine's own `Looked` check);
- its MAC verifies: rows are MACed with a secret kept in the home (`readings.key`, 0600), so
  someone who can write the database but not read the home's keys cannot plant an empty
  reading for a destructive job. A row that fails is followed again and replaced, never
  believed.

Rules are not part of a reading: they judge its effects on every run."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sys
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from lineguard.collector.analyse.effects.model import Effect, Gate
from lineguard.collector.analyse.effects.resolve import Looked, Reading
from lineguard.collector.store import Store

KEY_NAME = "readings.key"
_PACKAGES = ("tree-sitter", "tree-sitter-bash", "tree-sitter-perl", "bashlex")
_FETCH = 500          # digests per query (SQLite's variable limit is far above)


@lru_cache(maxsize=1)
def engine() -> str:
    """A digest of everything a reading depends on besides the job's files: the effects
    engine, the MIBs and rule data beside it, the shared formats layer, the job model, the
    parser packages' versions and Python's (whose `ast` the Python reader uses)."""
    here = Path(__file__).resolve().parent
    roots = [here / "analyse", here / "rules", here.parent / "formats", here / "model.py"]
    h = hashlib.sha256(f"python {sys.version_info[:2]}".encode())
    for pkg in _PACKAGES:
        try:
            h.update(f"{pkg} {metadata.version(pkg)}\n".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{pkg} -\n".encode())
    for root in roots:
        files = [root] if root.is_file() else sorted(
            p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        for p in files:
            h.update(str(p.relative_to(here.parent)).encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()[:32]


def digest(key: tuple) -> str:
    """The store key of a job's reading (judge.cache_key: strings, numbers, None, tuples)."""
    return hashlib.sha256(repr(key).encode()).hexdigest()[:40]


def secret(home_root: Path) -> bytes | None:
    """The home's MAC secret, made on first use; None (readings not kept) where it cannot be
    read or made, or where others could read it."""
    path = home_root / KEY_NAME
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except OSError:
        return None
    else:
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(32))
    try:
        if path.stat().st_mode & 0o077:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    return data if len(data) == 32 else None


class StoredReadings:
    """The readings of one store for one run: fetched for a batch of jobs before they are
    judged, and the new ones written back in one transaction by `save`."""

    def __init__(self, store: Store, key: bytes) -> None:
        self.store = store
        self._key = key
        self._engine = engine()
        self._found: dict[str, Reading] = {}
        self._digests: dict[tuple, str] = {}      # a job's key -> its digest, made once
        self._new: dict[str, tuple[str, bytes]] = {}
        self.rejected = 0           # rows whose MAC did not verify (followed again)

    def fetch(self, keys: Iterable[tuple]) -> None:
        wanted = [d for d in dict.fromkeys(map(self._digest, keys)) if d not in self._found]
        for i in range(0, len(wanted), _FETCH):
            for d, body, mac in self.store.readings(self._engine, wanted[i:i + _FETCH]):
                if hmac.compare_digest(mac, self._mac(d, body)):
                    self._found[d] = decode(body)
                else:
                    self.rejected += 1

    def get(self, key: tuple) -> Reading | None:
        return self._found.get(self._digest(key))

    def put(self, key: tuple, reading: Reading) -> None:
        d = self._digest(key)
        body = encode(reading)
        self._found[d] = reading
        self._new[d] = (body, self._mac(d, body))

    def save(self) -> None:
        if self._new:
            self.store.put_readings(self._engine,
                                    [(d, body, mac) for d, (body, mac) in self._new.items()])
            self._new.clear()

    def _digest(self, key: tuple) -> str:
        d = self._digests.get(key)
        if d is None:
            d = self._digests[key] = digest(key)
        return d

    def _mac(self, d: str, body: str) -> bytes:
        return hmac.new(self._key, f"{self._engine}\0{d}\0{body}".encode(), "sha256").digest()


def open_readings(store: Store) -> StoredReadings | None:
    """The store's readings, or None where its home keeps no usable secret (then every run
    follows every job)."""
    key = secret(store.anchor.key_path.parent)
    return StoredReadings(store, key) if key is not None else None


# --- a reading as JSON ------------------------------------------------------------------------

_DEFAULTS = {f: Effect.__dataclass_fields__[f].default for f in Effect.__dataclass_fields__
             if f not in ("kind", "path", "line", "evidence")}


def encode(r: Reading) -> str:
    return json.dumps({"e": [_effect(e) for e in r.effects], "t": r.talks_to_devices,
                       "c": r.change_ref, "f": r.looked.files, "s": r.looked.searches,
                       "o": r.looked.followed}, separators=(",", ":"), ensure_ascii=False)


def _effect(e: Effect) -> list[Any]:
    extra = {f: getattr(e, f) for f, default in _DEFAULTS.items() if getattr(e, f) != default}
    if "gates" in extra:
        extra["gates"] = [[g.kind, g.detail, g.path, g.line, g.evidence,
                           [w.isoformat() if w else None for w in g.window]] for g in e.gates]
    return [e.kind, e.path, e.line, e.evidence, extra]


def decode(body: str) -> Reading:
    d = json.loads(body)
    looked = Looked(tuple((n, fp) for n, fp in d["f"]),
                    tuple((tuple(s), tuple(f)) for s, f in d["s"]),
                    tuple((n, w) for n, w in d["o"]))
    return Reading([_effect_of(x) for x in d["e"]], d["t"], d["c"], looked)


def _effect_of(x: list[Any]) -> Effect:
    kind, path, line, evidence, extra = x
    for f in ("lines", "via"):
        if f in extra:
            extra[f] = tuple(extra[f])
    if "gates" in extra:
        extra["gates"] = tuple(
            Gate(k, detail, p, ln, ev, tuple(datetime.fromisoformat(w) if w else None
                                            for w in window))  # type: ignore[arg-type]
            for k, detail, p, ln, ev, window in extra["gates"])
    return Effect(kind, path, line, evidence, **extra)
