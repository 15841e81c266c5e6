"""Platform profiles, registered by name: what to run on a device and how to tell the output
is complete. One small module per platform; the collection engine never learns vendor names."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lineguard.formats.banners import Verbatim, no_banners


@dataclass(frozen=True)
class Command:
    """One CLI command and the artifact its output is stored as."""

    artifact: str
    command: str


@dataclass(frozen=True)
class Walk:
    """One SNMP subtree walked as a single column (numeric OID)."""

    name: str
    oid: str


@dataclass(frozen=True)
class Profile:
    name: str
    methods: tuple[str, ...]                        # cli | snmp | file
    netmiko_type: str | None = None                 # netmiko device_type for method cli
    config_artifact: str | None = None              # the artifact holding the configuration
    commands: tuple[Command, ...] = ()
    walks: tuple[Walk, ...] = ()
    secrets: tuple[re.Pattern[str], ...] = ()
    enable: bool = False                            # enter privileged mode before the commands
    # The lines of an output the device prints verbatim (IOS banners: formats.banners), where
    # a prompt-like line is text: the reader neither stops at nor rejects one there.
    verbatim: Callable[[str], Verbatim] = field(default=no_banners)
    # Why a config looks cut short, or None when it is complete.
    truncation: Callable[[str], str | None] = field(default=lambda text: None)
    # The device clock zone as the device states it, from the collected outputs by artifact name.
    timezone: Callable[[dict[str, str]], str | None] = field(default=lambda outputs: None)
    # What config archivers call this platform: RANCID's router.db type, Oxidized's model.
    archive_names: tuple[str, ...] = ()
    # A line only this platform's saved configuration has, to recognise an archived file.
    signature: re.Pattern[str] | None = None
    # Syslog messages and SNMP notifications (snmpTrapOID values) by which a device of this
    # platform says its configuration or line data changed: they trigger a poll at once.
    change_messages: tuple[re.Pattern[str], ...] = ()
    change_notifications: tuple[str, ...] = ()


# Configuration-change notifications of the vendor MIBs (CISCO-CONFIG-MAN-MIB
# ciscoConfigManEvent, JUNIPER-CFGMGMT-MIB jnxCmCfgChange) and IF-MIB linkDown/linkUp.
CISCO_CONFIG_MAN_EVENT = "1.3.6.1.4.1.9.9.43.2.0.1"
JNX_CM_CFG_CHANGE = "1.3.6.1.4.1.2636.4.5.0.1"
LINK_DOWN, LINK_UP = "1.3.6.1.6.3.1.1.5.3", "1.3.6.1.6.3.1.1.5.4"

_REGISTRY: dict[str, Profile] = {}


def register(profile: Profile) -> Profile:
    _REGISTRY[profile.name] = profile
    return profile


def get(name: str) -> Profile:
    _load_builtin()
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise KeyError(f"unknown platform {name!r} (known: {known})") from None


def names() -> list[str]:
    _load_builtin()
    return sorted(_REGISTRY)


def _load_builtin() -> None:
    # Imported lazily so that a platform module can import this one for Profile/register.
    from lineguard.agent.devices.profiles import atm_mib, cisco_ios, juniper_junos  # noqa: F401


def by_archive_name(name: str) -> Profile | None:
    """The platform an archiver's type or model name means (RANCID `cisco`, Oxidized `junos`)."""
    _load_builtin()
    wanted = name.strip().lower()
    return next((p for p in _REGISTRY.values() if wanted in p.archive_names), None)


def recognise(config: str) -> Profile | None:
    """The one platform whose signature the saved configuration carries, else None."""
    _load_builtin()
    found = [p for p in _REGISTRY.values() if p.signature and p.signature.search(config)]
    return found[0] if len(found) == 1 else None
