"""Perl programs read through tree-sitter-perl and followed the way perl would run them:
scalars, arrays (push/unshift), hashes and references, `use constant`, interpolation, `.` and
`x`, qw//q//qq//, here-documents, the text after __DATA__, sprintf/join/reverse/lc/uc/split/map,
pack("H*")/unpack("u")/decode_base64/uncompress, `tr` and `s///` on a variable, foreach over
lists, over lines of an opened file and over walked SNMP rows, subs with @_ bound at each call
(named, anonymous, in a dispatch hash, by a name held in a variable, as methods of a class),
`require`/`do FILE`/`use` of a captured module, files the program writes and then runs, eval
of strings, and the `if`/`unless` tests that gate what follows. Effects come from system/exec/
backticks/qx/piped open (read as shell), unlink/rmtree/remove_tree/truncate, a disk or a log
opened for writing, Net::SNMP set_request, Net::Telnet/Net::SSH*/Net::OpenSSH/Expect/IO::Socket
sessions, DBI do/prepare, and eval of built or decoded code. A stretch the grammar cannot place
that touches devices or data is reported as unparsed."""

from __future__ import annotations

import posixpath
import re
import shlex
import textwrap
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial

import tree_sitter_perl
from tree_sitter import Language, Node, Parser, Tree

from lineguard.collector.analyse.effects import (
    api,
    commands,
    decode,
    device,
    planted,
    settings,
    sql,
)
from lineguard.collector.analyse.effects import perl_libs as libs
from lineguard.collector.analyse.effects.bounds import CHECK_EVERY, Trees
from lineguard.collector.analyse.effects.commands import ARG_MARK
from lineguard.collector.analyse.effects.mib import mib
from lineguard.collector.analyse.effects.model import (
    Gate,
    each_unknown,
    is_known,
    markers,
    render,
    symbol,
    tree_of,
    unknown,
)
from lineguard.collector.analyse.effects.resolve import (
    MAX_EACH,
    READERS,
    Calls,
    Job,
    Place,
    Written,
    cut_by_limit,
    each_of,
    expand_each,
    file_lines,
    listed_file,
    nested_too_deeply,
    read,
    source_bytes,
    too_deep,
    walked,
)
from lineguard.collector.analyse.effects.shell import bind_call, gate_of, snmp_effect

_VAR_REF = re.compile(r"([$@%])\{?(\w+(?:::\w+)*)")
_NAME = re.compile(r"\w+(?:::\w+)*")
_DECLARED = re.compile(r"\b(?:my|local|state)\s*(\([^)]*\)|[$@%]\w+)")
# Subs Perl calls itself, by their names: as an object goes (DESTROY), for a sub nobody defined
# (AUTOLOAD), for a tied variable's every use (tie's methods), as a module is used (import).
_PERL_CALLS = frozenset({"DESTROY", "AUTOLOAD", "import", "unimport", "CLONE", "TIESCALAR",
                         "TIEARRAY", "TIEHASH", "TIEHANDLE", "FETCH", "STORE", "FETCHSIZE",
                         "STORESIZE", "EXISTS", "DELETE", "CLEAR", "PUSH", "POP", "SHIFT",
                         "UNSHIFT", "SPLICE", "FIRSTKEY", "NEXTKEY", "SCALAR", "UNTIE", "PRINT",
                         "PRINTF", "WRITE", "READLINE", "GETC", "READ", "CLOSE", "OPEN"})
# A sub that runs what it is handed: its arguments eval'd, run as a command or called as code.
_RUNS_ARGUMENTS = re.compile(r"\b(?:eval|system|exec)\s*\(?\s*(?:@_|\$_\[|shift\b)|"
                             r"&\s*\{?\s*\$_\[|\$_\[\d+\]\s*->")
# @_ taken as a list (`for (@_)`, `map … @_`), not unpacked (`my ($a, $b) = @_`)
_LIST_ARGUMENTS = re.compile(r"(?:^|[^=\s])\s*@_\b")
_MAX_DEPTH = 16           # nested sub calls followed; deeper is said (too_deep)


@dataclass(frozen=True)
class _Body:
    """What a sub's text says of it, read once per text (the modules many programs use define
    the same subs, and a near-copy of a program holds the same subs as the program)."""

    reads: frozenset[str]       # the variables it names and does not declare ("$x", "@x")
    words: frozenset[str]       # the names it holds (the subs it may call among them)
    takes: str                  # "runs" (runs what it is handed), "list" (@_ as a list) or ""


_BODIES: dict[str, _Body] = {}


def _body(text: str) -> _Body:
    hit = _BODIES.get(text)
    if hit is None:
        if len(_BODIES) > 4096:
            _BODIES.clear()
        own = {s + n for decl in _DECLARED.findall(text) for s, n in _VAR_REF.findall(decl)}
        hit = _BODIES[text] = _Body(
            reads=frozenset({s + n for s, n in _VAR_REF.findall(text) if n != "_"} - own),
            words=frozenset(_NAME.findall(text)),
            takes="runs" if _RUNS_ARGUMENTS.search(text) else
                  "list" if _LIST_ARGUMENTS.search(text) else "")
    return hit


@lru_cache(maxsize=256)
def _regex(pattern: str, flags: int) -> re.Pattern[str]:
    """A pattern the script holds, compiled once: Python's warnings about what a later version
    may read differently (`[[`) are the script's, not the reader's."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return re.compile(pattern, flags)


def _language() -> Language:
    with warnings.catch_warnings():
        # the wheel hands the grammar over as an address, which tree-sitter 0.25+ still takes
        warnings.simplefilter("ignore", DeprecationWarning)
        return Language(tree_sitter_perl.language())


_LANGUAGE = _language()
# The grammar's field ids by name: a node's child looked up by id, not by a name tree-sitter
# would look up among the grammar's fields at every call (a third of the cost of a lookup).
_FIELD = {_LANGUAGE.field_name_for_id(i): i for i in range(1, _LANGUAGE.field_count + 1)}


@lru_cache(maxsize=1)
def _parser() -> Parser:
    return Parser(_LANGUAGE)


_TREES = Trees(_parser, 256)
_INI_CLASSES = frozenset({"Config::Tiny", "Config::INI::Reader", "Config::IniFiles"})


def _parse(src: bytes) -> Tree:
    """Parse trees by content (a module many scripts use is parsed once). The text always ends
    with a newline: tree-sitter-perl 2.0.3's scanner never returns from an interpolating
    here-document whose last line runs into the end of the text after a `$`, `@` or `\\`
    (its continue mode reads to a newline without looking for the end), so without one a
    ten-byte script would hang the collector."""
    return _TREES.parse(_with_newline(src))


def _with_newline(src: bytes) -> bytes:
    return src if src.endswith(b"\n") else src + b"\n"


@dataclass(frozen=True)
class _Request:
    """An HTTP::Request: its method and URL."""

    method: str
    url: str


_HTTP_VERBS = frozenset({"delete", "put", "patch", "post"})


def _rest_call(meth: str, args: list[object]) -> tuple[str, str] | None:
    """(method, URL) of an HTTP request a Perl user agent makes: `->request($req)` of an
    HTTP::Request, `->request('DELETE', $url)` (HTTP::Tiny), `->delete($url)`."""
    flat = _flat(args)
    if meth in ("request", "simple_request") and flat and isinstance(flat[0], _Request):
        return flat[0].method, flat[0].url
    if meth == "request" and len(flat) >= 2 and _s(flat[1]).startswith(("http://", "https://")):
        return _s(flat[0]).upper(), _s(flat[1])
    if meth in _HTTP_VERBS and flat and _s(flat[0]).startswith(("http://", "https://")):
        return meth.upper(), _s(flat[0])
    return None


@dataclass
class _Session:
    """An object talking to something: a device (snmp, cli, netconf), a database (dbi). `sent`
    is what the session has sent so far: a command is read in the context of the ones before it
    (a Junos statement under an `edit`)."""

    kind: str
    host: str
    cls: str = ""
    sent: list[str] = field(default_factory=list)


class _Varbind(list[object]):
    """A net-snmp Varbind, [tag, iid, val, type]: a list a walk (getnext) fills in place."""


@dataclass
class _Handle:
    """A file handle: a file read or written, a pipe to a program, a device session."""

    kind: str             # file (read) | write | pipe | shell (a piped sh) | device | data
    target: str
    host: str = ""
    pending: _Pending | None = None     # opened for writing, not yet seen written to


@dataclass
class _Pending:
    """Where a file was opened for writing, to tell later whether anything used the handle."""

    reader: _Perl
    after: int            # the byte the open ends at
    place: Place
    line: int
    evidence: str
    used: re.Pattern[str]  # the handle's name as the program writes it


def _emptied(handle: _Handle, until: int | None) -> None:
    """A file opened for writing whose handle nothing names between the open and `until`
    (its close, or the end of the program) is left empty: truncated."""
    p = handle.pending
    handle.pending = None
    if p is None:
        return
    between = p.reader.src[p.after:until].decode("utf-8", "replace")
    if not p.used.search(between):
        commands._destroy(p.reader.job, p.place, p.line, p.evidence, handle.target, "truncate")


@dataclass
class _Sub:
    """A sub: its body (a block node) and the reader whose text it is written in."""

    name: str
    body: Node
    owner: _Perl
    place: Place

    @property
    def key(self) -> str:
        return self.name if self.name != _ANON else f"{id(self.owner)}:{self.body.start_byte}"


@dataclass
class _Scope:
    """What a program and everything it evals, requires and calls share."""

    vars: dict[str, object] = field(default_factory=dict)      # "$x", "@x", "%x", "*FH"
    subs: dict[str, _Sub] = field(default_factory=dict)
    anonymous: dict[str, _Sub] = field(default_factory=dict)
    called: set[str] = field(default_factory=set)
    calls: Calls = field(default_factory=Calls)
    reads: dict[str, tuple[str, ...]] = field(default_factory=dict)  # sub -> variables it reads
    runs_arguments: dict[str, str] = field(default_factory=dict)    # sub -> runs | list | ""
    stack: list[str] = field(default_factory=list)
    decoded: dict[str, tuple[str, ...]] = field(default_factory=dict)
    lib_dirs: list[str] = field(default_factory=list)
    returned: list[object] = field(default_factory=list)
    oid_names: dict[str, str] = field(default_factory=dict)     # SNMP_util snmpmapOID
    pending: list[_Handle] = field(default_factory=list)        # opened for writing, unused yet


_VARBIND_CLASSES = frozenset({"SNMP::Varbind", "SNMP::VarList"})
_CONNECT = libs.SessionClass("cli", ("host", "hostname", "ip", "address", "peeraddr"))
_SHELLS = frozenset({"sh", "bash", "dash", "ksh", "zsh"})
_MAX_CONTEXT = 48          # commands a session remembers to read the next one in context
_FINDS = frozenset({"find", "finddepth"})
_SLURPS = frozenset({"read_file", "read_text", "read_binary", "slurp"})
_PATH_METHODS = frozenset({"slurp", "slurp_utf8", "slurp_raw", "lines", "lines_utf8", "remove",
                           "remove_tree"})
_BER_VALUES = frozenset({"encode_int", "encode_string", "encode_ip_address", "encode_uinteger32",
                         "encode_counter32", "encode_gauge32", "encode_timeticks"})
# A test in File::Find's wanted sub that limits what it removes the way housekeeping does: an
# age or size over some amount (-M/-A/-C/-s or stat's times and size), or a file name pattern.
_FIND_BOUND = re.compile(r"-[MACs]\s*(?:\$[\w:]+|_)?\s*>=?\s*\+?(?:0*[1-9]|0*\.\d*[1-9])|"
                         r"\bl?stat\b[^;]*\[\s*(?:7|8|9|10)\s*\]|"
                         r"(?:=~|^|[\s(!])\s*m?/[^/\n]*(?:\\\.[A-Za-z]\w*|[A-Za-z]{3,})[^/\n]*/")
_DECODERS = {"decode_base64": "base64", "uncompress": "zlib", "memGunzip": "gzip",
             "decode_base32": "base32", "gunzip": "gzip"}
# IO::Uncompress's functions (INPUT => OUTPUT) and the layer each undoes (zlib's reader takes
# a zlib or a gzip stream, as anyinflate does)
_UNCOMPRESS = {"gunzip": "gzip", "inflate": "zlib", "anyinflate": "zlib",
               "anyuncompress": "zlib", "bunzip2": "bzip2", "unxz": "xz", "unlzma": "xz"}
_UNCOMPRESS_CLASSES = {"IO::Uncompress::Gunzip": "gzip", "IO::Uncompress::Inflate": "zlib",
                       "IO::Uncompress::AnyInflate": "zlib", "IO::Uncompress::AnyUncompress": "zlib",
                       "IO::Uncompress::Bunzip2": "bzip2", "IO::Uncompress::UnXz": "xz",
                       "IO::Uncompress::UnLzma": "xz"}
_SCALAR_REF = re.compile(r"\\\s*\$\{?\s*([A-Za-z_]\w*)\s*\}?")
# What a stretch the grammar could not place must touch to be reported as unparsed.
_TOUCHES = re.compile(r"\b(?:system|exec|unlink|rmtree|remove_tree|truncate|qx|readpipe|set_request|eval|"
                      r"Net::|IO::Socket|DBI|Expect)\b|`")
_DATA = re.compile(r"^__(?:END|DATA)__[ \t]*\r?\n?", re.M)     # where the program's text ends
_CALLS_IN = re.compile(rb"[(`&]|->")      # an expression that may call something
_ARG_SEP = "\x1f"      # between the arguments a program is run with (as shell.py keeps them)
_ESC = re.compile(r"\\(.)", re.S)
_ANON = "an anonymous sub"
# What a condition must mention to be a gate at all (shell.gate_of tells which one).
_unknown = lru_cache(maxsize=4096)(unknown)
_BLOCK_DEVICE = re.compile(r"/dev/(?:sd[a-z]|nvme\d|vd[a-z]|hd[a-z]|xvd[a-z]|mmcblk\d|md\d|mapper/|dm-)")
# Expressions whose value is one scalar even when it holds a reference to a list or a hash.
_SCALARS = frozenset({"scalar", "anonymous_array_expression", "anonymous_hash_expression",
                      "array_element_expression", "hash_element_expression", "refgen_expression",
                      "anonymous_subroutine_expression", "method_call_expression"})


def _flat(v: object) -> list[object]:
    if isinstance(v, list) and not isinstance(v, _Varbind):
        return [x for item in v for x in _flat(item)]
    if isinstance(v, dict):
        return [x for kv in v.items() for x in kv]
    return [v]


def _s(v: object) -> str:
    """A value as the text perl would make of it."""
    if isinstance(v, str):
        return v
    if isinstance(v, list):
        return " ".join(_s(x) for x in v)
    if isinstance(v, _Session):
        return v.host
    if isinstance(v, _Handle):
        return v.target
    if isinstance(v, _Sub):
        return unknown(f"a reference to {v.name}")
    if isinstance(v, dict):
        return unknown("a hash reference")
    return str(v)


def _words(text: str) -> list[str]:
    """Words of a command line (markers hold characters str.split would break them at)."""
    return [w for w in re.split(r"[ \t\r\n]+", text) if w]


def _varbinds_new(cls: str, args: list[object]) -> object:
    """SNMP::Varbind->new([tag, iid, val, type]); SNMP::VarList->new([…], […], Varbind…)."""
    if cls == "SNMP::Varbind":
        first = args[0] if args else []
        return _Varbind(first if isinstance(first, list) else args)
    return [x if isinstance(x, _Varbind) else _Varbind(x) for x in args if isinstance(x, list)]


def _varbinds(x: object) -> list[list[object]]:
    """Every [tag, iid, val, type] a SET or a walk is given, however nested."""
    if isinstance(x, _Varbind):
        return [x]
    if not isinstance(x, list):
        return []
    if x and all(not isinstance(y, list | dict) for y in x):
        return [x]
    return [vb for y in x for vb in _varbinds(y)]


def _vb_oid(vb: list[object]) -> tuple[str, str]:
    """(OID, value) of a Varbind: its tag, then its instance."""
    tag = _s(vb[0]) if vb else ""
    iid = _s(vb[1]) if len(vb) > 1 else ""
    return (f"{tag}.{iid}" if iid and tag else tag or iid), (_s(vb[2]) if len(vb) > 2 else
                                                              unknown("the value set"))


def _agent(text: str) -> str:
    """The agent of SNMP_util's "community@host:port:timeout:retries:backoff:version"."""
    at = text.rsplit("@", 1)[-1]
    if at.startswith("\x01"):
        end = at.find("\x02")
        return at[:end + 1] if end >= 0 else at
    return at.split(":", 1)[0]


def _netconf_lines(meth: str, args: list[object]) -> list[str]:
    """The device command a NETCONF / JUNOScript call amounts to (its named arguments)."""
    kw = {_s(k).lstrip("-").lower().replace("-", "_"): v for k, v in
          zip(_flat(args)[::2], _flat(args)[1::2], strict=False)}
    target = _s(kw.get("target", "the configuration"))
    if meth == "delete_config":
        return [f"delete-config {target}"]
    if meth == "copy_config":
        src = _s(kw.get("source", ""))
        if "<" in src and not re.search(r"<(?!/?config\b|/?configuration\b)[\w-]+[\s/>]", src):
            return [f"delete-config {target} (replaced by an empty one)"]
        return []
    config = next((_s(v) for k, v in kw.items() if k.startswith(("config", "configuration"))), "")
    how = _s(kw.get("default_operation") or kw.get("action") or "").lower()
    if how == "override" or (meth == "edit_config" and how == "replace"):
        return ["load override <the configuration sent>", config]
    return [config]


# statements made of blocks of statements (read flat when nested too deeply)
_COMPOUND = frozenset({"conditional_statement", "for_statement", "loop_statement",
                       "cstyle_for_statement", "block_statement", "block", "try_statement",
                       "statement_label", "elsif", "else"})


class _Perl:
    def __init__(self, src: bytes, job: Job, place: Place, scope: _Scope, env: dict[str, str]):
        self.src = src
        self.parsed = _with_newline(src)     # the text its tree was parsed from (see _parse)
        self.lines = src.decode("utf-8", "replace").split("\n")
        self.job, self.place, self.scope, self.env = job, place, scope, env
        self.heredocs: dict[int, Node] = {}      # where a heredoc token starts -> its body
        self.blocks = 0          # blocks being read (1: the program's own statements)
        self.current: Node | None = None     # the statement being read (where a limit cuts)

    # --- text and positions ---------------------------------------------------------------

    def text(self, node: Node) -> str:
        """A node's text, sliced from the text parsed (cheaper than asking the node for it)."""
        return self.parsed[node.start_byte:node.end_byte].decode("utf-8", "replace")

    def head(self, node: Node, chars: int) -> str:
        """The first `chars` characters of a node's text, without decoding all of it (a
        fallback naming a whole sub body would otherwise decode it at every level)."""
        return self.src[node.start_byte:min(node.end_byte, node.start_byte + 4 * chars)
                        ].decode("utf-8", "replace")[:chars]

    def evidence(self, node: Node) -> str:
        """The text of the line a node starts on (the evidence half of `at`)."""
        return self.at(node)[1]

    def at(self, node: Node) -> tuple[int, str]:
        row = node.start_point[0]
        return row + 1, (self.lines[row].strip() if row < len(self.lines) else "")[:400]

    # --- statements -----------------------------------------------------------------------

    def run(self, root: Node) -> None:
        self.declare(root)
        self.block(root, self.place)

    def declare(self, root: Node) -> None:
        """Subs are known before anything runs (perl compiles them first)."""
        for c in root.named_children:
            if c.type == "subroutine_declaration_statement":
                name = c.child_by_field_id(_FIELD["name"])
                body = c.child_by_field_id(_FIELD["body"])
                if name is not None and body is not None:
                    sub = _Sub(self.text(name), body, self, self.place)
                    self.scope.subs[sub.name] = sub
                    self.scope.subs.setdefault(sub.name.rsplit("::", 1)[-1], sub)
            elif c.type in ("package_statement", "class_statement", "phaser_statement",
                            "block_statement", "block"):
                self.declare(c)

    def uncalled(self) -> None:
        """Subs nothing here calls are read too, as such (a dispatch by a name built at run
        time, a hook the caller's framework runs)."""
        subs = [s for n, s in self.scope.subs.items() if s.name == n]
        for sub in subs + list(self.scope.anonymous.values()):
            if sub.key not in self.scope.called:
                self.scope.called.add(sub.key)
                what = f"{sub.name}()" if sub.name != _ANON else "an anonymous sub"
                short = sub.name.rsplit("::", 1)[-1]
                where = replace(sub.place, via=sub.place.via + (
                    f"in {what}, which Perl calls itself",)) if short in _PERL_CALLS else \
                    replace(sub.place, called=False,
                            via=sub.place.via + (f"in {what}, which nothing here calls",))
                sub.owner.block(sub.body, where)

    def block(self, node: Node, place: Place) -> object:
        self.blocks += 1
        try:
            return self._block(node, place)
        finally:
            self.blocks -= 1

    def _block(self, node: Node, place: Place) -> object:
        last: object = ""
        separator = self.scope.vars.get("$/")       # `local $/` lasts to the end of its block
        job = self.job
        for c in node.named_children:
            b = job.budget
            if b > 0 and b % CHECK_EVERY:      # Job.spend's common case, inline
                job.budget = b - 1
            elif job.spend("perl", place, c.start_point[0] + 1, partial(self.evidence, c)):
                break
            self.current = c
            kind = c.type
            if kind == "comment":
                last = ""
                continue
            try:
                last = self.stmt(c, place)
            except RecursionError:
                if self.blocks > 1:
                    raise       # read flat by the outermost statement, where there is room
                # blocks nested deeper than this reader recurses: their statements read flat
                self.flat(c, place)
                nested_too_deeply(self.job, place, "perl", *self.at(c))
                continue
            guard = self.exit_guard(c, place) if kind == "expression_statement" else None
            if guard is not None:
                place = replace(place, gates=place.gates + (guard,))
        if self.scope.vars.get("$/") is not separator:
            if separator is None:
                self.scope.vars.pop("$/", None)
            else:
                self.scope.vars["$/"] = separator
        return last

    def flat(self, node: Node, place: Place) -> None:
        """The simple statements inside a compound one, however deeply its blocks nest, read
        one after another without the blocks around them: what they do is known, the
        conditions they stand under are not (they are not gates here)."""
        pending = [node]
        while pending:
            n = pending.pop()
            if n.type in _COMPOUND:
                pending.extend(c for c in reversed(n.named_children)
                               if c.type in _COMPOUND or c.type.endswith("statement"))
            elif n.type.endswith("statement"):
                try:
                    self.stmt(n, place)
                except RecursionError:
                    nested_too_deeply(self.job, place, "perl", *self.at(n))

    def exit_guard(self, n: Node, place: Place) -> Gate | None:
        """`exit unless COND;`, `die … if COND;`, `COND or exit;` (an expression statement):
        the rest is gated."""
        if not n.named_child_count:
            return None
        e = n.named_child(0)
        body: Node | None
        cond: Node | None
        if e.type == "postfix_conditional_expression":
            body, cond = e.named_child(0), e.child_by_field_id(_FIELD["condition"])
            negated = not self.keyword(e, "unless")   # `exit if COND`: the rest runs when not
        elif e.type == "lowprec_logical_expression":
            cond, body = e.child_by_field_id(_FIELD["left"]), e.child_by_field_id(_FIELD["right"])
            negated = self.keyword(e, "and")          # `COND or exit`: the rest runs when it holds
        else:
            return None
        if body is None or cond is None or not re.match(r"(?:exit|die|return)\b", self.text(body)):
            return None
        return self.gate(cond, place, n, negated)

    def stmt(self, n: Node, place: Place) -> object:
        t = n.type
        if t == "expression_statement":
            return self.value(n.named_child(0), place) if n.named_child_count else ""
        if t in ("subroutine_declaration_statement", "comment", "pod", "data_section",
                 "use_version_statement", "format_statement", "heredoc_content",
                 "method_declaration_statement"):
            return ""
        if t == "use_statement":
            self.use(n, place)
            return ""
        if t == "conditional_statement":
            return self.conditional(n, place)
        if t == "for_statement":
            return self.foreach(n, place)
        if t == "loop_statement":
            cond = n.child_by_field_id(_FIELD["condition"])
            if cond is not None:
                self.loop_condition(cond, place)
            body = n.child_by_field_id(_FIELD["block"])
            return self.block(body, place) if body is not None else ""
        if t == "cstyle_for_statement":
            for f in ("initialiser", "condition", "iterator"):
                c = n.child_by_field_id(_FIELD[f])
                if c is not None:
                    self.value(c, place)
            body = n.child_by_field_id(_FIELD["block"])
            return self.block(body, place) if body is not None else ""
        if t in ("block_statement", "package_statement", "class_statement", "phaser_statement",
                 "defer_statement", "block", "statement_label"):
            out: object = ""
            for c in n.named_children:
                out = self.block(c, place) if c.type == "block" else \
                    self.stmt(c, place) if c.type.endswith("statement") else out
            return out
        if t == "try_statement":
            for c in n.named_children:
                if c.type == "block":
                    self.block(c, place)
            return ""
        if t == "ERROR":
            # a stretch the grammar could not place: what it holds still runs, and if it
            # touches devices or data the job is at least suspicious (see _report_errors)
            out = ""
            for c in n.named_children:
                out = self.stmt(c, place)
            return out
        return self.value(n, place)

    def gate(self, cond: Node, place: Place, at: Node, negated: bool | None) -> Gate | None:
        """The gate a condition sets (a date, host, file or account test), if any; `negated`:
        whether what it gates runs when the condition does not hold (see shell.gate_of, which
        tells a condition that tests none of them by one search)."""
        text = self.text(cond)
        return gate_of(text, text, place, at.start_point[0] + 1, partial(self.evidence, at),
                       negated=negated)

    @staticmethod
    def keyword(n: Node, word: str) -> bool:
        """Is `word` (unless, and, …) one of the node's own tokens? (No named node of the
        grammar has a keyword's name.)"""
        return any(c.type == word for c in n.children)

    def conditional(self, n: Node, place: Place) -> object:
        """if/unless/elsif/else: each branch runs under the gate its condition sets (an else
        branch keeps the gate, not its date window: it runs outside the condition)."""
        cond = n.child_by_field_id(_FIELD["condition"])
        here = other = place
        if cond is not None:
            self.value(cond, place)
            g = self.gate(cond, place, cond, self.keyword(n, "unless"))
            if g is not None:
                here = replace(place, gates=place.gates + (g,))
                other = replace(place, gates=place.gates + (replace(g, window=(None, None)),))
        out: object = ""
        for c in n.named_children:
            if c.type == "block":
                out = self.block(c, here)
            elif c.type in ("elsif", "else"):
                self.conditional(c, other)
        return out

    def loop_condition(self, cond: Node, place: Place) -> None:
        """`while (my $x = <$fh>)`, `while (<$fh>)`: the variable stands for each line."""
        if cond.type == "readline_expression":
            self.scope.vars["$_"] = self.value(cond, place)
            return
        self.value(cond, place)

    def foreach(self, n: Node, place: Place) -> object:
        var = n.child_by_field_id(_FIELD["variable"])
        lst = n.child_by_field_id(_FIELD["list"])
        items = _flat(self.value(lst, place)) if lst is not None else []
        name = "$" + self.varname(var) if var is not None else "$_"
        self.scope.vars[name] = self.each(items)
        body = n.child_by_field_id(_FIELD["block"])
        return self.block(body, place) if body is not None else ""

    @staticmethod
    def each(items: list[object]) -> object:
        texts = [_s(x) for x in items]
        if len(items) > 1 and all(is_known(x) for x in texts):
            return each_of(texts)
        if len(items) == 1 and isinstance(items[0], str) and not is_known(items[0]):
            return each_unknown(items[0])       # a list known only when it runs: each item
        if len(items) == 1 or (items and not isinstance(items[0], str)):
            return items[0]
        return texts[0] if texts else each_unknown(unknown("a loop item"))

    # --- use, require, do FILE ------------------------------------------------------------

    def use(self, n: Node, place: Place) -> None:
        module = n.child_by_field_id(_FIELD["module"])
        name = self.text(module) if module is not None else ""
        args = [c for c in n.named_children if c != module]
        if name == "constant" and args:
            v = self.value(args[0], place)
            if isinstance(v, dict):
                self.scope.vars.update({k: x for k, x in v.items()})
            else:
                items = _flat(v)
                if items:
                    self.scope.vars[_s(items[0])] = items[1] if len(items) == 2 else items[1:]
            return
        if name == "lib":
            for a in args:
                self.scope.lib_dirs.extend(_s(x) for x in _flat(self.value(a, place)))
            return
        for a in args:
            # what a module or pragma is handed as it is used: a sub among it (`use overload
            # '""' => sub {…}`, a handler) is the module's to call
            for v in _flat(self.value(a, place)):
                if isinstance(v, _Sub):
                    self.scope.called.add(v.key)
                    self.call(v, [], place)
        if name and not name[0].islower():      # a module, not a pragma (strict, warnings…)
            self.include(name.replace("::", "/") + ".pm", n, place, module=True)

    def include(self, path: str, n: Node, place: Place, module: bool = False) -> None:
        """A captured Perl file run here (require, do FILE, use of a sibling module), or one
        this program wrote itself."""
        w = self.job.written.get(path)
        if w is not None:
            if w.content is None:
                self.job.sink.append(place.effect("unseen-code", *self.at(n),
                                                  target=f"{path} ({w.source})"))
            else:
                self.code(w.content, n, place, f"runs {path}, {w.source}")
            return
        here = posixpath.dirname(self.place.path or "")
        if path.startswith("/") or not module:
            candidates = [path] if path.startswith("/") else [posixpath.join(here, path), path]
        else:
            dirs = self.scope.lib_dirs + [here, posixpath.join(here, "lib"),
                                          posixpath.join(posixpath.dirname(here), "lib")]
            candidates = [posixpath.join(d, path) for d in dirs]
        for c in candidates:
            p = posixpath.normpath(c).lstrip("/")
            text = self.job.text_of(p) if is_known(c) else None
            if text is None:
                continue
            if p in self.job.read:
                return
            self.job.read.add(p)
            where = Place(path=p, gates=place.gates, via=place.via, called=place.called,
                          depth=place.depth + 1)
            src = source_bytes("perl", text, self.job, where)
            inner = _Perl(src, self.job, where, self.scope, self.env)
            inner.run(_parse(src).root_node)
            return

    # --- values ---------------------------------------------------------------------------

    def varname(self, node: Node) -> str:
        """The name of a variable node ($x, @x, %x, my $x, a container like $x[…])."""
        if node.type in ("variable_declaration", "localization_expression"):
            v = node.child_by_field_id(_FIELD["variable"]) or (
                node.named_child(0) if node.named_child_count else None)
            return self.varname(v) if v is not None else ""
        for c in node.named_children:
            if c.type == "varname":
                return self.text(c)
        return self.text(node).lstrip("$@%&*{").rstrip("}")

    def lookup(self, key: str) -> object:
        v = self.scope.vars.get(key)
        if v is not None:
            return v
        name = key[1:]
        if key == "@ARGV":
            return [x for x in self.env.get("@", "").split(_ARG_SEP) if x] or \
                unknown("the arguments given at run time")
        if key == "@_":
            return []
        if key in ("$FindBin::Bin", "$FindBin::RealBin") and self.place.path:
            return "/" + posixpath.dirname(self.place.path)
        if name.isdigit() and name != "0":
            return _unknown(f"${name}: what a pattern matched at run time")
        return unknown(f"{key} is not known before the program runs")

    def value(self, n: Node, place: Place) -> object:
        """What an expression evaluates to; calls with effects are judged on the way."""
        how = _VALUES.get(n.type)
        if how is not None:
            return how(self, n, place)
        if n.type.endswith("statement") or n.type == "ERROR":
            return self.stmt(n, place)
        for c in n.named_children:
            self.value(c, place)
        return _unknown(self.head(n, 60))

    def regexp(self, n: Node, place: Place) -> str:
        """A pattern (split's first argument) as written."""
        c = n.child_by_field_id(_FIELD["content"])
        return self.text(c) if c is not None else ""

    def bareword(self, n: Node, place: Place) -> object:
        name = self.text(n)
        v = self.scope.vars.get(name)        # a `use constant` name
        if v is not None:
            return v
        sub = self.scope.subs.get(name)
        return self.call(sub, [], place) if sub is not None else name

    def scalar(self, n: Node, place: Place) -> object:
        if n.named_child_count == 1:
            k = n.named_child(0)
            if k.type == "varname" and not k.named_child_count:
                key = "$" + self.text(k)
                v = self.scope.vars.get(key)        # lookup's common case, inline
                return v if v is not None else self.lookup(key)
        kids = n.named_children
        inner = [c for c in kids if c.type != "varname"] or \
            [c for c in kids if c.type == "varname" and c.named_child_count]
        if inner:                              # $$ref, ${ … }
            return self.value(inner[0].named_child(0) if inner[0].type == "varname"
                              else inner[0], place)
        return self.lookup("$" + self.varname(n))

    def array(self, n: Node, place: Place) -> object:
        inner = [c for c in n.named_children if c.type == "varname" and c.named_child_count]
        if inner or n.child_by_field_id(_FIELD["arrayref"]) is not None:
            ref = inner[0].named_child(0) if inner else n.child_by_field_id(_FIELD["arrayref"])
            return self.value(ref, place) if ref is not None else []
        return self.lookup("@" + self.varname(n))

    def hash(self, n: Node, place: Place) -> object:
        inner = [c for c in n.named_children if c.type == "varname" and c.named_child_count]
        if inner or n.child_by_field_id(_FIELD["hashref"]) is not None:
            ref = inner[0].named_child(0) if inner else n.child_by_field_id(_FIELD["hashref"])
            return self.value(ref, place) if ref is not None else {}
        name = self.varname(n)
        if name == "ENV":
            return self.environment()
        return self.scope.vars.get("%" + name, {})

    def deref(self, n: Node, place: Place) -> object:
        inner = n.named_children[-1] if n.named_child_count else None
        return self.value(inner, place) if inner is not None else ""

    def declared(self, n: Node, place: Place) -> object:
        if n.type == "localization_expression" and self.text(n).replace(" ", "") == "local$/":
            self.scope.vars["$/"] = ""                  # slurp mode: a read is the whole file
            return ""
        v = n.child_by_field_id(_FIELD["variable"])
        if v is not None:
            return self.value(v, place)
        return [self.value(c, place) for c in n.children_by_field_id(_FIELD["variables"])]

    def undef(self, n: Node) -> str:
        """`undef` is empty; `undef $/` puts reads in slurp mode."""
        if self.text(n).replace(" ", "") == "undef$/":
            self.scope.vars["$/"] = ""
        return ""

    def computed(self, n: Node, place: Place) -> object:
        """Comparisons, negations, increments: their operands are judged, their value is not
        followed, but a negative number (`-2`) is one."""
        values = [self.value(c, place) for c in n.named_children]
        if n.type == "unary_expression" and len(values) == 1 and _s(values[0]).isdigit() and \
                self.text(n).lstrip().startswith("-"):
            return "-" + _s(values[0])
        return _unknown("a computed value")

    def either(self, n: Node, place: Place) -> object:
        """`A or B`, `A and B`."""
        left, right = n.child_by_field_id(_FIELD["left"]), n.child_by_field_id(_FIELD["right"])
        lv = self.value(left, place) if left is not None else ""
        rv = self.value(right, place) if right is not None else ""
        return lv if _s(lv) and is_known(_s(lv)) else rv

    def ternary(self, n: Node, place: Place) -> object:
        cond, a, b = (n.child_by_field_id(_FIELD[f])
                      for f in ("condition", "consequent", "alternative"))
        if cond is not None:
            self.value(cond, place)
        va = self.value(a, place) if a is not None else ""
        vb = self.value(b, place) if b is not None else ""
        if _s(va) == _s(vb):
            return va
        return self.each([va, vb]) if all(isinstance(x, str) for x in (va, vb)) else va

    def list_of(self, n: Node, place: Place) -> object:
        kids = [c for c in n.named_children if c.type != "comment"]
        if n.type == "parenthesized_expression" and len(kids) == 1:
            return self.value(kids[0], place)
        out: list[object] = []
        for c in kids:
            out.extend(self.spread(c, self.value(c, place)))
        return out

    def slice(self, n: Node, place: Place) -> object:
        """(LIST)[i]."""
        lst = n.child_by_field_id(_FIELD["list"])
        items = _flat(self.value(lst, place)) if lst is not None else []
        idx = [c for c in n.named_children if c != lst]
        i = self.text(idx[-1]) if idx else ""
        if lst is not None and len(items) == 1 and isinstance(items[0], str) and markers(items[0]):
            return items[0]                     # a field of each walked row: still the rows
        return items[int(i)] if i.lstrip("-").isdigit() and -len(items) <= int(i) < len(items) \
            else unknown("a slice")

    def anonymous_sub(self, n: Node, place: Place) -> object:
        body = n.child_by_field_id(_FIELD["body"])
        if body is None:
            return ""
        sub = _Sub(_ANON, body, self, place)
        self.scope.anonymous.setdefault(sub.key, sub)
        return sub

    def reference(self, n: Node, place: Place) -> object:
        inner = n.named_children[-1] if n.named_child_count else None
        if inner is not None and inner.type == "function":
            named = next((c for c in inner.named_children if c.type == "code_deref_expression"),
                         None)
            # \&name, or \&{EXPR}: the sub EXPR names (\&{"main::$h"})
            name = _s(self.deref(named, place)) if named is not None else self.varname(inner)
            sub = self.sub_of(name)
            return sub if sub is not None else unknown(f"\\&{name}")
        return self.value(inner, place) if inner is not None else ""

    def sub_of(self, name: object) -> _Sub | None:
        """The sub a value stands for where perl takes a sub: a code reference, or its name
        (`'h'`, `'main::h'`, `'&h'`: a signal handler, \\&{NAME}, *NAME{CODE})."""
        if isinstance(name, _Sub):
            return name
        if not isinstance(name, str) or not name:
            return None
        bare = name.lstrip("&*").removeprefix("main::")
        return self.scope.subs.get(bare) or self.scope.subs.get(bare.rsplit("::", 1)[-1]) \
            if "::" in bare else self.scope.subs.get(bare)

    def glob_slot(self, n: Node, place: Place) -> object:
        """*NAME{CODE}: the sub of that name; any other slot's value is not followed."""
        parts = [self.text(c) for c in n.named_children]
        if len(parts) == 2 and parts[1] == "CODE":
            sub = self.sub_of(parts[0])
            if sub is not None:
                return sub
        return unknown(f"a glob slot {self.text(n)[:40]}")

    def listed_field(self, n: Node, place: Place) -> object:
        lst = n.child_by_field_id(_FIELD["list"])
        return self.value(lst, place) if lst is not None else []

    def do_block(self, n: Node, place: Place) -> object:
        body = n.child_by_field_id(_FIELD["block"]) or next(
            (c for c in n.named_children if c.type == "block"), None)
        return self.block(body, place) if body is not None else ""

    def require(self, n: Node, place: Place) -> object:
        arg = n.named_children[-1] if n.named_child_count else None
        if arg is not None and arg.type in ("bareword", "package"):
            self.include(self.text(arg).replace("::", "/") + ".pm", n, place, module=True)
        elif arg is not None:
            self.include(_s(self.value(arg, place)), n, place)
        return "1"

    def returns(self, n: Node, place: Place) -> object:
        v = self.value(n.named_child(0), place) if n.named_child_count else ""
        if self.scope.returned and self.scope.returned[-1] is None:
            self.scope.returned[-1] = v
        return v

    def postfix_if(self, n: Node, place: Place) -> object:
        body, cond = n.named_child(0), n.child_by_field_id(_FIELD["condition"])
        here = place
        if cond is not None:
            self.value(cond, place)
            g = self.gate(cond, place, cond, self.keyword(n, "unless"))
            if g is not None:
                here = replace(place, gates=place.gates + (g,))
        return self.value(body, here)

    def postfix_loop(self, n: Node, place: Place) -> object:
        body, lst = n.named_child(0), n.child_by_field_id(_FIELD["list"]) or \
            n.child_by_field_id(_FIELD["condition"])
        if lst is not None:
            v = self.value(lst, place)
            if n.type == "postfix_for_expression":
                self.scope.vars["$_"] = self.each(_flat(v))
        return self.value(body, place)

    def bare_function(self, n: Node, place: Place) -> object:
        """A call without arguments: `reverse`, `&f`."""
        sub = self.scope.subs.get(self.varname(n))
        if sub is None and self.text(n) in ("print", "say") and self.job.printed is not None:
            # a bare print prints $_, to standard output read by what follows in a pipe
            self.job.printed.append(_s(self.scope.vars.get("$_", "")) +
                                    ("\n" if self.text(n) == "say" else ""))
            return "1"
        given = self.scope.vars.get("@_")
        args = list(given) if isinstance(given, list | tuple | str) else []
        return self.call(sub, args, place) if sub is not None \
            else self.builtin(self.text(n), [], n)

    def listed(self, n: Node, place: Place) -> list[object]:
        return self.spread(n, self.value(n, place))

    @staticmethod
    def spread(n: Node, v: object) -> list[object]:
        """A value in list context: arrays, hashes and lists spread, references do not."""
        if n.type in _SCALARS or not isinstance(v, list | dict):
            return [v]
        return v if isinstance(v, list) else _flat(v)

    @staticmethod
    def pairs(items: list[object]) -> dict[str, object]:
        return {_s(items[i]): items[i + 1] for i in range(0, len(items) - 1, 2)}

    # --- strings --------------------------------------------------------------------------

    def span(self, n: Node) -> tuple[int, int]:
        """Where the text of a quoted construct lies: between its delimiters (whitespace-only
        content has no node of its own)."""
        if n.type in ("heredoc_content", "replacement", "transliteration_content"):
            end = next((k.start_byte for k in n.named_children if k.type == "heredoc_end"),
                       n.end_byte)
            return n.start_byte, end
        delims = [k for k in n.children if k.type == "'"]
        if len(delims) >= 2:
            return delims[0].end_byte, delims[1].start_byte
        c = n.child_by_field_id(_FIELD["content"])
        return (c.start_byte, c.end_byte) if c is not None else (n.end_byte, n.end_byte)

    def raw(self, n: Node) -> str:
        a, b = self.span(n)
        return self.src[a:b].decode("utf-8", "replace")

    def literal(self, n: Node) -> str:
        """A single-quoted string: only \\ and an escaped delimiter are escapes."""
        raw = self.raw(n)
        if "\\" not in raw:
            return raw
        delims = "\\" + "".join(self.text(k) for k in n.children if k.type == "'")
        return _ESC.sub(lambda m: m.group(1) if m.group(1) in delims else m.group(0), raw)

    def interpolated(self, n: Node, place: Place) -> str:
        pos, end = self.span(n)
        c = n if n.type in ("heredoc_content", "replacement") else \
            n.child_by_field_id(_FIELD["content"])
        out: list[str] = []
        for k in c.named_children if c is not None else ():
            if k.type == "heredoc_end":
                break
            out.append(self.src[pos:k.start_byte].decode("utf-8", "replace"))
            if k.type == "escape_sequence":
                esc = self.text(k)
                out.append(decode.escapes(esc) if esc[1:2].isalnum() else esc[1:])
            elif k.type == "escaped_delimiter":
                out.append(self.text(k)[1:])
            else:
                v = self.value(k, place)
                out.append(" ".join(_s(x) for x in v) if isinstance(v, list) else _s(v))
            pos = k.end_byte
        out.append(self.src[pos:end].decode("utf-8", "replace"))
        return "".join(out)

    def heredoc(self, token: Node, place: Place) -> str:
        """The body of `<<TAG`: the bodies follow the statement that names them, in order."""
        body = self.heredocs.get(token.start_byte)
        if body is None:
            stmt = token
            while stmt.parent is not None and stmt.parent.type not in ("source_file", "block"):
                stmt = stmt.parent
            tokens, stack = [], [stmt]
            while stack:
                x = stack.pop()
                if x.type == "heredoc_token":
                    tokens.append(x)
                stack.extend(reversed(x.children))
            bodies, sibling = [], stmt.next_sibling
            while sibling is not None and (sibling.type == "heredoc_content"
                                           or not sibling.is_named):
                if sibling.type == "heredoc_content":
                    bodies.append(sibling)
                sibling = sibling.next_sibling
            self.heredocs.update({tk.start_byte: b for tk, b in zip(tokens, bodies, strict=False)})
            body = self.heredocs.get(token.start_byte)
        if body is None:
            return unknown("a here-document")
        tag = self.text(token)
        text = self.raw(body) if "'" in tag else self.interpolated(body, place)  # <<'TAG': as is
        if "~" in tag:                               # <<~TAG: the indentation is removed
            text = textwrap.dedent(text.rstrip(" \t"))
        return text

    def backticks(self, n: Node, place: Place) -> str:
        """`…` / qx{…}: the command runs (read as shell); its output is its value when known."""
        cmd = self.literal(n) if re.match(r"qx\s*'", self.text(n)) else self.interpolated(n, place)
        if not cmd.strip():
            return ""
        self.shell(cmd, n, place, "in backticks")
        try:
            argv = shlex.split(cmd) if is_known(cmd) else []
        except ValueError:
            argv = []
        out = commands.output(argv, None, self.job) if argv else None
        if out is not None:
            return out
        walk = re.match(r"\s*snmp(?:bulk)?walk\b.*?\s(\S+)\s*$", cmd)
        if walk:                                  # each row of a walked column
            obj, _ = mib().resolve(render(walk.group(1)))
            return walked(".".join(map(str, obj.oid)) if obj else walk.group(1),
                          obj.name if obj else walk.group(1), self.host_in(cmd))
        return unknown(f"output of `{render(cmd)[:60]}`")

    @staticmethod
    def host_in(cmd: str) -> str:
        words = cmd.split()
        ops = commands.operands(words, commands._OPT_VALUES.get("snmpwalk"))
        return ops[0] if len(ops) >= 2 else ""

    # --- variables ------------------------------------------------------------------------

    def element(self, n: Node, place: Place) -> object:
        """$x[i], $x{k}, $r->[i], $r->{k}, $ENV{X}."""
        idx = n.child_by_field_id(_FIELD["index"]) or n.child_by_field_id(_FIELD["key"])
        key = _s(self.value(idx, place)) if idx is not None else ""
        container = self.container(n, place)
        if isinstance(container, list):
            if key.lstrip("-").isdigit() and -len(container) <= int(key) < len(container):
                return container[int(key)]
            return unknown(f"an element of {self.head(n, 40)}")
        if isinstance(container, dict):
            if key in container:
                return container[key]
            if (not is_known(key) or markers(key)) and container:   # known only at run time
                values = list(container.values())
                return values if all(isinstance(x, _Sub) for x in values) else self.each(values)
            if self.text(n).startswith("$ENV"):
                return unknown(f"$ENV{{{render(key)}}} is not set in anything captured")
            return _unknown(self.head(n, 40))
        if isinstance(container, str) and markers(container):
            return container
        return _unknown(self.head(n, 40))

    def container(self, n: Node, place: Place) -> object:
        for f in ("array", "hash"):
            c = n.child_by_field_id(_FIELD[f])
            if c is None:
                continue
            if c.type == "container_variable":
                name = self.varname(c)
                if name == "ENV":
                    return self.environment()
                if name == "_" and f == "array":
                    return self.scope.vars.get("@_") or []
                if name == "ARGV" and f == "array":
                    return [self.env.get(str(i), unknown(f"$ARGV[{i - 1}]: an argument given at "
                                                         "run time")) for i in range(1, 10)]
                return self.scope.vars.get(("@" if f == "array" else "%") + name,
                                            [] if f == "array" else {})
            return self.value(c, place)          # $$r{…}, $x{a}{b}
        first = n.named_child(0) if n.named_child_count else None
        if first is not None and first != (n.child_by_field_id(_FIELD["index"]) or
                                           n.child_by_field_id(_FIELD["key"])):
            return self.value(first, place)      # $r->[…], $r->{…}
        return None

    def assign(self, n: Node, place: Place) -> object:
        left, right = n.child_by_field_id(_FIELD["left"]), n.child_by_field_id(_FIELD["right"])
        op_n = n.child_by_field_id(_FIELD["operator"])
        op = self.text(op_n) if op_n is not None else "="
        if right is None or left is None:
            return ""
        v = self.value(right, place)
        if op != "=":
            old = self.value(left, place)
            if op == ".=":
                v = _s(old) + _s(v)
            elif op == "x=":
                v = _s(old) * int(_s(v)) if _s(v).isdigit() and int(_s(v)) < 64 else unknown("x=")
            elif op in ("||=", "//="):
                v = old if _s(old) and is_known(_s(old)) else v
            elif op == "=~":
                return v
            else:
                v = unknown(f"{op} of a value")
        self.store(left, v, place)
        handler = self.sub_of(v)
        if handler is not None and self.text(left).replace(" ", "").removeprefix(
                "local").startswith(("$SIG{", "$main::SIG{")):
            # a signal handler (`$SIG{ALRM} = sub {…}`, `local $SIG{TERM} = 'cleanup'`; then
            # alarm 3600): perl calls it
            self.call(handler, [unknown("the signal's name")], place)
        return v

    def store(self, left: Node, v: object, place: Place) -> None:
        t = left.type
        if t == "assignment_expression":              # (my $x = …) =~ tr/…/…/
            inner = left.child_by_field_id(_FIELD["left"])
            if inner is not None:
                self.store(inner, v, place)
            return
        if t in ("variable_declaration", "localization_expression"):
            one = left.child_by_field_id(_FIELD["variable"])
            if one is None and t == "localization_expression" and left.named_child_count == 1:
                one = left.named_child(0)           # local $ENV{X} = …, local $SIG{ALRM} = …
            if one is not None:
                self.store(one, v, place)
                return
            targets = list(left.children_by_field_id(_FIELD["variables"]))
        elif t in ("parenthesized_expression", "list_expression"):
            targets = [c for c in left.named_children if c.type != "comment"]
            if len(targets) == 1 and targets[0].type == "list_expression":
                targets = list(targets[0].named_children)
        else:
            targets = []
        if targets:                              # ($a, $b) = …
            items = v if isinstance(v, list) else [v]
            for i, tgt in enumerate(targets):
                if tgt.type in ("array", "hash"):
                    self.store(tgt, items[i:], place)
                    for after in targets[i + 1:]:        # what follows an array is undef
                        self.store(after, "", place)
                    return
                self.store(tgt, items[i] if i < len(items) else unknown("an unassigned value"),
                           place)
            return
        if t == "scalar":
            self.scope.vars["$" + self.varname(left)] = v
        elif t == "array":
            self.scope.vars["@" + self.varname(left)] = v if isinstance(v, list) else _flat(v)
        elif t == "hash":
            self.scope.vars["%" + self.varname(left)] = v if isinstance(v, dict) else \
                self.pairs(_flat(v))
        elif t in ("array_element_expression", "hash_element_expression"):
            idx = left.child_by_field_id(_FIELD["index"]) or left.child_by_field_id(_FIELD["key"])
            key = _s(self.value(idx, place)) if idx is not None else ""
            box = self.container(left, place)
            if isinstance(box, dict):
                box[key] = v
                if box is self.scope.vars.get("%ENV"):
                    commands.environment_change(key, _s(v), self.job, place, *self.at(left))
                name = left.child_by_field_id(_FIELD["hash"])
                if name is not None and name.type == "container_variable":
                    self.scope.vars.setdefault("%" + self.varname(name), box)
            elif isinstance(box, list) and key.isdigit() and int(key) < 1024:
                box.extend([""] * (int(key) + 1 - len(box)))
                box[int(key)] = v
                name = left.child_by_field_id(_FIELD["array"])
                if name is not None and name.type == "container_variable":
                    self.scope.vars.setdefault("@" + self.varname(name), box)

    def binary(self, n: Node, place: Place) -> object:
        left, right = n.child_by_field_id(_FIELD["left"]), n.child_by_field_id(_FIELD["right"])
        op_n = n.child_by_field_id(_FIELD["operator"])
        op = self.text(op_n) if op_n is not None else ""
        if op in ("=~", "!~") and right is not None and left is not None and right.type in (
                "transliteration_expression", "substitution_regexp"):
            old = self.value(left, place)
            count, new = self.rewrite(right, old, place)
            if not re.search(r"/\w*r\w*$", self.text(right)):
                self.store(left, new, place)
                return count
            return new
        lv = self.value(left, place) if left is not None else ""
        rv = self.value(right, place) if right is not None else ""
        if op == ".." or (op == "." and left is not None and left.type == "number" and
                          _s(lv).endswith(".") and right is not None and right.type == "number"):
            # a range (the grammar reads `32..34` as `32.` . `34`)
            lo, hi = _s(lv).rstrip("."), _s(rv)
            if lo.isdigit() and hi.isdigit() and 0 <= int(hi) - int(lo) < MAX_EACH:
                return [str(i) for i in range(int(lo), int(hi) + 1)]
            return unknown("a range")
        if op == ".":
            return _s(lv) + _s(rv)
        if op == "x":
            n_times = _s(rv)
            if n_times.isdigit() and int(n_times) <= 64:
                if isinstance(lv, list) and left is not None and left.type == "parenthesized_expression":
                    return lv * int(n_times)
                return _s(lv) * int(n_times)
            return unknown("a repeated string")
        if op in ("||", "//", "or"):
            return lv if _s(lv) and is_known(_s(lv)) else rv
        if op in ("&&", "and"):
            return rv
        if op in ("+", "-", "*") and _s(lv).lstrip("-").isdigit() and _s(rv).lstrip("-").isdigit():
            a, b = int(_s(lv)), int(_s(rv))
            return str(a + b if op == "+" else a - b if op == "-" else a * b)
        return _unknown("a computed value")

    def rewrite(self, n: Node, old: object, place: Place) -> tuple[str, object]:
        """tr/…/…/ and s/…/…/ applied to a value: (what the operator returns, the new value)."""
        text = _s(old) if old is not None else ""
        if not is_known(text):
            return "", unknown("a rewritten value")
        if n.type == "transliteration_expression":
            parts = [c for c in n.named_children if c.type in ("transliteration_content",
                                                               "replacement")]
            if len(parts) != 2:
                return "", unknown("a transliterated value")
            out = decode.tr(text, *(self.raw(p) for p in parts))
            if out != text:
                self.scope.decoded[out] = self.scope.decoded.get(text, ()) + ("character translation",)
            return str(len(text)), out
        pat = n.child_by_field_id(_FIELD["content"])
        rep = next((c for c in n.named_children if c.type == "replacement"), None)
        mods = next((c for c in n.named_children if c.type.endswith("_modifiers")), None)
        if pat is None:
            return "", unknown("a substituted value")
        flags = self.text(mods) if mods is not None else ""
        repl = self.interpolated(rep, place) if rep is not None and "e" not in flags else ""
        if "e" in flags:
            return "", unknown("a computed substitution")
        try:
            out = _regex(self.text(pat), re.I if "i" in flags else 0).sub(
                repl.replace("\\", "\\\\"), text, count=0 if "g" in flags else 1)
        except re.error:
            return "", unknown("a substituted value")
        return "1", out

    def environment(self) -> dict[str, object]:
        """%ENV: the environment the program started with, and what it set in it since
        (`$ENV{X} = …` is read back by `$ENV{X}`)."""
        env = self.scope.vars.get("%ENV")
        if isinstance(env, dict):
            return env
        made: dict[str, object] = dict(self.env)
        self.scope.vars["%ENV"] = made
        return made

    def rewrite_topic(self, n: Node, place: Place) -> object:
        """A bare tr/…/…/ or s/…/…/ acts on $_ in place (`$_ = '…'; tr/a-z/n-za-m/; system($_)`);
        with /r it leaves $_ alone and gives the new text."""
        mods = next((c for c in n.named_children if c.type.endswith("_modifiers")), None)
        returned, new = self.rewrite(n, self.scope.vars.get("$_"), place)
        if mods is not None and "r" in self.text(mods):
            return new
        if isinstance(new, str) and is_known(new):
            self.scope.vars["$_"] = new
        return new

    def readline(self, n: Node) -> object:
        fh = next((c for c in n.named_children if c.type == "filehandle"), None)
        h = self.scope.vars.get("$" + self.varname(fh)) or self.scope.vars.get(
            "*" + self.text(fh)) if fh is not None else None
        files = self.scope.vars.get("@ARGV")
        if (fh is None or self.text(fh) == "ARGV") and isinstance(files, list) and files:
            h = _Handle("file", _s(files[0]))              # <>: the files in @ARGV
        if isinstance(h, _Handle) and h.kind == "file":
            if self.scope.vars.get("$/") == "":
                return self.whole(h.target)
            return file_lines(h.target, self.job)
        if isinstance(h, _Handle) and h.kind == "data":     # <DATA>: the text after __DATA__
            return h.target.splitlines(keepends=True)
        return unknown(f"lines read from {self.text(n)}")

    def whole(self, path: str) -> str:
        """The text of a file read at once (slurped): as this job wrote it, or as captured."""
        w = self.job.written.get(path)
        if w is not None and w.content is not None:
            return w.content
        text = self.job.text_of(render(path).lstrip("/")) if is_known(path) else None
        if text is None and is_known(path) and render(path).startswith("/"):
            return file_lines(render(path), self.job)   # standing for what was not captured
        return text if text is not None else unknown(f"the text of {render(path)}")

    # --- calls ----------------------------------------------------------------------------

    def args_of(self, n: Node, place: Place, skip: Node | None = None) -> list[object]:
        a = n.child_by_field_id(_FIELD["arguments"])
        if a is not None:
            return self.listed(a, place)
        return [self.value(c, place) for c in n.named_children
                if c != skip and c.type not in ("indirect_object", "comment")]

    def function(self, n: Node, place: Place) -> object:
        fn_n = n.child_by_field_id(_FIELD["function"])
        if fn_n is not None and fn_n.is_named:
            name = self.text(fn_n).lstrip("&")
        else:
            name = self.text(fn_n) if fn_n is not None else self.text(n).split("(")[0].split()[0]
        dynamic = next((c for c in fn_n.named_children if c.named_child_count or
                        c.type == "code_deref_expression"), None) if fn_n is not None else None
        if dynamic is not None:                      # &$f(…), &{$f}(…)
            inner = dynamic.named_child(0) if dynamic.type == "varname" else dynamic
            return self.call_each(self.value(inner, place), self.args_of(n, place, fn_n), place)
        short = name.rsplit("::", 1)[-1]
        sub = self.scope.subs.get(name) or (self.scope.subs.get(short) if "::" in name else None)
        if sub is not None and name not in ("system", "exec"):
            return self.call(sub, self.args_of(n, place, fn_n), place)
        if short in ("print", "printf", "say", "syswrite"):
            return self.print_to(n, short, place)
        if short == "open":
            return self.open(n, place)
        if short in ("open2", "open3"):
            return self.open2(n, short, place)
        if short in ("close", "sysopen"):
            return self.close(n, fn_n, place) if short == "close" else self.sysopen(n, fn_n, place)
        if name == "new":                       # new Class(…): Class->new(…)
            made = n.child_by_field_id(_FIELD["arguments"])
            called = made is not None and made.type == "function_call_expression"
            cls_n = made.child_by_field_id(_FIELD["function"]) if called and made is not None \
                else made
            if made is not None and cls_n is not None and cls_n.type in ("function", "bareword"):
                return self.class_method(self.text(cls_n), "new", self.args_of(made, place, cls_n)
                                         if called else [], n, place)
        if short in ("push", "unshift"):
            return self.push(n, short, place)
        args = self.args_of(n, place, fn_n)
        if short == "readpipe":
            # readpipe EXPR is qx// with the command computed: read as shell
            flat = [_s(x) for x in _flat(args)] or [_s(self.scope.vars.get("$_", unknown("$_")))]
            self.shell(" ".join(flat), n, place, "via readpipe()")
            return unknown(f"output of `{render(' '.join(flat))[:60]}`")
        if short in ("system", "exec"):
            flat = [_s(x) for x in _flat(args)]
            text = flat[0] if len(flat) == 1 else " ".join(shlex.quote(x) for x in flat)
            self.shell(text, n, place, f"via {short}()")
            return unknown(f"the exit status of {short}()")
        if short == "kill" and len(_flat(args)) >= 2:
            # kill SIGNAL, PIDS: judged as the shell's `kill -SIGNAL PID…` (the process a pid
            # file, pidof or pgrep names is what is killed)
            flat = [_s(x) for x in _flat(args)]
            sig = flat[0].lstrip("-").upper().removeprefix("SIG") or "TERM"
            self.shell(shlex.join(["kill", f"-{sig}", *flat[1:]]), n, place, "via kill()")
            return unknown("a count of processes signalled")
        if short in ("unlink", "rmtree", "remove_tree"):     # (rmdir removes only empty ones)
            how = "delete" if short == "unlink" else "delete-tree"
            items = _flat(args) or [self.scope.vars.get("$_", unknown("$_"))]
            for x in items:
                if not isinstance(x, dict):
                    self.destroy(_s(x), how, n, place)
            return unknown("a count of files removed")
        if short == "chmod" and len(_flat(args)) >= 2:
            # chmod MODE, FILES: judged as the shell's chmod (a mode no one may read under)
            flat = [_s(x) for x in _flat(args)]
            mode = format(int(flat[0], 8 if flat[0].startswith("0") else 10), "03o") \
                if flat[0].isdigit() else flat[0]
            self.shell(shlex.join(["chmod", mode, *flat[1:]]), n, place, "via chmod()")
            return unknown("a count of files changed")
        if short == "delete":
            for c in n.named_children:
                key_n = c.child_by_field_id(_FIELD["key"]) if c.type == "hash_element_expression" \
                    else None
                if key_n is not None and self.text(c).replace(" ", "").startswith("$ENV{"):
                    # delete $ENV{X}: gone from the environment of what the program runs
                    key = _s(self.value(key_n, place))
                    self.environment().pop(key, None)
                    commands.environment_change(key, None, self.job, place, *self.at(c))
        if short == "chown" and len(_flat(args)) >= 3:
            # chown UID, GID, FILES: judged as the shell's chown (a crontab given away)
            flat = [_s(x) for x in _flat(args)]
            self.shell(shlex.join(["chown", flat[0], *flat[2:]]), n, place, "via chown()")
            return unknown("a count of files changed")
        if short == "truncate" and len(args) >= 2 and _s(args[1]) == "0":
            self.destroy(_s(args[0]), "truncate", n, place)
            return "1"
        if short in libs.SNMP_FUNCTIONS:
            return self.snmp_function(short, args, n, place)
        if short in _FINDS and args and (isinstance(args[0], _Sub) or isinstance(args[0], dict)
                                         and isinstance(args[0].get("wanted"), _Sub)):
            return self.file_find(args, place)
        if short in ("ssh", "ssh_cmd") and args:
            return self.net_ssh(args, n, place)
        if short in ("decode_json", "from_json", "Load") and args:     # JSON, YAML::Load
            return self.settings("yaml" if short == "Load" else "json", _s(args[0]), False)
        if short == "LoadFile" and args:                             # YAML(::XS)::LoadFile
            return self.settings("yaml", _s(args[0]), True)
        if short in _SLURPS and args:                # File::Slurp(er): the file's text
            return self.whole(_s(args[0]))
        if short == "path" and args:                 # Path::Tiny: the path, its methods below
            return _s(args[0])
        if short in _UNCOMPRESS and len(args) >= 2:
            return self.uncompress(_UNCOMPRESS[short], n, args, place)
        return self.builtin(short, args, n)

    def uncompress(self, layer: str, n: Node, args: list[object], place: Place) -> object:
        """IO::Uncompress's functions (`gunzip \\$in => \\$out`, `anyinflate $file =>
        $file2`): the input a scalar reference holds (or a file), the output written through
        a scalar reference (or into a file)."""
        a = n.child_by_field_id(_FIELD["arguments"])
        nodes = [c for c in (a.named_children if a is not None else []) if c.type != "comment"]
        if len(nodes) == 1 and nodes[0].type == "list_expression":
            nodes = list(nodes[0].named_children)
        refs = [_SCALAR_REF.fullmatch(self.text(c)) for c in nodes[:2]]
        source = refs[0] if refs else None
        data = _s(self.scope.vars.get("$" + source.group(1), "")) if source is not None \
            else self.whole(_s(args[0]))
        text = self.undo(layer, data) if isinstance(data, str) else unknown("decoded data")
        target = refs[1] if len(refs) > 1 else None
        if target is not None:
            self.scope.vars["$" + target.group(1)] = text
        elif isinstance(text, str) and is_known(text):
            self.job.written[_s(args[1])] = Written(text, "decompressed by this job")
        return "1"

    def destroy(self, path: str, how: str, n: Node, place: Place) -> None:
        line, ev = self.at(n)
        commands._destroy(self.job, place, line, ev, path, how)

    def file_find(self, args: list[object], place: Place) -> object:
        """File::Find find/finddepth(\\&wanted | {wanted => …}, @dirs): the wanted sub runs
        for every file under each directory ($_ and $File::Find::name stand for all of them);
        an age, size or name test in it bounds what it removes."""
        spec = args[0]
        wanted = spec if isinstance(spec, _Sub) else spec.get("wanted") if isinstance(
            spec, dict) else None
        if not isinstance(wanted, _Sub):
            return unknown("find()")
        body = wanted.owner.text(wanted.body)
        bounded = _FIND_BOUND.search(body) is not None
        names = ("$_", "$File::Find::name", "$File::Find::dir")
        saved = [self.scope.vars.get(k) for k in names]
        self.scope.called.add(wanted.key)
        for root in [_s(x) for x in _flat(args[1:])][:MAX_EACH]:
            each = root.rstrip("/") + "/" + tree_of(root, bounded)
            self.scope.vars.update(zip(names, (each, each, root), strict=True))
            if len(self.scope.stack) >= _MAX_DEPTH:
                self.too_deep(place)
            elif wanted.name not in self.scope.stack:
                self._call(wanted, [], place)      # once per tree ($_ is not a call context)
        for k, v in zip(names, saved, strict=True):
            if v is None:
                self.scope.vars.pop(k, None)
            else:
                self.scope.vars[k] = v
        return "1"

    def net_ssh(self, args: list[object], n: Node, place: Place) -> object:
        """Net::SSH's ssh('user@host', @cmd) and ssh_cmd($host, $cmd) or ssh_cmd({host =>,
        command =>, args =>, stdin_string =>}): a command run on the device."""
        spec = args[0] if isinstance(args[0], dict) else None
        if spec is not None:
            host = _s(spec.get("host", unknown("the device it connects to")))
            if "user" in spec:
                host = f"{_s(spec['user'])}@{host}"
            words = [_s(x) for x in _flat([spec.get("command", ""), spec.get("args", [])]) if _s(x)]
            stdin = _s(spec.get("stdin_string", ""))
        else:
            host, words, stdin = _s(args[0]), [_s(x) for x in _flat(args[1:])], ""
        session = _Session("cli", commands.host_of(host), "Net::SSH")
        return self.remote(session, "system", [{"stdin_data": stdin}, *words], n, place)

    def push(self, n: Node, fn: str, place: Place) -> object:
        """push/unshift onto a named array (a list built up in a loop)."""
        a = n.child_by_field_id(_FIELD["arguments"])
        parts = list(a.named_children) if a is not None and a.type == "list_expression" else \
            [a] if a is not None else []
        if not parts or parts[0].type != "array":
            for p in parts:
                self.value(p, place)
            return _unknown("a count")
        key = "@" + self.varname(parts[0])
        box = self.scope.vars.get(key)
        box = list(box) if isinstance(box, list) else []
        # a value standing for each of a literal list is pushed as those values
        items = [one for p in parts[1:] for x in self.listed(p, place)
                 for one in (expand_each(x) if isinstance(x, str) else [x])]
        items = items[:max(0, MAX_EACH - len(box))]
        box = box + items if fn == "push" else items + box
        self.scope.vars[key] = box
        return str(len(box))

    def builtin(self, fn: str, args: list[object], n: Node) -> object:
        s = [_s(a) for a in args]
        underscore = _s(self.scope.vars.get("$_", ""))
        if fn in _DECODERS:
            return self.undo(_DECODERS[fn], s[0] if s else underscore)
        if fn == "reverse":
            if len(args) == 1 and isinstance(args[0], list):
                return list(reversed(args[0]))
            joined = "".join(s) if s else underscore
            out = joined[::-1]
            self.scope.decoded[out] = self.scope.decoded.get(joined, ()) + ("reversal",)
            return out
        if fn == "pack" and len(s) >= 2 and s[0].upper().startswith("H"):
            return self.undo("hex", "".join(s[1:]))
        if fn == "pack" and len(s) >= 2 and re.fullmatch(r"[CcU]\*?", s[0]) and \
                all(x.isdigit() for x in s[1:]):
            return "".join(chr(int(x) & 0x10FFFF) for x in s[1:])
        if fn == "pack" and len(s) >= 2 and _STRING_PACK.fullmatch(s[0]):
            return _pack_strings(s[0], s[1:])
        if fn == "substr" and len(s) >= 2:
            return _substr(s)
        if fn == "unpack" and len(s) >= 2 and s[0].startswith("u"):
            return self.undo("uu", s[1])
        if fn == "unpack" and len(s) >= 2 and s[0].upper().startswith("H"):
            return unknown("hex digits of a value")
        if fn == "encode_oid":                   # BER (SNMP_Session): the OID as its numbers
            return ".".join(s)
        if fn in _BER_VALUES and s:
            return s[0]
        if fn == "chr" and (s[0] if s else underscore).isdigit():    # chr, chr($n)
            return chr(int(s[0] if s else underscore) & 0x10FFFF)
        if fn == "join" and args:
            rest = _flat(args[1:])
            out = s[0].join(_s(x) for x in rest)
            layers = tuple(dict.fromkeys(lay for x in rest for lay in self.scope.decoded.get(_s(x), ())))
            if layers:
                self.scope.decoded[out] = layers
            return out
        if fn == "sprintf" and args:
            flat = [_s(x) for x in _flat(args)]
            fmt = flat[0]
            try:
                return re.sub(r"%(\d+\$)?[-+ 0#]*\d*(?:\.\d+)?[lhqLV]*([diouxXsc%])",
                              _Sprintf(flat[1:]), fmt)
            except (ValueError, IndexError):
                return unknown("a formatted string")
        if fn in ("lc", "uc", "lcfirst", "ucfirst"):
            x = s[0] if s else underscore
            return {"lc": x.lower(), "uc": x.upper(), "lcfirst": x[:1].lower() + x[1:],
                    "ucfirst": x[:1].upper() + x[1:]}[fn] if is_known(x) else x
        if fn in ("scalar", "chomp", "chop", "defined", "local", "my", "quotemeta") and args:
            return args[0] if fn in ("scalar", "quotemeta") else ""
        if fn == "split":
            return self.split(args, underscore)
        if fn in ("keys", "values"):
            box = args[0] if args else {}
            if isinstance(box, dict):
                return list(box.keys() if fn == "keys" else box.values())
            if isinstance(box, str) and markers(box):
                return box
            return unknown(f"{fn} of {self.head(n, 40)}")
        if fn in ("glob",) and s:
            return s[0]
        if fn in ("shift", "pop"):
            # with no array: @_ in a sub, @ARGV (the program's arguments) outside any
            key = "@_" if self.scope.stack else "@ARGV"
            if not (args and isinstance(args[0], list)) and key not in self.scope.vars:
                given = self.lookup(key)
                self.scope.vars[key] = given if isinstance(given, list) else []
            box = args[0] if args and isinstance(args[0], list) else self.scope.vars[key]
            if isinstance(box, list) and box:
                return box.pop(0) if fn == "shift" else box.pop()
            return unknown("an argument" if key == "@_" else "an argument given at run time")
        if fn == "bless" and args:
            return args[0]
        return unknown(f"{fn}()")

    def split(self, args: list[object], underscore: str) -> object:
        pat = _s(args[0]) if args else " "
        text = _s(args[1]) if len(args) > 1 else underscore
        if not is_known(text) or markers(text):
            return text
        sep = decode.escapes(pat) if pat in ("\\n", "\\r\\n", ",", ":", " ", "\\s+", "\n") else None
        if pat in (" ", "\\s+"):
            return text.split()
        try:
            return text.split(sep) if sep else _regex(pat, 0).split(text)
        except re.error:
            return unknown("a split value")

    def undo(self, layer: str, data: str) -> object:
        if not is_known(data):
            return unknown("decoded data")
        text = decode.undo_noted(layer, data, self.scope.decoded)
        return unknown("data that does not decode") if text is None else text

    def too_deep(self, place: Place) -> None:
        """A call past _MAX_DEPTH nested sub calls: not followed, and said (a deletion nine
        subs down is not benign)."""
        line, ev = self.at(self.current) if self.current is not None else (1, "")
        cut_by_limit(self.job, place, "perl", line, ev,
                     f"subs called more than {_MAX_DEPTH} deep")

    def call(self, sub: _Sub | None, args: list[object], place: Place) -> object:
        """A sub run with @_ bound to the arguments; its value is what it returns."""
        if sub is None:
            return unknown("a call")
        sc = self.scope
        sc.called.add(sub.key)
        if sub.name in sc.stack:
            return unknown(f"the value of {sub.name}()")
        if len(sc.stack) >= _MAX_DEPTH:
            self.too_deep(place)
            return unknown(f"the value of {sub.name}()")
        get = sc.vars.get
        # most values are text, their own key: _context is called for the others only
        globals_ = tuple([v if type(v) is str else _context(v)
                          for v in map(get, self.reads(sub))])
        context = (_context(args), globals_)
        # a sub that runs what it is handed, or takes @_ as a list (or is given more
        # arguments than the summary's markers stand for): followed per context
        takes = sc.runs_arguments.get(sub.key)
        if takes is None:      # read once per sub, not at every call
            takes = sc.runs_arguments[sub.key] = _body(sub.owner.text(sub.body)).takes
        how, value = sc.calls.start(sub.key, context, globals_, takes or
                                    ("list" if len(args) > len(_MARKED_ARGS) else ""))
        if how == "known":
            return value
        if how == "summary" and self._summary_call(sub, args, place, globals_):
            sc.calls.runs_its_arguments(sub.key, context)
            how = "follow"
        if how != "follow":
            return unknown(f"the value of {sub.name}()")
        value = self._call(sub, args, place)
        sc.calls.done(sub.key, context, value)
        return value

    def _summary_call(self, sub: _Sub, args: list[object], place: Place,
                      globals_: tuple[object, ...]) -> bool:
        """A call past the contexts a sub is followed in: the sub's effects read once with @_
        standing as markers, bound to this call's arguments (see resolve.Calls). True (nothing
        bound) when the summary reads an argument as code: the call is followed."""
        sc = self.scope
        kept = sc.calls.summaries.get(sub.key)
        if kept is None:
            before, code_before = len(self.job.sink), self.job.code_from_arguments
            saved = dict(sc.vars)
            self._call(sub, list(_MARKED_ARGS), replace(place, gates=(), via=(), called=True))
            sc.vars.clear()
            sc.vars.update(saved)
            ran = Calls.ran_arguments(self.job, code_before, self.job.sink[before:])
            kept = sc.calls.summaries[sub.key] = (globals_, self.job.sink[before:])
            del self.job.sink[before:]
            if ran:
                return True
        summary = [e for e in kept[1] if ARG_MARK in e.values_text()]
        texts = [a if isinstance(a, str) else unknown(f"an argument of {sub.name}()")
                 for a in args]
        self.job.sink.extend(bind_call(summary, texts, place, sub.name))
        return False

    def reads(self, sub: _Sub) -> tuple[str, ...]:
        """The variables a sub reads ("$x", "@x", "%x"), with those of the subs it names,
        sorted: the order its call contexts list their values in."""
        sc = self.scope
        hit = sc.reads.get(sub.key)
        if hit is not None:
            return hit
        sc.reads[sub.key] = ()      # a sub naming itself adds nothing
        body = _body(sub.owner.text(sub.body))
        names = set(body.reads)
        for other in body.words & sc.subs.keys():
            if sc.subs[other] is not sub:
                names.update(self.reads(sc.subs[other]))
        hit = sc.reads[sub.key] = tuple(sorted(names))
        return hit

    def _call(self, sub: _Sub, args: list[object], place: Place) -> object:
        sc = self.scope
        saved = sc.vars.get("@_")
        sc.vars["@_"] = list(args)
        sc.stack.append(sub.name)
        sc.returned.append(None)
        here = place if sub.owner is self and place.anchor is None else \
            replace(sub.place, gates=place.gates + sub.place.gates, called=place.called)
        try:
            last = sub.owner.block(sub.body, here)
        finally:
            sc.stack.pop()
            ret = sc.returned.pop()
            sc.vars["@_"] = saved if saved is not None else []
        return ret if ret is not None else last

    def coderef_call(self, n: Node, place: Place) -> object:
        """$f->(…), $h{k}->(…)."""
        kids = [c for c in n.named_children if c.type != "comment"]
        target = self.value(kids[0], place) if kids else ""
        args_n = n.child_by_field_id(_FIELD["arguments"])
        return self.call_each(target, self.listed(args_n, place) if args_n is not None else [],
                              place)

    def call_each(self, target: object, args: list[object], place: Place) -> object:
        """Every sub a code reference (or a list of them, or a sub's name) can be."""
        subs = [target] if isinstance(target, _Sub) else \
            [x for x in target if isinstance(x, _Sub)] if isinstance(target, list) else []
        if not subs and isinstance(target, str):     # &{"name"}, &$name: a sub by its name
            subs = [sub for name in expand_each(target) if (sub := self.scope.subs.get(name))]
        out: object = unknown("the value of a code reference")
        for sub in subs:
            out = self.call(sub, args, place)
        return out

    def map_grep(self, n: Node, place: Place) -> object:
        lst = n.child_by_field_id(_FIELD["list"])
        items = self.value(lst, place) if lst is not None else []
        if isinstance(items, str) and markers(items):
            return items                              # each walked row, each line: still them
        cb = n.child_by_field_id(_FIELD["callback"])
        if cb is None:
            return items
        # grep and sort run their block for each item as map does (what it does is what the
        # program does), and give the items themselves: sort a pair at a time in $a and $b
        sorts = n.type == "sort_expression"
        kept = "grep" in self.head(n, 4) or sorts
        out: list[object] = []
        names = ("$a", "$b") if sorts else ("$_",)
        saved = {k: self.scope.vars.get(k) for k in names}
        for x in _flat(items)[:MAX_EACH]:
            for k in names:
                self.scope.vars[k] = x
            if sorts and cb.type != "block":     # sort byname LIST: the sub byname
                self.call(self.scope.subs.get(self.text(cb).lstrip("&")), [], place)
                continue
            v = self.block(cb, place) if cb.type == "block" else self.value(cb, place)
            out.extend(v if isinstance(v, list) else [v])
        for k, v in saved.items():
            self.scope.vars[k] = v if v is not None else ""
        return items if kept else out

    def eval(self, n: Node, place: Place) -> object:
        kids = [c for c in n.named_children if c.type != "comment"]
        if not kids:
            return ""
        if self.text(n).startswith("do"):
            f = kids[0]
            self.include(_s(self.value(f.named_child(0) if f.type == "filename" and
                                       f.named_child_count else f, place)), n, place)
            return "1"
        if kids[0].type == "block":
            return self.block(kids[0], place)
        self.code(_s(self.value(kids[0], place)), n, place)
        return unknown("the value of eval")

    # --- objects: sessions, handles -------------------------------------------------------

    def method(self, n: Node, place: Place) -> object:
        inv_n = n.child_by_field_id(_FIELD["invocant"])
        meth_n = n.child_by_field_id(_FIELD["method"])
        meth = self.text(meth_n) if meth_n is not None else ""
        args_n = n.child_by_field_id(_FIELD["arguments"])
        args = self.listed(args_n, place) if args_n is not None else []
        if meth == "can" and args and is_known(_s(_flat(args)[0])):
            # CLASS->can('name'): the sub of that name, to be called
            name = _s(_flat(args)[0])
            inv_text = self.text(inv_n) if inv_n is not None else ""
            sub = self.scope.subs.get(f"{inv_text}::{name}") or self.scope.subs.get(name)
            if sub is not None:
                return sub
        if inv_n is not None and inv_n.type == "bareword":
            return self.class_method(self.text(inv_n), meth, args, n, place)
        inv = self.value(inv_n, place) if inv_n is not None else ""
        dynamic = meth_n.named_child(0) if meth_n is not None and meth_n.named_child_count \
            else meth_n if meth_n is not None and meth_n.type != "method" else None
        if dynamic is not None:                                 # $obj->$name(…)
            m = self.value(dynamic, place)
            if isinstance(m, _Sub):
                return self.call(m, [inv, *args], place)
            meth = _s(m)
        if isinstance(inv, str) and (inv in libs.CLASSES or inv in _VARBIND_CLASSES):
            return self.class_method(inv, meth, args, n, place)     # $class->new(…)
        line, ev = self.at(n)
        if meth in ("do", "prepare", "selectall_arrayref", "selectrow_array") and args:
            for how, name in sql.destructive_statements(_s(args[0])):
                self.job.sink.append(place.effect("data-destruction", line, ev, target=name,
                                                  how=how))
            return unknown("a statement's result")
        if isinstance(inv, _Varbind):
            k = libs.VARBIND_FIELDS.get(meth)
            if k is not None:
                return inv[k] if k < len(inv) else ""
            return ".".join(_s(x) for x in inv[:2] if _s(x)) if meth == "name" else unknown(meth)
        if isinstance(inv, _Handle) and inv.kind == "data" and meth in ("getline", "getlines"):
            lines = inv.target.splitlines(keepends=True)     # a decompressing reader's text
            return lines if meth == "getlines" else (lines[0] if lines else "")
        if isinstance(inv, _Handle) and meth in libs.SENDS:
            self.to_handle(inv, [_s(x) for x in _flat(args)], n, place)
            return "1"
        if isinstance(inv, str) and meth in _PATH_METHODS:
            return self.path_method(inv, meth, n, place)
        rest = _rest_call(meth, args) if not isinstance(inv, _Session) else None
        if rest is not None:
            # LWP::UserAgent / HTTP::Tiny / Mojo::UserAgent: a request with its method and URL
            method, url = rest
            lines = api.rest_lines(method, url, "")
            if lines and "://" in url:
                self.device_command(lines, commands.host_of(url.split("/")[2]), n, place)
            return unknown("the response")
        if not isinstance(inv, _Session):
            sub = self.scope.subs.get(meth)
            if sub is not None:
                return self.call(sub, [inv, *args], place)
            return unknown(f"->{meth}()")
        return self.session_call(inv, meth, args, n, place)

    def class_method(self, cls: str, meth: str, args: list[object], n: Node,
                     place: Place) -> object:
        """Class->method(…): a session made, a Varbind built, or a sub of that package."""
        spec = libs.CLASSES.get(cls)
        if spec is not None and meth in libs.CONSTRUCTORS:
            self.job.talks_to_devices = True
            if spec.spawns:
                return self.spawned(args, n, place) if args else \
                    _Session("cli", unknown("the device it connects to"), cls)
            session = _Session(spec.kind, self.host_arg(args, spec), cls)
            if _s(self.named(_flat(args), "personality")).lower() in libs.JUNOS_PERSONALITIES:
                session.cls += " (junos)"
            return session
        if cls == "DBI":
            return _Session("dbi", _s(args[0]) if args else "")
        if cls == "HTTP::Request" and meth == "new" and len(_flat(args)) >= 2:
            # HTTP::Request->new(DELETE => $url): sent later by a user agent's request()
            flat = _flat(args)
            return _Request(_s(flat[0]).upper(), _s(flat[1]))
        if cls in _VARBIND_CLASSES and meth == "new":
            return _varbinds_new(cls, args)
        if cls in _UNCOMPRESS_CLASSES and meth == "new" and args:
            # IO::Uncompress::Gunzip->new(\\$buf | FILE): a handle reading what it undoes
            first = n.child_by_field_id(_FIELD["arguments"])
            while first is not None and first.type in ("list_expression",
                                                       "parenthesized_expression") and \
                    first.named_child_count:
                first = first.named_child(0)
            data = _s(args[0]) if first is not None and self.text(first).startswith("\\") \
                else self.whole(_s(args[0]))
            text = self.undo(_UNCOMPRESS_CLASSES[cls], data)
            return _Handle("data", text) if isinstance(text, str) and is_known(text) else text
        if cls in _INI_CLASSES and meth in ("read", "read_file") and args:
            return self.settings("ini", _s(args[0]), is_file=True)
        if cls in _INI_CLASSES and meth == "read_string" and args:
            return self.settings("ini", _s(args[0]), is_file=False)
        sub = self.scope.subs.get(f"{cls}::{meth}") or self.scope.subs.get(meth)
        if sub is not None:
            return self.call(sub, [cls, *args], place)
        return unknown(f"{cls}->{meth}()")

    def settings(self, fmt: str, source: str, is_file: bool) -> object:
        """A settings file (or text) as the program gets it: Config::Tiny's hash of sections
        (keys before any section under `_`), JSON and YAML documents. A file that was not
        captured gives values standing for its content."""
        text = self.whole(source) if is_file else source    # a file as written or captured
        if markers(text):
            return text             # the content of a file not captured: its values stand so
        if not is_known(text):
            return unknown(f"settings read from {source[:60]}")
        if fmt == "ini" and not text.lstrip().startswith("["):
            text = "[_]\n" + text
        doc = settings.parsed(fmt, text, keep_case=True)
        # a text that does not parse here (a parser's limits, a dialect): what it says, still
        return doc if isinstance(doc, dict | list) else settings.unparsed(
            source if is_file else "the settings text it decodes")

    def path_method(self, path: str, meth: str, n: Node, place: Place) -> object:
        """Path::Tiny's path($p)->slurp / ->lines / ->remove / ->remove_tree."""
        if meth.startswith("slurp"):
            return self.whole(path)
        if meth.startswith("lines"):
            return file_lines(path, self.job)
        self.destroy(path, "delete-tree" if meth == "remove_tree" else "delete", n, place)
        return unknown("a count of files removed")

    def spawned(self, args: list[object], n: Node, place: Place) -> object:
        """Expect->spawn(@cmd): a session with the device a device program names (ssh, telnet,
        …), a shell its sends are read as, or a local program run."""
        cmd = " ".join(_s(x) for x in _flat(args)).strip()
        words = _words(cmd)
        prog = commands.base(words[0]) if words else ""
        if prog in commands._DEVICE_PROGRAMS:
            ops = commands.operands(words, commands._OPT_VALUES.get(prog))
            return _Session("cli", commands.host_of(ops[0]) if ops else
                            unknown("the device it connects to"), "Expect")
        if prog in _SHELLS and len(words) == 1:
            return _Handle("shell", cmd)
        self.shell(cmd, n, place, "spawned by Expect")
        return _Session("cli", unknown("a local program"), "Expect")

    def session_call(self, inv: _Session, meth: str, args: list[object], n: Node,
                     place: Place) -> object:
        if meth in libs.CONNECTS and args and inv.kind != "dbi" and not is_known(inv.host):
            # Net::Telnet open, Net::SSH2 / Control::CLI connect, Expect spawn
            new = self.spawned(args, n, place) if inv.cls == "Expect" and meth == "spawn" else \
                _Session(inv.kind, self.host_arg(args, _CONNECT), inv.cls)
            if isinstance(new, _Session):
                inv.host = new.host
            return "1"
        if meth in libs.SAME_SESSION:
            return inv
        if inv.kind == "snmp":
            return self.snmp_call(inv, meth, args, n, place)
        if inv.kind == "netconf" and meth in libs.NETCONF:
            self.device_command(_netconf_lines(meth, args), inv.host, n, place, inv)
            return unknown("the device's reply")
        if meth in libs.REMOTE and inv.kind in ("cli", "netconf") and inv.cls != "Expect":
            return self.remote(inv, meth, args, n, place)
        send = libs.CLASS_SENDS.get((inv.cls, meth)) or libs.SENDS.get(meth)
        if send is not None and inv.kind in ("cli", "netconf"):
            texts = self.sent(send, args)
            if inv.cls.endswith("(junos)"):
                texts = ["configure" if t == "configure terminal" else t for t in texts]
            if texts:
                self.device_command(texts, inv.host, n, place, inv)
            return unknown("what the device answers")
        return unknown(f"->{meth}()")

    def sent(self, send: libs.Send, args: list[object]) -> list[str]:
        """The texts one call puts on a session, as the table says where they are."""
        flat = _flat(args) if send.takes else []
        out = list(send.fixed)
        for key in send.named:
            v = self.named(flat, key)
            if v is not None:
                return out + ["".join(_s(x) for x in _flat([v]))]
        pos = flat[send.skip:]
        if send.first:
            out += [_s(x) for x in pos[:1]]
        elif pos:
            out.append("".join(_s(x) for x in pos))
        if send.stdin_at is not None and len(flat) > send.stdin_at:
            out.append(_s(flat[send.stdin_at]))
        return out

    def remote(self, inv: _Session, meth: str, args: list[object], n: Node,
               place: Place) -> object:
        """Net::OpenSSH method(\\%opts, @cmd), Net::SSH2 channel / Net::SSH::Expect exec($cmd):
        the command runs on the host, fed what stdin_data or stdin_file hold; the device reads
        the command and its input as one session."""
        opts = next((a for a in args if isinstance(a, dict)), {})
        words = [_s(x) for x in _flat([a for a in args if not isinstance(a, dict)])]
        cmd = " ".join(words)
        stdin = self.stdin_of(opts)
        texts = [t for t in (cmd, stdin) if t]
        if texts:
            self.device_command(texts, inv.host, n, place, inv)
        if cmd.strip():
            if stdin and is_known(stdin):
                cmd += f" <<'LG_INPUT'\n{stdin.rstrip(chr(10))}\nLG_INPUT"
            self.shell(cmd, n, place, f"on {render(inv.host)} over ssh")
        how = libs.REMOTE.get(meth, "output")
        if how == "input":          # what is printed to the handle is the command's input
            return _Session("cli", inv.host, inv.cls, list(texts))
        if how == "input-first":
            return [_Session("cli", inv.host, inv.cls, list(texts)), unknown("its output"),
                    unknown("its error output"), unknown("a process id")]
        return unknown("what the device answers")

    def stdin_of(self, opts: dict[str, object]) -> str:
        data = next((v for k, v in opts.items() if k.lstrip("-").lower() == "stdin_data"), None)
        if data is not None:
            return "".join(_s(x) for x in _flat([data]))
        path = next((v for k, v in opts.items() if k.lstrip("-").lower() == "stdin_file"), None)
        if path is None:
            return ""
        p = _s(_flat([path])[-1])
        w = self.job.written.get(p)
        if w is not None and w.content is not None:
            return w.content
        text = self.job.text_of(render(p).lstrip("/")) if is_known(p) else None
        return text if text is not None else unknown(f"the commands in {render(p)}")

    # --- SNMP -----------------------------------------------------------------------------

    def snmp_call(self, inv: _Session, meth: str, args: list[object], n: Node,
                  place: Place) -> object:
        line, ev = self.at(n)
        if meth in libs.SNMP_SETS:
            for oid, value in self.snmp_vars(meth, args):
                snmp_effect(self.job, place, line, ev, inv.host, oid, value)
            self.job.talks_to_devices = True
            return unknown("an SNMP response")
        if meth in libs.SNMP_WALKS:
            return self.snmp_walk(inv, meth, args)
        return unknown(f"->{meth}()")

    def snmp_vars(self, meth: str, args: list[object]) -> list[tuple[str, str]]:
        """(OID, value) of each variable a SET names: Net::SNMP's -varbindlist triples,
        net-snmp's Varbind/VarList/[tag, iid, val, type], SNMP_Session's [oid, value] pairs."""
        if meth == "set_request":
            items = self.named(args, "varbindlist")
            flat = [_s(x) for x in _flat(items if items is not None else args)]
            return [(flat[i], flat[i + 2]) for i in range(0, len(flat) - 2, 3)]
        if meth == "set_request_response":
            return [(_s(a[0]), _s(a[1])) for a in args if isinstance(a, list) and len(a) >= 2]
        if len(args) >= 2 and all(isinstance(a, str) for a in args):
            return [(_s(args[0]), _s(args[1]))] if len(args) == 2 else [_vb_oid(_Varbind(args))]
        return [_vb_oid(vb) for vb in _varbinds(args)]

    def snmp_walk(self, inv: _Session, meth: str, args: list[object]) -> object:
        """The rows a walk yields: a Varbind walked in place (getnext), the VarLists bulkwalk
        returns, a table's rows (gettable, Net::SNMP get_table)."""
        if meth in ("getnext", "getbulk", "bulkwalk"):
            vbs = _varbinds(args)
            rows = []
            for vb in vbs:
                row = self.walk_of(_s(vb[0]) if vb else "", inv.host)
                if isinstance(vb, _Varbind) and (len(vb) < 2 or not _s(vb[1])):
                    vb[1:2] = [row]
                rows.append([_Varbind([vb[0] if vb else "", row, unknown("a walked value"), ""])])
            return rows if meth == "bulkwalk" else unknown("the next value")
        oid = next((v for k in libs.SNMP_WALK_KEYS if (v := self.named(args, k)) is not None),
                   None)
        if oid is None:
            oid = args[0] if args else ""
        text = _s(_flat(oid)[0] if isinstance(oid, list) and oid else oid)
        return self.walk_of(text, inv.host)

    @staticmethod
    def walk_of(text: str, host: str) -> str:
        obj, _ = mib().resolve(render(text))
        return walked(".".join(map(str, obj.oid)) if obj else text, obj.name if obj else text,
                      host)

    def snmp_function(self, fn: str, args: list[object], n: Node, place: Place) -> object:
        """SNMP_util / Net_SNMP_util: snmpset("community@host:port…", oid, type, value, …),
        snmpwalk and snmpgetbulk (each row walked), snmpmaptable (its callback run for each
        row), snmpmapOID (names for OIDs)."""
        rest = _flat(args[1:])
        if fn == "snmpmapOID":
            flat = [_s(x) for x in _flat(args)]
            self.scope.oid_names.update({flat[i]: flat[i + 1] for i in range(0, len(flat) - 1, 2)})
            return "1"
        host = _agent(_s(args[0])) if args else unknown("the agent")
        self.job.talks_to_devices = True
        if fn == "snmpset":
            line, ev = self.at(n)
            texts = [_s(x) for x in rest]
            for i in range(0, len(texts) - 2, 3):
                snmp_effect(self.job, place, line, ev, host, self.oid_named(texts[i]),
                            texts[i + 2])
            return unknown("an SNMP response")
        if fn in ("snmpmaptable", "snmpmaptable4"):
            sub = rest[0] if rest and isinstance(rest[0], _Sub) else None
            cols = [x for x in rest[1:] if isinstance(x, str) and not x.isdigit()]
            if sub is not None and cols:
                self.call(sub, [self.walk_of(self.oid_named(cols[0]), host),
                                *(unknown("a walked value") for _ in cols)], place)
            return unknown("a count of rows")
        oids = [_s(x) for x in rest if not (isinstance(x, str) and x.isdigit())]
        return self.walk_of(self.oid_named(oids[0]), host) if oids else unknown("a walk")

    def oid_named(self, text: str) -> str:
        """An OID with a name snmpmapOID gave it replaced by its numbers."""
        head, dot, tail = text.partition(".")
        mapped = self.scope.oid_names.get(head)
        return mapped + dot + tail if mapped is not None else text

    @staticmethod
    def named(args: list[object], key: str) -> object | None:
        flat = args if len(args) != 1 or not isinstance(args[0], dict) else _flat(args[0])
        for i, a in enumerate(flat[:-1]):
            if isinstance(a, str) and a.lstrip("-").lower() == key:
                return flat[i + 1]
        return None

    def host_arg(self, args: list[object], spec: libs.SessionClass) -> str:
        flat = _flat(args)
        nested = self.named(flat, "connect_options")           # Net::CLI::Interact
        if isinstance(nested, dict):
            flat = _flat(nested) + flat
        for key in spec.host_keys:
            v = self.named(flat, key)
            if v is not None:
                return commands.host_of(_s(v))
        if spec.host_first and flat and (len(flat) % 2 == 1 or len(args) == 1) and \
                not isinstance(flat[0], (dict, list)):
            return commands.host_of(_s(flat[0]))
        return unknown("the device it connects to")

    def open(self, n: Node, place: Place) -> object:
        fn_n = n.child_by_field_id(_FIELD["function"])
        args_n = n.child_by_field_id(_FIELD["arguments"])
        parts = list(args_n.named_children) if args_n is not None and \
            args_n.type == "list_expression" else [args_n] if args_n is not None else \
            [c for c in n.named_children if c != fn_n]
        if not parts:
            return ""
        fh = parts[0]
        vals = [_s(self.value(p, place)) for p in parts[1:]]
        mode, target = ("", vals[0]) if len(vals) == 1 else (vals[0].strip(), " ".join(vals[1:])) \
            if vals else ("", "")
        if len(vals) == 1:
            m = re.match(r"^\s*(\||\+?[<>]{1,2})?\s*(.*?)\s*(\|)?\s*$", target, re.S)
            if m:
                mode = m.group(1) or ("-|" if m.group(3) else "")
                target = m.group(2)
        if mode in ("|-", "|"):
            handle = self.piped_to(target, n, place, "via a piped open")
        elif mode == "-|":
            handle = _Handle("pipe", target)
            self.shell(target, n, place, "via a piped open")
        elif mode.lstrip("+").startswith(">"):
            handle = self.write_handle(mode, target, n, place, fh)
        else:
            handle = _Handle("file", target.lstrip("<> "))
        self.scope.vars[self.handle_key(fh)] = handle
        return "1"

    def piped_to(self, target: str, n: Node, place: Place, note: str) -> _Handle:
        """The handle a program writes into a command's input through (a piped open, IPC::Open2
        and Open3): a device session, a shell, or another program; the command itself is run."""
        words = target.split()
        prog = commands.base(words[0]) if words else ""
        if prog in commands._DEVICE_PROGRAMS:
            ops = commands.operands(words, commands._OPT_VALUES.get(prog))
            handle = _Handle("device", target, commands.host_of(ops[0]) if ops else "")
            self.job.talks_to_devices = True
        elif prog in ("sh", "bash", "dash", "ksh", "zsh") and len(words) == 1:
            handle = _Handle("shell", target)
        else:
            handle = _Handle("pipe", target)
        self.shell(target, n, place, note)
        return handle

    def open2(self, n: Node, short: str, place: Place) -> object:
        """IPC::Open2 `open2($out, $in, CMD…)` and IPC::Open3 `open3($in, $out, $err, CMD…)`:
        what is printed to $in is the command's input."""
        fn_n = n.child_by_field_id(_FIELD["function"])
        args_n = n.child_by_field_id(_FIELD["arguments"])
        parts = list(args_n.named_children) if args_n is not None and \
            args_n.type == "list_expression" else [c for c in n.named_children if c != fn_n]
        at_in, first_cmd = (1, 2) if short == "open2" else (0, 3)
        if len(parts) <= first_cmd:
            return unknown(f"the process {short}() starts")
        words = [_s(x) for p in parts[first_cmd:] for x in _flat(self.value(p, place))]
        target = words[0] if len(words) == 1 else " ".join(shlex.quote(w) for w in words)
        handle = self.piped_to(target, n, place, f"via {short}()")
        fh = parts[at_in]
        if fh.type in ("variable_declaration", "scalar", "bareword", "filehandle"):
            self.scope.vars[self.handle_key(fh)] = handle
        return unknown(f"the process id {short}() returns")

    def handle_key(self, fh: Node) -> str:
        return ("*" + self.text(fh)) if fh.type in ("bareword", "filehandle") else \
            "$" + self.varname(fh)

    def write_handle(self, mode: str, path: str, n: Node, place: Place, fh: Node) -> _Handle:
        """A file opened for writing: a disk or a log overwritten is destroyed; any other file
        holds what the program prints to it (so running it later is judged by that text), and
        one opened to be emptied (nothing ever written to it) is truncated."""
        line, ev = self.at(n)
        p = render(path)
        handle = _Handle("write", path)
        if _BLOCK_DEVICE.match(p):
            commands._destroy(self.job, place, line, ev, path, "wipe")
        elif not mode.endswith(">>") and commands.FORENSIC.search(p):
            commands._destroy(self.job, place, line, ev, path, "truncate")
        else:
            if is_known(path) and not markers(path):
                old = self.job.written.get(path)
                keep = old.content if mode.endswith(">>") and old is not None else ""
                self.job.written[path] = Written(keep, "written by this job")
            if not mode.endswith(">>") and fh.type in ("bareword", "filehandle", "scalar",
                                                       "variable_declaration") and \
                    self.text(fh) not in ("STDOUT", "STDERR"):    # a redirection, not a file
                key = self.handle_key(fh)
                name = re.escape(key[1:])
                handle.pending = _Pending(self, n.end_byte, place, line, ev, re.compile(
                    rf"\b{name}\b" if key[0] == "*" else rf"\$(?:{name}\b|\{{{name}\}})"))
                self.scope.pending.append(handle)
        return handle

    def close(self, n: Node, fn_n: Node | None, place: Place) -> object:
        """close FH / close($fh): a file opened for writing and closed with nothing written to
        it in between has been emptied."""
        arg = next((c for c in n.named_children if c != fn_n and c.type != "comment"), None)
        if arg is not None and arg.type in ("list_expression", "parenthesized_expression") \
                and arg.named_child_count:
            arg = arg.named_child(0)
        if arg is None:
            return "1"
        handle = self.scope.vars.get("*" + self.text(arg)) if arg.type in (
            "bareword", "filehandle") else self.value(arg, place)
        if isinstance(handle, _Handle) and handle.pending is not None:
            _emptied(handle, n.start_byte)
        return "1"

    def sysopen(self, n: Node, fn_n: Node | None, place: Place) -> object:
        """sysopen(FH, $path, O_WRONLY|O_TRUNC…): opened for writing, emptied first."""
        a = n.child_by_field_id(_FIELD["arguments"])
        parts = list(a.named_children) if a is not None and a.type == "list_expression" else []
        if len(parts) < 3:
            return unknown("sysopen()")
        path = _s(self.value(parts[1], place))
        flags = self.text(parts[2])
        handle = self.write_handle(">" if "O_TRUNC" in flags else ">>", path, n, place, parts[0]) \
            if re.search(r"O_(?:WRONLY|RDWR)", flags) else _Handle("file", path)
        self.scope.vars[self.handle_key(parts[0])] = handle
        return "1"

    def print_to(self, n: Node, fn: str, place: Place) -> object:
        """print/printf/say/syswrite: what goes to a device, a piped shell or a file written."""
        ind = next((c for c in n.named_children if c.type == "indirect_object"), None)
        fn_n = n.child_by_field_id(_FIELD["function"])
        held = [c for c in n.named_children if c != fn_n and c.type != "comment"]
        called = held[0].child_by_field_id(_FIELD["function"]) if len(held) == 1 and \
            held[0].type.endswith("function_call_expression") else None
        bare = self.scope.vars.get("*" + self.text(called).strip()) if called is not None \
            and ind is None else None
        if isinstance(bare, _Handle):
            # `print SH "…"` for a bareword handle opened before, which tree-sitter-perl reads
            # as a call of a sub SH: the text printed to that handle
            texts = [_s(x) for x in _flat(self.args_of(held[0], place, called))]
            if fn == "printf" and texts:
                texts = [_s(self.builtin("sprintf", list(texts), n))]
            self.to_handle(bare, texts, n, place)
            return "1"
        if self.job.printed is not None and fn in ("print", "say", "printf") and (
                ind is None or self.text(ind).strip("{} ") == "STDOUT"):
            # standard output read by what follows in a pipe: what is printed, as text
            texts = [_s(x) for x in _flat(self.args_of(n, place, fn_n))] or \
                [_s(self.scope.vars.get("$_", ""))]
            if fn == "printf":
                texts = [_s(self.builtin("sprintf", list(texts), n))]
            self.job.printed.append("".join(texts) + ("\n" if fn == "say" else ""))
            return "1"
        if ind is None and fn != "syswrite" and not _CALLS_IN.search(self.src, n.start_byte,
                                                                      n.end_byte):
            return "1"              # text for the terminal or a log, with nothing run in it
        args = _flat(self.args_of(n, place, fn_n))
        handle: object = None
        if ind is not None:
            inner = ind.named_child(0) if ind.named_child_count else None
            if inner is not None and inner.type == "block" and inner.named_child_count:
                inner = inner.named_child(0)
                if inner.type == "expression_statement" and inner.named_child_count:
                    inner = inner.named_child(0)
            if inner is not None:
                handle = self.scope.vars.get("*" + self.text(inner)) if inner.type == "bareword" \
                    else self.value(inner, place)
        elif fn == "syswrite" and args:
            handle, args = args[0], args[1:2]
        if isinstance(handle, (_Handle, _Session)):
            if fn == "printf" and args:
                args = [self.builtin("sprintf", args, n)]
            self.to_handle(handle, [_s(x) for x in args], n, place)
        return "1"

    def to_handle(self, handle: _Handle | _Session, texts: list[str], n: Node,
                  place: Place) -> None:
        text = "".join(texts)
        if isinstance(handle, _Session):
            if handle.kind == "cli":
                self.device_command(text, handle.host, n, place, handle)
            return
        if handle.kind == "device":
            self.device_command(text, handle.host, n, place)
        elif handle.kind == "write":
            # printed into a place that runs later: judged by what the planted job will do
            line, ev = self.at(n)
            planted.plant(self.job, place, line, ev, handle.target, text,
                          "generated at run time by this Perl program")
            w = self.job.written.get(handle.target)
            if w is not None and w.content is not None:
                known = is_known(text) and not markers(text)
                self.job.written[handle.target] = Written(w.content + text, w.source) if known \
                    else Written(None, "generated at run time by this Perl program")
        elif handle.kind == "shell":
            self.shell(text, n, place, f"printed to `{handle.target}`")

    def device_command(self, text: str | list[str], host: str, n: Node, place: Place,
                       session: _Session | None = None) -> None:
        """Commands sent to a device; on a session, read after what it sent before."""
        line, ev = self.at(n)
        self.job.talks_to_devices = True
        texts = [text] if isinstance(text, str) else text
        # each line read from a file of commands: the device gets every line of it
        text = [self.whole(f) if (f := listed_file(t)) is not None else t for t in texts]
        before = session.sent[-_MAX_CONTEXT:] if session is not None else ()
        eff = device.command_effect(text, host, place.path, *place.where(line, ev),
                                    context=before, gates=place.gates, via=place.via,
                                    called=place.called)
        if session is not None:
            session.sent.extend(text)
        if eff is not None:
            self.job.sink.append(eff)

    # --- programs run from here -----------------------------------------------------------

    def code(self, code: str, n: Node, place: Place, note: str = "in eval") -> None:
        """eval STRING (or a file this program wrote, run by do/require): the code is read as
        Perl in this program's scope."""
        line, ev = self.at(n)
        layers = self.scope.decoded.get(code)
        if layers:
            self.job.sink.append(place.effect("concealment", line, ev, how=" then ".join(layers)))
        modules = _required_modules(code) if not layers else None
        if modules is not None:
            # `eval "require $name"` over module names (the optional-module idiom): loads
            # installed modules, as `use` does; a value that is not a module name is code
            for name in modules:
                self.include(name.replace("::", "/") + ".pm", n, place, module=True)
            return
        if is_known(code) and not markers(code):
            inner_place = place.nested(line, ev, note if not layers else
                                       f"decoded from {' then '.join(layers)}")
            if too_deep(self.job, inner_place, "perl", code):
                return
            src = source_bytes("perl", code, self.job, inner_place)
            inner = _Perl(src, self.job, inner_place, self.scope, self.env)
            inner.run(_parse(src).root_node)
            _report_errors(_parse(src), inner, inner_place)
        else:
            self.job.sink.append(place.effect("unseen-code", line, ev, target=render(code)))

    def shell(self, text: str, n: Node, place: Place, note: str) -> None:
        line, ev = self.at(n)
        layers = self.scope.decoded.get(text)
        if layers:
            self.job.sink.append(place.effect("concealment", line, ev, how=" then ".join(layers)))
            note = f"decoded from {' then '.join(layers)}"
        read("shell", text, self.job, place.nested(line, ev, note), self.exported())

    def exported(self) -> dict[str, str]:
        """What the program set in %ENV (`$ENV{P} = '/srv/…'`): the environment of a shell it
        runs, where `rm -rf "$P"` reads it."""
        env = self.scope.vars.get("%ENV")
        if not isinstance(env, dict):
            return {}
        return {k: v for k, v in env.items() if isinstance(k, str) and isinstance(v, str)
                and self.env.get(k) != v}


_MODULE = re.compile(r"[A-Za-z_]\w*(?:::\w+)*")


def _required_modules(code: str) -> list[str] | None:
    """The module names of eval'd code that is only `require NAME` (for each name of a known
    list), else None."""
    m = re.fullmatch(r"\s*require\s+(.+?)\s*;?\s*", code, re.S)
    if m is None or not is_known(m.group(1)):
        return None
    names = [x for x in expand_each(m.group(1)) if x]
    return names if all(_MODULE.fullmatch(x) for x in names) else None


# pack templates of strings only (A, a, Z with a count or *): the arguments laid end to end
_STRING_PACK = re.compile(r"(?:\s*[aAZ](?:\d+|\*)?)+\s*")


def _pack_strings(template: str, items: list[str]) -> str:
    out: list[str] = []
    for (letter, count), item in zip(re.findall(r"([aAZ])(\d+|\*)?", template), items,
                                     strict=False):
        if not is_known(item) and count != "*":
            return unknown("a packed string")
        if count in ("", "*"):
            out.append(item[:1] if count == "" else item + ("\0" if letter == "Z" else ""))
        else:
            n = int(count)
            out.append(item[:n].ljust(n, " " if letter == "A" else "\0"))
    return "".join(out)


def _substr(s: list[str]) -> object:
    """substr(EXPR, OFFSET[, LENGTH]) as Perl counts: negative offsets and lengths from the
    end. The value is what it takes out (a fourth argument replaces that part in EXPR)."""
    text = s[0]
    if not is_known(text) or not all(re.fullmatch(r"-?\d+", x) for x in s[1:3]):
        return unknown("part of a value")
    start = int(s[1]) if int(s[1]) >= 0 else max(0, len(text) + int(s[1]))
    end = len(text) if len(s) < 3 else \
        start + int(s[2]) if int(s[2]) >= 0 else len(text) + int(s[2])
    return text[start:max(start, end)]


class _Sprintf:
    """sprintf's conversions over the arguments given (unknown ones stay markers)."""

    def __init__(self, args: list[str]):
        self.args, self.i = args, 0

    def __call__(self, m: re.Match[str]) -> str:
        conv = m.group(2)
        if conv == "%":
            return "%"
        if m.group(1):
            k = int(m.group(1)[:-1]) - 1
        else:
            k, self.i = self.i, self.i + 1
        v = self.args[k] if k < len(self.args) else ""
        spec = m.group(0)[:-1].replace(m.group(1) or "", "")
        spec = re.sub(r"[lhqLV]", "", spec)
        if conv in "diouxX" and v.lstrip("-").isdigit():
            return (spec + ("d" if conv == "i" else conv)) % int(v)
        if conv == "c" and v.isdigit():
            return chr(int(v))
        return v if conv != "s" or spec == "%" else (spec + "s") % v


def _report_errors(tree: Tree, reader: _Perl, place: Place) -> None:
    """Stretches the grammar could not place that touch devices or data: unparsed, at the
    first such stretch (unknown is not benign)."""
    root = tree.root_node
    if not root.has_error:
        return
    stack = [root]
    while stack:
        x = stack.pop()
        if x.type == "ERROR" or x.is_missing:
            span = x.parent if x.is_missing and x.parent is not None else x
            text = reader.text(span)
            if _TOUCHES.search(text):
                line, ev = reader.at(span)
                reader.job.sink.append(place.effect(
                    "unparsed", line, ev, target="perl (with syntax errors)",
                    how="touches devices or data"))
                return
            continue
        if x.has_error:
            stack.extend(reversed(x.children))


_MARKED_ARGS = tuple(symbol("arg", str(i), f"$_[{i - 1}]") for i in range(1, 10))


# Marks in a call's context key, which no value of a program can be: the members of a hash
# that follow, and a value that is neither text nor a container (shown by its repr).
_HASH = object()
_SCALAR = object()


def _context(value: object, depth: int = 0) -> object:
    """A value as part of a call's context key: text as it is, containers by every member (two
    calls that differ only in a list's last item are two contexts), anything else by its type.
    Hashable and compared as it is built (no repr): an empty hash is the same as an empty list,
    a container past three levels is its type's name."""
    if isinstance(value, str) or value is None:
        return value
    if isinstance(value, (int, float, bool)):
        return (_SCALAR, repr(value))       # 1, 1.0 and True are three values, not one
    if depth < 3 and isinstance(value, (list, tuple)):
        return tuple([v if type(v) is str else _context(v, depth + 1) for v in value])
    if depth < 3 and isinstance(value, dict):
        return (_HASH, *[(str(k), v if type(v) is str else _context(v, depth + 1))
                         for k, v in value.items()]) if value else ()
    return type(value).__name__


def read_perl(text: str, job: Job, place: Place, env: dict[str, str]) -> None:
    m = _DATA.search(text)
    data = text[m.end():] if m else ""
    src = source_bytes("perl", text[:m.start()] if m else text, job, place)
    tree = _parse(src)
    scope = _Scope()
    scope.vars["*DATA"] = _Handle("data", data)
    reader = _Perl(src, job, place, scope, env)
    reader.run(tree.root_node)
    reader.uncalled()
    for handle in scope.pending:
        _emptied(handle, None)
    _report_errors(tree, reader, place)


READERS["perl"] = read_perl


def _const(fn: Callable[[_Perl, Node], object]) -> Callable[[_Perl, Node, Place], object]:
    """A reader of a node that needs no place, in the dispatch table's form."""
    return lambda r, n, p: fn(r, n)


_VALUES = {
    "string_literal": _const(_Perl.literal),
    "interpolated_string_literal": _Perl.interpolated, "heredoc_content": _Perl.interpolated,
    "command_string": _Perl.backticks,
    "quoted_word_list": lambda r, n, p: r.raw(n).split(),
    "heredoc_token": _Perl.heredoc,
    "number": lambda r, n, p: r.text(n), "version": lambda r, n, p: r.text(n),
    "match_regexp": _Perl.regexp, "quoted_regexp": _Perl.regexp,
    # a word before `=>` is a string, even when a sub or a constant has that name
    "autoquoted_bareword": lambda r, n, p: r.text(n),
    "bareword": _Perl.bareword, "package": _Perl.bareword,
    "scalar": _Perl.scalar, "array": _Perl.array, "hash": _Perl.hash,
    "array_deref_expression": _Perl.deref, "hash_deref_expression": _Perl.deref,
    "scalar_deref_expression": _Perl.deref,
    "array_element_expression": _Perl.element, "hash_element_expression": _Perl.element,
    "variable_declaration": _Perl.declared, "localization_expression": _Perl.declared,
    "assignment_expression": _Perl.assign, "binary_expression": _Perl.binary,
    **dict.fromkeys(("equality_expression", "relational_expression", "logical_not_expression",
                     "unary_expression", "postinc_expression", "preinc_expression", "arraylen",
                     "arraylen_deref_expression"), _Perl.computed),
    "lowprec_logical_expression": _Perl.either, "conditional_expression": _Perl.ternary,
    "parenthesized_expression": _Perl.list_of, "list_expression": _Perl.list_of,
    "anonymous_array_expression":
        lambda r, n, p: [x for c in n.named_children for x in r.listed(c, p)],
    "anonymous_hash_expression":
        lambda r, n, p: r.pairs([x for c in n.named_children for x in r.listed(c, p)]),
    "anonymous_slice_expression": _Perl.slice,
    **dict.fromkeys(("function_call_expression", "ambiguous_function_call_expression",
                     "func1op_call_expression", "func0op_call_expression"), _Perl.function),
    "method_call_expression": _Perl.method, "coderef_call_expression": _Perl.coderef_call,
    "anonymous_subroutine_expression": _Perl.anonymous_sub, "refgen_expression": _Perl.reference,
    "glob_slot_expression": _Perl.glob_slot,
    "map_grep_expression": _Perl.map_grep, "code_deref_expression": _Perl.deref, "sort_expression": _Perl.map_grep,
    "readline_expression": _const(_Perl.readline), "eval_expression": _Perl.eval,
    "do_expression": _Perl.do_block, "require_expression": _Perl.require,
    "return_expression": _Perl.returns,
    "postfix_conditional_expression": _Perl.postfix_if,
    "postfix_for_expression": _Perl.postfix_loop, "postfix_loop_expression": _Perl.postfix_loop,
    "fileglob_expression": lambda r, n, p: r.text(n).strip("<>"),
    "glob": lambda r, n, p: r.text(n).strip("<>"),
    **dict.fromkeys(("stub_expression", "yadayada"), lambda r, n, p: ""),
    "undef_expression": lambda r, n, p: r.undef(n),
    "transliteration_expression": lambda r, n, p: r.rewrite_topic(n, p),
    "substitution_regexp": lambda r, n, p: r.rewrite_topic(n, p),
    "block": _Perl.block, "function": _Perl.bare_function,
}
