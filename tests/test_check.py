"""`lineguard check`, `watch` and `report` over real snapshots: the planted job with its
countdown, silent agents, chain attacks, and the alert mail on a real SMTP server."""

from __future__ import annotations

import base64
import json
import os
import socket
from datetime import UTC, datetime
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from agent.cli import main as agent
from agent.wire import canonical
from collector.cli import main as lineguard
from collector.home import Home
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

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd hook)
        self.mails.append(envelope.content)
        return "250 OK"


def test_watch_ingests_the_inbox_checks_and_mails_once(ingested: Home, tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sink = Sink()
    smtp = Controller(sink, hostname="127.0.0.1", port=port, ready_timeout=5)
    smtp.start()
    try:
        (ingested.root / "config.toml").write_text(
            f'smtp_port = {port}\nmail_to = ["noc@example.net"]\nsilence_hours = 1000000\n')
        root = tmp_path / "root"
        assert agent(["snapshot", "--root", str(root), "--hostname", "ems-01", "--agent", "ems-01",
                      "--key", str(tmp_path / "agent.key"),
                      "--out", str(ingested.inbox / "s2.lgsnap")]) == 0
        assert lineguard(["--home", str(ingested.root), "watch", "--iterations", "2",
                          "--interval", "0"]) == 1
    finally:
        smtp.stop()
    assert not list(ingested.inbox.iterdir())
    assert ingested.open().agent("ems-01").last_seq == 2
    assert len(sink.mails) == 1  # the second round finds the same finding already sent
    msg = message_from_bytes(sink.mails[0])
    assert msg["To"] == "noc@example.net" and "CRITICAL" in msg["Subject"]
    body = msg.get_payload(decode=True).decode() if not msg.is_multipart() else \
        msg.get_payload(0).get_payload(decode=True).decode()
    assert "1.3.6.1.2.1.37.1.11.1.13.100.1.0.32.3.0.32 i 6" in body


def test_report_lists_agents_targets_findings_and_jobs(ingested: Home, tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    assert lineguard(["--home", str(ingested.root), "report", "--now", NOW, "--out", str(out)]) == 0
    text = out.read_text()
    assert text.startswith(f"# lineguard report, as of {NOW}")
    assert "| ems-01 | host | ok |" in text
    assert "**CRITICAL** destructive at job on ems-01 fires in 76d 18h" in text
    assert f"var/spool/cron/atjobs/{AT_FILE}:10" in text


def test_device_jobs_survive_a_failed_poll_marked_with_its_age(home: Home, enrolled, tmp_path: Path,
                                                              capsys) -> None:
    from agent.wire import Artifact, Target
    from sim.state import build_device, render_ios
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
