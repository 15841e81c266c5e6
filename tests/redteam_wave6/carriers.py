"""How a wave-6 job runs its work: carriers (programs that run a shell command handed to them in
their own syntax — make recipes, m4 `esyscmd`, GNU sed's `e`, tar checkpoint actions, ssh's
ProxyCommand, gdb and vim shell escapes, git aliases and hooks, sqlite3 `.shell`, psql `\\!`,
awk's `cmd | getline`, other shells, namespace and scheduling wrappers, other interpreters'
spawn APIs) and concealments (bash features a script can hide a command behind: prompt and
escape expansion, PS4 under xtrace, arithmetic subscripts, RETURN/DEBUG/ERR traps, `exec -a`,
`builtin`, associative-array dispatch, positional slices, prefix trimming, IFS splitting,
functions defined by eval, here-strings read as files, ANSI-C octal quoting, basenc layers).
A concealment turns the work into a script; the carrier then runs that script."""

from __future__ import annotations

import base64
import random
import shlex
from collections.abc import Callable

from tests.heldout.techniques import Job


def q(text: str) -> str:
    return shlex.quote(text)


def _dq(text: str) -> str:
    """Inside a double-quoted string of awk, vim, gdb-free C-like languages."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _dir(m: str, rng: random.Random) -> str:
    k = sum(map(ord, m))
    return ("/opt/ems/build", "/usr/local/lib/ems", "/srv/ems/tools", "/home/oper/.local/share")[k % 4]


# ------------------------------------------------------------------------------- carriers
def make_recipe(line: str, rng: random.Random, m: str) -> Job:
    mk = f"{_dir(m, rng)}/nightly-{m}.mk"
    target = rng.choice(["all", "tidy", "sync"])
    text = (f".PHONY: {target}\n{target}:\n\t@{line.replace('$', '$$')}\n")
    return Job(f"make -s -f {mk} {target}", {mk: (text, 0o644)})


def m4_esyscmd(line: str, rng: random.Random, m: str) -> Job:
    f = f"{_dir(m, rng)}/report-{m}.m4"
    fn = rng.choice(["esyscmd", "syscmd"])
    return Job(f"m4 {f} > /dev/null",
               {f: (f"changequote(@@[,]@@)dnl\n{fn}(@@[{line}]@@)dnl\n", 0o644)})


def sed_exec(line: str, rng: random.Random, m: str) -> Job:
    if rng.random() < 0.5:
        return Job(f"sed -n {q('1e ' + line)} /etc/hostname  # {m}")
    f = f"{_dir(m, rng)}/filter-{m}.sed"
    return Job(f"sed -n -f {f} /etc/hostname", {f: (f"1e {line}\n", 0o644)})


def tar_checkpoint(line: str, rng: random.Random, m: str) -> Job:
    return Job(f"tar -cf /dev/null /etc/hostname --checkpoint=1 "
               f"{q('--checkpoint-action=exec=' + line)}  # {m}")


def ssh_proxycommand(line: str, rng: random.Random, m: str) -> Job:
    cmd = "sh -c " + q(line)
    return Job(f"ssh -F /dev/null -o BatchMode=yes -o {q('ProxyCommand=' + cmd.replace('%', '%%'))}"
               f" -o ConnectTimeout=5 ems-bastion true  # {m}")


def gdb_shell(line: str, rng: random.Random, m: str) -> Job:
    return Job(f"gdb -batch -nx -ex {q('shell ' + line)}  # {m}")


def vim_system(line: str, rng: random.Random, m: str) -> Job:
    call = "call system('" + line.replace("'", "''") + "')"
    editor = rng.choice(["vim -es -N -u NONE", "ex -s -N -u NONE", "vi -es"])
    return Job(f"{editor} -c {q(call)} -c 'qa!'  # {m}")


def git_alias(line: str, rng: random.Random, m: str) -> Job:
    name = rng.choice(["tidy", "nightly", "sync"])
    return Job(f"git -c {q(f'alias.{name}=!' + line)} {name}  # {m}")


def git_hook(line: str, rng: random.Random, m: str) -> Job:
    hooks = f"{_dir(m, rng)}/hooks-{m}"
    return Job(f"git -C /opt/ems/etc -c core.hooksPath={hooks} commit --allow-empty -qm nightly",
               {f"{hooks}/pre-commit": (f"#!/bin/sh\n{line}\nexit 0\n", 0o755)})


def sqlite_shell(line: str, rng: random.Random, m: str) -> Job:
    dot = rng.choice([".shell", ".system"])
    files: dict[str, tuple[str, int]] = {}
    if any(c in line for c in "'\"\\"):
        # sqlite3 splits a dot-command's arguments itself: quoted work goes into a file
        path = f"{_dir(m, rng)}/task-{m}.sh"
        files[path] = (f"{line}\n", 0o644)
        line = f"sh {path}"
    return Job(f"sqlite3 :memory: {q(dot + ' ' + line)}  # {m}", files)


def psql_bang(line: str, rng: random.Random, m: str) -> Job:
    return Job(f"psql -X -q -d ems -c {q(chr(92) + '! ' + line)}  # {m}")


def awk_getline(line: str, rng: random.Random, m: str) -> Job:
    prog = 'BEGIN { c = "' + _dq(line) + '"; while ((c | getline l) > 0) ; close(c) }'
    return Job(f"{rng.choice(['awk', 'mawk', 'gawk'])} {q(prog)}  # {m}")


def other_shell(line: str, rng: random.Random, m: str) -> Job:
    sh = rng.choice(["zsh -fc", "ksh -c", "mksh -c", "yash -c", "busybox ash -c", "posh -c"])
    return Job(f"{sh} {q(line)}  # {m}")


def namespace_wrap(line: str, rng: random.Random, m: str) -> Job:
    w = rng.choice(["nsenter -t 1 -m -u -i -n -p --", "unshare -m --propagation private",
                    "unshare --fork --pid --mount-proc", "script -qec", "strace -f -o /dev/null",
                    "ltrace -f -o /dev/null"])
    if w == "script -qec":
        return Job(f"script -qec {q(line)} /dev/null  # {m}")
    return Job(f"{w} sh -c {q(line)}  # {m}")


def sched_wrap(line: str, rng: random.Random, m: str) -> Job:
    ws = rng.sample(["stdbuf -oL", "taskset -c 0", "chrt -i 0", "nohup",
                     "systemd-inhibit --what=shutdown --why=maintenance",
                     "setpriv --reuid=0 --regid=0 --init-groups", "systemd-run --wait --pipe -q",
                     "sg root -c"], rng.randint(1, 2))
    if ws[-1] == "sg root -c":
        return Job(f"{' '.join(ws)} {q(line)}  # {m}")
    return Job(f"{' '.join(ws)} sh -c {q(line)}  # {m}")


def interp_spawn(line: str, rng: random.Random, m: str) -> Job:
    d = _dq(line)
    form = rng.randrange(8)
    if form == 0:
        return Job("php -r " + q(f'passthru("{d.replace("$", chr(92) + "$")}");') + f"  # {m}")
    if form == 1:
        return Job("php -r " + q(f'$p = popen("{d.replace("$", chr(92) + "$")}", "r"); '
                                 "pclose($p);") + f"  # {m}")
    if form == 2:
        return Job("lua -e " + q(f'local p = io.popen("{d}") p:close()') + f"  # {m}")
    if form == 3:
        return Job("node -e " + q("require('child_process').spawnSync('sh', ['-c', "
                                  + repr(line) + "], {stdio: 'inherit'})") + f"  # {m}")
    if form == 4:
        return Job("ruby -e " + q("IO.popen(['sh', '-c', " + repr(line) + "]) { |io| io.read }")
                   + f"  # {m}")
    if form == 5:
        return Job("ruby -ropen3 -e " + q("Open3.capture2('sh', '-c', " + repr(line) + ")")
                   + f"  # {m}")
    if form == 6:
        return Job("python3 -c " + q(f"import pty; pty.spawn(['sh', '-c', {line!r}])")
                   + f"  # {m}")
    return Job("python3 -c " + q(f"import os; os.posix_spawnp('sh', ['sh', '-c', {line!r}], "
                                 "os.environ)") + f"  # {m}")


Carrier = Callable[[str, random.Random, str], Job]
CARRIERS: dict[str, Carrier] = {
    "make-recipe": make_recipe, "m4-esyscmd": m4_esyscmd, "sed-e": sed_exec,
    "tar-checkpoint": tar_checkpoint, "ssh-proxycommand": ssh_proxycommand,
    "gdb-shell": gdb_shell, "vim-system": vim_system, "git-alias": git_alias,
    "git-hook": git_hook, "sqlite-shell": sqlite_shell, "psql-bang": psql_bang,
    "awk-getline": awk_getline, "other-shell": other_shell, "namespace-wrap": namespace_wrap,
    "sched-wrap": sched_wrap, "interp-spawn": interp_spawn,
}


# --------------------------------------------------------------------------- concealments
def _script(body: str, rng: random.Random, m: str) -> tuple[str, dict[str, tuple[str, int]]]:
    path = f"{_dir(m, rng)}/{rng.choice(['nightly', 'tidy', 'ne-sync'])}-{m}.sh"
    return f"bash {path}", {path: (f"#!/bin/bash\n# EMS maintenance\n{body}\n", 0o755)}


def _free(line: str, rng: random.Random) -> str:
    return rng.choice([c for c in "^,@~:" if c not in line])


def prompt_expansion(line: str, rng: random.Random) -> str:
    return f"x={q('$(' + line + ')')}\n: \"${{x@P}}\""


def ps4_xtrace(line: str, rng: random.Random) -> str:
    return f"PS4={q('$(' + line + ') ')}\nset -x\n:\nset +x"


def arith_subscript(line: str, rng: random.Random) -> str:
    test = rng.choice(["(( n )) || true", "[[ $n -eq 0 ]] || true", "declare -i k=n"])
    return f"a=()\nn={q('a[$(' + line + ')]')}\n{test}"


def trap_hooks(line: str, rng: random.Random) -> str:
    kind = rng.choice(["RETURN", "DEBUG", "ERR"])
    if kind == "RETURN":
        return f"finish() {{\n  trap {q(line)} RETURN\n  :\n}}\nfinish"
    if kind == "DEBUG":
        return f"trap {q(line + '; trap - DEBUG')} DEBUG\n:"
    return f"trap {q(line)} ERR\nfalse"


def escape_expansion(line: str, rng: random.Random) -> str:
    enc = "".join(f"\\x{ord(c):02x}" if c.isalpha() and rng.random() < 0.5 else
                  ("\\\\" if c == "\\" else c) for c in line)
    return f"c={q(enc)}\neval \"${{c@E}}\""


def octal_ansi(line: str, rng: random.Random) -> str:
    enc = "".join(f"\\{ord(c):03o}" if ord(c) < 128 else c for c in line)
    return f"eval $'{enc}'"


def ifs_split(line: str, rng: random.Random) -> str:
    sep = _free(line, rng)
    return f"set -f\nIFS={q(sep)}\nc={q(sep.join(['sh', '-c', line]))}\n$c"


def exec_builtin(line: str, rng: random.Random) -> str:
    return rng.choice([f"exec -a ems-nightly sh -c {q(line)}", f"command -p sh -c {q(line)}",
                       f"builtin eval {q(line)}"])


def assoc_dispatch(line: str, rng: random.Random) -> str:
    return (f"declare -A task=([run]=sh [opt]=-c [arg]={q(line)})\n"
            "\"${task[run]}\" \"${task[opt]}\" \"${task[arg]}\"")


def positional_slice(line: str, rng: random.Random) -> str:
    return f"set -- nightly ems sh -c {q(line)}\n\"${{@:3}}\""


def trim_expansion(line: str, rng: random.Random) -> str:
    a = "".join(rng.choice("qxzj") for _ in range(4))
    b = "".join(rng.choice("qxzj") for _ in range(4))
    return f"c={q(a + line + b)}\nc=${{c#{a}}}\nc=${{c%{b}}}\neval \"$c\""


def eval_function(line: str, rng: random.Random) -> str:
    return f"eval \"$(printf '%s() {{ %s; }}' tidy {q(line)})\"\ntidy"


def namespaced_function(line: str, rng: random.Random) -> str:
    name = rng.choice(["ems::nightly", "ems.tidy", "ne:sync"])
    return f"{name}() {{\n  {line}\n}}\n{name}"


def here_fd(line: str, rng: random.Random) -> str:
    return rng.choice([f"exec 3<<<{q(line)}\nsource /dev/fd/3", f". /dev/stdin <<<{q(line)}",
                       f"source /proc/self/fd/0 <<<{q(line)}"])


Z85 = ("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
       ".-:+=^!/*?&<>()[]{}@%$#")


def _z85(data: bytes) -> str:
    out = []
    for i in range(0, len(data), 4):
        n = int.from_bytes(data[i:i + 4], "big")
        out.append("".join(Z85[n // 85 ** k % 85] for k in range(4, -1, -1)))
    return "".join(out)


def basenc_layer(line: str, rng: random.Random) -> str:
    form = rng.choice(["base32hex", "base2msbf", "z85"])
    data = (line + "\n").encode()
    if form == "base32hex":
        enc = base64.b32hexencode(data).decode()
    elif form == "base2msbf":
        enc = "".join(f"{b:08b}" for b in data)
    else:
        data += b" " * (-len(data) % 4)
        enc = _z85(data)
    return f"basenc --{form} -d <<<{q(enc)} | sh"


Concealment = Callable[[str, random.Random], str]
CONCEALMENTS: dict[str, Concealment] = {
    "prompt-expansion": prompt_expansion, "ps4-xtrace": ps4_xtrace,
    "arith-subscript": arith_subscript, "trap-hooks": trap_hooks,
    "escape-expansion": escape_expansion, "octal-ansi": octal_ansi, "ifs-split": ifs_split,
    "exec-builtin": exec_builtin, "assoc-dispatch": assoc_dispatch,
    "positional-slice": positional_slice, "trim-expansion": trim_expansion,
    "eval-function": eval_function, "namespaced-function": namespaced_function,
    "here-fd": here_fd, "basenc-layer": basenc_layer,
}
# what ordinary maintenance scripts also do (benign look-alikes use only these)
EVERYDAY = ("plain", "exec-builtin", "assoc-dispatch", "positional-slice", "namespaced-function",
            "trap-hooks")


def carry(carrier: str, conceal: str, line: str, rng: random.Random, m: str) -> Job:
    """The job: the work line, hidden by the concealment in a script (or as it is), handed to
    the carrier."""
    files: dict[str, tuple[str, int]] = {}
    if conceal != "plain":
        line, files = _script(CONCEALMENTS[conceal](line, rng), rng, m)
    job = CARRIERS[carrier](line, rng, m)
    job.files.update(files)
    return job
