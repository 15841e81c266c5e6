"""Benchmark: how much of the wave-8 red-team corpus (tests/redteam_wave8: line data and host
data destroyed with tools no earlier corpus uses, hidden by bash value machinery and
interpreters launched from another language, planted in event-driven trigger formats and
daemons) lineguard catches, end to end (agent snapshot --root, ingest, jobs --json), per tool,
concealment and placement. Malicious: share reaching its
expected verdict AND firing as its scheduler says. Benign: share raising a false alarm
(destructive or high/critical).

    python bench/redteam_wave8.py [--seed N] [--misses] [--show ID]
    --misses   print the ids missed today (the content of tests/redteam_wave8/known_misses.txt)
    --show ID  print one case (an id or its unique prefix): its files, its jobs and reasons
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.adversarial.pipeline import timed_corpus_bench  # noqa: E402
from tests.redteam_wave8.generate import AXES, SEED, build, judge  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(timed_corpus_bench(__doc__, "wave-8 red-team corpus", build, SEED, judge,
                                        AXES))
