"""Collector platforms: one module per device platform, asked by parsing and drift; and the
per-platform check that a captured configuration is complete and clean, over configs rendered by
the simulated devices (the same text the agent captures from them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lineguard.agent.devices import profiles
from lineguard.collector import baseline, platforms
from lineguard.collector.analyse import drift
from lineguard.collector.home import Home
from lineguard.formats.wire import Artifact, Target
from lineguard.sim.state import build_device, render_ios, render_junos
from tests.baselinekit import Fleet
from tests.snapfactory import AgentChain

ROOT = Path(__file__).resolve().parent.parent
IOS = render_ios(build_device("atm-nara-10", "cisco_ios", "nara", 1))
JUNOS = render_junos(build_device("atm-nara-02", "juniper_junos", "nara", 2))


def test_parsing_and_drift_ask_the_platform_and_name_no_vendor() -> None:
    vendor = re.compile(r"cisco|ios\b|junos|juniper|atm_mib|running-config|show-", re.I)
    for module in ("collector/parse/device.py", "collector/analyse/drift.py"):
        source = (ROOT / module).read_text()
        assert not vendor.findall(source), module


def test_every_agent_profile_has_a_collector_platform_reading_the_same_artifact() -> None:
    assert platforms.names() == profiles.names() == ["atm_mib", "cisco_ios", "juniper_junos"]
    for name in platforms.names():
        profile, platform = profiles.get(name), platforms.get(name)
        if profile.config_artifact:
            assert platform.config_artifact == profile.config_artifact
        else:
            assert not platform.has_config


def test_an_unknown_platform_names_the_known_ones() -> None:
    with pytest.raises(platforms.UnknownPlatform, match="known: atm_mib, cisco_ios"):
        platforms.get("nokia_sros")


@pytest.mark.parametrize("name, text", [("cisco_ios", IOS), ("juniper_junos", JUNOS)])
def test_a_clean_capture_passes(name: str, text: str) -> None:
    assert platforms.get(name).capture_problem(text, "atm-nara-10") is None


def _glue(text: str, prefix: str) -> str:
    first, _, rest = text.partition("\n")
    return prefix + first + "\n" + rest


@pytest.mark.parametrize("name, text, expected", [
    ("cisco_ios", _glue(IOS, "atm-nara-10#"), "begin"),
    ("cisco_ios", IOS.replace("!\ninterface", "!\natm-nara-10#interface", 1),
     "device prompt at the start of line"),
    ("cisco_ios", IOS.replace("ip cef\n", "ip cef\nshow running-config\n"), "echoed command"),
    ("cisco_ios", IOS.rsplit("end", 1)[0], "does not end with 'end'"),
    ("cisco_ios", IOS.replace("ip cef", "ip c\b \bcef"), "control character"),
    ("cisco_ios", "\n\n", "empty configuration"),
    ("juniper_junos", _glue(JUNOS, "lgops@atm-nara-02> "), "begin"),
    ("juniper_junos", JUNOS.replace("system {", "lgops@atm-nara-02> system {"),
     "device prompt at the start of line"),
    ("juniper_junos", JUNOS.replace("system {", "show configuration\nsystem {"),
     "echoed command"),
    ("juniper_junos", JUNOS[: len(JUNOS) * 2 // 3], "truncated"),
])
def test_a_prompt_fragment_echo_or_truncation_is_a_problem(name: str, text: str,
                                                          expected: str) -> None:
    problem = platforms.get(name).capture_problem(text, "atm-nara-10")
    assert problem is not None and expected in problem


def test_a_walk_with_a_line_that_is_no_varbind_is_a_problem() -> None:
    walk = '1.3.6.1.2.1.2.2.1.2.1 = STRING: "ATM0/0/0"\n1.3.6.1.2.1.2.2.1.3.1 = INTEGER: 37\n'
    atm = platforms.get("atm_mib")
    assert atm.capture_problem(walk, "x") is None
    assert "not a varbind" in atm.capture_problem(walk + "Timeout: No Response\n", "x")
    assert atm.capture_problem("", "x") == "empty walk"


def _ios(name: str, config: str) -> Target:
    return Target(kind="device", name=name, status="ok",
                  facts={"platform": "cisco_ios", "site": "nara", "method": "cli"},
                  artifacts=(Artifact.from_bytes("running-config", "running-config",
                                                 config.encode()),))


def test_an_ok_poll_with_a_prompt_glued_to_a_line_is_judged_partial() -> None:
    judged = platforms.judged(_ios("atm-nara-10", _glue(IOS, "atm-nara-10#")))
    assert judged.status == "partial"
    assert judged.error.startswith("running-config: does not begin as a running-config does")
    assert platforms.judged(_ios("atm-nara-10", IOS)).status == "ok"


@pytest.fixture
def fleet(home: Home, chain: AgentChain) -> Fleet:
    return Fleet(home, chain)


def test_a_garbled_poll_is_partial_never_drift(fleet: Fleet, tmp_path: Path) -> None:
    fleet.poll(_ios("atm-nara-10", IOS))
    fleet.approve("atm-nara-10", fleet.approver(tmp_path))
    fleet.poll(_ios("atm-nara-10", _glue(IOS, "atm-nara-10#")))
    d = drift.diff_target(fleet.store, "atm-nara-10", fleet.baselines)
    assert d.status == "partial" and "begin" in d.error
    found = drift.findings(fleet.store, fleet.baselines, fleet.chain.taken)
    assert [f.kind for f in found] == ["poll-failed"]
    assert "partial" in found[0].title


def test_a_baseline_is_proposed_only_from_a_poll_that_passed_the_check(fleet: Fleet) -> None:
    fleet.poll(_ios("atm-nara-10", IOS.rsplit("end", 1)[0]))
    with pytest.raises(baseline.BaselineError, match="no complete poll"):
        baseline.propose(fleet.store, "atm-nara-10", fleet.baselines)
    fleet.poll(_ios("atm-nara-10", IOS), minutes=15)
    first = fleet.chain.seq
    fleet.poll(_ios("atm-nara-10", _glue(IOS, "atm-nara-10#")), minutes=15)
    proposal = baseline.propose(fleet.store, "atm-nara-10", fleet.baselines)
    assert f'"seq": {first}' in proposal.read_text()


def test_displayed_diff_and_evidence_leave_out_volatile_and_filler_lines(
        fleet: Fleet, tmp_path: Path) -> None:
    fleet.poll(_ios("atm-nara-10", IOS))
    fleet.approve("atm-nara-10", fleet.approver(tmp_path))
    # A subinterface block removed, and the header lines IOS rewrites on every show.
    head, _, tail = IOS.partition("interface ATM0/0/0.102")
    block, _, rest = tail.partition("!\ninterface")
    changed = (head.replace("Current configuration : 5953 bytes", "Current configuration : 9 bytes")
               .replace("! Last configuration change at 0", "! Last configuration change at 1")
               + "interface" + rest)
    fleet.poll(_ios("atm-nara-10", changed))
    d = drift.diff_target(fleet.store, "atm-nara-10", fleet.baselines)
    [change] = d.artifacts
    assert "Current configuration" not in change.diff
    assert "Last configuration change" not in change.diff
    assert "-interface ATM0/0/0.102" in change.diff
    texts = [e.evidence for e in change.evidence]
    assert texts[0] == "- interface ATM0/0/0.102 point-to-point"
    assert all(t.strip() not in ("-", "+", "- !", "+ !") for t in texts)
    [f] = [f for f in drift.findings(fleet.store, fleet.baselines, fleet.chain.taken)
           if f.kind == "drift"]
    assert f.evidence and all(not e.evidence.endswith("!") for e in f.evidence)
    assert all("configuration" not in e.evidence for e in f.evidence)
    lines = IOS.splitlines()
    assert change.evidence[0].line == lines.index("interface ATM0/0/0.102 point-to-point") + 1
