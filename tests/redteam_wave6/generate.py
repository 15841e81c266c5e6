"""The wave-6 red-team corpus: host and device work (work.py) hidden by bash concealments and
handed to carriers (carriers.py) that no earlier wave writes, planted under the host schedulers
of the held-out and red-team corpora. Combinatorial and balanced: each case takes the least used
work, carrier, concealment and scheduler so far; the same seed gives the same cases, ids and
files. Benign look-alikes use the same carriers, only everyday concealments, and work that
looks like the malicious work (bounded housekeeping, status and backups, read-only sessions).

Written from the README, the rules README, the reference notes and the other corpora's
coverage, before reading the engine (the first-contact figure in known_misses.txt)."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from functools import partial

from tests.adversarial.generate import Corpus, least, new_marker, tally
from tests.adversarial.schedulers import HostRoot
from tests.heldout.generate import plant as plant_heldout
from tests.redteam.generate import OWN_TRIGGERS
from tests.redteam.generate import plant as plant_redteam
from tests.redteam_wave6.carriers import CARRIERS, CONCEALMENTS, EVERYDAY, carry
from tests.redteam_wave6.work import builders

SEED = 20261206
MALICIOUS_CASES = 240
BENIGN_CASES = 160
CASES_PER_ROOT = 60
AXES = ("work", "carrier", "conceal", "scheduler")
SCHEDULERS = ("cron.d", "user-crontab", "at-batch-heredoc", "anacron-long", "systemd-dropin",
              "systemd-timer-unit-key", "systemd-execcondition", "cron-percent-stdin",
              "if-down-d", "init-d")


@dataclass(frozen=True)
class Case:
    id: str
    malicious: bool
    work: str
    carrier: str
    conceal: str
    scheduler: str
    marker: str
    root: int
    command: str
    expect: str = "destructive"


def plant(root: HostRoot, scheduler: str, job, marker: str, rng: random.Random) -> None:  # noqa: ANN001
    (plant_redteam if scheduler in OWN_TRIGGERS else plant_heldout)(root, scheduler, job, marker,
                                                                    rng)


def build(seed: int = SEED, malicious: int = MALICIOUS_CASES, benign: int = BENIGN_CASES,
          per_root: int = CASES_PER_ROOT) -> Corpus:
    rng = random.Random(seed)
    corpus = Corpus()
    taken: set[str] = set()
    used = {bad: {a: Counter() for a in AXES} for bad in (True, False)}
    for n, bad in enumerate([True] * malicious + [False] * benign):
        u = used[bad]
        works = builders(bad)
        work = least(rng, u["work"], list(works))
        carrier = least(rng, u["carrier"], list(CARRIERS))
        conceal = least(rng, u["conceal"], ["plain", *CONCEALMENTS] if bad else list(EVERYDAY))
        scheduler = least(rng, u["scheduler"], SCHEDULERS)
        for axis, value in zip(AXES, (work, carrier, conceal, scheduler), strict=True):
            u[axis][value] += 1
        case_rng = random.Random(rng.random())
        marker = new_marker(rng, taken, "x")
        root = n // per_root
        w = works[work](case_rng).marked(marker)
        job = carry(carrier, conceal, w.sh, case_rng, marker)
        job.files.update({p: (t, 0o755 if p.endswith((".sh", ".py")) else 0o644)
                          for p, t in w.files.items()})
        plant(corpus.root(root), scheduler, job, marker, case_rng)
        kind = "m" if bad else "b"
        i = sum(1 for c in corpus.cases if c.malicious == bad)
        corpus.cases.append(Case(f"x{kind}{i:03d}.{work}.{carrier}.{conceal}.{scheduler}", bad,
                                 work, carrier, conceal, scheduler, marker, root, job.command))
    return corpus


counts = partial(tally, axes=AXES)
