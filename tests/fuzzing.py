"""Fuzz targets: every reader of untrusted bytes or text, each with a Hypothesis strategy that
speaks enough of its format to get past the first line. A target passes an input when it
returns or raises the one error it documents (WireError for the wire format, IncompleteTarget
for a device that was not read); anything else — a traceback, a crash — is a defect.

Used twice: tests/test_fuzz.py runs a short, derandomised profile in the normal suite, and
bench/fuzz.py runs the long one (100,000+ cases) and reports what it found.
"""

from __future__ import annotations

import base64
import io
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from lineguard.agent.devices.mask import mask_secrets
from lineguard.agent.devices.profiles import cisco_ios, juniper_junos
from lineguard.agent.sources.host.rootfs import read_job_lines
from lineguard.agent.sources.host.secrets import mask_host_text
from lineguard.collector.analyse.effects.judge import judge
from lineguard.collector.jobs import judge_jobs, target_jobs
from lineguard.collector.model import CronTrigger, Fire, Job, Judgement
from lineguard.collector.parse.device import IncompleteTarget, line_data
from lineguard.formats.follow import referenced_paths
from lineguard.formats.wire import Artifact, Target, WireError, load

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
HOST_FACTS = {"hostname": "fz-01", "timezone": "Asia/Tokyo", "dialect": "debian", "root": "/"}
MASK_KEY = b"fuzz-mask-key"


@dataclass(frozen=True)
class FuzzTarget:
    name: str
    strategy: st.SearchStrategy[Any]
    check: Callable[[Any], None]


# --- text made of a format's own words, so the fuzzer gets past the first line ----------------

_ODD = ["\x00", "\\", "%", "'", '"', "`", "$(", "${", "\t", "\r", "\u2028", "\x1e", "é", "日本", "\ufeff", "#", ";", "&&", "|", ">", "<<", "EOF", "{", "}", "(", ")", "*",
        "/", "-", ",", "~", "@", "=", ":", ".."]
_NUMBERS = ["0", "1", "7", "12", "23", "31", "59", "60", "99", "-1", "999999999999999999999",
            "2026", "2027", "0x10", "1e9", "07"]


def _lines(words: list[str], max_lines: int = 12) -> st.SearchStrategy[str]:
    word = st.one_of(st.sampled_from(words), st.sampled_from(_NUMBERS), st.sampled_from(_ODD),
                     st.text(max_size=8))
    line = st.lists(word, max_size=10).map(lambda ws: " ".join(ws))
    return st.lists(line, max_size=max_lines).map(lambda ls: "\n".join(ls) + "\n")


CRON_WORDS = ["*", "*/5", "1-5", "1,2", "@reboot", "@daily", "@yearly", "@hourly", "@weekly",
              "root", "oper", "MAILTO=root", "CRON_TZ=Asia/Tokyo", "SHELL=/bin/bash",
              "/opt/ems/wipe.sh", "rm", "-rf", "/var/lib/ems", "run-parts", "/etc/cron.daily",
              "test", "-x", "/usr/sbin/anacron", "||", "jan", "mon-fri", "L", "W", "?", "H",
              "sh", "-c", "snmpset", "-v2c", "-c", "private", "1.3.6.1.2.1.37.1.7.1.13.1.0.32",
              "i", "6", "sudo", "-u", "nohup", "bash", "python3", "base64", "-d", "eval"]
AT_WORDS = CRON_WORDS + ["#!/bin/sh", "# atrun uid=1001 gid=1001", "# mail opsuser 0",
                         "umask", "22", "cd", "export", "PATH=/usr/bin", "marcinDELIMITER"]
UNIT_WORDS = ["[Unit]", "[Timer]", "[Service]", "[Install]", "OnCalendar=", "*-*-* 02:30:00",
              "Mon..Fri", "OnBootSec=", "15min", "OnUnitActiveSec=1h", "Persistent=true",
              "ExecStart=", "ExecStart=-/bin/sh", "Unit=", "x.service", "RandomizedDelaySec=",
              "AccuracySec=1us", "WantedBy=timers.target", "User=oper", "Environment=A=1",
              "~", "Sat,Sun", "2027-02-07", "18:00", "weekly", "monthly", "quarterly", "yearly",
              "minutely", "hourly", "/", "..", "UTC", "Asia/Tokyo"]
ANACRON_WORDS = ["1", "7", "@monthly", "@yearly", "@daily", "cron.daily", "nice", "run-parts",
                 "--report", "/etc/cron.daily", "START_HOURS_RANGE=3-22", "RANDOM_DELAY=45",
                 "SHELL=/bin/sh", "\\"]
IOS_WORDS = ["interface", "ATM0/0/0", "ATM0/0/0.100", "point-to-point", "pvc", "BTS100", "1/100",
             "0/32", "ubr", "vbr-nrt", "encapsulation", "aal5snap", "!", "end", "hostname",
             "atm-kobe-01", "clock", "timezone", "JST", "9", "event", "manager", "applet",
             "NIGHTLY", "timer", "cron", "cron-entry", '"0 3 * * *"', "watchdog", "time",
             "countdown", "action", "1.0", "cli", "command", '"enable"', '"no pvc 0/32"',
             "kron", "occurrence", "policy-list", "at", "20:00", "Sat", "recurring", "in",
             "oneshot", "atm", "vc-class", "pvp", "connect", "atm", "ATM0/1/0", "description",
             "snmp-server", "community", "secret", "5", "username", "password", "7",
             "shutdown", "ip", "address", "10.0.0.1", "255.255.255.252", "vpi", "vci"]
IOS_RELOAD = ["Reload scheduled for 03:00:00 JST Sat Nov 28 2026 (in 2 days 14 hours)",
              "Reload scheduled in 00:15:00 by admin", "No reload is scheduled.",
              "Reload reason: maintenance", "Reload scheduled for 25:99:00 XYZ Foo Bar 99999"]
JUNOS_WORDS = ["interfaces", "{", "}", ";", "at-0/0/0", "unit", "100", "vci", "1.100", "vpi",
               "encapsulation", "atm-vc-mux", "shaping", "cbr", "1m", "vbr", "peak", "sustained",
               "event-options", "generate-event", "DAILY", "time-of-day", '"03:00:00 +0900"',
               "time-interval", "3600", "policy", "events", "then", "execute-commands",
               "commands", '"request system reboot"', "system", "time-zone", "Asia/Tokyo",
               "#", "/*", "*/", "inactive:", "protect:", "description", '"a { b"']
ATM_MIB_OIDS = ["1.3.6.1.2.1.37.1.7.1.13", "1.3.6.1.2.1.37.1.11.1.13", "1.3.6.1.2.1.2.2.1.2",
                "1.3.6.1.2.1.31.1.1.1.1", "1.3.6.1.2.1.37.1.5.1.13", "1.3.6.1.2.1.37.1.7.1.2",
                "1.3.6.1.2.1.37.1.12.1.2"]


def _walk_lines() -> st.SearchStrategy[str]:
    index = st.lists(st.integers(min_value=-2, max_value=70000).map(str), min_size=0, max_size=6)
    oid = st.tuples(st.sampled_from(ATM_MIB_OIDS), index).map(
        lambda t: ".".join([t[0], *t[1]]))
    value = st.one_of(st.sampled_from(["1", "2", "6", "ATM0/0/0", "", "=", "0x00"] + _NUMBERS),
                      st.text(max_size=12))
    sep = st.sampled_from([" = ", " ", "=", " = INTEGER: ", "\t"])
    line = st.one_of(st.tuples(oid, sep, value).map("".join), st.text(max_size=30))
    return st.lists(line, max_size=30).map(lambda ls: "\n".join(ls) + "\n")


# --- checks ------------------------------------------------------------------------------------

def _judge_host(kind: str, name: str, text: str, meta: dict[str, Any] | None = None) -> None:
    art = Artifact.from_bytes(name, kind, text.encode("utf-8", "surrogatepass"),
                              {"path": "/" + name, "uid": 0, "mode": "0644", **(meta or {})})
    files = {"etc/passwd": Artifact.from_bytes("etc/passwd", "passwd",
                                               b"root:x:0:0::/root:/bin/sh\noper:x:1000:1000::/:/bin/sh\n"),
             name: art}
    target = Target(kind="host", name="fz-01", status="ok", artifacts=tuple(files.values()),
                    facts=dict(HOST_FACTS))
    judge_jobs(target_jobs(target, HOST_FACTS), files, NOW)


def _judge_device(platform: str, arts: dict[str, str], facts: dict[str, Any]) -> None:
    target = Target(kind="device", name="atm-fz-01", status="ok",
                    artifacts=tuple(Artifact.from_bytes(n, n, t.encode("utf-8", "surrogatepass"))
                                    for n, t in arts.items()),
                    facts={"platform": platform, "site": "kobe", **facts})
    try:
        line_data(target)
    except IncompleteTarget:
        pass
    judge_jobs(target_jobs(target, {}), {a.name: a for a in target.artifacts}, NOW)


def _wire(data: bytes) -> None:
    try:
        load(data)
    except WireError:
        pass


# Text as hostile input carries lone surrogates too (JSON can escape them: "\\udc80").
_TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=20)
_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                     | _TEXT | st.sampled_from(["", "2026-99-99T99:99:99Z", "../../etc/passwd",
                                                "ok", "partial", "host", "device", "base64",
                                                "0" * 64, 2**63, -1, 0, 10**30]),
                     lambda kids: st.lists(kids, max_size=4)
                     | st.dictionaries(_TEXT, kids, max_size=4), max_leaves=20)


def _encode(doc: Any, ascii_only: bool) -> bytes:
    return json.dumps(doc, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


class Base:
    """A real signed snapshot of an agent, the key that signed it, and every path into it."""

    def __init__(self) -> None:
        from tests.snapfactory import AgentChain
        self.dir = tempfile.TemporaryDirectory(prefix="lg-fuzz-key-")
        self.chain = AgentChain.create(Path(self.dir.name), "fz-01")
        self.doc = json.loads(self.chain.snapshot(advance=False)[1])
        self.paths: list[tuple[Any, ...]] = []
        self._walk(self.doc, ())

    def _walk(self, node: Any, path: tuple[Any, ...]) -> None:
        self.paths.append(path)
        if isinstance(node, dict):
            for k, v in node.items():
                self._walk(v, (*path, k))
        elif isinstance(node, list):
            for i, v in enumerate(node[:3]):
                self._walk(v, (*path, i))

    def mutated(self, path: tuple[Any, ...], value: Any, resign: bool, ascii_only: bool) -> bytes:
        """The snapshot with the value at `path` replaced (or removed), re-signed if asked, so
        the change gets past the signature to the checks and the store behind it."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        from lineguard.formats.wire import canonical
        doc = json.loads(json.dumps(self.doc))
        if path:
            node = doc
            for key in path[:-1]:
                node = node[key]
            if value is _REMOVE:
                del node[path[-1]]
            else:
                node[path[-1]] = value
        else:
            doc = {} if value is _REMOVE else value
        if resign and isinstance(doc, dict) and "body" in doc:
            key: Ed25519PrivateKey = self.chain.key
            try:
                doc["sig"] = base64.b64encode(key.sign(canonical(doc["body"]))).decode()
            except (TypeError, ValueError, UnicodeEncodeError):
                pass   # a body canonical JSON cannot hold: sent with the old signature
        return _encode(doc, ascii_only)


_REMOVE = object()
_BASE: Base | None = None


def _base() -> Base:
    global _BASE
    if _BASE is None:
        _BASE = Base()
    return _BASE


def _mutation() -> st.SearchStrategy[bytes]:
    return st.builds(lambda i, value, resign, ascii_only: _base().mutated(
        _base().paths[i % len(_base().paths)], value, resign, ascii_only),
        st.integers(min_value=0, max_value=10_000), st.one_of(_JSON, st.just(_REMOVE)),
        st.booleans(), st.booleans())


class IngestBench:
    """One collector home reused across examples (the fuzz agent enrolled, real SQLite on disk),
    fed files under hostile names too."""

    def __init__(self) -> None:
        from lineguard.agent.keys import public_text
        from lineguard.collector.home import Home
        from lineguard.formats.wire import key_fingerprint
        self.dir = tempfile.TemporaryDirectory(prefix="lg-fuzz-")
        self.home = Home(Path(self.dir.name) / "home")
        self.store = self.home.init()
        pub = _base().chain.key.public_key()
        self.store.add_agent("fz-01", public_text(pub), key_fingerprint(pub), "kobe")
        self.n = 0

    def __call__(self, case: tuple[bytes, str]) -> None:
        from lineguard.collector.ingest import ingest_paths
        data, name = case
        self.n += 1
        folder = Path(self.dir.name) / f"in-{self.n}"
        folder.mkdir()
        path = folder / (name.replace("/", "_").replace("\x00", "_") or "x")
        try:
            path.write_bytes(data)
        except OSError:
            path = folder / "snap.lgsnap"   # a name this filesystem refuses: the bytes still go
            path.write_bytes(data)
        [result] = ingest_paths(self.home, self.store, [path])
        assert result.outcome in ("accepted", "duplicate", "rejected")


_INGEST: IngestBench | None = None


def _ingest(case: tuple[bytes, str]) -> None:
    global _INGEST
    if _INGEST is None:
        _INGEST = IngestBench()
    _INGEST(case)


def _schedule_lines(data: bytes) -> None:
    kept, numbers, _ = read_job_lines(io.BytesIO(data), 256)
    assert len(kept) <= 256 and len(numbers) == len(kept.splitlines(keepends=True)) or \
        b"\r" in kept or any(c in kept for c in (b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e"))


TARGETS: tuple[FuzzTarget, ...] = (
    FuzzTarget("wire-bytes", st.binary(max_size=400), _wire),
    FuzzTarget("wire-json", st.tuples(_JSON, st.booleans()).map(
        lambda t: _encode({"body": t[0], "sig": "AA=="}, t[1])), _wire),
    FuzzTarget("wire-mutated", _mutation(), _wire),
    FuzzTarget("ingest", st.tuples(st.one_of(st.binary(max_size=300), _mutation()),
                                   st.one_of(st.just("s.lgsnap"), st.text(max_size=300))),
               _ingest),
    FuzzTarget("crontab", _lines(CRON_WORDS), lambda t: _judge_host("crontab", "etc/crontab", t)),
    FuzzTarget("cron.d", _lines(CRON_WORDS), lambda t: _judge_host("cron.d", "etc/cron.d/fz", t)),
    FuzzTarget("cron-spool", _lines(CRON_WORDS),
               lambda t: _judge_host("cron-spool", "var/spool/cron/crontabs/oper", t)),
    FuzzTarget("at-spool", _lines(AT_WORDS),
               lambda t: _judge_host("at-job", "var/spool/cron/atjobs/a0000301ca4738", t)),
    FuzzTarget("systemd-unit", st.tuples(st.sampled_from(["fz.timer", "fz.service",
                                                          "fz.timer.d/o.conf"]),
                                         _lines(UNIT_WORDS)),
               lambda t: _judge_host("systemd-unit", f"etc/systemd/system/{t[0]}", t[1])),
    FuzzTarget("anacrontab", _lines(ANACRON_WORDS),
               lambda t: _judge_host("anacrontab", "etc/anacrontab", t)),
    FuzzTarget("ios", st.tuples(_lines(IOS_WORDS, 30), st.sampled_from(IOS_RELOAD),
                                st.sampled_from(["JST 9 0", "UTC", "Nowhere/Zone", ""])),
               lambda t: _judge_device("cisco_ios", {"running-config": t[0],
                                                     "show-reload": t[1]}, {"timezone": t[2]})),
    FuzzTarget("junos", _lines(JUNOS_WORDS, 30),
               lambda t: _judge_device("juniper_junos", {"show-configuration": t}, {})),
    FuzzTarget("atm-mib-walk", _walk_lines(),
               lambda t: _judge_device("atm_mib", {"snmp-walk": t}, {"method": "snmp"})),
    FuzzTarget("follow", _lines(CRON_WORDS + AT_WORDS), lambda t: referenced_paths(t) and None),
    FuzzTarget("mask-host", _lines(CRON_WORDS + ["mysql", "-pX", "--password", "curl", "-u",
                                                 "a:b", "https://u:p@h/", "PGPASSWORD=x",
                                                 "password='x'", "sshpass", "-p"]),
               lambda t: mask_host_text(t, MASK_KEY) and None),
    FuzzTarget("mask-device", _lines(IOS_WORDS + JUNOS_WORDS),
               lambda t: (mask_secrets(t, cisco_ios.SECRETS, MASK_KEY),
                          mask_secrets(t, juniper_junos.SECRETS, MASK_KEY)) and None),
    FuzzTarget("schedule-stream", st.binary(max_size=2000), _schedule_lines),
)


# --- hostile scripts: shapes that make a parser or a walker work hard --------------------------
# Runs of nesting openers, stray closers, chained operators and piled-up here-documents around a
# destructive core: tree-sitter-perl is quadratic on many of them and tree-sitter-bash on a line
# of here-document starts. Not in TARGETS (each may take the reading bound's seconds): test_fuzz
# runs a few, with the bounds lowered.

SHELL_RUNS = ["$(", "${a:-", '"$(', "`", "(", "{ ", "if true; then ", "while :; do ", "$((",
              "case x in x) ", "[[ ", "<<E ", "f() { ", "! ", "echo | ", ")", "}", '")', "; fi",
              "; done", ";; esac", "))", " ]]", "\nE\n", "; }", "true\n", "x=$x$x\n",
              "if [ -f /x ]; then :; fi\n", "eval ", "sh -c '", "'"]
ROW = "snmpset -v2c -c private atm9 1.3.6.1.2.1.37.1.7.1.13.1.0.77 i 6"
SHELL_CORES = ["rm -rf /srv/ems/linedata", "true", ROW, "echo cm0gLXJmIC9zcnYK | base64 -d | sh"]
PERL_RUNS = ["eval(", "foo(", "sub {", "$a{", "$x = $a ? 1 : ", "- ", "print ", "$a->[0]", "qw(",
             "s{", "do {", "if ($x) {", "my (", '"@{[ ', ")", "}", ";", "]", ' ]}"', "} ) ] ; ",
             "eval \"", "\"", "unlink ", "<<E . ", "\nE\n", "1;\n"]
PERL_CORES = ["unlink '/srv/ems/linedata/pvc.csv'", "1", "system('rm -rf /srv/ems/linedata')",
              f"system('{ROW}')"]


def _hostile(runs: list[str], cores: list[str], head: str) -> st.SearchStrategy[str]:
    run = st.tuples(st.sampled_from(runs), st.integers(min_value=1, max_value=12_000))
    return st.tuples(st.lists(run, min_size=1, max_size=3), st.sampled_from(cores),
                     st.lists(run, max_size=2)).map(
        lambda t: head + "".join(r * n for r, n in t[0]) + t[1]
        + "".join(r * n for r, n in t[2]) + "\n")


HOSTILE_SCRIPTS = st.one_of(
    _hostile(SHELL_RUNS, SHELL_CORES, "#!/bin/sh\n").map(lambda t: ("shell", t)),
    _hostile(PERL_RUNS, PERL_CORES, "#!/usr/bin/perl\n").map(lambda t: ("perl", t)))


def judge_script(text: str) -> Judgement:
    """A captured script run by a cron job, judged."""
    name = "opt/ems/bin/nightly"
    job = Job(target="fz-01", source="cron", origin_path="etc/cron.d/fz", origin_line=1,
              owner="root", schedule="0 3 * * *", command="/" + name,
              trigger=CronTrigger("0 3 * * *"), files=(name,))
    art = Artifact.from_bytes(name, "script", text.encode("utf-8", "surrogatepass"))
    return judge(job, {name: art}, Fire(kind="exact", at=NOW + timedelta(days=1)), NOW)
