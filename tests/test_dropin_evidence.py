"""A unit job's evidence points at the file and line that hold the command: the Exec line a
drop-in adds (or replaces, after an `ExecStart=` reset) is cited in the drop-in, not at the
unit's first Exec line — on real unit files in a host root, judged end to end."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from lineguard.agent.sources.host import collect
from lineguard.collector.analyse.effects.judge import judge
from lineguard.collector.analyse.timing import next_fire
from lineguard.collector.model import Job, Judgement, Verdict
from lineguard.collector.parse.host import jobs
from tests.hostroot import link, write

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
PASSWD = "root:x:0:0:root:/root:/bin/bash\nems:x:1001:1001::/home/ems:/bin/bash\n"
SD = "etc/systemd/system"
LIB = "lib/systemd/system"
WIPE = "/bin/rm -rf /srv/ems/linedata"


def _judged(root: Path) -> list[tuple[Job, Judgement]]:
    write(root, "etc/passwd", PASSWD)
    write(root, "etc/timezone", "UTC\n")
    target, facts = collect(root)
    arts = {a.name: a for a in target.artifacts}
    return [(j, judge(j, arts, next_fire(j.trigger, NOW, "UTC"), NOW))
            for j in jobs(target, facts)]


def _destructive_at(judged: list[tuple[Job, Judgement]], command: str) -> set[tuple[str, int]]:
    """Where the reasons of the job running `command` point, for a destructive job."""
    hits = [(j, v) for j, v in judged if command in j.command.split("\n")]
    assert len(hits) == 1, [j.command for j, _v in judged]
    job, verdict = hits[0]
    assert verdict.verdict == Verdict.DESTRUCTIVE, verdict
    return {(r.path or "", r.line or 0) for r in verdict.reasons if "linedata" in r.evidence}


def test_a_command_a_dropin_adds_is_cited_in_the_dropin(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root, f"{LIB}/ems-poller.service", "[Unit]\nDescription=poller\n\n[Service]\n"
          "ExecStart=/usr/bin/logger poll\n[Install]\nWantedBy=multi-user.target\n")
    link(root, f"{SD}/multi-user.target.wants/ems-poller.service", f"/{LIB}/ems-poller.service")
    write(root, f"{SD}/ems-poller.service.d/override.conf",
          f"# local tuning\n[Service]\nNice=5\nExecStartPost={WIPE}\n")
    judged = _judged(root)
    job = next(j for j, _v in judged if WIPE in j.command)
    # the job stands at its first command, the packaged one; the drop-in is named as a definer
    assert (job.origin_path, job.origin_line) == (f"{LIB}/ems-poller.service", 5)
    assert job.defined_in == (f"{SD}/ems-poller.service.d/override.conf",)
    assert _destructive_at(judged, WIPE) == {(f"{SD}/ems-poller.service.d/override.conf", 4)}


def test_an_execstart_reset_and_replaced_in_a_dropin_is_the_dropins(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root, f"{LIB}/rsync.service", "[Service]\nExecStart=/usr/bin/rsync --daemon\n"
          "[Install]\nWantedBy=multi-user.target\n")
    link(root, f"{SD}/multi-user.target.wants/rsync.service", f"/{LIB}/rsync.service")
    write(root, f"{SD}/rsync.service.d/10-local.conf",
          f"[Service]\nExecStart=\nExecStart={WIPE}\n")
    judged = _judged(root)
    job = next(j for j, _v in judged if WIPE in j.command)
    assert job.command == WIPE
    assert (job.origin_path, job.origin_line) == (f"{SD}/rsync.service.d/10-local.conf", 3)
    assert job.defined_in == (f"{LIB}/rsync.service",)
    assert _destructive_at(judged, WIPE) == {(f"{SD}/rsync.service.d/10-local.conf", 3)}


def test_a_timers_service_command_is_cited_where_it_is_written(tmp_path: Path) -> None:
    """A timer job stands at its OnCalendar line; what its service runs is cited in the service
    or the drop-in that adds it."""
    root = tmp_path / "r"
    write(root, f"{LIB}/ems-rotate.timer", "[Timer]\nOnCalendar=daily\n"
          "[Install]\nWantedBy=timers.target\n")
    link(root, f"{SD}/timers.target.wants/ems-rotate.timer", f"/{LIB}/ems-rotate.timer")
    write(root, f"{LIB}/ems-rotate.service", "[Service]\nType=oneshot\n"
          "Environment=KEEP=7\nExecStart=/usr/bin/logger rotate\n")
    write(root, f"{SD}/ems-rotate.service.d/after.conf",
          f"[Service]\n\nExecStartPost=-{WIPE}\n")
    judged = _judged(root)
    job = next(j for j, _v in judged if WIPE in j.command)
    assert (job.origin_path, job.origin_line) == (f"{LIB}/ems-rotate.timer", 2)
    assert _destructive_at(judged, WIPE) == {(f"{SD}/ems-rotate.service.d/after.conf", 3)}


def test_each_exec_line_of_a_shared_dropin_at_its_own_line(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root, f"{SD}/ems-poll.service", "[Service]\nExecStart=/usr/bin/logger poll\n"
          "[Install]\nWantedBy=multi-user.target\n")
    link(root, f"{SD}/multi-user.target.wants/ems-poll.service", f"/{SD}/ems-poll.service")
    write(root, f"{SD}/ems-.service.d/20-x.conf",
          f"[Service]\nExecStartPre=/usr/bin/logger start\nExecStartPost={WIPE}\n")
    judged = _judged(root)
    assert _destructive_at(judged, WIPE) == {(f"{SD}/ems-.service.d/20-x.conf", 3)}
