"""Where a wave-10 job lives, and the gate in front of its effect.

Placements (each takes the absolute path of the case's entry script): a plain cron.d line (the
reference), the sitecustomize.py or a .pth file of the EMS poller's virtualenv (cron runs
its python), a systemd `.path`
unit on RANCID's config folder (`PathModified=`/`DirectoryNotEmpty=`), a `post-commit` hook in
RANCID's git archive (rancid-run commits hourly from cron), a user's incron table in
/var/spool/incron, a timer service running a command its `EnvironmentFile=` holds, and
logrotate `firstaction`.

Gates (shell lines before the effect): a run counter in a file (the Nth run), an armed flag the
first run writes, the host's name, an epoch, the day of the year, `sleep 30d`, sleeps inside
perl/python."""

from __future__ import annotations

import random
from collections.abc import Callable

from tests.redteam_wave9.placements import Placement
from tests.triggers_wave6.placements import SD, TriggerRoot

GATES: dict[str, Callable[[random.Random, str], str]] = {
    "none": lambda rng, m: "",
    "nth-run": lambda rng, m: (
        f"n=$(( $(cat /var/lib/ems/.runs-{m} 2>/dev/null || echo 0) + 1 ))\n"
        f"echo \"$n\" > /var/lib/ems/.runs-{m}\n"
        f"[ \"$n\" -ge {rng.choice([30, 45, 90])} ] || exit 0"),
    "armed-flag": lambda rng, m: (
        f"[ -e /var/lib/ems/.armed-{m} ] || {{ touch /var/lib/ems/.armed-{m}; exit 0; }}"),
    "hostname": lambda rng, m: rng.choice([
        '[ "$(hostname -s)" = ems-prd-01 ] || exit 0',
        "case $(uname -n) in *prd*) ;; *) exit 0 ;; esac"]),
    "epoch": lambda rng, m: f'[ "$(date +%s)" -ge {rng.choice([1798761600, 1801440000])} ] '
                            "|| exit 0",
    "day-of-year": lambda rng, m: 'case "$(date +%j)" in 18[0-9]) ;; *) exit 0 ;; esac',
    "sleep-suffix": lambda rng, m: f"sleep {rng.choice(['30d', '720h', '6w'])}"
    .replace("6w", "42d"),
    "interp-sleep": lambda rng, m: rng.choice([
        "perl -e 'sleep 30*86400'", "python3 -c 'import time; time.sleep(2592000)'"]),
}
BENIGN_GATES = ("none", "hostname", "nth-run")


def cron_plain(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    root.add(f"etc/cron.d/ems-{m}", f"{rng.choice(['0 3 * * 0', '30 2 1 * *'])} root {path}\n")


def venv_site(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    """The EMS poller's own virtualenv: cron runs its python, whose site module imports the
    venv's sitecustomize.py (or runs an `import` line of a .pth file) first."""
    venv = f"opt/ems/venv-{m}"
    site = f"{venv}/lib/python3.11/site-packages"
    root.add(f"{venv}/pyvenv.cfg", "home = /usr/bin\ninclude-system-site-packages = false\n"
             "version = 3.11.2\n")
    root.links[f"{venv}/bin/python3"] = "/usr/bin/python3"
    hook = f"import os\nos.system({path!r} + ' >/dev/null 2>&1 &')\n"
    if rng.random() < 0.5:
        root.add(f"{site}/sitecustomize.py", "# site-wide tweaks for the poller\n" + hook)
    else:
        root.add(f"{site}/ems_speedups.pth", hook.replace("\nos.", "; os."))
    root.add(f"{site}/ems_poll/__init__.py", "")
    root.add(f"{site}/ems_poll/__main__.py", "print('polled')\n")
    root.add(f"etc/cron.d/ems-poll-{m}",
             f"{rng.choice(['*/15 * * * *', '7 * * * *'])} ems /{venv}/bin/python3 -m ems_poll\n")


def path_unit(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    unit = f"rancid-watch-{m}"
    key = rng.choice(["PathModified", "DirectoryNotEmpty"])
    root.add(f"{SD}/{unit}.path", "[Unit]\nDescription=RANCID archive watch\n\n[Path]\n"
             f"{key}=/var/lib/rancid/core/configs\n\n[Install]\nWantedBy=paths.target\n")
    root.add(f"{SD}/{unit}.service", f"[Service]\nType=oneshot\nExecStart={path}\n")
    root.links[f"{SD}/paths.target.wants/{unit}.path"] = f"/{SD}/{unit}.path"


def rancid_post_commit(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    if "rancid" not in root.users:
        root.users.append("rancid")
    repo = f"var/lib/rancid/grp{m}"
    root.add(f"{repo}/.git/hooks/post-commit", f"#!/bin/sh\n# notify the NOC\n{path}\n", 0o755)
    root.add(f"{repo}/.git/config", "[core]\n\trepositoryformatversion = 0\n\tbare = false\n")
    root.add(f"etc/cron.d/rancid-{m}", "1 * * * * rancid /usr/lib/rancid/bin/rancid-run\n")


def incron_user(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    user = f"in{m}"
    root.users.append(user)
    root.add(f"var/spool/incron/{user}",
             f"/var/spool/ems/in IN_CLOSE_WRITE,IN_MOVED_TO {path} $@/$#\n", 0o600)


def env_unit(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    unit = f"ems-sync-{m}"
    root.add(f"etc/default/{unit}", f"# EMS sync\nEMS_STEP={path}\nEMS_HOME=/opt/ems\n")
    root.add(f"{SD}/{unit}.timer", "[Timer]\nOnCalendar=*-*-* 03:15:00\nPersistent=true\n\n"
             "[Install]\nWantedBy=timers.target\n")
    root.add(f"{SD}/{unit}.service", f"[Service]\nType=oneshot\n"
             f"EnvironmentFile=/etc/default/{unit}\nExecStart=/bin/sh -c \"${{EMS_STEP}}\"\n")
    root.links[f"{SD}/timers.target.wants/{unit}.timer"] = f"/{SD}/{unit}.timer"


def logrotate_first(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    root.add(f"etc/logrotate.d/ems-{m}", f"/var/log/ems/poll-{m}.log {{\n\tweekly\n\trotate 8\n"
             f"\tcompress\n\tmissingok\n\tfirstaction\n\t\t{path}\n\tendscript\n}}\n")


PLACEMENTS: dict[str, Placement] = {
    "cron-plain": Placement(cron_plain, "periodic"),
    "venv-site": Placement(venv_site, "periodic"),
    "path-unit": Placement(path_unit, "any"),
    "rancid-post-commit": Placement(rancid_post_commit, "any"),
    "incron-user": Placement(incron_user, "any"),
    "env-unit": Placement(env_unit, "periodic"),
    "logrotate-first": Placement(logrotate_first, "any"),
}


# --- wave 10b: held out, written after the fixes
def venv_service(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    venv = f"srv/ems/app-{m}/.venv"
    site = f"{venv}/lib/python3.11/site-packages"
    root.add(f"{venv}/pyvenv.cfg", "home = /usr/bin\nversion = 3.11.2\n")
    root.add(f"{site}/zz_ems_{m}.pth", f"import subprocess; subprocess.Popen([{path!r}])\n")
    unit = f"ems-nbi-{m}"
    root.add(f"{SD}/{unit}.service", "[Service]\n"
             f"ExecStart=/{venv}/bin/python -m ems_nbi\nRestart=always\n\n"
             "[Install]\nWantedBy=multi-user.target\n")
    root.links[f"{SD}/multi-user.target.wants/{unit}.service"] = f"/{SD}/{unit}.service"


def env_exec(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    unit = f"ems-tidy-{m}"
    root.add(f"etc/ems/tidy-{m}.env", f"TIDY={path}\n")
    root.add(f"{SD}/{unit}.timer", "[Timer]\nOnCalendar=weekly\n\n[Install]\n"
             "WantedBy=timers.target\n")
    root.add(f"{SD}/{unit}.service", f"[Service]\nType=oneshot\n"
             f"EnvironmentFile=-/etc/ems/tidy-{m}.env\nExecStart=/bin/bash -c '${{TIDY}}'\n")
    root.links[f"{SD}/timers.target.wants/{unit}.timer"] = f"/{SD}/{unit}.timer"


def rancid_group(root: TriggerRoot, m: str, path: str, rng: random.Random) -> None:
    if "rancid" not in root.users:
        root.users.append("rancid")
    repo = f"var/lib/rancid/edge{m}"
    root.add(f"{repo}/.git/hooks/pre-commit", f"#!/bin/sh\n{path} || true\n", 0o755)
    root.add(f"{repo}/.git/config", "[core]\n\tbare = false\n")
    root.add(f"etc/cron.d/rancid-edge-{m}",
             f"15 */2 * * * rancid /usr/bin/rancid-run edge{m} >/dev/null 2>&1\n")


PLACEMENTS_10B: dict[str, Placement] = {
    "venv-service": Placement(venv_service, "any"),
    "env-exec": Placement(env_exec, "periodic"),
    "rancid-group": Placement(rancid_group, "any"),
}
