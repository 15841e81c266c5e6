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
from tests.heldout.generate import SCHEDULERS, TECHNIQUES, build, counts, group

KNOWN_MISSES = Path(__file__).parent / "heldout" / "known_misses.txt"
CORPUS = build()
CASES = {c.id: c for c in CORPUS.cases}
MISSES = known_misses(KNOWN_MISSES)


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    return judge_corpus(CORPUS, tmp_path_factory.mktemp("heldout"))


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


def test_the_corpus_is_the_same_for_the_same_seed() -> None:
    again = build()
    assert [c.id for c in again.cases] == list(CASES)
    assert [r.contents() for r in again.roots] == [r.contents() for r in CORPUS.roots]


@pytest.mark.parametrize("suffix,argv", [(".sh", ["bash", "-n"]), (".run", ["sh", "-n"]),
                                          (".py", ["python3", "-m", "py_compile"]),
                                          (".pl", ["perl", "-c"])])
def test_generated_scripts_are_code_their_interpreter_accepts(tmp_path: Path, suffix: str,
                                                               argv: list[str]) -> None:
    """A miss must be the engine's, never a case that could not run."""
    if shutil.which(argv[0]) is None:
        pytest.skip(f"{argv[0]} not installed")
    assert uncompilable(CORPUS, suffix, argv, tmp_path) == []


def test_known_misses_name_only_cases_of_this_corpus() -> None:
    assert sorted(MISSES - set(CASES)) == []


@pytest.mark.parametrize("case_id", case_params(
    CASES, MISSES, "tests/heldout/known_misses.txt"))
def test_case(judged: dict[str, Outcome], case_id: str) -> None:
    o = judged[case_id]
    want = "destructive" if o.case.malicious else "neither destructive nor high/critical"
    assert o.caught, missed(o, case_id, want)


def test_every_measured_case_reaches_lineguard_jobs(judged: dict[str, Outcome]) -> None:
    """A case on a mechanism the agent reads always yields a job, whatever its verdict."""
    lost = [cid for cid, o in judged.items() if o.jobs == 0 and group(o.case) != "unread"]
    assert lost == []
