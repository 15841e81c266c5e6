"""IOS configs → line data rows and device-side jobs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lineguard.collector.model import (
    AbsoluteTrigger,
    BootTrigger,
    CronTrigger,
    IntervalTrigger,
    UnparsableTrigger,
)
from lineguard.collector.parse import ios
from lineguard.collector.parse.device import device_zone

ROUTER = """\
hostname atm-kobe-01
clock timezone JST 9 0
!
interface ATM0/0/0
 no ip address
!
interface ATM0/0/0.100 point-to-point
 description BTS KOBE-0100
 ip address 10.1.0.1 255.255.255.252
 pvc BTS0100 0/32
  cbr 1536
  protocol ip 10.1.0.2 broadcast
  encapsulation aal5snap
 !
!
interface ATM0/0/1.101 point-to-point
 pvc 2/40
  vbr-nrt 4000 2000 94
  encapsulation aal5mux
 !
 pvc 2/41
 !
!
interface ATM1/0
 atm pvc 5 0 60 aal5snap 2000 1000 32
 atm pvc 6 0 61 aal5mux
!
end
"""

SWITCH = """\
interface ATM0/0/3
 no ip address
 atm pvc 0 100 interface ATM0/0/4 10 264
 atm pvc 1 101 rx-cttr 3 tx-cttr 3 interface atm 0/0/2 7 77
 atm pvp 20 interface ATM0/0/4 40
!
end
"""

JOBS = """\
clock timezone JST 9 0
kron occurrence SAVECONFIG at 20:00 Sat recurring
 policy-list SAVECONFIG
!
kron occurrence WIPE user lgops at 3:15 Feb 14 oneshot
 policy-list WIPE-LIST
!
kron occurrence POLL in 1:30 recurring
 policy-list SAVECONFIG
!
kron occurrence BOOT system-startup
 policy-list SAVECONFIG
!
kron policy-list SAVECONFIG
 cli write memory
!
kron policy-list WIPE-LIST
 cli configure terminal
 cli no interface ATM0/0/0.100
!
event manager applet NIGHTLY authorization bypass
 event timer cron cron-entry "0 3 * * *"
 action 1.0 cli command "enable"
 action 2.0 cli command "configure terminal"
 action 3.0 cli command "no interface ATM0/0/0.100"
!
event manager applet ONCE
 event timer absolute time 1790000000
 action 1.0 reload
!
event manager applet EVERY
 event tag t1 timer watchdog time 3600 name hourly
 action 1.0 cli command "show clock"
!
event manager applet LATER
 event timer countdown time 600
 action 1.0 syslog msg "ten minutes"
!
event manager applet BYHAND
 event none
 action 1.0 cli command "write memory"
!
end
"""


def _rows(config: str):
    return {r.key(): r for r in ios.line_data("atm-kobe-01", config)}


def test_pvc_stanzas_become_rows_on_the_main_interface():
    rows = _rows(ROUTER)
    named = rows[("vcl", "ATM0/0/0", 0, 32, None, None, None)]
    assert (named.service_class, named.peak_kbps, named.encapsulation) == ("cbr", 1536, "aal5snap")
    assert named.extra == {"line": "10", "subinterface": "ATM0/0/0.100", "name": "BTS0100"}
    vbr = rows[("vcl", "ATM0/0/1", 2, 40, None, None, None)]
    assert (vbr.service_class, vbr.peak_kbps, vbr.avg_kbps, vbr.encapsulation) == (
        "vbr-nrt", 4000, 2000, "aal5mux")
    # No rate line: IOS default, UBR at line rate, written as no stated peak.
    bare = rows[("vcl", "ATM0/0/1", 2, 41, None, None, None)]
    assert (bare.service_class, bare.peak_kbps) == ("ubr", None)


def test_legacy_atm_pvc_lines_become_rows():
    rows = _rows(ROUTER)
    shaped = rows[("vcl", "ATM1/0", 0, 60, None, None, None)]
    assert (shaped.service_class, shaped.peak_kbps, shaped.avg_kbps) == ("vbr-nrt", 2000, 1000)
    assert rows[("vcl", "ATM1/0", 0, 61, None, None, None)].encapsulation == "aal5mux"
    assert len(rows) == 5


def test_switch_cross_connects_are_ordered_low_end_first_with_their_links():
    rows = _rows(SWITCH)
    assert ("vc-xc", "ATM0/0/3", 0, 100, "ATM0/0/4", 10, 264) in rows
    # Written under the higher interface: the low end is still the one numbered first.
    assert ("vc-xc", "ATM0/0/2", 7, 77, "ATM0/0/3", 1, 101) in rows
    assert ("vp-xc", "ATM0/0/3", 20, None, "ATM0/0/4", 40, None) in rows
    assert ("vcl", "ATM0/0/4", 10, 264, None, None, None) in rows
    assert ("vpl", "ATM0/0/4", 40, None, None, None, None) in rows
    assert len(rows) == 9


def _jobs(polled_at=datetime(2026, 11, 25, 17, 0, tzinfo=UTC), kron_text=""):
    zone = device_zone("JST 9 0")
    ctx = ios.Context("atm-kobe-01", zone.tz, zone.name, polled_at)
    return {j.schedule.split()[0] if j.source == "kron" else j.command: j
            for j in ios.jobs(ctx, JOBS, None, kron_text)}


def test_eem_timer_applets_become_jobs_with_their_cli_actions():
    jobs = _jobs()
    nightly = next(j for j in jobs.values() if j.source == "eem" and "no interface" in j.command)
    assert nightly.trigger == CronTrigger("0 3 * * *", "ios")
    assert nightly.timezone == "Etc/GMT-9"
    assert nightly.actions == (("enable", 23), ("configure terminal", 24),
                               ("no interface ATM0/0/0.100", 25))
    assert nightly.origin_line == 21
    once = jobs["reload"]
    assert once.trigger.when == datetime.fromtimestamp(1790000000, UTC)
    assert jobs["show clock"].trigger == IntervalTrigger(3600, once=False)
    assert jobs['syslog msg "ten minutes"'].trigger == IntervalTrigger(600, once=True)
    assert "write memory" not in [j.command for j in jobs.values() if j.source == "eem"]


def test_kron_occurrences_become_jobs_with_their_policy_lists():
    jobs = _jobs()
    assert jobs["SAVECONFIG"].trigger == CronTrigger("0 20 * * 6", "ios")
    assert jobs["SAVECONFIG"].actions == (("write memory", 15),)
    wipe = jobs["WIPE"]
    assert wipe.owner == "lgops"
    assert isinstance(wipe.trigger, AbsoluteTrigger)
    assert wipe.trigger.when.isoformat() == "2027-02-14T03:15:00+09:00"
    assert wipe.actions == (("configure terminal", 18), ("no interface ATM0/0/0.100", 19))
    assert jobs["POLL"].trigger == IntervalTrigger(5400, anchor=None, once=False)
    assert isinstance(jobs["BOOT"].trigger, BootTrigger)


def test_show_kron_schedule_anchors_an_interval_occurrence():
    polled = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
    jobs = _jobs(polled, "Kron Occurrence Schedule\n"
                         "POLL inactive, will run again in 0 days 01:10:00\n")
    assert jobs["POLL"].trigger.anchor == polled + timedelta(hours=1, minutes=10)


def test_a_pending_reload_is_an_absolute_job_in_the_device_zone():
    zone = device_zone("JST 9 0")
    ctx = ios.Context("atm-kobe-01", zone.tz, zone.name, datetime(2026, 5, 1, tzinfo=UTC))
    text = ("Reload scheduled for 03:00:00 JST Sun May 10 2026 (in 411 hours and 33 minutes) "
            "by lgops on vty0 (127.0.0.1)\nReload reason: Reload Command\n")
    (job,) = ios.reload_jobs(ctx, text)
    assert job.trigger.when == datetime(2026, 5, 9, 18, 0, tzinfo=UTC)
    assert (job.owner, job.source, job.origin_path) == ("lgops", "reload", "show-reload")
    (relative,) = ios.reload_jobs(ctx, "Reload scheduled in 9 minutes by console\n")
    assert relative.trigger.when == datetime(2026, 5, 1, 0, 9, tzinfo=UTC)
    assert ios.reload_jobs(ctx, "No reload is scheduled.\n") == []


def test_garbled_kron_eem_and_reload_times_are_listed_unparsable_not_a_crash():
    zone = device_zone("JST 9 0")
    ctx = ios.Context("atm-kobe-01", zone.tz, zone.name, datetime(2026, 11, 25, tzinfo=UTC))
    config = ("kron occurrence HOUR at 25:99 oneshot\n policy-list P\n!\n"
              "kron occurrence HUGE in 99999999999:0:0 recurring\n policy-list P\n!\n"
              "kron occurrence EMPTY in :1 recurring\n policy-list P\n!\n"
              "kron policy-list P\n cli write memory\n!\n"
              "event manager applet FAR\n event timer absolute time 99999999999999999999\n"
              " action 1.0 reload\n!\n"
              "event manager applet LONG\n event timer watchdog time 99999999999999\n"
              " action 1.0 reload\n!\nend\n")
    found = ios.jobs(ctx, config, "Reload scheduled for 03:00:00 JST Sun Feb 31 2026 by x\n",
                     "HUGE inactive, will run again in 999999999999 days 01:00:00\n")
    assert len(found) == 6
    assert all(isinstance(j.trigger, UnparsableTrigger) for j in found)
    assert all(j.state == "unparsable" for j in found if j.source != "reload")
    reload = next(j for j in found if j.source == "reload")
    assert reload.trigger.reason.startswith("cannot read reload time")
