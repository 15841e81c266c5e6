"""What a command or shell script would execute: the paths of programs, scripts and sourced files.

Shared by the agent (to decide which files to capture) and the collector (to link a job to the
captured files it runs). It reads shell text the way a careful human would, not the way a shell
would: it never expands variables or globs, and words it cannot pin to a path are skipped.
"""

from __future__ import annotations

import posixpath
import re
import shlex
import unicodedata

from lineguard.formats.carriers import CARRIERS, make_program
from lineguard.formats.shells import MULTI_CALL, SHELLS, is_assignment, is_interpreter

# Options of interpreters that take a value, so the value is not mistaken for the script.
_OPTS_WITH_VALUE = frozenset({"-o", "-O", "-W", "-X", "-I", "-M"})
# Prefix commands that run the rest of the line; value lists are the options that take a value.
_WRAPPERS: dict[str, frozenset[str]] = {
    "nohup": frozenset(), "exec": frozenset({"-a"}), "nice": frozenset({"-n"}),
    "ionice": frozenset({"-c", "-n", "-p"}), "setsid": frozenset(), "time": frozenset(),
    "env": frozenset({"-u", "-C", "-S"}), "sudo": frozenset({"-u", "-g", "-C", "-h", "-p"}),
    "chronic": frozenset(), "stdbuf": frozenset({"-i", "-o", "-e"}), "command": frozenset(),
    "builtin": frozenset(), "chroot": frozenset(), "runuser": frozenset({"-u", "-g"}),
    "flock": frozenset({"-w", "-E", "-c"}), "timeout": frozenset({"-s", "-k"}),
    "xargs": frozenset({"-I", "-n", "-P", "-d", "-a", "-L", "-s", "-E"}),
    "sshpass": frozenset({"-p", "-f", "-d", "-P"}),
    "nsenter": frozenset({"-t", "-S", "-G", "--target", "--setuid", "--setgid"}),
    "unshare": frozenset({"-S", "-G", "-R", "-w", "--propagation", "--setgroups", "--map-user",
                          "--map-group", "--setuid", "--setgid", "--root", "--wd"}),
    "strace": frozenset({"-o", "-e", "-E", "-p", "-u", "-S", "-s", "-I", "-b", "-X", "-P", "-a"}),
    "ltrace": frozenset({"-o", "-e", "-p", "-u", "-s", "-n", "-a", "-A", "-l"}),
    "taskset": frozenset(), "chrt": frozenset(), "setpriv": frozenset(), "prlimit": frozenset(),
    "systemd-inhibit": frozenset({"--what", "--who", "--why", "--mode"}),
    "systemd-run": frozenset({"-p", "-E", "-u", "-M", "--unit", "--property"}),
    "cgexec": frozenset({"-g"}), "firejail": frozenset(), "catchsegv": frozenset(),
}
# Wrappers whose first positional argument is not the command (a duration, a lock file, a dir,
# a CPU mask, a priority).
_WRAPPER_FIRST_ARG_SKIPPED = frozenset({"timeout", "flock", "chroot", "taskset", "chrt"})
# Files a program reads that decide what it does to a device or to data (a batch of commands,
# a configuration it applies, a request body): captured so the collector can judge them.
_DATA_FILES: dict[str, frozenset[str]] = {
    "sftp": frozenset({"-b"}), "lftp": frozenset({"-f"}), "curl": frozenset({"-T", "--upload-file"}),
    "netconf-console": frozenset({"--edit-config", "--rpc"}),
    "gnmic": frozenset({"--replace-file", "--update-file"}),
}
# run a command line given with -c as another user or group
_SWITCH_USER = frozenset({"su", "runuser", "sg"})
_CONFIG_OPERANDS = frozenset({"systemd-tmpfiles", "logrotate"})
# Inline programs of other languages (python3 -c, perl -e, ruby -e, node -e, php -r, lua -e,
# an awk program): a string literal that is a command line may name a script it runs.
_INLINE_FLAGS = frozenset({"-c", "-e", "-E", "-r", "--eval"})
_LITERAL = re.compile(r"'((?:[^'\\\n]|\\.)*)'|\"((?:[^\"\\\n]|\\.)*)\"")
_KEYWORDS = frozenset({"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for",
                       "case", "esac", "in", "!", "{", "}", "[[", "]]", "function", "select"})
_SEPARATORS = frozenset({";", "&", "&&", "|", "||", "|&", ";;", "(", ")", "$(", "`"})
_REDIRECTS = frozenset({">", ">>", "<", "<>", ">&", "<&", ">|", "&>", "&>>", "<<", "<<<", "<<-"})
_UNRESOLVABLE = set("$*?[`~{}")
_DATA_READERS = frozenset({"awk", "gawk", "mawk", "nawk", "sed", "base64", "base32", "openssl",
                           "xxd", "gunzip", "zcat", "bzcat", "xzcat", "uudecode"})
_LIST_READERS = frozenset({"cat", "grep", "egrep", "fgrep", "cut", "sort", "uniq", "head", "tail",
                           "tac"})
_STATEMENT_READERS = frozenset({"psql", "mysql", "mariadb", "sqlite3", "sqlplus", "at", "batch"})
_INPUT_FILE = re.compile(r"(?<![<0-9&])<\s*['\"]?(/[\w.+@/-]+)")
_SYSTEM_INPUT = ("/dev/", "/proc/", "/sys/")
_PUNCTUATION = set(";&|()<>")
_STATEMENT_FILE = re.compile(r"(?<![\w.-])(/[\w.+@/-]+\.(?:sql|psql|cql|ddl))(?![\w.-])")
_FUNC_ENV = re.compile(r"^BASH_FUNC_[\w-]+(?:%%|\(\))=\(\)\s*\{(.*)\}\s*$", re.S)
_LONE_PATH = re.compile(r"/[\w.+@/-]*")


_ESCAPED = re.compile(r"[%\\\x00-\x1f\x7f\udc80-\udcff]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def escape_text(text: str) -> str:
    """Text a snapshot can carry: `%`, backslash, control characters (a newline in a file name
    would forge a line of every report) and undecodable bytes (os.fsdecode's surrogates) become
    %XX, so odd file names cannot break or forge a snapshot."""
    return _ESCAPED.sub(lambda m: f"%{_byte(m.group()):02X}", text)


def _byte(ch: str) -> int:
    code = ord(ch)
    return code - 0xDC00 if code >= 0xDC00 else code


def artifact_name(path: str) -> str:
    """The artifact name of a host path: normalized, relative to the root, no leading slash,
    escaped with escape_text. Agent and collector both name files through this.

    Linux keeps `café` written precomposed and decomposed as two files, which print alike; a
    name that is not in Unicode NFC is spelled with %XX for the UTF-8 bytes of its non-ASCII
    characters. Every name is then NFC, and no two files share a name after normalisation
    (which the collector refuses: one file could pass for the other)."""
    name = escape_text(posixpath.normpath("/" + path).lstrip("/"))
    if unicodedata.is_normalized("NFC", name):
        return name
    return _NON_ASCII.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), name)


def referenced_paths(command_text: str, programs: dict[str, str] | None = None,
                     literals: list[str] | None = None) -> list[str]:
    """Absolute paths the text would execute or source, in order of appearance, without repeats.

    Understands absolute program paths, interpreters with a script argument (`bash x.sh`,
    `python3 /opt/x.py`), `sh -c '...'` and `su -c '...'` (read recursively), `. FILE` and
    `source FILE`, `run-parts DIR` (the directory is returned), and `cd DIR && ./x`.
    """
    if _LONE_PATH.fullmatch(command_text):
        return [posixpath.normpath(command_text)]    # a program run by its path: most commands
    found: list[str] = []
    _scan(command_text, "", found, depth=0, programs=programs, literals=literals)
    return list(dict.fromkeys(found))


def _scan(text: str, cwd: str, found: list[str], depth: int,
          programs: dict[str, str] | None = None, literals: list[str] | None = None) -> None:
    if depth > 3:
        return
    for line in _logical_lines(text):
        if not cwd and "/" not in line:
            continue    # names no path, and no directory was entered to resolve one against
        for words in _simple_commands(line):
            cwd = _command(words, cwd, found, depth, programs)
        if "<<<" in line and depth < 4:
            # `bash <<< 'cmd'`: a shell reads the here-string as its script
            for m in _SHELL_HERESTRING.finditer(line):
                _scan(_unquote(m.group(1)), cwd, found, depth + 1)
        if literals is not None and ("'" in line or '"' in line):
            # a quoted command line kept for later (an array element, a prompt, a trap, a
            # string a function is handed): the scripts and files it names, in `literals`
            _scan_literals(line, cwd, literals, depth)
        # a statement file named anywhere on a line (whatever runs it: a client named by a
        # variable or a wrapper function, a program in a here-document)
        if ".sql" in line or ".cql" in line or ".ddl" in line:
            found.extend(posixpath.normpath(m.group(1)) for m in _STATEMENT_FILE.finditer(line))
        # `cmd < FILE`: what the command reads as its input (a shell or a device session
        # reads it as commands)
        if "<" in line:
            found.extend(posixpath.normpath(m.group(1)) for m in _INPUT_FILE.finditer(line)
                         if not m.group(1).startswith(_SYSTEM_INPUT))


def _logical_lines(text: str) -> list[str]:
    """Lines joined over backslash continuations and over quotes left open at the line end."""
    if "\\" not in text and "'" not in text and '"' not in text:
        return text.splitlines()
    out: list[str] = []
    pending, joined = "", 0
    for raw in text.splitlines():
        line = pending + raw
        # A stray quote must not swallow the rest of a long script: give up after 100 lines.
        if joined < 100 and line.endswith("\\") and not line.endswith("\\\\"):
            pending, joined = line[:-1] + " ", joined + 1
            continue
        if joined < 100 and _quotes_open(line):
            pending, joined = line + "\n", joined + 1
            continue
        pending, joined = "", 0
        out.append(line)
    if pending:
        out.append(pending)
    return out


def _quotes_open(line: str) -> bool:
    if "'" not in line and '"' not in line:
        return False
    quote = ""
    escaped = False
    for ch in line:
        if escaped:
            escaped = False
        elif ch == "\\" and quote != "'":
            escaped = True
        elif quote:
            if ch == quote:
                quote = ""
        elif ch == "#":
            return False
        elif ch in "'\"":
            quote = ch
    return bool(quote)


_PLAIN_WORDS = re.compile(r"[;&|()<>]+|[^\s;&|()<>]+")
_NEEDS_LEXER = frozenset("'\"\\#`")


def _tokens(line: str) -> list[str]:
    if line.lstrip().startswith("#"):
        return []
    if _NEEDS_LEXER.isdisjoint(line):
        return _PLAIN_WORDS.findall(line)   # no quoting or comments: same words, much faster
    lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()<>")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        return list(lexer)
    except ValueError:
        # Unbalanced quoting: fall back to plain words so the rest of the line is still read.
        return line.split()


_SHELL_HERESTRING = re.compile(r"(?:^|[\s;&|(])(?:/\S*/)?(?:ba|da|k|z)?sh(?:\s+-\w+)*\s*<<<\s*"
                               r"('[^']*'|\"[^\"]*\"|[^\s;&|]+)")


def _unquote(word: str) -> str:
    return word[1:-1] if len(word) > 1 and word[0] == word[-1] and word[0] in "'\"" else word


def _simple_commands(line: str) -> list[list[str]]:
    commands: list[list[str]] = [[]]
    skip_next = False
    for tok in _tokens(line):
        if skip_next:
            skip_next = False
            if not tok.endswith("("):     # `< <(cmd …)`: the input is a command's output
                continue
        # an operator is all punctuation; an empty word (`''`) is an argument, not an operator
        operator = tok[:1] in _PUNCTUATION and set(tok) <= _PUNCTUATION
        if tok in _REDIRECTS or (operator and ("<" in tok or ">" in tok) and not tok.endswith("(")):
            skip_next = True      # a redirection: its target is a file, not a command
        # (`<(` and `>(` open a process substitution: a command follows)
        elif operator or tok in _SEPARATORS:
            commands.append([])
        elif tok.endswith("$") and len(tok) > 1:
            # `$(` split by the lexer leaves a trailing `$` on the previous word; drop it.
            commands[-1].append(tok[:-1])
        elif tok != "$":
            commands[-1].append(tok)
    return [c for c in commands if c]


def _resolve(word: str, cwd: str) -> str | None:
    if not word or not _UNRESOLVABLE.isdisjoint(word) or "\n" in word:
        return None
    if word.startswith("/"):
        return posixpath.normpath(word)
    if cwd and ("/" in word or word.startswith(".")):
        return posixpath.normpath(posixpath.join(cwd, word))
    return None


def _command(words: list[str], cwd: str, found: list[str], depth: int,
             programs: dict[str, str] | None = None) -> str:
    """Record what one simple command runs; returns the working directory after it."""
    for w in words:
        # `env 'BASH_FUNC_f%%=() { … }' bash -c f`: the function body runs in the child shell
        m = _FUNC_ENV.match(w) if w.startswith("BASH_FUNC_") else None
        if m and depth < 4:
            _scan(m.group(1), cwd, found, depth + 1)
        elif w.startswith(("BASH_ENV=", "ENV=")):
            # the start-up file a child shell reads before anything else (bash -c, sh -i)
            startup = _resolve(w.split("=", 1)[1], cwd)
            if startup:
                found.append(startup)
        elif w.startswith("PROMPT_COMMAND=") and depth < 4:
            _scan(w.split("=", 1)[1], cwd, found, depth + 1)   # run by an interactive shell
    i = 0
    while i < len(words) and (words[i] in _KEYWORDS or is_assignment(words[i])):
        i += 1
    if i < len(words) and words[i] == "coproc":
        # `coproc [NAME] { …; }` / `coproc CMD`: the coprocess runs the command
        i += 1
        if i + 1 < len(words) and words[i + 1] == "{":
            i += 2
        while i < len(words) and words[i] in _KEYWORDS:
            i += 1
    while i < len(words):
        name = _basename(words[i])
        if name in MULTI_CALL and i + 1 < len(words):
            # `busybox sh -c ...`: the applet named next is what runs
            if words[i].startswith("/"):
                found.append(posixpath.normpath(words[i]))
            i += 1
            continue
        if name not in _WRAPPERS:
            break
        if words[i].startswith("/"):
            found.append(posixpath.normpath(words[i]))
        i = _skip_options(words, i + 1, _WRAPPERS[name])
        if name == "env":
            while i < len(words) and is_assignment(words[i]):
                i += 1
        if name in _WRAPPER_FIRST_ARG_SKIPPED and i < len(words):
            i += 1
    if i >= len(words):
        return cwd
    head, args = words[i], words[i + 1:]
    name = _basename(head)
    if head == "alias" and depth < 4:
        # `alias name=CMD`: CMD runs where the name is used (with expand_aliases)
        for a in args:
            if "=" in a:
                _scan(a.split("=", 1)[1], cwd, found, depth + 1)
        return cwd
    if head == "printf" and args[:1] == ["-v"]:
        # `printf -v VAR FMT ARG…`: a variable put together from its arguments, run later
        found.extend(p for a in args[2:] if (p := _resolve(a.strip(), cwd)) and "/" in a.strip()
                     and _LONE_PATH.fullmatch(a.strip()))
    if head == "cd":
        target = next((a for a in args if not a.startswith("-")), None)
        return (_resolve(target, cwd) or cwd) if target else cwd
    path = _resolve(head, cwd) if "/" in head else None
    if path:
        found.append(path)
    if name in CARRIERS and depth < 4:
        # a program running shell commands written in its own syntax: what its command line
        # holds, and the files it reads as its program (read for commands once captured)
        carrier = CARRIERS[name]
        for text, _how in carrier.inline(words[i:]):
            _scan(text, cwd, found, depth + 1)
        for f in carrier.files(words[i:]):
            resolved = _resolve(f, cwd)
            if resolved:
                found.append(resolved)
                if programs is not None:
                    programs[resolved] = name
    if name in _DATA_FILES or name in _CONFIG_OPERANDS:
        opts = _DATA_FILES.get(name, frozenset())
        for k, a in enumerate(args):
            value = args[k + 1] if k + 1 < len(args) else ""
            src = _resolve(value, cwd) if a in opts else _resolve(a.split("=", 1)[1], cwd) if (
                "=" in a and a.split("=", 1)[0] in opts) else (
                _resolve(a, cwd) if name in _CONFIG_OPERANDS and not a.startswith("-") else None)
            if src and not src.startswith(_SYSTEM_INPUT):
                found.append(src)
    if name in ("trap", "eval") and args and depth < 4:
        # the command text a trap or eval runs later in this shell
        _scan(" ".join(args[:1] if name == "trap" else args), cwd, found, depth + 1)
    elif name in (".", "source") and args:
        sourced = _resolve(args[0], cwd)
        if sourced:
            found.append(sourced)
    elif name == "run-parts":
        directory = next((a for a in reversed(args) if not a.startswith("-")), None)
        resolved = _resolve(directory, cwd) if directory else None
        if resolved:
            found.append(resolved)
    elif name in _SWITCH_USER or is_interpreter(name):
        _interpreter_args(name, args, cwd, found, depth)
    elif name in _DATA_READERS:
        # a program text or payload a tool reads (awk -f, base64 -d FILE, openssl -in FILE):
        # what it prints may be run; an awk program's command-line strings may name a script
        if name in ("awk", "gawk", "mawk", "nawk") and depth < 4:
            for code in [a for a in args if not a.startswith("-")][:1]:
                _scan_literals(code, cwd, found, depth)
        for k, a in enumerate(args):
            value = args[k + 1] if k + 1 < len(args) else ""
            src = _resolve(value, cwd) if a in ("-f", "-in", "--file", "-i") else (
                _resolve(a, cwd) if not a.startswith("-") and name != "openssl" else None)
            if src and not src.startswith(_SYSTEM_INPUT):
                found.append(src)
    elif name in _COMMAND_FILES:
        # the commands or playbook a device tool sends (clogin -x FILE, ansible-playbook
        # PLAY.yml -i INVENTORY): what reaches the devices is in that file
        opts = _COMMAND_FILES[name]
        for k, a in enumerate(args):
            value = args[k + 1] if k + 1 < len(args) else ""
            src = _resolve(value, cwd) if a in opts else (
                _resolve(a, cwd) if a.endswith((".yml", ".yaml")) else None)
            if src:
                found.append(src)
    elif name in _STATEMENT_READERS:
        # statements a database client or at reads from a file (psql -f, sqlite3 .read, at -f)
        for k, a in enumerate(args):
            value = args[k + 1] if k + 1 < len(args) else ""
            src = _resolve(value, cwd) if a in ("-f", "--file") else (
                _resolve(a.split("=", 1)[1], cwd) if a.startswith("--file=") else (
                    _resolve(a.split(None, 1)[1], cwd) if a.startswith(".read ") else None))
            if src and not src.startswith(_SYSTEM_INPUT):
                found.append(src)
    elif name in _LIST_READERS:
        # a template or list a job reads (whole or filtered): what it writes and then runs, or
        # the devices and paths a loop over it acts on, are built from it
        for a in args:
            src = _resolve(a, cwd) if not a.startswith("-") else None
            if src and not src.startswith(("/proc/", "/sys/", "/dev/", "/run/", "/tmp/")):
                found.append(src)
    elif name in ("cp", "install", "mv") and len(args) >= 2:
        # a file copied into place is often run next: capture its source to judge it
        operands = [a for a in args if not a.startswith("-")]
        source = _resolve(operands[-2], cwd) if len(operands) >= 2 else None
        if source:
            found.append(source)
    return cwd


_COMMAND_FILES = {"clogin": frozenset({"-x"}), "jlogin": frozenset({"-x"}),
                  "plink": frozenset({"-m"}),
                  "nlogin": frozenset({"-x"}), "ansible": frozenset({"-i", "--inventory"}),
                  "ansible-playbook": frozenset({"-i", "--inventory"})}


def _interpreter_args(name: str, args: list[str], cwd: str, found: list[str], depth: int) -> None:
    j = 0
    while j < len(args):
        arg = args[j]
        if arg in _INLINE_FLAGS and name not in SHELLS and name not in _SWITCH_USER:
            if j + 1 < len(args) and depth < 4:
                _scan_literals(args[j + 1], cwd, found, depth)    # `python3 -c CODE`
            return
        if arg == "-c" or (arg.startswith("-") and not arg.startswith("--") and arg.endswith("c")
                           and (name in SHELLS or name in _SWITCH_USER)):
            if j + 1 < len(args):
                _scan(args[j + 1], cwd, found, depth + 1)
            return
        if arg == "-m" and name not in SHELLS:
            return   # `python3 -m mod`: no script file to follow
        if arg.startswith("-"):
            j += 2 if arg in _OPTS_WITH_VALUE else 1
            continue
        if name in _SWITCH_USER:
            j += 1   # the user (or group) name
            continue
        script = _resolve(arg, cwd)
        if script is None and arg and cwd and _UNRESOLVABLE.isdisjoint(arg):
            script = posixpath.normpath(posixpath.join(cwd, arg))   # `cd D && python3 x.py`
        if script:
            found.append(script)
        return


def _scan_literals(code: str, cwd: str, found: list[str], depth: int) -> None:
    """The string literals of a program in another language that are command lines (they hold
    a blank), read as shell: `pty.spawn(['sh', '-c', 'bash /opt/x.sh'])` runs /opt/x.sh."""
    for m in _LITERAL.finditer(code):
        text = m.group(1) if m.group(1) is not None else m.group(2)
        if " " in text.strip():
            _scan(text, cwd, found, depth + 1)


def _basename(word: str) -> str:
    return word[word.rfind("/") + 1:]      # posixpath.basename, without its generality


def _skip_options(words: list[str], i: int, with_value: frozenset[str]) -> int:
    while i < len(words) and words[i].startswith("-") and words[i] != "-":
        i += 2 if words[i] in with_value else 1
    return i


_LITERAL_PATH = re.compile(r"""["'](/[\w.+@/-]+)["']|(?<![\w$/.-])(/(?:[\w.+@-]+/)+[\w.+@-]+)""")
_NOT_CAPTURED = ("/usr/bin/", "/bin/", "/sbin/", "/usr/sbin/", "/usr/lib/", "/lib/", "/dev/",
                 "/proc/", "/sys/", "/tmp/", "/run/", "/var/run/", "/var/log/")
_PY_IMPORT = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+(?:\s*,\s*[\w.]+)*))", re.M)
# a module loaded at run time by its name: importlib.import_module('helpers'), __import__('x')
_PY_IMPORT_CALL = re.compile(r"""(?:import_module|__import__)\(\s*["']([\w.]+)["']""")
_PERL_USE = re.compile(r"^\s*(?:use|require)\s+([A-Za-z][\w:]*)\s*[;(q]", re.M)
_PERL_LIB = re.compile(r"""^\s*use\s+lib\s+(?:qw\W\s*)?["']?([^"';)]+)""", re.M)


_PYTHON_M = re.compile(r"\bpython[\d.]*\s+(?:-[A-Za-z]+\s+)*-m\s*([A-Za-z_][\w.]*)")
# Where a Debian/RHEL Python finds installed modules (python3.X filled in from the disk).
PYTHON_MODULE_DIRS = ("usr/local/lib/{v}/dist-packages", "usr/local/lib/{v}/site-packages",
                      "usr/lib/python3/dist-packages", "usr/lib/{v}/site-packages",
                      "usr/lib64/{v}/site-packages")


_MODULE_DIR = re.compile(r"(?:\bcd\s+|\bPYTHONPATH=)['\"]?(/[\w.+@/-]+)")


def python_modules(text: str) -> list[tuple[str, list[str]]]:
    """Modules a text runs with `python3 -m MODULE`, each with the directories named before it
    on its line (`cd DIR &&`, `PYTHONPATH=DIR`), where Python looks first."""
    out = []
    for line in text.split("\n"):
        for m in _PYTHON_M.finditer(line):
            out.append((m.group(1), [d.group(1) for d in _MODULE_DIR.finditer(line[:m.start()])]))
    return out


def module_files(module: str, versions: list[str], first: list[str] | None = None) -> list[str]:
    """Candidate files of a module run with -m: MODULE.py or MODULE/__main__.py (and the
    packages' __init__.py) under the given directories, then each installed-module directory."""
    rel = module.replace(".", "/")
    out: list[str] = []
    dirs = [d.strip("/") for d in first or []]
    for d in dict.fromkeys(dirs + [t.format(v=v) for t in PYTHON_MODULE_DIRS
                                   for v in versions or ["python3"]]):
        out += [f"/{d}/{rel}.py", f"/{d}/{rel}/__main__.py", f"/{d}/{rel}/__init__.py"]
    return out


def program_references(name: str, text: str) -> list[str]:
    """Files a Python, Perl or Tcl/expect program reads or loads that may matter to what it
    does: absolute paths it names (modules put on sys.path or `use lib`, files it requires or
    sources, device lists, payloads it copies), and its local modules (`import helpers` next
    to the script, `use EMS::Util` under a lib directory). Programs and system trees are left
    out: they are not what a planted job hides in."""
    here = posixpath.dirname("/" + name)
    found = [m.group(1) or m.group(2) for m in _LITERAL_PATH.finditer(text)]
    dirs = [here] + [d for d in found if not posixpath.splitext(d)[1]]
    mods = [m.group(1) or m.group(2) for m in _PY_IMPORT.finditer(text)]
    for mod_list in mods + [m.group(1) for m in _PY_IMPORT_CALL.finditer(text)]:
        for mod in mod_list.split(","):
            rel = mod.strip().replace(".", "/")
            found += [f"{d}/{rel}.py" for d in dirs] + [f"{d}/{rel}/__init__.py" for d in dirs]
    libs = [x.strip() for m in _PERL_LIB.finditer(text) for x in m.group(1).split()]
    for m in _PERL_USE.finditer(text):
        rel = m.group(1).replace("::", "/") + ".pm"
        found += [f"{d}/{rel}" for d in [here, *libs]]
    out: list[str] = []
    for p in found:
        p = posixpath.normpath(p)
        if p.startswith(_NOT_CAPTURED) or p in out or len(p) > 4096:
            continue
        out.append(p)
    return out


def carrier_commands(program: str, text: str) -> list[str]:
    """The shell commands a file holds that `program` (a carrier: make, m4, sed -f, gdb -x,
    vim -S, git hooks, a console's -f) reads as its program."""
    carrier = CARRIERS.get(program)
    if carrier is None:
        return []
    return [c for c, _ in (make_program(text) if program in ("make", "gmake") else
                           carrier.program(text))]
