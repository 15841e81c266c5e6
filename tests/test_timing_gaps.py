"""Timing gaps of issue 9 item 8: a running job that sleeps before its effect, every timing
attribute of Junos event options (time-of-day with offsets, time-interval with start-time and
no-drift, `within` + `trigger on|after|until`, correlated and excluded events), and the same care
for EEM (waits before the effect and maxrun, trigger delay and correlation, syslog counts) and
kron (days:hours:minutes, applets a policy list starts). Each case is parsed from real
configuration text and timed with next_fire as `lineguard jobs` does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lineguard.agent.sources.host import collect
from lineguard.collector.analyse.timing import countdown, next_fire
from lineguard.collector.model import (
    ConditionalTrigger,
    CountedTrigger,
    CronTrigger,
    DelayedTrigger,
    Fire,
    IntervalTrigger,
    UnparsableTrigger,
)
from lineguard.collector.parse import ios, junos
from lineguard.collector.parse.device import device_zone
from lineguard.collector.parse.host import jobs as host_jobs
from lineguard.formats.sleep import inline_sleeps
from lineguard.formats.wire import Artifact, Target
from tests.hostroot import debian_root

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


# --- Junos event-options ----------------------------------------------------------------------

def _junos(generate: str, policy_extra: str = "", events: str = "TICK") -> list:
    config = f"""\
system {{
    time-zone Asia/Tokyo;
}}
event-options {{
    generate-event {{
        {generate}
    }}
    policy WIPE {{
        events {events};
{policy_extra}
        then {{
            change-configuration {{
                commands {{
                    "delete interfaces at-0/0/0 unit 100";
                }}
            }}
        }}
    }}
}}
"""
    return junos.jobs("atm-kobe-04", config, "Asia/Tokyo")


def _fire(job) -> Fire:
    return next_fire(job.trigger, NOW, job.timezone)


def test_time_of_day_with_a_non_hour_utc_offset_is_that_instant_every_day():
    (job,) = _junos('TICK time-of-day "03:00:00 +0530";')
    assert (job.trigger, job.timezone) == (CronTrigger("30 21 * * *", "debian"), "UTC")
    assert _fire(job).at == datetime(2026, 11, 25, 21, 30, tzinfo=UTC)
    (plain,) = _junos("TICK time-of-day 03:00:00;")      # no offset: the device's own zone
    assert _fire(plain).at == datetime(2026, 11, 25, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize("generate", [
    'TICK time-interval 3600 start-time "2027-2-10.03:00:00 +0900";',
    'TICK start-time "2027-2-10.03:00:00 +0900" time-interval 3600 no-drift;',
    'TICK no-drift time-interval 3600 start-time "2027-02-10.03:00 +0900";',
])
def test_a_start_time_anchors_the_interval_whatever_the_option_order(generate):
    (job,) = _junos(generate)
    assert isinstance(job.trigger, IntervalTrigger) and job.trigger.seconds == 3600
    fire = _fire(job)
    assert (fire.kind, fire.at) == ("exact", datetime(2027, 2, 9, 18, 0, tzinfo=UTC))
    assert countdown(NOW, fire) == "in 76d 06h"


def test_a_start_time_in_the_past_puts_the_next_event_on_its_grid():
    (job,) = _junos('TICK time-interval 5400 start-time "2026-11-25.00:10:00 +0000";')
    assert _fire(job).at == datetime(2026, 11, 25, 12, 10, tzinfo=UTC)   # 00:10 + 8 x 90 min


def test_start_time_without_offset_is_device_local_and_garbage_is_unparsable():
    (local,) = _junos('TICK time-interval 86400 start-time "2027-1-1.00:00:00";')
    assert _fire(local).at == datetime(2026, 12, 31, 15, 0, tzinfo=UTC)
    (bad,) = _junos('TICK time-interval 600 start-time "next tuesday";')
    assert isinstance(bad.trigger, UnparsableTrigger) and "start-time" in bad.trigger.reason


def test_trigger_on_n_with_a_known_start_fires_at_the_nth_event():
    (job,) = _junos('TICK time-interval 600 start-time "2026-12-1.00:00:00 +0000";',
                    "        within 3000 {\n            trigger on 3;\n        }")
    assert job.trigger == CountedTrigger(job.trigger.base, 600, 3000, "on", 3, "")
    fire = _fire(job)
    assert (fire.kind, fire.at) == ("exact", datetime(2026, 12, 1, 0, 20, tzinfo=UTC))
    assert "occurrence 3" in fire.note and "within 50min" in fire.note
    assert "within 3000" in job.schedule


def test_a_count_the_window_can_never_hold_never_fires():
    (after,) = _junos('TICK time-interval 600 start-time "2026-12-1.00:00:00 +0000";',
                      "        within 3000 {\n            trigger after 8;\n        }")
    fire = _fire(after)
    assert fire.kind == "never" and "5 or 6" in fire.note
    (until,) = _junos('TICK time-interval 600 start-time "2026-11-25.00:00:00 +0000";',
                      "        within 3000 {\n            trigger until 3;\n        }")
    assert _fire(until).kind == "never"    # the count climbed past 3 long before now


def test_trigger_until_before_the_window_fills_runs_only_the_first_events():
    (job,) = _junos('TICK time-interval 600 start-time "2026-12-1.00:00:00 +0000";',
                    "        within 3000 {\n            trigger until 3;\n        }")
    assert _fire(job).at == datetime(2026, 12, 1, 0, 0, tzinfo=UTC)      # count 1 < 3


def test_daily_event_counted_over_a_week_fires_only_after_the_policy_took_effect():
    (job,) = _junos("TICK time-of-day 03:00:00;",
                    "        within 604800 {\n            trigger on 2;\n        }")
    fire = _fire(job)
    assert fire.kind == "relative" and "only at occurrence 2" in fire.note
    (steady,) = _junos("TICK time-of-day 03:00:00;",
                       "        within 86400 {\n            trigger on 1;\n        }")
    assert _fire(steady).at == datetime(2026, 11, 25, 18, 0, tzinfo=UTC)


def test_correlated_and_excluded_events_are_conditions_on_the_clock():
    (job,) = _junos("TICK time-of-day 03:00:00;",
                    "        within 3600 {\n            events UI_COMMIT;\n"
                    "            not events SNMP_TRAP_LINK_DOWN;\n        }")
    assert isinstance(job.trigger, ConditionalTrigger)
    fire = _fire(job)
    assert fire.at == datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
    assert "only if UI_COMMIT occurred within 3600s before" in fire.note
    assert "not if SNMP_TRAP_LINK_DOWN occurred within 3600s before" in fire.note


def test_a_counted_policy_with_other_triggering_events_says_they_count_too():
    jobs = _junos("TICK time-interval 3600;",
                  "        within 7200 {\n            trigger on 2;\n        }",
                  events="[ TICK UI_COMMIT ]")
    timed = next(j for j in jobs if isinstance(j.trigger, CountedTrigger))
    assert "the count also includes UI_COMMIT" in timed.trigger.note
    fire = _fire(timed)               # every hour from an unknown anchor: within the next hour
    assert (fire.kind, fire.at, fire.latest) == ("window", NOW, NOW + timedelta(hours=1))


# --- IOS EEM and kron -------------------------------------------------------------------------

def _ios(config: str, polled: datetime = NOW) -> dict[str, object]:
    zone = device_zone("UTC 0 0")
    ctx = ios.Context("atm-kobe-01", zone.tz, zone.name, polled)
    return {j.schedule.split()[0] if j.source == "kron" else j.origin_line: j
            for j in ios.jobs(ctx, "hostname atm-kobe-01\n!\n" + config + "end\n")}


def test_an_applet_that_waits_before_its_effect_fires_after_the_wait():
    jobs = _ios('event manager applet LATER\n event timer cron cron-entry "0 3 * * *" '
                'maxrun 90000\n action 1.0 wait 86400\n action 2.0 cli command "enable"\n'
                ' action 3.0 cli command "no pvc 0/100"\n!\n')
    job = jobs[3]
    assert job.trigger == DelayedTrigger(CronTrigger("0 3 * * *", "ios"), 86400,
                                         "action 1.0 wait 86400")
    # Today's 03:00 run is still waiting: its effect comes tomorrow at 03:00.
    fire = next_fire(job.trigger, NOW, job.timezone)
    assert fire.at == datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
    assert "1d after it starts" in fire.note
    assert [a for a, _ in job.actions] == ["enable", "no pvc 0/100"]


def test_a_wait_longer_than_maxrun_is_noted_and_still_timed():
    jobs = _ios('event manager applet LATER\n event timer watchdog time 3600\n'
                ' action 1.0 cli command "enable"\n action 1.5 cli command "show clock"\n'
                ' action 2.0 wait 600\n action 3.0 cli command "no pvc 0/100"\n'
                ' action 4.0 wait 900\n action 5.0 cli command "no pvc 0/101"\n!\n')
    trig = jobs[3].trigger
    # the wait after `enable` and `show clock` still comes before the first effect; the one
    # after it does not delay that effect
    assert isinstance(trig, DelayedTrigger) and trig.seconds == 600
    assert "longer than maxrun 20s, which ends the applet before it acts" in trig.note


def test_trigger_delay_and_correlation_of_an_applet():
    jobs = _ios('event manager applet XC\n event tag t1 timer cron cron-entry "30 2 * * *"\n'
                ' event tag s1 syslog pattern "LINK-3-UPDOWN"\n trigger delay 600\n'
                '  correlate event t1 and event s1\n'
                ' action 1.0 cli command "no interface ATM0/1/0.100"\n!\n'
                'event manager applet EITHER\n event tag t1 timer cron cron-entry "0 4 * * *"\n'
                ' event tag s1 syslog pattern "CONFIG_I"\n trigger\n'
                '  correlate event t1 or event s1\n'
                ' action 1.0 cli command "default interface ATM0/1/0"\n!\n')
    xc = jobs[3].trigger
    assert isinstance(xc, DelayedTrigger) and xc.seconds == 600
    assert isinstance(xc.base, ConditionalTrigger)
    assert 'only if event s1 (syslog pattern "LINK-3-UPDOWN") also occurs' in xc.base.condition
    fire = next_fire(xc, NOW, "UTC")
    assert fire.at == datetime(2026, 11, 26, 2, 40, tzinfo=UTC)
    assert jobs[10].trigger == CronTrigger("0 4 * * *", "ios")   # `or`: the timer alone runs it


def test_syslog_counts_and_countdown_names_are_read():
    jobs = _ios('event manager applet BURST\n event syslog pattern "SYS-5-CONFIG_I" occurs 3 '
                'period 60\n action 1.0 cli command "no pvc 0/32"\n!\n'
                'event manager applet ONCE\n event timer countdown name ARMED time 6480000\n'
                ' action 1.0 cli command "no pvc 0/33"\n!\n')
    assert "logged 3 times within 60s" in jobs[3].trigger.reason
    assert jobs[7].trigger == IntervalTrigger(6480000, once=True)
    assert "once, 75d after it was set" in next_fire(jobs[7].trigger, NOW, "UTC").note


def test_kron_runs_the_applet_its_policy_list_starts():
    jobs = _ios("kron occurrence NIGHT in 2:03:10 oneshot\n policy-list PL\n!\n"
                "kron policy-list PL\n cli event manager run WIPE\n!\n"
                "event manager applet WIPE\n event none\n action 1.0 cli command \"enable\"\n"
                ' action 2.0 cli command "configure terminal"\n'
                ' action 3.0 cli command "no pvc 0/100"\n!\n')
    night = jobs["NIGHT"]
    assert [a for a, _ in night.actions] == ["event manager run WIPE", "enable",
                                             "configure terminal", "no pvc 0/100"]
    assert night.trigger == IntervalTrigger(2 * 86400 + 3 * 3600 + 600, once=True, unrun_at=NOW)
    assert [j for j in jobs.values() if j.source == "eem"] == []   # `event none`: no clock


def test_kron_at_with_month_and_day_recurring_is_a_yearly_cron():
    jobs = _ios("kron occurrence FEB at 3:15 Feb 14 recurring\n policy-list PL\n!\n"
                "kron policy-list PL\n cli write memory\n!\n")
    assert jobs["FEB"].trigger == CronTrigger("15 3 14 2 *", "ios")
    assert next_fire(jobs["FEB"].trigger, NOW, "UTC").at == datetime(2027, 2, 14, 3, 15,
                                                                      tzinfo=UTC)


# --- running processes that sleep before their effect ----------------------------------------

def _proc(pid: int, ppid: int, argv: list[str], start: datetime) -> Artifact:
    return Artifact.from_bytes(f"proc/{pid}", "process", " ".join(argv).encode(), {
        "pid": pid, "ppid": ppid, "uid": 0, "user": "root", "argv": argv,
        "start": start.strftime("%Y-%m-%dT%H:%M:%SZ")})


def _process_jobs(*procs: Artifact) -> dict[str, object]:
    target = Target(kind="host", name="ems-01", status="ok", artifacts=procs,
                    facts={"platform": "linux"})
    host = {"hostname": "ems-01", "timezone": "UTC", "root": "/", "dialect": "debian"}
    return {j.origin_path: j for j in host_jobs(target, host) if j.source == "process"}


def test_the_sleep_running_now_is_told_apart_by_the_time_the_shell_already_spent():
    shell_started = NOW - timedelta(days=12)
    text = "sleep 86400; sleep 86400; rm -rf /srv/ems/linedata"
    for spent, wakes in ((0, shell_started + timedelta(days=2)),
                         (86400, shell_started + timedelta(days=2))):
        sleep_started = shell_started + timedelta(seconds=spent)
        jobs = _process_jobs(_proc(10, 1, ["sh", "-c", text], shell_started),
                             _proc(11, 10, ["sleep", "86400"], sleep_started))
        job = jobs["proc/11"]
        assert job.trigger.when == wakes
        assert job.command == "rm -rf /srv/ems/linedata"
    fire = next_fire(job.trigger, NOW, "UTC")
    assert countdown(NOW, fire) == "overdue 10d 00h"


def test_a_chain_of_sleeps_before_the_effect_counts_from_now():
    started = NOW - timedelta(days=30)
    jobs = _process_jobs(_proc(20, 1, ["bash", "-c", "sleep 3600 && sleep 75d; /opt/x.sh"],
                               started - timedelta(hours=1)),
                         _proc(21, 20, ["sleep", "3600"], started - timedelta(hours=1)))
    job = jobs["proc/21"]
    assert job.trigger.when == started + timedelta(days=75)
    assert "then 75d more asleep" in job.trigger.note
    assert countdown(NOW, next_fire(job.trigger, NOW, "UTC")) == "in 45d 00h"
    assert job.command == "/opt/x.sh"


def test_an_interpreter_sleeping_in_its_own_program_is_a_job():
    started = NOW - timedelta(days=10)
    code = "import os, time; time.sleep(6480000); os.system('rm -rf /srv/ems/linedata')"
    perl = "use strict; sleep(600); sleep 600; system('dropdb ems');"
    jobs = _process_jobs(_proc(30, 1, ["/usr/bin/python3", "-c", code], started),
                         _proc(31, 1, ["perl", "-e", perl], started))
    assert jobs["proc/30"].trigger.when == started + timedelta(seconds=6480000)
    assert jobs["proc/30"].command == "os.system('rm -rf /srv/ems/linedata')"
    assert "python3 sleeps in its program" in jobs["proc/30"].trigger.note
    assert jobs["proc/31"].trigger.when == started + timedelta(seconds=1200)
    assert jobs["proc/31"].command == "system('dropdb ems');"


def test_inline_sleeps_are_read_in_every_language_form():
    found = [(s.seconds) for s in inline_sleeps(
        "sleep 1d; time.sleep(30); sleep(2.5); nosleep 9; usleep 4; sleep $X; sleep 3m")]
    assert found == [86400, 30, 2.5, 180]


def test_a_live_python_process_sleeping_before_its_effect_is_found(tmp_path: Path):
    root = debian_root(tmp_path, None)
    code = "import time, os; time.sleep(6480000); os.system('rm -rf /srv/ems/linedata')"
    proc = subprocess.Popen([sys.executable, "-c", code], start_new_session=True)
    try:
        deadline = time.monotonic() + 10
        job = None
        while job is None and time.monotonic() < deadline:
            target, facts = collect(root, live=True)
            job = next((j for j in host_jobs(target, facts)
                        if j.origin_path == f"proc/{proc.pid}"), None)
        assert job is not None, "the sleeping interpreter was not captured"
        started = datetime.fromisoformat(target.artifact(f"proc/{proc.pid}").meta["start"]
                                         .replace("Z", "+00:00"))
        assert job.trigger.when == started + timedelta(seconds=6480000)
        assert job.command == "os.system('rm -rf /srv/ems/linedata')"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def test_an_at_job_that_sleeps_first_does_its_work_that_much_later():
    body = ("#!/bin/sh\n# atrun uid=0 gid=0\n# mail root 0\numask 22\n"
            "cd /root || {\n\t echo 'Execution directory inaccessible' >&2\n\t exit 1\n}\n"
            "sleep 6480000; sleep 1h\nrm -rf /srv/ems/linedata\n")
    started = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    minutes = int(started.timestamp() // 60)
    running = Artifact.from_bytes(f"var/spool/cron/atjobs/=00007{minutes:08x}", "at-job",
                                  body.encode(), {"mode": "0700", "uid": 0, "owner": "root"})
    target = Target(kind="host", name="ems-01", status="ok", artifacts=(running,),
                    facts={"platform": "linux"})
    host = {"hostname": "ems-01", "timezone": "UTC", "root": "/", "dialect": "debian"}
    (job,) = [j for j in host_jobs(target, host) if j.source == "at"]
    assert job.state == "running"
    assert job.trigger.when == started + timedelta(seconds=6480000 + 3600)
    assert "sleeps 75d 1h first" in job.trigger.note
    assert countdown(NOW, next_fire(job.trigger, NOW, "UTC")) == "in 69d 16h"
