"""Login and shell start-up files: /etc/profile, /etc/profile.d, the system bashrc and zsh
files, and each user's .profile, .bash_profile, .bash_login, .bashrc, .bash_logout and zsh
files; what sshd runs at each login (/etc/ssh/sshrc, ~/.ssh/rc) and pam_motd's
/etc/update-motd.d; the completion files bash-completion sources into every interactive bash.
Whatever they run, runs when someone logs in or starts a shell."""

from __future__ import annotations

from lineguard.agent.sources.host.rootfs import RootFS, capture_paths
from lineguard.formats.placements import (
    LOGIN_DIRS,
    LOGIN_SYSTEM_FILES,
    LOGIN_USER_FILES,
)
from lineguard.formats.shells import prompt_commands
from lineguard.formats.wire import Artifact

SYSTEM_FILES = LOGIN_SYSTEM_FILES
USER_FILES = LOGIN_USER_FILES
WATCH = (*SYSTEM_FILES, *LOGIN_DIRS, *(f"~/{n}" for n in USER_FILES))


def accounts(fs: RootFS) -> list[tuple[str, str]]:
    """(user, home under the root) of every passwd account, whether the home exists or not."""
    out = []
    for line in (fs.read_text("etc/passwd") or "").splitlines():
        fields = line.split(":")
        if len(fields) >= 6 and fields[5].startswith("/"):
            out.append((fields[0], fs.name(fields[5])))
    return out


def homes(fs: RootFS) -> list[tuple[str, str]]:
    """(user, home folder under the root) of every passwd account whose home exists, plus root
    and every folder in /home (a home can outlive its account)."""
    out: dict[str, str] = {}
    for line in (fs.read_text("etc/passwd") or "").splitlines():
        fields = line.split(":")
        if len(fields) >= 6 and fields[5].startswith("/") and fields[5] != "/":
            home = fs.name(fields[5])
            if home not in out.values() and fs.is_dir(home):
                out.setdefault(fields[0], home)
    for name in fs.entries("home"):
        if f"home/{name}" not in out.values() and fs.is_dir(f"home/{name}"):
            out.setdefault(name, f"home/{name}")
    if "root" not in out and fs.is_dir("root"):
        out["root"] = "root"
    return sorted(out.items())


def gather(fs: RootFS) -> tuple[list[Artifact], list[str]]:
    arts = capture_paths(fs, (*SYSTEM_FILES, *LOGIN_DIRS), "login-file")
    for _user, home in homes(fs):
        arts += [fs.capture(f"{home}/{n}", "login-file") for n in USER_FILES
                 if fs.exists(f"{home}/{n}")]
    texts = [t for a in arts if (t := a.text())]
    return arts, texts + [c for t in texts for _n, c in prompt_commands(t)]
