"""MIB objects by name and by OID, from the data files in collector/rules/mibs/: resolves an
OID (numeric, `MODULE::name.index`, or a pysnmp ObjectIdentity's parts) to its object name and
index, and a value to its enumeration name (`destroy(6)`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

MIB_DIR = Path(__file__).resolve().parent.parent.parent / "rules" / "mibs"
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class MibObject:
    name: str
    module: str
    oid: tuple[int, ...]
    syntax: str = ""
    table: str = ""
    line_data: bool = False


@dataclass(frozen=True)
class Mib:
    by_name: dict[str, MibObject]
    by_oid: dict[tuple[int, ...], MibObject]
    syntaxes: dict[str, dict[int, str]]
    nodes: dict[str, MibObject]         # the SMI tree names paths run through (never a result)

    def resolve(self, oid: str) -> tuple[MibObject | None, str]:
        """(object, index) for an OID written any usual way — numeric, `MODULE::name.index`,
        `name[1][0][32]`, a symbolic path (`.iso.org.dod.internet.mgmt.mib-2.atmMIB.…`), an
        entry and its column number (`atmVclEntry.13.1.0.32`), a pysnmp ObjectIdentity's
        parts; index keeps unresolved parts."""
        text = oid.strip().strip("'\"")
        text = re.sub(r"^[\w-]+::", "", text)
        text = re.sub(r"\[\s*([^\]]*?)\s*\]", lambda m: "." + m.group(1), text).lstrip(".")
        parts = text.split(".")
        # the last name on the path that this MIB data knows: what follows it is below it
        for i in range(len(parts) - 1, -1, -1):
            known = self.by_name.get(parts[i]) or self.nodes.get(parts[i])
            if known is not None and not parts[i].isdigit():
                parts = [*map(str, known.oid), *parts[i + 1:]]
                break
        text = ".".join(parts)
        nums: list[int] = []
        for p in parts:
            if not p.isdigit():
                break
            nums.append(int(p))
        for n in range(len(nums), 0, -1):
            obj = self.by_oid.get(tuple(nums[:n]))
            if obj is not None:
                return obj, ".".join(parts[n:])
        return None, text

    def value_name(self, obj: MibObject | None, value: str) -> str:
        """`destroy(6)` for RowStatus 6 (or for the name `destroy`); the value as given else."""
        v = value.strip().strip("'\"")
        if obj is None or not obj.syntax:
            return v
        enum = self.syntaxes.get(obj.syntax, {})
        if v.lstrip("-").isdigit() and int(v) in enum:
            return f"{enum[int(v)]}({v})"
        for num, name in enum.items():
            if v.lower() == name.lower():
                return f"{name}({num})"
        return v


def _oid(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in str(text).split("."))


@lru_cache(maxsize=1)
def mib() -> Mib:
    by_name: dict[str, MibObject] = {}
    nodes: dict[str, MibObject] = {}
    syntaxes: dict[str, dict[int, str]] = {}
    for path in sorted(MIB_DIR.glob("*.yaml")):
        doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}
        modules = doc.get("modules") or {doc.get("module", path.stem): doc.get("objects") or {}}
        for module, objects in modules.items():
            for name, spec in (objects or {}).items():
                into = nodes if spec.get("node") else by_name
                into[name] = MibObject(name, module, _oid(spec["oid"]), spec.get("syntax", ""),
                                          spec.get("table", ""), bool(spec.get("line_data")))
        for name, enum in (doc.get("syntaxes") or {}).items():
            syntaxes[name] = {int(k): v for k, v in enum.items()}
    return Mib(by_name, {o.oid: o for o in by_name.values()}, syntaxes, nodes)
