"""Wave-6 placement red team: the share of tests/triggers_wave6 caught end to end — destructive
(suspicious where the code is on a device's flash) AND firing when its placement says (trigger
kind, exact next fire) — and the false alarms among the real packaged uses of the same triggers,
per placement, carrier, gate and effect.

    python bench/triggers_wave6.py [--misses] [--seed N]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.adversarial.pipeline import rate, show  # noqa: E402
from tests.triggers_wave6.generate import AXES, SEED, build, judge  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--misses", action="store_true", help="print the ids of today's misses")
    ap.add_argument("--show", metavar="ID", help="print one case: files, jobs, fire, reasons")
    a = ap.parse_args()
    corpus = build(a.seed)
    if a.show:
        return show(corpus, a.show)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(io.StringIO()), \
            contextlib.redirect_stderr(io.StringIO()):
        result = judge(corpus, Path(tmp))
    took = time.perf_counter() - started
    if a.misses:
        for cid, t in result.items():
            if not t.caught:
                why = ("verdict" if not t.outcome.caught else "fire")
                print(f"{cid}  # {why}: {t.outcome.verdict}/{t.outcome.severity}")
        return 0
    bad = [t for t in result.values() if t.outcome.case.malicious]
    good = [t for t in result.values() if not t.outcome.case.malicious]
    verdict = sum(t.outcome.caught for t in bad)
    timed = sum(t.caught for t in bad)
    alarms = sum(not t.caught for t in good)
    print(f"triggers wave 6 (seed {a.seed}): {len(bad)} malicious, {len(good)} benign, judged end "
          f"to end in {took:.1f} s")
    print(f"  verdict reached: {verdict}/{len(bad)}   with the right trigger and fire: "
          f"{timed}/{len(bad)} ({100 * timed / len(bad):.0f}%)   false alarms: "
          f"{alarms}/{len(good)}")
    for axis in AXES:
        print(f"\n{axis:<40} {'caught+timed':>14} {'false alarms':>14}")
        for value in sorted({t.outcome.case.axis(axis) for t in result.values()}):
            b = [t for t in bad if t.outcome.case.axis(axis) == value]
            g = [t for t in good if t.outcome.case.axis(axis) == value]
            caught = f"{sum(t.caught for t in b)}/{len(b)}" if b else "-"
            print(f"  {value:<38} {caught:>14} {rate([t.outcome for t in g], False):>14}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
