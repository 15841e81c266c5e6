"""An insider with operator access who has read lineguard's source, against what session 7's
engine added: settings files read by jq/yq/Python/Perl, lists read back line by line. Every
test here failed before its fix (the attack succeeded)."""

from __future__ import annotations

import pytest

from tests.test_insider_reading_review import LINE_DATA, _judge

SETTINGS = "opt/ems/etc/purge.json"
LIST = "opt/ems/etc/purge.list"
HARMLESS = "/var/tmp/ems/cache/old"


def _loud(j) -> None:
    """Never benign: destructive, or the list it deletes is said to be unknown."""
    assert j.verdict != "benign" and any(r.rule in ("lg.host.rm-linedata", "lg.host.rm-unseen-list")
                                         for r in j.reasons), \
        [(r.rule, r.title) for r in j.reasons]


def _destructive(j) -> None:
    assert j.verdict == "destructive" and j.severity in ("high", "critical"), \
        [(r.rule, r.title) for r in j.reasons]


# --- a file captured harmless and rewritten at run time ---------------------------------------

REWRITTEN = {
    # the captured settings file names a cache; the job writes the line data over it first
    "echo-json": (f"echo '{{\"data\": \"{LINE_DATA}\"}}' > /{SETTINGS}\n"
                  f"rm -rf \"$(jq -r .data /{SETTINGS})\"\n", True),
    "append": (f"echo {LINE_DATA} >> /{LIST}\nfor d in $(cat /{LIST}); do rm -rf \"$d\"; done\n",
               True),
    "sed-i-json": (f"sed -i 's#{HARMLESS}#{LINE_DATA}#' /{SETTINGS}\n"
                   f"rm -rf \"$(jq -r .data /{SETTINGS})\"\n", False),
    "sed-i-list": (f"sed -i 's#{HARMLESS}#{LINE_DATA}#' /{LIST}\n"
                   f"for d in $(cat /{LIST}); do rm -rf \"$d\"; done\n", False),
    "perl-pi": (f"perl -pi -e 's#{HARMLESS}#{LINE_DATA}#' /{LIST}\nxargs rm -rf < /{LIST}\n",
                False),
    "curl-json": (f"curl -s http://10.0.0.5/p.json -o /{SETTINGS}\n"
                  f"rm -rf \"$(jq -r .data /{SETTINGS})\"\n", False),
    "curl-list": (f"curl -s http://10.0.0.5/p -o /{LIST}\n"
                  f"while read d; do rm -rf \"$d\"; done < /{LIST}\n", False),
    "cp-list": (f"cp /home/oper/x /{LIST}\nrm -rf $(head -1 /{LIST})\n", False),
}


@pytest.mark.parametrize("name", sorted(REWRITTEN))
def test_a_settings_file_or_list_the_job_rewrites_is_not_read_as_captured(name):
    """The agent captured the file naming a cache directory; the job rewrites it (or edits,
    downloads, copies over it) and then deletes what it names: each was judged by the
    captured text, benign."""
    body, known = REWRITTEN[name]
    j = _judge({"opt/ems/bin/purge.sh": "#!/bin/sh\n" + body,
                SETTINGS: f'{{"data": "{HARMLESS}"}}\n', LIST: HARMLESS + "\n"},
               "/opt/ems/bin/purge.sh")
    (_destructive if known else _loud)(j)


PY_REWRITTEN = {
    "json": (f"open('/{SETTINGS}', 'w').write('{{\"data\": \"{LINE_DATA}\"}}')\n"
             f"shutil.rmtree(json.load(open('/{SETTINGS}'))['data'])\n"),
    "lines": (f"with open('/{LIST}', 'w') as f:\n    f.write('{LINE_DATA}')\n"
              f"for d in open('/{LIST}'):\n    shutil.rmtree(d.strip())\n"),
}


@pytest.mark.parametrize("name", sorted(PY_REWRITTEN))
def test_a_file_a_python_job_rewrites_is_read_as_written(name):
    j = _judge({"opt/ems/bin/purge.py": "#!/usr/bin/python3\nimport json, shutil\n"
                + PY_REWRITTEN[name], SETTINGS: f'{{"data": "{HARMLESS}"}}\n',
                LIST: HARMLESS + "\n"}, "/opt/ems/bin/purge.py")
    _destructive(j)


def test_a_perl_job_reading_a_list_it_downloaded_is_not_read_as_captured():
    j = _judge({"opt/ems/bin/purge.pl": "#!/usr/bin/perl\nuse File::Path qw(rmtree);\n"
                f"system('curl -s http://10.0.0.5/p -o /{LIST}');\n"
                f"open(my $fh, '<', '/{LIST}');\nwhile (my $d = <$fh>) {{ chomp $d; rmtree($d); }}\n",
                LIST: HARMLESS + "\n"}, "/opt/ems/bin/purge.pl")
    _loud(j)


@pytest.mark.parametrize("loop", [
    "for d in open('/{f}'):\n    shutil.rmtree(d.strip())\n",
    "for d in open('/{f}').readlines():\n    shutil.rmtree(d.strip())\n",
    "[shutil.rmtree(d.strip()) for d in open('/{f}')]\n",
])
def test_a_python_loop_over_a_one_line_list_deletes_that_line(loop):
    """A captured list of one line: the loop was read as going through the characters of
    a text (benign); with a second line it was destructive."""
    j = _judge({"opt/ems/bin/purge.py": "#!/usr/bin/python3\nimport shutil\n"
                + loop.replace("{f}", LIST), LIST: LINE_DATA + "\n"}, "/opt/ems/bin/purge.py")
    _destructive(j)


def test_a_file_the_job_only_reads_is_still_read_as_captured():
    """What the agent captured still decides where the job does not touch the file."""
    for body in (f"rm -rf \"$(jq -r .data /{SETTINGS})\"\n",
                 f"for d in $(cat /{LIST}); do rm -rf \"$d\"; done\n",
                 f"echo done >> /var/log/ems/purge.log\nxargs rm -rf < /{LIST}\n"):
        j = _judge({"opt/ems/bin/purge.sh": "#!/bin/sh\n" + body,
                    SETTINGS: f'{{"data": "{HARMLESS}"}}\n', LIST: HARMLESS + "\n"},
                   "/opt/ems/bin/purge.sh")
        assert j.verdict == "benign", [(r.rule, r.title) for r in j.reasons]


# --- YAML 1.1 and 1.2 ------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "path"), [
    (f"on: {LINE_DATA}\n", ".on"),
    (f"paths:\n  yes: {LINE_DATA}\n  cache: {HARMLESS}\n", ".paths.yes"),
    (f"paths:\n  off: {LINE_DATA}\n", '.paths["off"]'),
])
def test_a_yaml_key_read_as_a_boolean_by_one_yq_and_a_name_by_the_other_is_followed(text, path):
    """`on:` is the boolean true to PyYAML (YAML 1.1): `.on` found nothing (null, benign),
    while the Go yq (YAML 1.2) prints the line data's path."""
    name = "opt/ems/etc/purge.yaml"
    j = _judge({"opt/ems/bin/purge.sh": f"#!/bin/sh\nrm -rf \"$(yq -r '{path}' /{name})\"\n",
                name: text}, "/opt/ems/bin/purge.sh")
    _destructive(j)


# --- a value parked under a secret's name, masked by the agent --------------------------------

MASKED_VALUES = {
    # the path to delete, the payload to run, the program to run: one word each, under a name
    # the agent masks (…TOKEN=, …SECRET=, token = '…'), so the collector saw only its hash
    "path": f"#!/bin/sh\nAPI_TOKEN={LINE_DATA}\nrm -rf \"$API_TOKEN\"\n",
    "payload": "#!/bin/sh\nSECRET=cm0gLXJmIC9zcnYvZW1zL2xpbmVkYXRh\necho $SECRET | base64 -d | sh\n",
    "program": "#!/bin/sh\nSYNC_TOKEN=/home/oper/.w\n\"$SYNC_TOKEN\" --all\n",
    "python": f"#!/usr/bin/python3\nimport shutil\ntoken = '{LINE_DATA}'\nshutil.rmtree(token)\n",
    "python-exec": "#!/usr/bin/python3\nimport base64\n"
                   "token = 'aW1wb3J0IHNodXRpbDsgc2h1dGlsLnJtdHJlZSgnL3Nydi9lbXMvbGluZWRhdGEnKQ=='\n"
                   "exec(base64.b64decode(token))\n",
    "perl": f"#!/usr/bin/perl\nuse File::Path qw(rmtree);\nmy %c = (secret => '{LINE_DATA}');\n"
            "rmtree($c{secret});\n",
}


def _collected(tmp_path, script: str):
    from lineguard.agent.sources.host import HostLimits
    from tests.hostroot import write
    from tests.test_dropin_evidence import PASSWD
    from tests.test_insider_session7_review import _judged_with
    root = tmp_path / "r"
    write(root, "etc/passwd", PASSWD)
    write(root, "etc/timezone", "UTC\n")
    write(root, "etc/cron.d/ems", "0 2 * * * root /opt/ems/bin/nightly\n")
    write(root, "opt/ems/bin/nightly", script, 0o755)
    target, judged = _judged_with(root, HostLimits())
    (art,) = [a for a in target.artifacts if a.name == "opt/ems/bin/nightly"]
    return art.text(), judged["/opt/ems/bin/nightly"][1]


@pytest.mark.parametrize("name", sorted(MASKED_VALUES))
def test_a_value_the_agent_masks_as_a_secret_is_not_a_quiet_one(tmp_path, name):
    """The agent masks the value (as it must: a token is a secret), and the collector judged
    `rm -rf lg-masked:…` a relative path (benign), the payload's hash undone as garbage (medium),
    the masked program as one it gives no meaning to (benign). A secret is never what a job
    deletes or runs: doing so with one is high."""
    text, verdict = _collected(tmp_path, MASKED_VALUES[name])
    assert "lg-masked:hmac-sha256:" in text and LINE_DATA not in text     # masked
    assert verdict.severity in ("high", "critical"), [(r.rule, r.title) for r in verdict.reasons]
    assert any("masked as a secret" in r.title for r in verdict.reasons), verdict.reasons


@pytest.mark.parametrize("script", [
    "#!/bin/sh\nmysql -ps3cr3t ems -e 'select 1' > /var/tmp/ems/ping\n",
    "#!/bin/sh\nexport PGPASSWORD=s3cr3t\npg_dump ems > /var/backups/ems.sql\n",
    "#!/bin/sh\nsnmpget -v2c -c s3cr3t atm-kobe-01 1.3.6.1.2.1.1.3.0\n",
    "#!/bin/sh\nAPI_TOKEN=abc123\ncurl -s -H \"Authorization: Bearer $API_TOKEN\" https://nms/api/poll\n",
    "#!/usr/bin/python3\nimport requests\ntoken = 'abc123'\nrequests.get('https://nms/api', headers={'X-Token': token})\n",
])
def test_secrets_used_as_secrets_stay_quiet(tmp_path, script):
    text, verdict = _collected(tmp_path, script)
    assert "lg-masked:hmac-sha256:" in text
    assert verdict.severity not in ("high", "critical"), [(r.rule, r.title) for r in verdict.reasons]
    assert not any("masked" in r.title for r in verdict.reasons)


# --- Python a reader had no rule for --------------------------------------------------------

RMTREE = f"shutil.rmtree('{LINE_DATA}')"
PY_FORMS = {
    # statements and expressions the reader passed over: benign
    "match": f"match 1:\n    case 1:\n        {RMTREE}\n",
    "match-in-function": f"def main(a):\n    match a:\n        case 'x':\n            {RMTREE}\nmain('x')\n",
    "except-star": f"try:\n    pass\nexcept* ValueError:\n    {RMTREE}\n",
    "while-else": f"while False:\n    pass\nelse:\n    {RMTREE}\n",
    "assert": f"assert {RMTREE} or True\n",
    "raise": f"raise SystemExit({RMTREE})\n",
    "not": f"if not {RMTREE}:\n    pass\n",
    "compare": f"if {RMTREE} is None:\n    pass\n",
    "dict-comprehension": f"d = {{k: {RMTREE} for k in [1]}}\n",
    "generator": f"def g():\n    yield {RMTREE}\nlist(g())\n",
    "class-body": f"class A:\n    {RMTREE}\n",
    # run by Python as a class or function is made, or when an attribute is read: "in
    # a function nothing calls" (low)
    "default-value": f"def f(x={RMTREE}):\n    pass\n",
    "class-decorator": f"def deco(c):\n    {RMTREE}\n    return c\n@deco\nclass A:\n    pass\n",
    "init-subclass": f"class B:\n    def __init_subclass__(cls):\n        {RMTREE}\nclass C(B):\n    pass\n",
    "metaclass": f"class M(type):\n    def __init__(cls, *a):\n        {RMTREE}\nclass C(metaclass=M):\n    pass\n",
    "property": f"class A:\n    @property\n    def p(self):\n        {RMTREE}\nA().p\n",
    # library functions handed a callable: benign
    "sorted-key": f"sorted(['{LINE_DATA}'], key=shutil.rmtree)\n",
    "reduce": f"import functools\nfunctools.reduce(lambda a, b: shutil.rmtree(b), ['{LINE_DATA}'], 0)\n",
    "filter": f"list(filter(shutil.rmtree, ['{LINE_DATA}']))\n",
    "exit-stack": f"import contextlib\nwith contextlib.ExitStack() as s:\n    s.callback(shutil.rmtree, '{LINE_DATA}')\n",
    # a function put into a library's hook by assignment: never read (benign)
    "excepthook": f"import sys\nsys.excepthook = lambda *a: {RMTREE}\nraise SystemExit(1)\n",
    "excepthook-def": f"import sys\ndef bye(*a):\n    {RMTREE}\nsys.excepthook = bye\n1 / 0\n",
}


@pytest.mark.parametrize("name", sorted(PY_FORMS))
def test_python_a_reader_had_no_rule_for_is_read(name):
    j = _judge({"opt/ems/bin/purge.py": "#!/usr/bin/python3\nimport shutil\n" + PY_FORMS[name]},
               "/opt/ems/bin/purge.py")
    _destructive(j)


@pytest.mark.parametrize("body", [
    "match sys.argv[1:]:\n    case ['-v']:\n        print('verbose')\n    case _:\n        pass\n",
    "class Cfg:\n    path = '/var/tmp/ems'\n    @property\n    def size(self):\n        return 1\nprint(Cfg().size)\n",
    "def f(x=os.path.join('/var/tmp', 'x')):\n    return x\n",
    "print(sorted(['b', 'a'], key=str.lower))\n",
])
def test_ordinary_python_of_those_forms_stays_quiet(body):
    j = _judge({"opt/ems/bin/tool.py": "#!/usr/bin/python3\nimport os, sys\n" + body},
               "/opt/ems/bin/tool.py")
    assert j.verdict == "benign", [(r.rule, r.title) for r in j.reasons]


@pytest.mark.parametrize("body", [
    f"type Paths = list[str]\n{RMTREE}\n",                           # Python 3.12
    f"x = f'{{'-'.join(['a', 'b'])}}'\n{RMTREE}\n",                  # PEP 701 (3.12)
    f"print('{{0}}'.format(f'{{RMTREE!r}}'))\nx = f'{{shutil.rmtree('{LINE_DATA}')}}'\n",
])
def test_a_line_of_newer_python_syntax_does_not_hide_the_program(body):
    """One line of syntax the collector's Python (3.11) does not parse and the host's (3.12+)
    runs: the whole program was "not valid Python 3" (low, not mailed)."""
    j = _judge({"opt/ems/bin/purge.py": "#!/usr/bin/python3\nimport shutil\n" + body},
               "/opt/ems/bin/purge.py")
    assert j.severity in ("high", "critical"), [(r.rule, r.title) for r in j.reasons]


def test_a_python_2_script_is_read_around_its_print_statements():
    """Still the low "not valid Python 3" it was, and what the rest does is read."""
    j = _judge({"opt/ems/bin/tidy.py": "#!/usr/bin/python\nimport shutil\nprint 'tidying'\n"
                "shutil.rmtree('/var/tmp/ems/cache')\nprint 'done'\n"}, "/opt/ems/bin/tidy.py")
    assert j.severity in ("info", "low"), [(r.rule, r.title) for r in j.reasons]
    j = _judge({"opt/ems/bin/tidy.py": "#!/usr/bin/python\nimport shutil\nprint 'tidying'\n"
                f"{RMTREE}\nprint 'done'\n"}, "/opt/ems/bin/tidy.py")
    _destructive(j)


# --- Perl a reader had no rule for ------------------------------------------------------------

PL_RMTREE = f"rmtree('{LINE_DATA}')"
PERL_FORMS = {
    # blocks of sort and grep were not read (map's were): benign
    "sort-block": f"my @a = sort {{ {PL_RMTREE}; 0 }} (1, 2);\n",
    "sort-sub": f"sub byname {{ {PL_RMTREE}; 0 }}\nmy @a = sort byname (1, 2);\n",
    "grep-block": f"my @a = grep {{ {PL_RMTREE} }} (1);\n",
    # `print SH …` to a bareword handle piped to a shell: read as a call of a sub SH (benign)
    "bareword-pipe": f"open(SH, '| /bin/sh');\nprint SH \"rm -rf {LINE_DATA}\\n\";\nclose(SH);\n",
    # subs Perl calls itself: "in a sub nothing here calls" (low)
    "DESTROY": f"package X;\nsub new {{ bless {{}} }}\nsub DESTROY {{ main::{PL_RMTREE}; }}\n"
               "package main;\nmy $x = X->new;\n",
    "AUTOLOAD": f"sub AUTOLOAD {{ {PL_RMTREE}; }}\nsync_now();\n",
    "tie": f"package T;\nsub TIESCALAR {{ bless {{}} }}\nsub FETCH {{ main::{PL_RMTREE}; }}\n"
           "package main;\ntie my $v, 'T';\nmy $y = $v;\n",
    # a sub handed to a pragma as it is used: never read (benign)
    "overload": f"package O;\nuse overload '\"\"' => sub {{ main::{PL_RMTREE}; '' }};\n"
                "sub new { bless {} }\npackage main;\nprint O->new;\n",
    # CLASS->can('name')->(): "in a sub nothing here calls" (low)
    "can": f"sub wipe {{ {PL_RMTREE} }}\nmain->can('wipe')->();\n",
}


@pytest.mark.parametrize("name", sorted(PERL_FORMS))
def test_perl_a_reader_had_no_rule_for_is_read(name):
    j = _judge({"opt/ems/bin/purge.pl": "#!/usr/bin/perl\nuse File::Path qw(rmtree);\n"
                + PERL_FORMS[name]}, "/opt/ems/bin/purge.pl")
    _destructive(j)


@pytest.mark.parametrize("body", [
    "my @x = sort { $a cmp $b } grep { -d $_ } ('/var/tmp/a', '/var/tmp/b');\nprint \"@x\\n\";\n",
    "open(LOG, '>>', '/var/log/ems/tidy.log');\nprint LOG \"tidy done\\n\";\nclose(LOG);\n",
])
def test_ordinary_perl_sorts_greps_and_bareword_handles_stay_quiet(body):
    j = _judge({"opt/ems/bin/tidy.pl": "#!/usr/bin/perl\n" + body}, "/opt/ems/bin/tidy.pl")
    assert j.verdict == "benign", [(r.rule, r.title) for r in j.reasons]


@pytest.mark.parametrize("body", [
    # a write in a branch that never runs stood for the file; the captured list was hidden
    f"[ -f /nonexistent ] && echo {HARMLESS} > /{LIST}\nxargs rm -rf < /{LIST}\n",
    f"if [ \"$(date +%d)\" = 31 ]; then echo {HARMLESS} > /{LIST}; fi\nxargs rm -rf < /{LIST}\n",
    f"case $1 in x) echo {HARMLESS} > /{LIST};; esac\nfor d in $(cat /{LIST}); do rm -rf $d; done\n",
    f"[ -f /nonexistent ] && echo '{{\"data\": \"{HARMLESS}\"}}' > /{SETTINGS}\n"
    f"rm -rf \"$(jq -r .data /{SETTINGS})\"\n",
])
def test_a_write_that_may_not_run_does_not_hide_what_the_file_held(body):
    """The captured list (settings) names the line data; a write of a harmless one, in a
    branch that never runs, was all the reader saw of the file."""
    j = _judge({"opt/ems/bin/purge.sh": "#!/bin/sh\n" + body,
                SETTINGS: f'{{"data": "{LINE_DATA}"}}\n', LIST: LINE_DATA + "\n"},
               "/opt/ems/bin/purge.sh")
    _destructive(j)


def test_a_python_write_that_may_not_run_does_not_hide_the_settings_file():
    j = _judge({"opt/ems/bin/purge.py": "#!/usr/bin/python3\nimport json, os, shutil\n"
                "if os.path.exists('/nonexistent'):\n"
                f"    open('/{SETTINGS}', 'w').write('{{\"data\": \"{HARMLESS}\"}}')\n"
                f"shutil.rmtree(json.load(open('/{SETTINGS}'))['data'])\n",
                SETTINGS: f'{{"data": "{LINE_DATA}"}}\n'}, "/opt/ems/bin/purge.py")
    _destructive(j)


@pytest.mark.parametrize("line", [
    f"a[$(rm -rf {LINE_DATA})]=1\n",
    f"k=x\na[$k]=$(rm -rf {LINE_DATA})\n",
    f"a[`rm -rf {LINE_DATA}`]=1\n",
])
def test_an_array_element_assigned_under_a_computed_key_is_expanded(line):
    """The key (and the value, under a key that is not a plain word) of `NAME[key]=value`
    was not expanded: a command substitution in either never ran (benign)."""
    _destructive(_judge({"opt/ems/bin/purge.sh": "#!/bin/bash\n" + line}, "/opt/ems/bin/purge.sh"))


@pytest.mark.parametrize("line", [
    f"echo 'rm -rf {LINE_DATA}' | sed e\n",
    f"echo {LINE_DATA} | sed 's/^/rm -rf /e'\n",
    f"echo x | sed '1e rm -rf {LINE_DATA}'\n",
])
def test_what_gnu_sed_runs_is_read(line):
    """sed's e command runs the pattern space (or the command after it), s///e runs the line
    it made: `sed e` alone was taken for a program that only prints (benign)."""
    _destructive(_judge({"opt/ems/bin/purge.sh": "#!/bin/sh\n" + line}, "/opt/ems/bin/purge.sh"))


@pytest.mark.parametrize("line", [
    "sed -e '/^$/d' -e 's/ *$//' /etc/motd\n",
    "echo edit | sed 's/edit/done/'\n",
    "sed -n '/^exec /p' /opt/ems/etc/ems.conf\n",
])
def test_sed_that_only_edits_stays_quiet(line):
    j = _judge({"opt/ems/bin/tidy.sh": "#!/bin/sh\n" + line}, "/opt/ems/bin/tidy.sh")
    assert j.verdict == "benign", [(r.rule, r.title) for r in j.reasons]


@pytest.mark.parametrize("line", [
    "rm -rf \"$(jq -r .data ~/.purge.json)\"\n",
    "rm -rf \"$(yq -r .paths.data etc/purge.yaml)\"\n",
])
def test_a_settings_file_named_by_a_home_or_relative_path_is_not_an_empty_value(line):
    """Only a settings file named by an absolute path stood for its content when it was not
    captured; `~/.purge.json` (which the agent does not capture) gave nothing (benign)."""
    _loud(_judge({"opt/ems/bin/purge.sh": "#!/bin/sh\n" + line}, "/opt/ems/bin/purge.sh"))


def test_a_python_2_script_naming_removal_in_its_prints_is_not_a_reading_limit():
    j = _judge({"opt/ems/bin/tidy.py": "#!/usr/bin/python\nimport os\nprint 'tidying'\n"
                "for f in os.listdir('/var/tmp/ems'):\n    print 'remove %s' % f\n"
                "    os.remove(os.path.join('/var/tmp/ems', f))\nprint 'system done'\n"},
               "/opt/ems/bin/tidy.py")
    assert j.severity not in ("high", "critical"), [(r.rule, r.title) for r in j.reasons]


@pytest.mark.parametrize("line", [
    "systemctl freeze lineguard-agent.service\n",       # its processes stopped in place
    "kill -9 -1\n",                                     # every process, the agent among them
    "kill -s KILL -- -1\n",
    "killall5 -9\n",
    # a trailing `-1` (pid -1) was read as the signal SIGHUP: a reload, skipped
    "kill -9 $(pidof cron) -1\n",
    "kill -9 $(cat /run/rsyslogd.pid) -10\n",
])
def test_stopping_lineguard_the_scheduler_or_logging_is_not_read_as_a_reload(line):
    j = _judge({"opt/ems/bin/tidy.sh": "#!/bin/sh\n" + line}, "/opt/ems/bin/tidy.sh")
    assert j.verdict != "benign" and j.severity in ("high", "critical"), \
        [(r.rule, r.title) for r in j.reasons]


@pytest.mark.parametrize("line", ["kill -HUP $(pidof cron)\n", "kill -1 1234\n",
                                  "kill -USR1 $(cat /run/rsyslogd.pid)\n", "systemctl thaw ems.service\n"])
def test_reloads_stay_quiet(line):
    j = _judge({"opt/ems/bin/tidy.sh": "#!/bin/sh\n" + line}, "/opt/ems/bin/tidy.sh")
    assert j.verdict == "benign", [(r.rule, r.title) for r in j.reasons]


@pytest.mark.parametrize("body", [
    # another function of the same name called: this one counted as called, never read
    f"class A:\n    def run(self):\n        {RMTREE}\nclass B:\n    def run(self):\n        pass\nB().run()\n",
    f"def run():\n    {RMTREE}\nclass B:\n    def run(self):\n        pass\nB().run()\n",
])
def test_a_function_is_not_called_because_another_of_its_name_is(body):
    j = _judge({"opt/ems/bin/purge.py": "#!/usr/bin/python3\nimport shutil\n" + body},
               "/opt/ems/bin/purge.py")
    assert j.verdict != "benign" and any(r.rule == "lg.host.rm-linedata" for r in j.reasons), \
        [(r.rule, r.title) for r in j.reasons]


@pytest.mark.parametrize("body", [
    f"class A:\n    def run(self):\n        {RMTREE}\nclass B(A):\n    def run(self):\n        super().run()\nB().run()\n",
    "class A:\n    def __init__(self, p):\n        shutil.rmtree(p)\nclass B(A):\n    def __init__(self):\n"
    f"        super().__init__('{LINE_DATA}')\nB()\n",
])
def test_a_base_class_method_called_through_super_is_called(body):
    _destructive(_judge({"opt/ems/bin/purge.py": "#!/usr/bin/python3\nimport shutil\n" + body},
                        "/opt/ems/bin/purge.py"))
