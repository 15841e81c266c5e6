"""Programs that run shell commands written in their own syntax: make recipes, m4 `syscmd`, GNU
sed's `e`, tar's checkpoint actions and filters, ssh's command-valued options, gdb's and vim's
shell escapes, git aliases, command settings and hooks, the shell escapes of database consoles,
`script -c`. Shared by the agent (to capture the files such a program reads as its program, and
follow what they run) and the collector (to judge the commands).

Each carrier reads three things: the commands its command line holds (`inline`), the files it
reads as a program (`files`), and the commands one such file holds (`program`).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass

Found = list[tuple[str, str]]          # (shell command line, how the carrier runs it)


def values(argv: list[str], short: tuple[str, ...], long: tuple[str, ...] = ()) -> list[str]:
    """Every value of the options named (`-x V`, `-xV`, `--long V`, `--long=V`)."""
    out, i = [], 1
    while i < len(argv):
        a = argv[i]
        if (a in short or a in long) and i + 1 < len(argv):
            out.append(argv[i + 1])
            i += 2
            continue
        out += [a[len(o) + 1:] for o in long if a.startswith(o + "=")]
        out += [a[len(o):] for o in short if a.startswith(o) and len(a) > len(o)
                and not a.startswith("--")]
        i += 1
    return out


def _none(argv: list[str], stdin: str | None = None) -> Found:
    return []


def _no_files(argv: list[str]) -> list[str]:
    return []


def _no_program(text: str) -> Found:
    return []


# --- make --------------------------------------------------------------------------------------
_MAKE_VAR = re.compile(r"^([A-Za-z_][\w.-]*)\s*(?::{1,3}|\+|\?)?=\s*(.*)$")
_MAKE_REF = re.compile(r"\$(?:\(([^()$]*)\)|\{([^{}$]*)\}|([A-Za-z@<^*?]))")


def make_files(argv: list[str]) -> list[str]:
    files = values(argv, ("-f",), ("--file", "--makefile"))
    dirs = values(argv, ("-C",), ("--directory",))
    folder = dirs[-1].rstrip("/") + "/" if dirs else ""
    return [f if f.startswith("/") or f == "-" else folder + f for f in files] or (
        [folder + "GNUmakefile", folder + "makefile", folder + "Makefile"] if folder else [])


def _make_shells(line: str) -> list[str]:
    """The commands of each `$(shell …)` in a makefile line (balanced parentheses)."""
    out = []
    start = line.find("$(shell ")
    while start != -1:
        depth, k = 0, start + 1
        while k < len(line):
            depth += {"(": 1, ")": -1}.get(line[k], 0)
            if depth == 0:
                break
            k += 1
        out.append(line[start + 8:k])
        start = line.find("$(shell ", k)
    return out


def make_program(text: str, unknown: Callable[[str], str] = lambda what: "") -> Found:
    """The recipes of a makefile, `$$` undone and its own plain variables (and `define`
    blocks) put in, and every `$(shell …)`, which make runs when it expands the line (an
    immediate `:=` while it reads the makefile, even under -n)."""
    names: dict[str, str] = {}
    lines: list[str] = []
    block: list[str] | None = None
    name = ""
    for ln in text.replace("\\\n", " ").split("\n"):
        if block is not None:
            if ln.strip() == "endef":
                names[name], block = "\n".join(block), None
            else:
                block.append(ln)
            continue
        if ln.startswith("define ") and not ln.startswith("\t"):
            name, block = ln[7:].strip().rstrip("=:+? ").strip(), []
            continue
        lines.append(ln)
        if (m := _MAKE_VAR.match(ln)):
            names[m.group(1)] = m.group(2)

    def expand(cmd: str) -> str:
        cmd = cmd.replace("$$", "\x00").replace("\\#", "#")
        cmd = _MAKE_REF.sub(lambda m: names.get(
            m.group(1) or m.group(2) or m.group(3) or "",
            unknown(f"make variable {m.group(1) or m.group(2) or m.group(3)}")), cmd)
        return cmd.replace("\x00", "$")

    out = []
    for ln in lines:
        for cmd in _make_shells(ln):
            out.append((expand(cmd), "run by make's $(shell)"))
        if ln.startswith("\t") and ln.strip() and "$(shell " not in ln:
            for part in expand(ln.strip().lstrip("@-+").strip()).split("\n"):
                if part.strip():
                    out.append((part.strip().lstrip("@-+").strip(), "in a make recipe"))
    return out


# --- m4 ----------------------------------------------------------------------------------------
def m4_files(argv: list[str]) -> list[str]:
    return [a for a in argv[1:] if not a.startswith("-")]


def m4_program(text: str) -> Found:
    """m4's `syscmd(…)`/`esyscmd(…)`, the quotes as `changequote` sets them."""
    if "syscmd" not in text:
        return []
    out: Found = []
    left, right = "`", "'"
    for m in re.finditer(r"\bchangequote\(([^,)]*),([^)]*)\)|\be?syscmd\(", text):
        if m.group(0).startswith("changequote"):
            left, right = m.group(1).strip() or "`", m.group(2).strip() or "'"
            continue
        body, depth, k = [], 1, m.end()
        while k < len(text) and depth:
            if text.startswith(left, k):
                end = text.find(right, k + len(left))
                end = len(text) if end < 0 else end
                body.append(text[k + len(left):end])
                k = end + len(right)
                continue
            depth += (text[k] == "(") - (text[k] == ")")
            if depth:
                body.append(text[k])
            k += 1
        out.append(("".join(body), "in m4 syscmd"))
    return out


# --- sed ---------------------------------------------------------------------------------------
_ADDRESS = r"(?:\d+|\$|/(?:[^/\\]|\\.)*/)"
_SED_E = re.compile(rf"^\s*(?:{_ADDRESS}(?:\s*,\s*{_ADDRESS})?)?\s*e\s+(.+)$")
_SED_S = re.compile(r"^\s*\S*?s(.)(?:(?!\1).|\\.)*\1((?:(?!\1).|\\.)*)\1(\w*)$")


_SED_BARE_E = re.compile(rf"^\s*(?:{_ADDRESS}(?:\s*,\s*{_ADDRESS})?)?\s*e\s*$")


def _sed_scripts(argv: list[str]) -> list[str]:
    scripts = values(argv, ("-e",), ("--expression",))
    if not scripts and not values(argv, ("-f",), ("--file",)):
        scripts = [a for a in argv[1:] if not a.startswith("-")][:1]
    return [ln for s in scripts for ln in s.split("\n")]


def _bare_e(line: str) -> bool:
    """A sed line holding the command `e` alone (`e`, `1e`, `/x/e`, `p;e`)."""
    return any(_SED_BARE_E.match(part) for part in line.split(";"))


def sed_runs(argv: list[str]) -> bool:
    """Whether sed's script runs commands (`e`, `e COMMAND`, `s///e`) or is read from a file.
    `argv` may be a command's text split at blanks, its quotes still in it."""
    if any(q in a for a in argv for q in "'\""):
        try:
            argv = [argv[0], *shlex.split(" ".join(argv[1:]))]
        except ValueError:
            pass
    return bool(values(argv, ("-f",), ("--file",))) or any(
        _bare_e(ln) or _SED_E.match(ln) or ((s := _SED_S.match(ln)) and "e" in s.group(3))
        for ln in _sed_scripts(argv))


def sed_inline(argv: list[str], stdin: str | None = None) -> Found:
    out: Found = []
    for ln in _sed_scripts(argv):
        if _bare_e(ln):
            # `e` alone runs the pattern space: each line sed reads is a command line
            if stdin is not None:
                out.append((stdin, "run by sed's e command (the lines it reads)"))
            continue
        out += sed_program(ln)
        s = _SED_S.match(ln)
        if s and "e" in s.group(3) and stdin is not None:
            # s///e runs the line the substitution made (`s/^/rm -rf /e`): each input line
            # with the replacement where the pattern matched
            made = _sed_substituted(s.group(0), stdin)
            if made is not None:
                out.append((made, "run by sed's s///e"))
    return out


def _sed_substituted(command: str, text: str) -> str | None:
    """Each line of `text` after the first match of a sed `s` command (basic regex, `&` for
    the match), or None where the pattern is not one Python's re reads the same way."""
    s = _SED_S.match(command)
    if s is None:
        return None
    d = s.group(1)
    body = command[command.index("s" + d) + 2:]
    parts = re.split(rf"(?<!\\){re.escape(d)}", body)
    if len(parts) < 3:
        return None
    pattern = parts[0].replace("\\(", "(").replace("\\)", ")")
    repl = parts[1].replace("\\", "\\\\").replace("&", "\\g<0>")
    try:
        return "\n".join(re.sub(pattern, repl, ln, count=1) for ln in text.split("\n"))
    except (re.error, IndexError):
        return None


def sed_program(text: str) -> Found:
    """GNU sed's `e COMMAND` and the replacement of `s///e` (run as a command)."""
    out: Found = []
    for ln in text.split("\n"):
        m = _SED_E.match(ln)
        if m:
            out.append((m.group(1), "run by sed's e command"))
            continue
        s = _SED_S.match(ln)
        if s and "e" in s.group(3):
            out.append((s.group(2), "run by sed's s///e"))
    return out


# --- tar, ssh, script --------------------------------------------------------------------------
def tar_inline(argv: list[str], stdin: str | None = None) -> Found:
    out = [(v[5:], "run by tar --checkpoint-action")
           for v in values(argv, (), ("--checkpoint-action",)) if v.startswith("exec=")]
    return out + [(v, "run by tar") for v in values(
        argv, ("-I", "-F"), ("--to-command", "--use-compress-program", "--info-script",
                             "--new-volume-script"))]


_SSH_COMMANDS = ("proxycommand", "localcommand", "knownhostscommand")


def ssh_inline(argv: list[str], stdin: str | None = None) -> Found:
    """ssh's command-valued options, run on this host by a shell (`%%` a percent sign)."""
    out = []
    for v in values(argv, ("-o",)):
        key, _, value = v.replace("=", " ", 1).partition(" ")
        if key.lower() in _SSH_COMMANDS and value.strip() not in ("", "none"):
            out.append((value.strip().replace("%%", "%"), f"run by ssh's {key}"))
    return out


def script_inline(argv: list[str], stdin: str | None = None) -> Found:
    """`script -c CMD [FILE]` (flags run together: -qec)."""
    for k, a in enumerate(argv[1:-1], 1):
        if a == "--command" or re.fullmatch(r"-[a-zA-Z]*c", a):
            return [(argv[k + 1], "run by script -c")]
        if a.startswith("--command="):
            return [(a.split("=", 1)[1], "run by script -c")]
    return []


# --- gdb, vim ----------------------------------------------------------------------------------
def gdb_inline(argv: list[str], stdin: str | None = None) -> Found:
    return [x for c in values(argv, ("-ex", "-iex", "-eval-command"),
                              ("--eval-command", "--init-eval-command")) for x in gdb_program(c)]


def gdb_files(argv: list[str]) -> list[str]:
    return values(argv, ("-x",), ("--command", "-command"))


def gdb_program(text: str) -> Found:
    return [(m.group(1), "run by gdb's shell") for c in text.split("\n")
            if (m := re.match(r"^\s*(?:shell\s+|!)(.+)$", c))]


_VIM_BANG = re.compile(r"^\s*(?:sil(?:ent)?!?\s+)*(?:\d*,?\d*|%)?\s*(?:r(?:ead)?\s*|w(?:rite)?\s+)?"
                       r"!(.+)$")
_VIM_SYSTEM = re.compile(r"\bsystem(?:list)?\s*\(\s*(?:'((?:[^']|'')*)'|\"((?:[^\"\\]|\\.)*)\")")


def vim_commands(argv: list[str]) -> list[str]:
    """The ex commands of a vim/ex command line: -c/--cmd (also run together, `-sc`), +CMD."""
    return values(argv, (), ("--cmd",)) + [a[1:] for a in argv[1:] if a.startswith("+")] + \
        [argv[i + 1] for i, a in enumerate(argv[1:-1], 1) if re.fullmatch(r"-[a-zA-Z]*c", a)]


def vim_inline(argv: list[str], stdin: str | None = None) -> Found:
    return [x for c in vim_commands(argv) for x in vim_program(c)]


def vim_files(argv: list[str]) -> list[str]:
    return values(argv, ("-S",))


def vim_program(text: str) -> Found:
    """`:!CMD` (also `r !`, `w !`, a range's `!`) and `system('…')`."""
    out: Found = []
    for c in text.split("\n"):
        # `:!CMD` takes the rest of the command, bars included; before it, `|` separates
        bang = next((m for part in [c, *c.split("|")[1:]] if (m := _VIM_BANG.match(part))), None)
        if bang:
            out.append((re.sub(r"\\([%#!])", r"\1", bang.group(1)), "run by vim's :!"))
        for m in _VIM_SYSTEM.finditer(c):
            text_ = m.group(1).replace("''", "'") if m.group(1) is not None else re.sub(
                r"\\(.)", lambda e: {"n": "\n", "t": "\t"}.get(e.group(1), e.group(1)), m.group(2))
            out.append((text_, "run by vim's system()"))
    return out


# --- git ---------------------------------------------------------------------------------------
_GIT_COMMAND_KEYS = frozenset({"core.sshcommand", "core.pager", "core.editor", "core.fsmonitor",
                               "core.askpass", "core.gitproxy", "sequence.editor",
                               "diff.external", "gpg.program", "credential.helper",
                               "uploadpack.packobjectshook", "sendemail.sendmailcmd"})
# Settings with a name of their own in the middle (git-config(1), gitattributes(5)): the
# filter driver a path's `filter=NAME` attribute picks runs its clean command on add, status
# and diff, its smudge command on checkout, reset and pull; a diff driver's command and
# textconv on diff and log -p; a merge driver on merge and pull; a pager per subcommand.
_GIT_COMMAND_NAMES = frozenset({("filter", "clean"), ("filter", "smudge"), ("filter", "process"),
                                ("diff", "command"), ("diff", "textconv"),
                                ("merge", "driver"), ("credential", "helper"),
                                ("gpg", "program")})
_GIT_NOT_COMMANDS = frozenset({"", "true", "false", "yes", "no", "on", "off", "1", "0"})


def git_runs_setting(key: str, value: str) -> bool:
    """Whether git runs `value`, the value of setting `key` (any case), as a command."""
    section, _, rest = key.lower().partition(".")
    name = rest.rsplit(".", 1)[-1]
    if value.strip().lower() in _GIT_NOT_COMMANDS:
        return False
    return f"{section}.{rest}" in _GIT_COMMAND_KEYS or section == "pager" or \
        ("." in rest and (section, name) in _GIT_COMMAND_NAMES)


# The hooks git runs for a subcommand, from the folder core.hooksPath names.
_GIT_HOOKS = {"commit": ("pre-commit", "prepare-commit-msg", "commit-msg", "post-commit"),
              "merge": ("pre-merge-commit", "post-merge"), "pull": ("post-merge",),
              "checkout": ("post-checkout",), "switch": ("post-checkout",),
              "rebase": ("pre-rebase",), "push": ("pre-push",),
              "am": ("applypatch-msg", "pre-applypatch"), "gc": ("pre-auto-gc",),
              "clone": ("post-checkout",)}


def _git_settings(argv: list[str]) -> tuple[dict[str, str], int]:
    settings, i = {}, 1
    while i < len(argv) and argv[i].startswith("-"):
        if argv[i] == "-c" and i + 1 < len(argv):
            key, _, value = argv[i + 1].partition("=")
            settings[key.lower()] = value
            i += 2
            continue
        i += 2 if argv[i] in ("-C", "--git-dir", "--work-tree", "--namespace") else 1
    return settings, i


# The environment variables whose value git runs as a command (git(1) ENVIRONMENT VARIABLES),
# with the general ones git falls back on for its pager and editor
GIT_COMMAND_VARIABLES = ("GIT_SSH_COMMAND", "GIT_SSH", "GIT_PAGER", "GIT_EDITOR",
                         "GIT_SEQUENCE_EDITOR", "GIT_ASKPASS", "GIT_EXTERNAL_DIFF", "PAGER",
                         "VISUAL", "EDITOR")


def git_with_environment(argv: list[str], env: Mapping[str, str]) -> list[str]:
    """`argv` with the settings git takes from its environment given as `-c KEY=VALUE`, as git
    reads them: GIT_CONFIG_COUNT with GIT_CONFIG_KEY_<n>/GIT_CONFIG_VALUE_<n>,
    GIT_CONFIG_PARAMETERS (what `git -c` hands to the git commands it starts), and
    `--config-env=KEY=VARIABLE` (the value of that variable)."""
    settings: list[str] = []
    count = env.get("GIT_CONFIG_COUNT", "")
    for n in range(min(int(count), 64) if count.isdigit() else 0):
        key = env.get(f"GIT_CONFIG_KEY_{n}")
        if key:
            settings.append(f"{key}={env.get(f'GIT_CONFIG_VALUE_{n}', '')}")
    try:
        settings += shlex.split(env.get("GIT_CONFIG_PARAMETERS", ""))
    except ValueError:
        pass                # not quoted as git quotes it: git refuses it too
    out = [argv[0]]
    for k, a in enumerate(argv[1:], 1):
        if a.startswith("--config-env="):
            key, _, var = a[len("--config-env="):].partition("=")
            out += ["-c", f"{key}={env.get(var, '')}"]
        elif a == "--config-env" and k + 1 < len(argv):
            continue            # its value is the next word, turned into a setting below
        elif argv[k - 1] == "--config-env":
            key, _, var = a.partition("=")
            out += ["-c", f"{key}={env.get(var, '')}"]
        else:
            out.append(a)
    return [out[0], *(w for s in settings for w in ("-c", s)), *out[1:]]


_GIT_CONFIG_OPTIONS = frozenset({"--global", "--system", "--local", "--worktree", "--add",
                                 "--replace-all", "--unset", "--unset-all", "--bool", "--int",
                                 "--path", "--no-type"})


def _git_config_set(argv: list[str], i: int) -> tuple[str, str] | None:
    """(key, value) `git config [--global|--system|-f FILE …] KEY VALUE` sets for every later
    git run, or None (a read, an unset, a listing)."""
    words, k = [], i + 1
    while k < len(argv):
        a = argv[k]
        if a in ("-f", "--file", "--blob", "--type"):
            k += 2
            continue
        if a.startswith("-") and a not in _GIT_CONFIG_OPTIONS and not a.startswith(("--file=",
                                                                                    "--type=")):
            return None           # --get, --list, --unset, -e …: sets nothing
        if not a.startswith("-"):
            words.append(a)
        k += 1
    return (words[0].lower(), words[1]) if len(words) >= 2 else None


def git_inline(argv: list[str], stdin: str | None = None) -> Found:
    """An alias `!CMD` run by its name, command-valued settings given with -c, and the same
    settings written with `git config` for every later git run (a job planting one)."""
    settings, i = _git_settings(argv)
    sub = argv[i] if i < len(argv) else ""
    out = []
    alias = settings.get(f"alias.{sub.lower()}", "")
    if alias.startswith("!"):
        out.append((" ".join([alias[1:], *argv[i + 1:]]), f"git alias {sub}"))
    out += [(v.lstrip("!"), f"run by git's {k}") for k, v in settings.items()
            if git_runs_setting(k, v)]
    kept = _git_config_set(argv, i) if sub == "config" else None
    if kept is not None:
        key, value = kept
        if git_runs_setting(key, value) or (key.startswith("alias.") and value.startswith("!")):
            out.append((value.lstrip("!"), f"set as git's {key}: run by later git commands"))
    return out


_GIT_SECTION = re.compile(r'^\s*\[\s*([\w.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\]')
_GIT_ENTRY = re.compile(r"^\s*([A-Za-z][\w-]*)\s*(?:=\s*(.*))?$")


def _git_value(raw: str) -> str:
    """A git config value as git reads it: quotes removed, \\ escapes undone, a comment
    (# or ; outside quotes) dropped, blanks around it trimmed."""
    out, quoted, k = [], False, 0
    while k < len(raw):
        c = raw[k]
        if c == "\\" and k + 1 < len(raw):
            out.append({"n": "\n", "t": "\t", "b": "\b"}.get(raw[k + 1], raw[k + 1]))
            k += 2
            continue
        if c == '"':
            quoted = not quoted
        elif c in "#;" and not quoted:
            break
        else:
            out.append(c)
        k += 1
    return "".join(out).strip()


def git_config_commands(text: str) -> list[tuple[int, str, str]]:
    """(line, command, setting) for every command a git config file holds: the settings git
    runs (git_runs_setting) and the `!` aliases, read as git reads the file (`[section
    "name"]` or `[section.name]` headers, `key = value`, a line ending in a backslash going
    on)."""
    out, section, lines = [], "", text.split("\n")
    number = 0
    while number < len(lines):
        line, start = lines[number], number + 1
        while line.endswith("\\") and number + 1 < len(lines):
            number += 1
            line = line[:-1] + lines[number]
        number += 1
        head = _GIT_SECTION.match(line)
        if head:
            section = head.group(1) + (f".{head.group(2)}" if head.group(2) is not None else "")
            line = line[head.end():]
        entry = _GIT_ENTRY.match(line)
        if not section or entry is None or entry.group(2) is None:
            continue
        key, value = f"{section}.{entry.group(1)}".lower(), _git_value(entry.group(2))
        if git_runs_setting(key, value) or (key.startswith("alias.") and value.startswith("!")):
            out.append((start, value.lstrip("!"), key))
    return out


def git_files(argv: list[str]) -> list[str]:
    """The hooks of a core.hooksPath folder the subcommand runs; every hook of the folder a
    `git config core.hooksPath DIR` sets for later git runs."""
    settings, i = _git_settings(argv)
    hooks = settings.get("core.hookspath")
    sub = argv[i] if i < len(argv) else ""
    kept = _git_config_set(argv, i) if sub == "config" else None
    if kept is not None and kept[0] == "core.hookspath":
        return [kept[1].rstrip("/") + "/" + h for h in
                dict.fromkeys(h for names in _GIT_HOOKS.values() for h in names)]
    return [hooks.rstrip("/") + "/" + h for h in _GIT_HOOKS.get(sub, ())] if hooks else []


def _hook(text: str) -> Found:
    """A hook is a program of its own: all of it runs."""
    return [(text, "a git hook")]


# --- database consoles -------------------------------------------------------------------------
_ESCAPE = re.compile(r"^\s*(?:\.(?:shell|system)|\\!|system)\s+(.+)$")


def console_inline(argv: list[str], stdin: str | None = None) -> Found:
    """sqlite3 `.shell`/`.system`, psql and mysql `\\!`, mysql `system`, in the arguments and
    the input."""
    texts = [a for a in argv[1:] if not a.startswith("-")] + \
        values(argv, ("-c", "-e", "-cmd"), ("--command", "--execute"))
    if stdin:
        texts.append(stdin)
    return [x for t in texts for x in console_program(t)]


def console_files(argv: list[str]) -> list[str]:
    return values(argv, ("-f",), ("--file",))


def console_program(text: str) -> Found:
    return [(m.group(1), "a shell escape of a database console") for ln in text.split("\n")
            if (m := _ESCAPE.match(ln))]


# --- programs reading their script from their input -------------------------------------------
def _operands(argv: list[str]) -> list[str]:
    return [a for a in argv[1:] if not a.startswith("-") or a == "-"]


def m4_inline(argv: list[str], stdin: str | None = None) -> Found:
    """m4 reads its input when no file is named (or `-` is)."""
    files = m4_files(argv)
    return m4_program(stdin) if stdin and (not files or "-" in _operands(argv)) else []


_DC_BANG = re.compile(r"!(?![<>=])\s*(.+)$")


def dc_inline(argv: list[str], stdin: str | None = None) -> Found:
    """dc's `-e SCRIPT`, and its input when no file is named."""
    texts = values(argv, ("-e",), ("--expression",))
    if stdin and not dc_files(argv) and not texts:
        texts.append(stdin)
    return [x for t in texts for x in dc_program(t)]


def dc_files(argv: list[str]) -> list[str]:
    named = values(argv, ("-e", "-f"), ("--expression", "--file"))
    return values(argv, ("-f",), ("--file",)) + [a for a in _operands(argv) if a not in named]


def dc_program(text: str) -> Found:
    """dc's `!`: the rest of the line is a command line run by a shell (`!<`, `!=`, `!>` are
    comparisons)."""
    return [(m.group(1), "run by dc's !") for ln in text.split("\n")
            if (m := _DC_BANG.search(ln))]


_ED_BANG = re.compile(r"^\s*[\d.,$;'a-z+-]*\s*(?:[rwWe]\s*)?!(.+)$")


def ed_inline(argv: list[str], stdin: str | None = None) -> Found:
    """ed reads its commands from its input: `!CMD`, `r !CMD`, `w !CMD`, `e !CMD`."""
    return ed_program(stdin) if stdin else []


def ed_program(text: str) -> Found:
    # ed puts the file's name for an unescaped `%` and the last command for `!`: an escaped
    # one is itself
    return [(re.sub(r"\\([%!])", r"\1", m.group(1)), "run by ed's !")
            for ln in text.split("\n") if (m := _ED_BANG.match(ln))]


# --- ssh configuration files --------------------------------------------------------------------
def ssh_files(argv: list[str]) -> list[str]:
    return values(argv, ("-F",))


def ssh_program(text: str) -> Found:
    """The command-valued keywords of an ssh configuration file (`LocalCommand CMD`)."""
    out: Found = []
    for ln in text.split("\n"):
        key, _, value = ln.strip().replace("=", " ", 1).partition(" ")
        if key.lower() in _SSH_COMMANDS and value.strip() not in ("", "none"):
            out.append((value.strip().replace("%%", "%"), f"run by ssh's {key} (its -F file)"))
    return out


# --- socat ----------------------------------------------------------------------------------------
_SOCAT_RUN = re.compile(r"^(?:SYSTEM|EXEC):(.+?)(?:,[a-z-]+(?:=[^,]*)?)*$", re.IGNORECASE)


def socat_inline(argv: list[str], stdin: str | None = None) -> Found:
    """socat's SYSTEM:CMD (a shell runs it) and EXEC:PROG ARGS addresses."""
    return [(m.group(1), "run by socat's address") for a in _operands(argv)
            if (m := _SOCAT_RUN.match(a))]


# --- programs sourcing a shell configuration file -------------------------------------------------
# program → (the option naming another file, the file it reads by default): the file is shell
# code the program sources on every run (RANCID's rancid.conf, cron-apt's config)
SOURCED_CONFIGS: dict[str, tuple[tuple[str, ...], str]] = {
    "rancid-run": (("-f",), "/etc/rancid/rancid.conf"),
    "rancid-cvs": (("-f",), "/etc/rancid/rancid.conf"),
    "control_rancid": (("-f",), "/etc/rancid/rancid.conf"),
    "cron-apt": ((), "/etc/cron-apt/config"),
}


def sourced_files(argv: list[str]) -> list[str]:
    options, default = SOURCED_CONFIGS[argv[0].rsplit("/", 1)[-1]]
    named = values(argv, options) if options else _operands(argv)[:1]
    return named[-1:] or [default]


def sourced_program(text: str) -> Found:
    """A configuration file the program sources: all of it runs, as shell."""
    return [(text, "a configuration file the program sources")]


@dataclass(frozen=True)
class Carrier:
    inline: Callable[..., Found] = _none
    files: Callable[[list[str]], list[str]] = _no_files
    program: Callable[[str], Found] = _no_program
    runs_files: bool = False      # the files are programs of their own (hooks): run unseen


_MAKE = Carrier(files=make_files, program=make_program)
_VIM = Carrier(vim_inline, vim_files, vim_program)
_CONSOLE = Carrier(console_inline, console_files, console_program)
CARRIERS: dict[str, Carrier] = {
    "make": _MAKE, "gmake": _MAKE, "m4": Carrier(m4_inline, m4_files, m4_program),
    "dc": Carrier(dc_inline, dc_files, dc_program), "ed": Carrier(ed_inline),
    "red": Carrier(ed_inline), "socat": Carrier(socat_inline),
    **{p: Carrier(files=sourced_files, program=sourced_program) for p in SOURCED_CONFIGS},
    "sed": Carrier(sed_inline, lambda argv: values(argv, ("-f",), ("--file",)), sed_program),
    "tar": Carrier(tar_inline), "gtar": Carrier(tar_inline),
    "ssh": Carrier(ssh_inline, ssh_files, ssh_program),
    "scp": Carrier(ssh_inline), "sftp": Carrier(ssh_inline),
    "gdb": Carrier(gdb_inline, gdb_files, gdb_program), "vim": _VIM, "vi": _VIM, "ex": _VIM,
    "view": _VIM, "nvim": _VIM, "vim.basic": _VIM, "vim.tiny": _VIM,
    "git": Carrier(git_inline, git_files, _hook, runs_files=True),
    "script": Carrier(script_inline), "sqlite3": _CONSOLE, "psql": _CONSOLE, "mysql": _CONSOLE,
    "mariadb": _CONSOLE,
}


# --- what a carrier takes from its environment ---------------------------------------------------
_VIM_SYSTEM_VAR = re.compile(r"\bsystem(?:list)?\s*\(\s*\$([A-Za-z_]\w*)\s*\)")
_GIT_CONFIG_FILES = ("GIT_CONFIG_SYSTEM", "GIT_CONFIG_GLOBAL", "GIT_CONFIG")


def from_environment(argv: list[str], env: dict[str, str],
                     text_of: Callable[[str], str | None]) -> Found:
    """The commands a carrier takes from its environment: vim's `system($NAME)`, and git's
    settings from the files GIT_CONFIG_GLOBAL/SYSTEM name (an alias `!CMD` run by its name, a
    command-valued setting; GIT_CONFIG_COUNT's pairs and GIT_CONFIG_PARAMETERS are given as
    `-c` by git_with_environment)."""
    prog = argv[0].rsplit("/", 1)[-1]
    if CARRIERS.get(prog) is _VIM:
        return [(env[m.group(1)], "run by vim's system() (from its environment)")
                for c in vim_commands(argv) for m in _VIM_SYSTEM_VAR.finditer(c)
                if env.get(m.group(1))]
    if prog != "git":
        return []
    given: list[str] = []
    for var in _GIT_CONFIG_FILES:
        text = text_of(env[var]) if env.get(var, "").startswith("/") else None
        for _, command, key in git_config_commands(text or ""):
            given += ["-c", f"{key}={'!' if key.startswith('alias.') else ''}{command}"]
    # the subcommand with only these settings: what the command line sets itself is carried()'s
    return git_inline([argv[0], *given, *argv[_git_settings(argv)[1]:]]) if given else []


def carried(argv: list[str], stdin: str | None, text_of: Callable[[str], str | None],
            unknown: Callable[[str], str] = lambda what: "") -> Found:
    """Every shell command a carrier's command line runs, with the programs it reads from
    files (`text_of` a path: its text, or None when not captured; a hook not captured is run
    by its path, so its reader reports code nobody has seen)."""
    carrier = CARRIERS[argv[0].rsplit("/", 1)[-1]]
    out = carrier.inline(argv, stdin)
    for path in carrier.files(argv):
        text = stdin if path == "-" else text_of(path)
        if text is None:
            if carrier.runs_files:
                out.append((path, "a git hook (not captured)"))
            continue
        if carrier is not _MAKE:
            out += carrier.program(text)
            continue
        out += make_program(text, unknown)
        if path.endswith(("/Makefile", "/makefile", "/GNUmakefile")):
            break          # make reads the first of its default names that exists
    return out
