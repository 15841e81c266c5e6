"""A job waiting in memory: a real `sh -c 'sleep N; ...'` started here is found in /proc on a live
collect, and parsed into a one-shot job at its start time plus the sleep."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lineguard.agent.sources.host import HostLimits, collect
from lineguard.collector.model import AbsoluteTrigger
from lineguard.collector.parse.host import jobs
from lineguard.formats.sleep import sleep_seconds
from tests.hostroot import debian_root, write


@pytest.fixture
def sleeper() -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(["sh", "-c", "sleep 6480000; /opt/ems/wipe-vc.sh --all"],
                            start_new_session=True)
    yield proc
    os.killpg(proc.pid, signal.SIGKILL)   # our own session: the shell and its sleep
    proc.wait(timeout=10)


def _sleep_child(parent: int) -> int:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                if stat.rsplit(")", 1)[1].split()[1] == str(parent) and "(sleep)" in stat:
                    return int(entry)
        time.sleep(0.02)
    raise AssertionError("the shell never started its sleep")


def test_sleep_seconds_reads_gnu_sleep_arguments() -> None:
    assert sleep_seconds(["sleep", "6480000"]) == 6480000
    assert sleep_seconds(["/bin/sleep", "1d", "2h", "30m", "5"]) == 86400 + 7200 + 1800 + 5
    assert sleep_seconds(["sleep", "infinity"]) == float("inf")
    assert sleep_seconds(["sleep", "soon"]) is None
    assert sleep_seconds(["sh", "-c", "sleep 5"]) is None


def test_long_sleep_chain_is_seen_on_a_live_host(tmp_path: Path,
                                                  sleeper: subprocess.Popen[bytes]) -> None:
    root = debian_root(tmp_path, None)
    write(root, "opt/ems/wipe-vc.sh", "#!/bin/sh\nems-cli no atm pvc 0/100\n", 0o755)
    child = _sleep_child(sleeper.pid)
    target, facts = collect(root, live=True)
    procs = {a.name: a for a in target.artifacts if a.kind == "process"}
    assert {f"proc/{sleeper.pid}", f"proc/{child}"} <= set(procs)
    sleep_art = procs[f"proc/{child}"]
    assert sleep_art.text() == "sleep 6480000"
    assert sleep_art.meta["ppid"] == sleeper.pid and sleep_art.meta["user"] == "root"
    started = datetime.fromisoformat(sleep_art.meta["start"].replace("Z", "+00:00"))
    assert abs((datetime.now(UTC) - started).total_seconds()) < 60
    assert "opt/ems/wipe-vc.sh" in {a.name for a in target.artifacts if a.kind == "script"}

    [job] = [j for j in jobs(target, facts) if j.source == "process"
             and j.origin_path == f"proc/{child}"]
    assert job.trigger == AbsoluteTrigger(when=started + timedelta(seconds=6480000),
                                          note=f"pid {child} wakes")
    assert job.command == "/opt/ems/wipe-vc.sh --all"
    assert job.files == ("opt/ems/wipe-vc.sh",) and job.owner == "root"


def test_short_sleeps_and_offline_roots_have_no_processes(tmp_path: Path,
                                                          sleeper: subprocess.Popen[bytes]) -> None:
    root = debian_root(tmp_path, None)
    _sleep_child(sleeper.pid)
    offline, _ = collect(root)
    assert not [a for a in offline.artifacts if a.kind == "process"]
    strict, _ = collect(root, live=True, limits=HostLimits(long_sleep_s=10**8))
    assert f"proc/{sleeper.pid}" not in {a.name for a in strict.artifacts}


def test_a_script_sleeping_midway_runs_the_rest_of_itself(tmp_path: Path) -> None:
    root = debian_root(tmp_path / "root", None)
    script = write(root, "opt/ems/later.sh", "#!/bin/sh\nsleep 7200\n/opt/ems/wipe-vc.sh\n", 0o755)
    write(root, "opt/ems/wipe-vc.sh", "#!/bin/sh\nems-cli no atm pvc 0/100\n", 0o755)
    proc = subprocess.Popen(["sh", str(script)], start_new_session=True)
    try:
        child = _sleep_child(proc.pid)
        target, facts = collect(root, live=True)
        [job] = [j for j in jobs(target, facts) if j.origin_path == f"proc/{child}"]
        assert job.command == f"sh {script}"
        sleep_art = target.artifact(f"proc/{child}")
        assert sleep_art is not None
        started = datetime.fromisoformat(sleep_art.meta["start"].replace("Z", "+00:00"))
        assert job.trigger.when - started == timedelta(hours=2)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
