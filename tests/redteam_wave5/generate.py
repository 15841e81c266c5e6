"""The wave-5 red-team corpus: device work (tests/redteam_device/work.py) and Python host work
(hostwork.py) sent through carriers the other corpora do not write (carriers.py), every Python
carrier under every concealment (conceal.py: the hiding ones for malicious jobs only), planted
under host schedulers. Malicious work reaches many rows, devices or the line data; benign
look-alikes are polls, read-only sessions, show commands, benign SETs, one ticketed circuit,
bounded log rotation and scoped deletes. Deterministic: the same seed gives the same cases,
ids and files.

Written from the README, the reference notes and the other corpora's structure only, before
reading the engine (the first-contact figure in tests/redteam_wave5/known_misses.txt).
Kept apart from tests/redteam_device because that corpus's ids are positions in one shuffled
plan: adding carriers there would renumber every case its known-misses list names.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from functools import partial

from tests.adversarial.generate import Corpus, least, new_marker, tally
from tests.heldout.generate import plant
from tests.redteam_device.generate import PREFECTURES, SCHEDULERS
from tests.redteam_device.generate import hosts as device_hosts
from tests.redteam_device.work import (
    API_BENIGN,
    API_MALICIOUS,
    CLI_BENIGN,
    CLI_MALICIOUS,
    SNMP_BENIGN,
    SNMP_MALICIOUS,
)
from tests.redteam_wave5.carriers import (
    AFTER_READING,
    CARRIERS,
    PYTHON,
    TAKES_INTENT,
    UNSEEN,
    Ctx5,
)
from tests.redteam_wave5.conceal import CONCEALMENTS, EVERYDAY, PLAIN
from tests.redteam_wave5.hostwork import HOST_BENIGN, HOST_MALICIOUS

SEED = 20261205
CASES_PER_ROOT = 60
AXES = ("carrier", "conceal", "work", "scheduler")
PER_CONCEALMENT = {"py-host": 3}        # cases per concealment (1 for the other carriers)
NON_PYTHON = 8                          # cases of each kind for a carrier with no concealment


@dataclass(frozen=True)
class Case:
    id: str
    malicious: bool
    carrier: str
    conceal: str
    work: str
    scheduler: str
    marker: str
    root: int
    expect: str = "destructive"




def _kind(name: str, bad: bool) -> str:
    if name in (HOST_MALICIOUS if bad else HOST_BENIGN):
        return "host"
    probe = random.Random(0)
    if name in (SNMP_MALICIOUS if bad else SNMP_BENIGN):
        return "snmp"
    builders = {**(CLI_MALICIOUS if bad else CLI_BENIGN), **(API_MALICIOUS if bad else API_BENIGN)}
    return builders[name](probe).kind


def _builders(bad: bool) -> dict:
    if bad:
        return {**SNMP_MALICIOUS, **CLI_MALICIOUS, **API_MALICIOUS, **HOST_MALICIOUS}
    return {**SNMP_BENIGN, **CLI_BENIGN, **API_BENIGN, **HOST_BENIGN}


def _plan(rng: random.Random, carriers: list[str]) -> list[tuple[bool, str, str, str]]:
    """(malicious, carrier, concealment, work name) for every case of these carriers."""
    out = []
    for bad in (True, False):
        builders = _builders(bad)
        kinds = {name: _kind(name, bad) for name in builders}
        for cname in carriers:
            _fn, ckinds, _walks, lang = CARRIERS[cname]
            fits = [n for n in builders if kinds[n] in ckinds]
            used: Counter = Counter()
            if lang == PYTHON:
                hows = CONCEALMENTS if bad else PLAIN + EVERYDAY
                draws = [h for h in hows for _ in range(PER_CONCEALMENT.get(cname, 1))]
            else:
                draws = ["plain"] * (NON_PYTHON if bad else NON_PYTHON - 2)
            for how in draws:
                name = least(rng, used, fits)
                used[name] += 1
                out.append((bad, cname, how, name))
    return out


def build(seed: int = SEED, per_root: int = CASES_PER_ROOT) -> Corpus:
    rng = random.Random(seed)
    corpus = Corpus()
    taken: set[str] = set()
    used: Counter = Counter()
    numbers: Counter = Counter()
    # the carriers written after reading the engine come last, from their own draws, so the
    # first-contact cases keep their ids, files and figure
    plan = _plan(rng, [c for c in CARRIERS if c not in AFTER_READING]) + \
        _plan(random.Random(seed + 1), [c for c in CARRIERS if c in AFTER_READING])
    for n, (bad, carrier, how, wname) in enumerate(plan):
        root = n // per_root
        corpus.root(root)
        case_rng = random.Random(rng.random())
        marker = new_marker(rng, taken, "w")
        build_work = _builders(bad)[wname]
        fn, _kinds, walks, _lang = CARRIERS[carrier]
        w = build_work(case_rng, walks) if wname in SNMP_MALICIOUS or wname in SNMP_BENIGN \
            else build_work(case_rng)
        one = getattr(w, "one", False) or bool(w.ticket)
        hosts = device_hosts(case_rng, 1 if one else case_rng.randint(3, 6))
        host_file = "" if one or case_rng.random() < 0.45 else \
            f"/opt/ems/etc/ne-{case_rng.choice(PREFECTURES)}-{marker}.list"
        ctx = Ctx5(case_rng, marker, hosts, host_file, how)
        job = fn(w, ctx, bad) if carrier in TAKES_INTENT else fn(w, ctx)
        scheduler = min(SCHEDULERS, key=lambda s: (used[s], case_rng.random()))
        used[scheduler] += 1
        plant(corpus.roots[root], scheduler, job, marker, case_rng)
        kind = "m" if bad else "b"
        i = numbers[kind]
        numbers[kind] += 1
        expect = "suspicious" if carrier in UNSEEN else w.expect
        corpus.cases.append(Case(f"w{kind}{i:03d}.{carrier}.{how}.{wname}.{scheduler}", bad,
                                 carrier, how, wname, scheduler, marker, root, expect))
    return corpus


counts = partial(tally, axes=AXES)
