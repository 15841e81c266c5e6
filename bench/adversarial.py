"""Benchmark: how much of the generated adversarial corpus (tests/adversarial) lineguard catches,
end to end (agent snapshot --root, ingest, jobs --json), per value of each axis: effect,
language, concealment, scheduler. Malicious: share reaching the expected verdict (destructive;
suspicious where the code is downloaded). Benign: share raising a false alarm (destructive or
high/critical).

    python bench/adversarial.py [--seed N] [--misses] [--show ID]
    --misses   print the ids of the cases missed today (the content of known_misses.txt)
    --show ID  print one case (an id or its unique prefix, e.g. m017): its files, its jobs'
               verdicts and reasons, to see why it is missed
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.adversarial.generate import AXES, SEED, build  # noqa: E402
from tests.adversarial.pipeline import Outcome, corpus_bench  # noqa: E402


def _verdicts(outcomes: dict[str, Outcome]) -> None:
    verdicts = Counter(o.verdict for o in outcomes.values() if o.case.malicious)
    print("  malicious verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items())))


if __name__ == "__main__":
    raise SystemExit(corpus_bench(__doc__, "adversarial corpus", build, SEED, AXES,
                                  report=_verdicts))
