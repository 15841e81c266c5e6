"""A collector home: where the database, inbox and quarantine live, and its settings."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from collector.store import Store

DEFAULT_MAX_BYTES = 64 * 1024 * 1024


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
        try:
            doc = tomllib.loads(path.read_text())
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise ConfigError(f"{path}: not valid TOML ({e})") from None
        known = {k: v for k, v in doc.items() if k in Settings.__dataclass_fields__}
        if "mail_to" in known:
            known["mail_to"] = tuple(known["mail_to"])
        try:
            return Settings(**known, extra={k: v for k, v in doc.items() if k not in known})
        except TypeError as e:
            raise ConfigError(f"{path}: {e}") from None
