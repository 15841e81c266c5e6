"""The device inventory (TOML, one [[device]] table per network element)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lineguard.agent.devices import profiles
from lineguard.agent.tomlfile import check_keys, read_toml

METHODS = ("cli", "snmp", "file")
DEVICE_KEYS = ("name", "platform", "site", "method", "host", "port", "path", "credentials",
               "version", "context", "snmp")
SNMP_KEYS = ("version", "port", "credentials", "context")
_DEFAULT_PORT = {"cli": 22, "snmp": 161}


class InventoryError(ValueError):
    """The inventory file is unreadable or a device entry is invalid."""


@dataclass(frozen=True)
class Device:
    name: str
    platform: str
    site: str | None
    method: str
    host: str | None = None
    port: int | None = None
    path: Path | None = None          # method file: the saved config, resolved
    credentials: str | None = None    # name of an entry in the credentials file
    snmp_version: str | None = None   # 2c | 3; None: the credential's version, else 2c
    context: str = ""                 # SNMP v3 context name


def load(path: Path) -> list[Device]:
    doc = read_toml(path, "inventory", InventoryError)
    check_keys(doc, ("device",), f"inventory {path}", InventoryError)
    tables = doc.get("device", [])
    if not isinstance(tables, list):
        raise InventoryError(f"inventory {path}: use [[device]] tables")
    devices = [_device(path, i, t) for i, t in enumerate(tables, 1)]
    seen: set[str] = set()
    for d in devices:
        if d.name in seen:
            raise InventoryError(f"inventory {path}: device {d.name!r} is listed twice")
        seen.add(d.name)
    return devices


def _device(path: Path, index: int, t: dict) -> Device:
    where = f"inventory {path}: device #{index}"
    if not isinstance(t, dict):
        raise InventoryError(f"{where}: use [[device]] tables")

    def text(key: str) -> str:
        value = t.get(key)
        if not isinstance(value, str) or not value:
            raise InventoryError(f"{where}: {key!r} must be a non-empty string")
        return value

    def optional(key: str) -> str | None:
        return None if t.get(key) is None else text(key)

    check_keys(t, DEVICE_KEYS, where, InventoryError)
    name = text("name")
    where = f"inventory {path}: device {name!r}"
    method = text("method")
    if method not in METHODS:
        raise InventoryError(f"{where}: method must be one of {', '.join(METHODS)}, not {method!r}")
    platform = text("platform")
    try:
        profile = profiles.get(platform)
    except KeyError as e:
        raise InventoryError(f"{where}: {e.args[0]}") from None
    if method != "snmp" and method not in profile.methods:
        raise InventoryError(f"{where}: platform {platform} cannot be read by method {method}")
    snmp = t.get("snmp", {})
    if not isinstance(snmp, dict):
        raise InventoryError(f"{where}: 'snmp' must be a table of options")
    check_keys(snmp, SNMP_KEYS, f"{where}: snmp", InventoryError)
    port = t.get("port", snmp.get("port") if method == "snmp" else None)
    if port is not None and (not isinstance(port, int) or not 0 < port < 65536):
        raise InventoryError(f"{where}: port must be an integer 1..65535")
    version = t.get("version", snmp.get("version"))
    version = None if version is None else str(version)
    if version not in (None, "2c", "3"):
        raise InventoryError(f"{where}: snmp version must be \"2c\" or \"3\", not {version!r}")
    creds = optional("credentials")
    if method == "snmp" and isinstance(snmp.get("credentials"), str):
        creds = snmp["credentials"]    # the SNMP entry of a device that is also polled by CLI
    if creds is None and method != "file":
        raise InventoryError(f"{where}: 'credentials' must name an entry of the credentials file")
    saved = None
    if method == "file":
        rel = text("path")
        saved = (path.parent / rel).resolve()
    else:
        text("host")
    return Device(name=name, platform=platform, site=optional("site"), method=method,
                  host=t.get("host"), port=port or _DEFAULT_PORT.get(method), path=saved,
                  credentials=creds,
                  snmp_version=version, context=str(snmp.get("context", t.get("context", ""))))


def check(path: Path, credentials_path: Path | None = None) -> list[Device]:
    """The inventory's devices, after checking every one of them (and, given the credentials
    file, that each named credential is defined there or in the environment). Raises
    InventoryError or CredentialError with the first problem."""
    from lineguard.agent.devices import credentials
    devices = load(path)
    if credentials_path is not None:
        creds = credentials.load(credentials_path)
        for d in devices:
            if d.credentials is not None:
                try:
                    creds.get(d.credentials)
                except credentials.CredentialError as e:
                    raise credentials.CredentialError(f"inventory {path}: device {d.name!r}: "
                                                      f"{e}") from None
    return devices
