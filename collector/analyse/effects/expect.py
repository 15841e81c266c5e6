"""expect and Tcl scripts: `set` variables (with $var, ${var} and [exec …] substitution),
`spawn` (the device or program a session talks to), `send`/`exp_send` (command lines sent to
that device), `foreach` over literal lists, `exec` (run as a command line), `source`."""

from __future__ import annotations

import re
import shlex

from collector.analyse.effects import decode, device
from collector.analyse.effects.commands import host_of
from collector.analyse.effects.model import unknown
from collector.analyse.effects.resolve import READERS, Job, Place, each_of, read
from collector.analyse.effects.shell import gate_of


def _logical(text: str) -> list[tuple[int, str]]:
    out, buf, start, depth = [], [], 1, 0
    for no, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not buf:
            start = no
            if not line or line.startswith("#"):
                continue
        buf.append(line)
        depth += line.count("[") - line.count("]")
        if line.endswith("\\") or depth > 0:
            continue
        out.append((start, " ".join(b.rstrip("\\") for b in buf)))
        buf, depth = [], 0
    if buf:
        out.append((start, " ".join(buf)))
    return out


class _Tcl:
    def __init__(self, job: Job, place: Place, env: dict[str, str]):
        self.job, self.place = job, place
        self.vars: dict[str, str] = dict(env)
        self.host = ""

    def subst(self, s: str) -> str:
        s = re.sub(r"\[\s*exec\s+([^\]]*)\]", lambda m: unknown(f"output of `{m.group(1)[:60]}`"), s)
        s = re.sub(r"\[[^\]]*\]", lambda m: unknown(f"result of {m.group(0)[:60]}"), s)
        s = re.sub(r"\$\{?(\w+)\}?(?:\((\w+)\))?",
                   lambda m: self.vars.get(m.group(1), unknown(f"${m.group(1)} is not set")), s)
        return decode.escapes(s)

    def words(self, s: str) -> list[str]:
        out = []
        for m in re.finditer(r'"((?:\\.|[^"\\])*)"|\{([^{}]*)\}|(\S+)', s):
            if m.group(1) is not None:
                out.append(self.subst(m.group(1)))
            elif m.group(2) is not None:
                out.append(m.group(2))
            else:
                out.append(self.subst(m.group(3)))
        return out

    def run(self, text: str) -> None:
        from dataclasses import replace
        gates = ()
        for line, st in _logical(text):
            self.job.budget -= 1
            place = replace(self.place, gates=self.place.gates + gates) if gates else self.place
            w = self.words(st.rstrip("{").strip())
            if not w:
                continue
            cmd = w[0]
            if cmd in ("if", "while") and len(w) > 1:
                g = gate_of(st, st, place, line, st)
                if g is not None:
                    gates = gates + (g,)
            elif cmd == "set" and len(w) >= 3:
                self.vars[w[1]] = " ".join(w[2:])
            elif cmd == "foreach" and len(w) >= 3:
                items = w[2].split()
                self.vars[w[1]] = each_of(items) if len(items) > 1 else (items[0] if items else "")
            elif cmd == "spawn" and len(w) >= 2:
                args = [a for a in w[1:] if not a.startswith("-")]
                self.host = host_of(args[-1]) if args else ""
                prog = args[0].rsplit("/", 1)[-1] if args else ""
                if prog in ("sh", "bash") or prog not in ("ssh", "telnet", "nc", "clogin", "jlogin",
                                                         "sshpass", "plink", "cu"):
                    read("shell", " ".join(shlex.quote(a) for a in w[1:]), self.job,
                         place.nested(line, st, "spawned by expect"))
                self.job.talks_to_devices = True
            elif cmd in ("send", "exp_send", "send_user") and cmd != "send_user":
                args = [a for a in w[1:] if a not in ("--", "-s", "-h")]
                eff = device.command_effect(" ".join(args), self.host or unknown("the spawned session"),
                                            place.path, *place.where(line, st), gates=place.gates,
                                            via=place.via, called=place.called)
                if eff is not None:
                    self.job.sink.append(eff)
            elif cmd == "exec" and len(w) >= 2:
                read("shell", " ".join(shlex.quote(a) for a in w[1:] if a not in ("&",)), self.job,
                     place.nested(line, st, "via exec"))
            elif cmd in ("eval", "uplevel") and len(w) >= 2:
                read("expect", " ".join(w[1:]), self.job, place.nested(line, st, "in eval"), self.vars)


def read_expect(text: str, job: Job, place: Place, env: dict[str, str]) -> None:
    _Tcl(job, place, env).run(text)


READERS["expect"] = read_expect
