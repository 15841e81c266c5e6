"""The simulator's SNMP agent with real clients: pysnmp 7 (v2c, v3 SHA/AES) and net-snmp."""

from __future__ import annotations

import shutil
import time

import pytest
from pysnmp.hlapi.v3arch.asyncio import CommunityData

from lineguard.sim.fleet import Fleet
from lineguard.sim.state import build_device, render_ios
from tests.sim_support import (
    IF_DESCR,
    IF_NAME,
    VC_XC,
    VCL,
    VPL,
    SnmpFailure,
    set_int,
    snmpbulkwalk,
    v2c,
    v3,
    walk,
)

ATM = (1, 3, 6, 1, 2, 1, 37, 1)


@pytest.fixture(autouse=True)
def _healthy(healthy):
    yield


def _rows(var_binds, column: int) -> dict[tuple[int, ...], object]:
    """Instance index -> value for one column of a walked ATM-MIB table."""
    out = {}
    for oid, val in var_binds:
        if oid[10] == column:
            out[oid[11:]] = val
    return out


def test_v2c_and_v3_walks_of_the_vcl_table_agree_with_the_state(fleet):
    dev = fleet.by_platform("cisco_ios")[0]
    by_v2c = walk(v2c(), dev.port, VCL)
    by_v3 = walk(v3(), dev.port, VCL)
    assert [oid for oid, _ in by_v2c] == [oid for oid, _ in by_v3]
    assert all(oid[:10] == ATM + (7, 1) for oid, _ in by_v2c)       # stayed in the subtree
    status = _rows(by_v2c, 13)
    expected = {(intf.ifindex, pvc.vpi, pvc.vci) for intf, _, pvc in dev.state.all_pvcs()}
    xc_ends = {(x.low_if, x.low_vpi, x.low_vci) for x in dev.state.cross_connects.values()
               if x.kind == "vc"}
    assert set(status) == expected | xc_ends | {(x.high_if, x.high_vpi, x.high_vci)
                                                for x in dev.state.cross_connects.values()
                                                if x.kind == "vc"}
    assert set(int(v) for v in status.values()) == {1}
    xc_column = _rows(by_v2c, 12)
    assert all(int(xc_column[end]) > 0 for end in xc_ends)
    assert all(int(xc_column[pvc]) == 0 for pvc in expected)


def test_interface_names_and_cross_connect_tables_are_served(fleet):
    dev = fleet.by_platform("atm_mib")[0]
    names = {oid[-1]: str(val) for oid, val in walk(v2c(), dev.port, IF_NAME)}
    descrs = {oid[-1]: str(val) for oid, val in walk(v2c(), dev.port, IF_DESCR)}
    assert descrs[1] == "ATM0/0/0" and names[1] == "AT0/0/0"
    vc_xc = walk(v2c(), dev.port, VC_XC)
    rows = {oid[11:] for oid, _ in vc_xc if oid[10] == 13}
    assert len(rows) == sum(1 for x in dev.state.cross_connects.values() if x.kind == "vc")
    assert all(len(index) == 7 for index in rows)
    vpl = _rows(walk(v2c(), dev.port, VPL), 7)
    assert vpl and all(int(xc) > 0 for xc in vpl.values())


def test_set_destroy_removes_a_pvc_row_from_state_and_config(fleet):
    dev = fleet.by_platform("cisco_ios")[0]
    intf, sub, pvc = dev.state.all_pvcs()[-1]
    index = f"{intf.ifindex}.{pvc.vpi}.{pvc.vci}"
    set_int(v2c(), dev.port, f"{VCL}.1.13.{index}", 6)
    assert pvc not in sub.pvcs
    assert f" {pvc.vpi}/{pvc.vci} " not in render_ios(dev.state)
    rows = _rows(walk(v2c(), dev.port, VCL), 13)
    assert (intf.ifindex, pvc.vpi, pvc.vci) not in rows


def test_set_destroy_on_a_vc_cross_connect_removes_it_and_its_links(fleet):
    dev = fleet.by_platform("atm_mib")[0]
    xc = next(x for x in dev.state.cross_connects.values() if x.kind == "vc")
    index = ".".join(str(n) for n in (xc.index, xc.low_if, xc.low_vpi, xc.low_vci, xc.high_if,
                                      xc.high_vpi, xc.high_vci))
    set_int(v3(), dev.port, f"{VC_XC}.1.13.{index}", 6)
    assert ("vc", xc.index) not in dev.state.cross_connects
    links = _rows(walk(v2c(), dev.port, VCL), 13)
    assert (xc.low_if, xc.low_vpi, xc.low_vci) not in links


def test_columns_of_rows_the_device_had_are_not_writable_and_no_row_on_a_missing_interface(
        fleet):
    dev = fleet.by_platform("atm_mib")[0]
    xc = next(x for x in dev.state.cross_connects.values() if x.kind == "vc")
    before = len(dev.state.cross_connects)
    with pytest.raises(SnmpFailure, match="notWritable"):
        set_int(v2c(), dev.port, f"{VCL}.1.3.{xc.low_if}.{xc.low_vpi}.{xc.low_vci}", 2)
    with pytest.raises(SnmpFailure, match="noCreation"):
        set_int(v2c(), dev.port, f"{VCL}.1.13.9.9.9", 4)
    assert len(dev.state.cross_connects) == before


def test_silent_device_times_out_and_others_still_answer(fleet):
    silent, other = fleet.by_platform("atm_mib")[0], fleet.by_platform("cisco_ios")[0]
    silent.state.faults.snmp_silent = True
    with pytest.raises(SnmpFailure, match="No SNMP response"):
        walk(v2c(), silent.port, VCL, timeout=0.5)
    assert walk(v2c(), other.port, IF_NAME)


def test_v3_user_with_wrong_auth_key_is_refused(fleet):
    dev = fleet.by_platform("atm_mib")[0]
    with pytest.raises(SnmpFailure, match="(?i)digest"):
        walk(v3(auth_key="not-the-auth-key"), dev.port, VCL)


@pytest.mark.skipif(shutil.which("snmpbulkwalk") is None, reason="net-snmp not installed")
@pytest.mark.parametrize("version", ["2c", "3"])
def test_net_snmp_bulkwalk_sees_the_same_rows_as_pysnmp(fleet, version):
    dev = fleet.by_platform("atm_mib")[0]
    lines = snmpbulkwalk(dev.port, VCL, version)
    ours = walk(v2c(), dev.port, VCL)
    assert lines is not None and len(lines) == len(ours)
    first_oid = "." + ".".join(str(n) for n in ours[0][0])
    assert lines[0].startswith(first_oid + " = INTEGER: ")


def test_a_thousand_row_table_walks_in_seconds(tmp_path):
    with Fleet.start(sites=1, devices=3, out_dir=tmp_path) as big:
        dev = big.by_platform("atm_mib")[0]
        dev.state.cross_connects = build_device(dev.name, "atm_mib", dev.site, 3,
                                                cross_connects=576).cross_connects
        dev.state.touch()
        started = time.monotonic()
        rows = walk(v2c(), dev.port, f"{VCL}.1.13")            # one column: 1,000 links
        took = time.monotonic() - started
    assert len(rows) >= 1000
    assert took < 5, f"{len(rows)} rows took {took:.1f}s"


def test_wrong_community_gets_no_answer(fleet):
    dev = fleet.by_platform("atm_mib")[0]
    with pytest.raises(SnmpFailure, match="No SNMP response"):
        walk(CommunityData("guess-public"), dev.port, VCL, timeout=0.5)


def test_slow_agent_answers_late(fleet):
    dev = fleet.by_platform("atm_mib")[0]
    dev.state.faults.delay_s = 0.3
    started = time.monotonic()
    rows = walk(v2c(), dev.port, "1.3.6.1.2.1.1", timeout=30)
    assert rows and time.monotonic() - started >= 0.3
    with pytest.raises(SnmpFailure, match="No SNMP response"):
        walk(v2c(), dev.port, "1.3.6.1.2.1.1", timeout=0.1)


def test_rows_are_created_only_through_rowstatus_and_a_cross_connect_needs_its_links(fleet):
    dev = fleet.by_platform("atm_mib")[0]
    low, high = (1, 0, 900), (2, 0, 901)
    xc_index = f"{VC_XC}.1.13.99.{low[0]}.{low[1]}.{low[2]}.{high[0]}.{high[1]}.{high[2]}"
    set_int(v2c(), dev.port, xc_index, 5)                        # createAndWait the XC
    with pytest.raises(SnmpFailure, match="inconsistentValue"):   # its links do not exist
        set_int(v2c(), dev.port, xc_index, 1)
    low_status = f"{VCL}.1.13.{low[0]}.{low[1]}.{low[2]}"
    set_int(v2c(), dev.port, low_status, 5)                      # createAndWait: notInService
    assert _rows(walk(v2c(), dev.port, VCL), 13)[low] == 2
    set_int(v2c(), dev.port, f"{VCL}.1.11.{low[0]}.{low[1]}.{low[2]}", 7)   # a column
    with pytest.raises(SnmpFailure, match="inconsistentValue"):   # no such traffic descriptor
        set_int(v2c(), dev.port, f"{VCL}.1.7.{low[0]}.{low[1]}.{low[2]}", 999)
    set_int(v2c(), dev.port, low_status, 1)
    set_int(v2c(), dev.port, f"{VCL}.1.13.{high[0]}.{high[1]}.{high[2]}", 4)   # createAndGo
    with pytest.raises(SnmpFailure, match="inconsistentValue"):   # it exists already
        set_int(v2c(), dev.port, low_status, 5)
    set_int(v2c(), dev.port, xc_index, 1)                        # now both links are active
    xc = dev.state.cross_connects[("vc", 99)]
    assert (xc.low_if, xc.low_vci, xc.high_if, xc.high_vci) == (1, 900, 2, 901)
    rows = _rows(walk(v2c(), dev.port, VCL), 12)
    assert rows[low] == 99 and rows[high] == 99                  # the links now carry the XC
    set_int(v2c(), dev.port, xc_index, 6)
    assert ("vc", 99) not in dev.state.cross_connects
