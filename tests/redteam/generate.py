"""The red-team corpus (host side): destructive host jobs and benign look-alikes built from
payload × technique × trigger, where payloads, techniques and most triggers are ones the
adversarial and held-out corpora do not generate (tests/redteam/payloads.py, techniques.py).
Seeded and balanced: the same seed gives the same cases, ids and files.

Every case is planted in a host root (the shared HostRoot of the other corpora) under one
trigger: clock schedulers and the hooks that run without a clock (boot, path, udev, network,
login, PAM, forced SSH commands, logrotate, apt). Ids: `rm…` malicious, `rb…` benign.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from functools import partial

from tests.adversarial.generate import Corpus, least, new_marker, tally
from tests.adversarial.schedulers import HostRoot
from tests.heldout.generate import plant as plant_heldout
from tests.heldout.techniques import Job
from tests.redteam.payloads import BENIGN, MALICIOUS
from tests.redteam.techniques import MALICIOUS_ONLY, SAME_SHELL, TECHNIQUES, script_path

SEED = 20261202
MALICIOUS_CASES = 200
BENIGN_CASES = 170
CASES_PER_ROOT = 50
AXES = ("technique", "goal", "trigger")
# triggers planted the held-out corpus's way, and the ones planted here
HELDOUT_TRIGGERS = ("cron.d", "user-crontab", "at-batch-heredoc", "anacron-long",
                    "systemd-dropin", "systemd-timer-unit-key", "systemd-path-unit",
                    "systemd-boot-service", "logrotate-postrotate", "profile-d",
                    "cron-reboot-sleep", "systemd-execcondition", "apt-hook")
# (rc.local and shell rc files are left out: every case in a root would share one job)
OWN_TRIGGERS = ("udev-run", "if-down-d", "nm-dispatcher", "pam-exec", "authorized-keys",
                "init-d")
TRIGGERS = HELDOUT_TRIGGERS + OWN_TRIGGERS


@dataclass(frozen=True)
class Case:
    id: str
    malicious: bool
    technique: str
    goal: str
    trigger: str
    marker: str
    root: int
    expect: str = "destructive"






def build(seed: int = SEED, malicious: int = MALICIOUS_CASES, benign: int = BENIGN_CASES,
          per_root: int = CASES_PER_ROOT) -> Corpus:
    rng = random.Random(seed)
    corpus = Corpus()
    taken: set[str] = set()
    plan = [True] * malicious + [False] * benign
    used = {k: {a: Counter() for a in AXES} for k in (True, False)}
    for n, bad in enumerate(plan):
        u = used[bad]
        builders = MALICIOUS if bad else BENIGN
        techniques = [t for t in TECHNIQUES if bad or t not in MALICIOUS_ONLY]
        technique = least(rng, u["technique"], techniques)
        goal = least(rng, u["goal"], list(builders))
        trigger = least(rng, u["trigger"], TRIGGERS)
        for axis, value in zip(AXES, (technique, goal, trigger), strict=True):
            u[axis][value] += 1
        case_rng = random.Random(rng.random())
        marker = new_marker(rng, taken, "r")
        root = n // per_root
        corpus.root(root)
        i = sum(1 for c in corpus.cases if c.malicious == bad)
        case = Case(id=f"r{'m' if bad else 'b'}{i:03d}.{technique}.{goal}.{trigger}",
                    malicious=bad, technique=technique, goal=goal, trigger=trigger,
                    marker=marker, root=root)
        payload = builders[goal](case_rng)
        if technique not in SAME_SHELL:
            py = technique.startswith(("python", "gate-python"))
            payload = payload.naming(script_path(marker, ".py" if py else ".sh"))
        job = TECHNIQUES[technique](payload, case_rng, marker)
        for path, text in payload.files:      # files the work reads (SQL), named for the case
            job.files[path.replace("{m}", marker)] = (text, 0o644)
        job.command = job.command.replace("{m}", marker)
        job.files = {p: (x.replace("{m}", marker), mode) for p, (x, mode) in job.files.items()}
        plant(corpus.roots[root], trigger, job, marker, case_rng)
        corpus.cases.append(case)
    return corpus


# ------------------------------------------------------------------------------- planting
def _append(root: HostRoot, path: str, text: str, mode: int, head: str = "") -> None:
    key = path.lstrip("/")
    old = root.files.pop(key, (head, mode))[0]
    root.files[key] = (old + text, mode)


def plant(root: HostRoot, trigger: str, job: Job, marker: str, rng: random.Random) -> None:
    if trigger in HELDOUT_TRIGGERS:
        plant_heldout(root, trigger, job, marker, rng)
        return
    for path, (text, mode) in job.files.items():
        root.add(path, text, mode)
    cmd = job.command
    if trigger == "udev-run":
        event = rng.choice(['ACTION=="add", SUBSYSTEM=="block", KERNEL=="sd[b-z]1"',
                            'ACTION=="add", SUBSYSTEM=="usb", ATTR{idVendor}=="0403"',
                            'ACTION=="remove", SUBSYSTEM=="net"'])
        root.add(f"etc/udev/rules.d/99-ems-{marker}.rules",
                 f"# EMS hardware hook\n{event}, RUN+=\"{cmd}\"\n")
    elif trigger == "if-down-d":
        root.add(f"etc/network/if-down.d/ems-{marker}",
                 f"#!/bin/sh\n[ \"$IFACE\" = lo ] && exit 0\n{cmd}\n", 0o755)
    elif trigger == "nm-dispatcher":
        root.add(f"etc/NetworkManager/dispatcher.d/90-ems-{marker}",
                 f"#!/bin/sh\ncase \"$2\" in\n  down) {cmd} ;;\nesac\n", 0o755)
    elif trigger == "pam-exec":
        _append(root, "etc/pam.d/common-session",
                f"session optional pam_exec.so quiet seteuid {cmd.split()[-1]}\n", 0o644,
                "session [default=1] pam_permit.so\nsession required pam_unix.so\n")
    elif trigger == "authorized-keys":
        _append(root, "root/.ssh/authorized_keys",
                f'command="{cmd}",no-pty ssh-ed25519 AAAAC3Nz{marker} sync@{marker}\n', 0o600)
    else:   # init-d
        name = f"ems-{marker}"
        root.add(f"etc/init.d/{name}", f"#!/bin/sh\n### BEGIN INIT INFO\n# Provides: {name}\n"
                 f"### END INIT INFO\ncase \"$1\" in\n  start) {cmd} ;;\nesac\n", 0o755)
        for level in "2345":
            root.links[f"etc/rc{level}.d/S99{name}"] = f"../init.d/{name}"


counts = partial(tally, axes=AXES)
