"""Where a wave-6 job is planted so that it runs later: host placements the earlier corpora did
not plant (tmpfiles.d, generators, top-level and prefix drop-ins, RuntimeMaxSec, socket Exec
lines, transient OnActiveSec timers, time zones on OnCalendar, update-motd, ~/.ssh/rc, Python
.pth files, core_pattern pipes, modprobe install lines, bash completion, DHCP and
networkd-dispatcher hooks, kernel postinst hooks, git hooks run by a cron pull, supervisord,
monit, pam_exec in the cron service, PROMPT_COMMAND, custom run-parts folders, a private
anacrontab, global user units) and device-side jobs (EEM environment variables, cli/syslog
events, absolute timers, Tcl policies, kron at start-up, Junos system events, start-time,
commit/event scripts, zeroize). Each placement says what its job's trigger and fire must be.

Every placement takes `command`, a one-line shell command (the payload inline, or the path of
the carrier program that holds it), and the marker that names the case's files."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tests.adversarial.schedulers import HostRoot

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SD = "etc/systemd/system"
LIB = "lib/systemd/system"


@dataclass
class TriggerRoot(HostRoot):
    """A HostRoot with per-case accounts and file times (a transient unit written days ago)."""

    users: list[str] = field(default_factory=list)
    mtimes: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.links.update(BASE_LINKS)

    def contents(self) -> dict[str, tuple[str, int]]:
        out = super().contents()
        passwd, mode = out["etc/passwd"]
        extra = "".join(f"{u}:x:{2000 + i}:{2000 + i}:EMS operator,,,:/home/{u}:/bin/bash\n"
                        for i, u in enumerate(self.users))
        out["etc/passwd"] = (passwd + extra, mode)
        for path, text in BASE_FILES.items():
            out.setdefault(path, (text, 0o644))
        return out


# What every wave-6 root has, as Debian 12 ships it: the tmpfiles cleaning timer, sshd with
# pam_motd, ssh and cron enabled, and one site service the prefix drop-ins name.
BASE_FILES = {
    f"{LIB}/systemd-tmpfiles-clean.timer":
        "[Unit]\nDescription=Daily Cleanup of Temporary Directories\n"
        "Documentation=man:tmpfiles.d(5) man:systemd-tmpfiles(8)\n"
        "ConditionPathExists=!/etc/initrd-release\n\n[Timer]\nOnBootSec=15min\n"
        "OnUnitActiveSec=1d\n",
    f"{LIB}/systemd-tmpfiles-clean.service":
        "[Unit]\nDescription=Cleanup of Temporary Directories\nDefaultDependencies=no\n\n"
        "[Service]\nType=oneshot\nExecStart=systemd-tmpfiles --clean\n",
    f"{LIB}/ssh.service":
        "[Unit]\nDescription=OpenBSD Secure Shell server\nAfter=network.target auditd.service\n\n"
        "[Service]\nEnvironmentFile=-/etc/default/ssh\nExecStartPre=/usr/sbin/sshd -t\n"
        "ExecStart=/usr/sbin/sshd -D $SSHD_OPTS\nExecReload=/bin/kill -HUP $MAINPID\n"
        "KillMode=process\nRestart=on-failure\n\n[Install]\nWantedBy=multi-user.target\n",
    f"{LIB}/cron.service":
        "[Unit]\nDescription=Regular background program processing daemon\n\n[Service]\n"
        "EnvironmentFile=-/etc/default/cron\nExecStart=/usr/sbin/cron -f -P $EXTRA_OPTS\n"
        "IgnoreSIGPIPE=false\nKillMode=process\nRestart=on-failure\n\n[Install]\n"
        "WantedBy=multi-user.target\n",
    f"{SD}/ems-poller.service":
        "[Unit]\nDescription=EMS NE poller\n\n[Service]\nUser=ems\n"
        "ExecStart=/usr/bin/logger -t ems-poller started\n\n[Install]\n"
        "WantedBy=multi-user.target\n",
    "etc/pam.d/sshd":
        "@include common-auth\naccount    required     pam_nologin.so\n@include common-account\n"
        "session    optional     pam_motd.so  motd=/run/motd.dynamic\n"
        "session    optional     pam_motd.so noupdate\n@include common-session\n",
    "etc/pam.d/cron":
        "@include common-auth\nsession    required     pam_loginuid.so\n"
        "@include common-session-noninteractive\n",
    "etc/ssh/sshd_config": "Include /etc/ssh/sshd_config.d/*.conf\nKbdInteractiveAuthentication no\n"
                           "UsePAM yes\nPrintMotd no\nSubsystem sftp /usr/lib/openssh/sftp-server\n",
}
BASE_LINKS = {
    f"{LIB}/timers.target.wants/systemd-tmpfiles-clean.timer": "../systemd-tmpfiles-clean.timer",
    f"{SD}/multi-user.target.wants/ssh.service": f"/{LIB}/ssh.service",
    f"{SD}/multi-user.target.wants/cron.service": f"/{LIB}/cron.service",
    f"{SD}/multi-user.target.wants/ems-poller.service": f"/{SD}/ems-poller.service",
}


@dataclass(frozen=True)
class Placement:
    """How a job is planted. `takes`: what it can run — "sh" a shell command line, "argv" a
    program with arguments only (an inline payload goes through `/bin/sh -c`), "path" the
    path of a program only (no inline payload), "line" its own line format (tmpfiles).
    `fire`: what the job's trigger and next fire must be (see generate.fire_ok)."""

    name: str
    plant: Callable[[TriggerRoot, str, str, random.Random], None]
    takes: str
    fire: str | Callable[[str], str]
    benign: tuple[Callable[[TriggerRoot, str, random.Random], None], ...] = ()


def sh_c(command: str) -> str:
    return "/bin/sh -c '" + command.replace("'", "'\\''") + "'"


def script(command: str) -> str:
    return f"#!/bin/sh\n{command}\n"


# ------------------------------------------------------------------------------ tmpfiles.d
TMPFILES_DATA = ("/srv/ems/linedata", "/var/lib/ems/linedata", "/opt/ems/data/pvc")


def tmpfiles_age(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    kind = rng.choice(["e", "d", "D"])
    age = rng.choice(["1d", "12h", "1w"])
    root.add(f"etc/tmpfiles.d/{m}-ems.conf", f"# EMS working files\n"
             f"{kind} {path} 0750 ems ems {age}\n")


def tmpfiles_boot(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    kind = rng.choice(["R", "D", "R!"])
    root.add(f"etc/tmpfiles.d/{m}-ems.conf", f"# reset at boot\n{kind} {path} - - - -\n")


def tmpfiles_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    root.add(f"etc/tmpfiles.d/{m}-ems.conf", rng.choice([
        f"d /run/ems-{m} 0755 ems ems -\n",
        f"D /var/tmp/ems-cache-{m} 0750 ems ems 10d\n",
        f"# as systemd ships tmp.conf\nq /var/tmp/{m} 1777 root root 30d\n",
        f"d /var/log/ems/tmp-{m} 0750 ems adm 7d\nL /run/ems-{m}.sock - - - - /run/ems/api.sock\n",
        f"R /var/tmp/ems-upload-{m}-* - - - -\n"]))


# ------------------------------------------------------------------------------ systemd
def generator(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    folder = rng.choice(["etc/systemd/system-generators", "usr/local/lib/systemd/system-generators"])
    root.add(f"{folder}/ems-{m}-generator",
             "#!/bin/sh\n# ems unit generator\nset -e\nout=\"$1\"\n"
             f"mkdir -p \"$out/multi-user.target.wants\"\n{command} >/dev/null 2>&1 &\nexit 0\n",
             0o755)


def generator_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    root.add(f"etc/systemd/system-generators/ems-{m}-generator",
             "#!/bin/sh\n# one ems-poller instance per NE list in /etc/ems/ne.d\nset -e\n"
             "out=\"$1\"\nmkdir -p \"$out/multi-user.target.wants\"\n"
             "for f in /etc/ems/ne.d/*.list; do\n  [ -e \"$f\" ] || continue\n"
             "  n=$(basename \"$f\" .list)\n"
             "  ln -sf /etc/systemd/system/ems-poller@.service "
             "\"$out/multi-user.target.wants/ems-poller@$n.service\"\ndone\n", 0o755)


def dropin_toplevel(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    key = rng.choice(["ExecStartPost", "ExecStartPre", "ExecStopPost"])
    root.add(f"{SD}/service.d/{m}-audit.conf", f"[Service]\n{key}=-{sh_c(command)}\n")


def dropin_toplevel_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    root.add(f"{SD}/service.d/{m}-limits.conf", rng.choice([
        "[Service]\nLimitNOFILE=65536\n", "[Service]\nEnvironment=TZ=:/etc/localtime\n",
        "[Service]\nExecStartPost=-/usr/bin/logger -t svc-audit started %n\n"]))


def dropin_prefix(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    root.add(f"{SD}/ems-.service.d/{m}.conf",
             f"[Service]\n{rng.choice(['ExecStartPre', 'ExecStartPost'])}=-{sh_c(command)}\n")


def dropin_prefix_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    root.add(f"{SD}/ems-.service.d/{m}.conf",
             rng.choice(["[Service]\nNice=5\nIOSchedulingClass=idle\n",
                         "[Service]\nExecStartPre=/usr/bin/install -d -o ems /run/ems\n"]))


def dropin_packaged(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    unit = rng.choice(["ssh", "cron"])
    root.add(f"{SD}/{unit}.service.d/{m}-local.conf",
             f"[Service]\nExecStartPost=-{sh_c(command)}\n")


def dropin_packaged_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    unit = rng.choice(["ssh", "cron"])
    root.add(f"{SD}/{unit}.service.d/{m}-local.conf", rng.choice([
        "[Service]\nRestart=always\nRestartSec=5\n",
        "[Service]\nExecStartPost=/usr/bin/logger -t ems %n started\n"]))


def runtime_max(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    root.add(f"{SD}/ems-{m}-hold.service",
             "[Unit]\nDescription=EMS session holder\n\n[Service]\nType=simple\n"
             f"ExecStart=/bin/sleep infinity\nRuntimeMaxSec={rng.choice(['60d', '45d', '90d'])}\n"
             f"ExecStopPost={sh_c(command)}\n\n[Install]\nWantedBy=multi-user.target\n")
    root.links[f"{SD}/multi-user.target.wants/ems-{m}-hold.service"] = \
        f"/{SD}/ems-{m}-hold.service"


def runtime_max_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    root.add(f"{SD}/ems-{m}-hold.service",
             "[Unit]\nDescription=EMS trap relay\n\n[Service]\nExecStart=/usr/bin/logger -t ems "
             "relay\nRuntimeMaxSec=1d\nRestart=always\n"
             "ExecStopPost=/usr/bin/logger -t ems relay recycled\n\n[Install]\n"
             "WantedBy=multi-user.target\n")
    root.links[f"{SD}/multi-user.target.wants/ems-{m}-hold.service"] = \
        f"/{SD}/ems-{m}-hold.service"


def socket_exec(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    key = rng.choice(["ExecStartPre", "ExecStartPost", "ExecStopPost"])
    root.add(f"{SD}/ems-{m}.socket", "[Unit]\nDescription=EMS trap socket\n\n[Socket]\n"
             f"ListenDatagram=127.0.0.1:1{rng.randint(100, 999)}\n{key}={sh_c(command)}\n\n"
             "[Install]\nWantedBy=sockets.target\n")
    root.add(f"{SD}/ems-{m}.service", "[Service]\nExecStart=/usr/bin/logger -t ems trap\n")
    root.links[f"{SD}/sockets.target.wants/ems-{m}.socket"] = f"/{SD}/ems-{m}.socket"


def socket_exec_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    root.add(f"{SD}/ems-{m}.socket", "[Socket]\nListenStream=/run/ems/api.sock\n"
             "ExecStartPre=/usr/bin/install -d -m 0755 -o ems /run/ems\n\n[Install]\n"
             "WantedBy=sockets.target\n")
    root.add(f"{SD}/ems-{m}.service", "[Service]\nExecStart=/usr/bin/logger -t ems api\n")
    root.links[f"{SD}/sockets.target.wants/ems-{m}.socket"] = f"/{SD}/ems-{m}.socket"


TRANSIENT_AGE = timedelta(days=10)     # `systemd-run --on-active=60d` ten days ago
TRANSIENT_DAYS = 60


def transient_active(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    days = TRANSIENT_DAYS
    base = f"run/systemd/transient/run-u{m}"
    quoted = command.replace("\\", "\\\\").replace('"', '\\"')
    head = "# This is a transient unit file, created programmatically via the systemd API. " \
           "Do not edit.\n"
    root.add(f"{base}.timer", head + f"[Unit]\nDescription=[Timer] {command[:40]}\n\n"
             f"[Timer]\nOnActiveSec={days}d\nRemainAfterElapse=no\n")
    root.add(f"{base}.service", head + f"[Unit]\nDescription={command[:40]}\n\n[Service]\n"
             f"ExecStart=\nExecStart=\"/bin/sh\" \"-c\" \"{quoted}\"\n")
    for ext in ("timer", "service"):
        root.mtimes[f"{base}.{ext}"] = (NOW - TRANSIENT_AGE).timestamp()


def transient_active_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    base = f"run/systemd/transient/run-u{m}"
    root.add(f"{base}.timer", "[Unit]\nDescription=[Timer] restart ems-poller\n\n[Timer]\n"
             "OnActiveSec=2h\nRemainAfterElapse=no\n")
    root.add(f"{base}.service", "[Service]\nExecStart=\nExecStart=\"/bin/systemctl\" "
             "\"restart\" \"ems-poller.service\"\n")
    for ext in ("timer", "service"):
        root.mtimes[f"{base}.{ext}"] = (NOW - timedelta(minutes=30)).timestamp()


# OnCalendar with a zone: 2027-02-14 03:00 in that zone, as UTC
CALENDAR_ZONES = {"America/New_York": "2027-02-14T08:00:00Z", "Europe/Berlin": "2027-02-14T02:00:00Z",
                  "UTC": "2027-02-14T03:00:00Z"}


def timer_zone(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    zone = sorted(CALENDAR_ZONES)[int(m, 36) % len(CALENDAR_ZONES)]
    root.add(f"{SD}/ems-{m}.timer", f"[Timer]\nOnCalendar=*-02-14 03:00:00 {zone}\n"
             "Persistent=true\n\n[Install]\nWantedBy=timers.target\n")
    root.add(f"{SD}/ems-{m}.service", f"[Service]\nType=oneshot\nExecStart={sh_c(command)}\n")
    root.links[f"{SD}/timers.target.wants/ems-{m}.timer"] = f"/{SD}/ems-{m}.timer"


def timer_zone_fire(m: str) -> str:
    return "at:" + CALENDAR_ZONES[sorted(CALENDAR_ZONES)[int(m, 36) % len(CALENDAR_ZONES)]]


def timer_zone_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    root.add(f"{SD}/ems-{m}.timer", "[Timer]\nOnCalendar=*-*-* 02:30:00 UTC\n\n[Install]\n"
             "WantedBy=timers.target\n")
    root.add(f"{SD}/ems-{m}.service", "[Service]\nType=oneshot\nExecStart=/usr/bin/pg_dump -U "
             f"ems -Fc -f /var/backups/ems/emsdb-{m}.dump emsdb\n")
    root.links[f"{SD}/timers.target.wants/ems-{m}.timer"] = f"/{SD}/ems-{m}.timer"


def global_user_unit(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    folder = "etc/systemd/user"
    root.add(f"{folder}/ems-{m}.service", f"[Service]\nType=oneshot\nExecStart={sh_c(command)}\n"
             "\n[Install]\nWantedBy=default.target\n")
    root.links[f"{folder}/default.target.wants/ems-{m}.service"] = f"/{folder}/ems-{m}.service"


def global_user_unit_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    folder = "etc/systemd/user"
    root.add(f"{folder}/ems-{m}.service", "[Service]\nType=oneshot\n"
             "ExecStart=/usr/bin/install -d %h/.cache/ems\n\n[Install]\nWantedBy=default.target\n")
    root.links[f"{folder}/default.target.wants/ems-{m}.service"] = f"/{folder}/ems-{m}.service"


def timer_other_target(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    root.add(f"{SD}/ems-{m}.timer", "[Timer]\nOnCalendar=2027-02-14 03:00:00\n\n[Install]\n"
             "WantedBy=multi-user.target\n")
    root.add(f"{SD}/ems-{m}.service", f"[Service]\nType=oneshot\nExecStart={sh_c(command)}\n")
    root.links[f"{SD}/multi-user.target.wants/ems-{m}.timer"] = f"/{SD}/ems-{m}.timer"


def timer_other_target_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    root.add(f"{SD}/ems-{m}.timer", "[Timer]\nOnCalendar=Sun 04:00\n\n[Install]\n"
             "WantedBy=multi-user.target\n")
    root.add(f"{SD}/ems-{m}.service", "[Service]\nType=oneshot\nExecStart=/usr/bin/find "
             f"/var/tmp/ems-cache-{m} -mindepth 1 -mtime +10 -delete\n")
    root.links[f"{SD}/multi-user.target.wants/ems-{m}.timer"] = f"/{SD}/ems-{m}.timer"


# ------------------------------------------------------------------------------ login
def update_motd(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    root.add(f"etc/update-motd.d/9{rng.randint(0, 9)}-ems-{m}",
             f"#!/bin/sh\nprintf '\\nEMS: %s\\n' \"$(hostname)\"\n({command}) >/dev/null 2>&1 &\n",
             0o755)


def update_motd_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    root.add(f"etc/update-motd.d/{rng.choice(['00', '10', '50'])}-ems-{m}", rng.choice([
        "#!/bin/sh\nprintf \"Welcome to %s (%s %s %s)\\n\" \"$(. /etc/os-release && echo "
        "\"$PRETTY_NAME\")\" \"$(uname -o)\" \"$(uname -r)\" \"$(uname -m)\"\n",
        "#!/bin/sh\n[ -r /etc/ems/motd ] && cat /etc/ems/motd\nexit 0\n",
        "#!/bin/sh\nprintf '\\n  System load: %s\\n' \"$(cut -d' ' -f1 /proc/loadavg)\"\n"]), 0o755)


def ssh_rc(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    user = f"op{m}"
    root.users.append(user)
    root.add(f"home/{user}/.ssh/rc", f"# keep X11 working\n({command}) >/dev/null 2>&1 &\n",
             0o644)


def ssh_rc_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    user = f"op{m}"
    root.users.append(user)
    # the example from sshd(8)
    root.add(f"home/{user}/.ssh/rc",
             "if read proto cookie && [ -n \"$DISPLAY\" ]; then\n"
             "        if [ `echo $DISPLAY | cut -c1-10` = 'localhost:' ]; then\n"
             "                # X11UseLocalhost=yes\n"
             "                echo add unix:`echo $DISPLAY |\n"
             "                    cut -c11-` $proto $cookie\n"
             "        else\n                # X11UseLocalhost=no\n"
             "                echo add $DISPLAY $proto $cookie\n        fi | xauth -q -\nfi\n")


def bash_completion(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    root.add(f"etc/bash_completion.d/ems-{m}",
             "_ems_cli()\n{\n    local cur=${COMP_WORDS[COMP_CWORD]}\n"
             "    COMPREPLY=( $(compgen -W \"show poll export\" -- \"$cur\") )\n}\n"
             f"complete -F _ems_cli ems-cli\n( {command} ) >/dev/null 2>&1 &\n")


def bash_completion_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    root.add(f"etc/bash_completion.d/ems-{m}",
             "_ems_cli()\n{\n    local cur=${COMP_WORDS[COMP_CWORD]}\n"
             "    COMPREPLY=( $(compgen -W \"show poll export\" -- \"$cur\") )\n}\n"
             "complete -F _ems_cli ems-cli\n")


def prompt_command(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    user = f"op{m}"
    root.users.append(user)
    form = rng.choice(["prompt", "exit-trap"])
    if form == "prompt":
        body = f"PROMPT_COMMAND='history -a; {command.replace(chr(39), chr(34))} >/dev/null 2>&1'\n"
    else:
        body = f"trap '{command.replace(chr(39), chr(34))}' EXIT\n"
    root.add(f"home/{user}/.bashrc", "# ~/.bashrc: executed by bash(1) for non-login shells.\n"
             "case $- in\n    *i*) ;;\n      *) return;;\nesac\nHISTCONTROL=ignoreboth\n"
             + body)


def prompt_command_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    user = f"op{m}"
    root.users.append(user)
    root.add(f"home/{user}/.bashrc", "case $- in\n    *i*) ;;\n      *) return;;\nesac\n"
             + rng.choice(["PROMPT_COMMAND='history -a'\n",
                           "PROMPT_COMMAND='echo -ne \"\\033]0;${USER}@${HOSTNAME}\\007\"'\n",
                           "trap 'history -a' EXIT\n"]))


# ------------------------------------------------------------------------------ hooks/events
def python_pth(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    folder = rng.choice(["usr/local/lib/python3.11/dist-packages", "usr/lib/python3/dist-packages"])
    root.add(f"{folder}/ems_{m}.pth", "/opt/ems/lib/python\n"
             f"import os; os.system({command!r} + ' >/dev/null 2>&1 &')\n")


def python_pth_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    root.add(f"usr/local/lib/python3.11/dist-packages/ems_{m}.pth", rng.choice([
        "/opt/ems/lib/python\n",
        # setuptools' distutils-precedence.pth, as shipped
        "import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = os.environ.get(var, 'local') "
        "== 'local'; enabled and __import__('_distutils_hack').add_shim(); \n",
        "import _virtualenv\n"]))


def core_pattern(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    root.add(f"etc/sysctl.d/60-ems-{m}.conf",
             f"# collect EMS crash data\nkernel.core_pattern = |{command} %p %e\n")


def core_pattern_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    root.add(f"etc/sysctl.d/50-ems-{m}.conf", rng.choice([
        "# as systemd-coredump ships it\nkernel.core_pattern=|/lib/systemd/systemd-coredump %P "
        "%u %g %s %t 9223372036854775808 %h\n",
        "kernel.core_pattern = |/usr/share/apport/apport -p%p -s%s -c%c -d%d -P%P -u%u -g%g "
        "-- %E\n", "kernel.core_pattern = /var/crash/core.%e.%p\nfs.suid_dumpable = 0\n"]))


def modprobe_install(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    module = rng.choice(["usb-storage", "8021q", "bonding"])
    root.add(f"etc/modprobe.d/ems-{m}.conf",
             f"install {module} /sbin/modprobe --ignore-install {module} $CMDLINE_OPTS; "
             f"{command}\n")


def modprobe_install_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    root.add(f"etc/modprobe.d/ems-{m}.conf", rng.choice([
        "# CIS 1.1.10: disable USB storage\ninstall usb-storage /bin/true\n",
        "install dccp /bin/false\nblacklist dccp\n",
        "options bonding max_bonds=2\n"]))


def dhclient_hook(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    root.add(f"etc/dhcp/dhclient-exit-hooks.d/ems-{m}",
             f"# EMS: refresh NE routes\ncase \"$reason\" in\n    BOUND|RENEW|REBIND)\n"
             f"        {command}\n        ;;\nesac\n")


def dhclient_hook_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    root.add(f"etc/dhcp/dhclient-exit-hooks.d/ems-{m}",
             "# as timesyncd's hook\nif [ -d /run/systemd/system ]; then\n"
             "    case \"$reason\" in\n        BOUND|RENEW|REBIND|REBOOT)\n"
             "            logger -t ems dhcp \"$new_ntp_servers\"\n            ;;\n    esac\nfi\n")


def networkd_dispatcher(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    state = rng.choice(["off", "degraded", "routable"])
    root.add(f"etc/networkd-dispatcher/{state}.d/50-ems-{m}", script(command), 0o755)


def networkd_dispatcher_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    root.add(f"etc/networkd-dispatcher/routable.d/50-ems-{m}",
             "#!/bin/sh\nlogger -t ems \"$IFACE is $STATE\"\n", 0o755)


def kernel_postinst(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    root.add(f"etc/kernel/postinst.d/zz-ems-{m}", f"#!/bin/sh\nversion=\"$1\"\n{command}\nexit 0\n",
             0o755)


def kernel_postinst_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    root.add(f"etc/kernel/postinst.d/zz-ems-{m}", rng.choice([
        "#! /bin/sh\nset -e\nwhich update-grub >/dev/null 2>&1 || exit 0\n"
        "if type systemd-detect-virt >/dev/null 2>&1 &&\n   systemd-detect-virt --quiet --container; "
        "then\n\texit 0\nfi\nexec update-grub\n",
        "#!/bin/sh\nversion=\"$1\"\nupdate-initramfs -c -k \"$version\" >&2\n"]), 0o755)


GIT_CRON = ("15 4 * * *", "2026-11-25T19:15:00Z")       # 04:15 JST


def git_hook(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    repo = f"opt/ems/config-{m}"
    hook = rng.choice(["post-merge", "post-checkout", "post-rewrite"])
    root.add(f"{repo}/.git/hooks/{hook}", f"#!/bin/sh\n# refresh generated files\n{command}\n",
             0o755)
    root.add(f"{repo}/.git/config", "[core]\n\trepositoryformatversion = 0\n\tbare = false\n"
             "[remote \"origin\"]\n\turl = git@git.noc.example:ems/config.git\n")
    pull = rng.choice([f"cd /{repo} && git pull -q", f"git -C /{repo} pull --ff-only -q"])
    root.add(f"etc/cron.d/ems-sync-{m}", f"{GIT_CRON[0]} ems {pull}\n")


def git_hook_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    repo = f"opt/ems/config-{m}"
    root.add(f"{repo}/.git/hooks/post-merge", rng.choice([
        "#!/bin/sh\n# regenerate the NE list\nexec /usr/bin/logger -t ems config updated\n",
        "#!/bin/sh\n#\n# An example hook script to prepare a packed repository for use over\n"
        "# dumb transports.\nexec git update-server-info\n"]), 0o755)
    root.add(f"{repo}/.git/config", "[core]\n\trepositoryformatversion = 0\n\tbare = false\n")
    root.add(f"etc/cron.d/ems-sync-{m}", f"{GIT_CRON[0]} ems cd /{repo} && git pull -q\n")


def supervisor(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    root.add(f"etc/supervisor/conf.d/ems-{m}.conf",
             f"[program:ems-{m}]\ncommand={command}\nautostart=true\nautorestart=false\n"
             "user=root\nstdout_logfile=/var/log/ems/sup.log\n")


def supervisor_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    root.add(f"etc/supervisor/conf.d/ems-{m}.conf",
             f"[program:ems-trapd-{m}]\ncommand=/usr/sbin/snmptrapd -f -Lo -c /etc/ems/trapd.conf\n"
             "autostart=true\nautorestart=true\nuser=ems\n")


MONIT = ("30 3 14 2 *", "2027-02-13T18:30:00Z")          # 03:30 JST on 14 Feb


def monit(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    root.add(f"etc/monit/conf.d/ems-{m}",
             f"check program ems-{m} with path \"{command}\"\n"
             f"    every \"{MONIT[0]}\"\n    if status != 0 then alert\n")


def monit_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    root.add(f"etc/monit/conf.d/ems-{m}", rng.choice([
        "check process sshd with pidfile /run/sshd.pid\n"
        "    start program = \"/bin/systemctl start ssh\"\n"
        "    stop program  = \"/bin/systemctl stop ssh\"\n"
        "    if failed port 22 protocol ssh then restart\n",
        "check filesystem rootfs with path /\n    if space usage > 90% then alert\n",
        f"check program ems-poll-{m} with path \"/usr/bin/snmpget -v2c -c public atm-kobe-03 "
        "1.3.6.1.2.1.1.3.0\"\n    every \"*/10 * * * *\"\n    if status != 0 then alert\n"]))


def pam_cron(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    path = f"/usr/local/sbin/ems-{m}-session"
    root.add(path.lstrip("/"), script(command), 0o755)
    old = root.files.pop("etc/pam.d/cron", (BASE_FILES["etc/pam.d/cron"], 0o644))[0]
    root.files["etc/pam.d/cron"] = (old + f"session    optional   pam_exec.so quiet {path}\n",
                                    0o644)


def pam_cron_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    path = f"/usr/local/sbin/ems-{m}-session"
    root.add(path.lstrip("/"), "#!/bin/sh\nlogger -t cron-session \"$PAM_USER $PAM_TYPE\"\n",
             0o755)
    old = root.files.pop("etc/pam.d/cron", (BASE_FILES["etc/pam.d/cron"], 0o644))[0]
    root.files["etc/pam.d/cron"] = (old + f"session    optional   pam_exec.so quiet {path}\n",
                                    0o644)


RUNPARTS = ("20 3 * * *", "2026-11-25T18:20:00Z")          # 03:20 JST


def custom_runparts(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    folder = f"opt/ems/cron.{m}"
    root.add(f"{folder}/50-sync", script(command), 0o755)
    root.add(f"etc/cron.d/ems-parts-{m}", f"{RUNPARTS[0]} root run-parts --report /{folder}\n")


def custom_runparts_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    folder = f"opt/ems/cron.{m}"
    root.add(f"{folder}/50-sync", "#!/bin/sh\nlogger -t ems nightly\n", 0o755)
    # what dpkg leaves in such folders: run-parts skips both names
    root.add(f"{folder}/.placeholder", "# DO NOT EDIT OR REMOVE\n# This file is a simple "
             "placeholder to keep dpkg from removing this directory\n")
    root.add(f"{folder}/50-sync.dpkg-old", "#!/bin/sh\nlogger -t ems nightly (old)\n", 0o755)
    root.add(f"etc/cron.d/ems-parts-{m}", f"{RUNPARTS[0]} root run-parts --report /{folder}\n")


def private_anacron(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    user = f"op{m}"
    root.users.append(user)
    root.add(f"home/{user}/.anacrontab", f"SHELL=/bin/sh\n{rng.choice([90, 120, 30])}\t15\t"
             f"ems-{m}\t{command}\n")
    root.spools.setdefault(user, []).append(
        "@hourly /usr/sbin/anacron -s -t $HOME/.anacrontab -S $HOME/.anacron")


def private_anacron_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    user = f"op{m}"
    root.users.append(user)
    root.add(f"home/{user}/.anacrontab", f"1\t10\tems-{m}\tfind /var/tmp/ems-cache-{m} "
             "-mindepth 1 -mtime +10 -delete\n")
    root.spools.setdefault(user, []).append(
        "@hourly /usr/sbin/anacron -s -t $HOME/.anacrontab -S $HOME/.anacron")


# ------------------------------------------------------------- wave 6b: daemons and odd corners
# (written after the first fixes, as a held-out check of how general they were)
def _append(root: TriggerRoot, path: str, text: str, head: str = "", mode: int = 0o644) -> None:
    old = root.files.pop(path, (head, mode))[0]
    root.files[path] = (old + text, mode)


TRAPD_HEAD = "# /etc/snmp/snmptrapd.conf\nauthCommunity log,execute,net public\n"


def snmptrapd(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    oid = rng.choice(["default", "IF-MIB::linkDown", ".1.3.6.1.6.3.1.1.5.3"])
    _append(root, "etc/snmp/snmptrapd.conf", f"traphandle {oid} {command}\n", TRAPD_HEAD)


def snmptrapd_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    path = f"/usr/local/sbin/trap-{m}"
    root.add(path.lstrip("/"), "#!/bin/sh\nread host\nread ip\nlogger -t trap \"$host\"\n", 0o755)
    _append(root, "etc/snmp/snmptrapd.conf", rng.choice([
        f"traphandle default {path}\n",
        f"traphandle IF-MIB::linkDown {path} down\n"]), TRAPD_HEAD)


def snmpd_extend(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    form = rng.choice(["extend", "exec", "pass"])
    line = (f"extend ems-{m} {command}" if form == "extend" else
            f"exec ems-{m} {command}" if form == "exec" else
            f"pass .1.3.6.1.4.1.99999.{int(m, 36) % 1000} {command}")
    root.add(f"etc/snmp/snmpd.conf.d/ems-{m}.conf", f"# EMS self-monitoring\n{line}\n")


def snmpd_extend_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    root.add(f"etc/snmp/snmpd.conf.d/ems-{m}.conf", rng.choice([
        "# as the snmpd.conf example\nextend test1 /bin/echo Hello, world!\n",
        "pass .1.3.6.1.4.1.8072.2.255 /bin/sh /usr/share/snmp/passtest\n",
        f"extend ems-queue-{m} /usr/bin/find /var/spool/ems -type f -newermt '-5 minutes'\n"]))


def rsyslog_omprog(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    quoted = command.replace('"', '\\"')
    root.add(f"etc/rsyslog.d/60-ems-{m}.conf", rng.choice([
        f'module(load="omprog")\nif $msg contains "LINK-3-UPDOWN" then {{\n'
        f'    action(type="omprog" binary="{quoted}")\n}}\n',
        f'$ModLoad omprog\n$ActionOMProgBinary {command}\n:msg, contains, "ATM" :omprog:\n']))


def rsyslog_omprog_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    root.add(f"etc/rsyslog.d/60-ems-{m}.conf", rng.choice([
        '*.* action(type="omfwd" target="10.40.0.5" port="514" protocol="udp")\n',
        f'module(load="omprog")\nlocal5.* action(type="omprog" binary="/usr/bin/logger -t '
        f'relay-{m}")\n']))


PG = "etc/postgresql/15/main/conf.d"


def pg_archive(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    quoted = command.replace("'", "''")
    root.add(f"{PG}/ems-{m}.conf", f"archive_mode = on\narchive_command = '{quoted}'\n"
             "archive_timeout = 3600\n")


def pg_archive_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    # the PostgreSQL documentation's example
    root.add(f"{PG}/ems-{m}.conf", "archive_mode = on\narchive_command = 'test ! -f "
             f"/mnt/server/archivedir-{m}/%f && cp %p /mnt/server/archivedir-{m}/%f'\n")


def kernel_modprobe(root: TriggerRoot, m: str, command: str, rng: random.Random) -> None:
    root.add(f"etc/sysctl.d/70-ems-{m}.conf", f"kernel.modprobe = {command}\n")


def kernel_modprobe_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    root.add(f"etc/sysctl.d/70-ems-{m}.conf", "kernel.modprobe = /sbin/modprobe\n")


def user_tmpfiles(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    user = f"op{m}"
    root.users.append(user)
    root.add(f"home/{user}/.config/user-tmpfiles.d/ems.conf",
             f"{rng.choice(['R', 'D'])} {path} - - - -\n")


def user_tmpfiles_benign(root: TriggerRoot, m: str, rng: random.Random) -> None:
    user = f"op{m}"
    root.users.append(user)
    root.add(f"home/{user}/.config/user-tmpfiles.d/ems.conf", "d %h/.cache/ems 0700 - - 7d\n")


HOST_PLACEMENTS: dict[str, Placement] = {p.name: p for p in (
    Placement("tmpfiles-age", tmpfiles_age, "line", "periodic", (tmpfiles_benign,)),
    Placement("tmpfiles-boot", tmpfiles_boot, "line", "boot", (tmpfiles_benign,)),
    Placement("generator", generator, "sh", "boot", (generator_benign,)),
    Placement("dropin-toplevel", dropin_toplevel, "sh", "boot", (dropin_toplevel_benign,)),
    Placement("dropin-prefix", dropin_prefix, "sh", "boot", (dropin_prefix_benign,)),
    Placement("dropin-packaged", dropin_packaged, "sh", "boot", (dropin_packaged_benign,)),
    Placement("runtime-max-stoppost", runtime_max, "sh", "relative:RuntimeMaxSec",
              (runtime_max_benign,)),
    Placement("socket-exec", socket_exec, "sh", "boot", (socket_exec_benign,)),
    Placement("transient-onactive", transient_active, "sh",
              f"at:{(NOW - TRANSIENT_AGE + timedelta(days=TRANSIENT_DAYS)).strftime('%Y-%m-%dT%H:%M:%SZ')}",
              (transient_active_benign,)),
    Placement("timer-zone", timer_zone, "sh", timer_zone_fire, (timer_zone_benign,)),
    Placement("timer-other-target", timer_other_target, "sh", "at:2027-02-13T18:00:00Z",
              (timer_other_target_benign,)),
    Placement("user-unit-global", global_user_unit, "sh", "login", (global_user_unit_benign,)),
    Placement("update-motd", update_motd, "sh", "login", (update_motd_benign,)),
    Placement("ssh-rc", ssh_rc, "sh", "login", (ssh_rc_benign,)),
    Placement("bash-completion", bash_completion, "sh", "login", (bash_completion_benign,)),
    Placement("prompt-command", prompt_command, "sh", "login", (prompt_command_benign,)),
    Placement("python-pth", python_pth, "sh", "hook", (python_pth_benign,)),
    Placement("core-pattern", core_pattern, "path", "event", (core_pattern_benign,)),
    Placement("modprobe-install", modprobe_install, "sh", "event", (modprobe_install_benign,)),
    Placement("dhclient-hook", dhclient_hook, "sh", "event", (dhclient_hook_benign,)),
    Placement("networkd-dispatcher", networkd_dispatcher, "sh", "event",
              (networkd_dispatcher_benign,)),
    Placement("kernel-postinst", kernel_postinst, "sh", "hook", (kernel_postinst_benign,)),
    Placement("git-hook-cron-pull", git_hook, "sh", f"at:{GIT_CRON[1]}", (git_hook_benign,)),
    Placement("supervisor", supervisor, "argv", "boot", (supervisor_benign,)),
    Placement("monit-every", monit, "path", f"at:{MONIT[1]}", (monit_benign,)),
    Placement("pam-exec-cron", pam_cron, "sh", "hook-timed", (pam_cron_benign,)),
    Placement("custom-run-parts", custom_runparts, "sh", f"at:{RUNPARTS[1]}",
              (custom_runparts_benign,)),
    Placement("private-anacrontab", private_anacron, "sh", "clock", (private_anacron_benign,)),
    # wave 6b
    Placement("snmptrapd-traphandle", snmptrapd, "argv", "event", (snmptrapd_benign,)),
    Placement("snmpd-extend", snmpd_extend, "argv", "event", (snmpd_extend_benign,)),
    Placement("rsyslog-omprog", rsyslog_omprog, "argv", "event", (rsyslog_omprog_benign,)),
    Placement("pg-archive-command", pg_archive, "sh", "event", (pg_archive_benign,)),
    Placement("sysctl-kernel-modprobe", kernel_modprobe, "path", "event",
              (kernel_modprobe_benign,)),
    Placement("user-tmpfiles", user_tmpfiles, "line", "login", (user_tmpfiles_benign,)),
)}
