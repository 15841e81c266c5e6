"""Nesting cannot hide what a script does: a deletion or a device command inside blocks nested
deeper than a reader follows (Tcl/expect and Perl `if`/`elseif`/`else`, loops, `catch`) is
still found — read flat, without the conditions around it, and said so — while the same nesting
around harmless commands stays quiet."""

from __future__ import annotations

import pytest

from lineguard.collector.model import Verdict
from tests.test_effects import _judge

DEPTHS = [14, 40, 400]          # past the Tcl reader's old limit, and past Python's recursion

TCL = {
    "if": "if {{[file exists /etc/ems/x{i}]}} {{\n{b}\n}}",
    "if-else": "if {{$a == {i}}} {{ puts a }} elseif {{$b}} {{ puts b }} else {{\n{b}\n}}",
    "foreach": "foreach h{i} {{a b}} {{\n{b}\n}}",
    "while-catch": "while {{1}} {{\ncatch {{\n{b}\n}}\nbreak\n}}",
}
PERL = {
    "if": "if (-e '/etc/ems/x{i}') {{ {b} }}",
    "elsif-else": "if (-e '/x{i}') {{ print 1; }} elsif (-e '/y{i}') {{ print 2; }} else {{ {b} }}",
    "unless": "unless (-e '/etc/ems/keep{i}') {{ {b} }}",
    "foreach": "foreach my $x{i} (1) {{ {b} }}",
}


def _nested(template: str, inner: str, depth: int) -> str:
    body = inner
    for i in range(depth):
        body = template.format(b=body, i=i)
    return body


def _loud(text: str, name: str) -> list[str]:
    j = _judge(text, name=name)
    assert j.verdict is Verdict.DESTRUCTIVE, (name, [r.title for r in j.reasons])
    return [r.title for r in j.reasons]


def _quiet(text: str, name: str) -> None:
    j = _judge(text, name=name)
    assert j.verdict is not Verdict.DESTRUCTIVE and j.severity.value not in ("high", "critical"), \
        [r.title for r in j.reasons]


@pytest.mark.parametrize("form", TCL)
@pytest.mark.parametrize("depth", DEPTHS)
def test_a_tcl_deletion_deep_in_blocks_is_found(form: str, depth: int) -> None:
    text = "#!/usr/bin/tclsh\n" + _nested(TCL[form], "exec rm -rf /srv/ems/linedata", depth) + "\n"
    titles = _loud(text, "opt/ems/bin/t.tcl")
    assert any("/srv/ems/linedata" in t for t in titles)


@pytest.mark.parametrize("form", PERL)
@pytest.mark.parametrize("depth", DEPTHS)
def test_a_perl_deletion_deep_in_blocks_is_found(form: str, depth: int) -> None:
    text = "#!/usr/bin/perl\n" + _nested(PERL[form], "system('rm -rf /srv/ems/linedata');",
                                         depth) + "\n"
    titles = _loud(text, "opt/ems/bin/t.pl")
    assert any("/srv/ems/linedata" in t for t in titles)


def test_an_expect_session_deep_in_blocks_still_sends_its_commands() -> None:
    inner = ('spawn ssh oper@atm-kobe-01\nexpect "#"\nsend "configure terminal\\r"\n'
             'send "interface ATM1/0\\r"\nsend "no pvc 1/100\\r"\nsend "end\\r"')
    text = "#!/usr/bin/expect -f\n" + _nested(TCL["if"], inner, 400) + "\n"
    assert any("no pvc 1/100" in t for t in _loud(text, "opt/ems/bin/t.exp"))


@pytest.mark.parametrize("depth", DEPTHS)
def test_the_same_nesting_around_harmless_commands_stays_quiet(depth: int) -> None:
    _quiet("#!/usr/bin/tclsh\n" + _nested(TCL["if-else"], "exec ls -l /srv/ems/linedata",
                                          depth) + "\n", "opt/ems/bin/t.tcl")
    _quiet("#!/usr/bin/perl\n" + _nested(PERL["elsif-else"], "system('ls -l /srv/ems');",
                                         depth) + "\n", "opt/ems/bin/t.pl")
