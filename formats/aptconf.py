"""apt.conf (apt.conf(5)): options in nested scopes, lists, comments, and the hook options
whose values apt runs as shell commands around package operations (DPkg::Pre-Invoke,
DPkg::Post-Invoke, DPkg::Pre-Install-Pkgs) and `apt-get update` (APT::Update::Pre-Invoke,
APT::Update::Post-Invoke[-Success])."""

from __future__ import annotations

import re

HOOKS = ("dpkg::pre-invoke", "dpkg::post-invoke", "dpkg::pre-install-pkgs",
         "dpkg::post-invoke-success", "apt::update::pre-invoke", "apt::update::post-invoke",
         "apt::update::post-invoke-success", "apt::update::post-invoke-stats")
_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\{|\}|;)|([^\s{};"]+)|(\s+)', re.S)


def strip_comments(text: str) -> str:
    """apt.conf comments: `//` and `#` to the end of a line and `/* */`, outside quotes."""
    out, i, quote = [], 0, False
    while i < len(text):
        ch = text[i]
        if quote:
            out.append(ch)
            if ch == "\\" and i + 1 < len(text):
                out.append(text[i + 1])
                i += 1
            elif ch == '"':
                quote = False
        elif ch == '"':
            quote = True
            out.append(ch)
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            skipped = text[i:] if end < 0 else text[i:end + 2]
            out.append("\n" * skipped.count("\n"))
            i += len(skipped)
            continue
        elif text.startswith("//", i) or ch == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def values(text: str) -> list[tuple[str, int, str]]:
    """(full option name, line, value) of every value in an apt.conf text; list items of
    `Name { "a"; "b"; };` get the name of their list."""
    out: list[tuple[str, int, str]] = []
    scope: list[str] = []
    name: list[str] = []
    line = 1
    for m in _TOKEN.finditer(strip_comments(text)):
        quoted, punct, word, space = m.groups()
        if space is not None:
            line += space.count("\n")
            continue
        if word is not None:
            name.append(word)
        elif quoted is not None:
            if name and name[0].lower() == "#clear":
                name = []
                continue
            full = "::".join(scope + ["".join(name)]).strip(":").replace("::::", "::")
            out.append((full, line, quoted.replace('\\"', '"')))
            line += quoted.count("\n")
            name = []
        elif punct == "{":
            scope.append("".join(name))
            name = []
        elif punct == "}":
            if scope:
                scope.pop()
            name = []
        else:
            name = []
    return out


def hooks(text: str) -> list[tuple[str, int, str]]:
    """(hook option, line, command) of the hook commands in an apt.conf text."""
    return [(opt, line, cmd) for opt, line, cmd in values(text)
            if opt.lower().rstrip(":") in HOOKS and cmd.strip()]
