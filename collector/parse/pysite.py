"""Python site hooks: each `import` line of a `.pth` file, and each sitecustomize/usercustomize
module, runs inside every Python 3 program that starts on the host (for a user's
~/.local site folder: that user's). A hook job fires with any Python job; none has a clock of
its own."""

from __future__ import annotations

import posixpath

from lineguard.collector.model import HookTrigger, Job
from lineguard.collector.parse.hostcontext import HostContext
from lineguard.formats.pysite import as_command, pth_statements, string_commands


def jobs(ctx: HostContext) -> list[Job]:
    out = []
    for art in ctx.of_kind("python-site"):
        if art.content is None:
            continue
        owner = art.name.split("/")[1] if art.name.startswith("home/") else None
        who = f"every Python 3 program {owner} runs" if owner else "every Python 3 program"
        folder = posixpath.dirname(art.name)
        if art.name.endswith(".pth"):
            for line, code in pth_statements(art.text() or ""):
                out.append(ctx.job(source="python-site", origin_path=art.name, origin_line=line,
                                   owner=owner or "root", schedule=f".pth import in /{folder}",
                                   command=as_command(code),
                                   files=tuple(dict.fromkeys(
                                       [art.name, *(f for c in [as_command(code),
                                                                *string_commands(code)]
                                                    for f in ctx.files_for(c))])),
                                   trigger=HookTrigger(who, "python's site module runs the .pth "
                                                            "import lines at start-up")))
        else:
            command = "python3 /" + art.name
            out.append(ctx.job(source="python-site", origin_path=art.name, origin_line=None,
                               owner=owner or "root", schedule=f"{posixpath.basename(art.name)}",
                               command=command,
                               files=(art.name, *[f for f in ctx.files_for(command)
                                                  if f != art.name]),
                               trigger=HookTrigger(who, "python's site module imports it at "
                                                        "start-up")))
    return out
