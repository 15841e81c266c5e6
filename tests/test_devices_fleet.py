"""Device collection against the simulated ATM fleet, for real: netmiko over SSH and pysnmp over
UDP on loopback. Every failure mode ends as an explicit status, never as an empty or cut-short
config that would read as deleted line data."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from lineguard.agent.devices import collect
from lineguard.collector.parse.device import IncompleteTarget, jobs, line_data
from lineguard.formats.wire import Target
from lineguard.sim.fleet import HOST, Fleet
from tests.devicefleet import MASK_KEY, fault, first, inventory
from tests.sim_support import remove_pvc


@pytest.fixture(scope="module")
def fleet(tmp_path_factory) -> Fleet:
    # 8 devices in one site: cisco_ios x4, juniper_junos x2, atm_mib x2 (one v2c, one v3).
    with Fleet.start(sites=1, devices=8, out_dir=tmp_path_factory.mktemp("fleet")) as f:
        yield f


def _poll(fleet: Fleet, tmp_path: Path, entries, **kw) -> list[Target]:
    path = inventory(tmp_path / "inventory.toml", entries)
    kw.setdefault("timeout", 30)     # devices that answer never wait it out
    kw.setdefault("retries", 0)
    return collect(path, fleet.credentials_path, mask_key=MASK_KEY, **kw)


def _one(fleet: Fleet, tmp_path: Path, dev, method: str, creds: str, **kw) -> Target:
    (target,) = _poll(fleet, tmp_path, [(dev, method, creds)], **kw)
    return target


def test_the_whole_fleet_polls_ok_from_its_own_inventory(fleet):
    targets = collect(fleet.inventory_path, fleet.credentials_path, mask_key=MASK_KEY,
                      timeout=30, retries=0)
    assert [t.name for t in targets] == [d.name for d in fleet.devices]
    assert {t.status for t in targets} == {"ok"}, [(t.name, t.error) for t in targets]
    for t in targets:
        rows = line_data(t)
        assert rows, t.name
        assert t.facts["platform"] == fleet.device(t.name).platform
    ios = next(t for t in targets if t.facts["platform"] == "cisco_ios")
    config = ios.artifact("running-config").text()
    assert config.rstrip().endswith("end")
    assert "$1$mERr$hx5rVt7rPNoS4wqbXKX7m0" not in config
    assert "enable secret 5 <masked:hmac-sha256:" in config
    assert ios.facts["timezone"] == "JST 9 0"
    assert {a.name for a in ios.artifacts} == {
        "running-config", "show-atm-vc", "show-kron-schedule",
        "show-event-manager-policy-registered", "show-reload", "show-clock"}
    junos = next(t for t in targets if t.facts["platform"] == "juniper_junos")
    assert junos.facts["timezone"] == "Asia/Tokyo"
    walk = next(t for t in targets if t.facts["platform"] == "atm_mib")
    assert walk.artifact("snmp-walk").kind == "snmp-walk"


@pytest.mark.parametrize("platform, creds", [("cisco_ios", "lab-ios"),
                                             ("juniper_junos", "lab-junos")])
def test_snmp_and_cli_line_data_of_one_device_compare_equal(fleet, tmp_path, platform, creds):
    dev = first(fleet, platform)
    by_cli = _one(fleet, tmp_path, dev, "cli", creds)
    by_snmp = _one(fleet, tmp_path, dev, "snmp", "lab-snmpv3")
    cli_rows = sorted(line_data(by_cli), key=repr)
    snmp_rows = sorted(line_data(by_snmp), key=repr)
    assert len(cli_rows) >= 24
    assert cli_rows == snmp_rows


def test_a_pvc_removed_over_the_cli_is_gone_from_both_views(fleet, tmp_path):
    dev = fleet.by_platform("cisco_ios")[1]
    before = _one(fleet, tmp_path, dev, "cli", "lab-ios")
    victim = next(r for r in line_data(before) if r.kind == "vcl" and "subinterface" in r.extra)
    remove_pvc(dev, victim.extra["subinterface"], victim.vpi, victim.vci)
    by_cli = _one(fleet, tmp_path, dev, "cli", "lab-ios")
    by_snmp = _one(fleet, tmp_path, dev, "snmp", "lab-snmp")
    after_cli, after_snmp = set(line_data(by_cli)), set(line_data(by_snmp))
    assert set(line_data(before)) - after_cli == {victim}
    assert after_cli == after_snmp


def _assert_never_line_data(target: Target) -> None:
    with pytest.raises(IncompleteTarget):
        line_data(target)


def test_a_session_dropped_mid_config_is_partial_never_an_ok_short_config(fleet, tmp_path):
    dev = first(fleet, "cisco_ios")
    with fault(dev, drop_mid_config=True):
        target = _one(fleet, tmp_path, dev, "cli", "lab-ios")
    assert target.status == "partial"
    assert "dropped" in target.error
    config = target.artifact("running-config")
    assert config.error and "dropped" in config.error
    assert 0 < len(config.text()) and not config.text().rstrip().endswith("end")
    _assert_never_line_data(target)


def test_a_junos_session_dropped_mid_config_is_partial(fleet, tmp_path):
    dev = first(fleet, "juniper_junos")
    with fault(dev, drop_mid_config=True):
        target = _one(fleet, tmp_path, dev, "cli", "lab-junos")
    assert target.status == "partial" and "dropped" in target.error
    _assert_never_line_data(target)


@pytest.mark.parametrize("platform, creds, end", [("cisco_ios", "lab-ios", "'end'"),
                                                  ("juniper_junos", "lab-junos", "brace")])
def test_a_truncated_config_is_partial_with_the_reason(fleet, tmp_path, platform, creds, end):
    dev = first(fleet, platform)
    with fault(dev, truncate_config=True):
        target = _one(fleet, tmp_path, dev, "cli", creds)
    assert target.status == "partial"
    assert "truncated" in target.error and end in target.error
    _assert_never_line_data(target)
    # The jobs in what was read are still reported: a cut config can still hide a wipe job.
    assert isinstance(jobs(target), list)


def test_a_refused_login_is_auth_failed_with_no_artifacts(fleet, tmp_path):
    dev = first(fleet, "cisco_ios")
    with fault(dev, reject_auth=True):
        target = _one(fleet, tmp_path, dev, "cli", "lab-ios", retries=1)
    assert (target.status, target.artifacts) == ("auth-failed", ())
    assert "lgops" in target.error
    _assert_never_line_data(target)


def test_a_wrong_password_from_the_environment_is_auth_failed(fleet, tmp_path, monkeypatch):
    monkeypatch.setenv("LINEGUARD_CRED_LAB_JUNOS_PASSWORD", "not-the-password")
    target = _one(fleet, tmp_path, first(fleet, "juniper_junos"), "cli", "lab-junos")
    assert target.status == "auth-failed"


def test_a_silent_snmp_agent_is_a_timeout(fleet, tmp_path):
    dev = first(fleet, "atm_mib", "2c")
    with fault(dev, snmp_silent=True):
        target = _one(fleet, tmp_path, dev, "snmp", "lab-snmp", timeout=1, retries=1)
    assert target.status == "timeout"
    assert "no SNMP response" in target.error
    assert target.artifacts == ()
    _assert_never_line_data(target)


def test_a_v3_user_with_a_wrong_auth_key_is_auth_failed(fleet, tmp_path, monkeypatch):
    monkeypatch.setenv("LINEGUARD_CRED_LAB_SNMPV3_AUTH_KEY", "wrong-auth-key-9")
    target = _one(fleet, tmp_path, first(fleet, "atm_mib", "3"), "snmp", "lab-snmpv3")
    assert target.status == "auth-failed"
    assert "digest" in target.error.lower()
    _assert_never_line_data(target)


def test_a_slow_cli_is_a_timeout(fleet, tmp_path):
    dev = fleet.by_platform("cisco_ios")[2]
    with fault(dev, delay_s=2.0):
        target = _one(fleet, tmp_path, dev, "cli", "lab-ios", timeout=1)
    assert target.status == "timeout"
    _assert_never_line_data(target)


def test_a_closed_port_is_unreachable_and_other_devices_still_poll(fleet, tmp_path):
    good = first(fleet, "cisco_ios")
    gone = replace(good, name="atm-gone-01", port=1)
    bad, ok = _poll(fleet, tmp_path, [(gone, "cli", "lab-ios"), (good, "cli", "lab-ios")],
                    retries=1)
    assert (bad.status, ok.status) == ("unreachable", "ok")


def test_device_jobs_come_out_in_the_device_clock_zone(fleet, tmp_path):
    from datetime import UTC, datetime, timedelta

    from lineguard.sim.state import PendingReload
    dev = fleet.by_platform("cisco_ios")[3]
    at = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=2)
    dev.state.pending_reload = PendingReload(at=at)
    try:
        target = _one(fleet, tmp_path, dev, "cli", "lab-ios")
    finally:
        dev.state.pending_reload = None
    found = {j.source: j for j in jobs(target)}
    assert set(found) == {"eem", "kron", "reload"}
    assert found["reload"].trigger.when == at
    assert found["kron"].timezone == "Etc/GMT-9"
    assert found["kron"].actions[0][0] == "write memory"
    assert found["eem"].trigger.expr == "30 2 * * *"


def test_junos_event_policies_are_jobs(fleet, tmp_path):
    target = _one(fleet, tmp_path, first(fleet, "juniper_junos"), "cli", "lab-junos")
    (job,) = jobs(target)
    assert (job.source, job.trigger.expr, job.timezone) == ("junos-event", "0 4 * * *",
                                                            "Etc/GMT-9")
    assert job.actions[0][0] == "show system uptime"


def test_a_saved_config_is_read_like_a_poll(fleet, tmp_path):
    from lineguard.sim.state import render_ios
    dev = first(fleet, "cisco_ios")
    backups = tmp_path / "backups"
    backups.mkdir()
    full = render_ios(dev.state)
    (backups / "good.cfg").write_text(full)
    (backups / "cut.cfg").write_text(full[: len(full) // 2])
    inv = tmp_path / "inventory.toml"
    inv.write_text("".join(
        f'[[device]]\nname = "{n}"\nplatform = "cisco_ios"\nsite = "kobe"\nmethod = "file"\n'
        f'path = "backups/{f}"\n\n' for n, f in (("saved-good", "good.cfg"),
                                                 ("saved-cut", "cut.cfg"),
                                                 ("saved-missing", "missing.cfg"))))
    good, cut, missing = collect(inv, None, mask_key=MASK_KEY)
    assert good.status == "ok" and len(line_data(good)) == len(dev.state.all_pvcs()) + 3 * len(
        dev.state.cross_connects)
    assert cut.status == "partial" and "truncated" in cut.error
    assert missing.status == "unreachable"


def test_an_snmp_destroy_of_a_vcl_row_is_a_real_loss_seen_by_both_views(fleet, tmp_path):
    import asyncio

    from pysnmp.hlapi.v3arch.asyncio import (
        CommunityData,
        ContextData,
        ObjectIdentity,
        ObjectType,
        SnmpEngine,
        UdpTransportTarget,
        set_cmd,
    )
    from pysnmp.proto.rfc1902 import Integer32
    dev = fleet.by_platform("cisco_ios")[3]
    before = set(line_data(_one(fleet, tmp_path, dev, "cli", "lab-ios")))
    intf, _sub, pvc = dev.state.all_pvcs()[0]
    row_status = f"1.3.6.1.2.1.37.1.7.1.13.{intf.ifindex}.{pvc.vpi}.{pvc.vci}"

    async def destroy():
        engine = SnmpEngine()
        target = await UdpTransportTarget.create((HOST, dev.port), timeout=10, retries=1)
        result = await set_cmd(engine, CommunityData(fleet.credentials["lab-snmp"]["community"]),
                               target, ContextData(),
                               ObjectType(ObjectIdentity(row_status), Integer32(6)))
        engine.close_dispatcher()
        return result

    err_ind, err_stat, _idx, _vbs = asyncio.run(destroy())
    assert not err_ind and not err_stat
    after_cli = set(line_data(_one(fleet, tmp_path, dev, "cli", "lab-ios")))
    after_snmp = set(line_data(_one(fleet, tmp_path, dev, "snmp", "lab-snmp")))
    lost = before - after_cli
    assert {(r.kind, r.interface, r.vpi, r.vci) for r in lost} == {
        ("vcl", intf.name, pvc.vpi, pvc.vci)}
    assert after_cli == after_snmp


def test_output_over_the_size_bound_is_partial_never_read_on(fleet, tmp_path, monkeypatch):
    from lineguard.agent.devices import cli

    monkeypatch.setattr(cli, "MAX_OUTPUT_CHARS", 2000)
    target = _one(fleet, tmp_path, first(fleet, "cisco_ios"), "cli", "lab-ios")
    assert target.status == "partial" and "over 2000 characters: cut short" in target.error
    assert len(target.artifact("running-config").text()) <= 2000
    _assert_never_line_data(target)


@pytest.mark.parametrize("platform, creds, config", [("cisco_ios", "lab-ios", "running-config"),
                                                     ("juniper_junos", "lab-junos",
                                                      "show-configuration")])
def test_a_stray_prompt_in_the_output_is_read_again(fleet, tmp_path, platform, creds, config):
    dev = first(fleet, platform)
    with fault(dev, stray_prompts=1):
        target = _one(fleet, tmp_path, dev, "cli", creds)
    assert target.status == "ok", target.error
    text = target.artifact(config).text()
    assert not any(line.startswith(dev.name) or "@" + dev.name in line.split(" ")[0]
                   for line in text.splitlines())


@pytest.mark.parametrize("platform, creds", [("cisco_ios", "lab-ios"),
                                             ("juniper_junos", "lab-junos")])
def test_a_device_that_keeps_gluing_prompts_to_its_output_is_partial(fleet, tmp_path, platform,
                                                                    creds):
    dev = first(fleet, platform)
    with fault(dev, stray_prompts=1000):
        target = _one(fleet, tmp_path, dev, "cli", creds)
    assert target.status == "partial"
    assert "device prompt inside the output at line 1, twice" in target.error
