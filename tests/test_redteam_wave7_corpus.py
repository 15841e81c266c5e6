"""The wave-7 red-team corpus (tests/redteam_wave7): PVC, VP-link and cross-connect rows
destroyed over SNMP, IOS/Junos/TL1 sessions and RESTCONF deletes removing circuits, line data
and databases destroyed on the host — written in awk, jq-built shell, make `$(shell)`,
`python3 -c` with importlib/getattr/codecs, pickle and marshal payloads, Python, Perl, Node.js
and Tcl libraries, heredocs into interpreters and interpreters lineguard cannot parse; hidden
by bash features (indirect expansion, `printf -v`, mapfile, BASH_FUNC_ exports, aliases,
`source <(…)`, traps, BASH_ENV/ENV, PROMPT_COMMAND, command_not_found_handle, coprocs,
here-strings, computed names); gated by day of year, epoch, file age, run counters, random
delays or host name; planted under cron names/ranges/steps/leap day/day-of-month-or-weekday,
@reboot with a sleep, at queues, transient and stepped/ranged/randomized/user systemd timers
and anacron delays. A malicious case counts only when its verdict is reached AND its job fires
as its scheduler says; no benign look-alike may be destructive or high.

Today's misses are strict xfails in tests/redteam_wave7/known_misses.txt (regenerate the ids
with `python bench/redteam_wave7.py --misses`)."""

from __future__ import annotations

import subprocess

import pytest

from tests.corpus import CorpusSuite, missed
from tests.redteam_wave7.carriers import CARRIERS
from tests.redteam_wave7.conceal import CONCEALMENTS, GATES
from tests.redteam_wave7.effects import ADDED_BENIGN, ADDED_MALICIOUS, BENIGN, MALICIOUS
from tests.redteam_wave7.generate import SCHEDULERS, Timed, build, counts, judge

SUITE = CorpusSuite("redteam_wave7", build)
CORPUS, CASES = SUITE.corpus, SUITE.cases


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Timed]:
    return judge(CORPUS, tmp_path_factory.mktemp("redteam-wave7"))


def test_corpus_is_big_and_covers_every_axis() -> None:
    bad = [c for c in CORPUS.cases if c.malicious]
    good = [c for c in CORPUS.cases if not c.malicious]
    assert len(bad) >= 240 and len(good) >= 160
    want = {"effect": set(MALICIOUS) | set(ADDED_MALICIOUS), "carrier": set(CARRIERS),
            "conceal": set(CONCEALMENTS), "gate": set(GATES), "scheduler": set(SCHEDULERS)}
    for axis, values in want.items():
        assert set(counts(bad)[axis]) == values, axis
    assert set(counts(good)["effect"]) == set(BENIGN) | set(ADDED_BENIGN)
    # session 7's addendum: every added effect through every carrier
    added = [c for c in bad if c.effect in ADDED_MALICIOUS]
    assert set(counts(added)["carrier"]) == set(CARRIERS)
    assert set(counts(good)["carrier"]) == set(CARRIERS)
    assert len({c.marker for c in CORPUS.cases}) == len(CORPUS.cases) == len(CASES)


def test_every_job_command_and_script_is_shell_bash_accepts() -> None:
    bad = [(c.id, r.stderr.strip()) for c in CORPUS.cases
           if (r := subprocess.run(["bash", "-n", "-c", c.command], capture_output=True,
                                   text=True)).returncode]
    assert bad == []


test_the_corpus_is_the_same_for_the_same_seed = SUITE.same_for_the_same_seed()
# (no `make -n` check: make evaluates `$(shell …)` while reading a makefile, even with -n)
test_generated_scripts_are_code_their_interpreter_accepts = SUITE.scripts_compile(
    [(".sh", ["bash", "-n"]), (".py", ["python3", "-m", "py_compile"]),
     (".pl", ["perl", "-c"]), (".js", ["node", "--check"])])
test_known_misses_name_only_cases_of_this_corpus = SUITE.known_misses_are_cases()


@pytest.mark.parametrize("case_id", SUITE.case_params())
def test_case(judged: dict[str, Timed], case_id: str) -> None:
    """A malicious case reaches its verdict and fires as its scheduler says; a benign one is
    neither destructive nor high/critical."""
    t = judged[case_id]
    o = t.outcome
    if not o.case.malicious:
        assert o.caught, missed(o, case_id, "neither destructive nor high/critical")
        return
    assert o.caught, missed(o, case_id, f"at least {o.case.expect}")
    assert t.timed, missed(o, case_id, f"a job firing as {o.case.fire}")


def test_every_case_reaches_lineguard_jobs(judged: dict[str, Timed]) -> None:
    assert [cid for cid, t in judged.items() if t.outcome.jobs == 0] == []
