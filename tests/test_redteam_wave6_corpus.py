"""The wave-6 red-team corpus (tests/redteam_wave6): host destruction through programs and
device sessions no earlier wave writes, hidden by bash features and handed to carriers that run
a command in their own syntax (make, m4, sed `e`, tar checkpoints, ssh ProxyCommand, gdb, vim,
git, sqlite3, psql, awk getline, other shells, wrappers, interpreters' spawn APIs), planted in
host roots, snapshotted, ingested and read back from `lineguard jobs --json`. The shared tests
of a generated corpus come from tests/corpus.py; today's misses are strict xfails by cause in
tests/redteam_wave6/known_misses.txt (`python bench/redteam_wave6.py --misses` regenerates the
ids)."""

from __future__ import annotations

import shlex
import subprocess

from tests.corpus import CorpusSuite
from tests.redteam_wave6.carriers import CARRIERS, CONCEALMENTS
from tests.redteam_wave6.generate import SCHEDULERS, build
from tests.redteam_wave6.work import builders

SUITE = CorpusSuite("redteam_wave6", build)
CORPUS, CASES = SUITE.corpus, SUITE.cases
judged = SUITE.judged()


def test_corpus_is_big_and_covers_every_axis() -> None:
    bad = [c for c in CORPUS.cases if c.malicious]
    assert len(bad) >= 200 and len(CORPUS.cases) - len(bad) >= 150
    axes = {"work": builders(True), "carrier": CARRIERS, "conceal": ["plain", *CONCEALMENTS],
            "scheduler": SCHEDULERS}
    for axis, values in axes.items():
        assert {getattr(c, axis) for c in bad} == set(values), axis
    assert len({c.marker for c in CORPUS.cases}) == len(CORPUS.cases) == len(CASES)


def test_every_job_command_is_shell_a_scheduler_can_run() -> None:
    bad = [(c.id, r.stderr.strip()) for c in CORPUS.cases
           if (r := subprocess.run(["bash", "-n", "-c", c.command], capture_output=True,
                                   text=True)).returncode]
    assert bad == []


def test_the_corpus_is_the_same_for_the_same_seed() -> None:
    again = build()
    assert [shlex.join([c.id, c.command]) for c in again.cases] == \
        [shlex.join([c.id, c.command]) for c in CORPUS.cases]
    assert [r.contents() for r in again.roots] == [r.contents() for r in CORPUS.roots]


test_generated_scripts_are_code_their_interpreter_accepts = SUITE.scripts_compile(
    [(".sh", ["bash", "-n"]), (".py", ["python3", "-m", "py_compile"]),
     (".mk", ["make", "-n", "-f"])])
test_known_misses_name_only_cases_of_this_corpus = SUITE.known_misses_are_cases()
test_case = SUITE.case_test()
test_every_case_reaches_lineguard_jobs = SUITE.every_case_reaches_jobs()
