"""The wave-9 red-team corpus: effect (effects.py: new vocabulary of destruction, on the NEs
and on the host) × carrier (carriers.py: programs that run a command although they are not
shells, other shells, Perl/Python/Tcl forms, sealed payloads) × gate (placements.GATES) ×
placement (placements.py), combinatorial and balanced (each case takes the least used value
of every axis so far), plus device-side jobs (IOS EEM/kron, Junos event policies) holding the
new device vocabulary. Planted in host roots, snapshotted by the agent, ingested and read back
from `lineguard jobs --json` (tests/adversarial/pipeline). A malicious case counts when its
verdict is reached AND one of its loudest jobs fires as its placement says; a benign
look-alike may be neither destructive nor high/critical.

Written before reading the engine (first contact: tests/redteam_wave9/README.md)."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from tests.adversarial.generate import Corpus, Device, least, new_marker
from tests.redteam_wave9.carriers import CARRIERS, CARRIERS_9B, EVERYDAY, UNSEEN
from tests.redteam_wave9.effects import EFFECTS, EFFECTS_9B
from tests.redteam_wave9.placements import BENIGN_GATES, GATES, PLACEMENTS, PLACEMENTS_9B
from tests.triggers_wave6.devices import (
    ABSOLUTE,
    CRON,
    IOS_SHOW,
    eem_absolute,
    eem_cron_erase,
    eem_env,
    eem_syslog,
    junos_start_time,
    junos_system_event,
    kron_startup,
)
from tests.triggers_wave6.generate import judge  # noqa: F401  (judged as wave 6 judges)
from tests.triggers_wave6.placements import TriggerRoot

SEED = 20261209
MALICIOUS_CASES = 264
BENIGN_CASES = 156
CASES_PER_ROOT = 50
HELD_OUT = (36, 18)      # wave 9b: malicious and benign cases over the *_9B axes, appended
AXES = ("effect", "carrier", "gate", "placement")

# the device vocabulary wave 9 adds: an interface reset to defaults, a point-to-point
# sub-interface removed, a range of PVCs, startup erased; Junos wildcard deletes and an
# override load of an empty file; a config copied from a TFTP server (unseen: suspicious)
DEVICE_WORK = {
    "default-interface": ("configure terminal", "default interface ATM0/1/0", "end"),
    "no-subif-p2p": ("configure terminal", "no interface ATM0/1/0.100 point-to-point", "end"),
    "no-range-pvc": ("configure terminal", "interface ATM0/1/0", "no range pvc 0/100 0/199",
                     "end"),
    "erase-startup": ("erase startup-config", "reload"),
    "copy-tftp": ("copy tftp://10.20.30.40/zz.cfg running-config",),
    "wildcard-delete": ("wildcard delete interfaces at-*",),
    "load-override": ("load override /var/tmp/empty.conf",),
    "delete-atm-options": ("delete interfaces at-0/0/0 atm-options",),
}
UNSEEN_WORK = {"copy-tftp"}
IOS_JOBS = {"eem-environment": (eem_env, f"at:{CRON[1]}"), "eem-syslog": (eem_syslog, "event"),
            "eem-absolute": (eem_absolute, f"at:{ABSOLUTE:%Y-%m-%dT%H:%M:%SZ}"),
            "kron-startup": (kron_startup, "boot"),
            "eem-cron": (eem_cron_erase, f"at:{CRON[1]}")}
JUNOS_JOBS = {"junos-system-event": (junos_system_event, "event"),
              "junos-start-time": (junos_start_time, "at:2027-02-13T18:00:00Z")}
JUNOS_WORK = {"wildcard-delete", "load-override", "delete-atm-options"}


@dataclass(frozen=True)
class Case:
    id: str
    malicious: bool
    effect: str
    carrier: str
    gate: str
    placement: str
    marker: str
    root: int
    expect: str
    fire: str


class _Draw:
    def __init__(self, corpus: Corpus, seed: int, per_root: int) -> None:
        self.corpus, self.rng, self.per_root = corpus, random.Random(seed), per_root
        self.taken: set[str] = set()
        self.drawn = 0

    def __call__(self) -> tuple[str, TriggerRoot, int, random.Random]:
        m = new_marker(self.rng, self.taken, "w")
        r = self.drawn // self.per_root
        while len(self.corpus.roots) <= r:
            self.corpus.roots.append(TriggerRoot())
            self.corpus.devices.append([])
        self.drawn += 1
        return m, self.corpus.roots[r], r, random.Random(self.rng.random())


def build(seed: int = SEED, malicious: int = MALICIOUS_CASES, benign: int = BENIGN_CASES,
          per_root: int = CASES_PER_ROOT) -> Corpus:
    corpus = Corpus()
    draw = _Draw(corpus, seed, per_root)
    _hosts(corpus, draw, malicious, benign, (EFFECTS, CARRIERS, EVERYDAY, PLACEMENTS), "")
    _devices(corpus, draw)
    _hosts(corpus, draw, *HELD_OUT, (EFFECTS_9B, CARRIERS_9B, tuple(CARRIERS_9B), PLACEMENTS_9B),
           "9b.")
    return corpus


def _hosts(corpus: Corpus, draw: _Draw, malicious: int, benign: int, axes: tuple, tag: str
           ) -> None:
    """`malicious` then `benign` host cases over the axes (effects, carriers, the carriers of
    benign cases, placements); ids tagged with `tag` (the held-out wave 9b)."""
    effects, carriers, everyday, placements = axes
    used = {bad: {a: Counter() for a in AXES} for bad in (True, False)}
    for n in range(malicious + benign):
        bad = n < malicious
        u = used[bad]
        values = (least(draw.rng, u["effect"], list(effects)),
                  least(draw.rng, u["carrier"], list(carriers) if bad else list(everyday)),
                  least(draw.rng, u["gate"], list(GATES) if bad else list(BENIGN_GATES)),
                  least(draw.rng, u["placement"], list(placements)))
        for axis, value in zip(AXES, values, strict=True):
            u[axis][value] += 1
        effect, carrier, gate, placement = values
        m, root, r, rng = draw()
        work = effects[effect](rng, m, benign=not bad)
        files: dict[str, tuple[str, int]] = dict(work.files)
        body = carriers[carrier](work.line, rng, m, files)
        head = GATES[gate](rng)
        path = f"/opt/ems/libexec/{rng.choice(['ne-upkeep', 'xc-report', 'weekly'])}-{m}.sh"
        files[path] = ("#!/bin/bash\n# EMS NE maintenance (ops team)\n"
                       + (head + "\n" if head else "") + body + "\n", 0o755)
        for p, (t, mode) in files.items():
            root.add(p, t, mode)
        placements[placement].plant(root, m, path, rng)
        expect = "suspicious" if carrier in UNSEEN or work.expect == "suspicious" \
            else "destructive"
        i = sum(1 for c in corpus.cases if c.malicious == bad)
        corpus.cases.append(Case(f"w{'m' if bad else 'b'}{i:03d}.{tag}{effect}.{carrier}.{gate}."
                                 f"{placement}", bad, effect, carrier, gate, placement, m, r,
                                 expect if bad else "benign",
                                 placements[placement].fire if bad else "any"))


def _devices(corpus: Corpus, draw: _Draw) -> None:
    """Every device job form × the new work it can hold (IOS gated by the clock or not), then
    two show-only jobs of each form."""
    plan = []
    for work in DEVICE_WORK:
        jobs = JUNOS_JOBS if work in JUNOS_WORK else IOS_JOBS
        for job in jobs:
            gates = ("none", "date") if jobs is IOS_JOBS and job != "kron-startup" else ("none",)
            plan += [(work, job, g) for g in gates]
    for work, job, gate in plan + [("show", j, "none") for j in [*IOS_JOBS, *JUNOS_JOBS] * 2]:
        m, root, r, rng = draw()
        build_job, fire = {**IOS_JOBS, **JUNOS_JOBS}[job]
        ios = job in IOS_JOBS
        name = f"atm-{rng.choice(['kobe', 'nara', 'shiga'])}-{m}"
        applet = f"LG-{m.upper()}" if ios else f"lg-{m}"
        bad = work != "show"
        if bad:
            config = build_job(name, applet, DEVICE_WORK[work], gate, rng)
        elif ios:
            config = build_job(name, applet, IOS_SHOW, "none", rng)
        else:
            config = build_job(name, applet, ("show interfaces terse at-0/0/0",), "none", rng,
                               show=True)
        corpus.devices[r].append(Device(name, "cisco_ios" if ios else "juniper_junos", config))
        i = sum(1 for c in corpus.cases if c.malicious == bad)
        expect = "suspicious" if work in UNSEEN_WORK else "destructive"
        corpus.cases.append(Case(f"w{'m' if bad else 'b'}{i:03d}.{work}.device.{gate}.{job}",
                                 bad, work, "device", gate, job, m, r,
                                 expect if bad else "benign", fire if bad else "any"))


def counts(cases: list[Case]) -> dict[str, Counter]:
    return {axis: Counter(getattr(c, axis) for c in cases) for axis in AXES}

