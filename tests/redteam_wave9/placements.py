"""Where a wave-9 job lives, and the gate in front of its effect.

Placements (each takes the absolute path of the case's entry script): a cron.d file whose
`SHELL=` is Python (the command is Python code), a user crontab under `CRON_TZ`, at's batch
queue, anacron with a long delay, a systemd `OnFailure=` unit of a timer's failing service,
`ExecCondition=` of a timer's service, `ExecStopPost=` of an enabled service, a lingering
user's timer, RANCID's `rancid-run -f FILE` whose configuration is a shell file it sources,
an Oxidized `hooks:` exec, a SysV init script, `@reboot` sleeping for weeks under `nohup
setsid`, and a service looping on `sleep` a week at a time.

Gates (shell lines before the effect): a dead-man switch on an account, the collector's
reachability, /proc/uptime, the last day of a month, a lease file's age, nobody logged in,
weeks of sleep."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from tests.triggers_wave6.placements import SD, TriggerRoot

# ------------------------------------------------------------------------------------ gates
GATES: dict[str, Callable[[random.Random], str]] = {
    "none": lambda rng: "",
    "dead-man": lambda rng: rng.choice([
        f"getent passwd {rng.choice(['kmatsuda', 'tsato', 'hnakamura'])} >/dev/null && exit 0",
        f"id -u {rng.choice(['kmatsuda', 'tsato'])} >/dev/null 2>&1 && exit 0"]),
    "unreachable": lambda rng: "ping -c1 -W2 10.20.0.5 >/dev/null 2>&1 && exit 0",
    "uptime": lambda rng: '[ "$(cut -d. -f1 /proc/uptime)" -gt 3888000 ] || exit 0',
    "month-end": lambda rng: '[ "$(date -d tomorrow +%d)" = 01 ] || exit 0',
    "lease-age": lambda rng: "find /etc/ems/.lease -mtime +60 | grep -q . || exit 0",
    "nobody": lambda rng: '[ "$(who | wc -l)" -eq 0 ] || exit 0',
    "weeks-sleep": lambda rng: f"sleep {rng.choice([21, 28, 45]) * 86400}",
}
BENIGN_GATES = ("none", "uptime", "nobody")


# ------------------------------------------------------------------------------- placements
@dataclass(frozen=True)
class Placement:
    plant: Callable[[TriggerRoot, str, str, random.Random], None]
    fire: str          # tests/triggers_wave6/generate.fire_ok


def cron_python(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    root.add(f"etc/cron.d/ems-{m}", "SHELL=/usr/bin/python3\nMAILTO=\"\"\n"
             f"{rng.choice(['0 3 * * 0', '30 2 1 * *', '15 4 * * 1-5'])} root "
             f"import subprocess; subprocess.call([{path!r}])\n")


def cron_tz(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    user = f"op{m}"
    root.users.append(user)
    root.spools[user] = [f"CRON_TZ={rng.choice(['America/Los_Angeles', 'Pacific/Auckland'])}",
                         f"{rng.choice(['15 2 1 * *', '45 23 * * 6'])} {path} >/dev/null 2>&1"]


def at_batch(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    root.at_seq += 1
    minutes = 29_900_000 + 97 * root.at_seq
    root.add(f"var/spool/cron/atjobs/b{root.at_seq:05x}{minutes:08x}",
             "#!/bin/sh\n# atrun uid=0 gid=0\n# mail root 0\numask 22\n"
             "PATH=/usr/bin:/bin; export PATH\nLOGNAME=root; export LOGNAME\n"
             "cd /root || {\n\t echo 'Execution directory inaccessible' >&2\n\t exit 1\n}\n"
             f"{path}\n", 0o700)


def anacron(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    root.anacrontab.append(f"{rng.choice(['@monthly', '30', '14'])}\t{rng.randint(40, 90)}\t"
                           f"ems.{m}\tnice {path}")


def _timer(root: TriggerRoot, unit: str, calendar: str) -> None:
    root.add(f"{SD}/{unit}.timer", f"[Unit]\nDescription=EMS {unit}\n\n[Timer]\n"
             f"OnCalendar={calendar}\nPersistent=true\n\n[Install]\nWantedBy=timers.target\n")
    root.links[f"{SD}/timers.target.wants/{unit}.timer"] = f"/{SD}/{unit}.timer"


def on_failure(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    unit = f"ems-verify-{m}"
    _timer(root, unit, rng.choice(["daily", "Sun *-*-* 03:00:00"]))
    root.add(f"{SD}/{unit}.service", f"[Unit]\nDescription=EMS verify\n"
             f"OnFailure=ems-recover-{m}.service\n\n[Service]\nType=oneshot\n"
             f"ExecStart=/usr/bin/test -e /var/lib/ems/.verified-{m}\n")
    root.add(f"{SD}/ems-recover-{m}.service", "[Unit]\nDescription=EMS recover\n\n"
             f"[Service]\nType=oneshot\nExecStart={path}\n")


def exec_condition(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    unit = f"ems-report-{m}"
    _timer(root, unit, rng.choice(["weekly", "*-*-01 04:00:00"]))
    root.add(f"{SD}/{unit}.service", "[Unit]\nDescription=EMS report\n\n[Service]\n"
             f"Type=oneshot\nExecCondition={path}\nExecStart=/usr/bin/logger -t ems report\n")


def exec_stop_post(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    unit = f"ems-trapd-{m}"
    root.add(f"{SD}/{unit}.service", "[Unit]\nDescription=EMS trap relay\n\n[Service]\n"
             f"ExecStart=/usr/bin/sleep infinity\nExecStopPost={path}\n\n[Install]\n"
             "WantedBy=multi-user.target\n")
    root.links[f"{SD}/multi-user.target.wants/{unit}.service"] = f"/{SD}/{unit}.service"


def linger_timer(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    user = f"sv{m}"
    root.users.append(user)
    base = f"home/{user}/.config/systemd/user"
    root.add(f"{base}/ne-{m}.timer", "[Timer]\nOnCalendar=monthly\nPersistent=true\n\n"
             "[Install]\nWantedBy=timers.target\n")
    root.add(f"{base}/ne-{m}.service", f"[Service]\nType=oneshot\nExecStart={path}\n")
    root.links[f"{base}/timers.target.wants/ne-{m}.timer"] = f"/{base}/ne-{m}.timer"
    root.add(f"var/lib/systemd/linger/{user}", "")


def rancid_conf(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    if "rancid" not in root.users:
        root.users.append("rancid")
    conf = f"etc/rancid/rancid-{m}.conf"
    root.add(conf, "# rancid.conf for the core group\nTERM=network; export TERM\n"
             "BASEDIR=/var/lib/rancid; export BASEDIR\nLOGDIR=/var/log/rancid; export LOGDIR\n"
             "RCSSYS=git; export RCSSYS\nLIST_OF_GROUPS=\"core access\"\n"
             f"{path} >/dev/null 2>&1\n")
    root.add(f"etc/cron.d/rancid-{m}", "# run config differ hourly\n"
             f"1 * * * * rancid /usr/lib/rancid/bin/rancid-run -f /{conf}\n")


def oxidized_hook(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    user = f"ox{m}"
    root.users.append(user)
    root.add(f"home/{user}/.config/oxidized/config",
             "---\nusername: oxidized\ninterval: 3600\nsource:\n  default: csv\n"
             "  csv:\n    file: ~/.config/oxidized/router.db\n    delimiter: !ruby/regexp /:/\n"
             "    map:\n      name: 0\n      model: 1\noutput:\n  default: git\n  git:\n"
             "    repo: /var/lib/oxidized/configs.git\nhooks:\n  ems_after_store:\n"
             f"    type: exec\n    events: [post_store]\n    cmd: '{path}'\n    async: true\n")


def sysv_init(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    root.add(f"etc/init.d/ems-{m}", "#!/bin/sh\n### BEGIN INIT INFO\n"
             f"# Provides:          ems-{m}\n# Required-Start:    $network\n"
             "# Default-Start:     2 3 4 5\n# Default-Stop:\n"
             "# Short-Description: EMS line cache\n### END INIT INFO\n"
             f"case \"$1\" in\n  start) {path} ;;\n  *) : ;;\nesac\n", 0o755)
    root.links[f"etc/rc2.d/S03ems-{m}"] = f"../init.d/ems-{m}"


def reboot_sleep(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    days = rng.choice([21, 30, 60])
    root.add(f"etc/cron.d/ems-warm-{m}", "@reboot root nohup setsid sh -c "
             f"'sleep {days * 86400}; {path}' >/dev/null 2>&1 &\n")


def sleep_loop(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    unit = f"ems-loop-{m}"
    root.add(f"{SD}/{unit}.service", "[Unit]\nDescription=EMS housekeeping loop\n\n[Service]\n"
             f"ExecStart=/bin/sh -c 'while sleep 604800; do {path}; done'\nRestart=always\n\n"
             "[Install]\nWantedBy=multi-user.target\n")
    root.links[f"{SD}/multi-user.target.wants/{unit}.service"] = f"/{SD}/{unit}.service"


PLACEMENTS: dict[str, Placement] = {
    "cron-python-shell": Placement(cron_python, "periodic"),
    "cron-tz": Placement(cron_tz, "periodic"), "at-batch": Placement(at_batch, "any"),
    "anacron": Placement(anacron, "periodic"), "on-failure": Placement(on_failure, "any"),
    "exec-condition": Placement(exec_condition, "periodic"),
    "exec-stop-post": Placement(exec_stop_post, "any"),
    "linger-timer": Placement(linger_timer, "periodic"),
    "rancid-conf": Placement(rancid_conf, "periodic"),
    "oxidized-hook": Placement(oxidized_hook, "any"),
    "sysv-init": Placement(sysv_init, "boot"), "reboot-sleep": Placement(reboot_sleep, "boot"),
    "sleep-loop": Placement(sleep_loop, "any"),
}


# --- wave 9b: held out, written after the fixes: other programs reading a configuration
def cron_python_spool(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    """A user's crontab under a versioned Python (cron runs `$SHELL -c COMMAND`, which only
    the shells and Python take as code: perl's -c only checks a file's syntax)."""
    user = f"py{m}"
    root.users.append(user)
    root.spools[user] = ["SHELL=/usr/local/bin/python3.12",
                         f"20 3 * * 6 import os; os.system({path!r} + ' >/dev/null 2>&1')"]


def oxidized_system(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    old = root.files.pop("etc/oxidized/config", ("---\nusername: oxidized\nhooks:\n", 0o644))[0]
    root.files["etc/oxidized/config"] = (
        old + f"  ems_{m}:\n    type: exec\n    events: [node_success]\n    cmd: \"{path}\"\n",
        0o644)


def cron_apt(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    conf = f"etc/cron-apt/config-{m}"
    root.add(conf, "APTCOMMAND=/usr/bin/apt-get\nOPTIONS=\"-o quiet=1\"\nMAILON=error\n"
             f"{path} >/dev/null 2>&1 || true\n")
    root.add(f"etc/cron.d/cron-apt-{m}", f"30 4 * * * root test -x /usr/sbin/cron-apt && "
             f"/usr/sbin/cron-apt /{conf}\n")


PLACEMENTS_9B: dict[str, Placement] = {
    "cron-python-spool": Placement(cron_python_spool, "periodic"),
    "oxidized-system": Placement(oxidized_system, "any"),
    "cron-apt": Placement(cron_apt, "periodic"),
}
