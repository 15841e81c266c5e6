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
import tomllib
from typing import Any

import yaml

from lineguard.collector.analyse.effects.model import unknown

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# a path filter: .a.b, .a["b c"], .a[0], ."a"
_STEP = re.compile(r"""\.(?:([A-Za-z_][\w-]*)|"([^"]*)")|\.?\[(?:(\d+)|"([^"]*)")\]""")


def parsed(fmt: str, text: str, keep_case: bool = False) -> Any:
    """A settings text (fmt json|yaml|toml|ini) as the program gets it; unknown where it does
    not parse. INI: {section: {key: value}}, the defaults under DEFAULT, keys in lower case as
    Python's configparser gives them unless `keep_case` (Perl's readers)."""
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
        return out
    except (ValueError, yaml.YAMLError, configparser.Error, tomllib.TOMLDecodeError):
        return unknown(f"settings in a {fmt} text that does not parse")


def picked(doc: Any, path: str) -> str | None:
    """The value a jq/yq path filter (`.paths.linedata`, `.a["b"][0]`) picks out of a parsed
    document, as `-r` prints it; None where the filter is anything else or finds nothing."""
    path = path.strip()
    if not path.startswith("."):
        return None
    at, value = 0, doc
    if path == ".":
        return None
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
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None


def tool_output(prog: str, argv: list[str], text_of: Any) -> str | None:
    """What a settings tool prints: `jq [-r] FILTER FILE`, `yq [e|eval] [-r] FILTER FILE`,
    `crudini --get FILE SECTION KEY`; `text_of(path)` gives a captured file's text (None when
    it was not captured). None when the command is anything else or the value is not found."""
    args = [a for a in argv[1:] if a not in ("e", "eval") or prog != "yq"]
    if prog == "crudini":
        if "--get" not in args:
            return None
        rest = [a for a in args if not a.startswith("--")]
        if len(rest) != 3:
            return None
        text = text_of(rest[0])
        if text is None:
            return None
        if not text.lstrip().startswith("["):
            text = "[_]\n" + text           # keys before any section: crudini's section ""
        doc = parsed("ini", text)
        section = doc.get(rest[1] if rest[1] else "_", {}) if isinstance(doc, dict) else {}
        value = section.get(rest[2].lower()) if isinstance(section, dict) else None
        return value if isinstance(value, str) else None
    plain = [a for a in args if not a.startswith("-")]
    if len(plain) != 2 or len([a for a in args if a.startswith("-")]) > 2:
        return None
    flt, path = plain
    text = text_of(path)
    if text is None:
        return None
    fmt = "json" if prog in ("jq", "gojq") or path.endswith(".json") else \
        "toml" if path.endswith(".toml") else "yaml"
    return picked(parsed(fmt, text), flt)
