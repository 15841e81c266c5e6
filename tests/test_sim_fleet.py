"""`python -m lineguard.sim fleet` and the files it writes: the agent's inventory and credentials."""

from __future__ import annotations

import signal
import stat
import subprocess
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

import paramiko
import pytest

from lineguard import sim
from lineguard.sim.fleet import Fleet, free_port, plan

REPO = Path(__file__).resolve().parents[1]


def test_plan_mixes_platforms_and_spreads_devices_over_sites():
    devices = plan(sites=3, devices=60)
    assert Counter(d.site for d in devices) == {"kobe": 20, "osaka": 20, "kyoto": 20}
    mix = Counter(d.platform for d in devices)
    assert mix == {"cisco_ios": 36, "juniper_junos": 12, "atm_mib": 12}
    assert {d.snmp_version for d in devices if d.platform == "atm_mib"} == {"2c", "3"}
    assert [d.platform for d in plan(sites=1, devices=3)] == ["cisco_ios", "juniper_junos",
                                                              "atm_mib"]
    assert len({d.name for d in devices}) == 60


def test_inventory_and_credentials_files_follow_the_design(tmp_path):
    base = free_port()
    with Fleet.start(sites=2, devices=6, out_dir=tmp_path, base_port=base) as fleet:
        inventory = tomllib.loads(fleet.inventory_path.read_text())
        credentials = tomllib.loads(fleet.credentials_path.read_text())
        mode = stat.S_IMODE(fleet.credentials_path.stat().st_mode)
    assert mode == 0o600
    devices = inventory["device"]
    assert [d["port"] for d in devices] == list(range(base, base + 6))
    for dev in devices:
        assert set(dev) == {"name", "platform", "site", "method", "host", "port", "credentials",
                            "snmp"}
        assert dev["host"] == "127.0.0.1"
        assert dev["credentials"] in credentials
        assert dev["snmp"]["credentials"] in credentials and dev["snmp"]["port"] == dev["port"]
        assert dev["method"] == ("snmp" if dev["platform"] == "atm_mib" else "cli")
    assert credentials["lab-ios"].keys() == {"username", "password", "secret"}
    assert credentials["lab-snmpv3"]["auth_protocol"] == "SHA"
    assert "password" not in Path(fleet.inventory_path).read_text()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_command_line_fleet_starts_and_stops_cleanly(tmp_path, sig):
    proc = subprocess.Popen(
        [sys.executable, "-m", "lineguard.sim", "fleet", "--sites", "1", "--devices", "3",
         "--out", str(tmp_path), "--fault", "atm-kobe-01=reject_auth"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready = proc.stdout.readline()
        assert ready.startswith("sim fleet ready: 3 devices"), proc.stderr.read()
        assert (tmp_path / "inventory.toml").exists()
        proc.send_signal(sig)
        assert proc.wait(timeout=60) == 0
        assert "sim fleet stopped" in proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_command_line_rejects_unknown_faults(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "lineguard.sim", "fleet", "--devices", "3", "--sites", "1",
         "--out", str(tmp_path), "--fault", "atm-kobe-01=meltdown"],
        cwd=REPO, capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "unknown fault 'meltdown'" in done.stderr


def test_stopping_the_fleet_closes_open_ssh_sessions(tmp_path):
    fleet = Fleet.start(sites=1, devices=1, out_dir=tmp_path)
    dev = fleet.devices[0]
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect("127.0.0.1", port=dev.port, username="lgops", password="ios-pass-1",
                   look_for_keys=False, allow_agent=False, timeout=30)
    try:
        assert client.get_transport().is_active()
        fleet.stop()
        deadline = time.monotonic() + 5
        while client.get_transport().is_active() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not client.get_transport().is_active()
    finally:
        client.close()


def test_without_the_sim_extra_the_simulator_says_how_to_get_it(monkeypatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "asyncssh" else real(name, *a))
    with pytest.raises(SystemExit) as exited:
        sim.require_extra("python -m lineguard.sim")
    assert str(exited.value) == ("python -m lineguard.sim: the simulated fleet needs asyncssh, which comes "
                                 "with the 'sim' extra: pip install 'lineguard[sim]'")


def test_a_port_taken_between_finding_it_free_and_binding_it_is_skipped(tmp_path, monkeypatch):
    """free_port() only finds a port; on a busy machine another program's connection may take
    it before the device binds it (the fleet then failed to start: tests/test_fleet_noise.py
    errored so under load). The fleet takes another port; the taken one is left alone."""
    import socket

    from lineguard.sim import fleet as fleet_module

    taken: list[socket.socket] = []
    real = fleet_module.free_port

    def found_then_taken() -> int:
        port = real()
        if len(taken) < 4:              # the first ports found are taken (TCP and UDP) at once
            tcp, udp = socket.socket(), socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            tcp.bind(("127.0.0.1", port))
            tcp.listen()
            udp.bind(("127.0.0.1", port))
            taken.extend((tcp, udp))
        return port

    monkeypatch.setattr(fleet_module, "free_port", found_then_taken)
    try:
        with Fleet.start(sites=1, devices=3, out_dir=tmp_path) as fleet:
            busy = {s.getsockname()[1] for s in taken}
            assert busy and not busy & {d.port for d in fleet.devices}
            for dev in fleet.devices:
                if dev.platform != "atm_mib":
                    with socket.create_connection(("127.0.0.1", dev.port), timeout=30) as c:
                        assert c.recv(64).startswith(b"SSH-")
    finally:
        for s in taken:
            s.close()
