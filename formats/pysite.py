"""Python's site hooks (the `site` module, run at every interpreter start): in a site-packages
folder, a `.pth` file's lines that start with `import` are executed, and `sitecustomize` /
`usercustomize` modules are imported. Whatever they run, runs inside every Python program."""

from __future__ import annotations

import ast
import re
import shlex

# folders under which Python 3's site folders live (pythonX.Y/{site,dist}-packages; Debian's
# /usr/lib/python3/dist-packages; /etc/pythonX.Y holds Debian's sitecustomize.py)
SITE_PARENTS = ("usr/lib", "usr/local/lib", "usr/lib64", "usr/local/lib64", "etc")
HOOK_MODULES = ("sitecustomize.py", "usercustomize.py")
_IMPORT = re.compile(r"^import[ \t]")
# a virtualenv's interpreter: VENV/bin/python, python3, python3.11 (root-relative VENV)
_VENV_PYTHON = re.compile(r"(?<![^\s'\"=;&|(])/((?:[\w.+-]+/)+?)bin/python[0-9.]*(?![\w/])")


def is_site_hook(name: str) -> bool:
    return name.endswith(".pth") or name in HOOK_MODULES


def pth_statements(text: str) -> list[tuple[int, str]]:
    """(line, code) of the lines site executes: those starting with `import ` or `import\\t`."""
    return [(n, line.rstrip()) for n, line in enumerate(text.splitlines(), 1)
            if _IMPORT.match(line)]


def as_command(code: str) -> str:
    """The statement as the command line that runs the same code."""
    return f"python3 -c {shlex.quote(code)}"


def string_commands(code: str) -> list[str]:
    """The string constants of the code (adjacent `+` parts joined): a .pth line that runs
    `os.system('/usr/bin/python3 /opt/x.py')` names the program there, for following."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append(node.value)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            parts = [n.value for n in (node.left, node.right)
                     if isinstance(n, ast.Constant) and isinstance(n.value, str)]
            if len(parts) == 2:
                out.append(parts[0] + parts[1])
    return out


def venv_roots(text: str) -> list[str]:
    """The folders (root-relative) of the virtualenvs whose python the text runs by path."""
    return [m.group(1).rstrip("/") for m in _VENV_PYTHON.finditer(text)
            if m.group(1) not in ("usr/", "usr/local/", "")]
