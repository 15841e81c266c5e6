"""The generated adversarial corpus (issue 9, "Must show"): malicious jobs built from effect x
language x concealment x scheduler, and benign look-alikes built the same way, planted in host
roots and saved device configs, snapshotted by the agent, ingested, and read back from
`lineguard jobs --json`. Every malicious case must be destructive (suspicious where its code is
downloaded and so unseen); no benign one may be destructive or high/critical.

Today's misses are listed, one id per line, in tests/adversarial/known_misses.txt and run as
strict xfails: the suite stays green, and a fix that catches a case fails until its id is
removed from the list. `python bench/adversarial.py` prints the detection rate per axis.
"""

from __future__ import annotations

from tests.adversarial.generate import AXES, Corpus, build, counts
from tests.adversarial.syntax import problems
from tests.corpus import CorpusSuite

SUITE = CorpusSuite("adversarial", build)
CORPUS, CASES = SUITE.corpus, SUITE.cases
judged = SUITE.judged()


def test_corpus_is_big_and_every_axis_value_appears_many_times() -> None:
    malicious = [c for c in CORPUS.cases if c.malicious]
    benign = [c for c in CORPUS.cases if not c.malicious]
    assert len(malicious) >= 300 and len(benign) >= 300
    for group in (malicious, benign):
        for axis, seen in counts(group).items():
            assert min(seen.values()) >= 10, (axis, seen)
    assert len(CASES) == len(CORPUS.cases), "case ids must be unique"
    assert len({c.marker for c in CORPUS.cases}) == len(CORPUS.cases)


test_the_corpus_is_the_same_for_the_same_seed = SUITE.same_for_the_same_seed(devices=True)


def _scripts(corpus: Corpus) -> dict[str, str]:
    return {f"root{i}/{path}": text for i, root in enumerate(corpus.roots)
            for path, (text, _mode) in root.contents().items()}


def test_every_generated_script_is_code_its_interpreter_accepts() -> None:
    """A miss must be the engine's, never a case that could not run."""
    scripts = _scripts(CORPUS)
    assert sum(1 for p in scripts if p.endswith((".py", ".pl", ".exp", ".sh"))) > 400
    assert problems(scripts) == []


test_every_case_reaches_lineguard_jobs = SUITE.every_case_reaches_jobs()
test_known_misses_name_only_cases_of_this_corpus = SUITE.known_misses_are_cases()
test_case = SUITE.case_test()


def test_axes_are_the_four_of_the_issue() -> None:
    assert AXES == ("effect", "language", "concealment", "scheduler")
