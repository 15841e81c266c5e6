"""Fleet housekeeping: a home that must exist, targets with their baseline state, baselines
proposed and approved per site, agents removed and re-keyed with their history still
verifiable, and one finding for a name that is not enrolled however often it sends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lineguard.agent.cli import main as agent
from lineguard.agent.keys import generate
from lineguard.collector.cli import main as lineguard
from lineguard.collector.home import Home
from tests.baselinekit import Fleet, device, host
from tests.snapfactory import AgentChain

CRON = {"etc/cron.d/ems": ("cron.d", "*/5 * * * * ems /opt/ems/poll.sh\n")}


def run(home: Home, *args: str) -> int:
    return lineguard(["--home", str(home.root), *args])


@pytest.fixture
def fleet(home: Home, chain: AgentChain) -> Fleet:
    fleet = Fleet(home, chain)
    fleet.poll(host("mgmt-01", CRON), device("atm-kobe-01"), device("atm-kobe-02"),
               device("atm-osaka-01", site="osaka"))
    return fleet


def test_a_home_that_does_not_exist_is_an_error_and_init_creates_it(tmp_path: Path,
                                                                    capsys) -> None:
    missing = tmp_path / "typo-home"
    capsys.readouterr()
    assert lineguard(["--home", str(missing), "check", "--no-email"]) == 2
    [err] = capsys.readouterr().err.strip().splitlines()
    assert f"{missing} is not a lineguard home" in err and "init" in err
    assert not missing.exists()                    # no fresh empty database, no "no findings"
    assert lineguard(["--home", str(missing), "init"]) == 0
    assert {p.name for p in missing.iterdir()} >= {"lineguard.db", "inbox", "quarantine",
                                                    "baselines", "waivers"}
    assert lineguard(["--home", str(missing), "check", "--no-email"]) == 0
    assert "no findings as of" in capsys.readouterr().out


def test_jobs_for_a_target_nobody_reports_is_an_error(fleet: Fleet, capsys) -> None:
    capsys.readouterr()
    assert run(fleet.home, "jobs", "--target", "atm-nosuch-01") == 2
    assert "no stored snapshot carries target 'atm-nosuch-01'" in capsys.readouterr().err
    assert run(fleet.home, "jobs", "--target", "atm-kobe-01") == 0


def test_targets_lists_agent_site_last_ok_poll_and_baseline_state(fleet: Fleet, tmp_path: Path,
                                                                  capsys) -> None:
    fleet.poll(host("mgmt-01", CRON), device("atm-kobe-01", status="unreachable"),
               device("atm-kobe-02"), device("atm-osaka-01", site="osaka"))
    key = fleet.approver(tmp_path)
    fleet.approve("atm-kobe-02", key)
    assert run(fleet.home, "baseline", "propose", "atm-osaka-01") == 0
    assert run(fleet.home, "baseline", "approve", "atm-osaka-01", "--key", str(key),
               "--by", "tanaka") == 0
    capsys.readouterr()
    assert run(fleet.home, "targets", "--json") == 0
    rows = {t["name"]: t for t in json.loads(capsys.readouterr().out)}
    assert set(rows) == {"mgmt-01", "atm-kobe-01", "atm-kobe-02", "atm-osaka-01"}
    assert rows["mgmt-01"]["site"] == "kobe" and rows["mgmt-01"]["kind"] == "host"
    assert rows["atm-kobe-01"]["status"] == "unreachable"
    assert rows["atm-kobe-01"]["last_ok"] == "2026-11-25T00:15:00Z"
    assert rows["atm-kobe-02"]["baseline"] == "approved"
    assert rows["atm-osaka-01"]["baseline"] == "pending"
    assert "signed by tanaka (1 of 2 required)" in rows["atm-osaka-01"]["baseline_detail"]
    assert rows["mgmt-01"]["baseline"] == "none"
    assert all(r["agent"] == "mgmt-01" for r in rows.values())
    assert run(fleet.home, "targets") == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:4] == ["TARGET", "KIND", "AGENT", "SITE"]
    assert any(ln.split()[:2] == ["atm-osaka-01", "device"] and "pending" in ln for ln in table)


def test_baselines_proposed_and_approved_per_site_or_all_with_per_site_approvals(
        fleet: Fleet, tmp_path: Path, capsys) -> None:
    (fleet.home.root / "config.toml").write_text("[site.osaka]\napprovals = 1\n")
    tanaka, sato = fleet.approver(tmp_path), fleet.approver(tmp_path, "sato")
    assert run(fleet.home, "baseline", "propose", "--site", "kobe") == 0
    assert sorted(p.name for p in fleet.baselines.glob("*.proposed.json")) == [
        "atm-kobe-01.proposed.json", "atm-kobe-02.proposed.json", "mgmt-01.proposed.json"]
    capsys.readouterr()
    assert run(fleet.home, "baseline", "approve", "--site", "kobe", "--key", str(tanaka),
               "--by", "tanaka") == 0
    assert capsys.readouterr().out.count("PENDING: signed by tanaka (1 of 2 required)") == 3
    assert run(fleet.home, "baseline", "approve", "--site", "kobe", "--key", str(sato),
               "--by", "sato") == 0
    assert sorted(p.name for p in fleet.baselines.glob("*.json")) == [
        "atm-kobe-01.json", "atm-kobe-02.json", "mgmt-01.json"]
    # osaka needs one approver; --all proposes everything again (kobe's stay in force)
    assert run(fleet.home, "baseline", "propose", "--all") == 0
    capsys.readouterr()
    assert run(fleet.home, "baseline", "approve", "atm-osaka-01", "--key", str(tanaka),
               "--by", "tanaka") == 0
    assert "atm-osaka-01: in force, approved by tanaka (1 of 1 required)" in \
        capsys.readouterr().out
    assert run(fleet.home, "baseline", "show", "--site", "nowhere") == 2
    assert "no target at site 'nowhere' (sites: kobe, osaka)" in capsys.readouterr().err
    assert run(fleet.home, "baseline", "propose") == 2


def test_a_removed_agent_is_refused_and_its_history_stays_verifiable(
        fleet: Fleet, tmp_path: Path, capsys) -> None:
    assert run(fleet.home, "agents", "remove", "mgmt-01", "--reason", "server retired") == 0
    capsys.readouterr()
    assert run(fleet.home, "targets", "--json") == 0
    assert json.loads(capsys.readouterr().out) == []
    late = fleet.chain.write(tmp_path / "late")
    assert run(fleet.home, "ingest", str(late)) == 2
    assert "agent 'mgmt-01' was removed at " in capsys.readouterr().err
    run(fleet.home, "check", "--json", "--no-email")
    [chain] = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["kind"] == "chain"]
    assert chain["title"].startswith("1 snapshot(s) from mgmt-01, which was removed, rejected")
    assert run(fleet.home, "audit", "--verify") == 0
    events = [(r["event"], r["detail"]) for r in fleet.store.audit_rows(10)]
    assert ("agent-remove", "server retired") in events
    assert run(fleet.home, "agents", "add", "mgmt-01", "--key", str(fleet.chain.pub_path)) == 2
    assert "removed; its history keeps the name" in capsys.readouterr().err
    assert run(fleet.home, "agents", "--json") == 0
    assert json.loads(capsys.readouterr().out) == []
    assert run(fleet.home, "agents", "--all", "--json") == 0
    [gone] = json.loads(capsys.readouterr().out)
    assert gone["name"] == "mgmt-01" and gone["removed_at"]


def test_a_rotated_key_signs_from_now_on_and_the_old_one_still_verifies(
        fleet: Fleet, tmp_path: Path, capsys) -> None:
    from lineguard.agent.keys import load_private
    new_key, new_pub = generate(tmp_path / "new.key")
    capsys.readouterr()
    assert run(fleet.home, "agents", "rotate-key", "mgmt-01", "--key", str(new_pub)) == 0
    assert "is retired and kept to verify its snapshots" in capsys.readouterr().out
    stale = fleet.chain.write(tmp_path / "stale", advance=False)     # still the old key
    assert run(fleet.home, "ingest", str(stale)) == 2
    fleet.chain.key = load_private(new_key)
    fleet.poll(host("mgmt-01", CRON))
    assert run(fleet.home, "audit", "--verify") == 0                 # #1 old key, #2 new key
    assert [k.retired_at is None for k in fleet.store.agent_keys("mgmt-01")] == [False, True]
    assert ("agent-rotate-key", "mgmt-01") in [(r["event"], r["agent"])
                                               for r in fleet.store.audit_rows(20)]
    assert run(fleet.home, "agents", "rotate-key", "mgmt-01", "--key",
               str(fleet.chain.pub_path)) == 2
    assert "signed with before" in capsys.readouterr().err


def test_snapshots_from_an_unenrolled_name_are_one_finding(home: Home, tmp_path: Path,
                                                          capsys) -> None:
    stranger = AgentChain.create(tmp_path / "keys", "ems-unknown")
    files = [stranger.write(tmp_path / "in") for _ in range(5)]
    assert run(home, "ingest", *map(str, files)) == 2
    capsys.readouterr()
    run(home, "check", "--json", "--no-email")
    chain = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["kind"] == "chain"]
    assert len(chain) == 1
    assert chain[0]["title"].startswith("5 snapshot(s) from ems-unknown, which is not enrolled")


def test_inventory_check_reports_each_device_or_the_first_problem(tmp_path: Path,
                                                                  capsys) -> None:
    from tests.test_devices_inventory import CREDENTIALS, INVENTORY, _write
    inv = _write(tmp_path / "inventory.toml", INVENTORY)
    creds = _write(tmp_path / "credentials.toml", CREDENTIALS)
    capsys.readouterr()
    assert agent(["inventory", "check", str(inv), "--credentials", str(creds)]) == 0
    out = capsys.readouterr().out
    assert "3 device(s) in 2 site(s) (kobe, osaka): ok" in out and "atm-osaka-02" in out
    _write(inv, INVENTORY.replace('method = "file"', 'methd = "file"'))
    assert agent(["inventory", "check", str(inv)]) == 2
    [err] = capsys.readouterr().err.strip().splitlines()
    assert "device #3: unknown key 'methd'; did you mean 'method'?" in err
    _write(inv, INVENTORY)
    _write(creds, CREDENTIALS.replace("[lab-ios]", "[lab-ios-old]"))
    assert agent(["inventory", "check", str(inv), "--credentials", str(creds)]) == 2
    assert "device 'atm-kobe-01': credentials 'lab-ios' are not defined" in \
        capsys.readouterr().err


def test_one_key_speaks_for_one_agent_at_enrolment_and_at_rotation(fleet: Fleet, tmp_path: Path,
                                                                   capsys) -> None:
    # mgmt-01 is enrolled with the chain's key; a second agent presenting the same key could
    # send snapshots that verify as mgmt-01's, so the key is refused for it.
    capsys.readouterr()
    assert run(fleet.home, "agents", "add", "rogue-01", "--key", str(fleet.chain.pub_path)) == 2
    [err] = capsys.readouterr().err.strip().splitlines()
    assert "is the key of agent 'mgmt-01'" in err and "keygen" in err
    assert fleet.store.agent("rogue-01") is None

    _, own_pub = generate(tmp_path / "rogue.key")
    assert run(fleet.home, "agents", "add", "rogue-01", "--key", str(own_pub)) == 0
    assert run(fleet.home, "agents", "rotate-key", "rogue-01", "--key",
               str(fleet.chain.pub_path)) == 2
    assert "is the key of agent 'mgmt-01'" in capsys.readouterr().err
    # ... also once mgmt-01 is removed: its key still verifies what it signed.
    assert run(fleet.home, "agents", "remove", "mgmt-01", "--reason", "decommissioned") == 0
    assert run(fleet.home, "agents", "rotate-key", "rogue-01", "--key",
               str(fleet.chain.pub_path)) == 2
    assert [k.key_id for k in fleet.store.agent_keys("rogue-01")] == [
        fleet.store.agent("rogue-01").key_id]
