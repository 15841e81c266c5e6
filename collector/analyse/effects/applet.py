"""Device-side jobs as the device runs them: the actions of an EEM applet (variables, the
device's `event manager environment` variables, `string` results, `append`, `foreach` loops,
the `reload` action, `cli command`), kron policy commands,
Junos event-policy commands, each with the IOS `alias` definitions of the device's own
configuration expanded. What comes out are the command lines the device would execute, read
by the same vocabulary as commands sent from a host."""

from __future__ import annotations

import re
import shlex

from lineguard.collector.analyse.effects.resolve import judged_values

_VAR = re.compile(r"\$\{?(\w+)\}?")
_CLI = re.compile(r'^\s*(?:action\s+\S+\s+)?cli\s+command\s+"((?:\\.|[^"\\])*)"', re.I)
_ALIAS = re.compile(r"^alias\s+\S+\s+(\S+)\s+(\S.*?)\s*$", re.I | re.M)
_ENVIRONMENT = re.compile(r"^event manager environment\s+(\S+)\s+(.*?)\s*$", re.I | re.M)
# EEM applet actions that are not commands sent to the device's CLI
_EEM_OTHER = frozenset({"if", "else", "elseif", "while", "end", "regexp", "info", "syslog",
                        "puts", "wait", "comment", "mail", "increment", "decrement", "counter",
                        "context", "publish-event", "policy", "track", "handle-error", "break",
                        "continue", "exit", "gets", "file", "snmp-trap", "snmp-request",
                        "divide", "multiply", "add", "subtract", "cns-event", "force-switchover"})
_OPENS = frozenset({"if", "while", "foreach"})


def aliases(config: str | None) -> dict[str, str]:
    """IOS `alias MODE NAME COMMAND` lines of a device configuration, by name."""
    return {m.group(1).lower(): m.group(2) for m in _ALIAS.finditer(config or "")}


def environment(config: str | None) -> dict[str, str]:
    """EEM environment variables (`event manager environment NAME VALUE`): every applet of the
    device sees them as `$NAME`."""
    return {m.group(1): m.group(2) for m in _ENVIRONMENT.finditer(config or "")}


def _words(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def _expand_alias(text: str, table: dict[str, str]) -> str:
    words = text.split(None, 1)
    if words and words[0].lower() in table:
        return table[words[0].lower()] + (" " + words[1] if len(words) > 1 else "")
    return text


def commands(actions: tuple[tuple[str, int | None], ...], source: str, config: str | None
             ) -> list[tuple[str, int | None, str]]:
    """(command line, config line, the action as written) for every command the job sends."""
    table = aliases(config)
    out: list[tuple[str, int | None, str]] = []
    if source not in ("eem", "kron"):          # kron runs applets (`event manager run`) too
        for text, line in actions:
            m = _CLI.match(text)
            cmd = m.group(1) if m else text.strip().strip('"')
            out.append((_expand_alias(cmd, table), line, text))
        return out
    _run(list(actions), environment(config), table, out)
    return out


def _sub(text: str, variables: dict[str, str]) -> str:
    return _VAR.sub(lambda v: variables.get(v.group(1), v.group(0)), text)


def _body(actions: list[tuple[str, int | None]], start: int) -> int:
    """The index of the `end` closing the block opened just before `start`."""
    depth = 0
    for i in range(start, len(actions)):
        word = (_words(actions[i][0]) or [""])[0].lower()
        if word in _OPENS:
            depth += 1
        elif word == "end":
            if depth == 0:
                return i
            depth -= 1
    return len(actions)


def _run(actions: list[tuple[str, int | None]], variables: dict[str, str],
         table: dict[str, str], out: list[tuple[str, int | None, str]]) -> None:
    i = 0
    while i < len(actions):
        text, line = actions[i]
        i += 1
        m = _CLI.match(text)
        if m:
            out.append((_expand_alias(_sub(m.group(1), variables), table), line, text))
            continue
        words = _words(_sub(text, variables))
        verb = words[0].lower() if words else ""
        if verb == "set" and len(words) >= 2:
            variables[words[1]] = " ".join(words[2:])
        elif verb == "append" and len(words) >= 2:
            variables[words[1]] = variables.get(words[1], "") + " ".join(words[2:])
        elif verb == "string" and len(words) >= 2:
            args = words[2:]
            variables["_string_result"] = "".join(args) if words[1].lower() == "concat" \
                else (args[0] if args else "")
        elif verb == "foreach" and len(words) >= 3:
            end = _body(actions, i)
            delim = words[3] if len(words) > 3 else " "
            items = [x for x in words[2].split(delim) if x.strip()] if delim else [words[2]]
            for item in judged_values(items):
                _run(actions[i:end], {**variables, words[1]: item.strip()}, table, out)
            i = end + 1
        elif verb == "reload":
            out.append(("reload", line, text))
        elif verb in _EEM_OTHER or verb == "cli":
            continue
        elif words:
            # a command the parser already took out of `cli command "…"`
            out.append((_expand_alias(_sub(text.strip().strip('"'), variables), table), line,
                        text))
