"""Benchmark: how much of the wave-9 red-team corpus (tests/redteam_wave9: new vocabulary of
destruction on NEs and hosts, run by programs that are not shells, other shells, Perl/Python/
Tcl forms and sealed payloads, behind dead-man, reachability, uptime and calendar gates, in
placements the earlier waves did not use) lineguard catches, end to end (agent snapshot
--root, ingest, jobs --json), per effect, carrier, gate and placement. Malicious: share
reaching its expected verdict AND firing as its placement says. Benign: share raising a false
alarm (destructive or high/critical).

    python bench/redteam_wave9.py [--seed N] [--misses] [--show ID]
    --misses   print the ids missed today (the content of tests/redteam_wave9/known_misses.txt)
    --show ID  print one case (an id or its unique prefix): its files, its jobs and reasons
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.adversarial.pipeline import timed_corpus_bench  # noqa: E402
from tests.redteam_wave9.generate import AXES, SEED, build, judge  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(timed_corpus_bench(__doc__, "wave-9 red-team corpus", build, SEED, judge,
                                        AXES))
