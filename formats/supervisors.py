"""Process supervisors that run commands by themselves: supervisord's `[program:x]` (started
with supervisord at boot unless `autostart=false`) and `[eventlistener:x]` (with `TICK_N`
events, every N seconds), and monit's checks (`check program X with path "CMD"` runs CMD every
cycle or on its `every "CRON"` schedule; `exec`, `start program` and `stop program` run when
a check fails or monit acts on the service)."""

from __future__ import annotations

import re
import shlex
from typing import NamedTuple

SUPERVISOR_FILES = ("etc/supervisor/supervisord.conf", "etc/supervisord.conf")
SUPERVISOR_DIRS = ("etc/supervisor/conf.d", "etc/supervisord.d")
MONIT_FILES = ("etc/monit/monitrc", "etc/monitrc")
MONIT_DIRS = ("etc/monit/conf.d", "etc/monit/conf-enabled", "etc/monit.d")
_SECTION = re.compile(r"^\[(program|eventlistener):([^\]]+)\]\s*$")
_TICK = re.compile(r"\bTICK_(\d+)\b")
_TRUE = ("true", "yes", "on", "1")
_CHECK = re.compile(r"^\s*check\s+(\w+)\s+(\S+)(?:\s+with\s+path\s+(\"[^\"]*\"|\S+))?", re.I)
_EVERY = re.compile(r"^\s*(not\s+)?every\s+(\"[^\"]*\"|\d+\s+cycles?)", re.I)
_RUN = re.compile(r"(?:\b(start|stop|restart)\s+program\s*=\s*|\bthen\s+exec\s+)(\"[^\"]*\"|'[^']*')",
                  re.I)
_DAEMON = re.compile(r"^\s*set\s+daemon\s+(\d+)", re.I)


class Supervised(NamedTuple):
    """One command a supervisor runs: `when` is boot | manual | every:SECONDS | cron:EXPR |
    cycle | event:TEXT, `name` the program or check."""

    line: int
    name: str
    when: str
    command: str


def supervisord(text: str) -> list[Supervised]:
    out: list[Supervised] = []
    section: tuple[str, str, int] | None = None
    keys: dict[str, str] = {}

    def close() -> None:
        if section and keys.get("command"):
            kind, name, line = section
            if kind == "eventlistener":
                tick = _TICK.search(keys.get("events", ""))
                when = f"every:{tick.group(1)}" if tick else "event:" + keys.get("events", "")
            else:
                when = "boot" if keys.get("autostart", "true").lower() in _TRUE else "manual"
            out.append(Supervised(line, name, when, keys["command"]))

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line.startswith("["):
            close()
            m = _SECTION.match(line)
            section, keys = ((m.group(1), m.group(2), number) if m else None), {}
        elif section and "=" in line and not line.startswith((";", "#")):
            key, _, value = line.partition("=")
            keys[key.strip().lower()] = value.split(" ;", 1)[0].strip()
    close()
    return out


def monit(text: str) -> list[Supervised]:
    out: list[Supervised] = []
    check: tuple[str, str, str, int] | None = None      # kind, name, path, line
    every = "cycle"

    def close() -> None:
        if check and check[0].lower() == "program" and check[2]:
            out.append(Supervised(check[3], check[1], every, _unquote(check[2])))

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0]
        m = _CHECK.match(line)
        if m:
            close()
            check, every = (m.group(1), m.group(2), m.group(3) or "", number), "cycle"
            continue
        e = _EVERY.match(line)
        if e and check:
            spec = e.group(2)
            every = ("not-cron:" if e.group(1) else "cron:") + _unquote(spec) if spec.startswith('"') \
                else f"cycles:{spec.split()[0]}"
        for r in _RUN.finditer(line):
            if check:
                verb = (r.group(1) or "exec").lower()
                out.append(Supervised(number, check[1], f"event:{verb}", _unquote(r.group(2))))
    close()
    return out


def monit_cycle(text: str) -> int | None:
    """`set daemon N`: seconds between monit's cycles."""
    for line in text.splitlines():
        m = _DAEMON.match(line)
        if m:
            return int(m.group(1))
    return None


def _unquote(text: str) -> str:
    try:
        words = shlex.split(text)
    except ValueError:
        return text.strip("\"'")
    return " ".join(words) if len(words) != 1 else words[0]
