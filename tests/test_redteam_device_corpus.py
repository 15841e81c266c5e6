"""The device red-team corpus (tests/redteam_device): device work (ATM-MIB rows, the config-copy
MIB, IOS/Junos/TL1 commands, NETCONF/RESTCONF) sent through carriers the other corpora were not
built from, and device-side jobs, planted in host roots and device configs, snapshotted by the
agent, ingested and read back from `lineguard jobs --json`. Every malicious case must reach its
expected verdict (destructive; suspicious where the code runs unseen on the device or the file
applied is not readable), no benign look-alike may be destructive or high.

Today's misses are strict xfails listed by cause in tests/redteam_device/known_misses.txt
(regenerate the ids with `python bench/redteam_device.py --misses`).
"""

from __future__ import annotations

import re
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
from tests.redteam_device.carriers import CARRIERS
from tests.redteam_device.devices import DEVICE_SIDE
from tests.redteam_device.generate import build, counts

KNOWN_MISSES = Path(__file__).parent / "redteam_device" / "known_misses.txt"
CORPUS = build()
CASES = {c.id: c for c in CORPUS.cases}
MISSES = known_misses(KNOWN_MISSES)


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    return judge_corpus(CORPUS, tmp_path_factory.mktemp("redteam-device"))


def test_corpus_is_big_and_every_carrier_appears() -> None:
    malicious = [c for c in CORPUS.cases if c.malicious]
    benign = [c for c in CORPUS.cases if not c.malicious]
    assert len(malicious) >= 150 and len(benign) >= 150
    assert set(counts(malicious)["carrier"]) == set(CARRIERS) | set(DEVICE_SIDE)
    assert len({c.marker for c in CORPUS.cases}) == len(CORPUS.cases) == len(CASES)


def test_the_corpus_is_the_same_for_the_same_seed() -> None:
    again = build()
    assert [c.id for c in again.cases] == list(CASES)
    assert [r.contents() for r in again.roots] == [r.contents() for r in CORPUS.roots]
    assert [[d.config for d in ds] for ds in again.devices] == \
        [[d.config for d in ds] for ds in CORPUS.devices]


@pytest.mark.parametrize("suffix,argv", [(".sh", ["bash", "-n"]),
                                          (".py", ["python3", "-m", "py_compile"])])
def test_generated_scripts_are_code_their_interpreter_accepts(tmp_path: Path, suffix: str,
                                                               argv: list[str]) -> None:
    """A miss must be the engine's, never a case that could not run."""
    if shutil.which(argv[0]) is None:
        pytest.skip(f"{argv[0]} not installed")
    assert uncompilable(CORPUS, suffix, argv, tmp_path) == []


def test_generated_perl_is_code_perl_accepts(tmp_path: Path) -> None:
    """perl -c over every generated Perl job, each module it uses standing in as an empty
    package that exports Net::SNMP's type constants (the modules are not installed here)."""
    if shutil.which("perl") is None:
        pytest.skip("perl not installed")
    lib = tmp_path / "lib"
    used = {m for root in CORPUS.roots for p, (t, _m) in root.contents().items()
            if p.endswith(".pl") for m in re.findall(r"^use ([A-Z][\w:]*)", t, re.M)}
    for module in used:
        stub = lib / (module.replace("::", "/") + ".pm")
        stub.parent.mkdir(parents=True, exist_ok=True)
        stub.write_text(f"package {module};\nsub import {{ no strict 'refs'; my $c = caller;\n"
                        "  *{\"${c}::$_\"} = sub () { 0 } for qw(INTEGER OCTET_STRING IPADDRESS); }\n1;\n")
    assert uncompilable(CORPUS, ".pl", ["perl", f"-I{lib}", "-c"], tmp_path) == []


def test_known_misses_name_only_cases_of_this_corpus() -> None:
    assert sorted(MISSES - set(CASES)) == []


@pytest.mark.parametrize("case_id", case_params(
    CASES, MISSES, "tests/redteam_device/known_misses.txt"))
def test_case(judged: dict[str, Outcome], case_id: str) -> None:
    o = judged[case_id]
    want = o.case.expect if o.case.malicious else "neither destructive nor high/critical"
    assert o.caught, missed(o, case_id, want)


def test_every_case_reaches_lineguard_jobs(judged: dict[str, Outcome]) -> None:
    assert [cid for cid, o in judged.items() if o.jobs == 0] == []
