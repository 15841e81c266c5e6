"""Rules as data: loading and checking collector/rules/*.yaml against the schema below, and
matching a rule against one effect. The schema is documented in collector/rules/README.md.

A rule: id, title, description, severity, verdict, family, references, effect (one of
model.EFFECT_KINDS, or `gate`/`context`), role (action | gate | concealment | context),
match: {field: [regex, …]} (every field listed must match one of its regexes; fields are
those of Effect.fields(), `line` is tried against each device command line), not: {field:
[regex]} (none may match), params (context rules), examples, counterexamples."""

from __future__ import annotations

import fnmatch
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from lineguard.collector.analyse.effects.model import EFFECT_KINDS, Effect, render
from lineguard.collector.model import SEVERITIES, VERDICTS, Severity, Verdict

RULES_DIR = Path(__file__).resolve().parent.parent.parent / "rules"
ROLES = ("action", "gate", "concealment", "context")
EFFECTS = (*EFFECT_KINDS, "gate", "context")
FIELDS = ("target", "how", "platform", "line", "object", "index", "value", "row", "reach", "bounded",
          "known", "gate")
_MACRO = re.compile(r"\{([a-z][a-z0-9_]*)\}")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RuleError(ValueError):
    """A rule file is malformed; the message names the file and the rule."""


Patterns = Mapping[str, tuple[re.Pattern[str], ...]]


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    description: str
    severity: Severity
    verdict: Verdict
    family: str
    effect: str
    references: tuple[str, ...] = ()
    role: str = "action"
    match: Patterns = field(default_factory=dict, compare=False, hash=False)
    none: Patterns = field(default_factory=dict, compare=False, hash=False)
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    examples: tuple[Any, ...] = field(default=(), compare=False, hash=False)
    counterexamples: tuple[Any, ...] = field(default=(), compare=False, hash=False)
    source: str = ""
    # params.whole: the command lines this rule judges that act on a whole set (a whole
    # interface, configuration or file system), which change control never lowers
    whole: re.Pattern[str] | None = field(default=None, compare=False, hash=False)

    def acts_on_a_whole_set(self, e: Effect) -> bool:
        """Whether the effect, judged by this rule, removes a whole set at once (params.whole:
        true for every line the rule judges, or a regex the line must match)."""
        if self.whole is None:
            return False
        return not self.whole.pattern or any(self.whole.search(render(ln)) for ln in e.lines)

    @property
    def scope(self) -> str:
        """The kind of effect the rule judges (older name, kept for readers of rule files)."""
        return self.effect

    def matches(self, e: Effect, fields: Mapping[str, str] | None = None) -> bool:
        if e.kind != self.effect:
            return False
        f = fields if fields is not None else e.fields()
        for name, pats in self.match.items():
            values = e.lines if name == "line" else (f.get(name, ""),)
            if not any(p.search(v) for p in pats for v in values):
                return False
        for name, pats in self.none.items():
            values = e.lines if name == "line" else (f.get(name, ""),)
            if any(p.search(v) for p in pats for v in values):
                return False
        return True


def _compile(spec: Any, macros: Mapping[str, str], where: str) -> Patterns:
    if spec is None:
        return {}
    if not isinstance(spec, dict):
        raise RuleError(f"{where}: match/not must map effect fields to regexes")
    out: dict[str, tuple[re.Pattern[str], ...]] = {}
    for name, pats in spec.items():
        if name not in FIELDS:
            raise RuleError(f"{where}: unknown field {name!r} (one of {', '.join(FIELDS)})")
        pats = [pats] if isinstance(pats, str) else list(pats or ())
        compiled = []
        for p in pats:
            expanded = str(p)
            for _ in range(4):
                expanded = _MACRO.sub(lambda m: macros.get(m.group(1), m.group(0)), expanded)
            try:
                compiled.append(re.compile(expanded))
            except re.error as e:
                raise RuleError(f"{where}: bad regex {p!r}: {e}") from None
        out[name] = tuple(compiled)
    return out


def _rule(doc: Mapping[str, Any], macros: Mapping[str, str], source: str) -> Rule:
    rid = doc.get("id")
    where = f"{source}: rule {rid!r}"
    for key in ("id", "title", "description", "severity", "verdict", "family", "effect"):
        if not isinstance(doc.get(key), str) or not doc[key].strip():
            raise RuleError(f"{where}: missing {key}")
    if doc["severity"] not in SEVERITIES or doc["verdict"] not in VERDICTS:
        raise RuleError(f"{where}: severity must be one of {SEVERITIES}, verdict one of {VERDICTS}")
    role = doc.get("role", "action")
    if doc["effect"] not in EFFECTS or role not in ROLES:
        raise RuleError(f"{where}: effect must be one of {EFFECTS}, role one of {ROLES}")
    unknown_keys = set(doc) - {"id", "title", "description", "severity", "verdict", "family",
                               "effect", "references", "role", "match", "not", "params",
                               "examples", "counterexamples"}
    if unknown_keys:
        raise RuleError(f"{where}: unknown keys {sorted(unknown_keys)}")
    rule = Rule(
        id=doc["id"], title=doc["title"].strip(), description=" ".join(doc["description"].split()),
        severity=Severity(doc["severity"]), verdict=Verdict(doc["verdict"]), family=doc["family"],
        effect=doc["effect"], references=tuple(doc.get("references") or ()), role=role,
        match=_compile(doc.get("match"), macros, where), none=_compile(doc.get("not"), macros, where),
        params=dict(doc.get("params") or {}),
        examples=tuple(doc.get("examples") or ()),
        counterexamples=tuple(doc.get("counterexamples") or ()), source=source,
        whole=_whole(doc.get("params") or {}, where))
    if role == "action" and not rule.match and rule.effect not in ("unseen-code", "unparsed",
                                                                   "anti-forensics"):
        raise RuleError(f"{where}: an action rule needs match")
    return rule


def _whole(params: Mapping[str, Any], where: str) -> re.Pattern[str] | None:
    spec = params.get("whole")
    if spec is None or spec is False:
        return None
    if spec is True:
        return re.compile("")
    if not isinstance(spec, str):
        raise RuleError(f"{where}: params.whole must be true or a regex")
    try:
        return re.compile(spec)
    except re.error as e:
        raise RuleError(f"{where}: params.whole: {e}") from None


def load_rules(path: str | Path | None = None) -> list[Rule]:
    """Every rule in a YAML file, or in every *.yaml of a directory (default: the shipped rules).
    `macros:` (name -> regex fragment, {name} in patterns) are shared by all files."""
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


# A path component that is a glob with letters of its own (`li*`, `e?s`, `line[d]ata`): it
# picks some names, and which is read by trying the names the rules are written from. A
# component that is a wildcard alone (`*`), or one that only picks an extension (`*.csv`),
# stands for every entry and is judged by its reach, as written.
_GLOB_CHARS = frozenset("*?[")
_WORDY_GLOB = re.compile(r"(?=.*[*?\[])(?=.*[A-Za-z].*[A-Za-z])(?!\*+\.\w+$)[^/]+")
_PATH_IN_EXAMPLE = re.compile(r"/[\w.@+-]+(?:/[\w.@+-]+)*")
_MAX_GLOB_READINGS = 32


def path_words(rules: tuple[Rule, ...]) -> tuple[str, ...]:
    """The path components the rules' examples name (`srv`, `ems`, `linedata`, `xconnect.tbl`
    …): the names a glob in a job's path is tried against."""
    words: dict[str, None] = {}
    for r in rules:
        for ex in r.examples:
            for path in _PATH_IN_EXAMPLE.findall(str(ex)):
                words.update(dict.fromkeys(c for c in path.split("/") if c))
    return tuple(words)


def glob_readings(target: str, words: tuple[str, ...]) -> list[str]:
    """The paths a glob `target` could name among `words` (each wordy glob component replaced
    by each word it matches), without the glob itself; [] when it holds no wordy glob. A glob
    that could name line data is judged as that path, at least."""
    if not _GLOB_CHARS & set(target):
        return []
    parts = target.split("/")
    choices: list[list[str]] = []
    for part in parts:
        if _WORDY_GLOB.fullmatch(part):
            try:
                pick = re.compile(fnmatch.translate(part))
            except re.error:
                pick = None
            hit = [w for w in words if pick is not None and pick.match(w)]
            choices.append(hit[:8] or [part])
        else:
            choices.append([part])
    if all(len(c) == 1 and c[0] == p for c, p in zip(choices, parts, strict=True)):
        return []
    return ["/".join(c) for c in itertools.islice(itertools.product(*choices),
                                                   _MAX_GLOB_READINGS)]


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    by_effect: Mapping[str, tuple[Rule, ...]]
    gates: Mapping[str, Rule]            # gate kind -> rule
    context: Mapping[str, Rule]          # context kind -> rule
    concealment: Rule | None
    verdicts: Mapping[str, Verdict] = field(default_factory=dict)   # rule id -> its verdict
    words: tuple[str, ...] = ()          # see path_words

    @classmethod
    def of(cls, rules: list[Rule]) -> RuleSet:
        by: dict[str, list[Rule]] = {}
        for r in rules:
            if r.role == "action":
                by.setdefault(r.effect, []).append(r)
        return cls(tuple(rules), {k: tuple(v) for k, v in by.items()},
                   {str(r.params.get("kind")): r for r in rules if r.role == "gate"},
                   {str(r.params.get("kind", r.id)): r for r in rules if r.role == "context"},
                   next((r for r in rules if r.role == "concealment"), None),
                   {r.id: r.verdict for r in rules}, path_words(tuple(rules)))


@lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    return RuleSet.of(load_rules())
