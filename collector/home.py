"""A collector home: where the database, inbox and quarantine live, and its settings."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from agent.tomlfile import read_toml
from collector.model import SEVERITIES
from collector.store import Store

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
MAX_SKEW_SECONDS = 366 * 86400


class ConfigError(ValueError):
    """The collector's config.toml is broken."""


@dataclass(frozen=True)
class Settings:
    max_snapshot_bytes: int = DEFAULT_MAX_BYTES
    alert_threshold: str = "high"           # findings at or above this make `check` exit 1
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    mail_from: str = "lineguard@localhost"
    mail_to: tuple[str, ...] = ("soc@localhost",)
    realert_hours: float = 24.0             # re-send an unchanged open finding after this long
    silence_hours: float = 2.0              # an agent not heard from for longer is reported
    max_clock_skew_seconds: int = 300       # how far an agent's clock may run ahead (or back)
    extra: dict = field(default_factory=dict)


@dataclass
class Home:
    root: Path

    @classmethod
    def resolve(cls, arg: str | None) -> Home:
        return cls(Path(arg or os.environ.get("LINEGUARD_HOME") or "lineguard-data"))

    @property
    def db_path(self) -> Path:
        return self.root / "lineguard.db"

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    def open(self) -> Store:
        for d in (self.root, self.inbox, self.quarantine):
            d.mkdir(parents=True, exist_ok=True)
        return Store(self.db_path)

    def settings(self) -> Settings:
        path = self.root / "config.toml"
        if not path.exists():
            return Settings()
        doc = read_toml(path, "collector settings", ConfigError)
        known = {k: v for k, v in doc.items() if k in Settings.__dataclass_fields__ and k != "extra"}
        if isinstance(known.get("mail_to"), str):
            known["mail_to"] = [known["mail_to"]]   # one address, not a list of its characters
        for key, value in known.items():
            problem = _problem(key, value)
            if problem:
                raise ConfigError(f"{path}: {key} {problem}")
        if "mail_to" in known:
            known["mail_to"] = tuple(known["mail_to"])
        return Settings(**known, extra={k: v for k, v in doc.items() if k not in known})


def _problem(key: str, value: object) -> str | None:
    """Why `value` cannot be the setting `key`: a wrong type would otherwise surface later as a
    crash, or worse, as every finding mailed (an unknown threshold ranks as 'info')."""
    if key == "alert_threshold":
        return None if value in SEVERITIES else f"must be one of {', '.join(SEVERITIES)}"
    if isinstance(value, bool):
        return "must not be true or false"
    if key in ("max_snapshot_bytes", "smtp_port"):
        return None if isinstance(value, int) and value > 0 else "must be a positive whole number"
    if key == "max_clock_skew_seconds":   # bounded: a skew of ages would overflow the clock
        return None if isinstance(value, int) and 0 <= value <= MAX_SKEW_SECONDS else \
            f"must be a whole number of seconds from 0 to {MAX_SKEW_SECONDS} (a year)"
    if key in ("realert_hours", "silence_hours"):
        return None if isinstance(value, int | float) and value >= 0 else \
            "must be a number of hours, 0 or more"
    if key == "mail_to":
        return None if isinstance(value, list) and value and all(
            isinstance(v, str) and v for v in value) else "must be a list of email addresses"
    return None if isinstance(value, str) and value else "must be a non-empty string"
