"""Benchmark: snapshot a host root with 5,000 cron jobs and 20,000 files they run (plus, by
default, 700 jobs on non-clock triggers: boot services, init.d, network hooks, udev, logrotate,
apt hooks, profile.d), then parse it into Job records. Prints seconds and peak Python memory
(tracemalloc) for each step, first with the clock sources alone (what the agent read before
the trigger sources) and then with every host source.

    .venv/bin/python bench/host_snapshot.py [--jobs N] [--files N] [--hooks N] [--keep]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import lineguard.agent.sources.host as host_sources  # noqa: E402
from lineguard.agent.sources.host import anacron, at, collect, cron, systemd  # noqa: E402
from lineguard.collector.parse.host import jobs  # noqa: E402
from tests.hostroot import hook_files, synthetic_root  # noqa: E402

CLOCK_SOURCES = (cron, anacron, at, systemd)


def measure(step: Callable[[], Any]) -> tuple[Any, float, int]:
    """(result, seconds without tracing, peak traced bytes on a second, traced run)."""
    started = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=5000)
    parser.add_argument("--files", type=int, default=20000)
    parser.add_argument("--hooks", type=int, default=700, help="jobs on non-clock triggers")
    parser.add_argument("--keep", action="store_true", help="keep the generated root")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="lineguard-bench-", dir="/tmp"))
    try:
        started = time.perf_counter()
        root = hook_files(synthetic_root(base / "root", args.jobs, args.files), args.hooks)
        print(f"built root {root}: {args.jobs} cron jobs, {args.files} referenced files, "
              f"{args.hooks} hook jobs in {time.perf_counter() - started:.1f} s")
        collect(root)      # warm the page and dentry caches, so neither figure pays for it
        every = host_sources.SOURCES
        host_sources.SOURCES = CLOCK_SOURCES
        try:
            (clock, _), seconds, peak = measure(lambda: collect(root))
        finally:
            host_sources.SOURCES = every
        print(f"collect(), clock sources only: {seconds:.2f} s, peak {peak / 2**20:.1f} MiB "
              f"traced, {len(clock.artifacts)} artifacts")
        (target, facts), seconds, peak = measure(lambda: collect(root))
        wire = len(json.dumps(target.to_wire()))
        print(f"collect(), every host source: {seconds:.2f} s, peak {peak / 2**20:.1f} MiB traced, "
              f"{len(target.artifacts)} artifacts, status {target.status}, "
              f"{wire / 2**20:.1f} MiB on the wire")
        found, seconds, peak = measure(lambda: jobs(target, facts))
        linked = sum(len(j.files) for j in found)
        print(f"jobs(): {seconds:.2f} s, peak {peak / 2**20:.1f} MiB traced, {len(found)} jobs, "
              f"{linked} job->file links")
        maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"process max RSS {maxrss / 1024:.0f} MiB")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
