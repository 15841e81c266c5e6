"""The wave-8 red-team corpus: tool (tools.py: the program that does the effect) × concealment
(conceal.py: bash value machinery and interpreters launched from another language) ×
placement (placements.py: trigger formats and daemons that run a program on an event, and jobs
that plant another job), combinatorial and balanced (each case takes the least used value of
every axis so far), planted in host roots, snapshotted by the agent, ingested and read back
from `lineguard jobs --json`. A malicious case counts when its verdict is reached AND one of its
loudest jobs fires as its placement says; a benign look-alike (same tools' bounded, read-only,
backup or change-controlled forms, through the same placements and everyday concealments) may
be neither destructive nor high/critical.

Written from the README, the earlier corpora and the engine's layout before reading the
engine's readers (first contact: tests/redteam_wave8/README.md)."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tests.adversarial.generate import Corpus, least, new_marker
from tests.adversarial.pipeline import case_jobs, outcomes, run
from tests.redteam_wave8.conceal import CONCEALMENTS, EVERYDAY, script
from tests.redteam_wave8.placements import PLACEMENTS, PLACEMENTS_8B
from tests.redteam_wave8.tools import BENIGN, MALICIOUS
from tests.triggers_wave6.generate import Timed, fire_ok
from tests.triggers_wave6.placements import TriggerRoot

SEED = 20261208
MALICIOUS_CASES = 280
BENIGN_CASES = 180
HELD_OUT = (42, 21)         # wave 8b: malicious and benign cases over PLACEMENTS_8B, appended
CASES_PER_ROOT = 50
AXES = ("tool", "conceal", "placement")


@dataclass(frozen=True)
class Case:
    id: str
    malicious: bool
    tool: str
    conceal: str
    placement: str
    marker: str
    root: int
    expect: str           # malicious: the least verdict that counts as caught
    fire: str             # what the trigger must be (triggers_wave6 fire_ok)


def build(seed: int = SEED, malicious: int = MALICIOUS_CASES, benign: int = BENIGN_CASES,
          per_root: int = CASES_PER_ROOT) -> Corpus:
    rng = random.Random(seed)
    corpus = Corpus()
    taken: set[str] = set()
    used = {bad: {a: Counter() for a in AXES} for bad in (True, False)}
    plan = [(True, PLACEMENTS)] * malicious + [(False, PLACEMENTS)] * benign + \
        [(True, PLACEMENTS_8B)] * HELD_OUT[0] + [(False, PLACEMENTS_8B)] * HELD_OUT[1]
    for n, (bad, where) in enumerate(plan):
        u = used[bad]
        tools = MALICIOUS if bad else BENIGN
        values = (least(rng, u["tool"], list(tools)),
                  least(rng, u["conceal"], list(CONCEALMENTS) if bad else list(EVERYDAY)),
                  least(rng, u["placement"], list(where)))
        for axis, value in zip(AXES, values, strict=True):
            u[axis][value] += 1
        tool, conceal, placement = values
        case_rng = random.Random(rng.random())
        m = new_marker(rng, taken, "v")
        r = n // per_root
        while len(corpus.roots) <= r:
            corpus.roots.append(TriggerRoot())
            corpus.devices.append([])
        root = corpus.roots[r]
        work = tools[tool](case_rng, m)
        if "\n" in work.line:
            raise ValueError(f"{tool} wrote a line with a newline")
        text, files = script(work.line, conceal, case_rng, m)
        path = f"/opt/ems/libexec/{case_rng.choice(['ne-sync', 'pvc-audit', 'nightly'])}-{m}.sh"
        for p, (t, mode) in {**work.files, **files, path: (text, 0o755)}.items():
            root.add(p, t, mode)
        p = where[placement]
        p.plant(root, m, path, case_rng)
        kind = "m" if bad else "b"
        i = sum(1 for c in corpus.cases if c.malicious == bad)
        corpus.cases.append(Case(f"v{kind}{i:03d}.{tool}.{conceal}.{placement}", bad, tool,
                                 conceal, placement, m, r,
                                 "destructive" if bad else "benign", p.fire if bad else "any"))
    return corpus


def counts(cases: list[Case]) -> dict[str, Counter]:
    return {axis: Counter(getattr(c, axis) for c in cases) for axis in AXES}


def judge(corpus: Corpus, base: Path) -> dict[str, Timed]:
    """Every case end to end, with its fire checked on the jobs that carry its verdict."""
    base.mkdir(parents=True, exist_ok=True)
    doc = run(corpus, base)
    found = case_jobs(corpus, doc)
    out = {}
    for cid, o in outcomes(corpus, doc).items():
        loud = [j for j in found[o.case.marker] if j["verdict"] == o.verdict]
        out[cid] = Timed(o, fire_ok(o.case.fire, loud))
    return out
