"""Reading scripts the way their interpreter would, enough to judge them line by line.

Owns: logical lines (backslash continuations and multi-line quotes joined, comments stripped
outside quotes), heredoc bodies and who reads them, shell functions (where defined, where
called), enclosing `if` conditions (for date gates), variable assignments, string literals,
inline programs (`bash -c`, `python3 -c`), and decoding of base64/hex/reversed payloads.
Nothing here knows what is destructive; collector.analyse.destructive applies the rules.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from dataclasses import dataclass

# Interpreters a heredoc or inline program can be fed to, by how lineguard reads them.
_SHELLS = frozenset({"sh", "bash", "dash", "ksh", "zsh", "busybox"})
_PYTHONS = re.compile(r"^python[0-9.]*$")
SQL_READERS = frozenset({"psql", "mysql", "mariadb", "sqlite3", "sqlplus", "isql",
                         "clickhouse-client"})
# A line hands SQL to a database: a client with -c/-e, or a Python DB-API call.
SQL_CONTEXT = re.compile(r"\b(?:psql|mysql|mariadb|sqlite3|sqlplus|isql|clickhouse-client|dropdb|"
                         r"mysqladmin|redis-cli|mongo|mongosh)\b|"
                         r"\.execute(?:script|many)?\s*\(|\bcursor\b")
_HOST_READERS = _SHELLS | SQL_READERS | frozenset({"cat", "tee", "perl", "awk", "mail", "mailx",
                                            "sendmail", "logger", "crontab", "at", "wall"})
# A line that hands text to a device session: a remote-login or socket program in command
# position, an expect `send`, or a session object's send method.
_SESSION_PROGRAMS = ("clogin", "jlogin", "nlogin", "ssh", "sshpass", "telnet", "plink", "netcat",
                     "nc", "ncat", "socat", "expect", "cli")
_SESSION_METHODS = ("send", "sendline", r"send_command\w*", "send_config_set",
                    "send_config_from_file", "write_channel", "exec_command", "cli")
DEVICE_TALK = re.compile(
    r"(?:^|[;&|({]|\$\()\s*(?:(?:sudo|nohup|timeout\s+\S+|env(?:\s+\w+=\S+)*)\s+)*(?:\S*/)?"
    rf"(?:{'|'.join(_SESSION_PROGRAMS)})\b"
    r"|^\s*(?:exp_)?send\s"
    rf"|\.(?:{'|'.join(_SESSION_METHODS)})\s*\(")
# A word each DEVICE_TALK branch needs (a method's leading name): plain alternatives this regex
# engine clears a line of much faster than DEVICE_TALK itself.
_DEVICE_TALK_WORDS = re.compile("|".join(
    (*_SESSION_PROGRAMS, "send", *(re.match(r"\w+", m).group() for m in _SESSION_METHODS))))
_DEVICE_LIB_NAMES = ("netmiko", "paramiko", "telnetlib", "pexpect", "scrapli", "napalm", "ncclient",
                     "jnpr")
DEVICE_LIBS = re.compile(rf"\b(?:{'|'.join(_DEVICE_LIB_NAMES)})\b|^#!.*\bexpect\b|^\s*spawn\s",
                         re.M)
# The words DEVICE_LIBS needs, as plain alternatives: a search this regex engine runs several
# times faster, so most texts are cleared without DEVICE_LIBS.
_DEVICE_LIB_WORDS = re.compile("|".join((*_DEVICE_LIB_NAMES, "expect", "spawn")))

_HEREDOC = re.compile(r"(?<!<)<<(-?)\s*(['\"]?)([A-Za-z_][\w.-]*)\2")
_FUNC_DEF = re.compile(r"^\s*(?:function\s+([A-Za-z_][\w:.-]*)\s*(?:\(\s*\))?|"
                       r"([A-Za-z_][\w:.-]*)\s*\(\s*\))\s*(\{|\(|$)")
# A word in command position; `)` too, for `case` arms (`daily) daily ;;`).
_CMD_WORD = re.compile(r"(?:^|[;&|({`!)]|\$\()\s*(?:(?:if|then|do|else|elif|while|until|time|!|"
                       r"sudo|exec|nohup|command|builtin|eval)\s+)*([A-Za-z_][\w:.-]*)")
_ASSIGN = re.compile(r"^\s*(?:export\s+|readonly\s+|local\s+|declare\s+(?:-\w+\s+)?)?"
                     r"([A-Za-z_]\w*)=(\"[^\"$`]*\"|'[^']*'|[^\s;&|`$()]*)\s*(?:;|$)")
_ANY_ASSIGN = re.compile(r"^\s*(?:export\s+|readonly\s+|local\s+|declare\s+(?:-\w+\s+)?)?"
                         r"([A-Za-z_]\w*)=")
_VAR = re.compile(r"\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)")
_IF_START = re.compile(r"(?:^|[;&|]\s*|\bthen\s+|\belse\s+)\s*if\b")
_ELIF = re.compile(r"(?:^|[;&|]\s*)\s*elif\b")
_FI = re.compile(r"(?:^|[;&|]\s*|\s)fi\b")
_SHELL_LITERAL = re.compile(r"'([^']*)'|\"((?:\\.|[^\"\\])*)\"")
_PY_LITERAL = re.compile(r"[rbfuRBFU]{0,2}('''(.*?)'''|\"\"\"(.*?)\"\"\"|'((?:\\.|[^'\\])*)'|"
                         r"\"((?:\\.|[^\"\\])*)\")", re.S)
_INLINE = re.compile(r"\b(?:(?:ba|da|k|z)?sh|su(?:\s+-?\s*\S+)?|python[0-9.]*)\s+"
                     r"(?:-\w+\s+)*-c\s+('([^']*)'|\"((?:\\.|[^\"\\])*)\")")
_B64_TOKEN = re.compile(r"[A-Za-z0-9+/]{12,}={0,2}")
_HEX_TOKEN = re.compile(r"\b(?:[0-9a-fA-F]{2}){6,}\b")
_HEX_ESCAPES = re.compile(r"(?:\\x[0-9a-fA-F]{2}){4,}")
_B64_DECODE = re.compile(r"base64\s+(?:-\w*d\w*|--decode)|b64decode|openssl\s+(?:enc\s+)?"
                         r"(?:-\w+\s+)*-?base64\s+-d|openssl\s+enc\s+-d\s+-base64")
_HEX_DECODE = re.compile(r"xxd\s+(?:-\w+\s+)*-r|bytes\.fromhex|unhexlify|\\x[0-9a-fA-F]{2}")
_REV = re.compile(r"\|\s*rev\b")
# Most lines decode nothing: one search rejects them instead of three.
_ANY_DECODE = re.compile("|".join(p.pattern for p in (_B64_DECODE, _HEX_DECODE, _REV)))


# Perl, PHP, Ruby and friends: read line by line (their quoting is not the shell's), still
# judged for the commands they hand to system()/exec.
_OTHER_SUFFIXES = (".pl", ".pm", ".php", ".rb", ".lua", ".tcl", ".awk")
_OTHER_SHEBANG = re.compile(r"\b(?:perl|php|ruby|lua|tclsh|awk|gawk|mawk|node)\b")
_QUOTING = re.compile(r"['\"\\#]")
_MAX_JOIN = 200        # physical lines one logical line may span before quoting is distrusted
# What makes a shell line more than itself: quoting, a comment or continuation, a heredoc, a
# function definition (`f()`, `function f`) or an `if`.
_NOT_PLAIN = re.compile(r"['\"\\#]|<<|\(|function|if")


@dataclass(frozen=True)
class Line:
    """One logical line of a script, as its interpreter sees it.

    context: shell | python | heredoc (body of a heredoc: read by `reader`) | text (read by a
    device or as data). function: the shell function the line sits in, if any. conditions: line
    numbers of the `if` conditions that enclose it (innermost last)."""

    no: int                       # 1-based physical line where it starts
    text: str                     # continuations joined, comment stripped
    evidence: str                 # the physical line(s), stripped, as written
    context: str = "shell"
    reader: str = ""              # for heredoc bodies: the command that reads them
    function: str | None = None
    conditions: tuple[int, ...] = ()


@dataclass(frozen=True)
class Script:
    """A script read into logical lines, with its functions and the words in command position."""

    language: str                                   # shell | python | expect | other
    lines: tuple[Line, ...]
    functions: dict[str, tuple[int, int]]           # name -> (first, last) physical line
    calls: tuple[tuple[int, str, str | None], ...]  # (line, word, enclosing function)
    talks_to_devices: bool
    heredoc_programs: tuple[tuple[int, str, str], ...] = ()   # (first line, language, text)
    # Every line is one physical line as written, in no function, `if` or heredoc.
    plain: bool = False


def language_of(name: str, text: str) -> str:
    end = text.find("\n")
    first = text if end < 0 else text[:end]
    if name.endswith(".py") or (first.startswith("#!") and "python" in first):
        return "python"
    if name.endswith(".exp") or (first.startswith("#!") and "expect" in first):
        return "expect"
    if name.endswith(_OTHER_SUFFIXES) or (first.startswith("#!") and _OTHER_SHEBANG.search(first)):
        return "other"
    return "shell"


def _scan_quotes(line: str, single: bool, double: bool) -> tuple[str, bool, bool]:
    """Strip a trailing comment outside quotes; return the text and the quote state at its end."""
    if not (single or double) and not _QUOTING.search(line):
        return line, False, False
    out = []
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if single:
            single = c != "'"
        elif double:
            if c == "\\" and i + 1 < n:
                out.append(line[i:i + 2])
                i += 2
                continue
            double = c != '"'
        elif c == "\\" and i + 1 < n:
            out.append(line[i:i + 2])
            i += 2
            continue
        elif c == "'":
            single = True
        elif c == '"':
            double = True
        elif c == "#" and (i == 0 or line[i - 1] in " \t;&|("):
            break
        out.append(c)
        i += 1
    return "".join(out), single, double


def _shell_lines(text: str, bodies: list[tuple[int, str, str]] | None = None
                 ) -> list[tuple[int, str, str, str]]:
    """(line, logical text, evidence, reader) — reader is set for heredoc body lines. Bodies
    read by a shell or Python are also collected whole into `bodies` as (first line, reader,
    text), so they can be read as programs of their own."""
    bodies = [] if bodies is None else bodies
    phys = text.split("\n")
    out: list[tuple[int, str, str, str]] = []
    i = 0
    while i < len(phys):
        start = i
        if not _QUOTING.search(phys[i]):
            # no quote, comment or backslash: the physical line is the logical line (most are)
            logical = phys[i].strip()
            i += 1
            if logical:
                out.append((start + 1, logical, logical, ""))
                if "<<" in logical:
                    i = _heredocs(logical, phys, i, out, bodies)
            continue
        parts, evid = [], []
        single = double = False
        while i < len(phys):
            raw = phys[i]
            evid.append(raw.strip())
            body, single, double = _scan_quotes(raw, single, double)
            i += 1
            if not single and not double and body.endswith("\\") and not body.endswith("\\\\"):
                parts.append(body[:-1].strip() + " ")
                continue
            if (single or double) and i - start < _MAX_JOIN:
                # a newline inside quotes stays one: it separates commands in `sh -c '…'` and
                # in text sent to a device
                parts.append(body.strip() + "\n")
                continue
            parts.append(body.strip())
            break
        logical = "".join(parts).strip()
        if not logical:
            continue
        out.append((start + 1, logical, " ".join(e for e in evid if e), ""))
        if "<<" in logical:
            i = _heredocs(logical, phys, i, out, bodies)
    return out


def _heredocs(logical: str, phys: list[str], i: int, out: list[tuple[int, str, str, str]],
              bodies: list[tuple[int, str, str]]) -> int:
    """Read the bodies of the heredocs `logical` opens, from physical line i; returns the line
    after the last one."""
    pending: list[tuple[str, str]] = []
    for m in _HEREDOC.finditer(logical):
        before = logical[:m.start()]
        seg = re.split(r"[;&|(]|\$\(", before)[-1].split()
        words = [w for w in seg if not re.match(r"^[A-Za-z_]\w*=", w)]
        while words and words[0] in ("sudo", "exec", "nohup", "env", "command", "time"):
            words = words[1:]
        # `${SHELL:-/bin/sh} << 'marcinDELIMITER…'` is how at(1) wraps a job: read the default
        prog = re.sub(r"^\$\{\w+:?-(.*)\}$", r"\1", words[0]) if words else "cat"
        pending.append((m.group(3), prog.rsplit("/", 1)[-1]))
    for delim, reader in pending:
        first = i
        while i < len(phys) and phys[i].strip() != delim:
            if phys[i].strip():
                out.append((i + 1, phys[i].strip(), phys[i].strip(), reader))
            i += 1
        if reader in _SHELLS or _PYTHONS.match(reader):
            bodies.append((first + 1, reader, "\n".join(phys[first:i])))
        i += 1
    return i


def _python_lines(text: str) -> list[tuple[int, str, str]]:
    """(line, logical text, evidence): brackets and triple-quoted strings joined."""
    phys = text.split("\n")
    out = []
    i = 0
    while i < len(phys):
        start, chunk, depth, triple = i, [], 0, None
        while i < len(phys):
            raw = phys[i]
            i += 1
            j, n, buf = 0, len(raw), []
            while j < n:
                c = raw[j]
                if triple:
                    if raw.startswith(triple, j):
                        triple = None
                        buf.append(raw[j:j + 3])
                        j += 3
                        continue
                    buf.append(c)
                    j += 1
                    continue
                if raw.startswith(('"""', "'''"), j):
                    triple = raw[j:j + 3]
                    buf.append(triple)
                    j += 3
                    continue
                if c in "\"'":
                    k = j + 1
                    while k < n and raw[k] != c:
                        k += 2 if raw[k] == "\\" else 1
                    buf.append(raw[j:k + 1])
                    j = k + 1
                    continue
                if c == "#":
                    break
                depth += (c in "([{") - (c in ")]}")
                buf.append(c)
                j += 1
            chunk.append("".join(buf))
            if triple or depth > 0 or "".join(buf).rstrip().endswith("\\"):
                continue
            break
        logical = " ".join(p.strip() for p in chunk).strip()
        if logical:
            evid = " ".join(p.strip() for p in phys[start:i] if p.strip())
            out.append((start + 1, logical, evid))
    return out


def talks_to_device(line: str) -> bool:
    """Does the line hand text to a device session (DEVICE_TALK)?"""
    return bool(_DEVICE_TALK_WORDS.search(line) and DEVICE_TALK.search(line))


def _uses_device_libs(text: str) -> bool:
    return bool(_DEVICE_LIB_WORDS.search(text) and DEVICE_LIBS.search(text))


def _plain_lines(text: str) -> list[tuple[int, str]] | None:
    """(line, text) of a shell script whose every line reads as written — what the general
    reader below would find, comment lines dropped — or None when some line needs that reader.
    Most scripts cron runs are this simple, and this is much faster."""
    # a comment line is one whose `#` only blanks precede, as _scan_quotes reads it
    lines = [(no, t) for no, raw in enumerate(text.split("\n"), 1)
             if (t := raw.strip()) and not raw.lstrip(" \t").startswith("#")]
    if _NOT_PLAIN.search("\n".join(t for _, t in lines)):
        return None
    return lines


def read_script(name: str, text: str) -> Script:
    language = language_of(name, text)
    if language == "python":
        plines: list[Line] = []
        ifs: list[tuple[int, int]] = []           # (indent, line) of enclosing `if` conditions
        phys = text.split("\n")
        for no, t, e in _python_lines(text):
            indent = len(phys[no - 1]) - len(phys[no - 1].lstrip())
            while ifs and indent <= ifs[-1][0] and not re.match(r"(elif|else)\b", t):
                ifs.pop()
            if re.match(r"(?:el)?if\b", t):
                if t.startswith("elif") and ifs:
                    ifs.pop()
                ifs.append((indent, no))
            plines.append(Line(no, t, e, "python", conditions=tuple(n for _, n in ifs)))
        return Script(language, tuple(plines), {}, (), _uses_device_libs(text))
    if language == "other":
        lines = tuple(Line(no, t.strip(), t.strip(), "shell")
                      for no, t in enumerate(text.split("\n"), 1)
                      if t.strip() and not t.lstrip().startswith("#"))
        return Script(language, lines, {}, (), _uses_device_libs(text))
    talks = _uses_device_libs(text) or language == "expect"
    plain = _plain_lines(text)
    if plain is not None:
        return Script(language, tuple(Line(no, t, t) for no, t in plain), {},
                      tuple((no, w.group(1), None) for no, t in plain
                            for w in _CMD_WORD.finditer(t)), talks, plain=True)
    return _read_shell(language, text, talks)


def _read_shell(language: str, text: str, talks: bool) -> Script:
    """Any shell (or expect) script: quoting, continuations, heredocs, functions, `if`s."""
    programs: list[tuple[int, str, str]] = []
    raw = _shell_lines(text, programs)
    functions: dict[str, tuple[int, int]] = {}
    calls: list[tuple[int, str, str | None]] = []
    lines: list[Line] = []
    fn_stack: list[list] = []          # [name, first line, brace depth before it, body opened]
    if_stack: list[int] = []
    depth = 0
    for no, logical, evid, reader in raw:
        current = fn_stack[-1][0] if fn_stack else None
        if reader:
            ctx = ("shell" if reader in _SHELLS else
                   "python" if _PYTHONS.match(reader) else
                   "heredoc" if reader in _HOST_READERS else "text")
            lines.append(Line(no, logical, evid, ctx, reader, current, tuple(if_stack)))
            continue
        m = _FUNC_DEF.match(logical) if "(" in logical or "function" in logical else None
        if m and m.group(3) != "(":       # a `f() ( ... )` subshell body is left as plain lines
            fn_stack.append([m.group(1) or m.group(2), no, depth, False])
            current = fn_stack[-1][0]
        # the substring tests spare most lines a regex search: each pattern needs its keyword
        has_if = "if" in logical
        opens_if = has_if and bool(_IF_START.search(logical))
        conds = tuple(if_stack) + ((no,) if opens_if else ())
        lines.append(Line(no, logical, evid, "shell", "", current, conds))
        for w in _CMD_WORD.finditer(logical):
            if not m or w.start(1) > m.end():
                calls.append((no, w.group(1), current))
        closes_if = "fi" in logical and bool(_FI.search(logical))
        if has_if and if_stack and _ELIF.search(logical):
            if_stack[-1] = no                  # the elif's own condition now guards its branch
            conds = tuple(if_stack)
            lines[-1] = Line(no, logical, evid, "shell", "", current, conds)
        if opens_if and not closes_if:
            if_stack.append(no)
        elif closes_if and not opens_if and if_stack:
            if_stack.pop()
        unq = _SHELL_LITERAL.sub("", logical) if "'" in logical or '"' in logical else logical
        depth += unq.count("{") - unq.count("}")
        if fn_stack and "{" in unq:
            fn_stack[-1][3] = True
        while fn_stack and fn_stack[-1][3] and depth <= fn_stack[-1][2]:
            name, first, _, _ = fn_stack.pop()
            functions[name] = (first, no)
    for name, first, _, _ in fn_stack:
        functions[name] = (first, raw[-1][0] if raw else first)
    return Script(language, tuple(lines), functions, tuple(calls), talks,
                  tuple((first, "python" if _PYTHONS.match(r) else "shell", body)
                        for first, r, body in programs))


def assignments(line: str) -> tuple[str, str | None] | None:
    """(name, value) for a plain assignment; value None when it is computed at run time
    (command substitution, arithmetic), so an earlier value must no longer be assumed."""
    if "=" not in line:
        return None
    m = _ASSIGN.match(line)
    if not m:
        other = _ANY_ASSIGN.match(line)
        return (other.group(1), None) if other else None
    value = m.group(2)
    if value[:1] in "\"'":
        value = value[1:-1]
    return m.group(1), value


def has_vars(line: str) -> bool:
    return "$" in line and bool(_VAR.search(line))


def expand(line: str, env: Mapping[str, str]) -> str:
    """The line with variables known in this script replaced by their values."""
    if "$" not in line or not env:
        return line
    return _VAR.sub(lambda m: env.get(m.group(1) or m.group(2), m.group(0)), line)


def shell_literals(line: str) -> list[str]:
    return [a if a is not None and m.group(0).startswith("'") else b
            for m in _SHELL_LITERAL.finditer(line) for a, b in [m.groups()]]


def python_literals(line: str) -> list[str]:
    out = []
    for m in _PY_LITERAL.finditer(line):
        out.append(next(g for g in m.groups()[1:] if g is not None))
    return out


def unquoted(line: str) -> str:
    """A Python line with quotes and commas dropped, so `["rm", "-rf", "/x"]` reads as the
    command line it runs."""
    return " ".join(re.sub(r"[\"',]", " ", line).split())


def device_texts(literal: str) -> list[str]:
    """Commands inside a string sent to a device: split on newlines (real or escaped) and `;`."""
    parts = re.split(r"\\[rn]|[\r\n;]", literal)
    return [p.strip() for p in parts if p.strip()]


def inline_programs(line: str) -> list[tuple[str, str]]:
    """(language, text) of `sh -c '...'`, `su -c "..."`, `python3 -c '...'` on the line."""
    out: list[tuple[str, str]] = []
    if "-c" not in line:
        return out
    for m in _INLINE.finditer(line):
        body = m.group(2) if m.group(2) is not None else m.group(3)
        out.append(("python" if m.group(0).startswith("python") else "shell", body))
    return out


def _printable(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    ok = sum(ch.isprintable() or ch in "\n\t" for ch in text)
    return text if text and ok / len(text) > 0.95 else None


def decodes(text: str) -> bool:
    """Does the text decode anything (base64, hex, `| rev`)? A line that does not has no
    payloads."""
    return bool(_ANY_DECODE.search(text))


def decode_payloads(line: str) -> list[tuple[str, str]]:
    """(encoding, decoded text) for payloads the line decodes: base64, hex or reversed text."""
    out: list[tuple[str, str]] = []
    if not decodes(line):
        return out
    if _B64_DECODE.search(line):
        for tok in _B64_TOKEN.findall(line):
            try:
                text = _printable(base64.b64decode(tok + "=" * (-len(tok) % 4), validate=True))
            except (binascii.Error, ValueError):
                continue
            if text and re.search(r"[a-z]{2}", text):
                out.append(("base64", text))
    if _HEX_DECODE.search(line):
        for tok in _HEX_TOKEN.findall(line):
            text = _printable(bytes.fromhex(tok))
            if text:
                out.append(("hex", text))
        for esc in _HEX_ESCAPES.findall(line):
            text = _printable(bytes.fromhex(esc.replace("\\x", "")))
            if text:
                out.append(("hex", text))
    if _REV.search(line):
        for lit in shell_literals(line.split("|")[0]) or line.split("|")[0].split()[1:]:
            if len(lit) >= 4:
                out.append(("rev", lit[::-1]))
    return out
