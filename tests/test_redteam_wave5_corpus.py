"""The wave-5 red-team corpus (tests/redteam_wave5): device work and Python host work sent
through carriers the other corpora do not write — Python SSH/telnet/SNMP/NETCONF/HTTP
libraries under importlib, getattr, dispatch-table, string-assembly, rot13, exec'd-archive and
sibling-module concealment, Tcl/expect procs, Ruby net-ssh, Node ssh2, Ansible ad-hoc modules
and compiled programs — planted in host roots, snapshotted by the agent, ingested and read
back from `lineguard jobs --json`. Every malicious case must reach its expected verdict
(destructive; suspicious where the code that runs cannot be read), no benign look-alike may be
destructive or high.

Today's misses are strict xfails listed by cause in tests/redteam_wave5/known_misses.txt
(regenerate the ids with `python bench/redteam_wave5.py --misses`).
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
from tests.redteam_wave5.carriers import CARRIERS
from tests.redteam_wave5.conceal import CONCEALMENTS
from tests.redteam_wave5.generate import build, counts

KNOWN_MISSES = Path(__file__).parent / "redteam_wave5" / "known_misses.txt"
CORPUS = build()
CASES = {c.id: c for c in CORPUS.cases}
MISSES = known_misses(KNOWN_MISSES)


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    return judge_corpus(CORPUS, tmp_path_factory.mktemp("redteam-wave5"))


def test_corpus_is_big_and_every_carrier_and_concealment_appears() -> None:
    malicious = [c for c in CORPUS.cases if c.malicious]
    benign = [c for c in CORPUS.cases if not c.malicious]
    assert len(malicious) >= 200 and len(benign) >= 150
    assert set(counts(malicious)["carrier"]) == set(CARRIERS) == set(counts(benign)["carrier"])
    assert set(counts(malicious)["conceal"]) == set(CONCEALMENTS)
    assert len({c.marker for c in CORPUS.cases}) == len(CORPUS.cases) == len(CASES)


def test_the_corpus_is_the_same_for_the_same_seed() -> None:
    again = build()
    assert [c.id for c in again.cases] == list(CASES)
    assert [r.contents() for r in again.roots] == [r.contents() for r in CORPUS.roots]


@pytest.mark.parametrize("suffix,argv", [(".py", ["python3", "-m", "py_compile"]),
                                          (".sh", ["sh", "-n"]),
                                          (".js", ["node", "--check"]),
                                          (".rb", ["ruby", "-c"])])
def test_generated_scripts_are_code_their_interpreter_accepts(tmp_path: Path, suffix: str,
                                                               argv: list[str]) -> None:
    """A miss must be the engine's, never a case that could not run."""
    if shutil.which(argv[0]) is None:
        pytest.skip(f"{argv[0]} not installed")
    assert uncompilable(CORPUS, suffix, argv, tmp_path) == []


def test_known_misses_name_only_cases_of_this_corpus() -> None:
    assert sorted(MISSES - set(CASES)) == []


@pytest.mark.parametrize("case_id", case_params(
    CASES, MISSES, "tests/redteam_wave5/known_misses.txt"))
def test_case(judged: dict[str, Outcome], case_id: str) -> None:
    o = judged[case_id]
    want = o.case.expect if o.case.malicious else "neither destructive nor high/critical"
    assert o.caught, missed(o, case_id, want)


def test_every_case_reaches_lineguard_jobs(judged: dict[str, Outcome]) -> None:
    assert [cid for cid, o in judged.items() if o.jobs == 0] == []
