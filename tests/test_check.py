"""`lineguard check`, `watch` and `report` over real snapshots: the planted job with its
countdown, silent agents, chain attacks, and the alert mail on a real SMTP server."""

from __future__ import annotations

import base64
import json
import os
import socket
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from lineguard.agent.cli import main as agent
from lineguard.collector.cli import main as lineguard
from lineguard.collector.home import Home
from lineguard.formats.wire import canonical
from tests.smtpsink import text_of
from tests.test_agent_delivery import tiny_root

NOW = "2026-11-25T09:00:00Z"
AT_FILE = "a0000301ca5494"          # queue a, job 3, due 2027-02-10 03:00 UTC (reference §2)


def planted_root(root: Path) -> Path:
    tiny_root(root)
    (root / "etc/passwd").write_text("root:x:0:0:root:/root:/bin/bash\n"
                                     "opsuser:x:1001:1001::/home/opsuser:/bin/bash\n")
    hidden = root / "home/opsuser/.local/.ne"
    hidden.mkdir(parents=True)
    (hidden / "sync.sh").write_text(
        "#!/bin/sh\nfor ne in 10.40.0.10 10.40.0.11; do\n"
        "  snmpset -v2c -c private $ne 1.3.6.1.2.1.37.1.11.1.13.100.1.0.32.3.0.32 i 6\n"
        "done\n")
    os.chmod(hidden / "sync.sh", 0o700)
    spool = root / "var/spool/cron/atjobs"
    spool.mkdir(parents=True)
    (spool / AT_FILE).write_text(
        "#!/bin/sh\n# atrun uid=1001 gid=1001\n# mail opsuser 0\numask 22\n"
        "PATH=/usr/bin:/bin; export PATH\ncd /home/opsuser || {\n"
        "\t echo 'Execution directory inaccessible' >&2\n\t exit 1\n}\n"
        "/home/opsuser/.local/.ne/sync.sh\n")
    os.chmod(spool / AT_FILE, 0o700)
    return root


@pytest.fixture
def ingested(tmp_path: Path, home: Home) -> Home:
    return ingest_planted(tmp_path, home)


def ingest_planted(tmp_path: Path, home: Home) -> Home:
    """The planted at job's host, enrolled as ems-01, snapshotted and ingested into `home`."""
    root = planted_root(tmp_path / "root")
    key = tmp_path / "agent.key"
    agent(["keygen", "--out", str(key)])
    assert lineguard(["--home", str(home.root), "agents", "add", "ems-01", "--key", f"{key}.pub"]) == 0
    assert agent(["snapshot", "--root", str(root), "--hostname", "ems-01", "--agent", "ems-01",
                  "--key", str(key), "--out", str(home.inbox / "s1.lgsnap")]) == 0
    assert lineguard(["--home", str(home.root), "ingest"]) == 0
    return home


def check_json(home: Home, now: str, capsys) -> tuple[int, dict]:
    capsys.readouterr()
    rc = lineguard(["--home", str(home.root), "check", "--now", now, "--json", "--no-email"])
    return rc, json.loads(capsys.readouterr().out)


def test_planted_job_is_a_critical_finding_with_its_fire_time(ingested: Home, capsys) -> None:
    import sqlite3
    db = sqlite3.connect(ingested.db_path)  # the agent reported just now, not on NOW
    db.execute("UPDATE agents SET last_seen = ?", [NOW])
    db.commit()
    rc, doc = check_json(ingested, NOW, capsys)
    assert rc == 1
    (job,) = [f for f in doc["findings"] if f["kind"] == "job"]
    assert job["severity"] == "critical" and job["fire_at"] == "2027-02-10T03:00:00Z"
    assert "fires in 76d 18h" in job["title"]
    assert any(e["path"] == "home/opsuser/.local/.ne/sync.sh" and e["line"] == 3
               for e in job["evidence"])


def test_agent_silent_past_the_limit_is_reported(ingested: Home, capsys) -> None:
    rc, doc = check_json(ingested, "2027-01-01T00:00:00Z", capsys)
    silence = [f for f in doc["findings"] if f["kind"] == "silence"]
    assert len(silence) == 1 and silence[0]["severity"] == "high"
    assert "agent ems-01 silent for" in silence[0]["title"]


def test_rejected_snapshot_is_a_security_finding(ingested: Home, tmp_path: Path, capsys) -> None:
    store = ingested.open()
    body, sig = store.snapshot_body(store.latest_snapshots()[0].id)
    body["taken_at"] = "2026-11-25T09:00:00Z"   # altered after signing
    forged = tmp_path / "forged.lgsnap"
    forged.write_bytes(canonical({"body": body, "sig": base64.b64encode(sig).decode()}))
    assert lineguard(["--home", str(ingested.root), "ingest", str(forged)]) == 2
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    _, doc = check_json(ingested, now, capsys)
    chain = [f for f in doc["findings"] if f["kind"] == "chain"]
    assert len(chain) == 1 and "bad signature" in chain[0]["title"], doc["findings"]


class Sink:
    def __init__(self) -> None:
        self.mails: list[bytes] = []
        self.port = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook)
        self.mails.append(envelope.content)
        return "250 OK"


@pytest.fixture
def sink():
    """A real SMTP server on a free loopback port, keeping every mail it accepts."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    kept = Sink()
    kept.port = port
    smtp = Controller(kept, hostname="127.0.0.1", port=port, ready_timeout=60)
    smtp.start()
    yield kept
    smtp.stop()


def test_watch_ingests_the_inbox_checks_and_mails_once(ingested: Home, tmp_path: Path,
                                                       sink: Sink) -> None:
    (ingested.root / "config.toml").write_text(
        f'smtp_port = {sink.port}\nmail_to = ["noc@example.net"]\nsilence_hours = 1000000\n')
    root = tmp_path / "root"
    assert agent(["snapshot", "--root", str(root), "--hostname", "ems-01", "--agent", "ems-01",
                  "--key", str(tmp_path / "agent.key"),
                  "--out", str(ingested.inbox / "s2.lgsnap")]) == 0
    assert lineguard(["--home", str(ingested.root), "watch", "--iterations", "2",
                      "--interval", "0"]) == 1
    assert not list(ingested.inbox.iterdir())
    assert ingested.open().agent("ems-01").last_seq == 2
    assert len(sink.mails) == 1  # the second round finds the same finding already sent
    msg = message_from_bytes(sink.mails[0], policy=policy.default)
    assert msg["To"] == "noc@example.net" and "CRITICAL" in msg["Subject"]
    body = text_of(msg)
    assert "1.3.6.1.2.1.37.1.11.1.13.100.1.0.32.3.0.32 i 6" in body


def test_report_lists_agents_targets_findings_and_jobs(ingested: Home, tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    assert lineguard(["--home", str(ingested.root), "report", "--now", NOW, "--out", str(out)]) == 0
    text = out.read_text()
    assert text.startswith(f"# lineguard report, as of {NOW}")
    assert "| ems-01 | host | ok |" in text
    assert "### CRITICAL: destructive at job on ems-01 fires in 76d 18h\n" in text
    assert f"var/spool/cron/atjobs/{AT_FILE}:10" in text
    assert f"How to stop it (on ems-01):\n\n```sh\natrm 3   (spool file /var/spool/cron/atjobs/" \
           f"{AT_FILE})\n```" in text


def test_device_jobs_survive_a_failed_poll_marked_with_its_age(home: Home, enrolled, tmp_path: Path,
                                                              capsys) -> None:
    from lineguard.formats.wire import Artifact, Target
    from lineguard.sim.state import build_device, render_ios
    config = render_ios(build_device("atm-kobe-01", "cisco_ios", "kobe", 1, seed=3))
    ok = Target(kind="device", name="atm-kobe-01", status="ok",
                artifacts=(Artifact.from_bytes("running-config", "running-config", config.encode()),),
                facts={"platform": "cisco_ios", "site": "kobe", "method": "cli"})
    down = Target(kind="device", name="atm-kobe-01", status="unreachable",
                  error="connect timed out after 20 s",
                  facts={"platform": "cisco_ios", "site": "kobe", "method": "cli"})

    def device_jobs() -> list[dict]:
        capsys.readouterr()
        lineguard(["--home", str(home.root), "jobs", "--json", "--target", "atm-kobe-01",
                   "--now", NOW])
        return json.loads(capsys.readouterr().out)["jobs"]

    assert lineguard(["--home", str(home.root), "ingest",
                      str(enrolled.write(tmp_path / "s", targets=(ok,)))]) == 0
    before = device_jobs()
    assert {j["source"] for j in before} >= {"eem", "kron"}
    assert lineguard(["--home", str(home.root), "ingest",
                      str(enrolled.write(tmp_path / "s", targets=(down,)))]) == 0
    after = device_jobs()
    assert [(j["source"], j["schedule"]) for j in after] == [(j["source"], j["schedule"]) for j in before]
    assert all("newest poll" in j["problem"] and "unreachable" in j["problem"] for j in after)


def test_a_fork_ingested_concurrently_is_rejected_not_stored_beside_its_sibling(
        home: Home, enrolled, tmp_path: Path, monkeypatch) -> None:
    import lineguard.collector.ingest as ingest
    from lineguard.collector.store import Store
    assert lineguard(["--home", str(home.root), "ingest", str(enrolled.write(tmp_path / "s"))]) == 0
    sibling = enrolled.write(tmp_path / "a", advance=False)
    enrolled.taken = enrolled.taken.replace(minute=59)
    branch = enrolled.write(tmp_path / "b", advance=False)
    real = ingest.parse_public

    def another_ingest_meanwhile(key: bytes):
        # `lineguard watch` accepts the sibling while this run is between its checks.
        monkeypatch.setattr(ingest, "parse_public", real)
        other = Store(home.db_path)
        try:
            [accepted] = ingest.ingest_paths(home, other, [sibling])
        finally:
            other.close()
        assert accepted.outcome == "accepted"
        return real(key)

    monkeypatch.setattr(ingest, "parse_public", another_ingest_meanwhile)
    [result] = ingest.ingest_paths(home, home.open(), [branch])
    assert result.outcome == "rejected" and result.reason.startswith("fork")
    rows = home.open().db.execute("SELECT COUNT(*) FROM snapshots WHERE seq = 2").fetchone()
    assert rows[0] == 1


def test_same_named_rejects_from_two_folders_are_both_kept(home: Home, tmp_path: Path,
                                                           monkeypatch) -> None:
    import lineguard.collector.ingest as ingest
    frozen = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return frozen

    monkeypatch.setattr(ingest, "datetime", Clock)
    paths = []
    for folder, data in (("a", b"first"), ("b", b"second")):
        (tmp_path / folder).mkdir()
        paths.append(tmp_path / folder / "snap.lgsnap")
        paths[-1].write_bytes(data)
    results = ingest.ingest_paths(home, home.open(), paths)
    assert [r.outcome for r in results] == ["rejected", "rejected"]
    kept = sorted(p.read_bytes() for p in home.quarantine.iterdir()
                  if p.name.endswith("snap.lgsnap"))
    assert kept == [b"first", b"second"]
    assert len(list(home.quarantine.glob("*.reason"))) == 2


def test_one_mail_to_address_is_one_recipient(home: Home) -> None:
    (home.root / "config.toml").write_text('mail_to = "noc@example.net"\n')
    assert home.settings().mail_to == ("noc@example.net",)


@pytest.mark.parametrize("setting", ['alert_threshold = "hgih"', 'max_snapshot_bytes = "64M"',
                                     "smtp_port = -1", 'silence_hours = "2"', "mail_to = [1]",
                                     "max_clock_skew_seconds = 99999999999999"])
def test_a_mistyped_setting_is_a_one_line_input_error(home: Home, setting: str, capsys) -> None:
    (home.root / "config.toml").write_text(setting + "\n")
    capsys.readouterr()
    assert lineguard(["--home", str(home.root), "check", "--no-email"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and setting.split()[0] in err[0] and "config.toml" in err[0]


def test_an_unwritable_report_or_a_damaged_database_is_a_one_line_input_error(
        home: Home, tmp_path: Path, capsys) -> None:
    capsys.readouterr()
    assert lineguard(["--home", str(home.root), "report", "--out",
                      str(tmp_path / "missing" / "report.md")]) == 2
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "lineguard.db").write_bytes(b"not a database at all" * 10)
    assert lineguard(["--home", str(damaged), "check", "--no-email"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2
    assert err[0].startswith("lineguard report: ") and err[1].startswith("lineguard check: ")


def test_a_what_if_check_sends_no_alert_and_holds_none_back(ingested: Home, capsys,
                                                             sink: Sink) -> None:
    (ingested.root / "config.toml").write_text(f"smtp_port = {sink.port}\n")
    capsys.readouterr()
    # a day before the planted job fires: a real run would send its final warning
    assert lineguard(["--home", str(ingested.root), "check", "--now",
                      "2027-02-09T09:00:00Z"]) == 1
    assert "no alert email is sent" in capsys.readouterr().err
    assert sink.mails == []
    assert lineguard(["--home", str(ingested.root), "check"]) == 1
    assert len(sink.mails) == 1
    assert "CRITICAL" in text_of(message_from_bytes(sink.mails[0], policy=policy.default))
    assert "FINAL WARNING" not in text_of(message_from_bytes(sink.mails[0], policy=policy.default))


def test_two_writers_extend_the_audit_chain_one_after_the_other(home: Home, monkeypatch) -> None:
    import threading
    import time

    import lineguard.collector.store as store_module
    from lineguard.collector.store import Store
    real, fired = store_module.utc_now, []
    writer = Store(home.db_path)

    def other_process() -> None:
        other = Store(home.db_path)
        try:
            other.audit("reject", None, "b", "other process")
        finally:
            other.close()

    late = threading.Thread(target=other_process)

    def clock() -> str:
        if not fired:   # between reading the chain's head and appending: another process writes
            fired.append(True)
            late.start()
            time.sleep(0.3)
        return real()

    monkeypatch.setattr(store_module, "utc_now", clock)
    try:
        writer.audit("reject", None, "a", "this process")
        late.join(10)
        assert writer.verify_audit() == []
        assert [r["subject"] for r in writer.audit_rows()] == ["b", "a"]
    finally:
        writer.close()


def test_a_deleted_blob_is_reported_by_audit_verify_not_an_input_error(
        home: Home, enrolled, tmp_path: Path, capsys) -> None:
    import sqlite3
    import zlib
    for _ in range(2):
        lineguard(["--home", str(home.root), "ingest", str(enrolled.write(tmp_path / "s"))])
    db = sqlite3.connect(home.db_path)
    sha = next(sha for sha, data in db.execute("SELECT sha256, data FROM blobs")
               if b"pvc" in zlib.decompress(data))
    db.execute("PRAGMA foreign_keys=OFF")
    db.execute("DELETE FROM blobs WHERE sha256 = ?", [sha])
    db.commit()
    db.close()
    capsys.readouterr()
    assert lineguard(["--home", str(home.root), "audit", "--verify"]) == 1
    err = capsys.readouterr().err
    assert f"{enrolled.name} #1: cannot be re-assembled" in err and sha in err


def test_report_tables_keep_one_row_per_target_and_job(ingested: Home, enrolled, tmp_path: Path,
                                                       capsys) -> None:
    from lineguard.formats.wire import Target
    down = Target(kind="device", name="atm-kobe-01", status="unreachable",
                  error="ssh: connect failed | retried\nsecond attempt timed out",
                  facts={"platform": "cisco_ios", "site": "kobe", "method": "cli"})
    assert lineguard(["--home", str(ingested.root), "ingest",
                      str(enrolled.write(tmp_path / "s", targets=(down,)))]) == 0
    out = tmp_path / "report.md"
    assert lineguard(["--home", str(ingested.root), "report", "--now", NOW, "--out", str(out)]) == 0
    rows = [ln for ln in out.read_text().splitlines() if ln.startswith("|")]
    assert "| atm-kobe-01 | device | unreachable | 0 | ssh: connect failed \\| retried second " \
           "attempt timed out |" in rows
    assert all(ln.endswith("|") for ln in rows)
    job = next(ln for ln in rows if AT_FILE in ln)
    assert "sync.sh" in job


def test_an_unknown_min_severity_says_which_are_known(home: Home, capsys) -> None:
    capsys.readouterr()
    assert lineguard(["--home", str(home.root), "jobs", "--min-severity", "severe"]) == 2
    [err] = capsys.readouterr().err.strip().splitlines()
    assert "--min-severity must be one of info, low, medium, high, critical" in err


def test_jobs_a_partial_poll_did_not_read_are_still_shown_from_the_last_complete_one(
        home: Home, enrolled, tmp_path: Path, capsys) -> None:
    from lineguard.formats.wire import Artifact, Target
    from tests.test_parse_ios import JOBS
    facts = {"platform": "cisco_ios", "site": "kobe", "method": "cli", "timezone": "JST 9 0",
             "polled_at": "2026-11-25T00:15:00Z"}

    def poll(status: str, config: str) -> None:
        target = Target(kind="device", name="atm-kobe-01", status=status, facts=facts,
                        error=None if status == "ok" else "read cut short",
                        artifacts=(Artifact.from_bytes("running-config", "running-config",
                                                       config.encode()),))
        assert lineguard(["--home", str(home.root), "ingest",
                          str(enrolled.write(tmp_path / "s", targets=(target,)))]) == 0

    poll("ok", JOBS)
    poll("partial", JOBS[: JOBS.index("event manager applet NIGHTLY")])
    capsys.readouterr()
    lineguard(["--home", str(home.root), "jobs", "--json", "--target", "atm-kobe-01",
               "--now", NOW])
    found = json.loads(capsys.readouterr().out)["jobs"]
    nightly = next(j for j in found if j["source"] == "eem" and "no interface" in j["command"])
    assert nightly["verdict"] == "destructive"
    assert "newest poll" in nightly["problem"] and "partial" in nightly["problem"]
    kron = [j for j in found if j["source"] == "kron"]
    assert len(kron) == 4 and not any("newest poll" in (j["problem"] or "") for j in kron)


def test_an_unreadable_file_is_rejected_and_the_rest_of_the_batch_ingested(
        home: Home, enrolled, tmp_path: Path, capsys) -> None:
    loop = tmp_path / "loop.lgsnap"
    loop.symlink_to(loop)                       # ELOOP: neither missing nor a permission error
    good = enrolled.write(tmp_path / "s")
    capsys.readouterr()
    assert lineguard(["--home", str(home.root), "ingest", str(loop), str(good)]) == 2
    out = capsys.readouterr()
    assert f"{loop}: rejected: cannot read" in out.err
    assert f"{good}: accepted" in out.out


@pytest.mark.parametrize("argv", [["check", "--bogus"], ["baseline"], ["frob"]])
def test_a_usage_error_is_one_line_and_exit_2(home: Home, argv: list[str], capsys) -> None:
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_:
        lineguard(["--home", str(home.root), *argv])
    assert exit_.value.code == 2
    [err] = capsys.readouterr().err.strip().splitlines()
    assert err.startswith("lineguard") and "--help" in err
