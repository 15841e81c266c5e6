"""Evidence of who was on the host and what they typed, for the provenance of every job: the
login records (wtmp, btmp: utmp structs), the auth log (Debian auth.log, RHEL secure), the
systemd journal's login and sudo entries (read with journalctl from the root's journal files)
and each user's shell history. Logs are kept as their newest part (the tail), whole records
only."""

from __future__ import annotations

import shutil
import subprocess

from lineguard.agent.sources.host.login import homes
from lineguard.agent.sources.host.rootfs import RootFS, RootPathError, capture_tail
from lineguard.formats.wire import Artifact

UTMP_RECORD = 384                 # sizeof(struct utmp) on Linux (x86_64, aarch64)
LOGIN_RECORDS = ("var/log/wtmp", "var/log/wtmp.1", "var/log/btmp", "var/log/btmp.1")
AUTH_LOGS = ("var/log/auth.log", "var/log/auth.log.1", "var/log/secure", "var/log/secure.1")
HISTORY_FILES = (".bash_history", ".zsh_history", ".history", ".sh_history", ".ash_history")
MAX_LOG_BYTES = 4 << 20           # 4 MiB per log: ~11,000 logins, weeks of a busy auth log
JOURNAL = "var/log/journal"
JOURNAL_MATCHES = ("_COMM=sshd", "+", "_COMM=sudo", "+", "_COMM=su", "+", "_COMM=login")
JOURNAL_ENTRIES = 20_000          # the newest entries kept
# Logs change at every login: they are read with each snapshot, not a reason to take one.
WATCH: tuple[str, ...] = ()


def gather(fs: RootFS) -> tuple[list[Artifact], list[str]]:
    arts = [capture_tail(fs, p, "login-records", MAX_LOG_BYTES, UTMP_RECORD)
            for p in LOGIN_RECORDS if fs.exists(p)]
    arts += [capture_tail(fs, p, "auth-log", MAX_LOG_BYTES) for p in AUTH_LOGS if fs.exists(p)]
    arts += [capture_tail(fs, f"{home}/{n}", "shell-history", MAX_LOG_BYTES)
             for _, home in homes(fs) for n in HISTORY_FILES if fs.exists(f"{home}/{n}")]
    if fs.is_dir(JOURNAL):
        arts.append(journal(fs))
    return arts, []      # evidence only: nothing here runs


def journal_files(fs: RootFS) -> list[str]:
    """The journal files under /var/log/journal (and its machine-id folders), resolved inside
    the root."""
    out = []
    for entry in fs.entries(JOURNAL):
        path = f"{JOURNAL}/{entry}"
        names = [f"{path}/{n}" for n in fs.entries(path)] if fs.is_dir(path) else [path]
        for name in names:
            if name.endswith((".journal", ".journal~")):
                try:
                    out.append(fs.resolve(name))
                except RootPathError:
                    continue
    return out


def journal(fs: RootFS) -> Artifact:
    """The login and sudo entries of the root's journal as journalctl's JSON lines. Without
    journalctl the journal stays unread and says so; the collector lists it as unknown."""
    meta: dict = {"path": "/" + JOURNAL}
    files = journal_files(fs)
    tool = shutil.which("journalctl")
    if tool is None or not files:
        meta["unread"] = "no journalctl on the agent's host" if files else "no journal files"
        return Artifact(name=JOURNAL, kind="journal", meta=meta, state="unread")
    command = [tool, "--no-pager", "--output=json", "--output-fields=MESSAGE,_COMM,_PID",
               f"--lines={JOURNAL_ENTRIES}", *[f"--file={fs.host(f)}" for f in files],
               *JOURNAL_MATCHES]
    meta["files"] = ["/" + f for f in files]
    try:
        done = subprocess.run(command, capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as e:
        return Artifact(name=JOURNAL, kind="journal", meta=meta, state="unreadable", error=f"journalctl: {e}")
    if done.returncode != 0 and not done.stdout:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["failed"]
        return Artifact(name=JOURNAL, kind="journal", meta=meta, state="unreadable", error=f"journalctl: {why[0]}")
    return Artifact.from_bytes(JOURNAL, "journal", done.stdout, meta)
