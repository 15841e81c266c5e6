"""The wave-9 red-team corpus (tests/redteam_wave9): line data and host data destroyed with
vocabulary no earlier corpus uses (RANCID's clogin/jlogin, CISCO-CONFIG-COPY-MIB copies onto
running-config, NETCONF over `ssh -s`, gNMI, RESTCONF PUT, TL1 over nc, block devices wiped,
databases dropped with their admin tools, archives destroyed with git plumbing, backups
deleted with their own tools, data emptied by editors, lineguard blinded, logs wiped); run by
programs that are not shells (sed `e`, awk pipes, m4, dc, ed, vim, git aliases, ssh
LocalCommand, tmux/screen, socat), other shells, Perl/Python/Tcl forms and sealed payloads;
behind dead-man, reachability, uptime, calendar, lease-age, nobody-logged-in and weeks-of-sleep
gates; planted in placements the earlier waves did not use (cron with a Python SHELL, CRON_TZ,
batch, OnFailure=, ExecCondition=, ExecStopPost=, lingering timers, rancid.conf, Oxidized
hooks, SysV init, @reboot sleepers, sleep loops) and in IOS/Junos device jobs; and the held-out
wave 9b (other phrasings of the same families, written after the fixes). A malicious case
counts only when its verdict is reached AND its job fires as its placement says; no benign
look-alike may be destructive or high.

Today's misses are strict xfails in tests/redteam_wave9/known_misses.txt (regenerate the ids
with `python bench/redteam_wave9.py --misses`)."""

from __future__ import annotations

import pytest

from tests.corpus import CorpusSuite, missed
from tests.redteam_wave9.carriers import CARRIERS, CARRIERS_9B, EVERYDAY
from tests.redteam_wave9.effects import EFFECTS, EFFECTS_9B
from tests.redteam_wave9.generate import DEVICE_WORK, HELD_OUT, build, counts, judge
from tests.redteam_wave9.placements import GATES, PLACEMENTS, PLACEMENTS_9B
from tests.triggers_wave6.generate import Timed

SUITE = CorpusSuite("redteam_wave9", build)
CORPUS, CASES = SUITE.corpus, SUITE.cases


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Timed]:
    return judge(CORPUS, tmp_path_factory.mktemp("redteam-wave9"))


def test_corpus_is_big_and_covers_every_axis() -> None:
    bad = [c for c in CORPUS.cases if c.malicious]
    good = [c for c in CORPUS.cases if not c.malicious]
    assert len(bad) >= 250 + HELD_OUT[0] and len(good) >= 150 + HELD_OUT[1]
    got = counts(bad)
    assert set(got["effect"]) == set(EFFECTS) | set(DEVICE_WORK) | set(EFFECTS_9B)
    assert set(got["carrier"]) == set(CARRIERS) | {"device"} | set(CARRIERS_9B)
    assert set(got["gate"]) == set(GATES) | {"date"}
    assert set(PLACEMENTS) | set(PLACEMENTS_9B) <= set(got["placement"])
    assert set(counts(good)["carrier"]) == set(EVERYDAY) | {"device"} | set(CARRIERS_9B)
    held_out = [c for c in CORPUS.cases if ".9b." in c.id]
    assert (sum(c.malicious for c in held_out), sum(not c.malicious for c in held_out)) == \
        HELD_OUT
    assert len({c.marker for c in CORPUS.cases}) == len(CORPUS.cases) == len(CASES)


test_the_corpus_is_the_same_for_the_same_seed = SUITE.same_for_the_same_seed(devices=True)
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
