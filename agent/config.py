"""The agent's config file (TOML): who it is, what it reads, where snapshots go."""

from __future__ import annotations

import os
import socket
import stat
from dataclasses import dataclass
from pathlib import Path

from lineguard.agent.tomlfile import check_keys, read_toml
from lineguard.formats.schedfile import ScheduledFile, ScheduledFileError
from lineguard.formats.wire import is_name

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class AgentConfigError(ValueError):
    """The agent's config file is missing or broken."""


@dataclass(frozen=True)
class AgentConfig:
    name: str
    key: Path
    root: Path = Path("/")
    inventory: Path | None = None
    credentials: Path | None = None
    outbox: Path = Path("/var/lib/lineguard/outbox")
    state: Path | None = None               # chain state; default KEY.chain
    deliver: str | None = None              # a folder (the collector's inbox) or sftp://user@host/path
    interval_minutes: float = 15.0
    retry_minutes: float = 2.0
    live: bool = True                       # read /proc for sleeping processes (only when root is /)
    scheduled_file: tuple[ScheduledFile, ...] = ()   # a site's own schedulers' command files
    log_level: str = "INFO"                 # DEBUG | INFO | WARNING | ERROR
    sftp_identity: Path | None = None       # private key for sftp:// delivery
    sftp_known_hosts: Path | None = None    # the collector host's key for sftp:// delivery
    watch: bool = True                      # snapshot within seconds of a change (inotify)
    watch_debounce_s: float = 2.0           # a burst of changes is one snapshot
    syslog_listen: str | None = None        # HOST:PORT for device syslog (UDP and TCP)
    trap_listen: str | None = None          # HOST:PORT for device SNMP notifications
    trap_credentials: tuple[str, ...] = ()  # credentials entries notifications must carry
    event_min_interval_s: float = 10.0      # at most one event-driven snapshot per interval
    collector_key: Path | None = None       # the collector's public key: restore plans it signed
    approvers: Path | None = None           # approvers file (NAME ssh-ed25519 AAAA...) for plans
    restore_approvals: int = 2              # approvals a plan needs at least, whatever it says
    restore_plans: Path | None = None       # where approved plans are delivered to the daemon
    restore_apply: bool = False             # the daemon applies delivered plans (else dry-run)

    path: Path | None = None                # the config file itself (where it was loaded from)

    @property
    def chain_path(self) -> Path:
        return self.state or self.key.with_name(self.key.name + ".chain")

    @property
    def own_files(self) -> tuple[Path, ...]:
        """The files and folders whose change blinds or redirects the agent: its config, key,
        chain state, outbox, inventory, credentials and delivery keys."""
        return tuple(p for p in (self.path, self.key, self.chain_path, self.outbox,
                                 self.inventory, self.credentials, self.sftp_identity,
                                 self.sftp_known_hosts) if p is not None)


def check_trusted(path: Path, what: str) -> None:
    """Refuse a file that decides what the agent reports or applies when someone other than
    root or the agent's own user could change it (as ssh's StrictModes does): owned by another
    user, or it or its folder writable by group or others. An operator who could edit the
    inventory would take a device out of it or point it at a saved copy; one who could edit the
    collector key or approvers file would sign restore plans of their own; one who owns the
    agent key signs snapshots in the agent's name."""
    for p in (path, path.parent):
        try:
            st = p.stat()
        except FileNotFoundError:
            continue                       # a missing file is reported where it is read
        if st.st_uid not in (0, os.geteuid()):
            raise AgentConfigError(f"{p}: {what} is owned by uid {st.st_uid}, not root or the "
                                   f"agent's own user: that account decides what the agent "
                                   f"does (chown root {p})")
        if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not (
                p == path.parent and st.st_mode & stat.S_ISVTX):
            raise AgentConfigError(f"{p}: {what} can be changed by group or others (mode "
                                   f"{stat.S_IMODE(st.st_mode):04o}); run: chmod go-w {p}")


def load_config(path: Path) -> AgentConfig:
    check_trusted(path, "the config file")
    doc = read_toml(path, "the config file", AgentConfigError)
    base = path.parent

    def p(key: str) -> Path | None:
        v = doc.get(key)
        return None if v is None else (base / v if not Path(v).is_absolute() else Path(v))

    # The agent's name is set as `agent`; `name` is only the field it lands in.
    check_keys(doc, (set(AgentConfig.__dataclass_fields__) - {"name", "path"}) | {"agent"}, str(path),
               AgentConfigError)
    key = p("key")
    if key is None:
        raise AgentConfigError(f"{path}: 'key' (the agent's private key file) is required")
    for number in ("interval_minutes", "retry_minutes", "watch_debounce_s",
                   "event_min_interval_s"):
        v = doc.get(number, 1)
        if isinstance(v, bool) or not isinstance(v, int | float) or not v > 0:
            raise AgentConfigError(f"{path}: {number} must be a number above 0, not {v!r}")
    for flag in ("live", "watch"):
        if not isinstance(doc.get(flag, True), bool):
            raise AgentConfigError(f"{path}: {flag} must be true or false, not {doc[flag]!r}")
    for endpoint in ("syslog_listen", "trap_listen"):
        if endpoint in doc:
            from lineguard.agent.listen import Endpoint
            try:
                Endpoint.parse(doc[endpoint] if isinstance(doc[endpoint], str) else "",
                               endpoint)
            except ValueError as e:
                raise AgentConfigError(f"{path}: {e}") from None
    trap_credentials = doc.get("trap_credentials", [])
    if not isinstance(trap_credentials, list) or not all(isinstance(c, str) and c
                                                         for c in trap_credentials):
        raise AgentConfigError(f"{path}: trap_credentials must be a list of names of "
                               f"credentials entries")
    level = doc.get("log_level", "INFO")
    if not isinstance(level, str) or level.upper() not in LOG_LEVELS:
        raise AgentConfigError(f"{path}: log_level must be one of {', '.join(LOG_LEVELS)}, "
                               f"not {level!r}")
    if not isinstance(doc.get("restore_apply", False), bool):
        raise AgentConfigError(f"{path}: restore_apply must be true or false, not "
                               f"{doc['restore_apply']!r}")
    approvals = doc.get("restore_approvals", 2)
    if isinstance(approvals, bool) or not isinstance(approvals, int) or approvals < 1:
        raise AgentConfigError(f"{path}: restore_approvals must be a whole number of 1 or more")
    if not isinstance(doc.get("deliver", ""), str):
        raise AgentConfigError(f"{path}: deliver must be a folder or an sftp:// URL (a string)")
    tables = doc.get("scheduled_file", [])
    try:
        scheduled = tuple(ScheduledFile.from_doc(t) for t in
                          (tables if isinstance(tables, list) else [tables]))
    except ScheduledFileError as e:
        raise AgentConfigError(f"{path}: {e}") from None
    name = str(doc.get("agent") or socket.gethostname())
    if not is_name(name):
        raise AgentConfigError(f"{path}: agent name {name!r} must be letters, digits and ._@:- "
                               f"(at most 128, starting with a letter or digit)")
    for trust, what in (("key", "the agent key"), ("inventory", "the inventory"),
                        ("collector_key", "the collector key"), ("approvers", "the approvers file")):
        named = p(trust)
        if named is not None:
            check_trusted(named, what)
    try:
        return AgentConfig(
            name=name, key=key,
            root=p("root") or Path("/"), inventory=p("inventory"), credentials=p("credentials"),
            outbox=p("outbox") or Path("/var/lib/lineguard/outbox"), state=p("state"),
            deliver=doc.get("deliver"), interval_minutes=float(doc.get("interval_minutes", 15)),
            retry_minutes=float(doc.get("retry_minutes", 2)), live=doc.get("live", True),
            scheduled_file=scheduled, log_level=level.upper(),
            sftp_identity=p("sftp_identity"), sftp_known_hosts=p("sftp_known_hosts"),
            watch=doc.get("watch", True),
            watch_debounce_s=float(doc.get("watch_debounce_s", 2.0)),
            syslog_listen=doc.get("syslog_listen"), trap_listen=doc.get("trap_listen"),
            trap_credentials=tuple(trap_credentials),
            event_min_interval_s=float(doc.get("event_min_interval_s", 10.0)),
            collector_key=p("collector_key"), approvers=p("approvers"),
            restore_approvals=approvals, restore_plans=p("restore_plans"),
            restore_apply=doc.get("restore_apply", False), path=path)
    except (TypeError, ValueError) as e:
        raise AgentConfigError(f"{path}: {e}") from None
