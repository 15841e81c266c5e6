"""Benchmark: how much of the wave-10 red-team corpus (tests/redteam_wave10: backups made
hollow, data corrupted or deleted slowly, EMS rows, ATM-MIB RowStatus, northbound REST, TL1,
configuration replaced; run by tclsh, expect, awk over data files, Python 2, unusual Perl
switches, busybox, make, ansible, SQL clients' shell escapes, jq and printf %b, or hidden in
earlier runs, crontab comments and environment files; behind counters, flags, host and date
gates and long sleeps; in a virtualenv's site hooks, .path units, RANCID's post-commit hook, incron spools,
EnvironmentFile= commands and logrotate firstaction) lineguard catches, end to end, per
effect, carrier, gate and placement.

    python bench/redteam_wave10.py [--seed N] [--misses] [--show ID]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.adversarial.pipeline import timed_corpus_bench  # noqa: E402
from tests.redteam_wave10.generate import AXES, SEED, build, judge  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(timed_corpus_bench(__doc__, "wave-10 red-team corpus", build, SEED, judge,
                                        AXES))
