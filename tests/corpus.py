"""The tests every generated corpus shares (tests/test_*_corpus.py): the corpus judged end to end
once per module, every case a test of its own (a known miss a strict xfail naming its list), the
corpus the same for the same seed, the known misses naming only its cases, every generated script
code its interpreter accepts, and every case reaching `lineguard jobs`. A corpus module declares
which of these it has; what only it checks (its size and axes) stays written out there."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.adversarial.pipeline import Outcome, judge_corpus

TESTS = Path(__file__).parent
Judged = dict[str, Outcome]


@dataclass
class CorpusSuite:
    """One generated corpus under tests/`folder`, built by `build()` with its default seed."""

    folder: str
    build: Callable[[], Any]
    corpus: Any = field(init=False)
    cases: dict[str, Any] = field(init=False)       # by id, in the corpus's order
    misses: set[str] = field(init=False)             # the ids its known_misses.txt lists

    def __post_init__(self) -> None:
        self.corpus = self.build()
        self.cases = {c.id: c for c in self.corpus.cases}
        listed = (TESTS / self.folder / "known_misses.txt").read_text().splitlines()
        self.misses = {ln.split("#", 1)[0].strip() for ln in listed} - {""}

    @property
    def misses_file(self) -> str:
        return f"tests/{self.folder}/known_misses.txt"

    def judged(self) -> Callable[..., Judged]:
        """The module's `judged` fixture: every case's outcome, judged once."""
        def judged(tmp_path_factory: pytest.TempPathFactory) -> Judged:
            return judge_corpus(self.corpus, tmp_path_factory.mktemp(self.folder.replace("_", "-")))
        return pytest.fixture(scope="module", name="judged")(judged)

    def case_params(self) -> list[Any]:
        """One pytest parameter a case id; a known miss is a strict xfail naming its list."""
        xfail = pytest.mark.xfail(strict=True, reason=f"known miss: {self.misses_file}")
        return [pytest.param(cid, marks=xfail) if cid in self.misses else cid
                for cid in self.cases]

    def case_test(self) -> Callable[..., None]:
        """One test a case: a malicious one reaches its expected verdict, a benign one is
        neither destructive nor high/critical."""
        @pytest.mark.parametrize("case_id", self.case_params())
        def test_case(judged: Judged, case_id: str) -> None:
            o = judged[case_id]
            want = f"at least {o.case.expect}" if o.case.malicious \
                else "neither destructive nor high/critical"
            assert o.caught, missed(o, case_id, want)
        return test_case

    def same_for_the_same_seed(self, devices: bool = False) -> Callable[[], None]:
        def test_the_corpus_is_the_same_for_the_same_seed() -> None:
            again = self.build()
            assert [c.id for c in again.cases] == list(self.cases)
            assert [r.contents() for r in again.roots] == [r.contents() for r in self.corpus.roots]
            if devices:
                assert [[d.config for d in ds] for ds in again.devices] == \
                    [[d.config for d in ds] for ds in self.corpus.devices]
        return test_the_corpus_is_the_same_for_the_same_seed

    def known_misses_are_cases(self) -> Callable[[], None]:
        def test_known_misses_name_only_cases_of_this_corpus() -> None:
            assert sorted(self.misses - set(self.cases)) == []
        return test_known_misses_name_only_cases_of_this_corpus

    def scripts_compile(self, checks: list[tuple[str, list[str]]]) -> Callable[..., None]:
        """Every generated script ending in each suffix accepted by its syntax check (skipped
        where the interpreter is not installed)."""
        @pytest.mark.parametrize("suffix,argv", checks)
        def test_generated_scripts_are_code_their_interpreter_accepts(
                tmp_path: Path, suffix: str, argv: list[str]) -> None:
            """A miss must be the engine's, never a case that could not run."""
            if shutil.which(argv[0]) is None:
                pytest.skip(f"{argv[0]} not installed")
            assert uncompilable(self.corpus, suffix, argv, tmp_path) == []
        return test_generated_scripts_are_code_their_interpreter_accepts

    def every_case_reaches_jobs(self, unless: Callable[[Any], bool] = lambda case: False
                                ) -> Callable[[Judged], None]:
        """Every case yields at least one job in `lineguard jobs`, whatever its verdict (but
        those `unless` says may not: a mechanism the agent does not read)."""
        def test_every_case_reaches_lineguard_jobs(judged: Judged) -> None:
            assert [cid for cid, o in judged.items() if o.jobs == 0 and not unless(o.case)] == []
        return test_every_case_reaches_lineguard_jobs


def uncompilable(corpus: Any, suffix: str, argv: list[str], scratch: Path
                 ) -> list[tuple[str, str]]:
    """The generated scripts ending in `suffix` that `argv` (a syntax check) refuses, with why:
    a miss must be the engine's, never a case that could not run. Raises if there are none."""
    scripts = [(p, t) for root in corpus.roots for p, (t, _m) in root.contents().items()
               if p.endswith(suffix)]
    assert scripts, f"no {suffix} scripts in the corpus"
    bad = []
    for n, (path, text) in enumerate(scripts):
        f = scratch / f"s{n}{suffix}"
        f.write_text(text)
        r = subprocess.run([*argv, str(f)], capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            bad.append((path, r.stderr.strip()[:200]))
    return bad


def missed(o: Outcome, case_id: str, want: str) -> str:
    """Why a case failed: its verdict, severity and rules, and what it should have reached."""
    return f"{case_id} [{o.case.marker}]: {o.verdict}/{o.severity} rules={list(o.rules)}; want {want}"
