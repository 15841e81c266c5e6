"""Padding cannot hide the end of a program: every reader reads a long script to its end (the
statement budget grows with the text it is given), and where a reading does run out of budget,
the rest is an effect saying where reading stopped, judged suspicious, never benign."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lineguard.collector.analyse import destructive
from lineguard.collector.analyse.effects.judge import _matching
from lineguard.collector.analyse.effects.resolve import BUDGET, MAX_TEXT, Job, Place, read
from lineguard.collector.analyse.effects.rules import default_rules
from lineguard.collector.analyse.effects.shell import read_shell
from lineguard.collector.model import CronTrigger
from lineguard.collector.model import Job as CronJob
from lineguard.formats.wire import Artifact

NOW = datetime(2026, 11, 25, tzinfo=UTC)
PADDED = BUDGET + 5_000          # lines of padding: past what a fixed budget would read
CARRIERS = {
    "sh": ("#!/bin/sh\n", "n=1\n", "rm -rf /srv/ems/linedata\n"),
    "pl": ("#!/usr/bin/perl\n", "my $n = 1;\n", "system('rm -rf /srv/ems/linedata');\n"),
    "py": ("#!/usr/bin/python3\nimport shutil\n", "n = 1\n", "shutil.rmtree('/srv/ems/linedata')\n"),
    "exp": ("#!/usr/bin/expect -f\n", "set n 1\n",
            "spawn ssh oper@atm-kobe-03\nsend \"configure terminal\\r\"\n"
            "send \"no pvc 0/32\\r\"\n"),
}


def _judge(name: str, text: str):
    files = {name: Artifact.from_bytes(name, "script", text.encode())}
    job = CronJob(target="ems1", source="cron", origin_path="etc/cron.d/ems", origin_line=1,
                  owner="root", schedule="0 3 * * *", command="/" + name,
                  trigger=CronTrigger("0 3 * * *"), files=(name,))
    return destructive.judge(job, files, None, NOW)


@pytest.mark.parametrize("suffix", sorted(CARRIERS))
def test_a_destructive_last_line_after_padding_is_read(suffix):
    head, pad, tail = CARRIERS[suffix]
    j = _judge(f"opt/ems/bin/nightly.{suffix}", head + pad * PADDED + tail)
    assert j.verdict == "destructive", [r.title for r in j.reasons]


def test_padding_on_one_line_is_read_too():
    j = _judge("opt/ems/bin/oneline.sh", "#!/bin/sh\n" + "n=1;" * PADDED +
               " rm -rf /srv/ems/linedata\n")
    assert j.verdict == "destructive", [r.title for r in j.reasons]


def test_the_budget_is_spent_once_and_reported_once():
    job = Job({}, budget=3)
    read_shell('a="1"\nb=2\nc=3\nd=4\nrm -rf /srv/ems/linedata\n', job, Place(path="opt/x.sh"), {})
    unread = [e for e in job.sink if e.kind == "unparsed"]
    assert job.exhausted and len(unread) == 1
    assert unread[0].line is not None and unread[0].line > 1
    read("shell", "rm -rf /srv/ems/linedata\n", job, Place(path="opt/y.sh"), {})
    assert [e.kind for e in job.sink] == ["unparsed"], "nothing more is read, nothing repeated"
    judged = _matching(default_rules(), unread[0])
    assert judged and all(r.verdict == "suspicious" for r in judged), \
        "what was left unread is judged, never benign"


def test_a_program_past_the_parsers_limit_says_what_is_not_read():
    text = "#!/bin/sh\n# " + "pad " * (MAX_TEXT // 4) + "\nrm -rf /srv/ems/linedata\n"
    j = _judge("opt/ems/bin/huge.sh", text)
    assert j.verdict != "benign"
    assert any("past 2,000,000 bytes (not read)" in r.title for r in j.reasons)
