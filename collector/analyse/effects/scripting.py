"""Programs in languages lineguard does not parse (Ruby, Node, PHP, Lua — one-liners and whole
files): what they hand to a shell and which files they delete, read from the literal strings
given to the calls that do it, and, when they open a session to a network element (Ruby
net-ssh or net-telnet, Node ssh2, PHP ssh2, Go x/crypto/ssh), the command lines their string
literals hold. Go source run with `go run` is read the same way. The
program is still reported as unparsed; these effects are what can be known."""

from __future__ import annotations

import bisect
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
# Each file a pattern names deleted: array_map('unlink', glob(P)) (PHP), Dir.glob(P).each {
# |f| File.delete(f) } and FileUtils.rm_rf(Dir[P]) (Ruby), glob.sync(P).forEach(fs.unlinkSync)
# (a pattern, then the first deletion or end of statement after it: found once per text, so
# many patterns on one line are not each followed to its end)
_GLOB = re.compile(r"\b(?:Dir\.glob|Dir\[|glob(?:\.sync|Sync)?)\s*\(?\s*" + _STRING)
_GLOB_THEN = re.compile(r"\b(FileUtils\.rm_rf|FileUtils\.rm_r|FileUtils\.rm|File\.delete|"
                        r"File\.unlink|unlinkSync|rmSync|unlink)\b|[\n;]")
_DELETES_GLOB = re.compile(r"\b(FileUtils\.rm_rf|FileUtils\.rm_r|FileUtils\.rm|array_map\s*\(\s*"
                           r"['\"]unlink['\"]\s*,)\s*\(?\s*(?:Dir\.glob|Dir\[|glob)\s*\(?\s*" + _STRING)


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


# NAME = 'literal' (Ruby, Lua `local`, JavaScript `const/let/var`, PHP `$name`), alone on its line
# (the literal within its line: an open quote is not followed past it)
_LITERAL_SET = re.compile(r"^[ \t]*(?:(?:const|let|var|local)[ \t]+)?(\$?[A-Za-z_]\w*)[ \t]*=[ \t]*"
                          r"""(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)')[ \t]*;?[ \t]*$""", re.M)
# a name written into a string: Ruby #{x}, JavaScript ${x}, PHP {$x} and "$x"
_INTERPOLATED = re.compile(r"#\{([^{}]*)\}|\$\{([^{}]*)\}|\{(\$[A-Za-z_]\w*)\}|(\$[A-Za-z_]\w*)")
# a string literal, or one left open to the end of the text: it always matches where it starts,
# so an open quote is not tried again from each later quote (linear on any text)
_OPEN_STRING = re.compile(r"""(")((?:[^"\\]|\\[\s\S])*)("?)|(')((?:[^'\\]|\\[\s\S])*)('?)""")
# what binds a name besides `NAME = literal`: any assignment (compound ones too), parameters,
# loop and block variables, destructuring, PHP references and Ruby's in-place changes
_ASSIGNED = re.compile(r"(?<![\w$.@:])(\$?[A-Za-z_]\w*+)\s*"
                       r"(?:\+|-|\*\*?|/|%|\.\.?|\|\|?|&&?|\?\?|<<|>>|\^)?=(?![=~>])")
_BINDERS = re.compile(
    r"\bfunction\b\s*&?\s*([\w$]*+)\s*\(([^()]*)\)|"
    r"\bdef\s+(?:\w++\.)?(\w++)[?!=]?\s*(?:\(([^()]*)\)|((?:[*&]{0,2}\w++\s*,\s*)*[*&]{0,2}\w++))?|"
    r"\|([^|\n]*)\||\(([^()]*)\)\s*=>|(?<![$\w])([$\w]+)\s*=>|"
    r"\bfor\b\s*\(?\s*(?:const|let|var|local)?\s*((?:[\w$]++\s*,\s*)*[\w$]++)\s+(?:in|of)\b|"
    r"\bas\s+(&?\s*\$\w++(?:\s*=>\s*&?\s*\$\w++)?)|\blist\s*\(([^()]*)\)|[\[{]([^\[\]{}]*)[\]}]\s*=(?![=>])|"
    r"&\s*(\$[A-Za-z_]\w*)|\$GLOBALS\s*\[\s*['\"](\w+)|"
    r"(?<![\w$.@:])([A-Za-z_]\w*)\s*(?:<<(?![-~A-Z'\"])|\.(?:replace|concat|prepend|insert|"
    r"clear|\w+!)(?!\w))")
_BOUND_NAME = re.compile(r"\$?[A-Za-z_]\w*")
# PHP built-ins that write into a variable handed to them (by reference), from the argument
# at this index on: preg_match("/…/", $text, $d) sets $d to whatever matched
_PHP_BY_REFERENCE = {"preg_match": 2, "preg_match_all": 2, "sscanf": 2, "fscanf": 2,
                     "exec": 1, "system": 1, "passthru": 1, "parse_str": 1, "mb_parse_str": 1,
                     "str_replace": 3, "str_ireplace": 3, "preg_replace": 4,
                     "preg_replace_callback": 4, "settype": 0, "similar_text": 2,
                     "getmxrr": 1, "dns_get_mx": 1, "fsockopen": 2, "flock": 2, "proc_open": 2,
                     "openssl_open": 1, "openssl_private_decrypt": 1, "openssl_public_decrypt": 1,
                     "openssl_sign": 1, "openssl_seal": 1, "array_push": 0, "array_unshift": 0,
                     "array_splice": 0, "array_walk": 0, "array_shift": 0, "array_pop": 0,
                     "sort": 0, "rsort": 0, "shuffle": 0, "stream_select": 0}
_PHP_CALL = re.compile(r"\b(" + "|".join(sorted(_PHP_BY_REFERENCE, key=len, reverse=True)) +
                       r")\s*\(")


def _php_by_reference(text: str) -> set[str]:
    """The variables PHP built-ins write into through a reference argument (their value is
    then what the built-in put there, not the literal set earlier)."""
    bound: set[str] = set()
    for m in _PHP_CALL.finditer(text):
        first, depth, args, start = _PHP_BY_REFERENCE[m.group(1)], 1, [], m.end()
        i = start
        while i < len(text) and depth and i - start < 4096:
            c = text[i]
            if c in "([{":
                depth += 1
            elif c in ")]}":
                depth -= 1
            elif c in "'\"":
                end = text.find(c, i + 1)
                while end > 0 and text[end - 1] == "\\":
                    end = text.find(c, end + 1)
                i = end if end > 0 else len(text)
            elif c == "," and depth == 1:
                args.append(text[start:i])
                start = i + 1
            i += 1
        args.append(text[start:i - 1])
        for arg in args[first:]:
            name = re.fullmatch(r"\s*&?\s*\$([A-Za-z_]\w*)\s*", arg)
            if name:
                bound.update((name.group(1), "$" + name.group(1)))
    return bound
# names of any value: PHP's variable variables and extract(), a binding set from a string
_ANY_NAME = re.compile(r"\$\$|\bextract\s*\(|\bparse_str\s*\(|"
                       r"local_variable_set|\beval\b")
_MAX_WRITTEN = 1 << 16    # characters of values written into one program; past that, unknown
_TEMPLATE = re.compile(r"`([^`]*)`")         # a JavaScript template (a Ruby or shell backtick)
# a line's parts, in order: a string ("…" or '…'), a name, a join (+, ., ..), anything else
_TOKEN = re.compile(r'("(?:[^"\\]|\\.)*")|' + r"('(?:[^'\\]|\\.)*')|(\$?[A-Za-z_]\w*)|"
                    r"([ \t]*(?:\+|\.\.?)[ \t]*)|([^\"'$A-Za-z_+.]+|[\"'].*|.)", re.S)    # a quote left open: the rest
_T_DOUBLE, _T_SINGLE, _T_NAME, _T_JOIN = 1, 2, 3, 4


def _escaped(value: str, quote: str) -> str:
    """A plain value as the body of a string literal in `quote`."""
    return value.replace("\\", "\\\\").replace(quote, "\\" + quote)


def _requoted(body: str, quote: str) -> str:
    """The body of a string literal written in the other quote, as a body in `quote`: escapes
    kept, each bare `quote` escaped."""
    out, escaped = [], False
    for c in body:
        out.append("\\" + c if c == quote and not escaped else c)
        escaped = c == "\\" and not escaped
    return "".join(out)


def _joins(left: int | None, right: int | None) -> bool:
    """Whether two parts joined make one literal: literals and names, one a literal at least."""
    literals = (_T_DOUBLE, _T_SINGLE)
    return (left in literals and (right in literals or right == _T_NAME)) or \
        (right in literals and left == _T_NAME)


def with_values(language: str, text: str) -> str:
    """The program with the names its literal assignments set written into the strings that
    use them (`d = '/srv/x'; system("rm -rf #{d}")`, `'rm -rf ' . $d`): what those strings
    hold when it runs. A name set to two different values, or never to a literal, stands as
    unknown: its command is still read, with an operand nobody knows (not benign). Newlines
    are kept where they are, so lines keep their numbers."""
    values: dict[str, str | None] = {}
    sets: dict[str, int] = {}
    for m in _LITERAL_SET.finditer(text):
        raw = m.group(2) if m.group(2) is not None else m.group(3)
        single = m.group(3) is not None
        # escapes as the language reads them (\x2f, \u002f; Ruby's and PHP's single quotes
        # know only \' and \\); a double-quoted literal the language writes into (#{…}, $x),
        # or an escape not known here, stands as unknown
        value = _unescape(raw) if single and language in ("ruby", "rb", "php") else \
            decode.escapes(raw)
        plain = (single or ("#{" not in raw and "$" not in raw)) and "\\" not in value and \
            not (language == "lua" and re.search(r"\\\d", raw))      # Lua's \ddd is decimal
        sets[m.group(1)] = sets.get(m.group(1), 0) + 1
        values[m.group(1)] = value if plain and values.get(m.group(1), value) == value and \
            '"' not in value and "\n" not in value else None
    # a name bound by anything else as well (a value from outside, a parameter, a loop, an
    # in-place change) holds what nobody knows when it is used: unknown, as is what is not a
    # name the program set (ARGV[0], ENV['X'], a call)
    if values:
        if _ANY_NAME.search(text) or language == "php" and "function" in text:
            values.clear()       # (a PHP function sees none of the names set outside it)
        assigned: dict[str, int] = {}
        for name in _ASSIGNED.findall(text):
            assigned[name] = assigned.get(name, 0) + 1
        for name, count in assigned.items():
            if name in values and count > sets[name]:
                values[name] = None
        for m in _BINDERS.finditer(text):
            for group in m.groups():
                for name in _BOUND_NAME.findall(group or ""):
                    if name in values:
                        values[name] = None
        if language == "php":
            for name in _php_by_reference(text):
                if name in values:
                    values[name] = None
    written = 0

    def value_of(name: str) -> str:
        nonlocal written
        v = values.get(name)
        if v is not None and written + len(v) <= _MAX_WRITTEN:
            written += len(v)
            return v
        return unknown(f"{name} in the {language} program")

    def interpolate(m: re.Match[str]) -> str:
        name = next(g for g in m.groups() if g is not None).strip()
        if m.group(4) is not None and (language != "php" or name not in values):
            return m.group(0)      # a bare $x is PHP's, and only a name the program sets
        return value_of(name)

    def double_quoted(m: re.Match[str]) -> str:
        if m.group(1) is None or not m.group(3):
            return m.group(0)      # single-quoted, or open to the end: as written
        return '"' + _INTERPOLATED.sub(interpolate, m.group(2)) + '"'
    text = _OPEN_STRING.sub(double_quoted, text)
    text = _TEMPLATE.sub(lambda m: "`" + _INTERPOLATED.sub(interpolate, m.group(1)) + "`", text)
    return "\n".join(_joined(line, value_of) if ("'" in line or '"' in line) and
                     ("+" in line or "." in line) else line for line in text.split("\n"))


def _joined(line: str, value_of: Callable[[str], str]) -> str:
    """The line with each literal joined to a literal or a name (+, . or ..) written as one
    literal, quoted as the leftmost part was: `'rm -rf ' + d + '/x'` -> `'rm -rf /srv/x'`.
    Strings are found from the start of the line, so a quote inside one is not a start; a name
    followed by `(`, `[` or an attribute is a call, not a value."""
    tokens = [(m.lastindex, m.group(0)) for m in _TOKEN.finditer(line)]
    out: list[tuple[int | None, str]] = []
    bodies: dict[int, list[str]] = {}       # a joined literal's place in out -> its body
    for i, (kind, text) in enumerate(tokens):
        if kind == _T_JOIN and text == "." and out and not out[-1][1].startswith("$") and \
                (out[-1][1][-1:].isalnum() or out[-1][1][-1:] in "_)]"):
            kind = None               # obj.attr, f().x: an attribute, not a join (PHP's is $a.$b)
        elif kind == _T_NAME and out and out[-1] == (None, "."):
            kind = None               # the attribute's name
        out.append((kind, text))
        if kind == _T_NAME and i + 1 < len(tokens) and (
                tokens[i + 1][1][:1] in "([" or tokens[i + 1][1] == "." and not text.startswith("$")):
            out[-1] = (None, text)                # a call or an attribute: not a value
        while len(out) >= 3 and out[-2][0] == _T_JOIN and _joins(out[-3][0], out[-1][0]):
            (left_kind, left), (right_kind, right) = out[-3], out[-1]
            quote = left[0] if left_kind != _T_NAME else right[0]
            at = len(out) - 3
            # a literal already joined keeps its body as parts (each join adds, never copies)
            parts = bodies.pop(at, None) or [_escaped(value_of(left), quote)
                                             if left_kind == _T_NAME else left[1:-1]]
            if right_kind == _T_NAME:
                parts.append(_escaped(value_of(right), quote))
            else:
                parts.extend(_requoted(p, quote) for p in bodies.pop(at + 2, [right[1:-1]]))
            del out[-3:]
            out.append((_T_DOUBLE if quote == '"' else _T_SINGLE, quote * 2))
            bodies[at] = parts
    return "".join(text if i not in bodies else text[0] + "".join(bodies[i]) + text[0]
                   for i, (_, text) in enumerate(out))


def _glob_deletes(text: str) -> list[tuple[int, str, str]]:
    """(where, pattern, the call) of each deletion of every file a pattern names."""
    out: list[tuple[int, str, str]] = []
    for m in _DELETES_GLOB.finditer(text):
        out.append((m.start(), next(g for g in (m.group(2), m.group(3)) if g is not None),
                    m.group(1)))
    after = [(m.start(), m.group(1) or "") for m in _GLOB_THEN.finditer(text)]
    starts = [at for at, _ in after]
    for m in _GLOB.finditer(text):
        i = bisect.bisect_left(starts, m.end())
        if i < len(after) and after[i][1]:      # a deletion before the statement ends
            out.append((m.start(), m.group(1) if m.group(1) is not None else m.group(2),
                        after[i][1]))
    return sorted(out)


def read_foreign(language: str, text: str, job: Job, place: Place, line: int, ev: str,
                 shell_reader, at: Callable[[int], tuple[int, str]] | None = None  # noqa: ANN001
                 ) -> None:
    """Effects of a program in `language` that lineguard cannot parse (`shell_reader`: the
    shell walker's nested()). Reported on `line` (a one-liner), or where `at` places each call
    (a whole program)."""
    text = with_values(language, text)

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
    for start, pattern, deleter in _glob_deletes(text):
        how = "delete-tree" if "rm_r" in deleter else "delete"
        commands._destroy(job, place, *where(start), _unescape(pattern), how)
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

    valued = with_values(language, text)       # read_foreign reads this text: lines kept

    def at(pos: int) -> tuple[int, str]:
        n = valued.count("\n", 0, pos) + 1
        return n, lines[min(n, len(lines)) - 1].strip()[:300]

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
