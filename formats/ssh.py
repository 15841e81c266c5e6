"""OpenSSH files that make a login run a command: the options of an authorized_keys line
(sshd(8), AUTHORIZED_KEYS FILE FORMAT: `command="..."`, `restrict` …) and sshd_config
keywords with the Match block each stands in (ForceCommand, AuthorizedKeysFile)."""

from __future__ import annotations

import re

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
