"""Names and texts a program reaches the long way round are still what they are: a builtin
fetched with getattr(__builtins__, …), a module's function taken out of vars(module) or
module.__dict__ or out of a dispatch table, a text reversed with reversed(), run through a
str.maketrans table or Perl's tr on $_, characters made by chr over $_ in a map, and a
variable set in %ENV and read back. Each form is judged by what it runs."""

from __future__ import annotations

import pytest

from lineguard.collector.analyse.destructive import judge
from tests.test_rules import NOW, _fire, _script_job

LINEDATA = "/srv/ems/linedata"
CMD = f"rm -rf {LINEDATA}"
ROT13 = CMD.translate(str.maketrans("abcdefghijklmnopqrstuvwxyz", "nopqrstuvwxyzabcdefghijklm"))

PY = {
    "getattr(__builtins__)": f"getattr(__builtins__, 'ex' + 'ec')(\"import os; os.system('{CMD}')\")",
    "builtins module": f"import builtins\ngetattr(builtins, 'ev' + 'al')(\"__import__('os').system('{CMD}')\")",
    "vars(os)": f"import os\nvars(os)['sys' + 'tem']('{CMD}')",
    "os.__dict__": f"import os\nos.__dict__['system']('{CMD}')",
    "a dispatch table of library functions": "import shutil\nops = {'clean': shutil.rmtree}\n"
                                             f"ops['clean']('{LINEDATA}')",
    "reversed()": f"import os\nos.system(''.join(reversed('{CMD[::-1]}')))",
    "str.maketrans": "import os\nt = str.maketrans('abcdefghijklmnopqrstuvwxyz', "
                     f"'nopqrstuvwxyzabcdefghijklm')\nos.system('{ROT13}'.translate(t))",
}
PL = {
    "map { chr }": "my @c = map { chr } (114, 109);\n"
                   f"system(join('', @c) . ' -rf {LINEDATA}');",
    "tr on $_": f"$_ = '{ROT13}';\ntr/a-z/n-za-m/;\nsystem($_);",
    "s/// on $_": f"$_ = 'XX -rf {LINEDATA}';\ns/XX/rm/;\nsystem($_);",
    "%ENV set and read back": f"$ENV{{JOB}} = '{CMD}';\nsystem($ENV{{JOB}});",
}


def _destroys_line_data(head: str, body: str) -> None:
    job, files = _script_job(head + body + "\n")
    j = judge(job, files, _fire(), NOW)
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert any(LINEDATA in r.title for r in j.reasons)


@pytest.mark.parametrize("body", PY.values(), ids=PY.keys())
def test_python_names_and_texts_reached_the_long_way(body):
    _destroys_line_data("#!/usr/bin/python3\n", body)


@pytest.mark.parametrize("body", PL.values(), ids=PL.keys())
def test_perl_texts_made_on_the_topic_variable_and_env(body):
    job, files = _script_job("#!/usr/bin/perl\n" + body + "\n")
    j = judge(job, files, _fire(), NOW)
    assert j.verdict == "destructive", [r.title for r in j.reasons]


def test_a_translated_text_is_reported_as_concealment():
    job, files = _script_job("#!/usr/bin/python3\n" + PY["str.maketrans"] + "\n")
    j = judge(job, files, _fire(), NOW)
    assert any("character translation" in r.title for r in j.reasons), [r.title for r in j.reasons]


def test_perl_tr_with_r_leaves_the_topic_alone():
    body = "$_ = 'logger nightly';\nmy $x = tr/a-z/A-Z/r;\nsystem($_);\nprint $x;\n"
    job, files = _script_job("#!/usr/bin/perl\n" + body)
    assert judge(job, files, _fire(), NOW).verdict == "benign"


B64 = "cm0gLXJmIC9zcnYvZW1zL2xpbmVkYXRh"      # rm -rf /srv/ems/linedata
PRINTED = {
    "perl -e print decode_base64 | sh": f"perl -MMIME::Base64 -e 'print decode_base64(\"{B64}\")' | sh",
    "python3 -c print b64decode | bash": "python3 -c 'import base64; print(base64.b64decode("
                                          f"\"{B64}\").decode())' | bash",
    "perl -e printf into a substitution": "D=$(perl -e 'printf(\"%s/%s\", \"/srv/ems\", "
                                          "\"linedata\")')\nrm -rf \"$D\"",
    "python3 -c print into a variable": "D=$(python3 -c \"print('/srv/ems/' + 'linedata')\")\n"
                                        "rm -rf \"$D\"",
}


@pytest.mark.parametrize("body", PRINTED.values(), ids=PRINTED.keys())
def test_what_an_inline_program_prints_is_its_output(body):
    _destroys_line_data("#!/bin/bash\n", body)


def test_an_inline_program_printing_a_harmless_line_into_a_shell_is_benign():
    job, files = _script_job("#!/bin/bash\npython3 -c \"print('logger nightly run')\" | sh\n")
    assert judge(job, files, _fire(), NOW).verdict == "benign"


def test_an_inline_program_printing_what_it_cannot_know_into_a_shell_is_unseen_code():
    job, files = _script_job("#!/bin/bash\npython3 -c 'import sys; print(sys.stdin.read())' "
                             "< /opt/ems/payload | sh\n")
    j = judge(job, files, _fire(), NOW)
    assert j.verdict != "benign", [r.title for r in j.reasons]
