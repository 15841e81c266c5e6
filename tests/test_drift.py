"""Drift against the approved baseline (or the previous complete poll), line data loss, and fleet
correlation, over real IOS running-configs ingested into a real store."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lineguard.collector.analyse import drift
from lineguard.collector.analyse.fleet import LossEvent, correlate, correlate_losses
from lineguard.collector.cli import main as lineguard
from lineguard.collector.home import Home
from lineguard.collector.model import Finding, Reason, Severity, Verdict
from tests.baselinekit import Fleet, device, host
from tests.snapfactory import AgentChain, ios_config

LATER = datetime(2027, 1, 1, tzinfo=UTC)
EEM = ('event manager applet NIGHTLY\n event timer cron cron-entry "0 3 * * *"\n'
       ' action 1.0 cli command "enable"\n action 2.0 cli command "configure terminal"\n!\n')


@pytest.fixture
def fleet(home: Home, chain: AgentChain) -> Fleet:
    return Fleet(home, chain)


def with_eem(config: str) -> str:
    head, _, _ = config.rpartition("end\n")
    return head + EEM + "end\n"


def by_kind(findings: list, kind: str) -> list:
    return [f for f in findings if f.kind == kind]


def test_unchanged_device_has_no_drift(fleet: Fleet, tmp_path: Path) -> None:
    fleet.poll(device("atm-kobe-03"))
    fleet.approve("atm-kobe-03", fleet.approver(tmp_path))
    fleet.poll(device("atm-kobe-03"))
    d = drift.diff_target(fleet.store, "atm-kobe-03", fleet.baselines)
    assert d.against == "baseline" and not d.changed
    assert (d.rows_before, d.rows_after) == (20, 20)
    assert drift.findings(fleet.store, fleet.baselines, LATER) == []


def test_config_change_shows_a_unified_diff_and_is_high(fleet: Fleet, tmp_path: Path) -> None:
    config = ios_config("atm-kobe-03", 20, 7)
    fleet.poll(device("atm-kobe-03", config=config))
    fleet.approve("atm-kobe-03", fleet.approver(tmp_path))
    fleet.poll(device("atm-kobe-03", config=with_eem(config)))
    d = drift.diff_target(fleet.store, "atm-kobe-03", fleet.baselines)
    [change] = d.artifacts                           # show-clock changed too, but is volatile
    assert (change.name, change.change, change.decisive) == ("running-config", "changed", True)
    assert "+event manager applet NIGHTLY\n" in change.diff
    assert change.diff.startswith("--- baseline/running-config\n+++ current/running-config\n")
    first = change.evidence[0]
    assert first.evidence == "+ event manager applet NIGHTLY"
    assert first.line == config.splitlines().index("end") + 1     # where it now stands
    [f] = drift.findings(fleet.store, fleet.baselines, LATER)
    assert (f.kind, f.severity) == ("drift", "high")
    assert "running-config" in f.title and "approved baseline" in f.title
    assert f.key == drift.findings(fleet.store, fleet.baselines, LATER)[0].key   # stable


def header(config: str, at: str) -> str:
    """The lines IOS puts before a running-config, rewritten on every `show running-config`."""
    return (f"Building configuration...\n\nCurrent configuration : {len(config)} bytes\n!\n"
            f"! Last configuration change at {at} JST Wed Nov 25 2026 by lgops\n"
            f"ntp clock-period 1720{at[-2:]}\n" + config)


def test_volatile_config_lines_are_not_drift_and_do_not_change_the_key(fleet: Fleet,
                                                                       tmp_path: Path) -> None:
    config = ios_config("atm-kobe-03", 20, 7)
    fleet.poll(device("atm-kobe-03", config=header(config, "09:00:00")))
    fleet.approve("atm-kobe-03", fleet.approver(tmp_path))
    fleet.poll(device("atm-kobe-03", config=header(config, "09:15:07")))
    assert drift.findings(fleet.store, fleet.baselines, LATER) == []
    fleet.poll(device("atm-kobe-03", config=header(with_eem(config), "09:30:11")))
    [first] = drift.findings(fleet.store, fleet.baselines, LATER)
    assert [e.evidence for e in first.evidence][0] == "+ event manager applet NIGHTLY"
    fleet.poll(device("atm-kobe-03", config=header(with_eem(config), "09:45:42")))
    [again] = drift.findings(fleet.store, fleet.baselines, LATER)
    assert again.key == first.key           # one open drift, one alert, however often polled


@pytest.mark.parametrize("left, severity, what", [(0, "critical", "all 20"),
                                                  (6, "critical", "14 of 20"),
                                                  (17, "high", "3 of 20")])
def test_lost_line_data_is_critical_when_most_rows_vanish(fleet: Fleet, tmp_path: Path, left: int,
                                                         severity: str, what: str) -> None:
    fleet.poll(device("atm-kobe-03", pvcs=20))
    fleet.approve("atm-kobe-03", fleet.approver(tmp_path))
    fleet.poll(device("atm-kobe-03", pvcs=left))
    found = drift.findings(fleet.store, fleet.baselines, LATER)
    [loss] = by_kind(found, "line-data-loss")
    assert loss.severity == severity and what in loss.title
    last = loss.evidence[-1] if left == 17 else None
    if last is not None:    # the lost PVC, quoted from the baseline config by line
        assert last.evidence == "vcl ATM0/0/0 1/119 BTS119"
        assert last.path == "running-config"
        lines = ios_config("atm-kobe-03", 20, 7).splitlines()
        assert lines[last.line - 1] == " pvc BTS119 1/119"
    assert by_kind(found, "drift")[0].severity == "high"


@pytest.mark.parametrize("status", ["unreachable", "auth-failed", "timeout", "partial"])
def test_unreachable_device_is_never_line_data_lost(fleet: Fleet, tmp_path: Path,
                                                    status: str) -> None:
    fleet.poll(device("atm-kobe-03", pvcs=20))
    fleet.approve("atm-kobe-03", fleet.approver(tmp_path))
    cut = "hostname atm-kobe-03\n!\ninterface ATM0/0/0.100 point-to-point\n"
    fleet.poll(device("atm-kobe-03", status=status, config=cut, error="read timed out"))
    d = drift.diff_target(fleet.store, "atm-kobe-03", fleet.baselines)
    assert not d.complete and d.rows == () and d.artifacts == ()
    found = drift.findings(fleet.store, fleet.baselines, LATER)
    assert [(f.kind, f.severity) for f in found] == [("poll-failed", "high")]
    assert status in found[0].title


def test_without_baseline_the_first_complete_poll_is_the_reference(fleet: Fleet) -> None:
    fleet.poll(device("atm-kobe-03", status="unreachable"))
    fleet.poll(device("atm-kobe-03", pvcs=20))
    fleet.poll(device("atm-kobe-03", pvcs=19))
    d = drift.diff_target(fleet.store, "atm-kobe-03", fleet.baselines)
    assert d.against == "first" and "mgmt-01 #2" in d.reference
    assert [(r.change, r.before.vci) for r in d.rows] == [("lost", 119)]
    [loss] = by_kind(drift.findings(fleet.store, fleet.baselines, LATER), "line-data-loss")
    assert loss.severity == "high" and "first complete poll" in loss.title


def test_host_drift_without_a_baseline_stays_open_until_one_is_approved(fleet: Fleet,
                                                                        tmp_path: Path) -> None:
    files = {"etc/cron.d/ems": ("cron.d", "*/5 * * * * ems /opt/ems/poll.sh\n")}
    planted = files | {"etc/cron.d/wipe": ("cron.d", "0 3 * * * root /x\n")}
    fleet.poll(host("mgmt-01", files))
    fleet.poll(host("mgmt-01", planted))
    first = [(f.key, f.title) for f in drift.findings(fleet.store, fleet.baselines, LATER)]
    for _ in range(3):                      # unchanged polls after the change
        fleet.poll(host("mgmt-01", planted))
        found = drift.findings(fleet.store, fleet.baselines, LATER)
        assert [(f.key, f.title) for f in found] == first
    [f] = found
    assert f.severity == "high" and "1 added (etc/cron.d/wipe)" in f.title
    fleet.approve("mgmt-01", fleet.approver(tmp_path))
    assert drift.findings(fleet.store, fleet.baselines, LATER) == []


def test_first_poll_without_baseline_has_nothing_to_compare(fleet: Fleet) -> None:
    fleet.poll(device("atm-kobe-03"))
    d = drift.diff_target(fleet.store, "atm-kobe-03", fleet.baselines)
    assert d.against == "none" and not d.changed
    with pytest.raises(LookupError, match="atm-nara-01"):
        drift.diff_target(fleet.store, "atm-nara-01", fleet.baselines)


def test_job_file_change_is_high_other_files_medium_processes_ignored(fleet: Fleet,
                                                                      tmp_path: Path) -> None:
    files = {"etc/cron.d/ems": ("cron.d", "*/5 * * * * ems /opt/ems/poll.sh\n"),
             "etc/passwd": ("passwd", "root:x:0:0:root:/root:/bin/bash\n"),
             "proc/4242": ("process", "sleep 600")}
    fleet.poll(host("mgmt-01", files))
    fleet.approve("mgmt-01", fleet.approver(tmp_path))
    fleet.poll(host("mgmt-01", files | {"proc/4242": ("process", "sleep 900")}))
    assert drift.findings(fleet.store, fleet.baselines, LATER) == []
    fleet.poll(host("mgmt-01", files | {"etc/passwd": ("passwd", "root:x:0:0::/root:/bin/sh\n"
                                                                  "op:x:0:0::/:/bin/sh\n")}))
    [f] = drift.findings(fleet.store, fleet.baselines, LATER)
    assert f.severity == "medium" and "etc/passwd" in f.title
    fleet.poll(host("mgmt-01", files | {"etc/cron.d/wipe": ("cron.d", "0 3 * * * root /x\n")}))
    [f] = drift.findings(fleet.store, fleet.baselines, LATER)
    assert f.severity == "high" and "1 added (etc/cron.d/wipe)" in f.title
    assert f.evidence[0].path == "etc/cron.d/wipe" and f.evidence[0].line == 1


def test_tampered_baseline_is_a_finding_and_is_not_used(fleet: Fleet, tmp_path: Path) -> None:
    fleet.poll(device("atm-kobe-03", pvcs=20))
    path = fleet.approve("atm-kobe-03", fleet.approver(tmp_path))
    doc = json.loads(path.read_text())
    doc["body"]["line_data"] = doc["body"]["line_data"][:5]   # hide the PVCs about to be deleted
    path.write_text(json.dumps(doc, indent=2))
    fleet.poll(device("atm-kobe-03", pvcs=5))
    with pytest.raises(ValueError, match="bad signature"):
        drift.diff_target(fleet.store, "atm-kobe-03", fleet.baselines)
    found = drift.findings(fleet.store, fleet.baselines, LATER)
    assert ("baseline", "high") in [(f.kind, f.severity) for f in found]
    [loss] = by_kind(found, "line-data-loss")          # still caught, against the first poll
    assert "15 of 20" in loss.title and "first complete poll" in loss.title


def test_now_judges_as_of_that_instant(fleet: Fleet, tmp_path: Path) -> None:
    first = fleet.poll(device("atm-kobe-03", pvcs=20))
    fleet.approve("atm-kobe-03", fleet.approver(tmp_path))
    fleet.poll(device("atm-kobe-03", pvcs=0))
    assert drift.findings(fleet.store, fleet.baselines, first) == []
    assert by_kind(drift.findings(fleet.store, fleet.baselines, LATER), "line-data-loss")


def test_diff_command_prints_the_diff_and_exits_1_on_drift(fleet: Fleet, tmp_path: Path,
                                                           capsys) -> None:
    config = ios_config("atm-kobe-03", 4, 7)
    fleet.poll(device("atm-kobe-03", config=config))
    fleet.approve("atm-kobe-03", fleet.approver(tmp_path))
    root = str(fleet.home.root)
    fleet.poll(device("atm-kobe-03", config=config))
    assert lineguard(["--home", root, "diff", "atm-kobe-03"]) == 0
    fleet.poll(device("atm-kobe-03", config=with_eem(config)))
    capsys.readouterr()
    assert lineguard(["--home", root, "diff", "atm-kobe-03", "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["against"] == "baseline" and doc["artifacts"][0]["name"] == "running-config"
    assert lineguard(["--home", root, "diff", "atm-kobe-03"]) == 1
    assert "+event manager applet NIGHTLY" in capsys.readouterr().out


# --- fleet ---------------------------------------------------------------------------------

SITES = {"atm-kobe-01": "hyogo", "atm-kobe-02": "hyogo", "atm-osaka-01": "osaka",
         "atm-osaka-02": "osaka", "atm-kyoto-01": "kyoto"}


def test_line_data_lost_on_five_devices_in_three_prefectures_is_one_fleet_finding(
        fleet: Fleet, tmp_path: Path) -> None:
    fleet.poll(*(device(n, pvcs=10, site=s) for n, s in SITES.items()))
    key = fleet.approver(tmp_path)
    for name in SITES:
        fleet.approve(name, key)
    fleet.poll(*(device(n, pvcs=10, site=s) for n, s in SITES.items()))
    assert drift.findings(fleet.store, fleet.baselines, LATER) == []
    fleet.poll(*(device(n, pvcs=0, site=s) for n, s in SITES.items()))
    found = drift.findings(fleet.store, fleet.baselines, LATER)
    assert len(by_kind(found, "line-data-loss")) == 5
    [f] = by_kind(found, "fleet")
    assert f.severity == "critical"
    assert f.title == ("line data lost on 5 devices at 3 site(s) (hyogo, kyoto, osaka) "
                       "in the same poll")
    assert f.target == ",".join(sorted(SITES))
    assert "atm-osaka-02 (osaka): 10 of 10 rows lost" in f.detail


def test_losses_hours_apart_are_not_one_fleet_event(fleet: Fleet, tmp_path: Path) -> None:
    fleet.poll(device("atm-kobe-01", pvcs=10), device("atm-osaka-01", pvcs=10, site="osaka"))
    key = fleet.approver(tmp_path)
    fleet.approve("atm-kobe-01", key)
    fleet.approve("atm-osaka-01", key)
    fleet.poll(device("atm-kobe-01", pvcs=0), device("atm-osaka-01", pvcs=10, site="osaka"))
    fleet.poll(device("atm-kobe-01", status="timeout"),
               device("atm-osaka-01", pvcs=10, site="osaka"), minutes=90)
    fleet.poll(device("atm-kobe-01", pvcs=0), device("atm-osaka-01", pvcs=0, site="osaka"),
               minutes=90)
    found = drift.findings(fleet.store, fleet.baselines, LATER)
    assert len(by_kind(found, "line-data-loss")) == 2
    assert by_kind(found, "fleet") == []    # kobe lost its rows three hours before osaka


T0 = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def test_correlate_losses_groups_by_window() -> None:
    events = [LossEvent("a", "hyogo", T0, 10, 10),
              LossEvent("b", "osaka", T0 + timedelta(minutes=20), 5, 9),
              LossEvent("c", "kyoto", T0 + timedelta(minutes=60), 3, 3),
              LossEvent("d", "nara", T0 + timedelta(minutes=61), 3, 3),
              LossEvent("e", "nara", T0 + timedelta(hours=5), 3, 3)]
    [f] = correlate_losses(events)
    assert f.target == "a,b,c" and "3 devices at 3 site(s)" in f.title and "60 min" in f.title
    [short] = correlate_losses(events, window=timedelta(minutes=5))
    assert short.target == "c,d" and "2 devices at 2 site(s) (kyoto, nara)" in short.title
    assert correlate_losses(events[:1]) == []


def job_finding(target: str, path: str, severity: Severity = Severity.CRITICAL) -> Finding:
    reason = Reason("lg.host.snmpset-destroy",
                    "snmpset -v2c -c private $ne 1.3.6.1.2.1.37.1.11.1.13 i 6", path, 14,
                    title="ATM-MIB row destroyed over SNMP", severity=severity)
    return Finding(key=f"job:{target}:etc/cron.d/maint:3", kind="job", severity=severity,
                   target=target, title=f"destructive cron job on {target} fires in 74d 09h",
                   fire_at=T0 + timedelta(days=74, hours=int(target[-1])), evidence=(reason,),
                   verdict=Verdict.DESTRUCTIVE)


def test_the_same_destructive_job_on_several_hosts_is_one_fleet_finding() -> None:
    found = [job_finding("mgmt-01", "opt/maint/clean.sh"),
             job_finding("mgmt-02", "opt/maint/clean.sh", Severity.HIGH),
             job_finding("mgmt-03", "home/op/copy-of-clean.sh"),     # copied elsewhere
             replace(job_finding("mgmt-04", "x.sh"), severity=Severity.LOW),  # unparsable-job noise
             Finding("drift:mgmt-05:x", "drift", Severity.HIGH, "mgmt-05", "drifted")]
    [f] = correlate(found)
    assert (f.kind, f.severity, f.target) == ("fleet", "critical", "mgmt-01,mgmt-02,mgmt-03")
    assert f.title == ("the same destructive job is scheduled on 3 targets: "
                       "mgmt-01, mgmt-02, mgmt-03")
    assert f.fire_at == T0 + timedelta(days=74, hours=1)         # the soonest of them
    assert [e.path for e in f.evidence] == ["mgmt-01:opt/maint/clean.sh",
                                            "mgmt-02:opt/maint/clean.sh",
                                            "mgmt-03:home/op/copy-of-clean.sh"]
    assert f.verdict is Verdict.DESTRUCTIVE
    assert f.key == correlate(list(reversed(found)))[0].key
    assert correlate(found[:1]) == []


def test_a_fleet_finding_takes_its_verdict_from_the_findings_not_their_titles() -> None:
    # A suspicious job whose title happens to begin with "destructive" (a job named so) stays
    # suspicious across the fleet: the verdict travels with the finding, the title is prose.
    found = [replace(job_finding(t, "opt/maint/clean.sh", Severity.MEDIUM),
                     title=f"destructive-cleanup cron job on {t}", verdict=Verdict.SUSPICIOUS)
             for t in ("mgmt-01", "mgmt-02")]
    [f] = correlate(found)
    assert f.verdict is Verdict.SUSPICIOUS
    assert f.title.startswith("the same suspicious job is scheduled on 2 targets")
    [f] = correlate([found[0], replace(found[1], verdict=Verdict.DESTRUCTIVE)])
    assert f.verdict is Verdict.DESTRUCTIVE and f.title.startswith("the same destructive job")
