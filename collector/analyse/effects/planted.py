"""A job that plants another job: text it writes, appends, copies or downloads into a place that
runs later (a crontab, a run-parts folder, rc.local, a login file, a unit, a udev rule, a
logrotate or apt hook … formats.placements knows them all) is read the way the collector reads
that file, and what it will run is judged as the job's own nested code, noted with where it was
planted and when it runs. A planted file whose content cannot be known runs unseen code."""

from __future__ import annotations

import posixpath
import re

from lineguard.collector.analyse.effects.model import markers, render
from lineguard.collector.analyse.effects.resolve import Job, Place, language_of, read
from lineguard.formats import systemd
from lineguard.formats.placements import placement, planted


def into(dest: str, source: str) -> str:
    """Where `cp SOURCE DEST` (mv, install, ln) puts the file: DEST, or SOURCE's name inside
    DEST when DEST is a folder jobs are placed in."""
    d = render(dest)
    if placement(d) is None and placement(d.rstrip("/") + "/x") is not None:
        return d.rstrip("/") + "/" + posixpath.basename(render(source).rstrip("/"))
    return dest


def plant(job: Job, place: Place, line: int, ev: str, path: str, content: str | None,
          source: str) -> None:
    """`content` (None when it cannot be known) is put into `path` by this job (written,
    appended or copied from `source`, said for people): nothing when the path runs nothing."""
    p = render(path)
    mounts = _mounts(p, content) if content is not None else []
    for number, command in mounts:
        # a file system mounted at boot over what the line names (read as `mount` reads it)
        read("shell", command, job, place.nested(line, ev, f"planted into {p} (line {number}): "
                                                            f"mounted at boot"), {})
    if content is not None:
        _startup_settings(job, place, line, ev, p, content)
    where = placement(p)
    if where is None:
        return
    note = f"planted into {p}: runs {where.when}"
    if content is None or (markers(content) and not _plain_text(content)):
        # only values known when the job runs: what the planted job will do is unseen
        what = source if content is None else f"{source}: {render(content).strip()[:120]}"
        job.sink.append(place.effect(
            "unseen-code", line, ev,
            target=f"{p}: installs a job whose content is not captured ({what}); "
                   f"it runs {where.when}"))
        return
    for item in planted(where.kind, p, content):
        language = language_of(p, item.text) if item.script else "shell"
        read(language, item.text, job, place.nested(line, ev, note), {})


def _plain_text(text: str) -> str:
    """The text with its markers left out: what of it is written as it stands."""
    out, rest = [], text
    while "\x01" in rest:
        head, _, tail = rest.partition("\x01")
        out.append(head)
        rest = tail.partition("\x02")[2]
    out.append(rest)
    return "".join(out).strip()


_FSTABS = ("/etc/fstab", "/etc/mtab")


def _mounts(path: str, text: str) -> list[tuple[int, str]]:
    """The `mount` command lines an fstab file, or a systemd .mount unit, at `path` amounts to
    at boot (line, command): a memory file system or an empty folder mounted there over line
    data hides it from the EMS as surely as deleting it."""
    out: list[tuple[int, str]] = []
    if path in _FSTABS:
        for number, raw in enumerate(text.splitlines(), 1):
            fields = raw.split("#", 1)[0].split()
            if len(fields) >= 3:
                spec, where, kind = fields[:3]
                opts = fields[3] if len(fields) > 3 else "defaults"
                out.append((number, f"mount -t {kind} -o {opts} {spec} {where}"))
    elif path.endswith(".mount") and posixpath.dirname(path).lstrip("/") in (
            *systemd.SYSTEM_UNIT_DIRS, "run/systemd/system"):
        unit = {st.key: (st.value, st.line) for st in systemd.parse_unit(text)
                if st.section == "Mount"}
        if "What" in unit:
            point = unit.get("Where", ("/" + posixpath.basename(path)[:-6].replace("-", "/"), 0))[0]
            kind = unit.get("Type", ("auto", 0))[0]
            opts = unit.get("Options", ("defaults", 0))[0]
            out.append((unit["What"][1], f"mount -t {kind} -o {opts} {unit['What'][0]} {point}"))
    return out


# Files that set the environment of every job at once: PAM's (cron and logins read it), the
# service managers' DefaultEnvironment= and environment.d
_ENVIRONMENTS = ("etc/environment", *systemd.SYSTEM_MANAGER_CONF,
                 *(d for d in systemd.USER_MANAGER_CONF if not d.startswith("~")))
# variables naming a file every shell started non-interactively (BASH_ENV) or as sh (ENV) reads
# first, and a library every program loads
_STARTUP_VARIABLES = re.compile(r"(?:^|[\s\"'=])(BASH_ENV|ENV|LD_PRELOAD)=[\"']?([^\s\"':]+)")
_PRELOAD = "etc/ld.so.preload"


def _startup_settings(job: Job, place: Place, line: int, ev: str, path: str, text: str) -> None:
    """A setting written into a file that starts every job: a start-up file every shell reads
    (BASH_ENV, ENV in /etc/environment, DefaultEnvironment=, environment.d) is read as sourced
    by every job; a library every program loads (/etc/ld.so.preload, LD_PRELOAD) is code
    nobody can read."""
    p = path.lstrip("/")
    if p == _PRELOAD:
        libs = [w for ln in text.splitlines() for w in ln.split("#", 1)[0].split()]
        found = [("LD_PRELOAD", lib) for lib in libs]
    elif p in _ENVIRONMENTS or posixpath.dirname(p) in _ENVIRONMENTS:
        found = [(m.group(1), m.group(2)) for m in _STARTUP_VARIABLES.finditer(text)]
    else:
        return
    for name, value in found:
        note = f"planted into {path}: {name}={value}"
        if name == "LD_PRELOAD":
            job.sink.append(place.effect("unseen-code", line, ev, target=(
                f"{value}: loaded into every program the host starts ({note})")))
        elif job.written.get(value) is None and job.text_of(value) is None:
            job.sink.append(place.effect("unseen-code", line, ev, target=(
                f"{value}: read first by every shell a job starts, not captured ({note})")))
        else:
            read("shell", f". {value}", job, place.nested(line, ev, f"{note}: read first by "
                                                                    f"every shell a job starts"), {})
