"""Junos restore commands: `set` lines that re-create each lost logical unit of an at-
interface with every statement it had in the approved baseline's configuration (vci,
encapsulation, shaping, description, family addresses), and the interface's `atm-options vpi`
the unit needs; committed once per device."""

from __future__ import annotations

import re

from lineguard.agent.restore.document import RestoreAction, RestoreRow
from lineguard.collector.parse.junos import Node, parse_tree

_PLAIN = re.compile(r"^[A-Za-z0-9_./:+-]+$")


def _word(w: str) -> str:
    return w if _PLAIN.match(w) else '"' + w.replace("\\", "\\\\").replace('"', '\\"') + '"'


def set_lines(prefix: list[str], node: Node) -> list[str]:
    """Every leaf under `node` as a `set` line (an empty block is set as itself)."""
    path = prefix + node.words
    if not node.children:
        return ["set " + " ".join(_word(w) for w in path)]
    return [line for child in node.children for line in set_lines(path, child)]


def _units(reference: str) -> dict[tuple[str, str], tuple[Node, Node]]:
    found: dict[tuple[str, str], tuple[Node, Node]] = {}
    for interfaces in parse_tree(reference).find("interfaces"):
        for intf in interfaces.children or []:
            if intf.words and intf.words[0].startswith("at-"):
                for unit in intf.find("unit"):
                    if len(unit.words) > 1:
                        found[(intf.words[0], unit.words[1])] = (intf, unit)
    return found


def render(rows: list[RestoreRow], reference: str,
           current: str | None = None) -> tuple[list[RestoreAction], list[tuple[int, str]]]:
    # imported here: agent.devices brings netmiko and pysnmp, which a platform list must not
    from lineguard.agent.devices.mask import MASK_PREFIX
    units = _units(reference)
    actions: list[RestoreAction] = []
    refused: list[tuple[int, str]] = []
    for row in sorted(rows, key=lambda r: int(r.row.extra.get("line", "0") or 0)):
        name, _, number = row.row.extra.get("subinterface", "").partition(".")
        found = units.get((name, number))
        if found is None or found[1].value("vci") != f"{row.row.vpi}.{row.row.vci}":
            refused.append((row.id, f"the baseline's configuration has no unit {name}.{number} "
                                    f"with vci {row.row.vpi}.{row.row.vci}"))
            continue
        intf, unit = found
        commands = [line for opts in intf.find("atm-options") for c in opts.children or []
                    if c.words == ["vpi", str(row.row.vpi)]
                    for line in set_lines(["interfaces", name, "atm-options"], c)]
        commands += set_lines(["interfaces", name], unit)
        if any(MASK_PREFIX in c for c in commands):
            refused.append((row.id, "its unit holds a masked secret, which cannot be sent back"))
            continue
        actions.append(RestoreAction((row.id,), tuple(commands)))
    return actions, refused
