"""Cisco IOS restore commands: each lost row's interface or sub-interface context line and its
stanza exactly as the approved baseline's running-config has it: the `pvc` line with every
sub-command (rate, OAM, protocol lines, encapsulation) in order, or the main interface's
`atm pvc`/`atm pvp` cross-connect line, which makes the cross-connect and both its links."""

from __future__ import annotations

import re

from lineguard.agent.restore.document import RestoreAction, RestoreRow

_PVC = re.compile(r"^ pvc (?:\S+ )?(\d+)/(\d+)\s*$", re.I)
_XC = re.compile(r"^ atm pv[cp] (\d+)\b", re.I)


def _line_of(row: RestoreRow) -> int | None:
    try:
        return int(row.row.extra.get("line", ""))
    except ValueError:
        return None


def _stanza(lines: list[str], at: int) -> tuple[str | None, list[str]]:
    """The interface line above line `at` (1-based) and the statement there with its deeper
    indented sub-commands."""
    header = next((lines[i] for i in range(at - 2, -1, -1)
                   if lines[i].startswith("interface ")), None)
    body = [lines[at - 1]]
    for text in lines[at:]:
        if not text.startswith("  ") or text.strip() == "!":
            break
        body.append(text)
    return header, body


def render(rows: list[RestoreRow], reference: str,
           current: str | None = None) -> tuple[list[RestoreAction], list[tuple[int, str]]]:
    # imported here: agent.devices brings netmiko and pysnmp, which a platform list must not
    from lineguard.agent.devices.mask import MASK_PREFIX
    """Actions in configuration order, and the rows that cannot be rendered with why."""
    lines = reference.splitlines()
    by_line: dict[int, list[RestoreRow]] = {}
    refused: list[tuple[int, str]] = []
    for row in rows:
        at = _line_of(row)
        if at is None or not 1 <= at <= len(lines):
            refused.append((row.id, "the baseline's running-config does not locate this row"))
            continue
        by_line.setdefault(at, []).append(row)
    actions: list[RestoreAction] = []
    for at in sorted(by_line):
        group = by_line[at]
        header, body = _stanza(lines, at)
        pvc, xc = _PVC.match(lines[at - 1]), _XC.match(lines[at - 1])
        problem = None
        if header is None:
            problem = "no interface context above the row in the baseline's running-config"
        elif pvc is None and xc is None:
            problem = f"baseline line {at} is not a pvc or cross-connect: {lines[at - 1].strip()!r}"
        elif pvc and any((r.row.vpi, r.row.vci) != (int(pvc[1]), int(pvc[2])) for r in group):
            problem = f"baseline line {at} ({lines[at - 1].strip()}) is not this PVC"
        elif any(MASK_PREFIX in t for t in [header, *body]):
            problem = "its stanza holds a masked secret, which cannot be sent back"
        if problem:
            refused += [(r.id, problem) for r in group]
            continue
        assert header is not None
        actions.append(RestoreAction(tuple(r.id for r in group),
                                     tuple(t.strip() for t in [header, *body])))
    return actions, refused
