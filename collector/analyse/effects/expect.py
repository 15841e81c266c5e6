"""expect and Tcl scripts, read the way Tcl does: commands split at newlines and `;` outside
braces, brackets and quotes; words braced (literal), quoted or bare, with `$var`, `${var}` and
`[command]` substitution. Followed: `set`, `proc` (parameters bound at each call), `source`,
`foreach` over literal lists, `if`/`while`/`for`/`catch`/`expect` bodies, `eval`, `exec` (a
command line), `spawn` (the device or program a session talks to), `send`/`exp_send` (command
lines sent to that device), and the decoding commands a payload needs (`binary decode
base64|hex`, `zlib gunzip|inflate|decompress`, `string reverse`)."""

from __future__ import annotations

import re
import shlex
from dataclasses import replace
from functools import lru_cache

from lineguard.collector.analyse.effects import decode, device
from lineguard.collector.analyse.effects.commands import (
    _DEVICE_PROGRAMS,
    base,
    host_of,
    output,
    unwrap,
)
from lineguard.collector.analyse.effects.model import Gate, is_known, markers, unknown
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
from lineguard.formats.shells import SHELLS

_MAX_DEPTH = 12          # bodies (if, foreach, proc calls, eval) followed inside each other
# programs that take a port after the host (`telnet HOST PORT`, `nc HOST PORT`)
_HOST_PORT_PROGRAMS = frozenset({"telnet", "nc", "ncat", "netcat", "socat", "busybox"})
MAX_VALUE = 65_536       # characters of a substituted word followed (see _Tcl.subst)


def split_commands(text: str) -> list[tuple[int, list[str]]]:
    """(line, raw words) of each command; raw words keep their braces or quotes. Split once
    per text: a proc's body is not split again at every call (a 600 KB Tcl program calling
    its procs thousands of times spent most of its 30 s of CPU there)."""
    return [(line, list(words)) for line, words in _split(text)]


@lru_cache(maxsize=4096)
def _split(text: str) -> tuple[tuple[int, tuple[str, ...]], ...]:
    out: list[tuple[int, tuple[str, ...]]] = []
    i, n, line = 0, len(text), 1
    words: list[str] = []
    start = 1
    while i < n:
        c = text[i]
        if c in " \t":
            i += 1
            continue
        if c == "\\" and i + 1 < n and text[i + 1] == "\n":
            i += 2
            line += 1
            continue
        if c in "\n;":
            if words:
                out.append((start, tuple(words)))
                words = []
            line += c == "\n"
            i += 1
            continue
        if c == "#" and not words:
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if not words:
            start = line
        j = _word_end(text, i)
        word = text[i:j]
        line += word.count("\n")
        words.append(word)
        i = j
    if words:
        out.append((start, tuple(words)))
    return tuple(out)


def _word_end(text: str, i: int) -> int:
    n = len(text)
    if text[i] == "{":
        depth = 0
        while i < n:
            if text[i] == "\\":
                i += 2
                continue
            depth += (text[i] == "{") - (text[i] == "}")
            i += 1
            if depth == 0:
                return i
        return n
    if text[i] == '"':
        i += 1
        while i < n and text[i] != '"':
            if text[i] == "[":
                i = _bracket_end(text, i)
                continue
            i += 2 if text[i] == "\\" else 1
        return min(i + 1, n)
    while i < n and text[i] not in " \t\n;":
        if text[i] == "[":
            i = _bracket_end(text, i)
            continue
        i += 2 if text[i] == "\\" else 1
    return i


def _bracket_end(text: str, i: int) -> int:
    depth, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            i = _word_end(text, i)
            continue
        depth += (c == "[") - (c == "]")
        i += 1
        if depth == 0:
            return i
    return n


_LIST_SPACE = " \t\n\r\v\f"
_TCL_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}"
                         r"|\n[ \t]*|.)", re.S)
_TCL_SIMPLE = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def _backslashes(text: str) -> str:
    """Tcl's backslash substitution: \\n and the other letters, \\xHH, \\uHHHH, \\UHHHHHHHH,
    octal, backslash-newline (and the blanks after it) as one space, any other character as
    itself (`\\ ` is a blank that does not separate, `\\{` a brace that opens nothing)."""
    def one(m: re.Match[str]) -> str:
        s = m.group(1)
        if s[0] in "xuU" and len(s) > 1:
            return chr(min(int(s[1:], 16), 0x10FFFF))
        if s[0] in "01234567":
            return chr(int(s, 8) & 0xFF)
        if s[0] == "\n":
            return " "
        return _TCL_SIMPLE.get(s, s)
    return _TCL_ESCAPE.sub(one, text) if "\\" in text else text


def _escape_end(text: str, j: int) -> int:
    """Past the character at `j`, or past the whole backslash sequence starting there (a
    backslash-newline takes the blanks after it along)."""
    if text[j] != "\\":
        return j + 1
    m = _TCL_ESCAPE.match(text, j)
    return m.end() if m else j + 1


def list_items(value: str) -> list[str]:
    """The elements of a Tcl list, split as Tcl splits one: at white space; an element in
    braces kept as written (nested braces counted, a brace after a backslash not); one in
    quotes, or bare, with its backslash sequences substituted (`{no shutdown}`, `"no
    shutdown"` and `no\\ shutdown` are one element each). `$`, `[`, `;` and `#` mean nothing
    in a list. What Tcl would refuse (an unmatched brace or quote, a closing one followed by
    more than white space) is read on, not dropped: the rest is the element, or the next one."""
    out: list[str] = []
    i, n = 0, len(value)
    while True:
        while i < n and value[i] in _LIST_SPACE:
            i += 1
        if i >= n:
            return out
        if value[i] == "{":
            depth, j = 1, i + 1
            while j < n:
                c = value[j]
                if c == "\\":
                    j += 2
                    continue
                depth += (c == "{") - (c == "}")
                if depth == 0:
                    break
                j += 1
            out.append(value[i + 1:min(j, n)])
            i = j + 1
        elif value[i] == '"':
            j = i + 1
            while j < n and value[j] != '"':
                j = _escape_end(value, j)
            out.append(_backslashes(value[i + 1:min(j, n)]))
            i = j + 1
        else:
            j = i
            while j < n and value[j] not in _LIST_SPACE:
                j = _escape_end(value, j)
            out.append(_backslashes(value[i:min(j, n)]))
            i = j


def _braces_balance(text: str) -> bool:
    """Whether braces around `text` would hold it as one list element (counted as
    list_items counts them: a character after a backslash does not count)."""
    depth, i = 0, 0
    while i < len(text):
        c = text[i]
        i += 2 if c == "\\" else 1
        depth += (c == "{") - (c == "}")
        if depth < 0:
            return False
    return depth == 0


def as_list(items: list[str]) -> str:
    """A Tcl list of the items, as Tcl's `list` writes one: an element with white space or
    characters a script would act on braced, or, where braces cannot hold it (unbalanced, a
    trailing backslash), each such character backslashed; an empty element is `{}`."""
    out = []
    for x in items:
        if x and not re.search(r"[\s{}\[\]$\";\\]", x) and not x.startswith("#"):
            out.append(x)
        elif _braces_balance(x) and not x.endswith("\\"):
            out.append("{" + x + "}")
        else:
            out.append(re.sub(r"([\s{}\[\]$\";\\])",
                              lambda m: {"\n": "\\n", "\t": "\\t"}.get(m.group(1), "\\" + m.group(1)),
                              x))
    return " ".join(out)


_OID = re.compile(r"\.?(?:\d+\.)+\d+")


def _string_map(pairs: list[str], text: str) -> str | None:
    """Tcl's `string map PAIRS TEXT`: at each position the first key that matches is replaced
    and the scan goes on after it. None for an odd list of pairs (a Tcl error)."""
    if len(pairs) % 2:
        return None
    out, i = [], 0
    while i < len(text):
        k = next((j for j in range(0, len(pairs), 2) if pairs[j] and text.startswith(pairs[j], i)),
                 None)
        if k is None:
            out.append(text[i])
            i += 1
        else:
            out.append(pairs[k + 1])
            i += len(pairs[k])
    return "".join(out)


def _is_oid(word: str) -> bool:
    from lineguard.collector.analyse.effects.mib import mib
    return bool(_OID.fullmatch(word) or markers(word) or (
        re.fullmatch(r"(?:[\w-]+::)?[a-z]\w*(?:\.[\w.]+)?", word) and mib().resolve(word)[0]))


class _Tcl:
    def __init__(self, job: Job, place: Place, env: dict[str, str]):
        self.job, self.place = job, place
        self.vars: dict[str, str] = dict(env)
        # name -> (parameters: each a name, or a name and its default; body; where written)
        self.procs: dict[str, tuple[list[list[str]], str, Place]] = {}
        self.host = ""
        self.sent: list[str] = []     # what the spawned session was sent (read in its context)
        self.shell = False             # the spawned program is a shell on this host
        self.decoded: dict[str, tuple[str, ...]] = {}
        self.depth = 0
        self.called: set[str] = set()
        # proc calls followed: (proc, arguments, gates, via, variables) -> variables after
        self.followed: dict[tuple[object, ...], dict[str, str]] = {}
        self.running: list[str] = []           # procs being followed, innermost last
        # bodies past _MAX_DEPTH, read later from depth 0: (text, place, line, variables,
        # braced: a body, else eval'd text)
        self.deferred: list[tuple[str, Place, int, dict[str, str], bool]] = []
        self.deferred_keys: set[tuple[object, ...]] = set()
        self.files: dict[str, str] = {}        # channel name -> the file opened on it
        # channel of `open "|cmd" w` -> (cmd, lines put to it, place, line, evidence)
        self.pipes: dict[str, tuple[str, list[str], Place, int, str]] = {}
        self.snmp: dict[str, str] = {}         # Scotty (Tnm) SNMP session handle -> its agent

    # --- substitution -----------------------------------------------------------------------

    def word(self, raw: str, place: Place, line: int) -> str:
        if raw.startswith("{") and raw.endswith("}"):
            return raw[1:-1]
        if raw.startswith('"') and raw.endswith('"') and len(raw) > 1:
            raw = raw[1:-1]
        return self.subst(raw, place, line)

    def subst(self, s: str, place: Place, line: int) -> str:
        out, i, n = [], 0, len(s)
        while i < n:
            c = s[i]
            if c == "[":
                j = _bracket_end(s, i)
                out.append(self.value_of(s[i + 1:j - 1], place, line))
                i = j
            elif c == "$":
                m = re.match(r"\$(?:\{([^}]*)\}|(\w+)(?:\(([^)]*)\))?)", s[i:])
                if not m:
                    out.append(c)
                    i += 1
                    continue
                name = m.group(1) or m.group(2)
                if m.group(3) is not None:              # $arr(key): an array element
                    name = f"{name}({self.subst(m.group(3), place, line)})"
                out.append(self.vars.get(name, unknown(f"${name} is not set")))
                i += m.end()
            elif c == "\\" and i + 1 < n:
                j = _escape_end(s, i)
                out.append(_backslashes(s[i:j]))
                i = j
            else:
                out.append(c)
                i += 1
        value = "".join(out)
        # a value built from itself in a loop doubles each time (modulecmd.tcl reached 46 MB
        # and 30 s of CPU): past MAX_VALUE it is not followed, it is unknown
        return value if len(value) <= MAX_VALUE else unknown(
            f"a value of {len(value):,} characters built at run time")

    def value_of(self, script: str, place: Place, line: int) -> str:
        """The result of `[script]`: the last command's value, when it is one we know."""
        result = unknown(f"result of [{script.strip()[:60]}]")
        for _, raw in split_commands(script):
            result = self.command(raw, place, line, want_value=True) or result
        return result

    # --- commands ---------------------------------------------------------------------------

    def run(self, text: str, place: Place, line_base: int = 0) -> None:
        gates: tuple[Gate, ...] = ()
        for line, raw in split_commands(text):
            if self.job.spend("expect", place, line + line_base, " ".join(raw)[:200]):
                return
            here = replace(place, gates=place.gates + gates) if gates else place
            if raw and raw[0] in ("if", "while") and len(raw) > 1 and self._exits(raw):
                g = gate_of(raw[1], raw[1], place, line + line_base, " ".join(raw)[:200],
                            negated=True)       # `if {COND} {exit}`: the rest runs when not
                if g is not None:
                    gates = gates + (g,)
            self.command(raw, here, line + line_base)

    def too_deep(self, raw: str, place: Place, line: int, braced: bool = True) -> None:
        """A body past _MAX_DEPTH is not followed now but read later, once, from depth 0 with
        the variables and gates in force here (read_expect): a deletion nested or called
        thirteen deep is found, and a deep real program costs no more than its bodies."""
        key = (raw, place.path, place.anchor, line)
        if key not in self.deferred_keys:
            self.deferred_keys.add(key)
            self.deferred.append((raw, place, line, dict(self.vars), braced))

    @staticmethod
    def _exits(raw: list[str]) -> bool:
        return len(raw) >= 3 and re.search(r"\bexit\b", raw[2]) is not None

    def body(self, raw: str, place: Place, line: int) -> None:
        if self.depth > _MAX_DEPTH:
            self.too_deep(raw, place, line)
            return
        self.depth += 1
        try:
            text = raw[1:-1] if raw.startswith("{") else self.word(raw, place, line)
            self.run(text, place, line - 1)
        finally:
            self.depth -= 1

    def command(self, raw: list[str], place: Place, line: int, want_value: bool = False
                ) -> str | None:
        if "{*}" in raw[1:]:
            # argument expansion: `exec {*}$cmd` runs the list's items as separate words (the
            # word after `{*}`, which the splitter keeps apart)
            expanded: list[str] = []
            k = 0
            while k < len(raw):
                if raw[k] == "{*}" and k + 1 < len(raw):
                    expanded += ["{" + i + "}" if _braces_balance(i) else i
                                 for i in list_items(self.word(raw[k + 1], place, line))]
                    k += 2
                    continue
                expanded.append(raw[k])
                k += 1
            raw = expanded
        cmd = self.word(raw[0], place, line)
        ev = " ".join(raw)[:300]
        args = raw[1:]
        if cmd == "set" and len(args) >= 2:
            self.vars[self.word(args[0], place, line)] = self.word(args[1], place, line)
            return self.vars[self.word(args[0], place, line)]
        if cmd == "set" and len(args) == 1:
            return self.vars.get(self.word(args[0], place, line))
        if cmd == "array" and len(args) >= 3 and self.word(args[0], place, line) == "set":
            name, items = self.word(args[1], place, line), list_items(self.word(args[2], place, line))
            for key, val in zip(items[::2], items[1::2], strict=False):
                self.vars[f"{name}({key})"] = val
            return None
        if cmd == "for" and len(args) == 4:
            # for {init} {test} {next} {body}: what `next` steps takes each value of the loop
            self.body(args[0], place, line)
            for _, words in split_commands(args[2].strip("{}")):
                if words[0] in ("incr", "set") and len(words) > 1:
                    var = self.word(words[1], place, line)
                    self.vars[var] = unknown(f"each value of ${var} in the loop")
            self.body(args[3], place, line)
            return None
        if cmd == "lappend" and args:
            # a list built item by item (hosts read from a file, named one by one): a
            # foreach over it goes over every item
            name = self.word(args[0], place, line)
            items = [self.word(a, place, line) for a in args[1:]]
            old = self.vars.get(name, "")
            self.vars[name] = " ".join(x for x in (old, as_list(items) if items else "") if x)
            return self.vars[name]
        if cmd == "proc" and len(args) >= 3:
            # each parameter is a name, or a list of a name and its default
            params = [p for p in map(list_items, list_items(self.word(args[1], place, line))) if p]
            self.procs[self.word(args[0], place, line)] = (
                params, args[2], replace(place, offset=place.offset))
            return None
        if cmd in self.procs:
            self.called.add(cmd)
            params, body, _ = self.procs[cmd]
            names = [p[0] for p in params]
            saved = dict(self.vars)
            values = [self.word(a, place, line) for a in args]
            # a call in a context already followed (its arguments, the variables in force,
            # its gates) is not followed again: its effects are known and the variables it
            # leaves are kept (procs calling each procedure twice were followed 2^depth times)
            context = (cmd, tuple(values), place.gates, place.via, frozenset(saved.items()))
            after = self.followed.get(context)
            if after is not None:
                self.vars = dict(after)
                return None
            if cmd in self.running:
                return None           # a proc calling itself: its body is being read
            for i, p in enumerate(params):
                self.vars[p[0]] = values[i] if i < len(values) else \
                    p[1] if len(p) > 1 else unknown(f"argument {p[0]}")
            if names and names[-1] == "args":
                self.vars["args"] = as_list(values[len(names) - 1:])
            self.running.append(cmd)
            try:
                self.body(body, place, line)
            finally:
                self.running.pop()
            self.vars = {**saved, **{k: v for k, v in self.vars.items() if k not in names}}
            self.followed[context] = dict(self.vars)
            return None
        if cmd == "source" and args:
            path = self.word(args[0], place, line)
            text = self.job.text_of(path) if is_known(path) else None
            if text is not None and path.lstrip("/") not in self.job.read:
                self.job.read.add(path.lstrip("/"))
                self.run(text, Place(path=path.lstrip("/"), gates=place.gates, via=place.via,
                                     depth=place.depth + 1))
            return None
        if cmd == "foreach" and len(args) >= 3:
            # foreach VARS LIST ?VARS LIST …? BODY: each variable of a list of several takes
            # every n-th item (`foreach {host vc} $pairs`), lists side by side each their own.
            # Tcl list items (braced ones whole; a marker is never cut apart); over empty
            # lists (no items, not an unknown value) the body never runs
            runs = False
            for loop_vars, listed in zip(args[:-1:2], args[1:-1:2], strict=False):
                items = list_items(self.word(listed, place, line))
                variables = list_items(self.word(loop_vars, place, line)) or [""]
                for k, var in enumerate(variables):
                    values = items[k::len(variables)]
                    self.vars[var] = each_of(values) if len(values) > 1 else \
                        values[0] if values else ""
                runs = runs or bool(items)
            if runs:
                self.body(args[-1], place, line)
            return None
        if cmd in ("if", "elseif") and len(args) >= 2:
            g = gate_of(args[0], args[0], place, line, ev, negated=False)
            sub = replace(place, gates=place.gates + (g,)) if g else place
            # elseif and else bodies run outside the condition: the gate, not its date window
            other = replace(place, gates=place.gates + (replace(g, window=(None, None)),)) \
                if g else place
            then = next((k for k, a in enumerate(args[1:], 1) if a.startswith("{")), 0)
            for k, a in enumerate(args[1:], 1):
                if a.startswith("{") and (k == 1 or args[k - 1] in ("then", "else") or
                                          args[k - 2:k - 1] == ["elseif"] or k >= 2):
                    self.body(a, sub if k == then else other, line)
            return None
        if cmd in ("snmp", "Tnm::snmp", "::Tnm::snmp") and args and \
                self.word(args[0], place, line) in ("generator", "session", "listener"):
            # Scotty: an SNMP session to the agent named by -address
            words = [self.word(a, place, line) for a in args[1:]]
            host = next((words[k + 1] for k, w in enumerate(words[:-1]) if w == "-address"), "")
            handle = f"snmp{len(self.snmp)}"
            self.snmp[handle] = host or unknown("the agent of a Scotty session")
            self.job.talks_to_devices = True
            return handle
        if cmd in self.snmp and args:
            return self.snmp_call(cmd, args, place, line, ev)
        if cmd == "open" and args:
            handle = f"file{len(self.files)}"
            self.files[handle] = self.word(args[0], place, line)
            if self.files[handle].startswith("|"):
                # a pipe to a command: what is `puts` to the channel is its input
                self.pipes[handle] = (self.files[handle][1:], [], place, line, ev)
            return handle
        if cmd == "read" and args and self.word(args[-1], place, line) in self.files:
            # the contents of a file opened for reading: captured, or named (a pid file's pid)
            path = self.files[self.word(args[-1], place, line)]
            text = self.job.value_of(path) if is_known(path) and not path.startswith("|") \
                else None
            return text.strip() if text is not None else unknown(f"the contents of {path}")
        if cmd == "puts" and len(args) >= 2 and self.word(args[-2], place, line) in self.pipes:
            self.pipes[self.word(args[-2], place, line)][1].append(self.word(args[-1], place, line))
            return None
        if cmd == "close" and args and self.word(args[0], place, line) in self.pipes:
            command, fed, where, at, text = self.pipes.pop(self.word(args[0], place, line))
            read("shell", f"{command} <<'TCL_CHANNEL'\n" + "\n".join(fed) + "\nTCL_CHANNEL",
                 self.job, where.nested(at, text, "a pipe opened by Tcl"))
            return None
        if cmd == "while" and args:
            m = re.search(r"gets\s+\$(\w+)\s+(\w+)", args[0])
            if m and self.vars.get(m.group(1)) in self.files:
                # gets reads a whole line (a device's name, or a command to send it)
                self.vars[m.group(2)] = file_lines(self.files[self.vars[m.group(1)]], self.job,
                                                   whole=True)
        if cmd in ("while", "for", "catch", "time", "uplevel", "namespace") and args:
            for a in args:
                if a.startswith("{") and ("\n" in a or " " in a.strip("{} ")):
                    self.body(a, place, line)
            return None
        if cmd == "expect" and args:
            for a in args:
                if a.startswith("{"):
                    inner = a[1:-1]
                    for _, words in split_commands(inner):
                        for w in words:
                            if w.startswith("{"):
                                self.body(w, place, line)
            return None
        if cmd == "eval" and args:
            text = " ".join(self.word(a, place, line) for a in args)
            layers = self.decoded.get(text)
            if layers:
                self.job.sink.append(place.effect("concealment", line, ev, how=" then ".join(layers)))
            nested = place.nested(line, ev, f"decoded from {' then '.join(layers)}" if layers
                                  else "in eval")
            self.depth += 1
            if self.depth <= _MAX_DEPTH:
                self.run(text, nested)
            else:
                self.too_deep(text, nested, line, braced=False)
            self.depth -= 1
            return None
        if cmd == "glob" and args:
            # the files a pattern matches: the pattern stands for each of them (as a shell's
            # unquoted glob does), under -directory/-path when given
            words = [self.word(a, place, line) for a in args]
            prefix, k = "", 0
            patterns: list[str] = []
            while k < len(words):
                w = words[k]
                if w in ("-directory", "-path", "-types") and k + 1 < len(words):
                    prefix = words[k + 1].rstrip("/") + "/" if w == "-directory" else \
                        words[k + 1] if w == "-path" else prefix
                    k += 2
                    continue
                if not (w.startswith("-") and patterns == []) or w == "--":
                    patterns += [] if w == "--" else [w]
                k += 1
            return " ".join(prefix + p for p in patterns) if patterns else unknown("a glob")
        if cmd == "exec" and args:
            words = [self.word(a, place, line) for a in args if a not in ("&",)]
            words = [w for w in words if not w.startswith(("2>", ">@", "<@"))]
            # `<< VALUE`: the value is the program's input; `< FILE`: the file is
            feed = ""
            for k, w in enumerate(words[:-1]):
                if w in ("<<", "<") and "\n" + "TCL_INPUT" not in words[k + 1]:
                    feed = f" <<'TCL_INPUT'\n{words[k + 1]}\nTCL_INPUT" if w == "<<" else \
                        f" < {shlex.quote(words[k + 1])}"
                    words = words[:k] + words[k + 2:]
                    break
            read("shell", " ".join(shlex.quote(w) for w in words) + feed, self.job,
                 place.nested(line, ev, "via exec"))
            # what it prints, where that is known (the rows an snmpwalk yields, a list's lines)
            printed = output(unwrap(words), None, self.job) if words else None
            return printed if printed is not None else unknown(f"output of `{' '.join(words)[:60]}`")
        if cmd == "spawn" and args:
            words = [self.word(a, place, line) for a in args]
            while words and words[0].startswith("-"):       # spawn's own options (-noecho …)
                words = words[1:]
            prog = base(words[0]) if words else ""
            # the host is the last word, but for a port after it (`spawn telnet tl1gw 3083`)
            named = [w for w in words[1:] if not w.startswith("-")]
            if len(named) >= 2 and named[-1].isdigit() and prog in _HOST_PORT_PROGRAMS:
                named = named[:-1]
            self.host = host_of(named[-1] if named else words[-1]) if words else ""
            self.sent = []
            self.shell = prog in SHELLS
            self.job.talks_to_devices = True
            if prog not in _DEVICE_PROGRAMS:
                read("shell", " ".join(shlex.quote(w) for w in words), self.job,
                     place.nested(line, ev, "spawned by expect"))
            return None
        if cmd in ("send", "exp_send"):
            words = [self.word(a, place, line) for a in args if a not in ("--", "-s", "-h", "-i")]
            text = " ".join(words)
            if self.shell:
                # typed into a shell spawned on this host: a command line it runs
                read("shell", text.rstrip("\r\n"), self.job,
                     place.nested(line, ev, "sent to the shell expect spawned"))
                return None
            eff = device.command_effect(text, self.host or unknown("the spawned session"),
                                        place.path, *place.where(line, ev),
                                        context=self.sent[-48:], gates=place.gates,
                                        via=place.via, called=place.called)
            self.sent.append(text)
            if eff is not None:
                self.job.sink.append(eff)
            return None
        if cmd == "file" and len(args) >= 2 and self.word(args[0], place, line) == "delete":
            # file delete ?-force? ?--? PATH…: rm, recursive only when forced
            words = [self.word(a, place, line) for a in args[1:]]
            force = "-force" in words[:2]
            paths = [w for w in words if w not in ("-force", "--")]
            read("shell", ("rm -rf " if force else "rm -f ") +
                 " ".join(shlex.quote(w) for w in paths), self.job,
                 place.nested(line, ev, "Tcl file delete"))
            return None
        if cmd == "after" and len(args) >= 2 and self.word(args[0], place, line).isdigit():
            # after MS SCRIPT: the script runs once the event loop has waited MS
            self.body(args[1] if len(args) == 2 else "{" + " ".join(args[1:]) + "}", place, line)
            return None
        if cmd == "subst" and want_value and args:
            return self.subst(self.word(args[-1], place, line), place, line)
        if cmd == "string" and want_value and len(args) >= 3 and \
                self.word(args[0], place, line) == "map":
            subject = self.word(args[-1], place, line)
            return _string_map(list_items(self.word(args[-2], place, line)), subject) \
                if is_known(subject) else None
        if cmd == "binary" and len(args) >= 3 and self.word(args[0], place, line) == "decode":
            layer = {"base64": "base64", "hex": "hex"}.get(self.word(args[1], place, line))
            return self.undo(layer, self.word(args[-1], place, line)) if layer else None
        if cmd == "binary" and len(args) >= 3 and self.word(args[0], place, line) == "format" \
                and self.word(args[1], place, line) in ("H*", "h*", "a*", "A*"):
            # binary format H* HEX: the bytes the hex digits spell (a*, A*: the string itself)
            fmt, data = self.word(args[1], place, line), self.word(args[2], place, line)
            if fmt[0] in "aA":
                return data
            if fmt == "h*":      # low nibble first
                data = "".join(data[k + 1:k + 2] + data[k] for k in range(0, len(data), 2))
            return self.undo("hex", data)
        if cmd == "zlib" and len(args) >= 2:
            how = self.word(args[0], place, line)
            if how in ("gunzip", "inflate", "decompress"):
                return self.undo("gzip" if how == "gunzip" else "zlib", self.word(args[-1], place, line))
        if cmd == "string" and len(args) >= 2 and self.word(args[0], place, line) == "reverse":
            text = self.word(args[1], place, line)
            out = text[::-1]
            self.decoded[out] = self.decoded.get(text, ()) + ("reversal",)
            return out
        if cmd in ("lindex", "string") and want_value and len(args) >= 2:
            if cmd == "string" and self.word(args[0], place, line) not in ("trim", "tolower"):
                return None
            value = self.word(args[1] if cmd == "string" else args[0], place, line)
            if markers(value) or cmd == "string":
                return value.strip() if cmd == "string" and not markers(value) else value
            items, pick = list_items(value), self.word(args[1], place, line)
            if pick.isdigit():
                return items[int(pick)] if int(pick) < len(items) else unknown("a list item")
            # an index known only as the loop runs: each item in turn
            return each_of(items) if len(items) > 1 else items[0] if items else unknown("a list item")
        if cmd == "split" and want_value and args:
            value = self.word(args[0], place, line)
            if markers(value) or not is_known(value):
                return value        # each row walked, each line of a list: still every one
            return None
        if cmd in ("join", "concat", "list", "format") and want_value:
            words = [self.word(a, place, line) for a in args]
            if cmd == "format" and words:
                try:
                    return words[0] % tuple(words[1:words[0].count("%") + 1])
                except (TypeError, ValueError):
                    return " ".join(words)
            if cmd == "list":
                return as_list(words)
            return " ".join(words) if cmd != "join" else (
                self.word(args[1], place, line) if len(args) > 1 else " ").join(list_items(words[0]))
        return None

    def snmp_call(self, handle: str, args: list[str], place: Place, line: int, ev: str
                  ) -> str | None:
        """`$s set VBL`, `$s walk VAR OIDS BODY` on a Scotty session. A varbind list is read
        as OIDs each followed by its type and value."""
        sub = self.word(args[0], place, line)
        host = self.snmp[handle]
        if sub == "set" and len(args) >= 2:
            words = re.findall(r"\x01[^\x01\x02]*\x02|\S+", self.word(args[1], place, line)
                               .replace("{", " ").replace("}", " "))
            starts = [k for k, w in enumerate(words) if _is_oid(w)]
            for n, k in enumerate(starts):
                end = starts[n + 1] if n + 1 < len(starts) else len(words)
                value = words[end - 1] if end - 1 > k else unknown("the value")
                snmp_effect(self.job, place, line, ev, host, words[k], value)
            return None
        if sub == "walk" and len(args) >= 4:
            from lineguard.collector.analyse.effects.mib import mib
            oid = self.word(args[2], place, line).strip("{} ").split()[0]
            obj, _idx = mib().resolve(oid)
            self.vars[self.word(args[1], place, line)] = walked(
                ".".join(map(str, obj.oid)) if obj else oid, obj.name if obj else oid, host)
            self.body(args[3], place, line)
            return None
        return None

    def undo(self, layer: str, data: str) -> str:
        if not is_known(data) or markers(data):
            return unknown("decoded data")
        text = decode.undo_noted(layer, data, self.decoded)
        return unknown("data that does not decode") if text is None else text


def read_expect(text: str, job: Job, place: Place, env: dict[str, str]) -> None:
    t = _Tcl(job, place, env)
    t.run(text, place)
    while t.deferred and not job.exhausted:
        # bodies nested or called deeper than _MAX_DEPTH: each read once, from depth 0 (its
        # own deeper bodies deferred in turn), with the variables and gates of where it was
        raw, where, line, variables, braced = t.deferred.pop(0)
        t.vars, t.depth = variables, 0
        if braced:
            t.body(raw, where, line)
        else:
            t.run(raw, where)
    for name, (_params, body, where) in list(t.procs.items()):
        if name not in t.called:
            t.called.add(name)
            t.body(body, replace(where, called=False, function=name,
                                 via=where.via + (f"in {name}, which nothing here calls",)), 1)


READERS["expect"] = read_expect
