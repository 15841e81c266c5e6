"""incron tables (incrontab(5)): one `PATH MASK COMMAND` entry a line, run when the kernel
reports one of the MASK's events on PATH. The system tables (one file each in /etc/incron.d)
run as root, a user's table (/var/spool/incron/USER) as that user; /etc/incron.conf may move
both folders (`system_table_dir`, `user_table_dir`). Shared by the agent (what to capture) and
the collector (the jobs they define)."""

from __future__ import annotations

CONF = "etc/incron.conf"
SYSTEM_DIR = "etc/incron.d"
USER_DIR = "var/spool/incron"


def table_dirs(conf_text: str | None) -> tuple[str, str]:
    """The (system, user) table folders, relative to the root, as incron.conf sets them."""
    found = {"system_table_dir": SYSTEM_DIR, "user_table_dir": USER_DIR}
    for line in (conf_text or "").splitlines():
        key, eq, value = line.partition("=")
        if eq and not line.lstrip().startswith("#") and key.strip() in found and value.strip():
            found[key.strip()] = value.strip().strip("/")
    return found["system_table_dir"], found["user_table_dir"]


def entries(text: str) -> list[tuple[int, str, str, str]]:
    """(line number, watched path, event mask, command) of each entry of a table."""
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split(None, 2)
        if len(fields) == 3:
            out.append((number, fields[0], fields[1], fields[2].strip()))
    return out
