"""Programs in languages lineguard does not parse (Ruby, PHP, Node, Lua) are read from their
literal strings (effects/scripting.py). A value set once and used in a string is part of that
string when the program runs (`d = '/srv/x'; system("rm -rf #{d}")`, `'rm -rf ' . $d`), and a
deletion of every file a pattern names is a deletion of that pattern."""

from __future__ import annotations

import pytest

from lineguard.collector.analyse.effects.judge import judge
from lineguard.collector.analyse.effects.scripting import with_values
from lineguard.collector.model import Severity
from tests.test_rules import NOW, _fire, _script_job

_DATA = "/srv/ems/linedata"

DESTROYS = {
    "ruby interpolation": ("rb", f"#!/usr/bin/ruby\nd = '{_DATA}'\nsystem(\"rm -rf #{{d}}\")\n"),
    "ruby constant": ("rb", f'#!/usr/bin/ruby\nDATA_DIR = "{_DATA}"\n'
                            'puts "cleaning"\n`rm -rf #{DATA_DIR}`\n'),
    "ruby concatenation": ("rb", f"#!/usr/bin/ruby\nd = '{_DATA}'\nsystem('rm -rf ' + d)\n"),
    "php concatenation": ("php", f"#!/usr/bin/php\n<?php\n$d = '{_DATA}';\nsystem('rm -rf ' . $d);\n"),
    "php interpolation": ("php", f"#!/usr/bin/php\n<?php\n$d = '{_DATA}';\nshell_exec(\"rm -rf $d\");\n"),
    "php braces": ("php", f"#!/usr/bin/php\n<?php\n$d = \"{_DATA}\";\npassthru(\"rm -rf {{$d}}/*\");\n"),
    "lua concatenation": ("lua", f"#!/usr/bin/lua\nlocal d = '{_DATA}'\nos.execute('rm -rf ' .. d)\n"),
    "node template": ("js", f"#!/usr/bin/env node\nconst d = '{_DATA}';\n"
                            "require('child_process').execSync(`rm -rf ${d}`);\n"),
    "node concatenation": ("js", f"#!/usr/bin/env node\nlet d = \"{_DATA}\";\n"
                                 "require('child_process').execSync('rm -rf ' + d + '/pvc');\n"),
    "ruby glob each": ("rb", f"#!/usr/bin/ruby\nDir.glob('{_DATA}/*').each {{ |f| File.delete(f) }}\n"),
    "ruby rm_rf of a glob": ("rb", f"#!/usr/bin/ruby\nrequire 'fileutils'\nFileUtils.rm_rf(Dir['{_DATA}/*'])\n"),
    "php unlink each": ("php", f"#!/usr/bin/php\n<?php\narray_map('unlink', glob('{_DATA}/*'));\n"),
    "ruby value joined twice": ("rb", "#!/usr/bin/ruby\nbase = '/srv/ems'\nsub = 'linedata'\n"
                                      "system('rm -rf ' + base + '/' + sub)\n"),
}


@pytest.mark.parametrize("ext, text", DESTROYS.values(), ids=DESTROYS.keys())
def test_a_value_set_once_is_part_of_the_string_that_deletes(ext: str, text: str) -> None:
    job, files = _script_job(text, name=f"opt/ems/bin/purge.{ext}")
    j = judge(job, files, _fire(), NOW)
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert any("/srv/ems/linedata" in r.title for r in j.reasons if r.severity >= Severity.HIGH)


QUIET = {
    "ruby logger": ("rb", "#!/usr/bin/ruby\nmsg = 'backup done'\nsystem(\"logger #{msg}\")\n"),
    "ruby bounded cache": ("rb", "#!/usr/bin/ruby\nd = '/var/tmp/ems-cache'\n"
                                 "system(\"find #{d} -mtime +7 -delete\")\n"),
    "php temp files": ("php", "#!/usr/bin/php\n<?php\n$d = '/var/cache/cacti';\n"
                              "exec('rm -f ' . $d . '/*.tmp');\n"),
    "node report": ("js", "#!/usr/bin/env node\nconst out = '/var/www/report.html';\n"
                          "require('child_process').execSync(`cp /tmp/r.html ${out}`);\n"),
}


@pytest.mark.parametrize("ext, text", QUIET.values(), ids=QUIET.keys())
def test_housekeeping_in_an_unread_language_stays_below_high(ext: str, text: str) -> None:
    job, files = _script_job(text, name=f"opt/ems/bin/tidy.{ext}")
    j = judge(job, files, _fire(), NOW)
    assert j.verdict != "destructive" and j.severity < Severity.HIGH, [r.title for r in j.reasons]
    assert any(r.rule.startswith("lg.unparsed") or "cannot read" in r.title for r in j.reasons)


def test_a_name_set_to_two_values_or_from_outside_stands_as_unknown() -> None:
    twice = with_values("ruby", "d = '/a'\nd = '/b'\nsystem(\"rm -rf #{d}\")\n")
    outside = with_values("ruby", "system(\"rm -rf #{ARGV[0]}\")\n")
    for text in (twice, outside):
        assert "/a" not in text.split("\n")[-2] and "\x01" in text     # an unknown marker


def test_lines_keep_their_numbers() -> None:
    text = f"#!/usr/bin/ruby\n# purge\nd = '{_DATA}'\n\nsystem(\"rm -rf #{{d}}\")\n"
    assert with_values("ruby", text).count("\n") == text.count("\n")
    job, files = _script_job(text, name="opt/ems/bin/purge.rb")
    r = next(r for r in judge(job, files, _fire(), NOW).reasons if r.rule == "lg.host.rm-linedata")
    assert r.line == 5
