"""Scheduler, logging and lineguard tampering by a signal sent to a pid: the pid read from the
daemon's pid file or looked up by name (pidof, pgrep, systemctl show MainPID), from shell, Perl
(`kill SIG, $pid`), Python (`os.kill`) and Tcl (`exec kill`). `kill PID` was never read for
the process it names (benign); it now speaks the shell's vocabulary in every language, and
reloads, liveness checks and a job's own children stay quiet."""

from __future__ import annotations

import pytest

from tests.test_insider_reading_review import _judge

HEAD = {"sh": "#!/bin/sh\n", "py": "#!/usr/bin/python3\n", "pl": "#!/usr/bin/perl\n",
        "exp": "#!/usr/bin/expect -f\n"}

KILLS = {
    # (language, program, the rule it must raise)
    "sh pid file": ("sh", "kill $(cat /run/crond.pid)", "lg.host.tamper-scheduler"),
    "sh pid file in a variable": ("sh", 'pid=$(cat /var/run/atd.pid); kill -STOP "$pid"',
                                  "lg.host.tamper-scheduler"),
    "sh pidof": ("sh", "kill -9 `pidof cron`", "lg.host.tamper-scheduler"),
    "sh MainPID": ("sh", "kill $(systemctl show -p MainPID --value cron)",
                   "lg.host.tamper-scheduler"),
    "sh agent pid file": ("sh", "kill -TERM $(cat /run/lineguard-agent.pid)",
                          "lg.host.tamper-lineguard"),
    "sh auditd": ("sh", "kill -9 $(cat /var/run/auditd.pid)", "lg.conceal.clear-tracks"),
    "perl pid file": ("pl", "open(my $p, '<', '/var/run/crond.pid');\nmy $pid = <$p>;\n"
                            "kill 'TERM', $pid;", "lg.host.tamper-scheduler"),
    "perl backticks": ("pl", "my $pid = `cat /run/crond.pid`;\nchomp $pid;\nkill 9, $pid;",
                       "lg.host.tamper-scheduler"),
    "perl pidof agent": ("pl", "my $pid = `pidof lineguard-agent`;\nkill 'KILL', $pid;",
                         "lg.host.tamper-lineguard"),
    "perl -SIG": ("pl", "my $pid = `pgrep -x atd`;\nkill -STOP => $pid;",
                  "lg.host.tamper-scheduler"),
    "python pid file": ("py", "import os, signal\n"
                              "os.kill(int(open('/run/crond.pid').read()), signal.SIGKILL)",
                        "lg.host.tamper-scheduler"),
    "python two steps": ("py", "import os\npid = int(open('/run/atd.pid').read().strip())\n"
                               "os.kill(pid, 9)", "lg.host.tamper-scheduler"),
    "python pidof": ("py", "import os, subprocess\n"
                           "pid = int(subprocess.check_output(['pidof', 'lineguard-agent']))\n"
                           "os.kill(pid, 15)", "lg.host.tamper-lineguard"),
    "python os.system": ("py", "import os\nos.system('systemctl stop cron')",
                         "lg.host.tamper-scheduler"),
    "tcl pid file": ("exp", "set f [open /run/crond.pid]\nset pid [read $f]\nexec kill -9 $pid",
                     "lg.host.tamper-scheduler"),
    "tcl exec cat": ("exp", "exec kill [exec cat /var/run/atd.pid]", "lg.host.tamper-scheduler"),
    "tcl pkill": ("exp", "exec pkill -f lineguard-agent", "lg.host.tamper-lineguard"),
}

QUIET = {
    "sh reload": ("sh", "kill -HUP $(cat /run/rsyslogd.pid)"),
    "sh alive?": ("sh", "kill -0 $(cat /run/crond.pid) || logger cron is down"),
    "sh own child": ("sh", "sleep 60 & kill $!"),
    "sh own poller": ("sh", "kill $(cat /run/ems-poller.pid)"),
    "perl reload": ("pl", "my $pid = `cat /run/rsyslogd.pid`;\nkill 'HUP', $pid;"),
    "perl alive?": ("pl", "my $pid = `cat /run/crond.pid`;\nkill 0, $pid or warn 'down';"),
    "python reload": ("py", "import os, signal\n"
                            "os.kill(int(open('/run/rsyslogd.pid').read()), signal.SIGHUP)"),
    "python alive?": ("py", "import os\nos.kill(int(open('/run/crond.pid').read()), 0)"),
    "tcl reload": ("exp", "set f [open /run/rsyslogd.pid]\nexec kill -HUP [read $f]"),
}


def _run(lang: str, body: str):
    name = f"opt/ems/bin/sig.{lang}"
    return _judge({name: HEAD[lang] + body + "\n"}, "/" + name)


@pytest.mark.parametrize("name", sorted(KILLS))
def test_a_signal_to_a_daemon_named_by_its_pid_is_tampering(name: str) -> None:
    lang, body, rule = KILLS[name]
    j = _run(lang, body)
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert any(r.rule.startswith(rule) for r in j.reasons), [r.rule for r in j.reasons]


@pytest.mark.parametrize("name", sorted(QUIET))
def test_reloads_liveness_checks_and_own_processes_stay_quiet(name: str) -> None:
    j = _run(*QUIET[name])
    assert j.verdict != "destructive" and j.severity not in ("high", "critical"), \
        [r.title for r in j.reasons]
