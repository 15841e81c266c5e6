"""Benchmark: how much of the wave-7 red-team corpus (tests/redteam_wave7: ATM line data
destroyed over SNMP, device sessions and RESTCONF, and host data destroyed, written in awk, jq,
make, python -c, pickle/marshal, Python/Perl/Node/Tcl libraries, heredocs and unparsed
interpreters, hidden by bash features, gated by time and state, planted under cron, at, systemd
and anacron variants) lineguard catches, end to end (agent snapshot --root, ingest, jobs
--json), per effect, carrier, concealment, gate and scheduler. Malicious: share reaching its
expected verdict AND firing as its scheduler says. Benign: share raising a false alarm
(destructive or high/critical).

    python bench/redteam_wave7.py [--seed N] [--misses] [--show ID]
    --misses   print the ids missed today (the content of tests/redteam_wave7/known_misses.txt)
    --show ID  print one case (an id or its unique prefix): its files, its jobs and reasons
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.adversarial.pipeline import timed_corpus_bench  # noqa: E402
from tests.redteam_wave7.generate import AXES, SEED, build, judge  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(timed_corpus_bench(__doc__, "wave-7 red-team corpus", build, SEED, judge,
                                        AXES))
