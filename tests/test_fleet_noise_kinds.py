"""Each kind of capture noise alone (every one of sim.noise.NOISES), at fleet scale: a small simulated fleet (one IOS router,
one Junos router, one ATM-MIB switch) prints only that noise, is polled with netmiko over SSH
and SNMP by the agent many times with nothing changed, and the collector finds no drift, no
lost line data and no failed or partial poll; then one PVC is removed on the IOS router and
one unit deleted on the Junos router under the same noise, and both are found at once. The
noise kinds all together are tests/test_fleet_noise.py."""

from __future__ import annotations

import pytest

from lineguard.sim.fleet import Fleet
from lineguard.sim.noise import NOISES
from tests.devicefleet import fault
from tests.sim_support import operator_cli
from tests.test_fleet_noise import Collector, _loud, _ssh

POLLS = 4
KINDS = NOISES


@pytest.fixture(scope="module", params=KINDS)
def noisy(request, tmp_path_factory) -> tuple[str, Fleet, Collector]:
    work = tmp_path_factory.mktemp(f"noise-{request.param}")
    with Fleet.start(sites=1, devices=3, out_dir=work / "fleet") as fleet:
        fleet.make_noisy([request.param], seed=5)
        run = Collector(work, fleet)
        run.poll()
        run.approve()
        yield request.param, fleet, run


def _partial(findings: list[dict]) -> list[str]:
    return [f"{f['severity']} {f['kind']} {f['target']}: {f['title']}" for f in findings
            if f["kind"] != "poll-failed" and "partial" in f["title"].lower()]


def test_an_untouched_device_with_this_noise_stays_quiet_over_many_polls(noisy):
    kind, fleet, run = noisy
    assert {d.platform for d in fleet.devices} == {"cisco_ios", "juniper_junos", "atm_mib"}
    loud = []
    for n in range(POLLS):
        findings = run.poll()
        loud += [f"poll {n + 1}: {f}" for f in _loud(findings) + _partial(findings)]
    assert loud == [], f"{kind}:\n" + "\n".join(loud)


def test_a_real_change_under_this_noise_is_found_on_the_next_poll(noisy):
    kind, fleet, run = noisy
    ios, junos = fleet.by_platform("cisco_ios")[0], fleet.by_platform("juniper_junos")[0]
    sub = next(s for i in ios.state.interfaces.values() for s in i.subinterfaces.values()
               if s.pvcs)
    intf = next(i for i in ios.state.interfaces.values() if sub.number in i.subinterfaces)
    pvc = sub.pvcs[0]
    unit_intf = next(i for i in junos.state.interfaces.values() if i.subinterfaces)
    # the operator's own sessions are not what is tested: they make the change without noise
    with fault(ios, noise=frozenset()), fault(junos, noise=frozenset()):
        with _ssh(fleet, ios) as conn:
            conn.enable()
            conn.send_config_set([f"interface {intf.name}.{sub.number} {sub.kind}",
                                  f"no pvc {pvc.vpi}/{pvc.vci}"])
        conn = operator_cli(junos)
        try:
            conn.send_config_set([f"delete interfaces {unit_intf.name} unit "
                                  f"{sorted(unit_intf.subinterfaces)[0]}"],
                                 exit_config_mode=False)
            assert "commit complete" in conn.commit()
            conn.exit_config_mode()
        finally:
            conn.disconnect()
    findings = run.poll()
    lost = {f["target"] for f in findings if f["kind"] == "line-data-loss"
            and f["severity"] in ("high", "critical")}
    assert {ios.name, junos.name} <= lost, (kind, _loud(findings))


_BANNER_CONFIG = """Building configuration...

Current configuration : 400 bytes
!
hostname atm-kobe-01
!
interface ATM1/0.100 point-to-point
 pvc 1/100
  vbr-nrt 2000 1000
!
banner exec ^CSessions are logged. Type exit at the atm-kobe-01# prompt^C
banner motd ^C
 Circuits of this node, for the record:
interface ATM1/0.200 point-to-point
 pvc 1/200
atm-kobe-01#show atm vc
atm-kobe-01>
login:
end
^C
!
end
"""


def test_banner_text_is_neither_a_prompt_nor_a_statement():
    """A prompt-like line, `end`, `interface …` and ` pvc …` inside a banner are its text: the
    capture is clean and complete, and the only PVC is the configured one."""
    from lineguard.collector.parse.ios import line_data
    from lineguard.collector.platforms import get

    ios = get("cisco_ios")
    assert ios.capture_problem(_BANNER_CONFIG, "atm-kobe-01") is None
    assert [(r.interface, r.vpi, r.vci) for r in line_data("atm-kobe-01", _BANNER_CONFIG)] == \
        [("ATM1/0", 1, 100)]


def test_a_prompt_outside_a_banner_and_a_capture_cut_inside_one_stay_partial():
    """The banner's text is set aside, nothing else: a real prompt after the banner is still a
    prompt, and a capture cut inside a banner (its `end` line is banner text) is truncated."""
    from lineguard.agent.devices.profiles import get as profile
    from lineguard.collector.platforms import get

    ios = get("cisco_ios")
    prompt_after = _BANNER_CONFIG.replace("^C\n!\nend\n", "^C\natm-kobe-01#\n!\nend\n")
    assert "device prompt" in (ios.capture_problem(prompt_after, "atm-kobe-01") or "")
    cut = _BANNER_CONFIG[:_BANNER_CONFIG.index("end\n^C") + 4]
    assert "inside a banner" in (ios.capture_problem(cut, "atm-kobe-01") or "")
    assert "inside a banner" in (profile("cisco_ios").truncation(cut) or "")


def test_the_reader_reads_on_past_a_prompt_like_banner_line():
    """The agent's reader stops at a prompt only outside a banner: read so far up to a banner's
    `HOST>` line, the output is not over; after the closing `^C` and the prompt it is."""
    from lineguard.agent.devices.cli import prompt_inside
    from lineguard.formats.banners import verbatim

    upto = _BANNER_CONFIG[:_BANNER_CONFIG.index("atm-kobe-01>") + len("atm-kobe-01>")]
    assert verbatim(upto).open
    assert not verbatim(_BANNER_CONFIG).open
    assert prompt_inside(_BANNER_CONFIG, "atm-kobe-01", verbatim) is None
    assert prompt_inside(_BANNER_CONFIG, "atm-kobe-01") is not None
