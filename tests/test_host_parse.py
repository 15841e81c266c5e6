"""collector.parse.host over snapshots of realistic roots: every scheduler's jobs, with origin,
owner, schedule as written, command, trigger, the files they run, and an explicit state."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from lineguard.agent.sources.host import collect
from lineguard.collector.model import (
    AbsoluteTrigger,
    AnacronTrigger,
    BootTrigger,
    CalendarTrigger,
    CronTrigger,
    Job,
    UnparsableTrigger,
)
from lineguard.collector.parse.host import jobs
from lineguard.formats.wire import Artifact, Target
from tests.hostroot import add_bad_input, debian_packages, debian_root, link, rhel_root, write


@pytest.fixture(scope="module")
def debian(tmp_path_factory: pytest.TempPathFactory) -> list[Job]:
    root = debian_root(tmp_path_factory.mktemp("debian"), debian_packages())
    add_bad_input(root)
    target, facts = collect(root)
    return jobs(target, facts)


@pytest.fixture(scope="module")
def rhel(tmp_path_factory: pytest.TempPathFactory) -> list[Job]:
    target, facts = collect(rhel_root(tmp_path_factory.mktemp("rhel")))
    return jobs(target, facts)


def one(found: list[Job], origin: str, line: int | None = None, command: str | None = None) -> Job:
    hits = [j for j in found if j.origin_path == origin and (line is None or j.origin_line == line)
            and (command is None or j.command == command)]
    assert len(hits) == 1, (origin, line, command, hits)
    return hits[0]


def test_every_job_carries_host_and_zone(debian: list[Job]) -> None:
    assert {j.target for j in debian} == {"ems-kobe-01"}
    assert {j.timezone for j in debian if j.source != "at"} == {"Asia/Tokyo"}


def test_user_spool_job_follows_into_sourced_and_interpreted_files(debian: list[Job]) -> None:
    job = one(debian, "var/spool/cron/crontabs/oper", 5)
    assert (job.source, job.owner, job.schedule, job.state) == (
        "cron", "oper", "0 3 10 2 *", "active")
    assert job.trigger == CronTrigger("0 3 10 2 *", "debian")
    assert job.command == "/home/oper/bin/cleanup.sh >/dev/null 2>&1"
    assert job.files == ("home/oper/bin/cleanup.sh", "home/oper/bin/lib.sh", "opt/ems/purge.py")


def test_reboot_entry_is_a_boot_trigger(debian: list[Job]) -> None:
    job = one(debian, "var/spool/cron/crontabs/oper", 6)
    assert job.schedule == "@reboot" and job.trigger == BootTrigger()


def test_percent_ends_the_command_and_feeds_stdin(debian: list[Job]) -> None:
    job = one(debian, "var/spool/cron/crontabs/oper", 7)
    assert job.command == "cat > /tmp/out <<'CRON_STDIN'\nline1\nline2 % literal\nCRON_STDIN"


def test_orphan_spool_and_unknown_user_are_inert(debian: list[Job]) -> None:
    ghost = one(debian, "var/spool/cron/crontabs/ghost", 1)
    assert ghost.state == "inert" and "orphan" in (ghost.problem or "")
    nobody = one(debian, "etc/cron.d/broken", 4)
    assert nobody.state == "inert" and "nosuchuser" in (nobody.problem or "")


def test_corrupt_crontab_lines_are_listed_unparsable(debian: list[Job]) -> None:
    bad_minute = one(debian, "etc/cron.d/broken", 2)
    assert bad_minute.state == "unparsable" and isinstance(bad_minute.trigger, UnparsableTrigger)
    assert "61" in (bad_minute.problem or "")
    garbage = one(debian, "etc/cron.d/broken", 3)
    assert garbage.state == "unparsable" and garbage.schedule.startswith("this line")


def test_debian_crond_name_rule(debian: list[Job]) -> None:
    assert one(debian, "etc/cron.d/has.dot", 1).state == "inert"
    ok = one(debian, "etc/cron.d/under_score-ok", 1)
    assert (ok.state, ok.owner, ok.command) == ("active", "postgres", "/usr/bin/vacuumdb -a")


def test_run_parts_lines_expand_to_the_scripts_run_parts_would_run(debian: list[Job]) -> None:
    hourly = [j for j in debian if j.origin_path == "etc/crontab" and j.origin_line == 18]
    assert [(j.command, j.state) for j in hourly] == [("/etc/cron.hourly/.placeholder", "inert")]
    # Debian's daily/weekly/monthly crontab lines do nothing while anacron is installed
    daily_cron = one(debian, "etc/crontab", 19)
    assert daily_cron.state == "inert" and "anacron" in (daily_cron.problem or "")
    daily = {j.command: j for j in debian
             if j.origin_path == "etc/anacrontab" and j.origin_line == 11}
    assert {c for c, j in daily.items() if j.state == "active"} == {
        "/etc/cron.daily/0anacron", "/etc/cron.daily/apt-compat", "/etc/cron.daily/dpkg",
        "/etc/cron.daily/ems-rotate", "/etc/cron.daily/logrotate", "/etc/cron.daily/man-db"}
    assert "not executable" in (daily["/etc/cron.daily/persistevil"].problem or "")
    assert daily["/etc/cron.daily/persistevil"].files == ("etc/cron.daily/persistevil",)
    assert "with.dot" in (daily["/etc/cron.daily/with.dot"].problem or "")
    rotate = daily["/etc/cron.daily/ems-rotate"]
    assert rotate.source == "run-parts" and rotate.files == ("etc/cron.daily/ems-rotate",
                                                             "opt/ems/rotate.sh")
    assert rotate.trigger == AnacronTrigger("1", 5, date(2026, 11, 24), None)


def test_anacron_monthly_entry(debian: list[Job]) -> None:
    monthly = [j for j in debian if j.origin_path == "etc/anacrontab" and j.origin_line == 13]
    assert monthly and all(j.trigger == AnacronTrigger("@monthly", 15, None, None) for j in monthly)


def test_at_job_due_time_owner_and_body(debian: list[Job]) -> None:
    job = one(debian, "var/spool/cron/atjobs/z0000601ca4ed6")
    assert job.trigger == AbsoluteTrigger(datetime(2027, 2, 9, 2, 30, tzinfo=UTC),
                                          "at queue z, job 6")
    assert (job.source, job.owner, job.state, job.origin_line) == ("at", "root", "active", 12)
    assert job.command == "rm -rf --no-preserve-root /var/lib/postgresql\n./wipe-line-data.sh"
    assert job.files == ("srv/wipe-line-data.sh",)


def test_running_and_badly_named_at_jobs(debian: list[Job]) -> None:
    running = one(debian, "var/spool/cron/atjobs/=0000501c8a6bc")
    assert running.state == "running"
    assert running.trigger.when == datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
    bad = one(debian, "var/spool/cron/atjobs/not-a-job")
    assert bad.state == "unparsable" and isinstance(bad.trigger, UnparsableTrigger)
    assert bad.command.startswith("rm -rf")


def test_dropin_resets_and_replaces_oncalendar(debian: list[Job]) -> None:
    job = one(debian, "etc/systemd/system/ems-purge.timer")
    assert job.trigger == CalendarTrigger(calendars=("2027-02-10 03:00:00",),
                                          randomized_delay_s=300.0, persistent=True)
    assert (job.owner, job.state, job.command) == (
        "oper", "active", "/opt/ems/wipe-vc.sh --prefecture all")
    assert job.files == ("opt/ems/wipe-vc.sh",)
    assert job.schedule == "OnCalendar=2027-02-10 03:00:00"


def test_packaged_timers_are_enabled_by_their_links(debian: list[Job]) -> None:
    anacron = one(debian, "lib/systemd/system/anacron.timer")
    assert anacron.state == "active"
    assert anacron.trigger == CalendarTrigger(calendars=("*-*-* 07..23:30",),
                                              randomized_delay_s=300.0, persistent=True)
    assert anacron.command.split("\n") == [". /etc/default/anacron",
                                          "/usr/sbin/anacron -d -q $ANACRON_ARGS"]


def test_template_instance_transient_user_and_bad_timers(debian: list[Job]) -> None:
    backup = {j.command: j for j in debian if j.origin_path == "etc/systemd/system/backup@.timer"}
    assert backup["/opt/ems/backup.sh db1"].state == "active"
    assert backup["/opt/ems/backup.sh %i"].state == "disabled"
    transient = one(debian, "run/systemd/transient/run-r3f1c.timer")
    assert transient.state == "active" and transient.files == ("opt/ems/wipe-vc.sh",)
    user = one(debian, "home/oper/.config/systemd/user/sync.timer")
    assert user.owner == "oper" and user.state == "active"
    assert user.trigger.monotonic == (("OnBootSec", "15min"), ("OnUnitActiveSec", "1h"))
    nightly = one(debian, "etc/systemd/system/nightly.timer")
    assert nightly.state == "unparsable" and isinstance(nightly.trigger, UnparsableTrigger)
    assert "every day at 3" in (nightly.problem or "")


def test_bad_referenced_files_leave_the_job_listed_with_a_problem(debian: list[Job]) -> None:
    by_line = {j.origin_line: j for j in debian if j.origin_path == "etc/cron.d/badinput"}
    assert set(by_line) == {1, 2, 3, 4, 5}
    assert by_line[1].problem is None and by_line[1].files == ("opt/bad/latin1.sh",)
    assert by_line[2].problem == "not captured: opt/bad/loop-a: symlink loop"
    assert by_line[3].problem == (
        "not captured: opt/bad/huge.bin: too large (2147483648 bytes): not read")
    assert "fifo" in (by_line[4].problem or "")
    assert all(j.state == "active" for j in by_line.values())


def test_unreadable_schedule_file_becomes_an_unparsable_job() -> None:
    target = Target(kind="host", name="h", status="partial", artifacts=(
        Artifact(name="var/spool/cron/crontabs/oper", kind="cron-spool",
                 meta={"path": "/var/spool/cron/crontabs/oper"}, state="unreadable", error="permission denied"),))
    [job] = jobs(target, {"timezone": "UTC", "dialect": "debian"})
    assert (job.source, job.state, job.problem) == (
        "cron", "unparsable", "not captured: permission denied")


def test_rhel_cronie_rules(rhel: list[Job]) -> None:
    assert {j.target for j in rhel} == {"nms-osaka-02"}
    assert one(rhel, "etc/cron.d/ems.sh", 1).state == "active"          # cronie loads foo.sh
    assert one(rhel, "etc/cron.d/old.rpmsave", 1).state == "inert"
    tz = one(rhel, "var/spool/cron/oper", 2)
    assert tz.timezone == "UTC" and tz.trigger == CronTrigger("45 23 * * 6-0", "cronie")
    assert tz.files == ("opt/ems/bin/export.sh", "opt/ems/etc/env")
    assert one(rhel, "var/spool/cron/oper", 3).state == "active"       # `~` is cronie syntax
    hourly = one(rhel, "etc/cron.d/0hourly", 5)
    assert (hourly.source, hourly.command) == ("run-parts", "/etc/cron.hourly/0anacron")
    daily = one(rhel, "etc/anacrontab", 9)
    assert daily.trigger == AnacronTrigger("1", 5, date(2026, 11, 25), (3, 22))
    at = one(rhel, "var/spool/at/a0000101c8b79b")
    assert at.owner == "oper" and at.command == "/opt/ems/bin/purge-pvc.sh --all"
    assert at.trigger.when == datetime(2026, 11, 28, 16, 59, tzinfo=UTC)
    dnf = one(rhel, "usr/lib/systemd/system/dnf-makecache.timer")
    assert dnf.trigger.monotonic == (("OnBootSec", "10min"), ("OnUnitInactiveSec", "1h"))
    assert dnf.trigger.randomized_delay_s == 3600.0


def test_debian_rejects_cronie_tilde_and_step_without_range(tmp_path: Path) -> None:
    root = debian_root(tmp_path, None)
    write(root, "etc/cron.d/syntax", "~ 4 * * * root /bin/true\n5/10 * * * * root /bin/true\n"
          "*/10 * * jan-mar Mon-Fri root /bin/true\n")
    target, facts = collect(root)
    found = [j for j in jobs(target, facts) if j.origin_path == "etc/cron.d/syntax"]
    assert [j.state for j in sorted(found, key=lambda j: j.origin_line or 0)] == [
        "unparsable", "unparsable", "active"]


def test_unit_setting_masking_user_transient_and_debian_cron_tz(tmp_path: Path) -> None:
    root = debian_root(tmp_path, None)
    write(root, "etc/systemd/system/report.timer", "[Timer]\nOnCalendar=Mon 04:00\n"
          "Unit=ems-purge.service\n")
    link(root, "etc/systemd/system/timers.target.wants/report.timer",
         "/etc/systemd/system/report.timer")
    link(root, "etc/systemd/system/apt-daily.timer", "/dev/null")     # masked by the admin
    write(root, "lib/systemd/system/apt-daily.timer", "[Timer]\nOnCalendar=*-*-* 6,18:00\n")
    write(root, "run/user/1000/systemd/transient/run-u7.timer", "[Timer]\nOnActiveSec=2h\n")
    write(root, "run/user/1000/systemd/transient/run-u7.service",
          "[Service]\nExecStart=/opt/ems/wipe-vc.sh\n")
    write(root, "var/spool/cron/crontabs/postgres", "CRON_TZ=UTC\n0 16 * * * /bin/true\n", 0o600)
    link(root, "etc/systemd/system/timers.target.wants/gone.timer",
         "/etc/systemd/system/gone.timer")                               # enabled, then deleted
    write(root, "lib/systemd/system/vendor.timer", "[Timer]\nOnCalendar=daily\n")
    write(root, "etc/systemd/system/vendor.timer.d/unit.conf", "[Timer]\nUnit=other.service\n")
    write(root, "lib/systemd/system/other.service", "[Service]\nExecStart=/opt/ems/backup.sh x\n")
    link(root, "etc/systemd/system/timers.target.wants/vendor.timer",
         "/lib/systemd/system/vendor.timer")
    target, facts = collect(root)
    assert "etc/systemd/system/apt-daily.timer" in {a.name for a in target.artifacts}
    assert "lib/systemd/system/other.service" in {a.name for a in target.artifacts}
    found = jobs(target, facts)
    report = one(found, "etc/systemd/system/report.timer")
    assert report.command == "/opt/ems/wipe-vc.sh --prefecture all" and report.owner == "oper"
    masked = one(found, "etc/systemd/system/apt-daily.timer")
    assert masked.state == "inert" and "masked" in (masked.problem or "")
    transient = one(found, "run/user/1000/systemd/transient/run-u7.timer")
    assert (transient.owner, transient.state) == ("oper", "active")
    # `systemd-run --on-active=2h` started it when it wrote the unit: 2 h after its mtime
    written = datetime.fromtimestamp(
        int((root / "run/user/1000/systemd/transient/run-u7.timer").stat().st_mtime), UTC)
    assert isinstance(transient.trigger, AbsoluteTrigger)
    assert transient.trigger.when == written + timedelta(hours=2)
    assert transient.files == ("opt/ems/wipe-vc.sh",)
    gone = one(found, "etc/systemd/system/timers.target.wants/gone.timer")
    assert gone.state == "inert" and "no unit file" in (gone.problem or "")
    vendor = one(found, "lib/systemd/system/vendor.timer")
    assert vendor.command == "/opt/ems/backup.sh x" and vendor.files == ("opt/ems/backup.sh",)
    # Debian cron has no CRON_TZ: the schedule stays in the host's zone
    assert one(found, "var/spool/cron/crontabs/postgres", 2).timezone == "Asia/Tokyo"


def test_a_sleep_without_a_usable_start_time_is_listed_unparsable() -> None:
    sleep = Artifact.from_bytes("proc/4242", "process", b"sleep 6480000",
                                {"pid": 4242, "ppid": 1, "user": "oper", "start": "yesterday",
                                 "argv": ["sleep", "6480000"]})
    target = Target(kind="host", name="h", status="ok", artifacts=(sleep,))
    [job] = jobs(target, {"timezone": "UTC", "dialect": "debian"})
    assert (job.source, job.state, job.owner) == ("process", "unparsable", "oper")
    assert isinstance(job.trigger, UnparsableTrigger)


def test_anacron_periods_and_delays_past_any_date_are_listed_unparsable() -> None:
    tab = Artifact.from_bytes("etc/anacrontab", "anacrontab",
                              b"99999999999 5 a.big /bin/true\n1 99999999999999 b.late /bin/true\n"
                              b"1 5 c.stamp /bin/true\n")
    stamp = Artifact.from_bytes("var/spool/anacron/c.stamp", "anacron-stamp", b"99991231\n")
    target = Target(kind="host", name="h", status="ok", artifacts=(tab, stamp))
    found = {j.origin_line: j for j in jobs(target, {"timezone": "UTC", "dialect": "debian"})}
    assert found[1].state == "unparsable" and "period" in found[1].problem
    assert found[2].state == "unparsable" and "delay" in found[2].problem
    assert found[3].trigger.last_run is None      # a stamp no next run fits after: never run


def test_an_at_job_due_past_year_9999_and_unreadable_modes_are_no_crash() -> None:
    passwd = Artifact.from_bytes("etc/passwd", "file", b"root:x:0:0::/root:/bin/sh\n")
    far = Artifact.from_bytes("var/spool/cron/atjobs/a00001ffffffff", "at-job",
                              b"#!/bin/sh\n# atrun uid=0 gid=0\n/bin/true\n", {"mode": "rwx"})
    near = Artifact.from_bytes("var/spool/cron/atjobs/a0000201ca5494", "at-job",
                               b"#!/bin/sh\n# atrun uid=0 gid=0\n/bin/true\n", {"mode": None})
    cron_d = Artifact.from_bytes("etc/cron.d/maint", "cron.d", b"0 3 * * * root /bin/true\n",
                                 {"mode": "-rw-r--r--", "uid": 0})
    target = Target(kind="host", name="h", status="ok", artifacts=(passwd, far, near, cron_d))
    found = {j.origin_path: j for j in jobs(target, {"timezone": "UTC", "dialect": "debian"})}
    bad = found["var/spool/cron/atjobs/a00001ffffffff"]
    assert bad.state == "unparsable" and "before the year 10000" in bad.problem
    # a mode that cannot be read puts nothing aside: the jobs stay active
    assert found["var/spool/cron/atjobs/a0000201ca5494"].state == "active"
    assert found["etc/cron.d/maint"].state == "active"


def test_a_sleep_past_year_9999_is_listed_unparsable() -> None:
    argv = ["sleep", "99999999999999999999"]
    sleep = Artifact.from_bytes("proc/4243", "process", " ".join(argv).encode(),
                                {"pid": 4243, "ppid": 1, "user": "oper",
                                 "start": "2026-11-25T00:00:00Z", "argv": argv})
    target = Target(kind="host", name="h", status="ok", artifacts=(sleep,))
    [job] = jobs(target, {"timezone": "UTC", "dialect": "debian"})
    assert job.state == "unparsable" and "past the year 9999" in job.problem
