"""Alerts from a noisy fleet as a NOC lives with them: every device prints all of sim.noise's
capture noise, each site's findings are mailed to that site's NOC over real SMTP (aiosmtpd),
and the fleet is polled with netmiko over SSH and SNMP again and again.

- A device that flaps (its session cut mid-configuration, its login refused, its SNMP agent
  silent, then fine again, three times over) is a failed poll while it fails, never drift nor
  lost line data, and quiet again when it answers; its failure is mailed once, not at every
  flap.
- One PVC removed is mailed once to its own site's NOC, not again at each noisy poll after.
- Waived by two approvers, it stays waived over noisy polls; a second PVC removed on the same
  device is new evidence, mailed at once."""

from __future__ import annotations

import pytest

from lineguard.collector.cli import main as lineguard
from lineguard.sim.fleet import Fleet
from lineguard.sim.noise import NOISES
from tests.devicefleet import fault
from tests.smtpsink import text_of
from tests.test_fleet_noise import Collector, _run, _ssh

FLAPS = 3
QUIET_POLLS = 3
LOSS = ("drift", "line-data-loss")

CONFIG = """\
smtp_port = {port}
mail_from = "lineguard@noc.example.net"
mail_to = ["noc@example.net"]
alert_threshold = "high"
realert_hours = 24

[site.kobe]
mail_to = ["kobe-noc@example.net"]

[site.osaka]
mail_to = ["osaka-noc@example.net"]
"""


@pytest.fixture(scope="module")
def noisy(tmp_path_factory):
    work = tmp_path_factory.mktemp("noise-alerts")
    with Fleet.start(sites=2, devices=6, out_dir=work / "fleet") as fleet:
        fleet.make_noisy(NOISES, seed=21)
        run = Collector(work, fleet)
        run.poll()
        run.approve()
        yield fleet, run


def _check(run: Collector) -> None:
    _run(lineguard, "--home", str(run.home), "check")


def _subjects(inbox) -> list[tuple[str, str]]:
    return [(msg["To"], text_of(msg)) for _, _, msg in inbox.messages]


def test_flapping_devices_are_failed_polls_mailed_once_and_never_drift(noisy, smtp):
    fleet, run = noisy
    port, inbox = smtp
    (run.home / "config.toml").write_text(CONFIG.format(port=port))
    flappers = [fleet.by_platform("cisco_ios")[0], fleet.by_platform("juniper_junos")[0],
                fleet.by_platform("atm_mib")[0]]
    names = {d.name for d in flappers}
    run.poll()
    _check(run)         # the mail routes just written are a change of their own, mailed once
    assert not any(name in body for _, body in _subjects(inbox) for name in names)
    mailed_after_first_flap = None
    for flap in range(FLAPS):
        with fault(flappers[0], drop_mid_config=True), fault(flappers[1], reject_auth=True), \
                fault(flappers[2], snmp_silent=True):
            findings = run.poll()
        failed = {f["target"] for f in findings if f["kind"] == "poll-failed"}
        assert failed == names, (flap, failed)
        noise = [f"{f['kind']} {f['target']}" for f in findings if f["kind"] in LOSS]
        assert noise == [], (flap, noise)
        _check(run)
        findings = run.poll()
        back = [f"{f['kind']} {f['target']}: {f['title']} {f['detail']}" for f in findings
                if f["target"] in names]
        assert back == [], f"flap {flap}: " + "\n".join(back)
        _check(run)
        if mailed_after_first_flap is None:
            mailed_after_first_flap = len(inbox.messages)
            bodies = "\n".join(body for _, body in _subjects(inbox))
            assert all(name in bodies for name in names), bodies
    assert len(inbox.messages) == mailed_after_first_flap, _subjects(inbox)[mailed_after_first_flap:]


def test_a_lost_pvc_is_mailed_once_to_its_site_and_a_waiver_holds_over_noisy_polls(noisy, smtp):
    fleet, run = noisy
    port, inbox = smtp
    (run.home / "config.toml").write_text(CONFIG.format(port=port))
    _check(run)
    already = len(inbox.messages)
    dev = fleet.by_platform("cisco_ios")[1]
    first, second = [(f"interface {i.name}.{s.number} {s.kind}", f"no pvc {p.vpi}/{p.vci}")
                     for i in dev.state.interfaces.values() for s in i.subinterfaces.values()
                     for p in s.pvcs][:2]

    def remove(lines: tuple[str, str]) -> None:
        with _ssh(fleet, dev) as conn:
            conn.enable()
            conn.send_config_set(list(lines))

    remove(first)
    findings = run.poll()
    loss = next(f for f in findings if f["kind"] == "line-data-loss" and f["target"] == dev.name)
    drift = next(f for f in findings if f["kind"] == "drift" and f["target"] == dev.name)
    _check(run)
    new = _subjects(inbox)[already:]
    assert len(new) == 1 and new[0][0] == f"{dev.site}-noc@example.net", new
    assert dev.name in new[0][1]
    for _ in range(QUIET_POLLS):
        findings = run.poll()
        assert {loss["key"], drift["key"]} <= {f["key"] for f in findings}
        _check(run)
    assert len(inbox.messages) == already + 1, _subjects(inbox)[already + 1:]

    for name, key in run.approvers:
        for finding in (loss, drift):
            _run(lineguard, "--home", str(run.home), "waive", finding["key"], "--until",
                 "2027-06-30", "--reason", "CHG-4711: circuit decommissioned", "--key", str(key),
                 "--by", name)
    for _ in range(QUIET_POLLS):
        findings = run.poll()
        status = {f["key"]: f["status"] for f in findings}
        assert status[loss["key"]] == status[drift["key"]] == "waived", status
        _check(run)
    assert len(inbox.messages) == already + 1, _subjects(inbox)[already + 1:]

    remove(second)
    run.poll()
    _check(run)
    new = _subjects(inbox)[already + 1:]
    assert len(new) == 1 and dev.name in new[0][1] and "line data lost" in new[0][1], new
