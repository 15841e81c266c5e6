"""Who was on the host: login sessions from wtmp (utmp records), failed attempts from btmp,
SSH logins and sudo commands from the auth log (Debian auth.log, RHEL secure; traditional or
RFC 3339 time stamps) and from the systemd journal (journalctl JSON), and shell-history lines (bash with HISTTIMEFORMAT stamps, zsh extended
history)."""

from __future__ import annotations

import json
import re
import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from lineguard.collector.model import HistoryLine, Session
from lineguard.formats.wire import Artifact

UTMP = struct.Struct("<hxxi32s4s32s256shhiii16s20s")     # struct utmp, 384 bytes
BOOT_TIME, USER_PROCESS, DEAD_PROCESS = 2, 7, 8
_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
_TRADITIONAL = re.compile(r"^([A-Z][a-z]{2})\s+(\d{1,2}) (\d\d):(\d\d):(\d\d) (\S+) (.*)$")
_RFC3339 = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?) (\S+) (.*)$")
_ACCEPTED = re.compile(r"^sshd\[(\d+)\]: Accepted \S+ for (\S+) from (\S+) port \d+")
_CLOSED = re.compile(r"^sshd\[(\d+)\]: (?:pam_unix\(sshd:session\): session closed|"
                     r"Disconnected from user|Received disconnect)")
_SUDO = re.compile(r"^sudo(?:\[\d+\])?:\s+(\S+) : .*COMMAND=(.*)$")
_ZSH = re.compile(r"^: (\d+):\d+;(.*)$")


def _text(raw: bytes) -> str:
    return raw.split(b"\0", 1)[0].decode("utf-8", "replace")


def utmp_records(data: bytes) -> list[tuple[int, int, str, str, str, datetime]]:
    """(type, pid, line, user, host, time) of every whole record."""
    out = []
    for off in range(0, len(data) - UTMP.size + 1, UTMP.size):
        kind, pid, line, _id, user, host, _t, _e, _s, sec, _us, _a, _u = UTMP.unpack_from(data, off)
        try:
            at = datetime.fromtimestamp(sec, UTC)
        except (OverflowError, OSError, ValueError):
            continue
        out.append((kind, pid, _text(line), _text(user), _text(host), at))
    return out


def wtmp_sessions(art: Artifact) -> list[Session]:
    """Sessions from wtmp: a USER_PROCESS record opens one on its tty, the DEAD_PROCESS of the
    same tty (or a reboot) closes it; those still open have no end."""
    open_: dict[str, Session] = {}
    out: list[Session] = []
    for kind, _pid, line, user, host, at in utmp_records(art.raw() or b""):
        if kind == USER_PROCESS and user:
            if line in open_:
                out.append(_close(open_.pop(line), at))
            open_[line] = Session(user=user, host=host, line=line, start=at, end=None,
                                  source=art.name)
        elif kind == DEAD_PROCESS and line in open_:
            out.append(_close(open_.pop(line), at))
        elif kind == BOOT_TIME:
            out += [_close(s, at) for s in open_.values()]
            open_.clear()
    return out + list(open_.values())


def btmp_failures(art: Artifact) -> list[Session]:
    return [Session(user=user or "?", host=host, line=f"failed login on {line or '?'}",
                    start=at, end=at, source=art.name)
            for _k, _p, line, user, host, at in utmp_records(art.raw() or b"")]


def _close(s: Session, at: datetime) -> Session:
    return Session(s.user, s.host, s.line, s.start, at, s.source)


@dataclass
class AuthLog:
    sessions: list[Session] = field(default_factory=list)
    sudo: list[HistoryLine] = field(default_factory=list)


def auth_log(art: Artifact, zone: str) -> AuthLog:
    """SSH sessions (Accepted ... until the same sshd pid closes) and sudo command lines."""
    tz = _zone(zone)
    year_hint = _year(art)
    records = ((number, *_stamp(line, tz, year_hint))
               for number, line in enumerate((art.text() or "").splitlines(), 1))
    return _auth(art.name, records)


def journal(art: Artifact) -> AuthLog:
    """The same from journalctl's JSON lines (`_COMM[_PID]: MESSAGE`, realtime in µs)."""
    def records():
        for number, line in enumerate((art.text() or "").splitlines(), 1):
            try:
                entry = json.loads(line)
                stamp = datetime.fromtimestamp(int(entry["__REALTIME_TIMESTAMP"]) / 1e6, UTC)
                message = entry.get("MESSAGE")
            except (ValueError, KeyError, TypeError, OverflowError, OSError):
                continue
            if isinstance(message, str):
                yield number, stamp, f"{entry.get('_COMM', '?')}[{entry.get('_PID', '0')}]: " \
                    f"{message.strip()}"
    return _auth(art.name, records())


def _auth(source: str, records) -> AuthLog:
    result = AuthLog()
    open_: dict[str, Session] = {}
    for number, stamp, rest in records:
        if stamp is None:
            continue
        m = _ACCEPTED.match(rest)
        if m:
            open_[m.group(1)] = Session(user=m.group(2), host=m.group(3), line="sshd",
                                        start=stamp, end=None, source=source)
            continue
        m = _CLOSED.match(rest)
        if m and m.group(1) in open_:
            result.sessions.append(_close(open_.pop(m.group(1)), stamp))
            continue
        m = _SUDO.match(rest)
        if m:
            result.sudo.append(HistoryLine(user=m.group(1), path=source, line=number,
                                           text=f"sudo {m.group(2).strip()}", at=stamp))
    result.sessions += open_.values()
    return result


def _stamp(line: str, tz: tzinfo, year: int) -> tuple[datetime | None, str]:
    m = _RFC3339.match(line)
    if m:
        try:
            at = datetime.fromisoformat(m.group(1).replace("Z", "+00:00"))
        except ValueError:
            return None, ""
        return (at if at.tzinfo else at.replace(tzinfo=tz)).astimezone(UTC), m.group(3)
    m = _TRADITIONAL.match(line)
    if not m or m.group(1) not in _MONTHS:
        return None, ""
    try:
        at = datetime(year, _MONTHS[m.group(1)], int(m.group(2)), int(m.group(3)),
                      int(m.group(4)), int(m.group(5)), tzinfo=tz)
    except ValueError:
        return None, ""
    return at.astimezone(UTC), m.group(7)


def _year(art: Artifact) -> int:
    """Traditional syslog stamps have no year: the log's own modification year."""
    mtime = str(art.meta.get("mtime") or "")
    return int(mtime[:4]) if mtime[:4].isdigit() else datetime.now(UTC).year


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ValueError, OSError, KeyError):
        return UTC


def history(art: Artifact, user: str | None) -> list[HistoryLine]:
    """Every command line of a shell history, with its time when the history records one."""
    out: list[HistoryLine] = []
    stamp: datetime | None = None
    for number, line in enumerate((art.text() or "").splitlines(), 1):
        if line.startswith("#") and line[1:].isdigit():
            stamp = _epoch(line[1:])
            continue
        m = _ZSH.match(line)
        if m:
            stamp, line = _epoch(m.group(1)), m.group(2)
        if line.strip():
            out.append(HistoryLine(user=user, path=art.name, line=number, text=line.strip(),
                                   at=stamp))
        stamp = None
    return out


def _epoch(text: str) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(text), UTC)
    except (OverflowError, OSError, ValueError):
        return None
