"""netmiko's own cisco_ios and juniper_junos drivers, unchanged, against the simulated fleet."""

from __future__ import annotations

import time

import paramiko
import pytest
from netmiko import ConnectHandler
from netmiko.exceptions import NetmikoAuthenticationException, ReadTimeout

from lineguard.sim.fleet import CREDENTIALS
from tests.sim_support import VCL, operator_cli, v2c, walk


@pytest.fixture(autouse=True)
def _healthy(healthy):
    yield


def _ios(fleet, **extra):
    dev = fleet.by_platform("cisco_ios")[0]
    return dev, operator_cli(dev, **extra)


def _junos(fleet):
    dev = fleet.by_platform("juniper_junos")[0]
    return dev, operator_cli(dev)


def test_netmiko_logs_in_enables_and_reads_the_whole_config(fleet):
    dev, conn = _ios(fleet)
    try:
        assert conn.base_prompt == dev.name
        conn.enable()
        assert conn.find_prompt() == f"{dev.name}#"
        config = conn.send_command("show running-config")
        assert config.rstrip().endswith("end")
        assert f"hostname {dev.name}" in config
        assert "PVC" in conn.send_command("show atm pvc")
        assert "No reload is scheduled." in conn.send_command("show reload")
        assert "Kron Occurrence Schedule" in conn.send_command("show kron schedule")
        assert " JST " in conn.send_command("show clock")
    finally:
        conn.disconnect()


def test_pvc_removed_over_the_cli_vanishes_from_config_and_snmp(fleet):
    dev, conn = _ios(fleet)
    intf, sub, pvc = dev.state.all_pvcs()[0]
    instance = (intf.ifindex, pvc.vpi, pvc.vci)
    vcl_rowstatus = tuple(int(x) for x in VCL.split(".")) + (1, 13) + instance
    assert vcl_rowstatus in dict(walk(v2c(), dev.port, VCL))
    try:
        conn.enable()
        conn.send_config_set([f"interface {intf.name}.{sub.number}",
                              f"no pvc {pvc.vpi}/{pvc.vci}"])
        config = conn.send_command("show running-config")
    finally:
        conn.disconnect()
    assert f"interface {intf.name}.{sub.number} point-to-point" in config
    assert f" {pvc.vpi}/{pvc.vci} " not in config
    assert vcl_rowstatus not in dict(walk(v2c(), dev.port, VCL))


def test_wrong_enable_secret_leaves_netmiko_unprivileged(fleet):
    dev = fleet.by_platform("cisco_ios")[0]
    cred = CREDENTIALS["lab-ios"]
    conn = ConnectHandler(device_type="cisco_ios", host="127.0.0.1", port=dev.port,
                          username=cred["username"], password=cred["password"],
                          secret="not-the-secret", conn_timeout=30)
    try:
        with pytest.raises(ValueError):
            conn.enable()
        assert "Invalid input" in conn.send_command("show running-config")
    finally:
        conn.disconnect()


def test_junos_delete_unit_and_commit_removes_the_pvc_everywhere(fleet):
    dev, conn = _junos(fleet)
    intf = dev.state.interfaces[1]
    number = sorted(intf.subinterfaces)[0]
    pvc = intf.subinterfaces[number].pvcs[0]
    try:
        assert conn.base_prompt == f"lgops@{dev.name}"
        before = conn.send_command("show configuration")
        assert f"unit {number} {{" in before and before.rstrip().endswith("}")
        conn.send_config_set([f"delete interfaces {intf.name} unit {number}"],
                             exit_config_mode=False)
        assert "commit complete" in conn.commit()
        conn.exit_config_mode()
        after = conn.send_command("show configuration | display set")
    finally:
        conn.disconnect()
    assert f"set interfaces {intf.name} unit {number} " not in after
    assert f"set interfaces {intf.name} unit {sorted(intf.subinterfaces)[0]} " in after
    oid = (1, 3, 6, 1, 2, 1, 37, 1, 7, 1, 13, intf.ifindex, pvc.vpi, pvc.vci)
    assert oid not in dict(walk(v2c(), dev.port, VCL))


def test_session_dropped_mid_config_never_yields_a_complete_config(fleet):
    dev, conn = _ios(fleet)
    try:
        conn.enable()
        dev.state.faults.drop_mid_config = True
        with pytest.raises((OSError, EOFError, ReadTimeout)):
            conn.send_command("show running-config", read_timeout=30)
        # a cut session, not a slow one: the client can tell the difference
        assert conn.remote_conn.closed
    finally:
        conn.disconnect()


def test_truncated_config_has_no_end(fleet):
    dev, conn = _ios(fleet)
    dev.state.faults.truncate_config = True
    try:
        conn.enable()
        config = conn.send_command("show running-config")
    finally:
        conn.disconnect()
    assert "hostname" in config
    assert not config.rstrip().endswith("end")


def test_truncated_junos_config_leaves_braces_open(fleet):
    dev, conn = _junos(fleet)
    dev.state.faults.truncate_config = True
    try:
        config = conn.send_command("show configuration")
    finally:
        conn.disconnect()
    assert config.count("{") > config.count("}")


def test_rejected_password_is_an_authentication_failure(fleet):
    fleet.by_platform("cisco_ios")[0].state.faults.reject_auth = True
    with pytest.raises(NetmikoAuthenticationException):
        _ios(fleet)


def test_slow_device_answers_late_but_completely(fleet):
    dev, conn = _ios(fleet)
    try:
        conn.enable()
        dev.state.faults.delay_s = 0.5
        started = time.monotonic()
        clock = conn.send_command("show clock", read_timeout=30)
        took = time.monotonic() - started
    finally:
        dev.state.faults.delay_s = 0.0
        conn.disconnect()
    assert " JST " in clock
    assert took >= 0.5


def test_one_shot_ssh_command_returns_the_config_without_prompts(fleet):
    dev = fleet.by_platform("cisco_ios")[0]
    cred = CREDENTIALS["lab-ios"]
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect("127.0.0.1", port=dev.port, username=cred["username"],
                   password=cred["password"], look_for_keys=False, allow_agent=False, timeout=30)
    try:
        _, stdout, _ = client.exec_command("show running-config", timeout=30)
        text = stdout.read().decode()
    finally:
        client.close()
    assert text.startswith("Building configuration...") and text.endswith("end\n")
    assert f"{dev.name}#" not in text
