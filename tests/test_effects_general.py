"""The engine's general mechanisms (not cases): programs that run a command given as an
argument, data fed to an interpreter or a device session, Python names reached indirectly and
decodings computed in the program, device APIs read as command lines, shell features, and the
environment a cron job starts with. Each destructive form has a quiet look-alike."""

from __future__ import annotations

import base64
import subprocess
import threading
from datetime import timedelta

import pytest

from lineguard.collector.analyse.effects import resolve, shell
from lineguard.collector.analyse.effects.judge import judge
from lineguard.collector.model import CronTrigger, Fire, Job
from lineguard.formats.wire import Artifact
from tests.ruleexamples import NOW

ROW = "snmpset -v2c -c private atm9 1.3.6.1.2.1.37.1.7.1.13.1.0.77 i 6"


def _verdict(text: str, extra: dict[str, str] | None = None, origin: str | None = None,
             command: str = "/usr/local/sbin/task") -> str:
    files = {"usr/local/sbin/task": Artifact.from_bytes("usr/local/sbin/task", "script",
                                                        text.encode())}
    for n, t in (extra or {}).items():
        files[n] = Artifact.from_bytes(n, "script", t.encode())
    line = 1
    if origin is not None:
        files["etc/cron.d/task"] = Artifact.from_bytes("etc/cron.d/task", "cron.d", origin.encode())
        line = origin.count("\n")
    job = Job(target="ems1", source="cron", origin_path="etc/cron.d/task", origin_line=line,
              owner="root", schedule="0 3 * * *", command=command,
              trigger=CronTrigger("0 3 * * *"), files=tuple(files))
    return judge(job, files, Fire(kind="exact", at=NOW + timedelta(days=1)), NOW).verdict


@pytest.mark.parametrize("text", [
    f"find /etc/ems -name ne.conf -exec sh -c '{ROW}' \\;\n",
    f"find /etc/ems -name ne.conf -execdir sh -c '{ROW}' sh {{}} +\n",
    "echo /srv/ems/pvcdata | xargs -I@ sh -c 'rm -rf \"$1\"' _ @\n",
    "parallel rm -rf ::: /srv/ems/pvcdata\n",
    f"/usr/bin/env -S 'sh -c \"{ROW}\"'\n",
    f"awk 'BEGIN {{ system(\"{ROW}\") }}'\n",
    f"awk 'BEGIN {{ s = \"{ROW}\"; print s | \"sh\" }}'\n",
    "awk 'BEGIN { printf \"conf t\\nno pvc 0/77\\nend\\n\" }' | ssh -T oper@atm9\n",
    f"flock /run/ems.lock -c '{ROW}'\n",
    f"watch -n 3600 '{ROW}'\n",
    f"wipe() {{ {ROW}; }}\nexport -f wipe\nsetsid bash -c wipe\n",
])
def test_a_command_given_to_a_program_is_judged_as_run(text):
    assert _verdict(text) == "destructive"


@pytest.mark.parametrize("text", [
    "find /var/log/ems -name '*.gz' -mtime +30 -exec sh -c 'rm -f \"$1\"' _ {} \\;\n",
    "echo /srv/ems/reports | xargs -I@ sh -c 'ls -l \"$1\"' _ @\n",
    "parallel gzip -9 ::: /srv/ems/reports/a.csv\n",
    "awk 'BEGIN { system(\"logger -t ems nightly\") }'\n",
])
def test_a_harmless_command_given_to_a_program_stays_quiet(text):
    assert _verdict(text) != "destructive"


def test_a_file_fed_to_a_shell_or_decoded_is_read():
    payload = base64.b64encode(ROW.encode()).decode()
    assert _verdict("base64 -d /var/lib/ems/p.b64 | sh\n",
                    extra={"var/lib/ems/p.b64": payload + "\n"}) == "destructive"
    assert _verdict("ssh -T ems@localhost < /opt/ems/x.cmds\n",
                    extra={"opt/ems/x.cmds": ROW + "\n"}) == "destructive"
    assert _verdict("sed -n 's/^#P //p' /opt/ems/notes | base64 -d | bash\n",
                    extra={"opt/ems/notes": f"# notes\n#P {payload}\n"}) == "destructive"


def test_openssl_with_the_key_on_the_command_line_is_decrypted_and_without_it_is_not_benign():
    key, iv = "00112233445566778899aabbccddeeff", "0f0e0d0c0b0a09080706050403020100"
    enc = subprocess.run(["openssl", "enc", "-aes-128-cbc", "-K", key, "-iv", iv, "-a"],
                         input=ROW.encode(), capture_output=True, check=True).stdout.decode()
    run = f"openssl enc -d -aes-128-cbc -K {key} -iv {iv} -a -in /var/lib/ems/p.dat | sh\n"
    assert _verdict(run, extra={"var/lib/ems/p.dat": enc}) == "destructive"
    secret = "openssl enc -d -aes-256-cbc -pbkdf2 -k hunter2 -in /var/lib/ems/p.dat | sh\n"
    assert _verdict(secret, extra={"var/lib/ems/p.dat": enc}) == "suspicious"


@pytest.mark.parametrize("code", [
    f"import os; getattr(os, 'sys' + 'tem')('{ROW}')",
    f"import importlib; importlib.import_module('o' + 's').system('{ROW}')",
    "__import__('shutil').rmtree('/srv/ems/pvcdata')",
    f"from os import system as s; s('{ROW}')",
    "import os; os.system(''.join(map(chr, [{}])))".format(",".join(str(ord(c)) for c in ROW)),
    f"import os; K = 23; os.system(bytes(b ^ K for b in bytes.fromhex('{bytes(c ^ 23 for c in ROW.encode()).hex()}')).decode())",
])
def test_python_names_reached_indirectly_and_decodings_computed(code):
    assert _verdict(f"python3 -c \"{code}\"\n") == "destructive"


def test_python_m_runs_the_captured_module():
    mod = "import shutil\nshutil.rmtree('/srv/ems/pvcdata')\n"
    assert _verdict("cd /opt/ems/py && python3 -m tasks.prune\n",
                    extra={"opt/ems/py/tasks/prune.py": mod}) == "destructive"
    assert _verdict("python3 -m tasks.unknown_module\n") == "suspicious"


@pytest.mark.parametrize("text, quiet", [
    ("curl -sk -X DELETE https://atm9/restconf/data/ietf-interfaces:interfaces/interface=ATM0%2F1%2F0.77\n", False),
    ("curl -sk https://atm9/rpc -d '<load-configuration action=\"override\"><configuration/></load-configuration>'\n", False),
    ("ssh -s oper@atm9 netconf <<'X'\n<rpc><delete-config><target><startup/></target></delete-config></rpc>\nX\n", False),
    ("ssh -s oper@atm9 netconf <<'X'\n<rpc><edit-config><target><running/></target><config><interfaces>"
     "<interface operation=\"remove\"><name>at-0/0/0</name></interface></interfaces></config></edit-config></rpc>\nX\n", False),
    ("curl -sk https://atm9/restconf/data/ietf-interfaces:interfaces\n", True),
    ("ssh -s oper@atm9 netconf <<'X'\n<rpc><get-config><source><running/></source></get-config></rpc>\nX\n", True),
])
def test_device_apis_are_read_as_the_commands_they_amount_to(text, quiet):
    assert (_verdict(text) != "destructive") is quiet


@pytest.mark.parametrize("text", [
    f"IFS=, read -ra W <<< '{ROW.replace(' ', ',')}'\n\"${{W[@]}}\"\n",
    f"go() {{ declare -n ref=$1; eval \"$ref\"; }}\njob='{ROW}'\ngo job\n",
    f"{{sh,-c}} '{ROW}'\n",
    f"alias nightly='{ROW}'\nnightly\n",
    "echo 'r%m% -%rf% /%srv/ems/pvcdata' | tr -d '%' | sh\n",
    f"perl -e 'system pack(\"H*\", \"{ROW.encode().hex()}\")'\n",
])
def test_shell_and_perl_concealments_are_undone(text):
    assert _verdict(text) == "destructive"


def test_a_cron_job_starts_with_etc_environment_and_bash_env():
    origin = "SHELL=/bin/bash\nBASH_ENV=/opt/ems/ems.env\n0 3 * * * root /usr/bin/true\n"
    assert _verdict("", extra={"opt/ems/ems.env": ROW + "\n"}, origin=origin,
                    command="/usr/bin/true") == "destructive"
    dash = "BASH_ENV=/opt/ems/ems.env\n0 3 * * * root /usr/bin/true\n"     # sh ignores it
    assert _verdict("", extra={"opt/ems/ems.env": ROW + "\n"}, origin=dash,
                    command="/usr/bin/true") == "benign"
    assert _verdict("", extra={"etc/environment": f"NIGHTLY='{ROW}'\n"},
                    origin="0 3 * * * root sh -c \"$NIGHTLY\"\n",
                    command="sh -c \"$NIGHTLY\"") == "destructive"


def test_a_password_typed_at_login_does_not_make_a_ticketed_change_act_on_a_set():
    text = ("printf 'oper\\r\\n%s\\r\\n! CHG0012345 retire 0/77\\r\\nconf t\\r\\nno pvc 0/77\\r\\nend\\r\\n' "
            "\"$(cat /opt/ems/.pw)\" | ncat --telnet atm9 23\n")
    assert _verdict(text, extra={"opt/ems/.pw": "s3cret\n"}) == "suspicious"


def test_a_pathological_pattern_in_a_planted_script_is_not_run_and_not_benign():
    # `(a*)*$` over a line of a's ending in b takes a backtracking engine longer than the
    # universe has; judging must neither run it nor call the piped-in result harmless
    evil = "#!/bin/sh\nsed -n 's/^\\(a*\\)*$/x/p' /opt/ems/ne.list | sh\n"
    done: list[str] = []
    worker = threading.Thread(
        target=lambda: done.append(_verdict(evil, extra={"opt/ems/ne.list": "a" * 64 + "b\n"})),
        daemon=True)
    worker.start()
    worker.join(timeout=120)
    assert done, "judging did not finish: the planted pattern was run"
    assert done[0] in ("suspicious", "destructive")


@pytest.mark.parametrize(("argv", "text", "selected"), [
    (["grep", "^[[:space:]]*[[:alpha:]_][[:alnum:]_]*="], "  ne_list=a\n# x=1\n", "  ne_list=a\n"),
    (["grep", "-E", "[]x]+$"], "a]x\nab\n", "a]x\n"),
    (["grep", "[^]a]"], "]]\na]b\n", "a]b\n"),
    (["grep", "-E", "[a&&b]"], "&\nc\n", "&\n"),
    (["grep", "[\\]"], "a\\b\nc\n", "a\\b\n"),
    (["grep", "-o", "[[.-.][:digit:]]\\{2,\\}"], "vc 0-77\n", "0-77\n"),
])
def test_posix_bracket_expressions_select_what_grep_would(argv, text, selected):
    from lineguard.collector.analyse.effects.runners import grep
    assert grep(argv, text) == selected


def test_posix_classes_in_sed_are_translated_not_read_as_nested_sets():
    from lineguard.collector.analyse.effects.runners import sed
    # pytest turns the "Possible nested set" FutureWarning into an error (pyproject.toml)
    assert sed(["sed", "-n", "s/^[[:space:]]*#P[[:space:]]//p"], "  #P x\ny\n") == "x\n"
    assert sed(["sed", "s/[[:bogus:]]//"], "x\n") is None       # unknown class: not run
    assert sed(["sed", "s/[abc//"], "x\n") is None              # unterminated: not run


# rkhunter's own preamble: on a BSD `print` is made to fail, under ksh `echo` becomes `print`,
# and grep always means egrep; then thousands of lines print variables and grep files.
_ALIASED = ("alias print=false\nalias echo='print'\nalias grep='grep -E'\n"
            "check_test() { [ -n \"$(grep \" $1 \" /etc/rkhunter.conf)\" ]; }\n")


def _read(text: str) -> resolve.Job:
    """The shell text read as a whole program; the state it leaves (effects, work done)."""
    job = resolve.Job(files={})
    shell.read_shell(text, job, resolve.Place(path="usr/local/sbin/task"), {})
    return job


def test_aliases_and_unknown_words_cost_one_reading_not_one_per_line():
    """`alias grep='grep -E'` is expanded once, not again inside its own text; a plain alias
    to a program that only prints (echo -> print -> false) is not read again as a program;
    the unknown output of a function run as a command is not read as a command line."""
    lines = [f'echo "${{VAR{i}}}"\ngrep -q "^{i}:" /etc/passwd\n'
             f'if `check_test t{i}`; then X{i}=$(grep "^{i}$" /etc/group); fi\n'
             for i in range(200)]
    job = _read(_ALIASED + "".join(lines))
    assert job.sink == []
    # the program itself and one reading of each `grep` alias whose output is read (the
    # `X=$(grep …)` and the function's); no alias is read twice and nothing runs out of depth
    assert job.programs <= 1 + 2 * 200
    assert job.deepest <= 1


@pytest.mark.parametrize("tail", [
    "rm -rf /srv/ems/pvcdata\n",                        # alias rm='rm -i' style: once, then run
    "alias rm='rm -i'\nrm -rf /srv/ems/pvcdata\n",
    "alias wipe='grep x /etc/hosts; rm -rf /srv/ems/pvcdata'\nwipe\n",
    'echo "$(rm -rf /srv/ems/pvcdata)"\n',              # echo -> print -> false: its arguments run
    f"alias nightly='{ROW}'\nnightly\n",
])
def test_aliases_read_once_still_find_what_they_run(tail):
    assert _verdict(_ALIASED + tail) == "destructive"


_NE = "shopt -s expand_aliases\nalias ne='ssh -T oper@atm9'\n"


@pytest.mark.parametrize("tail", [
    "printf 'configure terminal\\nno pvc 0/32\\nend\\n' | ne\n",        # its input is the pipe's
    "ne <<EOF\nconfigure terminal\nno pvc 0/32\nend\nEOF\n",               # or a here-document
    "alias del='rm -rf'\nD=/srv/ems/pvcdata\nx=\"`del \\\"$D\\\"`\"\n",  # `\"` in backquotes
    "alias wipe='D=/srv/ems/pvcdata rm -rf /srv/ems/pvcdata'\nwipe\n",     # not words only
])
def test_an_alias_of_words_is_the_command_with_its_input_and_arguments(tail):
    """An alias that is words only stands for the command with its name replaced: what is
    piped or handed to it as a here-document is its input (reading the alias's text again
    on its own lost it), and its arguments are those the parser found."""
    assert _verdict(_NE + tail) == "destructive"


def test_an_alias_of_a_device_session_that_only_shows_is_not_destructive():
    assert _verdict(_NE + "printf 'show atm pvc\\n' | ne\n") != "destructive"


# tree-sitter-bash loses its way at `*\)*)` in a `case` inside a function: it takes the rest
# of the function for one word of a stretch it cannot place
_LOST = 'f() {\ncase "$x" in *\\)*) echo p;; esac\n'


def test_lines_the_parser_took_for_one_word_are_read_as_commands():
    assert _verdict(_LOST + "rm -rf /srv/ems/linedata\n}\nf\n") == "destructive"
    assert _verdict(_LOST + "D=/srv/ems/linedata\nshred -u \"$D\"/*\n}\nf\n") == "destructive"


def test_housekeeping_the_parser_took_for_one_word_stays_below_destructive():
    assert _verdict(_LOST + "find /var/log/ems -name '*.gz' -mtime +30 -delete\n"
                    "echo 'never rm -rf /srv/ems/linedata'\n}\nf\n") != "destructive"


# --- programs that run shell commands written in their own syntax (formats/carriers.py) ------

_MK = "usr/local/lib/ems/nightly.mk"


@pytest.mark.parametrize("text,extra", [
    (f"make -s -f /{_MK} all\n", {_MK: f"T = private\nall:\n\t@{ROW.replace('private', '$(T)')}\n"}),
    ("make -C /usr/local/lib/ems\n", {"usr/local/lib/ems/Makefile": "all:\n\trm -rf /srv/ems/pvcdata\n"}),
    ("m4 /usr/local/lib/ems/r.m4 >/dev/null\n",
     {"usr/local/lib/ems/r.m4": f"changequote(@[,]@)dnl\nesyscmd(@[{ROW}]@)dnl\n"}),
    (f"sed -n '1e {ROW}' /etc/hostname\n", {}),
    ("sed -n -f /usr/local/lib/ems/f.sed /etc/hostname\n",
     {"usr/local/lib/ems/f.sed": "1e rm -rf /srv/ems/pvcdata\n"}),
    (f"echo | sed 's|.*|{ROW}|e'\n", {}),
    (f"tar -cf /dev/null /etc/hostname --checkpoint=1 '--checkpoint-action=exec={ROW}'\n", {}),
    (f"ssh -o 'ProxyCommand=sh -c \"{ROW}\"' bastion true\n", {}),
    (f"gdb -batch -nx -ex 'shell {ROW}'\n", {}),
    (f"vim -es -N -u NONE -c \"call system('{ROW}')\" -c 'qa!'\n", {}),
    (f"ex -s +'silent !{ROW}' +q\n", {}),
    (f"git -c 'alias.tidy=!{ROW}' tidy\n", {}),
    (f"git -c core.pager='{ROW}' log -1\n", {}),
    ("git -C /opt/ems/etc -c core.hooksPath=/usr/local/lib/ems/hooks commit -qm x\n",
     {"usr/local/lib/ems/hooks/pre-commit": f"#!/bin/sh\n{ROW}\n"}),
    (f"sqlite3 :memory: '.shell {ROW}'\n", {}),
    (f"psql -X -q -c '\\! {ROW}'\n", {}),
    (f"awk 'BEGIN {{ c = \"{ROW}\"; while ((c | getline l) > 0) ; close(c) }}'\n", {}),
    (f"script -qec '{ROW}' /dev/null\n", {}),
])
def test_a_program_running_commands_in_its_own_syntax_is_judged_as_running_them(text, extra):
    assert _verdict(text, extra) == "destructive"


@pytest.mark.parametrize("text,extra", [
    (f"make -s -f /{_MK} all\n", {_MK: "all:\n\t@gzip -9 /var/log/ems/old.log\n"}),
    ("sed -e 's/old/new/' /opt/ems/etc/ems.conf\n", {}),
    ("tar -czf /srv/backup/etc.tgz /opt/ems/etc --checkpoint=1000\n", {}),
    ("ssh -o 'ProxyCommand=ssh -W %h:%p bastion' atm9 'show atm pvc'\n", {}),
    ("git -c alias.st=status st\n", {}),
    ("vim -es -c '%s/a/b/g' -c wq /opt/ems/etc/ems.conf\n", {}),
    ("awk 'BEGIN { \"date +%F\" | getline d; print d }'\n", {}),
    ("script -qc 'ls -l /srv/ems' /dev/null\n", {}),
])
def test_the_same_programs_doing_ordinary_work_are_quiet(text, extra):
    assert _verdict(text, extra) != "destructive"


@pytest.mark.parametrize("wrapper", [
    "nsenter -t 1 -m -u -i -n -p --", "unshare -m --propagation private", "strace -f -o /dev/null",
    "taskset -c 0", "chrt -i 0", "systemd-inhibit --what=shutdown --why=x", "setpriv --reuid=0",
    "yash -c", "busybox ash -c", "toybox sh -c",
])
def test_wrappers_and_other_shells_run_what_they_are_given(wrapper):
    cmd = f"{wrapper} '{ROW}'" if wrapper.endswith("-c") else f"{wrapper} {ROW}"
    assert _verdict(cmd + "\n") == "destructive"


@pytest.mark.parametrize("code", [
    f"import pty; pty.spawn(['sh', '-c', '{ROW}'])",
    f"import os; os.posix_spawnp('sh', ['sh', '-c', '{ROW}'], os.environ)",
])
def test_python_spawning_a_shell_from_an_argument_list(code):
    assert _verdict(f'python3 -c "{code}"\n') == "destructive"


@pytest.mark.parametrize("line", [
    f"node -e \"require('child_process').spawnSync('sh', ['-c', '{ROW}'])\"",
    f"ruby -e \"IO.popen(['sh', '-c', '{ROW}']) {{ |io| io.read }}\"",
])
def test_other_languages_handing_a_shell_its_command_in_an_argument_list(line):
    assert _verdict(line + "\n") == "destructive"


# --- bash features that run or decode what a variable holds ----------------------------------

@pytest.mark.parametrize("text", [
    f"x='$({ROW})'\n: \"${{x@P}}\"\n",                                   # prompt expansion
    f"PS4='$({ROW}) '\nset -x\n:\n",                                       # xtrace prompt
    f"a=()\nn='a[$({ROW})]'\n(( n )) || true\n",                          # arithmetic subscript
    f"a=()\nn='a[$({ROW})]'\n[[ $n -eq 0 ]]\n",
    f"a=()\nn='a[$({ROW})]'\ndeclare -i k=n\n",
    "c='\\x72m -rf /srv/ems/pvcdata'\neval \"${c@E}\"\n",                  # escape expansion
    f"set -f\nIFS=^\nc='sh^-c^{ROW}'\n$c\n",                              # IFS splitting
    f"declare -A t=([run]=sh [opt]=-c [arg]='{ROW}')\n\"${{t[run]}}\" \"${{t[opt]}}\" \"${{t[arg]}}\"\n",
    f"set -- a b sh -c '{ROW}'\n\"${{@:3}}\"\n",                          # positional slice
    f"eval \"$(printf '%s() {{ %s; }}' tidy '{ROW}')\"\ntidy\n",           # eval defines a function
    f". /dev/stdin <<<'{ROW}'\n",
    f"exec 3<<<'{ROW}'\nsource /dev/fd/3\n",
])
def test_bash_features_that_run_a_variables_value(text):
    assert _verdict(text) == "destructive"


@pytest.mark.parametrize("text", [
    "x='nightly run'\necho \"${x@P}\"\n",
    "n=5\n(( n > 3 )) && echo many\n",
    "PS4='+ ${LINENO}: '\nset -x\nls /srv/ems\n",
    "IFS=, read -r a b <<< 'x,y'\necho \"$a\"\n",
    "declare -A t=([run]=ls [arg]=/srv/ems)\n\"${t[run]}\" \"${t[arg]}\"\n",
])
def test_the_same_features_over_ordinary_values_are_quiet(text):
    assert _verdict(text) != "destructive"


@pytest.mark.parametrize("form,encode", [
    ("base32hex", lambda b: base64.b32hexencode(b).decode()),
    ("base2msbf", lambda b: "".join(f"{x:08b}" for x in b)),
    ("base64url", lambda b: base64.urlsafe_b64encode(b).decode()),
])
def test_basenc_layers_are_undone(form, encode):
    blob = encode(f"{ROW}\n".encode())
    assert _verdict(f"basenc --{form} -d <<< '{blob}' | sh\n") == "destructive"


@pytest.mark.parametrize("decoder", ["openssl enc -d -base64", "openssl enc -d -a -A",
                                     "python3 -m base64 -d", "python3 -m base64 --decode"])
def test_base64_undone_by_openssl_without_a_cipher_or_by_pythons_module(decoder):
    blob = base64.b64encode(f"{ROW}\n".encode()).decode()
    assert _verdict(f"echo {blob} | {decoder} | sh\n") == "destructive"
