"""Every timing attribute of the device-side schedulers, parsed from configuration text and timed
with next_fire as `lineguard jobs` does: EEM `event timer cron|absolute|countdown|watchdog` and
`event syslog occurs/period`, kron `occurrence at|in … recurring|oneshot|system-startup` with and
without `show kron schedule`, and Junos `generate-event time-of-day|time-interval` with
`start-time`, `no-drift` and `within … trigger on|after|until`. Each gives the exact instant, the
window it must fall in, or "unknown" with the reason — and an unknown fire makes a destructive
finding louder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lineguard.collector.analyse.effects.judge import judge
from lineguard.collector.analyse.timing import next_fire
from lineguard.collector.model import Fire
from lineguard.collector.parse import ios, junos
from lineguard.collector.parse.device import device_zone

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)          # a Wednesday


def _utc(*a: int, us: int = 0) -> datetime:
    return datetime(*a, tzinfo=UTC) + timedelta(microseconds=us)


def _ios_jobs(config: str, show_kron: str | None = None, clock: str = "UTC 0 0") -> list:
    zone = device_zone(clock)
    ctx = ios.Context("atm-kobe-01", zone.tz, zone.name, NOW)
    return ios.jobs(ctx, "hostname atm-kobe-01\n!\n" + config + "end\n", show_kron=show_kron)


def _fire(job) -> Fire:
    return next_fire(job.trigger, NOW, job.timezone)


def _applet(event: str, clock: str = "UTC 0 0"):
    (job,) = _ios_jobs(f"event manager applet A\n event {event}\n"
                       ' action 1.0 cli command "enable"\n'
                       ' action 2.0 cli command "configure terminal"\n'
                       ' action 3.0 cli command "no pvc 0/32"\n!\n', clock=clock)
    return job


def _kron(occurrence: str, show_kron: str | None = None):
    (job,) = _ios_jobs(f"kron occurrence NIGHT {occurrence}\n policy-list PL\n!\n"
                       "kron policy-list PL\n cli write erase\n!\n", show_kron)
    return job


def _show_kron(text: str) -> str:
    return f"Kron Occurrence Schedule\nNIGHT inactive, will run {text}\n"


# --- exact instants -----------------------------------------------------------------------------

@pytest.mark.parametrize("event, clock, at", [
    ('timer cron cron-entry "0 3 * * *"', "UTC 0 0", _utc(2026, 11, 26, 3, 0)),
    ('timer cron name NIGHTLY cron-entry "@weekly"', "UTC 0 0", _utc(2026, 11, 29, 0, 0)),
    ('timer cron cron-entry "0 3 * * *" maxrun 30', "JST 9 0", _utc(2026, 11, 25, 18, 0)),
    ("timer absolute time 1796086800", "UTC 0 0", _utc(2026, 12, 1, 1, 0)),
    ("timer absolute name AT time 1796086800.500", "JST 9 0", _utc(2026, 12, 1, 1, 0, us=500000)),
])
def test_eem_clock_timers_fire_at_an_exact_instant(event, clock, at):
    fire = _fire(_applet(event, clock))
    assert (fire.kind, fire.at) == ("exact", at)


def test_an_eem_absolute_time_already_past_is_overdue():
    fire = _fire(_applet("timer absolute time 1700000000"))
    assert (fire.at, "overdue" in fire.note) == (_utc(2023, 11, 14, 22, 13, 20), True)


@pytest.mark.parametrize("occurrence, show, at", [
    ("at 20:00 Sat recurring", None, _utc(2026, 11, 28, 20, 0)),
    ("at 03:00 15 recurring", None, _utc(2026, 12, 15, 3, 0)),
    ("at 3:15 Feb 14 recurring", None, _utc(2027, 2, 14, 3, 15)),
    ("at 23:30 oneshot", None, _utc(2026, 11, 25, 23, 30)),
    ("at 3:15 Feb 14 oneshot", None, _utc(2027, 2, 14, 3, 15)),
    ("in 1:30 recurring", "again in 0 days 00:12:00 at 12:12 on Wed", _utc(2026, 11, 25, 12, 12)),
    ("in 2:03:10 oneshot", "once in 1 days 01:00:00", _utc(2026, 11, 26, 13, 0)),
])
def test_kron_occurrences_fire_at_an_exact_instant(occurrence, show, at):
    fire = _fire(_kron(occurrence, _show_kron(show) if show else None))
    assert (fire.kind, fire.at) == ("exact", at)


def _junos(generate: str, policy_extra: str = ""):
    config = ("system {\n    time-zone Asia/Tokyo;\n}\nevent-options {\n    generate-event {\n"
              f"        {generate}\n    }}\n    policy WIPE {{\n        events TICK;\n"
              f"{policy_extra}        then {{\n            change-configuration {{\n"
              '                commands {\n                    "delete interfaces at-0/0/0";\n'
              "                }\n            }\n        }\n    }\n}\n")
    jobs = junos.jobs("atm-kobe-04", config, "Asia/Tokyo")
    assert len(jobs) == 1
    return jobs[0]


@pytest.mark.parametrize("generate, extra, at", [
    ("TICK time-of-day 03:00:00;", "", _utc(2026, 11, 25, 18, 0)),
    ('TICK time-of-day "03:00:00 +0000";', "", _utc(2026, 11, 26, 3, 0)),
    ('TICK time-interval 3600 start-time "2026-11-25.11:30:00 +0000";', "",
     _utc(2026, 11, 25, 12, 30)),
    ('TICK time-interval 86400 start-time "2026-11-25.11:30:00 +0000" no-drift;', "",
     _utc(2026, 11, 26, 11, 30)),
    ('TICK time-interval 600 start-time "2026-11-25.11:55:00 +0000";',
     "        within 3600 {\n            trigger after 4;\n        }\n", _utc(2026, 11, 25, 12, 35)),
    ('TICK time-interval 600 start-time "2026-11-25.13:00:00 +0000";',
     "        within 3600 {\n            trigger until 2;\n        }\n", _utc(2026, 11, 25, 13, 0)),
    ('TICK time-interval 600 start-time "2026-11-25.11:55:00 +0000";',
     "        within 3600 {\n            trigger on 3;\n        }\n", _utc(2026, 11, 25, 12, 15)),
])
def test_junos_generated_events_fire_at_an_exact_instant(generate, extra, at):
    fire = _fire(_junos(generate, extra))
    assert (fire.kind, fire.at) == ("exact", at)


# --- a window it must fall in -------------------------------------------------------------------

@pytest.mark.parametrize("job, latest, note", [
    (lambda: _applet("timer watchdog time 3600"), NOW + timedelta(hours=1), "next within 1h"),
    (lambda: _applet("timer watchdog name W time 86400"), NOW + timedelta(days=1),
     "next within 1d"),
    (lambda: _kron("in 1:30 recurring"), NOW + timedelta(minutes=90), "next within 1h 30min"),
    (lambda: _kron("in 2:03:10 oneshot"), NOW + timedelta(days=2, hours=3, minutes=10),
     "still pending when read at 2026-11-25T12:00:00Z"),
    (lambda: _junos("TICK time-interval 3600 no-drift;"), NOW + timedelta(hours=1),
     "next within 1h"),
])
def test_a_timer_whose_phase_is_not_shown_fires_within_one_period(job, latest, note):
    fire = _fire(job())
    assert (fire.kind, fire.at, fire.latest) == ("window", NOW, latest)
    assert note in fire.note


# --- unknown, with the reason -------------------------------------------------------------------

@pytest.mark.parametrize("job, reason", [
    (lambda: _applet("timer countdown time 600"),
     "once, 10min after it was set, and when it was set (or whether it already ran) is not shown"),
    (lambda: _applet('syslog pattern "SYS-5-CONFIG_I" occurs 3 period 60'),
     'runs when syslog pattern "SYS-5-CONFIG_I" is logged 3 times within 60s, not on a clock'),
    (lambda: _applet("timer cron cron-entry \"0 3 * *\""), "cron schedule needs 5 fields, got 4"),
])
def test_what_cannot_be_timed_is_unknown_and_says_why(job, reason):
    fire = _fire(job())
    assert fire.kind == "unknown" and reason in fire.note


def test_a_counted_policy_that_runs_only_while_its_count_climbs_says_so():
    fire = _fire(_junos("TICK time-interval 600;",
                        "        within 3600 {\n            trigger on 3;\n        }\n"))
    assert fire.kind == "relative" and "only at occurrence 3 after the policy took effect" in fire.note


def test_kron_boot_occurrence_waits_for_a_reload():
    fire = _fire(_kron("system-startup"))
    assert (fire.kind, fire.note) == ("boot", "kron system-startup")


# --- unknown makes a finding louder -----------------------------------------------------------

def test_an_applet_whose_fire_time_cannot_be_known_is_judged_louder():
    def reloader(event: str):
        (job,) = _ios_jobs(f"event manager applet R\n event {event}\n"
                           ' action 1.0 cli command "enable"\n'
                           ' action 2.0 cli command "reload"\n!\n')
        return job
    timed, blind = reloader('timer cron cron-entry "0 3 * * *"'), reloader(
        "timer countdown time 6480000")
    a = judge(timed, {}, _fire(timed), NOW)
    b = judge(blind, {}, _fire(blind), NOW)
    assert (a.verdict, a.severity) == ("destructive", "high")
    assert (b.verdict, b.severity) == ("destructive", "critical")
    loud = next(r for r in b.reasons if r.rule == "lg.context.unknown-fire")
    assert "75d after it was set" in loud.title
    assert "lg.context.unknown-fire" not in {r.rule for r in a.reasons}


def test_a_policy_on_system_events_is_unknown_and_names_its_count_window():
    config = ("event-options {\n    policy W {\n        events SNMP_TRAP_LINK_DOWN;\n"
              "        within 300 {\n            trigger after 3;\n        }\n        then {\n"
              "            change-configuration {\n                commands {\n"
              '                    "delete interfaces at-0/0/0";\n                }\n'
              "            }\n        }\n    }\n}\n")
    (job,) = junos.jobs("atm-kobe-04", config, "UTC")
    fire = _fire(job)
    assert (fire.kind, fire.note) == (
        "unknown", "runs when system event(s) SNMP_TRAP_LINK_DOWN occur within 300 { trigger "
                   "after 3 }, not on a clock")


# --- a unit sleeping in its ExecStartPre ---------------------------------------------------------

def test_the_cgroup_names_the_unit_a_process_runs_in():
    from lineguard.agent.sources.host.processes import unit_of_cgroup
    assert unit_of_cgroup("0::/system.slice/ems-sync.service\n") == "ems-sync.service"
    assert unit_of_cgroup("12:pids:/system.slice/x.service\n1:name=systemd:/system.slice/"
                          "ems-sync.service\n") == "ems-sync.service"
    assert unit_of_cgroup("0::/user.slice/user-1000.slice/user@1000.service/app.slice/"
                          "dash.service\n") == "user@1000.service/dash.service"
    assert unit_of_cgroup("0::/user.slice/user-1000.slice/session-3.scope\n") == ""


def test_a_unit_sleeping_in_its_exec_start_pre_acts_when_the_sleep_ends(tmp_path):
    import dataclasses

    from lineguard.agent.sources.host import collect
    from lineguard.collector.parse.host import jobs as host_jobs
    from lineguard.formats.wire import Artifact
    from tests.hostroot import link, write
    root = tmp_path / "r"
    write(root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n")
    write(root, "etc/systemd/system/ems-sync.service",
          "[Service]\nType=simple\nExecStartPre=/bin/sleep 3283200\n"
          "ExecStart=/bin/sh /usr/local/libexec/ems/sync.run\n\n[Install]\n"
          "WantedBy=multi-user.target\n")
    write(root, "usr/local/libexec/ems/sync.run", "#!/bin/sh\nrm -rf /srv/ems/linedata\n", 0o755)
    link(root, "etc/systemd/system/multi-user.target.wants/ems-sync.service",
         "/etc/systemd/system/ems-sync.service")
    target, facts = collect(root)
    started = NOW - timedelta(days=10)
    sleeper = Artifact.from_bytes("proc/512", "process", b"/bin/sleep 3283200", {
        "pid": 512, "ppid": 1, "uid": 0, "user": "root", "argv": ["/bin/sleep", "3283200"],
        "start": started.strftime("%Y-%m-%dT%H:%M:%SZ"), "unit": "ems-sync.service"})
    target = dataclasses.replace(target, artifacts=(*target.artifacts, sleeper))
    (job,) = [j for j in host_jobs(target, facts) if j.source == "process"]
    assert job.command == "/bin/sh /usr/local/libexec/ems/sync.run"
    fire = _fire(job)
    assert (fire.kind, fire.at) == ("exact", started + timedelta(seconds=3283200))
    assert "in ems-sync.service, whose next commands follow" in fire.note
    files = {a.name: a for a in target.artifacts}
    verdict = judge(job, files, fire, NOW)
    assert verdict.verdict == "destructive"
    assert "lg.host.rm-linedata" in {r.rule for r in verdict.reasons}
