"""The file formats of the non-clock mechanisms, read the way their programs read them: apt.conf
lists and scopes, udev continuations and program paths, authorized_keys quoting, PAM control
brackets, logrotate blocks, interfaces options, the site scheduler's syntaxes, and the rules
that make a hook inert (masked units, native units over init scripts, modes, names)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from lineguard.agent.sources.host import ScheduledFile, collect
from lineguard.collector.model import (
    AbsoluteTrigger,
    AnacronTrigger,
    BootTrigger,
    CalendarTrigger,
    EventTrigger,
    HookTrigger,
    IntervalTrigger,
    Job,
    trigger_kind,
)
from lineguard.collector.parse.host import jobs
from lineguard.formats.aptconf import hooks
from lineguard.formats.logrotate import parse
from lineguard.formats.pam import exec_lines, options
from lineguard.formats.ssh import key_options
from lineguard.formats.udev import rule_programs
from tests.hostroot import link, write

PASSWD = "root:x:0:0:root:/root:/bin/bash\noper:x:1000:1000::/home/oper:/bin/bash\n"


def _jobs(root: Path, *specs: ScheduledFile) -> list[Job]:
    write(root, "etc/passwd", PASSWD)
    target, facts = collect(root, scheduled_files=specs)
    return jobs(target, facts)


def test_apt_conf_lists_scopes_comments_and_clear() -> None:
    text = ('/* block\n comment */ # hash comment\nDPkg {\n  Post-Invoke { "a; b"; "c"; };\n};\n'
            '#clear DPkg::Pre-Invoke;\nAPT::Update::Post-Invoke-Success:: "d \\"q\\"";\n'
            'Acquire::http::Proxy "http://proxy:3128"; // not a hook\n')
    assert hooks(text) == [("DPkg::Post-Invoke", 4, "a; b"), ("DPkg::Post-Invoke", 4, "c"),
                           ("APT::Update::Post-Invoke-Success", 7, 'd "q"')]


def test_udev_continuations_program_keys_and_match_part() -> None:
    text = ('# c\nACTION=="add", SUBSYSTEM=="net", \\\n  PROGRAM="/bin/id %k", '
            'IMPORT{program}="ems-probe --x", RUN+="ems-run", RUN{builtin}+="kmod load x"\n')
    got = rule_programs(text)
    assert [(n, k, c) for n, k, c, _ in got] == [(2, "PROGRAM", "/bin/id %k"),
                                                 (2, "IMPORT{program}", "ems-probe --x"),
                                                 (2, "RUN", "ems-run")]
    assert got[0][3] == 'ACTION=="add", SUBSYSTEM=="net"'


def test_udev_program_without_a_path_runs_from_lib_udev(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root, "lib/udev/ems-run", "#!/bin/sh\nrm -rf /srv/ems/linedata\n", 0o755)
    write(root, "etc/udev/rules.d/90-x.rules", 'ACTION=="add", RUN+="ems-run --now"\n')
    write(root, "lib/udev/rules.d/90-x.rules", 'RUN+="/bin/false"\n')     # overridden by /etc
    (job,) = [j for j in _jobs(root) if j.source == "udev"]
    assert job.command == "/lib/udev/ems-run --now" and job.files == ("lib/udev/ems-run",)
    assert job.trigger == EventTrigger('udev event matching ACTION=="add"', rare=True)


def test_authorized_keys_options_with_quotes_and_flags() -> None:
    opts, rest = key_options('from="10.0.0.0/8,!10.0.0.9",command="sh -c \\"x\\"",no-pty '
                             'ssh-ed25519 AAAA key comment')
    assert opts == {"from": "10.0.0.0/8,!10.0.0.9", "command": 'sh -c "x"', "no-pty": ""}
    assert rest == "ssh-ed25519 AAAA key comment"
    assert key_options("# command=\"x\" ssh-rsa") == ({}, '# command="x" ssh-rsa')


def test_pam_control_brackets_options_and_pam_conf() -> None:
    text = ("auth [success=1 default=ignore] pam_exec.so expose_authtok log=/tmp/l /opt/x.sh a\n"
            "-session optional /lib/security/pam_exec.so /opt/y.sh\n"
            "session optional pam_unix.so\n")
    assert exec_lines(text) == [(1, "", "auth", "/opt/x.sh a"), (2, "", "session", "/opt/y.sh")]
    assert options(text, 1) == ["expose_authtok", "log=/tmp/l"]
    assert exec_lines("sshd session optional pam_exec.so /opt/z\n", True) == [
        (1, "sshd", "session", "/opt/z")]


def test_logrotate_blocks_paths_frequency_scripts_include() -> None:
    conf = parse('weekly\ninclude /etc/logrotate.d\n/var/log/a.log\n"/var/log/b c.log" {\n'
                 '  monthly\n  sharedscripts\n  prerotate\n    one\n  endscript\n'
                 '  postrotate\n    two\n    three\n  endscript\n}\n/var/log/d {\n}\n')
    assert conf.frequency == "weekly" and conf.includes == ["/etc/logrotate.d"]
    first, second = conf.blocks
    assert first.paths == ("/var/log/a.log", "/var/log/b c.log") and first.frequency == "monthly"
    assert [(s.kind, s.line, s.text.split()) for s in first.scripts] == [
        ("prerotate", 8, ["one"]), ("postrotate", 11, ["two", "three"])]
    assert second.paths == ("/var/log/d",) and second.scripts == ()


def test_logrotate_hook_fires_with_cron_daily_when_there_is_no_timer(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root, "etc/debian_version", "12\n")
    write(root, "etc/anacrontab", "1 5 cron.daily run-parts --report /etc/cron.daily\n")
    write(root, "etc/cron.daily/logrotate", "#!/bin/sh\n/usr/sbin/logrotate /etc/logrotate.conf\n",
          0o755)
    write(root, "etc/logrotate.conf", "daily\ninclude /etc/logrotate.d\n")
    write(root, "etc/logrotate.d/x", "/var/log/x {\n postrotate\n  /bin/true\n endscript\n}\n")
    (job,) = [j for j in _jobs(root) if j.source == "logrotate"]
    assert isinstance(job.trigger, HookTrigger) and job.trigger.host_job == \
        "logrotate (etc/anacrontab)"
    assert isinstance(job.trigger.via, AnacronTrigger) and trigger_kind(job.trigger) == "hook"


def test_interfaces_options_become_jobs(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root, "etc/network/interfaces", "iface eth0 inet dhcp\n  pre-up /sbin/a\n"
          "  down /sbin/b x\n  address 10.0.0.1\n")
    got = [(j.origin_line, j.schedule, j.command) for j in _jobs(root) if j.source == "net-hook"]
    assert got == [(2, "pre-up", "/sbin/a"), (3, "down", "/sbin/b x")]


def test_scheduled_file_syntaxes(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root, "etc/timezone", "Asia/Tokyo\n")
    write(root, "opt/s/cal.tab", "Mon *-*-* 03:00:00;/opt/s/a\n")
    write(root, "opt/s/at.tab", "2027-02-10T03:00:00 /opt/s/b\n2027-99-99T00:00 /opt/s/c\n")
    write(root, "opt/s/every.tab", "30min /opt/s/d\n")
    write(root, "opt/s/boot.tab", "boot /opt/s/e\n")
    specs = (ScheduledFile.from_doc({"name": "cal", "path": "/opt/s/cal.tab", "separator": ";",
                                     "schedule": 1, "syntax": "calendar", "command": 2}),
             ScheduledFile.from_doc({"name": "at", "path": "/opt/s/at.tab", "schedule": 1,
                                     "syntax": "datetime", "command": 2}),
             ScheduledFile.from_doc({"name": "every", "path": "/opt/s/every.tab", "schedule": 1,
                                     "syntax": "interval", "command": 2}),
             ScheduledFile.from_doc({"name": "boot", "path": "/opt/s/boot.tab", "schedule": 1,
                                     "syntax": "boot", "command": 2}))
    got = {(j.source, j.origin_line): j for j in _jobs(root, *specs)}
    assert got[("cal", 1)].trigger == CalendarTrigger(calendars=("Mon *-*-* 03:00:00",))
    at = got[("at", 1)].trigger
    assert isinstance(at, AbsoluteTrigger) and at.when.astimezone(UTC) == datetime(
        2027, 2, 9, 18, 0, tzinfo=UTC)             # read in the host's zone
    assert got[("at", 2)].state == "unparsable" and "ISO 8601" in (got[("at", 2)].problem or "")
    assert got[("every", 1)].trigger == IntervalTrigger(seconds=1800)
    assert isinstance(got[("boot", 1)].trigger, BootTrigger)


def test_inert_hooks_say_why(tmp_path: Path) -> None:
    root = tmp_path / "r"
    sd = "etc/systemd/system"
    write(root, "etc/rc.local", "#!/bin/sh\nrm -rf /srv/ems/linedata\n", 0o644)
    write(root, "etc/init.d/ems", "#!/bin/sh\n/opt/ems/start\n", 0o755)
    link(root, "etc/rc3.d/S01ems", "../init.d/ems")
    write(root, "lib/systemd/system/ems.service", "[Service]\nExecStart=/opt/ems/start\n")
    write(root, "etc/profile.d/notes.txt", "rm -rf /srv/ems/linedata\n")
    write(root, "etc/network/if-up.d/with.dot", "#!/bin/sh\ntrue\n", 0o755)
    link(root, f"{sd}/masked.service", "/dev/null")
    link(root, f"{sd}/multi-user.target.wants/masked.service", f"/{sd}/masked.service")
    write(root, f"{sd}/sync@.service", "[Unit]\nOnSuccess=done.service\n"
          "[Service]\nExecStart=/opt/sync %i\n")
    write(root, f"{sd}/done.service", "[Service]\nExecStart=/opt/done\n")
    link(root, f"{sd}/multi-user.target.wants/sync@eth1.service", f"/{sd}/sync@.service")
    found = {j.origin_path: j for j in _jobs(root)}
    assert (found["etc/rc.local"].state, found["etc/rc.local"].problem) == (
        "inert", "not executable (mode 0644): not run at boot")
    assert found["etc/rc3.d/S01ems"].state == "inert"
    assert "native unit ems.service" in (found["etc/rc3.d/S01ems"].problem or "")
    assert found["etc/profile.d/notes.txt"].state == "inert"
    assert "run-parts skips" in (found["etc/network/if-up.d/with.dot"].problem or "")
    assert found[f"{sd}/masked.service"].state == "inert"
    sync = found[f"{sd}/sync@.service"]
    assert sync.command == "/opt/sync eth1" and trigger_kind(sync.trigger) == "boot"
    assert found[f"{sd}/done.service"].trigger == EventTrigger(
        "when sync@eth1.service finishes successfully")


def test_device_applets_waiting_for_an_event_have_the_event_trigger_kind() -> None:
    from lineguard.collector.parse import ios
    from lineguard.collector.parse.device import device_zone
    zone = device_zone("UTC 0 0")
    ctx = ios.Context("atm-kobe-01", zone.tz, zone.name, datetime(2026, 11, 25, tzinfo=UTC))
    config = ('hostname atm-kobe-01\n!\nevent manager applet WIPE\n event syslog pattern '
              '"LINK-3-UPDOWN"\n action 1.0 cli command "no pvc 0/32"\n!\n'
              'event manager applet NIGHT\n event timer cron cron-entry "0 3 * * *"\n'
              ' action 1.0 cli command "show clock"\n!\nend\n')
    kinds = {j.schedule.split()[-1]: trigger_kind(j.trigger) for j in ios.jobs(ctx, config)
             if j.source == "eem"}
    assert sorted(kinds.values()) == ["clock", "event"], kinds


def test_on_failure_of_a_timers_service_is_followed(tmp_path: Path) -> None:
    root = tmp_path / "r"
    sd = "etc/systemd/system"
    write(root, f"{sd}/nightly.timer", "[Timer]\nOnCalendar=*-*-* 03:00:00\n")
    write(root, f"{sd}/nightly.service", "[Unit]\nOnFailure=after-fail.service\n"
          "[Service]\nExecStart=/opt/ems/nightly\n")
    write(root, f"{sd}/after-fail.service", "[Service]\nExecStart=/opt/ems/after-fail\n")
    write(root, "opt/ems/after-fail", "#!/bin/sh\nrm -rf /srv/ems/linedata\n", 0o755)
    link(root, f"{sd}/timers.target.wants/nightly.timer", f"/{sd}/nightly.timer")
    got = _jobs(root)
    found = [(j.origin_path, trigger_kind(j.trigger)) for j in got if j.source == "systemd"]
    after = next(j for j in got if j.origin_path == f"{sd}/after-fail.service")
    assert after.files == ("opt/ems/after-fail",)      # captured by the agent, and followed
    assert sorted(found) == [(f"{sd}/after-fail.service", "event"),
                             (f"{sd}/nightly.timer", "clock")]


GARBLED = [b"", b"\x00\xff\xfe garbage \x00", b"{{{{ }}}} ;;; \"unterminated", b"\\\n\\\n\\",
           "#!/bin/sh\nStraße=\xe9\n".encode("latin-1"), b"endscript\n}\n{\npostrotate\n",
           b'RUN+="', b'command="x', b"session [broken pam_exec.so", b"[Unit]\nOnFailure=\n"]


def test_garbled_hook_files_never_stop_the_parsers(tmp_path: Path) -> None:
    """Every hook file kind holding garbage: the snapshot completes and every parser returns
    (what could be read is listed), none raises."""
    places = ["etc/logrotate.d/x", "etc/apt/apt.conf.d/99x", "etc/udev/rules.d/99-x.rules",
              "etc/pam.d/sshd", "root/.ssh/authorized_keys", "etc/profile.d/x.sh",
              "etc/network/interfaces", "etc/init.d/x", "etc/rc.local",
              "etc/systemd/system/x.service", "var/log/wtmp", "var/log/auth.log",
              "root/.bash_history", "var/lib/logrotate/status"]
    for i, junk in enumerate(GARBLED):
        root = tmp_path / f"r{i}"
        for place in places:
            write(root, place, junk, 0o755)
        link(root, "etc/systemd/system/multi-user.target.wants/x.service",
             "/etc/systemd/system/x.service")
        link(root, "etc/rc2.d/S01x", "../init.d/x")
        got = _jobs(root)
        assert all(isinstance(j, Job) and j.provenance is not None for j in got)


def test_sshd_force_command_and_authorized_keys_file_elsewhere(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root, "etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\n"
          "AuthorizedKeysFile .ssh/authorized_keys /etc/ssh/keys/%u\n")
    write(root, "etc/ssh/sshd_config.d/50-ems.conf", "Match User oper\n"
          "    ForceCommand /opt/ems/bin/ems-shell\nMatch all\nX11Forwarding no\n")
    write(root, "etc/ssh/keys/oper", 'command="/opt/ems/bin/ne-sync" ssh-ed25519 AAAA k@x\n')
    got = {(j.origin_path, j.origin_line): j for j in _jobs(root) if j.source == "ssh-key"}
    force = got[("etc/ssh/sshd_config.d/50-ems.conf", 2)]
    assert force.command == "/opt/ems/bin/ems-shell"
    assert force.trigger.who == "logins matching 'User oper'"
    key = got[("etc/ssh/keys/oper", 1)]
    assert (key.command, key.owner) == ("/opt/ems/bin/ne-sync", "oper")


def test_a_logrotate_config_of_the_sites_own_runs_with_the_job_that_names_it(tmp_path: Path):
    root = tmp_path / "r"
    write(root, "etc/cron.d/ems-rotate", "15 4 * * * root /usr/sbin/logrotate -s "
          "/var/lib/ems/lr.state /opt/ems/etc/logrotate.conf\n")
    write(root, "opt/ems/etc/logrotate.conf", "include /opt/ems/etc/logrotate.d\n")
    write(root, "opt/ems/etc/logrotate.d/pm", "/var/log/ems/pm.log {\n  daily\n  postrotate\n"
          "    /opt/ems/bin/after-rotate.sh\n  endscript\n}\n")
    write(root, "opt/ems/bin/after-rotate.sh", "#!/bin/sh\nrm -rf /srv/ems/linedata\n", 0o755)
    (job,) = [j for j in _jobs(root) if j.source == "logrotate"]
    assert job.origin_path == "opt/ems/etc/logrotate.d/pm"
    assert job.trigger.host_job == "logrotate (etc/cron.d/ems-rotate)"
    assert job.files == ("opt/ems/bin/after-rotate.sh",)
    from lineguard.collector.analyse.timing import next_fire
    fire = next_fire(job.trigger, datetime(2026, 11, 25, 12, 0, tzinfo=UTC), "UTC")
    assert fire.at == datetime(2026, 11, 26, 4, 15, tzinfo=UTC)


def test_every_hook_place_is_watched_for_changes(tmp_path: Path) -> None:
    """The agent's change watch covers where hooks are planted, not only the schedulers."""
    from lineguard.agent.sources.host import watched_paths
    root = tmp_path / "r"
    write(root, "home/oper/.bashrc", "")
    spec = ScheduledFile.from_doc({"name": "ems", "path": "/opt/ems/etc/schedule.tab",
                                   "schedule": 1, "command": 2})
    watched = set(watched_paths(root, None, (spec,)))
    assert {"etc/rc.local", "etc/init.d", "etc/rc2.d", "etc/network/if-up.d",
            "etc/NetworkManager/dispatcher.d", "etc/udev/rules.d", "etc/logrotate.d",
            "etc/apt/apt.conf.d", "etc/profile.d", "home/oper/.bashrc",
            "root/.ssh/authorized_keys", "etc/ssh/sshd_config", "etc/pam.d",
            "var/lib/systemd/linger", "opt/ems/etc/schedule.tab"} <= watched
    assert not any(p.startswith("var/log") for p in watched)
