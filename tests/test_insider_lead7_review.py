"""An insider's review of the session-7 engine changes (functions handed over, settings files,
uncaptured content run as code, read loops): each case is a way a destructive job came out
benign, or lineguard crashed, before the fix named in its test."""

from __future__ import annotations

import pytest

from lineguard.collector.analyse.destructive import judge
from tests.test_rules import NOW, _fire, _script_job

LINEDATA = "/srv/ems/linedata"
PY = "#!/usr/bin/python3\n"
DEEP_JSON = "[" * 100_000 + "]" * 100_000
HUGE = "9" * 5000
SETTINGS = '{"paths": {"data": "' + LINEDATA + '"}'           # the JSON document, still open


def _judged(text: str, extra: dict[str, str] | None = None):
    job, files = _script_job(text, extra=extra)
    return judge(job, files, _fire(), NOW)


def test_an_ini_file_without_a_section_header_does_not_crash_the_reading():
    # configparser rejects it; the reader took the error for a document and crashed
    j = _judged(PY + "import configparser, shutil\nc = configparser.ConfigParser()\n"
                "c.read('/etc/ems/c.ini')\nshutil.rmtree(c.get('paths', 'data'))\n"
                f"shutil.rmtree('{LINEDATA}')\n", {"etc/ems/c.ini": f"data = {LINEDATA}\n"})
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert any("etc/ems/c.ini" in r.title for r in j.reasons), [r.title for r in j.reasons]


# a settings file the job deletes a value of, made not to parse here: nesting deeper than the
# parser recurses, a number longer than Python converts (jq and Perl read both), a filter
# that is more than a path
UNPARSED = {
    "json nested too deep": (PY + "import json, shutil\nc = json.load(open('/etc/ems/c.json'))\n"
                             "shutil.rmtree(c['paths']['data'])\n", "etc/ems/c.json",
                             SETTINGS + ', "pad": ' + DEEP_JSON + "}"),
    "yaml nested too deep": (PY + "import yaml, shutil\nc = yaml.safe_load(open('/etc/ems/c.yaml'))"
                             "\nshutil.rmtree(c['paths']['data'])\n", "etc/ems/c.yaml",
                             f"paths:\n  data: {LINEDATA}\npad: " + "[" * 50_000 + "]" * 50_000),
    "perl decode_json of a huge number": (
        "#!/usr/bin/perl\nuse JSON;\nopen my $f, '<', '/etc/ems/c.json';\nlocal $/;\n"
        "my $c = decode_json(<$f>);\nsystem('rm -rf ' . $c->{paths}->{data});\n",
        "etc/ems/c.json", SETTINGS + ', "n": ' + HUGE + "}"),
    "jq of a huge number": ('#!/bin/sh\nrm -rf "$(jq -r .paths.data /etc/ems/c.json)"\n',
                            "etc/ems/c.json",
                            SETTINGS + ', "n": ' + HUGE + "}"),
    "jq filter with an alternative": (
        "#!/bin/sh\nrm -rf \"$(jq -r '.paths.data // empty' /etc/ems/c.json)\"\n",
        "etc/ems/c.json", SETTINGS + "}"),
}


@pytest.mark.parametrize(("script", "path", "text"), UNPARSED.values(), ids=UNPARSED.keys())
def test_a_settings_value_that_cannot_be_picked_out_stands_for_the_files_content(
        script: str, path: str, text: str):
    j = _judged(script, {path: text})
    assert j.verdict in ("suspicious", "destructive"), [r.title for r in j.reasons]
    assert any(LINEDATA in r.title or "<every entry in" in r.title for r in j.reasons), \
        [r.title for r in j.reasons]


@pytest.mark.parametrize("script", [
    "#!/bin/sh\nrm -rf \"$(jq -r .paths.data < /etc/ems/c.json)\"\n",
    "#!/bin/sh\nrm -rf \"$(cat /etc/ems/c.json | jq -r .paths.data)\"\n",
], ids=["redirected", "piped"])
def test_jq_reading_a_settings_file_on_its_input_picks_the_value(script: str):
    j = _judged(script, {"etc/ems/c.json": SETTINGS + "}"})
    assert j.verdict == "destructive", [r.title for r in j.reasons]


def test_a_settings_document_with_number_keys_is_indexed_by_them():
    j = _judged(PY + "import yaml, shutil\nc = yaml.safe_load(open('/etc/ems/c.yaml'))\n"
                "shutil.rmtree(c[1])\n", {"etc/ems/c.yaml": f"1: {LINEDATA}\n"})
    assert j.verdict == "destructive", [r.title for r in j.reasons]


def test_configparser_fills_in_references_as_python_does():
    ini = "[paths]\nroot = /srv/ems\nleaf = linedata\ndata = %(root)s/%(leaf)s\n"
    j = _judged(PY + "import configparser, shutil\nc = configparser.ConfigParser()\n"
                "c.read('/etc/ems/c.ini')\nshutil.rmtree(c.get('paths', 'data'))\n",
                {"etc/ems/c.ini": ini})
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert any(LINEDATA in r.title for r in j.reasons)
    # RawConfigParser does not: the value is the text as written
    j = _judged(PY + "import configparser, shutil\nc = configparser.RawConfigParser()\n"
                "c.read('/etc/ems/c.ini')\nshutil.rmtree(c.get('paths', 'data'))\n",
                {"etc/ems/c.ini": ini})
    assert not any(LINEDATA in r.title for r in j.reasons), [r.title for r in j.reasons]


# callables handed over in the forms the library documents but the table read one way only
HANDED = {
    "Thread with its arguments by position": "import threading, shutil\n"
    f"threading.Thread(None, shutil.rmtree, 'wipe', ('{LINEDATA}',)).start()",
    "Process with its arguments by position": "import multiprocessing as mp, shutil\n"
    f"mp.Process(None, shutil.rmtree, None, ('{LINEDATA}',)).start()",
    "a Timer's arguments spread from a tuple": "import threading, shutil\n"
    f"a = (5, shutil.rmtree, ['{LINEDATA}'])\nthreading.Timer(*a).start()",
    "partial of a partial": "import functools, shutil\n"
    f"f = functools.partial(functools.partial(shutil.rmtree), '{LINEDATA}')\nf()",
    "a partial of a partial called later": "import functools, shutil\nf = shutil.rmtree\n"
    f"f = functools.partial(f)\nf = functools.partial(f)\nf('{LINEDATA}')",
    "a partial handed to a timer": "import functools, threading, shutil\n"
    "f = functools.partial(shutil.rmtree)\n"
    f"threading.Timer(60, f, ['{LINEDATA}']).start()",
    "a Thread subclass started": "import threading, shutil\nclass Wipe(threading.Thread):\n"
    f"    def run(self):\n        shutil.rmtree('{LINEDATA}')\nWipe().start()",
    "an executor's map": "import concurrent.futures as cf, shutil\n"
    f"with cf.ThreadPoolExecutor() as ex:\n    ex.map(shutil.rmtree, ['{LINEDATA}'])",
    "a pool's starmap": "import multiprocessing, os\nwith multiprocessing.Pool() as p:\n"
    f"    p.starmap(os.system, [('rm -rf {LINEDATA}',)])",
}


@pytest.mark.parametrize("body", HANDED.values(), ids=HANDED.keys())
def test_a_callable_handed_over_in_a_documented_form_is_called(body: str):
    j = _judged(PY + body + "\n")
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert any(LINEDATA in r.title for r in j.reasons), [r.title for r in j.reasons]


@pytest.mark.parametrize("line", [
    'eval "x$(cat /opt/ems/cmd.txt)"',          # cmd.txt: `=1; rm -rf …`
    'eval "echo $(cat /opt/ems/cmd.txt)"',      # cmd.txt: `x; rm -rf …`
    'sh -c "true $(cat /opt/ems/cmd.txt)"',
    "x$(cat /opt/ems/cmd.txt)",                 # cmd.txt: `args rm -rf …` makes xargs
], ids=["glued to a word", "after a command", "sh -c", "a command name"])
def test_an_uncaptured_files_content_spliced_into_code_is_unseen_code(line: str):
    j = _judged("#!/bin/sh\n" + line + "\n")
    assert j.verdict in ("suspicious", "destructive"), [r.title for r in j.reasons]
    assert any("/opt/ems/cmd.txt" in r.title and "not captured" in r.title for r in j.reasons), \
        [r.title for r in j.reasons]


def test_spliced_content_does_not_hide_what_the_rest_of_the_line_does():
    j = _judged(f'#!/bin/sh\neval "rm -rf {LINEDATA} $(cat /opt/ems/cmd.txt)"\n')
    assert j.verdict == "destructive", [r.title for r in j.reasons]


CRON_LINE = f"* * * * * root rm -rf {LINEDATA}"


@pytest.mark.parametrize("script", [
    PY + f"f = open('/etc/cron.d/ems-x', 'w')\nprint('# managed', file=f)\nprint('{CRON_LINE}', file=f)\n",
    PY + f"with open('/etc/cron.d/ems-x', 'a') as f:\n    print('{CRON_LINE}', file=f)\n",
    f"#!/bin/sh\npython3 -c 'f = open(\"/etc/cron.d/ems-x\", \"w\"); print(\"{CRON_LINE}\", file=f)'"
    " | cat\n",
], ids=["a script", "a with-block appending", "an inline program whose output is read"])
def test_a_python_print_to_a_file_written_is_what_the_file_holds(script: str):
    # print(…, file=f) plants a job just as f.write(…) does
    j = _judged(script)
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert any(LINEDATA in r.title for r in j.reasons), [r.title for r in j.reasons]


@pytest.mark.parametrize("line", [
    f"perl -E 'system(\"rm -rf {LINEDATA}\")'",
    f"perl -lE 'system(\"rm -rf {LINEDATA}\")'",
    f"perl -E 'say \"rm -rf {LINEDATA}\"' | sh",
    f"perl -e '$_ = \"rm -rf {LINEDATA}\"; print' | sh",
    f"perl -e 'for (\"rm -rf {LINEDATA}\") {{ print }}' | sh",
    f"python3 -c 'import sys; print(\"rm -rf {LINEDATA}\", file=sys.stdout)' | sh",
], ids=["perl -E", "perl -lE", "say piped into sh", "a bare print of $_", "print in a for",
        "print to sys.stdout"])
def test_an_inline_program_and_what_it_prints_are_read(line: str):
    j = _judged("#!/bin/sh\n" + line + "\n")
    assert j.verdict == "destructive", [r.title for r in j.reasons]


@pytest.mark.parametrize(("ifs", "line"), [
    ("$'\\t'", f"wipe\t{LINEDATA}"),          # ANSI-C quoting: a tab
    ("$' \\t'", f"wipe {LINEDATA}"),          # a quoted value with a blank in it
    ("'\\t'", f"wipet{LINEDATA}"),            # single quotes: a backslash and a t, split at t
], ids=["ansi-c tab", "ansi-c blank and tab", "single-quoted backslash-t"])
def test_a_read_loop_splits_at_the_ifs_bash_gives_it(ifs: str, line: str):
    j = _judged(f'#!/bin/bash\nwhile IFS={ifs} read -r k v; do rm -rf "$v"; done < /etc/ems/c\n',
                {"etc/ems/c": line + "\n"})
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert any(LINEDATA in r.title for r in j.reasons), [r.title for r in j.reasons]


PERL = "#!/usr/bin/perl\n"
RM = f"system('rm -rf {LINEDATA}')"


@pytest.mark.parametrize("script", [
    PERL + f"local $SIG{{ALRM}} = sub {{ {RM} }};\nalarm 3600;\nsleep 4000;\n",
    PERL + f"sub cleanup {{ {RM} }}\n$SIG{{TERM}} = 'cleanup';\nsleep 4000;\n",
    PERL + f"sub cleanup {{ {RM} }}\n$SIG{{TERM}} = 'main::cleanup';\nsleep 4000;\n",
], ids=["local handler", "handler by name", "handler by qualified name"])
def test_a_perl_signal_handler_set_in_any_form_is_called(script: str):
    j = _judged(script)
    assert j.verdict == "destructive", [r.title for r in j.reasons]


@pytest.mark.parametrize("script", [
    PERL + f"$ENV{{P}} = '{LINEDATA}';\nsystem('rm -rf \"$P\"');\n",
    PERL + f"local $ENV{{P}} = '{LINEDATA}';\nsystem('rm -rf \"$P\"');\n",
    PERL + f"local $ENV{{P}} = '{LINEDATA}';\nsystem(\"rm -rf $ENV{{P}}\");\n",
], ids=["set", "set with local", "read back after local"])
def test_what_perl_sets_in_its_environment_is_what_the_shell_it_runs_reads(script: str):
    j = _judged(script)
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert any(LINEDATA in r.title for r in j.reasons), [r.title for r in j.reasons]


@pytest.mark.parametrize("body", [
    f"import shutil\nshutil.rmtree(p := '{LINEDATA}')\n",
    f"import shutil\nif (p := '{LINEDATA}'):\n    shutil.rmtree(p)\n",
    f"import threading, shutil\nthreading.Timer(1, (f := shutil.rmtree), ['{LINEDATA}']).start()\n",
], ids=["an argument", "a condition then its name", "a callable handed over"])
def test_an_assignment_expression_gives_its_value_and_binds_its_name(body: str):
    j = _judged(PY + body)
    assert j.verdict == "destructive", [r.title for r in j.reasons]
