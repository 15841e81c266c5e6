"""PAM: `pam_exec.so` lines in /etc/pam.d run a program at every login, su, sudo or session of
the services that include them."""

from __future__ import annotations

from lineguard.agent.sources.host.rootfs import RootFS, capture_paths
from lineguard.formats.pam import PAM_CONF, exec_lines
from lineguard.formats.wire import Artifact

PAM_DIRS = ("etc/pam.d", "usr/lib/pam.d")
WATCH = (*PAM_DIRS, PAM_CONF)


def gather(fs: RootFS) -> tuple[list[Artifact], list[str]]:
    arts = capture_paths(fs, (PAM_CONF, *PAM_DIRS), "pam")
    commands = [cmd for a in arts
                for *_, cmd in exec_lines(a.text() or "", a.name == PAM_CONF)]
    return arts, commands
