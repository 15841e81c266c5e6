"""Neither padding nor nesting hides what a program does: every reader reads a long script to
its end (the statement budget grows with the text it is given), programs nested ten deep are
followed, and where a reading does stop (budget, parser limit, nesting), an effect says where,
judged suspicious, never benign."""

from __future__ import annotations

import base64
import shlex
from datetime import UTC, datetime

import pytest

from lineguard.collector.analyse import destructive
from lineguard.collector.analyse.effects.judge import _matching
from lineguard.collector.analyse.effects.resolve import (
    BUDGET,
    MAX_DEPTH,
    MAX_EACH,
    MAX_TEXT,
    Job,
    Place,
    read,
)
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
    assert any("not read past 2,000,000 bytes" in r.title for r in j.reasons)


def _nested(depth: int, how: str) -> str:
    cmd = "rm -rf /srv/ems/linedata"
    for _ in range(depth):
        cmd = ("sh -c " + shlex.quote(cmd) if how == "sh -c" else
               f"echo {base64.b64encode(cmd.encode()).decode()} | base64 -d | sh")
    return cmd


@pytest.mark.parametrize("how", ["sh -c", "base64"])
def test_programs_nested_ten_deep_are_followed_and_deeper_ones_are_not_benign(how):
    def judged(depth: int):
        job = CronJob(target="ems1", source="cron", origin_path="etc/cron.d/ems", origin_line=1,
                      owner="root", schedule="0 3 * * *", command=_nested(depth, how),
                      trigger=CronTrigger("0 3 * * *"))
        return destructive.judge(job, {}, None, NOW)

    assert judged(MAX_DEPTH).verdict == "destructive"
    deeper = judged(MAX_DEPTH + 1)
    assert deeper.verdict != "benign"
    assert any(f"nested more than {MAX_DEPTH} programs deep" in r.title for r in deeper.reasons)


# Four harmless calls of a helper, then the one that deletes: the helper is read anew for each
# new context (arguments, the globals it reads), or through its summary bound to the call.
HELPER_CALLS = {   # (the helper, a harmless call ({i}: which), the call that deletes)
    "args.sh": ("#!/bin/sh\nclean() {\n  rm -rf \"$1\"\n}\n", "clean /var/tmp/ems/c{i}\n",
                "clean /srv/ems/linedata\n"),
    "globals.sh": ("#!/bin/sh\nclean() {\n  rm -rf \"$T\"\n}\n", "T=/var/tmp/ems/c{i}\nclean\n",
                   "T=/srv/ems/linedata\nclean\n"),
    "nested.sh": ("#!/bin/sh\nwipe() { rm -rf \"$1/$2\"; }\nclean() {\n  wipe \"$BASE\" \"$1\"\n}\n",
                  "BASE=/var/tmp/ems\nclean c{i}\n", "BASE=/srv/ems\nclean linedata\n"),
    "list.sh": ("#!/bin/sh\nclean() {\n for d in \"$@\"; do rm -rf \"$d\"; done\n}\n",
                "clean /var/tmp/a{i} /var/tmp/b{i}\n", "clean /var/tmp/z /srv/ems/linedata\n"),
    "runs-args.sh": ("#!/bin/sh\nrun() {\n  \"$@\"\n}\n", "run echo {i}\n",
                     "run rm -rf /srv/ems/linedata\n"),
    "args.pl": ("#!/usr/bin/perl\nuse File::Path qw(rmtree);\nsub clean { my ($d) = @_; rmtree($d); }\n",
                "clean('/var/tmp/ems/c{i}');\n", "clean('/srv/ems/linedata');\n"),
    "shift.pl": ("#!/usr/bin/perl\nsub clean { my $d = shift; unlink glob(\"$d/*\"); }\n",
                 "clean('/var/tmp/ems/c{i}');\n", "clean('/srv/ems/linedata');\n"),
    "globals.pl": ("#!/usr/bin/perl\nuse File::Path qw(rmtree);\nour $T;\nsub clean { rmtree($T); }\n",
                   "$T = '/var/tmp/ems/c{i}';\nclean();\n", "$T = '/srv/ems/linedata';\nclean();\n"),
}


@pytest.mark.parametrize("name", sorted(HELPER_CALLS))
def test_harmless_calls_of_a_helper_do_not_hide_the_one_that_deletes(name):
    helper, harmless, harmful = HELPER_CALLS[name]
    j = _judge(f"opt/ems/bin/{name}",
               helper + "".join(harmless.replace("{i}", str(i)) for i in range(9)) + harmful)
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert any("/srv/ems/linedata" in r.title for r in j.reasons)


def test_a_helper_called_a_thousand_ways_stays_quiet_and_cheap():
    """A logging helper called with a thousand different messages: read a few times, then
    through its (empty) summary: no finding, no "not followed"."""
    text = ("#!/bin/sh\nlog() {\n  echo \"$(date) $1\" >> /var/log/ems/nightly.log\n}\n"
            + "".join(f"log 'step {i} done'\n" for i in range(1000)))
    j = _judge("opt/ems/bin/nightly.sh", text)
    assert j.verdict == "benign" and not [r for r in j.reasons if r.severity != "info"]


_ITEMS = [f"/var/tmp/ems/c{i}" for i in range(20)] + ["/srv/ems/linedata"]
LONG_LOOPS = {
    "for.sh": "#!/bin/sh\nfor d in " + " ".join(_ITEMS) + "; do\n  rm -rf \"$d\"\ndone\n",
    "array.sh": "#!/bin/bash\nA=(" + " ".join(_ITEMS) + ")\nfor d in \"${A[@]}\"; do rm -rf \"$d\"; done\n",
    "for.pl": "#!/usr/bin/perl\nuse File::Path qw(rmtree);\nfor my $d (" +
              ",".join(f"'{d}'" for d in _ITEMS) + ") { rmtree($d); }\n",
    "for.py": "#!/usr/bin/python3\nimport shutil\nfor d in [" + ",".join(f"'{d}'" for d in _ITEMS)
              + "]:\n    shutil.rmtree(d)\n",
}


@pytest.mark.parametrize("name", sorted(LONG_LOOPS))
def test_the_last_of_twenty_one_loop_items_is_judged(name):
    j = _judge(f"opt/ems/bin/{name}", LONG_LOOPS[name])
    assert j.verdict == "destructive", [r.title for r in j.reasons]


def test_a_long_list_of_cache_files_cannot_bury_one_line_data_path():
    items = [f"/var/tmp/ems/c{i}" for i in range(5 * MAX_EACH)]
    items.insert(3 * MAX_EACH, "/srv/ems/linedata")
    j = _judge("opt/ems/bin/many.sh", "#!/bin/sh\nfor d in " + " ".join(items) +
               "; do\n  rm -rf \"$d\"\ndone\n")
    assert j.verdict == "destructive", [r.title for r in j.reasons]


_LIST = "\n".join([f"/var/tmp/ems/c{i}" for i in range(40)] + ["/srv/ems/linedata"])
RUNNERS = {
    "xargs": f"xargs rm -rf <<EOF\n{_LIST}\nEOF\n",
    "xargs -I": f"xargs -I{{}} rm -rf {{}} <<EOF\n{_LIST}\nEOF\n",
    "printf | xargs": "printf '%s\\n' " + _LIST.replace("\n", " ") + " | xargs rm -rf\n",
    "parallel :::": "parallel rm -rf ::: " + _LIST.replace("\n", " ") + "\n",
}


@pytest.mark.parametrize("how", sorted(RUNNERS))
def test_the_forty_first_item_a_runner_is_given_is_judged(how):
    j = _judge("opt/ems/bin/purge.sh", "#!/bin/sh\n" + RUNNERS[how])
    assert j.verdict == "destructive", [r.title for r in j.reasons]


def test_the_last_of_seventy_commands_an_applet_loops_over_is_judged():
    commands = ";".join([f"show interfaces atm0/{i}" for i in range(69)] + ["write erase"])
    actions = (("action 1.0 cli command \"enable\"", 41),
               (f"action 2.0 foreach cmd \"{commands}\" \";\"", 42),
               ("action 3.0 cli command \"$cmd\"", 43), ("action 4.0 end", 44))
    job = CronJob(target="atm-kobe-03", source="eem", origin_path="running-config",
                  origin_line=40, owner=None, schedule='cron-entry "0 3 * * *"',
                  command="event manager applet NIGHTLY", trigger=CronTrigger("0 3 * * *", "ios"),
                  actions=actions)
    j = destructive.judge(job, {}, None, NOW)
    assert j.verdict == "destructive", [r.title for r in j.reasons]


def test_two_perl_calls_that_differ_only_in_a_long_lists_last_item_are_both_read():
    safe = ",".join(f"'/var/tmp/ems/c{i}'" for i in range(40))
    text = ("#!/usr/bin/perl\nuse File::Path qw(rmtree);\nsub purge { rmtree($_) for @_; }\n"
            + "".join(f"purge({safe}, '/var/tmp/ems/x{i}');\n" for i in range(6))
            + f"purge({safe}, '/srv/ems/linedata');\n")
    j = _judge("opt/ems/bin/purge.pl", text)
    assert j.verdict == "destructive", [r.title for r in j.reasons]
