"""Provenance of every host job: who owns the files that define it and that it runs, when they
last changed (ctime: `touch` cannot set it back), the account an at job's spool says submitted
it, the login sessions open at that change (wtmp, auth log), failed logins just before it
(btmp), and shell-history or sudo lines that name the files. What could not be read is listed,
so an empty answer is never mistaken for "nobody"."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from lineguard.collector.model import FileStamp, HistoryLine, Job, Provenance, Session
from lineguard.collector.parse import logins
from lineguard.collector.parse.at import OWNER_UID
from lineguard.collector.parse.hostcontext import HostContext

_MAIL = re.compile(r"^#\s*mail\s+(\S+)", re.M)
_PATH = re.compile(r"(?<![\w.-])/(?:[\w.+@%-]+/)*[\w.+@%-]+")
_WORD = re.compile(r"[\w.+@%-]+")
_FAILED_BEFORE = timedelta(hours=1)
_MAX_LINES = 5


@dataclass
class _Evidence:
    sessions: list[Session]
    failures: list[Session]
    history: dict[str, list[HistoryLine]]     # path or distinctive file name -> lines
    unknown: tuple[str, ...]
    stamps: dict[str, FileStamp | None] = field(default_factory=dict)


def _evidence(ctx: HostContext) -> _Evidence:
    sessions: list[Session] = []
    failures: list[Session] = []
    lines: list[HistoryLine] = []
    kinds: set[str] = set()
    homes: dict[str, str] = {}
    for art in ctx.of_kind("login-records", "auth-log", "journal", "shell-history"):
        if art.content is None:
            continue
        kinds.add("auth-log" if art.kind == "journal" else art.kind)
        if art.kind == "login-records":
            if "btmp" in art.name:
                failures += logins.btmp_failures(art)
            else:
                sessions += logins.wtmp_sessions(art)
        elif art.kind in ("auth-log", "journal"):
            found = (logins.auth_log(art, ctx.timezone) if art.kind == "auth-log"
                     else logins.journal(art))
            sessions += found.sessions
            lines += found.sudo
        else:
            if not homes:
                from lineguard.collector.parse.login import home_users
                homes = home_users(ctx)
            lines += logins.history(art, homes.get(posixpath.dirname(art.name)))
    unread = [f"journal not read: {a.meta['unread']}" for a in ctx.of_kind("journal")
              if a.content is None and a.meta.get("unread")]
    index: dict[str, list[HistoryLine]] = {}
    for hl in lines:
        keys = set(_PATH.findall(hl.text)) | {w for w in _WORD.findall(hl.text) if _distinctive(w)}
        for key in keys:
            index.setdefault(key, []).append(hl)
    unknown = tuple(why for kind, why in (
        ("login-records", "no wtmp/btmp login records were readable"),
        ("auth-log", "no auth log (auth.log/secure) nor journal was readable"),
        ("shell-history", "no shell history was readable")) if kind not in kinds) + tuple(unread)
    sessions.sort(key=lambda s: s.start, reverse=True)
    return _Evidence(sessions, failures, index, unknown)


def _distinctive(word: str) -> bool:
    """A bare file name worth matching in history (`vi wipe.sh`): has an extension or a
    separator, so `ls` or `cd` never match."""
    return len(word) >= 4 and any(c in word for c in "._-") and not word.startswith("-")


def attach(ctx: HostContext, jobs: list[Job]) -> list[Job]:
    """The jobs with their provenance filled in."""
    if not jobs:
        return jobs
    ev = _evidence(ctx)
    return [replace(j, provenance=of(ctx, j, ev)) for j in jobs]


def of(ctx: HostContext, job: Job, ev: _Evidence) -> Provenance:
    stamps = [st for name in dict.fromkeys([job.origin_path, *job.defined_in, *job.files])
              if (st := _stamp(ctx, ev, name)) is not None]
    # the agent writes every time as "YYYY-MM-DDTHH:MM:SSZ": text order is time order
    newest = max(stamps, key=lambda st: st.ctime or st.mtime or "", default=None)
    changed = _parse(newest.ctime or newest.mtime) if newest else None
    changed_path = newest.path if changed is not None and newest else None
    origin = ctx.artifacts.get(job.origin_path)
    sessions: tuple[Session, ...] = ()
    if changed is not None and (ev.sessions or ev.failures):
        covering = [s for s in ev.sessions
                    if s.start <= changed and (s.end is None or s.end >= changed)]
        failed = [s for s in ev.failures if changed - _FAILED_BEFORE <= s.start <= changed]
        sessions = tuple(covering[:_MAX_LINES] + failed[:_MAX_LINES])
    history: list[HistoryLine] = []
    for st in stamps if ev.history else ():
        for key in ("/" + st.path, posixpath.basename(st.path)):
            history += [h for h in ev.history.get(key, ()) if h not in history]
    return Provenance(owner=ctx.owner_of(origin) if origin else job.owner,
                      files=tuple(stamps), changed=changed, changed_path=changed_path,
                      submitter=_submitter(ctx, job) if job.source == "at" else None,
                      sessions=sessions, history=tuple(history[:_MAX_LINES]),
                      unknown=ev.unknown)


def _stamp(ctx: HostContext, ev: _Evidence, name: str) -> FileStamp | None:
    """One file's stamp, made once however many jobs run the file."""
    if name in ev.stamps:
        return ev.stamps[name]
    art = ctx.artifacts.get(name)
    stamp = None
    if art is not None and art.meta.get("mtime"):
        stamp = FileStamp(path=name, owner=ctx.owner_of(art), mtime=art.meta.get("mtime"),
                          ctime=art.meta.get("ctime"))
    ev.stamps[name] = stamp
    return stamp


def _submitter(ctx: HostContext, job: Job) -> str | None:
    """The account `at` recorded: `# mail LOGIN` is the submitter's login name (getlogin, so
    the person behind `sudo at`), `# atrun uid=` the account the job runs as."""
    art = ctx.artifacts.get(job.origin_path)
    text = (art.text() if art else None) or ""
    mail, uid = _MAIL.search(text), OWNER_UID.search(text)
    login = mail.group(1) if mail else None
    runs_as = ctx.uid_names.get(int(uid.group(1))) if uid else None
    if login and runs_as and login != runs_as:
        return f"{login} (runs as {runs_as})"
    return login or runs_as


@lru_cache(maxsize=4096)
def _parse(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


def to_json(p: Provenance | None) -> dict | None:
    if p is None:
        return None
    iso = _iso
    return {
        "owner": p.owner, "submitter": p.submitter, "changed": iso(p.changed),
        "changed_path": p.changed_path, "planted_by": p.planted_by(),
        "files": [{"path": f.path, "owner": f.owner, "mtime": f.mtime, "ctime": f.ctime}
                  for f in p.files],
        "sessions": [{"user": s.user, "host": s.host, "line": s.line, "start": iso(s.start),
                      "end": iso(s.end), "source": s.source} for s in p.sessions],
        "history": [{"user": h.user, "path": h.path, "line": h.line, "text": h.text,
                     "at": iso(h.at)} for h in p.history],
        "unknown": list(p.unknown),
    }


def _iso(dt: datetime | None) -> str | None:
    return None if dt is None else dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
