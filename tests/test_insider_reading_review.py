"""An insider who has read the effects engine against its reading limits and stored readings:
a destructive line must not be dropped quietly after enough harmless calls, arguments or
costly neighbours, and what a bound left unread is loud enough to be mailed. Every test here
failed before its fix."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from lineguard.collector.analyse import destructive
from lineguard.collector.model import CronTrigger
from lineguard.collector.model import Job as CronJob
from lineguard.formats.wire import Artifact

NOW = datetime(2026, 11, 25, tzinfo=UTC)
LINE_DATA = "/srv/ems/linedata"


def _judge(files: dict[str, str], command: str):
    arts = {n: Artifact.from_bytes(n, "script", t.encode()) for n, t in files.items()}
    job = CronJob(target="ems1", source="cron", origin_path="etc/cron.d/ems", origin_line=1,
                  owner="root", schedule="0 3 * * *", command=command,
                  trigger=CronTrigger("0 3 * * *"), files=tuple(files))
    return destructive.judge(job, arts, None, NOW)


# (a helper, a harmless call ({i}: which), the call that deletes): forty harmless calls first
MANY_CALLS = {
    # Python: each call of a function of the program's own left its depth one deeper, so the
    # tenth and later calls were not followed at all (benign)
    "system.py": ("#!/usr/bin/python3\nimport os\ndef run(c):\n    os.system(c)\n",
                  "run('echo {i}')\n", f"run('rm -rf {LINE_DATA}')\n"),
    "argv.py": ("#!/usr/bin/python3\nimport subprocess\ndef run(*a):\n    subprocess.run(a)\n",
                "run('echo', '{i}')\n", f"run('rm', '-rf', '{LINE_DATA}')\n"),
    "rmtree.py": ("#!/usr/bin/python3\nimport shutil\ndef clean(d):\n    shutil.rmtree(d)\n",
                  "clean('/var/tmp/ems/c{i}')\n", f"clean('{LINE_DATA}')\n"),
    # a runner followed in 16 contexts, then "not followed" (low): the seventeenth hid it
    "runner.sh": ("#!/bin/sh\nrun() {\n  echo \"+ $*\"\n  \"$@\"\n}\n", "run echo step {i}\n",
                  f"run rm -rf {LINE_DATA}\n"),
    "runner.pl": ("#!/usr/bin/perl\nsub run { system(@_); }\n", "run('echo', 'step {i}');\n",
                  f"run('rm', '-rf', '{LINE_DATA}');\n"),
    # a list taken as "$@" / @_: summarised after 16 (shell) or 4 (Perl) contexts, and the
    # summary bound the whole list as one path (benign)
    "list.sh": ("#!/bin/sh\nclean() {\n  for d in \"$@\"; do rm -rf \"$d\"; done\n}\n",
                "clean /var/tmp/a{i} /var/tmp/b{i}\n", f"clean /var/tmp/z {LINE_DATA}\n"),
    "list.pl": ("#!/usr/bin/perl\nuse File::Path qw(rmtree);\nsub purge { rmtree($_) for @_; }\n",
                "purge('/var/tmp/a{i}', '/var/tmp/b{i}');\n", f"purge('/var/tmp/z', '{LINE_DATA}');\n"),
}


@pytest.mark.parametrize("name", sorted(MANY_CALLS))
def test_forty_harmless_calls_of_a_helper_do_not_hide_the_one_that_deletes(name):
    helper, harmless, harmful = MANY_CALLS[name]
    path = f"opt/ems/bin/{name}"
    j = _judge({path: helper + "".join(harmless.replace("{i}", str(i)) for i in range(40))
                + harmful}, "/" + path)
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert any(LINE_DATA in r.title for r in j.reasons)


@pytest.mark.parametrize("body", ['for d in "$@"; do rm -rf "$d"; done', 'rm -rf "$@"',
                                  'for d; do rm -rf "$d"; done'])
def test_a_script_given_line_data_as_its_second_argument_is_destructive(body):
    """The script is read once with its arguments as markers; "$@" was bound to all of them
    joined, one path `/var/tmp/x /srv/ems/linedata` that is no line data (benign)."""
    j = _judge({"opt/ems/bin/purge.sh": f"#!/bin/sh\n{body}\n"},
               f"/opt/ems/bin/purge.sh /var/tmp/x {LINE_DATA}")
    assert j.verdict == "destructive", [r.title for r in j.reasons]



# How a shell helper takes its arguments decides whether a summary may stand for its later calls
# ("list": followed in every context). Read from its syntax, not its text: a usage message that
# names "$*" (rkhunter's get_option, called seventy times) does not make a list.
TAKES = {
    'echo "Error: missing arguments: $*" >&2; x=$1': "",
    'echo $OPT "$*" | sed -e "s/ /<SP>/g"': "",          # quoted "$*": one word
    'echo "got $# arguments" >&2; rm -f "$1"': "",
    '# shift the options away, see $@ below\n cp "$1" "$2"': "",   # comments are not code
    'rm -rf $*': "list",                                     # unquoted: each argument a word
    'for d in "$@"; do rm -rf "$d"; done': "list",
    'for d; do rm -rf "$d"; done': "list",
    'while [ "$#" -gt 0 ]; do rm -rf "$1"; shift; done': "list",
    'x=${#}; rm -rf "$1"': "list",
    'set -- ${@:2}; rm -rf "$1"': "list",
    'echo "removing $@"; rm -rf "$1"': "list",                # "$@" splits even in a message
    'eval "$1"': "runs",
}


@pytest.mark.parametrize("body", sorted(TAKES))
def test_how_a_shell_helper_takes_its_arguments_is_read_from_its_syntax(body):
    from lineguard.collector.analyse.effects import shell
    text = f"f() {{\n  {body.replace(chr(92) + 'n', chr(10))}\n}}\n"
    node = shell._parse(text.encode()).root_node.named_children[0]
    shell._TAKES.clear()
    assert shell._takes(node.text.decode(), node) == TAKES[body]


@pytest.mark.parametrize("message", ['echo "removing: $*" >&2', 'logger -t ems "clean ($# args)"'])
def test_a_helper_whose_message_names_its_arguments_is_still_read_at_its_fortieth_call(message):
    """Not a list: after its free contexts the summary stands for the calls, bound to each
    call's own arguments, so the fortieth call that deletes line data is still seen."""
    helper = f"#!/bin/sh\nclean() {{\n  {message}\n  rm -rf \"$1\"\n}}\n"
    calls = "".join(f"clean /var/tmp/ems/c{i}\n" for i in range(40))
    j = _judge({"opt/ems/bin/clean.sh": helper + calls + f"clean {LINE_DATA}\n"},
               "/opt/ems/bin/clean.sh")
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert any(LINE_DATA in r.title for r in j.reasons)


# A helper that runs what it is handed in a way no text rule lists: its summary read the
# argument as code (a marker), so the fortieth call's command was never read (benign).
RUNS_HANDED = {
    "ssh-one.sh": ('#!/bin/bash\ndev() { ssh admin@atm1 "$1"; }\n', "dev 'show ver {i}'\n",
                   "dev 'configure terminal; interface ATM0/0; no pvc 0/100; end'\n"),
    "ssh-all.sh": ('#!/bin/bash\ndev() { ssh admin@atm1 "$*"; }\n', "dev show ver {i}\n",
                   "dev configure terminal \\; interface ATM0/0 \\; no pvc 0/100\n"),
    "stdin.sh": ('#!/bin/bash\ndev() { printf "%s\\n" "$1" | ssh admin@atm1; }\n',
                 "dev 'show ver {i}'\n", "dev 'no pvc 0/100'\n"),
    "su.sh": ('#!/bin/sh\nas_ems() { su ems -c "$*"; }\n', "as_ems echo {i}\n",
              f"as_ems rm -rf {LINE_DATA}\n"),
    "pipe.sh": ('#!/bin/sh\nrun() { echo "$1" | sh; }\n', "run 'echo {i}'\n",
                f"run 'rm -rf {LINE_DATA}'\n"),
    "remote.pl": ('#!/usr/bin/perl\nsub dev { system("ssh admin\\@atm1 \'$_[0]\'"); }\n',
                  "dev('show ver {i}');\n", "dev('no pvc 0/100');\n"),
}


@pytest.mark.parametrize("name", sorted(RUNS_HANDED))
def test_a_helper_that_runs_what_it_is_handed_is_followed_at_every_call(name):
    helper, harmless, harmful = RUNS_HANDED[name]
    path = f"opt/ems/bin/{name}"
    j = _judge({path: helper + "".join(harmless.replace("{i}", str(i)) for i in range(40))
                + harmful}, "/" + path)
    assert j.verdict == "destructive", [r.title for r in j.reasons]

# --- end to end: the agent's snapshot of a real tree, ingest, the store, `lineguard check` ----

AT_NOW = "2026-12-01T09:00:00Z"      # the at job below fires 2027-02-10: 71 days ahead
# tree-sitter-perl is quadratic in nested calls: this takes it far past any parse bound
COSTLY_PERL = "#!/usr/bin/perl\n" + "eval(" * 60_000 + "1" + ")" * 60_000 + ";\n"


def _plant_at(ems, command: str) -> None:
    from tests.test_check import AT_FILE
    spool = ems.root / "var/spool/cron/atjobs"
    spool.mkdir(parents=True, exist_ok=True)
    (spool / AT_FILE).write_text("#!/bin/sh\n# atrun uid=0 gid=0\n# mail root 0\numask 22\n"
                                 f"cd / || exit 1\n{command}\n")
    (spool / AT_FILE).chmod(0o700)      # atd runs only what is executable


def _script(ems, path: str, text: str) -> None:
    p = ems.root / path
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    p.chmod(0o755)


def _check(ems, capsys) -> tuple[int, list[dict]]:
    from lineguard.collector.analyse.effects.judge import clear_cache
    from lineguard.collector.cli import main as lineguard
    clear_cache()                       # a new process: only the store remembers
    capsys.readouterr()
    rc = lineguard(["--home", str(ems.home.root), "check", "--json", "--no-email", "--now", AT_NOW])
    return rc, json.loads(capsys.readouterr().out)["findings"]


@pytest.fixture
def ems(tmp_path, home):
    from lineguard.collector.analyse.effects.judge import clear_cache
    from tests.test_insider_review import Server
    clear_cache()
    return Server(tmp_path, home)


def test_a_costly_neighbour_cannot_make_the_planted_job_unread_for_good(ems, capsys,
                                                                       monkeypatch):
    """A cron job runs a program built to exhaust the CPU bound, then the shared sync script;
    the planted at job runs the sync script alone. The sync script's reading, cut short by the
    cron job's bound, was kept for every job that runs it and stored: the at job was only
    suspicious, in every later run too."""
    from lineguard.collector.analyse.effects import bounds
    monkeypatch.setattr(bounds, "PARSE_SECONDS", 1.0)   # the shapes cost seconds, not a minute
    monkeypatch.setattr(bounds, "READ_SECONDS", 0.5)    # a parse halted at 1 s passes it
    _script(ems, "opt/ems/bin/heavy.pl", COSTLY_PERL)
    _script(ems, "opt/ems/bin/sync.sh", f"#!/bin/sh\nrm -rf {LINE_DATA}\n")
    (ems.root / "etc/cron.d/ems-heavy").write_text(
        "0 4 * * * root /opt/ems/bin/heavy.pl; /opt/ems/bin/sync.sh\n")
    _plant_at(ems, "/opt/ems/bin/sync.sh")
    ems.report()                        # ingest reads both and stores their readings
    for _ in range(2):                  # and every later run judges from the store
        rc, findings = _check(ems, capsys)
        (planted,) = [f for f in findings if " at job " in f["title"]]
        assert planted["title"].startswith("destructive") and planted["severity"] == "critical", \
            planted["title"]
        assert rc == 1


def test_a_destructive_line_behind_a_parser_bound_is_mailed_not_medium(ems, capsys, monkeypatch):
    """The deletion sits after a stretch tree-sitter-perl gives up on: the program is unread.
    Unread was low (medium with dormancy, and lowered by a ticket): below the default alert
    threshold, never mailed."""
    from lineguard.collector.analyse.effects import bounds
    monkeypatch.setattr(bounds, "PARSE_SECONDS", 1.0)
    _script(ems, "opt/ems/bin/sync.pl", COSTLY_PERL.replace(
        "\n", f"\n# CHG-20270210 line data refresh\nsystem('rm -rf {LINE_DATA}');\n", 1))
    _plant_at(ems, "/usr/bin/perl /opt/ems/bin/sync.pl")
    ems.report()
    rc, findings = _check(ems, capsys)
    (planted,) = [f for f in findings if f["kind"] == "job"]
    assert planted["severity"] == "high", planted
    assert "not read to the end" in planted["detail"]
    assert rc == 1, "at or above the default alert threshold (high): mailed"


def test_a_script_padded_past_what_the_agent_reads_is_mailed_not_medium(ems, capsys):
    """Past 1 MiB the agent keeps only a script's hash: the deletion at its end is not read.
    That was a medium finding, below the default alert threshold."""
    _script(ems, "opt/ems/bin/sync.sh", "#!/bin/sh\n" + "# nightly line data sync\n" * 50_000
            + f"rm -rf {LINE_DATA}\n")
    _plant_at(ems, "/opt/ems/bin/sync.sh")
    ems.report()
    rc, findings = _check(ems, capsys)
    (planted,) = [f for f in findings if f["kind"] == "job"]
    assert planted["severity"] == "high", planted
    assert "opt/ems/bin/sync.sh" in planted["title"]
    assert rc == 1


STATE_BETWEEN_CALLS = {
    # a class attribute set between two calls: it was not followed at all (benign)
    "class-attribute.py": "#!/usr/bin/python3\nimport shutil\nclass Cfg:\n    path = '/var/tmp/a'\n"
                          "def wipe():\n    shutil.rmtree(Cfg.path)\nwipe()\n"
                          f"Cfg.path = '{LINE_DATA}'\nwipe()\n",
    # the same call with a global changed in between is another context, followed again
    "global.py": "#!/usr/bin/python3\nimport shutil\nT = '/var/tmp/a'\ndef wipe():\n"
                 f"    shutil.rmtree(T)\nwipe()\nT = '{LINE_DATA}'\nwipe()\n",
}


@pytest.mark.parametrize("name", sorted(STATE_BETWEEN_CALLS))
def test_what_changes_between_two_python_calls_is_read(name):
    path = f"opt/ems/bin/{name}"
    j = _judge({path: STATE_BETWEEN_CALLS[name]}, "/" + path)
    assert j.verdict == "destructive", [r.title for r in j.reasons]


@pytest.mark.parametrize(("scripts", "severity"), [(5, "critical"), (13, "high")])
def test_a_chain_of_scripts_cannot_leave_the_last_one_out_of_the_snapshot(ems, capsys, scripts,
                                                                         severity):
    """The at job runs s0.sh, which runs s1.sh, … and the last one deletes. The agent followed
    four programs deep: the fifth was never captured, and running what was not captured was
    nothing: no finding at all. Now it follows past the nesting the collector reads, which
    says itself where it stopped (high)."""
    for i in range(scripts):
        _script(ems, f"opt/ems/bin/s{i}.sh", f"#!/bin/sh\n/opt/ems/bin/s{i + 1}.sh\n")
    _script(ems, f"opt/ems/bin/s{scripts}.sh", f"#!/bin/sh\nrm -rf {LINE_DATA}\n")
    _plant_at(ems, "/opt/ems/bin/s0.sh")
    ems.report()
    rc, findings = _check(ems, capsys)
    (planted,) = [f for f in findings if f["kind"] == "job"]
    assert planted["severity"] == severity, planted["title"]
    assert rc == 1


def test_what_a_limit_left_unread_stays_high_on_a_boot_trigger(ems, capsys, monkeypatch):
    """A rare trigger raises a suspicious job one step but caps it at medium: that cap took
    the reading limit of an @reboot job back below the default alert threshold."""
    from lineguard.collector.analyse.effects import bounds
    monkeypatch.setattr(bounds, "PARSE_SECONDS", 1.0)
    _script(ems, "opt/ems/bin/sync.pl", COSTLY_PERL.replace(
        "\n", f"\nsystem('rm -rf {LINE_DATA}');\n", 1))
    (ems.root / "etc/cron.d/ems-boot").write_text("@reboot root /usr/bin/perl /opt/ems/bin/sync.pl\n")
    ems.report()
    rc, findings = _check(ems, capsys)
    (planted,) = [f for f in findings if f["kind"] == "job"]
    assert planted["severity"] == "high", planted["title"]
    assert rc == 1


DEEP_LINE = {   # one statement deeper than the reader's own recursion, then the deletion
    "sum.pl": "#!/usr/bin/perl\nmy $n = 1" + " + 1" * 3000 + f";\nsystem('rm -rf {LINE_DATA}');\n",
    "sum.py": "#!/usr/bin/python3\nimport shutil\nn = 1" + " + 1" * 1000
              + f"\nshutil.rmtree('{LINE_DATA}')\n",
    "if.sh": "#!/bin/sh\n" + "if true; then " * 1000 + "true" + "; fi" * 1000
             + f"\nrm -rf {LINE_DATA}\n",
}


@pytest.mark.parametrize("name", sorted(DEEP_LINE))
def test_one_deeply_nested_line_does_not_leave_the_rest_of_the_program_unread(name):
    """perl, python and bash run these; the reader's recursion did not, and the whole program
    was "nested too deeply to follow" (low): the deletion on the next line was not read."""
    path = f"opt/ems/bin/{name}"
    j = _judge({path: DEEP_LINE[name]}, "/" + path)
    assert j.verdict == "destructive", [r.title for r in j.reasons]
