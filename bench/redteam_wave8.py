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
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.adversarial.pipeline import bench_args, print_axes, quiet, rate, show  # noqa: E402
from tests.redteam_wave8.generate import AXES, SEED, build, judge  # noqa: E402


def main() -> int:
    a = bench_args(__doc__, SEED)
    corpus = build(a.seed)
    if a.show:
        return show(corpus, a.show)
    started = time.perf_counter()
    with quiet(), tempfile.TemporaryDirectory() as tmp:
        judged = judge(corpus, Path(tmp))
    took = time.perf_counter() - started
    if a.misses:
        for cid, t in judged.items():
            if not t.caught:
                print(cid)
        return 0
    outs = [t.outcome for t in judged.values()]
    timed = {t.outcome.case.id for t in judged.values() if t.caught}
    bad = [o for o in outs if o.case.malicious]
    good = [o for o in outs if not o.case.malicious]
    late = [o for o in bad if o.caught and o.case.id not in timed]
    print(f"wave-8 red-team corpus (seed {a.seed}): {len(bad)} malicious, {len(good)} benign, "
          f"judged end to end in {took:.1f} s")
    print(f"  detected (verdict and fire): {sum(o.case.id in timed for o in bad)}/{len(bad)}   "
          f"verdict only: {rate(bad, True)}   fire wrong: {len(late)}   "
          f"false alarms: {rate(good, False)}")
    print_axes(outs, AXES)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
