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
# a WHERE term every row meets: 1=1, TRUE, 'a'='a', x = x, x IS NOT NULL, x LIKE '%', an id
# above zero, a number at or above zero or a negative one, x IN (SELECT x FROM t) unfiltered
_ALL_ROWS_TERM = re.compile(
    r"^(?:true|1|not\s+(?:false|0)|'(\w*)'\s*=\s*'\1'|(\w+)\s*=\s*\2|"
    r"[\w.]+\s*(?:>=\s*0(?:\.0*)?|>\s*-\d+(?:\.\d+)?|>=\s*-\d+(?:\.\d+)?|(?:<>|!=)\s*-\d+)|"
    r"[\w.]*id\s*>\s*0|[\w.]+\s+is\s+not\s+null|[\w.]+\s+(?:i?like|glob)\s+'[%*]+'|"
    r"(?:exists|[\w.]+\s+in)\s*\(\s*select\s+[\w.*]+\s+from\s+[\w.\"`]+\s*\))$", re.I)
_NUMBERS = re.compile(r"^(-?\d+(?:\.\d+)?)\s*(=|==|<>|!=|<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)$")


def _split_top(cond: str, word: str) -> list[str]:
    """`cond` split at `word` (AND, OR) outside parentheses and quotes."""
    parts, depth, quote, start = [], 0, "", 0
    rx = re.compile(rf"\s{word}\s", re.I)
    k = 0
    while k < len(cond):
        c = cond[k]
        if quote:
            quote = "" if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif depth == 0 and (m := rx.match(cond, k)):
            parts.append(cond[start:k])
            start = k = m.end()
            continue
        k += 1
    return [*parts, cond[start:]]


def every_row(cond: str) -> bool:
    """Whether a WHERE condition holds for every row: a term every row meets, any side of an
    OR that does, every side of an AND that does, or a comparison of two numbers that holds."""
    c = cond.strip()
    while c.startswith("(") and c.endswith(")") and _balanced(c[1:-1]):
        c = c[1:-1].strip()
    ors = _split_top(c, "or")
    if len(ors) > 1:
        return any(every_row(x) for x in ors)
    ands = _split_top(c, "and")
    if len(ands) > 1:
        return all(every_row(x) for x in ands)
    if _ALL_ROWS_TERM.match(c):
        return True
    m = _NUMBERS.match(c)
    if m:
        a, op, b = float(m.group(1)), m.group(2), float(m.group(3))
        return {"=": a == b, "==": a == b, "<>": a != b, "!=": a != b, "<=": a <= b,
                ">=": a >= b, "<": a < b, ">": a > b}[op]
    return False


def _balanced(c: str) -> bool:
    depth = 0
    for ch in c:
        depth += (ch == "(") - (ch == ")")
        if depth < 0:
            return False
    return depth == 0


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
            if every_row(m.group(2)) and not _TEMP.search(m.group(1).split(".")[-1]):
                out.append(("db-delete-all", m.group(1).strip("\"`[]")))
        for m in _UPDATE.finditer(stmt):
            # every row's values erased (set to NULL, empty, default): gone as surely as deleted
            erased = all(re.fullmatch(r"\s*[\w.\"`]+\s*=\s*(?:null|''|\"\"|default)\s*", a, re.I)
                         for a in m.group(2).split(","))
            if erased and (m.group(3) is None or every_row(m.group(3))) and \
                    not _TEMP.search(m.group(1).split(".")[-1]):
                out.append(("db-update-all", m.group(1).strip("\"`[]")))
    return out
