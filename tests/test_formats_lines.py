"""Line-continued formats read once for agent and collector: the logical-line reader
(formats.lines), anacrontab and its stamps (formats.anacron) and udev rules (formats.udev), on
real file text; agent and collector agree on the commands of the same files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from lineguard.agent.sources.host import collect
from lineguard.collector.model import AnacronTrigger
from lineguard.collector.parse.host import jobs
from lineguard.formats.anacron import AnacronLine, read, stamp_date, stamp_path
from lineguard.formats.lines import logical_lines
from lineguard.formats.udev import program_path, rule_programs
from tests.hostroot import GROUP, PASSWD, write

# Debian's /etc/anacrontab, with a planted entry continued over two lines.
ANACRONTAB = """\
# /etc/anacrontab: configuration file for anacron

# See anacron(8) and anacrontab(5) for details.

SHELL=/bin/sh
HOME=/root
LOGNAME=root

# These replace cron's entries
1\t5\tcron.daily\trun-parts --report /etc/cron.daily
7\t10\tcron.weekly\trun-parts --report /etc/cron.weekly
@monthly\t15\tcron.monthly\trun-parts --report /etc/cron.monthly
3\t20\tems.purge\t/opt/ems/purge.sh \\
--all
"""


def test_logical_lines_join_continuations_and_keep_an_open_one_at_the_end() -> None:
    assert logical_lines("a \\\nb\nc\n\\\nd\ne \\") == [(1, "a b"), (3, "c"), (4, "d"),
                                                       (6, "e ")]
    assert logical_lines("") == []


def test_anacrontab_assignments_and_entries() -> None:
    read_back = read(ANACRONTAB)
    assert [item for _, item in read_back if isinstance(item, tuple)] == [
        ("SHELL", "/bin/sh"), ("HOME", "/root"), ("LOGNAME", "root")]
    entries = [item for _, item in read_back if isinstance(item, AnacronLine)]
    assert [e.line for e in entries] == [10, 11, 12, 13]
    assert entries[3].words == ("3", "20", "ems.purge", "/opt/ems/purge.sh --all")
    assert entries[2].command == "run-parts --report /etc/cron.monthly"
    assert AnacronLine(1, ("7", "5", "short")).command is None


def test_stamps() -> None:
    assert stamp_path("cron.daily") == "var/spool/anacron/cron.daily"
    assert stamp_date("20261130\n") == date(2026, 11, 30)
    assert [stamp_date(t) for t in ("20261340", "2026-11-30", "", "202611300")] == [None] * 4


def test_agent_and_collector_read_the_same_anacron_entries(tmp_path: Path) -> None:
    write(tmp_path, "etc/passwd", PASSWD)
    write(tmp_path, "etc/group", GROUP)
    write(tmp_path, "etc/anacrontab", ANACRONTAB)
    write(tmp_path, "var/spool/anacron/ems.purge", "20261125\n")
    write(tmp_path, "opt/ems/purge.sh", "#!/bin/sh\nrm -rf /srv/ems/linedata\n", 0o755)
    target, facts = collect(tmp_path)
    assert "opt/ems/purge.sh" in {a.name for a in target.artifacts}
    (job,) = [j for j in jobs(target, facts) if j.source == "anacron"]
    assert (job.origin_line, job.command, job.files) == (
        13, "/opt/ems/purge.sh --all", ("opt/ems/purge.sh",))
    assert job.trigger == AnacronTrigger(period="3", delay_min=20, last_run=date(2026, 11, 25))


RULES = """\
# a rule continued over lines, then one with every key that runs a program
ACTION=="add", SUBSYSTEM=="net", \\
  RUN+="/opt/ems/netup.sh $kernel"
KERNEL=="sd*", PROGRAM="scsi_id --whitelisted", IMPORT{program}="probe \\"x\\"", RUN+="socket:/x"
"""


def test_udev_rules_and_program_paths() -> None:
    assert rule_programs(RULES) == [
        (2, "RUN", "/opt/ems/netup.sh $kernel", 'ACTION=="add", SUBSYSTEM=="net"'),
        (4, "PROGRAM", "scsi_id --whitelisted", 'KERNEL=="sd*"'),
        (4, "IMPORT{program}", 'probe "x"', 'KERNEL=="sd*"'),
        (4, "RUN", "socket:/x", 'KERNEL=="sd*"'),
    ]
    assert program_path(lambda p: p == "usr/lib/udev/scsi_id", "scsi_id -g") == \
        "/usr/lib/udev/scsi_id -g"
    assert program_path(lambda p: False, "probe") == "/lib/udev/probe"
    assert program_path(lambda p: True, "/opt/x.sh") == "/opt/x.sh"
