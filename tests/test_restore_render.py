"""Per-platform restore commands on their own: what each platform module renders from a
baseline, what it refuses to, and what the agent never sends."""

from __future__ import annotations

import pytest

from lineguard.agent.restore.document import RestoreRow
from lineguard.collector.model import LineDataRow
from lineguard.collector.parse import ios as ios_parse
from lineguard.collector.parse import junos as junos_parse
from lineguard.collector.restore import atm_mib, ios, junos

IOS_CONFIG = """hostname r1
!
interface ATM0/0/0
 no ip address
!
interface ATM0/0/0.100 point-to-point
 ip address 10.0.0.1 255.255.255.252
 pvc BTS100 1/100
  vbr-nrt 4000 2000 94
  protocol ip 10.0.0.2 broadcast
  oam-pvc manage 10
  encapsulation aal5snap
 !
 pvc 1/101
  encapsulation aal5mux
 !
interface ATM0/0/3
 atm pvc 0 100 interface ATM0/0/4 10 200
!
interface ATM0/0/0.200 point-to-point
 pvc SECRET 1/200
  protocol ip 10.0.0.6 <masked:hmac-sha256:0123456789abcdef>
!
end
"""


def _rows(found: list[LineDataRow]) -> list[RestoreRow]:
    return [RestoreRow(i, "missing", r, None, f"{r.kind} {r.vpi}/{r.vci}")
            for i, r in enumerate(found, 1)]


def test_ios_renders_context_and_whole_stanza_and_one_line_for_a_cross_connect() -> None:
    rows = _rows(ios_parse.line_data("r1", IOS_CONFIG))
    actions, refused = ios.render(rows, IOS_CONFIG)
    assert actions[0].commands == ("interface ATM0/0/0.100 point-to-point", "pvc BTS100 1/100",
                                   "vbr-nrt 4000 2000 94", "protocol ip 10.0.0.2 broadcast",
                                   "oam-pvc manage 10", "encapsulation aal5snap")
    assert actions[1].commands == ("interface ATM0/0/0.100 point-to-point", "pvc 1/101",
                                   "encapsulation aal5mux")
    xc = actions[2]
    assert xc.commands == ("interface ATM0/0/3", "atm pvc 0 100 interface ATM0/0/4 10 200")
    assert len(xc.rows) == 3            # the cross-connect and both its links, one line
    [(rid, why)] = refused
    assert next(r for r in rows if r.id == rid).row.vci == 200 and "masked secret" in why


def test_ios_refuses_a_row_the_baseline_text_does_not_hold_where_it_says() -> None:
    row = LineDataRow("r1", "vcl", "ATM0/0/0", 1, 100, extra={"line": "4"})
    actions, refused = ios.render([RestoreRow(1, "missing", row, None, "vcl")], IOS_CONFIG)
    assert not actions and "not a pvc or cross-connect" in refused[0][1]


JUNOS_CONFIG = """interfaces {
    at-0/0/0 {
        atm-options {
            vpi 1;
        }
        unit 100 {
            description "BTS KOBE-0100";
            encapsulation atm-snap;
            vci 1.100;
            shaping {
                vbr peak 4000k sustained 2000k burst 94;
            }
            family inet {
                address 10.0.0.1/30;
            }
        }
    }
}
"""


def test_junos_renders_set_lines_for_every_statement_of_the_unit() -> None:
    rows = _rows(junos_parse.line_data("j1", JUNOS_CONFIG))
    actions, refused = junos.render(rows, JUNOS_CONFIG)
    assert not refused
    assert actions[0].commands == (
        "set interfaces at-0/0/0 atm-options vpi 1",
        'set interfaces at-0/0/0 unit 100 description "BTS KOBE-0100"',
        "set interfaces at-0/0/0 unit 100 encapsulation atm-snap",
        "set interfaces at-0/0/0 unit 100 vci 1.100",
        "set interfaces at-0/0/0 unit 100 shaping vbr peak 4000k sustained 2000k burst 94",
        "set interfaces at-0/0/0 unit 100 family inet address 10.0.0.1/30")


WALK = "\n".join([
    '.1.3.6.1.2.1.2.2.1.2.3 = STRING: "ATM0/0/3"', '.1.3.6.1.2.1.2.2.1.2.4 = STRING: "ATM0/0/4"',
    ".1.3.6.1.2.1.37.1.5.1.2.1 = OID: .1.3.6.1.2.1.37.1.1.2",
    ".1.3.6.1.2.1.37.1.7.1.3.3.0.100 = INTEGER: 1", ".1.3.6.1.2.1.37.1.7.1.6.3.0.100 = INTEGER: 1",
    ".1.3.6.1.2.1.37.1.7.1.7.3.0.100 = INTEGER: 1", ".1.3.6.1.2.1.37.1.7.1.11.3.0.100 = INTEGER: 10",
    ".1.3.6.1.2.1.37.1.7.1.13.3.0.100 = INTEGER: 1",
    ".1.3.6.1.2.1.37.1.7.1.3.4.10.200 = INTEGER: 1", ".1.3.6.1.2.1.37.1.7.1.6.4.10.200 = INTEGER: 7",
    ".1.3.6.1.2.1.37.1.7.1.7.4.10.200 = INTEGER: 7", ".1.3.6.1.2.1.37.1.7.1.13.4.10.200 = INTEGER: 1",
    ".1.3.6.1.2.1.37.1.11.1.8.5.3.0.100.4.10.200 = INTEGER: 1",
    ".1.3.6.1.2.1.37.1.11.1.13.5.3.0.100.4.10.200 = INTEGER: 1"]) + "\n"


def test_atm_mib_rows_are_created_through_rowstatus_links_first_at_original_indices() -> None:
    from lineguard.collector.parse.atm_mib import line_data
    rows = _rows(sorted(line_data("s1", WALK), key=lambda r: r.kind == "vcl"))  # XC first
    current = "\n".join(ln for ln in WALK.splitlines() if ".37.1.5.1." in ln) + "\n"
    actions, refused = atm_mib.render(rows, WALK, current)
    by_id = {r.id: r.row for r in rows}
    assert [by_id[a.rows[0]].kind for a in actions] == ["vcl", "vc-xc"]
    assert actions[0].commands == (
        "1.3.6.1.2.1.37.1.7.1.13.3.0.100 i 5", "1.3.6.1.2.1.37.1.7.1.3.3.0.100 i 1",
        "1.3.6.1.2.1.37.1.7.1.6.3.0.100 i 1", "1.3.6.1.2.1.37.1.7.1.7.3.0.100 i 1",
        "1.3.6.1.2.1.37.1.7.1.11.3.0.100 i 10", "1.3.6.1.2.1.37.1.7.1.13.3.0.100 i 1")
    assert actions[1].commands[0] == "1.3.6.1.2.1.37.1.11.1.13.5.3.0.100.4.10.200 i 5"
    # the far link uses traffic descriptor 7, which the device no longer has
    [(rid, why)] = refused
    assert by_id[rid].interface == "ATM0/0/4" and "traffic descriptor 7" in why


@pytest.mark.parametrize("command, removing", [
    ("no pvc 1/100", True), ("delete interfaces at-0/0/0 unit 100", True),
    ("1.3.6.1.2.1.37.1.7.1.13.3.0.100 i 6", True), ("1.3.6.1.2.1.37.1.7.1.13.3.0.100 i 5", False),
    ("1.3.6.1.2.1.37.1.7.1.11.3.0.100 i 6", False), ("pvc BTS100 1/100", False),
    ("set interfaces at-0/0/0 unit 100 vci 1.100", False), ("reload in 5", True),
    ("no interface ATM0/0/0.100", True), ("no oam-pvc manage", False)])
def test_the_agent_never_sends_a_plan_command_that_removes_configuration(
        command: str, removing: bool) -> None:
    from lineguard.agent.restore.apply import removing_command
    from lineguard.agent.restore.document import DevicePlan, RestoreAction
    plan = DevicePlan("r1", "cisco_ios", "cli", "kobe", "a", {}, {}, (),
                      (RestoreAction((1,), ("interface ATM0/0/0.100", command)),))
    assert (removing_command(plan) == command) is removing


def test_the_collector_key_is_made_once_private_and_refused_when_others_can_read_it(
        tmp_path) -> None:
    import os
    import stat

    from lineguard.agent.keys import KeyError_
    from lineguard.collector.keys import collector_key, key_path
    from lineguard.formats.wire import key_fingerprint
    first = collector_key(tmp_path)
    assert stat.S_IMODE(key_path(tmp_path).stat().st_mode) == 0o600
    assert key_fingerprint(collector_key(tmp_path).public_key()) == key_fingerprint(
        first.public_key())
    assert key_path(tmp_path).with_name("collector.key.pub").read_text().startswith("ssh-ed25519")
    os.chmod(key_path(tmp_path), 0o640)
    with pytest.raises(KeyError_, match="too open"):
        collector_key(tmp_path)
