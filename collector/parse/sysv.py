"""SysV boot scripts: /etc/rc.local (run at boot when executable, by systemd's rc-local
generator or by init) and /etc/init.d scripts with their runlevel links: an `S` link in a
multi-user runlevel starts the script at boot, `K` links only stop it. On a systemd host a
native unit of the same name wins over the script."""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache

import tree_sitter_bash
from tree_sitter import Language, Parser

from lineguard.collector.analyse.effects.bounds import TooCostly, parse_within
from lineguard.collector.model import BootTrigger, EventTrigger, Job, JobState, Trigger
from lineguard.collector.parse.hostcontext import HostContext, file_mode
from lineguard.formats.shells import is_shell_text

BOOT_RUNLEVELS = "2345S"

_LINK = re.compile(r"^([SK])(\d\d)(.+)$")


# top-level statements of rc.local that only set up what follows (read as its environment)
_CONTEXT = frozenset({"comment", "variable_assignment", "declaration_command", ";", "&", "&&",
                      "||", "\n"})
_NOT_WORK = re.compile(r"^\s*(?:exit|set|true|:|umask)\b")


@lru_cache(maxsize=1)
def _bash() -> Parser:
    return Parser(Language(tree_sitter_bash.language()))


def rc_local_statements(text: str) -> list[tuple[int, str]]:
    """(first line, text) of each top-level statement of rc.local that runs something: each is
    started in turn at boot, and a `( … ) &` group runs on by itself, so each is its own job.
    Statements on one line stay together. Empty when the file defines functions (a statement
    may call them: the file is then judged whole), and when it is too costly to parse."""
    src = text.encode()
    rows: list[list[int]] = []
    try:
        tree = parse_within(_bash(), src)
    except TooCostly:
        return []            # judged whole, where the reader says why it could not be read
    for node in tree.root_node.children:
        if node.type == "function_definition":
            return []
        if node.type in _CONTEXT or _NOT_WORK.match(src[node.start_byte:node.end_byte].decode(
                "utf-8", "replace")):
            continue
        first, last = node.start_point[0], node.end_point[0]
        if rows and first <= rows[-1][1]:
            rows[-1][1] = max(rows[-1][1], last)
        else:
            rows.append([first, last])
    lines = text.split("\n")
    return [(a + 1, "\n".join(lines[a:b + 1])) for a, b in rows]


def jobs(ctx: HostContext) -> list[Job]:
    out: list[Job] = []
    for art in ctx.of_kind("rc-local"):
        if art.content is not None:
            mode = file_mode(art, "0755")
            why = None if mode is None or mode & 0o100 else \
                f"not executable (mode {mode:04o}): not run at boot"
            text = art.content
            parts: list[tuple[int | None, str]] = [
                *(rc_local_statements(text) if is_shell_text(text) else [])]
            for line, command in parts or [(None, "/" + art.name)]:
                out.append(ctx.job(source="sysv", origin_path=art.name, origin_line=line,
                                   owner=ctx.owner_of(art) or "root", schedule="rc.local",
                                   command=command, trigger=BootTrigger("at boot (rc.local)"),
                                   state="inert" if why else "active", problem=why))
    links: dict[str, list[tuple[str, str, str]]] = {}
    for art in ctx.of_kind("rc-link"):
        folder, base = posixpath.split(art.name)
        m = _LINK.match(base)
        level = posixpath.basename(folder)[2:3]
        target = str(art.meta.get("target") or art.meta.get("link") or "")
        script = posixpath.basename(target) if target else m.group(3) if m else base
        if m:
            links.setdefault(script, []).append((m.group(1), level, art.name))
    units = {a.name.rsplit("/", 1)[-1] for a in ctx.of_kind("unit", "systemd-unit")}
    for art in ctx.of_kind("init-script"):
        if art.content is None:
            continue
        name = art.name.rsplit("/", 1)[-1]
        mine = links.get(name, [])
        starts = sorted({lvl for sk, lvl, _ in mine if sk == "S" and lvl in BOOT_RUNLEVELS})
        stops = sorted({lvl for sk, lvl, _ in mine if sk == "K" or lvl in "06"})
        origin = next((ln for sk, lvl, ln in mine if sk == "S"), art.name)
        state: JobState
        state, why = "active", None
        mode = file_mode(art, "0755")
        trigger: Trigger
        if starts:
            trigger = BootTrigger(f"at boot (runlevels {''.join(starts)})")
            schedule = f"S links in runlevels {''.join(starts)}"
            command = f"/{art.name} start"
        else:
            trigger = EventTrigger(f"when {name} is stopped (runlevels {''.join(stops)})"
                                   if stops else f"when an administrator runs {name}", rare=True)
            schedule = f"K links in runlevels {''.join(stops)}" if stops else "no runlevel links"
            command = f"/{art.name} stop" if stops else f"/{art.name}"
            if not stops:
                state, why = "disabled", "no runlevel links: runs only when called by hand"
        if f"{name}.service" in units:
            state, why = "inert", f"a native unit {name}.service takes precedence under systemd"
        elif mode is not None and not mode & 0o100:
            state, why = "inert", f"not executable (mode {mode:04o})"
        out.append(ctx.job(source="sysv", origin_path=origin if starts else art.name,
                           origin_line=None, owner=ctx.owner_of(art) or "root",
                           schedule=schedule, command=command, trigger=trigger,
                           files=(art.name, *[f for f in ctx.files_for("/" + art.name)
                                              if f != art.name]),
                           state=state, problem=why))
    return out
