"""systemd unit files, read once for agent and collector (formats.systemd): continuation lines
with comment blocks inside them, sections, template naming and specifiers, and the unit a timer
starts — checked against the real `systemd-analyze verify` where it can say, and through the
agent's capture and the collector's jobs on real unit files."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from lineguard.agent.sources.host import collect
from lineguard.collector.model import Job
from lineguard.collector.parse.host import jobs
from lineguard.formats.systemd import (
    Manager,
    Setting,
    UnitSetting,
    exec_command,
    expand_specifiers,
    instantiate,
    parse_unit,
    template_of,
    triggered_unit,
    unit_commands,
    unit_type,
)
from tests.hostroot import GROUP, PASSWD, link, write

SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
UNITS = "etc/systemd/system"


def test_continued_lines_join_with_a_space_and_skip_comment_blocks() -> None:
    text = ("[Service]\n"
            "ExecStart=/bin/sh -c '/opt/a.sh; \\\n"
            "# a comment block inside the continued line is not part of it\n"
            "; nor is this one\n"
            "  /opt/b.sh'\n"
            "Environment=A=1\n")
    assert parse_unit(text) == [
        Setting("Service", "ExecStart", "/bin/sh -c '/opt/a.sh;    /opt/b.sh'", 2),
        Setting("Service", "Environment", "A=1", 6),
    ]


def test_an_escaped_backslash_does_not_continue_and_an_open_one_at_the_end_is_kept() -> None:
    text = "[Service]\nExecStart=/opt/a.sh x\\\\\nExecStop=/opt/b.sh \\"
    assert parse_unit(text) == [Setting("Service", "ExecStart", "/opt/a.sh x\\\\", 2),
                                Setting("Service", "ExecStop", "/opt/b.sh", 3)]


def test_sections_keys_and_what_systemd_ignores() -> None:
    text = ("Orphan=before any section\n"
            "  [Timer]  \n"
            "  OnCalendar = daily  \n"
            "no equals sign here\n"
            "Unit=\n"
            "[Install]\n"
            "WantedBy=timers.target\n")
    assert parse_unit(text) == [Setting("Timer", "OnCalendar", "daily", 3),
                                Setting("Timer", "Unit", "", 5),
                                Setting("Install", "WantedBy", "timers.target", 7)]


@pytest.mark.parametrize("unit,template,instance", [
    ("pg_dump@main.service", "pg_dump@.service", "main"),
    ("getty@tty1.service", "getty@.service", "tty1"),
    ("a@b@c.service", "a@.service", "b@c"),
    ("a@b.c.timer", "a@.timer", "b.c"),
    ("pg_dump@.service", None, None),
    ("plain.service", None, None),
    ("noSuffix@x", None, None),
])
def test_template_naming(unit: str, template: str | None, instance: str | None) -> None:
    assert template_of(unit) == (template, instance)
    if template:
        assert instantiate(template, instance) == unit


def test_specifiers_for_an_instance_a_template_and_a_users_manager() -> None:
    unit = "dump@var-lib-pg\\x2dmain.service"
    assert expand_specifiers("%n %N %p %i %I %f %%", unit) == (
        "dump@var-lib-pg\\x2dmain.service dump@var-lib-pg\\x2dmain dump var-lib-pg\\x2dmain "
        "var/lib/pg-main /var/lib/pg-main %")
    assert expand_specifiers("/opt/%i.sh %h", "dump@.service") == "/opt/%i.sh /root"
    assert expand_specifiers("%h %u %U %t %E", "sync.service", "oper", "/home/oper", "1000") == (
        "/home/oper oper 1000 /run/user/1000 /home/oper/.config")


def test_what_a_unit_runs_is_read_in_run_order_with_resets_and_specifiers() -> None:
    """One reader for every unit a job runs: environment first, Exec* lines in the order the
    manager runs them, an empty value resetting its key, specifiers for the user's manager."""
    unit = [("Unit", "OnFailure", "alert@%p.service", 2), ("Service", "User", "ems", 4),
            ("Service", "ExecStop", "/bin/true", 5), ("Service", "ExecStart", "-%h/a", 6),
            ("Service", "EnvironmentFile", "-%E/ems.env", 7), ("Service", "Environment",
                                                              '"A=1 2" B=%u', 8)]
    dropin = [("Service", "ExecStart", "", 1), ("Service", "ExecStart", "%h/b %i", 2),
              ("Service", "Environment", "", 3), ("Service", "ExecCondition", "/bin/c", 4)]
    settings = [UnitSetting(*s, "u") for s in unit] + [UnitSetting(*s, "d") for s in dropin]
    run = unit_commands(settings, "sweep@x.service", Manager("ems", "/home/ems", "1001"))
    assert run.environment == ((". /home/ems/.config/ems.env", ("u", 7)),)
    assert run.commands() == [("/bin/c", ("d", 4)), ("/home/ems/b x", ("d", 2)),
                              ("/bin/true", ("u", 5))]
    assert (run.on_failure, run.user) == (("alert@sweep.service",), "ems")
    socket = unit_commands([UnitSetting("Socket", "ExecStartPre", "/bin/p %n", 1, "s"),
                            UnitSetting("Service", "ExecStart", "/bin/no", 2, "s")], "f.socket")
    assert socket.commands(("ExecStartPre", "ExecStart")) == [("/bin/p f.socket", ("s", 1))]


def test_exec_prefixes_and_unit_types() -> None:
    assert exec_command("-@+/opt/x.sh arg") == "/opt/x.sh arg"
    assert exec_command("!!/opt/x.sh") == "/opt/x.sh"
    assert [unit_type(u) for u in ("a.service", "b.timer", "c", ".service", "d.unknown")] == [
        "service", "timer", None, None, None]


def test_a_timer_starts_its_first_valid_unit() -> None:
    main = parse_unit("[Timer]\nOnCalendar=daily\nUnit=\nUnit=nosuffix\nUnit=x.timer\n"
                      "Unit=report.service\nUnit=wipe.service\n")
    dropin = parse_unit("[Timer]\nUnit=evil.service\n")
    assert triggered_unit("x.timer", main + dropin) == "report.service"
    assert triggered_unit("x.timer", parse_unit("[Timer]\nOnCalendar=daily\n") + dropin) == \
        "evil.service"
    assert triggered_unit("x.timer", []) == "x.service"
    assert triggered_unit("backup@db.timer", parse_unit("[Timer]\nUnit=dump@%i.service\n")) == \
        "dump@db.service"


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed")
def test_live_systemd_ignores_every_unit_after_the_first(tmp_path: Path) -> None:
    main = "[Timer]\nOnCalendar=daily\nUnit=\nUnit=report.service\n"
    dropin = "[Timer]\nUnit=wipe.service\n"
    (tmp_path / "x.timer").write_text(main)
    (tmp_path / "x.timer.d").mkdir()
    (tmp_path / "x.timer.d" / "override.conf").write_text(dropin)
    for name in ("report.service", "wipe.service"):
        (tmp_path / name).write_text("[Service]\nType=oneshot\nExecStart=/bin/true\n")
    got = subprocess.run([SYSTEMD_ANALYZE, "verify", "--man=no", str(tmp_path / "x.timer")],
                         capture_output=True, text=True, timeout=120, cwd=tmp_path)
    said = got.stdout + got.stderr
    assert "Multiple units to trigger specified, ignoring: wipe.service" in said, said
    assert "ignoring: report.service" not in said
    assert triggered_unit("x.timer", parse_unit(main) + parse_unit(dropin)) == "report.service"


# --- agent and collector on the same unit files ---------------------------------------------


def _systemd_jobs(root: Path) -> tuple[list[Job], set[str]]:
    write(root, "etc/passwd", PASSWD)
    write(root, "etc/group", GROUP)
    target, facts = collect(root)
    return ([j for j in jobs(target, facts) if j.source == "systemd"],
            {a.name for a in target.artifacts if a.error is None})


def _enable(root: Path, timer: str, unit_file: str | None = None) -> None:
    link(root, f"{UNITS}/timers.target.wants/{timer}", f"/{UNITS}/{unit_file or timer}")


def test_a_continued_exec_line_is_followed_to_every_script_it_runs(tmp_path: Path) -> None:
    write(tmp_path, f"{UNITS}/nightly.timer", "[Timer]\nOnCalendar=*-*-* 03:00\n")
    write(tmp_path, f"{UNITS}/nightly.service",
          "[Service]\nType=oneshot\n"
          "ExecStart=/bin/sh -c '/opt/ems/prepare.sh && \\\n"
          "# the wipe runs only after the export\n"
          "    /opt/ems/wipe.sh'\n")
    write(tmp_path, "opt/ems/prepare.sh", "#!/bin/sh\necho ok\n", 0o755)
    write(tmp_path, "opt/ems/wipe.sh", "#!/bin/sh\nrm -rf /srv/ems/linedata\n", 0o755)
    _enable(tmp_path, "nightly.timer")
    found, captured = _systemd_jobs(tmp_path)
    # the agent captured the script on the continuation line, the collector links it
    assert "opt/ems/wipe.sh" in captured
    (job,) = found
    assert job.command == "/bin/sh -c '/opt/ems/prepare.sh &&      /opt/ems/wipe.sh'"
    assert job.files == ("opt/ems/prepare.sh", "opt/ems/wipe.sh")


def test_a_drop_in_cannot_redirect_a_timer_that_names_its_unit(tmp_path: Path) -> None:
    write(tmp_path, f"{UNITS}/report.timer",
          "[Timer]\nOnCalendar=daily\nUnit=report-mail.service\n")
    write(tmp_path, f"{UNITS}/report.timer.d/override.conf", "[Timer]\nUnit=wipe.service\n")
    write(tmp_path, f"{UNITS}/report-mail.service", "[Service]\nExecStart=/opt/ems/mail.sh\n")
    write(tmp_path, f"{UNITS}/wipe.service", "[Service]\nExecStart=/opt/ems/wipe.sh\n")
    _enable(tmp_path, "report.timer")
    found, captured = _systemd_jobs(tmp_path)
    (job,) = found
    assert job.command == "/opt/ems/mail.sh"
    # the agent still keeps the unit the drop-in names: evidence of the attempt
    assert f"{UNITS}/wipe.service" in captured


def test_a_drop_in_names_the_unit_of_a_timer_that_names_none(tmp_path: Path) -> None:
    write(tmp_path, f"{UNITS}/report.timer", "[Timer]\nOnCalendar=daily\n")
    write(tmp_path, f"{UNITS}/report.timer.d/override.conf", "[Timer]\nUnit=wipe.service\n")
    write(tmp_path, f"{UNITS}/report.service", "[Service]\nExecStart=/opt/ems/mail.sh\n")
    write(tmp_path, f"{UNITS}/wipe.service", "[Service]\nExecStart=/opt/ems/wipe.sh\n")
    _enable(tmp_path, "report.timer")
    (job,), _ = _systemd_jobs(tmp_path)
    assert job.command == "/opt/ems/wipe.sh"


def test_an_instance_timer_starts_the_instance_its_unit_setting_names(tmp_path: Path) -> None:
    write(tmp_path, f"{UNITS}/backup@.timer", "[Timer]\nOnCalendar=daily\nUnit=dump@%i.service\n")
    write(tmp_path, f"{UNITS}/dump@.service", "[Service]\nExecStart=/opt/ems/dump.sh %i\n")
    write(tmp_path, "opt/ems/dump.sh", "#!/bin/sh\npg_dump \"$1\"\n", 0o755)
    _enable(tmp_path, "backup@linedata.timer", "backup@.timer")
    found, captured = _systemd_jobs(tmp_path)
    active = [j for j in found if j.state == "active"]
    assert [j.command for j in active] == ["/opt/ems/dump.sh linedata"]
    assert "opt/ems/dump.sh" in captured
