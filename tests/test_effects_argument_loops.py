"""A loop that walks the arguments by shifting them (`while [ $# -gt 0 ]`, `while [ -n "$1" ]`,
`until [ $# -eq 0 ]`, `while (($#))`, `shift 2` over option pairs) acts on every argument, not
only the first: in a function called with literal arguments and in a script run with them on
its command line. An option-parsing loop, or one that only prints its arguments, stays quiet."""

from __future__ import annotations

import pytest

from lineguard.collector.analyse.effects.model import render
from lineguard.collector.model import Verdict
from tests.test_effects import _effects, _judge

LOOPS = {
    "count": 'while [ $# -gt 0 ]; do\n  {act}\n  shift\ndone',
    "non-empty": 'while [ -n "$1" ]; do\n  {act}; shift\ndone',
    "until": 'until [ $# -eq 0 ]; do\n  {act}\n  shift 1\ndone',
    "arith": 'while (($#)); do\n  {act}\n  shift\ndone',
    "pairs": 'while [ $# -ge 2 ]; do\n  {act}\n  shift 2\ndone',
    "case": 'while [ $# -gt 0 ]; do\n  case "$1" in\n    -*) ;;\n    *) {act} ;;\n  esac\n'
            '  shift\ndone',
}
ACTS = ['rm -rf "{a}"', 'shred -u "{a}"', 'find "{a}" -delete']


def _loop(form: str, act: str) -> str:
    """The loop, acting on the argument it is at ($2 of each option pair)."""
    return LOOPS[form].format(act=act.format(a="$2" if form == "pairs" else "$1"))


def _args(form: str, paths: list[str]) -> str:
    return " ".join(f"-f {p}" for p in paths) if form == "pairs" else " ".join(paths)


@pytest.mark.parametrize("form", LOOPS)
@pytest.mark.parametrize("act", ACTS)
def test_a_function_shifting_through_its_arguments_acts_on_each(form: str, act: str) -> None:
    text = (f"purge() {{\n{_loop(form, act)}\n}}\n"
            f"purge {_args(form, ['/tmp/ems-cache', '/srv/ems/linedata'])}\n")
    targets = {render(e.target) for e in _effects(text) if e.kind == "data-destruction"}
    assert "/srv/ems/linedata" in " ".join(targets), targets
    assert _judge(text).verdict is Verdict.DESTRUCTIVE


@pytest.mark.parametrize("form", LOOPS)
def test_a_script_shifting_through_its_command_line_acts_on_each(form: str) -> None:
    text = "#!/bin/sh\n" + _loop(form, ACTS[0]) + "\n"
    command = "/usr/local/sbin/task " + _args(form, ["/tmp/ems-cache", "/srv/ems/linedata"])
    assert _judge(text, command=command).verdict is Verdict.DESTRUCTIVE


@pytest.mark.parametrize("form", LOOPS)
def test_shifting_through_harmless_arguments_stays_quiet(form: str) -> None:
    text = f"purge() {{\n{_loop(form, ACTS[0])}\n}}\n" \
           f"purge {_args(form, ['/tmp/ems-cache', '/var/tmp/ems-spool'])}\n"
    j = _judge(text)
    assert j.verdict is not Verdict.DESTRUCTIVE and j.severity.value not in ("high", "critical")


def test_an_option_parsing_loop_stays_quiet() -> None:
    text = ("#!/bin/sh\nverbose=0\nwhile [ $# -gt 0 ]; do\n  case \"$1\" in\n"
            "    -v) verbose=1 ;;\n    -o) out=$2; shift ;;\n    *) echo \"unknown: $1\" >&2 ;;\n"
            "  esac\n  shift\ndone\nprintf '%s\\n' \"report to $out\"\n")
    j = _judge(text, command="/usr/local/sbin/task -v -o /srv/ems/linedata/report.txt")
    assert j.verdict is not Verdict.DESTRUCTIVE and j.severity.value not in ("high", "critical")


@pytest.mark.parametrize("args", ["/srv/ems/linedata -k 3", "-k 3 /srv/ems/linedata",
                                  "-k 3 /tmp/ems-cache /srv/ems/linedata"])
def test_a_shift_in_one_case_branch_does_not_skip_an_argument(args: str) -> None:
    """Every branch of a `case` is read, each from the arguments the case was reached with."""
    text = ("purge() {\n  while [ $# -gt 0 ]; do\n    case \"$1\" in\n"
            "      -k) keep=$2; shift ;;\n      *) rm -rf \"$1\" ;;\n    esac\n    shift\n"
            f"  done\n}}\npurge {args}\n")
    assert _judge(text).verdict is Verdict.DESTRUCTIVE
