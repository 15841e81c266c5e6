"""ATM-MIB walks (the agent's `snmp-walk` text) → VPL/VCL/cross-connect rows."""

from __future__ import annotations

from pysnmp.proto import rfc1902

from lineguard.agent.devices.snmp import format_varbind
from lineguard.collector.parse import atm_mib

# A switch with one PVC on ATM0/0/0 (CBR 1536 kbit/s = 3623 cells/s, LLC), one VC
# cross-connect (xc 7) and one VP cross-connect (xc 2) between ATM0/0/2 and ATM0/0/3, and a
# VCL row being destroyed. Lines as the agent writes them: numeric, sorted, one per varbind.
WALK = """\
1.3.6.1.2.1.2.2.1.2.1 = STRING: "ATM0/0/0"
1.3.6.1.2.1.2.2.1.2.3 = STRING: "ATM0/0/2"
1.3.6.1.2.1.2.2.1.2.4 = STRING: "ATM0/0/3"
1.3.6.1.2.1.2.2.1.3.1 = INTEGER: 37
1.3.6.1.2.1.31.1.1.1.1.1 = STRING: "AT0/0/0"
1.3.6.1.2.1.31.1.1.1.1.3 = STRING: "AT0/0/2"
1.3.6.1.2.1.31.1.1.1.1.4 = STRING: "AT0/0/3"
1.3.6.1.2.1.37.1.5.1.2.1 = OID: 1.3.6.1.2.1.37.1.1.2
1.3.6.1.2.1.37.1.5.1.2.2 = OID: 1.3.6.1.2.1.37.1.1.2
1.3.6.1.2.1.37.1.5.1.3.1 = INTEGER: 365566
1.3.6.1.2.1.37.1.5.1.3.2 = INTEGER: 3623
1.3.6.1.2.1.37.1.5.1.10.1 = INTEGER: 6
1.3.6.1.2.1.37.1.5.1.10.2 = INTEGER: 2
1.3.6.1.2.1.37.1.6.1.6.3.20 = INTEGER: 1
1.3.6.1.2.1.37.1.6.1.6.4.40 = INTEGER: 1
1.3.6.1.2.1.37.1.6.1.8.3.20 = INTEGER: 1
1.3.6.1.2.1.37.1.6.1.8.4.40 = INTEGER: 1
1.3.6.1.2.1.37.1.7.1.7.1.0.32 = INTEGER: 2
1.3.6.1.2.1.37.1.7.1.7.3.0.100 = INTEGER: 1
1.3.6.1.2.1.37.1.7.1.7.4.10.264 = INTEGER: 1
1.3.6.1.2.1.37.1.7.1.11.1.0.32 = INTEGER: 7
1.3.6.1.2.1.37.1.7.1.11.3.0.100 = INTEGER: 10
1.3.6.1.2.1.37.1.7.1.11.4.10.264 = INTEGER: 10
1.3.6.1.2.1.37.1.7.1.13.1.0.32 = INTEGER: 1
1.3.6.1.2.1.37.1.7.1.13.1.0.99 = INTEGER: 6
1.3.6.1.2.1.37.1.7.1.13.3.0.100 = INTEGER: 1
1.3.6.1.2.1.37.1.7.1.13.4.10.264 = INTEGER: 1
1.3.6.1.2.1.37.1.9.1.11.2.3.20.4.40 = INTEGER: 1
1.3.6.1.2.1.37.1.11.1.13.7.3.0.100.4.10.264 = INTEGER: 1
"""


def test_walk_rows_carry_cli_interface_names_and_traffic():
    rows = {r.key(): r for r in atm_mib.line_data("atm-kobe-03", WALK)}
    pvc = rows[("vcl", "ATM0/0/0", 0, 32, None, None, None)]
    assert (pvc.encapsulation, pvc.service_class, pvc.peak_kbps) == ("aal5snap", "cbr", 1536)
    xc_end = rows[("vcl", "ATM0/0/2", 0, 100, None, None, None)]
    assert (xc_end.service_class, xc_end.peak_kbps, xc_end.encapsulation) == ("ubr", None, None)
    assert ("vc-xc", "ATM0/0/2", 0, 100, "ATM0/0/3", 10, 264) in rows
    assert ("vp-xc", "ATM0/0/2", 20, None, "ATM0/0/3", 40, None) in rows
    assert ("vpl", "ATM0/0/3", 40, None, None, None, None) in rows
    assert rows[("vc-xc", "ATM0/0/2", 0, 100, "ATM0/0/3", 10, 264)].extra["xc"] == "7"


def test_a_row_being_destroyed_is_not_line_data():
    keys = {r.key() for r in atm_mib.line_data("atm-kobe-03", WALK)}
    assert ("vcl", "ATM0/0/0", 0, 99, None, None, None) not in keys
    assert len(keys) == 7


def test_an_empty_table_is_no_rows_not_an_error():
    assert atm_mib.line_data("atm-kobe-03", WALK.split("1.3.6.1.2.1.37")[0]) == []


def test_agent_walk_lines_round_trip_through_the_parser():
    values = {(1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 9): rfc1902.OctetString('AT "quoted" \\ name'),
              (1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 10): rfc1902.OctetString(b"\x00\xff"),
              (1, 3, 6, 1, 2, 1, 37, 1, 5, 1, 2, 1): rfc1902.ObjectIdentifier("1.3.6.1.2.1.37.1.1.2"),
              (1, 3, 6, 1, 2, 1, 37, 1, 5, 1, 3, 1): rfc1902.Integer32(3623),
              (1, 3, 6, 1, 2, 1, 1, 3, 0): rfc1902.TimeTicks(12345)}
    text = "".join(format_varbind(oid, v) + "\n" for oid, v in sorted(values.items()))
    parsed = atm_mib.parse_walk(text)
    assert parsed[(1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 9)] == 'AT "quoted" \\ name'
    assert parsed[(1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 10)] == "00 FF"
    assert parsed[(1, 3, 6, 1, 2, 1, 37, 1, 5, 1, 2, 1)] == "1.3.6.1.2.1.37.1.1.2"
    assert parsed[(1, 3, 6, 1, 2, 1, 37, 1, 5, 1, 3, 1)] == "3623"
    assert "= Timeticks: 12345" in text


def test_a_walk_line_with_a_broken_oid_is_skipped_not_a_crash():
    broken = "1.3..6.1 = INTEGER: 1\n.1.3.6. = INTEGER: 1\n1.3.6.1.2.1.37.1.7.1.13.1.0.. = INTEGER: 1\n"
    assert atm_mib.line_data("atm-kobe-03", broken + WALK) == atm_mib.line_data("atm-kobe-03", WALK)
