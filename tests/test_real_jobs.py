"""No false alarms on the jobs operators really run on management servers (tests/realjobs):
config archivers, NMS pollers, benign SNMP SETs, backups with retention, database purges with a
date bound, index and container retention, certificate renewal, configuration management and a
change-controlled single-circuit job, each planted under five schedulers, snapshotted by the
agent, ingested and judged by `lineguard jobs`: none destructive, none high or critical. The
same scripts with one destructive line added are loud, so the quiet result is not blindness."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.adversarial.generate import Corpus
from tests.adversarial.pipeline import SEVERITY_RANK, run
from tests.adversarial.schedulers import plant_host
from tests.falsealarm import CorpusUnavailable, build
from tests.realjobs.catalog import JOBS, RealJob

SCHEDULERS = ("cron.d", "user-crontab", "systemd-system", "anacron", "at")
SEED = 9


def _rancid_tree() -> Path:
    if not (shutil.which("apt-get") and shutil.which("dpkg-deb")):
        pytest.skip("apt-get/dpkg-deb not available: cannot fetch Debian's rancid")
    try:
        trees = build()
    except (CorpusUnavailable, subprocess.TimeoutExpired) as e:
        pytest.skip(f"Debian archive unreachable: {e}")
    tree = trees / "rancid"
    if not (tree / ".done").exists():
        pytest.skip("Debian's rancid package could not be fetched")
    return tree


def _corpus(rancid: Path, jobs: tuple[RealJob, ...]) -> Corpus:
    """One host root per scheduler, holding every job planted under it."""
    rng = random.Random(SEED)
    corpus = Corpus()
    for n, scheduler in enumerate(SCHEDULERS):
        root = corpus.root(n)
        for job in jobs:
            for path, text in job.files.items():
                root.add(path, text, 0o755)
            for path in job.package_files:
                if path.lstrip("/") not in root.files:
                    root.add(path, (rancid / path).read_text(errors="replace"), 0o755)
            plant_host(root, scheduler, job.id, job.command, rng, job.owner)
    return corpus


def _judged(tmp: Path, jobs: tuple[RealJob, ...]) -> list[tuple[str, dict]]:
    """(scheduler, job as `lineguard jobs --json` shows it) for every job of every root."""
    doc = run(_corpus(_rancid_tree(), jobs), tmp)
    by_target = {f"ems-adv-{n:02d}": s for n, s in enumerate(SCHEDULERS)}
    return [(by_target[j["target"]], j) for j in doc["jobs"] if j["target"] in by_target]


def _shown(command: str) -> str:
    """A command as compared with the listing, where the agent masks SNMP communities."""
    return re.sub(r"(?<= -c )\S+", "*", command)


def _loud(job: dict) -> bool:
    return job["verdict"] == "destructive" or SEVERITY_RANK[job["severity"]] >= 3


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, dict]]:
    return _judged(tmp_path_factory.mktemp("realjobs"), JOBS)


def test_every_real_job_is_judged_under_every_scheduler(judged):
    for scheduler in SCHEDULERS:
        commands = [_shown(j["command"] or "") for s, j in judged if s == scheduler]
        unseen = [job.id for job in JOBS if not any(_shown(job.command) in c for c in commands)]
        assert unseen == [], f"{scheduler}: no job listed for {unseen}"


def test_real_operator_jobs_are_never_destructive_nor_high(judged):
    loud = [(s, j["command"][:80], j["verdict"], j["severity"],
             [(r["rule"], r["evidence"][:100]) for r in j["reasons"]])
            for s, j in judged if _loud(j)]
    print(f"\nreal jobs: {len(JOBS)} jobs x {len(SCHEDULERS)} schedulers, "
          f"{len(judged)} listed, {len(loud)} loud")
    assert loud == []


@pytest.mark.parametrize("job_id, line", [
    ("restic-forget", "rm -rf /srv/ems/linedata"),
    ("pg-dump-rotate", "psql -d ems -c 'DROP DATABASE linedata'"),
    ("snmpset-ifalias", "snmpset -v2c -c private \"$host\" ATM-MIB::atmVclRowStatus.3.0.100 i 6"),
])
def test_the_same_scripts_with_a_destructive_line_are_loud(tmp_path, job_id, line):
    job = next(j for j in JOBS if j.id == job_id)
    path, text = next(iter(job.files.items()))
    head, _, rest = text.partition("\n")
    planted = RealJob(job.id, job.source, job.licence, job.command, job.owner,
                      {**job.files, path: f"{head}\n{line}\n{rest}"})
    judged = _judged(tmp_path, (planted,))
    for scheduler in SCHEDULERS:
        jobs = [j for s, j in judged if s == scheduler and job.command in (j["command"] or "")]
        assert jobs and any(j["verdict"] == "destructive" for j in jobs), (scheduler, jobs)
