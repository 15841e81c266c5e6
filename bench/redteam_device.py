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

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.adversarial.pipeline import Outcome, judge_timed, print_misses, show  # noqa: E402
from tests.redteam_device.generate import SEED, build  # noqa: E402

AXES = ("carrier", "work", "scheduler")


def _rate(outs: list[Outcome], bad: bool) -> str:
    if not outs:
        return "-"
    n = sum(o.caught for o in outs) if bad else sum(not o.caught for o in outs)
    return f"{n}/{len(outs)} {100 * n / len(outs):3.0f}%"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--misses", action="store_true", help="print the ids of today's misses")
    ap.add_argument("--show", metavar="ID", help="print one case: files, verdict, reasons")
    a = ap.parse_args()
    corpus = build(a.seed)
    if a.show:
        return show(corpus, a.show)
    outcomes, took = judge_timed(corpus)
    if a.misses:
        print_misses(outcomes)
        return 0
    bad = [o for o in outcomes.values() if o.case.malicious]
    good = [o for o in outcomes.values() if not o.case.malicious]
    print(f"device red-team corpus (seed {a.seed}): {len(bad)} malicious, {len(good)} benign, "
          f"judged end to end in {took:.1f} s")
    print(f"  detected: {_rate(bad, True)}   false alarms: {_rate(good, False)}")
    for axis in AXES:
        print(f"\n{axis:<40} {'detected':>14} {'false alarms':>14}")
        for value in sorted({getattr(o.case, axis) for o in outcomes.values()}):
            print(f"  {value:<38} "
                  f"{_rate([o for o in bad if getattr(o.case, axis) == value], True):>14} "
                  f"{_rate([o for o in good if getattr(o.case, axis) == value], False):>14}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
