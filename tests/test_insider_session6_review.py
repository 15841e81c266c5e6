"""An insider with operator access who has read lineguard's source, against what session 6
changed: change-control lowering, housekeeping bounds and values a job takes from files that
are not there yet. Every test here failed before its fix (the attack succeeded)."""

from __future__ import annotations

import pytest

from tests.test_change_control import _judge

TICKET = "# CHG0012345: retire BTS100 (approved change)\n"


# --- a fake ticket must not lower a change that removes a whole set at once -------------------

@pytest.mark.parametrize("text", [
    # an ATM interface with every PVC under it (IOS), reset to defaults or removed
    "ssh atm1 'configure terminal\nno interface ATM0/1'\n",
    "ssh atm1 'configure terminal\ndefault interface ATM0/1/0'\n",
    "ssh atm1 'configure terminal\nno interface range ATM0/1/0 - 3'\n",
    # the whole saved configuration: the device comes up empty at its next reload
    "ssh atm1 'write erase'\n",
    "ssh atm1 'configure terminal\nconfig-register 0x2142'\n",
    "ssh atm1 'copy tftp://10.9.9.9/empty.cfg startup-config'\n",
    "ssh atm1 'configure replace flash:empty.cfg force'\n",
    "snmpset -v2c -c private atm1 ccCopySourceFileType.7 i 1 ccCopyDestFileType.7 i 3 "
    "ccCopyEntryRowStatus.7 i 4\n",
    # Junos: a whole ATM interface, or the whole configuration
    "ssh atm1 'configure\ndelete interfaces at-0/0/0\ncommit and-quit'\n",
    "ssh atm1 'configure\nload override /var/tmp/empty.conf\ncommit and-quit'\n",
    # TL1: every cross-connect of the element
    "echo 'DLT-CRS-VC:NODE7:ALL:11;' | nc tl1gw 3083\n",
    # the whole cross-connect table kept in one file on the server
    "shred -u /srv/ems/linedata/xconnect.tbl\n",
])
def test_a_ticket_does_not_lower_a_change_that_removes_a_whole_set(text):
    """One device, one command, a ticket comment anyone can type: the change was judged "one
    target" and lowered to suspicious/medium — below the default alert threshold, no
    countdown. An interface's PVCs, a whole configuration or table are every member of a set.
    (Planting one such job per device keeps each job "one target".)"""
    j = _judge(TICKET + text)
    assert j.verdict == "destructive", [(r.rule, r.title) for r in j.reasons]
    assert j.severity in ("high", "critical")
    assert any("CHG0012345" in r.title and "not lowered" in r.title for r in j.reasons)


@pytest.mark.parametrize("text", [
    "ssh atm1 'configure terminal\ninterface ATM0/1\nno pvc 0/32'\n",
    "ssh atm1 'configure terminal\nno interface ATM0/1.100 point-to-point'\n",
    "ssh atm1 'configure\ndelete interfaces at-0/0/0 unit 100\ncommit and-quit'\n",
    "echo 'DLT-CRS-VC:NODE7:NTVCL-0-32,LTVCL-0-32:11;' | nc tl1gw 3083\n",
    "snmpset -v2c -c private atm1 atmVcCrossConnectRowStatus.1.0.32.2.0.40.1 i 6\n",
])
def test_one_named_circuit_under_a_ticket_is_still_lowered(text):
    j = _judge(TICKET + text)
    assert (j.verdict, j.severity) == ("suspicious", "medium"), [r.title for r in j.reasons]


# --- housekeeping bounds that never bind ------------------------------------------------------

@pytest.mark.parametrize("text", [
    # a database's files are old: "older than a day" is nearly all of them
    "find /var/lib/postgresql -mtime +1 -delete\n",
    "find /var/lib/mysql -type f -mtime +7 -exec rm -f {} +\n",
    # the EMS/NMS's whole data tree by age
    "find /srv/ems -mtime +1 -delete\n",
    "find /opt/nms/db -type f -mtime +1 -exec rm {} +\n",
    # bounds that select every file: smaller than 100 GB, older than a minute
    "find /var/lib -size -100G -delete\n",
    "find /srv/app -mmin +5 -delete\n",
    "find /srv/ems/linedata -size -2000000 -delete\n",
])
def test_a_bound_that_never_binds_does_not_make_a_data_wipe_housekeeping(text):
    """Judged benign before: an age or size bound made the deletion "housekeeping", whatever
    tree it walked."""
    j = _judge(text)
    assert j.verdict == "destructive" and j.severity in ("high", "critical"), \
        [(r.rule, r.title) for r in j.reasons]


@pytest.mark.parametrize("text", [
    "find /var/lib/postgresql/15/main/log -name '*.log' -mtime +7 -delete\n",
    "find /var/lib/mysql -name '*.err' -mtime +30 -delete\n",
    "find /srv/ems/reports -mtime +30 -delete\n",
    "find /opt/ems/tmp -type f -mtime +7 -delete\n",
    "find /var/log/ems -size -1k -delete\n",
    "find /tmp -mmin +5 -delete\n",
    "find /var/lib/php/sessions -cmin +24 -delete\n",
])
def test_housekeeping_with_a_real_bound_stays_benign(text):
    assert _judge(text).verdict == "benign"
