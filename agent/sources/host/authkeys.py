"""SSH logins that run a command: `command="..."` on a key in authorized_keys (in each home and
wherever sshd_config's AuthorizedKeysFile points), and sshd_config's ForceCommand (globally or
in a Match block), which replaces the shell of every login it applies to."""

from __future__ import annotations

import re

from lineguard.agent.sources.host.login import accounts, homes
from lineguard.agent.sources.host.rootfs import RootFS, capture_folder
from lineguard.formats.wire import Artifact

FILES = (".ssh/authorized_keys", ".ssh/authorized_keys2")
SSHD_CONFIG = "etc/ssh/sshd_config"
SSHD_CONFIG_DIR = "etc/ssh/sshd_config.d"
WATCH = (*(f"~/{f}" for f in FILES), SSHD_CONFIG, SSHD_CONFIG_DIR)
_KEY_TYPES = re.compile(r"^(?:ssh-|ecdsa-|sk-|rsa-sha2)")


def key_options(line: str) -> tuple[dict[str, str], str]:
    """The options of one authorized_keys line (name -> value, "" for flags) and the rest:
    key type, key and comment."""
    s = line.strip()
    opts: dict[str, str] = {}
    if not s or s.startswith("#") or _KEY_TYPES.match(s):
        return opts, s
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] not in ",= \t":
            j += 1
        name, value = s[i:j].lower(), ""
        if s[j:j + 2] == '="':
            j += 2
            buf = []
            while j < len(s) and s[j] != '"':
                if s[j] == "\\" and s[j + 1:j + 2] == '"':
                    j += 1
                buf.append(s[j])
                j += 1
            value, j = "".join(buf), j + 1
        elif s[j:j + 1] == "=":
            k = j = j + 1
            while j < len(s) and s[j] not in ", \t":
                j += 1
            value = s[k:j]
        opts[name] = value
        if s[j:j + 1] != ",":
            return opts, s[j:].strip()
        i = j + 1
    return opts, ""


def sshd_settings(text: str) -> list[tuple[int, str, str, str]]:
    """(line, keyword lower-cased, value, the Match condition in force or "") of sshd_config."""
    out = []
    match = ""
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.replace("=", " ", 1).partition(" ") if "=" in line.split()[0] \
            else line.partition(" ")
        key, value = key.lower(), value.strip()
        if key == "match":
            match = "" if value.lower() == "all" else value
            continue
        out.append((number, key, value, match))
    return out


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
    configs = [fs.capture(SSHD_CONFIG, "sshd-config")] if fs.exists(SSHD_CONFIG) else []
    if fs.is_dir(SSHD_CONFIG_DIR):
        configs += capture_folder(fs, SSHD_CONFIG_DIR, "sshd-config",
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
