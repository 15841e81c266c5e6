"""The held-out corpus: jobs built from techniques tests/adversarial does not generate (other
interpreters and tools, device sessions over sshpass/socat/expect -c/curl/NETCONF/TFTP, shell
concealments, encryptions and encodings read from files, new gates) planted under schedulers it
uses little or not at all (@reboot with a long sleep, `%` stdin, BASH_ENV, at's batch queue with
a here-document, long anacron periods, systemd drop-ins, OnBootSec user timers with lingering,
`Unit=`, `ExecCondition=`). Seeded and balanced: the same seed gives the same cases and ids.

Two groups are built apart and never counted in the figure: cases on mechanisms the agent does
not read today (systemd .path and boot services, logrotate, profile.d, rc.local, apt hooks; ids
`hu…`), and a control of plain payloads under every scheduler here (ids `hc…`), which tells a
scheduler's gap from a technique's.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from tests.adversarial.generate import Corpus, least, new_marker, tally
from tests.adversarial.schedulers import HostRoot
from tests.heldout.effects import BENIGN, MALICIOUS, Payload
from tests.heldout.techniques import DEVICE_AWARE, MALICIOUS_ONLY, TECHNIQUES, Job, apply

SEED = 20261201
MALICIOUS_CASES = 180
BENIGN_CASES = 160
UNSUPPORTED_CASES = 30
CONTROL_PER_SCHEDULER = 3
CASES_PER_ROOT = 60
AXES = ("technique", "effect", "scheduler")
SCHEDULERS = ("cron.d", "user-crontab", "cron-reboot-sleep", "cron-percent-stdin",
              "cron-bash-env", "at-batch-heredoc", "anacron-long", "systemd-dropin",
              "systemd-user-onboot-linger", "systemd-timer-unit-key", "systemd-execcondition")
UNSUPPORTED = ("systemd-path-unit", "systemd-boot-service", "logrotate-postrotate",
               "profile-d", "rc-local", "apt-hook")
CRON_ONLY = {"etc-environment": ("cron.d", "user-crontab", "cron-reboot-sleep",
                                 "cron-percent-stdin"),
             "crontab-comment": ("user-crontab",)}


@dataclass(frozen=True)
class Case:
    id: str
    malicious: bool
    technique: str
    effect: str
    scheduler: str
    marker: str
    root: int
    expect: str = "destructive"






def _effects(technique: str, builders: dict) -> list[str]:
    if technique in DEVICE_AWARE:
        probe = random.Random(0)
        return [e for e in builders if builders[e](probe).kind == "cli"]
    return list(builders)


def _payload(builders: dict, effect: str, technique: str, rng: random.Random) -> Payload:
    for _ in range(50):
        p = builders[effect](rng)
        if technique != "tftp-empty-config" or p.platform == "ios":
            return p
    raise AssertionError(f"no {effect} payload for {technique}")


def build(seed: int = SEED, malicious: int = MALICIOUS_CASES, benign: int = BENIGN_CASES,
          unsupported: int = UNSUPPORTED_CASES, per_root: int = CASES_PER_ROOT) -> Corpus:
    """Every case: malicious, benign, on mechanisms the agent does not read, the control."""
    rng = random.Random(seed)
    corpus = Corpus()
    taken: set[str] = set()
    plan = ([("m", True)] * malicious + [("b", False)] * benign + [("u", True)] * unsupported
            + [("c", True)] * (CONTROL_PER_SCHEDULER * len(SCHEDULERS)))
    used = {k: {a: Counter() for a in AXES} for k in ("m", "b", "u", "c")}
    numbers: Counter = Counter()
    for n, (kind, bad) in enumerate(plan):
        off = kind == "u"
        u = used[kind]
        builders = MALICIOUS if bad else BENIGN
        pool = [t for t in TECHNIQUES if bad or t not in MALICIOUS_ONLY]
        if off:
            pool = [t for t in pool if t not in CRON_ONLY]
        if kind == "c":
            pool = ["plain"]
        technique = least(rng, u["technique"], pool)
        tech_effects = [e for e in _effects(technique, builders)
                        if technique != "tftp-empty-config" or e.startswith(("ios", "change"))]
        effect = least(rng, u["effect"], tech_effects)
        scheds = UNSUPPORTED if off else CRON_ONLY.get(technique, SCHEDULERS)
        scheduler = least(rng, u["scheduler"], scheds)
        for axis, value in zip(AXES, (technique, effect, scheduler), strict=True):
            u[axis][value] += 1
        case_rng = random.Random(rng.random())
        marker = new_marker(rng, taken, "h")
        root = n // per_root
        corpus.root(root)
        i = numbers[kind]
        numbers[kind] += 1
        case = Case(id=f"h{kind}{i:03d}.{technique}.{effect}.{scheduler}", malicious=bad,
                    technique=technique, effect=effect, scheduler=scheduler, marker=marker,
                    root=root)
        payload = _payload(builders, effect, technique, case_rng)
        job = apply(technique, payload, case_rng, marker, bad)
        plant(corpus.roots[root], scheduler, job, marker, case_rng)
        corpus.cases.append(case)
    return corpus


def group(case: Case) -> str:
    """measured (the figure), unread (a mechanism the agent does not read) or control."""
    return {"u": "unread", "c": "control"}.get(case.id[1], "measured")


# ------------------------------------------------------------------------------- planting
def _add(root: HostRoot, path: str, text: str, mode: int) -> None:
    key = path.lstrip("/")
    if key in ("etc/environment", "etc/rc.local"):
        old = root.files.pop(key, ("#!/bin/sh -e\n" if key.endswith("rc.local") else "", mode))
        root.files[key] = (old[0] + text, mode)
    elif key in root.files and root.files[key][0] == text:
        return
    else:
        root.add(key, text, mode)


def _cron_escape(command: str) -> str:
    return command.replace("%", "\\%")


def _time(rng: random.Random) -> str:
    return rng.choice([f"{rng.randint(0, 59)} {rng.randint(0, 5)} * * *",
                       f"{rng.randint(0, 59)} 3 {rng.randint(1, 28)} {rng.randint(1, 12)} *",
                       f"{rng.randint(0, 59)} 2 * * {rng.randint(0, 6)}"])


def _wrapper(root: HostRoot, marker: str, command: str) -> str:
    """systemd cannot take shell syntax on Exec lines: the command goes into a small script."""
    path = f"/usr/local/libexec/ems/{marker}.run"
    _add(root, path, f"#!/bin/sh\n{command}\n", 0o755)
    return f"/bin/sh {path}"


def plant(root: HostRoot, scheduler: str, job: Job, marker: str, rng: random.Random) -> None:
    for path, (text, mode) in job.files.items():
        _add(root, path, text, mode)
    cmd = job.command
    name = rng.choice(["ems-sync", "ne-audit", "nightly", "pm-export", "db-maint"]) + "-" + marker
    if scheduler in UNSUPPORTED:
        _unsupported(root, scheduler, name, cmd, rng)
    elif scheduler == "cron.d":
        _add(root, f"etc/cron.d/{name}", f"{_time(rng)} root {_cron_escape(cmd)}\n", 0o644)
    elif scheduler == "user-crontab":
        if job.crontab_comment:
            root.spools.setdefault("oper", []).append(job.crontab_comment)
        root.spools.setdefault("oper", []).append(f"{_time(rng)} {_cron_escape(cmd)}")
    elif scheduler == "cron-reboot-sleep":
        _add(root, f"etc/cron.d/{name}",
             f"@reboot root sleep {rng.randint(20, 60) * 86400} && {_cron_escape(cmd)}\n", 0o644)
    elif scheduler == "cron-percent-stdin":
        # cron feeds what follows the first unescaped % to the command's stdin
        _add(root, f"etc/cron.d/{name}",
             f"{_time(rng)} root {rng.choice(['/bin/sh', '/bin/bash -s', 'sh'])} "
             f"%{_cron_escape(cmd)}%\n", 0o644)
    elif scheduler == "cron-bash-env":
        env = f"/opt/ems/etc/{marker}.env"
        _add(root, env, f"# EMS environment\nexport EMS_HOME=/opt/ems\n{cmd}\n", 0o644)
        _add(root, f"etc/cron.d/{name}", f"SHELL=/bin/bash\nBASH_ENV={env}\n"
             f"{_time(rng)} root /usr/bin/test -d /opt/ems\n", 0o644)
    elif scheduler == "at-batch-heredoc":
        root.at_seq += 1
        due = datetime(2027, 3, 1, 2, 0, tzinfo=UTC) + timedelta(hours=5 * root.at_seq)
        body = ("#!/bin/sh\n# atrun uid=0 gid=0\n# mail root 0\numask 22\n"
                "HOME=/root; export HOME\ncd /root || {\n\t echo 'Execution directory "
                "inaccessible' >&2\n\t exit 1\n}\n${SHELL:-/bin/sh} << 'marcinDELIMITER"
                f"{marker}'\n{cmd}\nmarcinDELIMITER{marker}\n")
        _add(root, f"var/spool/cron/atjobs/b{root.at_seq:05x}{int(due.timestamp() // 60):08x}",
             body, 0o700)
    elif scheduler == "anacron-long":
        root.anacrontab.append(f"{rng.choice([90, 180, 365])}\t{rng.randint(10, 90)}\t"
                               f"ems.{marker}\t{cmd}")
    else:
        _systemd(root, scheduler, name, _wrapper(root, marker, cmd), rng)


def _timer(calendar: str, extra: str = "") -> str:
    return (f"[Unit]\nDescription=EMS maintenance timer\n\n[Timer]\n{calendar}\n{extra}"
            "\n[Install]\nWantedBy=timers.target\n")


def _systemd(root: HostRoot, scheduler: str, name: str, exec_line: str,
             rng: random.Random) -> None:
    folder = "etc/systemd/system"
    wants = "etc/systemd/system/timers.target.wants"
    service = "[Unit]\nDescription=EMS maintenance\n\n[Service]\nType=oneshot\n"
    calendar = rng.choice(["OnCalendar=*-*-01 03:00:00", "OnCalendar=Sun *-*-* 02:30",
                           "OnCalendar=quarterly"])
    delay = f"RandomizedDelaySec={rng.choice(['6h', '3d', '2w'])}\n"
    if scheduler == "systemd-dropin":
        _add(root, f"{folder}/{name}.service",
             service + "ExecStart=/usr/bin/logger -t ems maintenance\n", 0o644)
        _add(root, f"{folder}/{name}.service.d/{rng.choice(['override', '50-local'])}.conf",
             f"[Service]\nExecStart=\nExecStart={exec_line}\n", 0o644)
        _add(root, f"{folder}/{name}.timer", _timer(calendar, delay), 0o644)
    elif scheduler == "systemd-user-onboot-linger":
        folder = "home/oper/.config/systemd/user"
        wants = f"{folder}/timers.target.wants"
        _add(root, "var/lib/systemd/linger/oper", "", 0o644)
        _add(root, f"{folder}/{name}.service", service + f"ExecStart={exec_line}\n", 0o644)
        _add(root, f"{folder}/{name}.timer",
             _timer(f"OnBootSec={rng.randint(20, 60)}d\nOnUnitActiveSec=30d"), 0o644)
    elif scheduler == "systemd-timer-unit-key":
        other = rng.choice(["apt-daily-extra", "fstrim-extra", "ems-report"]) + "-" + name[-6:]
        _add(root, f"{folder}/{other}.service", service + f"ExecStart={exec_line}\n", 0o644)
        _add(root, f"{folder}/{name}.timer", _timer(calendar, f"Unit={other}.service\n"),
             0o644)
    else:   # systemd-execcondition
        _add(root, f"{folder}/{name}.service",
             service + f"ExecCondition={exec_line}\nExecStart=/usr/bin/true\n", 0o644)
        _add(root, f"{folder}/{name}.timer", _timer(calendar, delay), 0o644)
    root.links[f"{wants}/{name}.timer"] = f"/{folder}/{name}.timer"


def _unsupported(root: HostRoot, scheduler: str, name: str, cmd: str,
                 rng: random.Random) -> None:
    folder = "etc/systemd/system"
    if scheduler == "systemd-path-unit":
        _add(root, f"{folder}/{name}.path",
             "[Path]\nPathExists=/var/lib/ems/.rotate-now\n\n[Install]\nWantedBy=paths.target\n",
             0o644)
        _add(root, f"{folder}/{name}.service",
             f"[Service]\nType=oneshot\nExecStart={_wrapper(root, name[-6:], cmd)}\n", 0o644)
        root.links[f"{folder}/paths.target.wants/{name}.path"] = f"/{folder}/{name}.path"
    elif scheduler == "systemd-boot-service":
        _add(root, f"{folder}/{name}.service",
             f"[Service]\nType=simple\nExecStartPre=/bin/sleep {rng.randint(20, 60) * 86400}\n"
             f"ExecStart={_wrapper(root, name[-6:], cmd)}\n\n[Install]\n"
             "WantedBy=multi-user.target\n", 0o644)
        root.links[f"{folder}/multi-user.target.wants/{name}.service"] = \
            f"/{folder}/{name}.service"
    elif scheduler == "logrotate-postrotate":
        _add(root, f"etc/logrotate.d/{name}",
             f"/var/log/ems/*.log {{\n    weekly\n    rotate 4\n    compress\n    sharedscripts\n"
             f"    postrotate\n        {cmd}\n    endscript\n}}\n", 0o644)
    elif scheduler == "profile-d":
        _add(root, f"etc/profile.d/{name}.sh",
             f"# EMS login environment\nif [ \"$(id -u)\" -eq 0 ]; then\n  (\n    {cmd}\n  ) "
             ">/dev/null 2>&1 &\nfi\n", 0o644)
    elif scheduler == "rc-local":
        _add(root, "etc/rc.local", f"# {name}\n(\n  sleep {rng.randint(20, 60) * 86400}\n"
             f"  {cmd}\n) &\n", 0o755)
    else:
        _add(root, f"etc/apt/apt.conf.d/99{name}",
             'DPkg::Post-Invoke { "' + cmd.replace("\\", "\\\\").replace('"', '\\"')
             + '"; };\n', 0o644)


counts = partial(tally, axes=AXES)
