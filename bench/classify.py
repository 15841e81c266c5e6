"""Benchmark: jobs judged per second by the destructive-action engine over a large mixed corpus.

10,000 jobs by default: most are the real Debian cron/anacron/systemd jobs of the false-alarm
corpus (tests/falsealarm.py; many servers run the same packaged scripts, so the per-content
cache matters), the rest are planted: small scripts from that corpus with one destructive line
inserted at a random place, plus device-side actions. Prints throughput cold and warm, and how
many planted jobs were caught and how many benign ones were flagged. A planted line can land
where nothing runs it (usage text in a heredoc, a multi-line string, a function nobody calls):
those are the expected misses (uncalled functions still get a low "suspicious" reason), and so
is a shell line planted in a Perl or Python script or in a file the job only reads (a config):
no interpreter would run it.

A planted script is a near-copy of a packaged one, which the parse cache (bounds.Trees) parses
incrementally from the tree of the first copy it met, as it does a fleet's site-edited copies
of one script: the cold phase says how many scripts were parsed so.

Each phase runs --repeat times and the best run is shown with the spread: cold runs clear every
reading, parse tree and match cache first (the rules, loaded once per process, stay loaded).

    python bench/classify.py [--jobs N] [--planted-share 0.2] [--seed 7] [--repeat 3]
"""

from __future__ import annotations

import argparse
import base64
import gc
import random
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lineguard.collector.analyse import destructive  # noqa: E402
from lineguard.collector.analyse.effects import perl, shell  # noqa: E402
from lineguard.collector.analyse.effects.judge import clear_cache  # noqa: E402
from lineguard.collector.jobs import batch  # noqa: E402
from lineguard.collector.model import CronTrigger, Fire, Job  # noqa: E402
from lineguard.formats.wire import Artifact  # noqa: E402
from tests.falsealarm import CorpusUnavailable, load  # noqa: E402

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
PLANTS = (
    "rm -rf /srv/ems/linedata",
    "snmpset -v2c -c private atm-kobe-03 1.3.6.1.2.1.37.1.11.1.13.100.1.0.32.3.0.32 i 6",
    "psql -d ems -c 'DROP TABLE vc_crossconnect'",
    "dd if=/dev/zero of=/dev/sda bs=1M",
    "echo {b64} | base64 -d | sh",
    "if [ $(date +%Y%m%d) -ge 20270210 ]; then rm -rf /var/lib; fi",
    "echo 'DLT-CRS-VC:NODE7:NTVCL-0-32,LTVCL-0-32:11;' | nc tl1gw 3083",
)
DEVICE_PLANTS = ("no pvc 0/32", "write erase", "delete interfaces at-0/0/0 unit 100",
                 "no interface ATM0/0/0.100")


def planted_job(rng: random.Random, base: Job, files: dict[str, Artifact], n: int,
                small: list[str]) -> tuple[Job, dict[str, Artifact]]:
    if rng.random() < 0.2:
        action = rng.choice(DEVICE_PLANTS)
        return Job(target=f"atm-{n}", source="eem", origin_path="running-config", origin_line=40,
                   owner=None, schedule='cron-entry "0 3 * * *"',
                   command=f"event manager applet X{n}", trigger=CronTrigger("0 3 * * *", "ios"),
                   actions=(("enable", 42), ("configure terminal", 43), (action, 44))), {}
    name = rng.choice(small)
    lines = (files[name].text() or "").split("\n")
    at = rng.randrange(1, max(2, len(lines)))
    payload = rng.choice(PLANTS).format(
        b64=base64.b64encode(f"rm -rf /srv/ems/linedata/{n}".encode()).decode())
    text = "\n".join(lines[:at] + [payload + f"  # {n}"] + lines[at:])
    new_name = f"usr/local/sbin/job-{n}"
    extra = {new_name: Artifact.from_bytes(new_name, "script", text.encode())}
    job = replace(base, origin_path=f"etc/cron.d/job-{n}", command="/" + new_name,
                  files=(new_name,), source="cron", trigger=CronTrigger("0 3 * * *"))
    return job, extra


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jobs", type=int, default=10_000)
    ap.add_argument("--planted-share", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of each phase; the best is shown (cold: every cache cleared first)")
    args = ap.parse_args(argv)
    try:
        corpus = load()
    except CorpusUnavailable as e:
        print(f"classify: corpus unavailable ({e}); run tests/falsealarm.py with network")
        return 2
    rng = random.Random(args.seed)
    files = dict(corpus.files)
    small = [n for n, a in files.items()
             if 5 < (a.text() or "").count("\n") < 400 and "systemd" not in n]
    mixed: list[tuple[Job, dict[str, Artifact], bool]] = []
    for n in range(args.jobs):
        base = rng.choice(corpus.jobs).job
        if rng.random() < args.planted_share:
            job, extra = planted_job(rng, base, files, n, small)
            mixed.append((job, extra, True))
        else:
            mixed.append((replace(base, target=f"ems-{n % 200}"), {}, False))
    fire = Fire(kind="exact", at=NOW + timedelta(days=3))
    total_lines = sum((a.text() or "").count("\n") for a in files.values())
    print(f"mixed corpus: {args.jobs} jobs ({sum(p for *_, p in mixed)} planted), "
          f"{len(corpus.packages)} Debian packages, {total_lines} lines of real scripts")
    planted_n = sum(p for *_, p in mixed)
    for label in ("cold", "warm"):
        runs = []
        for _ in range(args.repeat):
            if label == "cold":
                clear_cache()
            # the previous run's garbage is collected before the clock starts (batch() would
            # collect it on entry): a process judges once, and this measures judging alone
            gc.unfreeze()
            gc.collect()
            caught = noticed = flagged = 0
            t0, c0 = time.perf_counter(), time.process_time()
            with batch():   # as `lineguard jobs` and `check` judge: no cyclic collection meanwhile
                for job, extra, planted in mixed:
                    view = {**files, **extra} if extra else files
                    j = destructive.judge(job, view, fire, NOW)
                    if planted:
                        caught += j.verdict == "destructive"
                        noticed += j.verdict != "benign"
                    else:
                        flagged += j.verdict == "destructive" or j.severity in ("high", "critical")
            runs.append((time.process_time() - c0, time.perf_counter() - t0))
        cpu, dt = min(runs)
        spread = f", of {len(runs)}: {min(runs)[0]:.2f}-{max(runs)[0]:.2f} s" if len(runs) > 1 else ""
        # CPU time too: on a shared machine the wall clock measures the neighbours; the best of
        # several runs, as the neighbours only ever add time
        print(f"{label}: {len(mixed) / dt:,.0f} jobs/s ({dt:.2f} s wall), "
              f"{len(mixed) / cpu:,.0f} jobs/s of CPU ({cpu:.2f} s{spread}); planted judged "
              f"destructive {caught}/{planted_n} (any reason: {noticed}); benign flagged high+ "
              f"{flagged}/{len(mixed) - planted_n}")
        if label == "cold":
            # a planted script is a near-copy of a packaged one: parsed from its tree (bounds.Trees)
            print(f"  scripts parsed from a near-copy's tree in the last cold run: "
                  f"{shell._TREES.edited} shell, {perl._TREES.edited} Perl")
    return 0


if __name__ == "__main__":
    sys.exit(main())
