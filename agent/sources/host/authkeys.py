"""SSH logins that run a command: `command="..."` on a key in authorized_keys (in each home and
wherever sshd_config's AuthorizedKeysFile points), and sshd_config's ForceCommand (globally or
in a Match block), which replaces the shell of every login it applies to."""

from __future__ import annotations

from lineguard.agent.sources.host.login import accounts, homes
from lineguard.agent.sources.host.rootfs import RootFS, capture_paths
from lineguard.formats.ssh import key_options, sshd_settings
from lineguard.formats.wire import Artifact

FILES = (".ssh/authorized_keys", ".ssh/authorized_keys2")
SSHD_CONFIG = "etc/ssh/sshd_config"
SSHD_CONFIG_DIR = "etc/ssh/sshd_config.d"
WATCH = (*(f"~/{f}" for f in FILES), SSHD_CONFIG, SSHD_CONFIG_DIR)


def key_files(fs: RootFS, configs: list[Artifact]) -> dict[str, str]:
    """Every authorized_keys file sshd reads: the usual two in each home, and those
    AuthorizedKeysFile names (%h the home, %u the user, %% a percent sign), each with the user
    whose logins it admits."""
    patterns = [v for a in configs for _n, k, v, _m in sshd_settings(a.text() or "")
                if k == "authorizedkeysfile"]
    names = [p for v in patterns for p in v.split() if p.lower() != "none"]
    out: dict[str, str] = {}
    for user, home in dict.fromkeys(accounts(fs) + homes(fs)):
        for pattern in names or list(FILES):
            path = pattern.replace("%%", "\0").replace("%h", "/" + home).replace("%u", user)
            path = path.replace("\0", "%")
            out.setdefault(fs.name(path if path.startswith("/") else f"/{home}/{path}"), user)
        for f in FILES:
            out.setdefault(f"{home}/{f}", user)
    return out


def gather(fs: RootFS) -> tuple[list[Artifact], list[str]]:
    configs = capture_paths(fs, (SSHD_CONFIG, SSHD_CONFIG_DIR), "sshd-config",
                            lambda n: n.endswith(".conf"))
    arts = []
    for path, user in key_files(fs, configs).items():
        if fs.exists(path):
            art = fs.capture(path, "authorized-keys")
            art.meta["user"] = user
            arts.append(art)
    commands = [opts["command"] for a in arts for line in (a.text() or "").splitlines()
                if (opts := key_options(line)[0]).get("command")]
    commands += [v for a in configs for _n, k, v, _m in sshd_settings(a.text() or "")
                 if k == "forcecommand" and v.lower() != "none"]
    return configs + arts, commands
