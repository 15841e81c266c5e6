"""The held-out corpus (tests/heldout): destructive jobs and benign look-alikes built from
techniques the adversarial corpus was not generated from, planted in host roots, snapshotted by
the agent, ingested and read back from `lineguard jobs --json`. It measures how the detection
generalises: every malicious case must be destructive, no benign one destructive or high.

Today's misses are strict xfails listed in tests/heldout/known_misses.txt (regenerate with
`python bench/heldout.py --misses`): a fix that catches a case fails until its id is removed.
Cases on mechanisms the agent does not read (generate.UNSUPPORTED, ids hu…) and the control of
plain payloads under each scheduler (ids hc…) are judged and listed the same way, but counted
apart by bench/heldout.py.
"""

from __future__ import annotations

from tests.corpus import CorpusSuite
from tests.heldout.generate import SCHEDULERS, TECHNIQUES, build, counts, group

SUITE = CorpusSuite("heldout", build)
CORPUS, CASES = SUITE.corpus, SUITE.cases
judged = SUITE.judged()


def test_corpus_is_big_and_every_technique_appears() -> None:
    read = [c for c in CORPUS.cases if group(c) == "measured"]
    malicious = [c for c in read if c.malicious]
    benign = [c for c in read if not c.malicious]
    assert len(malicious) >= 150 and len(benign) >= 150
    assert len([c for c in CORPUS.cases if group(c) == "unread"]) >= 25
    control = [c for c in CORPUS.cases if group(c) == "control"]
    assert counts(control)["scheduler"] == {s: 3 for s in SCHEDULERS}
    assert set(counts(malicious)["technique"]) == set(TECHNIQUES)
    assert min(counts(malicious)["technique"].values()) >= 4
    assert min(counts(benign)["scheduler"].values()) >= 10
    assert len(CASES) == len(CORPUS.cases)
    assert len({c.marker for c in CORPUS.cases}) == len(CORPUS.cases)


test_the_corpus_is_the_same_for_the_same_seed = SUITE.same_for_the_same_seed()
test_generated_scripts_are_code_their_interpreter_accepts = SUITE.scripts_compile(
    [(".sh", ["bash", "-n"]), (".run", ["sh", "-n"]), (".py", ["python3", "-m", "py_compile"]),
     (".pl", ["perl", "-c"])])
test_known_misses_name_only_cases_of_this_corpus = SUITE.known_misses_are_cases()
test_case = SUITE.case_test()
# a case on a mechanism the agent reads always yields a job, whatever its verdict
test_every_measured_case_reaches_lineguard_jobs = SUITE.every_case_reaches_jobs(
    unless=lambda case: group(case) == "unread")
