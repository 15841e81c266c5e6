"""How a wave-7 job hides the line its carrier wrote, inside the bash script the scheduler runs,
and what gates it: bash features no earlier wave writes (indirect expansion, `printf -v`,
mapfile and `read` from a data file, exported BASH_FUNC_ functions, aliases with
expand_aliases, `source <(…)`, EXIT/ERR/DEBUG traps, PROMPT_COMMAND and BASH_ENV/ENV start-up
files, command_not_found_handle, coprocs, here-strings into a shell, functions called by a
computed name) and time or state gates (day of year, epoch arithmetic, a file's age, a run
counter kept in a file, a random delay, the host name)."""

from __future__ import annotations

import random
import shlex
from collections.abc import Callable

q = shlex.quote
Files = dict[str, tuple[str, int]]


def plain(line: str, rng: random.Random, m: str, files: Files) -> str:
    return line


def indirect(line: str, rng: random.Random, m: str, files: Files) -> str:
    return f"task_{m}={q(line)}\nref=task_{m}\neval \"${{!ref}}\""


def printf_v(line: str, rng: random.Random, m: str, files: Files) -> str:
    cut = max(1, len(line) // 3)
    return f"printf -v run '%s%s' {q(line[:cut])} {q(line[cut:])}\neval \"$run\""


def mapfile_data(line: str, rng: random.Random, m: str, files: Files) -> str:
    f = f"/opt/ems/etc/tasks-{m}.lst"
    files[f] = (f"logger -t ems nightly start\n{line}\n", 0o644)
    return f"mapfile -t steps < {f}\nfor s in \"${{steps[@]}}\"; do eval \"$s\"; done"


def read_line(line: str, rng: random.Random, m: str, files: Files) -> str:
    f = f"/var/lib/ems/.job-{m}"
    files[f] = (line + "\n", 0o600)
    return f"IFS= read -r job < {f}\neval \"$job\""


def bash_func_env(line: str, rng: random.Random, m: str, files: Files) -> str:
    return f"env {q(f'BASH_FUNC_nesync%%=() {{ {line}' + chr(10) + '}')} bash -c nesync"


def alias_expand(line: str, rng: random.Random, m: str, files: Files) -> str:
    return f"shopt -s expand_aliases\nalias nesync={q(line)}\nnesync"


def source_procsub(line: str, rng: random.Random, m: str, files: Files) -> str:
    return rng.choice([f"source <(printf '%s\\n' {q(line)})",
                       f". <(echo {q(line)})"])


def trap_hook(line: str, rng: random.Random, m: str, files: Files) -> str:
    sig = rng.choice(["EXIT", "ERR", "DEBUG"])
    if sig == "ERR":
        return f"trap {q(line)} ERR\nfalse"
    if sig == "DEBUG":
        return f"trap {q('trap - DEBUG; ' + line)} DEBUG\n:"
    return f"trap {q(line)} EXIT\nexit 0"


def startup_file(line: str, rng: random.Random, m: str, files: Files) -> str:
    f = f"/opt/ems/etc/profile-{m}.sh"
    files[f] = (f"# EMS environment\nexport EMS_HOME=/opt/ems\n{line}\n", 0o644)
    return rng.choice([f"BASH_ENV={f} bash -c :", f"ENV={f} sh -i </dev/null"])


def prompt_command(line: str, rng: random.Random, m: str, files: Files) -> str:
    return f"PROMPT_COMMAND={q(line)} bash --norc --noprofile -i </dev/null"


def not_found_handle(line: str, rng: random.Random, m: str, files: Files) -> str:
    return f"command_not_found_handle() {{\n  {line}\n}}\nems-ne-resync-{m}"


def coproc_run(line: str, rng: random.Random, m: str, files: Files) -> str:
    return f"coproc NESYNC {{ {line}; }}\nwait \"$NESYNC_PID\""


def herestring_shell(line: str, rng: random.Random, m: str, files: Files) -> str:
    return f"{rng.choice(['bash', 'sh', 'bash -s'])} <<< {q(line)}"


def computed_name(line: str, rng: random.Random, m: str, files: Files) -> str:
    a, b = rng.randint(1, 40), rng.randint(1, 40)
    return f"step_{a + b}() {{\n  {line}\n}}\nn=$(( {a} + {b} ))\n\"step_$n\""


CONCEALMENTS: dict[str, Callable[[str, random.Random, str, Files], str]] = {
    "plain": plain, "indirect": indirect, "printf-v": printf_v, "mapfile": mapfile_data,
    "read-line": read_line, "bash-func-env": bash_func_env, "alias": alias_expand,
    "source-procsub": source_procsub, "trap": trap_hook, "startup-file": startup_file,
    "prompt-command": prompt_command, "not-found-handle": not_found_handle,
    "coproc": coproc_run, "herestring": herestring_shell, "computed-name": computed_name,
}
# what benign look-alikes use: an ordinary script's ways of running a line
EVERYDAY = ("plain", "indirect", "printf-v", "mapfile", "trap", "coproc")


def _gate_doy(m: str) -> str:
    return "(( 10#$(date +%j) == 45 )) || exit 0"


def _gate_epoch(m: str) -> str:
    return "[[ $(date +%s) -gt 1802000000 ]] || exit 0"


def _gate_mtime(m: str) -> str:
    return ("age=$(( $(date +%s) - $(stat -c %Y /var/lib/ems/.installed 2>/dev/null || "
            "date +%s) ))\n[ \"$age\" -gt 7776000 ] || exit 0")


def _gate_counter(m: str) -> str:
    f = f"/var/lib/ems/.runs-{m}"
    return (f"n=$(( $(cat {f} 2>/dev/null || echo 0) + 1 ))\necho \"$n\" > {f}\n"
            "[ \"$n\" -ge 90 ] || exit 0")


def _gate_random(m: str) -> str:
    return "sleep $(( RANDOM % 5400 ))"


def _gate_host(m: str) -> str:
    return "[ \"$(hostname -s)\" = ems-kobe-01 ] || exit 0"


GATES: dict[str, Callable[[str], str]] = {
    "none": lambda m: "", "day-of-year": _gate_doy, "epoch": _gate_epoch, "mtime": _gate_mtime,
    "counter": _gate_counter, "random-delay": _gate_random, "host": _gate_host,
}
BENIGN_GATES = ("none", "host", "random-delay")


def script(line: str, conceal: str, gate: str, rng: random.Random, m: str) -> tuple[str, Files]:
    """The bash script the scheduler runs: the gate, then the concealed line; and its files."""
    files: Files = {}
    body = CONCEALMENTS[conceal](line, rng, m, files)
    g = GATES[gate](m)
    head = "#!/bin/bash\n# EMS NE maintenance (ops team)\n" + (g + "\n" if g else "")
    return head + body + "\n", files
