"""Programs in languages lineguard does not parse (Ruby, Node, PHP, Lua — one-liners and whole
files): what they hand to a shell and which files they delete, read from the literal strings
given to the calls that do it, and, when they open a session to a network element (Ruby
net-ssh or net-telnet, Node ssh2, PHP ssh2, Go x/crypto/ssh), the command lines their string
literals hold. Go source run with `go run` is read the same way. The
program is still reported as unparsed; these effects are what can be known."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable

from lineguard.collector.analyse.effects import commands, decode, device
from lineguard.collector.analyse.effects.model import unknown
from lineguard.collector.analyse.effects.resolve import READERS, Job, Place, Reader, read

_STRING = r"""(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')"""
# Calls that run a command line through a shell.
_RUNS = re.compile(r"(?:\b(?:system|exec|execSync|spawnSync|shell_exec|passthru|popen|proc_open|"
                   r"os\.execute|io\.popen|Open3\.\w+|IO\.popen|Kernel\.system)\s*\(?\s*" + _STRING
                   + r"|`([^`]+)`|%x\{([^}]*)\})")
# A shell given its command line in an argument list (spawnSync('sh', ['-c', CMD]), IO.popen(
# ['sh', '-c', CMD]), Open3.capture2('bash', '-c', CMD)).
_SHELL_ARGV = re.compile(r"""["'](?:/usr)?(?:/bin/)?(?:ba|da|k|z)?sh["']\s*,\s*\[?\s*["']-c["']\s*,\s*"""
                         + _STRING)
# Calls that delete a file or a tree.
_DELETES = re.compile(r"\b(FileUtils\.rm_rf|FileUtils\.rm_r|FileUtils\.remove_dir|FileUtils\.rm|"
                      r"File\.delete|File\.unlink|Dir\.rmdir|rmSync|rmdirSync|unlinkSync|"
                      r"fs\.rm|fs\.unlink|unlink|rmdir|os\.remove)\s*\(\s*"
                      + _STRING)
_TREE = re.compile(r"rmSync|rmdir|fs\.rm$")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


# --- JavaScript (Node.js): the forms a program runs a program, a session or a request in ------
_JS_LANGS = frozenset({"node", "nodejs", "js"})
_JS_STR = r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`$]*`)"""
# execFileSync('prog', ['a', 'b'], { input: '…' }) and spawn/spawnSync/execFile alike
_JS_ARGV = re.compile(r"\b(?:execFileSync|execFile|spawnSync|spawn)\s*\(\s*(" + _JS_STR +
                      r")\s*,\s*\[((?:\s*" + _JS_STR + r"\s*,?)*)\]\s*(?:,\s*\{([^}]*)\})?")
_JS_INPUT = re.compile(r"\binput\s*:\s*(" + _JS_STR + ")")
# Buffer.from('…', 'base64' | 'hex') and atob('…'): decoded where they stand
_JS_DECODE = re.compile(r"\bBuffer\.from\(\s*(" + _JS_STR + r")\s*,\s*['\"](base64|hex)['\"]\s*\)"
                        r"(?:\.toString\(\s*(?:['\"][\w-]*['\"])?\s*\))?|\batob\(\s*(" + _JS_STR + r")\s*\)")
# code in a string: new Function(…, 'code') and eval('code')
_JS_CODE = re.compile(r"\bnew\s+Function\s*\((?:\s*" + _JS_STR + r"\s*,)*\s*(" + _JS_STR +
                      r")\s*\)|\beval\s*\(\s*(" + _JS_STR + r")\s*\)")
# net-snmp: createSession('host', 'community'), then session.set([{ oid: '…', value: N }])
_JS_SNMP_SESSION = re.compile(r"\bcreateSession\s*\(\s*(" + _JS_STR + r")\s*,\s*(" + _JS_STR + ")")
_JS_SNMP_SET = re.compile(r"\boid\s*:\s*(" + _JS_STR + r")[^}]*?\bvalue\s*:\s*(" + _JS_STR +
                          r"|-?\d+)")
# https/http.request({ host, path, method: 'DELETE' }) and fetch(url, { method })
_JS_REQUEST = re.compile(r"\b(?:https?\.request|request)\s*\(\s*\{([^}]*)\}")
_JS_FETCH = re.compile(r"\bfetch\s*\(\s*(" + _JS_STR + r")\s*,\s*\{([^}]*)\}")


def _js(literal: str) -> str:
    """The value of a JavaScript string literal."""
    body = literal[1:-1]
    return decode.escapes(body) if literal[0] != "`" else body


def _js_field(fields: str, name: str) -> str:
    m = re.search(r"\b" + name + r"\s*:\s*(" + _JS_STR + ")", fields)
    return _js(m.group(1)) if m else ""


def _js_forms(text: str, shell_reader, place: Place, where: Callable[[int], tuple[int, str]],
              language: str) -> None:  # noqa: ANN001
    """What a Node.js program runs through the forms plain literals miss: argument vectors,
    decoded strings, code in strings, net-snmp SETs and HTTP requests (read as the shell
    command that does the same)."""
    for m in _JS_DECODE.finditer(text):
        lit, how = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), "base64")
        out = decode.undo(how, _js(lit))
        if out is None:
            continue
        value = out if isinstance(out, str) else out.decode("latin-1")
        shell_reader("shell", value, place, *where(m.start()), f"decoded from {how} by {language}")
    for m in _JS_CODE.finditer(text):
        code = _js(m.group(1) or m.group(2))
        shell_reader(language, code, place, *where(m.start()), f"code in a string run by {language}")
    for m in _JS_ARGV.finditer(text):
        argv = [_js(m.group(1))] + [_js(x) for x in re.findall(_JS_STR, m.group(2))]
        line = " ".join(shlex.quote(a) for a in argv)
        feed = _JS_INPUT.search(m.group(3) or "")
        if feed:
            line += f" <<'JS_INPUT'\n{_js(feed.group(1))}\nJS_INPUT"
        shell_reader("shell", line, place, *where(m.start()), f"started by {language}")
    session = _JS_SNMP_SESSION.search(text)
    if session:
        host, community = _js(session.group(1)), _js(session.group(2))
        for m in _JS_SNMP_SET.finditer(text, session.end()):
            value = _js(m.group(2)) if m.group(2)[0] in "'\"`" else m.group(2)
            kind = "i" if re.fullmatch(r"-?\d+", value) else "s"
            shell_reader("shell", shlex.join(["snmpset", "-v2c", "-c", community, host,
                                              _js(m.group(1)), kind, value]),
                         place, *where(m.start()), f"an SNMP SET by {language} (net-snmp)")
    for m in _JS_REQUEST.finditer(text):
        method = _js_field(m.group(1), "method").upper()
        host = _js_field(m.group(1), "host") or _js_field(m.group(1), "hostname")
        if method and method != "GET" and host:
            url = f"https://{host}{_js_field(m.group(1), 'path')}"
            shell_reader("shell", shlex.join(["curl", "-X", method, url]), place,
                         *where(m.start()), f"an HTTP request by {language}")
    for m in _JS_FETCH.finditer(text):
        method = _js_field(m.group(2), "method").upper()
        if method and method != "GET":
            shell_reader("shell", shlex.join(["curl", "-X", method, _js(m.group(1))]), place,
                         *where(m.start()), f"an HTTP request by {language}")


def read_foreign(language: str, text: str, job: Job, place: Place, line: int, ev: str,
                 shell_reader, at: Callable[[int], tuple[int, str]] | None = None  # noqa: ANN001
                 ) -> None:
    """Effects of a program in `language` that lineguard cannot parse (`shell_reader`: the
    shell walker's nested()). Reported on `line` (a one-liner), or where `at` places each call
    (a whole program)."""
    def where(pos: int) -> tuple[int, str]:
        return at(pos) if at is not None else (line, ev)
    for m in _RUNS.finditer(text):
        cmd = next(g for g in m.groups() if g is not None)
        shell_reader("shell", _unescape(cmd), place, *where(m.start()),
                     f"handed to a shell by {language}")
    for m in _SHELL_ARGV.finditer(text):
        cmd = m.group(1) if m.group(1) is not None else m.group(2)
        shell_reader("shell", _unescape(cmd), place, *where(m.start()),
                     f"handed to a shell by {language}")
    if language in _JS_LANGS:
        _js_forms(text, shell_reader, place, where, language)
    for m in _DELETES.finditer(text):
        path = _unescape(m.group(2) if m.group(2) is not None else m.group(3))
        how = "delete-tree" if (_TREE.search(m.group(1)) and "recursive" in text) or \
            "rm_r" in m.group(1) or "remove_dir" in m.group(1) else "delete"
        commands._destroy(job, place, *where(m.start()), path, how)


# libraries that open a session to a network element, in the languages read here
_DEVICE_SESSION = re.compile(
    r"""Net::SSH(?:::Telnet)?(?:\.start|\.new|::Telnet\.new)|Net::Telnet(?:::\w+)?\.new|"""
    r"""require\s*\(?\s*["'](?:net/ssh|net/telnet|net/netconf|ssh2|node-ssh|ssh2-promise|"""
    r"""simple-ssh|telnet-client|telnet-stream)["']|\bssh2_connect\s*\(|\bnew\s+SSH2?\s*\(|"""
    r""""golang\.org/x/crypto/ssh"|"github\.com/(?:scrapli/scrapligo|Juniper/go-netconf)""")
# a literal that cannot be a command line: interpolation, a path, a module name
_NOT_A_COMMAND = re.compile(r"#\{|\$\{|^\.?/|^[\w.-]+/[\w./-]+$|^\s*$")
# one word is a command only when it is one of these (a user, host or option name is not)
_ONE_WORD = frozenset({"conf", "configure", "end", "exit", "quit", "reload", "shutdown", "shut",
                       "commit", "top", "up", "enable", "write", "wr", "rollback"})


def device_lines(text: str) -> list[tuple[int, str]]:
    """(line, text) of each string literal of a program that opens a device session: the
    command lines it may send (a literal that is no command is judged as nothing)."""
    out: list[tuple[int, str]] = []
    for m in re.finditer(_STRING, text):
        raw = m.group(1) if m.group(1) is not None else m.group(2)
        value = decode.escapes(raw) if m.group(1) is not None else _unescape(raw)
        if _NOT_A_COMMAND.search(value) or (not re.search(r"\s", value.strip()) and not
                                            re.match(r"[A-Za-z][\w-]*:", value)     # TL1
                                            and value.strip().lower() not in _ONE_WORD):
            continue
        out.append((text.count("\n", 0, m.start()) + 1, value))
    return out


def read_program(language: str, text: str, job: Job, place: Place, env: dict[str, str]) -> None:
    """A whole program in a language lineguard cannot parse: reported as unparsed, with what its
    literal strings show it does."""
    lines = text.split("\n")
    session = _DEVICE_SESSION.search(text)
    job.sink.append(place.effect("unparsed", 1, lines[0][:200], target=language,
                                 how="talks to network elements" if session else ""))

    def at(pos: int) -> tuple[int, str]:
        n = text.count("\n", 0, pos) + 1
        return n, lines[n - 1].strip()[:300]

    def nested(lang: str, code: str, where: Place, line: int, ev: str, note: str) -> None:
        read(lang, code, job, where.nested(line, ev, note))

    read_foreign(language, text, job, place, 1, lines[0], nested, at)
    if session is None:
        return
    found = device_lines(text)
    if not found:
        return
    line, ev = found[0][0], lines[found[0][0] - 1].strip()[:300]
    eff = device.command_effect([t for _, t in found],
                                unknown(f"the devices this {language} program connects to"),
                                place.path, *place.where(line, ev), gates=place.gates,
                                via=place.via, called=place.called)
    if eff is not None:
        job.talks_to_devices = True
        job.sink.append(eff)


def _reader(language: str) -> Reader:
    return lambda text, job, place, env: read_program(language, text, job, place, env)


# the names resolve.language_of gives these languages (interpreter or file suffix)
for _name in ("ruby", "rb", "node", "nodejs", "js", "php", "lua", "go"):
    READERS[_name] = _reader(_name)
