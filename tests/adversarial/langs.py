"""Code writers for the corpus: one class per language (and, for Python and Perl, per library),
each turning the same small program shape -- constants, a loop over targets, a function, a gate,
an eval, a host command, an SNMP SET, a device CLI session -- into idiomatic text.

A template (`Tpl`) is text with `{name}` placeholders naming program variables; every writer
renders it as that language's string interpolation. Lines that must not be indented (here-document
bodies) start with NOINDENT.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

NOINDENT = "\x00"
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

# RFC 2515 ATM-MIB and MIB-II objects the corpus sets: symbolic name, numeric OID.
MIB: dict[str, tuple[str, str]] = {
    "atmVclRowStatus": ("ATM-MIB", "1.3.6.1.2.1.37.1.7.1.13"),
    "atmVplRowStatus": ("ATM-MIB", "1.3.6.1.2.1.37.1.6.1.8"),
    "atmVcCrossConnectRowStatus": ("ATM-MIB", "1.3.6.1.2.1.37.1.11.1.13"),
    "sysContact": ("SNMPv2-MIB", "1.3.6.1.2.1.1.4"),
    "sysLocation": ("SNMPv2-MIB", "1.3.6.1.2.1.1.6"),
    "ifAlias": ("IF-MIB", "1.3.6.1.2.1.31.1.1.1.18"),
    "ifAdminStatus": ("IF-MIB", "1.3.6.1.2.1.2.2.1.7"),
    "ifDescr": ("IF-MIB", "1.3.6.1.2.1.2.2.1.2"),
    "atmVclOperStatus": ("ATM-MIB", "1.3.6.1.2.1.37.1.7.1.4"),
}


def parts(tpl: str) -> list[tuple[str, str]]:
    """('lit', text) and ('var', name) pieces of a template."""
    out: list[tuple[str, str]] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(tpl):
        if m.start() > pos:
            out.append(("lit", tpl[pos:m.start()]))
        out.append(("var", m.group(1)))
        pos = m.end()
    if pos < len(tpl):
        out.append(("lit", tpl[pos:]))
    return out


def fill(tpl: str, values: dict[str, str]) -> str:
    """Substitute known variables; unknown placeholders stay."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), tpl)


@dataclass(frozen=True)
class Oid:
    """An SNMP object: a MIB column plus an instance index template."""

    column: str
    index: str
    symbolic: bool = False

    def text(self) -> str:
        if not self.column:           # a full row OID, e.g. one walked from a column
            return self.index
        mib, num = MIB[self.column]
        base = f"{mib}::{self.column}" if self.symbolic else num
        return f"{base}.{self.index}" if self.index else base


@dataclass(frozen=True)
class Source:
    """What a loop walks: literal items, a list constant, a file of lines, or an SNMP column."""

    kind: str                 # literal | list | file | walk
    items: tuple[str, ...] = ()
    name: str = ""            # list constant's name
    path: str = ""            # file read line by line
    host: str = ""            # walk: device template
    column: Oid | None = None


def _indent(lines: list[str], pad: str) -> list[str]:
    return [ln if ln.startswith(NOINDENT) else (pad + ln if ln else ln) for ln in lines]


def finish(lines: list[str]) -> str:
    return "\n".join(ln.lstrip(NOINDENT) for ln in lines) + "\n"


class Lang:
    """Base of the writers. `needs` collects imports/modules the header must declare."""

    name = ""
    family = ""
    ext = ""
    interpreter = ""
    can: frozenset[str] = frozenset()      # host | snmp | cli-ios | cli-junos | cli-tl1

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.needs: set[str] = set()
        self.pad = "    "

    def block(self, lines: list[str]) -> list[str]:
        return _indent(lines, self.pad)

    def pick(self, *options: str) -> str:
        return self.rng.choice(options)


# ---------------------------------------------------------------------------------------- shell
def _sh_dq(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("`", "\\`")


class Shell(Lang):
    family = "shell"
    ext = ".sh"
    interpreter = "sh"
    can = frozenset({"host", "snmp", "cli-ios", "cli-junos", "cli-tl1"})
    name = "sh"

    def __init__(self, rng: random.Random) -> None:
        super().__init__(rng)
        self.pad = rng.choice(["  ", "    ", "\t"])

    def header(self) -> list[str]:
        first = self.pick("#!/bin/sh", "#!/bin/sh -e", "#! /bin/sh")
        return [first] + ([self.pick("set -u", "PATH=/usr/local/bin:/usr/bin:/bin",
                                     "umask 022")] if self.rng.random() < 0.5 else [])

    def ref(self, name: str) -> str:
        return self.pick(f"${name}", f"${{{name}}}")

    def expr(self, tpl: str) -> str:
        ps = parts(tpl)
        if all(k == "lit" for k, _ in ps):
            text = tpl
            if re.fullmatch(r"[\w./:@%+=,-]+", text) and self.rng.random() < 0.6:
                return text
            if "'" not in text and self.rng.random() < 0.5:
                return f"'{text}'"
            return f'"{_sh_dq(text)}"'
        out = []
        for i, (k, v) in enumerate(ps):
            if k == "lit":
                out.append(_sh_dq(v))
            else:
                nxt = ps[i + 1][1] if i + 1 < len(ps) else ""
                out.append(f"${{{v}}}" if re.match(r"\w", nxt) else self.ref(v))
        return '"' + "".join(out) + '"'

    def heredoc_text(self, tpl: str) -> str:
        """A here-document line: variables expand, no quoting."""
        return "".join(v.replace("$", "\\$") if k == "lit" else f"${{{v}}}" for k, v in parts(tpl))

    def const(self, name: str, value: str) -> list[str]:
        return [f"{name}={self.expr(value)}"]

    def const_list(self, name: str, items: tuple[str, ...]) -> list[str]:
        sep = self.pick(" ", "\n")
        return [f'{name}="{sep.join(items)}"'] if sep == " " else [f'{name}="', *items, '"']

    def host(self, argv: list[str]) -> list[str]:
        return [" ".join(self.expr(a) for a in argv) + self.pick("", "", " 2>/dev/null",
                                                                 " >/dev/null 2>&1", " || true")]

    def snmp_set(self, host: str, oid: Oid, value: str, kind: str = "i") -> list[str]:
        community = self.pick("-c private", "-c wr1te", "-c NMS-rw")
        version = self.pick("-v2c", "-v 2c", "-v1")
        return [f"snmpset {version} {community} {self.pick('', '-t 2 ', '-r 1 ')}{self.expr(host)} "
                f"{self.expr(oid.text())} {kind} {self.expr(value)}"
                + self.pick("", " >/dev/null", " 2>&1 | logger -t ne-sync")]

    def snmp_get(self, host: str, oid: Oid) -> list[str]:
        tool = self.pick("snmpget", "snmpwalk", "snmpbulkwalk")
        return [f"{tool} -v2c -c public {self.expr(host)} {self.expr(oid.text())}"
                + self.pick(" >> /var/log/ems/poll.log", " | logger -t ne-poll", "")]

    def cli(self, platform: str, host: str, lines: list[str]) -> list[str]:
        user = self.pick("oper", "ems", "nms", "netops")
        if platform == "tl1":
            port = self.pick("3083", "3082", "2361")
            body = "\\n".join(self.heredoc_text(t).replace("\\$", "$").replace('"', '\\"')
                              for t in lines)
            if self.rng.random() < 0.5:
                return [f'printf "{body}\\n" | nc -w 5 {self.expr(host)} {port}']
            return [f"nc -q 2 {self.expr(host)} {port} <<EOF",
                    *(NOINDENT + self.heredoc_text(t) for t in lines), NOINDENT + "EOF"]
        style = self.rng.randrange(3)
        if style == 0:
            end = self.pick("EOF", "END", "CMDS")
            return [f"ssh -T -o BatchMode=yes {user}@{self.expr(host)} <<{end}",
                    *(NOINDENT + self.heredoc_text(t) for t in lines), NOINDENT + end]
        if style == 1:
            joined = ";".join(self.heredoc_text(t) for t in lines)
            tool = "clogin" if platform == "ios" else "jlogin"
            return [f'{tool} -c "{joined}" {self.expr(host)}']
        body = "\\n".join(self.heredoc_text(t).replace('"', '\\"') for t in lines)
        return [f'printf "{body}\\n" | ssh -tt {user}@{self.expr(host)}']

    def loop(self, var: str, src: Source, body: list[str]) -> list[str]:
        if src.kind == "literal":
            head = f"for {var} in {' '.join(self.expr(i) for i in src.items)}; do"
        elif src.kind == "list":
            head = f"for {var} in ${src.name}; do"
        elif src.kind == "file":
            if self.rng.random() < 0.5:
                return [f"while read -r {var} _; do",
                        *self.block([f'case "${var}" in ""|\\#*) continue ;; esac', *body]),
                        f"done < {self.expr(src.path)}"]
            head = f"for {var} in $(grep -v '^#' {self.expr(src.path)}); do"
        else:
            assert src.column is not None
            walk = (f"snmpwalk -v2c -c public -On {self.expr(src.host)} "
                    f"{self.expr(src.column.text())}")
            if self.rng.random() < 0.5:
                return [f"{walk} | while read -r {var} _; do", *self.block(body), "done"]
            head = f"for {var} in $({walk} | awk '{{print $1}}'); do"
        return [head, *self.block(body), "done"]

    def func(self, name: str, params: list[str], body: list[str]) -> list[str]:
        binds = [f'{p}="${i + 1}"' if self.rng.random() < 0.5 else f"{p}=${i + 1}"
                 for i, p in enumerate(params)]
        head = self.pick(f"{name}() {{", f"{name} () {{")
        return [head, *self.block([*binds, *body]), "}"]

    def call(self, name: str, args: list[str]) -> list[str]:
        return [" ".join([name, *(self.expr(a) for a in args)])]

    def gate(self, kind: str, arg: str, body: list[str]) -> list[str]:
        if kind == "date":
            cond = self.pick(f'[ "$(date +%Y%m%d)" -ge {arg} ]',
                             f'[ "$(date -u +%Y%m%d)" -gt {arg} ]',
                             f'[ $(date +%s) -ge $(date -d {arg} +%s) ]')
        elif kind == "host":
            cond = self.pick(f'[ "$(hostname)" = "{arg}" ]', f'[ "$(hostname -s)" = {arg} ]',
                             f'[ "$(cat /etc/hostname)" = "{arg}" ]')
        elif kind == "file":
            cond = self.pick(f"[ -e {arg} ]", f"[ -f {arg} ]", f"test -s {arg}")
        else:
            cond = self.pick(f"! id {arg} >/dev/null 2>&1",
                             f"! getent passwd {arg} >/dev/null",
                             f"! grep -q '^{arg}:' /etc/passwd")
        if self.rng.random() < 0.5:
            return [f"if {cond}; then", *self.block(body), "fi"]
        neg = cond[2:] if cond.startswith("! ") else f"! {cond}" if cond.startswith("[") else None
        if neg is None:
            return [f"if {cond}; then", *self.block(body), "fi"]
        return [f"{neg} && exit 0" if not neg.startswith("! ") else f"{cond} || exit 0", *body]

    def evaluated(self, body: list[str]) -> list[str]:
        text = "\n".join(ln.lstrip(NOINDENT) for ln in body)
        var = self.pick("cmd", "c", "_x", "run", "job")
        quoted = "'" + text.replace("'", "'\\''") + "'"
        return [f"{var}={quoted}", f'eval "${var}"'] if self.rng.random() < 0.6 else \
            [f"eval {quoted}"]

    def source(self, path: str) -> list[str]:
        return [self.pick(f". {path}", f". {path} || exit 1", f"[ -r {path} ] && . {path}")]

    def decode_run(self, layers: list[str], payload: str, interp: str) -> list[str]:
        """A pipeline that undoes the layers (outermost first) and pipes the result to interp."""
        pipe = []
        for layer in layers:
            pipe.append({"base64": self.pick("base64 -d", "base64 --decode", "openssl base64 -d -A"),
                         "base32": "base32 -d",
                         "hex": self.pick("xxd -r -p", "xxd -p -r"),
                         "rot13": self.pick("tr 'A-Za-z' 'N-ZA-Mn-za-m'",
                                            "tr 'a-zA-Z' 'n-za-mN-ZA-M'"),
                         "rev": "rev",
                         "gzip": self.pick("gunzip", "gzip -dc", "zcat")}[layer])
        run = {"sh": self.pick("sh", "/bin/sh", "sh -s"), "bash": self.pick("bash", "bash -s"),
               "python3": "python3 -", "perl": "perl", "expect": "expect -"}[interp]
        return [f"echo '{payload}' | " + " | ".join(pipe + [run])]


class Bash(Shell):
    name = "bash"
    interpreter = "bash"

    def header(self) -> list[str]:
        return [self.pick("#!/bin/bash", "#!/usr/bin/env bash", "#!/bin/bash -e")] + (
            [self.pick("set -o pipefail", "shopt -s nullglob", "set -euo pipefail")]
            if self.rng.random() < 0.5 else [])

    def const_list(self, name: str, items: tuple[str, ...]) -> list[str]:
        return [f"{name}=({' '.join(self.expr(i) for i in items)})"]

    def loop(self, var: str, src: Source, body: list[str]) -> list[str]:
        if src.kind == "list":
            return [f'for {var} in "${{{src.name}[@]}}"; do', *self.block(body), "done"]
        if src.kind == "file" and self.rng.random() < 0.5:
            arr = self.pick("nodes", "NE", "list", "targets")
            return [f"mapfile -t {arr} < <(grep -v '^#' {self.expr(src.path)})",
                    f'for {var} in "${{{arr}[@]}}"; do', *self.block(body), "done"]
        return super().loop(var, src, body)

    def func(self, name: str, params: list[str], body: list[str]) -> list[str]:
        binds = [f'local {p}="${i + 1}"' for i, p in enumerate(params)]
        head = self.pick(f"function {name} {{", f"{name}() {{", f"function {name}() {{")
        return [head, *self.block([*binds, *body]), "}"]

    def gate(self, kind: str, arg: str, body: list[str]) -> list[str]:
        if kind == "date" and self.rng.random() < 0.5:
            return [f"if [[ $(date +%Y%m%d) -ge {arg} ]]; then", *self.block(body), "fi"]
        if kind == "host" and self.rng.random() < 0.5:
            return [f'if [[ "$HOSTNAME" == "{arg}" ]]; then', *self.block(body), "fi"]
        return super().gate(kind, arg, body)

    def decode_run(self, layers: list[str], payload: str, interp: str) -> list[str]:
        if interp == "bash" and self.rng.random() < 0.5:
            inner = super().decode_run(layers, payload, interp)[0].rsplit(" | ", 1)[0]
            return [self.pick(f'eval "$({inner})"', f"bash <({inner})", f"source <({inner})")]
        return super().decode_run(layers, payload, interp)


# --------------------------------------------------------------------------------------- python
def _py_str(text: str) -> str:
    return repr(text) if "'" in text or '"' not in text else '"' + text.replace('"', '\\"') + '"'


class Python(Lang):
    family = "python"
    ext = ".py"
    interpreter = "python3"
    lib = "subprocess"

    def __init__(self, rng: random.Random) -> None:
        super().__init__(rng)
        self.name = f"python-{self.lib}"

    def header(self) -> list[str]:
        first = [self.pick("#!/usr/bin/env python3", "#!/usr/bin/python3",
                           "#!/usr/bin/env python3\n# -*- coding: utf-8 -*-")]
        mods = sorted(m for m in self.needs if not m.startswith("from "))
        froms = sorted(m for m in self.needs if m.startswith("from "))
        return first + [f"import {m}" for m in mods] + froms

    def expr(self, tpl: str) -> str:
        ps = parts(tpl)
        if all(k == "lit" for k, _ in ps):
            return _py_str(tpl)
        style = self.rng.randrange(3)
        if style == 0:
            return "f" + _py_str("".join(v.replace("{", "{{").replace("}", "}}") if k == "lit"
                                         else f"{{{v}}}" for k, v in ps))
        if style == 1 and not any("%" in v for k, v in ps if k == "lit"):
            fmt = "".join(v if k == "lit" else "%s" for k, v in ps)
            names = [v for k, v in ps if k == "var"]
            args = names[0] if len(names) == 1 else "(" + ", ".join(names) + ")"
            return f"{_py_str(fmt)} % {args}"
        return " + ".join(_py_str(v) if k == "lit" else f"str({v})" for k, v in ps)

    def const(self, name: str, value: str) -> list[str]:
        return [f"{name} = {self.expr(value)}"]

    def const_list(self, name: str, items: tuple[str, ...]) -> list[str]:
        return [f"{name} = [{', '.join(_py_str(i) for i in items)}]"]

    def _shell_run(self, argv: list[str]) -> list[str]:
        style = self.rng.randrange(3)
        if style == 0 or any(a.startswith("-c") for a in argv[:1]):
            self.needs.add("subprocess")
            return [f"subprocess.run([{', '.join(self.expr(a) for a in argv)}]"
                    + self.pick(")", ", check=False)", ", stdout=subprocess.DEVNULL)")]
        if style == 1:
            self.needs.add("subprocess")
            return [f"subprocess.call([{', '.join(self.expr(a) for a in argv)}])"]
        self.needs.add("os")
        words = " ".join(_shq(a) for a in argv)
        return [f"os.system({self.expr(words)})"]

    def host(self, argv: list[str]) -> list[str]:
        if argv[:2] == ["rm", "-rf"] and len(argv) == 3 and self.rng.random() < 0.4:
            self.needs.add("shutil")
            return [f"shutil.rmtree({self.expr(argv[2])}, ignore_errors=True)"]
        return self._shell_run(argv)

    def snmp_set(self, host: str, oid: Oid, value: str, kind: str = "i") -> list[str]:
        return self._shell_run(["snmpset", "-v2c", "-c", self.pick("private", "ems-rw"), host,
                                oid.text(), kind, value])

    def snmp_get(self, host: str, oid: Oid) -> list[str]:
        return self._shell_run(["snmpget", "-v2c", "-c", "public", host, oid.text()])

    def cli(self, platform: str, host: str, lines: list[str]) -> list[str]:
        self.needs.add("subprocess")
        items = ", ".join(self.expr(t) for t in lines)
        if platform == "tl1":
            return [f"subprocess.run(['nc', '-w', '5', {self.expr(host)}, '3083'], "
                    f"input='\\n'.join([{items}]) + '\\n', text=True)"]
        return [f"subprocess.run(['ssh', '-T', {self.expr('oper@' + host)}], "
                f"input='\\n'.join([{items}]) + '\\n', text=True)"]

    def loop(self, var: str, src: Source, body: list[str]) -> list[str]:
        if src.kind == "literal":
            head = f"for {var} in ({', '.join(_py_str(i) for i in src.items)}):"
        elif src.kind == "list":
            head = f"for {var} in {src.name}:"
        elif src.kind == "file":
            fh = self.pick("fh", "f", "src")
            return [f"with open({self.expr(src.path)}) as {fh}:",
                    *self.block([f"for {var} in {fh}:",
                                 *self.block([f"{var} = {var}.split('#')[0].strip()",
                                              f"if not {var}:", self.pad + "continue", *body])])]
        else:
            assert src.column is not None
            self.needs.add("subprocess")
            out = self.pick("out", "walk", "rows")
            return [f"{out} = subprocess.run(['snmpwalk', '-v2c', '-c', 'public', '-On', "
                    f"{self.expr(src.host)}, {self.expr(src.column.text())}], "
                    "capture_output=True, text=True).stdout",
                    f"for line in {out}.splitlines():",
                    *self.block([f"{var} = line.split()[0]", *body])]
        return [head, *self.block(body)]

    def func(self, name: str, params: list[str], body: list[str]) -> list[str]:
        return [f"def {name}({', '.join(params)}):", *self.block(body), ""]

    def call(self, name: str, args: list[str]) -> list[str]:
        return [f"{name}({', '.join(self.expr(a) for a in args)})"]

    def gate(self, kind: str, arg: str, body: list[str]) -> list[str]:
        if kind == "date":
            self.needs.add("datetime")
            y, m, d = int(arg[:4]), int(arg[4:6]), int(arg[6:])
            cond = self.pick(f"datetime.date.today() >= datetime.date({y}, {m}, {d})",
                             f"datetime.datetime.now().strftime('%Y%m%d') >= '{arg}'")
        elif kind == "host":
            self.needs.add("socket")
            cond = self.pick(f"socket.gethostname() == {_py_str(arg)}",
                             f"socket.gethostname().split('.')[0] == {_py_str(arg)}")
        elif kind == "file":
            self.needs.add("os")
            cond = self.pick(f"os.path.exists({_py_str(arg)})", f"os.path.isfile({_py_str(arg)})")
        else:
            self.needs.add("pwd")
            return ["try:", self.pad + f"pwd.getpwnam({_py_str(arg)})", "except KeyError:",
                    *self.block(body)]
        return [f"if {cond}:", *self.block(body)]

    def evaluated(self, body: list[str]) -> list[str]:
        text = "\n".join(ln.lstrip(NOINDENT) for ln in body)
        return [self.pick(f"exec({text!r})", f"exec(compile({text!r}, '<job>', 'exec'))")]

    def source(self, path: str) -> list[str]:
        folder, mod = path.rsplit("/", 1)
        self.needs.add("sys")
        return [f"sys.path.insert(0, {_py_str(folder)})",
                self.pick(f"from {mod[:-3]} import *  # noqa", f"from {mod[:-3]} import *")]

    def decoded(self, layer: str, payload: str) -> str | None:
        """In-language decode of one layer, or None when Python would not do it inline."""
        if layer == "base64":
            self.needs.add("base64")
            return "base64.b64decode({})"
        if layer == "base32":
            self.needs.add("base64")
            return "base64.b32decode({})"
        if layer == "hex":
            return self.pick("bytes.fromhex({})", "bytes.fromhex({}.decode())")
        if layer == "gzip":
            self.needs.add("zlib")
            return "zlib.decompress({}, 16 + zlib.MAX_WBITS)"
        if layer == "rot13":
            self.needs.add("codecs")
            return "codecs.decode({}.decode(), 'rot13').encode()"
        if layer == "rev":
            return "b'\\n'.join(ln[::-1] for ln in {}.split(b'\\n'))"
        return None


def _shq(tpl: str) -> str:
    """Shell-quote a template word, keeping placeholders."""
    return tpl if re.fullmatch(r"[\w./:@%+=,{}-]+", tpl) else "'" + tpl.replace("'", "'\\''") + "'"


class PySubprocess(Python):
    lib = "subprocess"
    can = frozenset({"host", "snmp", "cli-ios", "cli-junos", "cli-tl1"})


class PyPexpect(Python):
    lib = "pexpect"
    can = frozenset({"host", "cli-ios", "cli-junos", "cli-tl1"})

    def host(self, argv: list[str]) -> list[str]:
        self.needs.add("pexpect")
        return [f"pexpect.run({self.expr(' '.join(_shq(a) for a in argv))})"]

    def cli(self, platform: str, host: str, lines: list[str]) -> list[str]:
        self.needs.add("pexpect")
        c = self.pick("child", "s", "sess")
        spawn = self.expr(f"telnet {host} 3083" if platform == "tl1" else f"ssh oper@{host}")
        prompt = {"tl1": "'<'", "ios": "'#'", "junos": "'[>#]'"}[platform]
        out = [f"{c} = pexpect.spawn({spawn}, timeout=30)", f"{c}.expect({prompt})"]
        for t in lines:
            out += [f"{c}.sendline({self.expr(t)})", f"{c}.expect({prompt})"]
        return out + [f"{c}.close()"]


class PyTelnetlib(Python):
    lib = "telnetlib"
    can = frozenset({"cli-ios", "cli-junos", "cli-tl1"})

    def cli(self, platform: str, host: str, lines: list[str]) -> list[str]:
        self.needs.add("telnetlib")
        tn = self.pick("tn", "t", "conn")
        port = "3083" if platform == "tl1" else self.pick("23", "23", "2323")
        out = [f"{tn} = telnetlib.Telnet({self.expr(host)}, {port}, 10)"]
        if platform != "tl1":
            out += [f"{tn}.read_until(b'Username: ')", f"{tn}.write(b'oper\\n')",
                    f"{tn}.read_until(b'Password: ')", f"{tn}.write(PW.encode() + b'\\n')"]
        for t in lines:
            out.append(self.pick(f"{tn}.write(({self.expr(t)} + '\\n').encode())",
                                 f"{tn}.write({self.expr(t)}.encode('ascii') + b'\\r\\n')"))
        return out + [f"{tn}.close()"]

    def header(self) -> list[str]:
        return super().header() + ["PW = open('/opt/ems/etc/.ne-pw').read().strip()"]


class PyNetmiko(Python):
    lib = "netmiko"
    can = frozenset({"cli-ios", "cli-junos"})

    def cli(self, platform: str, host: str, lines: list[str]) -> list[str]:
        self.needs.add("from netmiko import ConnectHandler")
        c = self.pick("conn", "net_connect", "ssh", "dev")
        kind = {"ios": "cisco_ios", "junos": "juniper_junos"}[platform]
        cmds = [t for t in lines if t not in ("configure terminal", "end", "configure",
                                              "commit and-quit", "write memory")]
        items = ", ".join(self.expr(t) for t in cmds)
        out = [f"{c} = ConnectHandler(device_type={kind!r}, host={self.expr(host)}, "
               f"username='oper', password=PASSWORD)"]
        if all(t.split(" ", 1)[0] in ("show", "terminal") for t in cmds):
            self.needs.add("sys")
            return [*out, *(f"sys.stdout.write({c}.send_command({self.expr(t)}))" for t in cmds),
                    f"{c}.disconnect()"]
        if self.rng.random() < 0.5:
            out.append(f"{c}.send_config_set([{items}])")
        else:
            out += [f"for cmd in [{items}]:", self.pad + f"{c}.send_config_set([cmd])"]
        if platform == "junos":
            out.append(f"{c}.commit()")
        elif self.rng.random() < 0.5:
            out.append(f"{c}.save_config()")
        return out + [f"{c}.disconnect()"]

    def header(self) -> list[str]:
        return super().header() + [self.pick("PASSWORD = 'Ems#2026'",
                                             "PASSWORD = open('/opt/ems/etc/.pw').read().strip()")]


class PyParamiko(Python):
    lib = "paramiko"
    can = frozenset({"cli-ios", "cli-junos"})

    def cli(self, platform: str, host: str, lines: list[str]) -> list[str]:
        self.needs.add("paramiko")
        self.needs.add("time")
        cl, ch = self.pick("client", "cli", "ssh"), self.pick("chan", "shell", "sh")
        out = [f"{cl} = paramiko.SSHClient()",
               f"{cl}.set_missing_host_key_policy(paramiko.AutoAddPolicy())",
               f"{cl}.connect({self.expr(host)}, username='oper', password='Ems#2026')",
               f"{ch} = {cl}.invoke_shell()"]
        if self.rng.random() < 0.5:
            out += [f"for line in [{', '.join(self.expr(t) for t in lines)}]:",
                    self.pad + f"{ch}.send(line + '\\n')", self.pad + "time.sleep(1)"]
        else:
            out += [f"{ch}.send({self.expr(t)} + '\\n')" for t in lines]
        return out + ["time.sleep(2)", f"{cl}.close()"]


class PyPysnmp(Python):
    lib = "pysnmp"
    can = frozenset({"snmp"})

    def _target(self, host: str) -> str:
        return f"UdpTransportTarget(({self.expr(host)}, 161))"

    def _object(self, oid: Oid) -> str:
        if oid.symbolic and oid.column:
            mib, _ = MIB[oid.column]
            ps = parts(oid.index)
            if oid.index and all(k == "lit" for k, _ in ps):
                idx = ", ".join(str(int(x)) for x in oid.index.split("."))
                return f"ObjectIdentity({mib!r}, {oid.column!r}, {idx})"
            if not oid.index:
                return f"ObjectIdentity({mib!r}, {oid.column!r})"
            return (f"ObjectIdentity({mib!r}, {oid.column!r}, "
                    f"*[int(x) for x in {self.expr(oid.index)}.split('.')])")
        return f"ObjectIdentity({self.expr(oid.text())})"

    def snmp_set(self, host: str, oid: Oid, value: str, kind: str = "i") -> list[str]:
        self.needs.add("from pysnmp.hlapi import *  # noqa: F403")
        val = f"Integer({value})" if kind == "i" else f"OctetString({self.expr(value)})"
        res = self.pick("res", "err", "_")
        return [f"{res} = next(setCmd(SnmpEngine(), CommunityData({self.pick(repr('private'), 'COMMUNITY')}), "
                f"{self._target(host)}, ContextData(), ObjectType({self._object(oid)}, {val})))"]

    def snmp_get(self, host: str, oid: Oid) -> list[str]:
        self.needs.add("from pysnmp.hlapi import *  # noqa: F403")
        return [f"ei, es, ex, vbs = next(getCmd(SnmpEngine(), CommunityData('public'), "
                f"{self._target(host)}, ContextData(), ObjectType({self._object(oid)})))",
                "print(*vbs)"]

    def header(self) -> list[str]:
        return super().header() + ["COMMUNITY = 'private'"]

    def loop(self, var: str, src: Source, body: list[str]) -> list[str]:
        if src.kind != "walk":
            return super().loop(var, src, body)
        assert src.column is not None
        self.needs.add("from pysnmp.hlapi import *  # noqa: F403")
        col = Oid(src.column.column, "", src.column.symbolic)
        return [f"for (ei, es, ex, vbs) in nextCmd(SnmpEngine(), CommunityData('public'), "
                f"{self._target(src.host)}, ContextData(), ObjectType({self._object(col)}), "
                "lexicographicMode=False):",
                *self.block(["for name, _val in vbs:",
                             *self.block([f"{var} = name.prettyPrint()", *body])])]


# ----------------------------------------------------------------------------------------- perl
def _pl_dq(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("@", "\\@")


class Perl(Lang):
    family = "perl"
    ext = ".pl"
    interpreter = "perl"
    lib = "system"

    def __init__(self, rng: random.Random) -> None:
        super().__init__(rng)
        self.name = f"perl-{self.lib}"
        self.pad = rng.choice(["    ", "  ", "\t"])

    def header(self) -> list[str]:
        return [self.pick("#!/usr/bin/perl", "#!/usr/bin/perl -w", "#!/usr/bin/env perl"),
                "use strict;", *(["use warnings;"] if self.rng.random() < 0.6 else []),
                *(f"use {m};" for m in sorted(self.needs))]

    def expr(self, tpl: str) -> str:
        ps = parts(tpl)
        if all(k == "lit" for k, _ in ps) and "'" not in tpl and self.rng.random() < 0.5:
            return f"'{tpl.replace(chr(92), chr(92) * 2)}'"
        return '"' + self.interpolated(tpl) + '"'

    def interpolated(self, tpl: str) -> str:
        """A template inside an interpolating Perl context (double quotes, backticks)."""
        return "".join(_pl_dq(v) if k == "lit" else f"${{{v}}}" for k, v in parts(tpl))

    def const(self, name: str, value: str) -> list[str]:
        return [f"my ${name} = {self.expr(value)};"]

    def const_list(self, name: str, items: tuple[str, ...]) -> list[str]:
        return [f"my @{name} = qw({' '.join(items)});"]

    def host(self, argv: list[str]) -> list[str]:
        if argv[:2] == ["rm", "-rf"] and self.rng.random() < 0.3:
            self.needs.add("File::Path qw(remove_tree)")
            return [f"remove_tree({self.expr(argv[2])});"]
        if self.rng.random() < 0.5:
            return [f"system({', '.join(self.expr(a) for a in argv)});"]
        return [f"system({self.expr(' '.join(_shq(a) for a in argv))}) == 0 or warn \"failed\";"]

    def snmp_set(self, host: str, oid: Oid, value: str, kind: str = "i") -> list[str]:
        return self.host(["snmpset", "-v2c", "-c", "private", host, oid.text(), kind, value])

    def snmp_get(self, host: str, oid: Oid) -> list[str]:
        return self.host(["snmpget", "-v2c", "-c", "public", host, oid.text()])

    def cli(self, platform: str, host: str, lines: list[str]) -> list[str]:
        fh = self.pick("$p", "$ssh", "$fh")
        opener = self.expr(f"| nc -w 5 {host} 3083" if platform == "tl1"
                           else f"| ssh -T oper@{host}")
        return [f"open(my {fh}, {opener}) or die \"cannot connect: $!\";",
                *(f"print {{{fh}}} {self.expr(t)} . \"\\n\";" for t in lines),
                f"close({fh});"]

    def loop(self, var: str, src: Source, body: list[str]) -> list[str]:
        if src.kind == "literal":
            return [f"foreach my ${var} (qw({' '.join(src.items)})) {{", *self.block(body), "}"]
        if src.kind == "list":
            return [f"for my ${var} (@{src.name}) {{", *self.block(body), "}"]
        if src.kind == "file":
            fh = self.pick("$in", "$list", "$fh")
            return [f"open(my {fh}, '<', {self.expr(src.path)}) or die;",
                    f"while (my ${var} = <{fh}>) {{",
                    *self.block([f"chomp ${var};", f"next if ${var} =~ /^\\s*(#|$)/;",
                                 f"(${var}) = split /\\s+/, ${var};", *body]),
                    "}", f"close {fh};"]
        assert src.column is not None
        return [f"for my ${var} (map {{ (split)[0] }} "
                f"`snmpwalk -v2c -c public -On {self.interpolated(src.host)} "
                f"{src.column.text()}`) {{",
                *self.block(body), "}"]

    def func(self, name: str, params: list[str], body: list[str]) -> list[str]:
        binds = (f"my ({', '.join('$' + p for p in params)}) = @_;" if self.rng.random() < 0.6
                 else " ".join(f"my ${p} = shift;" for p in params))
        return [f"sub {name} {{", *self.block([binds, *body]), "}"]

    def call(self, name: str, args: list[str]) -> list[str]:
        return [f"{name}({', '.join(self.expr(a) for a in args)});"]

    def gate(self, kind: str, arg: str, body: list[str]) -> list[str]:
        if kind == "date":
            self.needs.add("POSIX qw(strftime)")
            cond = f"strftime('%Y%m%d', localtime) >= {arg}"
        elif kind == "host":
            self.needs.add("Sys::Hostname")
            cond = f"hostname() eq '{arg}'"
        elif kind == "file":
            cond = self.pick(f"-e '{arg}'", f"-f '{arg}'")
        else:
            cond = f"!defined(getpwnam('{arg}'))"
        return [f"if ({cond}) {{", *self.block(body), "}"]

    def evaluated(self, body: list[str]) -> list[str]:
        text = "\n".join(ln.lstrip(NOINDENT) for ln in body)
        for d in "~!|^":
            if d not in text:
                return [f"eval q{d}{text}{d};"]
        return ["eval q{" + text + "};"]

    def source(self, path: str) -> list[str]:
        return [self.pick(f"require '{path}';", f"do '{path}';", f"require \"{path}\";")]


class PerlSystem(Perl):
    lib = "system"
    can = frozenset({"host", "snmp", "cli-ios", "cli-junos", "cli-tl1"})


class PerlNetSNMP(Perl):
    lib = "netsnmp"
    can = frozenset({"snmp"})

    def snmp_set(self, host: str, oid: Oid, value: str, kind: str = "i") -> list[str]:
        self.needs.add("Net::SNMP qw(:asn1)" if self.rng.random() < 0.5 else "Net::SNMP")
        s = self.pick("$s", "$session", "$snmp")
        asn = "INTEGER" if kind == "i" else "OCTET_STRING"
        asn = asn if "qw(:asn1)" in str(self.needs) else f"Net::SNMP::{asn}()"
        return [f"my ({s}, $e) = Net::SNMP->session(-hostname => {self.expr(host)}, "
                f"-community => {self.pick(chr(39) + 'private' + chr(39), '$ENV{NE_RW}')}, -version => 'snmpv2c');",
                f"{s}->set_request(-varbindlist => [{self.expr(oid.text())}, {asn}, {value if kind == 'i' else self.expr(value)}]);",
                f"{s}->close();"]

    def snmp_get(self, host: str, oid: Oid) -> list[str]:
        self.needs.add("Net::SNMP")
        return [f"my ($g) = Net::SNMP->session(-hostname => {self.expr(host)}, "
                "-community => 'public', -version => 'snmpv2c');",
                f"my $r = $g->get_request(-varbindlist => [{self.expr(oid.text())}]);",
                "print join(' ', %$r), \"\\n\" if $r;"]

    def loop(self, var: str, src: Source, body: list[str]) -> list[str]:
        if src.kind != "walk":
            return super().loop(var, src, body)
        assert src.column is not None
        self.needs.add("Net::SNMP")
        w = self.pick("$w", "$walker", "$ro")
        return [f"my ({w}) = Net::SNMP->session(-hostname => {self.expr(src.host)}, "
                "-community => 'public', -version => 'snmpv2c');",
                f"my $table = {w}->get_table(-baseoid => {self.expr(src.column.text())}) || {{}};",
                f"foreach my ${var} (keys %$table) {{", *self.block(body), "}"]


class PerlNetTelnet(Perl):
    lib = "nettelnet"
    can = frozenset({"cli-ios", "cli-junos", "cli-tl1"})

    def cli(self, platform: str, host: str, lines: list[str]) -> list[str]:
        self.needs.add("Net::Telnet")
        t = self.pick("$t", "$tel", "$ne")
        port = "3083" if platform == "tl1" else "23"
        prompt = {"tl1": "'/^;/'", "ios": "'/[#>]\\s*$/'", "junos": "'/[%>#]\\s*$/'"}[platform]
        out = [f"my {t} = Net::Telnet->new(Host => {self.expr(host)}, Port => {port}, "
               f"Timeout => 20, Prompt => {prompt});"]
        if platform != "tl1":
            out.append(f"{t}->login('oper', $ENV{{NE_PW}});")
        out += [f"{t}->cmd({self.expr(tl)});" for tl in lines]
        return out + [f"{t}->close;"]


# ------------------------------------------------------------------------------------ expect/Tcl
def _tcl_dq(text: str) -> str:
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
            .replace("[", "\\[").replace("]", "\\]"))


class Expect(Lang):
    family = "tcl"
    ext = ".exp"
    interpreter = "expect"
    name = "expect"
    can = frozenset({"host", "snmp", "cli-ios", "cli-junos", "cli-tl1"})

    def header(self) -> list[str]:
        return [self.pick("#!/usr/bin/expect -f", "#!/usr/bin/expect", "#!/usr/bin/env expect"),
                *(["set timeout 20"] if self.rng.random() < 0.7 else []),
                *(["log_user 0"] if self.rng.random() < 0.4 else [])]

    def expr(self, tpl: str) -> str:
        return '"' + "".join(_tcl_dq(v) if k == "lit" else f"${{{v}}}" for k, v in parts(tpl)) + '"'

    def const(self, name: str, value: str) -> list[str]:
        return [f"set {name} {self.expr(value)}"]

    def const_list(self, name: str, items: tuple[str, ...]) -> list[str]:
        return [f"set {name} [list {' '.join(items)}]" if self.rng.random() < 0.5
                else f"set {name} {{{' '.join(items)}}}"]

    def host(self, argv: list[str]) -> list[str]:
        words = " ".join(self.expr(a) for a in argv)
        return [f"catch {{exec {words}}}" if self.rng.random() < 0.5 else f"exec {words}"]

    def snmp_set(self, host: str, oid: Oid, value: str, kind: str = "i") -> list[str]:
        return self.host(["snmpset", "-v2c", "-c", "private", host, oid.text(), kind, value])

    def snmp_get(self, host: str, oid: Oid) -> list[str]:
        return [f"puts [exec snmpget -v2c -c public {self.expr(host)} {self.expr(oid.text())}]"]

    def cli(self, platform: str, host: str, lines: list[str]) -> list[str]:
        spawn = (f"spawn telnet {self.expr(host)} 3083" if platform == "tl1"
                 else f"spawn ssh -o StrictHostKeyChecking=no oper@{self.expr(host)[1:-1]}")
        prompt = {"tl1": '"<"', "ios": '"#"', "junos": '-re "\\[>#%\\] $"'}[platform]
        out = [spawn]
        if platform != "tl1":
            out += ['expect "assword:"', 'send "$env(NE_PW)\\r"']
        for t in lines:
            out += [f"expect {prompt}", f"send {self.expr(t)[:-1]}\\r\""]
        return out + [f"expect {prompt}", "close"]

    def loop(self, var: str, src: Source, body: list[str]) -> list[str]:
        if src.kind == "literal":
            return [f"foreach {var} {{{' '.join(src.items)}}} {{", *self.block(body), "}"]
        if src.kind == "list":
            return [f"foreach {var} ${src.name} {{", *self.block(body), "}"]
        if src.kind == "file":
            fh = self.pick("fh", "f", "in")
            return [f"set {fh} [open {self.expr(src.path)} r]",
                    f"while {{[gets ${fh} {var}] >= 0}} {{",
                    *self.block([f"if {{[string match \"#*\" ${var}] || ${var} eq \"\"}} continue",
                                 f"set {var} [lindex ${var} 0]", *body]),
                    "}", f"close ${fh}"]
        assert src.column is not None
        return [f"foreach line [split [exec snmpwalk -v2c -c public -On {self.expr(src.host)} "
                f"{src.column.text()}] \"\\n\"] {{",
                *self.block([f"set {var} [lindex $line 0]", *body]), "}"]

    def func(self, name: str, params: list[str], body: list[str]) -> list[str]:
        return [f"proc {name} {{{' '.join(params)}}} {{", *self.block(body), "}"]

    def call(self, name: str, args: list[str]) -> list[str]:
        return [" ".join([name, *(self.expr(a) for a in args)])]

    def gate(self, kind: str, arg: str, body: list[str]) -> list[str]:
        if kind == "date":
            cond = f"[clock format [clock seconds] -format %Y%m%d] >= {arg}"
        elif kind == "host":
            cond = f"[info hostname] eq \"{arg}\""
        elif kind == "file":
            cond = f"[file exists {arg}]"
        else:
            cond = f"[catch {{exec id {arg}}}]"
        return [f"if {{{cond}}} {{", *self.block(body), "}"]

    def evaluated(self, body: list[str]) -> list[str]:
        text = "\n".join(ln.lstrip(NOINDENT) for ln in body)
        return [self.pick(f"eval {{{text}}}", f"set script {{{text}}}\neval $script")]

    def source(self, path: str) -> list[str]:
        return [f"source {path}"]


LANGS: dict[str, type[Lang]] = {
    "sh": Shell, "bash": Bash,
    "python-subprocess": PySubprocess, "python-netmiko": PyNetmiko,
    "python-paramiko": PyParamiko, "python-pexpect": PyPexpect,
    "python-telnetlib": PyTelnetlib, "python-pysnmp": PyPysnmp,
    "perl-system": PerlSystem, "perl-netsnmp": PerlNetSNMP, "perl-nettelnet": PerlNetTelnet,
    "expect": Expect,
}
