"""Inventory and credentials files: what the agent accepts, and what it refuses with a reason."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lineguard.agent.devices import credentials, inventory
from lineguard.agent.devices.credentials import CredentialError
from lineguard.agent.devices.inventory import InventoryError

INVENTORY = """\
[[device]]
name = "atm-kobe-01"
platform = "cisco_ios"
site = "kobe"
method = "cli"
host = "127.0.0.1"
port = 20001
credentials = "lab-ios"
snmp = { version = "2c", port = 20001, credentials = "lab-snmp" }

[[device]]
name = "atm-kobe-05"
platform = "atm_mib"
site = "kobe"
method = "snmp"
host = "127.0.0.1"
credentials = "lab-snmpv3"
snmp = { version = "3", port = 20005 }

[[device]]
name = "atm-osaka-02"
platform = "juniper_junos"
site = "osaka"
method = "file"
path = "backups/atm-osaka-02.conf"
"""

CREDENTIALS = """\
[lab-ios]
username = "lgops"
password = "ios-pass-1"
secret = "ios-enable-1"

[lab-snmpv3]
version = "3"
user = "lgv3"
auth_key = "lg-auth-key-1"
auth_protocol = "SHA"
priv_key = "lg-priv-key-1"
priv_protocol = "AES"
"""


def _write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text)
    path.chmod(mode)
    return path


def test_inventory_reads_every_method(tmp_path):
    devices = inventory.load(_write(tmp_path / "inventory.toml", INVENTORY))
    cli, snmp, saved = devices
    assert (cli.method, cli.port, cli.credentials) == ("cli", 20001, "lab-ios")
    assert (snmp.method, snmp.port, snmp.snmp_version) == ("snmp", 20005, "3")
    assert saved.path == (tmp_path / "backups/atm-osaka-02.conf").resolve()
    assert saved.credentials is None


@pytest.mark.parametrize("change, message", [
    (("method = \"cli\"", "method = \"telnet\""), "method must be one of"),
    (("platform = \"cisco_ios\"", "platform = \"nokia_sros\""), "unknown platform"),
    (("port = 20001", "port = 70000"), "port must be"),
    (("credentials = \"lab-ios\"\n", ""), "'credentials' must name"),
    (("name = \"atm-kobe-05\"", "name = \"atm-kobe-01\""), "listed twice"),
])
def test_a_broken_inventory_is_refused_with_the_reason(tmp_path, change, message):
    text = INVENTORY.replace(*change, 1)
    with pytest.raises(InventoryError, match=message):
        inventory.load(_write(tmp_path / "inventory.toml", text))


def test_credentials_readable_by_others_are_refused(tmp_path):
    path = _write(tmp_path / "credentials.toml", CREDENTIALS, 0o640)
    with pytest.raises(CredentialError, match="chmod 600"):
        credentials.load(path, env={})


def test_an_unreadable_credentials_path_is_refused_with_the_reason(tmp_path):
    folder = tmp_path / "credentials.toml"
    folder.mkdir(mode=0o700)
    with pytest.raises(CredentialError, match="cannot read credentials file .*: Is a directory"):
        credentials.load(folder, env={})


def test_credentials_accept_both_field_spellings(tmp_path):
    creds = credentials.load(_write(tmp_path / "credentials.toml", CREDENTIALS), env={})
    v3 = creds.get("lab-snmpv3")
    assert (v3.user, v3.auth_proto, v3.priv_proto, v3.version) == ("lgv3", "SHA", "AES", "3")
    assert "ios-pass-1" not in repr(creds.get("lab-ios"))


def test_environment_overrides_one_field(tmp_path):
    env = {"LINEGUARD_CRED_LAB_IOS_PASSWORD": "rotated-pass"}
    creds = credentials.load(_write(tmp_path / "credentials.toml", CREDENTIALS), env=env)
    ios = creds.get("lab-ios")
    assert (ios.username, ios.password, ios.secret) == ("lgops", "rotated-pass", "ios-enable-1")


def test_credentials_can_come_from_the_environment_alone():
    creds = credentials.load(None, env={"LINEGUARD_CRED_LAB_SNMP_COMMUNITY": "lg-ro"})
    assert creds.get("lab-snmp").community == "lg-ro"
    with pytest.raises(CredentialError, match="not defined"):
        creds.get("lab-ios")


def test_unknown_credential_fields_are_refused(tmp_path):
    path = _write(tmp_path / "credentials.toml", CREDENTIALS + 'pasword = "typo"\n')
    with pytest.raises(CredentialError, match="unknown key 'pasword'; did you mean 'password'"):
        credentials.load(path, env={})


def test_the_fleet_poll_shows_a_progress_bar_only_on_a_terminal(capsys):
    from lineguard.agent.devices import _Progress
    from lineguard.formats.wire import Target
    progress = _Progress(2, enabled=True)
    progress.done(Target(kind="device", name="atm-kobe-01", status="ok"))
    progress.done(Target(kind="device", name="atm-kobe-02", status="timeout"))
    progress.finish()
    err = capsys.readouterr().err
    assert "devices" in err and "2/2" in err and "not ok 1" in err
    assert "last atm-kobe-02: timeout" in err and "\x1b[" in err   # drawn for a terminal
    quiet = _Progress(1, enabled=False)
    quiet.done(Target(kind="device", name="atm-kobe-01", status="ok"))
    quiet.finish()
    assert capsys.readouterr().err == ""


def test_a_saved_config_that_is_a_device_or_fifo_never_hangs_or_fills_memory(tmp_path):
    from lineguard.agent.devices import collect

    os.mkfifo(tmp_path / "pipe.cfg")
    inv = tmp_path / "inventory.toml"
    inv.write_text("".join(
        f'[[device]]\nname = "{n}"\nplatform = "cisco_ios"\nsite = "kobe"\nmethod = "file"\n'
        f'path = "{p}"\n\n' for n, p in (("saved-zero", "/dev/zero"), ("saved-fifo", "pipe.cfg"))))
    zero, fifo = collect(inv, None, mask_key=b"test-mask-key")
    for target in (zero, fifo):
        assert target.status == "unreachable" and "not a regular file" in target.error
        assert target.artifacts == ()


@pytest.mark.parametrize("typo, message", [
    ("hots = \"127.0.0.1\"", "device #1: unknown key 'hots'; did you mean 'host'?"),
    ("snmp = { verison = \"2c\" }", "device 'atm-x': snmp: unknown key 'verison'; did you mean "
                                      "'version'?"),
])
def test_a_misspelt_inventory_key_names_the_closest_valid_one(tmp_path, typo, message):
    text = ('[[device]]\nname = "atm-x"\nplatform = "cisco_ios"\nmethod = "cli"\n'
            f'host = "127.0.0.1"\ncredentials = "c"\n{typo}\n')
    with pytest.raises(InventoryError) as e:
        inventory.load(_write(tmp_path / "inventory.toml", text))
    assert str(e.value).endswith(message)


def test_a_misspelt_inventory_table_is_an_error(tmp_path):
    with pytest.raises(InventoryError, match="unknown key 'devices'; did you mean 'device'"):
        inventory.load(_write(tmp_path / "inventory.toml", '[[devices]]\nname = "x"\n'))
