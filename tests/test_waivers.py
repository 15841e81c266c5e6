"""Waivers: a sanctioned finding is waived only once two approvers signed, shown with who, why
and until when, and open again when the waiver expires or the evidence changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lineguard.agent.cli import main as agent
from lineguard.agent.keys import generate, load_public
from lineguard.collector import approvals
from lineguard.collector.cli import main as lineguard
from lineguard.collector.home import Home
from tests.test_check import AT_FILE, NOW, planted_root

JOB = f"ems-01:var/spool/cron/atjobs/{AT_FILE}:10"


@pytest.fixture
def ingested(tmp_path: Path, home: Home) -> Home:
    """The planted at job on ems-01, snapshotted by the agent and ingested."""
    root = planted_root(tmp_path / "root")
    key = tmp_path / "agent.key"
    agent(["keygen", "--out", str(key)])
    assert lineguard(["--home", str(home.root), "agents", "add", "ems-01", "--key",
                      f"{key}.pub"]) == 0
    assert agent(["snapshot", "--root", str(root), "--hostname", "ems-01", "--agent", "ems-01",
                  "--key", str(key), "--out", str(home.inbox / "s1.lgsnap")]) == 0
    assert lineguard(["--home", str(home.root), "ingest"]) == 0
    return home


@pytest.fixture
def keys(ingested: Home, tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name in ("tanaka", "sato"):
        key, pub = generate(tmp_path / f"{name}.key")
        approvals.add_approver(ingested.baselines, name, load_public(pub))
        out[name] = key
    return out


def findings(home: Home, capsys, now: str = NOW) -> tuple[int, list[dict]]:
    capsys.readouterr()
    rc = lineguard(["--home", str(home.root), "check", "--json", "--no-email", "--now", now])
    return rc, json.loads(capsys.readouterr().out)["findings"]


def the_job(found: list[dict]) -> dict:
    [job] = [f for f in found if f["kind"] == "job"]
    return job


def waive(home: Home, ref: str, key: Path, by: str, *extra: str) -> int:
    return lineguard(["--home", str(home.root), "waive", ref, "--key", str(key), "--by", by,
                      "--now", NOW, *extra])


def test_a_waiver_needs_two_approvers_then_shows_who_why_and_until(ingested: Home,
                                                                   keys, capsys) -> None:
    assert waive(ingested, JOB, keys["tanaka"], "tanaka", "--until", "2027-01-31",
                 "--reason", "vendor migration script, change CHG-4711") == 0
    out = capsys.readouterr().out
    assert "PENDING: signed by tanaka (1 of 2 required)" in out
    waiver_id = out.split(":")[0]
    rc, found = findings(ingested, capsys)
    assert rc == 1 and the_job(found)["status"] == "open"
    assert the_job(found)["waiver"]["in_force"] is False

    assert waive(ingested, waiver_id, keys["tanaka"], "tanaka") == 2     # not twice
    assert "tanaka has already signed" in capsys.readouterr().err
    assert waive(ingested, waiver_id, keys["sato"], "sato") == 0
    assert "waived by tanaka, sato until 2027-01-31T23:59:59Z" in capsys.readouterr().out

    rc, found = findings(ingested, capsys)
    job = the_job(found)
    assert rc == 0 and job["status"] == "waived"
    assert job["waiver"]["signed_by"] == ["tanaka", "sato"]
    assert job["waiver"]["reason"] == "vendor migration script, change CHG-4711"
    capsys.readouterr()
    assert lineguard(["--home", str(ingested.root), "check", "--no-email", "--now", NOW]) == 0
    text = capsys.readouterr().out
    assert text.startswith("WAIVED   job")
    assert "waived: w-" in text and "until 2027-01-31T23:59:59Z: vendor migration" in text
    report = ingested.root / "report.md"
    assert lineguard(["--home", str(ingested.root), "report", "--now", NOW, "--out",
                      str(report)]) == 0
    assert "### WAIVED: destructive at job on ems-01" in report.read_text()
    assert "Waived: w-" in report.read_text()
    assert "waived by tanaka, sato until 2027-01-31T23:59:59Z" in report.read_text()

    # expired: the finding is back, and says why it is not waived
    rc, found = findings(ingested, capsys, "2027-02-01T00:00:00Z")
    job = the_job(found)
    assert rc == 1 and job["status"] == "open" and "EXPIRED" in job["waiver"]["note"]


def test_a_waiver_binds_to_what_the_job_runs_not_to_its_name(ingested: Home,
                                                            keys, tmp_path: Path,
                                                            capsys) -> None:
    for name in ("tanaka", "sato"):
        assert waive(ingested, JOB, keys[name], name, "--until", "2027-01-31",
                     "--reason", "sanctioned") == 0
    assert the_job(findings(ingested, capsys)[1])["status"] == "waived"
    script = tmp_path / "root/home/opsuser/.local/.ne/sync.sh"
    script.write_text(script.read_text() + "rm -rf /srv/ems/linedata\n")   # the job changed
    assert agent(["snapshot", "--root", str(tmp_path / "root"), "--hostname", "ems-01",
                  "--agent", "ems-01", "--key", str(tmp_path / "agent.key"),
                  "--out", str(ingested.inbox / "s2.lgsnap")]) == 0
    assert lineguard(["--home", str(ingested.root), "ingest"]) == 0
    rc, found = findings(ingested, capsys)
    assert rc == 1 and the_job(found)["status"] == "open" and the_job(found)["waiver"] is None


def test_findings_lists_open_waived_and_resolved(ingested: Home, keys,
                                                 tmp_path: Path, capsys) -> None:
    root = str(ingested.root)
    assert lineguard(["--home", root, "check", "--no-email"]) == 1      # records what is open
    capsys.readouterr()
    assert lineguard(["--home", root, "findings"]) == 0
    out = capsys.readouterr().out
    assert "OPEN (1)" in out and "WAIVED (0)" in out and "RESOLVED (0)" in out
    (tmp_path / f"root/var/spool/cron/atjobs/{AT_FILE}").unlink()        # atrm
    assert agent(["snapshot", "--root", str(tmp_path / "root"), "--hostname", "ems-01",
                  "--agent", "ems-01", "--key", str(tmp_path / "agent.key"),
                  "--out", str(ingested.inbox / "s2.lgsnap")]) == 0
    assert lineguard(["--home", root, "ingest"]) == 0
    capsys.readouterr()
    assert lineguard(["--home", root, "findings", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)["findings"]
    [gone] = [f for f in doc if f["status"] == "resolved"]
    assert gone["kind"] == "job" and gone["target"] == "ems-01" and gone["id"].startswith("f-")


def test_an_unknown_finding_or_a_past_date_is_a_one_line_error(ingested: Home,
                                                               keys, capsys) -> None:
    capsys.readouterr()
    assert waive(ingested, "f-00000000", keys["tanaka"], "tanaka", "--until", "2027-01-31",
                 "--reason", "x") == 2
    assert "no open finding 'f-00000000'" in capsys.readouterr().err
    assert waive(ingested, JOB, keys["tanaka"], "tanaka", "--until", "2026-01-01",
                 "--reason", "x") == 2
    assert "is not in the future" in capsys.readouterr().err
    assert waive(ingested, JOB, keys["tanaka"], "tanaka") == 2
    assert "needs --until DATE and --reason TEXT" in capsys.readouterr().err


def test_a_finding_id_from_findings_names_what_to_waive(ingested: Home, keys, capsys) -> None:
    capsys.readouterr()
    assert lineguard(["--home", str(ingested.root), "findings", "--json", "--now", NOW]) == 0
    [job] = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["kind"] == "job"]
    assert job["status"] == "open" and job["id"].startswith("f-")
    assert waive(ingested, job["id"], keys["sato"], "sato", "--until", "2027-01-31",
                 "--reason", "sanctioned") == 0
    assert "PENDING: signed by sato (1 of 2 required)" in capsys.readouterr().out
    events = [(r["event"], r["subject"]) for r in ingested.open().audit_rows(5)]
    assert events[0][0] == "waiver-sign" and events[0][1].startswith("w-")


def test_a_finding_whose_waiver_ends_is_mailed_again_at_once(ingested: Home, keys,
                                                             capsys) -> None:
    from tests.smtpsink import free_port, start_smtp, text_of
    port = free_port()
    controller, inbox = start_smtp(port)
    try:
        (ingested.root / "config.toml").write_text(f"smtp_port = {port}\n"
                                                   "silence_hours = 1000000\n")
        root = str(ingested.root)
        assert lineguard(["--home", root, "check"]) == 1
        assert len(inbox.messages) == 1
        for name in ("tanaka", "sato"):
            assert lineguard(["--home", root, "waive", JOB, "--until", "2029-01-01", "--reason",
                              "sanctioned", "--key", str(keys[name]), "--by", name]) == 0
        assert lineguard(["--home", root, "check"]) == 0     # waived: not mailed
        assert len(inbox.messages) == 1
        for path in ingested.waivers.glob("w-*.json"):        # the waiver is withdrawn
            path.unlink()
        assert lineguard(["--home", root, "check"]) == 1
        assert len(inbox.messages) == 2                       # not held back for 24 h
        assert "alert: new" in text_of(inbox.messages[-1][2])
    finally:
        controller.stop()


def test_a_damaged_waiver_file_waives_nothing_and_is_reported(ingested: Home, keys,
                                                              capsys) -> None:
    for name in ("tanaka", "sato"):
        assert waive(ingested, JOB, keys[name], name, "--until", "2027-01-31",
                     "--reason", "sanctioned") == 0
    (ingested.waivers / "w-0000000000ab.json").write_text("{not json")
    rc, found = findings(ingested, capsys)
    assert the_job(found)["status"] == "waived"              # the good waiver still counts
    [broken] = [f for f in found if f["kind"] == "waiver"]
    assert broken["severity"] == "medium" and "w-0000000000ab.json" in broken["title"]
