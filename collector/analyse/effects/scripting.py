"""Programs in languages lineguard does not parse (Ruby, Node, PHP, Lua one-liners): what they
hand to a shell and which files they delete, read from the literal strings given to the calls
that do it. The program is still reported as unparsed; these effects are what can be known."""

from __future__ import annotations

import re

from lineguard.collector.analyse.effects import commands
from lineguard.collector.analyse.effects.resolve import Job, Place

_STRING = r"""(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')"""
# Calls that run a command line through a shell.
_RUNS = re.compile(r"(?:\b(?:system|exec|execSync|spawnSync|shell_exec|passthru|popen|proc_open|"
                   r"os\.execute|io\.popen|Open3\.\w+|IO\.popen|Kernel\.system)\s*\(?\s*" + _STRING
                   + r"|`([^`]+)`|%x\{([^}]*)\})")
# Calls that delete a file or a tree.
_DELETES = re.compile(r"\b(FileUtils\.rm_rf|FileUtils\.rm_r|FileUtils\.remove_dir|FileUtils\.rm|"
                      r"File\.delete|File\.unlink|Dir\.rmdir|rmSync|rmdirSync|unlinkSync|"
                      r"fs\.rm|fs\.unlink|unlink|rmdir|os\.remove)\s*\(\s*"
                      + _STRING)
_TREE = re.compile(r"rmSync|rmdir|fs\.rm$")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def read_foreign(language: str, text: str, job: Job, place: Place, line: int, ev: str,
                 shell_reader) -> None:  # noqa: ANN001  (the shell walker's nested())
    """Effects of a program in `language` that lineguard cannot parse."""
    for m in _RUNS.finditer(text):
        cmd = next(g for g in m.groups() if g is not None)
        shell_reader("shell", _unescape(cmd), place, line, ev, f"handed to a shell by {language}")
    for m in _DELETES.finditer(text):
        path = _unescape(m.group(2) if m.group(2) is not None else m.group(3))
        how = "delete-tree" if (_TREE.search(m.group(1)) and "recursive" in text) or \
            "rm_r" in m.group(1) or "remove_dir" in m.group(1) else "delete"
        commands._destroy(job, place, line, ev, path, how)
