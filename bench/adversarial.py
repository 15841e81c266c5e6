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

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.adversarial.generate import AXES, SEED, build  # noqa: E402
from tests.adversarial.pipeline import judge_timed, print_misses, show  # noqa: E402


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
    print(f"adversarial corpus (seed {a.seed}): {len(bad)} malicious, {len(good)} benign, "
          f"judged end to end in {took:.1f} s")
    print(f"  detected: {sum(o.caught for o in bad)}/{len(bad)} "
          f"({100 * sum(o.caught for o in bad) / len(bad):.1f}%)   "
          f"false alarms: {sum(not o.caught for o in good)}/{len(good)} "
          f"({100 * sum(not o.caught for o in good) / len(good):.1f}%)")
    verdicts = Counter(o.verdict for o in bad)
    print("  malicious verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items())))
    for axis in AXES:
        print(f"\n{axis:<40} {'detected':>14} {'false alarms':>14}")
        values = sorted({o.case.axis(axis) for o in outcomes.values()})
        for value in values:
            b = [o for o in bad if o.case.axis(axis) == value]
            g = [o for o in good if o.case.axis(axis) == value]
            det = f"{sum(o.caught for o in b)}/{len(b)} {100 * sum(o.caught for o in b) / len(b):3.0f}%" \
                if b else "-"
            fa = f"{sum(not o.caught for o in g)}/{len(g)} " \
                 f"{100 * sum(not o.caught for o in g) / len(g):3.0f}%" if g else "-"
            print(f"  {value:<38} {det:>14} {fa:>14}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
