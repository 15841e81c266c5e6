"""The red-team corpus (tests/redteam): host-side destructive jobs and benign look-alikes built
from payloads (destroyers, database statements, volume wipes, scheduler and lineguard blinding,
erased traces), techniques (languages, shell indirection, interpreters fed by here-documents,
deferred work, gates) and triggers that neither tests/adversarial nor tests/heldout generates,
planted in host roots, snapshotted by the agent, ingested and read back from
`lineguard jobs --json`. Every malicious case must be destructive, no benign one destructive or
high.

Today's misses are strict xfails listed in tests/redteam/known_misses.txt with their cause
(regenerate the ids with `python bench/redteam.py --misses`): a fix that catches a case fails
until its id is removed.
"""

from __future__ import annotations

from tests.corpus import CorpusSuite
from tests.redteam.generate import TRIGGERS, build, counts
from tests.redteam.payloads import BENIGN, MALICIOUS
from tests.redteam.techniques import TECHNIQUES

SUITE = CorpusSuite("redteam", build)
CORPUS, CASES = SUITE.corpus, SUITE.cases
judged = SUITE.judged()


def test_corpus_is_big_and_every_axis_is_covered() -> None:
    malicious = [c for c in CORPUS.cases if c.malicious]
    benign = [c for c in CORPUS.cases if not c.malicious]
    assert len(malicious) >= 150 and len(benign) >= 150
    assert set(counts(malicious)["technique"]) == set(TECHNIQUES)
    assert set(counts(malicious)["goal"]) == set(MALICIOUS)
    assert set(counts(benign)["goal"]) == set(BENIGN)
    assert set(counts(malicious)["trigger"]) == set(TRIGGERS)
    assert min(counts(malicious)["technique"].values()) >= 6
    assert min(counts(benign)["trigger"].values()) >= 6
    assert len({c.marker for c in CORPUS.cases}) == len(CORPUS.cases) == len(CASES)


test_the_corpus_is_the_same_for_the_same_seed = SUITE.same_for_the_same_seed()
test_generated_scripts_are_code_their_interpreter_accepts = SUITE.scripts_compile(
    [(".sh", ["bash", "-n"]), (".py", ["python3", "-m", "py_compile"])])
test_known_misses_name_only_cases_of_this_corpus = SUITE.known_misses_are_cases()
test_case = SUITE.case_test()
test_every_case_reaches_lineguard_jobs = SUITE.every_case_reaches_jobs()
