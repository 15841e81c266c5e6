"""Change control as an insider would abuse it, through the real engine: a ticket, a window
or a copy lowers a change of ONE thing — never each of many changes written out one by one,
never a glob, and never a window the job can wait its way out of."""

from __future__ import annotations

import pytest

from tests.test_change_control import ONE_PVC, _judge, _judge_named, _main

TICKET = "# CHG0012345: retire circuits\n"
WINDOW = '[ "$(date +%F)" = 2026-11-27 ] || exit 0\n'


@pytest.mark.parametrize("text", [
    # every row destroyed by its own SET, written out
    "".join(f"snmpset -v2c -c private atm1 atmVclRowStatus.1.0.{v} i 6\n" for v in range(32, 48)),
    # every device changed by its own session
    "".join(f"ssh atm{n} 'configure terminal\ninterface ATM0/1\nno pvc 0/32'\n" for n in range(1, 9)),
    # many circuits in one session
    "ssh atm1 'configure terminal\ninterface ATM0/1\n" +
    "\n".join(f"no pvc 0/{v}" for v in range(32, 48)) + "'\n",
    # many files, one rm each
    "".join(f"rm -f /srv/ems/linedata/pvc{i}.db\n" for i in range(12)),
    # every file a pattern names
    "rm -f /srv/ems/linedata/*.db\n",
    "rm -f /srv/ems/linedata/pvc[0-9].db\n",
])
def test_a_ticket_does_not_lower_many_changes_each_offered_as_one(text):
    j = _judge(TICKET + text)
    assert j.verdict == "destructive"
    assert any("so none is lowered" in r.title or "every member of a set" in r.title
               for r in j.reasons)


def test_two_changes_under_a_window_are_not_lowered_either():
    j = _judge(WINDOW + ONE_PVC + ONE_PVC.replace("atm1", "atm2"))
    assert j.verdict == "destructive"
    assert "the job changes 2 things" in _main(j, "lg.ios.no-pvc").title


def test_a_single_circuit_under_a_ticket_is_still_lowered():
    j = _judge(TICKET + "ssh atm1 'show running-config' > /var/backups/atm1.cfg\n" + ONE_PVC)
    assert (j.verdict, j.severity) == ("suspicious", "medium")


@pytest.mark.parametrize("wait", [
    "sleep infinity\n",
    "while true; do sleep 60; done\n",
    "while [ ! -e /var/run/ems/go ]; do sleep 60; done\n",
    "for i in $(seq 1 720); do sleep 3600; done\n",
    "for i in {1..720}; do\n  sleep 3600\ndone\n",
    "timeout 30d tail -f /dev/null\n",
    "read -t 2592000 x < /dev/zero\n",
    "inotifywait -e create /var/run/ems\n",
])
def test_a_window_the_job_can_wait_its_way_out_of_lowers_nothing(wait):
    j = _judge(WINDOW + wait + ONE_PVC)
    assert j.verdict == "destructive"
    assert "after the window closes" in _main(j, "lg.ios.no-pvc").title


def test_a_python_wait_in_a_loop_inside_the_window_lowers_nothing():
    text = ("#!/usr/bin/env python3\nimport datetime, os, time\n"
            "if datetime.date.today() == datetime.date(2026, 11, 27):\n"
            "    while not os.path.exists('/run/ems/go'):\n        time.sleep(60)\n"
            "    os.system('snmpset -v2c -c private atm1 atmVclRowStatus.1.0.32 i 6')\n")
    assert _judge_named(text, "usr/local/sbin/change.py").verdict == "destructive"


@pytest.mark.parametrize("wait", [
    # a retry of the session, a few times with a short pause: bounded, inside the window
    "# wait for the device to settle\nsleep 5\nfor i in 1 2 3; do\n  timeout 60 ssh atm1 "
    "'configure terminal\ninterface ATM0/1\nno pvc 0/32' && break\n  sleep 10\ndone\n",
    "timeout 120 " + ONE_PVC,
])
def test_a_bounded_retry_inside_the_window_is_still_lowered(wait):
    j = _judge(WINDOW + wait)
    assert (j.verdict, j.severity) == ("suspicious", "medium")


@pytest.mark.parametrize("copy", [
    "cp -s /var/lib/ems/ne.db /srv/backup/ne.db\n",              # a symbolic link
    "cp -l /var/lib/ems/ne.db /srv/backup/ne.db\n",              # a hard link
    "cp --attributes-only /var/lib/ems/ne.db /srv/backup/ne.db\n",
    "rsync -an /var/lib/ems/ne.db /srv/backup/ne.db\n",           # a dry run
    "rsync --dry-run -a /var/lib/ems/ne.db /srv/backup/\n",
    "tar czf /srv/backup/ne.tgz --exclude='*' /var/lib/ems/ne.db\n",
])
def test_a_copy_that_keeps_none_of_the_data_lowers_nothing(copy):
    j = _judge(copy + "rm -f /var/lib/ems/ne.db\n")
    assert j.verdict == "destructive"
    assert not any("first (line" in r.title for r in j.reasons)


@pytest.mark.parametrize("copy", [
    "ssh atm1 'show running-config | include hostname' > /var/backups/atm1.cfg\n",
    "ssh atm1 'show running-config | exclude pvc' > /var/backups/atm1.cfg\n",
    "ssh atm1 'show running-config' | head -1 > /var/backups/atm1.cfg\n",
    "ssh atm1 'show running-config' | grep hostname > /var/backups/atm1.cfg\n",
])
def test_a_configuration_kept_through_a_filter_is_no_copy(copy):
    assert _judge(copy + ONE_PVC).verdict == "destructive"


@pytest.mark.parametrize("copy", [
    "cp -a /var/lib/ems/ne.db /srv/backup/ne.db\n",
    "rsync -az /var/lib/ems/ne.db backup1:/srv/backup/\n",
    "tar czf /srv/backup/ne.tgz /var/lib/ems/ne.db\n",
])
def test_a_whole_copy_still_lowers_one_file(copy):
    assert _judge(copy + "rm -f /var/lib/ems/ne.db\n").verdict == "suspicious"


@pytest.mark.parametrize("guard", [TICKET, WINDOW])
def test_a_ticket_or_window_does_not_lower_deleting_a_whole_database_file(guard):
    j = _judge(guard + "rm -f /var/lib/ems/ne.db\n")
    assert j.verdict == "destructive"
    assert any("a database file holds every row" in r.title for r in j.reasons)
