"""The wave-10 red-team corpus: effect (effects.py: destruction no earlier corpus holds) ×
carrier (carriers.py: interpreters present on an ATM management server, in forms no corpus
uses, and concealment) × gate (placements.GATES) × placement (placements.py), combinatorial
and balanced (each case takes the least used value of every axis so far). Planted in host
roots, snapshotted by the agent, ingested and read back from `lineguard jobs --json`
(tests/adversarial/pipeline), judged as wave 6 judges. A malicious case counts when its verdict
is reached AND one of its loudest jobs fires as its placement says; a benign look-alike may be
neither destructive nor high/critical.

Written before reading the engine (first contact: tests/redteam_wave10/README.md)."""

from __future__ import annotations

from collections import Counter

from tests.adversarial.generate import Corpus, least
from tests.redteam_wave9.generate import Case, _Draw
from tests.redteam_wave10.carriers import CARRIERS, CARRIERS_10B, EVERYDAY
from tests.redteam_wave10.effects import EFFECTS, EFFECTS_10B
from tests.redteam_wave10.placements import BENIGN_GATES, GATES, PLACEMENTS, PLACEMENTS_10B
from tests.triggers_wave6.generate import judge  # noqa: F401  (judged as wave 6 judges)

SEED = 20261210
MALICIOUS_CASES = 320
BENIGN_CASES = 160
CASES_PER_ROOT = 50
HELD_OUT = (40, 20)      # wave 10b: malicious and benign cases over the *_10B axes, appended
AXES = ("effect", "carrier", "gate", "placement")
UNSEEN = {"crontab-comment"}      # the code is data of another file: suspicious at least


def build(seed: int = SEED, malicious: int = MALICIOUS_CASES, benign: int = BENIGN_CASES,
          per_root: int = CASES_PER_ROOT) -> Corpus:
    corpus = Corpus()
    draw = _Draw(corpus, seed, per_root)
    _hosts(corpus, draw, malicious, benign, (EFFECTS, CARRIERS, EVERYDAY, PLACEMENTS), "")
    _hosts(corpus, draw, *HELD_OUT, (EFFECTS_10B, CARRIERS_10B, tuple(CARRIERS_10B),
                                     PLACEMENTS_10B), "10b.")
    return corpus


def _hosts(corpus: Corpus, draw: _Draw, malicious: int, benign: int, axes: tuple, tag: str
           ) -> None:
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
        head = GATES[gate](rng, m)
        path = f"/opt/ems/libexec/{rng.choice(['ne-upkeep', 'xc-report', 'weekly'])}-{m}.sh"
        files[path] = ("#!/bin/bash\n# EMS NE maintenance (ops team)\n"
                       + (head + "\n" if head else "") + body + "\n", 0o755)
        for p, (t, mode) in files.items():
            root.add(p, t, mode)
        placements[placement].plant(root, m, path, rng)
        expect = "suspicious" if carrier in UNSEEN or work.expect == "suspicious" \
            else "destructive"
        i = sum(1 for c in corpus.cases if c.malicious == bad)
        corpus.cases.append(Case(f"x{'m' if bad else 'b'}{i:03d}.{tag}{effect}.{carrier}.{gate}."
                                 f"{placement}", bad, effect, carrier, gate, placement, m, r,
                                 expect if bad else "benign",
                                 placements[placement].fire if bad else "any"))


def counts(cases: list[Case]) -> dict[str, Counter]:
    return {axis: Counter(getattr(c, axis) for c in cases) for axis in AXES}
