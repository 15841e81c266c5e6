"""Judging what a job will do: destructive-action rules (data, in collector/rules/*.yaml) applied
to everything the job would execute — its command, the scripts and sourced files captured with
it, heredocs, inline programs, decoded payloads and device-side actions — with the job's
context (dormancy, owner, hidden location) raising or lowering the result.

Public: `load_rules(path=None) -> list[Rule]`, `judge(job, files, fire, now) -> Judgement`.

A rule file holds `macros:` (name -> regex fragment, written {name} in patterns) and `rules:`,
each with id, title, description (the explanation an alert quotes), severity, verdict, family,
references (ATT&CK), scope, optional role, match and examples/counterexamples:
  scope   where it applies: shell | python | snmp | sql | tl1 | any (host-side text: script
          lines, commands, heredocs, inline programs, decoded payloads), device-cli (commands a
          device receives: job actions, expect `send`, netmiko strings, heredocs fed to ssh),
          path (the executed file's name), command (the job's own command line), context.
          sql rules run only where SQL reaches a database (psql -c, a heredoc to mysql, …).
  role    action (default) | encoded (names a decode-and-run technique; the engine decodes
          and judges the payload itself) | gate (a condition that arms a destructive line:
          reported only with one) | context (dormancy, owner, cannot-fire: adjust severity).
  match   any: [regex] (one must match), all: [regex], not: [regex], file_all: [regex] (must
          each match somewhere in the same file), hint: [substring] (lower-case; a line with
          none of them is not tried — the test suite runs every example through the engine,
          so a wrong hint fails there). Context rules carry parameters instead (kind, days).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from agent.wire import Artifact
from collector.analyse import shell
from collector.model import (
    SEVERITIES,
    VERDICTS,
    AnacronTrigger,
    CalendarTrigger,
    CronTrigger,
    Fire,
    Job,
    Judgement,
    Reason,
)

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
SCOPES = ("shell", "python", "snmp", "sql", "tl1", "device-cli", "any", "path", "command",
          "context")
ROLES = ("action", "gate", "encoded", "context")
HOST_SCOPES = frozenset({"shell", "python", "snmp", "sql", "tl1", "any"})
DEVICE_SCOPES = frozenset({"device-cli", "tl1", "any"})
DEFAULT_ADMINS = frozenset({"root", "admin", "administrator", "netadmin"})
_MACRO = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_ABS_PATH = re.compile(r"(?<![\w.$}-])/(?:[\w.+@-]+/)*[\w.+@-]+")
_MAX_TEXT = 2_000_000
_MAX_DEPTH = 3
# libyaml's parser when PyYAML has it: the same safe loading, several times faster
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RuleError(ValueError):
    """A rule file is malformed; the message names the file and the rule."""


@dataclass(frozen=True)
class Rule:
    """One detection, loaded from YAML. `match` holds regexes (any/all/not/file_all) for line
    rules, or parameters for context rules."""

    id: str
    title: str
    description: str
    severity: str
    verdict: str
    family: str
    scope: str
    references: tuple[str, ...] = ()
    role: str = "action"
    any: tuple[re.Pattern[str], ...] = ()
    all: tuple[re.Pattern[str], ...] = ()
    none: tuple[re.Pattern[str], ...] = ()
    file_all: tuple[re.Pattern[str], ...] = ()
    hints: tuple[str, ...] = ()       # lower-case substrings a matching line must contain one of
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    examples: tuple[Any, ...] = field(default=(), compare=False, hash=False)
    counterexamples: tuple[Any, ...] = field(default=(), compare=False, hash=False)
    source: str = ""

    def matches(self, text: str) -> bool:
        """Does one line of text satisfy the line patterns (file_all is checked per unit)?"""
        # plain loops: this runs for every rule on every hinted line, generators cost more here
        for p in self.any:
            if p.search(text):
                break
        else:
            return False
        for p in self.all:
            if not p.search(text):
                return False
        for p in self.none:
            if p.search(text):
                return False
        return True


def _compile(patterns: Any, macros: Mapping[str, str], where: str) -> tuple[re.Pattern[str], ...]:
    if patterns is None:
        return ()
    if isinstance(patterns, str):
        patterns = [patterns]
    out = []
    for p in patterns:
        expanded = p
        for _ in range(3):     # macros may use macros
            expanded = _MACRO.sub(lambda m: macros.get(m.group(1), m.group(0)), expanded)
        try:
            out.append(re.compile(expanded))
        except re.error as e:
            raise RuleError(f"{where}: bad regex {p!r}: {e}") from None
    return tuple(out)


def _rule(doc: Mapping[str, Any], macros: Mapping[str, str], source: str) -> Rule:
    rid = doc.get("id")
    where = f"{source}: rule {rid!r}"
    for key in ("id", "title", "description", "severity", "verdict", "family", "scope"):
        if not isinstance(doc.get(key), str) or not doc[key].strip():
            raise RuleError(f"{where}: missing {key}")
    if doc["severity"] not in SEVERITIES or doc["verdict"] not in VERDICTS:
        raise RuleError(f"{where}: severity must be one of {SEVERITIES}, verdict one of {VERDICTS}")
    if doc["scope"] not in SCOPES or doc.get("role", "action") not in ROLES:
        raise RuleError(f"{where}: scope must be one of {SCOPES}, role one of {ROLES}")
    match = doc.get("match") or {}
    if not isinstance(match, dict):
        raise RuleError(f"{where}: match must be a mapping")
    role = doc.get("role", "action")
    rule = Rule(
        id=rid, title=doc["title"].strip(), description=" ".join(doc["description"].split()),
        severity=doc["severity"], verdict=doc["verdict"], family=doc["family"],
        scope=doc["scope"], references=tuple(doc.get("references") or ()), role=role,
        any=_compile(match.get("any"), macros, where), all=_compile(match.get("all"), macros, where),
        none=_compile(match.get("not"), macros, where),
        file_all=_compile(match.get("file_all"), macros, where),
        hints=tuple(str(h).lower() for h in match.get("hint") or ()),
        params={k: v for k, v in match.items()
                if k not in ("any", "all", "not", "file_all", "hint")},
        examples=tuple(doc.get("examples") or ()),
        counterexamples=tuple(doc.get("counterexamples") or ()), source=source)
    if role != "context" and not rule.any:
        raise RuleError(f"{where}: match.any is required")
    return rule


def load_rules(path: str | Path | None = None) -> list[Rule]:
    """Every rule in a YAML file, or in every *.yaml of a directory (default: the shipped rules).

    A file holds `macros:` (name -> regex fragment, used as {name} in patterns; shared by all
    files) and `rules:` (a list of rule documents)."""
    base = Path(path) if path is not None else RULES_DIR
    paths = sorted(base.glob("*.yaml")) if base.is_dir() else [base]
    docs = []
    for p in paths:
        try:
            doc = yaml.load(p.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}
        except yaml.YAMLError as e:
            raise RuleError(f"{p.name}: not valid YAML: {e}") from None
        docs.append((p.name, doc))
    macros: dict[str, str] = {}
    for _, doc in docs:
        macros.update(doc.get("macros") or {})
    rules: list[Rule] = []
    seen: set[str] = set()
    for name, doc in docs:
        for rd in doc.get("rules") or ():
            rule = _rule(rd, macros, name)
            if rule.id in seen:
                raise RuleError(f"{name}: duplicate rule id {rule.id!r}")
            seen.add(rule.id)
            rules.append(rule)
    return rules


# --- one file (or inline text) judged line by line, cached by content -----------------------


@dataclass(frozen=True)
class Hit:
    rule: Rule
    line: int
    evidence: str
    function: str | None = None
    conditions: tuple[int, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class UnitResult:
    hits: tuple[Hit, ...]
    gates: Mapping[int, tuple[Rule, str]]          # condition line -> (gate rule, its evidence)
    functions: Mapping[str, tuple[int, int]]
    calls: tuple[tuple[int, str, str | None, str], ...]   # line, word, in function, evidence
    refs: tuple[str, ...]                          # absolute paths it names (no leading /)
    talks_to_devices: bool
    # Plain VAR=value assignments, for scripts that source this file.
    exports: Mapping[str, str] = field(default_factory=dict)
    # Lines that still name variables this file does not set: re-judged with the values the
    # job's other files (e.g. a sourced /etc/default/…) give them.
    open_lines: tuple[tuple[shell.Line, int, str], ...] = ()     # (line, number, text)


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    host: tuple[Rule, ...]
    sql: tuple[Rule, ...]
    device: tuple[Rule, ...]
    gates: tuple[Rule, ...]
    paths: tuple[Rule, ...]
    commands: tuple[Rule, ...]
    context: Mapping[str, Rule]
    encoded: Rule | None
    verdicts: Mapping[str, str] = field(default_factory=dict)     # rule id -> its verdict
    # Per group, every rule's hints, or None when some rule has none: a line containing no hint
    # of its group cannot match any rule of it, and most lines are rejected by that alone.
    hints: Mapping[str, tuple[str, ...] | None] = field(default_factory=dict)

    @classmethod
    def of(cls, rules: Iterable[Rule]) -> RuleSet:
        rules = tuple(rules)
        line_rules = [r for r in rules if r.role in ("action", "encoded")]
        host = tuple(r for r in line_rules if r.scope in HOST_SCOPES - {"sql"})
        sql = tuple(r for r in line_rules if r.scope == "sql")
        device = tuple(r for r in line_rules if r.scope in DEVICE_SCOPES)
        return cls(
            rules=rules, host=host, sql=sql, device=device,
            hints={"host": _union_hints(host), "sql": _union_hints(sql),
                   "device": _union_hints(device)},
            gates=tuple(r for r in rules if r.role == "gate"),
            paths=tuple(r for r in rules if r.scope == "path"),
            commands=tuple(r for r in rules if r.scope == "command"),
            context={r.params.get("kind", r.id): r for r in rules if r.role == "context"},
            encoded=next((r for r in rules if r.role == "encoded"), None),
            verdicts={r.id: r.verdict for r in rules})


@lru_cache(maxsize=1024)
def _hint_re(hints: tuple[str, ...]) -> re.Pattern[str]:
    """One compiled alternation per hint set: a single C-level scan instead of a Python loop.
    It only answers whether some hint occurs, so a hint containing another is dropped and the
    rest are merged by common prefix (`r(?:ev|m)`), which this regex engine scans faster."""
    words = set(hints)
    if not words or "" in words:
        return re.compile("")        # no hint, or an empty one: every line qualifies
    return re.compile(_prefix_tree([w for w in words if not any(o in w for o in words - {w})]))


def _prefix_tree(words: list[str]) -> str:
    """An alternation of non-empty words, none a prefix of another, merged by first letter."""
    first: dict[str, list[str]] = {}
    for w in sorted(words):
        first.setdefault(w[0], []).append(w[1:])
    alts = [re.escape(c) + ("" if rest == [""] else _prefix_tree(rest))
            for c, rest in first.items()]
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


def _union_hints(rules: Iterable[Rule]) -> tuple[str, ...] | None:
    out: list[str] = []
    for r in rules:
        if not r.hints:
            return None
        out.extend(r.hints)
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    return RuleSet.of(load_rules())


class _Analyser:
    """Judges texts with one rule set; results cached by (sha256, language)."""

    def __init__(self, rules: RuleSet, cache_size: int = 8192):
        self.rules = rules
        self.cache: dict[tuple[str, str], UnitResult] = {}
        self.resolved: dict[tuple[int, tuple], tuple[UnitResult, list[Hit]]] = {}
        self.cache_size = cache_size
        # Hint alternations compiled once (None: the group has a rule without hints, or none).
        self.group_hint = {g: _hint_re(rules.hints[g]) if rules.hints.get(g) else None
                           for g in ("host", "sql", "device")}
        self.rule_hint = {r.id: _hint_re(r.hints) for r in rules.rules if r.hints}

    def unit(self, name: str, text: str, language: str | None = None, depth: int = 0,
             sha256: str | None = None) -> UnitResult:
        """The judged lines of one text; `sha256` (an artifact's) saves hashing it again."""
        digest = sha256 or hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()
        key = (digest, language or name)
        hit = self.cache.get(key)
        if hit is None:
            hit = self._analyse(name, text[:_MAX_TEXT], language, depth)
            if len(self.cache) >= self.cache_size:
                # evict the oldest only: texts shared by many jobs stay cached in large runs
                del self.cache[next(iter(self.cache))]
            self.cache[key] = hit
        return hit

    def _scan(self, group: str, rules: tuple[Rule, ...], texts: list[str], low: list[str],
              out: dict[str, Rule]) -> None:
        """Rules of a group that match one of `texts` (`low`: the same, lower-cased)."""
        union = self.group_hint[group]
        if union is not None and not any(union.search(t) for t in low):
            return
        rule_hint = self.rule_hint
        for r in rules:
            if r.id in out:
                continue
            hint = rule_hint.get(r.id)
            if hint is not None and not any(hint.search(t) for t in low):
                continue
            if any(r.matches(t) for t in texts):
                out[r.id] = r

    def _analyse(self, name: str, text: str, language: str | None, depth: int) -> UnitResult:
        if language == "python" and not shell.language_of(name, text) == "python":
            text = "#!/usr/bin/python3\n" + text
            offset = 1
        else:
            offset = 0
        script = shell.read_script(name, text)
        env: dict[str, str] = {"IFS": " "}      # `rm${IFS}-rf` is rm -rf to the shell
        open_lines: list[tuple[shell.Line, int, str]] = []
        functions: dict[str, tuple[int, int]] = dict(script.functions)
        calls: list[tuple[int, str, str | None, str]] = []
        hits: list[Hit] = []
        by_line: dict[int, shell.Line] = {}
        language = script.language
        nests = depth < _MAX_DEPTH
        quiet = self._quiet(script)
        for ln in script.lines:
            no = ln.no - offset
            by_line[no] = ln
            context, line = ln.context, ln.text
            if nests and ln.reader and context in ("shell", "python"):
                continue          # a program of its own, read whole below
            if context == "shell" and language != "python":
                assign = shell.assignments(line)
                if assign and assign[1] is None:
                    env.pop(assign[0], None)
                elif assign:
                    env[assign[0]] = shell.expand(assign[1], env)
            if quiet:
                continue
            matched: dict[str, Rule] = {}
            expanded = shell.expand(line, env)
            texts = [line] if expanded == line else [line, expanded]
            if language == "python" or context == "python":
                texts.append(shell.unquoted(line))
            self._scan_host(ln, name, texts, matched)
            if language == "shell" and shell.has_vars(expanded) and self._hinted(expanded):
                open_lines.append((ln, no, expanded))
            device: list[str] = []
            if context == "text":
                device = shell.device_texts(line)
            elif language == "python":
                if script.talks_to_devices:
                    device = [d for lit in shell.python_literals(line)
                              for d in shell.device_texts(lit)]
            elif shell.talks_to_device(line):
                device = [d for lit in shell.shell_literals(line)
                          for d in shell.device_texts(lit)]
            if device:
                self._scan("device", self.rules.device, device, [d.lower() for d in device],
                           matched)
            for r in matched.values():
                hits.append(Hit(r, no, ln.evidence, ln.function, ln.conditions))
            if nests:
                hits.extend(self._nested(ln, no, depth, matched))
        if nests:
            for first, lang, body in script.heredoc_programs:
                sub = self.unit("heredoc", body, lang, depth + 1)
                shift = first - 1 - offset
                for h in sub.hits:
                    host = by_line.get(h.line + shift)
                    outer = host.conditions if host else ()
                    hits.append(Hit(h.rule, h.line + shift, h.evidence,
                                    h.function or (host.function if host else None),
                                    outer + tuple(c + shift for c in h.conditions), h.note))
                functions.update({f: (a + shift, b + shift) for f, (a, b) in sub.functions.items()})
                calls.extend((ln_no + shift, w, fn, ev) for ln_no, w, fn, ev in sub.calls)
        if hits:
            hits = list({(h.rule.id, h.line): h for h in reversed(hits)}.values())[::-1]
            hits = [h for h in hits if self._file_ok(h.rule, text)]
        gates: dict[int, tuple[Rule, str]] = {}
        for h in hits:
            for c in set(h.conditions) | {h.line}:
                ln = by_line.get(c)
                if ln is None or c in gates:
                    continue
                g = next((g for g in self.rules.gates if g.matches(ln.text)), None)
                if g is not None:
                    gates[c] = (g, ln.evidence)
        refs = tuple(dict.fromkeys(p.lstrip("/") for ln in script.lines if "/" in ln.text
                                   for p in _ABS_PATH.findall(ln.text)))
        calls[:0] = [(no - offset, w, fn, by_line[no - offset].evidence
                      if no - offset in by_line else "") for no, w, fn in script.calls]
        return UnitResult(tuple(hits), gates, functions, tuple(calls), refs,
                          script.talks_to_devices, dict(env), tuple(open_lines))

    def _quiet(self, script: shell.Script) -> bool:
        """No line of a plain script (each line as written, see shell.Script.plain) can hit:
        none names a variable, runs an inline program, decodes, talks to a device or holds a
        hint of a host or SQL rule. Such lines still set variables, call and name paths; the
        check is on all lines at once, as each is part of the joined text."""
        host, sql = self.group_hint["host"], self.group_hint["sql"]
        if not script.plain or host is None or sql is None:
            return False
        joined = "\n".join(ln.text for ln in script.lines)
        low = joined.lower()
        return not ("$" in joined or "-c" in joined or host.search(low) or sql.search(low)
                    or shell.decodes(joined)
                    or any(shell.talks_to_device(ln.text) for ln in script.lines))

    def _hinted(self, text: str) -> bool:
        low = text.lower()
        return any(p is None or p.search(low) for p in (self.group_hint["host"],
                                                         self.group_hint["sql"]))

    def _scan_host(self, ln: shell.Line, name: str, texts: list[str],
                   matched: dict[str, Rule]) -> None:
        low = [t.lower() for t in texts]
        self._scan("host", self.rules.host, texts, low, matched)
        sql = self.group_hint["sql"]
        if sql is not None and not any(sql.search(t) for t in low):
            return     # no SQL rule can match: spare the search for an SQL context
        if (ln.reader in shell.SQL_READERS or name.endswith(".sql")
                or shell.SQL_CONTEXT.search(ln.text)):
            self._scan("sql", self.rules.sql, texts, low, matched)

    def resolve(self, name: str, unit: UnitResult, env: Mapping[str, str]) -> list[Hit]:
        """Hits on the unit's open lines once variables set elsewhere in the job are known."""
        memo_key = (id(unit), tuple(sorted(env.items())))
        memo = self.resolved.get(memo_key)
        if memo is not None and memo[0] is unit:
            return memo[1]
        out: list[Hit] = []
        known = {h.line for h in unit.hits}
        for ln, no, text in unit.open_lines:
            expanded = shell.expand(text, env)
            if expanded == text or no in known:
                continue
            matched: dict[str, Rule] = {}
            self._scan_host(ln, name, [expanded], matched)
            out.extend(Hit(r, no, ln.evidence, ln.function, ln.conditions)
                       for r in matched.values() if self._file_ok(r, expanded))
        if len(self.resolved) >= self.cache_size:
            del self.resolved[next(iter(self.resolved))]
        self.resolved[memo_key] = (unit, out)     # the unit is kept so its id is not reused
        return out

    def _nested(self, ln: shell.Line, no: int, depth: int, matched: dict[str, Rule]) -> list[Hit]:
        """Hits inside inline programs and decoded payloads, placed on the line that carries them."""
        out: list[Hit] = []
        for lang, body in shell.inline_programs(ln.text):
            sub = self.unit("inline", body, lang, depth + 1)
            for h in sub.hits:
                if h.rule.id not in matched:
                    out.append(Hit(h.rule, no, ln.evidence, ln.function, ln.conditions,
                                   f"inside {lang} -c"))
        for enc, decoded in shell.decode_payloads(ln.text):
            sub = self.unit("decoded", decoded, None, depth + 1)
            if not sub.hits:
                continue
            for h in sub.hits:
                out.append(Hit(h.rule, no, h.evidence, ln.function, ln.conditions,
                               f"decoded from {enc} on this line: {ln.evidence}"))
            enc_rule = self.rules.encoded
            if enc_rule is not None and not any(r.role == "encoded" for r in matched.values()):
                out.append(Hit(enc_rule, no, ln.evidence, ln.function, ln.conditions))
        return out

    @staticmethod
    def _file_ok(rule: Rule, text: str) -> bool:
        return all(p.search(text) for p in rule.file_all)


_ANALYSERS: dict[int, _Analyser] = {}


def _analyser(rules: RuleSet) -> _Analyser:
    a = _ANALYSERS.get(id(rules))
    if a is None or a.rules is not rules:
        a = _ANALYSERS[id(rules)] = _Analyser(rules)
    return a


# --- a job: its units together, functions followed, context applied ------------------------


def _raise(sev: str, steps: int) -> str:
    i = SEVERITIES.index(sev) + steps
    return SEVERITIES[max(1, min(len(SEVERITIES) - 1, i))]


def _gate_date(evidence: str) -> str:
    m = re.search(r"\b(20\d\d)-?([01]\d)-?([0-3]\d)\b", evidence)
    if m:
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    m = re.search(r"\b(20\d\d),\s*(\d{1,2}),\s*(\d{1,2})\b", evidence)
    if m:
        return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    m = re.search(r"\b(1[5-9]\d{8}|2\d{9})\b", evidence)
    if m:
        return datetime.fromtimestamp(int(m.group(1)), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return "an unknown date"


def _reason(rule: Rule, evidence: str, path: str | None, line: int | None, title: str = "",
            severity: str | None = None) -> Reason:
    return Reason(rule=rule.id, evidence=evidence.strip(), path=path, line=line,
                  title=title or rule.title, explanation=rule.description,
                  severity=severity or rule.severity, references=rule.references)


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


def judge(job: Job, files: Mapping[str, Artifact], fire: Fire | None, now: datetime, *,
          rules: RuleSet | None = None, admins: frozenset[str] = DEFAULT_ADMINS) -> Judgement:
    """What the job will do, with a reason for every rule that fired pointing at file and line.

    Scans the job's command (reasons point at job.origin_path/origin_line), every file in
    job.files and the files they source or run that are present in `files`, and the
    device-side job.actions. `fire` and `now` judge dormancy; `admins` are the owners whose
    device-touching jobs are not raised; `rules` defaults to the shipped rule files."""
    rs = rules or default_rules()
    an = _analyser(rs)
    units: list[tuple[str | None, UnitResult]] = []
    cmd = an.unit("command", job.command) if job.command.strip() else None
    if cmd is not None:
        units.append((None, cmd))
    queue = list(job.files) + [r for r in (cmd.refs if cmd else ()) if r in files]
    seen: set[str] = set()
    while queue:
        name = queue.pop(0)
        if name in seen:
            continue
        seen.add(name)
        art = files.get(name)
        text = art.text() if art is not None else None
        if text is None or "\x00" in text[:4096]:
            continue
        res = an.unit(name, text, sha256=art.sha256)
        units.append((name, res))
        queue.extend(r for r in res.refs if r in files and r not in seen)

    def where(path: str | None, line: int | None) -> tuple[str | None, int | None]:
        return (job.origin_path, job.origin_line) if path is None else (path, line)

    # Functions: a hit inside one counts only when something that runs calls it.
    defined = {fn for _, u in units for fn in u.functions}
    reachable: set[str] = set()
    callers: dict[str, tuple[str | None, int, str]] = {}
    calls_in: dict[str | None, list[tuple[str, str | None, int, str]]] = {}
    if defined:
        for path, u in units:
            for line, w, f, ev in u.calls:
                if w in defined and w != f:
                    calls_in.setdefault(f, []).append((w, path, line, ev))
    frontier = [None]          # top-level code runs; functions run when something calls them
    while frontier:
        fn = frontier.pop()
        if fn is not None:
            reachable.add(fn)
        for w, path, line, ev in calls_in.get(fn, ()):
            callers.setdefault(w, (path, line, ev))
            if w not in reachable and w not in frontier:
                frontier.append(w)

    # Values a sourced file (or the job's own scripts) give to variables used elsewhere.
    env: dict[str, str] = {}
    for _, u in units:
        env.update(u.exports)
    if env:
        units = [(path, replace(u, hits=u.hits + tuple(an.resolve(path or "command", u, env))))
                 if u.open_lines else (path, u) for path, u in units]

    reasons: list[Reason] = []
    # A reason's verdict is its rule's, except where context weakens it (an uncalled function).
    weakened: dict[Reason, str] = {}
    touches_devices = bool(job.actions) or any(u.talks_to_devices for _, u in units)
    for path, u in units:
        for h in u.hits:
            p, ln = where(path, h.line)
            if h.function is not None and h.function not in reachable:
                if h.rule.verdict == "destructive":
                    # Dead code today, one call away from running: worth a look, not an alarm.
                    r = _reason(h.rule, h.evidence, p, ln,
                                f"{h.rule.title} (in {h.function}(), which nothing here calls)",
                                severity="low")
                    reasons.append(r)
                    weakened[r] = "suspicious"
                continue
            title = h.rule.title + (f" ({h.note})" if h.note else "")
            reasons.append(_reason(h.rule, h.evidence, p, ln, title))
            if h.rule.scope in ("device-cli", "tl1", "snmp"):
                touches_devices = True
            if h.function is not None and h.function in callers:
                cp, cl, cev = callers[h.function]
                cp, cl = where(cp, cl)
                reasons.append(_reason(h.rule, cev, cp, cl,
                                       f"Calls {h.function}(), which: {h.rule.title}"))
            if h.rule.verdict != "benign":
                for c in sorted(set(h.conditions) | {h.line}):
                    if c in u.gates:
                        g, gev = u.gates[c]
                        gp, gl = where(path, c)
                        reasons.append(_reason(g, gev, gp, gl,
                                               f"{g.title}: fires on or after {_gate_date(gev)}"))
    for text, line in job.actions:
        # the command itself, or the quoted command inside a raw `action 4.0 cli command "…"`
        device = shell.device_texts(text.strip().strip('"')) + [
            d for lit in shell.shell_literals(text) for d in shell.device_texts(lit)]
        for r in rs.device:
            if any(r.matches(t) for t in device):
                reasons.append(_reason(r, text, job.origin_path, line))
                touches_devices = True
    cmd_paths = [p.lstrip("/") for p in _ABS_PATH.findall(job.command)]
    runs = dict.fromkeys([*cmd_paths, *job.files[:1]])        # what it runs, not what it sources
    for r in rs.paths:
        for name in runs:
            if r.matches(name):
                in_cmd = name in cmd_paths
                reasons.append(_reason(r, job.command if in_cmd else name,
                                       job.origin_path if in_cmd else name,
                                       job.origin_line if in_cmd else None))
                break
    for r in rs.commands:
        if r.matches(job.command):
            reasons.append(_reason(r, job.command, job.origin_path, job.origin_line))

    reasons = list(dict.fromkeys(reasons))
    flagged = [r for r in reasons if r.severity != "info"]
    verdict = "benign"
    for r in reasons:
        v = weakened.get(r) or rs.verdicts.get(r.rule, "benign")
        if VERDICTS.index(v) > VERDICTS.index(verdict):
            verdict = v
    if not flagged:
        return Judgement(verdict=verdict, severity="info", reasons=tuple(reasons))
    severity = max((r.severity for r in reasons), key=SEVERITIES.index)
    steps = 0
    ctx = rs.context
    dormant = ctx.get("dormant")
    if dormant is not None:
        days = float(dormant.params.get("days", 14))
        far = fire is not None and fire.at is not None and fire.at - now > timedelta(days=days)
        if far or _yearly(job):
            when = (f"first fire {fire.at.strftime('%Y-%m-%dT%H:%M:%SZ')}, "
                    f"in {(fire.at - now).days} days" if far and fire and fire.at
                    else f"runs once a year ({job.schedule})")
            reasons.append(_reason(dormant, f"{job.schedule} — {when}", job.origin_path,
                                   job.origin_line, f"{dormant.title}: {when}"))
            steps += 1
    owner_rule = ctx.get("owner")
    if owner_rule is not None and touches_devices and job.owner and job.owner not in admins:
        reasons.append(_reason(owner_rule, f"owner {job.owner}", job.origin_path, job.origin_line,
                               f"{owner_rule.title}: {job.owner}"))
        steps += 1
    if any(r.rule in {p.id for p in rs.paths} for r in reasons) and len(flagged) > 1:
        steps += 1
    inert = ctx.get("inert")
    if inert is not None and (job.state in ("inert", "disabled") or
                              (fire is not None and fire.kind == "never")):
        why = job.problem or (fire.note if fire is not None else "") or job.state
        reasons.append(_reason(inert, why, job.origin_path, job.origin_line,
                               f"{inert.title}: {why}"))
        steps -= 1
    if steps:
        severity = _raise(severity, steps)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    reasons.sort(key=lambda r: (-order[r.severity], r.path or "", r.line or 0))
    return Judgement(verdict=verdict, severity=severity, reasons=tuple(reasons))

