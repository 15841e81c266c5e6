"""Programs that run a command given to them as an argument or as data: find -exec, xargs,
GNU parallel and awk's system() and `print | "sh"`. Each is reduced to the command lines it
runs (an argv, or a shell text), with its substitutions ({}, -I, :::) made from what is known
of the items; an item that cannot be known stays a marker, so the command is still judged."""

from __future__ import annotations

import json
import re
import shlex
import string
from dataclasses import dataclass

from lineguard.collector.analyse.effects import awkvalues
from lineguard.collector.analyse.effects.model import is_known, unknown
from lineguard.collector.analyse.effects.resolve import judged_values


@dataclass(frozen=True)
class Run:
    """One command a runner starts: an argv, or (argv None) a text run by a shell."""
    argv: list[str] | None
    text: str = ""
    note: str = ""


def find_exec(argv: list[str]) -> tuple[list[Run], bool]:
    """The commands of find's -exec/-execdir/-ok/-okdir actions, {} standing for each file
    found under the roots, and whether the selection is bounded (an age, size or suffix)."""
    from lineguard.collector.analyse.effects.commands import find_bounded, find_selection
    roots, selected = find_selection(argv)
    preds = argv[1 + len(roots):]
    bounded = find_bounded(preds)
    # {} is each entry found: what a name or path pattern selects, or every entry under
    # the root
    found = [s if s not in roots else f"{s.rstrip('/')}/*" if "-type" in preds else s
             for s in selected]
    runs: list[Run] = []
    k = 0
    while k < len(preds):
        if preds[k] in ("-exec", "-execdir", "-ok", "-okdir"):
            end = k + 1
            while end < len(preds) and preds[end] not in (";", "\\;", "+"):
                end += 1
            cmd = preds[k + 1:end]
            for f in judged_values(found):
                runs.append(Run([f if a == "{}" else a.replace("{}", f) for a in cmd],
                                note=f"run by find {preds[k]}"))
            k = end
        k += 1
    return runs, bounded


def items(stdin: str | None, what: str, lines: bool = False) -> list[str]:
    """The items a runner reads from its input, one per line or word (a marker when unknown)."""
    if stdin is None or "\x01" in stdin:
        return [stdin if stdin else unknown(what)]
    words = [w.strip() for w in stdin.split("\n") if w.strip()] if lines else stdin.split()
    return judged_values(words) or [unknown(what)]


_XARGS_VALUE = set("aEdLnPs")


def _xargs_delimiter(value: str) -> str:
    """-d's delimiter: one character, or a C escape (`\\n`, `\\t`, `\\0`, `\\x0a`, octal)."""
    if value.startswith("\\") and len(value) > 1:
        simple = {"n": "\n", "t": "\t", "0": "\0", "r": "\r", "\\": "\\"}
        if value[1] == "x":
            return chr(int(value[2:] or "0", 16))
        if value[1:].isdigit() and len(value) > 2:
            return chr(int(value[1:], 8))
        return simple.get(value[1], value[1])
    return value[:1] or "\n"


def xargs(argv: list[str], stdin: str | None) -> list[Run]:
    """The commands xargs runs: with -I R (or -i), once per input item with R replaced; else
    with the items appended, -n N of them a command. Items are words, or what -0 (NUL) or
    -d DELIM separates, or lines under -I."""
    i, repl, sep, per = 1, None, None, 0
    while i < len(argv) and argv[i].startswith("-") and argv[i] != "--":
        a = argv[i]
        value = argv[i + 1] if i + 1 < len(argv) else ""
        if a in ("-I", "--replace") and i + 1 < len(argv):
            repl, i = value, i + 2
            continue
        if a.startswith("-I") and len(a) > 2:
            repl = a[2:]
        elif a.startswith("--replace="):
            repl = a.split("=", 1)[1]
        elif a in ("-i",):
            repl = "{}"
        elif a in ("-0", "--null"):
            sep = "\0"
        elif a.startswith("--delimiter="):
            sep = _xargs_delimiter(a.split("=", 1)[1])
        elif a in ("-d", "--delimiter"):
            sep, i = _xargs_delimiter(value), i + 1
        elif a.startswith("-d") and len(a) > 2:
            sep = _xargs_delimiter(a[2:])
        elif a in ("-n", "--max-args", "-L", "--max-lines") and value.isdigit():
            per, i = int(value), i + 1
        elif a.startswith(("-n", "-L")) and a[2:].isdigit():
            per = int(a[2:])
        elif len(a) == 2 and a[1] in _XARGS_VALUE:
            i += 1
        i += 1
    if i < len(argv) and argv[i] == "--":
        i += 1
    cmd = argv[i:] or ["echo"]
    if sep is not None and stdin is not None and "\x01" not in stdin:
        found = judged_values([w for w in stdin.split(sep) if w.strip()]) or \
            [unknown("the items xargs reads")]
        if sep == "\0" and found and found[-1].endswith("\n") and "\n" not in found[-1][:-1]:
            found[-1] = found[-1][:-1]
    else:
        found = items(stdin, "the items xargs reads", lines=repl is not None)
    if repl is None:
        if per <= 0:
            return [Run(cmd + found, note="run by xargs")]
        return [Run(cmd + found[k:k + per], note="run by xargs") for k in range(0, len(found), per)]
    return [Run([a.replace(repl, it) for a in cmd], note="run by xargs -I") for it in found]


_PARALLEL_VALUE = frozenset({"-j", "-P", "-S", "--jobs", "-N", "-n", "--delay", "--timeout", "-a",
                             "--arg-file", "--joblog", "--results", "-E", "--tmpdir", "--sshlogin"})


def parallel(argv: list[str], stdin: str | None) -> list[Run]:
    """GNU parallel: the command (a shell text) once per argument after ::: (or per input
    line), with {} replaced, or the argument appended when there is no {}."""
    i = 1
    while i < len(argv) and argv[i].startswith("-") and argv[i] not in (":::", "::::"):
        i += 2 if argv[i] in _PARALLEL_VALUE else 1
    rest = argv[i:]
    if ":::" in rest:
        cut = rest.index(":::")
        cmd, found = rest[:cut], judged_values([a for a in rest[cut + 1:] if a != ":::"])
    else:
        cmd, found = rest, items(stdin, "the lines parallel reads", lines=True)
    text = " ".join(cmd)
    found = [it if "\x01" in it else shlex.quote(it) for it in found]   # parallel quotes each
    if not text:
        return [Run(None, it, "run by parallel") for it in found]
    return [Run(None, text.replace("{}", it) if "{}" in text else f"{text} {it}", "run by parallel")
            for it in found or [unknown("the arguments parallel is given")]]


_AWK_ESC = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "/": "/", "a": "\a", "b": "\b"}


def _literal(body: str) -> str:
    return re.sub(r"\\(.)", lambda e: _AWK_ESC.get(e.group(1), e.group(1)), body)


def _awk_text(expr: str, names: dict[str, str] | None = None) -> str:
    """An awk string expression: literals and variables assigned a literal concatenated,
    anything else a marker."""
    out = []
    for m in re.finditer(r'"((?:[^"\\]|\\.)*)"|([A-Za-z_]\w*)|([^\s,()";]+)', expr):
        if m.group(1) is not None:
            out.append(_literal(m.group(1)))
        elif m.group(2) and names and m.group(2) in names:
            out.append(names[m.group(2)])
        else:
            out.append(unknown(f"awk expression {m.group(0)}"))
    return "".join(out)


_AWK_VALUE = frozenset({"-F", "-v", "-f", "--field-separator", "--assign", "--file"})


def awk_program(argv: list[str]) -> tuple[str | None, str | None]:
    """The program text of an awk command line, or the file it is read from (-f)."""
    i = 1
    while i < len(argv) and argv[i].startswith("-") and argv[i] != "--":
        if argv[i] in ("-f", "--file") and i + 1 < len(argv):
            return None, argv[i + 1]
        i += 2 if argv[i] in _AWK_VALUE else 1
    if i < len(argv) and argv[i] == "--":
        i += 1
    return (argv[i] if i < len(argv) else None), None


def awk_input_files(argv: list[str]) -> list[str]:
    """The files an awk command line reads its records from (after the program, or after
    -f FILE; `NAME=VALUE` assignments are not files)."""
    i, from_file = 1, False
    while i < len(argv) and argv[i].startswith("-") and argv[i] != "--":
        from_file = from_file or argv[i] in ("-f", "--file")
        i += 2 if argv[i] in _AWK_VALUE else 1
    i += (1 if i < len(argv) and argv[i] == "--" else 0) + (0 if from_file else 1)
    return [a for a in argv[i:] if not re.fullmatch(r"[A-Za-z_]\w*=.*", a, re.S)]


# what awk's system() is handed when it runs each input record itself: `system($0)`
WHOLE_RECORD = unknown("awk expression $0")


_ENVIRON = re.compile(r'\bENVIRON\s*\[\s*"([A-Za-z_]\w*)"\s*\]')


def _awk_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def awk_inputs(program: str, argv: list[str], env: dict[str, str]) -> str:
    """The program with the values it is handed from outside written in: each
    `ENVIRON["NAME"]` the environment's value (when known), and each `-v NAME=VALUE`
    assignment as a BEGIN block ahead of the program (awk assigns them before BEGIN)."""
    if "ENVIRON" in program:
        program = _ENVIRON.sub(lambda m: _awk_string(env[m.group(1)])
                               if m.group(1) in env and is_known(env[m.group(1)])
                               else m.group(0), program)
    assigned = [a for k, a in enumerate(argv[1:], 1) if argv[k - 1] in ("-v", "--assign")]
    assigned += [a[2:] for a in argv[1:] if a.startswith("-v") and len(a) > 2]
    pre = [f"{m.group(1)} = {_awk_string(m.group(2))}" for a in assigned
           if (m := re.fullmatch(r"([A-Za-z_]\w*)=(.*)", a, re.S)) and is_known(m.group(2))]
    return f"BEGIN {{ {'; '.join(pre)} }}\n{program}" if pre else program


def awk(program: str) -> tuple[list[Run], str | None]:
    """What an awk program runs (system(), print/printf piped to a command) and, for a program
    that only prints in BEGIN, what it prints."""
    runs: list[Run] = []
    names = {m.group(1): _literal(m.group(2)) for m in
             re.finditer(r'\b([A-Za-z_]\w*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(?:[;}\n]|$)', program)}
    followed = awkvalues.commands(program)
    if followed is not None:
        # values followed through assignments, sprintf, split arrays and loops
        runs.extend(Run(None, text, "in awk system()") for text in followed)
    else:
        for m in re.finditer(r"\bsystem\s*\(((?:[^()\"]|\"(?:[^\"\\]|\\.)*\"|\([^()]*\))*)\)",
                             program):
            runs.append(Run(None, _awk_text(m.group(1), names), "in awk system()"))
    for m in re.finditer(r'("(?:[^"\\]|\\.)*"|[A-Za-z_]\w*)\s*\|&?\s*getline\b', program):
        runs.append(Run(None, _awk_text(m.group(1), names), "run by awk's getline"))
    for m in re.finditer(r"\bprintf?\b\s*\(?((?:[^|;}\"]|\"(?:[^\"\\]|\\.)*\")*)\)?\s*\|\s*"
                         r"(\"(?:[^\"\\]|\\.)*\"|[A-Za-z_]\w*)", program):
        runs.append(Run(None, f"{_awk_text(m.group(2), names)} <<'AWK_PRINTED'\n"
                              f"{_awk_text(m.group(1), names)}\nAWK_PRINTED", "printed by awk into a command"))
    for m in re.finditer(r"\bprintf?\b\s*\(?\s*\"\"\s*\)?\s*>\s*(\"(?:[^\"\\]|\\.)*\")", program):
        # nothing printed into a file: the file is emptied
        runs.append(Run(None, f": > '{_awk_text(m.group(1), names)}'", "awk output into a file"))
    printed = None
    begin = re.fullmatch(r"\s*BEGIN\s*\{(.*)\}\s*", program, re.S)
    if begin and not runs:
        parts = []
        for m in re.finditer(r"\b(printf|print)\b\s*\(?((?:[^;}\"]|\"(?:[^\"\\]|\\.)*\")*)", begin.group(1)):
            text = _awk_text(m.group(2).rstrip(") "))
            parts.append(text + ("\n" if m.group(1) == "print" else ""))
        printed = "".join(parts) if parts else None
    return runs, printed


# A quantified group holding a quantifier or an alternation, or a back-reference: the shapes that
# make a backtracking engine take exponential time. A planted script chooses these patterns and
# judging runs them over captured text, so such a pattern is not run (the value stays unknown).
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[*+}|](?:[^()\\]|\\.)*\)[*+?{]|\\[1-9]")
_MAX_REGEX_LINE = 8192


def _bre(pattern: str, extended: bool) -> str:
    """A POSIX regular expression as a Python one (BRE: \\( \\) \\{ \\} \\+ \\? \\| are the operators;
    bracket expressions in either are translated member by member, see _bracket).
    Raises re.error for a pattern this reader will not run (see _NESTED_QUANTIFIER)."""
    converted = _from_posix(pattern, extended)
    if _NESTED_QUANTIFIER.search(converted) or len(converted) > 1024:
        raise re.error("pattern not evaluated: nested quantifiers or back-references")
    return converted


def _from_posix(pattern: str, extended: bool) -> str:
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "[":
            text, i = _bracket(pattern, i)
            out.append(text)
            continue
        if c == "\\" and i + 1 < len(pattern):
            n = pattern[i + 1]
            out.append(n if n in "(){}+?|" and not extended else c + n)
            i += 2
            continue
        out.append("\\" + c if c in "(){}+?|" and not extended else c)
        i += 1
    return "".join(out)


# POSIX character classes as Python set members (ASCII, as in the C locale cron jobs run in).
_CLASSES = {"alpha": "a-zA-Z", "digit": "0-9", "alnum": "0-9A-Za-z", "upper": "A-Z",
            "lower": "a-z", "space": " \\t\\n\\r\\f\\v", "blank": " \\t",
            "punct": "".join("\\" + c for c in string.punctuation), "print": "\\x20-\\x7e",
            "graph": "\\x21-\\x7e", "cntrl": "\\x00-\\x1f\\x7f", "xdigit": "0-9A-Fa-f"}


def _bracket(pattern: str, start: int) -> tuple[str, int]:
    """The POSIX bracket expression at `start` as a Python set, and the index after it. Inside
    one, a backslash is an ordinary character, `]` first is a member, and `[:class:]`,
    `[=c=]`, `[.c.]` are single members; every character Python would read as set syntax
    (`[`, `\\`, `&&`, `~~`, `||`, `--`) is escaped, so no POSIX set becomes a nested one."""
    i, members = start + 1, []
    negate = pattern.startswith("^", i)
    i += negate
    first = True
    while True:
        if i >= len(pattern):
            raise re.error("unterminated bracket expression")
        c = pattern[i]
        if c == "]" and not first:
            break
        first = False
        if c == "[" and pattern[i + 1:i + 2] in (":", "=", "."):
            kind = pattern[i + 1]
            end = pattern.find(kind + "]", i + 2)
            name = pattern[i + 2:end] if end > 0 else ""
            if kind == ":" and name in _CLASSES:
                members.append(_CLASSES[name])
            elif kind != ":" and len(name) == 1:
                members.append(_member(name))
            else:
                raise re.error(f"bracket member not evaluated: {pattern[i:i + 20]!r}")
            i = end + 2
        elif pattern[i + 1:i + 2] == "-" and pattern[i + 2:i + 3] not in ("", "]"):
            low, high = c, pattern[i + 2]
            if low > high:
                raise re.error(f"invalid range {low}-{high}")
            members.append(f"{_member(low)}-{_member(high)}")
            i += 3
        else:
            members.append(_member(c))
            i += 1
    return "[" + "^" * negate + "".join(members) + "]", i + 1


def _member(c: str) -> str:
    return "\\" + c if c in "\\]^-[&~|" else c


_SED_SUBSTITUTE = re.compile(r"s(.)(.*?)\1(.*?)\1([gpI]*)")
_SED_ADDRESS = re.compile(r"/(.*)/\s*([pd])")
_SED_GROUP = re.compile(r"\\(\d)")


def sed(argv: list[str], text: str) -> str | None:
    """What `sed [-n] [-E] SCRIPT` prints from text, for scripts of s///[gp] and /RE/p, d
    commands; None for anything else."""
    args = argv[1:]
    quiet = any(a in ("-n", "--quiet", "--silent") or re.fullmatch(r"-\w*n\w*", a) for a in args
                if a.startswith("-") and a not in ("-e", "-f"))
    extended = any(a in ("-E", "-r", "--regexp-extended") for a in args)
    scripts = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "-e"]
    if not scripts:
        ops = [a for a in args if not a.startswith("-")]
        if not ops:
            return None
        scripts = [ops[0]]
    out: list[str] = []
    if any(len(line) > _MAX_REGEX_LINE for line in text.split("\n")):
        return None
    # each command made once: ("s", pattern, replacement, count, print) or (pattern, "p"|"d")
    program: list[tuple] = []
    try:
        for c in (c.strip() for s in scripts for c in s.split(";")):
            if not c:
                continue
            m = _SED_SUBSTITUTE.fullmatch(c)
            a = _SED_ADDRESS.fullmatch(c)
            if m:
                rx = re.compile(_bre(m.group(2), extended), re.I if "I" in m.group(4) else 0)
                repl = _SED_GROUP.sub(r"\\\1", m.group(3)).replace("&", r"\g<0>")
                program.append(("s", rx, repl, 0 if "g" in m.group(4) else 1, "p" in m.group(4)))
            elif a:
                program.append((re.compile(_bre(a.group(1), extended)), a.group(2)))
            else:
                return None
        for line in text.split("\n"):
            printed, cur, deleted = [], line, False
            for step in program:
                if step[0] == "s":
                    _, rx, repl, count, prints = step
                    cur, n = rx.subn(repl, cur, count=count)
                    if n and prints:
                        printed.append(cur)
                elif step[0].search(cur):
                    if step[1] == "p":
                        printed.append(cur)
                    else:
                        deleted = True
                        break
            out += printed + ([] if quiet or deleted else [cur])
    except re.error:
        return None
    return "\n".join(out) + ("\n" if out else "")


def grep(argv: list[str], text: str) -> str | None:
    """The lines `grep [-v] [-E|-F] [-o] PATTERN` selects from text; None when unsure."""
    args = argv[1:]
    flags = "".join(a[1:] for a in args if re.fullmatch(r"-[a-zA-Z]+", a))
    ops = [a for a in args if not a.startswith("-")]
    pats = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "-e"] or ops[:1]
    if not pats:
        return None
    try:
        rxs = [re.compile(re.escape(p) if "F" in flags else _bre(p, "E" in flags or
                                                                 argv[0].endswith("egrep")),
                          re.I if "i" in flags else 0) for p in pats]
    except re.error:
        return None
    lines = text.split("\n")
    if any(len(line) > _MAX_REGEX_LINE for line in lines):
        return None
    out = []
    invert, only = "v" in flags, "o" in flags
    for line in lines:
        if only:
            hits = [m for rx in rxs for m in rx.finditer(line)]
            if bool(hits) != invert:
                out += [m.group(0) for m in hits] if hits else [line]
        elif any(rx.search(line) for rx in rxs) != invert:
            out.append(line)
    return "\n".join(out) + ("\n" if out else "")


_JQ_VALUE = frozenset({"--arg", "--argjson", "--slurpfile", "--rawfile", "--indent", "-L",
                       "--tab", "-f", "--from-file"})
_JQ_TERM = re.compile(r'\s*(?:\$(\w+)|"((?:[^"\\]|\\.)*)")\s*')


def jq(argv: list[str]) -> str | None:
    """What `jq -rn [--arg NAME VALUE]… FILTER` prints when the filter only joins its named
    arguments and string literals (`$a + $b`, `"\\($a) …"`): a command line built to be piped
    into a shell. None when the filter does anything else or jq reads its input."""
    names: dict[str, str] = {}
    flags, prog, i = "", None, 1
    while i < len(argv):
        a = argv[i]
        if a in ("--arg", "--argjson") and i + 2 < len(argv):
            names[argv[i + 1]] = argv[i + 2]
            i += 3
            continue
        if a in _JQ_VALUE:
            i += 2
            continue
        if a.startswith("--"):
            flags += {"--raw-output": "r", "--null-input": "n", "--join-output": "j"}.get(a, "")
        elif a.startswith("-") and len(a) > 1:
            flags += a[1:]
        elif prog is None:
            prog = a
        i += 1
    if prog is None or "n" not in flags or not ("r" in flags or "j" in flags):
        return None
    out = []
    for part in prog.split("+"):
        m = _JQ_TERM.fullmatch(part)
        if m is None:
            return None
        if m.group(1) is not None:
            if m.group(1) not in names:
                return None
            out.append(names[m.group(1)])
            continue
        text = re.sub(r"\\\(\s*\$(\w+)\s*\)", lambda v: names.get(v.group(1), "\x00"), m.group(2))
        if "\x00" in text:
            return None
        try:
            out.append(json.loads(f'"{text}"'))
        except ValueError:
            return None
    return "".join(out) + ("" if "j" in flags else "\n")
