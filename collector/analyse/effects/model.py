"""The closed vocabulary of what a job does: typed effects with resolved arguments.

Every language reader (shell, Python, Perl, expect, device command streams, SQL) reduces a
script to `Effect` records; the rules (collector/rules/*.yaml) judge effects, never text.
Values that could not be resolved are kept inside the text as markers (see `unknown`,
`symbol`) so a reason can say exactly which part is unknown and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Literal

# One effect kind per thing a job can do that matters (documented in collector/rules/README.md).
EffectKind = Literal[
    "device-command",   # command lines sent to network elements (IOS, Junos, TL1)
    "snmp-set",         # an SNMP SET: MIB object + index = value
    "data-destruction",  # files, volumes, file systems or databases deleted/overwritten/wiped
    "service",          # a service stopped, disabled, masked or killed
    "tamper",           # scheduler or monitoring tampering (crontabs, at jobs, timers, lineguard)
    "anti-forensics",   # logs, shell history, audit trails removed or silenced
    "unseen-code",      # runs code lineguard cannot see (downloaded, generated, not captured)
    "unparsed",         # a program in a language lineguard cannot read
    "concealment",      # an encoding undone and executed (even when the payload is benign)
    "backup",           # a copy of data kept before it is changed (for change control)
    "runs",             # the program the job itself runs (for location rules)
    "schedule-line",    # the job's command as its scheduler holds it (for padding rules)
]
EFFECT_KINDS: tuple[str, ...] = EffectKind.__args__   # type: ignore[attr-defined]
Reach = Literal["one", "many", "all"]
GateKind = Literal["date", "host", "file", "account"]

# Markers inside resolved text: \x01KIND:DATA\x1dDESCRIPTION\x02. KIND "?" is an unknown value;
# "walk" (DATA = the walked OID), "lines" (DATA = the file), "each" (DATA = the values) and
# "tree" (DATA = a directory, then "1" when what walks it is bounded by age, size or name: see
# tree_of) stand for every member of a set. A marker may be handed to another language's reader (a Python
# f-string run by a shell): characters a shell or Perl would act on are kept out of it.
# (No part of a marker holds \x01 or \x02, see _safe: a text full of \x01 bytes of its own, a
# captured script's, is scanned in linear time, not once per \x01 to its end.)
_MARK = re.compile(r"\x01([^:\x01\x1d\x02]*):?([^\x01\x1d\x02]*)\x1d([^\x01\x02]*)\x02")
_RISKY = " \t\n'\"`$;&|<>()\\#*?[]{}~!="
_SAFE = {ord(c): 0xE000 + i for i, c in enumerate(_RISKY)}
_BACK = {0xE000 + i: c for i, c in enumerate(_RISKY)}


def _safe(text: str) -> str:
    return text.replace("\x01", "").replace("\x02", "").translate(_SAFE)


@lru_cache(maxsize=8192)
def unknown(why: str) -> str:
    """A value that cannot be known before the job runs, with the reason (the same reasons
    come up again and again: made once)."""
    return f"\x01?:\x1d{_safe(why)}\x02"


# A function's or program's argument standing as itself while its summary is read (see
# resolve.Calls): symbol("arg", "1", "$1") …
ARG_MARK = "\x01arg:"


def symbol(kind: str, data: str, description: str) -> str:
    """A value standing for each member of a known set (walked rows, lines of a file)."""
    return f"\x01{kind}:{_safe(data)}\x1d{_safe(description)}\x02"


def render(text: str) -> str:
    """Text for people: markers shown as <description>."""
    if "\x01" not in text:
        return text
    return _MARK.sub(lambda m: f"<{m.group(3).translate(_BACK)}>", text)


def plain(text: str) -> str:
    """Text for rules: markers as <description>, too (a rule may match `every device`)."""
    return render(text)


def literal(text: str) -> str:
    """The text's own characters, markers left out."""
    return _MARK.sub("", text) if "\x01" in text else text


def markers(text: str) -> list[tuple[str, str, str]]:
    """(kind, data, description) of each marker in the text."""
    if "\x01" not in text:
        return []
    return [(k, d.translate(_BACK), desc.translate(_BACK)) for k, d, desc in _MARK.findall(text)]


def tree_of(root: str, bounded: bool) -> str:
    """Every file under a directory a program walks (Perl's File::Find)."""
    return symbol("tree", f"{root}\x1e{int(bounded)}", f"every file under {render(root)}")


def is_known(text: str) -> bool:
    return "\x01?:" not in text


EACH_UNKNOWN = "each item of "     # an unknown marker's description: a loop over an unknown list


def each_unknown(value: str) -> str:
    """A loop variable over a list not known before the job runs (`for x in $(curl …)`,
    `… | while read x`): unknown, and standing for every item of that list."""
    return unknown(EACH_UNKNOWN + render(value).strip("<>"))


def over_unknown_list(*texts: str) -> bool:
    """Whether a value is a loop variable over a list not known before the job runs."""
    return any(kind == "?" and desc.startswith(EACH_UNKNOWN)
               for t in texts if "\x01?:" in t for kind, _, desc in markers(t))


def reach_of(*texts: str) -> Reach:
    """All when a value stands for every member of a set, else one."""
    for t in texts:
        for kind, _, _ in markers(t):
            if kind in ("walk", "lines", "each", "listed"):
                return "all"
    return "all" if over_unknown_list(*texts) else "one"


@dataclass(frozen=True)
class Gate:
    """A condition that must hold for an effect to happen (a date, host, file or account test)."""

    kind: GateKind
    detail: str           # e.g. "on or after 2027-02-10", "host is ems-kobe-01"
    path: str | None
    line: int | None
    evidence: str
    # date gates: the instants the condition holds between, [from, until), in the job's zone
    # (None: open on that side); both set only when the condition bounds the date both ways
    window: tuple[datetime | None, datetime | None] = (None, None)


@dataclass(frozen=True)
class Effect:
    """One thing a job does, with its resolved arguments and where it is written.

    Fields used by each kind (others stay empty):
      device-command  platform (ios|junos|tl1), lines (the commands), target (the devices)
      snmp-set        obj (MIB object name or numeric OID), index, value (enum name(number)),
                      target (the devices), row (every object the job sets in the same table
                      row: `ccCopySourceFileType=networkFile(1) ccCopyDestFileType=…`)
      data-destruction how (delete|overwrite|truncate|wipe|volume|db-drop|db-truncate|
                      db-delete-all|db-flush), target (path, device, table or database),
                      bounded (an age, size or name limit)
      service         how (stop|disable|mask|kill), target (unit or process)
      tamper, anti-forensics  how (what is done), target (what it is done to)
      unseen-code     target (the source: URL, generated file, missing file), how (why it
                      cannot be seen, where the source does not say: a compiled program …)
      unparsed        target (the language), how (what it also touches: devices, data)
      concealment     how (the encodings, outermost first)
      backup          how (files|database|mib|device-config), target (what is copied: path,
                      database, device), value (where the copy goes), obj/index (walked MIB
                      object and its OID)
      runs            target (path of the program)
      schedule-line   target (the command line)
    `reach` says how far it goes: one thing, many named things, or all of a set (every row
    walked, every device listed)."""

    kind: str
    path: str | None              # artifact the evidence stands in; None for the job's command
    line: int | None
    evidence: str                 # the line(s) as written
    target: str = ""
    how: str = ""
    platform: str = ""
    lines: tuple[str, ...] = ()
    obj: str = ""
    index: str = ""
    value: str = ""
    bounded: bool = False
    reach: Reach = "one"
    gates: tuple[Gate, ...] = ()
    via: tuple[str, ...] = ()             # how it was reached: "decoded from base64", "in f()"
    called: bool = True                   # False: inside a function nothing calls
    controlled: bool = False              # change-controlled: ticket named, single target
    row: str = ""                         # snmp-set: the values set in the same row

    def fields(self) -> dict[str, str]:
        """The effect as text fields for rule matching (markers rendered)."""
        return {"target": render(self.target), "how": self.how, "platform": self.platform,
                "line": "\n".join(self.lines), "object": render(self.obj), "index": render(self.index),
                "value": self.value, "reach": self.reach, "row": self.row,
                "bounded": "yes" if self.bounded else "no",
                "known": "yes" if is_known(self.values_text()) else "no"}

    def values_text(self) -> str:
        """Every value the effect names (target, object, index, value, lines) as one text:
        where a marker of an unresolved value, or of a program argument bound at each call,
        is looked for."""
        return self.target + self.obj + self.index + self.value + "".join(self.lines)

    def describe(self) -> str:
        """The effect in resolved form, for a reason's title."""
        k, t = self.kind, render(self.target)
        if k == "snmp-set":
            idx = f".{render(self.index)}" if self.index else ""
            return f"SNMP SET {render(self.obj)}{idx} = {render(self.value)} on {t or 'an unknown device'}"
        if k == "device-command":
            cmds = "; ".join(render(x) for x in self.lines[:4])
            more = f" (+{len(self.lines) - 4} more)" if len(self.lines) > 4 else ""
            return f"sends to {t or 'a device'} ({self.platform}): {cmds}{more}"
        if k == "data-destruction":
            return f"{self.how} {t}" + (" (bounded)" if self.bounded else "")
        if k in ("service", "tamper", "anti-forensics"):
            return f"{self.how} {t}".strip()
        if k == "unseen-code":
            return f"runs code it cannot see: {t}" + (f", {self.how}" if self.how else "")
        if k == "unparsed":
            return f"runs a {t} program lineguard cannot read" + (f" ({self.how})" if self.how else "")
        if k == "concealment":
            return f"undoes {self.how} and executes the result"
        return t


# A change ticket (CHG0012345, CRQ-1234, RFC 2233 …) named in what a job runs.
# Spelled case by case rather than with re.I, and starting with the class of letters a ticket
# can start with (what comes before it is looked at behind that letter): sre then skips every
# other position in its own loop, twice as fast as a leading lookahead, over every script a
# job runs. (Not a component of a dotted module name or a path: `pysnmp.proto.rfc1902` names
# no change.)
CHANGE_REF = re.compile(r"[CcRrMmWwTt](?<![\w./].)(?:(?<=[Cc])(?:[Hh][Gg]|[Rr][Qq]?|[Mm]|"
                        r"[Hh][Aa][Nn][Gg][Ee])|(?<=[Rr])[Ff][Cc]|(?<=[Mm])[Oo][Pp]|(?<=[Ww])[Oo]|"
                        r"(?<=[Tt])[Ii][Cc][Kk][Ee][Tt])[-_ #:]?\s?\d[\d-]{2,}\b(?![./]\w)")


@lru_cache(maxsize=4096)
def change_ref_in(text: str) -> str:
    """The first change ticket a text names, or "". Remembered per text: the scripts many jobs
    run are searched once."""
    m = CHANGE_REF.search(text)
    return m.group(0) if m else ""
