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

from tests.corpus import CorpusSuite
from tests.redteam_wave5.carriers import CARRIERS
from tests.redteam_wave5.conceal import CONCEALMENTS
from tests.redteam_wave5.generate import build, counts

SUITE = CorpusSuite("redteam_wave5", build)
CORPUS, CASES = SUITE.corpus, SUITE.cases
judged = SUITE.judged()


def test_corpus_is_big_and_every_carrier_and_concealment_appears() -> None:
    malicious = [c for c in CORPUS.cases if c.malicious]
    benign = [c for c in CORPUS.cases if not c.malicious]
    assert len(malicious) >= 200 and len(benign) >= 150
    assert set(counts(malicious)["carrier"]) == set(CARRIERS) == set(counts(benign)["carrier"])
    assert set(counts(malicious)["conceal"]) == set(CONCEALMENTS)
    assert len({c.marker for c in CORPUS.cases}) == len(CORPUS.cases) == len(CASES)


test_the_corpus_is_the_same_for_the_same_seed = SUITE.same_for_the_same_seed()
test_generated_scripts_are_code_their_interpreter_accepts = SUITE.scripts_compile(
    [(".py", ["python3", "-m", "py_compile"]), (".sh", ["sh", "-n"]),
     (".js", ["node", "--check"]), (".rb", ["ruby", "-c"])])
test_known_misses_name_only_cases_of_this_corpus = SUITE.known_misses_are_cases()
test_case = SUITE.case_test()
test_every_case_reaches_lineguard_jobs = SUITE.every_case_reaches_jobs()
