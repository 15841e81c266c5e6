"""Where a file placed on a host runs later: the one table from a path to the kind of job file
the agent captures there (the kinds of collector.parse.host.JOB_FILE_KINDS), when what it holds
runs, and what it runs, read with the format's own reader. The agent's host sources take their
folders from here; the effects engine asks it what a file a job writes, appends or copies into
such a place will run (a job that plants another job)."""

from __future__ import annotations

import posixpath
from typing import NamedTuple

from lineguard.formats import (
    anacron,
    aptconf,
    carriers,
    cron,
    githooks,
    ifupdown,
    incron,
    logrotate,
    pysite,
    supervisors,
    systemd,
    tmpfiles,
    udev,
)

# cron: the system files, both user spool layouts, the run-parts folders cron runs scripts from
CRONTAB = "etc/crontab"
CRON_D = "etc/cron.d"
RUN_PARTS_PERIODS = ("hourly", "daily", "weekly", "monthly", "yearly")
RUN_PARTS_DIRS = tuple(f"etc/cron.{p}" for p in RUN_PARTS_PERIODS)
DEBIAN_SPOOL = "var/spool/cron/crontabs"
CRONIE_SPOOL = "var/spool/cron"
AT_SPOOLS = ("var/spool/cron/atjobs", "var/spool/at")
# SysV boot: rc.local and the init scripts
RC_LOCAL = ("etc/rc.local", "etc/rc.d/rc.local")
INIT_DIRS = ("etc/init.d", "etc/rc.d/init.d")
# login and shell start-up files, system-wide and each user's ("~/NAME" in every home)
LOGIN_SYSTEM_FILES = ("etc/profile", "etc/bash.bashrc", "etc/bashrc", "etc/bash.bash_logout",
                      "etc/zsh/zshenv", "etc/zsh/zprofile", "etc/zsh/zshrc", "etc/zsh/zlogin",
                      "etc/zsh/zlogout", "etc/zshrc", "etc/zprofile", "etc/csh.login",
                      "etc/ssh/sshrc")
PROFILE_DIR = "etc/profile.d"
MOTD_DIR = "etc/update-motd.d"
COMPLETION_DIR = "etc/bash_completion.d"
LOGIN_DIRS = (PROFILE_DIR, MOTD_DIR, COMPLETION_DIR)
LOGIN_USER_FILES = (".profile", ".bash_profile", ".bash_login", ".bashrc", ".bash_logout",
                    ".zshenv", ".zprofile", ".zshrc", ".zlogin", ".zlogout", ".ssh/rc")
# apt and dpkg hooks, and the kernel hook folders a kernel package runs with run-parts
APT_CONF = "etc/apt/apt.conf"
APT_CONF_DIR = "etc/apt/apt.conf.d"
KERNEL_DIRS = tuple(f"etc/kernel/{d}.d" for d in ("preinst", "postinst", "prerm", "postrm"))
# network hooks: ifupdown, NetworkManager, networkd-dispatcher, dhclient, RHEL's *-local
IFUPDOWN_DIRS = tuple(f"etc/network/{d}.d" for d in ("if-pre-up", "if-up", "if-down",
                                                      "if-post-down"))
DISPATCHER_DIRS = ("etc/NetworkManager/dispatcher.d", "etc/NetworkManager/dispatcher.d/pre-up.d",
                   "etc/NetworkManager/dispatcher.d/pre-down.d",
                   "etc/NetworkManager/dispatcher.d/no-wait.d",
                   "usr/lib/NetworkManager/dispatcher.d")
NETWORKD_STATES = ("off", "no-carrier", "dormant", "degraded", "carrier", "routable",
                   "configuring", "configured")
NETWORKD_DIRS = tuple(f"{base}/{s}.d" for base in ("etc/networkd-dispatcher",
                                                   "usr/lib/networkd-dispatcher")
                      for s in NETWORKD_STATES)
DHCLIENT_DIRS = ("etc/dhcp/dhclient-enter-hooks.d", "etc/dhcp/dhclient-exit-hooks.d",
                 "etc/dhcp3/dhclient-enter-hooks.d", "etc/dhcp3/dhclient-exit-hooks.d")
# other event hook folders whose executables run like network hooks: systemd-sleep and
# pm-utils (suspend, hibernate, resume), pppd (run-parts when a PPP link goes up or down)
SLEEP_HOOK_DIRS = ("lib/systemd/system-sleep", "usr/lib/systemd/system-sleep",
                   "etc/pm/sleep.d", "usr/lib/pm-utils/sleep.d")
PPP_HOOK_DIRS = tuple(f"etc/ppp/{d}.d" for d in ("ip-up", "ip-down", "ipv6-up", "ipv6-down",
                                                  "ip-pre-up"))
INTERFACES = "etc/network/interfaces"
LOCAL_NET_HOOKS = ("sbin/ifup-local", "sbin/ifdown-local", "usr/sbin/ifup-local",
                   "usr/sbin/ifdown-local")
NET_HOOK_DIRS = IFUPDOWN_DIRS + DISPATCHER_DIRS + NETWORKD_DIRS + DHCLIENT_DIRS
LOGROTATE_DIR = "etc/logrotate.d"


class Placement(NamedTuple):
    """A place a file runs from: the artifact kind the agent captures it as and when what it
    holds runs (for people: "at boot", "daily", "at every login" …)."""

    kind: str
    when: str


class Planted(NamedTuple):
    """One thing a placed file runs: its line in the file, the text, and whether that text is
    a whole program (a script: its language by its `#!` line) or a shell command line."""

    line: int
    text: str
    script: bool


def _folders() -> dict[str, Placement]:
    out: dict[str, Placement] = {CRON_D: Placement("cron.d", "on cron's schedule"),
                                 DEBIAN_SPOOL: Placement("cron-spool", "on cron's schedule"),
                                 CRONIE_SPOOL: Placement("cron-spool", "on cron's schedule"),
                                 LOGROTATE_DIR: Placement("logrotate", "when logrotate rotates"),
                                 APT_CONF_DIR: Placement("apt-conf", "when apt or dpkg runs"),
                                 incron.SYSTEM_DIR: Placement("incron-table",
                                                              "when a watched file changes"),
                                 incron.USER_DIR: Placement("incron-table",
                                                            "when a watched file changes")}
    out |= {d: Placement("run-parts", p) for d, p in zip(RUN_PARTS_DIRS, RUN_PARTS_PERIODS, strict=True)}
    out |= {d: Placement("at-job", "when its at job is due") for d in AT_SPOOLS}
    out |= {d: Placement("init-script", "at boot") for d in INIT_DIRS}
    out |= {PROFILE_DIR: Placement("login-file", "at every login"),
            MOTD_DIR: Placement("login-file", "at every login (motd)"),
            COMPLETION_DIR: Placement("login-file", "in every interactive shell")}
    out |= {d: Placement("kernel-hook", "when a kernel is installed or removed")
            for d in KERNEL_DIRS}
    out |= {d: Placement("net-hook", "when a network interface goes up or down")
            for d in (*NET_HOOK_DIRS, *PPP_HOOK_DIRS)}
    out |= {d: Placement("net-hook", "when the system suspends or resumes")
            for d in SLEEP_HOOK_DIRS}
    out |= {d: Placement("udev-rules", "when a device event matches") for d in udev.RULE_DIRS}
    out |= {d: Placement("tmpfiles", "at boot and daily") for d in tmpfiles.TMPFILES_DIRS}
    out |= {d: Placement("systemd-unit", "when the unit starts")
            for d in systemd.SYSTEM_UNIT_DIRS}
    out |= {d: Placement("supervisor-conf", "when the supervisor starts or checks")
            for d in (*supervisors.SUPERVISOR_DIRS, *supervisors.MONIT_DIRS)}
    return out


def _files() -> dict[str, Placement]:
    out = {CRONTAB: Placement("crontab", "on cron's schedule"),
           anacron.ANACRONTAB: Placement("anacrontab", "daily (anacron)"),
           logrotate.CONF: Placement("logrotate", "when logrotate rotates"),
           APT_CONF: Placement("apt-conf", "when apt or dpkg runs"),
           INTERFACES: Placement("interfaces", "when a network interface goes up or down"),
           incron.CONF: Placement("incron-conf", "when a watched file changes")}
    out |= {f: Placement("rc-local", "at boot") for f in RC_LOCAL}
    out |= {f: Placement("login-file", "at every login or shell start")
            for f in LOGIN_SYSTEM_FILES}
    out |= {f: Placement("net-hook", "when a network interface goes up or down")
            for f in LOCAL_NET_HOOKS}
    out |= {f: Placement("supervisor-conf", "when the supervisor starts or checks")
            for f in (*supervisors.SUPERVISOR_FILES, *supervisors.MONIT_FILES)}
    return out


_FOLDERS = _folders()
_FILES = _files()
# "~/X" places, found under any home (root's or /home/USER)
_USER_FILES = {f: Placement("login-file", "at every login or shell start of its user")
               for f in LOGIN_USER_FILES}
# git's own settings: the commands among them run whenever git runs (githooks.USER_CONFIGS)
_GIT_CONFIG = Placement("git-config", "when git runs there")
_FILES[githooks.SYSTEM_CONFIG.lstrip("/")] = _GIT_CONFIG
_USER_FILES |= {f[2:]: _GIT_CONFIG for f in githooks.USER_CONFIGS}
_USER_FOLDERS = {d[2:]: Placement("systemd-unit", "when the user's unit starts")
                 for d in systemd.USER_UNIT_DIRS if d.startswith("~/")}
_USER_FOLDERS |= {d[2:]: Placement("tmpfiles", "at each login of its user")
                  for d in tmpfiles.USER_TMPFILES_DIRS}


def placement(path: str) -> Placement | None:
    """Where `path` (absolute, or relative to the root) runs what it holds; None for a file
    nothing runs by being there."""
    p = posixpath.normpath("/" + path.lstrip("/")).lstrip("/")
    hit = _FILES.get(p)
    if hit is not None:
        return hit
    folder, name = posixpath.split(p)
    if not name or name.startswith("."):
        return _home_placement(p)
    hit = _FOLDERS.get(folder)
    if hit is not None:
        return hit
    if name == "config" and (folder.endswith("/.git") or folder == ".git"):
        return _GIT_CONFIG
    if posixpath.basename(folder) == "hooks" and folder.endswith(".git/hooks"):
        return Placement("git-hook", f"when git runs its {name} hook")
    if pysite.is_site_hook(name) and ("-packages" in folder or folder.startswith("etc/python")):
        return Placement("python-site", "whenever Python starts")
    return _home_placement(p)


def _home_placement(p: str) -> Placement | None:
    if p.startswith("root/"):
        rest = p[5:]
    elif p.startswith("home/") and p.count("/") >= 2:
        rest = p.split("/", 2)[2]
    else:
        return None
    hit = _USER_FILES.get(rest)
    if hit is None and "/" in rest:
        hit = _USER_FOLDERS.get(posixpath.dirname(rest))
    return hit


def planted(kind: str, path: str, text: str) -> list[Planted]:
    """What a file of `kind` at `path` holding `text` runs, read as its format's reader reads
    it: each command line, or the whole file where the file is itself a program."""
    if kind in ("crontab", "cron.d", "cron-spool"):
        out = []
        for number, line in enumerate(text.splitlines(), 1):
            found = cron.entry(line, kind != "cron-spool")
            if found is not None and found.command:
                command, stdin = cron.split_percent(found.command)
                out += [Planted(number, c, False) for c in (command, stdin) if c]
        return out
    if kind == "anacrontab":
        return [Planted(n, e.command, False) for n, e in anacron.read(text)
                if not isinstance(e, tuple) and e.command]
    if kind == "systemd-unit":
        return [Planted(s.line, systemd.exec_command(s.value), False)
                for s in systemd.parse_unit(text)
                if s.key.startswith("Exec") and s.value.strip()]
    if kind == "udev-rules":
        return [Planted(n, command, False) for n, _k, command, _m in udev.rule_programs(text)]
    if kind == "incron-table":
        return [Planted(n, command, False) for n, _p, _m, command in incron.entries(text)]
    if kind == "logrotate":
        return [Planted(s.line, s.text, False) for b in logrotate.parse(text).blocks
                for s in b.scripts]
    if kind == "apt-conf":
        return [Planted(n, command, False) for _o, n, command in aptconf.hooks(text)]
    if kind == "interfaces":
        return [Planted(n, command, False) for n, _o, command in ifupdown.interface_commands(text)]
    if kind == "supervisor-conf":
        read = supervisors.monit if "monit" in path else supervisors.supervisord
        return [Planted(s.line, s.command, False) for s in read(text)]
    if kind == "tmpfiles":
        return [Planted(r.line, r.command, False) for r in tmpfiles.removals(text)]
    if kind == "python-site" and path.endswith(".pth"):
        return [Planted(n, pysite.as_command(code), False)
                for n, code in pysite.pth_statements(text)]
    if kind == "git-config":
        return [Planted(n, command, False) for n, command, _k in carriers.git_config_commands(text)]
    if kind == "incron-conf":
        return []
    # a script: rc.local, an init script, a run-parts or hook script, a login file, an at job
    return [Planted(1, text, True)] if text.strip() else []
