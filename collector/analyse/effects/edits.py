"""Files replaced through an editor that nobody types into: `systemctl edit UNIT` and
`crontab -e` fed from standard input (`< /dev/null`, `--stdin`, a here-document) or run with
SYSTEMD_EDITOR/EDITOR/VISUAL set to a program that writes the file itself (`tee`, `cp /dev/null`,
`sed -i …`). What the file holds afterwards decides the effect: emptied or left without a
command (the unit neutralised, the crontab removed), new commands (judged as what the unit or
crontab runs), or content lineguard cannot know (tampering, or code it cannot see)."""

from __future__ import annotations

import re

from lineguard.collector.analyse.effects.commands import LINEGUARD, LOG_DAEMONS, base
from lineguard.collector.analyse.effects.model import is_known, markers, render, unknown
from lineguard.collector.analyse.effects.resolve import Job, Place

# Editors that leave the file as it was handed to them: nothing is changed.
_LEAVES = frozenset({"true", ":", "false", "cat", "less", "more", "view"})
# Editors that write their input into the file.
_FROM_INPUT = frozenset({"tee", "dd", "sponge"})
_TRIVIAL = re.compile(r"^[-@:+!]*(?:/usr)?(?:/bin/)?(?:true|false|:|sleep\s+infinity)?\s*$")
_SCHEDULER_UNIT = re.compile(r"^(?:cron|crond|atd|anacron)(?:\.service)?$|\.timer$|^timers\.target$")


def editor_of(env: dict[str, str], systemd: bool) -> str | None:
    """The editor systemctl (SYSTEMD_EDITOR first) and crontab run: EDITOR, VISUAL."""
    for name in ("SYSTEMD_EDITOR", "EDITOR", "VISUAL")[0 if systemd else 1:]:
        if env.get(name):
            return env[name]
    return None


def new_content(editor: str | None, stdin: str | None, from_stdin: bool, job: Job) -> str | None:
    """What the edited file holds afterwards: its text, a marker where it cannot be known, or
    None when nothing changes it (an interactive editor nobody types into, `EDITOR=true`)."""
    if from_stdin:
        return stdin if stdin is not None else unknown("the input given at run time")
    if editor is not None:
        words = editor.split()
        prog = base(render(words[0])) if words else ""
        if prog in _LEAVES:
            return None
        if prog in _FROM_INPUT:
            return stdin if stdin is not None else unknown("the input given at run time")
        if prog in ("cp", "install") and len(words) >= 2:
            src = render(words[-1])
            if src == "/dev/null":
                return ""
            text = job.text_of(src) if is_known(words[-1]) else None
            return text if text is not None else unknown(f"{src} (not captured)")
        if prog == "truncate" or editor.strip() in (": >", "true >"):
            return ""
        return unknown(f"what `{render(editor)[:60]}` makes of it")
    return stdin


def _keys(text: str) -> list[tuple[str, str]]:
    out = []
    for ln in text.splitlines():
        ln = ln.strip()
        if ln and not ln.startswith(("#", ";", "[")) and "=" in ln:
            k, _, v = ln.partition("=")
            out.append((k.strip(), v.strip()))
    return out


def unit_edit(unit: str, full: bool, content: str, job: Job, place: Place, line: int, ev: str
              ) -> list[str]:
    """Effects of a unit (or, without --full, a drop-in of it) replaced by `content`; returns
    the commands the new unit runs, for the caller to read as the job's own."""
    name = render(unit)
    if not is_known(content) or markers(content):
        src = "; ".join(d for _, _, d in markers(content)) or "content it cannot see"
        if LINEGUARD.search(name) or _SCHEDULER_UNIT.search(name) or LOG_DAEMONS.match(
                name.removesuffix(".service")):
            _neutralised(name, f"rewrites ({src})", job, place, line, ev)
        else:
            job.sink.append(place.effect("unseen-code", line, ev,
                                         target=f"unit {name} rewritten by systemctl edit from {src}"))
        return []
    keys = _keys(content)
    if not keys:
        if full:       # a drop-in left empty is not saved; a whole unit emptied is
            _neutralised(name, "empties the unit", job, place, line, ev)
        return []
    execs = [(k, v) for k, v in keys if k.startswith("Exec")]
    starts = [v for k, v in execs if k == "ExecStart"]
    blocked = any(k in ("ExecCondition", "ExecStartPre") and re.match(r"^[-@:+!]*(?:/usr)?(?:/bin/)?false\s*$", v)
                  for k, v in execs)
    timer = name.endswith(".timer")
    no_fire = timer and any(k.startswith("On") for k, _ in keys) and not any(
        k.startswith("On") and v for k, v in keys)
    idle = (starts and all(_TRIVIAL.match(v) for v in starts)) or (
        full and not timer and not starts and name.endswith(".service"))
    if blocked or no_fire or idle:
        _neutralised(name, "neutralises the unit", job, place, line, ev)
    return [re.sub(r"^[-@:+!]+", "", v) for _, v in execs if not _TRIVIAL.match(v)]


def _neutralised(name: str, how: str, job: Job, place: Place, line: int, ev: str) -> None:
    if LINEGUARD.search(name):
        job.sink.append(place.effect("tamper", line, ev, target=name, how=f"{how} of lineguard:"))
    elif _SCHEDULER_UNIT.search(name):
        job.sink.append(place.effect("tamper", line, ev, target=name,
                                     how=f"{how} (removes the scheduler's jobs):"))
    elif LOG_DAEMONS.match(name.removesuffix(".service")) or name.startswith("systemd-journald"):
        job.sink.append(place.effect("anti-forensics", line, ev, target=name,
                                     how=f"{how} of logging:"))
    else:
        job.sink.append(place.effect("tamper", line, ev, target=name, how=how))


def crontab_edit(content: str, job: Job, place: Place, line: int, ev: str) -> str | None:
    """Effects of a crontab replaced by `content`; returns the text to read as crontab lines."""
    if not is_known(content) or markers(content):
        src = "; ".join(d for _, _, d in markers(content)) or "content it cannot see"
        job.sink.append(place.effect("tamper", line, ev, target="the user's crontab",
                                     how=f"rewrites the scheduler entries ({src}) of"))
        return None
    if not any(ln.strip() and not ln.lstrip().startswith("#") for ln in content.splitlines()):
        job.sink.append(place.effect("tamper", line, ev, target="the user's crontab",
                                     how="removes (empties through crontab -e)"))
        return None
    return content
