"""Devices' SSH host keys: recorded on first contact, before any password is sent, and a device
presenting another key later is refused as a possible impostor."""

from __future__ import annotations

from pathlib import Path

import paramiko

from lineguard.agent.devices import collect
from lineguard.agent.devices.hostkeys import host_entry

MASK_KEY = b"hostkey-test-mask"


def test_first_poll_records_keys_and_a_changed_key_is_refused(fleet, tmp_path: Path) -> None:
    known = tmp_path / "known_hosts"
    first = {t.name: t for t in collect(fleet.inventory_path, fleet.credentials_path,
                                        mask_key=MASK_KEY, known_hosts=known)}
    assert all(t.status == "ok" for t in first.values()), {n: t.error for n, t in first.items()}
    cli_devices = [d for d in fleet.devices if d.method == "cli"]
    recorded = paramiko.HostKeys(str(known))
    assert known.stat().st_mode & 0o777 == 0o600
    assert {host_entry("127.0.0.1", d.port) for d in cli_devices} == set(recorded.keys())

    # the same keys: polls again as before
    again = {t.name: t for t in collect(fleet.inventory_path, fleet.credentials_path,
                                        mask_key=MASK_KEY, known_hosts=known)}
    assert all(t.status == "ok" for t in again.values())

    # someone in the path answers for the IOS device with another key
    ios = fleet.by_platform("cisco_ios")[0]
    entry = host_entry("127.0.0.1", ios.port)
    impostor = paramiko.RSAKey.generate(2048)
    kept = [line for line in known.read_text().splitlines() if not line.startswith(entry + " ")]
    known.write_text("\n".join(kept + [f"{entry} {impostor.get_name()} {impostor.get_base64()}"])
                     + "\n")
    polled = {t.name: t for t in collect(fleet.inventory_path, fleet.credentials_path,
                                         mask_key=MASK_KEY, known_hosts=known)}
    refused = polled[ios.name]
    assert refused.status == "auth-failed" and not refused.artifacts
    assert "does not match" in refused.error and str(known) in refused.error
    others = [t for name, t in polled.items() if name != ios.name]
    assert others and all(t.status == "ok" for t in others)


def test_a_device_that_cannot_be_reached_records_no_key(tmp_path: Path) -> None:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]          # closed again: nothing listens there
    inventory = tmp_path / "inventory.toml"
    inventory.write_text(f'[[device]]\nname = "atm-gone-01"\nplatform = "cisco_ios"\n'
                         f'site = "kobe"\nmethod = "cli"\nhost = "127.0.0.1"\nport = {port}\n'
                         f'credentials = "lab"\n')
    creds = tmp_path / "credentials.toml"
    creds.write_text('[lab]\nusername = "u"\npassword = "p"\n')
    creds.chmod(0o600)
    known = tmp_path / "known_hosts"
    (target,) = collect(inventory, creds, mask_key=MASK_KEY, known_hosts=known, retries=0,
                        timeout=2)
    assert target.status == "unreachable" and "host key" in target.error
    assert not known.exists()
