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

from tests.corpus import CorpusSuite, uncompilable
from tests.redteam_device.carriers import CARRIERS
from tests.redteam_device.devices import DEVICE_SIDE
from tests.redteam_device.generate import build, counts

SUITE = CorpusSuite("redteam_device", build)
CORPUS, CASES = SUITE.corpus, SUITE.cases
judged = SUITE.judged()


def test_corpus_is_big_and_every_carrier_appears() -> None:
    malicious = [c for c in CORPUS.cases if c.malicious]
    benign = [c for c in CORPUS.cases if not c.malicious]
    assert len(malicious) >= 150 and len(benign) >= 150
    assert set(counts(malicious)["carrier"]) == set(CARRIERS) | set(DEVICE_SIDE)
    assert len({c.marker for c in CORPUS.cases}) == len(CORPUS.cases) == len(CASES)


test_the_corpus_is_the_same_for_the_same_seed = SUITE.same_for_the_same_seed(devices=True)
test_generated_scripts_are_code_their_interpreter_accepts = SUITE.scripts_compile(
    [(".sh", ["bash", "-n"]), (".py", ["python3", "-m", "py_compile"])])


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


test_known_misses_name_only_cases_of_this_corpus = SUITE.known_misses_are_cases()
test_case = SUITE.case_test()
test_every_case_reaches_lineguard_jobs = SUITE.every_case_reaches_jobs()
