"""The wave-8 red-team corpus (tests/redteam_wave8): line data and host data destroyed with
tools no earlier corpus uses (find -exec/-execdir and xargs, rsync --delete from an empty
folder, tar --remove-files, mv onto /dev/null, truncate over globs, MySQL/PostgreSQL/SQLite
clients fed from files and here-strings, expect/Tcl scripts, Perl Net::SSH2/Net::Telnet::Cisco/
Net::SNMP, Python paramiko/telnetlib/pysnmp hlapi/easysnmp/ncclient, httpie and curl against
RESTCONF/NETCONF, TL1 over socat/ncat/openssl s_client); hidden by bash value machinery
(arrays, namerefs, pattern substitution, substrings, case folding, IFS splitting, brace
expansion, functions defined by eval, sourced configs, here-string reads, xargs, parallel,
env -S, busybox, Perl/Python launching the line); planted in event-driven trigger formats and
daemons (udev, logrotate, apt, ifupdown, NetworkManager, pam_exec, ForceCommand,
authorized_keys, incron, path units, profile.d, usercustomize, jobs planting jobs, mail
aliases, .forward, Zabbix, NRPE, keepalived, inittab, xinetd, system-sleep, acpid, smartd,
audit plugins, ppp; and, held out after the fixes, OpenVPN, postfix pipes, procmail,
fail2ban, telegraf, upsmon, mdadm). A malicious case counts only when its verdict is reached AND its job
fires as its placement says; no benign look-alike may be destructive or high.

Today's misses are strict xfails in tests/redteam_wave8/known_misses.txt (regenerate the ids
with `python bench/redteam_wave8.py --misses`)."""

from __future__ import annotations

import subprocess

import pytest

from tests.corpus import CorpusSuite, missed
from tests.redteam_wave8.conceal import CONCEALMENTS
from tests.redteam_wave8.generate import Timed, build, counts, judge
from tests.redteam_wave8.placements import PLACEMENTS, PLACEMENTS_8B
from tests.redteam_wave8.tools import BENIGN, MALICIOUS

SUITE = CorpusSuite("redteam_wave8", build)
CORPUS, CASES = SUITE.corpus, SUITE.cases


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Timed]:
    return judge(CORPUS, tmp_path_factory.mktemp("redteam-wave8"))


def test_corpus_is_big_and_covers_every_axis() -> None:
    bad = [c for c in CORPUS.cases if c.malicious]
    good = [c for c in CORPUS.cases if not c.malicious]
    assert len(bad) >= 320 and len(good) >= 200
    want = {"tool": set(MALICIOUS), "conceal": set(CONCEALMENTS),
            "placement": set(PLACEMENTS) | set(PLACEMENTS_8B)}
    for axis, values in want.items():
        assert set(counts(bad)[axis]) == values, axis
    assert set(counts(good)["tool"]) == set(BENIGN)
    assert set(counts(good)["placement"]) == set(PLACEMENTS) | set(PLACEMENTS_8B)
    assert len({c.marker for c in CORPUS.cases}) == len(CORPUS.cases) == len(CASES)


def test_every_generated_shell_file_is_shell_bash_accepts() -> None:
    bad = []
    for root in CORPUS.roots:
        for path, (text, _mode) in root.contents().items():
            if text.startswith(("#!/bin/bash", "#!/bin/sh")):
                r = subprocess.run(["bash", "-n"], input=text, capture_output=True, text=True)
                if r.returncode:
                    bad.append((path, r.stderr.strip()))
    assert bad == []


test_the_corpus_is_the_same_for_the_same_seed = SUITE.same_for_the_same_seed()
test_generated_scripts_are_code_their_interpreter_accepts = SUITE.scripts_compile(
    [(".sh", ["bash", "-n"]), (".py", ["python3", "-m", "py_compile"])])
test_known_misses_name_only_cases_of_this_corpus = SUITE.known_misses_are_cases()


@pytest.mark.parametrize("case_id", SUITE.case_params())
def test_case(judged: dict[str, Timed], case_id: str) -> None:
    """A malicious case reaches its verdict and fires as its placement says; a benign one is
    neither destructive nor high/critical."""
    t = judged[case_id]
    o = t.outcome
    if not o.case.malicious:
        assert o.caught, missed(o, case_id, "neither destructive nor high/critical")
        return
    assert o.caught, missed(o, case_id, f"at least {o.case.expect}")
    assert t.timed, missed(o, case_id, f"a job firing as {o.case.fire}")


def test_every_case_reaches_lineguard_jobs(judged: dict[str, Timed]) -> None:
    assert [cid for cid, t in judged.items() if t.outcome.jobs == 0] == []
