"""Junos configs → at- interface rows and event-options jobs."""

from __future__ import annotations

from datetime import UTC, datetime

from lineguard.collector.model import (
    AbsoluteTrigger,
    CronTrigger,
    IntervalTrigger,
    UnparsableTrigger,
)
from lineguard.collector.parse import junos
from lineguard.collector.parse.device import device_zone

CONFIG = """\
## Last commit: 2026-11-26 02:31:09 JST by lgops
system {
    time-zone Asia/Tokyo;
}
interfaces {
    at-0/0/0 {
        description "to kobe-core-0 { not a brace }";
        atm-options {
            vpi 0;
        }
        unit 100 {
            encapsulation atm-snap;
            vci 0.32;
            shaping {
                cbr 1536k;
            }
        }
        unit 101 {
            encapsulation atm-vcmux;
            vci 0.33;
            shaping {
                vbr peak 4000k sustained 2000k burst 94;
            }
        }
        unit 102 {
            vci 2.40;
        }
    }
    ge-0/0/1 {
        unit 0 {
            vci 9.99;
        }
    }
}
event-options {
    generate-event {
        NIGHTLY time-of-day "03:00:00 +0900";
        EVERY-HOUR time-interval 3600;
        LOCAL time-of-day "04:30:00";
    }
    policy WIPE-XC {
        events [ NIGHTLY EVERY-HOUR ];
        then {
            change-configuration {
                commands {
                    "delete interfaces at-0/0/0 unit 100";
                }
                commit-options {
                    log "by event policy";
                }
            }
        }
    }
    policy ON-LINK-DOWN {
        events SNMP_TRAP_LINK_DOWN;
        then {
            execute-commands {
                commands {
                    "show interfaces terse";
                }
            }
        }
    }
}
"""


def test_at_units_become_rows_with_shaping_and_encapsulation():
    rows = {(r.interface, r.vpi, r.vci): r for r in junos.line_data("atm-kobe-04", CONFIG)}
    assert set(rows) == {("at-0/0/0", 0, 32), ("at-0/0/0", 0, 33), ("at-0/0/0", 2, 40)}
    cbr = rows[("at-0/0/0", 0, 32)]
    assert (cbr.kind, cbr.encapsulation, cbr.service_class, cbr.peak_kbps) == (
        "vcl", "aal5snap", "cbr", 1536)
    assert cbr.extra["subinterface"] == "at-0/0/0.100"
    vbr = rows[("at-0/0/0", 0, 33)]
    assert (vbr.encapsulation, vbr.service_class, vbr.peak_kbps, vbr.avg_kbps) == (
        "aal5mux", "vbr-nrt", 4000, 2000)
    assert rows[("at-0/0/0", 2, 40)].service_class == "ubr"


def test_generated_events_trigger_their_policies():
    jobs = junos.jobs("atm-kobe-04", CONFIG, "Asia/Tokyo")
    timed = {j.schedule.split()[1]: j for j in jobs if not isinstance(j.trigger, UnparsableTrigger)}
    nightly = timed["NIGHTLY"]
    assert nightly.trigger == CronTrigger("0 3 * * *", "debian")
    assert nightly.timezone == "Etc/GMT-9"      # the offset written on the event wins
    assert nightly.actions == (("delete interfaces at-0/0/0 unit 100", 46),)
    assert nightly.origin_line == 37
    assert timed["EVERY-HOUR"].trigger == IntervalTrigger(3600)
    assert "LOCAL" not in timed      # generated, but no policy listens to it
    (on_event,) = [j for j in jobs if isinstance(j.trigger, UnparsableTrigger)]
    assert "SNMP_TRAP_LINK_DOWN" in on_event.problem
    assert on_event.actions == (("show interfaces terse", 59),)


def test_braces_inside_strings_do_not_confuse_the_tree():
    root = junos.parse_tree(CONFIG)
    (interfaces,) = root.find("interfaces")
    assert [c.words[0] for c in interfaces.children] == ["at-0/0/0", "ge-0/0/1"]


def test_a_pending_reboot_is_an_absolute_job():
    zone = device_zone("Asia/Tokyo")
    text = "reboot requested by lgops at Wed Nov 25 03:00:00 2026\n    [process id 4242]\n"
    (job,) = junos.reboot_jobs("atm-kobe-04", text, zone.tz, zone.name)
    assert job.trigger == AbsoluteTrigger(datetime(2026, 11, 24, 18, 0, tzinfo=UTC),
                                          note="pending reboot")
    assert (job.owner, job.command) == ("lgops", "request system reboot")
    assert junos.reboot_jobs("x", "No shutdown/reboot scheduled.\n", zone.tz, zone.name) == []


def test_a_unit_without_a_name_and_a_bare_event_block_are_no_crash():
    config = ("interfaces {\n    at-0/0/1 {\n        unit {\n            vci 0.40;\n"
              "            shaping { { } }\n        }\n    }\n}\n"
              "event-options {\n    generate-event {\n        { }\n    }\n}\n")
    (row,) = junos.line_data("atm-kobe-04", config)
    assert (row.interface, row.vpi, row.vci, row.extra["subinterface"]) == ("at-0/0/1", 0, 40,
                                                                            "at-0/0/1")
    assert junos.jobs("atm-kobe-04", config, "Asia/Tokyo") == []


SET_FORMAT = """\
# saved with `show configuration | display set`
set system host-name atm-kobe-02
set system time-zone Asia/Tokyo
set interfaces at-0/0/0 atm-options vpi 0
set interfaces at-0/0/0 unit 100 vci 0.100
set interfaces at-0/0/0 unit 101 vci 0.101
set event-options generate-event NIGHT time-of-day "03:00:00 +0900"
set event-options policy P events NIGHT
set event-options policy P within 600 not events UI_COMMIT
set event-options policy P then change-configuration commands "delete interfaces at-0/0/0"
set event-options policy P then change-configuration commit-options log cleanup
"""


def test_a_set_format_configuration_gives_the_same_jobs_and_line_data():
    """`show configuration | display set` (a usual backup format): a planted event policy in
    it is a job like in the curly form, each statement at its own line."""
    jobs = junos.jobs("atm-kobe-02", SET_FORMAT, "Asia/Tokyo")
    assert [(j.source, j.origin_line, j.actions) for j in jobs] == \
        [("junos-event", 7, (("delete interfaces at-0/0/0", 10),))]
    assert [(r.interface, r.vpi, r.vci) for r in junos.line_data("atm-kobe-02", SET_FORMAT)] == \
        [("at-0/0/0", 0, 100), ("at-0/0/0", 0, 101)]


def test_a_curly_configuration_quoting_set_is_not_read_as_set_format():
    text = 'system {\n    host-name x;\n    login {\n        message "set a b";\n    }\n}\n'
    assert junos.parse_tree(text).find("system")
