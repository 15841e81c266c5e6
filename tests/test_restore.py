"""Restoration end to end on the simulated fleet (IOS over SSH, Junos over SSH, an ATM-MIB
switch over SNMP): rows deleted → plan from the approved baseline → two approvals → the agent
applies → the re-poll equals the baseline; and every way a plan must be refused or stopped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lineguard.collector.cli import main as lineguard
from lineguard.sim.fleet import Fleet
from lineguard.sim.state import CrossConnect
from tests.restorekit import Rig, run
from tests.sim_support import VC_XC, set_int, v2c


@pytest.fixture
def rig(tmp_path: Path):
    with Fleet.start(sites=1, devices=3, out_dir=tmp_path / "fleet", pvcs=8,
                     cross_connects=8) as fleet:
        r = Rig(fleet, tmp_path)
        r.snapshot()
        r.approve_baselines()
        yield r


def _delete(rig: Rig) -> dict[str, int]:
    """A quarter of every device's line data goes: IOS PVCs and a cross-connect, Junos units,
    ATM-MIB cross-connects destroyed over SNMP. Returns rows lost per device."""
    ios, junos, switch = (rig.fleet.by_platform(p)[0] for p in
                          ("cisco_ios", "juniper_junos", "atm_mib"))
    st = ios.state
    for intf, _sub, pvc in st.all_pvcs()[:2]:
        st.remove_pvc(intf.ifindex, pvc.vpi, pvc.vci)
    st.remove_cross_connect("vc", 1)
    with junos.state.lock:
        intf = junos.state.interfaces[1]
        for number in sorted(intf.subinterfaces)[:2]:
            del intf.subinterfaces[number]
        junos.state.touch()
    for xc in [x for x in switch.state.cross_connects.values() if x.kind == "vc"][:2]:
        index = ".".join(map(str, (xc.index, xc.low_if, xc.low_vpi, xc.low_vci, xc.high_if,
                                   xc.high_vpi, xc.high_vci)))
        set_int(v2c(), switch.port, f"{VC_XC}.1.13.{index}", 6)
    return {ios.name: 5, junos.name: 2, switch.name: 6}


def test_deleted_rows_on_all_three_platforms_come_back_equal_to_the_baseline(rig: Rig) -> None:
    lost = _delete(rig)
    rig.snapshot()
    for name, n in lost.items():
        assert len(rig.baseline_rows(name)) - len(rig.rows(name)) == n
    plan, doc = rig.plan()
    assert {d["device"]: len(d["rows"]) for d in doc["devices"]} == lost
    assert doc["refused"] == [] and doc["required_approvals"] == 2
    ios = next(d for d in doc["devices"] if d["platform"] == "cisco_ios")
    commands = [c for a in ios["actions"] for c in a["commands"]]
    assert commands[0].startswith("interface ATM0/0/")
    assert any(c.startswith("pvc BTS") for c in commands)
    assert any(c.startswith("encapsulation aal5") for c in commands)
    assert any(c.startswith("atm pvc ") and " interface ATM0/0/3 " in c for c in commands)
    junos = next(d for d in doc["devices"] if d["platform"] == "juniper_junos")
    assert all(c.startswith("set interfaces at-0/0/0 ") for a in junos["actions"]
               for c in a["commands"]) and junos["commit"]
    switch = next(d for d in doc["devices"] if d["platform"] == "atm_mib")
    kinds = [r["row"]["kind"] for r in switch["rows"]]
    assert sorted(kinds) == ["vc-xc", "vc-xc", "vcl", "vcl", "vcl", "vcl"]
    first = switch["actions"][0]["commands"]
    assert first[0].endswith(" i 5") and first[-1].endswith(" i 1")
    # links before the cross-connects that join them
    order = [next(r["row"]["kind"] for r in switch["rows"] if r["id"] == a["rows"][0])
             for a in switch["actions"]]
    assert order == sorted(order, key=lambda k: k.endswith("xc"))

    rig.approve(plan, "alice", "bob")
    code, report, err = rig.apply(plan)        # a dry run first: nothing changes
    assert code == 0, err
    assert {r["outcome"] for d in report["devices"] for r in d["rows"]} == {"would restore"}
    rig.snapshot()
    assert len(rig.rows(rig.fleet.devices[0].name)) < len(rig.baseline_rows(
        rig.fleet.devices[0].name))

    code, report, err = rig.apply(plan, "--apply")
    assert code == 0, (report, err)
    assert report["approved_by"] == ["alice", "bob"]
    assert {d["device"]: d["outcome"] for d in report["devices"]} == {n: "restored" for n in lost}
    assert {r["outcome"] for d in report["devices"] for r in d["rows"]} == {"restored"}
    rig.snapshot()
    for dev in rig.fleet.devices:
        now, want = rig.rows(dev.name), rig.baseline_rows(dev.name)
        assert now == want, dev.name
    code, out, _ = run(lineguard,
                       ["--home", rig.home.root, "check", "--no-email", "--json"])
    findings = json.loads(out)["findings"]
    assert not [f for f in findings if f["kind"] in ("line-data-loss", "fleet")], findings
    audit = {r["event"]: r for r in reversed(rig.home.open().audit_rows(50))}   # newest
    assert {"restore-plan", "restore-approve", "restore-report"} <= set(audit)
    report_row = audit["restore-report"]
    assert "(apply)" in report_row["detail"] and "approved by alice, bob" in report_row["detail"]
    assert "13 restored" in report_row["detail"]


def test_a_plan_with_one_approval_is_refused_and_nothing_changes(rig: Rig) -> None:
    _delete(rig)
    rig.snapshot()
    plan, _ = rig.plan()
    rig.approve(plan, "alice")
    code, report, err = rig.apply(plan, "--apply")
    assert code == 2
    assert "not approved: PENDING: signed by alice (1 of 2 required)" in err
    code, _, err = run(lineguard, ["--home", rig.home.root, "restore", "approve", plan, "--key",
                                   rig.keys / "alice.key", "--by", "alice"])
    assert code == 2 and "already signed" in err      # the same approver cannot sign twice
    assert rig.apply(plan, "--apply")[0] == 2
    rig.snapshot()
    assert len(rig.rows(rig.fleet.devices[0].name)) < len(rig.baseline_rows(
        rig.fleet.devices[0].name))


def test_an_expired_or_altered_plan_is_refused(rig: Rig) -> None:
    _delete(rig)
    rig.snapshot()
    plan, doc = rig.plan(extra=("--hours", "1"))
    rig.approve(plan, "alice", "bob")
    code, _, err = rig.apply(plan, "--apply", "--now", "2099-01-01T00:00:00Z")
    assert code == 2 and "expired at" in err

    data = json.loads(plan.read_text())
    ios = next(d for d in data["body"]["devices"] if d["platform"] == "cisco_ios")
    ios["actions"][0]["commands"].append("no interface ATM0/0/0.100")   # a smuggled command
    altered = plan.with_name("altered.lgplan")
    altered.write_text(json.dumps(data))
    code, _, err = rig.apply(altered, "--apply")
    assert code == 2 and "bad collector signature" in err
    code, _, err = run(lineguard,
                       ["--home", rig.home.root, "restore", "approve", altered, "--key",
                        rig.keys / "carol.key", "--by", "carol"])
    assert code == 2 and "bad collector signature" in err


def test_a_device_changed_since_the_plan_stops_with_a_clear_message(rig: Rig) -> None:
    _delete(rig)
    rig.snapshot()
    plan, doc = rig.plan()
    rig.approve(plan, "alice", "carol")
    ios = rig.fleet.by_platform("cisco_ios")[0]
    missing = next(r["row"] for d in doc["devices"] if d["device"] == ios.name
                   for r in d["rows"] if r["row"]["kind"] == "vcl" and r["row"]["extra"].get(
                       "name"))
    # someone re-created one lost PVC by hand, with another encapsulation
    sub = next(s for i in ios.state.interfaces.values() for s in i.subinterfaces.values()
               if f"{i.name}.{s.number}" == missing["extra"]["subinterface"])
    from lineguard.sim.state import Pvc
    ios.state.add_pvc(sub, Pvc(missing["vpi"], missing["vci"], encapsulation=(
        "aal5mux" if missing["encapsulation"] == "aal5snap" else "aal5snap")))
    code, report, err = rig.apply(plan, "--apply")
    assert code == 1
    by_device = {d["device"]: d for d in report["devices"]}
    stopped = by_device[ios.name]
    assert stopped["outcome"] == "stopped"
    assert "changed since the plan was made" in stopped["message"]
    assert f"{missing['vpi']}/{missing['vci']}" in stopped["message"]
    assert {r["outcome"] for r in stopped["rows"]} == {"not applied"}
    assert {d["outcome"] for n, d in by_device.items() if n != ios.name} == {"restored"}


def test_partial_failure_restores_the_others_and_reports_the_failed_rows(rig: Rig) -> None:
    _delete(rig)
    rig.snapshot()
    plan, doc = rig.plan()
    rig.approve(plan, "bob", "carol")
    switch = rig.fleet.by_platform("atm_mib")[0]
    xc_row = next(r for d in doc["devices"] if d["device"] == switch.name
                  for r in d["rows"] if r["row"]["kind"] == "vc-xc")
    taken = int(xc_row["row"]["extra"]["xc"])
    # meanwhile another cross-connect took that index: the device will refuse to reuse it
    switch.state.add_cross_connect(CrossConnect("vc", taken, 3, 7, 4, 7, 777, 777))
    code, report, err = rig.apply(plan, "--apply")
    assert code == 1, err
    by_device = {d["device"]: d for d in report["devices"]}
    dev = by_device[switch.name]
    assert dev["outcome"] == "partial"
    failed = [r for r in dev["rows"] if r["outcome"] == "failed"]
    assert [r["id"] for r in failed] == [xc_row["id"]]
    assert "inconsistentValue" in failed[0]["message"]
    assert {r["outcome"] for r in dev["rows"] if r["id"] != xc_row["id"]} == {"restored"}
    assert {d["outcome"] for n, d in by_device.items() if n != switch.name} == {"restored"}
    rig.snapshot()
    now = rig.rows(switch.name)
    missing = [k for k in rig.baseline_rows(switch.name) if k not in now]
    assert [k[0] for k in missing] == ["vc-xc"]


def test_devices_whose_baseline_is_not_in_force_or_poll_not_complete_are_refused(
        rig: Rig) -> None:
    ios, junos, switch = (rig.fleet.by_platform(p)[0] for p in
                          ("cisco_ios", "juniper_junos", "atm_mib"))
    _delete(rig)
    junos.state.faults.reject_auth = True
    rig.snapshot()
    (rig.baselines / f"{switch.name}.json").unlink()
    path = rig.baselines / f"{ios.name}.json"
    doc = json.loads(path.read_text())
    doc["body"]["line_data"] = doc["body"]["line_data"][:-1]
    path.write_text(json.dumps(doc))
    code, out, err = run(lineguard, ["--home", rig.home.root, "restore", "plan", "--site",
                                     "kobe"])
    assert code == 1, err
    assert "refused:" in out
    refused = {line.split(":")[0].strip(): line for line in out.split("refused:")[1].splitlines()
               if line.strip()}
    assert "baseline not in force" in refused[ios.name] and "bad signature" in refused[ios.name]
    assert "newest poll not complete (auth-failed" in refused[junos.name]
    assert "no approved baseline" in refused[switch.name]
    assert "0 device(s), 0 row(s)" in out


def test_the_daemon_applies_a_delivered_plan_and_reports_in_its_next_snapshot(
        rig: Rig, tmp_path: Path) -> None:
    from lineguard.agent.config import load_config
    from lineguard.agent.daemon import run as run_daemon
    lost = _delete(rig)
    rig.snapshot()
    plan, _ = rig.plan()
    rig.approve(plan, "alice", "bob")
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / plan.name).write_bytes(plan.read_bytes())
    config = tmp_path / "agent.toml"
    config.write_text("\n".join(f'{k} = "{v}"' for k, v in {
        "agent": "ems-kobe-01", "key": rig.keys / "agent.key", "root": rig.tmp / "root",
        "inventory": rig.fleet.inventory_path, "credentials": rig.fleet.credentials_path,
        "outbox": tmp_path / "outbox", "deliver": rig.home.inbox,
        "collector_key": rig.collector_pub, "approvers": rig.baselines / "approvers",
        "restore_plans": plans}.items()) + "\nlive = false\nrestore_apply = true\n")
    assert run_daemon(load_config(config), max_runs=1) == 0
    assert not list(plans.glob("*.lgplan")) and (plans / "done" / plan.name).exists()
    code, out, err = run(lineguard, ["--home", rig.home.root, "ingest"])
    assert code == 0, err
    for name in lost:
        assert rig.rows(name) == rig.baseline_rows(name)
    detail = next(r["detail"] for r in rig.home.open().audit_rows(20)
                  if r["event"] == "restore-report")
    assert f"{sum(lost.values())} restored" in detail and "approved by alice, bob" in detail


def test_ios_pvc_comes_back_with_every_sub_command_in_order_and_a_changed_pvc_is_rewritten(
        tmp_path: Path) -> None:
    with Fleet.start(sites=1, devices=1, out_dir=tmp_path / "fleet", pvcs=6,
                     cross_connects=0) as fleet:
        ios = fleet.devices[0]
        (intf, sub, rich), (_, _, other) = ios.state.all_pvcs()[:2]
        rich.service_class, rich.peak_kbps, rich.avg_kbps, rich.burst_cells = (
            "VBR-nrt", 4000, 2000, 94)
        rich.extra = ["protocol ip 10.9.9.2 broadcast", "oam-pvc manage 10"]
        ios.state.touch()
        r = Rig(fleet, tmp_path)
        r.snapshot()
        r.approve_baselines()
        stanza = [ln.strip() for ln in r.rows_config(ios.name).split(f" pvc {rich.name} ")[1]
                  .split(" !")[0].splitlines()[1:]]
        assert stanza == ["vbr-nrt 4000 2000 94", "protocol ip 10.9.9.2 broadcast",
                          "oam-pvc manage 10", "encapsulation " + rich.encapsulation]
        ios.state.remove_pvc(intf.ifindex, rich.vpi, rich.vci)
        other.encapsulation = "aal5mux" if other.encapsulation == "aal5snap" else "aal5snap"
        ios.state.touch()
        r.snapshot()
        plan, doc = r.plan()
        [device] = doc["devices"]
        assert sorted(row["change"] for row in device["rows"]) == ["changed", "missing"]
        missing = next(a for a in device["actions"]
                       if any(c.startswith(f"pvc {rich.name} ") for c in a["commands"]))
        assert missing["commands"] == [f"interface {intf.name}.{sub.number} point-to-point",
                                       f"pvc {rich.name} {rich.vpi}/{rich.vci}", *stanza]
        code, out, _ = run(lineguard, ["--home", r.home.root, "restore", "show", plan])
        assert code == 0 and f"create vcl {intf.name} {rich.vpi}/{rich.vci} {rich.name}" in out
        assert "rewrite vcl" in out and "approvals verified: 0 of 2" in out
        r.approve(plan, "alice", "bob")
        code, report, err = r.apply(plan, "--apply")
        assert code == 0, (report, err)
        r.snapshot()
        assert r.rows(ios.name) == r.baseline_rows(ios.name)
        back = r.rows_config(ios.name).split(f" pvc {rich.name} ")[1].split(" !")[0]
        assert [ln.strip() for ln in back.splitlines()[1:]] == stanza
