"""An insider with operator access who has read lineguard's source, against what session 7's
engine added: payloads undone in a process of its own, decoders' size limits, the agent's
capture of what the collector's reading looks for. Every test here failed before its fix (the
attack succeeded)."""

from __future__ import annotations

import base64
import bz2
import gzip
import marshal
import pickle
import tracemalloc
import zlib

import pytest

from tests.test_insider_reading_review import LINE_DATA, _judge

WIPE = f"rm -rf {LINE_DATA}"
PADDING = ": routine housekeeping step\n" * 40_000           # 1.1 MB once undone


def _loud(j) -> None:
    """Mailed (high or above) and never benign."""
    assert j.verdict != "benign" and j.severity in ("high", "critical"), \
        [(r.rule, r.title) for r in j.reasons]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _python(body: str):
    name = "opt/ems/bin/sync.py"
    return _judge({name: "#!/usr/bin/python3\nimport base64, marshal, os, pickle, zlib\n" + body},
                  "/" + name)


def _shell(body: str):
    name = "opt/ems/bin/sync.sh"
    return _judge({name: "#!/bin/sh\n" + body}, "/" + name)


# --- a payload padded past a decoder's limit ---------------------------------------------------

def test_a_compressed_payload_padded_past_the_output_limit_is_loud_in_shell():
    """3 KB of gzip that undoes to 1.1 MB of no-ops and then the wipe: the decompressor kept
    the first 1,000,000 bytes and dropped the rest without a word — medium ("undoes an
    encoding and runs it"), not mailed."""
    payload = _b64(gzip.compress((PADDING + WIPE + "\n").encode()))
    _loud(_shell(f"echo {payload} | base64 -d | gunzip | sh\n"))


def test_a_compressed_payload_padded_past_the_output_limit_is_loud_in_python():
    payload = _b64(zlib.compress((PADDING + WIPE + "\n").encode()))
    _loud(_python(f"os.system(zlib.decompress(base64.b64decode('{payload}')).decode())\n"))


def test_a_decoded_script_padded_past_the_output_limit_is_loud():
    """base64 of a 1.1 MB script (1.5 MB of text, under the 2 MB a program may hold): the
    decoded script was cut at 1,000,000 bytes and the wipe after it was never read."""
    _loud(_shell(f"echo {_b64((PADDING + WIPE).encode())} | base64 -d | sh\n"))


def test_a_compression_bomb_is_read_in_bounded_memory_and_is_loud():
    """14 KB of concatenated bzip2 streams undo to 300 MB (2,000 would be 2 GB): the whole
    output was made in memory before it was cut, so a planted job could take the collector
    (and the agent, which reads the same way) down while it ingests."""
    bomb = _b64(bz2.compress(b"\0" * 1_000_000) * 300)
    tracemalloc.start()
    try:
        j = _shell(f"echo {bomb} | base64 -d | bunzip2 | sh\n")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    _loud(j)
    assert peak < 64 << 20, f"{peak:,} bytes at the peak"


@pytest.mark.parametrize("harmless", ["echo nightly sync", "logger -t ems sync done"])
def test_a_small_compressed_payload_is_still_judged_by_what_it_runs(harmless):
    """The limit does not touch a payload under it: judged by what it holds."""
    j = _shell(f"echo {_b64(gzip.compress(harmless.encode()))} | base64 -d | gunzip | sh\n")
    assert j.verdict != "destructive" and j.severity not in ("high", "critical"), \
        [(r.rule, r.title) for r in j.reasons]
    j = _shell(f"echo {_b64(bz2.compress(WIPE.encode()) * 2)} | base64 -d | bunzip2 | sh\n")
    assert j.verdict == "destructive", [(r.rule, r.title) for r in j.reasons]


# --- objects undone only in a process of their own ---------------------------------------------

class _Wipe:
    def __reduce__(self):
        import os
        return os.system, (WIPE,)


def test_a_pickle_padded_past_what_is_read_is_loud():
    """A 70 KB string first, then the call: the pickle was read to 64 KB only, and the job was
    "runs code it cannot see" (medium)."""
    data = _b64(pickle.dumps(["x" * 70_000, _Wipe()]))
    _loud(_python(f"pickle.loads(base64.b64decode('{data}'))\n"))


def test_a_marshalled_code_object_padded_past_what_is_read_is_loud():
    code = compile("import os\n" + "x = 1\n" * 20_000 + f"os.system('{WIPE}')\n", "x", "exec")
    _loud(_python(f"exec(marshal.loads(base64.b64decode('{_b64(marshal.dumps(code))}')))\n"))


def test_a_marshalled_code_object_this_python_cannot_read_is_loud():
    """A code object marshalled by the management server's own (older) Python does not load
    here: the job was "runs code it cannot see" (medium) while it conceals what it runs on
    purpose. Stood for by a code object whose bytes were cut."""
    code = marshal.dumps(compile(f"import os\nos.system('{WIPE}')\n", "x", "exec"))
    _loud(_python(f"exec(marshal.loads(base64.b64decode('{_b64(code[:-7])}')))\n"))


def test_a_marshalled_text_is_read_as_the_code_exec_runs():
    """exec() runs a text as well as a code object: marshal.dumps of the command text itself
    was not undone at all (only code objects were), and the job was medium."""
    data = _b64(marshal.dumps(f"import os\nos.system('{WIPE}')\n"))
    j = _python(f"exec(marshal.loads(base64.b64decode('{data}')))\n")
    assert j.verdict == "destructive", [(r.rule, r.title) for r in j.reasons]


def test_thousands_of_marshalled_objects_do_not_hold_the_reader_for_hours():
    """Each marshalled object is undone in a new Python process (about 0.1 s of start-up,
    outside this process's CPU bound): 10,000 of them in one job held the collector's
    ingestion (and the agent's snapshot) for about twenty minutes a job. Past the count of
    processes one job may start, the rest is not read, and the job says so."""
    lines = "".join(
        f"exec(marshal.loads(base64.b64decode('{_b64(marshal.dumps(compile(f'print({i})', 'x', 'exec')))}')))\n"
        for i in range(200))
    j = _python(lines)
    _loud(j)
    assert any("not read: more than 8 marshalled objects" in r.title for r in j.reasons), \
        [r.title for r in j.reasons]


# --- the agent, as root, captures what an operator's own job names -----------------------------

def _operator_root(tmp_path, crontab: str):
    from tests.hostroot import write
    root = tmp_path / "root"
    write(root, "etc/passwd", "root:x:0:0::/root:/bin/bash\noper:x:1000:1000::/home/oper:/bin/bash\n")
    write(root, "etc/debian_version", "12.8\n")
    write(root, "var/spool/cron/crontabs/oper", crontab)
    return root


def test_an_operators_job_cannot_copy_the_agent_key_or_password_hashes_into_a_snapshot(tmp_path):
    """`cat /etc/lineguard/agent.key` and `. /etc/shadow` in the operator's own crontab: the
    agent (root) captured both files whole as the job's scripts, and snapshots are written
    0644 in the outbox — the operator read the agent's private key there (and signed
    snapshots in its name) and every password hash of the server."""
    from lineguard.agent.keys import generate
    from lineguard.agent.sources.host import collect
    root = _operator_root(tmp_path, "0 3 * * * cat /etc/lineguard/agent.key >/dev/null\n"
                                    "5 3 * * * . /etc/shadow\n")
    key, _pub = generate(root / "etc/lineguard/agent.key")
    shadow = "root:$6$Qx1T$Yt7cVfakehashfakehash:19000:0:99999:7:::\noper:!:19000::::::\n"
    (root / "etc/shadow").write_text(shadow)
    body = "".join(key.read_text().splitlines()[1:-1])
    target, _ = collect(root, hostname="ems1")
    arts = {a.name: a for a in target.artifacts}
    assert "etc/lineguard/agent.key" in arts and "etc/shadow" in arts     # still evidence
    for a in target.artifacts:
        text = a.text() or ""
        assert body not in text.replace("\n", "") and "$6$Qx1T$" not in text, a.name
    # a changed key or hash still changes what is recorded
    (root / "etc/lineguard/agent.key").unlink()
    generate(root / "etc/lineguard/agent.key")
    again = {a.name: a for a in collect(root, hostname="ems1")[0].artifacts}
    assert again["etc/lineguard/agent.key"].sha256 != arts["etc/lineguard/agent.key"].sha256


def test_a_key_like_block_in_a_script_does_not_mask_the_code_in_it(tmp_path):
    """Only a file that is nothing but a key is masked: a script cannot wrap its wipe in a
    BEGIN/END PRIVATE KEY frame to have it masked out of the rules' sight."""
    from lineguard.agent.sources.host import collect
    from tests.hostroot import write
    root = _operator_root(tmp_path, "0 3 * * * /home/oper/bin/tidy\n")
    write(root, "home/oper/bin/tidy", "#!/bin/sh\n-----BEGIN PRIVATE KEY-----\n"
          "/srv/ems/bin/wipeall\n-----END PRIVATE KEY-----\n" + WIPE + "\n", mode=0o755)
    (art,) = [a for a in collect(root, hostname="ems1")[0].artifacts
              if a.name == "home/oper/bin/tidy"]
    assert "/srv/ems/bin/wipeall" in art.text() and WIPE in art.text()


# --- one job spending the agent's follow budget ------------------------------------------------

def _budget_root(tmp_path, junk_job: str):
    from tests.hostroot import write
    from tests.test_dropin_evidence import PASSWD
    root = tmp_path / "r"
    write(root, "etc/passwd", PASSWD)
    write(root, "etc/timezone", "UTC\n")
    for i in range(40):
        write(root, f"home/ems/junk/{i:03d}", "#!/bin/sh\necho step\n", 0o755)
    write(root, "etc/cron.d/00-tidy", junk_job)
    write(root, "etc/cron.d/ems", "0 2 * * * root /opt/ems/bin/nightly.sh\n")
    write(root, "opt/ems/bin/nightly.sh", "#!/bin/sh\n/opt/ems/lib/step1.sh\n", 0o755)
    for k in range(1, 6):
        write(root, f"opt/ems/lib/step{k}.sh", f"#!/bin/sh\n/opt/ems/lib/step{k + 1}.sh\n", 0o755)
    write(root, "opt/ems/lib/step6.sh", f"#!/bin/sh\n{WIPE}\n", 0o755)
    return root


def _judged_with(root, limits):
    from lineguard.agent.sources.host import collect
    from lineguard.collector.analyse.effects.judge import judge
    from lineguard.collector.analyse.timing import next_fire
    from lineguard.collector.parse.host import jobs
    from tests.test_dropin_evidence import NOW
    target, facts = collect(root, limits=limits)
    arts = {a.name: a for a in target.artifacts}
    return target, {j.command: (j, judge(j, arts, next_fire(j.trigger, NOW, "UTC"), NOW))
                    for j in jobs(target, facts)}


def test_a_job_naming_many_files_cannot_spend_the_follow_budget_before_another_jobs_script(
        tmp_path):
    """`run-parts` over a folder of 40 files of the operator's own, in a cron file sorted
    first: the agent followed one queue for the whole host, the folder's files went first,
    the budget ran out, and the scripts the planted job reaches were never captured — it was
    judged benign (the host only "partial"). 40 files against a budget of 20 here; 50,000
    small files against the agent's default budget on a real host."""
    from lineguard.agent.sources.host import HostLimits
    root = _budget_root(tmp_path, "0 1 * * * ems run-parts /home/ems/junk\n")
    target, judged = _judged_with(root, HostLimits(max_followed_files=20))
    assert target.status == "partial"          # the junk job still spent the rest
    _job, verdict = judged["/opt/ems/bin/nightly.sh"]
    assert verdict.verdict == "destructive", verdict


def test_what_the_follow_budget_left_unread_is_a_loud_finding(tmp_path):
    """The planted job's own chain is what runs past the budget: each script still to be
    read is recorded as not read, and the job is high (a reading limit), not benign."""
    from lineguard.agent.sources.host import HostLimits
    from lineguard.collector.check import _unseen_finding
    from lineguard.collector.parse.hostcontext import NOT_REACHED
    root = _budget_root(tmp_path, "# nothing\n")
    target, judged = _judged_with(root, HostLimits(max_followed_files=3))
    job, verdict = judged["/opt/ems/bin/nightly.sh"]
    assert verdict.verdict != "benign" and verdict.severity in ("high", "critical"), verdict
    assert NOT_REACHED in (job.problem or "")
    assert _unseen_finding(job, "x").severity == "high"


# --- a change ticket and a range of circuits ----------------------------------------------------

TICKET = "# CHG0012345: retire BTS100 (approved change)\n"


@pytest.mark.parametrize("text", [
    # IOS: 969 PVCs in one line
    "ssh atm1 'configure terminal\ninterface ATM0/1\nno range pvc 0/32 0/1000'\n",
    "ssh atm1 'configure terminal\ninterface ATM0/1\nno range BTS pvc 1/32 1/63'\n",
    # a VP cross-connect carries every VC inside the path
    "ssh atm1 'configure terminal\ninterface ATM0/1/0\nno atm pvp 1 interface ATM0/1/1 7'\n",
    # the saved configuration itself
    "ssh atm1 'delete /force nvram:startup-config'\n",
])
def test_a_ticket_does_not_lower_a_range_of_circuits_or_the_saved_configuration(text):
    """One line, one device, a ticket comment anyone can type: "one target", lowered to
    suspicious/medium (not mailed) while it removes hundreds of circuits."""
    from tests.test_change_control import _judge as judge_job
    j = judge_job(TICKET + text)
    assert j.verdict == "destructive" and j.severity in ("high", "critical"), \
        [(r.rule, r.title) for r in j.reasons]
    assert any("not lowered" in r.title for r in j.reasons)


@pytest.mark.parametrize("text", [
    "ssh atm1 'configure\nwildcard range delete interfaces at-0/0/0 unit <100-900>\ncommit and-quit'\n",
    "ssh atm1 'configure\nwildcard range delete interfaces at-0/0/[0-3]\ncommit and-quit'\n",
    "ssh atm1 'configure\nwildcard delete interfaces at-0/0/0 \"unit 1.*\"\ncommit and-quit'\n",
])
@pytest.mark.parametrize("ticket", ["", TICKET])
def test_a_junos_wildcard_range_delete_is_destructive_and_never_lowered(text, ticket):
    """`wildcard range delete …` was read as a statement named `range`: benign, with or
    without a ticket, while it deletes every unit (every circuit) in the range."""
    from tests.test_change_control import _judge as judge_job
    j = judge_job(ticket + text)
    assert j.verdict == "destructive" and j.severity in ("high", "critical"), \
        [(r.rule, r.title) for r in j.reasons]


def test_one_named_circuit_under_a_ticket_is_still_lowered_on_every_platform():
    from tests.test_change_control import _judge as judge_job
    for text in ("ssh atm1 'configure terminal\ninterface ATM0/1\nno pvc 0/32'\n",
                 "ssh atm1 'configure terminal\ninterface ATM0/1/0\nno atm pvc 1 40 interface "
                 "ATM0/1/1 7 50'\n",
                 "ssh atm1 'configure\ndelete interfaces at-0/0/0 unit 100\ncommit and-quit'\n"):
        j = judge_job(TICKET + text)
        assert (j.verdict, j.severity) == ("suspicious", "medium"), [r.title for r in j.reasons]


# --- jobs that plant jobs by ways the planting reader did not know ------------------------------

CRON_LINE = f"0 3 10 2 * root {WIPE}"

PLANTERS = {
    # `crontab FILE`: the user's crontab replaced by a file the job wrote
    "crontab-file": f"echo '0 3 10 2 * {WIPE}' > /var/tmp/c\ncrontab /var/tmp/c\n",
    "crontab-user-file": f"echo '0 3 10 2 * {WIPE}' > /var/tmp/c\ncrontab -u ems /var/tmp/c\n",
    # dd writing its input into a cron folder
    "dd": f"echo '{CRON_LINE}' | dd of=/etc/cron.d/ems-rotate status=none\n",
    # cp/mv/install -t DIR SOURCE
    "cp-t": f"echo '{CRON_LINE}' > /var/tmp/x\ncp -t /etc/cron.d /var/tmp/x\n",
    "install-t": f"echo '{CRON_LINE}' > /var/tmp/x\ninstall -m 644 -t /etc/cron.d /var/tmp/x\n",
    # a local rsync is a copy, not a download
    "rsync-local": f"echo '{CRON_LINE}' > /var/tmp/x\nrsync -a /var/tmp/x /etc/cron.d/x\n",
    # file systems mounted over line data at the next boot, or now through an empty overlay
    "fstab": "echo 'tmpfs /srv/ems/linedata tmpfs defaults 0 0' >> /etc/fstab\n",
    "fstab-bind": "echo '/var/empty /srv/ems/linedata none bind 0 0' >> /etc/fstab\n",
    "mount-unit": "printf '[Mount]\\nWhat=tmpfs\\nWhere=/srv/ems/linedata\\nType=tmpfs\\n' "
                  "> /etc/systemd/system/srv-ems-linedata.mount\n",
    "overlay": "mount -t overlay overlay -o lowerdir=/var/empty /srv/ems/linedata\n",
    # a start-up file every shell of every job reads, set for every job at once
    "environment": f"echo '{WIPE}' > /var/tmp/e\necho 'BASH_ENV=/var/tmp/e' >> /etc/environment\n",
    "default-environment": f"echo '{WIPE}' > /var/tmp/e\nmkdir -p /etc/systemd/system.conf.d\n"
                           "printf '[Manager]\\nDefaultEnvironment=BASH_ENV=/var/tmp/e\\n' "
                           "> /etc/systemd/system.conf.d/ems.conf\n",
}


@pytest.mark.parametrize("name", sorted(PLANTERS))
def test_a_job_planting_a_wipe_by_another_writer_is_destructive(name):
    """Each was judged benign: the planting reader knew `crontab -`, tee, >, cp SRC DEST,
    mv, ln, install and sed, and mounts typed on the command line."""
    j = _shell(PLANTERS[name])
    assert j.verdict == "destructive" and j.severity in ("high", "critical"), \
        [(r.rule, r.title) for r in j.reasons]


@pytest.mark.parametrize("text", [
    # the file a planted setting names is written later, or a library every program loads
    "echo 'BASH_ENV=/var/tmp/e' >> /etc/environment\necho rm -rf x > /var/tmp/e\n",
    "echo /var/tmp/libx.so > /etc/ld.so.preload\n",
    "tar -xzf /var/tmp/pkg.tgz -C /etc/cron.d\n",
])
def test_a_planted_start_up_file_or_archive_whose_content_is_unknown_is_not_benign(text):
    j = _shell(text)
    assert j.verdict != "benign", [(r.rule, r.title) for r in j.reasons]


@pytest.mark.parametrize("text", [
    "echo '/dev/sdb1 /srv/ems/linedata ext4 defaults 0 2' >> /etc/fstab\n",
    "echo 'LANG=C.UTF-8' >> /etc/environment\n",
    "echo '0 3 * * * ems /opt/ems/bin/report.sh' > /var/tmp/c\ncrontab -l > /dev/null\n",
    "rsync -a /srv/ems/linedata/ /backup/linedata/\n",
    "dd if=/dev/zero of=/var/tmp/swap bs=1M count=16\n",
])
def test_ordinary_fstab_environment_and_copies_stay_quiet(text):
    j = _shell(text)
    assert j.severity not in ("high", "critical"), [(r.rule, r.title) for r in j.reasons]


def test_the_agents_reading_of_many_costly_jobs_is_bounded_in_all_and_said(tmp_path):
    """Each job's reading is bounded (30 s of CPU), their number was not: a thousand planted
    jobs, each a script shaped to cost seconds to read, held the agent's snapshot for hours
    (no snapshot of the host at all, its other jobs included). Past the agent's bound for all
    of them the snapshot goes out, partial, saying why."""
    from lineguard.agent.sources.host import HostLimits, collect
    from tests.hostroot import write
    root = tmp_path / "r"
    write(root, "etc/passwd", "root:x:0:0::/root:/bin/bash\n")
    body = "".join(f'v{k}="$(printf %s {k})"; x=$v{k}\n' for k in range(30))
    for i in range(6):
        write(root, f"opt/ems/bin/s{i}.sh", f"#!/bin/bash\n{body}echo {i}\n", 0o755)
    write(root, "etc/cron.d/ems", "".join(f"0 {i} * * * root /opt/ems/bin/s{i}.sh\n"
                                          for i in range(6)))
    target, _ = collect(root, limits=HostLimits(wanted_cpu_s=0.0))
    assert target.status == "partial" and "stopped reading jobs" in (target.error or "")
    assert {f"opt/ems/bin/s{i}.sh" for i in range(6)} <= {a.name for a in target.artifacts}


# --- commands run by a wrapper or a tool's settings -------------------------------------------

RUN_BY = {
    # a shell opened as another user reads the job's input as its commands
    "sudo-s": f"echo '{WIPE}' | sudo -s\n",
    "sudo-i-u": f"echo '{WIPE}' | sudo -i -u ems\n",
    "su-dash": f"echo '{WIPE}' | su - ems\n",
    # a command git runs, set in its environment or in its config for later runs
    "git-ssh-command": f"GIT_SSH_COMMAND='sh -c \"{WIPE}\"' git -C /srv/ems/repo fetch\n",
    "git-config-pager": f"git config --global core.pager 'sh -c \"{WIPE}\"'\n",
    "git-config-alias": f"git config --system alias.st '!{WIPE}'\n",
    "git-config-hookspath": "mkdir -p /var/tmp/h\n"
                            f"printf '#!/bin/sh\\n{WIPE}\\n' > /var/tmp/h/post-merge\n"
                            "git -C /srv/ems/repo config core.hooksPath /var/tmp/h\n"
                            "git -C /srv/ems/repo pull\n",
    # ansible's ad-hoc command module (the default) and shell tasks of a playbook
    "ansible-adhoc": f"ansible localhost -m shell -a '{WIPE}'\n",
    "ansible-default-module": f"ansible all -i localhost, -a '{WIPE}'\n",
    "ansible-playbook-shell": "cat > /var/tmp/p.yml <<'EOF'\n- hosts: localhost\n  tasks:\n"
                              f"    - name: tidy\n      shell: {WIPE}\nEOF\n"
                              "ansible-playbook /var/tmp/p.yml\n",
}


@pytest.mark.parametrize("name", sorted(RUN_BY))
def test_a_wipe_run_by_a_shell_or_a_tools_settings_is_destructive(name):
    """Each was benign."""
    j = _shell(RUN_BY[name])
    assert j.verdict == "destructive" and j.severity in ("high", "critical"), \
        [(r.rule, r.title) for r in j.reasons]


@pytest.mark.parametrize("text", [
    "sudo -u ems /opt/ems/bin/report.sh\n",
    "git config --global user.name 'EMS backup'\n",
    "git config --global core.pager 'less -R'\n",
    "GIT_SSH_COMMAND='ssh -i /etc/ems/deploy_key' git -C /srv/ems/repo fetch\n",
    "ansible all -i /etc/ansible/hosts -m ping\n",
    "ansible localhost -m shell -a 'find /var/tmp/ems -mtime +7 -delete'\n",
])
def test_ordinary_sudo_git_and_ansible_stay_quiet(text):
    j = _shell(text)
    assert j.severity not in ("high", "critical"), [(r.rule, r.title) for r in j.reasons]


# --- a mass deletion split into single-circuit jobs under a ticket -----------------------------

def test_a_mass_deletion_split_into_one_circuit_jobs_under_a_ticket_is_mailed(tmp_path, home,
                                                                            capsys):
    """Change control lowers a change of one thing, not one of many, and a job that removes
    several circuits is not lowered. The insider plants one job per circuit instead, each
    naming a ticket and one PVC: each was "suspicious, medium" — nothing mailed, while
    together they remove every circuit of the interface."""
    from tests.test_insider_reading_review import _check, _script
    from tests.test_insider_review import Server
    ems = Server(tmp_path, home)
    lines = []
    for vci in range(32, 38):
        _script(ems, f"opt/ems/bin/retire-{vci}.sh", f"#!/bin/sh\n{TICKET}"
                f"ssh atm1 'configure terminal\ninterface ATM0/1\nno pvc 0/{vci}'\n")
        lines.append(f"0 3 10 2 * root /opt/ems/bin/retire-{vci}.sh\n")
    (ems.root / "etc/cron.d").mkdir(parents=True, exist_ok=True)
    (ems.root / "etc/cron.d/retire").write_text("".join(lines))
    ems.report()
    rc, findings = _check(ems, capsys)
    jobs = [f for f in findings if f["kind"] == "job"]
    assert rc == 1, [(f["severity"], f["title"]) for f in jobs]
    (split,) = [f for f in jobs if f["severity"] in ("high", "critical")]
    assert "6 " in split["title"] and "one target" in split["title"], split["title"]


def test_one_change_controlled_circuit_job_stays_medium(tmp_path, home, capsys):
    from tests.test_insider_reading_review import _check, _script
    from tests.test_insider_review import Server
    ems = Server(tmp_path, home)
    _script(ems, "opt/ems/bin/retire.sh", f"#!/bin/sh\n{TICKET}"
            "ssh atm1 'configure terminal\ninterface ATM0/1\nno pvc 0/32'\n")
    (ems.root / "etc/cron.d").mkdir(parents=True, exist_ok=True)
    (ems.root / "etc/cron.d/retire").write_text("0 3 10 2 * root /opt/ems/bin/retire.sh\n")
    ems.report()
    rc, findings = _check(ems, capsys)
    assert rc == 0 and [f["severity"] for f in findings if f["kind"] == "job"] == ["medium"]


# --- a snapshot padded past the collector's size limit -------------------------------------------

def _padded_snapshot(ems, tmp_path, max_bytes: int, pad_planted: bool):
    """Followed scripts full of control characters (JSON writes six bytes for each), beside
    a planted job; one snapshot taken under `max_bytes`, put in the collector's inbox."""
    from lineguard.agent.keys import load_private
    from lineguard.agent.snapshot import take
    from tests.test_insider_reading_review import _plant_at, _script
    pad = "#" + "\x01" * 30_000 + "\n"
    for i in range(8):
        _script(ems, f"home/ems/junk/{i}", f"#!/bin/sh\n{pad}echo {i}\n")
    (ems.root / "etc/cron.d/tidy").write_text("0 1 * * * ems run-parts /home/ems/junk\n")
    _script(ems, "opt/ems/bin/sync.sh", f"#!/bin/sh\n{pad if pad_planted else ''}{WIPE}\n")
    _plant_at(ems, "/opt/ems/bin/sync.sh")
    snap, data = take(agent="ems-01", key=load_private(ems.key), chain=tmp_path / "chain",
                      root=ems.root, hostname="ems-01", live=False, max_bytes=max_bytes)
    assert len(data) <= max_bytes
    (ems.home.inbox / "s1.lgsnap").write_bytes(data)
    return snap


@pytest.mark.parametrize("pad_planted", [False, True])
def test_a_snapshot_padded_past_the_collectors_limit_is_trimmed_not_refused(tmp_path, home,
                                                                           capsys, pad_planted):
    """Scripts of a job of the operator's own, full of control characters, made the host's
    snapshot larger than the collector takes (its followed-text budget, 256 MB, is 1.5 GB
    once JSON-escaped; the collector refuses past 64 MB): every snapshot of the host was
    refused as "oversized" (medium) and the at job planted beside the padding never reached
    the collector. The agent keeps the file under the limit: the largest followed scripts are
    recorded as not read, and a job running one is a reading limit (high)."""
    from lineguard.collector.cli import main as lineguard
    from tests.test_insider_reading_review import _check
    from tests.test_insider_review import Server
    limit = 160_000
    (home.root / "config.toml").write_text(f"max_snapshot_bytes = {limit}\n")
    ems = Server(tmp_path, home)
    snap = _padded_snapshot(ems, tmp_path, limit, pad_planted)
    assert snap.targets[0].status == "partial" and "size limit" in snap.targets[0].error
    assert lineguard(["--home", str(home.root), "ingest"]) == 0
    rc, findings = _check(ems, capsys)
    (planted,) = [f for f in findings if f["kind"] == "job" and "at" in f["title"].split()]
    assert rc == 1 and planted["severity"] in ("high", "critical"), planted
    if not pad_planted:
        assert planted["title"].startswith("destructive"), planted


# --- Python codecs by their other names ---------------------------------------------------------

_B64 = base64.b64encode(WIPE.encode()).decode()


@pytest.mark.parametrize("call", [
    f"codecs.decode(b'{_B64}', 'base64_codec').decode()",
    f"codecs.decode(b'{_B64}', 'base-64').decode()",
    f"base64.decodebytes(b'{_B64}').decode()",
    f"codecs.decode(codecs.decode(b'{base64.b64encode(bz2.compress(WIPE.encode())).decode()}', "
    "'base64'), 'bz2_codec').decode()",
    f"codecs.decode(codecs.decode(b'{base64.b64encode(zlib.compress(WIPE.encode())).decode()}', "
    "'base64'), 'zip').decode()",
    "codecs.encode('ez -es /fei/rzf/yvarqngn', 'rot13')",
    f"codecs.decode(b'{__import__('quopri').encodestring(WIPE.encode()).decode()}', "
    "'quopri').decode()",
])
def test_a_command_decoded_with_a_python_codec_alias_is_read(call):
    """Each was benign: only four codec names were known (and codecs.encode not at all, though
    rot13 encodes and decodes alike)."""
    j = _python(f"import codecs\nos.system({call})\n")
    assert j.verdict == "destructive", [(r.rule, r.title) for r in j.reasons]


# --- SQL comments ---------------------------------------------------------------------------------

@pytest.mark.parametrize("statement", [
    # the WHERE clause is a comment: every row goes
    "DELETE FROM pvc -- WHERE id = 5",
    "DELETE FROM pvc /* WHERE id = 5 */",
    # a comment after a condition every row meets
    "DELETE FROM pvc WHERE 1=1 -- nightly",
    # a term or its negation
    "DELETE FROM pvc WHERE id = 0 OR id <> 0",
    "DELETE FROM pvc WHERE EXISTS (SELECT 1)",
])
def test_a_line_data_table_emptied_behind_sql_comments_is_destructive(statement):
    """Each was benign: a WHERE written in a comment read as qualifying the DELETE, and a
    comment after `1=1` kept the condition from being read."""
    j = _shell(f'psql -d ems -c "{statement}"\n')
    assert j.verdict == "destructive", [(r.rule, r.title) for r in j.reasons]


def test_a_redis_option_is_not_taken_for_an_sql_comment():
    """`--` begins an option on a redis command line, not a comment."""
    j = _shell("redis-cli -h ems-cache --no-auth-warning FLUSHALL\n")
    assert j.verdict == "destructive", [(r.rule, r.title) for r in j.reasons]


@pytest.mark.parametrize("statement", [
    "DELETE FROM pvc WHERE id = 5 -- retired, CHG0012345",
    "DELETE FROM pvc_history WHERE ts < now() - interval '90 days' /* housekeeping */",
    "SELECT '--' || name FROM pvc",
])
def test_qualified_deletes_with_comments_stay_quiet(statement):
    j = _shell(f'psql -d ems -c "{statement}"\n')
    assert j.verdict == "benign", [(r.rule, r.title) for r in j.reasons]


# --- a guard that does not guard --------------------------------------------------------------------

@pytest.mark.parametrize("guard", ["/etc/passwd", "/etc/timezone"])
def test_test_x_on_a_file_without_an_execute_bit_does_not_make_a_job_inert(tmp_path, guard):
    """`test -x FILE || …` skips the rest only when FILE is executable: /etc/passwd is there
    (captured, 0644), so the rest runs at every fire. The job was called inert ("cannot fire
    as written") and lowered one step — a high deletion to medium, not mailed."""
    from tests.hostroot import write
    from tests.test_dropin_evidence import _judged
    plain, guarded = tmp_path / "plain", tmp_path / "guarded"
    action = "find /srv/ems -mtime +1 -delete"
    write(plain, "etc/cron.d/ems", f"0 3 10 2 * root {action}\n")
    write(guarded, "etc/cron.d/ems", f"0 3 10 2 * root test -x {guard} || {action}\n")
    ((_j0, v0),) = [(j, v) for j, v in _judged(plain) if "find" in j.command]
    ((j, v),) = [(j, v) for j, v in _judged(guarded) if "find" in j.command]
    assert j.state == "active" and v.severity == v0.severity, (j.state, j.problem, v)


# --- a NUL byte in a script -------------------------------------------------------------------------

@pytest.mark.parametrize("script", [
    b"#!/bin/sh\n# \x00 nightly\n" + WIPE.encode() + b"\n",
    # no #! line, run by sh: dash skips the NUL and runs `rm`
    b"# nightly tidy\nr\x00m -rf /srv/ems/linedata\n",
])
@pytest.mark.parametrize("command", ["sh /opt/ems/bin/x.sh", "/opt/ems/bin/x.sh"])
def test_a_nul_byte_does_not_make_a_script_a_compiled_program(tmp_path, script, command):
    """One NUL byte in a comment: the agent kept only the script's hash ("binary") and the
    job was "runs a compiled program" (medium), while dash, cron's /bin/sh, skips the NUL and
    deletes the line data."""
    from tests.hostroot import write
    from tests.test_dropin_evidence import _judged
    root = tmp_path / "r"
    write(root, "opt/ems/bin/x.sh", script, 0o755)
    write(root, "etc/cron.d/ems", f"0 3 10 2 * root {command}\n")
    ((_job, verdict),) = [(j, v) for j, v in _judged(root) if "x.sh" in j.command]
    assert verdict.verdict == "destructive", verdict


def test_a_compiled_program_is_still_binary(tmp_path):
    from lineguard.agent.sources.host import collect
    from tests.hostroot import write
    root = tmp_path / "r"
    write(root, "etc/passwd", "root:x:0:0::/root:/bin/bash\n")
    elf = b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + b"\x02\x00\x3e\x00" + bytes(range(256)) * 4
    write(root, "opt/ems/bin/syncd", elf, 0o755)
    write(root, "etc/cron.d/ems", "0 3 * * * root /opt/ems/bin/syncd\n")
    (art,) = [a for a in collect(root)[0].artifacts if a.name == "opt/ems/bin/syncd"]
    assert art.state == "binary" and art.content is None


def test_a_script_full_of_marker_bytes_is_read_to_its_end():
    """Resolved values carry markers between \\x01 and \\x02; a captured script may hold \\x01
    bytes of its own. A text of 100,000 of them was scanned once per \\x01 to its end (the
    marker pattern let a marker run over the next \\x01): hours of CPU inside one regex, past
    every reading bound, for the collector and the agent alike."""
    j = _shell("# " + "\x01" * 100_000 + "\n" + WIPE + "\n")
    assert j.verdict == "destructive", [(r.rule, r.title) for r in j.reasons]
