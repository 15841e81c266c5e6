"""A collector home: where the database, inbox and quarantine live, and its settings."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lineguard.agent.tomlfile import check_keys, read_toml
from lineguard.collector.model import SEVERITIES, Severity
from lineguard.collector.store import Store
from lineguard.formats.wire import MAX_SNAPSHOT_BYTES

DEFAULT_MAX_BYTES = MAX_SNAPSHOT_BYTES
MAX_SKEW_SECONDS = 366 * 86400


class ConfigError(ValueError):
    """The collector's config.toml is broken, or the home does not exist."""


@dataclass(frozen=True)
class SitePolicy:
    """What one site (tenant) wants: who gets its mail, from which severity, how often, and how
    many approvers must sign its baselines and waivers."""

    mail_to: tuple[str, ...] = ("soc@localhost",)
    alert_threshold: Severity = Severity.HIGH   # findings at or above this are mailed and make exit 1
    realert_hours: float = 24.0             # re-send an unchanged open finding after this long
    silence_hours: float = 2.0              # an agent not heard from for longer is reported
    approvals: int = 2                      # distinct approver signatures a baseline needs


POLICY_KEYS = tuple(SitePolicy.__dataclass_fields__)
FLEET_KEYS = ("max_snapshot_bytes", "smtp_host", "smtp_port", "mail_from", "security_to",
              "max_clock_skew_seconds", "display_tz", "report_url", "max_waiver_days")


@dataclass(frozen=True)
class Settings:
    """config.toml: fleet-wide settings; the top-level policy keys are the default for every
    site, and `[site.NAME]` tables override them per site."""

    max_snapshot_bytes: int = DEFAULT_MAX_BYTES
    alert_threshold: Severity = Severity.HIGH
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    mail_from: str = "lineguard@localhost"
    mail_to: tuple[str, ...] = ("soc@localhost",)
    realert_hours: float = 24.0
    silence_hours: float = 2.0
    approvals: int = 2
    security_to: tuple[str, ...] = ()       # gets every critical finding of every site
    max_clock_skew_seconds: int = 300       # how far an agent's clock may run ahead (or back)
    display_tz: str = "UTC"                 # the zone human output shows times in (--tz wins)
    report_url: str | None = None           # where the HTML report is published: mail links it
    max_waiver_days: int = 1826             # how far ahead a waiver may end (it is reviewed then)
    sites: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def default(self) -> SitePolicy:
        return SitePolicy(**{k: getattr(self, k) for k in POLICY_KEYS})

    def site(self, name: str | None) -> SitePolicy:
        """The policy of site `name`: its own table over the defaults (None: the defaults)."""
        return replace(self.default, **self.sites.get(name or "", {}))


@dataclass
class Home:
    root: Path
    # set when config.toml cannot be used and the newest version on record stands in for it
    fallback: str | None = field(default=None, compare=False)
    _kept: Settings | None = field(default=None, compare=False, repr=False)

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

    @property
    def baselines(self) -> Path:
        return self.root / "baselines"

    @property
    def waivers(self) -> Path:
        return self.root / "waivers"

    def init(self) -> Store:
        """Create the home (database, inbox, quarantine, baselines, waivers) or open it."""
        for d in (self.root, self.inbox, self.quarantine, self.baselines, self.waivers):
            d.mkdir(parents=True, exist_ok=True)
        return Store(self.db_path)

    def open(self) -> Store:
        """The home's store; a home that was never created is an error, not a fresh empty
        database that would then report "no findings" for a mistyped --home."""
        if not self.db_path.is_file():
            raise ConfigError(f"{self.root} is not a lineguard home (no {self.db_path.name}); "
                              f"create it with: lineguard --home {self.root} init")
        for d in (self.inbox, self.quarantine):
            d.mkdir(parents=True, exist_ok=True)
        return Store(self.db_path)

    @property
    def config_path(self) -> Path:
        return self.root / "config.toml"

    def settings(self) -> Settings:
        """The settings in force. A config.toml that cannot be used (not TOML, a key that is
        not known, half written) does not stop the collector: the newest version the audit
        log holds that can be read stands in (config_audit.last_readable), `fallback` says
        so, and `check` reports the broken version as a change (critical: what it would
        mail is unknown), to the recipients of the version before it. Only with no such
        version is it an error: breaking the file must not mute every alert."""
        path = self.config_path
        if not path.exists():
            return Settings()
        try:
            return settings_from(read_toml(path, "collector settings", ConfigError), str(path))
        except ConfigError as e:
            if self._kept is None:
                from lineguard.collector.config_audit import last_readable
                kept = None
                if self.db_path.is_file():
                    store = self.open()
                    try:
                        kept = last_readable(store)
                    finally:
                        store.close()
                if kept is None:
                    raise
                at, self._kept = kept
                self.fallback = f"{e}; using the settings recorded at {at} until it is fixed"
            return self._kept


def settings_from(doc: dict[str, Any], where: str) -> Settings:
    """The settings a parsed config.toml document says; `where` names it in errors."""
    check_keys(doc, FLEET_KEYS + POLICY_KEYS + ("site",), where, ConfigError)
    top = _policy(doc, where, FLEET_KEYS + POLICY_KEYS)
    sites = doc.get("site", {})
    if not isinstance(sites, dict) or not all(isinstance(v, dict) for v in sites.values()):
        raise ConfigError(f"{where}: sites are tables: [site.NAME]")
    per_site = {}
    for name, table in sites.items():
        check_keys(table, POLICY_KEYS, f"{where}: [site.{name}]", ConfigError)
        per_site[name] = _policy(table, f"{where}: [site.{name}]", POLICY_KEYS)
    return Settings(**top, sites=per_site)


def _policy(table: dict[str, Any], where: str, keys: tuple[str, ...]) -> dict[str, Any]:
    """The settings in `table` among `keys`, checked and normalised."""
    out = {k: v for k, v in table.items() if k in keys}
    for key in ("mail_to", "security_to"):
        if isinstance(out.get(key), str):
            out[key] = [out[key]]   # one address, not a list of its characters
    for key, value in out.items():
        problem = _problem(key, value)
        if problem:
            raise ConfigError(f"{where}: {key} {problem}")
    for key in ("mail_to", "security_to"):
        if key in out:
            out[key] = tuple(out[key])
    if "alert_threshold" in out:
        out["alert_threshold"] = Severity(out["alert_threshold"])
    return out


def _problem(key: str, value: object) -> str | None:
    """Why `value` cannot be the setting `key`: a wrong type would otherwise surface later as a
    crash, or worse, as every finding mailed (an unknown threshold ranks as 'info')."""
    if key == "alert_threshold":
        return None if value in SEVERITIES else f"must be one of {', '.join(SEVERITIES)}"
    if isinstance(value, bool):
        return "must not be true or false"
    if key in ("max_snapshot_bytes", "smtp_port", "approvals", "max_waiver_days"):
        return None if isinstance(value, int) and value > 0 else "must be a positive whole number"
    if key == "max_clock_skew_seconds":   # bounded: a skew of ages would overflow the clock
        return None if isinstance(value, int) and 0 <= value <= MAX_SKEW_SECONDS else \
            f"must be a whole number of seconds from 0 to {MAX_SKEW_SECONDS} (a year)"
    if key in ("realert_hours", "silence_hours"):
        return None if isinstance(value, int | float) and value >= 0 else \
            "must be a number of hours, 0 or more"
    if key == "display_tz":
        from lineguard.collector.zones import is_zone
        return None if is_zone(value) else "must be a time zone name such as Asia/Tokyo or UTC"
    if key == "report_url":
        from urllib.parse import urlsplit
        url = urlsplit(value) if isinstance(value, str) else None
        return None if isinstance(value, str) and url is not None \
            and url.scheme in ("http", "https") and url.netloc \
            and not any(c.isspace() for c in value) else \
            "must be an http:// or https:// address of the published HTML report"
    if key in ("mail_to", "security_to"):
        return None if isinstance(value, list) and (value or key == "security_to") and all(
            isinstance(v, str) and v for v in value) else "must be a list of email addresses"
    return None if isinstance(value, str) and value else "must be a non-empty string"
