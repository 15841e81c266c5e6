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

from pathlib import Path

import pytest

from tests.adversarial.generate import AXES, Corpus, build, counts
from tests.adversarial.pipeline import Outcome, judge_corpus
from tests.adversarial.syntax import problems

KNOWN_MISSES = Path(__file__).parent / "adversarial" / "known_misses.txt"
CORPUS = build()
CASES = {c.id: c for c in CORPUS.cases}


def known_misses() -> set[str]:
    return {ln.split("#", 1)[0].strip() for ln in KNOWN_MISSES.read_text().splitlines()} - {""}


MISSES = known_misses()


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    return judge_corpus(CORPUS, tmp_path_factory.mktemp("adversarial"))


def test_corpus_is_big_and_every_axis_value_appears_many_times() -> None:
    malicious = [c for c in CORPUS.cases if c.malicious]
    benign = [c for c in CORPUS.cases if not c.malicious]
    assert len(malicious) >= 300 and len(benign) >= 300
    for group in (malicious, benign):
        for axis, seen in counts(group).items():
            assert min(seen.values()) >= 10, (axis, seen)
    assert len(CASES) == len(CORPUS.cases), "case ids must be unique"
    assert len({c.marker for c in CORPUS.cases}) == len(CORPUS.cases)


def test_the_corpus_is_the_same_for_the_same_seed() -> None:
    again = build()
    assert [c.id for c in again.cases] == list(CASES)
    assert [r.contents() for r in again.roots] == [r.contents() for r in CORPUS.roots]
    assert [d.config for ds in again.devices for d in ds] == \
        [d.config for ds in CORPUS.devices for d in ds]


def _scripts(corpus: Corpus) -> dict[str, str]:
    return {f"root{i}/{path}": text for i, root in enumerate(corpus.roots)
            for path, (text, _mode) in root.contents().items()}


def test_every_generated_script_is_code_its_interpreter_accepts() -> None:
    """A miss must be the engine's, never a case that could not run."""
    scripts = _scripts(CORPUS)
    assert sum(1 for p in scripts if p.endswith((".py", ".pl", ".exp", ".sh"))) > 400
    assert problems(scripts) == []


def test_every_case_reaches_lineguard_jobs(judged: dict[str, Outcome]) -> None:
    lost = [cid for cid, o in judged.items() if o.jobs == 0]
    assert lost == []


def test_known_misses_name_only_cases_of_this_corpus() -> None:
    assert sorted(MISSES - set(CASES)) == []


def _params() -> list:
    return [pytest.param(cid, marks=pytest.mark.xfail(
        strict=True, reason="known miss: tests/adversarial/known_misses.txt"))
            if cid in MISSES else cid for cid in CASES]


@pytest.mark.parametrize("case_id", _params())
def test_case(judged: dict[str, Outcome], case_id: str) -> None:
    o = judged[case_id]
    want = (f"at least {o.case.expect}" if o.case.malicious
            else "neither destructive nor high/critical")
    assert o.caught, (f"{case_id} [{o.case.marker}]: {o.verdict}/{o.severity} "
                      f"rules={list(o.rules)}; want {want}")


def test_axes_are_the_four_of_the_issue() -> None:
    assert AXES == ("effect", "language", "concealment", "scheduler")
