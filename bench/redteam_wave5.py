"""Benchmark: how much of the wave-5 red-team corpus (tests/redteam_wave5: Python libraries
under concealment, Tcl/expect, Ruby, Node, Ansible ad-hoc, compiled programs, Python host
destruction) lineguard catches, end to end (agent snapshot --root, ingest, jobs --json), per
carrier, concealment, work and scheduler. Malicious: share reaching its expected verdict.
Benign: share raising a false alarm (destructive or high/critical). The carriers written after
reading the engine are also counted apart: only the others are a first-contact measure.

    python bench/redteam_wave5.py [--seed N] [--misses] [--show ID]
    --misses   print the ids missed today (the content of tests/redteam_wave5/known_misses.txt)
    --show ID  print one case (an id or its unique prefix): its files, its jobs and reasons
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.adversarial.pipeline import Outcome, corpus_bench, rate  # noqa: E402
from tests.redteam_wave5.carriers import AFTER_READING  # noqa: E402
from tests.redteam_wave5.generate import AXES, SEED, build  # noqa: E402


def _apart(outcomes: dict[str, Outcome]) -> None:
    for label, keep in (("written before reading the engine", False),
                        ("written after reading the engine", True)):
        outs = [o for o in outcomes.values() if (o.case.carrier in AFTER_READING) == keep]
        bad = [o for o in outs if o.case.malicious]
        good = [o for o in outs if not o.case.malicious]
        print(f"  {label}: detected {rate(bad, True)}   false alarms {rate(good, False)}")


if __name__ == "__main__":
    raise SystemExit(corpus_bench(__doc__, "wave-5 red-team corpus", build, SEED, AXES,
                                  report=_apart))
