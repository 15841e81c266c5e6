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

import shutil
from pathlib import Path

import pytest

from tests.adversarial.pipeline import (
    Outcome,
    case_params,
    judge_corpus,
    known_misses,
    missed,
    uncompilable,
)
from tests.redteam.generate import TRIGGERS, build, counts
from tests.redteam.payloads import BENIGN, MALICIOUS
from tests.redteam.techniques import TECHNIQUES

KNOWN_MISSES = Path(__file__).parent / "redteam" / "known_misses.txt"
CORPUS = build()
CASES = {c.id: c for c in CORPUS.cases}
MISSES = known_misses(KNOWN_MISSES)


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    return judge_corpus(CORPUS, tmp_path_factory.mktemp("redteam"))


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


def test_the_corpus_is_the_same_for_the_same_seed() -> None:
    again = build()
    assert [c.id for c in again.cases] == list(CASES)
    assert [r.contents() for r in again.roots] == [r.contents() for r in CORPUS.roots]


@pytest.mark.parametrize("suffix,argv", [(".sh", ["bash", "-n"]),
                                          (".py", ["python3", "-m", "py_compile"])])
def test_generated_scripts_are_code_their_interpreter_accepts(tmp_path: Path, suffix: str,
                                                               argv: list[str]) -> None:
    """A miss must be the engine's, never a case that could not run."""
    if shutil.which(argv[0]) is None:
        pytest.skip(f"{argv[0]} not installed")
    assert uncompilable(CORPUS, suffix, argv, tmp_path) == []


def test_known_misses_name_only_cases_of_this_corpus() -> None:
    assert sorted(MISSES - set(CASES)) == []


@pytest.mark.parametrize("case_id", case_params(
    CASES, MISSES, "tests/redteam/known_misses.txt"))
def test_case(judged: dict[str, Outcome], case_id: str) -> None:
    o = judged[case_id]
    want = "destructive" if o.case.malicious else "neither destructive nor high/critical"
    assert o.caught, missed(o, case_id, want)


def test_every_case_reaches_lineguard_jobs(judged: dict[str, Outcome]) -> None:
    assert [cid for cid, o in judged.items() if o.jobs == 0] == []
