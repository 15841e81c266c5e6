"""Benchmark: how much of the red-team corpus (tests/redteam: host-side payloads, techniques and
triggers neither the adversarial nor the held-out corpus was built from) lineguard catches, end
to end (agent snapshot --root, ingest, jobs --json), per technique, goal and trigger. Malicious:
share reaching destructive. Benign: share raising a false alarm (destructive or high/critical).

    python bench/redteam.py [--seed N] [--misses] [--show ID]
    --misses   print the ids missed today (the content of tests/redteam/known_misses.txt)
    --show ID  print one case (an id or its unique prefix): its files, its jobs and reasons
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.adversarial.pipeline import corpus_bench  # noqa: E402
from tests.redteam.generate import AXES, SEED, build  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(corpus_bench(__doc__, "red-team corpus", build, SEED, AXES))
