"""A short fuzzing pass in the normal suite over every reader of untrusted input (the wire
format, ingest, host schedule files, device configs and walks, the agent's text readers): no
crash, no traceback. Derandomised and without per-example deadlines, so it is the same run on a
loaded machine; bench/fuzz.py runs the long one (100,000+ cases). Hostile scripts (shapes that
make tree-sitter or the walker work hard) finish within a CPU budget, with a verdict, and what a
bound left unread is never benign."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings

from lineguard.collector.analyse.effects import bounds
from lineguard.collector.analyse.effects.judge import clear_cache
from lineguard.collector.model import VERDICTS, Judgement
from tests.fuzzing import HOSTILE_SCRIPTS, TARGETS, FuzzTarget, judge_script

SHORT = settings(max_examples=25, derandomize=True, deadline=None, database=None,
                 suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_no_input_crashes_the_reader(target: FuzzTarget) -> None:
    @SHORT
    @given(target.strategy)
    def reads_without_crashing(value) -> None:
        target.check(value)

    reads_without_crashing()


def test_a_digit_python_cannot_count_with_is_a_bad_field_not_a_crash() -> None:
    """Found by bench/fuzz.py: '²' passes str.isdigit() but not int()."""
    from tests.fuzzing import _judge_host
    _judge_host("anacrontab", "etc/anacrontab", "1 ² job1 /bin/true\n² 5 job2 /bin/true\n")
    _judge_host("crontab", "etc/crontab", "² * * * * root /bin/true\n")


# Generous: a parse costs at most about twice PARSE_SECONDS, a reading READ_SECONDS past that
# (both lowered below, so that each case hitting a bound costs seconds, not a minute).
CPU_BUDGET_S = 60.0


@pytest.fixture
def low_bounds(monkeypatch):
    monkeypatch.setattr(bounds, "PARSE_SECONDS", 1.0)
    monkeypatch.setattr(bounds, "READ_SECONDS", 4.0)
    clear_cache()


def _within_budget(text: str) -> tuple[Judgement, float]:
    start = time.process_time()
    j = judge_script(text)
    spent = time.process_time() - start
    assert spent < CPU_BUDGET_S, f"{spent:.1f} s of CPU for {text[:80]!r}…"
    assert j.verdict in VERDICTS
    return j, spent


def _gave_up(j: Judgement) -> bool:
    return any("too costly" in r.title for r in j.reasons)


def test_hostile_scripts_finish_within_a_cpu_budget_with_a_verdict(low_bounds) -> None:
    @settings(max_examples=12, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(HOSTILE_SCRIPTS)
    def bounded(script: tuple[str, str]) -> None:
        j, _ = _within_budget(script[1])
        if _gave_up(j):
            assert j.verdict != "benign"       # what was not read is never called harmless

    bounded()


@pytest.mark.parametrize(("what", "text"), [
    # tree-sitter-perl is quadratic in nested calls: 300 KB would take it minutes
    ("perl parse", "#!/usr/bin/perl\n" + "eval(" * 60_000 + "1" + ")" * 60_000 + ";\n"),
    # tree-sitter-bash in here-document starts on one line
    ("shell parse", "#!/bin/sh\ncat " + " ".join(f"<<E{i}" for i in range(40_000)) + "\n"),
    # the walker: statements enough to pass the bound before the line that matters
    ("shell walk", "#!/bin/sh\n" + "if [ -f /x ]; then echo a; fi\n" * 19_000
     + "rm -rf /srv/ems/linedata\n"),
])
def test_a_script_that_hits_a_bound_is_unread_and_says_so_never_benign(low_bounds, monkeypatch,
                                                                       what, text) -> None:
    if what == "shell walk":
        monkeypatch.setattr(bounds, "READ_SECONDS", 0.2)   # 19,000 statements take longer
    j, _ = _within_budget(text)
    assert _gave_up(j), (what, [r.title for r in j.reasons])
    assert j.verdict == "suspicious" and j.severity != "info"
    [reason] = [r for r in j.reasons if "too costly" in r.title]
    assert ("tree-sitter gave up" in reason.title) == what.endswith("parse"), reason.title

