"""Benchmark: how much of the held-out corpus (tests/heldout: techniques the adversarial corpus
was not built from) lineguard catches, end to end (agent snapshot --root, ingest, jobs --json),
per technique, effect and scheduler. Malicious: share reaching destructive. Benign: share raising
a false alarm (destructive or high/critical). Cases planted on mechanisms the agent does not read
are counted apart, and so is a control of plain payloads under each scheduler.

    python bench/heldout.py [--seed N] [--misses] [--show ID]
    --misses   print the ids missed today (the content of tests/heldout/known_misses.txt)
    --show ID  print one case (an id or its unique prefix): its files, its jobs and reasons
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.adversarial.pipeline import Outcome, corpus_bench, rate  # noqa: E402
from tests.heldout.generate import (  # noqa: E402
    AXES,
    SCHEDULERS,
    SEED,
    UNSUPPORTED,
    build,
    group,
)


def _apart(outcomes: dict[str, Outcome]) -> None:
    """The cases counted apart: unread mechanisms, and plain payloads under each scheduler."""
    off = [o for o in outcomes.values() if group(o.case) == "unread"]
    control = [o for o in outcomes.values() if group(o.case) == "control"]
    print(f"  apart: on mechanisms the agent does not read, detected {rate(off, True)}; "
          f"control (plain payloads), detected {rate(control, True)}")
    print(f"\n{'control: plain payload under':<40} {'detected':>14}")
    for value in SCHEDULERS:
        print(f"  {value:<38} {rate([o for o in control if o.case.scheduler == value], True):>14}")
    print(f"\n{'unread mechanism':<40} {'detected':>14}")
    for value in UNSUPPORTED:
        print(f"  {value:<38} {rate([o for o in off if o.case.scheduler == value], True):>14}")


if __name__ == "__main__":
    raise SystemExit(corpus_bench(__doc__, "held-out corpus", build, SEED, AXES,
                                  measured=lambda case: group(case) == "measured",
                                  report=_apart))
