"""Network-element command streams: the text a job hands to a device (an EEM or kron action, a
Junos event policy's commands, expect `send`, a netmiko/paramiko/Net::Telnet string, a heredoc
fed to ssh/telnet/nc) split into command lines and attributed to a platform (IOS, Junos, TL1).
The same vocabulary serves device-side jobs and host scripts in every language."""

from __future__ import annotations

import re

from lineguard.collector.analyse.effects import api
from lineguard.collector.analyse.effects.model import Effect, reach_of
from lineguard.collector.analyse.effects.resolve import expand_each

_TL1 = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+:[^;]*;?$")
_JUNOS = re.compile(r"^(?:set|delete|deactivate|activate|load|commit|rollback|request|edit|"
                    r"configure(?:\s+(?:private|exclusive|batch|dynamic))?$|run|cli|wildcard)\b", re.I)
_IOS = re.compile(r"^(?:no|interface|int|default|conf(?:igure)?\s+t|end$|write|wr\b|pvc|atm|"
                  r"erase|reload|copy|enable$|exit$|kron|event)\b", re.I)
_WHOLE_VALUE = re.compile(r"\s*\x01[^\x02]*\x02\s*")
_NOT_COMMAND = re.compile(r"^(?:!|#|\s*$)")
# Session noise that is not a device command (passwords, prompts answered, exits).
_NOISE = re.compile(r"^(?:y|yes|n|no|exit|quit|end|logout|\^[A-Z]|\x03|\r)$", re.I)


def split_lines(text: str) -> list[str]:
    """Commands inside a string sent to a device: split on newlines (real or escaped) and `;`
    (TL1 messages keep their terminating `;`)."""
    out: list[str] = []
    for part in re.split(r"\\r\\n|\\n|\\r|[\r\n]", text):
        part = part.strip()
        if not part or _NOT_COMMAND.match(part):
            continue
        if _TL1.match(part.split(";")[0] + ";"):
            out.extend(m.strip() + ";" for m in part.split(";") if m.strip())
            continue
        out.extend(p.strip() for p in part.split(";") if p.strip())
    return out


def platform_of(lines: list[str]) -> str:
    if any(_TL1.match(x) for x in lines):
        return "tl1"
    if any(_JUNOS.match(x) for x in lines) and not any(_IOS.match(x) for x in lines):
        return "junos"
    return "ios"


def command_effect(text: str | list[str], target: str, path: str | None, line: int | None,
                   evidence: str, **kw: object) -> Effect | None:
    """A device-command effect for the commands in `text`, or None when there are none."""
    texts = [text] if isinstance(text, str) else text
    # an XML RPC (NETCONF, Junos XML) is read as the command lines it amounts to
    texts = ["\n".join(api.xml_lines(t)) if "<" in t and api.xml_lines(t) else t for t in texts]
    lines = [x for t in texts for each in expand_each(t) for x in split_lines(each)]
    lines = [x for x in lines if not _NOISE.match(x)]
    if not lines:
        return None
    # a line that is only a substituted value (a user name, a password read from a file) is
    # typed into the session; it does not make the commands act on a set
    reach = reach_of(target, *[x for x in lines if not _WHOLE_VALUE.fullmatch(x)])
    return Effect("device-command", path, line, evidence, target=target,
                  platform=platform_of(lines), lines=tuple(lines), reach=reach, **kw)  # type: ignore[arg-type]
