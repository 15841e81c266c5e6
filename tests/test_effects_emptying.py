"""Edits that leave nothing of a file: a sed or Perl substitution that empties every line, a
file opened for writing and never written. Each left line data empty and was benign; edits
that change or rewrite lines stay below high."""

from __future__ import annotations

import pytest

from tests.test_insider_reading_review import _judge

CONF = "/srv/ems/linedata/pvc.conf"

EMPTIES = {
    "sed s/.*//": ("sh", f"sed -i 's/.*//' {CONF}"),
    "sed s|^.*$||g": ("sh", f"sed -i -e 's|^.*$||g' {CONF}"),
    "sed s/.\\+//": ("sh", f"sed -i 's/.\\+//' {CONF}"),
    "perl s/^.*$//": ("sh", f"perl -i -pe 's/^.*$//' {CONF}"),
    "perl s#.*##": ("sh", f"perl -pi -e 's#.*##' {CONF}"),
    "python with pass": ("py", f"with open('{CONF}', 'w') as f:\n    pass"),
    "python with ...": ("py", f"with open('{CONF}', mode='w') as fh:\n    ..."),
}

KEEPS = {
    "sed rename": ("sh", f"sed -i 's/atm0/ATM0/' {CONF}"),
    "perl rename": ("sh", f"perl -pi -e 's/vbr-nrt/vbr-rt/' {CONF}"),
    "python json dump": ("py", f"import json\nwith open('{CONF}', 'w') as f:\n    json.dump(rows, f)"),
    "python scratch": ("py", "with open('/var/tmp/ems/lock', 'w') as f:\n    pass"),
}


def _run(lang: str, body: str):
    name = f"opt/ems/bin/edit.{lang}"
    head = "#!/bin/sh\n" if lang == "sh" else "#!/usr/bin/python3\n"
    return _judge({name: head + body + "\n"}, "/" + name)


@pytest.mark.parametrize("name", sorted(EMPTIES))
def test_an_edit_that_empties_every_line_of_line_data_is_destructive(name):
    j = _run(*EMPTIES[name])
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert any("truncate" in r.title and CONF in r.title for r in j.reasons)


@pytest.mark.parametrize("name", sorted(KEEPS))
def test_an_edit_that_keeps_the_lines_is_not_high(name):
    j = _run(*KEEPS[name])
    assert j.verdict != "destructive" and j.severity not in ("high", "critical"), \
        [r.title for r in j.reasons]
