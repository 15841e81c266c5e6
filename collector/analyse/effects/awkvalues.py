"""Values in an awk program followed the way awk computes them, for the commands it runs:
assignments in order, concatenation, `sprintf`, arrays filled by `split` over a known string,
and `for` loops over such an array (counted, or `for (k in a)`), so that a command line put
together word by word (`n = split("…", a, " "); for (i = 1; i <= n; i++) c = sprintf("%s %s",
c, a[i]); system(c)`) is seen whole. What is not one of these stays unknown.

Public: `commands(program) -> list[str] | None` — the texts given to system(), or None when the
program holds nothing this follows (the caller's plain reading stands)."""

from __future__ import annotations

import re

from lineguard.collector.analyse.effects.model import is_known, unknown

_TOKEN = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|(\d+(?:\.\d+)?)|([A-Za-z_]\w*)|'
                    r"(<=|>=|==|!=|\+\+|--|\+=|&&|\|\||[-+*/%<>=!(){}\[\];,|\n]))")
_ESC = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "/": "/"}
MAX_STEPS = 4096            # statements evaluated in all (loops included)
MAX_ITEMS = 64              # iterations of one loop


def _tokens(text: str) -> list[tuple[str, str]]:
    out, i = [], 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        if m is None or m.end() == i:
            if text[i].isspace():
                i += 1
                continue
            out.append(("op", text[i]))
            i += 1
            continue
        i = m.end()
        if m.group(1) is not None:
            out.append(("str", re.sub(r"\\(.)", lambda e: _ESC.get(e.group(1), e.group(1)),
                                      m.group(1))))
        elif m.group(2) is not None:
            out.append(("num", m.group(2)))
        elif m.group(3) is not None:
            out.append(("name", m.group(3)))
        else:
            out.append(("op", m.group(4)))
    return out


class _Awk:
    def __init__(self, toks: list[tuple[str, str]]):
        self.t = toks
        self.vars: dict[str, str] = {}
        self.arrays: dict[str, dict[str, str]] = {}
        self.runs: list[str] = []
        self.steps = 0

    # --- statements ---------------------------------------------------------------------
    def block(self, i: int, end: int) -> None:
        while i < end and self.steps < MAX_STEPS:
            i = self.stmt(i, end)

    def skip_to(self, i: int, end: int) -> int:
        """Past one statement starting at i (a block, or up to ; or a newline)."""
        if i < end and self.t[i] == ("op", "{"):
            return self.close(i, "{", "}") + 1
        depth = 0
        while i < end:
            k, v = self.t[i]
            if k == "op" and v in "([":
                depth += 1
            elif k == "op" and v in ")]":
                depth -= 1
            elif k == "op" and v in (";", "\n", "}") and depth <= 0:
                return i + (v != "}")
            i += 1
        return i

    def close(self, i: int, o: str, c: str) -> int:
        depth = 0
        for j in range(i, len(self.t)):
            if self.t[j] == ("op", o):
                depth += 1
            elif self.t[j] == ("op", c):
                depth -= 1
                if depth == 0:
                    return j
        return len(self.t) - 1

    def stmt(self, i: int, end: int) -> int:
        self.steps += 1
        k, v = self.t[i]
        if k == "op" and v in (";", "\n", "}"):
            return i + 1
        if k == "op" and v == "{":
            j = self.close(i, "{", "}")
            self.block(i + 1, j)
            return j + 1
        if k == "name" and v in ("BEGIN", "END"):
            return i + 1
        if k == "name" and v in ("for", "while", "if") and i + 1 < end and \
                self.t[i + 1] == ("op", "("):
            j = self.close(i + 1, "(", ")")
            body_end = self.skip_to(j + 1, end)
            if v == "for":
                self.loop(i + 2, j, j + 1, body_end)
            else:
                self.block(j + 1, body_end)      # the condition is not weighed: the body may run
            return body_end
        j = self.skip_to(i, end)
        self.simple(i, j)
        return j

    def loop(self, h: int, h_end: int, b: int, b_end: int) -> None:
        head = self.t[h:h_end]
        names = [v for k, v in head if k == "name"]
        if len(names) >= 2 and names[1] == "in" and names[-1] in self.arrays:
            for key in list(self.arrays[names[-1]])[:MAX_ITEMS]:
                self.vars[names[0]] = key
                self.block(b, b_end)
            return
        parts = [i for i, t in enumerate(head) if t == ("op", ";")]
        if len(parts) != 2 or not names:
            self.block(b, b_end)
            return
        var = names[0]
        start = self.number(head[:parts[0]])
        stop_toks = head[parts[0] + 1:parts[1]]
        stop = self.number(stop_toks)
        if start is None or stop is None:
            self.block(b, b_end)
            return
        top = stop if ("op", "<=") in stop_toks else stop - 1
        for n in range(start, min(top, start + MAX_ITEMS - 1) + 1):
            self.vars[var] = str(n)
            self.block(b, b_end)

    def number(self, toks: list[tuple[str, str]]) -> int | None:
        last = toks[-1] if toks else ("", "")
        value = last[1] if last[0] == "num" else self.vars.get(last[1]) if last[0] == "name" \
            else None
        return int(value) if value is not None and value.isdigit() else None

    def simple(self, i: int, j: int) -> None:
        toks = [t for t in self.t[i:j] if t not in (("op", "\n"), ("op", ";"))]
        if len(toks) >= 3 and toks[0][0] == "name" and toks[1] == ("op", "="):
            self.vars[toks[0][1]] = self.expr(toks[2:])
        elif len(toks) >= 3 and toks[0][0] == "name" and toks[1] == ("op", "+="):
            self.vars[toks[0][1]] = str(int(self.vars.get(toks[0][1], "0") or 0) + 1) \
                if self.expr(toks[2:]).isdigit() else unknown("awk arithmetic")
        elif toks and toks[0] == ("name", "system"):
            self.runs.append(self.expr(toks[1:]))
        else:
            self.expr(toks)      # a call with effects on arrays (split)

    # --- expressions ------------------------------------------------------------------------
    def expr(self, toks: list[tuple[str, str]]) -> str:
        out, i = [], 0
        while i < len(toks):
            k, v = toks[i]
            if k == "str" or k == "num":
                out.append(v)
                i += 1
            elif k == "op" and v == "(":
                j = self._close(toks, i)
                out.append(self.expr(toks[i + 1:j]))
                i = j + 1
            elif k == "name" and i + 1 < len(toks) and toks[i + 1] == ("op", "("):
                j = self._close(toks, i + 1)
                out.append(self.call(v, self._args(toks[i + 2:j])))
                i = j + 1
            elif k == "name" and i + 1 < len(toks) and toks[i + 1] == ("op", "["):
                j = self._close(toks, i + 1, "[", "]")
                key = self.expr(toks[i + 2:j])
                out.append(self.arrays.get(v, {}).get(key, unknown(f"awk {v}[{key}]")))
                i = j + 1
            elif k == "name":
                out.append(self.vars.get(v, "" if v not in ("$0", "NR") else unknown(v)))
                i += 1
            else:
                return unknown("an awk expression")
        return "".join(out)

    @staticmethod
    def _close(toks: list[tuple[str, str]], i: int, o: str = "(", c: str = ")") -> int:
        depth = 0
        for j in range(i, len(toks)):
            if toks[j] == ("op", o):
                depth += 1
            elif toks[j] == ("op", c):
                depth -= 1
                if depth == 0:
                    return j
        return len(toks)

    @staticmethod
    def _args(toks: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
        args: list[list[tuple[str, str]]] = [[]]
        depth = 0
        for t in toks:
            if t[0] == "op" and t[1] in "([":
                depth += 1
            elif t[0] == "op" and t[1] in ")]":
                depth -= 1
            if t == ("op", ",") and depth == 0:
                args.append([])
            else:
                args[-1].append(t)
        return args

    def call(self, name: str, args: list[list[tuple[str, str]]]) -> str:
        if name == "sprintf" and args and args[0]:
            fmt = self.expr(args[0])
            values = [self.expr(a) for a in args[1:]]
            spec = r"%[-+ 0#]*\d*(?:\.\d+)?([sdic])"
            parts = re.split(spec, fmt.replace("%%", "\x00"))
            out = [parts[0]]
            for k, (conv, rest) in enumerate(zip(parts[1::2], parts[2::2], strict=True)):
                v = values[k] if k < len(values) else ""
                if conv == "c" and is_known(v):
                    # %c: the character of a number's code, or a string's first character
                    v = chr(int(v)) if v.strip().isdigit() and int(v) < 0x110000 else v[:1]
                out.append(v)
                out.append(rest)
            return "".join(out).replace("\x00", "%")
        if name == "split" and len(args) >= 2 and args[1] and args[1][0][0] == "name":
            text = self.expr(args[0])
            sep = self.expr(args[2]) if len(args) > 2 else " "
            items = text.split() if sep == " " else text.split(sep)
            self.arrays[args[1][0][1]] = {str(k): v for k, v in enumerate(items, 1)}
            return str(len(items))
        if name in ("tolower", "toupper") and args:
            v = self.expr(args[0])
            return v.lower() if name == "tolower" else v.upper()
        if name == "system" and args:
            self.runs.append(self.expr(args[0]))
            return "0"
        return unknown(f"awk {name}()")


def commands(program: str) -> list[str] | None:
    """The texts the program gives system(), its values followed; None when it uses none of
    split, sprintf or a loop (nothing here to add to a plain reading)."""
    if "system" not in program or not any(w in program for w in ("split(", "sprintf(", "for")):
        return None
    a = _Awk(_tokens(program[:65536]))
    a.block(0, len(a.t))
    return a.runs or None
