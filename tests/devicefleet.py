"""Test helpers for device collection against the simulated fleet: inventories that point at
chosen fleet devices by chosen methods, and a fault switched on for one block."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path

from lineguard.sim.fleet import HOST, Fleet, SimDevice

MASK_KEY = b"lineguard-test-mask-key"


def inventory(path: Path, entries: list[tuple[SimDevice, str, str]]) -> Path:
    """[[device]] tables for (device, method, credentials name); SNMP v3 when the name says so."""
    lines = []
    for dev, method, creds in entries:
        lines += ["[[device]]", f"name = {json.dumps(dev.name)}",
                  f"platform = {json.dumps(dev.platform)}", f"site = {json.dumps(dev.site)}",
                  f"method = {json.dumps(method)}", f"host = {json.dumps(HOST)}",
                  f"port = {dev.port}", f"credentials = {json.dumps(creds)}"]
        if method == "snmp":
            version = "3" if creds.endswith("v3") else "2c"
            lines.append(f'snmp = {{ version = "{version}" }}')
        lines.append("")
    path.write_text("\n".join(lines))
    return path


@contextlib.contextmanager
def fault(dev: SimDevice, **faults: object) -> Iterator[SimDevice]:
    saved = {k: getattr(dev.state.faults, k) for k in faults}
    for k, v in faults.items():
        setattr(dev.state.faults, k, v)
    try:
        yield dev
    finally:
        for k, v in saved.items():
            setattr(dev.state.faults, k, v)


def first(fleet: Fleet, platform: str, snmp_version: str | None = None) -> SimDevice:
    return next(d for d in fleet.by_platform(platform)
                if snmp_version is None or d.snmp_version == snmp_version)
