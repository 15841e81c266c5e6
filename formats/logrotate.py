"""logrotate configuration (logrotate(8)): blocks of log paths with their frequency and the
scripts (prerotate, postrotate, firstaction, lastaction, preremove) logrotate runs as root when
it rotates them, the global frequency, includes (and the names an included folder skips), and
the config files a `logrotate [options] CONFIG...` command line names."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

CONF = "etc/logrotate.conf"
SCRIPTS = ("prerotate", "postrotate", "firstaction", "lastaction", "preremove")
FREQUENCIES = ("hourly", "daily", "weekly", "monthly", "yearly")
# logrotate skips these names when it includes a folder (its default tabooext list).
TABOO = (".rpmorig", ".rpmsave", ",v", ".swp", ".rpmnew", "~", ".cfsaved", ".rhn-cfg-tmp-",
         ".dpkg-dist", ".dpkg-old", ".dpkg-new", ".disabled")


@dataclass(frozen=True)
class Script:
    kind: str            # prerotate | postrotate | firstaction | lastaction | preremove
    line: int            # line of the first script line
    text: str


@dataclass(frozen=True)
class Block:
    line: int
    paths: tuple[str, ...]
    frequency: str | None                 # None: the global default applies
    scripts: tuple[Script, ...] = ()


@dataclass
class Config:
    blocks: list[Block] = field(default_factory=list)
    frequency: str | None = None          # global default set in this file
    includes: list[str] = field(default_factory=list)


def parse(text: str) -> Config:
    """Blocks with their paths, frequency and scripts; global frequency and includes."""
    conf = Config()
    lines = text.splitlines()
    pending: list[str] = []
    block: dict | None = None
    i = 0
    while i < len(lines):
        raw = lines[i]
        i += 1
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        words = line.split()
        if block is not None and words[0] in SCRIPTS:
            start, body = i + 1, []
            while i < len(lines) and lines[i].strip() != "endscript":
                body.append(lines[i])
                i += 1
            i += 1
            block["scripts"].append(Script(words[0], start, "\n".join(body)))
            continue
        if block is not None:
            if line.startswith("}"):
                conf.blocks.append(Block(block["line"], tuple(block["paths"]), block["freq"],
                                         tuple(block["scripts"])))
                block = None
            elif words[0] in FREQUENCIES:
                block["freq"] = words[0]
            continue
        if "{" in line:
            head = line.split("{", 1)[0]
            block = {"line": i, "paths": pending + _paths(head), "freq": None, "scripts": []}
            pending = []
        elif words[0] in FREQUENCIES:
            conf.frequency = words[0]
        elif words[0] == "include" and len(words) > 1:
            conf.includes.append(words[1])
        elif words[0].startswith(("/", '"', "'")):
            pending += _paths(line)
    return conf


def _paths(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def included(name: str) -> bool:
    return not name.startswith(".") and not any(t in name for t in TABOO)

_WITH_VALUE = frozenset({"-s", "--state", "-l", "--log", "-m", "--mail"})
_END = frozenset({";", "&&", "||", "|", "&", ">", ">>", "2>", "2>&1"})


def run_configs(command: str) -> list[str]:
    """The config files a `logrotate [options] CONFIG...` command line rotates with."""
    words = _paths(command)
    out: list[str] = []
    for i, word in enumerate(words):
        if word.rsplit("/", 1)[-1] != "logrotate":
            continue
        j = i + 1
        while j < len(words) and words[j] not in _END:
            w = words[j]
            if w in _WITH_VALUE:
                j += 2
                continue
            if w.startswith("/"):
                out.append(w.rstrip(";&|"))
            if w.endswith((";", "&", "|")):
                break
            j += 1
    return out
