"""Shell scripts (sh, bash, dash, ksh, busybox) read through tree-sitter-bash and followed the
way the shell would run them: variables, arrays, positional parameters of functions at their
call sites, command substitution, loops over literal lists, over lines of a file and over
walked SNMP rows, pipelines (decoders feeding an interpreter), heredocs, here-strings,
`source`, `eval`, `sh -c`, files written or downloaded and then run, and the `if`/`&&` tests
that gate what follows (date, host, file, account). Each command ends as an argv handed to the
command vocabulary (commands.py) or to the device, SNMP, SQL or another language's reader."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache, partial

import tree_sitter_bash
from tree_sitter import Language, Node, Parser

from lineguard.collector.analyse.effects import (
    ansible,
    api,
    commands,
    control,
    decode,
    device,
    edits,
    planted,
    runners,
    scripting,
    sql,
)
from lineguard.collector.analyse.effects.bounds import CHECK_EVERY, Trees
from lineguard.collector.analyse.effects.mib import mib
from lineguard.collector.analyse.effects.model import (
    Effect,
    Gate,
    change_ref_in,
    each_unknown,
    is_known,
    markers,
    over_unknown_list,
    render,
    symbol,
    unknown,
)
from lineguard.collector.analyse.effects.resolve import (
    MAX_DEPTH,
    MAX_EACH,
    MAX_LOOP,
    PACKAGED,
    READERS,
    Calls,
    FollowedFiles,
    Job,
    Place,
    Reading,
    Written,
    cut_by_limit,
    each_of,
    expand_each,
    file_lines,
    fingerprint,
    language_of,
    listed_in,
    nested_too_deeply,
    read,
    source_bytes,
    unknown_output,
    unknown_var,
    unseen_effect,
    unseen_program,
    unseen_source,
    whole_each,
)
from lineguard.formats import carriers
from lineguard.formats.shells import SHELLS
from lineguard.formats.wire import MASKED_PREFIX, Artifact

_BRACE_WORD = re.compile(r"([^{}$]*)\{([^{}$\s]*,[^{}$\s]*)\}([^{}$]*)")
# Standard-library modules commonly run with -m (their code is not a job's own).
_STDLIB_RUNNABLE = frozenset({"http", "json", "venv", "pip", "ensurepip", "zipfile", "tarfile",
                              "compileall", "py_compile", "unittest", "pytest", "timeit", "cProfile",
                              "pdb", "site", "smtpd", "base64", "gzip", "calendar", "uuid", "sqlite3",
                              "trace", "pydoc", "webbrowser", "tabnanny", "platform", "sysconfig"})
_ALIAS = "\x00alias:"   # env key prefix of an alias's text
# env key: the files the job takes its variables from (`. FILE`, a unit's EnvironmentFile=)
# that are not on the host, so a variable nothing captured sets may be set by whoever writes them
_UNSEEN_SOURCE = "\x00unseen-source"
_COPROC = "\x00coproc:"  # a descriptor's peer: the coprocess of that name
_CWD = "\x00cwd"        # env key: the directory a `cd` in the script went to
# Programs whose operands are paths they destroy (relative ones resolved against a `cd`).
_PATH_DESTROYERS = frozenset({"rm", "unlink", "rmdir", "shred", "truncate", "srm", "wipe"})
_SEP = "\x1f"          # between array elements / positional parameters
_SQL_CLIENTS = frozenset({"psql", "mysql", "mariadb", "sqlite3", "sqlplus", "isql",
                          "clickhouse-client", "cqlsh"})
_UNREADABLE = frozenset({"ruby", "php", "node", "nodejs", "lua", "pwsh", "Rscript", "osascript",
                         "jshell", "groovy"})
_RUNNERS = frozenset({"xargs", "parallel"})
_AWK = frozenset({"awk", "gawk", "mawk", "nawk", "busybox-awk"})
MAX_CALL_DEPTH = 16       # functions calling functions followed; deeper is said (cut_by_limit)
_EXIT = re.compile(r"^\s*(?:exit|return)\b")
_NOT_FOUND = "command_not_found_handle"
# builtins and everyday programs a script runs that are never "not found"
_BUILTINS = frozenset({"wait", "exit", "return", "shift", "local", "declare", "typeset", "export",
                       "readonly", "let", "test", "[", "[[", "false", "shopt", "unalias", "umask",
                       "ulimit", "type", "command", "builtin", "enable", "getopts", "break",
                       "continue", "logger", "date", "sleep", "stat", "wc", "id", "whoami", "env",
                       "sudo", "nice", "ionice", "timeout", "flock", "nohup", "disown", "jobs",
                       "fg", "bg", "kill", "times", "caller", "dirs", "popd", "suspend", "compgen",
                       "complete", "help", "history", "fc", "bind", "mkdir", "touch", "chmod",
                       "chown", "ln", "cp", "mv", "df", "du", "uname", "basename", "dirname",
                       "seq", "expr", "md5sum", "sha256sum", "diff", "cmp", "find", "xargs"})
_PLACEHOLDER = re.compile(r"\$\{?([A-Za-z_]\w*)\}?")


@lru_cache(maxsize=1)
def _parser() -> Parser:
    return Parser(Language(tree_sitter_bash.language()))


_TREES = Trees(_parser, 512)
_parse = _TREES.parse


_GATE_DATE = re.compile(r"\bdate\b|\bclock\s+(?:seconds|format)\b|EPOCHSECONDS|EPOCHREALTIME|\bnow\b|time\.time|localtime|strftime")
_GATE_HOST = re.compile(r"hostname|HOSTNAME|uname\s+-n|/etc/hostname|gethostname|socket\.getfqdn")
_GATE_ACCOUNT = re.compile(r"\bid\s+(?:-u\s+)?\w|getent\s+passwd|/etc/passwd|\bwhoami\b|getpwnam|\bwho\b")
_GATE_FILE = re.compile(r"(?:^|\s)-[efsdLr]\s+\S|os\.path\.exists|\.exists\(\)|-e\s+\$")
# Any of the four: most conditions test none, and one search then answers for all of them
_GATE_ANY = re.compile("|".join(f"(?:{g.pattern})" for g in (_GATE_DATE, _GATE_HOST, _GATE_ACCOUNT,
                                                           _GATE_FILE)))
_BACKSLASH = re.compile(r"\\(.)")
_EXPANSION = re.compile(r"^(#?)(!?)([A-Za-z_]\w*|[@*#?$!0-9])(\[[^]]*\])?(.*)$", re.S)
_GLOB_CHARS = re.compile(r"[?*[]")
_TO_FD = re.compile(r"^\s*1?>&\s*(\S+)\s*$")
_REDIRECT_OP = re.compile(r"^\s*(\d*)\s*(<>|>>|>|<)")
_QUOTED_ESCAPE = re.compile(r'\\([$`"\\\n])')
_ALL_ITEMS = re.compile(r'"\$\{\w+\[@\]\}"')      # "${NAME[@]}": every item a word
_C_ESCAPE = re.compile(r"\\(?:x|u|0|[1-7])")
_PYTHON = re.compile(r"python[\d.]*$")
_PERL = re.compile(r"perl[\d.]*$")
_VAR_REF = re.compile(r"\$\{?[#!]?([A-Za-z_]\w*)")
_NAME = re.compile(r"[A-Za-z_][\w-]*")
# What may make a function take its arguments as a list (its syntax then decides: _uses_list)
_LIST_ARGS = re.compile(r"\$\{?[@*#]|\bshift\b|\bfor\s+\w+\s*(?:;|$|do\b)", re.M)
# A function body that runs what it is handed: its arguments as a command, eval'd or given to a
# shell. Followed in every context it is called in (resolve.Calls).
_RUNS_ARGUMENTS = re.compile(r"(?:^|[;&|{`(]|\$\(|\b(?:then|do|else|exec|command|env|sudo|"
                             r"nohup|time|xargs))\s*(?:\"?\$\{?[@*1-9]|eval\s+\"?\$\{?[@*1-9]|"
                             r"\w*sh\s+-c\s+\"?\$\{?[@*1-9])", re.M)


_TAKES: dict[str, str] = {}      # function text -> how it takes its arguments (see _takes)


def _takes(body: str, node: Node) -> str:
    """See _Walker.takes; kept by text, as the libraries many scripts source define the same
    functions."""
    hit = _TAKES.get(body)
    if hit is None:
        if len(_TAKES) > 4096:
            _TAKES.clear()
        hit = _TAKES[body] = ("runs" if _RUNS_ARGUMENTS.search(body) else
                              "list" if _LIST_ARGS.search(body) and _uses_list(node) else "")
    return hit


_REFS: dict[str, tuple[frozenset[str], frozenset[str]]] = {}    # function text -> _refs


def _refs(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The variables a function's text names and the words it holds (the functions it may
    call among them), kept by text as _takes is."""
    hit = _REFS.get(text)
    if hit is None:
        if len(_REFS) > 4096:
            _REFS.clear()
        hit = _REFS[text] = (frozenset(_VAR_REF.findall(text)), frozenset(_NAME.findall(text)))
    return hit


def _uses_list(node: Node) -> bool:
    """Whether a function uses its arguments as a list, read from its syntax: "$@" or an
    unquoted $* (each argument a word), $# (how many), `shift`, or a `for` without `in`. A
    quoted "$*" is one word (the arguments joined), and $# inside a message ("got $# args") is
    text: neither makes a list, so `echo "usage: $*" >&2` does not cost a helper its summary."""
    todo = [node]
    while todo:
        n = todo.pop()
        kind = n.type
        if kind == "special_variable_name":
            name = n.text
            if name == b"@" or name == b"*" and not _in_string(n) or \
                    name == b"#" and not _in_message(n):
                return True
        elif kind == "expansion" and n.text == b"${#}":
            if not _in_message(n):
                return True
        elif kind == "command_name" and n.text == b"shift" or \
                kind == "for_statement" and n.child_by_field_name("value") is None:
            return True
        todo.extend(n.children)
    return False


def _shifts(loop: Node) -> bool:
    """Whether a loop runs `shift` (in its condition or its body)."""
    todo = [loop]
    while todo:
        n = todo.pop()
        if n.type == "command_name" and n.text == b"shift":
            return True
        todo.extend(n.children)
    return False


def _shift(env: dict[str, str], count: int) -> None:
    """`shift COUNT`: the positional parameters move down. Known ones are taken from $@; a
    program's or function's own, bound at each call (markers), each take the next one's
    marker, and past $9 none is known."""
    listed = env.get("@")
    if listed is not None and not markers(listed):
        rest = listed.split(_SEP)[count:] if listed else []
        env["@"] = _SEP.join(rest)
        values: list[str | None] = [*rest[:9], *[None] * (9 - len(rest[:9]))]
    else:
        values = [env.get(str(i + count)) for i in range(1, 10)]
    _restore(env, {str(i): v for i, v in enumerate(values, 1)})


_POSITIONAL = ("@", *map(str, range(1, 10)))


def _restore(env: dict[str, str], values: dict[str, str | None]) -> None:
    for k, v in values.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v


def _string_around(n: Node) -> Node | None:
    """The double-quoted string an expansion's parameter stands in, if any."""
    up = n.parent
    up = up.parent if up is not None and up.type in ("simple_expansion", "expansion") else up
    return up if up is not None and up.type == "string" else None


def _in_string(n: Node) -> bool:
    return _string_around(n) is not None


def _in_message(n: Node) -> bool:
    """Whether an expansion's parameter stands inside a quoted string with text of its own."""
    up = _string_around(n)
    return up is not None and any(c.type == "string_content" for c in up.children)


@lru_cache(maxsize=8192)
def _tests_any_gate(raw: str) -> bool:
    """Whether a condition's text tests the date, the host, an account or a file (asked once
    per text: the same conditions stand in many scripts)."""
    return _GATE_ANY.search(raw) is not None


def gate_of(raw: str, resolved: str, place: Place, line: int,
            evidence: str | Callable[[], str], negated: bool | None = None) -> Gate | None:
    """The gate a condition sets, if it tests the date, the host, an account or a file.
    `negated`: False when the effects run only while the condition holds, True when they run
    when it does not, None when the reader cannot tell (a date window is then not read).
    `evidence` may be a function giving the text (worked out only for a gate)."""
    if not _tests_any_gate(raw):
        return None
    if callable(evidence):
        evidence = evidence()
    if _GATE_DATE.search(raw):
        return Gate("date", f"fires on or after {gate_date(raw + ' ' + resolved)}", place.path,
                    *place.where(line, evidence),
                    window=control.date_window(raw) if negated is False else (None, None))
    if _GATE_HOST.search(raw):
        return Gate("host", "runs only on a chosen host", place.path, *place.where(line, evidence))
    if _GATE_ACCOUNT.search(raw):
        return Gate("account", "depends on an account existing", place.path,
                    *place.where(line, evidence))
    if _GATE_FILE.search(raw):
        return Gate("file", "depends on a file being present", place.path,
                    *place.where(line, evidence))
    return None


def _operator(n: Node) -> str:
    """The first `&&` or `||` of a list."""
    return next((c.type for c in n.children if c.type in ("&&", "||")), "")


def gate_date(text: str) -> str:
    from datetime import UTC, datetime
    m = re.search(r"\b(20\d\d)-?([01]\d)-?([0-3]\d)\b", text)
    if m:
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    m = re.search(r"\b(20\d\d),\s*(\d{1,2}),\s*(\d{1,2})\b", text)
    if m:
        return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    m = re.search(r"\b(1[5-9]\d{8}|2\d{9})\b", text)
    if m:
        return datetime.fromtimestamp(int(m.group(1)), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return "an unknown date"



# zsh's `${(FLAGS)NAME}`: j:SEP: joins an array, L/U fold case, @ keeps the elements apart
_ZSH_FLAGS = re.compile(r"\$\{\(([^)]*)\)([A-Za-z_]\w*)\}")


def _zsh_flags(text: str) -> str:
    def bash(m: re.Match[str]) -> str:
        flags, name = m.group(1), m.group(2)
        if "L" in flags:
            return f"${{{name},,}}"
        if "U" in flags:
            return f"${{{name}^^}}"
        return f"${{{name}[*]}}" if "j" in flags else f"${{{name}[@]}}"
    return _ZSH_FLAGS.sub(bash, text)

# input lines a `perl -n`/`-p` program is read for (each its own reading, $_ that line)
_PER_LINE_RUNS = 8
# where perl -x starts reading a file: after its first #! line naming perl
_PERL_X_START = re.compile(r"^#!.*\bperl\b.*(?:\n|$)", re.M)


def _perl_switches(args: list[str]) -> str:
    """perl -s: the switches after the program (up to `--`, or after it when the program is
    followed by `--`) set variables of the same name: `-cmd=VALUE` is `$cmd = 'VALUE';`, a bare
    `-x` is `$x = 1;`."""
    words = args[1:] if args[:1] == ["--"] else args
    out = []
    for w in words:
        if w == "--" or not w.startswith("-"):
            break
        name, eq, value = w[1:].partition("=")
        if re.fullmatch(r"[A-Za-z_]\w*", name):
            out.append(f"${name} = {_perl_string(value) if eq else '1'};\n")
    return "".join(out)


def _perl_string(text: str) -> str:
    """A Perl double-quoted literal holding `text` as it is."""
    return '"' + re.sub(r'([\\"$@])', r"\\\1", text) + '"'

class _Walker:
    def __init__(self, src: bytes, job: Job, place: Place):
        self.src = src
        self._evidence: dict[tuple[int, int], str] = {}     # (first, last row) -> evidence
        self.broken = False           # the parser could not place all of the text
        self.job = job
        self.place = place
        self.functions: dict[str, Node] = {}
        self.called: set[str] = set()
        self.stack: list[str] = []
        self.site_copies: set[int] = set()     # ids of effects copied to a call site (_call)
        self.calls = Calls()
        self._reads: dict[str, frozenset[str]] = {}   # function -> the variables it reads
        self._takes: dict[str, str] = {}    # function -> "runs" | "list" | "" (see takes)
        self.consumed = False          # is the output of the statement being run read by something
        self._foreign: dict[str, _Walker] = {}
        # variables whose value holds a command substitution (run if evaluated again)
        self.subst_vars: set[str] = set()
        self.heredocs: dict[str, int] = {}       # heredoc text -> 0-based row where it starts
        self.sockets: dict[str, str] = {}        # file descriptor -> host (bash /dev/tcp)
        self.decoded: dict[str, tuple[str, ...]] = {}   # decoded text -> layers undone
        self.executed: list[list[str]] = []      # every argv run, in order (what a redirect keeps)
        self.listed: dict[str, str] = {}         # text read from a captured list -> its file
        # files run before this job writes them (not on the host, nor written yet): what the
        # job writes there later is what the next run runs
        self.run_unwritten: dict[str, tuple[Place, int, str, str, dict[str, str]]] = {}
        self.coprocs: dict[str, list[str]] = {}  # coproc NAME -> the command it runs
        # command node id -> the words the grammar hung on its redirection (see redirected)
        self.redirect_args: dict[int, list[Node]] = {}

    # --- text and positions ---------------------------------------------------------------

    def line(self, node: Node) -> int:
        return node.start_point[0] + 1

    @cached_property
    def lines(self) -> list[str]:
        """The text's lines, split when evidence is first asked for."""
        return self.src.decode("utf-8", "replace").split("\n")

    def evidence(self, node: Node) -> str:
        a = node.start_point[0]
        b = min(node.end_point[0], a + 3)
        hit = self._evidence.get((a, b))
        if hit is None:      # asked of most commands read, and of a function's at each call
            hit = self._evidence[a, b] = " ".join(
                x.strip() for x in self.lines[a:b + 1] if x.strip())[:400]
        return hit

    @staticmethod
    def text(node: Node) -> str:
        t = node.text
        return t.decode("utf-8", "replace") if t is not None else ""

    # --- words ----------------------------------------------------------------------------

    def words(self, node: Node, env: dict[str, str], place: Place) -> list[str]:
        """The words a node expands to (arrays and "$@" give several)."""
        t = node.type
        if t in ("word", "number", "command_name", "extglob_pattern", "test_operator"):
            if t == "command_name" and node.named_child_count:
                return self.words(node.named_child(0), env, place)
            s = self.text(node)
            if "\\" in s:
                s = _BACKSLASH.sub(r"\1", s)
            if s.startswith("~"):
                s = env.get("HOME", "~") + s[1:] if "HOME" in env else s
            brace = _BRACE_WORD.fullmatch(s) if t == "word" and "{" in s else None
            if brace:
                return [brace.group(1) + x + brace.group(3) for x in brace.group(2).split(",")]
            return [s]
        if t == "raw_string":
            return [self.text(node)[1:-1]]
        if t == "ansi_c_string":
            raw = self.text(node)[2:-1]
            out = decode.escapes(raw)
            if _C_ESCAPE.search(raw):
                self.decoded[out] = ("$'…' escapes",)
            return [out]
        if t in ("string", "translated_string"):
            kids = node.named_children
            parts = [self.inside_quotes(c, env, place) for c in kids]
            if len(kids) == 1 and (_ALL_ARGS.fullmatch(self.text(kids[0])) or
                                   _ALL_ITEMS.fullmatch(self.text(node))):
                return [p for p in parts[0].split(_SEP)] if parts and parts[0] else []
            if node.start_point[0] == node.end_point[0]:
                return ["".join(p.replace(_SEP, " ") for p in parts)]
            # the parser leaves the line breaks of a quoted string between its parts out of
            # every node: they are the source between them (`ssh ne "conf t<NL>no pvc 0/32"`)
            pieces: list[str] = []
            end = node.start_byte + (2 if t == "translated_string" else 1)
            for c, p in zip(kids, parts, strict=True):
                if c.start_byte > end:
                    pieces.append(self.src[end:c.start_byte].decode("utf-8", "replace"))
                pieces.append(p.replace(_SEP, " "))
                end = c.end_byte
            if node.end_byte - 1 > end:
                pieces.append(self.src[end:node.end_byte - 1].decode("utf-8", "replace"))
            return ["".join(pieces)]
        if t == "concatenation" and all(c.type == "word" for c in node.children):
            brace = _BRACE_WORD.fullmatch(self.text(node))
            if brace:       # the parser splits `/var/log/{a,b}` into words: one brace expansion
                return [brace.group(1) + x + brace.group(3) for x in brace.group(2).split(",")]
        if t == "concatenation":
            joined = [""]
            for c in node.children:
                ws = self.words(c, env, place) or [""]
                joined = [a + b for a in joined for b in ws][:MAX_LOOP]
            if any(c.type in ("simple_expansion", "expansion") for c in node.children):
                # unquoted expansions are split on IFS: `rm${IFS}-rf${IFS}/` is three words
                joined = [w for o in joined
                          for w in (o.split() if is_known(o) and not markers(o) else [o])]
            return joined
        if t in ("simple_expansion", "expansion"):
            v = self.expansion(node, env, place)
            if _SEP in v:
                return v.split(_SEP)
            return _split_ifs(v, env) if is_known(v) and not markers(v) and v.strip() else [v]
        if t == "command_substitution":
            v = self.capture(node, env, place)
            return [v] if not is_known(v) or markers(v) else (v.split() or [""])
        if t == "process_substitution":
            v = self.capture(node, env, place)
            fd = f"/dev/fd/{63 - len(self.job.written) % 10}"
            self.job.written[fd] = Written(v if is_known(v) else None,
                                           f"output of `{self.text(node)[2:-1].strip()[:80]}`")
            return [fd]
        if t == "arithmetic_expansion":
            return [self.arithmetic(node, env)]
        if t == "brace_expression":
            m = re.match(r"\{(\d+)\.\.(\d+)\}", self.text(node))
            if m:
                return [str(i) for i in range(int(m.group(1)), int(m.group(2)) + 1)][:MAX_LOOP]
        return [self.text(node)]

    def inside_quotes(self, node: Node, env: dict[str, str], place: Place) -> str:
        t = node.type
        if t == "string_content":
            text = self.text(node)
            return _QUOTED_ESCAPE.sub(r"\1", text) if "\\" in text else text
        if t in ("simple_expansion", "expansion"):
            return self.expansion(node, env, place)
        if t == "command_substitution":
            return self.capture(node, env, place)
        if t == "arithmetic_expansion":
            return self.arithmetic(node, env)
        return self.text(node)

    def arithmetic(self, node: Node, env: dict[str, str]) -> str:
        """$(( … )) over whole numbers and variables holding them; unknown otherwise."""
        expr = self.text(node)[3:-2].strip()

        def var(m: re.Match[str]) -> str:
            v = env.get(m.group(1), "")
            return v if re.fullmatch(r"-?\d+", v.strip()) else "\x00"
        expr = re.sub(r"\$?\{?([A-Za-z_]\w*)\}?", var, expr)
        if "\x00" in expr or not re.fullmatch(r"[\d\s+\-*/%()]+", expr) or len(expr) > 200:
            return unknown("an arithmetic result")
        try:
            tree = ast.parse(expr.replace("/", "//"), mode="eval")
        except SyntaxError:
            return unknown("an arithmetic result")
        if any(isinstance(x, ast.Pow) for x in ast.walk(tree)):
            return unknown("an arithmetic result")
        try:
            return str(eval(compile(tree, "<arith>", "eval"), {"__builtins__": {}}))  # noqa: S307
        except (ArithmeticError, ValueError):
            return unknown("an arithmetic result")

    def expansion(self, node: Node, env: dict[str, str], place: Place | None = None) -> str:
        body = self.text(node)
        body = body[2:-1] if body.startswith("${") else body[1:]
        m = _EXPANSION.match(body)
        if not m:
            return unknown(f"${{{body}}}")
        count, indirect, name, sub, op = m.groups()
        if name in ("@", "*"):
            cut = re.fullmatch(r":\s*(\d+)(?::(\d+))?", op)
            if cut and "@" in env:
                # ${@:N[:M]}: the positional parameters from $N on ($0 when N is 0)
                items = [env.get("0", "")] + env["@"].split(_SEP)
                start, count = int(cut.group(1)), cut.group(2)
                return _SEP.join(items[start:start + int(count)] if count else items[start:])
            return env.get("@", "")
        if op in ("@P", "@E") and place is not None:
            val = self._operand(name, indirect, sub, env)
            if val is None or not is_known(val):
                return val if val is not None else unknown_var(name)
            if op == "@E":
                out = decode.escapes(val)
                if out != val:
                    self.decoded[out] = ("${…@E} escapes",)
                return out
            if "$(" in val or "`" in val:
                # a prompt string's command substitutions run when it is expanded
                self.nested("shell", f": {val}", place, self.line(node), self.evidence(node),
                            "in a prompt expansion ${…@P}", env)
            return unknown(f"the prompt expansion of ${name}")
        val = env.get(name)
        if val is None and sub:
            val = env.get(f"{name}{sub}")     # an element assigned by its key alone
            sub = None
        if indirect and val is not None:
            val = env.get(val)
        if val is not None and sub:
            items = val.split(_SEP)
            key = sub[1:-1]
            if key in ("@", "*"):
                pass
            elif key.isdigit():
                val = items[int(key)] if int(key) < len(items) else ""
            else:
                val = env.get(f"{name}[{key}]", items[0])
        elif val is not None and _SEP in val:
            val = val.split(_SEP)[0]
        if count:
            return str(len(val)) if val is not None and is_known(val) else unknown("a length")
        if op:
            if op[:2] in (":-", ":=") or op[:1] in ("-", "="):
                dflt = op[2:] if op[:1] == ":" else op[1:]
                if val is None or (op[0] == ":" and val == ""):
                    val = self.subst_text(dflt, env)
                    if val is not None and env.get(_UNSEEN_SOURCE) and not name.isdigit():
                        # the default holds only until the file not on the host sets it
                        val = unknown(f"${name} defaults to {render(val)[:80]}; "
                                      f"{env[_UNSEEN_SOURCE]} may set it, and it is not on "
                                      "the host")
            elif op[:1] == "/" and val is not None and is_known(val):
                pat, _, rep = op.lstrip("/").partition("/")
                pat = re.escape(pat).replace(r"\*", ".*").replace(r"\?", ".")
                val = re.sub(pat, rep, val, count=0 if op.startswith("//") else 1)
            elif op[:1] in ("#", "%") and val is not None and is_known(val):
                pat = op.lstrip("#%")
                rx = re.escape(pat).replace(r"\*", ".*?" if len(op) - len(pat) == 1 else ".*")
                val = re.sub(("^" + rx) if op[0] == "#" else (rx + "$"), "", val, count=1)
            elif op in (",,", "^^", ",", "^", "~~") and val is not None and is_known(val):
                val = {",,": val.lower(), "^^": val.upper(), "~~": val.swapcase(),
                       ",": val[:1].lower() + val[1:], "^": val[:1].upper() + val[1:]}[op]
            elif op[:2] == ":+" or op[:1] == "+":
                val = op.split("+", 1)[1] if val else ""
            elif op[:1] == ":" and val is not None and re.match(r":\s*(\d+)(?::(\d+))?$", op):
                a, b = re.match(r":\s*(\d+)(?::(\d+))?$", op).groups()  # type: ignore[union-attr]
                val = val[int(a): int(a) + int(b)] if b else val[int(a):]
        if val is None:
            if name.isdigit() or name in ("#", "?", "$", "!"):
                return unknown(f"${name}: an argument given at run time")
            return unknown_var(name, env.get(_UNSEEN_SOURCE))
        return val

    @staticmethod
    def _operand(name: str, indirect: str, sub: str | None, env: dict[str, str]) -> str | None:
        val = env.get(name)
        if indirect and val is not None:
            val = env.get(val)
        if val is not None and _SEP in val:
            items = val.split(_SEP)
            key = (sub or "[0]")[1:-1]
            val = items[int(key)] if key.isdigit() and int(key) < len(items) else items[0]
        return val

    def subst_text(self, text: str, env: dict[str, str]) -> str:
        """$VAR references inside a plain text (heredoc bodies, default values)."""
        if "$" not in text:
            return text

        def one(m: re.Match[str]) -> str:
            v = env.get(m.group(1))
            return v.replace(_SEP, " ") if v is not None else m.group(0)
        return _PLACEHOLDER.sub(one, text)

    def argv(self, nodes: list[Node], env: dict[str, str], place: Place) -> list[str]:
        out: list[str] = []
        for n in nodes:
            out.extend(self.words(n, env, place))
        return out

    # --- statements -----------------------------------------------------------------------

    def run(self, root: Node, env: dict[str, str]) -> None:
        for c in root.named_children:
            if c.type == "function_definition":
                self.define(c)
        self.block(root.named_children, env, self.place)
        for name, node in list(self.functions.items()):
            if name not in self.called:
                owner = self._foreign.get(name, self)
                body = node.child_by_field_name("body")
                if body is not None:
                    self.called.add(name)
                    owner.block(body.named_children, dict(env),
                                owner.place.but(function=name, called=False,
                                        via=owner.place.via + (f"in {name}(), which nothing here calls",)))

    def define(self, node: Node) -> None:
        name = node.child_by_field_name("name")
        if name is not None:
            self.functions[self.text(name)] = node

    def block(self, nodes: list[Node], env: dict[str, str], place: Place) -> None:
        job = self.job
        for n in nodes:
            b = job.budget
            if b > 0 and b % CHECK_EVERY:      # Job.spend's common case, inline
                job.budget = b - 1
            elif job.spend("shell", place, n.start_point[0] + 1, partial(self.evidence, n)):
                return
            if n.type == "comment":
                self.consumed = False
                continue
            guard = self.exit_guard(n, env, place)
            if guard is not None:
                place = place.but(gates=place.gates + (guard,))
                continue
            self.consumed = False
            try:
                self.stmt(n, env, place)
            except RecursionError:      # one statement: said, and the next ones are read
                nested_too_deeply(self.job, place, "shell", n.start_point[0] + 1, self.evidence(n))

    def exit_guard(self, n: Node, env: dict[str, str], place: Place) -> Gate | None:
        """`[ COND ] || exit`, `COND && exit`, `if COND; then exit; fi`: the rest is gated."""
        cond: Node | None
        negated = True            # `COND && exit`, `if COND; then exit`: the rest runs when not
        if n.type == "list" and n.named_child_count == 2 and _EXIT.match(self.text(n.named_children[1])):
            cond = n.named_children[0]
            negated = _operator(n) != "||"
        elif n.type == "if_statement":
            body = [c for c in n.named_children if c.type not in ("comment",)]
            cond = n.child_by_field_name("condition")
            rest = [c for c in body[1:] if c.type not in ("elif_clause", "else_clause")]
            if cond is None or len(rest) != 1 or not _EXIT.match(self.text(rest[0])) or len(body) > 2:
                return None
        else:
            return None
        raw = self.text(cond)
        return gate_of(raw, raw, place, self.line(cond), lambda: self.evidence(n), negated)

    def stmt(self, n: Node, env: dict[str, str], place: Place, stdin: str | None = None
             ) -> str | None:
        t = n.type
        if t == "command":
            return self.command(n, env, place, stdin)
        if t == "comment":
            return None
        if t == "test_command":
            raw = self.text(n)
            if "$(" in raw or "`" in raw:
                # `[ -n "$(cmd)" ]`, `[[ $(cmd) == x ]]`: the test runs what it substitutes
                self.substitutions(n, env, place)
            if self.subst_vars and _ARITH_TEST.search(raw):
                self.arith_names(raw, env, place, n)
            return None
        if t in ("variable_assignment", "variable_assignments"):
            for a in ([n] if t == "variable_assignment" else n.named_children):
                self.assign(a, env, place)
            return None
        if t == "declaration_command":
            ref = any(c.type == "word" and re.fullmatch(r"-\w*n\w*", self.text(c))
                      for c in n.named_children)
            if self.subst_vars and any(c.type == "word" and re.fullmatch(r"-\w*i\w*", self.text(c))
                                       for c in n.named_children):
                # declare -i NAME=EXPR: the value is evaluated as arithmetic
                self.arith_names(self.text(n), env, place, n)
            for c in n.named_children:
                if c.type == "variable_assignment":
                    self.assign(c, env, place)
                    name_n = c.child_by_field_name("name")
                    name = self.text(name_n) if name_n is not None else ""
                    if ref and name in env:
                        # declare -n NAME=OTHER: NAME stands for the variable OTHER
                        target = env[name]
                        env[name] = env.get(target, unknown_var(target)) if \
                            re.fullmatch(r"[A-Za-z_]\w*", target) else target
            return None
        if t == "unset_command":
            for c in n.named_children:
                name = self.text(c)
                env.pop(name, None)
                commands.environment_change(name, None, self.job, place, self.line(n),
                                            self.evidence(n))
            return None
        if t == "function_definition":
            self.define(n)
            return None
        if t == "pipeline":
            return self.pipeline(n, env, place, stdin)
        if t == "redirected_statement":
            return self.redirected(n, env, place, stdin)
        if t == "list":
            return self.and_or(n, env, place, stdin)
        if t == "compound_statement" and self.subst_vars and n.children and \
                n.children[0].type == "((":
            self.arith_names(self.text(n), env, place, n)
            return None
        if t in ("subshell", "compound_statement", "do_group", "program"):
            inner = dict(env) if t == "subshell" else env
            out = None
            printed: list[str] = []
            for c in n.named_children:
                out = self.stmt(c, inner, place, stdin)
                if out is not None and c.type != "comment":
                    printed.append(out)
            if t in ("subshell", "compound_statement") and self.consumed and len(printed) > 1:
                # `{ echo a; sleep 1; echo b; } | telnet h`: what the group prints, in order
                return "".join(x if x.endswith("\n") else x + "\n" for x in printed)
            return out
        if t == "if_statement":
            self.if_(n, env, place)
            return None
        if t in ("for_statement", "select_statement"):
            self.for_(n, env, place, stdin)
            return None
        if t == "while_statement":
            self.while_(n, env, place, stdin)
            return None
        if t == "c_style_for_statement":
            body = n.child_by_field_name("body")
            return self.stmt(body, env, place) if body is not None else None
        if t == "case_statement":
            # every branch is read; each starts from the positional parameters the case was
            # reached with (a `shift` in one branch must not move another's $1)
            value = n.child_by_field_name("value")
            if value is not None and value.type != "word":
                self.words(value, env, place)       # `case "$(cmd)" in`: cmd runs first
            positional = {k: env.get(k) for k in _POSITIONAL}
            for item in n.named_children:
                if item.type == "case_item":
                    for c in item.named_children:
                        if c.type not in ("word", "extglob_pattern", "concatenation", "string",
                                          "raw_string"):
                            self.stmt(c, env, place)
                    _restore(env, positional)
            return None
        if t == "negated_command":
            return self.stmt(n.named_children[-1], env, place, stdin) if n.named_child_count else None
        if t == "ERROR":
            # a stretch the parser could not place (a command in the wrong spot of a `case`,
            # an unclosed quote): the commands inside it still run
            out = None
            for c in n.named_children:
                out = self.stmt(c, env, place, stdin)
            return out
        return None

    def substitutions(self, n: Node, env: dict[str, str], place: Place) -> None:
        """Run the command substitutions anywhere inside `n` (in strings, operands of a test,
        `${x:-$(cmd)}`), outermost first: the inner ones run within them."""
        todo = list(reversed(n.named_children))
        while todo:
            c = todo.pop()
            if c.type == "command_substitution":
                self.capture(c, env, place)
            elif c.named_child_count:
                todo.extend(reversed(c.named_children))

    def lost_arguments(self, n: Node, env: dict[str, str], place: Place) -> None:
        """A command whose arguments go on past a line break that is not escaped: after a
        test it cannot place (`[ "$x" \\< b ]`) the parser takes the lines that follow for
        arguments of the next command (`:`), where bash ends that command at the line's end.
        From the first such argument on, the lines are read as the commands they are."""
        prev = n.child_by_field_name("name")
        for c in n.children_by_field_name("argument"):
            if prev is not None and c.start_point[0] > prev.end_point[0]:
                gap = self.src[prev.end_byte:c.start_byte]
                if b"\n" in gap and b"\\\n" not in gap and b"\\\r\n" not in gap:
                    start = self.src.rfind(b"\n", prev.end_byte, c.start_byte) + 1
                    self.read_lost(start, n.end_byte, c.start_point[0], env, place)
                    return
            prev = c

    def read_lost(self, start: int, end: int, row: int, env: dict[str, str], place: Place
                  ) -> None:
        """Read src[start:end], which begins on (0-based) `row`, as a shell program."""
        rest = self.src[start:end].decode("utf-8", "replace")
        if place.anchor is None:
            read("shell", rest, self.job, place.but(offset=place.offset + row,
                                                    depth=place.depth + 1), env)
        else:
            self.nested("shell", rest, place, row + 1, rest.split("\n", 1)[0][:200],
                        "where the parser lost its way", env)

    def arith_names(self, text: str, env: dict[str, str], place: Place, n: Node) -> None:
        """Arithmetic evaluation reads the variables it names as expressions in turn, and an
        array subscript among them (`a[$(cmd)]`) runs its command substitutions."""
        for name in self.subst_vars & set(_NAME.findall(text)):
            v = env.get(name)
            if v and ("$(" in v or "`" in v) and is_known(v):
                self.nested("shell", f": {v}", place, self.line(n), self.evidence(n),
                            f"in the arithmetic value of {name}", env)

    def assign(self, a: Node, env: dict[str, str], place: Place) -> None:
        name_n = a.child_by_field_name("name")
        val_n = a.child_by_field_name("value")
        if name_n is None:
            return
        name = self.text(name_n)
        if name_n.type == "subscript":
            # NAME[key]=value: kept under its key; a key and a value that are not plain words
            # are expanded all the same (`a[$(cmd)]=…` runs cmd)
            key = re.fullmatch(r"([A-Za-z_]\w*)\[([^]$`]+)\]", name)
            index = name_n.child_by_field_name("index")
            if not key and index is not None:
                self.words(index, env, place)
            if val_n is not None and val_n.type != "array":
                value = " ".join(self.words(val_n, env, place))
                if key:
                    env[name] = value
            return
        if val_n is None:
            val = ""
        elif val_n.type == "array":
            items = self.argv(val_n.named_children, env, place)
            keyed = [m for it in items if (m := _KEYED.match(it))]
            if keyed and len(keyed) == len(items):
                # declare -A NAME=([key]=value …): each value under its key
                for m in keyed:
                    env[f"{name}[{m.group(1)}]"] = m.group(2)
                items = [m.group(2) for m in keyed]
            val = _SEP.join(items)
        elif val_n.type == "command_substitution":
            val = self.capture(val_n, env, place)      # an assignment does not split words
        else:
            ws = self.words(val_n, env, place)
            val = " ".join(ws) if val_n.type != "simple_expansion" else " ".join(ws)
        if "+=" in self.text(a)[: len(name) + 2] and name in env:
            val = env[name] + (_SEP if val_n is not None and val_n.type == "array" else "") + val
        env[name] = val
        if "$(" in val or "`" in val:
            self.subst_vars.add(name)
        commands.environment_change(name, val, self.job, place, self.line(a), self.evidence(a))

    def and_or(self, n: Node, env: dict[str, str], place: Place, stdin: str | None = None
               ) -> str | None:
        """`a && b`, `a || b`; a redirection the parser hangs on the whole list (`a && b < f`)
        belongs to its last command."""
        kids = n.named_children
        if not kids:
            return None
        self.stmt(kids[0], env, place, stdin if len(kids) == 1 else None)
        raw = self.text(kids[0])
        g = gate_of(raw, raw, place, self.line(kids[0]), lambda: self.evidence(n),
                    negated=_operator(n) == "||") if kids[0].type in (
            "test_command", "command", "list") else None
        sub = place.but(gates=place.gates + (g,)) if g else place
        out = None
        for k, c in enumerate(kids[1:], 2):
            out = self.stmt(c, env, sub, stdin if k == len(kids) else None)
        return out

    def if_(self, n: Node, env: dict[str, str], place: Place) -> None:
        cond = n.child_by_field_name("condition")
        g = None
        if cond is not None:
            self.stmt(cond, env, place)
            raw = self.text(cond)
            g = gate_of(raw, raw, place, self.line(cond), lambda: self.evidence(cond),
                        negated=False)
        sub = place.but(gates=place.gates + (g,)) if g else place
        # an else branch runs outside the condition: it keeps the gate, not its date window
        other = place.but(gates=place.gates + (replace(g, window=(None, None)),)) \
            if g and g.window != (None, None) else sub
        for c in n.named_children:
            if c is cond or c.type == "comment" or (cond is not None and c.id == cond.id):
                continue
            if c.type in ("elif_clause", "else_clause"):
                for cc in c.named_children:
                    self.stmt(cc, env, other)
            else:
                self.stmt(c, env, sub)

    def for_(self, n: Node, env: dict[str, str], place: Place, stdin: str | None) -> None:
        var = n.child_by_field_name("variable")
        body = n.child_by_field_name("body")
        values = n.children_by_field_name("value")
        if var is None or body is None:
            return
        items = self.argv(values, env, place) if values else env.get("@", "").split(_SEP)
        items = [i for i in items if i != ""]
        name = self.text(var)
        source = self.listed.get(" ".join(items)) if self.listed and len(items) > 1 else None
        if len(items) == 1:
            # one word that is not known: the list it expands to at run time
            env[name] = items[0] if is_known(items[0]) else each_unknown(items[0])
        elif source is not None and all(is_known(i) for i in items):
            env[name] = listed_in(items, source)
        elif items:
            env[name] = each_of(items) if all(is_known(i) for i in items) else items[0]
        else:
            env[name] = unknown("an empty loop list")
        self.stmt(body, env, place)

    def while_(self, n: Node, env: dict[str, str], place: Place, stdin: str | None) -> None:
        cond = n.child_by_field_name("condition")
        body = n.child_by_field_name("body")
        spec: _ReadArgs | None = None
        if cond is not None:
            # `[IFS=…] read [-rs] [-a ARRAY] [-d/-p/-n/-N/-t/-u VALUE] NAME [NAME…]`
            spec, ifs = self.read_condition(cond, env, place)
            if spec is not None:
                all_lines = [x for x in _records(stdin or "", spec) if x.strip()]
                names = [spec.array] if spec.array else spec.names
                # each record split at IFS (as set for the read, else the script's), the last
                # name taking the rest: each name stands for its field of every record
                fields = [_fields(x, ifs, 0 if spec.array else len(names)) for x in all_lines]
                source = self.listed.get(stdin.strip()) if stdin and self.listed else None
                if spec.array and stdin is not None and is_known(stdin) and not markers(stdin):
                    # an array read from each record: element k stands for field k of every one
                    width = max((len(f) for f in fields), default=0)
                    columns = [[f[k] for f in fields if k < len(f)] for k in range(width)]
                    env[spec.array] = _SEP.join(c[0] if len(c) == 1 else each_of(c)
                                                for c in columns)
                for k, name in enumerate([] if spec.array and stdin is not None and
                                         is_known(stdin) and not markers(stdin) else names):
                    lines = [f[k] for f in fields if k < len(f)] if len(names) > 1 else all_lines
                    env[name] = each_unknown(stdin) if stdin is not None and not is_known(stdin) \
                        else stdin if stdin is not None and markers(stdin) \
                        else listed_in(lines, source) if source is not None and len(lines) > 1 \
                        and k == 0 else each_of(lines) if len(lines) > 1 \
                        else (lines[0].strip() if lines else each_unknown(
                            unknown("a line read at run time")))
            else:
                self.stmt(cond, env, place)
        if body is not None:
            self.stmt(body, env, place)
            if not (cond is not None and spec is not None) and _shifts(n):
                self.each_argument(cond, body, env, place)

    def read_condition(self, cond: Node, env: dict[str, str], place: Place
                       ) -> tuple[_ReadArgs | None, str]:
        """A loop condition that is a `read` (with its own assignments: `IFS=: read -ra F`):
        its options and names, and the IFS it splits with; (None, "") for any other."""
        if cond.type != "command":
            return None, ""
        name = cond.child_by_field_name("name")
        if name is None or self.text(name) != "read":
            return None, ""
        local = dict(env)
        for a in (c for c in cond.named_children if c.type == "variable_assignment"):
            self.assign(a, local, place)
        argv = self.argv(self.cmd_words(cond), local, place)
        return _read_args(argv), local.get("IFS", " ")

    def each_argument(self, cond: Node | None, body: Node, env: dict[str, str],
                      place: Place) -> None:
        """A loop that shifts the positional parameters (`while [ $# -gt 0 ]; do …; shift;
        done`, `while shift; do …`) goes over every argument: read again while one is left
        and each round shifts. Arguments bound at each call (markers, $1…$9) are followed
        while a round still acts on one of them."""
        for _ in range(MAX_EACH):
            first = env.get("1")
            if not first:
                return              # no argument left
            was = (env.get("@"), first)
            before = len(self.job.sink)
            if cond is not None:
                self.stmt(cond, env, place)
            self.stmt(body, env, place)
            if markers(first) and not any(commands.ARG_MARK in e.values_text()
                                          for e in self.job.sink[before:]):
                del self.job.sink[before:]      # what the first round found, again
                return
            if (env.get("@"), env.get("1")) == was:
                return              # this round shifted nothing

    def pipeline(self, n: Node, env: dict[str, str], place: Place, stdin: str | None) -> str | None:
        stages = [c for c in n.named_children if c.type != "comment"]
        out = stdin
        outer = self.consumed
        for i, s in enumerate(stages):
            self.consumed = outer or i + 1 < len(stages)
            nxt = stages[i + 1] if i + 1 < len(stages) else None
            to_rm = nxt is not None and re.match(r"\s*(?:sudo\s+)?xargs\b[^|]*\b(?:rm|shred|unlink|srm|"
                                                 r"wipe)\b", self.text(nxt))
            if to_rm and s.type == "command":
                argv = commands.unwrap(self.argv(self.cmd_words(s), env, place))
                if argv and commands.base(argv[0]) == "find":
                    commands.effects(argv, self.job, place, self.line(s), self.evidence(n),
                                     piped_to_rm=True)
                    out = None
                    continue
            out = self.stmt(s, env, place, out)
            if out is None and nxt is not None:
                # what this stage prints could not be worked out: the next stage reads something
                # unknown, never nothing (`sed -f x | sh` must not read as a shell with no input)
                out = unknown(f"the output of `{' '.join(self.text(s).split())[:60]}`")
        return out

    def redirected(self, n: Node, env: dict[str, str], place: Place, stdin: str | None
                   ) -> str | None:
        body = n.child_by_field_name("body")
        redirects = n.children_by_field_name("redirect")
        # the grammar hangs a here-string after a compound command (`done <<< "$x"`) outside
        # the redirect field
        redirects += [c for c in n.named_children if c.type == "herestring_redirect" and
                      c not in redirects]
        after: Node | None = None
        outs: list[tuple[str, str]] = []
        sent_to: list[str] = []            # hosts whose /dev/tcp connection gets the output
        for r in redirects:
            socket = self.socket_redirect(r, body, env, place) if r.type == "file_redirect" \
                else None
            if socket is not None:
                sent_to += [socket] if socket else []
                continue
            if r.type == "heredoc_redirect":
                stdin = self.heredoc(r, env, place)
                for c in r.named_children:
                    if c.type in ("pipeline", "command", "list"):
                        after = c
                    elif c.type == "file_redirect":
                        outs.extend(self.file_redirect(c, env, place))
            elif r.type == "herestring_redirect":
                stdin = " ".join(self.argv(r.named_children, env, place)) + "\n"
            elif r.type == "file_redirect" and _HERESTRING_FD.match(self.text(r)):
                # `exec 3<<<TEXT` (which the grammar reads as an error): fd 3 holds TEXT, and
                # `source /dev/fd/3` runs it
                fd = _HERESTRING_FD.match(self.text(r)).group(1)    # type: ignore[union-attr]
                text = " ".join(self.argv([c for c in r.named_children if c.type in (
                    "string", "raw_string", "word", "concatenation", "ansi_c_string",
                    "simple_expansion", "expansion")], env, place))
                self.job.written[f"/dev/fd/{fd}"] = Written(text + "\n", f"a here-string on fd {fd}")
            elif r.type == "file_redirect":
                op = self.text(r).lstrip("0123456789&")[:2]
                dest = r.child_by_field_name("destination")
                if op.startswith("<") and dest is not None and not op.startswith("<&"):
                    path = " ".join(self.words(dest, env, place))
                    stdin = "" if path == "/dev/null" else self.file_text(path)
                    self.note_listed(stdin, path)
                else:
                    outs.extend(self.file_redirect(r, env, place))
        outer, self.consumed = self.consumed, True
        ran = len(self.executed)
        hung = self.hung_arguments(body, redirects)
        try:
            out = self.stmt(body, env, place, stdin) if body is not None else None
        finally:
            if hung is not None:
                del self.redirect_args[hung]
        self.consumed = outer
        ran_here = self.executed[ran:]
        for k, argv in enumerate(ran_here):
            if any(commands.base(a[0]) not in commands.KEEP_WHOLE for a in ran_here[k + 1:] if a):
                continue      # what it printed went through a filter (head, grep, sed …) first
            for op, path in outs:
                if op != ">&":
                    # a dump, a walk or a device's configuration kept in a file
                    commands.backups(argv, self.job, place, self.line(n), self.evidence(n), path)
        if after is not None:
            first = after.named_children[0] if after.type == "pipeline" else after
            out = self.stmt(first, env, place, out)
            for s in (after.named_children[1:] if after.type == "pipeline" else []):
                out = self.stmt(s, env, place, out)
        for op, path in outs:
            self.write(n, body, op, path, out, place)
        for host in sent_to:
            if host.startswith(_COPROC):
                self.coproc_input(host[len(_COPROC):], out, env, place, self.line(n),
                                  self.evidence(n))
                continue
            self.job.talks_to_devices = True
            eff = device.command_effect(out if out is not None and is_known(out) else
                                        unknown("what the job prints to the connection"),
                                        host, place.path, *place.where(self.line(n),
                                                                       self.evidence(n)),
                                        gates=place.gates, via=place.via, called=place.called)
            if eff is not None:
                self.job.sink.append(eff)
        if sent_to:
            return None
        return None if outs and any(o in (">", ">|", "&>") for o, _ in outs) else out

    def hung_arguments(self, body: Node | None, redirects: list[Node]) -> int | None:
        """The grammar takes the words after a redirection for more of its destinations
        (`rm -rf 2>/dev/null /srv/x`: `/srv/x`), where bash takes them for arguments of the
        command (the last of a pipeline, `… | ssh -T 2>/dev/null host`). They are noted as
        arguments of that command; returns its node id, or None when there are none."""
        hung = [d for r in redirects if r.type == "file_redirect"
                for d in r.children_by_field_name("destination")[1:]]
        if not hung or body is None:
            return None
        target = body.named_children[-1] if body.type == "pipeline" and body.named_children \
            else body
        if target.type != "command":
            return None
        self.redirect_args[target.id] = self.redirect_args.get(target.id, []) + hung
        return target.id

    def arguments(self, n: Node) -> list[Node]:
        """The argument nodes of command `n`, with those the grammar hung on its redirection."""
        args = n.children_by_field_name("argument")
        if self.redirect_args:
            hung = self.redirect_args.get(n.id)
            if hung:
                return args + hung
        return args

    def socket_redirect(self, r: Node, body: Node | None, env: dict[str, str], place: Place
                        ) -> str | None:
        """bash network and serial-console redirections: `exec 3<>/dev/tcp/HOST/PORT` (or a
        serial line, /dev/ttyS0) opens a connection on fd 3 (""), `… >&3` or `… > /dev/tcp/…`
        sends the output to that peer (its name); None for any other redirection."""
        text = self.text(r)
        dest = r.child_by_field_name("destination") or next(
            (c for c in reversed(r.named_children) if c.type not in ("file_descriptor", "ERROR")),
            None)
        m = _TO_FD.match(text)
        if m and m.group(1).isdigit():
            return self.sockets.get(m.group(1))
        if m and self.sockets and dest is not None:
            # `>&"${NAME[1]}"`: the descriptor a coprocess reads from
            return self.sockets.get("".join(self.words(dest, env, place)))
        m = _REDIRECT_OP.match(text)
        if m and dest is not None:
            path = " ".join(self.words(dest, env, place))
            tcp = re.match(r"^/dev/(?:tcp|udp)/(.+)/[^/]+$", path)
            serial = re.match(r"^/dev/tty(?:S|USB|ACM|AMA|XRUSB)\d+$", path)
            if tcp is None and serial is None:
                return None
            peer = tcp.group(1) if tcp else f"the console on {path}"
            fd = m.group(1) or ("0" if m.group(2) == "<" else "1")
            exec_only = body is None or self.text(body).strip() == "exec"
            self.sockets[fd] = peer
            return "" if exec_only or m.group(2) == "<" else peer
        return None

    def file_redirect(self, r: Node, env: dict[str, str], place: Place) -> list[tuple[str, str]]:
        text = self.text(r)
        m = re.match(r"^\s*(\d*|&)(>>|>\||>&|&>>|&>|>)", text)
        dest = r.child_by_field_name("destination")
        if not m or dest is None or m.group(1) == "2" or m.group(2) == ">&":
            return []
        path = " ".join(self.words(dest, env, place))
        return [(m.group(2), path)]

    def write(self, n: Node, body: Node | None, op: str, path: str, out: str | None,
              place: Place) -> None:
        p = render(path)
        ev = self.evidence(n)
        if out is not None and is_known(out) and not markers(out):
            commands.written_config(path, out, self.job, place, self.line(n), ev,
                                    appended=op.endswith(">>"))
        # a job written into a place that runs later: judged by what that job will do
        planted.plant(self.job, place, self.line(n), ev, path, out,
                      f"generated at run time by `{self.text(body)[:80]}`"
                      if body is not None else "generated at run time")
        if path in ("/dev/null", "/dev/stdout", "/dev/stderr"):
            return
        if op.endswith(">>"):
            # read later in the job, the file holds what it held and what was added
            before = self.job.text_of(p) if is_known(path) else None
            self.job.written[path] = Written(
                before + out if before is not None and out is not None and is_known(out)
                and not markers(out) else None, "appended to by this job")
            return
        own = commands.lineguards(self.job, p)
        if own is not None and not re.search(r"/log/|\.log$", p):
            # lineguard's program, key or configuration overwritten: blinded
            self.job.sink.append(place.effect("tamper", self.line(n), ev,
                                              target=path if own == p else own,
                                              how="overwrites lineguard's files:"))
            return
        produced = body is None or self.text(body).strip() in (
            ":", "true", "echo -n", "printf ''", 'printf ""', "cat /dev/null", "echo -n ''",
            'echo -n ""', "exec") or out == "" or _EXEC_FD.fullmatch(self.text(body))
        if commands.BLOCK_DEVICE.match(p):
            commands._destroy(self.job, place, self.line(n), ev, path, "wipe")
        elif body is not None and "/dev/" in (head := self.text(body)[:120]) and \
                commands.NOISE.search(head) and not commands.KEY_FILE.search(p):
            # noise written over the file (`head -c N /dev/urandom > F`): its data is gone
            commands._destroy(self.job, place, self.line(n), ev, path, "overwrite")
        elif produced or commands.FORENSIC.search(p):
            commands._destroy(self.job, place, self.line(n), ev, path, "truncate")
        elif out is not None and is_known(out) and not markers(out):
            self.job.written[path] = Written(out, "written by this job")
            ran = self.run_unwritten.pop(p, None) if self.run_unwritten else None
            if ran is not None:
                # run earlier in the job than it is written: the next run runs this
                self.run_written(p, Written(out, "written by the job's previous run"), ran[0],
                                 ran[1], ran[2], ran[3], ran[4])
        else:
            self.job.written[path] = Written(None, f"generated at run time by `{self.text(body)[:80]}`"
                                             if body is not None else "generated at run time")

    def cron_lines(self, text: str, with_user: bool, place: Place, line: int, ev: str,
                   env: dict[str, str], note: str) -> None:
        """The commands of crontab lines (five time fields or @word, a user in system files)."""
        for ln in text.splitlines():
            ln = ln.strip()
            if not ln or ln.startswith("#") or re.match(r"^[A-Za-z_]\w*=", ln):
                continue
            fields = ln.split(None, 1 if ln.startswith("@") else 5)
            rest = fields[-1] if len(fields) > (1 if ln.startswith("@") else 5) else ""
            if with_user and rest:
                rest = rest.split(None, 1)[1] if len(rest.split(None, 1)) > 1 else ""
            if rest:
                self.nested("shell", rest.split("%", 1)[0], place, line, ev, note, env)

    def heredoc(self, r: Node, env: dict[str, str], place: Place) -> str:
        start = next((c for c in r.children if c.type == "heredoc_start"), None)
        body = next((c for c in r.children if c.type == "heredoc_body"), None)
        if body is None:
            return ""
        text = self.text(body)
        quoted = start is not None and re.search(r"['\"\\]", self.text(start))
        text = text if quoted else self.subst_text(text, env)
        self.heredocs[text] = body.start_point[0]
        return text

    def file_text(self, path: str) -> str:
        w = self.job.written.get(path)
        if w is not None and w.content is not None:
            return w.content
        text = self.job.text_of(render(path)) if is_known(path) else None
        return text if text is not None and len(text) < 65536 else file_lines(render(path), self.job)

    def captured_text(self, path: str) -> str | None:
        """The text of a file the job wrote or the agent captured; None when neither."""
        w = self.job.written.get(path)
        if w is not None:
            return w.content
        return self.job.text_of(render(path).lstrip("/")) if is_known(path) else None

    def note_listed(self, text: str | None, path: str) -> None:
        """`text` is (a filtered part of) the list in captured file `path`: a loop over its
        lines or words goes over every entry of that list."""
        if text and is_known(text) and not markers(text) and is_known(path):
            self.listed[text.strip()] = render(path)
            self.listed[" ".join(text.split())] = render(path)

    def capture(self, node: Node, env: dict[str, str], place: Place) -> str:
        redirect = next((c for c in node.named_children if c.type == "file_redirect"), None)
        if redirect is not None and node.named_child_count == 1 and \
                self.text(redirect).lstrip().startswith("<"):
            # `$(< FILE)`: the file's text, as cat would print it
            dest = redirect.child_by_field_name("destination")
            if dest is not None:
                path = " ".join(self.words(dest, env, place))
                text = self.file_text(path).rstrip("\n")
                self.note_listed(text, path)
                return text
        out = None
        outer, self.consumed = self.consumed, True
        try:
            for c in node.named_children:
                out = self.stmt(c, dict(env), place)
        finally:
            self.consumed = outer
        if out is None:
            inner = self.text(node)
            return unknown_output(inner[2:-1] if inner.startswith("$(") else inner.strip("`<>()"))
        if not is_known(out):
            return out
        stripped = out.rstrip("\n")
        if out in self.decoded:
            self.decoded[stripped] = self.decoded[out]
        return stripped

    # --- commands -------------------------------------------------------------------------

    def cmd_words(self, n: Node) -> list[Node]:
        name = n.child_by_field_name("name")
        return ([name] if name is not None else []) + self.arguments(n)

    def command(self, n: Node, env: dict[str, str], place: Place, stdin: str | None) -> str | None:
        if self.broken and n.start_point[0] != n.end_point[0]:
            self.lost_arguments(n, env, place)
        local = env
        assigns = [c for c in n.named_children if c.type == "variable_assignment"]
        if assigns:
            local = dict(env)
            for a in assigns:
                self.assign(a, local, place)
        for r in n.children_by_field_name("redirect"):
            if r.type == "herestring_redirect":
                stdin = " ".join(self.argv(r.named_children, local, place)) + "\n"
        name = n.child_by_field_name("name")
        name_text = self.text(name) if name is not None else ""
        if name is not None and _ALIAS + name_text in local:
            # an alias (defined here or in a sourced rc file): its text stands for the name
            value, used = _expand_alias(name_text, env)
            if _ALIAS_WORDS.match(value) and n.start_point[0] == n.end_point[0]:
                # words only (`alias grep='grep -E'`): the command with its name replaced, its
                # arguments as parsed here (within backquotes, where `\"` is a quote, too),
                # its input and its own assignments kept. (A command over several lines is
                # read again as text: where the parser lost its way, the lines it took for
                # arguments are read as the commands they may be.)
                via = place.nested(self.line(n), self.evidence(n), f"alias {name_text}")
                argv = [*value.split(), *self.argv(self.arguments(n), local, via)]
                if not self.runs_nothing(argv[:1], argv, n, local, place):
                    self.run_words(argv, env, local, bool(assigns), via, n, stdin)
                return None
            text, used = _expand_alias(self.text_from(n, name), env)
            self.nested("shell", text, place, self.line(n), self.evidence(n),
                        f"alias {name_text}", _without(env, used))
            return None
        if name_text == "alias":
            for a in self.arguments(n):
                word = "".join(self.words(a, local, place))
                key, eq, value = word.partition("=")
                if eq:
                    env[_ALIAS + key] = value
            return None
        if name_text == "unalias":
            words = self.argv(self.arguments(n), local, place)
            for key in [k for k in env if k.startswith(_ALIAS)] if "-a" in words else \
                    [_ALIAS + w for w in words]:
                env.pop(key, None)
            return None
        if name_text == "time" and self.timed_alias(n, local):
            # `time` is a reserved word: the word after it (and -p) is a command's name, an
            # alias there is expanded
            self.nested("shell", self.timed_alias(n, local), place, self.line(n),
                        self.evidence(n), "timed", env)
            return None
        first = self.words(name, local, place) if name is not None else []
        if name is not None and not assigns and n.id not in self.redirect_args and \
                self.runs_nothing(first, None, n, local, place):
            return None
        argv = first + self.argv(self.arguments(n), local, place)
        return self.run_words(argv, env, local, bool(assigns), place, n, stdin)

    def timed_alias(self, n: Node, env: dict[str, str]) -> str:
        """The text of command `time [-p] NAME …` from NAME on, when NAME is an alias; ""
        otherwise."""
        args = n.children_by_field_name("argument")
        k = 1 if args and self.text(args[0]) == "-p" else 0
        if k < len(args) and _ALIAS + self.text(args[k]) in env:
            return self.text_from(n, args[k])
        return ""

    def text_from(self, n: Node, word: Node) -> str:
        """The text of command `n` from its `word` on, with the words the grammar hung on its
        redirection (from the node texts: a function's body may be another file's)."""
        text = self.text(n)[word.start_byte - n.start_byte:]
        hung = self.redirect_args.get(n.id)
        return text + "".join(" " + self.text(h) for h in hung) if hung else text

    def run_words(self, argv: list[str], env: dict[str, str], local: dict[str, str],
                  assigns: bool, place: Place, n: Node, stdin: str | None) -> str | None:
        """A simple command, its words expanded: `local` is `env` with the command's own
        assignments (`X=1 cmd`), which stay when there is no command."""
        if not argv:
            if assigns:
                env.update(local)
            return None
        line, ev = self.line(n), self.evidence(n)
        funcs = _function_env(argv)
        if funcs:
            # BASH_FUNC_NAME%%=() {…} in the environment: the child shell has those functions
            self.nested("shell", "".join(f"{k}() {v}\n" for k, v in funcs.items())
                        + " ".join(_quote(a) for a in commands.unwrap(argv)), place, line, ev,
                        "functions passed in the environment", env)
            return None
        commands.took_lock(argv, self.job)
        argv = commands.unwrap(argv)
        if not argv:
            return None
        if argv[0] == "read":
            self.read_builtin(argv, local, env, stdin)
            return None
        if self.assigns_variables(argv, env, stdin):
            return None
        if argv[0] in ("cd", "pushd"):
            self.change_dir(argv, env)
            return None
        if argv[0] == "set" and "PS4" in self.subst_vars and any(a == "-x" or re.fullmatch(r"-\w*x\w*", a)
                                                      or a == "xtrace" for a in argv[1:]):
            # under xtrace every command's trace line expands PS4, substitutions included
            self.arith_names("PS4", env, place, n)
        if argv[0].startswith("/") and _GLOB_CHARS.search(argv[0]):
            # a program spelled as a glob (/u?r/b??/r?): each known program it can match
            for prog in _glob_programs(argv[0])[:24]:
                self.execute([prog, *argv[1:]], local, place, line, ev, stdin)
            return None
        return self.execute(argv, local, place, line, ev, stdin)

    def runs_nothing(self, first: list[str], words: list[str] | None, n: Node,
                     local: dict[str, str], place: Place) -> bool:
        """Whether command `n`, its program named by `first` (the words its name stands for),
        runs a program lineguard gives no meaning to, or one that only prints what nothing
        reads: then only what its arguments run counts, and those are read here. `words`: the
        command's words, or None for its text split at blanks."""
        prog = commands.base(first[0]) if first else ""
        if not prog or prog in self.functions or "/" in first[0] or prog == "shift" or \
                _NOT_FOUND in self.functions or MASKED_PREFIX in prog:
            # shift moves the positional parameters (see assigns_variables); a program not
            # found runs command_not_found_handle; a masked one is judged (execute)
            return False
        if commands.known(prog):
            if self.consumed or prog not in commands.OUTPUT_ONLY or not commands.prints_only(
                    words if words is not None else [*first, *self.text(n).split()[1:]]):
                return False
        if not is_known(prog) or first[0] in self.job.written:
            return False
        if _may_launch(prog, [w.strip("'\"") for w in (words[1:] if words is not None
                                                         else self.text(n).split()[1:])]):
            return False        # it may launch what it is handed (see launched)
        for a in self.arguments(n):
            if a.type != "word":
                t = self.text(a)
                if "$(" in t or "`" in t or "<(" in t:
                    self.words(a, local, place)
        return True

    def assigns_variables(self, argv: list[str], env: dict[str, str], stdin: str | None) -> bool:
        """Builtins whose effect is a variable: `set -- …` (the positional parameters),
        `printf -v NAME …`, `mapfile`/`readarray` (an array of the input lines), `hash -p PATH
        NAME` (NAME runs PATH)."""
        prog, args = argv[0], argv[1:]
        if prog == "shift":
            _shift(env, int(args[0]) if args and args[0].isdigit() else 1)
            return True
        if prog == "set" and args[:1] == ["--"]:
            env["@"] = _SEP.join(args[1:])
            for i in range(1, 10):
                env.pop(str(i), None)
            for i, a in enumerate(args[1:10], 1):
                env[str(i)] = a
            return True
        if prog == "printf" and len(args) >= 3 and args[0] == "-v":
            out = commands.output(["printf", *args[2:]], None, self.job)
            env[args[1]] = out if out is not None else _at_run_time(args[1])
            return True
        if prog in ("mapfile", "readarray"):
            names = [a for a in args if not a.startswith("-")]
            name = names[-1] if names else "MAPFILE"
            env[name] = _SEP.join(stdin.rstrip("\n").split("\n")) if stdin is not None and \
                is_known(stdin) and not markers(stdin) else (
                    stdin if stdin is not None and is_known(stdin) else _at_run_time(name))
            return True
        if prog == "hash" and len(args) >= 3 and args[0] == "-p":
            env[_ALIAS + args[2]] = args[1]
            return True
        return False

    def read_builtin(self, argv: list[str], local: dict[str, str], env: dict[str, str],
                     stdin: str | None) -> None:
        """`read [-r] [-a ARRAY] [-d DELIM] NAME…` of a known input: its first record, split
        on IFS (as set for the read)."""
        spec = _read_args(argv)
        record = _records(stdin or "", spec)[:1]
        known = stdin is not None and all(is_known(r) and not markers(r) for r in record)
        ifs = local.get("IFS", " \t\n")
        line = record[0] if record else ""
        if spec.array:
            env[spec.array] = _SEP.join(_fields(line, ifs, 0)) if known else \
                _at_run_time(spec.array)
            return
        fields = _fields(line, ifs, len(spec.names)) if known else []
        for k, name in enumerate(spec.names):
            env[name] = (fields[k] if k < len(fields) else "") if known else _at_run_time(name)

    def change_dir(self, argv: list[str], env: dict[str, str]) -> None:
        """`cd DIR`: relative paths of later destroyers are under DIR."""
        ops = [a for a in argv[1:] if not a.startswith("-")]
        where = ops[0] if ops else env.get("HOME", unknown("the home directory"))
        if where.startswith("/") or not is_known(where):
            env[_CWD] = where.rstrip("/") or "/"
        elif _CWD in env:
            env[_CWD] = env[_CWD].rstrip("/") + "/" + where

    def execute(self, argv: list[str], env: dict[str, str], place: Place, line: int, ev: str,
                stdin: str | None) -> str | None:
        job = self.job
        self.executed.append(argv)
        if argv[0] in ("set", "printf", "mapfile", "readarray", "hash") and \
                self.assigns_variables(argv, env, stdin):
            return None
        if argv[0] in ("cd", "pushd"):
            self.change_dir(argv, env)
            return None
        if _CWD in env and commands.base(argv[0]) in _PATH_DESTROYERS:
            # relative operands of a destroyer are under the directory the script went to
            argv = [argv[0]] + [a if a.startswith(("/", "-", "~", "\x01")) or not a or "=" in a
                                else env[_CWD].rstrip("/") + "/" + a.removeprefix("./")
                                for a in argv[1:]]
        if _CWD in env and "/" in argv[0] and not argv[0].startswith(("/", "~", "\x01")):
            # `./prog`, `bin/prog`: the program under the directory the shell went to
            argv = [env[_CWD].rstrip("/") + "/" + argv[0].removeprefix("./"), *argv[1:]]
        if _CWD in env and commands.base(argv[0]) == "git" and "-C" not in argv:
            argv = [argv[0], "-C", env[_CWD], *argv[1:]]      # git works in the directory
        name = argv[0]
        prog = commands.base(name)
        args = argv[1:]
        if MASKED_PREFIX in name:
            # a program or command line that is a secret's value (`TOKEN=/home/op/wipe;
            # "$TOKEN"`, a payload decoded from one): a secret is never what a job runs
            job.sink.append(place.effect("unparsed", line, ev, target="shell", how=(
                "not read: runs a program or command the agent masked as a secret")))
            return None
        if name in self.functions:
            return self.call(name, args, env, place, line, ev, stdin)
        if _NOT_FOUND in self.functions and "/" not in name and is_known(name) and \
                not commands.known(prog) and prog not in _BUILTINS:
            # bash runs command_not_found_handle with the command line of a program it cannot
            # find: a name lineguard knows no program by may be one
            return self.call(_NOT_FOUND, argv, env, place, line, ev, stdin)
        if prog in _RUNNERS or (prog == "find" and any(a in ("-exec", "-execdir", "-ok", "-okdir")
                                                       for a in args)):
            self.runner(prog, argv, env, place, line, ev, stdin)
            if prog != "find":
                return None
        elif prog in _AWK:
            program, source = runners.awk_program(argv)
            if source is not None and is_known(source):
                program = self.job.text_of(render(source).lstrip("/"))
                why = unseen_program(self.job, source, self.named_in(line, ev, place)) \
                    if program is None else ""
                if why:
                    self.job.sink.append(unseen_effect(place, line, ev, source,
                                                       f"{why} (the program awk runs)"))
            if program is not None:
                runs, printed = runners.awk(runners.awk_inputs(program, argv, env))
                for r in runs:
                    if r.text == runners.WHOLE_RECORD:
                        # system($0): each line of its input is a command line
                        files = runners.awk_input_files(argv)
                        text = "\n".join(self.file_text(f) for f in files) if files else stdin
                        if text is not None:
                            self.nested("shell", text, place, line, ev,
                                        "each input line run by awk's system($0)", env)
                            continue
                    self.nested("shell", r.text, place, line, ev, r.note, env)
                if printed is not None and stdin is None:
                    return printed
        elif not args and re.search(r"[ \t\n]", name):
            # a command line given as one string (watch 'cmd', env -S, parallel): a shell runs it
            # (a marker's own separator is no blank: an unknown word is not read again)
            self.nested("shell", name, place, line, ev, "a command line given as a string", env)
            return None
        if prog in carriers.CARRIERS:
            if prog == "git":
                # settings git takes from its environment, as if given with -c
                argv = carriers.git_with_environment(argv, env)
            # a program that runs shell commands written in its own syntax (make, sed e, …)
            for text, note in [*carriers.carried(argv, stdin, self.captured_text, unknown),
                               *carriers.from_environment(argv, env, self.captured_text)]:
                self.nested("shell", text, place, line, ev, note, env)
            if prog == "git":
                # commands git runs from its environment (GIT_SSH_COMMAND=… git fetch)
                for var in carriers.GIT_COMMAND_VARIABLES:
                    if env.get(var, "").strip():
                        self.nested("shell", env[var], place, line, ev, f"run by git's {var}", env)
            for f in carriers.CARRIERS[prog].files(argv):
                why = unseen_program(self.job, f, self.named_in(line, ev, place)) if \
                    f.startswith("/") and is_known(f) and self.job.text_of(f.lstrip("/")) is None \
                    else ""
                if why and ("named only" in why or why.startswith("not read")):
                    self.job.sink.append(unseen_effect(place, line, ev, f,
                                                       f"{why} (the program {prog} reads)"))
        if prog in ("source", ".") and args:
            if args[0] in _STDIN_FILES and stdin is not None:
                # `. /dev/stdin <<<TEXT`: the shell reads its input as the sourced file
                self.interpreter("shell", [], env, place, line, ev, stdin, "-c")
                return None
            sourced = args[0]
            if _CWD in env and is_known(sourced) and not sourced.startswith(("/", "~", "\x01")):
                # a relative name not found on PATH is read from the working directory
                sourced = env[_CWD].rstrip("/") + "/" + sourced.removeprefix("./")
            self.follow(sourced, args[1:], env, place, line, ev, same_env=True)
            return None
        if prog == "eval":
            text = " ".join(args)
            if "()" in text and is_known(text) and place.depth < MAX_DEPTH:
                # an eval that defines functions defines them in this shell
                self.source_text(text, place.nested(line, ev, "in eval"), env)
            else:
                self.nested("shell", text, place, line, ev, "in eval", env)
            return None
        if prog == "trap" and args:
            self.nested("shell", args[0], place, line, ev, "in a trap", env)
            return None
        if prog in SHELLS:
            if prog == "zsh":
                # zsh's parameter expansion flags, written as bash writes the same expansion
                args = [_zsh_flags(a) if "${(" in a else a for a in args]
            return self.interpreter("shell", args, env, place, line, ev, stdin, "-c")
        if _PYTHON.match(prog) and args[:2] in (["-m", "base64"], ["-m", "gzip"]):
            # the standard library's command lines: the same as the programs of those names
            return self.execute([args[1], *args[2:]], env, place, line, ev, stdin)
        if _PYTHON.match(prog):
            return self.interpreter("python", args, env, place, line, ev, stdin, "-c")
        if _PERL.match(prog):
            commands.perl_in_place(argv, job, place, line, ev)
            return self.interpreter("perl", args, env, place, line, ev, stdin, "-e")
        if prog in ("expect", "tclsh"):
            return self.interpreter("expect", args, env, place, line, ev, stdin, "-c")
        go_run = prog == "go" and args[:1] == ["run"]
        if go_run:          # go run FILE.go ARGS: Go source, read like the unparsed languages
            args = [a for a in args[1:] if a.endswith(".go")][:1] + \
                [a for a in args[1:] if not a.endswith(".go") and not a.startswith("-")]
        if prog not in _UNREADABLE and prog.rstrip("0123456789.") in _UNREADABLE:
            prog = prog.rstrip("0123456789.")       # lua5.4, php8.2, ruby3.1: the language
        if prog in _UNREADABLE or go_run:
            job.sink.append(place.effect("unparsed", line, ev, target=prog))
            inline = next((args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-e", "-r", "-c",
                                                                                 "--eval")), None)
            script = next((args[i + 1] for i, a in enumerate(args[:-1]) if a == "-f"), None) \
                if prog == "php" else None          # php -f FILE
            if inline is not None:
                scripting.read_foreign(prog, inline, job, place, line, ev, self.nested)
            elif script is not None:
                self.run_file(script, [], env, place, line, ev)
            elif args and not args[0].startswith("-"):
                self.run_file(args[0], args[1:], env, place, line, ev)     # ruby FILE …
            return None
        if prog in ("at", "batch") and "-f" in args[:-1]:
            stdin = self.file_text(args[args.index("-f") + 1])
        if prog in ("at", "batch") and stdin is not None and not any(a.startswith("-") and
                                                                     "l" in a for a in args):
            self.nested("shell", stdin, place, line, ev, "queued with at", env)
            return None
        if prog == "crontab" and stdin is not None and is_known(stdin) and not markers(stdin) \
                and not re.search(r"-\w*[lr]", " ".join(args)):
            self.cron_lines(stdin, False, place, line, ev, env, "installed with crontab")
        elif prog == "crontab" and not re.search(r"-\w*[lre]", " ".join(args)) and \
                (table := [o for o in commands.operands(argv, {"u"}) if o != "-"]):
            # `crontab FILE`: the user's crontab replaced by the file (written by the job, or
            # captured); one whose content is not known installs jobs nobody has seen
            installed = self.captured_text(table[-1])
            if installed is not None and is_known(installed) and not markers(installed):
                self.cron_lines(installed, False, place, line, ev, env,
                                f"installed with crontab from {render(table[-1])}")
            else:
                self.job.sink.append(place.effect(
                    "unseen-code", line, ev, target=f"the user's crontab: installs jobs whose "
                    f"content is not captured ({render(table[-1])})"))
        if prog in commands._DEVICE_PROGRAMS:
            self.device_session(prog, argv, env, place, line, ev, stdin)
            return None
        session = commands.raw_session(argv) if prog in commands.SESSION_TOOLS else None
        if session is not None:
            # a TLS client, curl's telnet://: what it is given goes to the host as typed
            host, upload = session
            sent = stdin if upload in (None, "-") else self.file_text(upload)
            if sent is None or not is_known(sent):
                self.job.sink.append(place.effect(
                    "unseen-code", line, ev, target=f"what {prog} sends to {render(host)} "
                                                    "(its input was not captured)"))
            self.device_session("nc", ["nc", host], env, place, line, ev, sent)
            return None
        if prog == "snmpset":
            self.snmpset(argv, place, line, ev)
            return None
        if prog in _SQL_CLIENTS:
            return self.sql_client(prog, argv, place, line, ev, stdin)
        if "/" in name and not name.startswith("/dev/fd/") or name in job.written or \
                name.startswith("/dev/fd/"):
            if self.run_file(name, args, env, place, line, ev):
                return None
        if prog in ("curl", "wget", "http", "https", "xh"):
            self.rest(argv, place, line, ev, stdin)
        if prog in _API_CLIENTS:
            for f in carriers.values(argv, (), ("--edit-config", "--rpc", "--replace-file",
                                                "--update-file")):
                if self.captured_text(f) is None:
                    self.job.sink.append(place.effect("unseen-code", line, ev, target=(
                        f"{render(f)}, the request {prog} sends (not captured)")))
            request = api.client_request(argv, self.captured_text)
            if request is not None:
                self.device_lines(request[0], request[1], place, line, ev, prog)
            return None
        remote = commands.file_transfer_deletes(argv, self.captured_text) \
            if prog in commands.SESSION_TOOLS else None
        if remote:
            # files deleted on the far side of an FTP/SFTP session: on a network element, its
            # configuration files
            self.device_lines(remote[0], remote[1], place, line, ev, prog)
        if prog in ("tmux", "screen"):
            if any(a in ("send-keys", "send", "stuff") for a in args):
                self.terminal_keys(prog, argv, place, line, ev)
            else:       # a session, window or pane started with a command, run-shell
                self.launched(prog, args, env, place, line, ev)
            return None
        if prog in ("ansible", "ansible-playbook"):
            self.ansible(prog, argv, place, line, ev)
            return None
        if prog == "coproc":
            self.coproc(args, env, place, line, ev)
            return None
        if (prog == "systemctl" and "edit" in args) or (prog == "crontab" and "-e" in args):
            self.edit(prog, args, env, place, line, ev, stdin)
            return None
        if not commands.known(prog) and prog not in _NAMES_PROGRAMS and \
                self.launched(prog, args, env, place, line, ev):
            return None
        commands.effects(argv, job, place, line, ev, stdin)
        out = commands.output(argv, stdin, job)
        if out is not None and prog in commands.LIST_READERS:
            self.list_read(argv, stdin, out)
        if out is not None:
            layer = decode.layer_of(argv)
            if layer is None and prog in ("printf", "echo") and re.search(
                    r"\\(?:x[0-9a-fA-F]|u[0-9a-fA-F]|0[0-7]|[1-7][0-7])", " ".join(args)):
                layer = "printf escapes"
            prior = self.decoded.get(stdin or "", ()) if stdin else ()
            if layer is not None or prior:
                self.decoded[out] = prior + ((layer,) if layer else ())
        return out

    def launched(self, prog: str, args: list[str], env: dict[str, str], place: Place, line: int,
                 ev: str) -> bool:
        """A program lineguard gives no meaning to, handed a command line: `screen -dmS x CMD`,
        `tmux new -d 'CMD'`, `start-stop-daemon --start --exec PROG -- ARGS`, `tsp CMD`, `gosu
        USER CMD`. Read as running it: a launcher runs what it is handed, and a program missing
        from lineguard's tables must not be a place to hide a deletion. The command is the first
        argument naming a program lineguard knows, with the rest (arguments after a `--` that
        follows only options go to it, as start-stop-daemon passes them), or the first argument
        that is a whole command line. True when one was read."""
        for i, a in enumerate(args):
            if _program_word(a):
                rest = args[i + 1:]
                if "--" in rest and all(w.startswith("-") for w in rest[:rest.index("--")]):
                    rest = rest[rest.index("--") + 1:]
                self.nested("shell", " ".join(_quote(w) for w in [a, *rest]), place, line, ev,
                            f"run by {prog}", env)
                return True
            if is_known(a) and not markers(a) and _BLANK.search(a.strip()) and \
                    _program_word(a.split()[0]):
                self.nested("shell", a, place, line, ev, f"a command line given to {prog}", env)
                return True
        return False

    def coproc(self, args: list[str], env: dict[str, str], place: Place, line: int, ev: str
               ) -> None:
        """`coproc [NAME] COMMAND` (a body in braces is a function by now: see read_shell): the
        command runs now, and again with what the job later writes to `${NAME[1]}`."""
        name = args[0][1:] if args and args[0].startswith(":") else "COPROC"
        argv = args[1:] if args and args[0].startswith(":") else args
        if not argv:
            return
        k = len(self.coprocs)
        read_fd, write_fd = str(63 - 2 * k), str(62 - 2 * k)
        self.coprocs[name] = argv
        self.sockets[write_fd] = _COPROC + name
        env[name] = read_fd + _SEP + write_fd
        self.execute(argv, env, place, line, ev, None)

    def coproc_input(self, name: str, text: str | None, env: dict[str, str], place: Place,
                     line: int, ev: str) -> None:
        """What the job writes to a coprocess: its command reads it as input."""
        argv = self.coprocs.get(name)
        if argv:
            self.execute(argv, env, place.but(via=place.via + (f"written to coproc {name}",)),
                         line, ev, text if text is not None else unknown(
                             f"what the job writes to coproc {name}"))

    def edit(self, prog: str, args: list[str], env: dict[str, str], place: Place, line: int,
             ev: str, stdin: str | None) -> None:
        """`systemctl edit UNIT` / `crontab -e` with the editor fed or replaced (see edits.py);
        what the new unit or crontab runs is read as the job's own."""
        editor = edits.editor_of(env, systemd=prog == "systemctl")
        content = edits.new_content(editor, stdin, "--stdin" in args, self.job)
        if content is None:
            return
        if prog == "crontab":
            text = edits.crontab_edit(content, self.job, place, line, ev)
            if text is not None:
                self.cron_lines(text, False, place, line, ev, env, "installed with crontab -e")
            return
        full = any(a in ("--full", "-l") for a in args)
        after = args[args.index("edit") + 1:]
        units = [a for a in after if not a.startswith("-")]
        for unit in units:
            for cmd in edits.unit_edit(unit, full, content, self.job, place, line, ev):
                self.nested("shell", cmd, place, line, ev,
                            f"run by {render(unit)} as rewritten by systemctl edit", env)

    def list_read(self, argv: list[str], stdin: str | None, out: str) -> None:
        """What a filter printed from a captured list (`cat`, `grep -v '^#' FILE`, `cut -d:
        -f1 FILE`, or its input that came from one) is that list's entries."""
        source = self.listed.get(stdin.strip()) if stdin and self.listed else None
        if source is None:
            source = next((o for o in reversed(argv[1:]) if o.startswith("/") and is_known(o)
                           and self.job.artifact(o) is not None), None)
        if source is not None:
            self.note_listed(out, source)

    def runner(self, prog: str, argv: list[str], env: dict[str, str], place: Place, line: int,
               ev: str, stdin: str | None) -> None:
        """The commands find -exec, xargs and parallel run, each read as run by them."""
        bounded = False
        if prog == "find":
            runs, bounded = runners.find_exec(argv)
            runs = [r for r in runs if not r.argv or commands.base(r.argv[0])
                    not in commands.FIND_DELETERS]      # judged with find's own selection
        elif prog == "xargs":
            # the items of a list file (-a FILE, or a list piped in) stand for every entry
            arg_file = next((argv[i + 1] for i, a in enumerate(argv[:-1]) if a in ("-a", "--arg-file")),
                            None) or next((a.split("=", 1)[1] for a in argv
                                           if a.startswith("--arg-file=")), None)
            source = arg_file or (self.listed.get(stdin.strip()) if stdin and self.listed else None)
            if source is not None and is_known(source):
                stdin = file_lines(render(source), self.job)
            runs = runners.xargs(argv, stdin)
        else:
            runs = runners.parallel(argv, stdin)
        before = len(self.job.sink)
        inner = place.but(via=place.via + (runs[0].note,)) if runs else place
        for r in runs:
            if r.argv is None:
                self.nested("shell", r.text, place, line, ev, r.note, env)
            elif commands.unwrap(r.argv):
                self.execute(commands.unwrap(r.argv), env, inner, line, ev, None)
        if bounded:
            for k in range(before, len(self.job.sink)):
                e = self.job.sink[k]
                if e.kind == "data-destruction":
                    self.job.sink[k] = replace(e, bounded=True)

    def reads(self, name: str) -> frozenset[str]:
        """The variables function `name` reads, with those of the functions it names."""
        hit = self._reads.get(name)
        if hit is not None:
            return hit
        self._reads[name] = frozenset()       # a function naming itself adds nothing
        node = self.functions.get(name)
        variables, words = _refs(self.text(node) if node is not None else "")
        names = set(variables)
        for other in (words & self.functions.keys()) - {name}:
            names |= self.reads(other)
        hit = self._reads[name] = frozenset(names)
        return hit

    def takes(self, name: str, node: Node) -> str:
        """How function `name` takes its arguments, read once from its text: "runs" (runs
        what it is handed), "list" ("$@", shift) or "" (by position)."""
        hit = self._takes.get(name)
        if hit is None:
            hit = self._takes[name] = _takes(self.text(node), node)
        return hit

    def call(self, name: str, args: list[str], env: dict[str, str], place: Place, line: int,
             ev: str, stdin: str | None) -> str | None:
        if self.stack.count(name) >= 2:
            return None
        if len(self.stack) >= MAX_CALL_DEPTH:
            cut_by_limit(self.job, place, "shell", line, ev,
                         f"functions called more than {MAX_CALL_DEPTH} deep")
            return None
        self.called.add(name)
        globals_ = repr([env.get(v) for v in sorted(self.reads(name)) if not v.isdigit()])
        context = repr((args, stdin, globals_))
        node = self.functions[name]
        # a function that runs what it is handed, or takes its arguments as a list ("$@",
        # shift, more than $1…$9): its summary could not stand for the call, so it is followed
        takes = self.takes(name, node)
        how, value = self.calls.start(name, context, globals_,
                                      "list" if not takes and len(args) > 9 else takes)
        if how == "known":
            return value if isinstance(value, str) else None
        if how == "summary" and self._summary_call(name, args, env, place, line, ev, globals_):
            self.calls.runs_its_arguments(name, context)
            how = "follow"
        if how != "follow":
            return None
        if self.job.spend("shell", place, line + place.offset, ev,
                          cost=node.end_point[0] - node.start_point[0] + 1):
            return None
        out = self._call(name, args, env, place, line, ev, stdin)
        self.calls.done(name, context, out)
        return out

    def _summary_call(self, name: str, args: list[str], env: dict[str, str], place: Place,
                      line: int, ev: str, globals_: str) -> bool:
        """A call past the contexts a function is followed in: the function's effects read
        once with its arguments as markers, bound to this call's arguments (see Calls). True
        (nothing bound) when the summary reads an argument as code: the call is followed."""
        kept = self.calls.summaries.get(name)
        if kept is None:
            before, code_before = len(self.job.sink), self.job.code_from_arguments
            neutral = place.but(gates=(), via=(), called=True, anchor=(line, ev))
            self._call(name, [], dict(env), neutral, line, ev, None, arg_env=_ARG_ENV)
            ran = Calls.ran_arguments(self.job, code_before, self.job.sink[before:])
            kept = self.calls.summaries[name] = (globals_, self.job.sink[before:])
            del self.job.sink[before:]
            if ran:
                return True
        marked = [e for e in kept[1] if commands.ARG_MARK in e.values_text()]
        site = (line + place.offset, ev) if place.anchor is None else None
        self.job.sink.extend(bind_call(marked, args, place, name, site))
        return False

    def _call(self, name: str, args: list[str], env: dict[str, str], place: Place, line: int,
              ev: str, stdin: str | None, arg_env: dict[str, str] | None = None
              ) -> str | None:
        node = self.functions[name]
        body = node.child_by_field_name("body")
        if body is None:
            return None
        owner = self._foreign.get(name, self)
        fplace = owner.place.but(gates=place.gates, via=place.via, called=place.called,
                         function=name, depth=place.depth)
        before = len(self.job.sink)
        inner = dict(env)
        inner["@"] = _SEP.join(args)
        for i in range(1, 10):
            inner.pop(str(i), None)
        for i, a in enumerate(args[:9], 1):
            inner[str(i)] = a
        inner.update(arg_env or {})
        self.stack.append(name)
        try:
            owner.stack, owner.site_copies = self.stack, self.site_copies
            out = owner.stmt(body, inner, fplace, stdin)
        finally:
            self.stack.pop()
        # the call site is reported too: the line that makes the function's effects happen.
        # Only what the body did itself is copied, not the call-site copies of the functions
        # it calls: one copy per effect and call level (copying the copies doubled the effects
        # at every level of nested calls)
        if place.anchor is None:
            site = (place.path, line + place.offset)
            for e in self.job.sink[before:]:
                if (e.path, e.line) != site and id(e) not in self.site_copies:
                    copy = replace(e, path=place.path, line=line + place.offset, evidence=ev,
                                   via=e.via + (f"calls {name}()",))
                    self.site_copies.add(id(copy))
                    self.job.sink.append(copy)
        for k, v in inner.items():
            if not (k.isdigit() or k == "@"):
                env[k] = v
        return out

    def nested(self, language: str, text: str, place: Place, line: int, ev: str, note: str,
               env: dict[str, str] | None = None) -> None:
        if language == "shell" and whole_each(text):
            # the code itself is each value of a loop (`for s in …; do eval "$s"`, lines of a
            # file read into an array): each value is run
            for value in expand_each(text.strip()):
                self.nested(language, value, place, line, ev, note, env)
            return
        layers = self.decoded.get(text) or self.decoded.get(text.strip())
        if layers:
            self.job.sink.append(place.effect("concealment", line, ev, how=" then ".join(layers)))
            note = f"decoded from {' then '.join(layers)}"
        read(language, text, self.job, place.nested(line, ev, note),
             dict(env) if env is not None else {})

    def interpreter(self, language: str, args: list[str], env: dict[str, str], place: Place,
                    line: int, ev: str, stdin: str | None, inline: str) -> str | None:
        job = self.job
        if language == "shell" and env.get("PROMPT_COMMAND") and any(
                a == "-i" or (a[:1] == "-" and a[1:2] != "-" and "i" in a and len(a) <= 4)
                for a in args):
            # an interactive shell runs PROMPT_COMMAND before its first prompt
            self.nested("shell", env["PROMPT_COMMAND"], place, line, ev,
                        "PROMPT_COMMAND of an interactive shell", env)
        i = 0
        # the option whose value is the program (perl's -E is -e with the newer features on)
        letters = inline[1] + ("E" if language == "perl" else "")
        while i < len(args):
            a = args[i]
            if a == inline or (a.startswith("-") and a[-1:] in letters and len(a) <= 4
                               and not a.startswith("--")):
                if i + 1 < len(args):
                    words = args[i + 1].split()
                    if language == "shell" and words and words[0] in self.functions:
                        # a function exported to the child shell (export -f NAME; bash -c NAME)
                        return self.call(words[0], words[1:] + args[i + 3:], env, place, line, ev,
                                         stdin)
                    inner = env
                    if language in ("python", "perl"):
                        # python3 -c TEXT ARG…: sys.argv is ['-c', ARG…]; perl -e TEXT ARG…:
                        # @ARGV is (ARG…), $0 is -e
                        inner = {k: v for k, v in env.items() if not k.isdigit() and k != "@"}
                        inner["0"] = inline
                        for k, a in enumerate(args[i + 2:i + 11], 1):
                            inner[str(k)] = a
                    if language == "shell" and i + 2 < len(args):
                        # sh -c TEXT NAME ARG…: the positional parameters of TEXT
                        inner = {k: v for k, v in env.items() if not k.isdigit() and k != "@"}
                        inner["@"] = _SEP.join(args[i + 3:])
                        for k, a in enumerate(args[i + 3:i + 12], 1):
                            inner[str(k)] = a
                    data = self.perl_input(args, i, stdin) if language == "perl" else None
                    if data is not None:
                        # perl -n/-p: the program runs once per input record (a line; the
                        # whole input under -0777), $_ that record
                        whole = any(o.startswith("-0777") for o in args[:i + 1])
                        records = [data] if whole else [r for r in data.split("\n") if r.strip()]
                        for each in records[:_PER_LINE_RUNS]:
                            self.nested(language, f"$_ = {_perl_string(each)};\n{args[i + 1]}",
                                        place, line, ev, f"inside perl {a}, for each record", inner)
                        return None
                    program = args[i + 1]
                    if language == "perl" and any(re.fullmatch(r"-[a-zA-Z]*s[a-zA-Z]*", o)
                                                  for o in args[:i + 1]):
                        program = _perl_switches(args[i + 2:]) + program
                    if self.consumed and language in ("python", "perl"):
                        # its output feeds what follows (`perl -e 'print …' | sh`): what it
                        # prints is that stage's output
                        return self.printed_by(language, program, place, line, ev, inline,
                                               inner)
                    self.nested(language, program, place, line, ev, f"inside {language} {inline}",
                                inner)
                return None
            if a == "-m" and language == "python" and i + 1 < len(args):
                self.python_module(args[i + 1], args[i + 2:], env, place, line, ev)
                return None
            if not a.startswith("-") or a == "-":
                if a in ("-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"):
                    break       # the program is read from standard input
                if language == "perl" and any(o.startswith("-x") for o in args[:i]):
                    # perl -x FILE: the program starts at the file's first #!…perl line
                    found = self.captured_text(a)
                    m = _PERL_X_START.search(found) if found is not None else None
                    if found is not None and m is not None:
                        self.nested(language, found[m.end():], place, line, ev,
                                    f"the program perl -x finds in {render(a)}", env)
                        return None
                self.run_file(a, args[i + 1:], env, place, line, ev, language=language)
                return None
            if language == "expect" and a == "-f" and i + 1 < len(args):
                self.run_file(args[i + 1], [], env, place, line, ev, language=language)
                return None
            i += 1
        if stdin is not None:
            row = self.heredocs.get(stdin)
            if row is not None and place.anchor is None:
                read(language, stdin, job, place.but(offset=place.offset + row,
                                                   depth=place.depth + 1), dict(env))
            elif is_known(stdin) and not markers(stdin):
                self.nested(language, stdin, place, line, ev, f"fed to {language} on stdin", env)
            else:
                if commands.ARG_MARK in stdin:     # an argument fed to a shell: see Calls
                    job.code_from_arguments += 1
                src = "; ".join(d for k, _, d in markers(stdin)) or "its input"
                job.sink.append(place.effect("unseen-code", line, ev, target=src))
        return None

    def printed_by(self, language: str, code: str, place: Place, line: int, ev: str,
                   inline: str, env: dict[str, str]) -> str | None:
        """Read an inline program and give what it prints to standard output, when all of it
        is known (None otherwise: the output is then unknown)."""
        outer, self.job.printed = self.job.printed, []
        try:
            self.nested(language, code, place, line, ev, f"inside {language} {inline}", env)
            printed = self.job.printed
        finally:
            self.job.printed = outer
        text = "".join(printed)
        return text if printed and is_known(text) else None

    def python_module(self, module: str, args: list[str], env: dict[str, str], place: Place,
                      line: int, ev: str) -> None:
        """`python3 -m MODULE`: the captured file of an installed module, run as __main__; a
        module lineguard cannot find that is not the standard library's is unseen code."""
        rel = "/" + render(module).replace(".", "/")
        found = sorted(self.job.names_ending((rel + ".py", rel + "/__main__.py")),
                       key=lambda n: not re.search(r"(?:^|/)(?:python3[\d.]*|site-packages|"
                                                   r"dist-packages)/", n))
        if found:
            self.run_file("/" + found[0], args, env, place, line, ev, language="python")
        elif module.split(".")[0] not in _STDLIB_RUNNABLE:
            self.job.sink.append(place.effect("unseen-code", line, ev,
                                              target=f"python module {render(module)} (not captured)"))

    def follow(self, path: str, args: list[str], env: dict[str, str], place: Place, line: int,
               ev: str, same_env: bool = False) -> None:
        p = render(path)
        w = self.written_at(path, env)
        if w is not None:
            self.run_written(p, w, place, line, ev, "shell", env)
            return
        name = p.lstrip("/")
        text = self.job.text_of(name) if is_known(path) else None
        if text is None and is_known(path):
            # what the job writes there later is what its next run reads
            self.run_unwritten.setdefault(p, (place, line, ev, "shell", env))
        if text is None and same_env and is_known(path) and not name.startswith(PACKAGED) \
                and _not_there(self.job.artifact(name)):
            # sourced but not on the host: whoever writes it later sets this shell's variables
            seen = env.get(_UNSEEN_SOURCE)
            env[_UNSEEN_SOURCE] = f"{seen}, {name}" if seen and name not in seen else seen or name
            return
        if text is None or (not same_env and name in self.job.read):
            return
        if same_env:
            inner = env
        else:
            inner = {k: v for k, v in env.items() if not k.isdigit() and k != "@"}
            inner["@"] = _SEP.join(args)
            for i, a in enumerate(args[:9], 1):
                inner[str(i)] = a
        lang = language_of(name, text)
        plain = _plain(text) if lang == "shell" and same_env else None
        if plain is not None:
            self.job.read.add(name)
            _read_plain(plain, self.job, place.but(path=name, offset=0, anchor=None,
                                                 depth=place.depth + 1, function=None), inner, self)
            return
        if lang == "shell" and same_env:
            if name in self.job.read and not self.functions:
                pass
            self.job.read.add(name)
            where = place.but(path=name, offset=0, anchor=None, depth=place.depth + 1,
                            function=None)
            self.source_text(text, where, inner)
            return
        self.job.read.add(name)
        run_program(self.job, name, lang, text, args, place, env.get(_CWD))

    def run_written(self, p: str, w: Written, place: Place, line: int, ev: str, language: str,
                    env: dict[str, str]) -> None:
        if w.content is not None:
            lang = language_of(p, w.content) if w.content.startswith("#!") else language
            self.nested(lang, w.content, place, line, ev, f"runs {p}, {w.source}", env)
            if "decoded" in w.source or "copied" in w.source:
                return
        else:
            self.job.sink.append(place.effect("unseen-code", line, ev, target=f"{p} ({w.source})"))

    def source_text(self, text: str, where: Place, inner: dict[str, str]) -> None:
        """Shell text run in this shell (a sourced file, an eval): the functions it defines
        are this shell's from then on, and it calls this shell's."""
        sub = _Walker(source_bytes("shell", text, self.job, where), self.job, where)
        tree = _parse(sub.src)
        for c in tree.root_node.named_children:
            if c.type == "function_definition":
                sub.define(c)
        own = set(sub.functions)
        for fname in self.functions:
            if fname not in own:
                sub.functions[fname] = self.functions[fname]
                sub._foreign[fname] = self._foreign.get(fname, self)
        sub.block(tree.root_node.named_children, inner, sub.place)
        for fname in set(sub.functions) - set(self.functions):
            self.functions[fname] = sub.functions[fname]
            self._foreign[fname] = sub._foreign.get(fname, sub)

    def named_in(self, line: int, ev: str, place: Place) -> tuple[str | None, ...]:
        """Where a path a job runs may be written literally: the line (of the file read, not
        of a text put together from it) and that file."""
        return (place.where(line, ev)[1],
                self.src.decode("utf-8", "replace") if place.anchor is None else None,
                self.job.text_of(place.path) if place.path else None)

    def written_at(self, path: str, env: dict[str, str]) -> Written | None:
        """What this job wrote at `path`, however either names it: `./x` and `x` are one file,
        and so are `/DIR/x` and `x` written after `cd DIR`."""
        p = render(path)
        w = self.job.written.get(path) or self.job.written.get(p)
        if w is not None or not self.job.written:
            return w
        names = [p[2:]] if p.startswith("./") else []
        cwd = env.get(_CWD, "").rstrip("/")
        if cwd and p.startswith(cwd + "/"):
            names += [p[len(cwd) + 1:], "./" + p[len(cwd) + 1:]]
        return next((w for n in names if (w := self.job.written.get(n)) is not None), None)

    def perl_input(self, args: list[str], i: int, stdin: str | None) -> str | None:
        """What perl -n/-p (its options before args[i]) reads as records: the files after the
        program args[i + 1], else its input; None without -n/-p or when it is not known."""
        if not any(re.fullmatch(r"-[a-zA-Z0-9]*[np][a-zA-Z0-9]*", o) for o in args[:i + 1]):
            return None
        files = [f for f in args[i + 2:] if is_known(f)]
        if files:
            texts = [self.captured_text(f) for f in files]
            return "\n".join(t for t in texts if t is not None) or None
        return stdin if stdin is not None and is_known(stdin) else None

    def run_file(self, path: str, args: list[str], env: dict[str, str], place: Place, line: int,
                 ev: str, language: str | None = None) -> bool:
        p = render(path)
        w = self.written_at(path, env)
        if w is not None:
            self.run_written(p, w, place, line, ev, language or "shell", env)
            return True
        unseen = unseen_source(path, within=True) if "\x01" in path else ""
        if unseen:          # a program named by what was downloaded or by an uncaptured file
            self.job.sink.append(place.effect("unseen-code", line, ev, target=unseen))
        if not is_known(path) or unseen:
            return False
        if self.job.text_of(p.lstrip("/")) is None:
            self.run_unwritten.setdefault(p, (place, line, ev, language or "shell", env))
            why = unseen_program(self.job, p, self.named_in(line, ev, place))
            if why:
                self.job.sink.append(unseen_effect(
                    place, line, ev, p, f"{why} (run with: {render(' '.join(args))[:160]})"))
            return False
        self.follow(path, args, env, place, line, ev)
        return True

    # --- devices, SNMP, SQL ---------------------------------------------------------------

    def device_session(self, prog: str, argv: list[str], env: dict[str, str], place: Place,
                       line: int, ev: str, stdin: str | None) -> None:
        self.job.talks_to_devices = True
        ops = commands.operands(argv, commands._OPT_VALUES.get(prog, set()))
        texts: list[str] = []
        target = ""
        if prog == "sshpass":
            inner = [a for a in argv[1:]]
            while inner and inner[0].startswith("-"):
                # -p PASS, -f FILE, -d FD and -P PROMPT take a value; -e and -v do not
                inner = inner[2:] if len(inner[0]) == 2 and inner[0][1] in "pfdP" else inner[1:]
            if inner:
                self.execute(inner, env, place, line, ev, stdin)
            return
        if prog in ("clogin", "jlogin", "nlogin"):
            if "-c" in argv and argv.index("-c") + 1 < len(argv):
                texts.append(argv[argv.index("-c") + 1])
            if "-x" in argv and argv.index("-x") + 1 < len(argv):
                # -x FILE: the commands to run, one a line
                texts.append(self.file_text(argv[argv.index("-x") + 1]))
            target = " ".join(ops) if ops else ""
        elif prog == "netmiko-cfg":
            # netmiko-tools: --cmd COMMAND or --infile FILE sent as configuration to the devices
            # named (in ~/.netmiko.yml, or a group of it such as `all`)
            names, k = [], 1
            while k < len(argv):
                a = argv[k]
                if a in ("--cmd", "--infile", "--username", "--password") and k + 1 < len(argv):
                    if a != "--username" and a != "--password":
                        texts.append(argv[k + 1] if a == "--cmd" else self.file_text(argv[k + 1]))
                    k += 2
                    continue
                if not a.startswith("-"):
                    names.append(a)
                k += 1
            target = " ".join(names) or unknown("the devices of the netmiko inventory")
        elif prog in ("ssh", "plink", "rsh"):
            if prog == "plink" and "-m" in argv and argv.index("-m") + 1 < len(argv):
                # plink -m FILE: the commands to run, read from the file
                texts.append(self.file_text(argv[argv.index("-m") + 1]))
                ops = [o for o in ops if o != argv[argv.index("-m") + 1]]
            if ops:
                target = commands.host_of(ops[0])
                if len(ops) > 1:
                    remote = " ".join(ops[1:])
                    texts.append(remote)
                    if re.search(r"\bcli\s+-c\b", remote):
                        m = re.search(r"cli\s+-c\s+['\"]?(.*?)['\"]?$", remote)
                        texts.append(m.group(1) if m else "")
                    self.nested("shell", remote, place, line, ev, f"on {render(target)} over {prog}")
        else:
            target = ops[0] if ops else ""
        if prog in ("ssh", "plink", "rsh") and stdin is not None and is_known(stdin) and (
                len(ops) == 1 or len(ops) > 1 and
                commands.base(ops[1].split()[0] if ops[1].split() else "") in SHELLS):
            # the remote login shell (or `bash -s`) reads the input as commands: on a server
            # they are shell commands, on a device its CLI; both are read
            self.nested("shell", stdin, place, line, ev, f"on {render(target)} over {prog}, from its input")
        row = self.heredocs.get(stdin or "")
        if stdin is not None and row is not None and place.anchor is None:
            for k, body_line in enumerate(stdin.split("\n")):
                eff = device.command_effect(body_line, target, place.path,
                                            place.offset + row + k + 1, body_line.strip(),
                                            gates=place.gates, via=place.via, called=place.called)
                if eff is not None:
                    self.job.sink.append(eff)
        elif stdin is not None:
            texts.append(stdin if is_known(stdin) else "")
        if not self.job.change_ref:
            # a ticket written in the commands sent (a comment line of a clogin -x file)
            self.job.change_ref = change_ref_in("\n".join(t for t in texts if t))
        eff = device.command_effect([t for t in texts if t], target, place.path,
                                    *place.where(line, ev), gates=place.gates, via=place.via,
                                    called=place.called)
        if eff is not None:
            self.job.sink.append(eff)

    def terminal_keys(self, prog: str, argv: list[str], place: Place, line: int, ev: str) -> None:
        """Keys typed into a terminal multiplexer's session (tmux send-keys, screen -X stuff):
        a console left logged in to a device reads them as commands."""
        args = argv[1:]
        if prog == "tmux" and any(a in ("send-keys", "send") for a in args):
            k = next(i for i, a in enumerate(args) if a in ("send-keys", "send"))
            rest, target, keys = args[k + 1:], "", []
            i = 0
            while i < len(rest):
                if rest[i] == "-t" and i + 1 < len(rest):
                    target, i = rest[i + 1], i + 2
                    continue
                if not (rest[i].startswith("-") and len(rest[i]) == 2):
                    keys.append("\n" if rest[i] in ("Enter", "C-m", "KPEnter") else rest[i])
                i += 1
            text = "".join(x if x == "\n" else x + ("" if x.endswith("\n") else " ") for x in keys)
        elif prog == "screen" and "stuff" in args:
            k = args.index("stuff")
            target = next((args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-S", "-r")), "")
            text = decode.escapes(args[k + 1]) if k + 1 < len(args) else ""
        else:
            return
        # the session may run a shell or a device's CLI: both are read
        self.nested("shell", text.replace("\r", "\n"), place, line, ev,
                    f"typed into {prog} session {target}".strip())
        self.job.talks_to_devices = True
        eff = device.command_effect(text.replace("\r", "\n"), f"the terminal session {target}".strip(),
                                    place.path, *place.where(line, ev), gates=place.gates,
                                    via=place.via, called=place.called)
        if eff is not None:
            self.job.sink.append(eff)

    def ansible(self, prog: str, argv: list[str], place: Place, line: int, ev: str) -> None:
        """The network tasks of a playbook (or an ad-hoc module call) on the inventory's hosts."""
        inventory, ops, module, args = ansible.command(argv)
        shells: list[tuple[str, str]] = []
        if prog == "ansible":
            plays = [(ops[0] if ops else "all", ansible.module_lines(module, args, self.file_text))]
            cmd = ansible.shell_command(module, args) if args else None
            shells += [(ops[0] if ops else "all", cmd)] if cmd else []
        else:
            plays = []
            for path in ops:
                text = self.file_text(path)
                if not is_known(text) or markers(text):
                    self.job.sink.append(place.effect("unseen-code", line, ev,
                                                      target=f"{render(path)} (a playbook not captured)"))
                    continue
                plays += ansible.playbook(text, self.file_text)
                shells += ansible.shell_tasks(text)
        for hosts, cmd in shells:
            # a command run on each host of the play (this one too, for localhost)
            self.nested("shell", cmd, place, line, ev, f"run on {hosts} by {prog}")
        for hosts, lines in plays:
            if not lines:
                continue
            self.job.talks_to_devices = True
            target = ansible.inventory_hosts(self.file_text(inventory), hosts) \
                if inventory and is_known(inventory) else hosts
            eff = device.command_effect(lines, target, place.path, *place.where(line, ev),
                                        gates=place.gates, via=place.via + (f"{prog} {hosts}",),
                                        called=place.called)
            if eff is not None:
                self.job.sink.append(eff)

    def rest(self, argv: list[str], place: Place, line: int, ev: str, stdin: str | None) -> None:
        """A REST/RESTCONF request or an XML RPC posted to a device's API (curl's options read
        from its -K configuration files too)."""
        if commands.base(argv[0]) == "curl":
            for conf in api.curl_config_files(argv):
                text = self.captured_text(conf)
                if text is None:
                    self.job.sink.append(place.effect("unseen-code", line, ev, target=render(conf),
                                                      how="a curl configuration not captured"))
                else:
                    argv = [*argv, *api.curl_config_args(text)]
        method, url, body = api.httpie_request(argv, stdin) if commands.base(argv[0]) in (
            "http", "https", "xh") else api.curl_request(argv)
        if body.startswith("@") and body != "@/dev/null":
            src = body[1:]
            body = (stdin or "") if src == "-" else (self.file_text(src) if is_known(src) else "")
        lines = api.rest_lines(method, render(url), body if is_known(body) else "")
        if not lines:
            return
        self.job.talks_to_devices = True
        m = re.match(r"^[A-Za-z][\w+.-]*://(?:[^@/]*@)?([^/]*)", url)
        host = re.sub(r":\d+$", "", m.group(1)) if m else url
        eff = device.command_effect(lines, host, place.path, *place.where(line, ev),
                                    gates=place.gates, via=place.via + (f"{method} {render(url)[:80]}",),
                                    called=place.called)
        if eff is not None:
            self.job.sink.append(eff)

    def device_lines(self, host: str, lines: list[str], place: Place, line: int, ev: str,
                     how: str) -> None:
        """Command lines a device client sends to `host` (an API request, a file deleted)."""
        if not lines:
            return
        self.job.talks_to_devices = True
        eff = device.command_effect(lines, host, place.path, *place.where(line, ev),
                                    gates=place.gates, via=place.via + (f"sent by {how}",),
                                    called=place.called)
        if eff is not None:
            self.job.sink.append(eff)

    def snmpset(self, argv: list[str], place: Place, line: int, ev: str) -> None:
        self.job.talks_to_devices = True
        ops = commands.operands(argv, commands._OPT_VALUES["snmpset"])
        if not ops:
            return
        host, rest = ops[0], ops[1:]
        for i in range(0, len(rest) - 2, 3):
            snmp_effect(self.job, place, line, ev, host, rest[i], rest[i + 2])
        if len(rest) == 2:
            snmp_effect(self.job, place, line, ev, host, rest[0], rest[1])

    def sql_client(self, prog: str, argv: list[str], place: Place, line: int, ev: str,
                   stdin: str | None) -> str | None:
        """The statements a database client runs (options, files, its input) judged; returns
        what it prints when that is a listing of tables or statements it assembles."""
        texts: list[str] = []
        args = argv[1:]
        inline = {"psql": "c", "mysql": "e", "mariadb": "e", "clickhouse-client": "q"}.get(prog)
        for i, a in enumerate(args):
            if (a in ("-c", "-e", "--command", "--execute", "-cmd", "--query") or inline and
                    re.fullmatch(rf"-[A-Za-z]*{inline}", a)) and i + 1 < len(args):
                # -c TEXT, or flags run together ending in it (psql -Atc, mysql -NBe)
                texts.append(args[i + 1])
            elif a.startswith(("--command=", "--execute=")):
                texts.append(a.split("=", 1)[1])
            elif a in ("-f", "--file") and i + 1 < len(args):
                sql_text = self.file_text(args[i + 1])
                if not is_known(sql_text) or markers(sql_text):
                    self.job.sink.append(place.effect(
                        "unseen-code", line, ev, target=f"SQL in {render(args[i + 1])} (not captured)"))
                else:
                    texts.append(sql_text)
        if prog == "sqlite3":
            commands.backups(argv, self.job, place, line, ev)
            ops = [a for i, a in enumerate(args) if not a.startswith("-") and not (
                i and args[i - 1] in ("-cmd", "-init", "-separator", "-newline", "-nullvalue"))]
            if len(ops) >= 2:
                texts.append(" ".join(ops[1:]))
        if prog == "sqlite3":
            texts += [self.file_text(o.split(None, 1)[1]) for o in ops[1:]
                      if o.startswith(".read ") and is_known(o)]
        if stdin is not None and not is_known(stdin):
            src = "; ".join(d for _, _, d in markers(stdin)) or "its input"
            self.job.sink.append(place.effect("unseen-code", line, ev,
                                              target=f"SQL {prog} reads from {src}"))
        elif stdin is not None:
            texts.append(stdin)
        if prog == "sqlplus":
            # sqlplus USER/PW@DB @FILE (and @@FILE, START FILE inside its input): the script
            texts += [self.file_text(a.lstrip("@")) for a in args if a.startswith("@") and
                      len(a) > 1 and is_known(a)]
        text = "\n\n".join(texts)
        if prog == "psql" and ":" in text:
            text = sql.psql_variables(text, args)
        for how, name in sql.destructive_statements(text):     # one text each
            self.job.sink.append(place.effect("data-destruction", line, ev, target=name, how=how,
                                              reach="all" if name.startswith("<every ") or
                                              over_unknown_list(name) else "one"))
        return sql.output(text) if texts else None


def snmp_effect(job: Job, place: Place, line: int, ev: str, host: str, oid: str, value: str
                ) -> None:
    """An snmp-set effect with the OID resolved to a MIB object and the value to its enum."""
    m = mib()
    text = render(oid).rstrip(".")       # a walked row joined to an empty index: `{oid}.{iid}`
    marks = markers(oid)
    walk = next(((d, desc) for k, d, desc in marks if k == "walk"), None)
    if walk is not None and text.startswith("<") and text.endswith(">"):
        obj, idx = m.resolve(walk[0])
        index = f"<{walk[1]}>"
    else:
        obj, idx = m.resolve(text)
        index = idx
    name = obj.name if obj else oid
    reach = "all" if walk is not None or any(k in ("lines", "walk", "listed")
                                             for k, _, _ in markers(host)) or \
        over_unknown_list(oid, host) \
        else "many" if any(k == "each" for k, _, _ in marks + markers(host)) else "one"
    job.talks_to_devices = True
    job.sink.append(place.effect("snmp-set", line, ev, target=host, obj=name, index=index,
                                 value=m.value_name(obj, render(value)), reach=reach))


# (name, content hash, the directory it starts in) -> the readings of it over differing
# captured files (a library it sources may differ from host to host), callers (see
# resolve.FollowedFiles) and depths
_PROGRAMS: dict[tuple[str, str, str | None], tuple[Reading, ...]] = {}
_PROGRAMS_SIZE = 4096
_READINGS_PER_KEY = 8


_ARG = re.compile(r"\x01arg:([^\x1d\x02]*)\x1d[^\x02]*\x02")
# A program's arguments while it is read for all its callers: markers bound per call.
_ARG_ENV = {"@": symbol("arg", "@", "$@"), **{str(i): symbol("arg", str(i), f"${i}")
                                              for i in range(1, 10)}}


def run_program(job: Job, name: str, language: str, text: str, args: list[str], place: Place,
                cwd: str | None = None) -> None:
    """A captured program run as its own process with `args`: read once per content (many
    jobs run the same packaged scripts with different arguments) with its arguments standing
    as markers, then bound to this caller's arguments; its effects are placed under the
    caller's gates and notes. A reading is reused only where every file it looked at (a
    library it sources, a list it reads) is the same as when it was read."""
    art = job.artifact(name)
    cwd = cwd if language == "shell" and cwd and is_known(cwd) else None
    key = (name, fingerprint(art) or text, cwd)
    depth = place.depth + 1
    readings = _PROGRAMS.get(key, ())
    hit = next((r for r in readings if r.fits(depth) and r.looked.holds_for(job.files, job.read)),
               None)
    if hit is None:
        sub = Job(job.files, read=FollowedFiles(job.read), deadline=job.deadline)
        # $0 is the program's own path (a script that reads or deletes itself names it so)
        # …and it starts in the directory its caller was in
        read(language, text, sub, Place(path=name, depth=depth),
             {**_ARG_ENV, "0": "/" + name.lstrip("/"), **({_CWD: cwd} if cwd else {})})
        hit = sub.reading(depth)
        if not hit.cut:         # cut short by this job's CPU bound: not the program's reading
            if key not in _PROGRAMS and len(_PROGRAMS) >= _PROGRAMS_SIZE:
                del _PROGRAMS[next(iter(_PROGRAMS))]
            _PROGRAMS[key] = (hit, *readings[:_READINGS_PER_KEY - 1])
    job.saw(hit, depth)
    job.talks_to_devices |= hit.talks_to_devices
    job.change_ref = job.change_ref or hit.change_ref
    for e in hit.effects:
        for bound in _bind(e, args):
            if place.gates or place.via or not place.called:
                bound = replace(bound, gates=place.gates + bound.gates, via=place.via + bound.via,
                                called=place.called and bound.called)
            job.sink.append(bound)


def bind_call(summary: list[Effect], args: list[str], place: Place, name: str,
              site: tuple[int, str] | None = None) -> list[Effect]:
    """A function's summary bound to one call's arguments, under the call's gates; each
    effect also reported at the call `site` (line, evidence) when given."""
    out = []
    for e in summary:
        for b in _bind(e, args):
            b = replace(b, gates=place.gates + b.gates, via=place.via + b.via,
                        called=place.called and b.called)
            out.append(b)
            if site is not None:
                out.append(replace(b, path=place.path, line=site[0], evidence=site[1],
                                   via=b.via + (f"calls {name}()",)))
    return out


def _bind(e: Effect, args: list[str]) -> list[Effect]:
    """The effect with the program's argument markers replaced by the caller's arguments."""
    if commands.ARG_MARK not in e.values_text():
        return [e]

    def value(m: re.Match[str]) -> str:
        k = m.group(1)
        if k == "@":
            # "$@" is each argument (rm -rf "$@", for d in "$@"), not one path with blanks
            return (each_of(args) if len(args) > 1 else args[0] if args else
                    unknown("the arguments given at run time"))
        i = int(k) if k.isdigit() else 0
        return args[i - 1] if 0 < i <= len(args) else unknown(f"${k}: an argument given at run time")

    def sub(t: str) -> str:
        return _ARG.sub(value, t) if commands.ARG_MARK in t else t

    if e.kind == "data-destruction" and commands.ARG_MARK in e.target:
        # what the path turns out to be decides the kind (a log: anti-forensics, …)
        scratch = Job({})
        where = Place(path=e.path, anchor=(e.line or 0, e.evidence), gates=e.gates, via=e.via,
                      called=e.called)
        commands._destroy(scratch, where, e.line or 0, e.evidence, sub(e.target), e.how, e.bounded)
        return scratch.sink
    if e.kind == "snmp-set":
        scratch = Job({})
        where = Place(path=e.path, anchor=(e.line or 0, e.evidence), gates=e.gates, via=e.via,
                      called=e.called)
        oid = sub(e.obj) + (f".{sub(e.index)}" if e.index else "")
        snmp_effect(scratch, where, e.line or 0, e.evidence, sub(e.target), oid, sub(e.value))
        return scratch.sink
    return [replace(e, target=sub(e.target), obj=sub(e.obj), index=sub(e.index),
                    value=sub(e.value), lines=tuple(sub(x) for x in e.lines))]


_KEYWORDS = frozenset({"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for",
                       "case", "esac", "in", "function", "select", "!"})


_NOT_PLAIN = re.compile(r"[$`'\"\\;&|<>(){}*?\[~]")
_PLAIN_LINE = re.compile(r"^[ \t]*(?:(?:export[ \t]+)?([A-Za-z_]\w*)=([\w./+@,:%-]*)|export[ \t]+[A-Za-z_]\w*|"
                         r"([\w./+@-]+(?:[ \t]+[\w./+@,:=%-]+)*)|#.*)?[ \t]*$")


_FUNC_ENV = re.compile(r"^BASH_FUNC_([A-Za-z_][\w-]*)(?:%%|\(\))=\(\)\s*(\{.*\})\s*$", re.S)
_BIN_DIRS = ("/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin", "/usr/local/sbin")


def _function_env(argv: list[str]) -> dict[str, str]:
    """Functions `env 'BASH_FUNC_NAME%%=() {…}' …` hands to the program it runs."""
    if commands.base(argv[0]) != "env":
        return {}
    return {m.group(1): m.group(2) for a in argv[1:] if (m := _FUNC_ENV.match(a))}


def _quote(word: str) -> str:
    return word if re.fullmatch(r"[\w./=:@%+,-]+", word) else "'" + word.replace("'", "'\\''") + "'"


# Programs that take a program's name as data and never run it (`which rm`, `man rm`, `dpkg -S
# /bin/rm`, `logger "rm -rf … failed"`): not launchers (see _Walker.launched).
_NAMES_PROGRAMS = frozenset({
    "which", "type", "whereis", "man", "whatis", "apropos", "info", "help", "dpkg", "dpkg-query",
    "dpkg-divert", "apt", "apt-get", "apt-cache", "aptitude", "dnf", "yum", "rpm", "zypper",
    "update-alternatives", "pidof", "pgrep", "hash", "complete", "compgen", "logger", "stat",
    "file", "strings", "ldd", "readlink", "realpath", "basename", "dirname", "test", "[", "[[",
    "mail", "mailx", "sendmail", "wall", "write", "notify-send", "whiptail", "dialog", "zenity",
    "getent", "id", "ps", "lsof", "fuser", "md5sum", "sha1sum", "sha256sum", "sha512sum", "cksum",
    "du", "wc", "diff", "cmp", "chmod", "chown", "chgrp", "touch", "getfacl", "setfacl", "lsattr",
    "local", "export", "declare", "typeset", "readonly", "unset", "true", "false", ":", "return",
    "exit", "log", "die", "warn", "msg", "debug", "error", "say", "usage"})
_BLANK = re.compile(r"[ \t\n;]")


@lru_cache(maxsize=4096)
def _program_word(word: str) -> bool:
    """Whether a word names a program lineguard reads or gives a meaning to (rm, sh, python3,
    snmpset, ssh, /bin/rm …): the start of a command line handed to a launcher."""
    if not word or word.startswith("-") or "\x01" in word:
        return False
    prog = commands.base(word)
    return bool(prog) and (commands.known(prog) or prog in SHELLS or prog in _SQL_CLIENTS or
                           prog in _UNREADABLE or prog in carriers.CARRIERS or
                           prog in ("expect", "tclsh", "snmpset", "eval") or
                           bool(_PYTHON.match(prog) or _PERL.match(prog)))


def _may_launch(prog: str, args: list[str]) -> bool:
    """Whether a program lineguard gives no meaning to may launch a command line among its
    arguments (see _Walker.launched): it is no program that only names programs, and one of
    its arguments names a program lineguard knows."""
    return prog not in _NAMES_PROGRAMS and any(map(_program_word, args))


def _glob_programs(pattern: str) -> list[str]:
    """The programs lineguard knows that a glob-spelled path can name (the standard bin dirs)."""
    import fnmatch
    folder, _, name = pattern.rpartition("/")
    dirs = [d for d in _BIN_DIRS if fnmatch.fnmatchcase(d, folder)]
    names = sorted(p for p in commands.KNOWN if "/" not in p and fnmatch.fnmatchcase(p, name))
    return [f"{dirs[0]}/{n}" for n in names] if dirs else []


def _at_run_time(name: str) -> str:
    """A variable set at run time from input not known now (`read`, `mapfile`, `printf -v`)."""
    return unknown(f"${name}: read at run time")


def _not_there(art: Artifact | None) -> bool:
    """A file the agent did not find (or never looked for): nothing in it is known yet (where
    a package keeps its files, one missing is the package's, not a place to plant one)."""
    return art is None or art.state == "missing"


def _plain(text: str) -> list[tuple[int, str, str, str]] | None:
    """(line, name, value, command) of a script whose every line is a comment, a plain
    assignment or a program with plain arguments (no quoting, expansion or control flow), or
    None. Such scripts (most library and wrapper files) are read without a parse tree."""
    if len(text) > 4096 or _NOT_PLAIN.search(text):
        return None
    out = []
    for no, line in enumerate(text.split("\n"), 1):
        m = _PLAIN_LINE.match(line)
        if m is None:
            return None
        if m.group(3) and m.group(3).split(None, 1)[0] in ("alias", "unalias"):
            return None     # an alias defined (`alias del=rm`) is read with the parse tree
        if m.group(1) or m.group(3):
            out.append((no, m.group(1) or "", m.group(2) or "", m.group(3) or ""))
    return out


_ALIAS_HEAD = re.compile(r"\s*([^\s;&|<>()]+)")
# an alias's text that is words only, the first no assignment: its words replace the name
_ALIAS_WORDS = re.compile(r"^[\w./+@,:%-]+(?:[ \t]+[\w./+@,:=%-]+)*$")


_API_CLIENTS = frozenset({"gnmic", "netconf-console", "netconf-console2"})
_HERESTRING_FD = re.compile(r"^(\d+)<<<")
_STDIN_FILES = frozenset({"/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"})
_ARITH_TEST = re.compile(r" -(?:eq|ne|lt|le|gt|ge) ")
_ALL_ARGS = re.compile(r"\$@|\$\{@(?::\s*\d+(?::\d+)?)?\}")
_KEYED = re.compile(r"^\[([^]]+)\]=(.*)$", re.S)


def _split_ifs(value: str, env: dict[str, str]) -> list[str]:
    """An unquoted expansion split into words on IFS (blanks unless the job set it)."""
    ifs = env.get("IFS", " ")
    if not ifs.strip():
        return value.split()
    return [w for w in re.split("[" + re.escape(ifs) + "]", value) if w]


def _expand_alias(command: str, env: dict[str, str]) -> tuple[str, set[str]]:
    """A command whose first word is an alias, with that word replaced by the alias's text, as
    bash does: the first word of the result is expanded again, but never an alias that is
    already being expanded (`alias grep='grep -E'` stops after one round). Returns the text
    and the aliases used (see _without)."""
    used: set[str] = set()
    text = command
    head = _ALIAS_HEAD.match(text)
    while head is not None and _ALIAS + head.group(1) in env and head.group(1) not in used:
        used.add(head.group(1))
        value = env[_ALIAS + head.group(1)]
        at = head.start(1)
        text = text[:at] + value + text[head.end():]
        head = _ALIAS_HEAD.match(text, at)
        if value[-1:] in (" ", "\t") and (head is None or _ALIAS + head.group(1) not in env or
                                          head.group(1) in used):
            # an alias that ends with a blank (`alias sudo='sudo '`): the word after it is
            # checked for an alias too
            head = _ALIAS_HEAD.match(text, at + len(value))
    return text, used


def _without(env: dict[str, str], aliases: set[str]) -> dict[str, str]:
    """The environment an alias's text is read in: without the aliases used to expand it, so
    they are not expanded again."""
    inner = dict(env)
    for name in aliases:
        del inner[_ALIAS + name]
    return inner


def _read_plain(plain: list[tuple[int, str, str, str]], job: Job, place: Place,
                env: dict[str, str], caller: _Walker | None = None) -> None:
    """The lines of a plain script (see _plain), run in `env` (the caller's, when sourced)."""
    w = _Walker(b"", job, place)
    if caller is not None:
        w.functions, w._foreign = caller.functions, caller._foreign
    for no, name, value, command in plain:
        if name:
            env[name] = value
            commands.environment_change(name, value, job, place, no, f"{name}={value}")
            continue
        if _ALIAS + command.split()[0] in env:
            expanded, used = _expand_alias(command.strip(), env)
            w.nested("shell", expanded, place, no, command.strip(), f"alias {command.split()[0]}",
                     _without(env, used))
            continue
        argv = commands.unwrap(command.split())
        if not argv or argv[0] in _KEYWORDS:
            continue
        prog = commands.base(argv[0])
        if (commands.prints_only(argv) or not commands.known(prog) and
                not _may_launch(prog, argv[1:])) \
                and "/" not in argv[0] and argv[0] not in w.functions:
            continue       # prints, or means nothing lineguard judges (nor launches a command)
        w.execute(argv, env, place, no, command.strip(), None)


# A brace expansion where a command starts (`{sh,-c} '…'`): bash expands it into the words of
# the command; the parser would take the brace for a group, so the words are written out first.
# Its words may be quoted (`{bash,-c,'rm -rf …'}`: a quoted comma does not split) and it may
# end the line.
_BRACE_ITEM = r"""(?:[\w./=@:%+-]|'[^'\n]*'|"(?:[^"\\\n]|\\.)*"|\\.)"""
_BRACE_ANY = re.compile(r"\{" + _BRACE_ITEM + r"+,")   # what every _BRACE_HEAD match holds: a cheap look first
_BRACE_HEAD = re.compile(r"(^|[;&|]\s*|\n[ \t]*)\{(" + _BRACE_ITEM + r"+(?:," + _BRACE_ITEM
                         + r"*)+)\}(?=[ \t;&|]|$)", re.M)
_BRACE_COMMA = re.compile(r"""((?:[^,'"\\]|'[^']*'|"(?:[^"\\]|\\.)*"|\\.)*)(?:,|$)""")


def _brace_words(m: re.Match[str]) -> str:
    return m.group(1) + " ".join(w.group(1) for w in _BRACE_COMMA.finditer(m.group(2))
                                 if w.group(0))


_COPROC_HEAD = re.compile(r"(^|[;&|]\s*|\n[ \t]*)coproc[ \t]+(?:([A-Za-z_]\w*)[ \t]+)?([{(])")


def _coprocs_as_functions(text: str) -> str:
    """`coproc [NAME] { BODY; }` and `coproc [NAME] ( BODY )`, which the parser does not know,
    as a function holding BODY and `coproc :NAME FUNCTION` (same lines, same columns after)."""
    out, at, k = [], 0, 0
    for m in _COPROC_HEAD.finditer(text):
        if m.start() < at:
            continue
        end = _closing(text, m.end() - 1)
        if end < 0:
            break
        body = text[m.end():end].rstrip().rstrip(";")
        fname = f"coproc_{m.group(2) or 'COPROC'}" + (f"_{k}" if k else "")
        k += 1
        out.append(text[at:m.start()] + m.group(1) +
                   f"{fname}() {{ {body} ; }}; coproc :{m.group(2) or 'COPROC'} {fname}")
        at = end + 1
    return "".join(out) + text[at:] if out else text


def _closing(text: str, open_at: int) -> int:
    """Where the bracket at `open_at` closes (quotes skipped), or -1."""
    opening = text[open_at]
    closing = "}" if opening == "{" else ")"
    depth, quote, i = 0, "", open_at
    while i < len(text):
        c = text[i]
        if quote:
            if c == quote:
                quote = ""
            elif c == "\\" and quote == '"':
                i += 1
        elif c in "'\"":
            quote = c
        elif c == "\\":
            i += 1
        elif c == opening:
            depth += 1
        elif c == closing:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


# `exec {NAME}>FILE`: bash opens FILE on a descriptor it picks (NAME holds it), truncating it
_EXEC_FD = re.compile(r"\s*exec(?:\s+\{[A-Za-z_]\w*\})+\s*")


@dataclass(frozen=True)
class _ReadArgs:
    """What a `read` command line asks for: the names (REPLY when none), the array of -a, the
    record delimiter of -d (NUL for -d ''), the character count of -n/-N (0: the whole
    record)."""

    names: list[str]
    array: str | None = None
    delim: str = "\n"
    chars: int = 0


def _read_args(argv: list[str]) -> _ReadArgs:
    """`read`'s options as bash parses them: flags run together (`-ra NAME`, `-rd ''`), an
    option's value attached or the next word (-a -d -p -n -N -t -u), then the names."""
    names: list[str] = []
    array, delim, chars, i = None, "\n", 0, 1
    while i < len(argv):
        a = argv[i]
        if a.startswith("-") and len(a) > 1 and not names:
            for k, flag in enumerate(a[1:]):
                if flag in "adpnNtu":
                    value = a[k + 2:] or (argv[i + 1] if i + 1 < len(argv) else "")
                    if not a[k + 2:]:
                        i += 1
                    if flag == "a":
                        array = value
                    elif flag == "d":
                        delim = value[:1] or "\0"
                    elif flag in "nN" and value.isdigit():
                        chars = int(value)
                    break
        else:
            names.append(a)
        i += 1
    return _ReadArgs(names or ["REPLY"], array, delim, chars)


def _records(text: str, spec: _ReadArgs) -> list[str]:
    """The records successive `read`s of `text` get: split at the delimiter (a last record
    without one is still read), each cut to -n/-N characters."""
    parts = text.split(spec.delim)
    if parts and parts[-1] == "":
        parts.pop()
    return [p[:spec.chars] for p in parts] if spec.chars else parts


def _fields(line: str, ifs: str, count: int) -> list[str]:
    """`read` of one line into `count` names (0: every field, as -a reads them): split at IFS
    characters, the last name taking the rest (blanks in IFS run together and are trimmed; an
    empty IFS splits nothing)."""
    if count == 1:
        return [line.strip()]
    blanks = "".join(c for c in ifs if c in " \t\n")
    others = "".join(c for c in ifs if c not in " \t\n")
    pattern = "[" + re.escape(others) + "]" if others else ""
    if blanks:
        pattern = (f"[{re.escape(blanks)}]*{pattern}[{re.escape(blanks)}]*" if pattern
                   else f"[{re.escape(blanks)}]+")
    line = line.strip(blanks) if blanks else line
    fields = re.split(pattern, line, maxsplit=max(count - 1, 0)) if pattern else [line]
    return [f for f in fields if f] if count == 0 and blanks and not others else fields


def read_shell(text: str, job: Job, place: Place, env: dict[str, str]) -> None:
    if "<<" in text and not text.endswith("\n"):
        text += "\n"      # a here-document closing on the last line (as `$(< file)` leaves it)
    if "{" in text and _BRACE_ANY.search(text):
        text = _BRACE_HEAD.sub(_brace_words, text)
    if "coproc" in text:
        text = _coprocs_as_functions(text)
    plain = _plain(text)
    if plain is not None:
        _read_plain(plain, job, place, env)
        return
    src = source_bytes("shell", text, job, place)
    tree = _parse(src)
    w = _Walker(src, job, place)
    env.setdefault("IFS", " ")
    w.broken = tree.root_node.has_error
    w.run(tree.root_node, env)
    if w.broken:
        for start, end, row in _lost_stretches(src, tree.root_node):
            w.read_lost(start, end, row, env, place)
    # a program with syntax errors, in a job that showed nothing but housekeeping (deletions
    # bounded by age or name, copies kept): what the broken part does is not known
    if tree.root_node.has_error and not any(
            not (e.kind == "backup" or e.kind == "data-destruction" and e.bounded)
            for e in job.sink) and _looks_like_data_or_devices(text):
        job.sink.append(place.effect("unparsed", 1, text.split("\n", 1)[0][:200],
                                     target="shell (with syntax errors)"))


def _lost_stretches(src: bytes, root: Node) -> list[tuple[int, int, int]]:
    """The stretches (first byte, end byte, 0-based row) the parser could not place that hold
    lines of commands, looked for only along the nodes that hold an error: where it loses its
    way (`case $x in *\\)*)` in a function) it takes the lines that follow for one word, and a
    deletion among them would be read as nothing. The word's lines after its first."""
    found: list[tuple[int, int, int]] = []
    todo = [root]
    while todo:
        n = todo.pop()
        for c in n.children:
            if c.has_error:
                todo.append(c)
            elif n.type == "ERROR" and c.type == "word" and c.start_point[0] != c.end_point[0]:
                found.append((src.find(b"\n", c.start_byte, c.end_byte) + 1, c.end_byte,
                              c.start_point[0] + 1))
    return found


def _looks_like_data_or_devices(text: str) -> bool:
    return bool(re.search(r"\b(?:rm|dd|snmpset|ssh|telnet|nc|mkfs|shred|psql|mysql)\b", text))


READERS["shell"] = read_shell
