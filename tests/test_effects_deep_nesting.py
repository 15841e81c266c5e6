"""Nesting cannot hide what a Perl script does: a deletion inside blocks nested deeper than the
reader recurses (`if`/`elsif`/`else`, `unless`, loops) is still found — read flat, without the
conditions around it, and said so — while the same nesting around harmless commands stays
quiet."""

from __future__ import annotations

import pytest

from lineguard.collector.model import Verdict
from tests.test_effects import _judge

DEPTHS = [40, 400]              # within, and past, the recursion the reader can follow

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


@pytest.mark.parametrize("form", PERL)
@pytest.mark.parametrize("depth", DEPTHS)
def test_a_perl_deletion_deep_in_blocks_is_found(form: str, depth: int) -> None:
    text = "#!/usr/bin/perl\n" + _nested(PERL[form], "system('rm -rf /srv/ems/linedata');",
                                         depth) + "\n"
    titles = _loud(text, "opt/ems/bin/t.pl")
    assert any("/srv/ems/linedata" in t for t in titles)


@pytest.mark.parametrize("depth", DEPTHS)
def test_the_same_nesting_around_harmless_commands_stays_quiet(depth: int) -> None:
    _quiet("#!/usr/bin/perl\n" + _nested(PERL["elsif-else"], "system('ls -l /srv/ems');",
                                         depth) + "\n", "opt/ems/bin/t.pl")
