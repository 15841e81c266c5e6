"""`lineguard audit --verify` against an insider who can write the collector's database but does
not hold the collector key: each tampering is done with plain SQLite, as they would do it, and
must be named by the verification."""

from __future__ import annotations

import base64
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from lineguard.agent.keys import generate, load_private, public_text
from lineguard.collector.cli import main as lineguard
from lineguard.collector.home import Home
from lineguard.formats.wire import canonical, key_fingerprint, sha256_hex
from tests.snapfactory import AgentChain


def run(home: Home, *args: str) -> int:
    return lineguard(["--home", str(home.root), *args])


@pytest.fixture
def stored(home: Home, enrolled: AgentChain, tmp_path: Path) -> Home:
    for _ in range(3):
        assert run(home, "ingest", str(enrolled.write(tmp_path / "out"))) == 0
    assert run(home, "audit", "--verify") == 0
    return home


@contextmanager
def insider(home: Home) -> Iterator[sqlite3.Connection]:
    """The database opened by someone who owns it: triggers are no obstacle."""
    db = sqlite3.connect(home.db_path)
    db.execute("DROP TRIGGER IF EXISTS audit_no_update")
    db.execute("DROP TRIGGER IF EXISTS audit_no_delete")
    try:
        yield db
        db.commit()
    finally:
        db.close()


def problems(home: Home, capsys) -> str:
    capsys.readouterr()
    assert run(home, "audit", "--verify") == 1
    return capsys.readouterr().err


def _delete_snapshots(db: sqlite3.Connection, where: str) -> None:
    ids = [r[0] for r in db.execute(f"SELECT id FROM snapshots WHERE {where}")]
    for sid in ids:
        db.execute("DELETE FROM targets WHERE snapshot = ?", [sid])
        db.execute("DELETE FROM snapshots WHERE id = ?", [sid])


def test_deleting_the_newest_snapshot_is_detected(stored: Home, enrolled: AgentChain,
                                                  capsys) -> None:
    with insider(stored) as db:
        _delete_snapshots(db, "seq = 3")
        # and the agent's head moved back, so the chain looks whole
        last = db.execute("SELECT hash, received_at FROM snapshots WHERE seq = 2").fetchone()
        db.execute("UPDATE agents SET last_seq = 2, last_hash = ?, last_seen = ?", last)
    err = problems(stored, capsys)
    assert "accepted snapshot(s) #3 missing from the store" in err
    assert "differ from the newest accept record" in err


def test_deleting_the_first_snapshot_is_detected(stored: Home, capsys) -> None:
    with insider(stored) as db:
        _delete_snapshots(db, "seq = 1")
    assert "mgmt-01: accepted snapshot(s) #1 missing from the store" in problems(stored, capsys)


def test_deleting_every_snapshot_of_an_agent_is_detected(stored: Home, capsys) -> None:
    with insider(stored) as db:
        _delete_snapshots(db, "agent = 'mgmt-01'")
        db.execute("UPDATE agents SET last_seq = NULL, last_hash = NULL, last_seen = NULL")
    assert "#1–#3 missing from the store (every snapshot of the agent)" in problems(stored, capsys)


def test_truncating_the_audit_logs_tail_is_detected(stored: Home, capsys) -> None:
    with insider(stored) as db:
        db.execute("DELETE FROM audit WHERE id > (SELECT MAX(id) - 2 FROM audit)")
    err = problems(stored, capsys)
    assert "which the audit log no longer holds" in err


def test_emptying_the_audit_log_is_detected(stored: Home, capsys) -> None:
    with insider(stored) as db:
        db.execute("DELETE FROM audit")
    err = problems(stored, capsys)
    assert "no longer holds" in err and "no signed enrolment record" in err


def test_rebuilding_the_chain_after_deleting_rows_is_detected(stored: Home, tmp_path: Path,
                                                              capsys) -> None:
    """The insider removes a row and re-signs every later one, with a key of their own."""
    from lineguard.collector.anchor import GENESIS, Anchor
    forger = load_private(generate(tmp_path / "forger.key")[0])
    with insider(stored) as db:
        db.execute("DELETE FROM audit WHERE id = 2")
        prev = GENESIS
        for rid, at, event, agent, subject, detail in db.execute(
                "SELECT id, at, event, agent, subject, detail FROM audit ORDER BY id").fetchall():
            sig = forger.sign(Anchor.row_message(prev, at, event, agent, subject, detail))
            db.execute("UPDATE audit SET sig = ? WHERE id = ?", [sig, rid])
            prev = sig.hex()
    err = problems(stored, capsys)
    assert "signature does not verify with the collector key" in err


def test_appending_a_forged_row_is_detected(stored: Home, capsys) -> None:
    with insider(stored) as db:
        db.execute("INSERT INTO audit (at, event, agent, subject, detail, sig) VALUES "
                   "('2026-11-25T01:00:00.000Z', 'enrol', 'rogue-01', 'SHA256:x', 'site=-', ?)",
                   [os.urandom(64)])
    err = problems(stored, capsys)
    assert "signature does not verify" in err and "gone from the agents table" in err


def test_changing_received_at_is_detected(stored: Home, capsys) -> None:
    with insider(stored) as db:
        db.execute("UPDATE snapshots SET received_at = '2026-11-20T00:00:00.000Z' WHERE seq = 2")
    assert "mgmt-01 #2: received_at 2026-11-20T00:00:00.000Z differs" in problems(stored, capsys)


def test_changing_last_seq_is_detected(stored: Home, capsys) -> None:
    with insider(stored) as db:
        db.execute("UPDATE agents SET last_seq = 1")
    assert "agent mgmt-01: last seq/hash/seen (#1," in problems(stored, capsys)


def test_a_last_seen_in_the_future_is_detected(stored: Home, capsys) -> None:
    with insider(stored) as db:
        db.execute("UPDATE agents SET last_seen = '2099-01-01T00:00:00.000Z'")
    err = problems(stored, capsys)
    assert "last seen 2099-01-01T00:00:00.000Z is in the future" in err


def test_an_alert_marked_sent_in_the_future_is_detected_and_still_goes_out(
        stored: Home, capsys) -> None:
    from lineguard.collector.alerts import why_due
    from lineguard.collector.home import Settings
    from lineguard.collector.jobs import parse_now
    from lineguard.collector.model import Finding, Severity
    with insider(stored) as db:
        db.execute("INSERT INTO alerts (route, key, severity, first_seen, last_sent, sent_count, subject) "
                   "VALUES ('kobe', 'silence:mgmt-01', 'high', '2026-11-25T00:00:00Z', "
                   "'2099-01-01T00:00:00Z', 1, 'x')")
    assert "alert silence:mgmt-01: marked sent at 2099-01-01T00:00:00Z, in the future" \
        in problems(stored, capsys)
    row = next(stored.open().db["alerts"].rows_where("key = ?", ["silence:mgmt-01"]))
    finding = Finding(key="silence:mgmt-01", kind="silence", severity=Severity.HIGH, target="mgmt-01",
                      title="silent")
    assert why_due(finding, row, Settings(), parse_now("2026-12-01T00:00:00Z")) is not None


def test_an_alert_marked_sent_that_never_went_out_is_detected(stored: Home, capsys) -> None:
    with insider(stored) as db:
        db.execute("INSERT INTO alerts (route, key, severity, first_seen, last_sent, sent_count, subject) "
                   "VALUES ('kobe', 'job:x', 'critical', '2026-11-25T00:00:00Z', "
                   "'2026-11-25T00:00:00Z', 1, 'x')")
    assert "but no alert was recorded then" in problems(stored, capsys)


def test_swapping_an_agents_key_and_resigning_its_history_is_detected(
        stored: Home, tmp_path: Path, capsys) -> None:
    from lineguard.collector.store import Store
    rogue = load_private(generate(tmp_path / "rogue.key")[0])
    fingerprint = key_fingerprint(rogue.public_key())
    store = Store(stored.db_path)
    bodies = [(sid, store.snapshot_body(sid)[0]) for (sid,) in
              store.db.execute("SELECT id FROM snapshots ORDER BY seq").fetchall()]
    store.close()
    with insider(stored) as db:
        prev = None
        for sid, body in bodies:
            body = {**body, "key_id": fingerprint, "prev": prev}
            data = canonical(body)
            prev = sha256_hex(data)
            db.execute("UPDATE snapshots SET key_id = ?, prev = ?, hash = ?, sig = ? WHERE id = ?",
                       [fingerprint, body["prev"], prev, rogue.sign(data), sid])
        db.execute("UPDATE agents SET public_key = ?, key_id = ?, last_hash = ?",
                   [public_text(rogue.public_key()), fingerprint, prev])
    err = problems(stored, capsys)
    assert f"agent mgmt-01: key {fingerprint} is not the enrolled key" in err
    assert "is not the snapshot that was accepted" in err


def test_a_snapshot_inserted_behind_the_collectors_back_is_detected(
        stored: Home, enrolled: AgentChain, capsys) -> None:
    from lineguard.collector.store import Store
    from lineguard.formats.wire import load
    signed = load(enrolled.snapshot()[1])
    store = Store(stored.db_path)
    store.db.execute("BEGIN")
    store.insert_snapshot(signed.snapshot, signed.digest, signed.signature)
    store.db.execute("COMMIT")
    store.close()
    with insider(stored) as db:   # and its accept record removed
        db.execute("DELETE FROM audit WHERE id = (SELECT MAX(id) FROM audit)")
    err = problems(stored, capsys)
    assert "mgmt-01 #4: stored without an accept record" in err


def test_removing_a_checkpoint_line_is_detected(stored: Home, capsys) -> None:
    log = stored.root / "checkpoints.log"
    lines = log.read_text().splitlines(keepends=True)
    log.write_text("".join(lines[:1] + lines[2:]))
    assert "does not follow the line before" in problems(stored, capsys)


def test_enrolment_is_a_signed_audit_record_naming_the_key(stored: Home,
                                                           enrolled: AgentChain) -> None:
    rows = [r for r in stored.open().audit_rows(50) if r["event"] == "enrol"]
    assert len(rows) == 1 and rows[0]["subject"] == key_fingerprint(enrolled.key.public_key())
    assert public_text(enrolled.key.public_key()) in rows[0]["detail"]
    assert len(rows[0]["sig"]) == 128     # hex


def test_the_collector_key_is_created_0600_and_refused_when_others_can_read_it(
        stored: Home, capsys) -> None:
    key = stored.root / "collector.key"
    assert key.stat().st_mode & 0o777 == 0o600
    assert base64.b64decode((stored.root / "collector.key.pub").read_text().split()[1])
    os.chmod(key, 0o640)
    capsys.readouterr()
    assert run(stored, "audit", "--verify") == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "too open" in err


def test_an_untampered_store_verifies_after_alerts_and_rejects(stored: Home, tmp_path: Path,
                                                               capsys) -> None:
    bad = tmp_path / "bad.lgsnap"
    bad.write_bytes(b"not a snapshot")
    assert run(stored, "ingest", str(bad)) == 2
    capsys.readouterr()
    assert run(stored, "check", "--no-email") in (0, 1)     # judged as of this very second
    assert "integrity" not in capsys.readouterr().out
    assert run(stored, "audit", "--verify") == 0, capsys.readouterr().err


def test_every_alert_mail_carries_the_signed_checkpoint(stored: Home) -> None:
    from lineguard.collector.alerts import send_due
    from lineguard.collector.home import Settings
    from lineguard.collector.jobs import parse_now
    from lineguard.collector.model import Finding, Severity
    from tests.smtpsink import free_port, start_smtp
    port = free_port()
    controller, inbox = start_smtp(port)
    try:
        store = stored.open()
        finding = Finding(key="silence:mgmt-01", kind="silence", severity=Severity.HIGH,
                          target="mgmt-01", title="agent mgmt-01 silent")
        assert send_due(store, Settings(smtp_port=port), [finding],
                        parse_now("2026-12-01T00:00:00Z")) == [finding.key]
    finally:
        controller.stop()
    [(_, _, msg)] = inbox.messages
    last = (stored.root / "checkpoints.log").read_text().splitlines()[-2]   # before the alert's own
    assert msg["X-Lineguard-Checkpoint"] == last


def test_a_removed_checkpoint_log_is_detected(stored: Home, capsys) -> None:
    (stored.root / "checkpoints.log").unlink()
    assert "checkpoints.log is missing" in problems(stored, capsys)


def test_a_removed_collector_key_is_never_silently_replaced(stored: Home, enrolled: AgentChain,
                                                            tmp_path: Path, capsys) -> None:
    (stored.root / "collector.key").unlink()
    capsys.readouterr()
    assert run(stored, "ingest", str(enrolled.write(tmp_path / "out"))) == 2
    err = capsys.readouterr().err
    assert "collector.key is missing" in err and "restore the key" in err
    assert not (stored.root / "collector.key").exists()


def test_check_reports_a_last_seen_moved_into_the_future(stored: Home, capsys) -> None:
    """Hiding an agent's silence by editing the database is itself a high finding of `check`."""
    with insider(stored) as db:
        db.execute("UPDATE agents SET last_seen = '2099-01-01T00:00:00.000Z'")
    capsys.readouterr()
    assert run(stored, "check", "--no-email", "--now", "2026-12-24T00:00:00Z") == 1
    out = capsys.readouterr().out
    assert "HIGH     integrity" in out and "last seen 2099-01-01T00:00:00.000Z" in out


def test_moving_an_agent_to_another_site_is_detected(stored: Home, capsys) -> None:
    with insider(stored) as db:
        db.execute("UPDATE agents SET site = 'osaka'")
    assert "site 'osaka' is not the enrolled site 'kobe'" in problems(stored, capsys)


def test_a_real_key_rotation_and_removal_verify_clean(stored: Home, tmp_path: Path,
                                                      capsys) -> None:
    from lineguard.agent.keys import load_public
    new = load_public(generate(tmp_path / "new.key")[1])
    store = stored.open()
    store.rotate_key("mgmt-01", public_text(new), key_fingerprint(new))
    store.remove_agent("mgmt-01", "server decommissioned")
    store.close()
    capsys.readouterr()
    assert run(stored, "audit", "--verify") == 0, capsys.readouterr().err


def test_marking_an_agent_removed_behind_the_collectors_back_is_detected(stored: Home,
                                                                         capsys) -> None:
    """A removed agent is left out of the silence check: removing one by hand silences it."""
    with insider(stored) as db:
        db.execute("UPDATE agents SET removed_at = '2026-11-25T01:00:00.000Z'")
    assert "marked removed without a signed record of it" in problems(stored, capsys)


def test_adding_a_key_to_an_agents_key_history_is_detected(stored: Home, tmp_path: Path,
                                                           capsys) -> None:
    rogue = load_private(generate(tmp_path / "rogue.key")[0]).public_key()
    with insider(stored) as db:
        db.execute("INSERT INTO agent_keys (agent, key_id, public_key, added_at) VALUES "
                   "('mgmt-01', ?, ?, '2026-11-25T01:00:00.000Z')",
                   [key_fingerprint(rogue), public_text(rogue)])
    assert "is not a key the signed records enrolled" in problems(stored, capsys)


def test_moving_a_target_to_another_agent_by_hand_is_detected(stored: Home, tmp_path: Path,
                                                              capsys) -> None:
    """Targets belong to agents; editing that table would let a rogue agent speak for a device."""
    rogue = AgentChain.create(tmp_path / "rogue", "rogue-01")
    assert run(stored, "agents", "add", "rogue-01", "--key", str(rogue.pub_path)) == 0
    assert run(stored, "audit", "--verify") == 0
    with insider(stored) as db:
        db.execute("UPDATE target_owners SET agent = 'rogue-01' WHERE target = 'atm-mgmt-01-01'")
    assert ("target atm-mgmt-01-01: belongs to mgmt-01 by the signed records, the table says "
            "rogue-01") in problems(stored, capsys)


def test_a_real_reassignment_verifies_clean(stored: Home, tmp_path: Path, capsys) -> None:
    other = AgentChain.create(tmp_path / "other", "mgmt-02")
    assert run(stored, "agents", "add", "mgmt-02", "--key", str(other.pub_path)) == 0
    store = stored.open()
    store.assign_target("atm-mgmt-01-01", "mgmt-02")
    store.close()
    capsys.readouterr()
    assert run(stored, "audit", "--verify") == 0, capsys.readouterr().err


def test_a_deleted_collector_key_is_not_made_anew_by_a_restore_plan(home, chain, capsys) -> None:
    from lineguard.collector.cli import main as lineguard
    assert lineguard(["--home", str(home.root), "agents", "add", chain.name,
                      "--key", str(chain.pub_path)]) == 0      # a signed audit row, checkpointed
    key = home.root / "collector.key"
    assert key.exists()
    key.unlink()
    capsys.readouterr()
    assert lineguard(["--home", str(home.root), "restore", "plan", "--all"]) == 2
    assert "collector.key is missing" in capsys.readouterr().err
    assert not key.exists(), "a fresh key would sign over what the old one signed"
