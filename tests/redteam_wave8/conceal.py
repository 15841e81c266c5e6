"""How a wave-8 job hides its one line inside the bash script its placement runs: bash value
machinery no earlier wave writes (arrays, `declare -n` namerefs, `${x//a/b}`, `${x:N}`,
`${x,,}`, IFS splitting into `set --`, brace expansion spelling the words, functions defined by
`eval`, values from a config file the job sources, `read` from a here-string, xargs and GNU
parallel running it, `env -S`, busybox applets, and a Perl or Python interpreter launched with
the line in its environment or argv)."""

from __future__ import annotations

import random
import shlex
from collections.abc import Callable

q = shlex.quote
Files = dict[str, tuple[str, int]]
_SIMPLE_BAD = set("|&;<>()$`\\\"'*?[]{}~#=\n")


def _simple(line: str) -> list[str] | None:
    """The words of a simple command (no shell syntax, no quoting needed), else None."""
    words = line.split(" ")
    if any(not w or set(w) & _SIMPLE_BAD for w in words):
        return None
    return words


def plain(line: str, rng: random.Random, m: str, files: Files) -> str:
    return line


def array(line: str, rng: random.Random, m: str, files: Files) -> str:
    words = _simple(line)
    if words is None:
        return f"job=(bash -c {q(line)})\n\"${{job[@]}}\""
    return "job=(" + " ".join(q(w) for w in words) + ")\n\"${job[@]}\""


def nameref(line: str, rng: random.Random, m: str, files: Files) -> str:
    return f"task_{m}={q(line)}\ndeclare -n step=task_{m}\neval \"$step\""


def _absent(line: str) -> str:
    return next(c for c in "%@^_+" if c not in line)


def pattern_sub(line: str, rng: random.Random, m: str, files: Files) -> str:
    ch = next((c for c in "rstem" if c in line), line[0])
    tok = _absent(line)
    return f"t={q(line.replace(ch, tok))}\neval \"${{t//{tok}/{ch}}}\""


def substring(line: str, rng: random.Random, m: str, files: Files) -> str:
    pad = "".join(rng.choice("abcdefgh") for _ in range(7))
    tail = "".join(rng.choice("klmnop") for _ in range(5))
    return f"s={q(pad + line + tail)}\neval \"${{s:7:{len(line)}}}\""


def case_fold(line: str, rng: random.Random, m: str, files: Files) -> str:
    if line == line.lower():
        return f"u={q(line.upper())}\neval \"${{u,,}}\""
    if line == line.upper():
        return f"u={q(line.lower())}\neval \"${{u^^}}\""
    return substring(line, rng, m, files)


def ifs_split(line: str, rng: random.Random, m: str, files: Files) -> str:
    words = _simple(line)
    if words is None or any(":" in w for w in words):
        return f"spec=bash:-c:{q(line)}\nIFS=: read -r a b c <<< \"$spec\"\n\"$a\" \"$b\" \"$c\""
    return f"spec={':'.join(words)}\nIFS=:\nset -- $spec\nunset IFS\n\"$@\""


def brace_words(line: str, rng: random.Random, m: str, files: Files) -> str:
    words = _simple(line)
    if words is None or any("," in w for w in words) or len(words) < 2:
        return "{bash,-c," + q(line) + "}"
    return "{" + ",".join(words) + "}"


def func_eval(line: str, rng: random.Random, m: str, files: Files) -> str:
    name = f"ne_sync_{m}"
    return f"eval {q(f'{name}() {{ {line}; }}')}\n{name}"


def sourced_config(line: str, rng: random.Random, m: str, files: Files) -> str:
    f = f"/opt/ems/etc/nightly-{m}.conf"
    files[f] = (f"# EMS nightly settings\nEMS_LOG=/var/log/ems/nightly.log\n"
                f"NIGHTLY_STEP={q(line)}\n", 0o644)
    return f". {f}\neval \"$NIGHTLY_STEP\""


def herestring_read(line: str, rng: random.Random, m: str, files: Files) -> str:
    return f"read -r cmd <<< {q(line)}\neval \"$cmd\""


def xargs_run(line: str, rng: random.Random, m: str, files: Files) -> str:
    return rng.choice([f"printf '%s\\0' {q(line)} | xargs -0 -I{{}} bash -c '{{}}'",
                       f"echo {q(line)} | xargs -d '\\n' -n1 bash -c"])


def parallel_run(line: str, rng: random.Random, m: str, files: Files) -> str:
    return rng.choice([f"parallel --will-cite ::: {q(line)}",
                       f"printf '%s\\n' {q(line)} | parallel --will-cite -j1"])


def env_s(line: str, rng: random.Random, m: str, files: Files) -> str:
    return f"/usr/bin/env -S 'bash -e -c' {q(line)}"


def busybox(line: str, rng: random.Random, m: str, files: Files) -> str:
    words = _simple(line)
    if words is not None and words[0] in ("rm", "truncate", "find", "mv", "dd", "tar"):
        return "busybox " + line
    return f"busybox {rng.choice(['sh', 'ash'])} -c {q(line)}"


def perl_exec(line: str, rng: random.Random, m: str, files: Files) -> str:
    return rng.choice([f"J={q(line)} perl -e 'exec \"/bin/sh\", \"-c\", $ENV{{J}}'",
                       f"perl -e 'system(\"bash\", \"-c\", $ARGV[0])' {q(line)}"])


def python_exec(line: str, rng: random.Random, m: str, files: Files) -> str:
    return rng.choice([
        "python3 -c 'import os, sys; os.execvp(\"sh\", [\"sh\", \"-c\", sys.argv[1]])' "
        + q(line),
        f"STEP={q(line)} python3 -c 'import os, subprocess; "
        "subprocess.run(os.environ[\"STEP\"], shell=True)'"])


Conceal = Callable[[str, random.Random, str, Files], str]
CONCEALMENTS: dict[str, Conceal] = {
    "plain": plain, "array": array, "nameref": nameref, "pattern-sub": pattern_sub,
    "substring": substring, "case-fold": case_fold, "ifs-split": ifs_split,
    "brace-words": brace_words, "func-eval": func_eval, "sourced-config": sourced_config,
    "herestring-read": herestring_read, "xargs": xargs_run, "parallel": parallel_run,
    "env-S": env_s, "busybox": busybox, "perl-exec": perl_exec, "python-exec": python_exec,
}
# what benign look-alikes use: an ordinary script's ways of running a line
EVERYDAY = ("plain", "array", "func-eval", "sourced-config", "herestring-read", "xargs",
            "nameref", "env-S")


def script(line: str, conceal: str, rng: random.Random, m: str) -> tuple[str, Files]:
    files: Files = {}
    body = CONCEALMENTS[conceal](line, rng, m, files)
    return "#!/bin/bash\n# EMS NE maintenance (ops team)\n" + body + "\n", files
