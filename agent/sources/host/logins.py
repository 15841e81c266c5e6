"""Evidence of who was on the host and what they typed, for the provenance of every job: the
login records (wtmp, btmp: utmp structs), the auth log (Debian auth.log, RHEL secure) and each
user's shell history. Logs are kept as their newest part (the tail), whole records only."""

from __future__ import annotations

from agent.sources.host.login import homes
from agent.sources.host.rootfs import RootFS, capture_tail
from agent.wire import Artifact

UTMP_RECORD = 384                 # sizeof(struct utmp) on Linux (x86_64, aarch64)
LOGIN_RECORDS = ("var/log/wtmp", "var/log/wtmp.1", "var/log/btmp", "var/log/btmp.1")
AUTH_LOGS = ("var/log/auth.log", "var/log/auth.log.1", "var/log/secure", "var/log/secure.1")
HISTORY_FILES = (".bash_history", ".zsh_history", ".history", ".sh_history", ".ash_history")
MAX_LOG_BYTES = 4 << 20           # 4 MiB per log: ~11,000 logins, weeks of a busy auth log


def gather(fs: RootFS) -> tuple[list[Artifact], list[str]]:
    arts = [capture_tail(fs, p, "login-records", MAX_LOG_BYTES, UTMP_RECORD)
            for p in LOGIN_RECORDS if fs.exists(p)]
    arts += [capture_tail(fs, p, "auth-log", MAX_LOG_BYTES) for p in AUTH_LOGS if fs.exists(p)]
    arts += [capture_tail(fs, f"{home}/{n}", "shell-history", MAX_LOG_BYTES)
             for _, home in homes(fs) for n in HISTORY_FILES if fs.exists(f"{home}/{n}")]
    return arts, []      # evidence only: nothing here runs
