"""Capture noise at fleet scale: every device of a simulated fleet prints what real devices and
terminals put into captures (sim.noise: pager prompts and their erasure, escape sequences,
CR CR LF, a second echo of the command, login banners, stray prompts, trailing blanks, commit and
NVRAM timestamps, ntp clock-period, a certificate chain, logging/NTP lines in a new order, IOS's
"no configuration change since last restart", the Junos routing engine's role above every
prompt, switching with a switchover, and ATM-MIB error counters counting), new at every poll.
Polled with netmiko over SSH and SNMP by the agent many times with nothing changed, the
collector finds no drift, no lost line data and no failed poll; one PVC removed on one IOS
device, one cross-connect on another, a unit deleted on a Junos router and a VCL row destroyed
over SNMP on an ATM switch are each found HIGH on the very next poll."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
from netmiko import ConnectHandler

from lineguard.agent.cli import main as agent
from lineguard.collector.cli import main as lineguard
from lineguard.sim.fleet import HOST, Fleet, SimDevice
from lineguard.sim.noise import NOISES
from tests.sim_support import VCL, operator_cli, set_int, snmpbulkwalk, v2c, walk

DEVICES = 12          # 2 sites: IOS, Junos and ATM-MIB switches (the fleet's own mix)
QUIET_POLLS = 6
AGENT = "noise-agent"
APPROVERS = ("noise-alice", "noise-bob")
LOSS = ("drift", "line-data-loss", "fleet")


def _run(fn, *args: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        rc = fn(list(args))
    assert rc in (0, 1), f"{' '.join(args[:3])}: exit {rc}\n{out.getvalue()[-2000:]}"
    return out.getvalue()


class Collector:
    """A collector home with one agent enrolled and two approvers; one snapshot per poll."""

    def __init__(self, work: Path, fleet: Fleet) -> None:
        self.work, self.fleet, self.home = work, fleet, work / "home"
        self.polls = 0
        _run(lineguard, "--home", str(self.home), "init")
        self.key = work / "agent.key"
        _run(agent, "keygen", "--out", str(self.key))
        self.root = work / "ems-root"
        (self.root / "etc").mkdir(parents=True)
        (self.root / "etc" / "crontab").write_text("SHELL=/bin/sh\n")
        _run(lineguard, "--home", str(self.home), "agents", "add", AGENT, "--key",
             f"{self.key}.pub", "--site", "kobe")
        self.approvers = []
        for name in APPROVERS:
            key = work / f"{name}.key"
            _run(agent, "keygen", "--out", str(key))
            with open(self.home / "baselines" / "approvers", "a", encoding="utf-8") as f:
                f.write(f"{name} {Path(f'{key}.pub').read_text().strip()}\n")
            self.approvers.append((name, key))

    def poll(self) -> list[dict]:
        """One snapshot of the fleet by the agent, ingested; the open findings."""
        self.polls += 1
        out = self.work / f"poll{self.polls:03d}.lgsnap"
        _run(agent, "snapshot", "--root", str(self.root), "--hostname", "ems-kobe-01",
             "--agent", AGENT, "--inventory", str(self.fleet.inventory_path), "--credentials",
             str(self.fleet.credentials_path), "--key", str(self.key), "--out", str(out),
             "--no-live")
        _run(lineguard, "--home", str(self.home), "ingest", str(out))
        text = _run(lineguard, "--home", str(self.home), "check", "--json", "--no-email")
        return json.loads(text[text.index("{"):text.rindex("}") + 1])["findings"]

    def approve(self) -> None:
        _run(lineguard, "--home", str(self.home), "baseline", "propose", "--all")
        for name, key in self.approvers:
            _run(lineguard, "--home", str(self.home), "baseline", "approve", "--all", "--key",
                 str(key), "--by", name)


def _ssh(fleet: Fleet, dev: SimDevice) -> ConnectHandler:
    login = fleet.credentials["lab-ios"]
    return ConnectHandler(device_type="cisco_ios", host=HOST, port=dev.port,
                          username=login["username"], password=login["password"],
                          secret=login["secret"], ssh_strict=False, system_host_keys=False,
                          allow_agent=False, use_keys=False)


def _loud(findings: list[dict]) -> list[str]:
    return [f"{f['severity']} {f['kind']} {f['title']}" for f in findings
            if f["kind"] in LOSS or f["kind"] == "poll-failed"]


@pytest.fixture(scope="module")
def noisy(tmp_path_factory) -> tuple[Fleet, Collector]:
    work = tmp_path_factory.mktemp("noise")
    with Fleet.start(sites=2, devices=DEVICES, out_dir=work / "fleet") as fleet:
        fleet.make_noisy(NOISES, seed=9)
        run = Collector(work, fleet)
        run.poll()
        run.approve()
        yield fleet, run


def test_an_untouched_noisy_fleet_polled_many_times_shows_no_drift(noisy):
    fleet, run = noisy
    assert {d.platform for d in fleet.devices} == {"cisco_ios", "juniper_junos", "atm_mib"}
    loud = []
    for n in range(QUIET_POLLS):
        loud += [f"poll {n + 1}: {f}" for f in _loud(run.poll())]
    print(f"\n{DEVICES} noisy devices x {QUIET_POLLS} polls: {len(loud)} drift or failed-poll "
          f"findings")
    assert loud == [], "\n".join(loud)


def test_one_pvc_and_one_cross_connect_removed_are_found_high_on_the_next_poll(noisy):
    fleet, run = noisy
    ios = fleet.by_platform("cisco_ios")
    pvc_dev, xc_dev = ios[0], ios[1]
    sub = next(s for i in pvc_dev.state.interfaces.values() for s in i.subinterfaces.values()
               if s.pvcs)
    intf = next(i for i in pvc_dev.state.interfaces.values() if sub.number in i.subinterfaces)
    pvc = sub.pvcs[0]
    xc = next(x for x in xc_dev.state.cross_connects.values() if x.kind == "vc")
    low = xc_dev.state.ifname(xc.low_if)
    with _ssh(fleet, pvc_dev) as conn:
        conn.enable()
        conn.send_config_set([f"interface {intf.name}.{sub.number} {sub.kind}",
                              f"no pvc {pvc.vpi}/{pvc.vci}"])
    with _ssh(fleet, xc_dev) as conn:
        conn.enable()
        conn.send_config_set([f"interface {low}",
                              f"no atm pvc {xc.low_vpi} {xc.low_vci} interface "
                              f"{xc_dev.state.ifname(xc.high_if)} {xc.high_vpi} {xc.high_vci}"])
    findings = run.poll()
    losses = {f["target"]: f for f in findings if f["kind"] == "line-data-loss"}
    assert set(losses) == {pvc_dev.name, xc_dev.name}, _loud(findings)
    assert {f["severity"] for f in losses.values()} <= {"high", "critical"}
    assert ": 1 of " in losses[pvc_dev.name]["title"]
    # the cross-connect row and the two VC links it joined
    assert ": 3 of " in losses[xc_dev.name]["title"]
    others = [f for f in _loud(findings)
              if not any(name in f for name in (pvc_dev.name, xc_dev.name))]
    assert others == [] or all(" fleet " in f for f in others), others


def test_the_noise_is_really_there(noisy):
    """The quiet result is not a quiet fleet: a raw session shows the noise."""
    fleet, _ = noisy
    dev = fleet.by_platform("cisco_ios")[2]
    with _ssh(fleet, dev) as conn:
        conn.enable()
        conn.write_channel("show running-config\n")
        raw = ""
        for _ in range(6000):          # bounded: the device answers in well under this
            chunk = conn.remote_conn.recv(65536).decode("utf-8", "replace")
            raw += chunk
            if not chunk or "\nend" in raw:
                break
    assert "--More--" in raw and "\x1b[" in raw and "\r\r\n" in raw
    assert "ntp clock-period" in raw and "crypto pki certificate chain" in raw


def test_a_unit_deleted_on_junos_and_a_row_destroyed_over_snmp_are_found_on_the_next_poll(noisy):
    """The role lines and counters left out of the comparison hide no real change."""
    fleet, run = noisy
    junos, switch = fleet.by_platform("juniper_junos")[0], fleet.by_platform("atm_mib")[0]
    intf = next(i for i in junos.state.interfaces.values() if i.subinterfaces)
    unit = sorted(intf.subinterfaces)[0]
    conn = operator_cli(junos)
    try:
        conn.send_config_set([f"delete interfaces {intf.name} unit {unit}"],
                             exit_config_mode=False)
        assert "commit complete" in conn.commit()
        conn.exit_config_mode()
    finally:
        conn.disconnect()
    row = next(oid for oid, value in walk(v2c(), switch.port, VCL)
               if oid[len(VCL.split(".")):][:2] == (1, 13) and int(value) == 1)
    set_int(v2c(), switch.port, ".".join(map(str, row)), 6)
    findings = run.poll()
    drift = {f["target"] for f in findings if f["kind"] == "drift" and f["severity"] == "high"}
    lost = {f["target"] for f in findings if f["kind"] == "line-data-loss"}
    assert junos.name in drift | lost, _loud(findings)
    assert switch.name in lost, _loud(findings)


def test_role_lines_restart_notes_and_counters_are_really_there(noisy):
    """Over real SSH and SNMP: the Junos role line above the prompt, IOS's restart note in some
    sessions, and error counters that move between two walks of the switch."""
    fleet, _ = noisy
    junos = fleet.by_platform("juniper_junos")[1]
    conn = operator_cli(junos)
    try:
        shown = conn.send_command("show configuration", strip_prompt=False)
    finally:
        conn.disconnect()
    assert any(line.strip().startswith(("{master:", "{primary:")) for line in shown.splitlines())
    notes = set()
    ios = fleet.by_platform("cisco_ios")[3]
    for _ in range(8):          # bounded: each session draws the note anew, half of them this one
        conn = operator_cli(ios)
        try:
            conn.enable()
            text = conn.send_command("show running-config", read_timeout=60)
        finally:
            conn.disconnect()
        notes |= {ln for ln in text.splitlines() if ln.startswith(("! Last configuration",
                                                                  "! No configuration"))}
        if any(n.startswith("! No") for n in notes) and any(n.startswith("! Last") for n in notes):
            break
    assert "! No configuration change since last restart" in notes
    aal5 = "1.3.6.1.2.1.37.1.12.1.3"          # aal5VccCrcErrors
    switch = fleet.by_platform("atm_mib")[1]
    first = snmpbulkwalk(switch.port, aal5)
    if first is None:
        first, second = ([str(v) for _, v in walk(v2c(), switch.port, aal5)] for _ in range(2))
    else:
        second = snmpbulkwalk(switch.port, aal5) or []
    assert first and len(first) == len(second) and first != second


def test_only_the_role_lines_around_an_output_are_left_out():
    """Above the output (a prompt in flight) and below it; one inside the output is data; an
    output of role lines alone is empty, which the collector calls a failed capture."""
    from lineguard.agent.devices.terminal import without_context

    assert without_context("{master:0}\nsystem {\n    host-name a;\n}\n\n{master:1}\n") == \
        "system {\n    host-name a;\n}"
    inside = 'system {\n    login message "{master:0}";\n}\n'
    assert without_context(inside) == inside
    assert without_context("\n{backup:1}\n").strip() == ""
    assert without_context("\n  version 15.1;\n") == "\n  version 15.1;\n"
