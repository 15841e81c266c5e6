"""Settings a job reads from a file: JSON, YAML, TOML and INI texts parsed as the program gets
them, and the tools and library calls that pick one value out (`jq -r .paths.data FILE`,
`yq`, `crudini --get FILE SECTION KEY`; Python's json/yaml/tomllib/configparser and Perl's
Config::Tiny, JSON and YAML are read by their own readers through `parsed`). A job that takes
what it deletes from a settings file deletes what the file says; where the value cannot be
picked out, it stays unknown."""

from __future__ import annotations

import configparser
import json
import re
import shlex
import tomllib
from functools import partial
from typing import Any

import yaml

from lineguard.collector.analyse.effects.model import symbol, unknown
from lineguard.collector.analyse.effects.resolve import each_of

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# a path filter: .a.b, .a["b c"], .a[0], ."a"
_STEP = re.compile(r"""\.(?:([A-Za-z_][\w-]*)|"([^"]*)")|\.?\[(?:(\d+)|"([^"]*)")\]""")


def parsed(fmt: str, text: str, keep_case: bool = False, interpolate: bool = False) -> Any:
    """A settings text (fmt json|yaml|toml|ini) as the program gets it; unknown where it does
    not parse (a parser's limits too: nesting deeper than it recurses, a number too long).
    INI: {section: {key: value}}, the defaults under DEFAULT, keys in lower case as Python's
    configparser gives them unless `keep_case` (Perl's readers); `interpolate`: %(name)s
    references filled in, as Python's ConfigParser does (a value it cannot fill stays raw)."""
    try:
        if fmt == "json":
            return json.loads(text)
        if fmt == "yaml":
            return yaml.load(text, Loader=_YAML_LOADER)
        if fmt == "toml":
            return tomllib.loads(text)
        ini = configparser.ConfigParser(interpolation=None, strict=False)
        if keep_case:
            ini.optionxform = str  # type: ignore[assignment,method-assign]
        ini.read_string(text)
        out: dict[str, Any] = {s: dict(ini.items(s, raw=True)) for s in ini.sections()}
        out["DEFAULT"] = dict(ini.defaults())
        if interpolate:
            filled = configparser.ConfigParser(strict=False)
            filled.optionxform = ini.optionxform  # type: ignore[method-assign]
            filled.read_dict(out)
            for s, values in out.items():
                for k in values:
                    try:
                        values[k] = filled.get(s, k)
                    except configparser.Error:
                        pass            # a reference that cannot be filled: the raw value
        return out
    except (ValueError, yaml.YAMLError, configparser.Error, tomllib.TOMLDecodeError,
            RecursionError):
        return unknown(f"settings in a {fmt} text that does not parse")


def unparsed(path: str) -> str:
    """What a value read from a settings file stands for where the file does not parse here
    (or the filter picking it is not one lineguard follows): something the file says, as
    for a file that was not captured, never an empty or harmless value."""
    p = path.lstrip("/")
    return symbol("lines", p, f"every entry in {p}")     # as lg.host.rm-unseen-list reads it


def picked(doc: Any, path: str) -> str | None:
    """The value a jq/yq path filter (`.paths.linedata`, `.a["b"][0]`) picks out of a parsed
    document, as `-r` prints it; None where the filter is anything else or finds nothing. A
    path may be followed by the steps that make a list one line (`| map(@sh) | join(" ")`,
    `| @sh`, `| join(",")`), as a command line is built from a list of words."""
    path, _, steps = path.strip().partition("|")
    value = _walked(doc, path.strip())
    if steps and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return _joined(value, [x.strip() for x in steps.split("|")])
    if steps or isinstance(value, bool | list | dict) or value is None:
        return None if not isinstance(value, bool) or steps else "true" if value else "false"
    return str(value) if isinstance(value, str | int | float) else None



def _walked(doc: Any, path: str) -> Any:
    """What a plain path picks out of the document (None where it finds nothing)."""
    if not path.startswith(".") or path == ".":
        return None
    at, value = 0, doc
    while at < len(path):
        m = _STEP.match(path, at)
        if m is None:
            return None
        key, quoted, index, bracketed = m.groups()
        if index is not None:
            if not isinstance(value, list) or int(index) >= len(value):
                return None
            value = value[int(index)]
        else:
            name = key if key is not None else quoted if quoted is not None else bracketed
            if not isinstance(value, dict) or name not in value:
                return None
            value = value[name]
        at = m.end()
    return value


_JOIN = re.compile(r'^join\(\s*"((?:[^"\\]|\\.)*)"\s*\)$')


def _joined(words: list[str], steps: list[str]) -> str | None:
    """A list of words through jq's `map(@sh)`, `@sh` and `join(SEP)` steps, as -r prints the
    line they make; None for any other step."""
    quoted = False
    for step in steps:
        if step == "map(@sh)" and not quoted:
            words, quoted = [shlex.quote(w) for w in words], True
        elif step == "@sh" and not quoted:
            return " ".join(shlex.quote(w) for w in words)
        elif (m := _JOIN.match(step)) is not None:
            return json.loads(f'"{m.group(1)}"').join(words)
        else:
            return None
    return None


def either(values: list[Any]) -> Any:
    """One value standing for each of several a setting may have (a settings file the job may
    or may not have rewritten before reading it, see resolve.Job.texts_of): documents merged
    key by key, differing texts each of them."""
    first = values[0]
    if all(v == first for v in values[1:]):
        return first
    if all(isinstance(v, dict) for v in values):
        keys = dict.fromkeys(k for v in values for k in v)
        return {k: either([v[k] for v in values if k in v]) for k in keys}
    if all(isinstance(v, list) for v in values):
        return [x for v in values for x in v]
    texts = [str(v) for v in values if isinstance(v, str | int | float) and
             not isinstance(v, bool)]
    return each_of(list(dict.fromkeys(texts))) if len(texts) == len(values) else first


def tool_output(prog: str, argv: list[str], text_of: Any, stdin: str | None = None
                ) -> str | None:
    """What a settings tool prints (see _output); `text_of(path)` may give the texts a file
    may hold (a list, resolve.Job.texts_of): then what it prints from each, `either`."""
    read: list[list[str | None]] = []

    def first(path: str) -> str | None:
        texts = text_of(path)
        if isinstance(texts, list):
            read.append(texts)
            return texts[0] if texts else None
        return texts

    value = _output(prog, argv, first, stdin)
    if not read or len(read[0]) < 2 or any(t is None for t in read[0]):
        return value
    values = [_output(prog, argv, partial(_given, t), stdin) for t in read[0]]
    return None if all(v is None for v in values) else either(
        [v if v is not None else "null" for v in values])


def _given(text: str | None, _path: str) -> str | None:
    return text


def _output(prog: str, argv: list[str], text_of: Any, stdin: str | None = None
            ) -> str | None:
    """What a settings tool prints: `jq [-r] FILTER [FILE]`, `yq [e|eval] [-r] FILTER [FILE]`,
    `crudini --get FILE SECTION KEY`; `text_of(path)` gives a captured file's text (None when
    it was not captured), `stdin` the input when no file is named. Where the file was not
    captured, does not parse or the filter is more than a path, what it prints stands for a
    value read from that file (`unparsed`). None when the command is anything else or a path
    finds nothing."""
    args = [a for a in argv[1:] if a not in ("e", "eval") or prog != "yq"]
    if prog == "crudini":
        if "--get" not in args:
            return None
        rest = [a for a in args if not a.startswith("--")]
        if len(rest) != 3:
            return None
        text = text_of(rest[0])
        if text is None:
            return unparsed(rest[0])
        if not text.lstrip().startswith("["):
            text = "[_]\n" + text           # keys before any section: crudini's section ""
        doc = parsed("ini", text)
        if not isinstance(doc, dict):
            return unparsed(rest[0])
        section = doc.get(rest[1] if rest[1] else "_", {})
        value = section.get(rest[2].lower()) if isinstance(section, dict) else None
        return value if isinstance(value, str) else None
    plain = [a for a in args if not a.startswith("-")]
    flags = [a for a in args if a.startswith("-")]
    if not 1 <= len(plain) <= 2 or len(flags) > 2 or any(
            f in ("-n", "--null-input", "--arg", "--argjson") for f in flags):
        return None
    flt, path = plain[0], plain[1] if len(plain) == 2 else ""
    text = text_of(path) if path else stdin
    if text is None:
        return unparsed(path) if path else None      # a file not captured: what it says
    if "\x01" in text:
        return text             # the content of a file not captured: what it says, still
    fmt = "json" if prog in ("jq", "gojq") or path.endswith(".json") else \
        "toml" if path.endswith(".toml") else "yaml"
    doc = parsed(fmt, text)
    value = picked(doc, flt) if isinstance(doc, dict | list) else None
    if value is None and fmt == "yaml" and _typed_key(doc):
        # `on:`, `yes:`, `1:` are booleans and numbers to YAML 1.1 (PyYAML, Python's yq) and
        # names to YAML 1.2 (the Go yq, which prints what the path names there): either
        # may run, the value a path finds is the one judged
        try:
            value = picked(yaml.load(text, Loader=yaml.BaseLoader), flt)
        except yaml.YAMLError:
            value = None
        if value is None:
            return unparsed(path or "its input")
    if value is not None or (isinstance(doc, dict | list) and _is_path(flt)):
        return value            # (a path that finds nothing prints null)
    return unparsed(path or "its input")


def _typed_key(doc: Any, depth: int = 0) -> bool:
    """Whether a parsed YAML document has a key that is not a string, at any depth."""
    if depth > 64:
        return True
    if isinstance(doc, dict):
        return any(not isinstance(k, str) or _typed_key(v, depth + 1) for k, v in doc.items())
    if isinstance(doc, list):
        return any(_typed_key(v, depth + 1) for v in doc)
    return False


def _is_path(flt: str) -> bool:
    """Whether a jq/yq filter is a plain path (`.a.b[0]`), which `picked` follows."""
    at, flt = 0, flt.strip()
    while at < len(flt):
        m = _STEP.match(flt, at)
        if m is None:
            return False
        at = m.end()
    return flt not in ("", ".")
