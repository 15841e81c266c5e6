"""The placements wave 6 found unread (tests/triggers_wave6), each fixed where its kind lives:
the file formats as their programs read them, what the agent captures, the job each parser
makes with its trigger, and when it fires — on real file formats in a host root."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from lineguard.agent.sources.host import collect, watched_paths
from lineguard.collector.analyse.timing import next_fire
from lineguard.collector.model import (
    AbsoluteTrigger,
    BootTrigger,
    CronTrigger,
    DelayedTrigger,
    EventTrigger,
    HookTrigger,
    IntervalTrigger,
    Job,
    LoginTrigger,
    UnparsableTrigger,
)
from lineguard.collector.parse.host import jobs
from lineguard.formats.anacron import run_tables
from lineguard.formats.githooks import git_runs, hooks_dir
from lineguard.formats.kernelconf import modprobe_runs, sysctl_programs
from lineguard.formats.pysite import pth_statements, string_commands
from lineguard.formats.shells import prompt_commands
from lineguard.formats.supervisors import monit, supervisord
from lineguard.formats.systemd import dropin_names
from lineguard.formats.tmpfiles import removals
from tests.hostroot import link, write

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
PASSWD = ("root:x:0:0:root:/root:/bin/bash\noper:x:1000:1000::/home/oper:/bin/bash\n"
          "ems:x:1001:1001::/home/ems:/bin/bash\n")
SD = "etc/systemd/system"


def _jobs(root: Path) -> list[Job]:
    write(root, "etc/passwd", PASSWD)
    write(root, "etc/timezone", "UTC\n")
    target, facts = collect(root)
    return jobs(target, facts)


def _one(found: list[Job], origin: str, line: int | None = None) -> Job:
    hits = [j for j in found if j.origin_path == origin
            and (line is None or j.origin_line == line)]
    assert len(hits) == 1, (origin, line, [(j.origin_path, j.origin_line) for j in found])
    return hits[0]


# --- formats ----------------------------------------------------------------------------------

def test_tmpfiles_lines_say_what_they_remove_and_when() -> None:
    got = removals("# comment\ne /srv/ems/linedata 0750 ems ems 1d\nR! /srv/old - - - -\n"
                   "D /var/tmp/c 0755 a a ~10d\nd /run/ems 0755 ems ems -\n"
                   "r /srv/ems/pvc.db\nq /var/tmp 1777 root root 30d\nbroken 'line\n")
    assert [(r.line, r.when, r.command) for r in got] == [
        (2, "clean", "find /srv/ems/linedata -mindepth 1 -mmin +1440 -delete"),
        (3, "boot", "rm -rf /srv/old"),
        (4, "boot", "find /var/tmp/c -mindepth 1 -delete"),
        (4, "clean", "find /var/tmp/c -mindepth 1 -maxdepth 1 -mmin +14400 -delete"),
        (6, "boot", "rm -f /srv/ems/pvc.db"),
        (7, "clean", "find /var/tmp -mindepth 1 -mmin +43200 -delete")]


def test_dropins_apply_by_unit_template_dash_prefix_and_type() -> None:
    assert dropin_names("ems-poll-ne.service") == [
        "ems-poll-ne.service", "ems-poll-.service", "ems-.service", "service"]
    assert dropin_names("pg@main.service") == ["pg@main.service", "pg@.service", "service"]
    assert dropin_names("ssh.socket") == ["ssh.socket", "socket"]


def test_kernel_settings_that_run_programs() -> None:
    assert sysctl_programs("kernel.core_pattern = |/opt/x.sh %p\n# kernel.core_pattern=|/no\n"
                           "kernel/core_pattern=core.%e\nkernel.modprobe = /opt/m\n") == [
        (1, "core_pattern", "", "/opt/x.sh %p"), (3, "core_pattern", "", ""),
        (4, "modprobe", "", "/opt/m")]
    runs = modprobe_runs("options bonding max_bonds=2\ninstall usb-storage /sbin/modprobe \\\n"
                         "  --ignore-install usb-storage; /opt/x.sh\nremove 8021q /opt/y\n")
    assert [(r.line, r.what, r.module, r.command) for r in runs] == [
        (2, "install", "usb-storage", "/sbin/modprobe    --ignore-install usb-storage; /opt/x.sh"),
        (4, "remove", "8021q", "/opt/y")]


def test_supervisor_programs_and_monit_checks() -> None:
    assert supervisord("[supervisord]\nnodaemon=false\n[program:a]\ncommand=/opt/a --x ; note\n"
                       "[program:b]\ncommand=/opt/b\nautostart=false\n[eventlistener:t]\n"
                       "command=/opt/t.py\nevents=TICK_3600\n") == [
        (3, "a", "boot", "/opt/a --x"), (5, "b", "manual", "/opt/b"),
        (8, "t", "every:3600", "/opt/t.py")]
    got = monit('set daemon 60\ncheck program p with path "/opt/p.sh -v"\n  every "30 3 * * *"\n'
                'check process sshd with pidfile /run/sshd.pid\n'
                '  start program = "/bin/systemctl start ssh"\n'
                '  if failed port 22 then exec "/opt/alarm.sh"\n')
    assert got == [(2, "p", "cron:30 3 * * *", "/opt/p.sh -v"),
                   (5, "sshd", "event:start", "/bin/systemctl start ssh"),
                   (6, "sshd", "event:exec", "/opt/alarm.sh")]


def test_python_site_lines_and_the_programs_they_name() -> None:
    text = "/opt/lib\nimport os; os.system('/usr/bin/python3 /opt/x.py' + ' &')\n#import no\n"
    assert pth_statements(text) == [
        (2, "import os; os.system('/usr/bin/python3 /opt/x.py' + ' &')")]
    assert "/usr/bin/python3 /opt/x.py &" in string_commands(pth_statements(text)[0][1])


def test_git_calls_with_their_repository_and_hooks_path() -> None:
    assert [(r.repo, r.sub, r.git_dir) for r in git_runs(
        "cd /opt/cfg && git pull -q; git -C /srv/r -c a=b checkout main\n"
        "git status; cd relative && git pull")] == [
        ("/opt/cfg", "pull", "/opt/cfg/.git"), ("/srv/r", "checkout", "/srv/r/.git"),
        # status refreshes and writes the index: post-index-change runs
        ("/opt/cfg", "status", "/opt/cfg/.git"),
        ("/opt/cfg/relative", "pull", "/opt/cfg/relative/.git")]
    assert hooks_dir("/opt/cfg", "[core]\n\thooksPath = /opt/hooks\n") == "/opt/hooks"
    assert hooks_dir("/opt/cfg", "[core]\n\thooksPath = .githooks\n") == "/opt/cfg/.githooks"
    assert hooks_dir("/opt/cfg", None) == "/opt/cfg/.git/hooks"


def test_prompt_command_and_private_anacrontab_are_commands() -> None:
    assert prompt_commands("PROMPT_COMMAND='history -a; /opt/x'\nexport PROMPT_COMMAND+=\"; y\"\n"
                           "echo PROMPT_COMMAND=no\n") == [(1, "history -a; /opt/x"), (2, "; y")]
    assert run_tables("@hourly /usr/sbin/anacron -s -t $HOME/.anacrontab -S ~/.anacron") == [
        "$HOME/.anacrontab"]


# --- systemd ------------------------------------------------------------------------------------

def test_systemd_placements_without_a_timer(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root, f"{SD}/ems-poller.service", "[Service]\nExecStart=/usr/bin/logger poll\n"
          "[Install]\nWantedBy=multi-user.target\n")
    link(root, f"{SD}/multi-user.target.wants/ems-poller.service", f"/{SD}/ems-poller.service")
    write(root, f"{SD}/service.d/10-audit.conf", "[Service]\nExecStartPost=/opt/a/all.sh\n")
    write(root, f"{SD}/ems-.service.d/20-x.conf", "[Service]\nExecStartPre=/opt/a/ems.sh\n")
    write(root, "opt/a/all.sh", "#!/bin/sh\nrm -rf /srv/ems/linedata\n", 0o755)
    write(root, "opt/a/ems.sh", "#!/bin/sh\ntrue\n", 0o755)
    write(root, "etc/systemd/system-generators/ems-gen", "#!/bin/sh\n/opt/a/gen.sh\n", 0o755)
    write(root, "opt/a/gen.sh", "#!/bin/sh\ntrue\n", 0o755)
    write(root, "usr/local/lib/systemd/system-generators/off", "#!/bin/sh\ntrue\n", 0o644)
    write(root, f"{SD}/trap.socket", "[Socket]\nListenDatagram=1162\n"
          "ExecStartPre=/bin/sh -c 'rm -rf /srv/x'\n[Install]\nWantedBy=sockets.target\n")
    write(root, f"{SD}/trap.service", "[Service]\nExecStart=/usr/bin/logger trap\n")
    link(root, f"{SD}/sockets.target.wants/trap.socket", f"/{SD}/trap.socket")
    write(root, f"{SD}/hold.service", "[Service]\nExecStart=/bin/sleep infinity\n"
          "RuntimeMaxSec=60d\nExecStopPost=/opt/a/after.sh\n[Install]\nWantedBy=multi-user.target\n")
    link(root, f"{SD}/multi-user.target.wants/hold.service", f"/{SD}/hold.service")
    write(root, "opt/a/after.sh", "#!/bin/sh\ntrue\n", 0o755)
    found = _jobs(root)
    # a drop-in for many units is one job of its own, run with each of them (at boot here)
    assert _one(found, f"{SD}/ems-poller.service").command == "/usr/bin/logger poll"
    every = _one(found, f"{SD}/service.d/10-audit.conf")
    assert every.command == "/opt/a/all.sh" and "opt/a/all.sh" in every.files
    assert isinstance(every.trigger, BootTrigger) and "every service" in every.trigger.note
    prefix = _one(found, f"{SD}/ems-.service.d/20-x.conf")
    assert prefix.command == "/opt/a/ems.sh" and "every ems-*.service" in prefix.trigger.note
    gen = _one(found, "etc/systemd/system-generators/ems-gen")
    assert isinstance(gen.trigger, BootTrigger) and "daemon-reload" in gen.trigger.note
    assert gen.state == "active" and "opt/a/gen.sh" in gen.files
    off = _one(found, "usr/local/lib/systemd/system-generators/off")
    assert off.state == "inert" and "not executable" in (off.problem or "")
    socket = _one(found, f"{SD}/trap.socket")
    assert socket.command == "/bin/sh -c 'rm -rf /srv/x'"
    assert isinstance(socket.trigger, BootTrigger)
    hold = [j for j in found if j.origin_path == f"{SD}/hold.service"]
    start, stop = sorted(hold, key=lambda j: j.origin_line or 0)
    assert start.command == "/bin/sleep infinity" and stop.command == "/opt/a/after.sh"
    assert isinstance(stop.trigger, DelayedTrigger) and stop.trigger.seconds == 60 * 86400
    fire = next_fire(stop.trigger, NOW, "UTC")
    assert fire.kind == "boot" and "RuntimeMaxSec=60d" in fire.note and "60d" in fire.note


def test_systemd_run_on_active_fires_its_span_after_the_unit_was_written(tmp_path: Path) -> None:
    root = tmp_path / "r"
    base = "run/systemd/transient/run-u42"
    write(root, f"{base}.timer", "[Timer]\nOnActiveSec=60d\nRemainAfterElapse=no\n")
    write(root, f"{base}.service", "[Service]\nExecStart=\nExecStart=\"/bin/true\"\n")
    written = (NOW - timedelta(days=10)).timestamp()
    os.utime(root / f"{base}.timer", (written, written))
    job = _one(_jobs(root), f"{base}.timer")
    assert isinstance(job.trigger, AbsoluteTrigger)
    assert next_fire(job.trigger, NOW, "UTC").at == NOW + timedelta(days=50)
    # a transient timer with a calendar too keeps its calendar reading
    write(root, f"{base}.timer", "[Timer]\nOnActiveSec=60d\nOnCalendar=daily\n")
    assert not isinstance(_one(_jobs(root), f"{base}.timer").trigger, AbsoluteTrigger)


# --- login, network, kernel and package hooks ---------------------------------------------------

def test_login_placements(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root, "etc/update-motd.d/95-ems", "#!/bin/sh\n/opt/m.sh\n", 0o755)
    write(root, "etc/update-motd.d/96-off", "#!/bin/sh\ntrue\n", 0o644)
    write(root, "etc/update-motd.d/97-x.sh", "#!/bin/sh\ntrue\n", 0o755)
    write(root, "opt/m.sh", "#!/bin/sh\ntrue\n", 0o755)
    write(root, "etc/bash_completion.d/ems", "complete -F _e ems\n")
    write(root, "home/oper/.ssh/rc", "/opt/m.sh &\n")
    write(root, "home/ems/.bashrc", "case $- in *i*) ;; *) return;; esac\n"
          "PROMPT_COMMAND='history -a; /opt/m.sh'\n")
    found = _jobs(root)
    motd = _one(found, "etc/update-motd.d/95-ems")
    assert isinstance(motd.trigger, LoginTrigger) and "pam_motd" in motd.trigger.how
    assert motd.state == "active" and "opt/m.sh" in motd.files
    assert _one(found, "etc/update-motd.d/96-off").state == "inert"
    assert "run-parts skips" in (_one(found, "etc/update-motd.d/97-x.sh").problem or "")
    assert "bash-completion" in _one(found, "etc/bash_completion.d/ems").trigger.how
    rc = _one(found, "home/oper/.ssh/rc")
    assert (rc.trigger.who, rc.owner) == ("oper", "oper") and "ssh" in rc.trigger.how.lower()
    prompt = _one(found, "home/ems/.bashrc", 2)
    assert prompt.command == "history -a; /opt/m.sh" and prompt.trigger.who == "ems"
    assert "opt/m.sh" in prompt.files


def test_network_kernel_and_package_hooks(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root, "etc/dhcp/dhclient-exit-hooks.d/ems", "case $reason in BOUND) x;; esac\n")
    write(root, "etc/networkd-dispatcher/off.d/50-ems", "#!/bin/sh\ntrue\n", 0o755)
    write(root, "etc/kernel/postinst.d/zz-ems", "#!/bin/sh\ntrue\n", 0o755)
    write(root, "etc/sysctl.d/50-coredump.conf", "kernel.core_pattern=|/lib/systemd/"
          "systemd-coredump %P %u %g %s %t 9223372036854775808 %h\n")
    write(root, "etc/sysctl.d/60-ems.conf", "kernel.core_pattern = |/opt/crash.sh %p\n")
    write(root, "etc/modprobe.d/ems.conf", "install usb-storage /bin/true\n"
          "install 8021q /sbin/modprobe --ignore-install 8021q; /opt/vlan.sh\n")
    write(root, "etc/modules", "# /etc/modules\n8021q\n")
    found = _jobs(root)
    dh = _one(found, "etc/dhcp/dhclient-exit-hooks.d/ems")
    assert isinstance(dh.trigger, EventTrigger) and "DHCP" in dh.trigger.event
    assert dh.state == "active"               # sourced: no x bit needed
    nd = _one(found, "etc/networkd-dispatcher/off.d/50-ems")
    assert "link off" in nd.trigger.event
    kernel = _one(found, "etc/kernel/postinst.d/zz-ems")
    assert isinstance(kernel.trigger, HookTrigger) and kernel.trigger.rare
    packaged = _one(found, "etc/sysctl.d/50-coredump.conf")
    assert packaged.state == "inert" and "60-ems.conf" in (packaged.problem or "")
    planted = _one(found, "etc/sysctl.d/60-ems.conf")
    assert planted.state == "active" and planted.command == "/opt/crash.sh %p"
    assert "dumps core" in planted.trigger.event
    usb = _one(found, "etc/modprobe.d/ems.conf", 1)
    assert isinstance(usb.trigger, EventTrigger) and "usb-storage" in usb.trigger.event
    vlan = _one(found, "etc/modprobe.d/ems.conf", 2)
    assert isinstance(vlan.trigger, BootTrigger)          # /etc/modules loads it at boot


def test_tmpfiles_jobs_fire_with_the_cleaning_timer_or_at_boot(tmp_path: Path) -> None:
    root = tmp_path / "r"
    lib = "lib/systemd/system"
    write(root, f"{lib}/systemd-tmpfiles-clean.timer", "[Timer]\nOnBootSec=15min\n"
          "OnUnitActiveSec=1d\n")
    write(root, f"{lib}/systemd-tmpfiles-clean.service", "[Service]\nType=oneshot\n"
          "ExecStart=systemd-tmpfiles --clean\n")
    link(root, f"{lib}/timers.target.wants/systemd-tmpfiles-clean.timer",
         "../systemd-tmpfiles-clean.timer")
    write(root, "etc/tmpfiles.d/ems.conf", "d /srv/ems/linedata 0750 ems ems 12h\n"
          "R /srv/ems/old - - - -\n")
    write(root, "usr/lib/tmpfiles.d/ems.conf", "R /srv/hidden - - - -\n")
    found = _jobs(root)
    aged = _one(found, "etc/tmpfiles.d/ems.conf", 1)
    assert isinstance(aged.trigger, HookTrigger) and aged.trigger.via is not None
    cleaning = next_fire(aged.trigger, NOW, "UTC")
    assert cleaning.kind == "hook" and "1d after" in cleaning.note
    assert aged.command == "find /srv/ems/linedata -mindepth 1 -mmin +720 -delete"
    assert isinstance(_one(found, "etc/tmpfiles.d/ems.conf", 2).trigger, BootTrigger)
    hidden = _one(found, "usr/lib/tmpfiles.d/ems.conf", 1)
    assert hidden.state == "inert" and "etc/tmpfiles.d/ems.conf" in (hidden.problem or "")


# --- jobs that run other jobs' hooks ------------------------------------------------------------

def test_hooks_fire_with_the_soonest_job_that_runs_them(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root, "etc/crontab", "15 4 * * * ems cd /opt/cfg && git pull -q\n"
          "30 12 * * * root /usr/bin/logger noon\n")
    write(root, "opt/cfg/.git/config", "[core]\n\tbare = false\n")
    write(root, "opt/cfg/.git/hooks/post-merge", "#!/bin/sh\n/opt/after-pull.sh\n", 0o755)
    write(root, "opt/cfg/.git/hooks/pre-commit.sample", "#!/bin/sh\nexit 1\n", 0o755)
    write(root, "opt/after-pull.sh", "#!/bin/sh\ntrue\n", 0o755)
    write(root, "etc/pam.d/cron", "session optional pam_exec.so quiet /opt/sess.sh\n")
    write(root, "opt/sess.sh", "#!/bin/sh\ntrue\n", 0o755)
    found = _jobs(root)
    hook = _one(found, "opt/cfg/.git/hooks/post-merge")
    assert isinstance(hook.trigger, HookTrigger) and hook.owner == "ems"
    assert "git pull in /opt/cfg" in hook.trigger.host_job and "opt/after-pull.sh" in hook.files
    assert next_fire(hook.trigger, NOW, "UTC").at == datetime(2026, 11, 26, 4, 15, tzinfo=UTC)
    assert not [j for j in found if j.origin_path.endswith(".sample")]
    session = _one(found, "etc/pam.d/cron", 1)
    assert isinstance(session.trigger, HookTrigger)
    assert next_fire(session.trigger, NOW, "UTC").at == datetime(2026, 11, 25, 12, 30,
                                                                 tzinfo=UTC)


def test_supervisors_python_site_and_private_anacrontab(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root, "etc/supervisor/conf.d/ems.conf", "[program:relay]\ncommand=/opt/relay.sh\n"
          "[eventlistener:tick]\ncommand=/opt/tick.py\nevents=TICK_3600\n")
    write(root, "etc/monit/conf.d/ems", 'check program p with path "/opt/p.sh"\n'
          '  every "30 3 14 2 *"\n')
    for name in ("relay.sh", "tick.py", "p.sh", "x.py"):
        write(root, f"opt/{name}", "#!/bin/sh\ntrue\n", 0o755)
    write(root, "usr/local/lib/python3.11/dist-packages/ems.pth",
          "/opt/lib\nimport os; os.system('/usr/bin/python3 /opt/x.py')\n")
    write(root, "var/spool/cron/crontabs/oper",
          "@hourly /usr/sbin/anacron -s -t $HOME/.anacrontab -S $HOME/.anacron\n", 0o600)
    write(root, "home/oper/.anacrontab", "90\t15\tems-x\t/opt/p.sh\n")
    found = _jobs(root)
    relay = _one(found, "etc/supervisor/conf.d/ems.conf", 1)
    assert isinstance(relay.trigger, BootTrigger) and "opt/relay.sh" in relay.files
    assert _one(found, "etc/supervisor/conf.d/ems.conf", 3).trigger == IntervalTrigger(3600)
    check = _one(found, "etc/monit/conf.d/ems", 1)
    assert check.trigger == CronTrigger("30 3 14 2 *") and "opt/p.sh" in check.files
    pth = _one(found, "usr/local/lib/python3.11/dist-packages/ems.pth", 2)
    assert isinstance(pth.trigger, HookTrigger) and "opt/x.py" in pth.files
    private = _one(found, "home/oper/.anacrontab", 1)
    assert private.source == "anacron" and private.command == "/opt/p.sh"


def test_every_new_placement_is_watched(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root, "home/oper/.bashrc", "")
    watched = set(watched_paths(root))
    assert {"etc/tmpfiles.d", "etc/systemd/system-generators", "etc/update-motd.d",
            "etc/bash_completion.d", "home/oper/.ssh/rc", "etc/sysctl.d", "etc/modprobe.d",
            "etc/dhcp/dhclient-exit-hooks.d", "etc/networkd-dispatcher/off.d",
            "etc/kernel/postinst.d", "etc/supervisor/conf.d", "etc/monit/conf.d",
            "usr/lib/python3/dist-packages"} <= watched


# --- device side --------------------------------------------------------------------------------

def test_eem_environment_tcl_policies_and_junos_commit_scripts() -> None:
    from lineguard.collector.analyse.effects.applet import commands
    from lineguard.collector.parse import ios, junos
    config = ("event manager environment _lg_cmd no interface ATM0/1/0.100\n"
              'event manager directory user policy "flash:/eem/"\n'
              "event manager policy wipe.tcl type user\n"
              "event manager policy tm_cli_cmd.tcl type system\n"
              "event manager applet X\n"
              ' event timer cron cron-entry "0 3 * * *"\n'
              ' action 1.0 cli command "enable"\n'
              ' action 2.0 cli command "$_lg_cmd"\n')
    ctx = ios.Context("atm-1", UTC, "UTC")
    found = ios.jobs(ctx, config)
    applet = next(j for j in found if j.origin_line == 5)
    assert [c for c, _l, _t in commands(applet.actions, "eem", config)] == [
        "enable", "no interface ATM0/1/0.100"]
    (policy,) = [j for j in found if j.command.startswith("tclsh")]
    assert policy.command == "tclsh flash:/eem/wipe.tcl"
    assert isinstance(policy.trigger, UnparsableTrigger) and policy.trigger.kind == "event"
    (commit,) = junos.jobs("mx-1", "system {\n    scripts {\n        commit {\n"
                           "            file purge.slax;\n        }\n    }\n}\n", "UTC")
    assert commit.command == "commit-script purge.slax"
    assert isinstance(commit.trigger, EventTrigger) and "commit" in commit.trigger.event


def test_compiled_generators_and_packaged_volatile_cleanups(tmp_path: Path) -> None:
    """A compiled generator is judged by where it lies (systemd's own in /lib are routine, one
    in /etc is a program nobody can read); what packages clear under /tmp and /run on every
    host is not listed, the same line in /etc is."""
    from lineguard.collector.analyse.effects.judge import judge
    root = tmp_path / "r"
    elf = Path("/bin/true").read_bytes()
    write(root, "lib/systemd/system-generators/systemd-fstab-generator", elf, 0o755)
    write(root, "etc/systemd/system-generators/ems-bin", elf, 0o755)
    write(root, "usr/lib/tmpfiles.d/x11.conf", "D! /tmp/.X11-unix 1777 root root 10d\n")
    write(root, "etc/tmpfiles.d/x11.conf", "R /tmp/.X11-unix - - - -\nR /srv/ems/linedata\n")
    write(root, "etc/passwd", PASSWD)
    target, facts = collect(root)
    found = jobs(target, facts)
    arts = {a.name: a for a in target.artifacts}

    def verdict(origin: str) -> str:
        job = _one(found, origin)
        return judge(job, arts, next_fire(job.trigger, NOW, "UTC"), NOW).verdict.value

    assert verdict("lib/systemd/system-generators/systemd-fstab-generator") == "benign"
    assert verdict("etc/systemd/system-generators/ems-bin") == "suspicious"
    assert not [j for j in found if j.origin_path == "usr/lib/tmpfiles.d/x11.conf"]
    assert [j.origin_line for j in found if j.origin_path == "etc/tmpfiles.d/x11.conf"] == [1, 2]


def test_daemon_handlers_snmp_rsyslog_postgres() -> None:
    from lineguard.formats.daemonconf import pg_commands, rsyslog_programs, snmp_handlers
    assert snmp_handlers("traphandle default /usr/sbin/snmptthandler\n"
                         "extend test1 /bin/echo Hello, world!\nexec ems /opt/x.sh a\n"
                         "pass .1.3.6.1.4.1.9 /bin/sh /usr/x\n"
                         "extend .1.3.6.1.4.1.2021.8 ems /opt/y\nrocommunity public\n") == [
        (1, "traphandle default", "/usr/sbin/snmptthandler"),
        (2, "extend test1", "/bin/echo Hello, world!"), (3, "exec ems", "/opt/x.sh a"),
        (4, "pass .1.3.6.1.4.1.9", "/bin/sh /usr/x"), (5, "extend ems", "/opt/y")]
    assert rsyslog_programs('module(load="omprog")\nif $msg contains "X" then {\n'
                            '    action(type="omprog" binary="/opt/a.sh --x")\n}\n'
                            "$ActionOMProgBinary /opt/p.sh\n"
                            ':msg, contains, "ATM" ^/opt/q.sh\n'
                            '*.* action(type="omfwd" target="10.0.0.5")\n') == [
        (3, "omprog", "/opt/a.sh --x"), (5, "omprog", "/opt/p.sh"), (6, "^program", "/opt/q.sh")]
    assert pg_commands("archive_mode = on\narchive_command = 'test ! -f /a/%f && cp %p /a/%f'\n"
                       "#restore_command = 'x'\nrestore_command='rm -rf ''/x'''\n") == [
        (2, "archive_command", "test ! -f /a/%f && cp %p /a/%f"),
        (4, "restore_command", "rm -rf '/x'")]


def test_daemon_jobs_and_user_tmpfiles(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root, "etc/snmp/snmptrapd.conf", "authCommunity log,execute,net public\n"
          "traphandle IF-MIB::linkDown /opt/trap.sh down\n")
    write(root, "etc/snmp/snmpd.conf.d/ems.conf", "extend ems-q /opt/q.sh\n")
    write(root, "etc/rsyslog.d/60-ems.conf", 'action(type="omprog" binary="/opt/log.sh")\n')
    write(root, "etc/postgresql/15/main/conf.d/ems.conf", "archive_command = '/opt/arch.sh %p'\n")
    write(root, "var/lib/postgresql/15/main/postgresql.auto.conf",
          "# Do not edit this file manually!\nrestore_command = 'cp /a/%f %p'\n")
    write(root, "var/lib/postgresql/15/main/base/1/PG_VERSION", "15\n")
    for name in ("trap.sh", "q.sh", "log.sh", "arch.sh"):
        write(root, f"opt/{name}", "#!/bin/sh\ntrue\n", 0o755)
    write(root, "home/oper/.config/user-tmpfiles.d/ems.conf", "R %h/ems-data - - - -\n"
          "d %h/.cache/ems 0700 - - 7d\n")
    found = _jobs(root)
    trap = _one(found, "etc/snmp/snmptrapd.conf", 2)
    assert "snmptrapd receives a trap (IF-MIB::linkDown)" in trap.trigger.event
    assert "opt/trap.sh" in trap.files
    assert "extend OID ems-q" in _one(found, "etc/snmp/snmpd.conf.d/ems.conf").trigger.event
    assert "opt/log.sh" in _one(found, "etc/rsyslog.d/60-ems.conf").files
    archive = _one(found, "etc/postgresql/15/main/conf.d/ems.conf")
    assert archive.owner == "postgres" and "WAL" in archive.trigger.event
    assert _one(found, "var/lib/postgresql/15/main/postgresql.auto.conf").command == \
        "cp /a/%f %p"
    assert not [j for j in found if "base/1" in j.origin_path]
    wipe = _one(found, "home/oper/.config/user-tmpfiles.d/ems.conf", 1)
    assert wipe.command == "rm -rf /home/oper/ems-data"
    assert isinstance(wipe.trigger, LoginTrigger) and wipe.trigger.who == "oper"
    aged = _one(found, "home/oper/.config/user-tmpfiles.d/ems.conf", 2)
    assert isinstance(aged.trigger, HookTrigger) and aged.owner == "oper"


REGISTERED = """\
No.  Class     Type    Event Type          Trap  Time Registered           Name
1    applet    user    timer countdown     Off   Mon Nov 23 10:00:00 2026  CLEAN
 name {cd} time 7776000.000
 maxrun 20.000
 action 1.0 cli command "enable"
2    applet    user    timer watchdog      Off   Mon Nov 23 10:00:00 2026  TICK
 name {wd} time 86400.000
3    script    user    timer cron          Off   Tue Nov 24  9:30:00 2026  wipe.tcl
 name {nightly} cron entry {30 3 * * *}
4    script    system  none                Off   Tue Nov 24  9:30:00 2026  tm_cli_cmd.tcl
"""


def test_eem_timers_and_tcl_policies_are_dated_from_their_registration() -> None:
    """A countdown counts from when the applet was registered, a watchdog repeats from then,
    and a Tcl policy's own timer is read from the registration list the agent captures."""
    from lineguard.collector.parse import ios
    config = ("clock timezone JST 9 0\n"
              "event manager applet CLEAN\n event timer countdown name cd time 7776000\n"
              ' action 1.0 cli command "enable"\n'
              "event manager applet TICK\n event timer watchdog name wd time 86400\n"
              ' action 1.0 cli command "show clock"\n'
              'event manager directory user policy "flash:/eem/"\n'
              "event manager policy wipe.tcl type user\n")
    jst = timezone(timedelta(hours=9))
    ctx = ios.Context("atm-1", jst, "Asia/Tokyo")
    found = {j.origin_line: j for j in ios.jobs(ctx, config, show_registered=REGISTERED)}
    countdown = next_fire(found[2].trigger, NOW, "Asia/Tokyo")
    assert countdown.kind == "exact"
    assert countdown.at == datetime(2026, 11, 23, 1, 0, tzinfo=UTC) + timedelta(days=90)
    watchdog = next_fire(found[5].trigger, NOW, "Asia/Tokyo")
    assert watchdog.at == datetime(2026, 11, 26, 1, 0, tzinfo=UTC)
    tcl = found[9]
    assert tcl.command == "tclsh flash:/eem/wipe.tcl"
    assert next_fire(tcl.trigger, NOW, "Asia/Tokyo").at == datetime(2026, 11, 25, 18, 30,
                                                                   tzinfo=UTC)
    # without the registration list the countdown and the policy's event stay unknown
    bare = {j.origin_line: j for j in ios.jobs(ctx, config)}
    assert next_fire(bare[2].trigger, NOW, "Asia/Tokyo").kind in ("unknown", "relative")
    assert isinstance(bare[9].trigger, UnparsableTrigger)


def test_a_planted_dropin_is_named_in_who_planted_the_job(tmp_path: Path) -> None:
    """The unit file is the packaged one; the drop-in that adds the command is what changed."""
    root = tmp_path / "r"
    write(root, "lib/systemd/system/ssh.service", "[Service]\nExecStart=/usr/sbin/sshd -D\n"
          "[Install]\nWantedBy=multi-user.target\n")
    link(root, f"{SD}/multi-user.target.wants/ssh.service", "/lib/systemd/system/ssh.service")
    os.utime(root / "lib/systemd/system/ssh.service", (1_600_000_000, 1_600_000_000))
    write(root, f"{SD}/ssh.service.d/local.conf", "[Service]\nExecStartPost=/opt/x.sh\n")
    write(root, "opt/x.sh", "#!/bin/sh\ntrue\n", 0o755)
    os.utime(root / "opt/x.sh", (1_600_000_000, 1_600_000_000))
    job = _one(_jobs(root), "lib/systemd/system/ssh.service")
    assert job.defined_in == (f"{SD}/ssh.service.d/local.conf",)
    assert job.provenance is not None
    assert f"{SD}/ssh.service.d/local.conf" in [f.path for f in job.provenance.files]


def test_how_to_stop_each_new_placement() -> None:
    from lineguard.collector.remedy import origin
    from lineguard.formats.wire import Artifact

    def stop(source: str, path: str, line: int | None, schedule: str, text: str,
             command: str = "/x") -> tuple[str, ...]:
        art = Artifact.from_bytes(path, "x", text.encode())
        job = Job(target="h", source=source, origin_path=path, origin_line=line, owner="root",
                  schedule=schedule, command=command, trigger=BootTrigger())
        return origin(job, art).stop

    assert stop("systemd", "etc/systemd/system-generators/g", None, "system generator", "")[0] \
        .startswith("rm /etc/systemd/system-generators/g")
    assert stop("systemd", f"{SD}/service.d/a.conf", 2, "drop-in", "[Service]\nExecStartPost=/x\n") \
        == (f"rm /{SD}/service.d/a.conf   (a drop-in for service)", "systemctl daemon-reload")
    assert stop("kernel", "etc/sysctl.d/60.conf", 1, "kernel.core_pattern",
                "kernel.core_pattern = |/x\n")[1].startswith("sysctl -w kernel.core_pattern='core'")
    assert stop("daemon", "etc/snmp/snmptrapd.conf", 1, "traphandle default",
                "traphandle default /x\n")[-1] == "systemctl restart snmptrapd"
    assert stop("eem", "running-config", 1, "event manager policy w.tcl type user",
                "event manager policy w.tcl type user\n", "tclsh flash:/eem/w.tcl")[1] == \
        "no event manager policy w.tcl"
    assert stop("junos-event", "configuration", 4, "system scripts commit file p.slax",
                "")[:3] == ("configure", "delete system scripts commit file p.slax", "commit")


def test_what_jobs_run_by_way_of_other_jobs_is_watched(tmp_path: Path) -> None:
    """A hook dropped into the repository a cron job pulls, or a private anacrontab edited,
    starts a snapshot as a planted job does."""
    root = tmp_path / "r"
    write(root, "etc/crontab", "15 4 * * * ems cd /opt/cfg && git pull -q\n"
          "@hourly oper /usr/sbin/anacron -t /home/oper/.anacrontab -S /home/oper/.anacron\n")
    write(root, "opt/cfg/.git/config", "[core]\n\tbare = false\n")
    write(root, "opt/cfg/.git/hooks/post-merge", "#!/bin/sh\ntrue\n", 0o755)
    write(root, "home/oper/.anacrontab", "7\t5\tx\t/bin/true\n")
    write(root, "etc/passwd", PASSWD)
    target, _facts = collect(root)
    watched = set(watched_paths(root, target))
    assert {"opt/cfg/.git/hooks", "opt/cfg/.git/config", "opt/cfg/.git/hooks/post-merge",
            "home/oper/.anacrontab"} <= watched


def test_a_hook_reached_by_two_paths_is_one_job(tmp_path: Path) -> None:
    """Debian links /usr/lib/python3.11/sitecustomize.py to /etc/python3.11: one job, as
    merged-/usr's /lib and /usr/lib hold the same generators once."""
    root = tmp_path / "r"
    write(root, "etc/python3.11/sitecustomize.py", "import os\n")
    link(root, "usr/lib/python3.11/sitecustomize.py", "/etc/python3.11/sitecustomize.py")
    write(root, "usr/lib/systemd/system-generators/g", "#!/bin/sh\ntrue\n", 0o755)
    link(root, "lib", "usr/lib")
    found = _jobs(root)
    assert len([j for j in found if j.source == "python-site"]) == 1
    assert len([j for j in found if j.schedule == "system generator"]) == 1
