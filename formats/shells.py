"""Which programs are shells, which run a script written in another language, and which are
multi-call binaries: the one list the agent (which captured files it follows as shell text)
and the collector (which texts it reads as shell, which sleeping parents chain commands) share.

A multi-call binary is not itself a shell: `busybox sh -c TEXT` runs sh, `busybox rm F` runs
rm; its first argument names the program."""

from __future__ import annotations

import posixpath
import re
import shlex

SHELLS = frozenset({"sh", "bash", "dash", "ksh", "zsh", "ash", "mksh", "rbash", "yash", "posh",
                    "ksh93", "pdksh", "lksh"})
MULTI_CALL = frozenset({"busybox", "toybox"})
# Other languages' interpreters that run their first non-option argument as a script
# (`python3 /opt/x.py`); versioned names (python3.11, perl5.36) are the same interpreter.
_SCRIPT_INTERPRETERS = re.compile(
    r"(?:python[0-9.]*|perl[0-9.]*|ruby[0-9.]*|php[0-9.]*|node|nodejs|tclsh[0-9.]*|lua[0-9.]*"
    r"|expect)")
# `env` options that take a value, so the value is not taken for the program.
_ENV_OPTS_WITH_VALUE = frozenset({"-u", "--unset", "-C", "--chdir"})


# a binary's own first bytes: ELF, a.out, Mach-O, compiled Python, a Java class
_BINARY_MAGIC = (b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa", b"\xca\xfe\xba\xbe")


def is_binary(head: bytes) -> bool:
    """Whether a file's first bytes are a compiled program or data, not a text that a shell or
    an interpreter reads. A NUL byte alone does not make a text binary: dash (cron's /bin/sh)
    skips NUL bytes and runs the script, so one NUL in a comment must not turn a script into
    "a compiled program" nobody can read (a medium finding in place of the deletion)."""
    if b"\x00" not in head:
        return False
    if head.startswith(_BINARY_MAGIC):
        return True
    if head.startswith(b"#!"):
        return False
    try:
        text = head.replace(b"\x00", b"").decode("utf-8")
    except UnicodeDecodeError as e:
        if e.start < len(head) - 4:
            return True
        text = head[:e.start].replace(b"\x00", b"").decode("utf-8", "replace")
    readable = sum(ch.isprintable() or ch in "\n\t\r" for ch in text)
    return head.count(b"\x00") * 20 > len(head) or not text or readable * 20 < len(text) * 19


def script_text(text: str) -> str | None:
    """A captured file's text as a shell reads it (NUL bytes skipped), or None when it is a
    binary's."""
    if "\x00" not in text:
        return text
    head = text[:8192].encode("utf-8", "surrogateescape")
    return None if is_binary(head) else text.replace("\x00", "")


def is_shell(program: str) -> bool:
    """Whether a program name or path (`/bin/bash`, `dash`) is a shell."""
    return posixpath.basename(program) in SHELLS


def is_interpreter(program: str) -> bool:
    """Whether the program runs a script argument: a shell or another language's interpreter."""
    name = posixpath.basename(program)
    return name in SHELLS or bool(_SCRIPT_INTERPRETERS.fullmatch(name))


def command_argv(argv: list[str] | tuple[str, ...]) -> list[str]:
    """The argv of the program that really runs: `env [-i] [VAR=v]… PROG` and a multi-call
    binary's `busybox PROG` stripped, so argv[0] is PROG."""
    out = list(argv)
    while out:
        name = posixpath.basename(out[0])
        if name in MULTI_CALL and len(out) > 1:
            out = out[1:]
        elif name == "env" and len(out) > 1:
            i = 1
            while i < len(out) and (out[i].startswith("-") or is_assignment(out[i])):
                i += 2 if out[i] in _ENV_OPTS_WITH_VALUE else 1
            if i >= len(out):
                return out
            out = out[i:]
        else:
            return out
    return out


def shell_argv(argv: list[str] | tuple[str, ...]) -> list[str] | None:
    """`command_argv(argv)` when the program that runs is a shell, else None."""
    real = command_argv(argv)
    return real if real and is_shell(real[0]) else None


def interpreter_line(text: str) -> list[str] | None:
    """The words of a script's `#!` line, or None when it has none."""
    if not text.startswith("#!"):
        return None
    return text[2:].split("\n", 1)[0].split()


def is_shell_text(text: str) -> bool:
    """Whether a script runs as shell: without a `#!` line (or with an empty one) the kernel
    refuses it and the shell that called it runs it as sh; otherwise when its interpreter
    (through `env` and a multi-call binary) is a shell."""
    words = interpreter_line(text)
    if not words:
        return True
    return shell_argv(words) is not None


def is_assignment(word: str) -> bool:
    """Whether a shell word is a variable assignment (`PATH=/bin`) rather than a command."""
    name, eq, _ = word.partition("=")
    return bool(eq) and name.isidentifier()


_PROMPT = re.compile(r"^\s*(?:export\s+|declare\s+(?:-\w+\s+)?)?PROMPT_COMMAND\+?=(.+)$")


def prompt_commands(text: str) -> list[tuple[int, str]]:
    """(line, command) of each `PROMPT_COMMAND=` in a shell start-up file: bash runs the value
    before every prompt of an interactive shell, so it is a command, not a string."""
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        m = _PROMPT.match(line)
        if not m:
            continue
        try:
            words = shlex.split(m.group(1), comments=True)
        except ValueError:
            words = [m.group(1)]
        if command := " ".join(words).strip():
            out.append((number, command))
    return out
