"""Programs that run a command given to them as an argument or as data: find -exec, xargs,
GNU parallel and awk's system() and `print | "sh"`. Each is reduced to the command lines it
runs (an argv, or a shell text), with its substitutions ({}, -I, :::) made from what is known
of the items; an item that cannot be known stays a marker, so the command is still judged."""

from __future__ import annotations

import re
import shlex
import string
from dataclasses import dataclass

from lineguard.collector.analyse.effects.model import unknown
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


def xargs(argv: list[str], stdin: str | None) -> list[Run]:
    """The commands xargs runs: with -I R (or -i), once per input item with R replaced; else
    once with the items appended."""
    i, repl = 1, None
    while i < len(argv) and argv[i].startswith("-") and argv[i] != "--":
        a = argv[i]
        if a in ("-I", "--replace") and i + 1 < len(argv):
            repl, i = argv[i + 1], i + 2
            continue
        if a.startswith("-I") and len(a) > 2:
            repl = a[2:]
        elif a.startswith("--replace="):
            repl = a.split("=", 1)[1]
        elif a in ("-i",):
            repl = "{}"
        elif len(a) == 2 and a[1] in _XARGS_VALUE:
            i += 1
        i += 1
    if i < len(argv) and argv[i] == "--":
        i += 1
    cmd = argv[i:] or ["echo"]
    found = items(stdin, "the items xargs reads", lines=repl is not None)
    if repl is None:
        return [Run(cmd + found, note="run by xargs")]
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


def awk(program: str) -> tuple[list[Run], str | None]:
    """What an awk program runs (system(), print/printf piped to a command) and, for a program
    that only prints in BEGIN, what it prints."""
    runs: list[Run] = []
    names = {m.group(1): _literal(m.group(2)) for m in
             re.finditer(r'\b([A-Za-z_]\w*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(?:[;}\n]|$)', program)}
    for m in re.finditer(r"\bsystem\s*\(((?:[^()\"]|\"(?:[^\"\\]|\\.)*\"|\([^()]*\))*)\)", program):
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
    cmds = [c.strip() for s in scripts for c in s.split(";") if c.strip()]
    out = []
    if any(len(line) > _MAX_REGEX_LINE for line in text.split("\n")):
        return None
    try:
        for line in text.split("\n"):
            printed, cur, deleted = [], line, False
            for c in cmds:
                m = re.fullmatch(r"s(.)(.*?)\1(.*?)\1([gpI]*)", c)
                a = re.fullmatch(r"/(.*)/\s*([pd])", c)
                if m:
                    rx = re.compile(_bre(m.group(2), extended), re.I if "I" in m.group(4) else 0)
                    repl = re.sub(r"\\(\d)", r"\\\1", m.group(3)).replace("&", r"\g<0>")
                    new, n = rx.subn(repl, cur, count=0 if "g" in m.group(4) else 1)
                    cur = new
                    if n and "p" in m.group(4):
                        printed.append(cur)
                elif a:
                    if re.search(_bre(a.group(1), extended), cur):
                        if a.group(2) == "p":
                            printed.append(cur)
                        else:
                            deleted = True
                            break
                else:
                    return None
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
    if any(len(line) > _MAX_REGEX_LINE for line in text.split("\n")):
        return None
    out = []
    for line in text.split("\n"):
        hits = [m for rx in rxs for m in rx.finditer(line)]
        if bool(hits) != ("v" in flags):
            out += [m.group(0) for m in hits] if "o" in flags and hits else [line]
    return "\n".join(out) + ("\n" if out else "")


# --- programs that run a shell command written in their own syntax ---------------------------
# Each reader takes the argv, the program's input and a way to read a captured file, and returns
# the shell command lines the program runs: make recipes, m4 `syscmd`, GNU sed's `e`, tar's
# checkpoint actions and filters, ssh's ProxyCommand, gdb's and vim's shell escapes, git aliases
# and command-valued settings, the shell escapes of the SQL clients' consoles, script -c.

def _values(argv: list[str], short: tuple[str, ...], long: tuple[str, ...]) -> list[str]:
    """Every value of the options named (`-x V`, `-xV`, `--long V`, `--long=V`)."""
    out, i = [], 1
    while i < len(argv):
        a = argv[i]
        if (a in short or a in long) and i + 1 < len(argv):
            out.append(argv[i + 1])
            i += 2
            continue
        for o in long:
            if a.startswith(o + "="):
                out.append(a[len(o) + 1:])
        for o in short:
            if a.startswith(o) and len(a) > len(o) and not a.startswith("--"):
                out.append(a[len(o):])
        i += 1
    return out


_MAKE_VAR = re.compile(r"^([A-Za-z_][\w.-]*)\s*(?::{1,3}|\+|\?)?=\s*(.*)$")
_MAKE_REF = re.compile(r"\$(?:\(([^()$]*)\)|\{([^{}$]*)\}|([A-Za-z@<^*?]))")


def _make_value(m: re.Match[str], names: dict[str, str]) -> str:
    """A make variable's value where the makefile assigns it a plain one, else a marker."""
    name = m.group(1) or m.group(2) or m.group(3)
    return names[name] if name in names else unknown(f"make variable {name}")


def make(argv: list[str], stdin: str | None, text_of) -> list[Run]:  # noqa: ANN001
    """The recipes of the makefile make reads (-f FILE, -C DIR, stdin for `-f -`), with `$$`
    undone and the makefile's own simple variables put in."""
    files = _values(argv, ("-f",), ("--file", "--makefile"))
    dirs = _values(argv, ("-C",), ("--directory",))
    folder = dirs[-1].rstrip("/") + "/" if dirs else ""
    texts = []
    for f in files or [folder + n for n in ("GNUmakefile", "makefile", "Makefile")]:
        text = stdin if f == "-" else text_of(f if f.startswith("/") else folder + f)
        if text:
            texts.append(text)
            if not files:
                break
    runs: list[Run] = []
    for text in texts:
        names = {m.group(1): m.group(2) for ln in text.split("\n")
                 if (m := _MAKE_VAR.match(ln))}
        for ln in text.replace("\\\n", " ").split("\n"):
            if ln.startswith("\t") and ln.strip():
                cmd = ln.strip().lstrip("@-+").strip()
                cmd = _MAKE_REF.sub(lambda m, names=names: _make_value(m, names),
                                    cmd.replace("$$", "\x00")).replace("\x00", "$")
                runs.append(Run(None, cmd, "in a make recipe"))
    return runs


def m4(argv: list[str], stdin: str | None, text_of) -> list[Run]:  # noqa: ANN001
    """m4's `syscmd(…)`/`esyscmd(…)` in the files it reads (quotes as `changequote` sets)."""
    texts = [text_of(a) for a in argv[1:] if not a.startswith("-")] or [stdin]
    runs = []
    for text in texts:
        if not text or "syscmd" not in text:
            continue
        left, right = "`", "'"
        for m in re.finditer(r"\bchangequote\(([^,)]*),([^)]*)\)|\be?syscmd\(", text):
            if m.group(0).startswith("changequote"):
                left, right = m.group(1).strip() or "`", m.group(2).strip() or "'"
                continue
            body, depth, k = [], 1, m.end()
            while k < len(text) and depth:
                if text.startswith(left, k):
                    end = text.find(right, k + len(left))
                    end = len(text) if end < 0 else end
                    body.append(text[k + len(left):end])
                    k = end + len(right)
                    continue
                c = text[k]
                depth += c == "("
                depth -= c == ")"
                if depth:
                    body.append(c)
                k += 1
            runs.append(Run(None, "".join(body), "in m4 syscmd"))
    return runs


_SED_E = re.compile(r"^\s*(?:(?:\d+|\$|/(?:[^/\\]|\\.)*/)(?:\s*,\s*(?:\d+|\$|/(?:[^/\\]|\\.)*/))?)?"
                    r"\s*e\s+(.+)$")


def sed_exec(argv: list[str], stdin: str | None, text_of) -> list[Run]:  # noqa: ANN001
    """GNU sed's `e COMMAND` and the `e` flag of `s///e` (the replacement is run)."""
    scripts = _values(argv, ("-e",), ("--expression",))
    for f in _values(argv, ("-f",), ("--file",)):
        scripts.append(text_of(f) or "")
    if not scripts:
        ops = [a for a in argv[1:] if not a.startswith("-")]
        scripts = ops[:1]
    runs = []
    for s in scripts:
        for ln in s.split("\n"):
            m = _SED_E.match(ln)
            if m:
                runs.append(Run(None, m.group(1), "run by sed's e command"))
                continue
            s_cmd = re.match(r"^\s*(?:\S*?)s(.)(?:(?!\1).|\\.)*\1((?:(?!\1).|\\.)*)\1(\w*)$", ln)
            if s_cmd and "e" in s_cmd.group(3):
                runs.append(Run(None, s_cmd.group(2).replace("&", unknown("the line sed read")),
                                "run by sed's s///e"))
    return runs


def tar_commands(argv: list[str], stdin: str | None, text_of) -> list[Run]:  # noqa: ANN001
    """tar's checkpoint `exec=` actions, `--to-command`, compress programs and volume scripts."""
    runs = [Run(None, v[5:], "run by tar --checkpoint-action")
            for v in _values(argv, (), ("--checkpoint-action",)) if v.startswith("exec=")]
    runs += [Run(None, v, "run by tar") for v in _values(
        argv, ("-I", "-F"), ("--to-command", "--use-compress-program", "--info-script",
                             "--new-volume-script"))]
    return runs


_SSH_COMMANDS = ("proxycommand", "localcommand", "knownhostscommand", "remotecommand")


def ssh_options(argv: list[str], stdin: str | None, text_of) -> list[Run]:  # noqa: ANN001
    """ssh's command-valued options (-o ProxyCommand=…, LocalCommand, KnownHostsCommand): run on
    this host by a shell, `%%` a percent sign."""
    runs = []
    for v in _values(argv, ("-o",), ()):
        key, _, value = v.replace("=", " ", 1).partition(" ")
        if key.lower() in _SSH_COMMANDS[:3] and value.strip() and value.strip() != "none":
            runs.append(Run(None, value.strip().replace("%%", "%"), f"run by ssh's {key}"))
    return runs


def gdb(argv: list[str], stdin: str | None, text_of) -> list[Run]:  # noqa: ANN001
    """gdb's `shell CMD` / `!CMD` in -ex/-iex commands and -x command files."""
    cmds = _values(argv, ("-ex", "-iex", "-eval-command"), ("--eval-command", "--init-eval-command"))
    for f in _values(argv, ("-x",), ("--command", "-command")):
        cmds += (text_of(f) or "").split("\n")
    return [Run(None, m.group(1), "run by gdb's shell") for c in cmds
            if (m := re.match(r"^\s*(?:shell\s+|!)(.+)$", c, re.S))]


_VIM_BANG = re.compile(r"^\s*(?:sil(?:ent)?!?\s+)*(?:\d*,?\d*|%)?\s*(?:r(?:ead)?\s*|w(?:rite)?\s+)?!(.+)$")
_VIM_SYSTEM = re.compile(r"\bsystem(?:list)?\s*\(\s*(?:'((?:[^']|'')*)'|\"((?:[^\"\\]|\\.)*)\")")


def vim(argv: list[str], stdin: str | None, text_of) -> list[Run]:  # noqa: ANN001
    """vim/ex: `:!CMD` (and `r !`, `w !`, a range `!`) and `system('…')` in -c/+/--cmd
    commands and -S files."""
    cmds = _values(argv, ("-c", "--cmd"), ()) + [a[1:] for a in argv[1:] if a.startswith("+")]
    for f in _values(argv, ("-S",), ()):
        cmds += (text_of(f) or "").split("\n")
    runs = []
    for c in cmds:
        # `:!CMD` takes the rest of the command, bars included; before it, `|` separates
        bang = next((m for part in [c, *c.split("|")[1:]] if (m := _VIM_BANG.match(part))), None)
        if bang:
            runs.append(Run(None, re.sub(r"\\([%#!])", r"\1", bang.group(1)), "run by vim's :!"))
        for m in _VIM_SYSTEM.finditer(c):
            text = m.group(1).replace("''", "'") if m.group(1) is not None else \
                _literal(m.group(2))
            runs.append(Run(None, text, "run by vim's system()"))
    return runs


_GIT_COMMAND_KEYS = frozenset({"core.sshcommand", "core.pager", "core.editor", "core.fsmonitor",
                               "core.askpass", "sequence.editor", "diff.external", "pager.log",
                               "gpg.program", "credential.helper"})
# The hooks git runs for a subcommand, from a folder core.hooksPath names.
_GIT_HOOKS = {"commit": ("pre-commit", "prepare-commit-msg", "commit-msg", "post-commit"),
              "merge": ("pre-merge-commit", "post-merge"), "pull": ("post-merge",),
              "checkout": ("post-checkout",), "switch": ("post-checkout",),
              "rebase": ("pre-rebase",), "push": ("pre-push",), "am": ("applypatch-msg",
                                                                      "pre-applypatch"),
              "gc": ("pre-auto-gc",), "clone": ("post-checkout",)}


def git(argv: list[str], stdin: str | None, text_of) -> list[Run]:  # noqa: ANN001
    """git's command-valued settings given with -c (an alias `!CMD` run by its name, an
    ssh command, pager, editor, fsmonitor hook …) and the hooks of a core.hooksPath folder."""
    settings, i = {}, 1
    while i < len(argv) and argv[i].startswith("-"):
        if argv[i] == "-c" and i + 1 < len(argv):
            key, _, value = argv[i + 1].partition("=")
            settings[key.lower()] = value
            i += 2
            continue
        i += 2 if argv[i] in ("-C", "--git-dir", "--work-tree", "--namespace") else 1
    sub = argv[i] if i < len(argv) else ""
    runs = []
    alias = settings.get(f"alias.{sub.lower()}", "")
    if alias.startswith("!"):
        runs.append(Run(None, " ".join([alias[1:], *argv[i + 1:]]), f"git alias {sub}"))
    for key, value in settings.items():
        if key in _GIT_COMMAND_KEYS and value:
            runs.append(Run(None, value.lstrip("!"), f"run by git's {key}"))
    hooks = settings.get("core.hookspath")
    if hooks:
        for name in _GIT_HOOKS.get(sub, ()):
            path = hooks.rstrip("/") + "/" + name
            text = text_of(path)
            runs.append(Run(None, text if text is not None else path,
                            f"git {sub} hook {name}"))
    return runs


def script_c(argv: list[str], stdin: str | None, text_of) -> list[Run]:  # noqa: ANN001
    """`script -c CMD [FILE]` (flags run together: -qec)."""
    for k, a in enumerate(argv[1:-1], 1):
        if a == "--command" or (a.startswith("-") and not a.startswith("--") and a.endswith("c")):
            return [Run(None, argv[k + 1], "run by script -c")]
        if a.startswith("--command="):
            return [Run(None, a.split("=", 1)[1], "run by script -c")]
    return []


def console_escapes(argv: list[str], stdin: str | None, text_of) -> list[Run]:  # noqa: ANN001
    """A database console's shell escape: sqlite3 `.shell`/`.system`, psql and mysql `\\!`,
    mysql `system` — in its arguments, its input and the files it is told to read."""
    texts = [a for a in argv[1:] if not a.startswith("-")] + \
        _values(argv, ("-c", "-e", "-cmd"), ("--command", "--execute"))
    for f in _values(argv, ("-f",), ("--file",)):
        texts.append(text_of(f) or "")
    if stdin and "\x01" not in stdin:
        texts.append(stdin)
    runs = []
    for t in texts:
        for ln in t.split("\n"):
            m = re.match(r"^\s*(?:\.(?:shell|system)|\\!|system)\s+(.+)$", ln)
            if m:
                runs.append(Run(None, m.group(1), "a shell escape of a database console"))
    return runs


CARRIERS = {"make": make, "gmake": make, "m4": m4, "sed": sed_exec, "tar": tar_commands,
            "gtar": tar_commands, "ssh": ssh_options, "scp": ssh_options, "sftp": ssh_options,
            "gdb": gdb, "vim": vim, "vi": vim, "ex": vim, "view": vim, "nvim": vim,
            "vim.basic": vim, "vim.tiny": vim, "git": git, "script": script_c,
            "sqlite3": console_escapes, "psql": console_escapes, "mysql": console_escapes,
            "mariadb": console_escapes}
