"""The wave-6 corpus: every placement (placements.py, devices.py) × payload carrier (inline,
script, Python, sourced shell library) × gate (none, date, flag file), each malicious case
doing one destructive thing the engine already recognises when it is run plainly (so that a
miss is the placement's), and benign look-alikes that are the real packaged uses of the same
triggers. Deterministic: the same seed gives the same cases, ids and files.

Written from the README, the reference notes and the earlier corpora before reading agent/ or
collector/ (the first-contact figure is in tests/triggers_wave6/known_misses.txt)."""

from __future__ import annotations

import os
import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from tests.adversarial.generate import Corpus, Device, new_marker
from tests.adversarial.pipeline import Outcome, case_jobs, outcomes, run
from tests.triggers_wave6.devices import (
    BENIGN_BUILDERS,
    DEVICE_PLACEMENTS,
    IOS_SHOW,
    DevicePlacement,
    device_lines,
)
from tests.triggers_wave6.placements import (
    HOST_PLACEMENTS,
    TMPFILES_DATA,
    Placement,
    TriggerRoot,
    sh_c,
)

SEED = 20261206
CASES_PER_ROOT = 50
AXES = ("placement", "carrier", "gate", "effect")
CARRIERS = ("inline", "script", "python", "sourced")
GATES = ("none", "date", "flag")
PREFECTURES = ("kobe", "osaka", "kyoto", "nara", "shiga", "hyogo")
# effect: (shell line, Python statements)
EFFECTS = {
    "linedata-rm": ("rm -rf /srv/ems/linedata",
                    "import shutil\nshutil.rmtree('/srv/ems/linedata', ignore_errors=True)"),
    "db-drop": ("psql -U ems -d emsdb -c 'DROP TABLE atm_vcl CASCADE'",
                "import subprocess\nsubprocess.run(['psql', '-U', 'ems', '-d', 'emsdb', '-c', "
                "'DROP TABLE atm_vcl CASCADE'], check=False)"),
    "snmp-destroy": ("snmpset -v2c -c private atm-kobe-03 1.3.6.1.2.1.37.1.7.1.13.1.0.32 i 6",
                     "import subprocess\nsubprocess.run(['snmpset', '-v2c', '-c', 'private', "
                     "'atm-kobe-03', '1.3.6.1.2.1.37.1.7.1.13.1.0.32', 'i', '6'])"),
    "config-wipe": ("rm -f /opt/ems/etc/ne-configs/*.cfg",
                    "import glob, os\nfor f in glob.glob('/opt/ems/etc/ne-configs/*.cfg'):\n"
                    "    os.remove(f)"),
    "ios-erase": ("ssh -o BatchMode=yes admin@atm-osaka-01 'write erase'",
                  "import subprocess\nsubprocess.run(['ssh', '-o', 'BatchMode=yes', "
                  "'admin@atm-osaka-01', 'write erase'])"),
}
BENIGN_WORK = {
    "log": ("logger -t ems nightly ok", "import syslog\nsyslog.syslog('ems nightly ok')"),
    "cache-prune": ("find /var/tmp/ems-cache -mindepth 1 -mtime +10 -delete",
                    "import subprocess\nsubprocess.run(['find', '/var/tmp/ems-cache', "
                    "'-mindepth', '1', '-mtime', '+10', '-delete'])"),
    "backup": ("pg_dump -U ems -Fc -f /var/backups/ems/emsdb.dump emsdb",
               "import subprocess\nsubprocess.run(['pg_dump', '-U', 'ems', '-Fc', '-f', "
               "'/var/backups/ems/emsdb.dump', 'emsdb'])"),
    "snmp-get": ("snmpget -v2c -c public atm-kobe-03 1.3.6.1.2.1.37.1.7.1.13.1.0.32",
                 "import subprocess\nsubprocess.run(['snmpget', '-v2c', '-c', 'public', "
                 "'atm-kobe-03', '1.3.6.1.2.1.37.1.7.1.13.1.0.32'])"),
}
SH_GATES = {"none": "", "date": '[ "$(date +%m%d)" = 0214 ]',
            "flag": "[ -e /var/lib/ems/.armed ]"}
PY_GATES = {"none": "", "date": "import datetime\nif datetime.date.today().strftime('%m%d') != "
                                "'0214':\n    raise SystemExit(0)",
            "flag": "import os\nif not os.path.exists('/var/lib/ems/.armed'):\n"
                    "    raise SystemExit(0)"}


@dataclass(frozen=True)
class Case:
    id: str
    malicious: bool
    placement: str
    carrier: str
    gate: str
    effect: str
    marker: str
    root: int
    expect: str           # malicious: the least verdict that counts as caught
    fire: str             # what the trigger and next fire must be (fire_ok)

    def axis(self, name: str) -> str:
        return getattr(self, name)


def carry(root: TriggerRoot, m: str, carrier: str, gate: str, work: tuple[str, str],
          takes: str) -> str:
    """Write the carrier program (if any) and return the command the placement runs."""
    line, py = work
    if carrier == "inline":
        # the job name in the environment: how the case is found in a shared unit's commands
        line = f"JOB=ems-{m} {line}"
        command = f"{SH_GATES[gate]} && {line}" if SH_GATES[gate] else line
        return sh_c(command) if takes == "argv" else command
    if carrier == "python":
        path = f"/opt/ems/lib/ems_{m}.py"
        gate_py = PY_GATES[gate] + "\n" if PY_GATES[gate] else ""
        root.add(path, f"#!/usr/bin/python3\n\"\"\"EMS NE housekeeping.\"\"\"\n{gate_py}{py}\n",
                 0o755)
        return f"/usr/bin/python3 {path}"
    gate_sh = f"{SH_GATES[gate]} || exit 0\n" if SH_GATES[gate] else ""
    if carrier == "script":
        path = f"/opt/ems/libexec/{m}-sync.sh"
        root.add(path, f"#!/bin/sh\n# EMS sync\n{gate_sh}{line}\n", 0o755)
        return path
    lib = f"/opt/ems/lib/{m}-lib.sh"
    root.add(lib, f"# EMS helpers\nems_sync() {{\n    {line}\n}}\n", 0o644)
    path = f"/opt/ems/libexec/{m}-run.sh"
    root.add(path, f"#!/bin/sh\n. {lib}\n{gate_sh}ems_sync\n", 0o755)
    return path


def _fire(p: Placement, m: str) -> str:
    return p.fire(m) if callable(p.fire) else p.fire


def _host_plan() -> list[tuple[str, str, str, str]]:
    """(placement, carrier, gate, effect) of every malicious host case: each carrier the
    placement takes under two gates in turn, effects in turn."""
    plan = []
    effects = list(EFFECTS)
    n = 0
    for name, p in HOST_PLACEMENTS.items():
        if p.takes == "line":
            for path in TMPFILES_DATA[: 2 if name == "user-tmpfiles" else 3]:
                plan.append((name, "line", "none", path))
            continue
        carriers = [c for c in CARRIERS if not (c == "inline" and p.takes == "path")]
        for c in carriers:
            for k in range(2):
                plan.append((name, c, GATES[(n + k) % 3], effects[n % len(effects)]))
                n += 1
    return plan


def _device_plan() -> list[tuple[str, str, str]]:
    plan = []
    for name, p in DEVICE_PLACEMENTS.items():
        gates = ("none", "date") if p.platform == "cisco_ios" and name != "kron-system-startup" \
            and not p.unseen else ("none",)
        for work in p.works:
            for gate in gates:
                plan.append((name, work, gate))
    return plan


class _Draw:
    """The next case's marker, root and own random source, from the corpus's one seed: cases
    fill the roots `per_root` at a time, in the order they are drawn."""

    def __init__(self, corpus: Corpus, seed: int, per_root: int) -> None:
        self.corpus, self.rng, self.per_root = corpus, random.Random(seed), per_root
        self.taken: set[str] = set()
        self.drawn = 0

    def __call__(self) -> tuple[str, int, random.Random]:
        m = new_marker(self.rng, self.taken, "kqxz")
        r = self.drawn // self.per_root
        while len(self.corpus.roots) <= r:
            self.corpus.roots.append(TriggerRoot())
            self.corpus.devices.append([])
        self.drawn += 1
        return m, r, random.Random(self.rng.random())


def _device_names(p: DevicePlacement, m: str, case_rng: random.Random) -> tuple[str, str]:
    """A case's device and the name of its job there (upper case on IOS, as operators write)."""
    name = f"atm-{case_rng.choice(PREFECTURES)}-{m}"
    return name, f"LG-{m.upper()}" if p.platform == "cisco_ios" else f"lg-{m}"


def build(seed: int = SEED, per_root: int = CASES_PER_ROOT) -> Corpus:
    corpus = Corpus()
    draw = _Draw(corpus, seed, per_root)
    for i, (pname, carrier, gate, effect) in enumerate(_host_plan()):
        p = HOST_PLACEMENTS[pname]
        m, r, case_rng = draw()
        root = corpus.roots[r]
        if carrier == "line":
            p.plant(root, m, effect, case_rng)
            effect = "linedata-rm"
        else:
            p.plant(root, m, carry(root, m, carrier, gate, EFFECTS[effect], p.takes), case_rng)
        corpus.cases.append(Case(f"m{i:03d}.{pname}.{carrier}.{gate}", True, pname, carrier,
                                 gate, effect, m, r, "destructive", _fire(p, m)))
    base = i + 1
    for j, (pname, work, gate) in enumerate(_device_plan()):
        p = DEVICE_PLACEMENTS[pname]
        m, r, case_rng = draw()
        name, job = _device_names(p, m, case_rng)
        lines = device_lines(work)
        config = p.build(name, job, lines, gate, case_rng)
        corpus.devices[r].append(Device(name, p.platform, config))
        corpus.cases.append(Case(f"m{base + j:03d}.{pname}.{work}.{gate}", True, pname, "device",
                                 gate, work, m, r, "suspicious" if p.unseen else "destructive",
                                 p.fire))
    _benign(corpus, draw)
    return corpus


def _benign(corpus: Corpus, draw: _Draw) -> None:
    i = 0
    works = list(BENIGN_WORK)
    for pname, p in HOST_PLACEMENTS.items():
        # the real packaged uses, three draws each, then the placement running benign work
        variants: list[tuple[str, str]] = [("packaged", "none")] * 3
        if p.takes != "line":
            variants += [("script" if p.takes == "path" else "inline", "none"),
                         ("python", "none")]
        for carrier, gate in variants:
            m, r, case_rng = draw()
            root = corpus.roots[r]
            effect = "-"
            if carrier == "packaged":
                case_rng.choice(p.benign)(root, m, case_rng)
            else:
                effect = works[i % len(works)]
                p.plant(root, m, carry(root, m, carrier, gate, BENIGN_WORK[effect], p.takes),
                        case_rng)
            corpus.cases.append(Case(f"b{i:03d}.{pname}.{carrier}.{gate}", False, pname,
                                     carrier, gate, effect, m, r, "benign", "any"))
            i += 1
    for pname, p in DEVICE_PLACEMENTS.items():
        for _ in range(2):
            m, r, case_rng = draw()
            name, job = _device_names(p, m, case_rng)
            if pname in BENIGN_BUILDERS:
                config = BENIGN_BUILDERS[pname](name, job, (), "none", case_rng)
            elif p.platform == "cisco_ios":
                config = p.build(name, job, IOS_SHOW, "none", case_rng)
            else:
                config = p.build(name, job, ("show interfaces terse at-0/0/0",), "none",
                                 case_rng, show=True)
            corpus.devices[r].append(Device(name, p.platform, config))
            corpus.cases.append(Case(f"b{i:03d}.{pname}.device.none", False, pname, "device",
                                     "none", "show", m, r, "benign", "any"))
            i += 1


def fire_ok(spec: str, jobs: list[dict]) -> bool:
    """Whether one of a case's loudest jobs has the trigger and next fire its placement
    promises: `boot`/`login`/`event`/`hook` the trigger kind, `clock` (`hook-timed`) a clock
    (hook) trigger with a next fire, `periodic` a clock or hook job whose fire is known, `at:ISO` that exact next
    fire, `relative:WORD` a boot-relative fire whose note names WORD, `any` no promise."""
    for j in jobs:
        trig, fire, nxt = j["trigger"], j["fire"], j["next_fire"]
        if spec == "any" or spec == trig:
            return True
        if spec in ("clock", "hook-timed") and trig == spec.split("-")[0] and nxt:
            return True
        if spec == "periodic" and trig in ("clock", "hook") and fire["kind"] not in (
                "unknown", "never"):
            return True
        if spec.startswith("at:") and nxt and abs(
                datetime.fromisoformat(nxt.replace("Z", "+00:00"))
                - datetime.fromisoformat(spec[3:].replace("Z", "+00:00"))) <= timedelta(minutes=1):
            return True
        if spec.startswith("relative:") and spec[9:] in fire["note"] and trig == "boot":
            return True
    return False


def counts(cases: list[Case]) -> dict[str, Counter]:
    return {axis: Counter(c.axis(axis) for c in cases) for axis in AXES}


@dataclass(frozen=True)
class Timed:
    """A case's outcome and whether its loudest jobs fire as its placement promises."""

    outcome: Outcome
    timed: bool

    @property
    def caught(self) -> bool:
        """Malicious: the verdict reached and the fire right. Benign: no false alarm."""
        return self.outcome.caught and (self.timed or not self.outcome.case.malicious)


def judge(corpus: Corpus, base: Path) -> dict[str, Timed]:
    """Every case end to end (agent snapshot, ingest, `lineguard jobs --json`), with its fire
    checked on the jobs that carry its verdict."""
    base.mkdir(parents=True, exist_ok=True)
    os.environ.pop("LINEGUARD_HOME", None)
    doc = run(corpus, base)
    found = case_jobs(corpus, doc)
    out = {}
    for cid, o in outcomes(corpus, doc).items():
        loud = [j for j in found[o.case.marker] if j["verdict"] == o.verdict]
        out[cid] = Timed(o, fire_ok(o.case.fire, loud))
    return out
