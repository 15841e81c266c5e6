"""Benchmark-style fuzzing run: 100,000+ generated cases over every reader of untrusted input
(tests/fuzzing.py: the wire format, ingest into a real store, crontab, cron.d, user spools, at
jobs, systemd units, anacrontab, IOS, Junos, ATM-MIB walks, and the agent's own text readers).

Prints, per target, the cases run, the time taken and the slowest case, and every failure with
the (shrunk) input that caused it. A case still running after --hang seconds counts as a hang.
Exit status 1 when anything failed.

    python bench/fuzz.py [--cases 100000] [--seed 1] [--only NAME] [--hang 20]
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402

from tests.fuzzing import TARGETS, FuzzTarget  # noqa: E402


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang("still running after the hang limit")


def run(target: FuzzTarget, cases: int, rng_seed: int, hang_s: int) -> tuple[int, float, float, str]:
    count, slowest = 0, 0.0

    @seed(rng_seed)
    @settings(max_examples=cases, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(target.strategy)
    def case(value) -> None:
        nonlocal count, slowest
        count += 1
        started = time.perf_counter()
        signal.alarm(hang_s)
        try:
            target.check(value)
        finally:
            signal.alarm(0)
            slowest = max(slowest, time.perf_counter() - started)

    started = time.perf_counter()
    failure = ""
    try:
        case()
    except Exception as e:   # the report is the point: print what broke, go on with the rest
        failure = "".join(_describe(x) for x in getattr(e, "exceptions", [e]))
    return count, time.perf_counter() - started, slowest, failure


def _describe(e: BaseException) -> str:
    where = traceback.extract_tb(e.__traceback__)[-3:]
    return (f"{e.__class__.__name__}: {e}"[:1500] + "\n"
            + "".join(f"  at {f.filename}:{f.lineno} {f.name}\n" for f in where))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=100_000, help="total cases over all targets")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", help="run one target by name")
    ap.add_argument("--hang", type=int, default=20, help="seconds after which a case is a hang")
    a = ap.parse_args()
    signal.signal(signal.SIGALRM, _alarm)
    targets = [t for t in TARGETS if not a.only or t.name == a.only]
    per = -(-a.cases // len(targets))
    total, failed = 0, 0
    print(f"{'target':<16} {'cases':>7} {'seconds':>8} {'per s':>7} {'slowest':>8}  result")
    for t in targets:
        count, seconds, slowest, failure = run(t, per, a.seed, a.hang)
        total += count
        failed += bool(failure)
        print(f"{t.name:<16} {count:>7} {seconds:>8.1f} {count / seconds:>7.0f} "
              f"{slowest * 1000:>6.0f}ms  {'FAILED' if failure else 'ok'}", flush=True)
        if failure:
            print("    " + failure.replace("\n", "\n    "), flush=True)
    print(f"{total} cases over {len(targets)} targets; {failed} target(s) failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
