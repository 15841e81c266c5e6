"""PAM configuration (pam.conf(5)): /etc/pam.conf (with a service column) and the files of
/etc/pam.d; a `pam_exec.so` line runs a program at every login, su, sudo or session of the
services that use it. The agent follows those programs; the collector lists them as login jobs."""

from __future__ import annotations

PAM_CONF = "etc/pam.conf"
TYPES = frozenset({"auth", "account", "password", "session", "-auth", "-account", "-password",
                   "-session"})


def exec_lines(text: str, with_service: bool = False) -> list[tuple[int, str, str, str]]:
    """(line, service, type, program with its arguments) for each pam_exec.so line; the options
    of pam_exec itself (expose_authtok, quiet, log=...) are left out of the command."""
    out = []
    for number, raw in enumerate(text.splitlines(), 1):
        words = raw.split("#", 1)[0].split()
        service = ""
        if with_service and words:
            service, words = words[0], words[1:]
        if len(words) < 3 or words[0] not in TYPES:
            continue
        rest = words[2:] if not words[1].startswith("[") else _after_bracket(words[1:])
        if not rest or not rest[0].endswith("pam_exec.so"):
            continue
        args = rest[1:]
        while args and not args[0].startswith("/"):
            args = args[1:]
        if args:
            out.append((number, service, words[0].lstrip("-"), " ".join(args)))
    return out


def options(text: str, line: int) -> list[str]:
    """pam_exec's own options on a line (expose_authtok, seteuid, log=...)."""
    words = text.splitlines()[line - 1].split("#", 1)[0].split()
    i = next((k for k, w in enumerate(words) if w.endswith("pam_exec.so")), len(words))
    opts = []
    for w in words[i + 1:]:
        if w.startswith("/"):
            break
        opts.append(w)
    return opts


def _after_bracket(words: list[str]) -> list[str]:
    for i, w in enumerate(words):
        if w.endswith("]"):
            return words[i + 1:]
    return []
