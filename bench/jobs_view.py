"""`lineguard jobs` end to end over a large host: a root with N cron jobs (default 10,000) is
snapshotted and ingested, then the jobs view is timed as the command runs it: load from the
store, parse, compute next fires, judge, render JSON and the table. Target: < 2 s for 10,000.
Each command is timed as a fresh process would run it (the engine's in-memory caches emptied
and the garbage of the commands before it collected first): after `ingest`, which stores what
the engine read (collector/readings.py), and once with no stored readings (as after an engine
upgrade: every job followed anew). Also the CPU time of importing the CLI in a fresh
interpreter (what each run pays before that).

    .venv/bin/python bench/jobs_view.py [N]
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lineguard.agent.keys import generate, load_private  # noqa: E402
from lineguard.agent.snapshot import snapshot_to  # noqa: E402
from lineguard.collector.analyse.effects.judge import clear_cache  # noqa: E402
from lineguard.collector.cli import main as lineguard  # noqa: E402
from lineguard.collector.home import Home  # noqa: E402
from tests.hostroot import synthetic_root  # noqa: E402


def shared_scripts_root(root: Path, n_jobs: int, n_scripts: int) -> Path:
    """A fleet-style EMS host: many cron entries (per NE, per site) calling a few hundred scripts."""
    synthetic_root(root, 0, 0)
    for i in range(n_scripts):
        script = root / f"opt/ems/bin/task{i}.sh"
        script.parent.mkdir(parents=True, exist_ok=True)
        script.write_text("#!/bin/sh\n. /opt/ems/lib/common.sh\n"
                          f"snmpbulkwalk -v2c -c public \"$1\" 1.3.6.1.2.1.37.1.{i % 12}\n"
                          "find /var/log/ems -name '*.gz' -mtime +30 -delete\n")
        script.chmod(0o755)
    (root / "opt/ems/lib").mkdir(parents=True, exist_ok=True)
    (root / "opt/ems/lib/common.sh").write_text("EMS_HOME=/opt/ems\nexport EMS_HOME\n")
    lines = [f"{j % 60} {j % 24} * * * ems /opt/ems/bin/task{j % n_scripts}.sh 10.40.{j // 250}.{j % 250}"
             for j in range(n_jobs)]
    (root / "etc/cron.d").mkdir(parents=True, exist_ok=True)
    (root / "etc/cron.d/ems-tasks").write_text("\n".join(lines) + "\n")
    return root


def main(n_jobs: int = 10_000) -> None:
    before = os.times()
    subprocess.run([sys.executable, "-c", "import lineguard.collector.cli"], check=True)
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    print(f"python -c 'import lineguard.collector.cli': {cpu:.2f} s of CPU (interpreter start included)")
    tmp = Path(tempfile.mkdtemp(prefix="lg-bench-jobs-"))
    print(f"worst case: {n_jobs:,} jobs, each running its own script that sources its own library")
    measure(tmp / "unique", synthetic_root(tmp / "unique" / "root", n_jobs, 2 * n_jobs))
    print(f"fleet-style: {n_jobs:,} jobs over 400 shared scripts")
    measure(tmp / "shared", shared_scripts_root(tmp / "shared" / "root", n_jobs, 400))


def measure(tmp: Path, root: Path) -> None:
    key_path, pub = generate(tmp / "agent.key")
    home = Home(tmp / "home")
    home.init().close()
    snapshot_to(home.inbox / "s.lgsnap", tmp / "chain", agent="bench", key=load_private(key_path),
                root=root, hostname="bench", live=False)
    quiet = io.StringIO()
    with contextlib.redirect_stdout(quiet):
        lineguard(["--home", str(home.root), "agents", "add", "bench", "--key", str(pub)])
        lineguard(["--home", str(home.root), "ingest"])
    runs = [(["jobs", "--json"], "stored readings"), (["jobs"], "stored readings"),
            (["jobs", "--json"], "no stored readings")]
    for args, state in runs:
        if state == "no stored readings":
            store = home.open()
            store.db.execute("DELETE FROM readings")
            store.close()
        clear_cache()
        gc.unfreeze()
        gc.collect()
        out = io.StringIO()
        started, cpu0 = time.perf_counter(), time.process_time()
        with contextlib.redirect_stdout(out):
            lineguard(["--home", str(home.root), *args, "--now", "2026-11-25T00:00:00Z"])
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu0
        rows = out.getvalue().count('"target":') if "--json" in args else out.getvalue().count("\n") - 1
        print(f"lineguard {' '.join(args)}: {rows:,} jobs in {seconds:.2f} s "
              f"({cpu:.2f} s of CPU), {state}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
