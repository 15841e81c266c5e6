"""No false alarms on real jobs taken whole from public repositories (tests/fieldjobs: config
archiver hooks, NMS exports and expiry, certificate renewal, snapshot retention, monitoring
plugins, backups that prune old archives), each planted under five schedulers, snapshotted by
the agent, ingested and judged by `lineguard jobs`: none destructive, none high or critical.
The ones at medium are named below with the effect each really has; the same scripts with one
destructive line added are destructive, so the quiet result is not blindness."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.adversarial.generate import Corpus
from tests.adversarial.pipeline import SEVERITY_RANK, run
from tests.adversarial.schedulers import plant_host
from tests.fieldjobs.catalog import JOBS, FieldJob, FieldUnavailable, load

SCHEDULERS = ("cron.d", "user-crontab", "systemd-system", "anacron", "at")
SEED = 11
# Medium, and why: each is an effect the job has on a real host, where the file it names is
# there for the agent to capture.
MEDIUM = {
    # runs the reload/renew hooks kept (base64-encoded) in its per-domain configuration under
    # ~/.acme.sh, and sources its account.conf: neither is part of the job's files here
    "acme-sh-cron",
    # runs NetBox's manage.py, which is NetBox's own code, not part of the job's files here
    "netbox-housekeeping",
    # removes each dump its while-read loop collected from `stat` of the backup folder and the
    # purge age, cut from `stat`'s lines: a list built from command output the engine does not
    # follow through `cut`, so the paths stay unknown (named for review), never called benign
    "pg-back",
}


def _corpus(jobs: list[tuple[FieldJob, dict[str, str]]]) -> Corpus:
    rng = random.Random(SEED)
    corpus = Corpus()
    for n, scheduler in enumerate(SCHEDULERS):
        root = corpus.root(n)
        for job, texts in jobs:
            for path, text in texts.items():
                root.add(path, text, 0o755)
            plant_host(root, scheduler, job.id, job.command, rng, job.owner)
    return corpus


def _judged(tmp: Path, jobs: list[tuple[FieldJob, dict[str, str]]]) -> list[tuple[str, dict]]:
    doc = run(_corpus(jobs), tmp)
    by_target = {f"ems-adv-{n:02d}": s for n, s in enumerate(SCHEDULERS)}
    return [(by_target[j["target"]], j) for j in doc["jobs"] if j["target"] in by_target]


def _of(job: FieldJob, judged: list[tuple[str, dict]], scheduler: str) -> list[dict]:
    return [j for s, j in judged if s == scheduler and job.command in (j["command"] or "")]


@pytest.fixture(scope="module")
def field() -> list[tuple[FieldJob, dict[str, str]]]:
    try:
        return load()
    except FieldUnavailable as e:
        pytest.skip(str(e))


@pytest.fixture(scope="module")
def judged(field, tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, dict]]:
    return _judged(tmp_path_factory.mktemp("fieldjobs"), field)


def test_every_field_job_is_listed_under_every_scheduler(judged):
    for scheduler in SCHEDULERS:
        unseen = [job.id for job in JOBS if not _of(job, judged, scheduler)]
        assert unseen == [], f"{scheduler}: no job listed for {unseen}"


def test_field_jobs_are_never_destructive_nor_high_and_medium_only_where_explained(judged):
    loud, medium = [], set()
    for job in JOBS:
        for scheduler in SCHEDULERS:
            for j in _of(job, judged, scheduler):
                rank = SEVERITY_RANK[j["severity"]]
                if j["verdict"] == "destructive" or rank >= 3:
                    loud.append((job.id, scheduler, j["verdict"], j["severity"],
                                 [(r["rule"], r["evidence"][:100]) for r in j["reasons"]]))
                elif rank == 2:
                    medium.add(job.id)
    print(f"\nfield jobs: {len(JOBS)} jobs x {len(SCHEDULERS)} schedulers: {len(loud)} loud, "
          f"medium: {sorted(medium)}")
    assert loud == []
    assert medium <= MEDIUM


@pytest.mark.parametrize("job_id, line", [
    ("zfs-auto-snapshot-daily", "zfs destroy -r tank/ems"),
    ("delete-old-backup", "rm -rf /srv/ems/linedata"),
    ("routerbkp", "snmpset -v2c -c private atm-kobe-01 ATM-MIB::atmVclRowStatus.3.0.100 i 6"),
    # the retention sweep of the same script without its age bound, on line data
    ("pfsense-config-backup", "find /srv/ems/linedata -type f -exec rm {} \\;"),
    ("mikrotik-mkbackup", "ssh lgops@atm-kobe-01 'configure terminal ; interface ATM1/0.100 ; "
                          "no pvc 1/100'"),
    ("pg-back", "dropdb --if-exists ems"),
    ("netbox-housekeeping", "rm -rf /opt/netbox/netbox/media /srv/ems/linedata"),
])
def test_the_same_scripts_with_a_destructive_line_are_loud(field, tmp_path, job_id, line):
    job, texts = next((j, t) for j, t in field if j.id == job_id)
    path = job.files[0].dest
    head, _, rest = texts[path].partition("\n")
    judged = _judged(tmp_path, [(job, {**texts, path: f"{head}\n{line}\n{rest}"})])
    for scheduler in SCHEDULERS:
        jobs = _of(job, judged, scheduler)
        assert jobs and any(j["verdict"] == "destructive" for j in jobs), (scheduler, jobs)


# routerbkp's form: the job goes to its folder, runs ./do_backup.sh, which sources .env there
def _cd_and_run(env_text: str) -> tuple[str, str]:
    from datetime import UTC, datetime, timedelta

    from lineguard.collector.analyse.destructive import judge
    from lineguard.collector.model import CronTrigger, Fire, Job
    from lineguard.formats.wire import Artifact

    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    texts = {"opt/bkp/do_backup.sh": "#!/bin/bash\nsource .env\nrm -rf \"${CONFDIR}\"\n",
             "opt/bkp/.env": env_text}
    files = {p: Artifact.from_bytes(p, "script", t.encode()) for p, t in texts.items()}
    job = Job(target="ems-01", source="cron", origin_path="etc/cron.d/bkp", origin_line=1,
              owner="root", schedule="0 3 * * *", command="cd /opt/bkp && ./do_backup.sh",
              trigger=CronTrigger("0 3 * * *"), files=tuple(files))
    j = judge(job, files, Fire(kind="exact", at=now + timedelta(hours=5)), now)
    return j.verdict, j.severity


def test_a_program_run_from_the_folder_the_job_went_to_reads_its_files_there():
    assert _cd_and_run('CONFDIR="/var/tmp/bkp/work"\n') == ("benign", "info")
    assert _cd_and_run('CONFDIR="/srv/ems/linedata"\n') == ("destructive", "critical")


def test_a_program_the_job_wrote_is_the_one_it_runs_however_it_names_it():
    """`./x` is the `x` written before, and `/DIR/x` the `x` written after `cd DIR`: judged by
    what was written, not run unread."""
    from datetime import UTC, datetime, timedelta

    from lineguard.collector.analyse.destructive import judge
    from lineguard.collector.model import CronTrigger, Fire, Job
    from lineguard.formats.wire import Artifact

    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    for script in ('echo "rm -rf /srv/ems/linedata" > run.sh\nchmod +x run.sh\n./run.sh\n',
                   'cd /var/tmp\necho "rm -rf /srv/ems/linedata" > run.sh\nchmod +x run.sh\n'
                   './run.sh\n',
                   'cd /var/tmp\necho "rm -rf /srv/ems/linedata" > ./run.sh\n/var/tmp/run.sh\n'):
        name = "usr/local/bin/stage.sh"
        files = {name: Artifact.from_bytes(name, "script", script.encode())}
        job = Job(target="ems-01", source="cron", origin_path="etc/cron.d/stage", origin_line=1,
                  owner="root", schedule="0 3 * * *", command="/" + name,
                  trigger=CronTrigger("0 3 * * *"), files=(name,))
        j = judge(job, files, Fire(kind="exact", at=now + timedelta(hours=5)), now)
        assert j.verdict == "destructive", script
