"""An insider with operator access who has read lineguard's source, against what session 6
changed: change-control lowering, housekeeping bounds and values a job takes from files that
are not there yet. Every test here failed before its fix (the attack succeeded)."""

from __future__ import annotations

import pytest

from tests.test_change_control import _judge

TICKET = "# CHG0012345: retire BTS100 (approved change)\n"


# --- a fake ticket must not lower a change that removes a whole set at once -------------------

@pytest.mark.parametrize("text", [
    # an ATM interface with every PVC under it (IOS), reset to defaults or removed
    "ssh atm1 'configure terminal\nno interface ATM0/1'\n",
    "ssh atm1 'configure terminal\ndefault interface ATM0/1/0'\n",
    "ssh atm1 'configure terminal\nno interface range ATM0/1/0 - 3'\n",
    # the whole saved configuration: the device comes up empty at its next reload
    "ssh atm1 'write erase'\n",
    "ssh atm1 'configure terminal\nconfig-register 0x2142'\n",
    "ssh atm1 'copy tftp://10.9.9.9/empty.cfg startup-config'\n",
    "ssh atm1 'configure replace flash:empty.cfg force'\n",
    "snmpset -v2c -c private atm1 ccCopySourceFileType.7 i 1 ccCopyDestFileType.7 i 3 "
    "ccCopyEntryRowStatus.7 i 4\n",
    # Junos: a whole ATM interface, or the whole configuration
    "ssh atm1 'configure\ndelete interfaces at-0/0/0\ncommit and-quit'\n",
    "ssh atm1 'configure\nload override /var/tmp/empty.conf\ncommit and-quit'\n",
    # TL1: every cross-connect of the element
    "echo 'DLT-CRS-VC:NODE7:ALL:11;' | nc tl1gw 3083\n",
    # the whole cross-connect table kept in one file on the server
    "shred -u /srv/ems/linedata/xconnect.tbl\n",
])
def test_a_ticket_does_not_lower_a_change_that_removes_a_whole_set(text):
    """One device, one command, a ticket comment anyone can type: the change was judged "one
    target" and lowered to suspicious/medium — below the default alert threshold, no
    countdown. An interface's PVCs, a whole configuration or table are every member of a set.
    (Planting one such job per device keeps each job "one target".)"""
    j = _judge(TICKET + text)
    assert j.verdict == "destructive", [(r.rule, r.title) for r in j.reasons]
    assert j.severity in ("high", "critical")
    assert any("CHG0012345" in r.title and "not lowered" in r.title for r in j.reasons)


@pytest.mark.parametrize("text", [
    "ssh atm1 'configure terminal\ninterface ATM0/1\nno pvc 0/32'\n",
    "ssh atm1 'configure terminal\nno interface ATM0/1.100 point-to-point'\n",
    "ssh atm1 'configure\ndelete interfaces at-0/0/0 unit 100\ncommit and-quit'\n",
    "echo 'DLT-CRS-VC:NODE7:NTVCL-0-32,LTVCL-0-32:11;' | nc tl1gw 3083\n",
    "snmpset -v2c -c private atm1 atmVcCrossConnectRowStatus.1.0.32.2.0.40.1 i 6\n",
])
def test_one_named_circuit_under_a_ticket_is_still_lowered(text):
    j = _judge(TICKET + text)
    assert (j.verdict, j.severity) == ("suspicious", "medium"), [r.title for r in j.reasons]


# --- housekeeping bounds that never bind ------------------------------------------------------

@pytest.mark.parametrize("text", [
    # a database's files are old: "older than a day" is nearly all of them
    "find /var/lib/postgresql -mtime +1 -delete\n",
    "find /var/lib/mysql -type f -mtime +7 -exec rm -f {} +\n",
    # the EMS/NMS's whole data tree by age
    "find /srv/ems -mtime +1 -delete\n",
    "find /opt/nms/db -type f -mtime +1 -exec rm {} +\n",
    # bounds that select every file: smaller than 100 GB, older than a minute
    "find /var/lib -size -100G -delete\n",
    "find /srv/app -mmin +5 -delete\n",
    "find /srv/ems/linedata -size -2000000 -delete\n",
])
def test_a_bound_that_never_binds_does_not_make_a_data_wipe_housekeeping(text):
    """Judged benign before: an age or size bound made the deletion "housekeeping", whatever
    tree it walked."""
    j = _judge(text)
    assert j.verdict == "destructive" and j.severity in ("high", "critical"), \
        [(r.rule, r.title) for r in j.reasons]


@pytest.mark.parametrize("text", [
    "find /var/lib/postgresql/15/main/log -name '*.log' -mtime +7 -delete\n",
    "find /var/lib/mysql -name '*.err' -mtime +30 -delete\n",
    "find /srv/ems/reports -mtime +30 -delete\n",
    "find /opt/ems/tmp -type f -mtime +7 -delete\n",
    "find /var/log/ems -size -1k -delete\n",
    "find /tmp -mmin +5 -delete\n",
    "find /var/lib/php/sessions -cmin +24 -delete\n",
])
def test_housekeeping_with_a_real_bound_stays_benign(text):
    assert _judge(text).verdict == "benign"


# --- a value a job takes from a file that is not there yet -------------------------------------

def _sweep_unit(root, settings: str, command: str) -> None:
    from tests.hostroot import link, write
    from tests.test_dropin_evidence import LIB, SD
    write(root, f"{LIB}/ems-sweep.service", "[Unit]\nDescription=sweep\n\n[Service]\n"
          f"Type=oneshot\n{settings}ExecStart={command}\n[Install]\nWantedBy=multi-user.target\n")
    link(root, f"{SD}/multi-user.target.wants/ems-sweep.service", f"/{LIB}/ems-sweep.service")


def _sweep_verdict(root):
    from tests.test_dropin_evidence import _judged
    (verdict,) = [v for j, v in _judged(root) if "ems-sweep" in (j.origin_path or "")]
    return verdict


def test_a_boot_service_wiping_through_an_environment_file_not_there_yet_is_destructive(tmp_path):
    """`EnvironmentFile=-/etc/default/ems-sweep` (optional, absent today) and `rm -rf
    ${LINEDATA}/*`: judged benign. At the next boot it deletes every file on the server (the
    variable is empty), or — once the insider writes the file the night before — the line
    data."""
    root = tmp_path / "r"
    _sweep_unit(root, "EnvironmentFile=-/etc/default/ems-sweep\n",
                "/bin/sh -c 'rm -rf ${LINEDATA}/*'")
    v = _sweep_verdict(root)
    assert v.verdict == "destructive" and v.severity in ("high", "critical"), v
    main = next(r for r in v.reasons if r.rule == "lg.host.rm-unset-root")
    assert "etc/default/ems-sweep may set it, and it is not on the host" in main.title
    # the file planted later: the line data, named
    from tests.hostroot import write
    write(root, "etc/default/ems-sweep", "LINEDATA=/srv/ems/linedata\n")
    v = _sweep_verdict(root)
    assert v.verdict == "destructive" and any("/srv/ems/linedata" in r.title for r in v.reasons)


def test_a_deletion_named_by_an_environment_file_not_there_yet_is_not_benign(tmp_path):
    root = tmp_path / "r"
    _sweep_unit(root, "EnvironmentFile=-/etc/default/ems-sweep\n", "/bin/rm -rf ${LINEDATA}")
    v = _sweep_verdict(root)
    assert (v.verdict, v.severity) == ("suspicious", "medium"), v
    (r,) = [r for r in v.reasons if r.rule == "lg.host.rm-unseen-value"]
    assert "etc/default/ems-sweep" in r.title


def test_a_script_sourcing_a_file_not_there_yet_before_deleting_is_not_benign():
    j = _judge("[ -r /opt/ems/etc/purge.env ] && . /opt/ems/etc/purge.env\n"
               'shred -u "$TABLE"\n')
    assert j.verdict == "suspicious", [(r.rule, r.title) for r in j.reasons]
    assert any("opt/ems/etc/purge.env may set it" in r.title for r in j.reasons)



def test_a_harmless_default_the_missing_file_can_override_is_not_benign(tmp_path):
    """`${LINEDATA:-/var/tmp/ems-sweep}`: harmless while the environment file is absent, the
    line data once the insider writes `LINEDATA=/srv/ems/linedata` into it."""
    root = tmp_path / "r"
    _sweep_unit(root, "EnvironmentFile=-/etc/default/ems-sweep\n",
                "/bin/sh -c 'rm -rf \"${LINEDATA:-/var/tmp/ems-sweep}\"/*'")
    v = _sweep_verdict(root)
    assert (v.verdict, v.severity) == ("suspicious", "medium"), v
    assert any("defaults to /var/tmp/ems-sweep; etc/default/ems-sweep may set it" in r.title
               for r in v.reasons)


def test_a_packaged_library_missing_from_the_capture_is_no_plant_spot():
    j = _judge(". /usr/lib/ems/tools\nrm -f \"$prom_dir\"/ems.prom.$$\n")
    assert j.verdict == "benign", [(r.rule, r.title) for r in j.reasons]


@pytest.mark.parametrize("text", [
    'rm -rf "$EMS_SPOOL"/*\n',
    'rm -rf ${EMS_SPOOL}/*\n',
])
def test_a_tree_named_by_a_variable_nothing_sets_is_a_wipe_of_everything(text):
    """Unset, `rm -rf "$X"/*` is `rm -rf /*`: judged benign (an unknown path read as scratch)."""
    j = _judge(text)
    assert j.verdict == "destructive" and j.severity in ("high", "critical")


@pytest.mark.parametrize("text", [
    # what the runtime sets, and what a job reads at run time, is not "unset"
    'rm -rf "$RUNTIME_DIRECTORY"/*\n',
    'rm -rf "${TMPDIR:-/tmp}"/*\n',
    'find /var/tmp/build -mindepth 1 -type d | while read -r d; do rm -rf "$d"/*; done\n',
    'd=$(mktemp -d)\ntrap \'rm -rf "$d"/*\' EXIT\n',
    'clean() {\n  rm -rf "$1"/*\n}\nclean /var/tmp/ems\n',
])
def test_values_known_or_set_at_run_time_stay_quiet(text):
    j = _judge(text)
    assert j.verdict == "benign", [(r.rule, r.title) for r in j.reasons]


# --- git hooks a job runs without naming them ------------------------------------------------

def test_hooks_that_fetch_reset_and_index_writes_run_and_included_hook_paths_are_captured(
        tmp_path):
    """`git fetch` runs reference-transaction (every ref update does), `git pull` also
    post-index-change; a repository config can `[include] path = …` a file under the
    operator's home that sets core.hooksPath. None of these hooks was captured or judged: a
    hook deleting the line data ran with the cron job unseen."""
    from lineguard.agent.sources.host import collect, watched_paths
    from tests.hostroot import write
    from tests.test_git_hook_repos import HOOK, _hook_jobs
    root = tmp_path / "r"
    write(root, "etc/cron.d/ems-sync", "SHELL=/bin/sh\n10 4 * * * ems cd /opt/cfg && git fetch -q\n"
          "20 4 * * * ems git -C /opt/b pull -q\n30 4 * * * ems git -C /opt/c pull -q\n")
    write(root, "opt/cfg/.git/config", "[core]\n\tbare = false\n")
    write(root, "opt/cfg/.git/hooks/reference-transaction", HOOK, 0o755)
    write(root, "opt/b/.git/config", "[core]\n\tbare = false\n")
    write(root, "opt/b/.git/hooks/post-index-change", HOOK, 0o755)
    write(root, "opt/c/.git/config", "[core]\n\tbare = false\n[include]\n\tpath = ~/.x.cfg\n"
          "[user]\n\tname = ems\n")
    write(root, "home/ems/.x.cfg", "[core]\n\thooksPath = /home/ems/.h\n")
    write(root, "home/ems/.h/post-merge", HOOK, 0o755)
    found = _hook_jobs(root)
    assert set(found) == {"opt/cfg/.git/hooks/reference-transaction",
                          "opt/b/.git/hooks/post-index-change", "home/ems/.h/post-merge"}
    # the included file is watched like the config that includes it
    target, _facts = collect(root)
    assert "home/ems/.x.cfg" in set(watched_paths(root, target))


def test_an_include_that_sets_nothing_leaves_the_hooks_where_they_were():
    from lineguard.formats.githooks import hooks_dir, with_includes
    files = {"/home/ems/.x.cfg": "[user]\n\temail = e@x\n"}
    config = with_includes("[include]\n\tpath = ~/.x.cfg\n[core]\n\tbare = false\n",
                           "/opt/c/.git/config", files.get, "/home/ems")
    assert hooks_dir("/opt/c", config, "/opt/c/.git") == "/opt/c/.git/hooks"
    # a value the including file sets after the include wins, as in git
    files["/home/ems/.x.cfg"] = "[core]\n\thooksPath = /home/ems/.h\n"
    config = with_includes("[include]\n\tpath = ~/.x.cfg\n[core]\n\thooksPath = hooks\n",
                           "/opt/c/.git/config", files.get, "/home/ems")
    assert hooks_dir("/opt/c", config, "/opt/c/.git") == "/opt/c/hooks"


# --- a loop over a list nobody can see now is every item of it, not one target -----------------

@pytest.mark.parametrize("text", [
    "curl -s http://10.9.9.9/rows | while read idx; do\n"
    "  snmpset -v2c -c private atm1 atmVclRowStatus.$idx i 6\ndone\n",
    "for idx in $(curl -s http://10.9.9.9/rows); do\n"
    "  snmpset -v2c -c private atm1 atmVcCrossConnectRowStatus.$idx i 6\ndone\n",
    "wget -qO- http://10.9.9.9/circuits | while read vc; do\n"
    "  ssh atm1 \"configure terminal\ninterface ATM0/1\nno pvc $vc\"\ndone\n",
])
def test_a_ticket_does_not_lower_a_loop_over_a_list_fetched_at_run_time(text):
    """The rows come from a list only the run will see: each SET was "one target" and the
    ticket lowered the job to suspicious/medium; the list may name every row."""
    j = _judge(TICKET + text)
    assert j.verdict == "destructive" and j.severity in ("high", "critical"), \
        [(r.rule, r.title) for r in j.reasons]
    assert any("not lowered" in r.title for r in j.reasons)



def _judge_program(text: str, suffix: str):
    from datetime import timedelta

    from lineguard.collector.analyse.effects.judge import judge
    from lineguard.collector.model import CronTrigger, Fire, Job
    from lineguard.formats.wire import Artifact
    from tests.ruleexamples import NOW
    name = f"usr/local/sbin/change.{suffix}"
    interp = {"py": "/usr/bin/python3", "pl": "/usr/bin/perl"}[suffix]
    files = {name: Artifact.from_bytes(name, "script", f"#!{interp}\n{text}".encode())}
    job = Job(target="ems1", source="cron", origin_path="etc/cron.d/change", origin_line=1,
              owner="root", schedule="0 3 * * *", command="/" + name,
              trigger=CronTrigger("0 3 * * *"), files=(name,))
    return judge(job, files, Fire(kind="exact", at=NOW + timedelta(days=1)), NOW)


@pytest.mark.parametrize("suffix, text", [
    ("py", "import os, urllib.request\n"
           "for r in urllib.request.urlopen('http://10.9.9.9/rows').read().split():\n"
           "    os.system(f'snmpset -v2c -c private atm1 atmVclRowStatus.{r} i 6')\n"),
    ("py", "import os, sys\nfor r in sys.stdin:\n"
           "    os.system('snmpset -v2c -c private atm1 atmVclRowStatus.%s i 6' % r.strip())\n"),
    ("pl", "my @rows = split /\\n/, `curl -s http://10.9.9.9/rows`;\n"
           "foreach my $r (@rows) { system(\"snmpset -v2c -c private atm1 atmVclRowStatus.$r i 6\"); }\n"),
])
def test_a_python_or_perl_loop_over_a_list_fetched_at_run_time_is_not_lowered(suffix, text):
    j = _judge_program(TICKET + text, suffix)
    assert j.verdict == "destructive" and j.severity in ("high", "critical"), \
        [(r.rule, r.title) for r in j.reasons]


# --- a device session written in double quotes over several lines ------------------------------

@pytest.mark.parametrize("text", [
    'ssh atm1 "configure terminal\ninterface ATM0/1\nno pvc 0/32"\n',
    'for vc in 0/32 0/33; do\n  ssh atm1 "configure terminal\ninterface ATM0/1\nno pvc $vc"\ndone\n',
    'sh -c "cd /srv/ems\nrm -rf linedata"\n',
])
def test_a_multi_line_double_quoted_command_is_read_line_by_line(text):
    """The parser leaves the line breaks of a double-quoted string out of its parts: the
    session read as one line, `configure terminalinterface ATM0/1no pvc 0/32`, matched no
    rule — benign, where the same text in single quotes was critical."""
    j = _judge(text)
    assert j.verdict == "destructive", [(r.rule, r.title) for r in j.reasons]


# --- the environment a systemd manager gives every service ------------------------------------

def test_a_default_environment_for_every_service_is_read_with_the_unit(tmp_path):
    """A boot service deleting `${EMS_TMP:-/var/tmp/ems}/*` reads as scratch; one
    `DefaultEnvironment="EMS_TMP=/srv/ems/linedata"` in /etc/systemd/system.conf.d makes it
    the line data, and the agent did not even capture that file: benign."""
    from lineguard.agent.sources.host import collect, watched_paths
    from tests.hostroot import write
    root = tmp_path / "r"
    _sweep_unit(root, "", "/bin/sh -c 'rm -rf \"${EMS_TMP:-/var/tmp/ems}\"/*'")
    assert _sweep_verdict(root).verdict == "benign"
    write(root, "etc/systemd/system.conf.d/10-ems.conf",
          '[Manager]\nDefaultEnvironment="EMS_TMP=/srv/ems/linedata" LANG=C.UTF-8\n')
    v = _sweep_verdict(root)
    assert v.verdict == "destructive", v
    assert any("/srv/ems/linedata" in r.title for r in v.reasons)
    target, _facts = collect(root)
    assert "etc/systemd/system.conf.d" in set(watched_paths(root, target))


def test_a_users_environment_d_reaches_the_users_timer(tmp_path):
    """A lingering user's timer: ~/.config/environment.d is the user manager's environment."""
    from lineguard.collector.model import Verdict
    from tests.hostroot import write
    from tests.test_dropin_evidence import _judged
    root = tmp_path / "r"
    unit = "home/ems/.config/systemd/user"
    write(root, "var/lib/systemd/linger/ems", "")
    write(root, f"{unit}/sweep.service", "[Service]\nType=oneshot\n"
          "ExecStart=/bin/sh -c 'rm -rf \"${EMS_TMP:-/var/tmp/ems}\"/*'\n")
    write(root, f"{unit}/sweep.timer", "[Timer]\nOnCalendar=daily\n[Install]\nWantedBy=timers.target\n")
    write(root, f"{unit}/timers.target.wants/.keep", "")
    (root / f"{unit}/timers.target.wants/.keep").unlink()
    (root / f"{unit}/timers.target.wants/sweep.timer").symlink_to(f"/{unit}/sweep.timer")
    write(root, "home/ems/.config/environment.d/50-ems.conf", "EMS_TMP=/srv/ems/linedata\n")
    judged = [(j, v) for j, v in _judged(root) if "sweep" in j.command or "sweep" in (j.origin_path or "")]
    assert judged, "the user timer is a job"
    assert any(v.verdict == Verdict.DESTRUCTIVE for _j, v in judged), judged
