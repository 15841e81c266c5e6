"""Real at jobs made by Debian's `at` in the real spool, read back with the machine's `/` as the
root, then removed with `atrm`. A running job is made by letting `atd -s` start one."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lineguard.agent.sources.host import collect
from lineguard.collector.parse.host import jobs

SPOOL = Path("/var/spool/cron/atjobs")
ENV = {"PATH": "/usr/bin:/bin", "TZ": "UTC", "HOME": "/root", "LOGNAME": "root", "SHELL": "/bin/sh"}

pytestmark = pytest.mark.skipif(not shutil.which("at") or not SPOOL.is_dir(),
                                reason="Debian's at is not installed (apt-get install -y at)")


def submit(script: str, when: list[str], cwd: Path, queue: str = "a") -> int:
    done = subprocess.run(["at", "-q", queue, *when], input=script, capture_output=True,
                          text=True, cwd=cwd, env=ENV, timeout=30, check=True)
    return int(re.search(r"^job (\d+) at ", done.stderr, re.M).group(1))


@pytest.fixture
def at_jobs() -> Iterator[list[int]]:
    made: list[int] = []
    yield made
    for number in made:
        subprocess.run(["atrm", str(number)], capture_output=True, timeout=30)


def test_real_pending_at_job_due_in_february(tmp_path: Path, at_jobs: list[int]) -> None:
    script = tmp_path / "wipe-line-data.sh"
    script.write_text("#!/bin/sh\nems-cli no atm pvc 0/100\n")
    script.chmod(0o755)
    number = submit("rm -rf --no-preserve-root /var/lib/postgresql\n./wipe-line-data.sh\n",
                    ["-t", "202702090230"], tmp_path, queue="z")
    at_jobs.append(number)
    name = f"var/spool/cron/atjobs/z{number:05x}01ca4ed6"
    assert (Path("/") / name).exists()   # the reference's file-name encoding, made by real at

    target, facts = collect(Path("/"))
    art = target.artifact(name)
    assert art is not None and art.kind == "at-job" and art.meta["mode"] == "0700"
    assert art.text().startswith("#!/bin/sh\n# atrun uid=0 gid=0\n")
    assert art.meta["owner"] == "root" and art.meta["group"] == "daemon"
    [job] = [j for j in jobs(target, facts) if j.origin_path == name]
    assert job.trigger.when == datetime(2027, 2, 9, 2, 30, tzinfo=UTC)
    assert (job.source, job.owner, job.state) == ("at", "root", "active")
    assert job.command == "rm -rf --no-preserve-root /var/lib/postgresql\n./wipe-line-data.sh"
    assert job.files == (str(script).lstrip("/"),)
    lines = art.text().splitlines()
    assert lines[job.origin_line - 1] == "rm -rf --no-preserve-root /var/lib/postgresql"


def test_real_running_at_job_is_marked_running(tmp_path: Path, at_jobs: list[int]) -> None:
    if not shutil.which("atd") and not os.path.exists("/usr/sbin/atd"):
        pytest.skip("atd not installed")
    number = submit("sleep 3\n", ["now"], tmp_path)
    at_jobs.append(number)
    daemon = subprocess.Popen(["/usr/sbin/atd", "-s", "-f"], env=ENV)
    try:
        running = None
        deadline = time.monotonic() + 120    # a bound, not a speed target
        while running is None and time.monotonic() < deadline:
            running = next((p for p in SPOOL.iterdir()
                            if p.name.startswith("=") and int(p.name[1:6], 16) == number), None)
            time.sleep(0.05)
        assert running is not None, "atd did not start the job"
        target, facts = collect(Path("/"))
        name = f"var/spool/cron/atjobs/{running.name}"
        [job] = [j for j in jobs(target, facts) if j.origin_path == name]
        assert job.state == "running" and job.command == "sleep 3"
    finally:
        deadline = time.monotonic() + 120
        while any(p.name.startswith("=") and int(p.name[1:6], 16) == number
                  for p in SPOOL.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.1)
        daemon.terminate()
        daemon.wait(timeout=60)
