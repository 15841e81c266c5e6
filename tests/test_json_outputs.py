"""`--json` on every command that prints records — the same data a person reads, parseable —
and the ingest progress bar, drawn only when standard error is a terminal."""

from __future__ import annotations

import json
import os
import pty
import re
import sys
from pathlib import Path

from lineguard.collector.cli import main as lineguard
from lineguard.collector.home import Home
from tests.baselinekit import Fleet, device
from tests.snapfactory import AgentChain


def run_json(home: Home, capsys, *args: str) -> tuple[int, object]:
    capsys.readouterr()
    rc = lineguard(["--home", str(home.root), *args, "--json"])
    return rc, json.loads(capsys.readouterr().out)


def test_ingest_json_has_one_record_per_file(home: Home, enrolled: AgentChain, capsys) -> None:
    enrolled.write(home.inbox, targets=(device("atm-kobe-03"),))
    (home.inbox / "junk.lgsnap").write_bytes(b"not a snapshot")
    rc, records = run_json(home, capsys, "ingest")
    assert rc == 2
    by_outcome = {r["outcome"]: r for r in records}
    assert by_outcome["accepted"]["agent"] == "mgmt-01" and by_outcome["accepted"]["seq"] == 1
    assert by_outcome["rejected"]["path"].endswith("junk.lgsnap")
    assert by_outcome["rejected"]["reason"]


def test_baseline_verbs_and_audit_in_json(home: Home, chain: AgentChain, tmp_path: Path,
                                          capsys) -> None:
    fleet = Fleet(home, chain)
    fleet.poll(device("atm-kobe-03", pvcs=12))
    rc, proposed = run_json(home, capsys, "baseline", "propose", "atm-kobe-03")
    assert rc == 0 and proposed[0]["proposed"].endswith("atm-kobe-03.proposed.json")
    key = fleet.approver(tmp_path)
    rc, signed = run_json(home, capsys, "baseline", "approve", "atm-kobe-03", "--key", str(key),
                          "--by", "tanaka")
    assert signed == [{"target": "atm-kobe-03", "in_force": False, "signed_by": ["tanaka"],
                       "required": 2, "note": signed[0]["note"]}]
    rc, shown = run_json(home, capsys, "baseline", "show", "atm-kobe-03")
    [record] = shown
    assert record["approved"] is None
    assert record["pending"]["signed"][0]["approver"] == "tanaka"
    assert record["pending"]["line_data_rows"] == 12 and not record["pending"]["in_force"]
    rc, rows = run_json(home, capsys, "audit")
    assert {"baseline-sign", "accept", "enrol"} <= {r["event"] for r in rows}
    rc, verified = run_json(home, capsys, "audit", "--verify")
    assert rc == 0 and verified == {"verified": True, "problems": []}


def test_listing_commands_in_json(home: Home, chain: AgentChain, capsys) -> None:
    fleet = Fleet(home, chain)
    fleet.poll(device("atm-kobe-03", pvcs=12))
    fleet.poll(device("atm-kobe-03", pvcs=10))
    _, agents = run_json(home, capsys, "agents")
    assert agents[0]["name"] == "mgmt-01"
    _, targets = run_json(home, capsys, "targets")
    assert [t["name"] for t in targets] == ["atm-kobe-03"]
    _, findings = run_json(home, capsys, "findings", "--now", "2026-11-25T01:00:00Z")
    assert any(f["kind"] == "line-data-loss" for f in findings["findings"])
    _, history = run_json(home, capsys, "history", "atm-kobe-03")
    assert [c["summary"] for c in history["changes"]][1] == "1 changed, 2 row(s) lost"
    _, jobs = run_json(home, capsys, "jobs", "--now", "2026-11-25T01:00:00Z")
    assert jobs["as_of"] == "2026-11-25T01:00:00Z"


def test_ingest_draws_a_progress_bar_only_on_a_terminal(home: Home, enrolled: AgentChain,
                                                        capsys) -> None:
    for _ in range(3):
        enrolled.write(home.inbox, targets=(device("atm-kobe-03"),))
    leader, follower = pty.openpty()
    saved = os.dup(2)
    os.dup2(follower, 2)
    try:
        stderr, sys.stderr = sys.stderr, os.fdopen(os.dup(2), "w")
        try:
            assert lineguard(["--home", str(home.root), "ingest"]) == 0
        finally:
            sys.stderr.close()
            sys.stderr = stderr
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(follower)
    drawn = b""
    os.set_blocking(leader, False)
    try:
        while chunk := os.read(leader, 65536):
            drawn += chunk
    except (BlockingIOError, OSError):
        pass
    os.close(leader)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", drawn.decode("utf-8", "replace"))
    assert "snapshots" in text and "3/3" in text and "not ok 0" in text
    # a pipe (pytest's capture) gets the result lines and no bar
    enrolled.write(home.inbox, targets=(device("atm-kobe-03"),))
    capsys.readouterr()
    assert lineguard(["--home", str(home.root), "ingest"]) == 0
    out = capsys.readouterr()
    assert "accepted mgmt-01 #4" in out.out and out.err == ""


def test_agent_snapshot_and_inventory_check_in_json(tmp_path: Path, capsys) -> None:
    from lineguard.agent.cli import main as agent
    (tmp_path / "r1.cfg").write_text("hostname atm-kobe-03\nend\n")
    inv = tmp_path / "inventory.toml"
    inv.write_text('[[device]]\nname = "atm-kobe-03"\nplatform = "cisco_ios"\nmethod = "file"\n'
                   'path = "r1.cfg"\nsite = "kobe"\n')
    capsys.readouterr()
    assert agent(["inventory", "check", str(inv), "--json"]) == 0
    [dev] = json.loads(capsys.readouterr().out)
    assert (dev["name"], dev["method"], dev["site"]) == ("atm-kobe-03", "file", "kobe")
    assert dev["path"] == str(tmp_path / "r1.cfg")
    key = tmp_path / "agent.key"
    agent(["keygen", "--out", str(key)])
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    capsys.readouterr()
    assert agent(["snapshot", "--root", str(root), "--hostname", "ems-01", "--key", str(key),
                  "--inventory", str(inv), "--out", str(tmp_path / "s.lgsnap"), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["agent"] == "ems-01" and doc["seq"] == 1
    assert {(t["name"], t["status"]) for t in doc["targets"]} == {("ems-01", "ok"),
                                                                  ("atm-kobe-03", "ok")}
