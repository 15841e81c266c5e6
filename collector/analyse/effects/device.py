"""Network-element command streams: the text a job hands to a device (an EEM or kron action, a
Junos event policy's commands, expect `send`, a netmiko/paramiko/Net::Telnet string, a heredoc
fed to ssh/telnet/nc) split into command lines and attributed to a platform (IOS, Junos, TL1).
The same vocabulary serves device-side jobs and host scripts in every language."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from lineguard.collector.analyse.effects import api
from lineguard.collector.analyse.effects.model import Effect, reach_of
from lineguard.collector.analyse.effects.resolve import expand_each

_TL1 = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+:[^;]*;?$", re.I)
_JUNOS = re.compile(r"^(?:set|delete|deactivate|activate|load|commit|rollback|request|edit|file|"
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
    if any(_JUNOS.match(x) or _JUNOS.match(_words(x, _JUNOS_WORDS, {})) or _JUNOS_IFNAME.search(x)
           for x in lines) and not any(_IOS.match(x) for x in lines):
        return "junos"
    return "ios"


# Keywords a device CLI accepts abbreviated to any unique prefix, by position: the command
# word, and the word after it. A word is expanded only when it is the prefix of exactly one
# keyword of its position (and at least two letters), so arguments are never touched.
_IOS_WORDS = ("configure", "interface", "default", "erase", "write", "reload", "copy", "delete",
              "format", "shutdown", "no", "boot", "show", "terminal", "end",
              "exit", "enable", "archive", "range", "pvc")
_IOS_NEXT = {
    "configure": ("terminal", "replace", "memory", "network", "confirm"),
    "no": ("interface", "pvc", "atm", "range", "shutdown"),
    "default": ("interface",),
    "write": ("erase", "memory", "terminal", "network"),
    "erase": ("startup-config",),
    "boot": ("config", "system", "startup-config"),
}
_COPY_ENDS = ("startup-config", "running-config")
_JUNOS_WORDS = ("configure", "delete", "deactivate", "activate", "set", "load", "commit",
                "rollback", "request", "edit", "show", "file", "wildcard", "replace", "top", "up",
                "exit", "run", "rename", "insert", "copy", "annotate")
_JUNOS_NEXT = {
    **{verb: ("interfaces", "protocols", "system", "chassis", "routing-options",
              "class-of-service", "snmp", "routing-instances", "vlans", "policy-options",
              "firewall", "event-options", "security")
       for verb in ("delete", "deactivate", "activate", "set", "edit")},
    "load": ("override", "merge", "replace", "set", "update", "factory-default", "patch"),
    "commit": ("and-quit", "check", "confirmed", "comment", "synchronize"),
    "file": ("delete", "copy", "list", "show", "rename"),
    "request": ("system",),
}
_JUNOS_IFNAME = re.compile(r"(?:^|\s)(?:at|ge|xe|et|so|fe|t1|e1|ae)-\d+/\d+/\d+")
# Junos statements that act at the current `edit` level
_JUNOS_STATEMENT = re.compile(r"^(set|delete|deactivate|activate|annotate|protect|rename|insert|"
                              r"copy|replace)(?:\s+(.*))?$", re.I)


def _expand(word: str, vocabulary: tuple[str, ...]) -> str:
    w = word.lower()
    if w in vocabulary or len(w) < 2 or not re.fullmatch(r"[a-z-]+", w):
        return word
    hits = [k for k in vocabulary if k.startswith(w)]
    return hits[0] if len(hits) == 1 else word


def _words(line: str, first: tuple[str, ...], nxt: dict[str, tuple[str, ...]]) -> str:
    words = line.split()
    if not words:
        return line
    words[0] = _expand(words[0], first)
    if len(words) > 1 and words[0].lower() in nxt:
        words[1] = _expand(words[1], nxt[words[0].lower()])
    return " ".join(words)


def _ios(line: str) -> str:
    out = _words(line, _IOS_WORDS, _IOS_NEXT)
    words = out.split()
    if words[0].lower() == "copy" and len(words) >= 3:
        words[1:] = [w if ":" in w else _expand(w, _COPY_ENDS) for w in words[1:]]
        out = " ".join(words)
    if words[0].lower() == "default" and len(words) > 1:      # `default int …` is `interface`
        out = " ".join([words[0], _expand(words[1], ("interface",)), *words[2:]])
    return out


def _junos(lines: list[str]) -> list[str]:
    """Junos lines with abbreviations expanded, `wildcard` statements read as the statement they
    apply to every match of, and statements under `edit X` written at the top (`delete at-0/0/0`
    under `edit interfaces` is `delete interfaces at-0/0/0`)."""
    out: list[str] = []
    path: list[str] = []
    for raw in lines:
        line = _words(raw, _JUNOS_WORDS, _JUNOS_NEXT)
        words = line.split()
        verb = words[0].lower() if words else ""
        if verb == "wildcard" and len(words) > 1:
            # `wildcard range STATEMENT` (names with [0-5] or <100-900>), `wildcard delete PATH
            # REGEX`: the statement, on every match (control.py: never one target)
            rest = words[2:] if words[1].lower() == "range" and len(words) > 2 else words[1:]
            line = _words(" ".join(rest), _JUNOS_WORDS, _JUNOS_NEXT)
            words, verb = line.split(), line.split()[0].lower()
        if verb == "edit":
            path += words[1:]
            out.append(line)
            continue
        if verb == "top":
            path = []
        elif verb == "up":
            n = int(words[1]) if len(words) > 1 and words[1].isdigit() else 1
            path = path[:-n] if n < len(path) else []
        elif verb == "exit" and path:
            path = path[:-1]
        m = _JUNOS_STATEMENT.match(line)
        if m and path:
            line = " ".join([m.group(1), *path, *([m.group(2)] if m.group(2) else [])])
        out.append(line)
    return out


_SHUT = re.compile(r"(?i)^shutdown\s*$")
_NO_SHUT = re.compile(r"(?i)^no\s+shutdown\s*$")
_INTERFACE = re.compile(r"(?i)^interface\s+(\S+)")


def _bounced(lines: list[str]) -> list[str]:
    """An interface shut down and brought back up later in the same stream (`shutdown` …
    `no shutdown` under the same interface) is a bounce: its shutdown is marked as undone."""
    where: list[str] = []
    current = ""
    for x in lines:
        m = _INTERFACE.match(x)
        if m:
            current = m.group(1).lower()
        elif not x.startswith((" ", "\t")) and not _SHUT.match(x) and not _NO_SHUT.match(x) \
                and x.split()[:1] and x.split()[0].lower() in ("end", "exit"):
            current = ""
        where.append(current)
    out = list(lines)
    for i, x in enumerate(lines):
        if _SHUT.match(x) and any(_NO_SHUT.match(y) and where[j] == where[i]
                                  for j, y in enumerate(lines[i + 1:], i + 1)):
            out[i] = f"{x.strip()} (undone by a later no shutdown)"
    return out


_TL1_DOWN = re.compile(r"(?i)^(RMV|ED)-([A-Z0-9-]+):([^:;]*):([^:;]*)")


def _restored(lines: list[str]) -> list[str]:
    """A TL1 entity taken out of service and restored later in the same stream (RMV-X … RST-X,
    or ED-X …OOS … ED-X …IS on the same AID) is a maintenance step: the first is marked."""
    out = list(lines)
    for i, x in enumerate(lines):
        m = _TL1_DOWN.match(x)
        if not m or (m.group(1).upper() == "ED" and not re.search(r"(?i)[:,=]OOS", x)):
            continue
        kind, aid = m.group(2).upper(), m.group(4).upper()
        back = re.compile(rf"(?i)^(?:RST-{re.escape(kind)}:[^:;]*:{re.escape(aid)}(?:[:;]|$)|"
                          rf"ED-{re.escape(kind)}:[^:;]*:{re.escape(aid)}:[^;]*(?:[:,]|PSTQ?=)IS\b)")
        if any(back.match(y) for y in lines[i + 1:]):
            out[i] = f"{x.strip()} (restored later in the same session)"
    return out


def across(effects: list[Effect]) -> list[Effect]:
    """Device-command effects that are one session written line by line (the actions of an
    applet): what holds for the whole stream (an interface bounced) is marked in each."""
    out = list(effects)
    for platform, mark in (("ios", _bounced), ("tl1", _restored)):
        out = _marked(out, platform, mark)
    return out


def _marked(effects: list[Effect], platform: str, mark: Callable[[list[str]], list[str]]
            ) -> list[Effect]:
    flat = [(k, x) for k, e in enumerate(effects) if e.platform == platform for x in e.lines]
    marked = mark([x for _, x in flat])
    out = list(effects)
    for k in {k for k, _ in flat}:
        new = tuple(m for (j, _), m in zip(flat, marked, strict=True) if j == k)
        if new != effects[k].lines:
            out[k] = replace(effects[k], lines=new)
    return out


def canonical(lines: list[str], platform: str) -> list[str]:
    """Command lines as the device reads them: abbreviations expanded, Junos statements at their
    full hierarchy, an interface bounced (shut, then no shut) marked as such. Rules judge these."""
    if platform == "ios":
        return _bounced([_ios(x) for x in lines])
    if platform == "junos":
        return _junos(lines)
    return _restored(lines)


def _command_lines(texts: Sequence[str]) -> list[str]:
    # an XML RPC (NETCONF, Junos XML) is read as the command lines it amounts to
    texts = ["\n".join(api.xml_lines(t)) if "<" in t and api.xml_lines(t) else t for t in texts]
    lines = [x for t in texts for each in expand_each(t) for x in split_lines(each)]
    return [x for x in lines if not _NOISE.match(x)]


def command_effect(text: str | list[str], target: str, path: str | None, line: int | None,
                   evidence: str, context: Sequence[str] = (), **kw: object) -> Effect | None:
    """A device-command effect for the commands in `text`, or None when there are none.
    `context`: what the same session sent before, which the commands are read after (their
    platform, the Junos `edit` level they sit at)."""
    lines = _command_lines([text] if isinstance(text, str) else text)
    if not lines:
        return None
    before = _command_lines(context) if context else []
    # a line that is only a substituted value (a user name, a password read from a file) is
    # typed into the session; it does not make the commands act on a set
    reach = reach_of(target, *[x for x in lines if not _WHOLE_VALUE.fullmatch(x)])
    platform = platform_of(before + lines)
    return Effect("device-command", path, line, evidence, target=target, platform=platform,
                  lines=tuple(canonical(before + lines, platform)[len(before):]), reach=reach,
                  **kw)  # type: ignore[arg-type]
