"""Jobs hidden by being hard to capture: a cron.d file padded past the size limit, a NUL byte in
a user crontab, a FIFO dropped into /etc/cron.d. What the agent cannot read fully makes things
louder, never quieter, and one odd file never takes the rest of the host out of the comparison."""

from __future__ import annotations

import os
import tracemalloc
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lineguard.agent.sources.host import HostLimits, collect
from lineguard.collector.check import all_findings, job_findings
from lineguard.collector.home import Home
from lineguard.collector.jobs import JobView
from lineguard.collector.jobs import collect as job_views
from lineguard.collector.model import CronTrigger, Fire, Job, Judgement
from lineguard.formats.wire import Target
from tests.baselinekit import Fleet
from tests.hostroot import write
from tests.snapfactory import AgentChain
from tests.test_agent_delivery import tiny_root

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
WIPE = "17 3 * * * root rm -rf /var/lib/ems/linedata\n"


@pytest.fixture
def fleet(home: Home, chain: AgentChain) -> Fleet:
    return Fleet(home, chain)


def _root(tmp_path: Path) -> Path:
    root = tiny_root(tmp_path / "root")
    (root / "etc/passwd").write_text("root:x:0:0:root:/root:/bin/bash\n"
                                     "oper:x:1000:1000::/home/oper:/bin/bash\n")
    return root


def _poll(fleet: Fleet, root: Path, **kw) -> Target:
    target, _ = collect(root, hostname=fleet.chain.name, **kw)
    fleet.poll(target)
    return target


def _view(fleet: Fleet, path: str):
    return [v for v in job_views(fleet.store, NOW) if v.job.origin_path == path]


def test_a_cron_d_file_padded_past_the_size_limit_still_shows_its_job(fleet: Fleet,
                                                                      tmp_path: Path) -> None:
    root = _root(tmp_path)
    padding = "# routine housekeeping, see ticket OPS-1182\n" * 40_000      # 1.7 MB
    write(root, "etc/cron.d/housekeeping", padding + WIPE + padding)
    target = _poll(fleet, root)
    art = target.artifact("etc/cron.d/housekeeping")
    assert art is not None and art.text() == WIPE and art.error is None
    assert art.meta["line_numbers"] == [40_001] and art.meta["size"] > 3_000_000
    assert target.status == "ok"
    [view] = _view(fleet, "etc/cron.d/housekeeping")
    assert view.job.origin_line == 40_001 and view.judgement.verdict == "destructive"
    assert view.judgement.severity in ("high", "critical")


def test_streaming_a_huge_schedule_file_holds_little_memory(tmp_path: Path) -> None:
    root = _root(tmp_path)
    with open(root / "etc/cron.d/huge", "w") as f:
        for _ in range(40):
            f.write("#" + "x" * (1 << 20) + "\n")        # 40 lines of 1 MiB each, all comments
        f.write(WIPE)
    tracemalloc.start()
    target, _ = collect(root, hostname="mgmt-01", limits=HostLimits(max_text_bytes=1 << 20))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    art = target.artifact("etc/cron.d/huge")
    assert art is not None and art.text() == WIPE and art.meta["line_numbers"] == [41]
    assert peak < 8 << 20, peak


def test_job_lines_beyond_what_can_be_kept_make_the_file_a_high_finding(
        fleet: Fleet, tmp_path: Path) -> None:
    root = _root(tmp_path)
    write(root, "etc/cron.d/flood", "* * * * * root /bin/true\n" * 2000 + WIPE)
    _poll(fleet, root, limits=HostLimits(max_text_bytes=4096))
    findings = all_findings(fleet.home, fleet.store, NOW)
    [unseen] = [f for f in findings if f.key.startswith("job-unseen:")]
    assert unseen.severity == "high" and "etc/cron.d/flood" in unseen.title
    assert "job lines beyond 4096 bytes not kept" in unseen.title


def test_a_nul_byte_in_a_user_crontab_hides_no_line(fleet: Fleet, tmp_path: Path) -> None:
    root = _root(tmp_path)
    spool = write(root, "var/spool/cron/crontabs/oper",
                  b"# edited by oper\x00 do not touch\n" + WIPE.replace(" root", "").encode(),
                  0o600)
    os.chown(spool, 1000, 1000)
    target = _poll(fleet, root)
    art = target.artifact("var/spool/cron/crontabs/oper")
    assert art is not None and art.error is None and "\x00" in (art.text() or "")
    [view] = _view(fleet, "var/spool/cron/crontabs/oper")
    assert view.job.origin_line == 2 and view.judgement.verdict == "destructive"


def test_a_fifo_in_cron_d_is_a_high_finding_and_the_rest_is_still_compared(
        fleet: Fleet, tmp_path: Path) -> None:
    root = _root(tmp_path)
    _poll(fleet, root)
    fleet.approve(fleet.chain.name, fleet.approver(tmp_path))
    os.mkfifo(root / "etc/cron.d/zz-pipe")
    write(root, "etc/cron.d/ems", "*/5 * * * * root /opt/ems/poll.sh\n" + WIPE)
    target = _poll(fleet, root)
    assert target.status == "ok", target.error
    findings = all_findings(fleet.home, fleet.store, NOW)
    kinds = {(f.kind, f.severity) for f in findings}
    assert ("poll-failed", "medium") not in kinds
    [fifo] = [f for f in findings if f.key.startswith("job-unseen:")]
    assert fifo.severity == "high" and "etc/cron.d/zz-pipe" in fifo.title
    assert "fifo" in fifo.title
    drift = [f for f in findings if f.kind == "drift"]
    assert drift and drift[0].severity == "high" and "etc/cron.d/ems" in drift[0].title


def test_a_job_whose_script_cannot_be_read_is_a_finding(fleet: Fleet, tmp_path: Path) -> None:
    root = _root(tmp_path)
    os.mkfifo(root / "opt/ems/purge.sh")
    write(root, "etc/cron.d/purge", "0 4 * * * root /opt/ems/purge.sh\n")
    target = _poll(fleet, root)
    assert target.status == "ok"
    findings = all_findings(fleet.home, fleet.store, NOW)
    [unseen] = [f for f in findings if f.key.startswith("job-unseen:")]
    assert unseen.severity == "medium" and "etc/cron.d/purge:1" in unseen.title
    assert "opt/ems/purge.sh" in unseen.title
    [view] = _view(fleet, "etc/cron.d/purge")
    assert view.job.unread == ("opt/ems/purge.sh",)


def test_what_was_unread_is_a_fact_of_the_job_not_a_phrase_of_its_problem() -> None:
    """A job is a finding for what the agent could not read (Job.unread), whatever its problem
    text says: a problem that merely begins "not captured" reads nothing as unread."""
    job = Job(target="mgmt-01", source="cron", origin_path="etc/cron.d/x", origin_line=1,
              owner="root", schedule="0 4 * * *", command="/opt/ems/x.sh",
              trigger=CronTrigger("0 4 * * *"), files=("opt/ems/x.sh",))
    fire = Fire(kind="exact", at=NOW)

    def findings(j: Job) -> list[str]:
        return [f.key.split(":")[0] for f in job_findings([JobView(j, fire, Judgement())], NOW)]

    assert findings(replace(job, unread=("opt/ems/x.sh",))) == ["job-unseen"]
    assert findings(replace(job, problem="not captured: but only in words")) == []
    unparsable = replace(job, state="unparsable", problem="bad schedule")
    assert findings(replace(unparsable, unread=("opt/ems/x.sh",))) == ["job-unparsable"]
    assert findings(replace(unparsable, unread=("etc/cron.d/x",))) == ["job-unseen"]


@pytest.mark.parametrize("carrier,program", [
    ("make -s -f /opt/ems/build/n.mk all", ("opt/ems/build/n.mk", "all:\n\t@bash {script}\n")),
    ("sed -n -f /opt/ems/share/f.sed /etc/hostname", ("opt/ems/share/f.sed", "1e bash {script}\n")),
    ("m4 /opt/ems/share/r.m4", ("opt/ems/share/r.m4", "esyscmd(`bash {script}')dnl\n")),
])
def test_the_agent_follows_a_script_run_from_a_carriers_program_file(tmp_path: Path, carrier: str,
                                                                    program: tuple[str, str]):
    """make, sed -f and m4 read a file as their program: the agent captures it, and the script
    its commands run, so the collector reads what that script does."""
    root = _root(tmp_path)
    script = "/usr/local/lib/ems/nightly.sh"
    write(root, program[0], program[1].format(script=script))
    write(root, script, "#!/bin/sh\nrm -rf /srv/ems/linedata\n", 0o755)
    write(root, "etc/cron.d/nightly", f"0 3 * * * root {carrier}\n")
    target, _ = collect(root, hostname="mgmt-01")
    assert target.artifact(program[0]) is not None
    assert target.artifact(script.lstrip("/")) is not None
