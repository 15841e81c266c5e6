"""Perl programs read with a careful tokenizer (no Perl parser ships as a usable wheel for our
purpose: see the README): statements split outside strings, scalars, arrays and `use constant`
followed, "…" interpolation, `.` concatenation, qw//q//qq//, sprintf/join/reverse/pack("H*")/
decode_base64/uncompress, foreach over lists and over lines of an opened file. Effects come from
system/exec/backticks/qx/piped open (read as shell), unlink/rmtree/remove_tree/truncate,
Net::SNMP set_request, Net::Telnet/Net::SSH*/Net::OpenSSH/Expect sessions, DBI do/prepare,
and eval of built or decoded code."""

from __future__ import annotations

import re
import shlex
from dataclasses import replace
from typing import Literal

from lineguard.collector.analyse.effects import commands, decode, device, sql
from lineguard.collector.analyse.effects.model import is_known, markers, render, unknown
from lineguard.collector.analyse.effects.resolve import (
    READERS,
    Job,
    Place,
    each_of,
    file_lines,
    read,
    walked,
)
from lineguard.collector.analyse.effects.shell import gate_of, snmp_effect

_POD = re.compile(r"^=[a-zA-Z].*?^=cut\b.*?$", re.S | re.M)
_STR = re.compile(r"""("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`(?:\\.|[^`\\])*`|"""
                  r"""\bq[qwx]?\s*(?:\{[^}]*\}|\([^)]*\)|\[[^\]]*\]|<[^>]*>|([^\w\s{(\[<])(?:(?!\2).)*\2))""", re.S)
_TOKEN = re.compile(r"""\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'|`(?:\\.|[^`\\])*`|"""
                    r"""\bq[qwx]?\s*(?:\{[^}]*\}|\([^)]*\)|\[[^\]]*\]|<[^>]*>|([~!|/#^%,:@])(?:(?!\1).)*\1)|"""
                    r"""#[^\n]*|[;{}]|[^\"'`q#;{}]+|.""", re.S)
_PRINT_TO = re.compile(r"^(?:print|printf|syswrite)\s*\(?\s*\{?\s*\$(\w+)\s*\}?\s*,?\s*(.*)$", re.S)
# A `{` opens a block after these (else it is a hash subscript, an anonymous hash, a file handle)
_BLOCK_BEFORE = re.compile(r"(?:^|[;)]|\b(?:else|do|eval|BEGIN|END|sub\s+\w+|sub))\s*$")
_SUB = re.compile(r"^sub\s+(\w+)\s*\{$")
_CALL = re.compile(r"(?<![\w$@%>:])&?(\w+)\s*\((.*?)\)\s*(?:;|$|or\b|and\b|\|\||&&)", re.S)
_PARAMS = re.compile(r"^(?:my|local)\s*(?:\(([^)]*)\)\s*=\s*@_|(\$\w+)\s*=\s*shift(?:\s*\(\s*@_\s*\))?)\s*$")
_REQUIRE = re.compile(r"^(?:require|do)\s*\(?\s*(['\"][^'\"]+['\"]|\$\w+)\s*\)?$")
_INTERESTING = re.compile(r"=|system|exec|`|qx|unlink|rmtree|remove_tree|truncate|eval|->|open|"
                          r"\bfor|\bwhile|constant|print")
_IF = re.compile(r"^(?:if|unless|elsif)\s*\(")
_POSTFIX_IF = re.compile(r"\s(?:if|unless)\s*\(?.*(?:time|hostname|-e\s)")
_ASSIGN = re.compile(r"^(?:my|our|local)?\s*([\$@])(\w+)\s*(\.?=)\s*(.+)$", re.S)
_VALUE_START = re.compile(r"""^\s*(?:["'(\[$@\d]|q[qw]?\W|decode_base64|join|sprintf|pack|unpack|reverse|"""
                          r"uncompress|lc\b|uc\b|scalar|<|MIME|Compress)")
_VAR = re.compile(r"\$\{?(\w+)\}?(?:\[(\d+)\])?|@\{?(\w+)\}?")


def _closing(text: str, start: int) -> int:
    """Index of the bracket closing the one at `start` (quotes skipped), or -1."""
    depth, quote = 0, ""
    for i in range(start, len(text)):
        ch = text[i]
        if quote:
            if ch == quote and text[i - 1] != "\\":
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                return i
    return -1


_HEREDOC = re.compile(r"<<\s*(?:'(\w+)'|\"(\w+)\"|(\w+))")


def _heredocs(text: str) -> str:
    """Here-documents (`<<'TAG'`, `<<"TAG"`, `<<TAG`) as the quoted strings they are; their
    lines stay as blank lines so line numbers hold."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        m = _HEREDOC.search(line) if "<<" in line else None
        if m is None:
            out.append(line)
            i += 1
            continue
        tag = m.group(1) or m.group(2) or m.group(3)
        end = next((k for k in range(i + 1, len(lines)) if lines[k].strip() == tag), None)
        if end is None:
            out.append(line)
            i += 1
            continue
        body = "\n".join(lines[i + 1:end]) + "\n"
        quoted = "'" + body.replace("\\", "\\\\").replace("'", "\\'") + "'" if m.group(1) else \
            '"' + body.replace('"', '\\"') + '"'
        out.append(line[:m.start()] + quoted.replace("\n", "\\n" if not m.group(1) else "\n")
                   + line[m.end():])
        out.extend([""] * (end - i - 1))
        i = end + 1
    return "\n".join(out)


class _Perl:
    def __init__(self, text: str, job: Job, place: Place):
        self.job, self.place = job, place
        self.scalars: dict[str, object] = {}
        self.handles: dict[str, str] = {}
        self.sessions: dict[str, str] = {}
        self.decoded: dict[str, tuple[str, ...]] = {}
        self.text = text
        self.subs: dict[str, tuple[list[tuple[int, str]], Place]] = {}
        self.called: set[str] = set()
        self.stack: list[str] = []
        self.depth = 0

    def statements(self) -> list[tuple[int, str]]:
        """(line, statement) split at `;`, `{` and `}` outside strings and comments."""
        text = _POD.sub(lambda m: "\n" * m.group(0).count("\n"), self.text)
        text = text.split("\n__END__", 1)[0].split("\n__DATA__", 1)[0]
        text = _heredocs(text)
        out: list[tuple[int, str]] = []
        buf: list[str] = []
        line = start = 1
        inline = 0            # braces of a hash subscript, an anonymous hash or `print {$fh}`
        for m in _TOKEN.finditer(text):
            tok = m.group(0)
            if tok == "{" and (inline or not _BLOCK_BEFORE.search("".join(buf[-8:]).rstrip() or ";")):
                inline += 1
                buf.append(tok)
                continue
            if tok == "}" and inline:
                inline -= 1
                buf.append(tok)
                continue
            if tok in (";", "{", "}"):
                stmt = "".join(buf).strip()
                if stmt:
                    out.append((start, stmt + (tok if tok == "{" else "")))
                if tok == "}":
                    out.append((line, "}"))      # a block closes (subs are collected by it)
                buf = []
                start = line
                continue
            nl = tok.count("\n")
            if tok[0] == "#" and (m.start() == 0 or text[m.start() - 1] in " \t\n;{}(,"):
                line += nl
                continue
            if not buf and not tok.strip():
                line += nl
                start = line
                continue
            if not buf:
                start = line + tok[:len(tok) - len(tok.lstrip())].count("\n")
            buf.append(tok)
            line += nl
        if "".join(buf).strip():
            out.append((start, "".join(buf).strip()))
        return out

    # --- values ---------------------------------------------------------------------------

    def interp(self, s: str) -> str:
        def one(m: re.Match[str]) -> str:
            name = m.group(1) or m.group(3)
            v = self.scalars.get(name)
            if v is None:
                return unknown(f"${name} is not known before the program runs")
            if isinstance(v, list):
                if m.group(2) is not None and int(m.group(2)) < len(v):
                    return str(v[int(m.group(2))])
                return " ".join(map(str, v)) if m.group(3) else str(v[0] if v else "")
            return str(v)
        return _VAR.sub(one, s)

    def atom(self, tok: str) -> object:
        tok = tok.strip()
        if not tok:
            return ""
        if tok[0] == "'" and tok.endswith("'"):
            return tok[1:-1].replace("\\'", "'")
        if tok[0] == '"' and tok.endswith('"'):
            return decode.escapes(self.interp(tok[1:-1]))
        m = re.match(r"^q([qwx]?)\s*[{(\[<~!|/#^%,:@](.*)[})\]>~!|/#^%,:@]$", tok, re.S)
        if m:
            if m.group(1) == "w":
                return m.group(2).split()
            return self.interp(m.group(2)) if m.group(1) == "q" else m.group(2)
        if tok[0] == "(" and tok.endswith(")"):
            inner = [self.value(p) for p in self.split(tok[1:-1], ",")]
            flat: list[object] = []
            for x in inner:
                flat.extend(x if isinstance(x, list) else [x])
            return flat
        if tok[0] == "[" and tok.endswith("]"):
            return self.atom("(" + tok[1:-1] + ")")
        if re.fullmatch(r"-?\d+", tok):
            return tok
        m = re.fullmatch(r"([A-Za-z_]\w*)(?:\(\))?", tok)
        if m and m.group(1) in self.scalars:          # a `use constant` name
            return self.scalars[m.group(1)]
        m = re.fullmatch(r"[\$@]\{?(\w+)\}?", tok)
        if m:
            v = self.scalars.get(m.group(1))
            return v if v is not None else unknown(f"{tok} is not known before the program runs")
        m = re.fullmatch(r"(?:MIME::Base64::)?(decode_base64|uncompress|reverse|lc|uc|join|sprintf|"
                         r"pack|scalar|unpack|Compress::Zlib::uncompress|memGunzip)\s*\((.*)\)", tok, re.S)
        if m:
            fn, args = m.group(1).rsplit(":", 1)[-1], [self.value(a) for a in self.split(m.group(2), ",")]
            return self.func(fn, args)
        m = re.fullmatch(r"(decode_base64|reverse|scalar\s+reverse)\s+(.*)", tok, re.S)
        if m:
            return self.func(m.group(1).split()[-1], [self.value(m.group(2))])
        m = re.fullmatch(r"map\s*\{\s*(?:scalar\s+)?reverse(?:\s*\(?\s*\$_\s*\)?)?\s*;?\s*\}\s*(.*)", tok, re.S)
        if m:                       # each item reversed (a line-by-line reversal)
            v = self.value(m.group(1))
            items = v if isinstance(v, list) else [v]
            out = [self.s(x)[::-1] for x in items]
            for x, y in zip(items, out, strict=False):
                self.decoded[y] = self.decoded.get(self.s(x), ()) + ("reversal",)
            return out
        m = re.fullmatch(r"map\s*\{[^{}]*\}\s*(.*)", tok, re.S)
        if m:                       # each item changed some way: walked rows stay the rows
            v = self.value(m.group(1))
            return v if isinstance(v, str) and markers(v) else unknown(f"{tok[:60]}")
        m = re.fullmatch(r"`([^`]*)`|qx\s*[{(\[/|!](.*)[})\]/|!]", tok, re.S)
        if m:                       # a command's output, when it is one lineguard knows
            try:
                argv = shlex.split(self.interp(m.group(1) or m.group(2) or ""))
            except ValueError:
                argv = []
            printed = commands.output(argv, None, self.job) if argv else None
            return printed if printed is not None else unknown(f"output of {tok[:60]}")
        m = re.fullmatch(r"split\s*\(?\s*/((?:\\.|[^/])*)/\s*,\s*(.*?)\)?", tok, re.S)
        if m:
            text = self.s(self.value(m.group(2)))
            sep = decode.escapes(m.group(1)) if m.group(1) in ("\\n", "\\r\\n", ",", ":", " ") else None
            return text.split(sep) if sep else re.split(m.group(1), text)
        m = re.fullmatch(r"(?:sort\s+)?(?:keys|values)\s*\(?\s*%\{?\$?(\w+)\}?\s*\)?", tok)
        if m:
            v = self.scalars.get(m.group(1))
            return v if isinstance(v, str) and markers(v) else unknown(f"keys of %{m.group(1)}")
        m = re.fullmatch(r"\$(\w+)\s*->\s*(get_table|get_entries|get_bulk_request|walk)\s*\((.*)\)"
                         r"(?:\s*\|\|.*)?", tok, re.S)
        if m:
            named = self.split(m.group(3), ",")
            oid = next((self.s(self.value(named[i + 1])) for i, a in enumerate(named[:-1])
                        if a.strip().strip("'\"-").lower() in ("baseoid", "columns", "varbindlist")),
                       self.s(self.value(named[0])) if named else "")
            from lineguard.collector.analyse.effects.mib import mib
            obj, idx = mib().resolve(render(oid))
            return walked(".".join(map(str, obj.oid)) if obj else oid, obj.name if obj else oid,
                          self.sessions.get(m.group(1), ""))
        m = re.fullmatch(r"<\s*\$?(\w+)\s*>", tok)
        if m and m.group(1) in self.handles:
            return file_lines(self.handles[m.group(1)], self.job)
        return unknown(f"{tok[:60]}")

    def func(self, fn: str, args: list[object]) -> object:
        s = [self.s(a) for a in args]
        if fn == "decode_base64" and s:
            return self.undo("base64", s[0])
        if fn in ("uncompress", "memGunzip") and s:
            return self.undo("zlib" if fn == "uncompress" else "gzip", s[0])
        if fn == "reverse" and s:
            out = "".join(s)[::-1]
            self.decoded[out] = self.decoded.get("".join(s), ()) + ("reversal",)
            return out
        if fn == "pack" and len(s) >= 2 and s[0].upper().startswith("H"):
            return self.undo("hex", s[1])
        if fn == "unpack" and len(s) >= 2 and s[0].startswith("u"):
            return self.undo("uu", s[1])
        if fn == "join" and s:
            rest = [x for a in args[1:] for x in (a if isinstance(a, list) else [a])]
            out = s[0].join(self.s(x) for x in rest)
            layers = tuple(dict.fromkeys(lay for x in rest for lay in self.decoded.get(self.s(x), ())))
            if layers:
                self.decoded[out] = layers
            return out
        if fn == "sprintf" and s:
            try:
                return s[0] % tuple(s[1:s[0].count("%") + 1])
            except (TypeError, ValueError):
                return " ".join(s)
        if fn in ("lc", "uc") and s:
            return s[0].lower() if fn == "lc" else s[0].upper()
        if fn == "scalar" and args:
            return args[0]
        return unknown(f"{fn}()")

    def undo(self, layer: str, data: str) -> object:
        if not is_known(data):
            return unknown("decoded data")
        out = decode.undo(layer, data)
        if out is None:
            return unknown("data that does not decode")
        text = out if isinstance(out, str) else out.decode("latin-1")
        self.decoded[text] = self.decoded.get(data, ()) + (layer,)
        return text

    @staticmethod
    def split(expr: str, sep: str) -> list[str]:
        parts, depth, buf, i = [], 0, [], 0
        while i < len(expr):
            m = _STR.match(expr, i) if expr[i] in "\"'`q" else None
            if m and (expr[i] != "q" or i == 0 or not expr[i - 1].isalnum()):
                buf.append(m.group(0))
                i = m.end()
                continue
            c = expr[i]
            depth += (c in "([{") - (c in ")]}")
            if depth == 0 and (expr.startswith(sep, i) or (sep == "," and expr.startswith("=>", i))):
                if sep == "." and (i + 1 < len(expr) and expr[i + 1] in ".=0123456789" or
                                   i > 0 and expr[i - 1].isdigit()):
                    buf.append(c)
                    i += 1
                    continue
                parts.append("".join(buf))
                buf = []
                i += 2 if expr.startswith("=>", i) else len(sep)
                continue
            buf.append(c)
            i += 1
        parts.append("".join(buf))
        return [p for p in (x.strip() for x in parts) if p]

    def value(self, expr: str) -> object:
        parts = self.split(expr.strip(), ".")
        if len(parts) == 1:
            return self.atom(parts[0])
        return "".join(self.s(self.atom(p)) for p in parts)

    @staticmethod
    def s(v: object) -> str:
        if isinstance(v, list):
            return " ".join(str(x) for x in v)
        return str(v)

    # --- statements -----------------------------------------------------------------------

    def run(self, statements: list[tuple[int, str]] | None = None, place: Place | None = None
            ) -> None:
        """Run statements in order; `sub NAME {…}` bodies are kept for their calls (and read,
        as uncalled, at the end of the program)."""
        top = statements is None
        place = place or self.place
        stmts = self.statements() if statements is None else statements
        gates: list = []
        i = 0
        while i < len(stmts):
            line, st = stmts[i]
            i += 1
            if self.job.budget <= 0:
                return
            self.job.budget -= 1
            if st == "}":
                continue
            m = _SUB.match(st)
            if m:
                depth, body = 1, []
                while i < len(stmts) and depth:
                    depth += stmts[i][1].endswith("{") - (stmts[i][1] == "}")
                    if depth:
                        body.append(stmts[i])
                    i += 1
                self.subs[m.group(1)] = (body, place)
                continue
            here = place
            if ("if" in st or "unless" in st) and (_IF.match(st) or _POSTFIX_IF.search(st)):
                g = gate_of(st, st, place, line, st.split("\n")[0])
                if g is not None:
                    gates.append(g)
            if gates:
                here = replace(place, gates=place.gates + tuple(gates))
            self.statement(line, st, here)
        if top:
            for name, (body, where) in list(self.subs.items()):
                if name not in self.called:
                    self.called.add(name)
                    self.run(body, replace(where, called=False,
                                           via=where.via + (f"in {name}(), which nothing here calls",)))

    def call_subs(self, line: int, st: str, place: Place) -> None:
        """Calls of the program's own subs on this statement, with @_ bound to the arguments."""
        for m in _CALL.finditer(st):
            name = m.group(1)
            if name not in self.subs or self.depth > 8 or name in self.stack:
                continue
            self.called.add(name)
            body, _ = self.subs[name]
            args = [self.value(a) for a in self.split(m.group(2), ",")]
            saved = self.scalars.get("_")
            self.scalars["_"] = [x for a in args for x in (a if isinstance(a, list) else [a])]
            self.depth += 1
            self.stack.append(name)
            try:
                self.run(body, place)
            finally:
                self.depth -= 1
                self.stack.pop()
                self.scalars["_"] = saved if saved is not None else []

    def statement(self, line: int, st: str, place: Place) -> None:
        if self.subs and "(" in st:
            self.call_subs(line, st, place)
        m: re.Match[str] | Literal[False] | None = _PARAMS.match(st)
        if m:                                     # my ($a, $b) = @_;  my $a = shift;
            given = self.scalars.get("_")
            args = list(given) if isinstance(given, list | tuple | str) else []
            names = re.findall(r"\$(\w+)", m.group(1) or m.group(2) or "")
            if m.group(2):
                self.scalars[names[0]] = args.pop(0) if args else unknown("an argument")
                self.scalars["_"] = args
            else:
                for k, n in enumerate(names):
                    self.scalars[n] = args[k] if k < len(args) else unknown(f"argument {k + 1}")
            return
        m = _REQUIRE.match(st)
        if m:
            path = self.s(self.value(m.group(1)))
            text = self.job.text_of(path) if is_known(path) else None
            if text is not None and path.lstrip("/") not in self.job.read:
                self.job.read.add(path.lstrip("/"))
                saved = self.text
                self.text = text
                try:
                    self.run(self.statements(), Place(path=path.lstrip("/"), gates=place.gates,
                                                      via=place.via, depth=place.depth + 1))
                finally:
                    self.text = saved
            return
        if not _INTERESTING.search(st):
            return
        ev = st.split("\n")[0][:400]
        m = "constant" in st and re.match(r"^use\s+constant\s+(\w+)\s*=>\s*(.+)$", st, re.S)
        if m:
            self.scalars[m.group(1)] = self.value(m.group(2))
            return
        m = _ASSIGN.match(st)
        if m and len(m.group(4)) < 600 and (_VALUE_START.match(m.group(4)) or "->" in m.group(4)) and not re.match(r"^(?:my\s+)?\$\w+\s*=\s*(?:Net::|Expect|DBI)", st):
            v = self.value(m.group(4))
            if m.group(3) == ".=":
                v = self.s(self.scalars.get(m.group(2), "")) + self.s(v)
            self.scalars[m.group(2)] = v
        m = "open" in st and re.search(r"\bopen\s*\(?\s*(?:my\s+)?\$?(\w+)\s*,\s*(?:['\"]<['\"]\s*,\s*)?(['\"][^'\"]+['\"]|\$\w+)", st)
        if m:
            target = self.s(self.value(m.group(2)))
            if target.startswith("|") or target.endswith("|") or "-|" in st or "|-" in st:
                cmd = target.strip("| ")
                words = cmd.split()
                prog = commands.base(words[0]) if words else ""
                if target.lstrip().startswith("|") and prog in commands._DEVICE_PROGRAMS:
                    # what the program prints to this handle is sent to the device
                    ops = commands.operands(words, commands._OPT_VALUES.get(prog))
                    self.sessions[m.group(1)] = commands.host_of(ops[0]) if ops else ""
                    self.job.talks_to_devices = True
                self.shell(cmd, line, ev, place, "via a piped open")
            else:
                self.handles[m.group(1)] = target.lstrip("<> ")
        m = st.startswith("for") and re.match(r"^(?:foreach|for)\s+(?:my\s+)?\$(\w+)\s*\((.*)\)\s*\{?$", st, re.S)
        if m:
            v = self.value(m.group(2))
            items = v if isinstance(v, list) else [v]
            self.scalars[m.group(1)] = each_of([self.s(x) for x in items]) if len(items) > 1 and all(
                is_known(self.s(x)) for x in items) else (items[0] if items else unknown("a loop item"))
        m = st.startswith("while") and re.match(r"^while\s*\(\s*(?:my\s+)?\$(\w+)\s*=\s*<\s*\$?(\w+)\s*>", st)
        if m and m.group(2) in self.handles:
            self.scalars[m.group(1)] = file_lines(self.handles[m.group(2)], self.job)
        m = "->" in st and re.search(r"(?:my\s+)?\(?\s*\$(\w+)[^=;]*=\s*(Net::(?:Telnet|SSH\w*|OpenSSH|SNMP|Appliance\w*)|Expect|"
                      r"Net::SSH::Perl|Net::SSH2|Control::CLI|IO::Socket(?:::INET6?|::IP)?)\s*->\s*(?:new|session|spawn)\s*\((.*?)\)\s*;?$", st, re.S)
        if m:
            args = self.split(m.group(3), ",")
            host = unknown("the device it connects to")
            for i, a in enumerate(args):
                key = a.strip().strip("'\"-").lower()
                if key in ("host", "hostname", "ip", "peeraddr", "peerhost") and i + 1 < len(args):
                    host = self.s(self.value(args[i + 1]))
            if args and "=>" not in m.group(3) and "," not in m.group(3):
                host = self.s(self.value(args[0]))
                if m.group(2) == "Expect":
                    host = commands.host_of(host.split()[-1]) if host.split() else host
            self.sessions[m.group(1)] = host
            self.job.talks_to_devices = True
        for m in ("->" not in st and ()) or re.finditer(r"\$(\w+)\s*->\s*(set_request|cmd|print|send|system|capture|exec|do|"
                             r"prepare|login|open|put)\s*\((.*)\)", st, re.S):
            obj, meth, body = m.group(1), m.group(2), m.group(3)
            host = self.sessions.get(obj, "")
            if meth == "set_request":
                vb = re.search(r"-varbindlist\s*=>\s*\[(.*)\]", body, re.S)
                binds = [self.s(self.value(x)) for x in self.split(vb.group(1), ",")] if vb else []
                for i in range(0, len(binds) - 2, 3):
                    snmp_effect(self.job, place, line, ev, host, binds[i], binds[i + 2])
                self.job.talks_to_devices = True
            elif meth in ("do", "prepare"):
                for how, name in sql.destructive_statements(self.s(self.value(self.split(body, ",")[0]))):
                    self.job.sink.append(place.effect("data-destruction", line, ev, target=name, how=how))
            elif meth in ("cmd", "print", "send", "put") and obj in self.sessions:
                args = self.split(body, ",")
                if args and args[0].strip().strip("'\"-").lower() in ("string", "command"):
                    args = args[1:]
                text = self.s(self.value(args[0])) if args else ""
                eff = device.command_effect(text, host, place.path, *place.where(line, ev),
                                            gates=place.gates, via=place.via, called=place.called)
                if eff is not None:
                    self.job.sink.append(eff)
            elif meth in ("system", "capture", "exec") and obj in self.sessions:
                text = self.s(self.value(self.split(body, ",")[-1]))
                eff = device.command_effect(text, host, place.path, *place.where(line, ev),
                                            gates=place.gates, via=place.via, called=place.called)
                if eff is not None:
                    self.job.sink.append(eff)
                self.shell(text, line, ev, place, f"on {render(host)} over ssh")
        m = st.startswith(("print", "printf", "syswrite")) and _PRINT_TO.match(st)
        if m and m.group(1) in self.sessions:
            text = self.s(self.value(m.group(2).rstrip(")")))
            eff = device.command_effect(text, self.sessions[m.group(1)], place.path,
                                        *place.where(line, ev), gates=place.gates, via=place.via,
                                        called=place.called)
            if eff is not None:
                self.job.sink.append(eff)
        m = ("system" in st or "exec" in st) and (re.match(r"^(system|exec)\b\s*(.*?)$", st, re.S) or re.search(
            r"(?<![\w>])(system|exec)\s*\((.*)\)", st, re.S))
        if m:
            body = m.group(2).strip()
            if body.startswith("(") and _closing(body, 0) > 0:
                body = body[1:_closing(body, 0)]      # system(LIST) rather than system LIST
            args = self.split(body, ",")
            vals = [self.value(a) for a in args]
            flat = [self.s(x) for v in vals for x in (v if isinstance(v, list) else [v])]
            text = flat[0] if len(flat) == 1 else " ".join(shlex.quote(x) for x in flat)
            self.shell(text, line, ev, place, f"via {m.group(1)}()")
        for m in ("`" not in st and "qx" not in st and ()) or re.finditer(
                r"`([^`]*)`|\bqx\s*(?:\{(.*?)\}|\((.*?)\)|\[(.*?)\]|/(.*?)/|\|(.*?)\||!(.*?)!)", st, re.S):
            body = next((g for g in m.groups() if g is not None), "")
            self.shell(self.interp(body).replace("\\@", "@"), line, ev, place, "in backticks")
        m = ("unlink" in st or "rmtree" in st or "remove_tree" in st or "rmdir" in st) and re.search(r"\b(unlink|rmtree|remove_tree|rmdir|File::Path::rmtree|File::Path::remove_tree)\s*\(?(.*?)\)?\s*(?:or\b|;|$)", st, re.S)
        if m and not st.lstrip().startswith(("sub ", "use ")):
            arg = m.group(2)
            if arg.startswith("glob"):
                arg = arg[4:].strip(" ()")
            for a in self.split(arg, ","):
                v = self.value(a)
                for x in (v if isinstance(v, list) else [v]):
                    commands._destroy(self.job, place, line, ev, self.s(x),
                                      "delete" if m.group(1) in ("unlink", "rmdir") else "delete-tree")
        m = "truncate" in st and re.search(r"\btruncate\s*\(?\s*([^,]+),\s*0\s*\)?", st)
        if m:
            commands._destroy(self.job, place, line, ev, self.s(self.value(m.group(1))), "truncate")
        m = st.startswith("eval") and re.match(r"^eval\s*(?:\((.*)\)|(.+))$", st, re.S)
        if m and not (m.group(1) or m.group(2) or "").strip().startswith("{"):
            code = self.s(self.value(m.group(1) or m.group(2)))
            self.code(code, line, ev, place)

    def code(self, code: str, line: int, ev: str, place: Place) -> None:
        layers = self.decoded.get(code)
        if layers:
            self.job.sink.append(place.effect("concealment", line, ev, how=" then ".join(layers)))
        if is_known(code) and not markers(code):
            read("perl", code, self.job, place.nested(line, ev, "in eval" if not layers else
                                                     f"decoded from {' then '.join(layers)}"))
        else:
            self.job.sink.append(place.effect("unseen-code", line, ev, target=render(code)))

    def shell(self, text: str, line: int, ev: str, place: Place, note: str) -> None:
        layers = self.decoded.get(text)
        if layers:
            self.job.sink.append(place.effect("concealment", line, ev, how=" then ".join(layers)))
            note = f"decoded from {' then '.join(layers)}"
        read("shell", text, self.job, place.nested(line, ev, note), {})


def read_perl(text: str, job: Job, place: Place, env: dict[str, str]) -> None:
    _Perl(text, job, place).run()


READERS["perl"] = read_perl
