"""SNMP-only ATM devices (RFC 2515 ATM-MIB): the walk of the link and cross-connect tables is
the line data; there is no configuration text and no device job to read."""

from __future__ import annotations

from lineguard.collector.parse import atm_mib
from lineguard.collector.platforms import Platform, register
from lineguard.collector.restore import atm_mib as atm_mib_restore


def capture_problem(walk: str, device: str) -> str | None:
    """Complete and clean: at least one varbind, and every line one `OID = TYPE: VALUE`."""
    lines = walk.splitlines()
    if not any(ln.strip() for ln in lines):
        return "empty walk"
    for number, line in enumerate(lines, 1):
        if not atm_mib.is_varbind_line(line):
            return f"line {number} is not a varbind ({line[:60]!r})"
    return None


PLATFORM = register(Platform(
    name="atm_mib",
    config_artifact=atm_mib.ARTIFACT,
    line_data=atm_mib.line_data,
    has_config=False,
    capture_problem=capture_problem,
    restore=atm_mib_restore.render,
))
