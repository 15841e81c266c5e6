"""Device credentials: a separate TOML file that must not be readable by group or others (as ssh
treats private keys), with per-field overrides from LINEGUARD_CRED_<NAME>_<FIELD>."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

from lineguard.agent.tomlfile import read_toml, unknown_key


class CredentialError(ValueError):
    """The credentials file is missing, too open or malformed, or a name is not defined."""


@dataclass(frozen=True)
class Credential:
    name: str
    username: str | None = None      # cli
    password: str | None = None
    secret: str | None = None        # enable secret
    community: str | None = None     # snmp v2c
    user: str | None = None          # snmp v3 USM user
    auth_key: str | None = None
    auth_proto: str | None = None    # MD5 | SHA | SHA224 | SHA256 | SHA384 | SHA512
    priv_key: str | None = None
    priv_proto: str | None = None    # DES | 3DES | AES | AES192 | AES256
    version: str | None = None       # snmp version these are for ("2c" | "3"), a default only
    engine_id: str | None = None     # snmp v3: the device's snmpEngineID (hex), for its traps

    def __repr__(self) -> str:
        # Keep secrets out of tracebacks and logs.
        return f"Credential(name={self.name!r}, username={self.username!r}, user={self.user!r})"


FIELDS = tuple(f.name for f in fields(Credential) if f.name != "name")
# Spellings other tools (and our simulator) write for the same fields.
_ALIASES = {"auth_protocol": "auth_proto", "priv_protocol": "priv_proto", "enable": "secret",
            "enable_secret": "secret"}


def env_prefix(name: str) -> str:
    return "LINEGUARD_CRED_" + re.sub(r"[^A-Za-z0-9]", "_", name).upper() + "_"


class Credentials:
    """Named credentials from a file and the environment; the environment wins per field."""

    def __init__(self, entries: Mapping[str, Credential], env: Mapping[str, str] | None = None):
        self._entries = dict(entries)
        self._env = dict(os.environ if env is None else env)

    def get(self, name: str) -> Credential:
        cred = self._entries.get(name, Credential(name=name))
        prefix = env_prefix(name)
        overrides = {f: self._env[prefix + f.upper()] for f in FIELDS if prefix + f.upper() in self._env}
        if name not in self._entries and not overrides:
            raise CredentialError(f"credentials {name!r} are not defined in the credentials file "
                                  f"or in {prefix}* environment variables")
        return replace(cred, **overrides)


def load(path: Path | None, env: Mapping[str, str] | None = None) -> Credentials:
    """Read the credentials file (None: environment only). Refuses a group/world readable file."""
    if path is None:
        return Credentials({}, env)
    try:
        st = path.stat()
    except OSError as e:
        raise CredentialError(f"cannot read credentials file {path}: {e.strerror}") from None
    if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise CredentialError(f"credentials file {path} is accessible by group/others "
                              f"(mode {stat.S_IMODE(st.st_mode):04o}); run: chmod 600 {path}")
    doc = read_toml(path, "credentials file", CredentialError)
    entries: dict[str, Credential] = {}
    for name, table in doc.items():
        if not isinstance(table, dict):
            raise CredentialError(f"credentials file {path}: {name!r} must be a table ([{name}])")
        table = {_ALIASES.get(k, k): str(v) if k == "version" else v for k, v in table.items()}
        unknown = sorted(set(table) - set(FIELDS))
        if unknown:
            raise CredentialError(f"credentials file {path}: [{name}] "
                                  f"{unknown_key(unknown[0], set(FIELDS) | set(_ALIASES))}")
        bad = [k for k, v in table.items() if not isinstance(v, str)]
        if bad:
            raise CredentialError(f"credentials file {path}: [{name}] {bad[0]} must be a string")
        entries[name] = Credential(name=name, **table)
    return Credentials(entries, env)
