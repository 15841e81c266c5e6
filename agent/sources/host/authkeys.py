"""SSH authorized_keys files: a key with `command="..."` runs that command instead of the
user's shell whenever someone logs in with the key."""

from __future__ import annotations

import re

from agent.sources.host.login import homes
from agent.sources.host.rootfs import RootFS
from agent.wire import Artifact

FILES = (".ssh/authorized_keys", ".ssh/authorized_keys2")
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


def gather(fs: RootFS) -> tuple[list[Artifact], list[str]]:
    arts = [fs.capture(f"{home}/{f}", "authorized-keys") for _, home in homes(fs) for f in FILES
            if fs.exists(f"{home}/{f}")]
    commands = [opts["command"] for a in arts for line in (a.text() or "").splitlines()
                if (opts := key_options(line)[0]).get("command")]
    return arts, commands
