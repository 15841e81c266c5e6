"""An insider's review of the session-8 engine changes (a judgement kept per reading and job,
sub and function texts read once, names set to a literal written into the strings of programs
in languages lineguard does not parse): each case is a way a destructive job came out quieter
than before the change, or the collector stalled, before the fix named in its test."""

from __future__ import annotations

import pytest

from lineguard.collector.analyse.destructive import judge
from lineguard.collector.analyse.effects.scripting import with_values
from tests.test_rules import NOW, _fire, _script_job

LINEDATA = "/srv/ems/linedata"
PHP, JS, RB, LUA = "#!/usr/bin/php\n<?php\n", "#!/usr/bin/env node\n", "#!/usr/bin/ruby\n", \
    "#!/usr/bin/lua\n"
EXEC_JS = "require('child_process').execSync"


def _judged(ext: str, text: str):
    job, files = _script_job(text, name=f"opt/ems/bin/purge.{ext}")
    return judge(job, files, _fire(), NOW)


# A name set once to a harmless literal, then bound again to what nobody knows (a value from
# outside, a parameter, a loop, an in-place change): the literal was written into the command
# and the job came out benign, where before the change the name stood unknown and the
# deletion under the line data was critical.
REBOUND = {
    "php reassigned from argv": ("php", PHP + f"$d = 'tmp';\n$d = $argv[1];\n"
                                 f"system(\"rm -rf {LINEDATA}/$d\");\n"),
    "php appended to": ("php", PHP + f"$d = 'tmp';\n$d .= $argv[1];\n"
                        f"system(\"rm -rf {LINEDATA}/$d\");\n"),
    "php parameter": ("php", PHP + f"$d = 'tmp';\nfunction purge($d) {{ system(\"rm -rf "
                      f"{LINEDATA}/$d\"); }}\npurge($argv[1]);\n"),
    "php reference": ("php", PHP + f"$d = 'tmp';\n$r = &$d;\n$r = $argv[1];\n"
                      f"system(\"rm -rf {LINEDATA}/$d\");\n"),
    "php foreach": ("php", PHP + f"$d = 'tmp';\nforeach ($argv as $d) {{ system(\"rm -rf "
                    f"{LINEDATA}/$d\"); }}\n"),
    "js reassigned": ("js", JS + f"let d = 'tmp';\nd = process.env.D;\n"
                      f"{EXEC_JS}(`rm -rf {LINEDATA}/${{d}}`);\n"),
    "js parameter": ("js", JS + f"const d = 'tmp';\nfunction purge(d) {{ {EXEC_JS}(`rm -rf "
                     f"{LINEDATA}/${{d}}`); }}\npurge(process.argv[2]);\n"),
    "js arrow parameter": ("js", JS + f"const d = 'tmp';\nprocess.argv.forEach((d) => "
                           f"{EXEC_JS}('rm -rf {LINEDATA}/' + d));\n"),
    "js for of": ("js", JS + f"const d = 'tmp';\nfor (const d of process.argv) {{ "
                  f"{EXEC_JS}(`rm -rf {LINEDATA}/${{d}}`); }}\n"),
    "ruby reassigned": ("rb", RB + f"d = 'tmp'\nd = ARGV[0]\nsystem(\"rm -rf {LINEDATA}/#{{d}}\")\n"),
    "ruby or-assigned": ("rb", RB + f"d = 'tmp'\nd ||= ARGV[0]\nd += ARGV[1]\n"
                         f"system(\"rm -rf {LINEDATA}/#{{d}}\")\n"),
    "ruby block parameter": ("rb", RB + f"d = 'tmp'\nARGV.each {{ |d| system(\"rm -rf "
                             f"{LINEDATA}/#{{d}}\") }}\n"),
    "ruby changed in place": ("rb", RB + f"d = 'tmp'\nd.replace(ARGV[0])\n"
                              f"system(\"rm -rf {LINEDATA}/#{{d}}\")\n"),
    "ruby appended in place": ("rb", RB + f"d = 'tmp'\nd << ARGV[0]\n"
                               f"system(\"rm -rf {LINEDATA}/#{{d}}\")\n"),
    "lua reassigned": ("lua", LUA + f"local d = 'tmp'\nd = arg[1]\n"
                       f"os.execute('rm -rf {LINEDATA}/' .. d)\n"),
    "lua for in": ("lua", LUA + f"local d = 'tmp'\nfor _, d in ipairs(arg) do\n"
                   f"  os.execute('rm -rf {LINEDATA}/' .. d)\nend\n"),
}


@pytest.mark.parametrize("ext, text", REBOUND.values(), ids=REBOUND.keys())
def test_a_name_bound_again_is_not_its_first_literal(ext: str, text: str) -> None:
    j = _judged(ext, text)
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert j.severity == "critical", [r.title for r in j.reasons]


def test_a_name_set_once_and_only_read_still_has_its_value() -> None:
    # the fix does not give up the value where nothing else binds the name
    j = _judged("rb", RB + f"d = '{LINEDATA}'\nputs d\nsystem(\"rm -rf #{{d}}\")\n")
    assert j.verdict == "destructive" and any(LINEDATA in r.title for r in j.reasons)
    assert with_values("php", PHP + "$d = '/a';\nif ($d == '/b') {}\necho \"$d\";\n") \
        .endswith('echo "/a";\n')


# Inputs the new text passes took time growing with the square (or cube) of their length: a
# program of a few hundred kilobytes held the collector for minutes to hours, before any
# reading bound is looked at. Each still holds a deletion of the line data, found.
STALLS = {
    # every pattern followed to the end of its line for a deletion (280 KB: 197 s)
    "patterns on one line": "Dir.glob('/var/tmp/a') " * 80_000,
    # `#{` and spaces with no `}`: tried for every split of the spaces (20 KB: ~1 h)
    "an open interpolation": '"#{ ' + " " * 200_000 + '"',
    "an open template": "`${ " + " " * 200_000 + "`",
    # a quote left open with escaped quotes after it: each quote followed to the end (60 KB: 15 s)
    "an open string": 'x = "' + '\\"a' * 200_000,
    # joins copied their whole left side at each join
    "many joins": "a = '" + "y" * 100 + "'\nx = 'a' " + "+ a " * 100_000,
    # a long value written into a string many times over
    "a value written many times": "a = '" + "y" * 50_000 + "'\nputs \"" + "#{a}" * 50_000 + '"',
}


@pytest.mark.parametrize("body", STALLS.values(), ids=STALLS.keys())
def test_crafted_text_does_not_hold_the_collector(body: str) -> None:
    text = RB + f"system('rm -rf {LINEDATA}')\n" + body + "\n"
    assert len(with_values("ruby", text)) < 20 * len(text)
    j = _judged("rb", text)
    assert j.verdict == "destructive", [r.title for r in j.reasons]


# Names a function does not see, or that a definition takes over: PHP's functions see no
# variable set outside them (an unset $d is empty: the whole directory), a Ruby or Lua
# method of that name is what the name calls inside a method.
UNSEEN = {
    "php function scope": ("php", PHP + f"$d = 'tmp';\nfunction purge() {{ system(\"rm -rf "
                           f"{LINEDATA}/{{$d}}\"); }}\npurge();\n"),
    "ruby method of that name": ("rb", RB + f"d = 'tmp'\ndef d\n  ARGV[0]\nend\ndef purge\n"
                                 f"  system(\"rm -rf {LINEDATA}/#{{d}}\")\nend\npurge\n"),
}


@pytest.mark.parametrize("ext, text", UNSEEN.values(), ids=UNSEEN.keys())
def test_a_name_a_function_does_not_see_is_not_its_outer_literal(ext: str, text: str) -> None:
    j = _judged(ext, text)
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert j.severity == "critical", [r.title for r in j.reasons]


# A literal that is not its text: escapes (PHP, JavaScript and Lua read \x2e as ".") or, in
# double quotes, what the language writes into it. Its escapes were dropped (x2ex2e), so a
# deletion of the line data read as one under /var/tmp.
NOT_PLAIN = {
    "php hex escapes": ("php", PHP + '$d = "\\x2e\\x2e/\\x2e\\x2e/\\x2e\\x2e/srv/ems/linedata";\n'
                        'system("rm -rf /var/tmp/cache/$d");\n'),
    "js unicode escapes": ("js", JS + "const d = '\\u002e\\u002e/\\u002e\\u002e/\\u002e\\u002e"
                           "/srv/ems/linedata';\n" f"{EXEC_JS}('rm -rf /var/tmp/cache/' + d);\n"),
    "lua hex escapes": ("lua", LUA + "local d = '\\x2e\\x2e/\\x2e\\x2e/\\x2e\\x2e/srv/ems/linedata'\n"
                        "os.execute('rm -rf /var/tmp/cache/' .. d)\n"),
    "ruby interpolated literal": ("rb", RB + "d = \"#{ARGV[0]}\"\n"
                                  f"system(\"rm -rf {LINEDATA}/#{{d}}\")\n"),
}


@pytest.mark.parametrize("ext, text", NOT_PLAIN.values(), ids=NOT_PLAIN.keys())
def test_a_literal_with_escapes_or_interpolation_is_not_its_text(ext: str, text: str) -> None:
    j = _judged(ext, text)
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert j.severity == "critical", [r.title for r in j.reasons]
