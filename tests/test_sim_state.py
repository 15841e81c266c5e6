"""The simulator's device state, its rendered configs and the IOS/Junos interpreters, no network."""

from __future__ import annotations

from lineguard.sim.ios import INVALID, IosCli
from lineguard.sim.junos import JunosCli
from lineguard.sim.state import (
    CrossConnect,
    build_device,
    render_ios,
    render_junos,
    render_junos_set,
)


def _ios(secret: str = "s3cret") -> IosCli:
    cli = IosCli(build_device("atm-kobe-01", "cisco_ios", "kobe", 1), secret=secret)
    assert cli.handle("enable").password
    cli.handle(secret)
    return cli


def _config(cli: IosCli, *lines: str) -> list[str]:
    out = [cli.handle("configure terminal").text]
    out += [cli.handle(line).text for line in lines]
    out.append(cli.handle("end").text)
    return out


def test_factory_is_deterministic_and_realistic_in_size():
    a = build_device("atm-kobe-01", "cisco_ios", "kobe", 1, seed=7)
    b = build_device("atm-kobe-01", "cisco_ios", "kobe", 1, seed=7)
    c = build_device("atm-kobe-01", "cisco_ios", "kobe", 1, seed=8)
    b.changed = c.changed = a.changed          # the header shows when each was built
    assert render_ios(a) == render_ios(b)
    assert render_ios(a) != render_ios(c)
    assert len(a.all_pvcs()) >= 20 and len(a.cross_connects) >= 20
    assert {x.kind for x in a.cross_connects.values()} == {"vc", "vp"}


def test_config_only_changes_when_the_device_does():
    state = build_device("atm-kobe-01", "cisco_ios", "kobe", 1)
    first = render_ios(state)
    assert render_ios(state) == first and render_junos(state) == render_junos(state)
    state.remove_pvc(1, state.interfaces[1].subinterfaces[100].pvcs[0].vpi,
                     state.interfaces[1].subinterfaces[100].pvcs[0].vci)
    assert render_ios(state) != first


def test_ios_running_config_is_ios_syntax_ending_with_end():
    text = render_ios(build_device("atm-kobe-01", "cisco_ios", "kobe", 1))
    assert text.rstrip().endswith("\nend")
    assert "clock timezone JST 9 0" in text
    assert "interface ATM0/0/0.100 point-to-point\n" in text
    assert " atm pvc 0 100 interface ATM0/0/3 10 " in text
    assert "kron occurrence SAVECONFIG at 20:00 Sat recurring\n policy-list SAVECONFIG" in text
    assert 'event manager applet NIGHTLY-ARCHIVE\n event timer cron cron-entry "30 2 * * *"' in text
    header, body = text.split(" bytes\n", 1)
    assert int(header.rsplit(" ", 1)[1]) == len(body)


def test_junos_config_braces_balance_and_set_form_matches():
    state = build_device("atm-kobe-02", "juniper_junos", "kobe", 2)
    text = render_junos(state)
    assert text.count("{") == text.count("}") and text.rstrip().endswith("}")
    assert "at-0/0/0 {" in text and "unit 100 {" in text
    assert "generate-event {\n        DAILY-CHECK time-of-day" in text
    sets = render_junos_set(state)
    assert "set interfaces at-0/0/0 unit 100 vci " in sets
    assert "set event-options policy UPTIME-LOG events DAILY-CHECK" in sets


def test_ios_config_mode_adds_and_removes_pvcs_and_subinterfaces():
    cli = _ios()
    _config(cli, "interface ATM0/0/0.900 point-to-point", "pvc NEWBTS 5/900",
            "vbr-nrt 2000 1000 32", "encapsulation aal5mux")
    text = render_ios(cli.state)
    assert "interface ATM0/0/0.900 point-to-point\n" in text
    assert " pvc NEWBTS 5/900 \n  vbr-nrt 2000 1000 32\n  encapsulation aal5mux" in text
    _config(cli, "interface ATM0/0/0.900", "no pvc 5/900")
    assert "5/900" not in render_ios(cli.state)
    _config(cli, "no interface ATM0/0/0.900")
    assert "ATM0/0/0.900" not in render_ios(cli.state)


def test_ios_cross_connects_kron_applets_and_reload_are_configurable():
    cli = _ios()
    before = len(cli.state.cross_connects)
    _config(cli, "interface ATM0/0/2", "atm pvc 9 999 interface ATM0/0/3 9 999",
            "no atm pvp 200", "kron occurrence WIPE in 10 oneshot", "policy-list WIPE",
            "kron policy-list WIPE", "cli configure replace flash:empty.cfg force",
            "event manager applet CLEAN authorization bypass",
            'event timer cron cron-entry "0 3 * * *"', 'action 1.0 cli command "enable"')
    assert len(cli.state.cross_connects) == before        # one added, one removed
    text = render_ios(cli.state)
    assert " atm pvc 9 999 interface ATM0/0/3 9 999" in text
    assert " atm pvp 200 " not in text
    assert "kron occurrence WIPE in 10 oneshot\n policy-list WIPE" in text
    assert "event manager applet CLEAN authorization bypass" in text
    assert "WIPE inactive, will run once in 0 days 00:09:" in cli.handle("show kron schedule").text
    eem = cli.handle("show event manager policy registered").text
    assert "timer cron" in eem and " cron entry {0 3 * * *}" in eem and "CLEAN" in eem
    assert cli.handle("show reload").text == "No reload is scheduled.\n"
    assert "Proceed with reload? [confirm]" in cli.handle("reload at 03:00 10 may").text
    cli.handle("")
    shown = cli.handle("show reload").text
    assert shown.startswith("Reload scheduled for 03:00:00 JST") and " May 10 " in shown
    assert "SHUTDOWN ABORTED" in cli.handle("reload cancel").text
    assert cli.state.pending_reload is None


def test_ios_invalid_input_puts_the_caret_under_the_bad_word():
    cli = _ios()
    reply = cli.handle("show bogus")
    caret_line = reply.text.splitlines()[0]
    assert caret_line.index("^") == len("atm-kobe-01#") + len("show ")
    assert INVALID in reply.text
    assert INVALID in cli.handle("configure terminal").text + cli.handle("frobnicate now").text


def test_ios_user_mode_hides_the_config_and_wrong_secret_is_refused():
    cli = IosCli(build_device("atm-kobe-01", "cisco_ios", "kobe", 1), secret="right")
    assert cli.prompt == "atm-kobe-01>"
    assert INVALID in cli.handle("show running-config").text
    cli.handle("enable")
    assert "% Access denied" in cli.handle("wrong").text
    assert cli.prompt == "atm-kobe-01>"
    assert cli.handle("sh ver").text.startswith("Cisco IOS Software")    # abbreviations work


def test_junos_candidate_applies_only_on_commit():
    state = build_device("atm-kobe-02", "juniper_junos", "kobe", 2)
    cli = JunosCli(state)
    cli.handle("configure")
    assert cli.prompt == "lgops@atm-kobe-02# "
    cli.handle("delete interfaces at-0/0/0 unit 100")
    assert 100 in state.interfaces[1].subinterfaces
    assert "commit complete" in cli.handle("commit").text
    assert 100 not in state.interfaces[1].subinterfaces
    assert "syntax error." in cli.handle("set protocols bogus").text


def test_cross_connect_low_end_is_the_lower_ifindex():
    state = build_device("atm-kobe-03", "atm_mib", "kobe", 3, cross_connects=0)
    xc = state.add_cross_connect(CrossConnect("vc", 0, 4, 1, 3, 2, 40, 50))
    assert (xc.low_if, xc.low_vpi, xc.low_vci, xc.high_if) == (3, 2, 50, 4)
    assert xc.index == 1


def test_eem_timer_kinds_show_their_time_like_ios():
    cli = _ios()
    _config(cli, "event manager applet WATCH", "event timer watchdog time 3600 name hourly",
            'action 1.0 cli command "show clock"')
    shown = cli.handle("show event manager policy registered").text
    assert "timer watchdog" in shown and " time {3600.000}" in shown
    assert 'event timer watchdog time 3600 name hourly' in render_ios(cli.state)
