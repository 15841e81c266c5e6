"""Root causes the wave-8 red team found (tests/redteam_wave8), one family a test group, each
with its quiet look-alike. Family "event daemons": the daemons and system files of a
management server that run a program on an event (mail aliases and ~/.forward pipes, Zabbix
UserParameter, NRPE commands, keepalived notify scripts, inittab, xinetd/inetd servers, acpid
actions, smartd -M exec, audit dispatcher plugins) and the suspend/resume and PPP hook
folders were never captured: a job planted there was no job at all."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from lineguard.agent.sources.host import collect
from lineguard.collector.model import BootTrigger, EventTrigger, Job
from lineguard.collector.parse.host import jobs
from lineguard.formats import daemonconf
from tests.hostroot import write

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
PASSWD = ("root:x:0:0:root:/root:/bin/bash\noper:x:1000:1000::/home/oper:/bin/bash\n")


def _jobs(root: Path) -> list[Job]:
    write(root, "etc/passwd", PASSWD)
    write(root, "etc/timezone", "UTC\n")
    target, facts = collect(root)
    return jobs(target, facts)


# --- family: event daemons -------------------------------------------------------------------
def test_event_daemon_readers_find_each_program() -> None:
    assert daemonconf.alias_pipes('postmaster: root\nems: "|/opt/a.sh x", root\n'
                                  "ops: oper,\n  |/opt/b.sh\n") == [
        (2, "alias ems", "/opt/a.sh x"), (3, "alias ops", "/opt/b.sh")]
    assert daemonconf.forward_pipes('"|/opt/f.sh"\noper@localhost\n') == [
        (1, "forward", "/opt/f.sh")]
    assert daemonconf.zabbix_params("UserParameter=ems.q[*],/opt/z.sh $1\n# x\n") == [
        (1, "UserParameter ems.q[*]", "/opt/z.sh $1")]
    assert daemonconf.nrpe_commands("command[check_x]=/opt/n.sh -w 5\n") == [
        (1, "command check_x", "/opt/n.sh -w 5")]
    assert daemonconf.keepalived_scripts('vrrp_instance A {\n  notify_master "/opt/k.sh m"\n'
                                         "}\n") == [(2, "notify_master", "/opt/k.sh m")]
    assert daemonconf.inittab_processes("id:2:initdefault:\nzz:2345:respawn:/opt/i.sh\n") == [
        (2, "inittab respawn", "/opt/i.sh")]
    assert daemonconf.inetd_servers("service ems\n{\n  server = /opt/x.sh\n  server_args = -a\n"
                                    "}\nservice off\n{\n  server = /opt/y.sh\n  disable = yes\n"
                                    "}\nftp stream tcp nowait root /usr/sbin/tcpd in.ftpd -l\n") \
        == [(3, "xinetd ems", "/opt/x.sh -a"), (11, "inetd ftp", "in.ftpd -l")]
    assert daemonconf.acpi_actions("event=button/power.*\naction=/opt/p.sh %e\n") == [
        (2, "acpi action", "/opt/p.sh %e")]
    assert daemonconf.smartd_execs("DEVICESCAN -a -m root -M exec /opt/s.sh\n") == [
        (1, "smartd -M exec", "/opt/s.sh")]
    assert daemonconf.audit_plugins("active = yes\npath = /opt/au.sh\nargs = x\n") == [
        (2, "audit plugin", "/opt/au.sh x")]
    assert daemonconf.audit_plugins("active = yes\npath = builtin_af_unix\n") == []
    assert daemonconf.audit_plugins("active = no\npath = /opt/au.sh\n") == []


PLANTED = {
    "etc/aliases": ('postmaster: root\nems-alert: "|/opt/run.sh"\n', EventTrigger, "nobody"),
    "home/oper/.forward": ('"|/opt/run.sh"\n', EventTrigger, "oper"),
    "etc/zabbix/zabbix_agentd.d/ems.conf": ("UserParameter=ems.q,/opt/run.sh\n", EventTrigger,
                                            "zabbix"),
    "etc/nagios/nrpe.d/ems.cfg": ("command[check_ems]=/opt/run.sh\n", EventTrigger, "nagios"),
    "etc/keepalived/keepalived.conf": ('vrrp_instance A {\n    notify_fault "/opt/run.sh"\n}\n',
                                       EventTrigger, "root"),
    "etc/inittab": ("id:2:initdefault:\nems1:2345:once:/opt/run.sh\n", BootTrigger, "root"),
    "etc/xinetd.d/ems": ("service ems\n{\n    server = /opt/run.sh\n}\n", EventTrigger, "root"),
    "etc/acpi/events/ems": ("event=button/power.*\naction=/opt/run.sh\n", EventTrigger, "root"),
    "etc/smartd.conf": ("/dev/sda -a -M exec /opt/run.sh\n", EventTrigger, "root"),
    "etc/audit/plugins.d/ems.conf": ("active = yes\npath = /opt/run.sh\n", BootTrigger, "root"),
}


@pytest.mark.parametrize("path", sorted(PLANTED))
def test_event_daemon_programs_are_jobs_with_their_trigger_and_account(tmp_path: Path,
                                                                       path: str) -> None:
    text, kind, who = PLANTED[path]
    root = tmp_path / "r"
    write(root, path, text)
    write(root, "opt/run.sh", "#!/bin/sh\nrm -rf /srv/ems/linedata\n", 0o755)
    found = [j for j in _jobs(root) if j.origin_path == path]
    assert len(found) == 1 and found[0].command == "/opt/run.sh"
    assert isinstance(found[0].trigger, kind) and found[0].owner == who
    assert "opt/run.sh" in found[0].files         # the program it names was captured


@pytest.mark.parametrize("folder", ["lib/systemd/system-sleep", "etc/ppp/ip-up.d",
                                    "etc/pm/sleep.d"])
def test_suspend_and_ppp_hook_scripts_are_event_jobs(tmp_path: Path, folder: str) -> None:
    root = tmp_path / "r"
    write(root, f"{folder}/ems", "#!/bin/sh\n/opt/run.sh\n", 0o755)
    found = [j for j in _jobs(root) if j.origin_path == f"{folder}/ems"]
    assert len(found) == 1 and isinstance(found[0].trigger, EventTrigger)
    assert found[0].state == "active"


def test_stock_daemon_files_hold_no_job(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root, "etc/aliases", "# See man 5 aliases for format\npostmaster:    root\n")
    write(root, "etc/zabbix/zabbix_agentd.conf", "Server=127.0.0.1\nHostname=ems\n")
    write(root, "etc/nagios/nrpe.cfg", "allowed_hosts=127.0.0.1\ndont_blame_nrpe=0\n")
    write(root, "etc/audit/plugins.d/af_unix.conf", "active = no\ndirection = out\n"
          "path = /sbin/audisp-af_unix\ntype = always\nargs = 0640 /var/run/audispd_events\n")
    assert [j for j in _jobs(root) if j.source == "daemon"] == []


def test_a_name_with_a_nul_byte_is_no_file_and_stops_nothing(tmp_path: Path) -> None:
    """`printf '%s\\0' … | xargs -0` names a path with a NUL byte: the agent once crashed on
    it (os.lstat), taking no snapshot of the host at all."""
    root = tmp_path / "r"
    write(root, "etc/cron.d/ems", "0 3 * * * root /opt/run.sh\n")
    write(root, "opt/run.sh", "#!/bin/bash\nprintf '%s\\0' '/usr/bin/env python3 /opt/x.py' "
          "| xargs -0 -I{} bash -c '{}'\n", 0o755)
    write(root, "opt/x.py", "print(1)\n")
    assert [j.command for j in _jobs(root) if j.origin_path == "etc/cron.d/ems"] == ["/opt/run.sh"]
