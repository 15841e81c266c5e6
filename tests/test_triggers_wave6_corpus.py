"""The wave-6 placement corpus (tests/triggers_wave6): destructive jobs planted where the earlier
corpora did not plant them — tmpfiles.d, generators, top-level and prefix drop-ins,
RuntimeMaxSec, socket Exec lines, transient OnActiveSec timers, zoned calendars, update-motd,
~/.ssh/rc, .pth files, core_pattern, modprobe, completion files, DHCP/networkd hooks, kernel
hooks, git hooks run by a cron pull, supervisord, monit, pam_exec in cron, PROMPT_COMMAND,
private run-parts folders and anacrontabs, global user units, and device-side EEM/kron/Junos
jobs — snapshotted by the agent, ingested and read back from `lineguard jobs --json`. A
malicious case counts only when its verdict is reached AND its job fires as the placement says
(trigger kind, exact next fire); no benign look-alike may be destructive or high.

Today's misses are strict xfails listed in tests/triggers_wave6/known_misses.txt
(regenerate the ids with `python bench/triggers_wave6.py --misses`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.adversarial.pipeline import case_params, known_misses, missed, uncompilable
from tests.triggers_wave6.devices import DEVICE_PLACEMENTS
from tests.triggers_wave6.generate import Timed, build, counts, judge
from tests.triggers_wave6.placements import HOST_PLACEMENTS

KNOWN_MISSES = Path(__file__).parent / "triggers_wave6" / "known_misses.txt"
CORPUS = build()
CASES = {c.id: c for c in CORPUS.cases}
MISSES = known_misses(KNOWN_MISSES)


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Timed]:
    return judge(CORPUS, tmp_path_factory.mktemp("triggers-wave6"))


def test_corpus_is_big_and_every_placement_appears_in_both_halves() -> None:
    malicious = [c for c in CORPUS.cases if c.malicious]
    benign = [c for c in CORPUS.cases if not c.malicious]
    assert len(malicious) >= 120 and len(benign) >= 80
    every = set(HOST_PLACEMENTS) | set(DEVICE_PLACEMENTS)
    assert set(counts(malicious)["placement"]) == every == set(counts(benign)["placement"])
    assert set(counts(malicious)["gate"]) == {"none", "date", "flag"}
    assert len({c.marker for c in CORPUS.cases}) == len(CORPUS.cases) == len(CASES)


def test_the_corpus_is_the_same_for_the_same_seed() -> None:
    again = build()
    assert [c.id for c in again.cases] == list(CASES)
    assert [r.contents() for r in again.roots] == [r.contents() for r in CORPUS.roots]


@pytest.mark.parametrize("suffix,argv", [(".py", ["python3", "-m", "py_compile"]),
                                          (".sh", ["sh", "-n"])])
def test_generated_programs_are_code_their_interpreter_accepts(tmp_path: Path, suffix: str,
                                                                argv: list[str]) -> None:
    if shutil.which(argv[0]) is None:
        pytest.skip(f"{argv[0]} not installed")
    assert uncompilable(CORPUS, suffix, argv, tmp_path) == []


def test_known_misses_name_only_cases_of_this_corpus() -> None:
    assert sorted(MISSES - set(CASES)) == []


@pytest.mark.parametrize("case_id", case_params(
    CASES, MISSES, "tests/triggers_wave6/known_misses.txt"))
def test_case(judged: dict[str, Timed], case_id: str) -> None:
    t = judged[case_id]
    o = t.outcome
    if not o.case.malicious:
        assert o.caught, missed(o, case_id, "neither destructive nor high/critical")
        return
    assert o.caught, missed(o, case_id, o.case.expect)
    assert t.timed, missed(o, case_id, f"a job firing as {o.case.fire}")


def test_every_case_reaches_lineguard_jobs(judged: dict[str, Timed]) -> None:
    assert [cid for cid, t in judged.items() if t.outcome.case.malicious and t.outcome.jobs == 0
            and cid not in MISSES] == []
