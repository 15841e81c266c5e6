"""Benchmark: how much of the wave-6 red-team corpus (tests/redteam_wave6: host destruction
through database, store and file programs no earlier wave writes, device sessions over curl
telnet/FTP, TLS TL1, tmux, gNMI, netconf-console, sftp and pyATS, bash concealments, carriers
that run a command in their own syntax) lineguard catches, end to end (agent snapshot --root,
ingest, jobs --json), per work, carrier, concealment and scheduler. Malicious: share reaching
its expected verdict. Benign: share raising a false alarm (destructive or high/critical).

    python bench/redteam_wave6.py [--seed N] [--misses] [--show ID]
    --misses   print the ids missed today (the content of tests/redteam_wave6/known_misses.txt)
    --show ID  print one case (an id or its unique prefix): its files, its jobs and reasons
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.adversarial.pipeline import corpus_bench  # noqa: E402
from tests.redteam_wave6.generate import AXES, SEED, build  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(corpus_bench(__doc__, "wave-6 red-team corpus", build, SEED, AXES, getattr))
