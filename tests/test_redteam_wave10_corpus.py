"""The wave-10 red-team corpus (tests/redteam_wave10): restore backups made hollow, baselines
and line data corrupted or deleted a few files a run, EMS database rows emptied, ATM-MIB rows
destroyed through RowStatus, EMS northbound REST deletes, TL1 by hand, device configuration
replaced or rolled back; run by tclsh, expect, awk over a data file, Python 2 idioms, unusual
Perl switches, busybox, make, ansible, SQL clients' shell escapes, jq and `printf %b`, or
hidden in a file an earlier run wrote, a crontab's comments or an environment file; behind run
counters, armed flags, host/epoch/day-of-year gates and long sleeps; planted in
a virtualenv's sitecustomize.py or .pth, `.path` units, RANCID's post-commit hook, incron spools, EnvironmentFile=
commands and logrotate firstaction; and the held-out wave 10b. A malicious case counts only
when its verdict is reached AND its job fires as its placement says; no benign look-alike may
be destructive or high.

Today's misses are strict xfails in tests/redteam_wave10/known_misses.txt (regenerate the ids
with `python bench/redteam_wave10.py --misses`)."""

from __future__ import annotations

import pytest

from tests.corpus import CorpusSuite, missed
from tests.redteam_wave10.carriers import CARRIERS, CARRIERS_10B, EVERYDAY
from tests.redteam_wave10.effects import EFFECTS, EFFECTS_10B
from tests.redteam_wave10.generate import HELD_OUT, build, counts, judge
from tests.redteam_wave10.placements import GATES, PLACEMENTS, PLACEMENTS_10B
from tests.triggers_wave6.generate import Timed

SUITE = CorpusSuite("redteam_wave10", build)
CORPUS, CASES = SUITE.corpus, SUITE.cases


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Timed]:
    return judge(CORPUS, tmp_path_factory.mktemp("redteam-wave10"))


def test_corpus_is_big_and_covers_every_axis() -> None:
    bad = [c for c in CORPUS.cases if c.malicious]
    good = [c for c in CORPUS.cases if not c.malicious]
    assert len(bad) >= 300 + HELD_OUT[0] and len(good) >= 150 + HELD_OUT[1]
    got = counts(bad)
    assert set(got["effect"]) == set(EFFECTS) | set(EFFECTS_10B)
    assert set(got["carrier"]) == set(CARRIERS) | set(CARRIERS_10B)
    assert set(got["gate"]) == set(GATES)
    assert set(got["placement"]) == set(PLACEMENTS) | set(PLACEMENTS_10B)
    assert set(counts(good)["carrier"]) == set(EVERYDAY) | set(CARRIERS_10B)
    held_out = [c for c in CORPUS.cases if ".10b." in c.id]
    assert (sum(c.malicious for c in held_out), sum(not c.malicious for c in held_out)) == \
        HELD_OUT
    assert len({c.marker for c in CORPUS.cases}) == len(CORPUS.cases) == len(CASES)


test_the_corpus_is_the_same_for_the_same_seed = SUITE.same_for_the_same_seed(devices=False)
test_generated_scripts_are_code_their_interpreter_accepts = SUITE.scripts_compile(
    [(".sh", ["bash", "-n"]), (".py", ["python3", "-m", "py_compile"])])
test_known_misses_name_only_cases_of_this_corpus = SUITE.known_misses_are_cases()


@pytest.mark.parametrize("case_id", SUITE.case_params())
def test_case(judged: dict[str, Timed], case_id: str) -> None:
    """A malicious case reaches its verdict and fires as its placement says; a benign one is
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
