"""Readings kept in the store (collector/readings.py): `ingest` follows what arrived, `jobs`
then judges from stored readings; a reading is believed only with its MAC, for the same engine,
and where every file it looked at is unchanged. A real home and SQLite store on disk, a real
signed snapshot of a host root."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from lineguard.agent.keys import generate, load_private
from lineguard.agent.snapshot import snapshot_to
from lineguard.collector import readings
from lineguard.collector.analyse.effects import judge as engine
from lineguard.collector.cli import main as lineguard
from lineguard.collector.home import Home
from lineguard.collector.model import CronTrigger, Job
from lineguard.collector.readings import StoredReadings, open_readings
from lineguard.formats.wire import Artifact
from tests.hostroot import synthetic_root, write

NOW = "2026-11-25T00:00:00Z"


@pytest.fixture(autouse=True)
def _fresh_process():
    engine.clear_cache()      # each test starts as a new process: only its store remembers


def _root(tmp: Path) -> Path:
    root = synthetic_root(tmp / "root", 3, 6)
    write(root, "opt/ems/bin/purge.sh", "#!/bin/sh\n. /opt/ems/lib/paths.sh\nrm -rf \"$LINEDATA\"\n",
          0o755)
    write(root, "opt/ems/lib/paths.sh", "LINEDATA=/srv/ems/linedata\n")
    write(root, "etc/cron.d/ems", "0 3 * * * root /opt/ems/bin/purge.sh\n")
    return root


def _home(tmp: Path) -> Home:
    key_path, pub = generate(tmp / "agent.key")
    home = Home(tmp / "home")
    home.init().close()
    snapshot_to(home.inbox / "s.lgsnap", tmp / "chain", agent="ems1", key=load_private(key_path),
                root=_root(tmp), hostname="ems1", live=False)
    _run(home, "agents", "add", "ems1", "--key", str(pub))
    _run(home, "ingest")
    return home


def _run(home: Home, *args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        lineguard(["--home", str(home.root), *args])
    return out.getvalue()


def _verdicts(home: Home) -> dict[str, str]:
    engine.clear_cache()      # as a fresh process: only the store remembers
    doc = json.loads(_run(home, "jobs", "--json", "--now", NOW))
    return {j["command"]: j["verdict"] for j in doc["jobs"]}


def _rows(home: Home) -> list[tuple[str, str, str, bytes]]:
    store = home.open()
    try:
        return store.db.execute("SELECT key, engine, body, mac FROM readings").fetchall()
    finally:
        store.close()


def _refuse_following(monkeypatch: pytest.MonkeyPatch) -> list[Job]:
    followed: list[Job] = []
    real = engine._follow
    monkeypatch.setattr(engine, "_follow", lambda job, files: followed.append(job) or real(job, files))
    return followed


def test_ingest_stores_readings_and_jobs_judges_from_them(tmp_path, monkeypatch):
    home = _home(tmp_path)
    rows = _rows(home)
    assert len(rows) == 4 and {r[1] for r in rows} == {readings.engine()}
    followed = _refuse_following(monkeypatch)
    verdicts = _verdicts(home)
    assert followed == [], "every job was judged from its stored reading"
    assert verdicts["/opt/ems/bin/purge.sh"] == "destructive"
    assert sorted(set(verdicts.values())) == ["benign", "destructive"]
    doc = json.loads(_run(home, "jobs", "--json", "--now", NOW))
    purge = next(j for j in doc["jobs"] if j["command"] == "/opt/ems/bin/purge.sh")
    assert any("/srv/ems/linedata" in r["title"] for r in purge["reasons"]), \
        "the stored reading keeps the resolved effect"


def test_a_reading_altered_in_the_database_is_not_believed(tmp_path, monkeypatch):
    home = _home(tmp_path)
    store = home.open()
    empty = json.dumps({"e": [], "t": False, "c": "", "f": [], "s": [], "o": []})
    # an empty reading for every job, with the old MAC, and one with a MAC made without the key
    store.db.execute("UPDATE readings SET body = ?", [empty])
    store.close()
    followed = _refuse_following(monkeypatch)
    assert _verdicts(home)["/opt/ems/bin/purge.sh"] == "destructive"
    assert len(followed) == 4, "each altered reading was followed again"
    followed.clear()
    assert _verdicts(home)["/opt/ems/bin/purge.sh"] == "destructive"
    assert followed == [], "and replaced by a reading whose MAC verifies"


def test_another_engine_reads_every_job_again_and_drops_the_old_readings(tmp_path, monkeypatch):
    home = _home(tmp_path)
    monkeypatch.setattr(readings, "engine", lambda: "an-improved-engine")
    followed = _refuse_following(monkeypatch)
    assert _verdicts(home)["/opt/ems/bin/purge.sh"] == "destructive"
    assert len(followed) == 4
    assert {r[1] for r in _rows(home)} == {"an-improved-engine"}


def test_a_reading_is_reused_only_while_every_file_it_looked_at_is_unchanged(tmp_path):
    """The job names only its script; the library the script sources is looked at on the way.
    A stored reading of the job is not reused once that library changes."""
    store = Home(tmp_path / "home").init()
    memo = open_readings(store)
    assert memo is not None
    job = Job(target="ems1", source="cron", origin_path="etc/cron.d/ems", origin_line=1,
              owner="root", schedule="0 3 * * *", command="/opt/ems/bin/run.sh",
              trigger=CronTrigger("0 3 * * *"), files=("opt/ems/bin/run.sh",))

    def files(lib: str) -> dict[str, Artifact]:
        return {n: Artifact.from_bytes(n, "script", t.encode()) for n, t in
                {"opt/ems/bin/run.sh": "#!/bin/sh\n. /opt/ems/lib/env.sh\nrm -rf \"$TARGET\"\n",
                 "opt/ems/lib/env.sh": lib}.items()}

    benign = files("TARGET=/var/tmp/ems-scratch/old.tmp\n")
    effects, _, _ = engine.effects_of(job, benign, memo)
    memo.save()
    assert [e.target for e in effects if e.kind == "data-destruction"] == \
        ["/var/tmp/ems-scratch/old.tmp"]
    engine.clear_cache()
    again = StoredReadings(store, readings.secret(tmp_path / "home"))   # a later process
    again.fetch([engine.cache_key(job, benign)])
    assert again.get(engine.cache_key(job, benign)) is not None
    wiping = files("TARGET=/srv/ems/linedata\n")
    effects, _, _ = engine.effects_of(job, wiping, again)
    assert [e.target for e in effects if e.kind == "data-destruction"] == ["/srv/ems/linedata"]
    store.close()


def test_a_readings_secret_others_can_read_keeps_nothing(tmp_path, monkeypatch):
    home = _home(tmp_path)
    (home.root / readings.KEY_NAME).chmod(0o640)
    followed = _refuse_following(monkeypatch)
    assert _verdicts(home)["/opt/ems/bin/purge.sh"] == "destructive"
    assert len(followed) == 4, "no reading is believed without a private secret"


def test_a_reading_survives_its_json_form():
    reading = engine._follow(
        Job(target="ems1", source="cron", origin_path="etc/cron.d/ems", origin_line=1,
            owner="root", schedule="0 3 * * *",
            command="[ $(date +%Y%m%d) -ge 20270210 ] && snmpset -v2c -c private atm-kobe-03 "
                    "1.3.6.1.2.1.37.1.7.1.13.1.0.32 i 6",
            trigger=CronTrigger("0 3 * * *")), {})
    assert reading.effects and reading.effects[0].gates, "a gated SNMP SET, as the case needs"
    back = readings.decode(readings.encode(reading))
    assert back.effects == reading.effects
    assert (back.talks_to_devices, back.change_ref, back.looked) == \
        (reading.talks_to_devices, reading.change_ref, reading.looked)
