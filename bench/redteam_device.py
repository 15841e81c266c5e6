"""Benchmark: how much of the device-side red-team corpus (tests/redteam_device: SNMP, CLI,
NETCONF/RESTCONF carriers and device-side jobs the other corpora were not built from) lineguard
catches, end to end (agent snapshot --root, ingest, jobs --json), per carrier, work and
scheduler. Malicious: share reaching its expected verdict. Benign: share raising a false alarm
(destructive or high/critical).

    python bench/redteam_device.py [--seed N] [--misses] [--show ID]
    --misses   print the ids missed today (the content of tests/redteam_device/known_misses.txt)
    --show ID  print one case (an id or its unique prefix): its files, its jobs and reasons
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.adversarial.pipeline import corpus_bench  # noqa: E402
from tests.redteam_device.generate import AXES, SEED, build  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(corpus_bench(__doc__, "device red-team corpus", build, SEED, AXES))
