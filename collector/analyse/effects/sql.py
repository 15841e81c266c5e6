"""SQL and key-value store commands that reach a database: which statements drop, truncate or
empty a table or database (DELETE without a WHERE, or with one every row meets; UPDATE that erases
the values of every row), and NoSQL equivalents (FLUSHALL, dropDatabase,
deleteMany({}))."""

from __future__ import annotations

import operator
import re

from lineguard.collector.analyse.effects.model import render, symbol
from lineguard.collector.analyse.effects.resolve import expand_each

# rows taken by their number, not by what they hold (`ORDER BY id LIMIT 20`): a job deleting
# them each run deletes every row in the end
_SOME_ROWS = r"(?:order\s+by\s+[\w.]+(?:\s+(?:asc|desc))?\s*)?(?:limit\s+\d+\s*)?"
# a table or database name, or a set of them standing for every name a listing printed
_NAME = r"(?!(?:if\s+exists|table|only)\b)(?:<[^<>]*>|[\w.\"`\[\]$]+)"
_STATEMENTS = [
    (re.compile(rf"\bdrop\s+(?:table|database|schema|collection)\s+(?:if\s+exists\s+)?"
                rf"({_NAME}(?:\s*,\s*{_NAME})*)", re.I), "db-drop"),
    (re.compile(rf"\btruncate\s+(?:table\s+)?(?:only\s+)?({_NAME})", re.I), "db-truncate"),
    # no WHERE: every row (a LIMIT only takes them some rows a run: all of them in the end)
    (re.compile(rf"\bdelete\s+from\s+({_NAME})\s*{_SOME_ROWS}(?:;|$)", re.I), "db-delete-all"),
    (re.compile(r"\b(flushall|flushdb)\b", re.I), "db-flush"),
    (re.compile(r"\b(?:db\.)?(?:getSiblingDB\([^)]*\)\.)?dropDatabase\s*\(", re.I), "db-drop"),
    (re.compile(r"\bdb\.(\w+)\.(?:drop|remove)\s*\(\s*(?:\{\s*\})?\s*\)"), "db-drop"),
    (re.compile(r"\bdb\.(\w+)\.deleteMany\s*\(\s*\{\s*\}\s*\)"), "db-delete-all"),
]
# a WHERE term every row meets besides the conditions on literals alone (_constant: 1=1,
# TRUE, 'a'='a', NOT 0): x = x, x IS NOT NULL, x LIKE '%', an id above zero, a number at or
# above zero or a negative one, x IN (SELECT x FROM t) unfiltered
_ALL_ROWS_TERM = re.compile(
    r"^(?:(\w+)\s*=\s*\1|"
    r"[\w.]+\s*(?:>=\s*0(?:\.0*)?|>\s*-\d+(?:\.\d+)?|>=\s*-\d+(?:\.\d+)?|(?:<>|!=)\s*-\d+)|"
    r"[\w.]*id\s*>\s*0|[\w.]+\s+is\s+not\s+null|[\w.]+\s+(?:i?like|glob)\s+'[%*]+'|"
    rf"(?:exists|[\w.]+\s+in)\s*\(\s*select\s+[\w.*]+\s+from\s+[\w.\"`]+\s*{_SOME_ROWS}\)|"
    r"exists\s*\(\s*select\s+[\w.*']+\s*\))$", re.I)
# a term and its negation (`id = 0 OR id <> 0`): between them every row
_TERM = re.compile(r"^([\w.]+)\s*(=|==|<>|!=)\s*([\w.']+)$")


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
        terms = {(m[1], m[2] in ("=", "=="), m[3]) for x in ors if (m := _TERM.match(x.strip()))}
        return any(every_row(x) for x in ors) or any((a, not eq, b) in terms
                                                     for a, eq, b in terms)
    ands = _split_top(c, "and")
    if len(ands) > 1:
        return all(every_row(x) for x in ands)
    if _ALL_ROWS_TERM.match(c):
        return True
    negated = _NOT.match(c)
    if negated:
        return _constant(negated.group(1)) is False      # NOT of what no row meets
    return _constant(c) is True


# a comparison of two literals (numbers, or quoted strings: 'b' > 'a', 'x' LIKE '%')
_NOT = re.compile(r"^not\s+(.+)$", re.I | re.S)
_LITERALS = re.compile(r"^(-?\d+(?:\.\d+)?|'(?:[^']|'')*')\s*(=|==|<>|!=|<=|>=|<|>|"
                       r"(?:not\s+)?i?like)\s*(-?\d+(?:\.\d+)?|'(?:[^']|'')*')$", re.I)


def _constant(term: str) -> bool | None:
    """The value of a condition on literals only (the same for every row), else None."""
    c = term.strip()
    while c.startswith("(") and c.endswith(")") and _balanced(c[1:-1]):
        c = c[1:-1].strip()
    if c.lower() in ("true", "false"):
        return c.lower() == "true"
    if re.fullmatch(r"-?\d+(?:\.\d+)?", c):
        return float(c) != 0
    m = _LITERALS.match(c)
    if m is None:
        return None
    a, op, b = m.group(1), m.group(2).lower(), m.group(3)
    if op.endswith("like"):
        pattern = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch)
                          for ch in b.strip("'").replace("''", "'"))
        hit = re.fullmatch(pattern, a.strip("'").replace("''", "'"),
                           re.S | (re.I if "ilike" in op else 0)) is not None
        return not hit if op.startswith("not") else hit
    if a.startswith("'") or b.startswith("'"):
        return _compare(a.strip("'").replace("''", "'"), op, b.strip("'").replace("''", "'"))
    return _compare(float(a), op, float(b))


def _compare(x: float | str, op: str, y: float | str) -> bool:
    """x OP y, two numbers or two strings."""
    return bool(_OPERATORS[op](x, y))


_OPERATORS = {"=": operator.eq, "==": operator.eq, "<>": operator.ne, "!=": operator.ne,
              "<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt}


def _balanced(c: str) -> bool:
    depth = 0
    for ch in c:
        depth += (ch == "(") - (ch == ")")
        if depth < 0:
            return False
    return depth == 0


_WHERE_DELETE = re.compile(rf"\bdelete\s+from\s+({_NAME})\s+where\s+(.+?)\s*(?:;|$)",
                           re.I | re.S)
_UPDATE = re.compile(rf"\bupdate\s+({_NAME})\s+set\s+(.+?)(?:\s+where\s+(.+?))?\s*(?:;|$)",
                     re.I | re.S)
# SQL comments: `-- …` to the end of the line, `/* … */` (outside quotes: a comment cannot
# hide the rest of a WHERE clause from being read)
_COMMENTS = re.compile(r"('(?:[^']|'')*')|--[^\n]*|/\*.*?\*/", re.S)
_TEMP = re.compile(r"(?:^|[._])(?:tmp|temp|staging|scratch)(?:$|[._\d])", re.I)


def destructive_statements(text: str, sql: bool = True) -> list[tuple[str, str]]:
    """(how, table-or-database) for each statement that destroys data; temp/staging tables and
    DELETEs with a WHERE clause are not. `sql`: the text is SQL, whose comments are left out
    (not a redis or mongo command line, where `--` begins an option)."""
    out: list[tuple[str, str]] = []
    if _RUNS_RESULT.search(text):
        # psql's \gexec, or EXECUTE in a procedure: the statements the query generates run
        made = output(_RUNS_RESULT.sub(" ", text))
        out += destructive_statements(made, sql) if made and made != text else []
    texts = expand_each(text)
    if len(texts) > 1:        # a loop over named tables or databases: each statement judged
        return [x for t in texts for x in destructive_statements(t, sql)]
    text = render(text)
    if sql and ("--" in text or "/*" in text):
        text = _COMMENTS.sub(lambda m: m.group(1) or " ", text)
    for stmt in re.split(r";\s*(?=\S)|\n\s*\n", text):
        for rx, how in _STATEMENTS:
            for m in rx.finditer(stmt):
                name = (m.group(1) if m.groups() else "database").strip("\"`[]")
                if how == "db-flush":
                    name = "every key of the store"
                if not name or _TEMP.search(name.split(".")[-1]):
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


# What a query prints that a job may run or loop over: the tables a catalogue lists, or the
# statements a query assembles from literals and a listing ('DROP TABLE ' || tablename).
_CATALOGUE = re.compile(r"\bfrom\s+((?:information_schema|pg_catalog|sys)\.\w+|pg_(?:tables|class|"
                        r"stat_user_tables|statio_user_tables|database|namespace|views)|"
                        r"sqlite_(?:master|schema|temp_master)|(?:all|user|dba)_tables)\b", re.I)
_SOURCE = re.compile(r"\bfrom\s+([\w.\"`]+)", re.I)
_LISTING = re.compile(r"^\s*(?:show\s+(?:full\s+)?(tables|databases|schemas)\b|\\(dt|l)\S*|"
                      r"\.(tables))", re.I | re.M)
_LITERAL = re.compile(r"'((?:[^']|'')*)'")
_VERBS = frozenset({"drop", "truncate", "delete", "vacuum", "analyze", "analyse", "reindex",
                    "optimize", "repair", "check", "select", "alter", "update", "grant", "revoke",
                    "cluster", "lock", "comment", "refresh", "insert", "copy"})
_HEAD = re.compile(r"^\s*([a-z]+(?:\s+[a-z]+){0,4})\s*[\"`\[]?\s*$", re.I)
_RUNS_RESULT = re.compile(r"\\gexec\b|\bexecute\s+(?=['(]|format\b|concat\b|quote_)", re.I)


def output(text: str) -> str | None:
    """What a query text prints, when it lists tables or assembles statements from a listing:
    the statements with the listed names as one value standing for every one of them
    ("DROP TABLE <every table listed by pg_tables>;"), or that value alone for a listing.
    None when it prints something else."""
    plain = render(text)
    listing = _LISTING.search(plain)
    catalogue = _CATALOGUE.search(plain)
    source = catalogue or _SOURCE.search(plain)
    heads = []
    for m in _LITERAL.finditer(plain):
        head = _HEAD.match(m.group(1).split("%", 1)[0])
        if head and head.group(1).split()[0].lower() in _VERBS and source is not None:
            heads.append(" ".join(head.group(1).split()))
    if heads:
        what = source.group(1).strip('"`') if source else "the query"
        names = symbol("lines", what, f"every table listed by {what}")
        return "".join(f"{h} {names};\n" for h in dict.fromkeys(heads))
    if listing is not None:
        kind = (listing.group(1) or listing.group(3) or "tables").lower()
        kind = "databases" if kind in ("databases", "l") else kind if kind == "schemas" else "tables"
        return symbol("lines", listing.group(0).strip(), f"every {kind[:-1]} listed by "
                      f"`{listing.group(0).strip()}`")
    if catalogue is not None and re.search(r"^\s*select\b", plain, re.I | re.M) and not re.search(
            r"\b(?:count|sum|max|min|avg)\s*\(", plain, re.I):
        return symbol("lines", catalogue.group(1), f"every table listed by {catalogue.group(1)}")
    return None


def psql_variables(text: str, args: list[str]) -> str:
    """psql's variables put into its SQL: `-v NAME=VALUE`/`--set`/`--variable` and `\\set NAME
    VALUE` lines, referenced as `:NAME`, `:"NAME"` (an identifier) or `:'NAME'` (a literal)."""
    names: dict[str, str] = {}
    for i, a in enumerate(args):
        value = args[i + 1] if a in ("-v", "--set", "--variable") and i + 1 < len(args) else \
            a.split("=", 1)[1] if a.startswith(("--set=", "--variable=")) else None
        if value and "=" in value:
            k, _, v = value.partition("=")
            names[k] = v
    out = []
    for ln in text.split("\n"):
        m = re.match(r"^\s*\\set\s+(\w+)\s*(.*)$", ln)
        if m:
            names[m.group(1)] = m.group(2).strip().strip("'")
            continue
        out.append(re.sub(r""":(["']?)(\w+)\1""", lambda r: (
            f'"{names[r.group(2)]}"' if r.group(1) == '"' else f"'{names[r.group(2)]}'"
            if r.group(1) else names[r.group(2)]) if r.group(2) in names else r.group(0), ln))
    return "\n".join(out)
