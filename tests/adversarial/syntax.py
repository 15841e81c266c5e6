"""Every generated script must be code its interpreter accepts, so that a miss is the engine's and
never a broken case: Python through `ast`, shell through `bash -n`/`dash -n`, Perl through
`perl -c` (with stand-ins for Net::SNMP and Net::Telnet when they are not installed), Tcl through
`info complete`."""

from __future__ import annotations

import ast
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

_PERL_STUBS = {
    "Net/SNMP.pm": "package Net::SNMP;\nuse Exporter 'import';\n"
                   "our @EXPORT_OK = qw(INTEGER OCTET_STRING);\n"
                   "our %EXPORT_TAGS = (asn1 => [qw(INTEGER OCTET_STRING)]);\n"
                   "sub INTEGER { 2 }\nsub OCTET_STRING { 4 }\n1;\n",
    "Net/Telnet.pm": "package Net::Telnet;\n1;\n",
    "MIME/Base32.pm": "package MIME::Base32;\n1;\n",
}


def interpreter(path: str, text: str) -> str | None:
    """The language of a script, by extension or #! line; None for anything else (crontabs,
    units, device lists)."""
    by_ext = {".py": "python", ".pl": "perl", ".exp": "tcl"}
    for ext, kind in by_ext.items():
        if path.endswith(ext):
            return kind
    first = text.split("\n", 1)[0]
    if not first.startswith("#!"):
        return None
    for word, kind in (("python", "python"), ("perl", "perl"), ("expect", "tcl"),
                       ("tclsh", "tcl"), ("bash", "bash")):
        if word in first:
            return kind
    return "sh" if first.rstrip().endswith("sh") or "/sh " in first else None


def problems(files: dict[str, str]) -> list[str]:
    """One line per script its interpreter rejects (checked a few at a time)."""
    with tempfile.TemporaryDirectory() as tmp:
        stubs = Path(tmp) / "stubs"
        for rel, text in _PERL_STUBS.items():
            (stubs / rel).parent.mkdir(parents=True, exist_ok=True)
            (stubs / rel).write_text(text)
        jobs = [(i, path, text, interpreter(path, text))
                for i, (path, text) in enumerate(sorted(files.items()))]
        with ThreadPoolExecutor(max_workers=4) as pool:
            found = pool.map(lambda j: _check(Path(tmp), stubs, *j), jobs)
            return [p for p in found if p]


def _check(tmp: Path, stubs: Path, i: int, path: str, text: str, kind: str | None) -> str:
    if kind is None:
        return ""
    if kind == "python":
        try:
            ast.parse(text)
        except SyntaxError as e:
            return f"{path}: python: {e}"
        return ""
    f = tmp / f"s{i}"
    f.write_text(text)
    cmd = {"bash": ["bash", "-n", str(f)], "sh": ["dash", "-n", str(f)],
           "perl": ["perl", f"-I{stubs}", "-c", str(f)], "tcl": ["tclsh"]}[kind]
    if shutil.which(cmd[0]) is None:
        return ""
    if kind == "tcl":
        got = subprocess.run(cmd, input=f"puts [info complete [read [open {f}]]]",
                             capture_output=True, text=True, timeout=60)
        return "" if got.stdout.strip() == "1" else f"{path}: tcl: incomplete script"
    got = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if got.returncode != 0:
        return f"{path}: {kind}: {got.stderr.strip().splitlines()[-1:]}"
    return ""
