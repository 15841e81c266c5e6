"""Shell start-up files: what runs when someone logs in or starts a shell. /etc/profile runs for
every login shell and sources /etc/profile.d/*.sh; the system bashrc for every interactive bash;
a user's own files for that user; sshd runs ~/.ssh/rc (else /etc/ssh/sshrc) and pam_motd runs
/etc/update-motd.d at each SSH login; bash-completion sources /etc/bash_completion.d into every
interactive bash. A `PROMPT_COMMAND` set in any of them runs at every prompt: it is a job of its
own, its value the command. None of it has a clock time: it fires at the next login."""

from __future__ import annotations

import posixpath

from lineguard.collector.model import Job, JobState, LoginTrigger
from lineguard.collector.parse import runparts
from lineguard.collector.parse.hostcontext import HostContext, file_mode
from lineguard.formats.shells import prompt_commands
from lineguard.formats.wire import Artifact

_HOW = {
    "profile": "every login shell (sh, bash)", "bash.bashrc": "every interactive bash",
    "bashrc": "every interactive bash", "bash.bash_logout": "every bash login shell's logout",
    "zshenv": "every zsh", "zprofile": "every zsh login shell", "zshrc": "every interactive zsh",
    "zlogin": "every zsh login shell", "zlogout": "every zsh logout",
    "csh.login": "every csh login shell",
    ".profile": "login shell (sh, or bash without .bash_profile/.bash_login)",
    ".bash_profile": "bash login shell", ".bash_login": "bash login shell (without .bash_profile)",
    ".bashrc": "interactive bash", ".bash_logout": "bash logout", ".zshenv": "every zsh",
    ".zprofile": "zsh login shell", ".zshrc": "interactive zsh", ".zlogin": "zsh login shell",
    ".zlogout": "zsh logout", "sshrc": "every SSH login (sshd runs it unless ~/.ssh/rc exists)",
    "rc": "every SSH login of the user (sshd runs ~/.ssh/rc)",
}
_FOLDERS = {
    "etc/update-motd.d": "every SSH login (pam_motd runs /etc/update-motd.d with run-parts)",
    "etc/bash_completion.d": "every interactive bash (bash-completion sources "
                             "/etc/bash_completion.d)",
}


def jobs(ctx: HostContext) -> list[Job]:
    homes = home_users(ctx)
    out: list[Job] = []
    for art in ctx.of_kind("login-file"):
        if art.content is None:
            continue
        folder, name = posixpath.split(art.name)
        state: JobState
        state, why = "active", None
        if folder == "etc/profile.d":
            who, how = "any user", "every login shell (sourced by /etc/profile)"
            if not name.endswith(".sh"):
                state, why = "inert", "/etc/profile sources only *.sh files from /etc/profile.d"
        elif folder in _FOLDERS:
            who, how = "any user", _FOLDERS[folder]
            mode = file_mode(art, "0755")
            if folder == "etc/update-motd.d" and mode is not None and not mode & 0o111:
                state, why = "inert", f"not executable (mode {mode:04o}): run-parts skips it"
            elif folder == "etc/update-motd.d" and not runparts.NAME.match(name):
                state, why = "inert", f"run-parts skips the name {name!r}"
        elif folder.startswith("etc"):
            who, how = "any user", _HOW.get(name, "shell start-up")
        else:
            home = folder[: -len("/.ssh")] if folder.endswith("/.ssh") else folder
            who = homes.get(home) or ctx.owner_of(art) or home.rsplit("/", 1)[-1]
            how = _HOW.get(name, "shell start-up")
        command = "/" + art.name
        owner = who if who != "any user" else None
        out.append(ctx.job(source="login", origin_path=art.name, origin_line=None,
                           owner=owner, schedule=f"{how} ({who})", command=command,
                           files=(art.name, *[f for f in ctx.files_for(command)
                                              if f != art.name]),
                           trigger=LoginTrigger(who, how), state=state, problem=why))
        if state == "active":
            out += _prompt_commands(ctx, art, who, owner)
    return out


def _prompt_commands(ctx: HostContext, art: Artifact, who: str, owner: str | None) -> list[Job]:
    """Each `PROMPT_COMMAND=` of a start-up file: bash runs its value before every prompt."""
    how = "every prompt of an interactive bash (PROMPT_COMMAND)"
    return [ctx.job(source="login", origin_path=art.name, origin_line=number, owner=owner,
                    schedule=f"{how} ({who})", command=command, trigger=LoginTrigger(who, how))
            for number, command in prompt_commands(art.text() or "")]


def home_users(ctx: HostContext) -> dict[str, str]:
    """home folder (artifact name) -> user, from the root's /etc/passwd."""
    passwd = ctx.artifacts.get("etc/passwd")
    out: dict[str, str] = {"root": "root"}
    for line in ((passwd.text() if passwd else None) or "").splitlines():
        fields = line.split(":")
        if len(fields) >= 6 and fields[5].startswith("/"):
            out.setdefault(fields[5].strip("/"), fields[0])
    return out
