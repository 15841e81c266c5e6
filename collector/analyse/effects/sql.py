"""SQL and key-value store commands that reach a database: which statements drop, truncate or
empty a table or database (DELETE without a WHERE, or with one every row meets; UPDATE that erases
the values of every row), and NoSQL equivalents (FLUSHALL, dropDatabase,
deleteMany({}))."""

from __future__ import annotations

import re

from lineguard.collector.analyse.effects.model import render
from lineguard.collector.analyse.effects.resolve import expand_each

_STATEMENTS = [
    (re.compile(r"\bdrop\s+(?:table|database|schema|collection)\s+(?:if\s+exists\s+)?"
                r"([\w.\"`\[\]$]+(?:\s*,\s*[\w.\"`\[\]$]+)*)", re.I), "db-drop"),
    (re.compile(r"\btruncate\s+(?:table\s+)?(?:only\s+)?([\w.\"`\[\]$]+)", re.I), "db-truncate"),
    (re.compile(r"\bdelete\s+from\s+([\w.\"`\[\]$]+)\s*(?:;|$)", re.I), "db-delete-all"),
    (re.compile(r"\b(flushall|flushdb)\b", re.I), "db-flush"),
    (re.compile(r"\b(?:db\.)?(?:getSiblingDB\([^)]*\)\.)?dropDatabase\s*\(", re.I), "db-drop"),
    (re.compile(r"\bdb\.(\w+)\.(?:drop|remove)\s*\(\s*(?:\{\s*\})?\s*\)"), "db-drop"),
    (re.compile(r"\bdb\.(\w+)\.deleteMany\s*\(\s*\{\s*\}\s*\)"), "db-delete-all"),
]
# DELETE or UPDATE whose WHERE holds for every row (1=1, TRUE, id >= 0, x IS NOT NULL, x = x)
_ALL_ROWS = re.compile(r"^\s*(?:\(\s*)?(?:1\s*=\s*1|true|1|'(\w*)'\s*=\s*'\1'|(\w+)\s*=\s*\2|"
                       r"\w+\s*>=\s*0|\w+\s*>\s*-\d+|\w+\s+is\s+not\s+null|not\s+false|"
                       r"1\s*<>\s*0|0\s*=\s*0)(?:\s*\))?\s*$", re.I)
_WHERE_DELETE = re.compile(r"\bdelete\s+from\s+([\w.\"`\[\]$]+)\s+where\s+(.+?)\s*(?:;|$)",
                           re.I | re.S)
_UPDATE = re.compile(r"\bupdate\s+([\w.\"`\[\]$]+)\s+set\s+(.+?)(?:\s+where\s+(.+?))?\s*(?:;|$)",
                     re.I | re.S)
_TEMP = re.compile(r"(?:^|[._])(?:tmp|temp|staging|scratch)(?:$|[._\d])", re.I)


def destructive_statements(text: str) -> list[tuple[str, str]]:
    """(how, table-or-database) for each statement that destroys data; temp/staging tables and
    DELETEs with a WHERE clause are not."""
    out: list[tuple[str, str]] = []
    texts = expand_each(text)
    if len(texts) > 1:        # a loop over named tables or databases: each statement judged
        return [x for t in texts for x in destructive_statements(t)]
    text = render(text)
    for stmt in re.split(r";\s*(?=\S)|\n\s*\n", text):
        for rx, how in _STATEMENTS:
            for m in rx.finditer(stmt):
                name = (m.group(1) if m.groups() else "database").strip("\"`[]")
                if how == "db-flush":
                    name = "every key of the store"
                if _TEMP.search(name.split(".")[-1]):
                    continue
                out.append((how, name))
        for m in _WHERE_DELETE.finditer(stmt):
            if _ALL_ROWS.match(m.group(2)) and not _TEMP.search(m.group(1).split(".")[-1]):
                out.append(("db-delete-all", m.group(1).strip("\"`[]")))
        for m in _UPDATE.finditer(stmt):
            # every row's values erased (set to NULL, empty, default): gone as surely as deleted
            erased = all(re.fullmatch(r"\s*[\w.\"`]+\s*=\s*(?:null|''|\"\"|default)\s*", a, re.I)
                         for a in m.group(2).split(","))
            if erased and (m.group(3) is None or _ALL_ROWS.match(m.group(3))) and \
                    not _TEMP.search(m.group(1).split(".")[-1]):
                out.append(("db-update-all", m.group(1).strip("\"`[]")))
    return out
