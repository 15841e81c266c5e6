"""No false alarms on operators' own maintenance jobs (tests/realworld: real scripts copied from
public repositories, their licences in tests/realworld/SOURCES): each planted under five
schedulers, plus the schedule files the projects ship planted as they are, snapshotted by the
agent, ingested and judged by `lineguard jobs`. None destructive, none high or critical; the
ones at medium are named below with why a human should look. The same scripts with one
destructive line added are destructive, so the quiet result is not blindness."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.adversarial.generate import Corpus
from tests.adversarial.pipeline import SEVERITY_RANK, run
from tests.adversarial.schedulers import plant_host
from tests.realworld.catalog import JOBS, NATIVE, NATIVE_LINKS, RealJob, files, sources

SCHEDULERS = ("cron.d", "user-crontab", "systemd-system", "anacron", "at")
SEED = 23
# Licences that allow the copies kept in tests/realworld/files.
LICENCES = {"MIT", "BSD-3-Clause", "GPL-2.0", "GPL-2.0-or-later", "GPL-3.0",
            "GPL-3.0-or-later"}
# Medium, and why a human should look.
MEDIUM = {
    "rsnapshot-pgsql": "runs /usr/local/pgsql/bin/pg_dumpall, a compiled program outside the "
                       "folders packages install to (a source build's prefix): nobody can read "
                       "it, and no package vouches for it",
    "rsnapshot-smb": "runs /usr/local/samba/bin/smbclient, a compiled program outside the "
                     "folders packages install to, for the same reason",
    "dehydrated-cron": "runs the hook and keeps the account key its option loop takes from "
                       "the command line (--hook, --account-key …): values bound only at run "
                       "time, so the program it runs and the files it removes stay unnamed",
    "ona-build-dhcpd": "runs dcm.pl, which in one of its modes evals the text the ONA server "
                       "sends back: code from the network",
    "ona-cfg-archive": "the same dcm.pl, and sed programs read from files whose names it puts "
                       "together at run time from the device's vendor (sed -f "
                       "$SED_PREFIX.$MANUFACTURER.*.sed: GNU sed can run commands)",
    "ona-cfg-archive-juniper": "the same as ona-cfg-archive",
    "ona-cfg-procspool": "runs cfg_archive for each spooled device: the same as "
                         "ona-cfg-archive",
    "librenms-daily": "under `at` only: a job due in months (dormant) that runs PHP, which "
                      "lineguard does not read (php -r, daily.php)",
}


def _corpus(texts: dict[str, str], jobs: tuple[RealJob, ...]) -> Corpus:
    """Every job planted under each scheduler on a host of its own, and (for the whole corpus)
    the projects' own schedule files on one more."""
    rng = random.Random(SEED)
    corpus = Corpus()
    scripts = {p: t for p, t in texts.items() if p not in NATIVE}
    for n, scheduler in enumerate(SCHEDULERS):
        root = corpus.root(n)
        for path, text in scripts.items():
            root.add(path, text, 0o755)
        for job in jobs:
            plant_host(root, scheduler, job.id, job.command, rng, job.owner)
    if jobs == JOBS:
        native = corpus.root(len(SCHEDULERS))
        for path, text in texts.items():
            native.add(path, text, 0o644 if path in NATIVE else 0o755)
        native.links.update(NATIVE_LINKS)
    return corpus


def _judged(tmp: Path, texts: dict[str, str], jobs: tuple[RealJob, ...] = JOBS
            ) -> list[tuple[str, dict]]:
    doc = run(_corpus(texts, jobs), tmp)
    by_target = {f"ems-adv-{n:02d}": s for n, s in enumerate((*SCHEDULERS, "native"))}
    return [(by_target[j["target"]], j) for j in doc["jobs"] if j["target"] in by_target]


def _of(job: RealJob, judged: list[tuple[str, dict]], scheduler: str) -> list[dict]:
    return [j for s, j in judged if s == scheduler and job.command in (j["command"] or "")]


def _loud(j: dict) -> bool:
    return j["verdict"] == "destructive" or SEVERITY_RANK[j["severity"]] >= 3


def _why(j: dict) -> list[tuple[str, str]]:
    return [(r["rule"], r["evidence"][:120]) for r in j["reasons"]]


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, dict]]:
    return _judged(tmp_path_factory.mktemp("realworld"), files())


def test_every_file_names_its_source_and_a_licence_that_allows_the_copy():
    named = sources()
    assert sorted(set(files()) ^ set(named)) == []
    assert {lic for _repo, _path, _commit, lic in named.values()} <= LICENCES
    assert all(len(commit) == 40 for _repo, _path, commit, _lic in named.values())


def test_every_job_is_listed_under_every_scheduler(judged):
    for scheduler in SCHEDULERS:
        unseen = [job.id for job in JOBS if not _of(job, judged, scheduler)]
        assert unseen == [], f"{scheduler}: no job listed for {unseen}"


def test_the_shipped_schedules_are_listed(judged):
    origins = {j["origin"]["path"] for s, j in judged if s == "native"}
    for path in ("etc/cron.d/librenms", "etc/cron.d/restic",
                 "etc/systemd/system/borg-backup-daily.timer",
                 "usr/lib/systemd/system/restic-backup@.timer"):
        assert any(o and o.endswith(path) for o in origins), (path, sorted(origins))


def test_real_jobs_are_never_destructive_nor_high_and_medium_only_where_explained(judged):
    loud = [(s, j["command"], j["verdict"], j["severity"], _why(j))
            for s, j in judged if _loud(j)]
    medium = {job.id for job in JOBS for s in SCHEDULERS for j in _of(job, judged, s)
              if SEVERITY_RANK[j["severity"]] == 2}
    print(f"\nrealworld: {len(JOBS)} jobs x {len(SCHEDULERS)} schedulers + native: "
          f"{len(loud)} loud, medium: {sorted(medium)}")
    assert loud == []
    assert medium <= set(MEDIUM)


@pytest.mark.parametrize("job_id, path, line", [
    # a spool consumer that removes the spool folder itself, not the entry it took
    ("ona-cfg-procspool", "opt/ona/bin/cfg_archive_procspool", "rm -rf /opt/ona/spool"),
    # the database dropped instead of dumped
    ("tim-pg-rotate", "opt/tim/postgre_backup_rotate.sh", "dropdb --if-exists tim"),
    ("automysqlbackup", "usr/local/bin/automysqlbackup", "mysql -e 'DROP DATABASE ems'"),
    ("rsnapshot-if-mounted", "usr/local/bin/rsnapshot_if_mounted.sh", "rm -rf /srv/ems/linedata"),
])
def test_the_same_scripts_with_a_destructive_line_are_loud(tmp_path, job_id, path, line):
    texts = files()
    head, _, rest = texts[path].partition("\n")
    job = next(j for j in JOBS if j.id == job_id)
    judged = _judged(tmp_path, {**texts, path: f"{head}\n{line}\n{rest}"}, (job,))
    for scheduler in SCHEDULERS:
        jobs = _of(job, judged, scheduler)
        assert jobs and any(j["verdict"] == "destructive" for j in jobs), (scheduler, jobs)
