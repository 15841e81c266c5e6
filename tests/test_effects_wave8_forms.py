"""Root causes the wave-8 red team found (tests/redteam_wave8), one family a test group, each
with its quiet look-alike:

- event daemons: the daemons and system files of a management server that run a program on
  an event (mail aliases and ~/.forward pipes, Zabbix UserParameter, NRPE commands, keepalived
  notify scripts, inittab, xinetd/inetd servers, acpid actions, smartd -M exec, audit
  dispatcher plugins; and, held out after the fix, OpenVPN, postfix pipes, procmail, fail2ban,
  telegraf, upsmon, mdadm) and the suspend/resume and PPP hook folders were never captured: a
  job planted there was no job at all;
- archives into nothing: tar --remove-files writing its archive to a standard output thrown
  away, members under -C, old-style `tar cf -`; rsync --delete from a folder the job just made
  (named with a trailing slash);
- keyless RESTCONF lists: a DELETE of IOS-XE's `native/interface/ATM-subinterface` (every ATM
  subinterface);
- brace expansion spelling a command whose words are quoted or that ends the line;
- xargs items split by -0/-d and grouped by -n (`echo CMD | xargs -d '\\n' -n1 bash -c`);
- interpreters launched with the code's values in their argv or environment (`perl -e …
  $ARGV[0]`, Python `os.environ[…]`/`os.getenv`);
- curl's -K configuration files (the method and URL written there, not on the command line);
- the agent stopping on a name with a NUL byte."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from lineguard.agent.sources.host import collect
from lineguard.collector.analyse.effects.runners import xargs
from lineguard.collector.model import BootTrigger, EventTrigger, Job
from lineguard.collector.parse.host import jobs
from lineguard.formats import daemonconf
from tests.hostroot import write
from tests.test_effects_wave7_forms import _judged

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


def test_held_out_event_daemon_readers() -> None:
    """Wave 8b, written after the table existed: each daemon one reader and one table row."""
    assert daemonconf.openvpn_scripts("dev tun\nup /opt/o.sh\n"
                                      "auth-user-pass-verify /opt/v.sh via-env\n;down /x\n") == [
        (2, "openvpn up", "/opt/o.sh"), (3, "openvpn auth-user-pass-verify", "/opt/v.sh")]
    assert daemonconf.postfix_pipes("smtp inet n - y - - smtpd\n"
                                    "ems unix - n n - - pipe\n  flags=Rq user=nobody "
                                    "argv=/opt/p.sh ${sender}\n") == [
        (2, "pipe ems", "/opt/p.sh ${sender}")]
    assert daemonconf.procmail_pipes(":0 c\n* ^Subject:.*X\n| /opt/m.sh\n") == [
        (3, "procmail", "/opt/m.sh")]
    assert daemonconf.fail2ban_actions("[Definition]\nactioncheck =\nactionban = /opt/f.sh "
                                       "<ip>\n    --now\n") == [
        (3, "fail2ban actionban", "/opt/f.sh f2b-ip --now")]
    assert daemonconf.telegraf_execs('[[inputs.exec]]\n  commands = ["/usr/bin/uptime", '
                                     '"/opt/t.sh -a"]\n[[outputs.execd]]\n'
                                     '  command = ["/opt/o.sh", "x"]\n') == [
        (2, "telegraf exec", "/usr/bin/uptime"), (2, "telegraf exec", "/opt/t.sh -a"),
        (4, "telegraf execd", "/opt/o.sh x")]
    assert daemonconf.upsmon_commands('NOTIFYCMD /opt/u.sh\nSHUTDOWNCMD "/sbin/shutdown -h '
                                      '+0"\n') == [(1, "upsmon NOTIFYCMD", "/opt/u.sh"),
                                                   (2, "upsmon SHUTDOWNCMD", "/sbin/shutdown -h +0")]
    assert daemonconf.mdadm_programs("MAILADDR root\nPROGRAM /opt/md.sh\n") == [
        (2, "mdadm PROGRAM", "/opt/md.sh")]


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
    "etc/openvpn/server/ems.conf": ("dev tun\nup /opt/run.sh\n", EventTrigger, "root"),
    "home/oper/.procmailrc": (":0\n| /opt/run.sh\n", EventTrigger, "oper"),
    "etc/nut/upsmon.conf": ("NOTIFYCMD /opt/run.sh\n", EventTrigger, "nut"),
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


# --- family: archives into nothing ------------------------------------------------------------
@pytest.mark.parametrize("line", [
    "tar -C /var/lib/ems/pvc -czf - . --remove-files > /dev/null",
    "tar cf - --remove-files /opt/ems/data/xconnect | cat > /dev/null",
    "tar --remove-files -czf /dev/null /srv/ems/linedata",
    "mkdir -p /tmp/.e1 && rsync -r --delete-before /tmp/.e1/ /srv/ems/linedata/",
])
def test_data_archived_or_synced_into_nothing_is_destroyed(line: str) -> None:
    assert _judged(f"#!/bin/bash\n{line}\n")[0] == "destructive"


@pytest.mark.parametrize("line", [
    "tar -C /srv/ems/linedata -czf - . --remove-files > /var/backups/ems/linedata.tgz",
    "tar -czf - /srv/ems/linedata > /var/backups/ems/linedata.tgz",
    "rsync -a --delete /srv/ems/linedata/ /var/backups/ems/linedata/",
])
def test_archives_and_mirrors_that_are_kept_are_not(line: str) -> None:
    assert _judged(f"#!/bin/bash\n{line}\n")[0] != "destructive"


# --- family: keyless RESTCONF lists -----------------------------------------------------------
URL = "https://atm-kobe-01/restconf/data/Cisco-IOS-XE-native:native/interface/ATM-subinterface"


def test_delete_of_every_atm_subinterface_over_restconf() -> None:
    assert _judged(f"#!/bin/bash\nhttp --verify=no -a noc:s DELETE {URL}\n") == \
        ("destructive", "critical")
    assert _judged(f"#!/bin/bash\ncurl -sk -XGET {URL}\n")[0] == "benign"
    assert _judged("#!/bin/bash\ncurl -sk -X DELETE https://ne1/restconf/data/"
                   "Cisco-IOS-XE-native:native/interface/Loopback=5\n")[0] == "benign"


# --- family: brace expansion ------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "{rm,-rf,/srv/ems/linedata}\n",
    "{bash,-c,'rm -rf /srv/ems/linedata'}\n",
    "{bash,-c,'printf '\"'\"'%s\\n'\"'\"' x; rm -rf /srv/ems/linedata'} ; echo done\n",
])
def test_brace_expansion_spelling_a_command(text: str) -> None:
    assert _judged("#!/bin/bash\n" + text)[0] == "destructive"
    assert _judged("#!/bin/bash\n" + text.replace("rm -rf", "ls -l").replace(
        "rm,-rf", "ls,-l"))[0] == "benign"


# --- family: xargs items ----------------------------------------------------------------------
def test_xargs_splits_items_by_nul_delimiter_and_count() -> None:
    cmd = "rm -rf /srv/ems/linedata"
    one = xargs(["xargs", "-d", "\\n", "-n1", "bash", "-c"], cmd + "\n")
    assert [r.argv for r in one] == [["bash", "-c", cmd]]
    nul = xargs(["xargs", "-0", "-I{}", "bash", "-c", "{}"], cmd + "\0")
    assert [r.argv for r in nul] == [["bash", "-c", cmd]]
    words = xargs(["xargs", "-n", "2", "echo"], "a b c\n")
    assert [r.argv for r in words] == [["echo", "a", "b"], ["echo", "c"]]


@pytest.mark.parametrize("line", [
    "echo 'rm -rf /srv/ems/linedata' | xargs -d '\\n' -n1 bash -c",
    "printf '%s\\0' 'rm -rf /srv/ems/linedata' | xargs -0 -I{} bash -c '{}'",
])
def test_code_handed_to_a_shell_by_xargs(line: str) -> None:
    assert _judged(f"#!/bin/bash\n{line}\n")[0] == "destructive"
    assert _judged(f"#!/bin/bash\n{line.replace('rm -rf', 'ls -l')}\n")[0] == "benign"


# --- family: values in an interpreter's argv or environment -----------------------------------
@pytest.mark.parametrize("line", [
    "perl -e 'system(\"bash\", \"-c\", $ARGV[0])' 'CMD'",
    "STEP='CMD' python3 -c 'import os, subprocess; subprocess.run(os.environ[\"STEP\"], "
    "shell=True)'",
    "STEP='CMD' python3 -c 'import os; os.system(os.getenv(\"STEP\"))'",
])
def test_interpreters_running_their_argv_or_environment(line: str) -> None:
    assert _judged("#!/bin/bash\n" + line.replace("CMD", "rm -rf /srv/ems/linedata"))[0] == \
        "destructive"
    assert _judged("#!/bin/bash\n" + line.replace("CMD", "ls -l /srv/ems/linedata"))[0] == \
        "benign"


# --- family: curl configuration files ---------------------------------------------------------
def test_curl_reads_its_request_from_a_config_file() -> None:
    conf = f'url = "{URL}"\nrequest = "DELETE"\nuser = "noc:secret"\ninsecure\nsilent\n'
    script = "#!/bin/bash\ncurl -K /opt/ems/etc/a.curlrc\n"
    assert _judged(script, {"opt/ems/etc/a.curlrc": conf})[0] == "destructive"
    assert _judged(script, {"opt/ems/etc/a.curlrc": conf.replace("DELETE", "GET")})[0] == \
        "benign"
    # not captured: what it requests is unseen, never benign
    assert _judged(script)[0] == "suspicious"


def test_fail2ban_tags_are_one_word_each() -> None:
    """A stock fail2ban action (symbiosis-blacklist-allports) removes the one file named after
    the address it unbans: `<ip>` is a value, not a redirection nor a pattern."""
    stock = ("[Definition]\nactionunban = rm -f /etc/symbiosis/firewall/blacklist.d/<ip>.auto\n"
             "               <iptables> -D <chain> -s <ip> -j <blocktype> || :\n")
    (h,) = daemonconf.fail2ban_actions(stock)
    assert "<" not in h.command
    assert _judged("#!/bin/sh\n" + h.command + "\n")[0] != "destructive"
