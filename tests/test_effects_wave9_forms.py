"""Root causes the wave-9 red team found (tests/redteam_wave9), one family a test group, each
with its quiet look-alike:

- a crontab whose SHELL is an interpreter (`SHELL=/usr/bin/python3`): cron runs each command
  as that language's code; the agent followed it as shell and the judge read it as shell;
- daemons and programs that run commands from their own configuration: Oxidized `hooks:`
  (type exec), RANCID's rancid-run sourcing its rancid.conf (`-f FILE`), cron-apt's config;
- carriers reading their program from their input or a file they are handed: m4 and dc
  (`!`) and ed (`!`) fed a here-document, ssh's `-F` configuration (LocalCommand),
  socat's SYSTEM:/EXEC: addresses;
- values handed to a carrier from outside: awk's ENVIRON and `-v`, vim's `system($NAME)`, git
  settings from the files GIT_CONFIG_GLOBAL names and GIT_CONFIG_COUNT pairs, perl -n/-p's
  `$_` (each input line), perl readpipe, zsh's parameter flags;
- Python strings the standard library puts together: operator.methodcaller,
  string.Template, functools.reduce; Tcl `binary format H*`;
- destruction vocabulary: git plumbing dropping history (update-ref -d, branch -D, reflog
  expire now, filter-branch of every path), backup tools purging their own history (borg
  delete/prune, restic forget, rdiff-backup --remove-older-than under a day), `sort -o FILE
  /dev/null`, log files and their rotations named whole by find (`-name 'auth.log*'`), a
  file copied into running-config (suspicious: its content is unseen);
- a false alarm: a destructive program's dry-run option (`wipefs --no-act`);
- a change ticket written in the commands sent to a device (a clogin -x file)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from lineguard.agent.sources.host import collect
from lineguard.collector.analyse.effects.judge import judge
from lineguard.collector.model import Fire
from lineguard.collector.parse.host import jobs
from lineguard.formats import carriers, daemonconf
from tests.hostroot import write
from tests.test_effects_wave7_forms import _judged

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
PASSWD = ("root:x:0:0:root:/root:/bin/bash\noper:x:1000:1000::/home/oper:/bin/bash\n"
          "rancid:x:1001:1001::/var/lib/rancid:/bin/bash\n"
          "oxidized:x:1002:1002::/home/oxidized:/bin/bash\n")
RM = "rm -rf /srv/ems/linedata"
LS = "ls -l /srv/ems/linedata"


def _root_verdicts(root: Path, files: dict[str, str]) -> dict[str, str]:
    """Each job of a host root (origin path → its loudest verdict), end to end: the agent's
    capture, the job list, the judge."""
    write(root, "etc/passwd", PASSWD)
    write(root, "etc/timezone", "UTC\n")
    for path, text in files.items():
        write(root, path, text, 0o755)
    target, facts = collect(root)
    arts = {a.name: a for a in target.artifacts}
    order = {"benign": 0, "suspicious": 1, "destructive": 2}
    out: dict[str, str] = {}
    for job in jobs(target, facts):
        v = judge(job, arts, Fire(kind="unknown"), NOW).verdict.value
        if order[v] >= order[out.get(job.origin_path, "benign")]:
            out[job.origin_path] = v
    return out


# --- family: cron's SHELL an interpreter ------------------------------------------------------
@pytest.mark.parametrize("work,want", [(RM, "destructive"), (LS, "benign")])
def test_a_crontab_whose_shell_is_python_runs_its_commands_as_python(
        tmp_path: Path, work: str, want: str) -> None:
    got = _root_verdicts(tmp_path, {
        "etc/cron.d/ems": "SHELL=/usr/bin/python3\n0 3 * * 0 root import subprocess; "
                          "subprocess.call(['/opt/ems/a.sh'])\n",
        "opt/ems/a.sh": f"#!/bin/sh\n{work}\n"})
    assert got["etc/cron.d/ems"] == want


@pytest.mark.parametrize("shell,want", [("/usr/local/bin/python3.12", "destructive"),
                                         ("/usr/bin/perl", "benign")])
def test_what_cron_runs_is_shell_minus_c_command(tmp_path: Path, shell: str, want: str) -> None:
    """Python takes `-c CODE` as code; perl's -c only checks the syntax of a file of that name
    (nothing runs)."""
    got = _root_verdicts(tmp_path, {
        "var/spool/cron/crontabs/oper": f"SHELL={shell}\n15 2 * * * import os; "
                                        "os.system('/opt/ems/b.sh')\n",
        "opt/ems/b.sh": f"#!/bin/sh\n{RM}\n"})
    assert got["var/spool/cron/crontabs/oper"] == want


# --- family: configuration files of daemons and programs that hold commands -------------------
OXIDIZED = ("---\nusername: oxidized\nhooks:\n  after:\n    type: exec\n    events: [post_store]\n"
            "    cmd: '{cmd}'\n  push:\n    type: githubrepo\n    events: [post_store]\n"
            "output:\n  default: git\n")


def test_oxidized_exec_hooks_are_read_and_other_hooks_are_not() -> None:
    assert daemonconf.oxidized_hooks(OXIDIZED.format(cmd="/opt/x.sh")) == [
        (7, "oxidized-hook post_store", "/opt/x.sh")]
    assert daemonconf.daemon_for("home/oxidized/.config/oxidized/config") is not None
    assert daemonconf.daemon_for("etc/oxidized/config") is not None
    assert daemonconf.daemon_for("home/oxidized/.config/other/config") is None


@pytest.mark.parametrize("work,want", [(RM, "destructive"), (LS, "benign")])
def test_an_oxidized_hook_is_a_job_judged_by_what_it_runs(tmp_path: Path, work: str,
                                                          want: str) -> None:
    got = _root_verdicts(tmp_path, {
        "home/oxidized/.config/oxidized/config": OXIDIZED.format(cmd="/opt/ems/hook.sh"),
        "opt/ems/hook.sh": f"#!/bin/sh\n{work}\n"})
    assert got["home/oxidized/.config/oxidized/config"] == want


@pytest.mark.parametrize("work,want", [(RM, "destructive"), (LS, "benign")])
def test_rancid_run_sources_the_configuration_it_is_given(tmp_path: Path, work: str,
                                                         want: str) -> None:
    got = _root_verdicts(tmp_path, {
        "etc/cron.d/rancid": "1 * * * * rancid /usr/lib/rancid/bin/rancid-run -f "
                             "/etc/rancid/core.conf\n",
        "etc/rancid/core.conf": f"BASEDIR=/var/lib/rancid; export BASEDIR\n{work}\n"})
    assert got["etc/cron.d/rancid"] == want


def test_sourced_configurations_default_to_the_programs_own_file() -> None:
    assert carriers.sourced_files(["rancid-run"]) == ["/etc/rancid/rancid.conf"]
    assert carriers.sourced_files(["rancid-run", "-f", "/x.conf", "core"]) == ["/x.conf"]
    assert carriers.sourced_files(["cron-apt", "/etc/cron-apt/other"]) == ["/etc/cron-apt/other"]


# --- family: carriers reading their program from input or from a file they are handed ---------
@pytest.mark.parametrize("form", [
    "dc <<'DC'\n!{cmd}\nDC",
    "printf '!%s\\n' '{cmd}' | dc",
    "dc -e '!{cmd}'",
    "ed -s <<'ED'\n!{cmd}\nq\nED",
    "m4 <<'M4'\nchangequote([,])dnl\nesyscmd([{cmd}])dnl\nM4",
    "socat -u SYSTEM:'{cmd}' STDOUT",
])
def test_carriers_reading_their_program_from_input(form: str) -> None:
    assert _judged("#!/bin/bash\n" + form.format(cmd=RM) + "\n")[0] == "destructive"
    assert _judged("#!/bin/bash\n" + form.format(cmd=LS) + "\n")[0] == "benign"


def test_dc_comparisons_are_not_commands() -> None:
    assert carriers.dc_program("5 3 !<a\n!ls /\n") == [("ls /", "run by dc's !")]


@pytest.mark.parametrize("work,want", [(RM, "destructive"), (LS, "benign")])
def test_ssh_configuration_files_given_with_F(work: str, want: str) -> None:
    conf = f"Host ne\n  HostName 127.0.0.1\n  PermitLocalCommand yes\n  LocalCommand {work}\n"
    assert _judged("#!/bin/bash\nssh -F /opt/ems/ssh.conf ne true\n",
                   {"opt/ems/ssh.conf": conf})[0] == want


# --- family: values handed to a carrier from outside ------------------------------------------
@pytest.mark.parametrize("form", [
    "export S='{cmd}'\nawk 'BEGIN {{ c = ENVIRON[\"S\"]; while ((c | getline l) > 0) print l }}'",
    "S='{cmd}' awk 'BEGIN {{ print ENVIRON[\"S\"] | \"/bin/sh\" }}'",
    "awk -v c='{cmd}' 'BEGIN {{ print c | \"sh\" }}'",
    "C='{cmd}' vim -es -u NONE -c 'call system($C)' -c 'qa!'",
    "perl -ne 'system $_' <<< '{cmd}'",
    "printf '%s\\n' '{cmd}' | perl -nle 'print readpipe($_)'",
    "zsh -fc 'w=({cmd}); eval ${{(j: :)w}}'",
    "GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=alias.tidy GIT_CONFIG_VALUE_0='!{cmd}' git tidy",
])
def test_values_handed_to_a_carrier_from_outside(form: str) -> None:
    assert _judged("#!/bin/bash\n" + form.format(cmd=RM) + "\n")[0] == "destructive"
    assert _judged("#!/bin/bash\n" + form.format(cmd=LS) + "\n")[0] == "benign"


@pytest.mark.parametrize("work,want", [(RM, "destructive"), (LS, "benign")])
def test_git_aliases_from_the_file_git_config_global_names(work: str, want: str) -> None:
    assert _judged("#!/bin/bash\nGIT_CONFIG_GLOBAL=/opt/ems/g.cfg git tidy\n",
                   {"opt/ems/g.cfg": f'[alias]\n\ttidy = "!{work}"\n'})[0] == want


# --- family: strings the standard library puts together ---------------------------------------
@pytest.mark.parametrize("code", [
    "import operator, os\noperator.methodcaller('system', {cmd!r})(os)\n",
    "import os\nfrom string import Template\n"
    "os.system(Template('$a$b').substitute(a={a!r}, b={b!r}))\n",
    "import os, string\nt = string.Template('${{a}}${{b}}')\nos.system(t.safe_substitute({{'a': {a!r}, "
    "'b': {b!r}}}))\n",
    "import functools, operator, subprocess\n"
    "subprocess.call(functools.reduce(operator.add, [{a!r}, {b!r}]), shell=True)\n",
    "import os\nfrom functools import reduce\nos.system(reduce(lambda x, y: x + y, [{a!r}, {b!r}]))\n",
])
def test_python_strings_put_together_by_the_standard_library(code: str) -> None:
    for cmd, want in ((RM, "destructive"), (LS, "benign")):
        text = code.format(cmd=cmd, a=cmd[:6], b=cmd[6:])
        assert _judged("#!/usr/bin/python3\n" + text)[0] == want, text


@pytest.mark.parametrize("cmd,want", [(RM, "destructive"), (LS, "benign")])
def test_tcl_binary_format_spells_the_command(cmd: str, want: str) -> None:
    tcl = f"exec sh -c [binary format H* {cmd.encode().hex()}]\n"
    assert _judged("#!/bin/bash\ntclsh /opt/ems/x.tcl\n", {"opt/ems/x.tcl": tcl})[0] == want


# --- family: destruction vocabulary -----------------------------------------------------------
@pytest.mark.parametrize("line", [
    "git -C /var/lib/oxidized/configs.git update-ref -d refs/heads/master",
    "git -C /var/lib/rancid branch -D master",
    "git --git-dir=/var/lib/rancid/.git reflog expire --expire=now --all",
    "git -C /var/lib/rancid filter-branch -f --index-filter 'git rm -rq --cached .' HEAD",
    "borg delete --force /srv/backup/ems-borg",
    "borg prune --keep-last 1 /srv/backup/ems-borg",
    "restic -r /srv/backup/restic forget --keep-last 2 --prune",
    "rdiff-backup --remove-older-than 1s /srv/backup/rdiff",
    "duplicity remove-older-than 10m --force file:///srv/backup/dup",
    "sort -o /srv/ems/linedata/pvc.csv /dev/null",
    "find /var/log -type f -name 'auth.log*' -exec cp /dev/null {} \\;",
    "find /var/log -name 'wtmp*' -delete",
])
def test_destruction_vocabulary(line: str) -> None:
    assert _judged(f"#!/bin/bash\n{line}\n")[0] == "destructive"


@pytest.mark.parametrize("line", [
    "git -C /var/lib/rancid branch -d merged-topic",
    "git -C /var/lib/rancid gc --auto",
    "git -C /var/lib/rancid reflog expire --expire=90.days.ago --all",
    "borg prune --keep-daily 7 --keep-weekly 4 /srv/backup/ems-borg",
    "borg prune --keep-within 14d /srv/backup/ems-borg",
    "restic -r /srv/backup/restic forget --keep-last 3 --keep-daily 7 --prune",
    "rdiff-backup --remove-older-than 1Y /srv/backup/rdiff",
    "sort -o /var/tmp/ne.sorted /opt/ems/etc/ne.list",
    "find /var/log -name 'auth.log.*.gz' -mtime +90 -delete",
    "find /var/log/ems -name '*.log' -mtime +30 -delete",
    "wipefs --no-act /dev/sdb1",
    "wipefs -n -a /dev/sdb1",
    "rsync -an --delete /var/empty/ /srv/ems/linedata/",
    "borg delete --dry-run /srv/backup/ems-borg",
])
def test_their_quiet_look_alikes(line: str) -> None:
    assert _judged(f"#!/bin/bash\n{line}\n")[0] != "destructive"


@pytest.mark.parametrize("copy,want", [
    ("copy tftp://10.20.30.40/zz.cfg running-config", "suspicious"),
    ("copy flash:maint.cfg system:running-config", "suspicious"),
    ("copy running-config tftp://10.20.30.40/backup.cfg", "benign"),
    ("copy startup-config running-config", "benign")])
def test_a_file_copied_into_running_config_is_unseen_configuration(copy: str, want: str) -> None:
    assert _judged(f"#!/bin/bash\nclogin -c '{copy}' atm-kobe-01\n")[0] == want


# --- family: a change ticket in the commands sent ---------------------------------------------
def test_a_ticket_in_a_clogin_command_file_marks_the_change() -> None:
    cmds = ("! CHG0045123: retire ATM1/0.193 (MOP approved)\nconfigure terminal\n"
            "no interface ATM1/0.193 point-to-point\nend\n")
    assert _judged("#!/bin/bash\nclogin -x /opt/ems/c.cmds atm-kobe-01\n",
                   {"opt/ems/c.cmds": cmds})[0] != "destructive"
    assert _judged("#!/bin/bash\nclogin -x /opt/ems/c.cmds atm-kobe-01\n",
                   {"opt/ems/c.cmds": cmds.split("\n", 1)[1]})[0] == "destructive"


def test_awk_reading_a_variable_the_job_never_set_is_read_as_before() -> None:
    text = "#!/bin/sh\nawk 'BEGIN { print ENVIRON[\"AWKPATH\"] }'\nawk -v x 'BEGIN { }'\n"
    assert _judged(text)[0] == "benign"
