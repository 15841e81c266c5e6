"""A job judged by its effects: every program it runs is read by the reader of its language,
the effects found are matched against the rules, and the job's context (dormancy, owner,
hidden location, change control, reach, gates, concealment) raises or lowers the result.

Public: `judge(job, files, fire, now) -> Judgement`, `effects_of(job, files) -> list[Effect]`."""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import fields, replace
from datetime import timedelta
from typing import Protocol

from lineguard.collector.analyse.effects import applet, control, device, expect, perl, python, shell  # noqa: F401  (readers register)
from lineguard.collector.analyse.effects.commands import LOCK_FILE
from lineguard.collector.analyse.effects.model import CHANGE_REF, Effect, change_ref_in, render
from lineguard.collector.analyse.effects.resolve import (
    FollowedFiles,
    Place,
    Reading,
    language_of,
    notes_of,
    read,
)
from lineguard.collector.analyse.effects.resolve import Job as Followed
from lineguard.collector.analyse.effects.rules import Rule, RuleSet, default_rules, glob_readings
from lineguard.collector.model import (
    AnacronTrigger,
    CalendarTrigger,
    CronTrigger,
    Fire,
    Job,
    Judgement,
    Reason,
    Severity,
    Verdict,
)
from lineguard.formats.wire import MASKED, MASKED_PREFIX, Artifact

DEFAULT_ADMINS = frozenset({"root", "admin", "administrator", "netadmin"})
_ABS_PATH = re.compile(r"(?<![\w.$}-])/(?:[\w.+@-]+/)*[\w.+@-]+")
# A change reference: a ticket id (CHG0012345, CRQ-1234, RFC#881, CR 2026-118) named in a comment
# or a ticket file the job reads.
# (what a job runs and where) -> its readings over differing captured files: a reading is
# reused only where every file it looked at is the same (see resolve.Looked)
_CACHE: dict[tuple, tuple[Reading, ...]] = {}
_CACHE_SIZE = 8192
_READINGS_PER_KEY = 8
_NOTHING_FOLLOWED = FollowedFiles()       # a job is followed from its command on


def clear_cache() -> None:
    """Forget every job read so far (benchmarks measure cold reading with it)."""
    _CACHE.clear()
    _MATCHED.clear()
    _JUDGED.clear()
    _MATCHED_FIELDS.clear()
    _ASSIGNMENTS.clear()
    _PAM_ENV.clear()
    _HOMES.clear()
    change_ref_in.cache_clear()
    shell._PROGRAMS.clear()
    shell._TREES.clear()
    shell._TAKES.clear()
    shell._REFS.clear()
    shell._tests_any_gate.cache_clear()
    perl._TREES.clear()
    perl._BODIES.clear()


def cache_key(job: Job, files: Mapping[str, Artifact]) -> tuple:
    """All of the job that following it depends on besides the captured files it looks at."""
    shas = tuple((n, files[n].sha256) for n in job.files if n in files)
    return (job.command, job.source, job.origin_path, job.origin_line, job.files, shas,
            job.actions, job.target if job.actions else None, job.command_at)


class Memo(Protocol):
    """Readings kept beyond this process (collector/readings.py), by `cache_key`."""

    def get(self, key: tuple) -> Reading | None: ...
    def put(self, key: tuple, reading: Reading) -> None: ...


def effects_of(job: Job, files: Mapping[str, Artifact], memo: Memo | None = None
               ) -> tuple[list[Effect], bool, str]:
    """(effects, talks to devices, change reference) of everything the job would run."""
    hit = reading_of(job, files, memo)
    return hit.effects, hit.talks_to_devices, hit.change_ref


def reading_of(job: Job, files: Mapping[str, Artifact], memo: Memo | None = None) -> Reading:
    """What following the job found, with every captured file it looked at."""
    key = cache_key(job, files)
    readings = _CACHE.get(key, ())
    hit = next((r for r in readings if r.looked.holds_for(files, _NOTHING_FOLLOWED)), None)
    if memo is not None:
        kept = memo.get(key)
        if kept is not None and kept.looked.holds_for(files, _NOTHING_FOLLOWED):
            hit = hit or kept
        else:
            hit = hit or _follow(job, files)
            if not hit.cut:         # a reading the CPU bound cut short is read again next run
                memo.put(key, hit)  # kept for later processes (read here, or earlier in this one)
    if hit is None:
        hit = _follow(job, files)
    if not readings or hit is not readings[0]:
        if key not in _CACHE and len(_CACHE) >= _CACHE_SIZE:
            del _CACHE[next(iter(_CACHE))]
        _CACHE[key] = (hit, *[r for r in readings if r is not hit][:_READINGS_PER_KEY - 1])
    return hit


def _follow(job: Job, files: Mapping[str, Artifact]) -> Reading:
    followed = Followed(files)
    place = Place(path=None, anchor=None)
    if job.actions:
        config = followed.text_of(job.origin_path) if job.origin_path else None
        sent = [e for cmd, line, text in applet.commands(job.actions, job.source, config)
                if (e := device.command_effect(cmd, job.target, job.origin_path, line, text))]
        followed.sink.extend(device.across(sent))
        followed.talks_to_devices |= bool(sent)
    if job.command.strip() and not job.actions:
        cmd_place = _command_place(job, followed)
        env = _startup(job, followed)
        read(*_command(job, env), followed, cmd_place, env)
        for name in job.files:
            if name in followed.read or name in followed.reached:
                continue
            # a file the agent linked to the job but no command above (nor a program it ran)
            # reached (run-parts directories, ExecStart of another key): read it as the job
            # would run it
            script = followed.text_of(name, captured=True)
            if script is not None and (script.startswith("#!") or
                                       name.endswith((".sh", ".py", ".pl", ".exp"))):
                followed.read.add(name)
                shell.run_program(followed, name, language_of(name, script), script, [], place)
    ref = ""
    for name in job.files:
        ref = change_ref_in(followed.text_of(name, captured=True) or "")
        if ref:
            break
    if not ref:
        m = CHANGE_REF.search(job.command) or _device_change_ref(job, followed)
        ref = m.group(0) if m else followed.change_ref     # named in a text read on the way
    followed.change_ref = ref
    followed.sink[:] = _rows(_at_own_lines(job, followed.sink))
    followed.sink.extend(_masked(followed.sink))
    return followed.reading()


def _masked(effects: list[Effect]) -> list[Effect]:
    """What a job does to a value the agent masked as a secret (formats.wire.MASKED: a
    `TOKEN=…` or `password = '…'` assignment, an option's value), each an `unparsed` effect:
    a path deleted, a command or payload run, a device or circuit acted on that is a
    secret's value is one lineguard cannot read, and a secret is never what a job deletes or
    runs: naming one so is how a path or a payload is kept out of the rules' sight."""
    out = []
    for e in effects:
        if e.kind in ("unparsed", "schedule-line", "runs"):
            continue
        # what it acts on: the path, the device, the object (the lines sent to a device or the
        # value set may hold a password or a community as they should)
        held = " ".join((e.target, e.obj, e.index))
        if MASKED_PREFIX in held and MASKED.search(held):
            out.append(replace(e, kind="unparsed", target=e.kind, lines=(), obj="", index="",
                               value="", how=f"not read: {e.how or e.kind} of "
                                              f"{render(e.target)}, a value the agent masked as a "
                                              "secret"))
    return out


def _command_place(job: Job, followed: Followed) -> Place:
    """Where the command's lines are: a command of several lines that stands as written in its
    origin file (a statement of rc.local) reports each effect at its own line there; one whose
    lines are written in several places (a unit's Exec lines and its drop-ins') reports each at
    its line of the command, then moved to where that line is written (`_at_own_lines`)."""
    if _has_own_lines(job):
        return Place(path=job.origin_path)
    if "\n" in job.command and job.origin_line:
        text = followed.text_of(job.origin_path) or ""
        lines = text.split("\n")[job.origin_line - 1:]
        if "\n".join(lines[:job.command.count("\n") + 1]) == job.command:
            return Place(path=job.origin_path, offset=job.origin_line - 1)
    return Place(path=job.origin_path, anchor=(job.origin_line or 0, job.command))


def _has_own_lines(job: Job) -> bool:
    return len(job.command_at) == job.command.count("\n") + 1


def _at_own_lines(job: Job, effects: list[Effect]) -> list[Effect]:
    """Effects (and their gates) reported at a line of the command moved to the file and line
    that line is written at: an Exec line a drop-in adds is cited in the drop-in."""
    if not _has_own_lines(job):
        return effects
    at = job.command_at

    def moved(path: str | None, line: int | None) -> tuple[str | None, int | None]:
        if path == job.origin_path and line is not None and 0 < line <= len(at):
            return at[line - 1]
        return path, line

    out = []
    for e in effects:
        path, line = moved(e.path, e.line)
        gates = tuple(replace(g, path=p, line=n) if (p, n) != (g.path, g.line) else g
                      for g in e.gates for p, n in [moved(g.path, g.line)])
        out.append(e if (path, line, gates) == (e.path, e.line, e.gates)
                   else replace(e, path=path, line=line, gates=gates))
    return out


_CRON_ENV = re.compile(r"^\s*([A-Za-z_]\w*)\s*=\s*(.*?)\s*$")
# The assignments of a crontab and the values of /etc/environment, per text: a crontab of 10,000
# lines defines 10,000 jobs, and each starts with the assignments above its own line.
_ASSIGNMENTS: dict[str, tuple[tuple[int, str, str, str], ...]] = {}
_PAM_ENV: dict[str, dict[str, str]] = {}
_HOMES: dict[str, dict[str, str]] = {}
# job sources whose commands run with the owner's HOME: cron jobs and login files
_HOME_SET_BY = frozenset({"cron", "login"})


def _homes(passwd: str) -> dict[str, str]:
    """user -> home folder, from the captured /etc/passwd (read once per text)."""
    hit = _HOMES.get(passwd)
    if hit is None:
        hit = {f[0]: f[5] for line in passwd.splitlines()
               if len(f := line.split(":")) >= 7 and f[5].startswith("/")}
        _remember(_HOMES, passwd, hit, 8)
    return hit


def _startup(job: Job, followed: Followed) -> dict[str, str]:
    """The environment a cron job starts with: the assignments above it in its crontab. With
    SHELL a bash, the file BASH_ENV names runs before the job: it is read here, where it acts."""
    env: dict[str, str] = {}
    if job.source == "sysv" and job.origin_line:
        return _rc_local_env(job, followed)
    if job.source in _HOME_SET_BY and job.owner:
        # cron sets HOME and LOGNAME from the owner's passwd entry (a crontab may set its
        # own); a login shell starts in the user's home: `~` and $HOME are the owner's
        home = _homes(followed.text_of("etc/passwd") or "").get(job.owner)
        if home:
            env.update(HOME=home, LOGNAME=job.owner, USER=job.owner)
    if job.source != "cron" or not job.origin_line:
        return env
    # pam_env: NAME=VALUE lines of /etc/environment (no shell syntax), then the crontab's own
    env.update(_pam_env(followed.text_of("etc/environment") or ""))
    where: dict[str, tuple[int, str]] = {}
    for no, name, value, line in _crontab_assignments(followed.text_of(job.origin_path) or ""):
        if no >= job.origin_line:
            break
        env[name] = value
        where[name] = (no, line)
    startup = env.get("BASH_ENV")
    if startup and env.get("SHELL", "/bin/sh").rsplit("/", 1)[-1] == "bash":
        read("shell", f". {shlex.quote(startup)}", followed,
             Place(path=job.origin_path, anchor=where["BASH_ENV"]), env)
    return env


def _command(job: Job, env: dict[str, str]) -> tuple[str, str]:
    """The language and text of a job's command. Cron runs it as `$SHELL -c COMMAND`: with
    SHELL a Python, the command is Python code; with another interpreter it is what that
    interpreter makes of `-c COMMAND` (perl's -c checks a file's syntax, running nothing)."""
    shell_path = env.get("SHELL", "") if job.source == "cron" else ""
    language = language_of("", f"#!{shell_path}") if shell_path else "shell"
    if language in ("shell", "python"):
        return language, job.command
    return "shell", f"{shlex.quote(shell_path)} -c {shlex.quote(job.command)}"


def _pam_env(text: str) -> dict[str, str]:
    hit = _PAM_ENV.get(text)
    if hit is None:
        hit = {}
        for line in text.split("\n"):
            m = _CRON_ENV.match(line)
            if m and not line.lstrip().startswith("#"):
                try:
                    words = shlex.split(m.group(2))     # also read by shells: quoted as they quote
                except ValueError:
                    words = []
                hit[m.group(1)] = words[0] if len(words) == 1 else m.group(2).strip("'\"")
        _remember(_PAM_ENV, text, hit)
    return hit


def _crontab_assignments(text: str) -> tuple[tuple[int, str, str, str], ...]:
    """(line, name, value, the line) of every NAME=value line of a crontab, in order."""
    hit = _ASSIGNMENTS.get(text)
    if hit is None:
        found = []
        for no, line in enumerate(text.split("\n"), 1):
            m = _CRON_ENV.match(line) if "=" in line else None
            if m and not line.lstrip().startswith("#"):
                found.append((no, m.group(1), m.group(2).strip("'\""), line.strip()))
        hit = tuple(found)
        _remember(_ASSIGNMENTS, text, hit)
    return hit


def _remember(cache: dict, key: object, value: object, size: int = 64) -> None:
    if len(cache) >= size:
        del cache[next(iter(cache))]
    cache[key] = value


_RC_ASSIGN = re.compile(r"^(?:export\s+)?([A-Za-z_]\w*)=(\S*)\s*$")


def _rc_local_env(job: Job, followed: Followed) -> dict[str, str]:
    """A statement of rc.local starts with the variables the lines above it set."""
    env: dict[str, str] = {}
    for line in (followed.text_of(job.origin_path) or "").split("\n")[:(job.origin_line or 1) - 1]:
        m = _RC_ASSIGN.match(line)
        if m:
            env[m.group(1)] = m.group(2).strip("'\"")
    return env


def _job_texts(job: Job, files: Mapping[str, Artifact]) -> list[str]:
    """The job's command and the texts of the files it runs (where it declares a window)."""
    return [job.command] + [files[n].text() or "" for n in job.files if n in files]


def _device_change_ref(job: Job, followed: Followed) -> re.Match[str] | None:
    """A change ticket named in the comment lines just above a device-side job."""
    if not job.actions or not job.origin_line:
        return None
    text = followed.text_of(job.origin_path)
    if text is None:
        return None
    lines = text.split("\n")
    last = max([job.origin_line] + [ln or 0 for _, ln in job.actions])
    return CHANGE_REF.search("\n".join(lines[max(0, job.origin_line - 8):last]))


def _rows(effects: list[Effect]) -> list[Effect]:
    """Each SNMP SET with the other values the job sets in the same table row on the same
    devices: a config-copy request is judged by its source and destination together."""
    from lineguard.collector.analyse.effects.mib import mib
    by_name = mib().by_name
    rows: dict[tuple[str, str, str], list[str]] = {}
    keys: list[tuple[str, str, str] | None] = []
    for e in effects:
        obj = by_name.get(e.obj) if e.kind == "snmp-set" else None
        key = (obj.table, e.index, e.target) if obj is not None and obj.table else None
        keys.append(key)
        if key is not None:
            rows.setdefault(key, []).append(f"{e.obj}={e.value}")
    return [replace(e, row=" ".join(rows[k])) if k is not None and len(rows[k]) > 1 else e
            for e, k in zip(effects, keys, strict=True)]


_MATCHED: dict[tuple[int, int], tuple[RuleSet, Effect, tuple[Rule, ...]]] = {}
_MATCHED_FIELDS: dict[tuple, tuple[RuleSet, tuple[Rule, ...]]] = {}


def _matching(rs: RuleSet, e: Effect) -> tuple[Rule, ...]:
    """The action rules an effect matches, remembered per rule set and effect object (a
    program's effects are shared by every job that runs it)."""
    key = (id(rs), id(e))
    hit = _MATCHED.get(key)
    if hit is not None and hit[0] is rs and hit[1] is e:
        return hit[2]
    candidates = rs.by_effect.get(e.kind, ())
    found: tuple[Rule, ...] = ()
    if candidates:
        # rules see only the effect's fields: effects alike in those (the same cleanup in many
        # scripts) are matched once
        fields = e.fields()
        by_fields = (id(rs), e.kind, e.lines, *fields.values())
        alike = _MATCHED_FIELDS.get(by_fields)
        if alike is not None and alike[0] is rs:
            found = alike[1]
        else:
            found = tuple(r for r in candidates if r.matches(e, fields))
            # a glob is at least as loud as each path it could name (rules.glob_readings)
            for path in glob_readings(fields["target"], rs.words):
                named = {**fields, "target": path}
                found += tuple(r for r in candidates if r not in found and r.matches(e, named))
            if len(_MATCHED_FIELDS) >= 65536:
                del _MATCHED_FIELDS[next(iter(_MATCHED_FIELDS))]
            _MATCHED_FIELDS[by_fields] = (rs, found)
    if len(_MATCHED) >= 65536:
        del _MATCHED[next(iter(_MATCHED))]
    _MATCHED[key] = (rs, e, found)     # both kept, so neither id is reused while remembered
    return found


def _yearly(job: Job) -> bool:
    t = job.trigger
    if isinstance(t, CronTrigger):
        f = t.expr.split()
        if t.expr.strip() in ("@yearly", "@annually"):
            return True
        return len(f) == 5 and f[2].isdigit() and f[3].isalnum() and f[3] != "*"
    if isinstance(t, AnacronTrigger):
        return t.period in ("@yearly", "@annually") or (t.period.isdigit() and int(t.period) >= 365)
    if isinstance(t, CalendarTrigger):
        return any(c.strip() in ("yearly", "annually") or
                   re.match(r"^(\w{3}\s+)?\*-\d{1,2}-\d{1,2}\b", c.strip()) for c in t.calendars)
    return False


def _reason(rule: Rule, evidence: str, path: str | None, line: int | None, title: str = "",
            severity: Severity | None = None, effect: Effect | None = None) -> Reason:
    return Reason(rule=rule.id, evidence=evidence.strip(), path=path, line=line,
                  title=title or rule.title, explanation=rule.description,
                  severity=severity or rule.severity, references=rule.references,
                  effect=effect.kind if effect is not None else "",
                  subject=render(effect.target) if effect is not None else "")


def _pseudo(job: Job, looked: tuple[tuple[str, str | None], ...]) -> list[Effect]:
    """The job's own program and schedule line, for location and padding rules. A lock, pid
    or heartbeat file on the command line (`flock /run/.x.lock …`, `date > ~/.heartbeat`) is
    a program the job runs only where following the job looked it up as one: otherwise the
    job only takes, writes or removes it, its own housekeeping."""
    out = [Effect("schedule-line", job.origin_path, job.origin_line, job.command,
                  target=job.command)]
    cmd_paths = [p.lstrip("/") for p in _ABS_PATH.findall(job.command)]
    locks = [p for p in cmd_paths if LOCK_FILE.search(p)] if cmd_paths else ()
    if locks:
        names = {name for name, _ in looked}
        cmd_paths = [p for p in cmd_paths if p not in locks or p in names or p in job.files]
    lines = job.command.split("\n") if _has_own_lines(job) else []
    for name in dict.fromkeys([*cmd_paths, *job.files[:1]]):
        in_cmd = name in cmd_paths
        path, line, evidence = (job.origin_path, job.origin_line, job.command) if in_cmd \
            else (name, None, name)
        # the line of the command that names it, where that line is written
        own = next((i for i, text in enumerate(lines) if "/" + name in text), None) \
            if in_cmd else None
        if own is not None:
            (path, line), evidence = job.command_at[own], lines[own]
        out.append(Effect("runs", path, line, evidence, target=name))
    return out


def judge(job: Job, files: Mapping[str, Artifact], fire: Fire | None, now, *,
          rules: RuleSet | None = None, admins: frozenset[str] = DEFAULT_ADMINS,
          memo: Memo | None = None) -> Judgement:
    """What the job will do, with a reason for every effect a rule judges, pointing at file and
    line; `fire` and `now` judge dormancy, `admins` are owners whose device jobs are not raised,
    `memo` keeps readings beyond this process."""
    rs = rules or default_rules()
    reading = reading_of(job, files, memo)
    key = _judged_key(job, reading, rs, fire, now, admins)
    try:
        hit = _JUDGED.get(key)
        kept = True
    except TypeError:          # a value that cannot be a key: judged every time
        hit, kept = None, False
    if hit is not None and hit[0] is reading and hit[1] is rs:
        return hit[2]
    judgement = _judgement(job, files, fire, now, rs, admins, reading)
    if kept:
        if len(_JUDGED) >= 65536:
            del _JUDGED[next(iter(_JUDGED))]
        _JUDGED[key] = (reading, rs, judgement)    # both kept, so neither id is reused
    return judgement


# Fields of a job its judgement does not depend on: where the job runs (a device-side job's
# target is part of its reading), and who put it there and when (shown with it, not judged).
# Any other field, and any field added later, is part of the key.
_NOT_JUDGED = frozenset({"target", "provenance", "defined_in"})
_JUDGED_FIELDS = tuple(f.name for f in fields(Job) if f.name not in _NOT_JUDGED)
_JUDGED: dict[tuple, tuple[Reading, RuleSet, Judgement]] = {}


def _judged_key(job: Job, reading: Reading, rs: RuleSet, fire: Fire | None, now,
                admins: frozenset[str]) -> tuple:
    """What a judgement depends on besides the files the reading looked at (the reading holds
    for them): the same packaged job on a thousand hosts is judged once per schedule."""
    return (id(reading), id(rs), fire, now, admins, job.target if job.actions else None,
            *[getattr(job, name) for name in _JUDGED_FIELDS])


def _judgement(job: Job, files: Mapping[str, Artifact], fire: Fire | None, now, rs: RuleSet,
               admins: frozenset[str], reading: Reading) -> Judgement:
    effects, touches_devices, change_ref = reading.effects, reading.talks_to_devices, \
        reading.change_ref
    looked = reading.looked.files          # sorted by name (resolve.Looked)
    reasons: list[Reason] = []
    verdict_of: dict[Reason, Verdict] = {}
    dormant = rs.context.get("dormant")
    setting = control.Setting(job=job, fire=fire, now=now, change_ref=change_ref,
                              texts=lambda: _job_texts(job, files),
                              counted=lambda: _destructive_changes(effects, rs),
                              near=timedelta(days=float(dormant.params.get("days", 14))
                                             if dormant is not None else 14))
    for i, e in enumerate([*effects, *_pseudo(job, looked)]):
        for rule in _matching(rs, e):
            sev, verdict = rule.severity, rule.verdict
            title = rule.title
            desc = e.describe()
            if e.kind not in ("runs", "schedule-line") and desc:
                title = f"{title}: {desc}"
            if e.via:
                title += " (" + "; ".join(e.via) + ")"
            notes = notes_of(e.target, e.index, *e.lines)
            unknowns = [n for n in notes if n.startswith("unknown:")]
            if unknowns:
                title += " [" + "; ".join(unknowns) + "]"
            ctl = control.control_of(e, i, effects, setting, rule.acts_on_a_whole_set(e)) \
                if verdict is Verdict.DESTRUCTIVE and e.called else None
            if verdict is Verdict.DESTRUCTIVE and e.reach == "all" and not (ctl and ctl.copied):
                sev = sev.step(1, lowest=Severity.LOW)
            if not e.called and verdict is Verdict.DESTRUCTIVE:
                sev, verdict = Severity.LOW, Verdict.SUSPICIOUS
            elif ctl is not None and ctl.lowers:
                # a controlled change of one thing: still shown, never hidden
                sev, verdict = min(sev, Severity.MEDIUM), Verdict.SUSPICIOUS
            elif ctl is not None and ctl.copied:
                # a mass change with a copy kept: recoverable, but still at least high
                sev = max(sev, Severity.HIGH)
            if ctl is not None:
                title += ctl.note()
            r = _reason(rule, e.evidence, e.path, e.line, title, sev, e)
            reasons.append(r)
            verdict_of[r] = verdict
            if verdict is not Verdict.BENIGN and e.kind in ("snmp-set", "device-command"):
                touches_devices = True
            if verdict is Verdict.DESTRUCTIVE:
                for g in e.gates:
                    gr = rs.gates.get(g.kind) or rs.gates.get("environment")
                    if gr is not None:
                        gate = _reason(gr, g.evidence, g.path, g.line, f"{gr.title}: {g.detail}")
                        reasons.append(gate)
                        verdict_of[gate] = gr.verdict
        if e.kind == "concealment" and rs.concealment is not None:
            r = _reason(rs.concealment, e.evidence, e.path, e.line,
                        f"{rs.concealment.title}: {e.describe()}")
            reasons.append(r)
            verdict_of[r] = rs.concealment.verdict
    reasons = list(dict.fromkeys(reasons))
    reasons = _dedupe(reasons)
    verdict = max((verdict_of.get(r, Verdict.BENIGN) for r in reasons), default=Verdict.BENIGN)
    flagged = [r for r in reasons if r.severity is not Severity.INFO]
    if not flagged:
        return Judgement(verdict=verdict, severity=Severity.INFO, reasons=tuple(reasons),
                         looked=looked)
    severity = max(r.severity for r in reasons)
    steps = 0
    ctx = rs.context
    if dormant is not None and verdict is not Verdict.BENIGN:
        days = float(dormant.params.get("days", 14))
        far = fire is not None and fire.at is not None and fire.at - now > timedelta(days=days)
        if far or _yearly(job):
            when = (f"first fire {fire.at.strftime('%Y-%m-%dT%H:%M:%SZ')}, "
                    f"in {(fire.at - now).days} days" if far and fire and fire.at
                    else f"runs once a year ({job.schedule})")
            reasons.append(_reason(dormant, f"{job.schedule} — {when}", job.origin_path,
                                   job.origin_line, f"{dormant.title}: {when}"))
            steps += 1
    unknown_fire = ctx.get("unknown-fire")
    if unknown_fire is not None and verdict is not Verdict.BENIGN and fire is not None and \
            fire.kind == "unknown":
        # unknown is not benign: a fire time that cannot be known may be a time bomb's
        reasons.append(_reason(unknown_fire, f"{job.schedule} — {fire.note}", job.origin_path,
                               job.origin_line, f"{unknown_fire.title}: {fire.note}"))
        steps += 1
    owner_rule = ctx.get("owner")
    if owner_rule is not None and touches_devices and job.owner and job.owner not in admins \
            and verdict is not Verdict.BENIGN:
        reasons.append(_reason(owner_rule, f"owner {job.owner}", job.origin_path, job.origin_line,
                               f"{owner_rule.title}: {job.owner}"))
        steps += 1
    location = [r for r in reasons if r.rule.startswith("lg.conceal.hidden")]
    if location and len(flagged) > len(location):
        steps += 1
    inert = ctx.get("inert")
    if inert is not None and (job.state in ("inert", "disabled") or
                              (fire is not None and fire.kind == "never")):
        why = job.problem or (fire.note if fire is not None else "") or job.state
        reasons.append(_reason(inert, why, job.origin_path, job.origin_line,
                               f"{inert.title}: {why}"))
        steps -= 1
    if steps and verdict is not Verdict.BENIGN:
        severity = severity.step(steps, lowest=Severity.LOW)
    if verdict is Verdict.SUSPICIOUS:
        # context makes a finding more urgent, never more certain: what lineguard could not
        # judge to be destructive stays at most medium
        severity = min(severity, Severity.MEDIUM)
    if verdict is Verdict.SUSPICIOUS and change_ref and severity >= Severity.HIGH and not any(
            verdict_of.get(r) is Verdict.DESTRUCTIVE for r in reasons):
        severity = Severity.MEDIUM
    severity = max(severity, unread_floor(reasons, rs))
    reasons.sort(key=lambda r: (-r.severity.rank, r.path or "", r.line or 0))
    return Judgement(verdict=verdict, severity=severity, reasons=tuple(reasons), looked=looked)


def unread_floor(reasons: tuple[Reason, ...] | list[Reason], rules: RuleSet) -> Severity:
    """The severity below which nothing takes a job where a reading limit left something
    unread (rules with params.unread): not the cap on what is only suspicious, not a change
    ticket, not a rare trigger's context. INFO where there is none."""
    ids = _UNREAD.get(id(rules))
    if ids is None or ids[0] is not rules:
        ids = _UNREAD[id(rules)] = (rules, frozenset(r.id for r in rules.rules
                                                      if r.params.get("unread")))
    return max((r.severity for r in reasons if r.rule in ids[1]), default=Severity.INFO)


_UNREAD: dict[int, tuple[RuleSet, frozenset[str]]] = {}


def _destructive_changes(effects: list[Effect], rs: RuleSet) -> int:
    """How many things the job's destructive effects change in all, each distinct effect once
    (two rules judging one deletion are one change; a device session counts its change lines)."""
    seen: dict[tuple, int] = {}
    for e in effects:
        if e.called and any(r.verdict == "destructive" for r in _matching(rs, e)):
            key = (e.kind, e.how, e.target, e.obj, e.index, e.lines)
            seen[key] = control.changes_in(e)
    return sum(seen.values())


def _dedupe(reasons: list[Reason]) -> list[Reason]:
    """One reason per rule and line: the loudest. Code run unseen is one reason per source
    (a line that runs an uncaptured file's content and installs what it prints as a job names
    both)."""
    best: dict[tuple, Reason] = {}

    def key(r: Reason) -> tuple:
        return (r.rule, r.path, r.line, r.subject if r.effect == "unseen-code" else "")

    for r in reasons:
        k = key(r)
        if k not in best or r.severity > best[k].severity:
            best[k] = r
    return [r for r in reasons if best[key(r)] is r]

