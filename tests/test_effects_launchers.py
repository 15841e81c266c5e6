"""Programs that launch what they are handed. lineguard's tables name the common wrappers (sudo,
nohup, timeout …), but a launcher missing from them (screen, tmux, dtach, start-stop-daemon,
task spoolers, privilege droppers, LD_PRELOAD shims) ran a deletion unseen: an unknown program
handed a command line is now read as running it. Programs that only name a program as data
(`which rm`, `man rm`, `logger "rm … failed"`) are not launchers."""

from __future__ import annotations

import pytest

from tests.test_insider_reading_review import _judge

LINE_DATA = "/srv/ems/linedata"
WIPE = f"rm -rf {LINE_DATA}"

LAUNCHED = [
    f"screen -dmS maint sh -c '{WIPE}'",
    f"screen -d -m -S maint -L -Logfile /tmp/l {WIPE}",
    f"tmux new-session -d -s maint '{WIPE}'",
    f"tmux new -d {WIPE}",
    f"tmux new-window -d '{WIPE}'",
    f"tmux run-shell '{WIPE}'",
    f"byobu new-session -d '{WIPE}'",
    f"dtach -n /tmp/s {WIPE}",
    f"abduco -n s {WIPE}",
    f"start-stop-daemon --start --background --exec /bin/rm -- -rf {LINE_DATA}",
    f"start-stop-daemon -S -b -x /bin/sh -- -c '{WIPE}'",
    f"daemonize -p /run/x.pid /bin/rm -rf {LINE_DATA}",
    f"tsp {WIPE}",
    f"pueue add -- {WIPE}",
    f"nq {WIPE}",
    f"chpst -u ems {WIPE}",
    f"s6-setuidgid ems {WIPE}",
    f"su-exec ems {WIPE}",
    f"gosu ems {WIPE}",
    f"lckdo /tmp/l {WIPE}",
    f"run-one {WIPE}",
    f"eatmydata {WIPE}",
    f"fakeroot {WIPE}",
    f"faketime '2027-01-01' {WIPE}",
    f"numactl --interleave=all {WIPE}",
    f"trickle -d 10 {WIPE}",
    f"proxychains {WIPE}",
    f"scl enable rh '{WIPE}'",
    f"pkexec {WIPE}",
    f"sem --id x {WIPE}",
    f"dbus-run-session -- {WIPE}",
    f"xvfb-run -a {WIPE}",
    # the launcher itself named through a variable, the command line through another
    f"L=gosu; C='{WIPE}'; $L ems sh -c \"$C\"",
    # a device deletion through a launcher
    "tsp snmpset -v2c -c private atm-kobe-03 1.3.6.1.2.1.37.1.7.1.13.1.0.100 i 6",
]


@pytest.mark.parametrize("line", LAUNCHED)
def test_a_deletion_run_by_a_launcher_lineguard_does_not_list_is_destructive(line):
    j = _judge({"opt/ems/bin/maint.sh": f"#!/bin/sh\n{line}\n"}, "/opt/ems/bin/maint.sh")
    assert j.verdict == "destructive", [r.title for r in j.reasons]


def test_the_reason_says_which_launcher_ran_it():
    j = _judge({"opt/ems/bin/maint.sh": f"#!/bin/sh\ndtach -n /tmp/s {WIPE}\n"},
               "/opt/ems/bin/maint.sh")
    assert any("run by dtach" in r.title and LINE_DATA in r.title for r in j.reasons), \
        [r.title for r in j.reasons]


BENIGN = [
    "screen -dmS irc irssi",
    "tmux new -d top",
    "start-stop-daemon --start --quiet --exec /usr/sbin/snmpd -- -Lsd -p /run/snmpd.pid",
    "gosu postgres pg_dump ems > /var/backups/ems.sql",
    "tsp tar czf /var/backups/linedata.tgz /srv/ems/linedata",
    f"faketime '2027-01-01' ls {LINE_DATA}",
    "which rm >/dev/null || exit 1",
    "man rm > /tmp/rm.txt",
    "dpkg -S /bin/rm",
    f"logger -t cleanup \"rm -rf {LINE_DATA} refused\"",
    "update-alternatives --set editor /usr/bin/vim.basic",
    "nq find /var/tmp/ems -mtime +7 -delete",
]


@pytest.mark.parametrize("line", BENIGN)
def test_launching_harmless_work_or_naming_a_program_is_not_high(line):
    j = _judge({"opt/ems/bin/maint.sh": f"#!/bin/sh\n{line}\n"}, "/opt/ems/bin/maint.sh")
    assert j.verdict != "destructive" and j.severity not in ("high", "critical"), \
        [r.title for r in j.reasons]


@pytest.mark.parametrize("call", ['ctypes.CDLL("libc.so.6").system(b"rm -rf /srv/ems/linedata")',
                                  'libc = ctypes.CDLL(None)\nlibc.system(b"rm -rf /srv/ems/linedata")'])
def test_a_c_library_system_call_from_python_is_read_as_a_shell(call):
    j = _judge({"opt/ems/bin/maint.py": f"#!/usr/bin/python3\nimport ctypes\n{call}\n"},
               "/opt/ems/bin/maint.py")
    assert j.verdict == "destructive", [r.title for r in j.reasons]


def test_a_method_named_system_given_no_command_line_is_not_read_as_one():
    j = _judge({"opt/ems/bin/maint.py": "#!/usr/bin/python3\nimport platform\n"
                "print(platform.system())\nlog.system('nightly run done')\n"},
               "/opt/ems/bin/maint.py")
    assert j.verdict == "benign", [r.title for r in j.reasons]
