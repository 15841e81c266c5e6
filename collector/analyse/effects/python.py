"""Python programs read through `ast` and followed with their values: constants, f-strings,
`%` and `.format`, concatenation, lists, dicts, function parameters at call sites, imported
modules that were captured, loops over literal lists and over lines of a file, and decoding
calls (base64, hex, rot13, zlib/gzip/bz2/lzma, slicing [::-1]). Effects come from the calls
that act: subprocess/os.system (read as shell), shutil/os/pathlib deletion, netmiko, paramiko,
telnetlib and pexpect sessions, pysnmp set_cmd/setCmd (ObjectType/ObjectIdentity, symbolic
names too), easysnmp/netsnmp sets, DB-API execute, exec/eval of built or decoded code."""

from __future__ import annotations

import ast
import json
import re
import shlex
import warnings
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import yaml

from lineguard.collector.analyse.effects import (
    ansible,
    api,
    commands,
    decode,
    device,
    planted,
    settings,
    sql,
)
from lineguard.collector.analyse.effects.bounds import CHECK_EVERY
from lineguard.collector.analyse.effects.model import (
    each_unknown,
    is_known,
    markers,
    over_unknown_list,
    render,
    symbol,
    unknown,
)
from lineguard.collector.analyse.effects.resolve import (
    MAX_EACH,
    MAX_LOOP,
    READERS,
    Job,
    Place,
    Written,
    cut_by_limit,
    each_of,
    expand_each,
    file_lines,
    judged_values,
    nested_too_deeply,
    read,
    unseen_source,
    walked,
)
from lineguard.collector.analyse.effects.shell import gate_of, snmp_effect

MAX_CALL_DEPTH = 16       # functions calling functions followed; deeper is said (cut_by_limit)
_DECODERS = {"b64decode": "base64", "standard_b64decode": "base64", "urlsafe_b64decode": "base64",
             "b32decode": "base32", "b16decode": "hex", "unhexlify": "hex", "a2b_hex": "hex",
             "fromhex": "hex", "a2b_base64": "base64", "decompress": "", "rot13": "rot13",
             "b85decode": "base85", "a85decode": "ascii85", "decodebytes": "base64",
             "decodestring": "base64", "a2b_uu": "uu", "a2b_qp": "quopri"}
# pyATS/Genie: a testbed file loaded into sessions to the devices it lists
_TESTBED_LOADERS = frozenset({"genie.testbed.load", "pyats.topology.loader.load",
                              "pyats.topology.load", "genie.conf.Genie.init"})
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DEVICE_SEND = ("send_config_set", "send_command", "send_command_timing", "send_command_expect",
                "send_config_from_file", "send_multiline", "write_channel", "exec_command",
                "sendline", "send", "write", "cmd", "cli", "config", "commit", "load_merge_candidate",
                "load_replace_candidate", "send_configs", "send_commands", "send_configs_from_file",
                "send_interactive", "send_config", "sendall", "run", "load", "edit_config",
                "delete_config", "copy_config", "dispatch", "rpc", "rollback", "execute",
                "send_rpc", "configure", "load_configuration")
# Objects that open a session to a network element (SSH/Telnet/NETCONF/raw TCP libraries):
# netmiko, paramiko, telnetlib, scrapli and napalm drivers, PyEZ, pexpect/pxssh, asyncssh,
# ncclient, Exscript (SSH2, Telnet, prepare), sockets.
_SESSION = re.compile(r"^(?:ConnectHandler|Netmiko|BaseConnection|Telnet|SSHClient|\w*Driver|SSH2|"
                      r"Device|Scrapli|AsyncScrapli|get_network_driver|pxssh|spawnu?|"
                      r"create_connection|prepare|Transport|NetconfSSHSession)$")
# calls that open a session and hand back a (reader, writer) pair: telnetlib3, raw asyncio TCP
_SESSION_PAIR = re.compile(r"^(?:telnetlib3|asyncio|asyncssh)\.open_connection$")
# HTTP client objects (a REST/RESTCONF request is judged by its method, URL and body):
# requests sessions, httpx and aiohttp clients, urllib3 pools
_HTTP_CLIENT = frozenset({"requests.Session", "requests.session", "httpx.Client",
                          "httpx.AsyncClient", "aiohttp.ClientSession", "urllib3.PoolManager",
                          "urllib3.HTTPSConnectionPool", "urllib3.HTTPConnectionPool"})
# SNMP libraries' module functions: name → (host, OID, value) argument positions
_SNMP_SET_FUNCS = {"puresnmp.set": (0, 2, 3), "puresnmp.api.raw.set": (0, 2, 3),
                   "puresnmp.api.pythonic.set": (0, 2, 3)}
# … and the walks: name → (host, OID) argument positions; a keyword host (easysnmp) when None
_SNMP_WALK_FUNCS = {"puresnmp.walk": (0, 2), "puresnmp.bulkwalk": (0, 2),
                    "puresnmp.api.raw.walk": (0, 2), "easysnmp.snmp_walk": (None, 0),
                    "easysnmp.snmp_bulkwalk": (None, 0), "easysnmp.easy.snmp_walk": (None, 0)}
# Exscript's runners: start(accounts, hosts, func), quickstart(hosts, func), Queue.run(hosts,
# func) call func(job, host, conn) with a session to each host.
_PER_HOST = ("start", "quickstart", "run", "run_or_ignore", "priority_run")
_SESSION_CONNECT = re.compile(r"^(?:asyncssh|ncclient\.manager|manager|paramiko|socket)\."
                              r"(?:connect\w*|create_connection)$|^fabric(?:\.connection)?\."
                              r"Connection$")
# session methods that send commands, kept as a value by an alias or a dispatch table
_SEND_METHODS = frozenset({"send", "sendall", "sendline", "exec_command", "send_command",
                           "send_command_timing", "send_config_set", "send_configs",
                           "send_config", "send_commands", "write_channel", "edit_config",
                           "delete_config", "dispatch", "cli", "send_multiline",
                           "load_configuration"})
# calls that start a program from an argument vector, and those that run a shell command line
_SPAWN_ARGV = frozenset({"asyncio.create_subprocess_exec", "trio.run_process", "anyio.run_process",
                         "pexpect.popen_spawn.PopenSpawn"})
_SPAWN_SHELL = frozenset({"asyncio.create_subprocess_shell"})
# SQL text built by a database driver's helpers (the statement as text)
_SQL_TEXT = frozenset({"psycopg2.sql.SQL", "psycopg2.sql.Identifier", "psycopg2.sql.Literal",
                       "psycopg.sql.SQL", "psycopg.sql.Identifier", "psycopg.sql.Literal",
                       "sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text"})
# the `sh` library's own names (any other sh.NAME runs the program NAME)
_SH_API = frozenset({"Command", "ErrorReturnCode", "contrib", "glob", "cd", "pushd", "bake",
                     "RunningCommand", "SignalException", "TimeoutException"})
# builders of command objects (Command) from a program name, and the libraries' own runners
# of a command line
_COMMAND_OF = frozenset({"sh.Command", "plumbum.local.get", "plumbum.machines.local.get"})
_COMMAND_ROOTS = frozenset({"plumbum.local", "plumbum.machines.local"})
_COMMAND_RUNS = frozenset({"run", "run_fg", "run_bg", "run_tee", "run_retcode", "run_nohup",
                           "popen", "__call__", "bgrun", "_run"})
_COMMAND_SAME = frozenset({"with_env", "with_cwd", "setenv"})
_COMMAND_RUNNERS = frozenset({"invoke.Context", "invoke.context.Context", "fabric.Context"})
_RUNS_LINE = frozenset({"invoke.run", "invoke.sudo", "envoy.run", "delegator.run",
                        "fabric.api.local", "fabric.api.run", "fabric.api.sudo",
                        "fabric.operations.local", "fabric.operations.run",
                        "fabric.operations.sudo", "fabric2.Connection.local", "executor.execute",
                        "plumbum.local.run"})
_TASK_DECORATORS = frozenset({"invoke.task", "fabric.task", "fabric.api.task",
                              "fabric.decorators.task"})
# session methods that run a command line on the far side's shell (besides exec_command)
_REMOTE_SHELL = frozenset({"run", "sudo"})
# nornir tasks (nr.run(task=T, …)): the keyword that carries the commands each one sends to
# every host of the inventory
_NORNIR_TASKS = {"netmiko_send_config": "config_commands", "netmiko_send_command": "command_string",
                 "netmiko_multiline": "commands", "netmiko_send_config_from_file": "config_file",
                 "napalm_configure": "configuration", "napalm_cli": "commands",
                 "scrapli_send_configs": "configs", "scrapli_send_config": "config",
                 "scrapli_send_command": "command", "scrapli_send_commands": "commands",
                 "netconf_edit_config": "config"}
# napalm: loading a candidate configuration, applied by commit_config, dropped by discard_config
_STAGES = frozenset({"load_replace_candidate", "load_merge_candidate"})
# session methods that carry no command: they hand back the session (a channel, a process)
_SESSION_SAME = ("get_transport", "open_session", "invoke_shell", "create_process",
                 "open_channel", "get_pty", "channel", "open", "__enter__", "__aenter__")
_ENVIRON = "\x00environ"      # the scope key of the environment the program starts with


@dataclass
class Conn:
    """A device session object (netmiko, paramiko, telnetlib, pexpect, scrapli, …). `staged`:
    what a napalm driver loaded as its candidate (texts, line, evidence, place), sent to the
    device only when it is committed — a candidate compared and discarded changes nothing."""

    host: str
    staged: list[tuple[list[str], int, str, Place]] = field(default_factory=list)


@dataclass
class Proc:
    """A process a program started (subprocess.Popen): its command line, for its input."""

    command: str


@dataclass
class Http:
    """An HTTP client object (requests.Session, httpx.Client, urllib3.PoolManager …)."""

    base: str = ""


@dataclass
class Method:
    """A method of a session, client or path taken as a value (`send = chan.send`,
    `getattr(c, 'exec_command')`, a dispatch table of them): calling it is calling the method."""

    recv: Any
    attr: str


@dataclass(frozen=True)
class Command:
    """A command built as an object and run later: plumbum's `local["rm"]["-rf", p]` and
    `plumbum.cmd.rm`, sh's `sh.Command("rm")` and `sh.rm.bake("-rf")` (`text`: its shell
    words so far); or a runner of command lines (`runner`): an invoke task's context,
    invoke.Context(). Calling one, `.run()`, `.popen()`, `& FG` … runs it as a shell command."""

    text: str = ""
    runner: bool = False

    def more(self, words: list[Any]) -> Command:
        flat = [_s(y) for a in words for y in (a if isinstance(a, list | tuple) else [a])]
        return Command(" ".join([self.text, *map(shlex.quote, flat)]).strip())


@dataclass
class Bound:
    """A callable with arguments bound to it (functools.partial): calling it calls `func`
    with `args` and `kw` before the arguments of the call."""

    func: Any
    args: list[Any]
    kw: dict[str, Any]


@dataclass
class VarBind:
    oid: str
    value: str


@dataclass
class Func:
    node: ast.FunctionDef | ast.AsyncFunctionDef
    reader: _Py


@dataclass
class Cls:
    """A class the program defines: its methods (Func) and class attributes."""

    name: str
    scope: dict[str, Any] = field(default_factory=dict)
    library_base: bool = False          # it extends a library's class (threading.Thread …)


@dataclass
class Obj:
    """An instance of a program's class: `self.x = …` kept in `attrs`."""

    cls: Cls
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Module:
    scope: dict[str, Any] = field(default_factory=dict)


class Ini(dict):
    """A configparser object: section -> {key: value} of the files it read; `unread`: what
    its settings stand for after it was asked to read a file that was not captured, or that
    does not parse here (that file's content); `interpolates`: %(name)s references filled in
    (ConfigParser, not RawConfigParser or interpolation=None)."""

    unread: str = ""
    interpolates: bool = True


@dataclass(frozen=True)
class Unread:
    """A section of settings read from a file that was not captured: every key gives `value`,
    a marker standing for that file's content."""

    value: str


@dataclass(frozen=True)
class Std:
    """A module or name of one that was not captured (os, subprocess, shutil.rmtree …), however
    it was reached: import … as, from … import, __import__('o'+'s'), importlib.import_module,
    getattr(os, 'sys'+'tem')."""

    name: str


# Library callables that call a callable they are handed: name -> (its position, its keyword,
# whether its arguments follow it (f, *args, **kwargs), else the keyword of a sequence of them
# (args=…) and of a mapping of keyword arguments (kwargs=…)). See _Py.handed.
_HANDED: dict[str, tuple[int, str, bool, str, str]] = {
    "Timer": (1, "function", False, "args", "kwargs"),
    "threading.Thread": (1, "target", False, "args", "kwargs"),
    "Thread": (1, "target", False, "args", "kwargs"),
    "Process": (1, "target", False, "args", "kwargs"),
    "partial": (0, "func", True, "", ""),
    "partialmethod": (0, "func", True, "", ""),
    "atexit.register": (0, "func", True, "", ""),
    "submit": (0, "fn", True, "", ""),
    "apply_async": (0, "func", False, "args", "kwds"),
    "apply": (0, "func", False, "args", "kwds"),
    "call_soon": (0, "callback", True, "", ""),
    "call_soon_threadsafe": (0, "callback", True, "", ""),
    "call_later": (1, "callback", True, "", ""),
    "call_at": (1, "callback", True, "", ""),
    "run_in_executor": (1, "func", True, "", ""),
    "to_thread": (0, "func", True, "", ""),
    "enter": (2, "action", False, "argument", "kwargs"),
    "enterabs": (2, "action", False, "argument", "kwargs"),
    "start_new_thread": (0, "function", False, "args", "kwargs"),
    "add_job": (0, "func", False, "args", "kwargs"),
    "do": (0, "job_func", True, "", ""),               # schedule.every(…).do(job, *args)
    "signal.signal": (1, "handler", False, "", ""),
    "finalize": (1, "func", True, "", ""),
}
# settings loaders: function -> the format it reads
_CONFIG_LOADS = {"json.load": "json", "json.loads": "json", "yaml.safe_load": "yaml",
                 "yaml.load": "yaml", "yaml.full_load": "yaml", "tomllib.load": "toml",
                 "tomllib.loads": "toml", "toml.load": "toml", "toml.loads": "toml"}
_INI_PARSERS = frozenset({"ConfigParser", "RawConfigParser", "SafeConfigParser"})
_NOT_CONFIG = object()


# decorators that register a function to be called (at exit, on a schedule, on a signal)
_REGISTERS = frozenset({"register", "scheduled_job", "repeat", "on_exit"})
_SEQ_AT = {"Timer": 2, "apply_async": 1, "apply": 1, "enter": 3, "enterabs": 3,
           "start_new_thread": 1, "Thread": 3, "Process": 3}
# where the sequence of arguments stands when not named (Thread(group, target, name, args)),
# the mapping of keyword arguments just after it
# a pool's or executor's map: the callable called with each item (starmap: spread over its args)
_MAPS = frozenset({"map", "imap", "imap_unordered", "map_async", "starmap", "starmap_async"})
# callables that take a function without calling it (a value kept or compared)
_CALLS_NOTHING = frozenset({"isinstance", "callable", "id", "repr", "str", "print", "hasattr",
                            "setattr", "getattr", "type", "hash", "dir", "vars", "len"})


_AGE = re.compile(r"\b(?:getmtime|getctime|getatime|st_mtime|st_ctime|st_atime)\b")
_SIZE = re.compile(r"\b(?:getsize|st_size)\b")
_NAME_TEST = frozenset({"endswith", "startswith", "fnmatch", "fnmatchcase"})


def _bounds(test: ast.expr) -> bool:
    """Whether an `if` test limits what a deletion under it selects, the way housekeeping does
    (what find's -mtime +N, -size +N and -name say in shell): older than a cutoff, larger than a
    size, a name pattern. Negated tests and cutoffs that are now itself select everything."""
    nodes = list(ast.walk(test))
    if any(isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.Not) for n in nodes):
        return False
    for n in nodes:
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute | ast.Name) and \
                (n.func.attr if isinstance(n.func, ast.Attribute) else n.func.id) in _NAME_TEST \
                and any(isinstance(a, ast.Constant) and a.value or isinstance(a, ast.Tuple)
                        for a in n.args):
            return True
        if not (isinstance(n, ast.Compare) and len(n.ops) == 1):
            continue
        left, right, op = ast.unparse(n.left), ast.unparse(n.comparators[0]), n.ops[0]
        if "time.time()" in (left, right):
            continue                        # older than now: every file
        less, more = isinstance(op, ast.Lt | ast.LtE), isinstance(op, ast.Gt | ast.GtE)
        if _AGE.search(left) and ("-" in left and more or "-" not in left and less) or \
                _AGE.search(right) and more:
            return True                     # modified before a cutoff, or older than an age
        if _SIZE.search(left) and more or _SIZE.search(right) and less:
            return True
    return False


_IMPORTERS = frozenset({"__import__", "builtins.__import__", "importlib.import_module",
                        "import_module"})


def _s(v: Any) -> str:
    if isinstance(v, str):
        return v
    if isinstance(v, bytes):
        return v.decode("latin-1")
    if isinstance(v, bool) or v is None:
        return str(v)
    if isinstance(v, int | float):
        return str(v)
    if isinstance(v, list | tuple):
        if v and all(isinstance(x, int) for x in v):
            return ".".join(map(str, v))
        return " ".join(_s(x) for x in v)
    if isinstance(v, Conn):
        return v.host
    if isinstance(v, VarBind):
        return v.oid
    return unknown("a value computed at run time")


_ABSENT = object()


def _command_words(v: Any) -> str | None:
    """The shell words a command object stands for: a Command, `plumbum.cmd.NAME` (the
    program NAME), `plumbum.local` (no program yet: its subscript names it); else None."""
    if isinstance(v, Command):
        return v.text if not v.runner else None
    if isinstance(v, Std):
        if v.name.startswith("plumbum.cmd.") and v.name.count(".") == 2:
            return shlex.quote(v.name.rsplit(".", 1)[1])
        if v.name in _COMMAND_ROOTS:
            return ""
    return None


def _context(v: Any, depth: int = 0) -> Any:
    """A value as part of a call's context: equal only where following the call would find the
    same (texts, numbers and containers item by item, objects by their attributes); what
    cannot be compared so is its own context (followed again)."""
    if isinstance(v, str | bytes | int | float | bool) or v is None:
        return v
    if depth > 8:
        return ("deep", id(v))
    if isinstance(v, list | tuple | set | frozenset):
        items = sorted(map(repr, v)) if isinstance(v, set | frozenset) else v
        return (type(v).__name__, tuple(_context(x, depth + 1) for x in items))
    if isinstance(v, dict):
        return ("dict", tuple((repr(k), _context(x, depth + 1)) for k, x in v.items()))
    if isinstance(v, Obj):
        return ("obj", id(v.cls), _context(v.attrs, depth + 1), _context(v.cls, depth + 1))
    if isinstance(v, Cls | Module):        # class attributes and module globals change too
        return (type(v).__name__, id(v), _context(v.scope, depth + 1))
    if isinstance(v, Func):
        return ("func", id(v.node))
    if isinstance(v, Std | VarBind | Conn | Http | Method | Proc | Command):
        return (type(v).__name__, repr(v)) if isinstance(v, Std | VarBind | Command) else \
            (type(v).__name__, _context(vars(v), depth + 1))
    return ("object", id(v))


def _stands_for_a_set(text: str) -> bool:
    return any(k in ("walk", "lines", "each", "listed") for k, _, _ in markers(text))


class _Py:
    def __init__(self, text: str, job: Job, place: Place):
        self.lines = text.split("\n")
        self.job = job
        self.place = place
        self.cur_place = place              # where the statement being read stands
        self.functions: dict[str, Func] = {}
        self.called: set[str] = set()
        self.decoded: dict[str, tuple[str, ...]] = {}
        self.depth = 0
        self.paths: list[str] = []          # sys.path entries the program adds
        self.xored = False                  # an ^ of numbers was computed (a xor decoding)
        self.bounds = 0                     # inside an `if` on a file's age, size or name
        self.followed: dict[tuple, Any] = {}    # calls followed: context -> the value returned
        self._reads: dict[int, tuple[str, ...]] = {}
        # files opened for writing (open(p, "w"): emptied there), with where; and the ids of
        # those something was done with (written, handed to a call, kept, returned, closed
        # after being judged): one nothing was done with was only emptied (see emptied_files)
        self.opened: list[tuple[tuple[str, str, str], Place, int, str]] = []
        self.used_files: set[int] = set()
        self.instantiated: set[str] = set()      # classes the program makes objects of

    def ev_text(self, node: ast.AST) -> str:
        a = node.lineno - 1  # type: ignore[attr-defined]
        b = (getattr(node, "end_lineno", None) or a + 1) - 1
        return " ".join(x.strip() for x in self.lines[a:min(b, a + 3) + 1] if x.strip())[:400]

    # --- values ---------------------------------------------------------------------------

    def ev(self, n: ast.AST | None, scope: dict[str, Any]) -> Any:
        if n is None:
            return None
        if isinstance(n, ast.Constant):
            return n.value
        if isinstance(n, ast.JoinedStr):
            return "".join(_s(self.ev(v.value, scope)) if isinstance(v, ast.FormattedValue)
                           else _s(self.ev(v, scope)) for v in n.values)
        if isinstance(n, ast.Name):
            if n.id in scope:
                return scope[n.id]
            return unknown(f"{n.id} is not known before the program runs")
        if isinstance(n, ast.NamedExpr):    # (p := '/srv/…'): the value, bound to the name too
            value = self.ev(n.value, scope)
            scope[n.target.id] = value
            return value
        if isinstance(n, ast.Lambda):       # a function like any other, its body returned
            fn = ast.copy_location(ast.FunctionDef(name="<lambda>", args=n.args,
                                                   body=[ast.copy_location(ast.Return(n.body), n)],
                                                   decorator_list=[]), n)
            return Func(ast.fix_missing_locations(fn), self)
        if isinstance(n, ast.List | ast.Tuple | ast.Set):
            out: list[Any] = []
            for e in n.elts:
                if isinstance(e, ast.Starred):
                    v = self.ev(e.value, scope)
                    out.extend(v if isinstance(v, list | tuple) else [v])
                else:
                    out.append(self.ev(e, scope))
            return out
        if isinstance(n, ast.Dict):
            return {_s(self.ev(k, scope)): self.ev(v, scope) for k, v in zip(n.keys, n.values, strict=False)
                    if k is not None}
        if isinstance(n, ast.BinOp):
            a, b = self.ev(n.left, scope), self.ev(n.right, scope)
            if isinstance(a, Command) and not a.runner:
                right = _command_words(b)
                if isinstance(n.op, ast.BitOr) and right is not None:
                    return Command(f"{a.text} | {right}")        # a plumbum pipeline
                if isinstance(n.op, ast.BitAnd):
                    # `cmd & FG`, `& BG`, `& TF`, `& RETCODE`: run now
                    return self.run_command(a.text, n.lineno, self.ev_text(n), "plumbum")
            if isinstance(n.op, ast.Add):
                if isinstance(a, list) and isinstance(b, list):
                    return a + b
                if isinstance(a, int) and isinstance(b, int):
                    return a + b
                return _s(a) + _s(b)
            if isinstance(n.op, ast.Mod) and isinstance(a, str):
                def keep(x: Any) -> Any:
                    return x if isinstance(x, int | float) and not isinstance(x, bool) else _s(x)
                args = tuple(keep(x) for x in b) if isinstance(b, list | tuple) else (
                    {k: keep(v) for k, v in b.items()} if isinstance(b, dict) else keep(b))
                for spec in (a, re.sub(r"%([-+ #0]*\d*(?:\.\d+)?)[diouxXeEfFgG]", r"%\1s", a)):
                    try:                # a number spec given a value known only as text: as text
                        return spec % args
                    except (TypeError, ValueError, KeyError):
                        continue
                return a + " " + _s(b)
            if isinstance(n.op, ast.Div):
                return _s(a).rstrip("/") + "/" + _s(b)
            if isinstance(n.op, ast.Mult) and isinstance(a, list) and isinstance(b, int):
                return a * min(b, 16)
            if isinstance(n.op, ast.BitXor):
                a, b = (ord(x) if isinstance(x, str) and len(x) == 1 else x for x in (a, b))
                if isinstance(a, int) and isinstance(b, int):
                    self.xored = True
                    return a ^ b
            return unknown("an arithmetic result")
        if isinstance(n, ast.Subscript):
            base = dict(scope.get(_ENVIRON, {})) if isinstance(n.value, ast.Attribute) and \
                self.dotted(n.value, scope) == "os.environ" else self.ev(n.value, scope)
            words = _command_words(base)
            if words is not None and not isinstance(n.slice, ast.Slice):
                # local["rm"], rm["-rf", p], local["rm"]["-rf"][p]: the command, more words
                key = self.ev(n.slice, scope)
                return Command(words).more(list(key) if isinstance(key, list | tuple) else [key])
            if isinstance(n.slice, ast.Slice):
                step = self.ev(n.slice.step, scope) if n.slice.step else None
                if step == -1 and isinstance(base, str | bytes):
                    flipped = _s(base)[::-1]
                    self.decoded[flipped] = self.decoded.get(_s(base), ()) + ("reversal",)
                    return flipped
                return base
            key = self.ev(n.slice, scope)
            if isinstance(base, Std) and isinstance(key, str) and key.isidentifier():
                return Std(f"{base.name}.{key}")       # vars(os)['system'], os.__dict__[…]
            if isinstance(base, Ini) and _s(key) not in base and base.unread:
                return Unread(base.unread)    # a section of it
            if isinstance(base, Unread):
                return base.value
            try:
                if isinstance(base, dict):
                    if isinstance(key, int | float | bool) and key in base:
                        return base[key]        # a settings document's non-string key (1: …)
                    return base.get(_s(key), unknown(f"{ast.unparse(n)[:60]}"))
                if isinstance(base, list | tuple) and isinstance(key, int):
                    return base[key]
            except IndexError:
                pass
            if isinstance(base, str) and markers(base):
                return base
            return unknown(f"{ast.unparse(n)[:60]}")
        if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub):
            v = self.ev(n.operand, scope)
            return -v if isinstance(v, int) else unknown("a negative number")
        if isinstance(n, ast.Await):
            return self.ev(n.value, scope)
        if isinstance(n, ast.ListComp | ast.GeneratorExp | ast.SetComp) and len(n.generators) == 1:
            gen = n.generators[0]
            items = self.ev(gen.iter, scope)
            if isinstance(items, tuple) and items and items[0] == "file":
                items = file_lines(render(items[1]), self.job)    # each line of an open file
            if isinstance(items, str) and len(items) <= 4096 and items in self.decoded:
                # the bytes of decoded data, one at a time (raw bytes: a \x01 in them is data,
                # not a value marker)
                items = list(items)
            if isinstance(items, str) and _stands_for_a_set(items):
                items = [items]               # each member of a set (rows, lines): one stand-in
            if isinstance(items, list | tuple) and len(items) <= 4096:
                inner = dict(scope)
                out = []
                for item in items:
                    self.bind(gen.target, item, inner)
                    if all(self.ev(c, inner) is not False for c in gen.ifs):
                        out.append(self.ev(n.elt, inner))
                return out
            return unknown(f"{ast.unparse(n)[:60]}")
        if isinstance(n, ast.BoolOp):
            vals = [self.ev(v, scope) for v in n.values]
            if isinstance(n.op, ast.Or):
                # `x or default`: the first value that is not empty (a marker stands for one)
                return next((v for v in vals if v not in (None, "", b"", 0, False, [], {})),
                            vals[-1])
            return vals[-1]
        if isinstance(n, ast.IfExp):
            return self.ev(n.body, scope)
        if isinstance(n, ast.Call):
            return self.call(n, scope)
        if isinstance(n, ast.Attribute):
            base = self.ev(n.value, scope)
            if isinstance(base, str) and _stands_for_a_set(base):
                return "" if n.attr in ("oid_index", "iid") else base   # row.oid …: still the rows
            if isinstance(base, Obj):
                if n.attr in base.attrs:
                    return base.attrs[n.attr]
                if isinstance(base.cls.scope.get(n.attr), Func):
                    return Method(base, n.attr)       # a bound method taken as a value
                return base.cls.scope.get(n.attr, unknown(f"{ast.unparse(n)[:60]}"))
            if isinstance(base, Cls):
                return base.scope.get(n.attr, unknown(f"{ast.unparse(n)[:60]}"))
            if isinstance(base, Conn) and n.attr in _SEND_METHODS:
                return Method(base, n.attr)
            if isinstance(base, Conn | Proc):
                return base        # proc.stdin, stdout.channel …: the same session
            if isinstance(base, tuple) and base and base[0] == "file" and n.attr == "name":
                return base[1]
            if isinstance(base, VarBind) and n.attr in ("tag", "oid", "name"):
                return base.oid
            if isinstance(base, VarBind) and n.attr in ("iid", "oid_index"):
                return ""
            if isinstance(base, str) and base.endswith("/*") and n.attr in ("path", "name"):
                return base if n.attr == "path" else "*"     # a directory entry (os.scandir)
            if isinstance(base, Module):
                return base.scope.get(n.attr, unknown(f"{ast.unparse(n)[:60]}"))
            if n.attr == "argv" and self.dotted(n, scope) == "sys.argv":
                # the program's own path, then its arguments (given by whoever runs it)
                argv = [scope.get("\x00argv0", unknown("the program's path"))]
                return argv + [scope[f"\x00argv{i}"] for i in range(1, 10) if f"\x00argv{i}" in scope]
            if isinstance(base, Std):
                if n.attr == "__dict__":                # os.__dict__['system']: the module
                    return base
                return Std(f"{base.name}.{n.attr}")    # mod.func kept as a name to call later
            return unknown(f"{ast.unparse(n)[:60]}")
        return unknown(f"{ast.unparse(n)[:60]}")

    # --- calls ----------------------------------------------------------------------------

    def dotted(self, f: ast.AST, scope: dict[str, Any]) -> str | None:
        """The dotted name a callee stands for, through aliases, __import__, import_module and
        getattr with a computed name; None when it is not a name."""
        if isinstance(f, ast.Name):
            v = scope.get(f.id)
            return v.name if isinstance(v, Std) else f.id
        if isinstance(f, ast.Attribute):
            b = self.dotted(f.value, scope)
            return f"{b}.{f.attr}" if b else None
        if isinstance(f, ast.Call) and (ast.unparse(f.func) in _IMPORTERS | {"getattr"} or
                                        self.dotted(f.func, scope) in _IMPORTERS):
            # (`import importlib as il; il.import_module('o' + 's')` too)
            v = self.ev(f, scope)
            return v.name if isinstance(v, Std) else None
        return None

    def testbed(self, path: str) -> dict[str, Any]:
        """The devices of a pyATS testbed file, each a session to its address (the file's
        name standing for them all when it was not captured)."""
        self.job.talks_to_devices = True
        text = self.job.text_of(render(path).lstrip("/")) if is_known(path) else None
        try:
            doc = yaml.load(text, Loader=_YAML_LOADER) if text else None
        except yaml.YAMLError:
            doc = None
        devices = doc.get("devices") if isinstance(doc, dict) else None
        if not isinstance(devices, dict) or not devices:
            return {"*": Conn(unknown(f"the devices of the testbed {render(path)}"))}
        out = {}
        for name, spec in list(devices.items())[:MAX_LOOP]:
            conns = spec.get("connections") if isinstance(spec, dict) else None
            ips = [c.get("ip") or c.get("host") for c in (conns or {}).values()
                   if isinstance(c, dict) and (c.get("ip") or c.get("host"))]
            out[str(name)] = Conn(str(ips[0]) if ips else str(name))
        return out

    def call(self, n: ast.Call, scope: dict[str, Any]) -> Any:
        f = n.func
        if isinstance(f, ast.Call) and isinstance(f.func, ast.Name) and f.func.id == "getattr" \
                and len(f.args) >= 2:
            # getattr(obj, NAME)(…) is obj.NAME(…) once NAME is known (a literal, a join, a
            # dispatch table's entry): read as that call, whatever obj is
            attr = self.ev(f.args[1], scope)
            if isinstance(attr, str) and attr.isidentifier():
                f = ast.copy_location(ast.Attribute(f.args[0], attr, ast.Load()), f)
                n = ast.copy_location(ast.Call(f, n.args, n.keywords), n)
        if isinstance(f, ast.Name | ast.Subscript):
            held = self.ev(f, scope) if isinstance(f, ast.Subscript) else scope.get(f.id)
            if isinstance(held, Bound):
                # functools.partial's callable (of a partial …): the bound arguments first
                bound_args: list[Any] = []
                bound_kw: dict[str, Any] = {}
                while isinstance(held, Bound):
                    bound_args, bound_kw = [*held.args, *bound_args], {**held.kw, **bound_kw}
                    held = held.func
                marks = {f"\x00bound{i}": v for i, v in enumerate(bound_args)}
                named = {f"\x00bound-{k}": v for k, v in bound_kw.items()}
                scope = {**scope, "\x00bound-fn": held, **marks, **named}
                f = ast.copy_location(ast.Name("\x00bound-fn", ast.Load()), f)
                n = ast.copy_location(ast.Call(
                    f, [*(ast.Name(k, ast.Load()) for k in marks), *n.args],
                    [*(ast.keyword(arg=k.removeprefix("\x00bound-"), value=ast.Name(k, ast.Load()))
                       for k in named), *n.keywords]), n)
            if isinstance(held, Method):
                # a method kept as a value (an alias, a dispatch table entry): the call on it
                scope = {**scope, "\x00recv": held.recv}
                f = ast.copy_location(ast.Attribute(ast.Name("\x00recv", ast.Load()), held.attr,
                                                    ast.Load()), f)
                n = ast.copy_location(ast.Call(f, n.args, n.keywords), n)
            elif isinstance(held, Std) and isinstance(f, ast.Subscript):
                # a library function kept in a table (`{'clean': shutil.rmtree}['clean'](p)`)
                scope = {**scope, "\x00std": held}
                f = ast.copy_location(ast.Name("\x00std", ast.Load()), f)
                n = ast.copy_location(ast.Call(f, n.args, n.keywords), n)
        fname = self.dotted(f, scope) or ast.unparse(f)
        for builtin in ("__builtins__.", "builtins."):     # getattr(__builtins__, 'ex'+'ec')
            if fname.startswith(builtin) and fname.count(".") == 1:
                fname = fname[len(builtin):]
        if fname in ("print", "sys.stdout.write"):
            dest = next((self.ev(k.value, scope) for k in n.keywords if k.arg == "file"), None)
            written = dest[1] if isinstance(dest, tuple) and len(dest) == 3 and \
                dest[0] == "file" and _s(dest[2]).startswith(("w", "a")) else None
            stdout = dest is None or (isinstance(dest, Std) and dest.name == "sys.stdout")
            if written is not None or (stdout and self.job.printed is not None):
                texts = [self.ev(a, scope) for a in n.args]
                sep = next((self.ev(k.value, scope) for k in n.keywords if k.arg == "sep"), " ")
                end = next((self.ev(k.value, scope) for k in n.keywords if k.arg == "end"), "\n")
                text = _s(sep).join(_s(t) for t in texts) + (_s(end) if fname == "print" else "")
                if written is not None:     # print(…, file=f) to a file opened for writing
                    if self.opened:         # something is written to it: not left empty
                        self.use_files([dest], {}, None, fname)
                    self.wrote(written, Written(text, "written by this job"), self.cur_place,
                               n.lineno, self.ev_text(n))
                else:               # standard output read by what follows in a pipe
                    self.job.printed.append(text)  # type: ignore[union-attr]
                return None
        if fname == "vars" and n.args:
            mod = self.ev(n.args[0], scope)
            if isinstance(mod, Std):
                return mod                  # vars(os)['system']: the module's names
        if fname == "reversed" and n.args:
            text = self.ev(n.args[0], scope)
            if isinstance(text, str) and is_known(text) and not markers(text):
                return list(reversed(text))
        if fname in ("str.maketrans", "maketrans", "bytes.maketrans") and len(n.args) >= 2:
            a, b = (self.ev(x, scope) for x in n.args[:2])
            if isinstance(a, str) and isinstance(b, str) and len(a) == len(b) and is_known(a + b):
                return {ord(x): ord(y) for x, y in zip(a, b, strict=True)}
        if fname in _IMPORTERS and n.args:
            mod = self.ev(n.args[0], scope)
            if not (isinstance(mod, str) and is_known(mod)):
                return unknown("a module")
            return self.module(mod) or Std(mod)      # a captured module is read like `import`
        if fname == "getattr" and len(n.args) >= 2:
            base, attr = self.dotted(n.args[0], scope), self.ev(n.args[1], scope)
            if base and isinstance(attr, str) and attr.isidentifier():
                held = scope.get(base) if "." not in base else None
                if not isinstance(held, Module | Func | Conn):
                    return Std(f"{base}.{attr}")
            if isinstance(attr, str) and attr.isidentifier():
                recv = self.ev(n.args[0], scope)
                if isinstance(recv, Conn | Http | Proc):
                    return Method(recv, attr)
        if fname == "map" and len(n.args) == 2 and ast.unparse(n.args[0]) == "chr":
            codes = self.ev(n.args[1], scope)
            if isinstance(codes, list | tuple) and all(isinstance(c, int) and 0 <= c < 0x110000
                                                       for c in codes):
                text = "".join(chr(c) for c in codes)
                self.decoded[text] = ("character codes",)
                return [text]
        if fname == "map" and len(n.args) == 2 and isinstance(n.args[0], ast.Name | ast.Attribute):
            # map(F, ITEMS): F called with each item (os.remove over a listing …)
            items = self.ev(n.args[1], scope)
            if isinstance(items, list | tuple) and items and \
                    not isinstance(scope.get(ast.unparse(n.args[0])), Func):
                out = []
                for item in judged_values([x for x in items if isinstance(x, str)]) \
                        if len(items) > MAX_EACH else items:
                    bound = "\x00map-item"
                    inner = {**scope, bound: item}
                    call = ast.copy_location(ast.Call(func=n.args[0],
                                                      args=[ast.Name(bound, ast.Load())],
                                                      keywords=[]), n)
                    out.append(self.call(call, inner))
                return out
        short = fname.rsplit(".", 1)[-1]
        args = [self.ev(a.value if isinstance(a, ast.Starred) else a, scope) for a in n.args]
        kw = {k.arg: self.ev(k.value, scope) for k in n.keywords if k.arg}
        for k in n.keywords:
            if k.arg is None:
                d = self.ev(k.value, scope)
                if isinstance(d, dict):
                    kw.update(d)
        line, ev = n.lineno, self.ev_text(n)
        place = self.cur_place
        recv = self.ev(f.value, scope) if isinstance(f, ast.Attribute) else None
        if self.opened:
            self.use_files(args, kw, recv, short)
        ran = self.command_call(f, fname, short, recv, args, scope, line, ev)
        if ran is not _ABSENT:
            return ran
        # user functions
        if isinstance(f, ast.Name) and isinstance(scope.get(f.id), Func):
            return self.run_func(scope[f.id], args, kw, scope, line, ev)
        if isinstance(f, ast.Lambda):       # (lambda p: …)(x)
            return self.run_func(self.ev(f, scope), args, kw, scope, line, ev)
        made = scope.get(f.id) if isinstance(f, ast.Name) else recv.scope.get(short) \
            if isinstance(recv, Module) else None
        if isinstance(made, Cls):
            instance = Obj(made)
            self.instantiated.add(made.name)
            init = made.scope.get("__init__")
            if isinstance(init, Func):
                self.run_func(init, [instance, *args], kw, scope, line, ev)
            return instance
        if isinstance(recv, Obj | Cls):
            method = (recv.cls.scope if isinstance(recv, Obj) else recv.scope).get(short)
            if isinstance(method, Func):
                static = any(ast.unparse(d) == "staticmethod" for d in method.node.decorator_list)
                first = [] if static or isinstance(recv, Cls) else [recv]
                return self.run_func(method, [*first, *args], kw, scope, line, ev)
            run = recv.cls.scope.get("run") if isinstance(recv, Obj) else None
            if short == "start" and method is None and isinstance(run, Func):
                # a Thread or Process subclass: start() runs its run()
                return self.run_func(run, [recv], {}, scope, line, ev)
        if isinstance(recv, Module) and isinstance(recv.scope.get(short), Func):
            return self.run_func(recv.scope[short], args, kw, scope, line, ev)
        bound_callable = self.handed(n, fname, short, args, kw, scope, line, ev)
        if bound_callable is not None:
            return bound_callable       # functools.partial(…)
        if isinstance(recv, str) and _stands_for_a_set(recv) and short not in (
                "format", "join", "replace", "decode", "encode", "fromhex"):
            return recv            # name.prettyPrint(), line.split()[0] …: each member still
        if fname in ("codecs.decode", "codecs.encode") and args:
            codec = _s(args[1] if len(args) > 1 else kw.get("encoding", "utf-8")).lower()
            return self.codec(codec, _s(args[0]), fname == "codecs.encode")
        # string methods
        if isinstance(f, ast.Attribute) and isinstance(recv, str | bytes) and is_known(_s(recv)):
            s = _s(recv)
            if short == "format":
                try:
                    return s.format(*[_s(a) for a in args], **{k: _s(v) for k, v in kw.items()})
                except (IndexError, KeyError, ValueError, AttributeError, TypeError):
                    return s
            if short == "join":
                parts = args[0] if args and isinstance(args[0], list) else []
                joined = s.join(_s(a) for a in parts)
                layers = tuple(dict.fromkeys(lay for a in parts if isinstance(a, str)
                                             for lay in self.decoded.get(a, ())))
                if layers:
                    self.decoded[joined] = layers
                return joined
            if short == "translate" and args and isinstance(args[0], dict) and all(
                    isinstance(k, int) for k in args[0]):
                undone = s.translate(args[0])       # a character translation cipher undone
                self.decoded[undone] = self.decoded.get(s, ()) + ("character translation",)
                return undone
            if short in ("strip", "rstrip", "lstrip", "lower", "upper"):
                return self._keep(s, getattr(s, short)())
            if short == "replace" and len(args) >= 2:
                return s.replace(_s(args[0]), _s(args[1]))
            if short in ("split", "splitlines"):
                if markers(s):
                    return [s]
                if short == "splitlines":
                    return s.splitlines()
                return s.split(_s(args[0])) if args and isinstance(args[0], str | bytes) else s.split()
            if short in ("decode", "encode"):
                codec = _s(args[0] if args else kw.get("encoding", "utf-8")).lower()
                return self.codec(codec, s, short == "encode")
            if short == "fromhex":
                return self.decode_layer("hex", _s(args[0]) if args else "")
        # decoders
        if short in _DECODERS and args and (short != "decompress" or fname.split(".")[0] in
                                            ("zlib", "gzip", "bz2", "lzma")):
            layer = _DECODERS[short] or {"zlib": "zlib", "gzip": "gzip", "bz2": "bzip2",
                                         "lzma": "xz"}.get(fname.split(".")[0], "")
            return self.decode_layer(layer, _s(args[0]))
        if fname in ("map", "list", "tuple", "sorted") and args and isinstance(args[-1], list):
            return [_s(x) for x in args[-1]] if fname == "map" else list(args[-1])
        if fname in ("bytes", "bytearray") and args and isinstance(args[0], list) and args[0] and \
                all(isinstance(c, int) and 0 <= c < 256 for c in args[0]):
            text = bytes(args[0]).decode("latin-1")
            if self.xored:
                self.decoded[text] = ("xor with a key",)
            return text
        if fname == "range" and args and all(isinstance(a, int) for a in args):
            numbers = range(*args[:3])
            return list(numbers) if len(numbers) <= 4096 else unknown(f"each number of {fname}()")
        if isinstance(recv, list) and short in ("append", "extend", "insert") and args:
            # a list built step by step (commands, OIDs, paths): the same object in its scope
            if short == "append":
                recv.append(args[0])
            elif short == "extend":
                recv.extend(args[0] if isinstance(args[0], list | tuple) else [args[0]])
            elif len(args) > 1 and isinstance(args[0], int):
                recv.insert(args[0], args[1])
            return None
        if fname == "chr" and args and isinstance(args[0], int) and 0 <= args[0] < 0x110000:
            return chr(args[0])
        if fname in ("str", "bytes", "bytearray") and args:
            return _s(args[0])
        if fname in _SQL_TEXT and args:
            # SQL composed by the driver's helpers: psycopg2.sql.SQL(…).format(Identifier(t)),
            # sqlalchemy.text(…) — the statement text
            if short == "Identifier":
                return ".".join(_s(a) for a in args)
            return "'" + _s(args[0]).replace("'", "''") + "'" if short == "Literal" else _s(args[0])
        if fname in ("sqlalchemy.create_engine", "create_engine") and args:
            return _s(args[0])                      # the database URL stands for the engine
        if short == "drop_all" and (args or kw.get("bind")):
            self.job.sink.append(place.effect("data-destruction", line, ev, how="db-drop",
                                              target=f"every table of {_s(kw.get('bind') or args[0])}"))
            return None
        if short == "delete" and isinstance(f, ast.Attribute) and not args and \
                re.search(r"\.objects\.all\(\)$", ast.unparse(f.value)):
            # a Django model's every row: Model.objects.all().delete()
            self.job.sink.append(place.effect("data-destruction", line, ev, how="db-delete-all",
                                              target=ast.unparse(f.value).split(".objects")[0]))
            return None
        if short in ("to_ele", "fromstring", "XML") and args and isinstance(args[0], str):
            return args[0]          # an XML text parsed into an element: the same RPC (ncclient)
        if fname == "dict" and (args or kw):
            merged = dict(args[0]) if args and isinstance(args[0], dict) else {}
            return {**merged, **kw}
        if fname in ("tuple", "list") and len(args) == 1 and isinstance(args[0], str) and \
                _stands_for_a_set(args[0]):
            return [args[0]]
        if fname == "int" and args and isinstance(args[0], str) and _stands_for_a_set(args[0]):
            return args[0]
        if fname == "int" and args:
            try:
                return int(_s(args[0]))
            except ValueError:
                # a value read at run time stays what it was read from (a pid file's pid)
                return args[0] if isinstance(args[0], str) and markers(args[0]) else \
                    unknown("a number")
        if fname in ("os.path.join", "posixpath.join"):
            return "/".join(_s(a).rstrip("/") if i < len(args) - 1 else _s(a)
                            for i, a in enumerate(args))
        if fname in ("Path", "pathlib.Path", "PurePath", "PosixPath") and args:
            return "/".join(_s(a) for a in args)
        # listing a directory: each entry stands as DIR/* (what the shell's glob would say)
        if fname in ("os.listdir",) and args:
            return ["*"]
        if fname in ("os.scandir",) and args:
            return [_s(args[0]).rstrip("/") + "/*"]
        if fname in ("os.walk",) and args:
            return [(_s(args[0]).rstrip("/"), ["*"], ["*"])]
        if fname in ("glob.glob", "glob.iglob", "glob") and args:
            return [_s(args[0])]
        if short in ("glob", "rglob", "iterdir") and isinstance(recv, str) and is_known(recv):
            return [recv.rstrip("/") + "/" + (_s(args[0]) if args else "*")]
        if fname == "os.open" and len(n.args) >= 2 and "O_TRUNC" in ast.unparse(n.args[1]):
            self.destroy(place, line, ev, _s(args[0]), "truncate")
            return None
        if fname in ("os.getenv", "os.environ.get"):
            held = scope.get(_ENVIRON, {}).get(_s(args[0])) if args else None
            if held is not None:
                return held
            return _s(args[1]) if len(args) > 1 else unknown(f"${_s(args[0]) if args else '?'}")
        if short in ("NamedTemporaryFile", "TemporaryFile", "SpooledTemporaryFile"):
            return ("file", f"/tmp/<a temporary file at line {line}>", _s(args[0]) if args else "w")
        if fname == "open" and args:
            opened = ("file", _s(args[0]), _s(args[1]) if len(args) > 1 else _s(kw.get("mode", "r")))
            if opened[2].startswith("w"):
                self.opened.append((opened, place, line, ev))
            return opened
        if fname in _CONFIG_LOADS or short in _INI_PARSERS or isinstance(recv, Ini):
            loaded = self.config(fname, short, recv, args, kw)
            if loaded is not _NOT_CONFIG:
                return loaded
        if isinstance(recv, tuple) and recv and recv[0] == "file" and recv[2].startswith("w") and (
                short == "truncate" or (short == "close" and id(recv) not in self.used_files)):
            # opened for writing and closed (or truncated) with nothing written: emptied
            self.used_files.add(id(recv))
            self.destroy(place, line, ev, recv[1], "truncate")
            return None
        if isinstance(recv, tuple) and recv and recv[0] == "file" and short == "write" and \
                commands.BLOCK_DEVICE.match(render(recv[1])):
            self.destroy(place, line, ev, recv[1], "wipe")
            return None
        if isinstance(recv, tuple) and recv and recv[0] == "file":
            if short in ("read", "readlines"):
                content = self.job.value_of(render(recv[1])) if is_known(recv[1]) else None
                return content if content is not None and short == "read" else file_lines(render(recv[1]), self.job)
            if short == "write" and recv[2].startswith(("w", "a")):
                self.wrote(recv[1], Written(_s(args[0]) if args else "", "written by this job"),
                           place, line, ev)
                return None
        if short == "joinpath" and isinstance(recv, str) and args:
            return "/".join([recv.rstrip("/"), *(_s(a).strip("/") for a in args)])
        if short in ("read_text", "read_bytes") and isinstance(recv, str):
            return file_lines(render(recv), self.job)
        if fname in ("sys.path.insert", "sys.path.append") and args:
            self.paths.append(_s(args[-1]).rstrip("/"))
            return None
        if fname in ("pexpect.run", "pexpect.runu", "run") and args and fname != "run" or (
                short in ("spawn", "spawnu", "popen_spawn") and args and
                commands.base(_s(args[0]).split()[0] if _s(args[0]).split() else "") not in
                commands._DEVICE_PROGRAMS):
            cmd = " ".join(shlex.quote(_s(a)) for a in args[0]) if isinstance(
                args[0], list | tuple) else _s(args[0]) + (
                (" " + " ".join(_s(a) for a in args[1])) if len(args) > 1
                and isinstance(args[1], list) else "")     # pty.spawn takes an argv list
            self.nested("shell", cmd, line, ev, f"via {fname}")
            return Conn(unknown("a local program")) if short.startswith("spawn") else ""
        if fname in ("ansible_runner.run", "ansible_runner.run_async") and (
                kw.get("module") or kw.get("playbook")):
            # ansible-runner: an ad-hoc module or a playbook, run on the hosts it names
            def read_file(path: str) -> str:
                return self.job.text_of(render(path).lstrip("/")) or unknown(f"the file {path}")
            hosts = _s(kw.get("host_pattern") or "all")
            plays = [(hosts, ansible.module_lines(_s(kw["module"]), _s(kw.get("module_args", "")),
                                                  read_file))] if kw.get("module") else []
            if kw.get("playbook"):
                book = _s(kw["playbook"])
                if not book.startswith("/") and kw.get("private_data_dir"):
                    book = f"{_s(kw['private_data_dir']).rstrip('/')}/project/{book}"
                playbook = self.job.text_of(render(book).lstrip("/"))
                plays += ansible.playbook(playbook, read_file) if playbook is not None else []
            for pattern, lines in plays:
                if lines:
                    self.device_effect(lines, symbol("listed", pattern,
                                                     f"every host of the inventory matching {pattern}"),
                                       line, ev)
            return None
        task = kw.get("task")
        if short == "run" and isinstance(task, Std) and task.name.rsplit(".", 1)[-1] in _NORNIR_TASKS:
            name = task.name.rsplit(".", 1)[-1]
            sent = kw.get(_NORNIR_TASKS[name])
            if name.endswith("_from_file") and sent is not None:
                sent = self.job.text_of(render(_s(sent)).lstrip("/")) or unknown(
                    f"the commands in {render(_s(sent))}")
            texts = [_s(x) for x in sent] if isinstance(sent, list | tuple) else [_s(sent or "")]
            if name == "napalm_configure" and kw.get("replace") is True:
                texts = [f"configure replace {render(texts[0])[:80] or '<an empty configuration>'}"]
            self.device_effect(texts, symbol("listed", "nornir inventory",
                                             "every host of the nornir inventory"), line, ev)
            return None
        # device sessions
        called = scope.get(f.id) if isinstance(f, ast.Name) else (
            self.ev(f, scope) if isinstance(f, ast.Call) else None)
        if isinstance(called, Conn) and (args or kw.get("hostname") or kw.get("host")):
            # a driver class handed back by a factory (napalm get_network_driver), called
            self.job.talks_to_devices = True
            return Conn(_s(args[0] if args else kw.get("hostname") or kw.get("host")))
        if _SESSION_PAIR.match(fname) and (args or kw.get("host")):
            self.job.talks_to_devices = True
            conn = Conn(_s(args[0] if args else kw["host"]))
            return [conn, conn]                       # (reader, writer): one session
        if fname in _HTTP_CLIENT:
            return Http(_s(kw.get("base_url") or (args[0] if args else "")))
        if fname in _SNMP_SET_FUNCS and len(args) > max(_SNMP_SET_FUNCS[fname]):
            at_host, at_oid, at_value = _SNMP_SET_FUNCS[fname]
            self.job.talks_to_devices = True
            snmp_effect(self.job, place, line, ev, _s(args[at_host]), _s(args[at_oid]),
                        _s(args[at_value]))
            return None
        if fname in _SNMP_WALK_FUNCS:
            walk_host, walk_oid = _SNMP_WALK_FUNCS[fname]
            host = _s(kw.get("hostname", "")) if walk_host is None else (
                _s(args[walk_host]) if len(args) > walk_host else "")
            col = _s(args[walk_oid]) if len(args) > walk_oid else _s(kw.get("oids", ""))
            if col and is_known(col):
                from lineguard.collector.analyse.effects.mib import mib
                obj, _idx = mib().resolve(render(col))
                oid = ".".join(map(str, obj.oid)) if obj else col
                return [walked(oid, obj.name if obj else render(col), host)]
        if short in _PER_HOST and len(args) >= 2 and isinstance(args[-1], Func):
            hosts = args[-2]
            names = [re.sub(r"^\w+://", "", _s(h)) for h in hosts] if isinstance(hosts, list) \
                else [_s(hosts)]
            host = each_of(names) if len(names) > 1 else names[0] if names else \
                unknown("the hosts it is given")
            self.job.talks_to_devices = True
            return self.run_func(args[-1], ["", host, Conn(host)], {}, scope, line, ev)
        if fname in _TESTBED_LOADERS and args:
            # pyATS/Genie: a testbed file names the devices; `tb.devices` holds a session to each
            return Obj(Cls("Testbed"), {"devices": self.testbed(_s(args[0]))})
        if isinstance(recv, Unread) and short == "get":
            return recv.value
        if isinstance(recv, dict) and short == "get" and args and isinstance(args[0], str):
            return recv.get(args[0], args[1] if len(args) > 1 else unknown(
                f"the setting {args[0]}"))
        if isinstance(recv, dict) and short in ("items", "values", "keys") and not args:
            return [list(x) for x in recv.items()] if short == "items" else list(
                recv.values() if short == "values" else recv.keys())
        if short in ("get_hosts_from_file", "get_hosts_from_csv") and args:
            return file_lines(render(_s(args[0])), self.job)   # Exscript: the hosts a list names
        if _SESSION.match(short) or _SESSION_CONNECT.match(fname):
            host = kw.get("host") or kw.get("ip") or kw.get("hostname") or kw.get("address") \
                or (args[0] if args and short != "get_network_driver" else "")
            if isinstance(host, list | tuple):
                host = host[0] if host else ""
            if short == "spawn" and args:
                words = _s(args[0]).split()
                host = commands.host_of(words[-1]) if words else ""
            self.job.talks_to_devices = True
            return Conn(_s(host) if host else unknown("the device it connects to"))
        if isinstance(recv, Conn):
            if short in ("connect", "login") and (args or kw):
                new = _s(kw.get("hostname") or kw.get("host") or (args[0] if args else recv.host))
                if short == "connect" or is_known(new):     # Exscript's login(Account(…))
                    recv.host = new
                return None
            if short in _SESSION_SAME:
                return recv
            if short in _STAGES and (args or kw):
                recv.staged.append((self.session_texts(short, args, kw, line, ev), line, ev,
                                    self.cur_place))
                return ""
            if short in ("commit_config", "discard_config"):
                if short == "commit_config":
                    saved = self.cur_place
                    for texts, at, text, where in recv.staged:
                        self.cur_place = where
                        self.device_effect(texts, recv.host, at, text)
                    self.cur_place = saved
                recv.staged.clear()
                return ""
            if short in _DEVICE_SEND and (args or kw):
                texts = self.session_texts(short, args, kw, line, ev)
                if texts:
                    self.device_effect(texts, recv.host, line, ev)
                if short == "exec_command" or short in _REMOTE_SHELL and args and \
                        isinstance(args[0], str):
                    # a command line run by the session's remote shell (paramiko, fabric,
                    # asyncssh): what it does there is read as shell too
                    if any(t.strip() for t in texts):
                        read("shell", " ".join(texts), self.job,
                             place.nested(line, ev, f"on {render(recv.host)} over ssh"))
                    return [recv, recv, recv]            # stdin (written to), stdout, stderr
                return ""
            if short in ("Config", "Manager", "SW"):
                return recv
        if short in ("Config", "SW") and args and isinstance(args[0], Conn):
            return args[0]            # PyEZ: the configuration utility of an open Device
        # SNMP
        if short in ("addAsn1MibSource", "add_asn1_mib_source", "addMibSource", "add_mib_source",
                     "loadMibs", "load_mibs", "resolveWithMib", "resolve_with_mib") and \
                isinstance(recv, str):
            return recv            # pysnmp: the same ObjectIdentity, told where its MIB is
        if short in ("ObjectIdentity", "ObjectName"):
            parts = [_s(a) for a in args]
            if len(parts) >= 2 and not parts[0][:1].isdigit():
                return ".".join(parts[1:])
            return ".".join(parts)
        if short in ("ObjectType",) and args:
            return VarBind(_s(args[0]), _s(args[1]) if len(args) > 1 else "")
        if short in ("Integer", "Integer32", "Unsigned32", "Gauge32", "OctetString", "IpAddress",
                     "Counter32", "TimeTicks") and args:
            return _s(args[0])
        if short in ("UdpTransportTarget", "Udp6TransportTarget", "create") and args:
            a = args[0]
            return _s(a[0]) if isinstance(a, list | tuple) and a else _s(a)
        if short in ("set_cmd", "setCmd", "set_cmd_async"):
            # hlapi: (engine, auth, target, context, varbinds…); the old oneliner API:
            # (auth, target, (oid, value)…)
            pairs = [VarBind(_s(a[0]), _s(a[1])) for a in args[1:]
                     if isinstance(a, list | tuple) and len(a) == 2 and not isinstance(a[0], list)]
            target = _s(args[1]) if pairs and len(args) > 1 else next((_s(a) for a in args[2:3]), "")
            vbs = [a for a in args if isinstance(a, VarBind)] + pairs
            for vb in vbs:
                snmp_effect(self.job, place, line, ev, target, vb.oid, vb.value)
            if not vbs:
                snmp_effect(self.job, place, line, ev, target, unknown("the OID set"), unknown("the value"))
            return [unknown("the SET's response")]
        if short in ("bulk_walk_cmd", "walk_cmd", "bulkWalkCmd", "nextCmd", "next_cmd", "bulkCmd",
                     "bulkwalk", "walk") and not isinstance(recv, Conn | VarBind):
            start = next((a for a in args if isinstance(a, VarBind)), None)
            if start is None:     # the oneliner API names the column as a plain OID
                start = next((VarBind(_s(a), "") for a in args[1:]
                              if isinstance(a, str) and re.fullmatch(r"[\w:.-]*\d[\w:.-]*|\w+", a)),
                             None)
            target = _s(args[2]) if len(args) > 2 else _s(args[1]) if len(args) > 1 else ""
            if start is not None:
                from lineguard.collector.analyse.effects.mib import mib
                obj, idx = mib().resolve(render(start.oid))
                oid = ".".join(map(str, obj.oid)) if obj else start.oid
                return [walked(oid, obj.name if obj else render(start.oid), target)]
        if short in ("Session",) and ("hostname" in kw or args):
            self.job.talks_to_devices = True
            return Conn(_s(kw.get("hostname") or args[0]))
        if short in ("Client", "PyWrapper") and args and not isinstance(recv, Conn):
            # puresnmp: Client(host, credentials), wrapped or not
            self.job.talks_to_devices = True
            return args[0] if isinstance(args[0], Conn) else Conn(_s(args[0]))
        if isinstance(recv, Conn) and short in ("walk", "bulkwalk", "multiwalk") and args:
            from lineguard.collector.analyse.effects.mib import mib
            obj, _idx = mib().resolve(render(_s(args[0])))
            oid = ".".join(map(str, obj.oid)) if obj else _s(args[0])
            return [walked(oid, obj.name if obj else render(_s(args[0])), recv.host)]
        if isinstance(recv, Conn) and short == "multiset" and args and isinstance(args[0], dict):
            for oid, value in args[0].items():
                snmp_effect(self.job, place, line, ev, recv.host, _s(oid), _s(value))
            return None
        if isinstance(recv, Conn) and short in ("set", "set_multiple") and args:
            if short == "set_multiple" and isinstance(args[0], list):
                for pair in args[0]:
                    if isinstance(pair, list | tuple) and len(pair) >= 2:
                        snmp_effect(self.job, place, line, ev, recv.host, _s(pair[0]), _s(pair[1]))
            else:
                oid = args[0]
                oid = ".".join(_s(x) for x in oid if _s(x)) if isinstance(oid, list | tuple) else _s(oid)
                snmp_effect(self.job, place, line, ev, recv.host, oid, _s(args[1]) if len(args) > 1 else "")
            return None
        if short == "Varbind" and args:
            return VarBind(".".join(_s(a) for a in args[:2] if _s(a)), _s(args[2]) if len(args) > 2 else "")
        if short in ("snmp_set", "snmp_set_multiple") and args:
            # easysnmp's functions: the session's keywords given with each call
            host = _s(kw.get("hostname", "")) or unknown("the agent it sets")
            self.job.talks_to_devices = True
            settings: list[Any] = args[0] if short == "snmp_set_multiple" and isinstance(args[0], list) \
                else [(args[0], args[1] if len(args) > 1 else kw.get("value", ""))]
            for pair in settings:
                if isinstance(pair, list | tuple) and len(pair) >= 2:
                    oid = pair[0]
                    oid = ".".join(_s(x) for x in oid if _s(x)) if isinstance(oid, list | tuple) \
                        else _s(oid)
                    snmp_effect(self.job, place, line, ev, host, oid, _s(pair[1]))
            return None
        if short == "VarList":
            return [a for a in args if isinstance(a, VarBind)] + \
                [x for a in args if isinstance(a, list) for x in a if isinstance(x, VarBind)]
        if fname in ("netsnmp.snmpset", "snmpset"):
            host = _s(kw.get("DestHost", ""))
            for vb in [y for a in args for y in (a if isinstance(a, list) else [a])]:
                if isinstance(vb, VarBind):
                    snmp_effect(self.job, place, line, ev, host, vb.oid, vb.value)
            return None
        if fname in ("netsnmp.snmpwalk", "snmpwalk") and args:
            # the VarList given is filled with every row walked from its column
            from lineguard.collector.analyse.effects.mib import mib
            host = _s(kw.get("DestHost", ""))
            for vb in [y for a in args for y in (a if isinstance(a, list) else [a])]:
                if isinstance(vb, VarBind) and is_known(vb.oid):
                    obj, _idx = mib().resolve(render(vb.oid))
                    oid = ".".join(map(str, obj.oid)) if obj else vb.oid
                    vb.oid = walked(oid, obj.name if obj else render(vb.oid), host)
            return None
        # processes and shell
        if fname in _SPAWN_ARGV or fname in _SPAWN_SHELL or (
                fname.startswith("sh.") and fname.count(".") == 1 and short not in _SH_API):
            # asyncio's subprocesses, the `sh` library (sh.snmpset(…) runs snmpset)
            if fname in _SPAWN_SHELL:
                text = _s(args[0]) if args else ""
            else:
                words = [short] if fname.startswith("sh.") else []
                words += [_s(y) for a in args for y in (a if isinstance(a, list | tuple) else [a])]
                text = " ".join(shlex.quote(w) for w in words)
            if text.strip():
                self.nested("shell", text, line, ev, f"via {fname}")
            return Proc(text)
        if fname in ("os.system", "os.popen", "commands.getoutput", "subprocess.getoutput",
                     "subprocess.getstatusoutput") or (
                fname.startswith("subprocess.") and short in ("run", "call", "check_call",
                                                              "check_output", "Popen")):
            cmd = args[0] if args else kw.get("args", "")
            if isinstance(cmd, list | tuple):
                text = " ".join(shlex.quote(_s(x)) for x in cmd)
            else:
                text = _s(cmd)
            data = kw.get("input")
            source = kw.get("stdin")
            if isinstance(data, str | bytes) and is_known(_s(data)) and _s(data).strip():
                # what the program is given on its input (a session's commands)
                text += f" <<'LG_INPUT'\n{_s(data).rstrip(chr(10))}\nLG_INPUT"
            elif isinstance(source, tuple) and source and source[0] == "file" and \
                    not str(source[2]).startswith(("w", "a")):
                text += f" < {shlex.quote(_s(source[1]))}"    # stdin=open(FILE): its lines
            self.nested("shell", text, line, ev, f"via {fname}")
            if short == "Popen":
                return Proc(text)      # what is later written to its input is read with it
            if isinstance(cmd, list | tuple):
                printed = commands.output([_s(x) for x in cmd], None, self.job)
                if printed is not None:
                    return printed
            return unknown(f"output of `{render(text)[:60]}`")
        if short in ("system", "popen", "_system") and args and isinstance(args[0], str | bytes) \
                and _s(args[0]).split()[:1] and commands.known(commands.base(_s(args[0]).split()[0])):
            # a C library's system() (ctypes.CDLL("libc.so.6").system(b"…")), a framework's
            # own: a command line handed to anything named system is read as run
            self.nested("shell", _s(args[0]), line, ev, f"via {fname or short}()")
            return unknown(f"the status of `{render(_s(args[0]))[:60]}`")
        if isinstance(recv, Proc) and short in ("communicate", "write", "writelines") and (
                args or "input" in kw):
            data = args[0] if args else kw["input"]
            data = "".join(_s(x) for x in data) if isinstance(data, list | tuple) else _s(data)
            if is_known(data) and data.strip():
                self.nested("shell", f"{recv.command} <<'LG_INPUT'\n{data.rstrip(chr(10))}\nLG_INPUT",
                            line, ev, "fed to its input")
            return [unknown("the program's output"), ""] if short == "communicate" else None
        if fname in ("os.kill", "os.killpg") and len(args) >= 2:
            # a signal sent to a pid: judged as the shell's `kill -SIG PID` (the process a pid
            # file or pidof names is what is killed)
            sig = args[1].name.rsplit(".", 1)[-1] if isinstance(args[1], Std) else _s(args[1])
            self.nested("shell", shlex.join(["kill", f"-{sig.removeprefix('SIG')}", _s(args[0])]),
                        line, ev, f"via {fname}")
            return None
        if fname.startswith(("os.exec", "os.spawn", "os.posix_spawn")):
            # the program, then its argv (whose first word is the program's name again)
            argv = [x for x in args[:2 if fname.startswith("os.posix") else len(args)]
                    if not isinstance(x, dict)]
            flat = [_s(y) for x in argv for y in (x if isinstance(x, list | tuple) else [x])]
            self.nested("shell", " ".join(shlex.quote(x) for x in flat[1:]), line, ev,
                        f"via {fname}")
            return None
        if fname == "compile" and args:
            return _s(args[0])
        if fname == "shlex.split" and args:
            # a command line cut into its words (a value's marker holds no blank: one word)
            try:
                return shlex.split(_s(args[0]))
            except ValueError:
                return _s(args[0]).split()
        if fname in ("exec", "eval", "builtins.exec") and args:
            self.exec_code(_s(args[0]), scope, line, ev)
            return None
        if fname == "marshal.loads" and args:
            # a marshalled code object: the calls it makes, read as source (never run)
            data = _s(args[0])
            if is_known(data):
                self.job.spawn("marshalled objects")
            src = decode.unmarshalled_calls(data.encode("latin-1", "replace")) \
                if is_known(data) else None
            if src is None:
                return unknown("an unmarshalled code object")
            self.decoded[src] = self.decoded.get(data, ()) + ("marshal",)
            self.job.sink.append(place.effect("concealment", line, ev, how="a marshalled code object"))
            return src
        if fname in ("pickle.loads", "_pickle.loads", "cPickle.loads", "dill.loads") and args:
            # loading a pickle calls what it names: the calls read as code (never loaded here)
            data = _s(args[0])
            src = decode.unpickled_calls(data.encode("latin-1", "replace")) \
                if is_known(data) else None
            if src is None:
                self.job.sink.append(place.effect("unseen-code", line, ev,
                                                  target=f"what the pickle {fname}() loads calls"))
                return unknown("an unpickled object")
            self.job.sink.append(place.effect("concealment", line, ev, how="a pickle"))
            self.exec_code(src, scope, line, ev)
            return None
        # files
        if short in ("rmtree", "remove", "unlink", "rmdir", "removedirs", "remove_tree"):
            if fname.startswith(("os.", "shutil.", "distutils.")) or (isinstance(f, ast.Name) and args):
                if args:
                    self.destroy(place, line, ev, _s(args[0]),
                                 "delete-tree" if short in ("rmtree", "remove_tree") else "delete")
                return None
            if isinstance(recv, str) and is_known(recv) and short in ("unlink", "rmdir"):
                self.destroy(place, line, ev, recv, "delete")
                return None
        if fname in ("shutil.move", "os.rename", "os.replace") and len(args) >= 2:
            if commands.moved_away([_s(args[0])], _s(args[1])):
                self.destroy(place, line, ev, _s(args[0]),
                             "delete" if _s(args[1]) == "/dev/null" else "delete-tree")
            elif _s(args[0]) in self.job.written:
                self.wrote(_s(args[1]), self.job.written[_s(args[0])], place, line, ev)
            return None
        if fname in ("shutil.copy", "shutil.copyfile", "shutil.copy2", "shutil.copytree") and \
                len(args) >= 2:
            src = _s(args[0])
            commands.backups(["cp", src, _s(args[1])], self.job, place, line, ev)
            if fname == "shutil.copytree":
                return None
            copied = self.job.text_of(render(src).lstrip("/")) if is_known(src) else None
            self.wrote(planted.into(_s(args[1]), src), Written(copied, f"copied from {render(src)}"),
                       place, line, ev)
            return None
        if (fname in ("os.chmod", "os.lchmod") and len(args) >= 2 or
                short in ("chmod", "lchmod") and isinstance(recv, str) and args) and \
                isinstance(args[-1], int):
            # a mode taken away (os.chmod(p, 0), Path(p).chmod(0o000)): judged as chmod is
            path = _s(args[0]) if fname in ("os.chmod", "os.lchmod") else recv
            self.nested("shell", shlex.join(["chmod", format(args[-1], "03o"), path]), line, ev,
                        f"via {fname}")
            return None
        if fname in ("os.truncate",) and len(args) >= 2 and _s(args[1]) == "0":
            self.destroy(place, line, ev, _s(args[0]), "truncate")
            return None
        if short in ("write_text", "write_bytes") and isinstance(recv, str):
            if args and _s(args[0]) == "":
                self.destroy(place, line, ev, recv, "truncate")
            else:
                self.wrote(recv, Written(_s(args[0]) if args else None, "written by this job"),
                           place, line, ev)
            return None
        if fname in ("urllib.request.urlretrieve", "urlretrieve", "wget.download") and len(args) >= 2:
            self.wrote(_s(args[1]), Written(None, f"downloaded from {render(_s(args[0]))}"),
                       place, line, ev)
            return None
        rest = self.rest_call(fname, short, recv, args, kw)
        if rest is not None:
            method, url, body = rest
            lines = api.rest_lines(method, url, body)
            if lines:
                self.device_effect(lines, commands.host_of(url.split("/")[2]) if "://" in url
                                   else (recv.host if isinstance(recv, Conn) else url), line, ev)
            if method.upper() != "GET":
                return None
        if short in ("HTTPSConnection", "HTTPConnection") and args:
            return Conn(_s(args[0]))
        if short == "Request" and fname.startswith("urllib") and args:
            data = kw.get("data") if "data" in kw else (args[1] if len(args) > 1 else None)
            return ("request", _s(kw.get("method") or ("POST" if data else "GET")), _s(args[0]),
                    _s(data) if data else "")
        if short in ("urlopen", "get", "post") and fname.split(".")[0] in ("requests", "urllib",
                                                                          "urllib.request", "httpx"):
            return unknown(f"downloaded from {render(_s(args[0])) if args else 'the network'}")
        # databases
        if short in ("execute", "executescript", "executemany") and args:
            for statement in expand_each(_s(args[0])):      # one per table a loop names
                for how, name in sql.destructive_statements(statement):
                    self.job.sink.append(place.effect("data-destruction", line, ev, target=name,
                                                      how=how))
            return None
        if short in ("flushall", "flushdb"):
            self.job.sink.append(place.effect("data-destruction", line, ev,
                                              target="every key of the store", how="db-flush"))
            return None
        if short in ("drop_database", "dropDatabase") or (short == "drop" and isinstance(f, ast.Attribute)
                                                          and "db" in fname.lower()):
            self.job.sink.append(place.effect("data-destruction", line, ev,
                                              target=_s(args[0]) if args else fname, how="db-drop"))
            return None
        if short in ("run", "gather", "run_until_complete", "create_task", "ensure_future"):
            return args[0] if args else None
        result = unknown(f"result of {fname[:60]}()")
        # a method of each item of a list known only when it runs: each result
        return each_unknown(result) if isinstance(recv, str) and over_unknown_list(recv) \
            else result

    def destroy(self, place: Place, line: int, ev: str, path: str, how: str) -> None:
        """A file or tree destroyed; bounded inside an `if` that tests its age, size or name."""
        commands._destroy(self.job, place, line, ev, path, how, bounded=self.bounds > 0)

    def exec_code(self, code: str, scope: dict[str, Any], line: int, ev: str) -> None:
        """exec()/eval() of a known text: run in the caller's scope, reported on this line."""
        place = self.cur_place
        if not is_known(code) or markers(code):
            self.job.sink.append(place.effect("unseen-code", line, ev,
                                              target=unseen_source(code) or render(code)))
            return
        layers = self.decoded.get(code)
        if layers:
            self.job.sink.append(place.effect("concealment", line, ev, how=" then ".join(layers)))
        try:
            tree = _parse(code)
        except (SyntaxError, ValueError):
            self.nested("python", code, line, ev, "in exec")
            return
        note = f"decoded from {' then '.join(layers)}" if layers else "in exec"
        saved = self.cur_place
        self.cur_place = place.nested(line, ev, note)
        try:
            self.block(tree.body, scope)
        finally:
            self.cur_place = saved

    def _keep(self, before: str, after: str) -> str:
        """`after` came from `before` by a plain text method: it was decoded the same way."""
        if before in self.decoded and after not in self.decoded:
            self.decoded[after] = self.decoded[before]
        return after

    def codec(self, codec: str, data: str, encode: bool) -> Any:
        """`data` decoded (or, for rot13, encoded: the same) with a Python codec: a transform
        undone as its layer; a text codec (utf-8 …) leaves the text as it is, still whatever it
        was decoded from; encoding with a transform makes a value no one runs."""
        layer = decode.PYTHON_CODECS.get(codec.replace("-", "_"))
        if layer is None:
            return data
        if encode and layer != "rot13":
            return unknown(f"data encoded with {codec}")
        return self.decode_layer(layer, data)

    def decode_layer(self, layer: str, data: str) -> Any:
        if not layer or not is_known(data):
            return unknown("decoded data")
        text = decode.undo_noted(layer, data, self.decoded)
        return unknown("data that does not decode") if text is None else text

    def rest_call(self, fname: str, short: str, recv: Any, args: list[Any], kw: dict[str, Any]
                  ) -> tuple[str, str, str] | None:
        """(method, url, body) of an HTTP request a REST client library makes, or None."""
        body = _s(kw.get("data") or kw.get("json") or kw.get("content") or kw.get("body") or "")
        if isinstance(kw.get("json"), dict):
            body = json.dumps(kw["json"])
        lib = fname.split(".")[0] in ("requests", "httpx", "session", "s", "client") or \
            isinstance(recv, Http)
        if isinstance(recv, Http) and short in ("request", "urlopen") and len(args) >= 2:
            return _s(args[0]).upper(), recv.base + _s(args[1]), body
        if lib and short in ("delete", "put", "patch", "post") and args:
            return short.upper(), _s(args[0]), body
        if lib and short == "request" and len(args) >= 2:
            return _s(args[0]).upper(), _s(args[1]), body
        if short == "urlopen" and args and isinstance(args[0], tuple) and args[0][0] == "request":
            return args[0][1], args[0][2], args[0][3]
        if isinstance(recv, Conn) and short == "request" and len(args) >= 2:
            return _s(args[0]).upper(), _s(args[1]), _s(kw.get("body") or (args[2] if len(args) > 2 else ""))
        return None

    def session_texts(self, short: str, args: list[Any], kw: dict[str, Any], line: int,
                      ev: str) -> list[str]:
        """The command lines one call on a device session sends: the commands, a file of them,
        what is written to its input, or the device command an API verb amounts to (napalm,
        PyEZ, ncclient). A file of commands that was not captured is code lineguard cannot see."""
        def text_of(path: Any) -> str:
            w = self.job.written.get(_s(path))
            if w is not None and w.content is not None:
                return w.content
            t = self.job.text_of(render(_s(path)).lstrip("/")) if is_known(_s(path)) else None
            if t is None:
                self.job.sink.append(self.cur_place.effect(
                    "unseen-code", line, ev,
                    target=f"{render(_s(path))} (the commands it sends to devices; not captured)"))
            return t if t is not None else unknown(f"the commands in {render(_s(path))}")
        payload: Any = args[0] if args else (
            kw.get("config_commands") or kw.get("command_string") or kw.get("commands")
            or kw.get("configs") or kw.get("config") or kw.get("input") or "")
        if short in ("send_config_from_file", "send_configs_from_file"):
            payload = text_of(args[0] if args else kw.get("config_file") or kw.get("file") or "")
        elif short == "run" and "input" in kw:
            payload = [_s(args[0]) if args else "", _s(kw["input"])]
        elif short == "load_replace_candidate":
            src = kw.get("config") or (text_of(kw["filename"]) if "filename" in kw else "")
            return [f"configure replace {'<an empty configuration>' if not _s(src).strip() else render(_s(src))[:80]}"]
        elif short == "load_merge_candidate" and "filename" in kw:
            payload = text_of(kw["filename"])
        elif short == "load":
            body = payload if args else kw.get("path") and text_of(kw["path"])
            if kw.get("overwrite") is True or _s(kw.get("overwrite")) == "True":
                what = render(_s(body))[:80] if body and _s(body).strip() else "<an empty configuration>"
                return [f"load override {what}"]
            payload = body or ""
        elif short == "edit_config" and _s(kw.get("default_operation")).lower() == "replace":
            # the datastore becomes the configuration sent: everything else in it is removed
            return ["load override <the configuration sent by edit-config>",
                    *[_s(payload)]]
        elif short == "delete_config":
            return [f"delete-config {_s(kw.get('target') or (args[0] if args else 'the configuration'))}"]
        elif short == "copy_config":
            src = _s(kw.get("source") or (args[0] if args else ""))
            dst = _s(kw.get("target") or (args[1] if len(args) > 1 else ""))
            if "<" in src and not re.search(r"<(?!/?config\b|/?configuration\b)[\w-]+[\s/>]", src):
                return [f"delete-config {dst or 'the configuration'} (replaced by an empty one)"]
            return []
        elif short == "rollback":
            return [f"rollback {_s(kw.get('rb_id') or (args[0] if args else 0))}"]
        if isinstance(payload, list | tuple):
            return [_s(x) for x in payload if not isinstance(x, list | tuple)] + \
                [_s(y) for x in payload if isinstance(x, list | tuple) for y in x[:1]]
        return [_s(payload)]

    def device_effect(self, texts: list[str], host: str, line: int, ev: str) -> None:
        self.job.talks_to_devices = True
        p = self.cur_place
        eff = device.command_effect(texts, host, p.path, *p.where(line, ev), gates=p.gates,
                                    via=p.via, called=p.called)
        if eff is not None:
            self.job.sink.append(eff)

    def wrote(self, path: str, written: Written, place: Place, line: int, ev: str) -> None:
        """The program writes, copies or downloads `written` into `path`: later reads and runs
        of it see that, and a file put where it runs later is judged by what it will run."""
        self.job.written[path] = written
        planted.plant(self.job, place, line, ev, path, written.content, written.source)

    def use_files(self, args: list[Any], kw: dict[str, Any], recv: Any, short: str) -> None:
        """A file opened for writing handed to a call (json.dump(rows, f), print(…, file=f),
        csv.writer(f)) or used through a method other than close: something may be written."""
        for a in (*args, *kw.values()):
            if isinstance(a, tuple) and a[:1] == ("file",):
                self.used_files.add(id(a))
        if isinstance(recv, tuple) and recv[:1] == ("file",) and short not in ("close", "truncate"):
            self.used_files.add(id(recv))

    def emptied_files(self) -> None:
        """Files opened for writing that nothing was written to, handed to or kept from by
        the end of the program (`open(p, "w")` alone, `f = open(p, "w")` and nothing
        else): opening emptied them."""
        for opened, place, line, ev in self.opened:
            if id(opened) not in self.used_files:
                self.used_files.add(id(opened))
                self.destroy(place, line, ev, opened[1], "truncate")

    def command_call(self, f: ast.expr, fname: str, short: str, recv: Any, args: list[Any],
                     scope: dict[str, Any], line: int, ev: str) -> Any:
        """A call that builds or runs a command object (Command), or runs a command line
        through a library (invoke, fabric, envoy, delegator): run as a shell command like
        subprocess. _ABSENT when the call is none of these."""
        held = scope.get(f.id) if isinstance(f, ast.Name) else \
            self.ev(f, scope) if isinstance(f, ast.Subscript | ast.Call | ast.BinOp) else None
        words = _command_words(held)
        if words is not None:                 # cmd(…), local["rm"](…), plumbum.cmd.rm(…)
            return self.run_command(Command(words).more(args).text, line, ev, fname)
        if fname in _COMMAND_OF and args:
            return Command(shlex.quote(_s(args[0])))
        if fname in _COMMAND_RUNNERS:
            return Command(runner=True)
        if fname.startswith("sh.") and fname.count(".") == 2 and short == "bake":
            return Command(fname.split(".")[1]).more(args)      # sh.rm.bake("-rf")
        words = _command_words(recv)
        if words is not None and not (isinstance(recv, Command) and recv.runner):
            if short in _COMMAND_RUNS:
                return self.run_command(Command(words).more(args).text, line, ev, fname)
            if short == "bake" or short == "__getitem__":
                return Command(words).more(args)
            if short in _COMMAND_SAME:
                return Command(words)
        runs_line = fname in _RUNS_LINE or (
            isinstance(recv, Command) and recv.runner and short in ("run", "sudo", "local")) or (
            isinstance(recv, Conn) and short == "local")
        if runs_line and args and isinstance(args[0], str | bytes):
            return self.run_command(_s(args[0]), line, ev, fname)
        if isinstance(recv, Conn) and short == "sudo" and args and isinstance(args[0], str):
            self.nested_at(self.cur_place.nested(line, ev, f"on {render(recv.host)} over ssh"),
                           _s(args[0]))
            return unknown(f"output of `{render(_s(args[0]))[:60]}`")
        return _ABSENT

    def run_command(self, text: str, line: int, ev: str, how: str) -> Any:
        if text.strip():
            self.nested("shell", text, line, ev, f"via {how}")
        return unknown(f"output of `{render(text)[:60]}`")

    def nested_at(self, place: Place, text: str) -> None:
        if text.strip():
            read("shell", text, self.job, place)

    def nested(self, language: str, text: str, line: int, ev: str, note: str) -> None:
        place = self.cur_place
        layers = self.decoded.get(text)
        if layers:
            self.job.sink.append(place.effect("concealment", line, ev, how=" then ".join(layers)))
            note = f"decoded from {' then '.join(layers)}"
        read(language, text, self.job, place.nested(line, ev, note), {})

    def run_func(self, fn: Func, args: list[Any], kw: dict[str, Any], scope: dict[str, Any],
                 line: int, ev: str) -> Any:
        if self.depth > MAX_CALL_DEPTH:
            # not followed, and said (a deletion seventeen functions down is not benign),
            # unless a function on the way calls itself: its body was read further up
            running = self.job.running
            if len(set(running)) == len(running):
                cut_by_limit(self.job, self.cur_place, "python", line, ev,
                             f"functions called more than {MAX_CALL_DEPTH} deep")
            return unknown("a deeply nested call")
        fn.reader.called.add(fn.node.name)
        inner = dict(fn.reader.globals)
        params = fn.node.args.posonlyargs + fn.node.args.args
        defaults = fn.node.args.defaults
        for i, p in enumerate(params):
            if i < len(args):
                inner[p.arg] = args[i]
            elif p.arg in kw:
                inner[p.arg] = kw[p.arg]
            else:
                d = len(params) - len(defaults)
                inner[p.arg] = fn.reader.ev(defaults[i - d], inner) if i >= d else unknown(
                    f"argument {p.arg}")
        if fn.node.args.vararg:
            inner[fn.node.args.vararg.arg] = args[len(params):]
        for k in fn.node.args.kwonlyargs:
            inner[k.arg] = kw.get(k.arg, unknown(f"argument {k.arg}"))
        # a call in a context already followed (the values of everything the body reads, the
        # gates it is under) is not followed again: its effects are known, its value kept
        names = fn.reader.reads_of(fn.node)
        context = (id(fn.node), self.cur_place.called, self.cur_place.gates,
                   _context([inner.get(n, _ABSENT) for n in names]))
        if context in fn.reader.followed:
            return fn.reader.followed[context]
        fn.reader.followed[context] = unknown(f"what {fn.node.name}() returns")  # recursion
        saved, depth = fn.reader.cur_place, fn.reader.depth
        fn.reader.depth = self.depth + 1
        self.job.running.append(f"python {id(fn.node)}")
        fn.reader.cur_place = replace(saved if fn.reader is not self else self.cur_place,
                                      function=fn.node.name, gates=self.cur_place.gates)
        try:
            ret = fn.reader.block(fn.node.body, inner)
        finally:
            # the caller's depth back (fn.reader may be self: nine calls in a row are not nine
            # levels deep)
            fn.reader.cur_place, fn.reader.depth = saved, depth
            self.job.running.pop()
        out = fn.reader.followed[context] = ret if ret is not None else unknown(
            f"what {fn.node.name}() returns")
        return out

    def config(self, fname: str, short: str, recv: Any, args: list[Any], kw: dict[str, Any]
               ) -> Any:
        """Settings a program reads from a file (json, YAML, TOML, INI through configparser):
        the values of the captured file, so that `shutil.rmtree(cfg['paths']['data'])` deletes
        what the file names; a file that was not captured gives values standing for its
        content (never an empty setting)."""
        if fname in _CONFIG_LOADS:
            source = args[0] if args else kw.get("fp") or kw.get("s") or kw.get("stream")
            if isinstance(source, tuple) and source and source[0] == "file":
                path = render(source[1])
            elif isinstance(source, str) and fname in ("toml.load",):
                path = render(source)
            elif isinstance(source, str | bytes) and is_known(_s(source)):
                return settings.parsed(_CONFIG_LOADS[fname], _s(source))
            else:
                return unknown(f"settings read by {fname}()")
            # (text_of: a settings file decides what the job acts on, so the agent captures it)
            text = self.job.text_of(path.lstrip("/")) if is_known(path) else None
            if text is None:
                return file_lines(path, self.job)
            doc = settings.parsed(_CONFIG_LOADS[fname], text)
            return doc if isinstance(doc, dict | list) or is_known(doc) else \
                settings.unparsed(path)
        if short in _INI_PARSERS and not isinstance(recv, Ini):
            ini = Ini()
            ini.interpolates = short != "RawConfigParser" and "interpolation" not in kw
            return ini
        if not isinstance(recv, Ini):
            return _NOT_CONFIG
        if short in ("read", "read_file", "read_string"):
            given = args[0] if args else ""
            paths = given if isinstance(given, list | tuple) and not (
                given and given[0] == "file") else [given]
            for p in paths:
                if short == "read_string":
                    text = _s(p) if is_known(_s(p)) else None
                    where = "a string"
                else:
                    where = render(p[1] if isinstance(p, tuple) and p and p[0] == "file" else _s(p))
                    text = self.job.text_of(where.lstrip("/")) if is_known(where) else None
                doc = settings.parsed("ini", text, interpolate=recv.interpolates) \
                    if text is not None else None
                if not isinstance(doc, dict):       # not captured, or does not parse here
                    recv.unread = recv.unread or (file_lines(where, self.job) if text is None
                                                  else settings.unparsed(where))
                else:
                    for section, values in doc.items():
                        recv.setdefault(section, {}).update(values)
            return list(paths)
        if short in ("get", "getint", "getfloat", "getboolean") and len(args) >= 2:
            found = recv.get(_s(args[0]), {}).get(_s(args[1]).lower())
            if found is not None:
                return found
            if recv.unread:
                return recv.unread
            return kw.get("fallback", unknown(f"setting {_s(args[0])}.{_s(args[1])}"))
        if short in ("sections",):
            return [k for k in recv if k != "DEFAULT"]
        return _NOT_CONFIG

    def decorated(self, st: ast.FunctionDef | ast.AsyncFunctionDef, fn: Func,
                  scope: dict[str, Any]) -> Any:
        """The function a `def` binds after its decorators: a decorator of the program's own
        is run with it (and may call it there and then), one that registers it to be called
        (atexit.register, APScheduler's scheduled_job) hands it over, and calls it."""
        value: Any = fn
        for d in reversed(st.decorator_list):
            target = d.func if isinstance(d, ast.Call) else d
            dec = scope.get(target.id) if isinstance(target, ast.Name) else None
            if isinstance(dec, Func):
                if isinstance(d, ast.Call):             # @make(arg): make(arg) gives the decorator
                    dec = self.ev(d, scope)
                if isinstance(dec, Func):
                    got = self.run_func(dec, [value], {}, scope, st.lineno, self.ev_text(st))
                    value = got if isinstance(got, Func) else value
            elif (self.dotted(target, scope) or "").rsplit(".", 1)[-1] in _REGISTERS and \
                    isinstance(value, Func):
                self.run_func(value, [], {}, scope, st.lineno, self.ev_text(st))
        return value

    def handed(self, n: ast.Call, fname: str, short: str, args: list[Any], kw: dict[str, Any],
               scope: dict[str, Any], line: int, ev: str) -> Bound | None:
        """A callable handed to a library that calls it, now or later (threading.Timer, a
        Thread's or Process's target, functools.partial, atexit.register, sched, an executor,
        an event loop, a pool's map, APScheduler's add_job, signal handlers, weakref.finalize
        …): called here with the arguments it is handed with, spread ones (`Timer(*a)`) too.
        Any other function of the program handed to code lineguard cannot see is called too,
        with arguments unknown: what it does is what the job does, not a function nothing
        calls. functools.partial gives a Bound, called again where it is called."""
        spec = _HANDED.get(fname) or _HANDED.get(short)
        given = self.spread(n, args, scope)
        done: Any = None
        out: Bound | None = None
        if spec is not None:
            pos, name, rest, seq, kw_seq = spec
            value = given[pos] if pos < len(given) else kw.get(name)
            if isinstance(value, Func | Std | Method | Bound):
                done = value
                if rest:                    # f, *args, **kwargs after it
                    passed = given[pos + 1:]
                    named = {k: v for k, v in kw.items() if k != name}
                else:                       # args=(…), kwargs={…} (or at their positions)
                    seq_pos = _SEQ_AT.get(short, -1)
                    items = kw.get(seq) if seq in kw else given[seq_pos] if \
                        0 <= seq_pos < len(given) else ()
                    passed = list(items) if isinstance(items, list | tuple) else []
                    extra = kw.get(kw_seq) if kw_seq in kw else given[seq_pos + 1] if \
                        kw_seq and 0 <= seq_pos < len(given) - 1 else None
                    named = dict(extra) if isinstance(extra, dict) else {}
                self.call_value(value, passed, named, n, scope)
                if short in ("partial", "partialmethod"):
                    out = Bound(value, passed, named)
        elif short in _MAPS and given and isinstance(given[0], Func | Std | Method | Bound):
            done = given[0]
            items = given[1] if len(given) > 1 else kw.get("iterable", kw.get("iterables"))
            for item in items[:16] if isinstance(items, list | tuple) and items else [
                    unknown(f"an item {short}() is handed")]:
                spread = short.startswith("starmap") and isinstance(item, list | tuple)
                self.call_value(done, list(item) if spread else [item], {}, n, scope)
        for v in [*args, *kw.values()]:
            if isinstance(v, Func) and v is not done and fname not in _CALLS_NOTHING:
                self.run_func(v, [], {}, scope, line, ev)
            elif isinstance(v, Cls) and fname not in _CALLS_NOTHING:
                self.instantiated.add(v.name)     # a handler class the library makes objects of
        return out

    def spread(self, n: ast.Call, args: list[Any], scope: dict[str, Any]) -> list[Any]:
        """The values of a call's positional arguments, a `*seq` of a known sequence spread."""
        if not any(isinstance(a, ast.Starred) for a in n.args):
            return args
        out: list[Any] = []
        for node, value in zip(n.args, args, strict=True):
            if isinstance(node, ast.Starred) and isinstance(value, list | tuple):
                out.extend(value)
            else:
                out.append(value)
        return out

    def call_value(self, value: Any, passed: list[Any], named: dict[str, Any], n: ast.Call,
                   scope: dict[str, Any]) -> Any:
        """Call a callable held as a value (a function, a library function's name, a method,
        a Bound) with values, as a call written at `n`."""
        marks = {f"\x00handed{i}": v for i, v in enumerate(passed)}
        named_marks = {f"\x00handed-{k}": v for k, v in named.items() if isinstance(k, str)}
        call = ast.copy_location(ast.Call(
            func=ast.Name("\x00handed-fn", ast.Load()),
            args=[ast.Name(k, ast.Load()) for k in marks],
            keywords=[ast.keyword(arg=k.removeprefix("\x00handed-"), value=ast.Name(k, ast.Load()))
                      for k in named_marks]), n)
        return self.call(call, {**scope, "\x00handed-fn": value, **marks, **named_marks})

    def reads_of(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, ...]:
        """The names a function's body reads (its parameters, the globals it uses), once."""
        hit = self._reads.get(id(node))
        if hit is None:
            hit = self._reads[id(node)] = tuple(sorted(
                {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
                | {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}))
        return hit

    # --- statements -----------------------------------------------------------------------

    def run(self, tree: ast.Module, scope: dict[str, Any]) -> None:
        self.globals = scope
        self.cur_place = self.place
        self.block(tree.body, scope)
        self.read_uncalled(scope)
        self.emptied_files()
        self.cur_place = self.place

    def read_uncalled(self, scope: dict[str, Any]) -> None:
        funcs: list[tuple[str, Func, Obj | None]] = [
            (name, fn, None) for name, fn in scope.items() if isinstance(fn, Func)]
        funcs += [(name, fn, Obj(cls)) for cls in list(scope.values()) if isinstance(cls, Cls)
                  for name, fn in cls.scope.items() if isinstance(fn, Func)]
        for name, fn, owner in funcs:
            if fn.reader is self and name not in self.called:
                self.called.add(name)
                inner = dict(scope)
                task = any(self.dotted(d.func if isinstance(d, ast.Call) else d, scope)
                           in _TASK_DECORATORS for d in fn.node.decorator_list)
                if task and fn.node.args.args:
                    # an invoke/fabric task: run by name from the command line (`inv wipe`),
                    # its first argument the context whose run() runs a shell command line
                    self.cur_place = replace(self.place, function=name, via=self.place.via + (
                        f"in task {name}() (invoke/fabric run it by name)",))
                    inner[fn.node.args.args[0].arg] = Command(runner=True)
                elif owner is not None and owner.cls.name in self.instantiated and (
                        name.startswith("__") and name.endswith("__") or owner.cls.library_base):
                    # __del__, __exit__, __call__ … of a class the program makes objects of
                    # (Python calls them itself), and the methods of one that extends a
                    # library's class (Thread.run, a socketserver handler's handle): the
                    # library calls them
                    self.cur_place = replace(self.place, function=name, via=self.place.via + (
                        f"in {owner.cls.name}.{name}(), which Python or the library calls",))
                else:
                    self.cur_place = replace(self.place, called=False, function=name, via=(
                        *self.place.via, f"in {name}(), which nothing here calls"))
                params = fn.node.args.args
                defaults = dict(zip([a.arg for a in params[len(params) -
                                                           len(fn.node.args.defaults):]],
                                    fn.node.args.defaults, strict=True))
                for a in params:
                    # a parameter with a default has it when nothing passes one (a task run
                    # by name from the command line)
                    inner.setdefault(a.arg, owner if owner is not None and a is params[0] else
                                     self.ev(defaults[a.arg], scope) if a.arg in defaults else
                                     unknown(f"argument {a.arg}"))
                self.block(fn.node.body, inner)
        self.cur_place = self.place

    def block(self, body: list[ast.stmt], scope: dict[str, Any]) -> Any:
        job = self.job
        for st in body:
            b = job.budget
            if b > 0 and b % CHECK_EVERY:      # Job.spend's common case, inline
                job.budget = b - 1
            elif job.spend("python", self.cur_place, st.lineno, partial(self.ev_text, st)):
                return None
            try:
                r = self.stmt(st, scope)
            except RecursionError:
                nested_too_deeply(self.job, self.cur_place, "python", st.lineno,
                                  self.ev_text(st)[:200])
                continue
            if r is not None:
                return r
        return None

    def stmt(self, st: ast.stmt, scope: dict[str, Any]) -> Any:
        if isinstance(st, ast.FunctionDef | ast.AsyncFunctionDef):
            scope[st.name] = self.decorated(st, Func(st, self), scope)
        elif isinstance(st, ast.ClassDef):
            cls = Cls(st.name)
            for b in st.bases:                      # inherited methods and attributes first
                base = self.ev(b, scope)
                if isinstance(base, Cls):
                    cls.scope.update(base.scope)
                    cls.library_base |= base.library_base
                elif isinstance(base, Std):
                    cls.library_base = True
            for member in st.body:
                if isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef):
                    cls.scope[member.name] = Func(member, self)
                elif isinstance(member, ast.Assign | ast.AnnAssign):
                    inner = {**scope, **cls.scope}
                    self.stmt(member, inner)
                    cls.scope.update({k: v for k, v in inner.items() if k not in scope})
            scope[st.name] = cls
        elif isinstance(st, ast.Assign):
            v = self.ev(st.value, scope)
            for t in st.targets:
                self.bind(t, v, scope)
        elif isinstance(st, ast.AnnAssign) and st.value is not None:
            self.bind(st.target, self.ev(st.value, scope), scope)
        elif isinstance(st, ast.AugAssign):
            cur = self.ev(st.target, scope)
            add = self.ev(st.value, scope)
            if isinstance(cur, list) and isinstance(add, list):
                self.bind(st.target, cur + add, scope)
            elif isinstance(st.op, ast.Add):
                self.bind(st.target, _s(cur) + _s(add), scope)
        elif isinstance(st, ast.Expr):
            self.ev(st.value, scope)
        elif isinstance(st, ast.For | ast.AsyncFor):
            it = self.ev(st.iter, scope)
            if isinstance(it, tuple) and it and it[0] == "file":
                it = file_lines(render(it[1]), self.job)
            if isinstance(it, dict):
                it = list(it)
            if isinstance(it, list | tuple) and 1 < len(it) <= MAX_LOOP and \
                    all(isinstance(x, list | tuple) for x in it):
                # records (oid, value, type) …: the body runs once for each
                r = None
                for item in it:
                    self.bind(st.target, item, scope)
                    r = self.block(st.body, scope) or r
                return r
            if isinstance(it, list) and len(it) > 1 and all(
                    isinstance(x, int) and not isinstance(x, bool) for x in it):
                val: Any = each_of([str(x) for x in it])      # range(…): each number
            elif isinstance(it, list) and len(it) > 1 and all(isinstance(x, str) and is_known(x) for x in it):
                val = each_of(list(it))
            elif isinstance(it, list) and it:
                val = it[0]
            elif isinstance(it, str) and markers(it):
                # a list known only when it runs: each item of it (reach all)
                val = it if is_known(it) else each_unknown(it)
            else:
                val = each_unknown(unknown(ast.unparse(st.iter)[:60]))
            self.bind(st.target, val, scope)
            return self.block(st.body, scope) or self.block(st.orelse, scope)
        elif isinstance(st, ast.While):
            return self.block(st.body, scope)
        elif isinstance(st, ast.If):
            raw = ast.unparse(st.test)
            g = gate_of(raw, raw, self.cur_place, st.lineno, lambda: self.ev_text(st),
                        negated=False)
            if raw.strip() == "__name__ == '__main__'":
                g = None
            saved = self.cur_place
            if g is not None:
                self.cur_place = replace(saved, gates=saved.gates + (g,))
            bound = _bounds(st.test)
            try:
                self.ev(st.test, scope)
                self.bounds += bound
                try:
                    r = self.block(st.body, scope)
                finally:
                    self.bounds -= bound
                if g is not None:       # the else branch runs outside the date window
                    self.cur_place = replace(saved, gates=saved.gates + (
                        replace(g, window=(None, None)),))
                r2 = self.block(st.orelse, scope)
            finally:
                self.cur_place = saved
            return r or r2
        elif isinstance(st, ast.With | ast.AsyncWith):
            for item in st.items:
                v = self.ev(item.context_expr, scope)
                if item.optional_vars is not None:
                    self.bind(item.optional_vars, v, scope)
                if isinstance(v, tuple) and v and v[0] == "file" and str(v[2]).startswith("w") \
                        and not (isinstance(item.optional_vars, ast.Name) and _uses_name(
                            st.body, item.optional_vars.id)):
                    # opened for writing, the file never used in the block: emptied
                    self.used_files.add(id(v))
                    self.destroy(self.cur_place, st.lineno, self.ev_text(st), v[1], "truncate")
                elif isinstance(v, tuple) and v[:1] == ("file",):
                    self.used_files.add(id(v))        # used in the block: judged there
            return self.block(st.body, scope)
        elif isinstance(st, ast.Try):
            r = self.block(st.body, scope)
            for h in st.handlers:
                self.block(h.body, scope)
            self.block(st.orelse, scope)
            self.block(st.finalbody, scope)
            return r
        elif isinstance(st, ast.Return):
            out = self.ev(st.value, scope) if st.value is not None else None
            if isinstance(out, tuple) and out[:1] == ("file",):
                self.used_files.add(id(out))          # handed to the caller
            return out
        elif isinstance(st, ast.Import | ast.ImportFrom):
            self.imports(st, scope)
        elif isinstance(st, ast.Global):
            scope["\x00global"] = scope.get("\x00global", frozenset()) | frozenset(st.names)
        return None

    def bind(self, t: ast.AST, v: Any, scope: dict[str, Any]) -> None:
        if isinstance(t, ast.Name):
            scope[t.id] = v
            if t.id in scope.get("\x00global", ()) and scope is not self.globals:
                self.globals[t.id] = v          # `global NAME` in a function: the module's
        elif isinstance(t, ast.Tuple | ast.List):
            vals = v if isinstance(v, list | tuple) and len(v) == len(t.elts) else [v] * len(t.elts)
            for e, x in zip(t.elts, vals, strict=False):
                self.bind(e, x, scope)
        elif isinstance(t, ast.Subscript | ast.Attribute) and isinstance(v, tuple) and \
                v[:1] == ("file",):
            self.used_files.add(id(v))                # kept (sys.stdout = f, self.out = f)
            self.bind_into(t, v, scope)
        else:
            self.bind_into(t, v, scope)

    def bind_into(self, t: ast.AST, v: Any, scope: dict[str, Any]) -> None:
        if isinstance(t, ast.Subscript):
            base = self.ev(t.value, scope)
            if isinstance(base, dict):
                base[_s(self.ev(t.slice, scope))] = v
        elif isinstance(t, ast.Attribute):
            base = self.ev(t.value, scope)
            if isinstance(base, Obj):
                base.attrs[t.attr] = v                # self.conn = ConnectHandler(…)
            elif isinstance(base, Cls | Module):
                base.scope[t.attr] = v                # Cfg.path = …, settings.TARGET = …

    def imports(self, st: ast.Import | ast.ImportFrom, scope: dict[str, Any]) -> None:
        names = [a.name for a in st.names] if isinstance(st, ast.Import) else [st.module or ""]
        for mod in names:
            found = self.module(mod)
            if found is None:
                # not captured (the standard library): the names still say what is called
                if isinstance(st, ast.Import):
                    for a in st.names:
                        if a.asname:
                            scope[a.asname] = Std(a.name)
                        else:       # `import os.path` binds os: `f = os.remove` keeps the name
                            scope.setdefault(a.name.split(".")[0], Std(a.name.split(".")[0]))
                else:
                    for a in st.names:
                        if a.name != "*" and mod:
                            scope[a.asname or a.name] = Std(f"{mod}.{a.name}")
                continue
            if isinstance(st, ast.Import):
                scope[mod.split(".")[0]] = found
            else:
                for a in st.names:
                    if a.name == "*":
                        scope.update(found.scope)
                    elif a.name in found.scope:
                        scope[a.asname or a.name] = found.scope[a.name]

    def module(self, mod: str) -> Module | None:
        if not mod:
            return None
        rel = mod.replace(".", "/") + ".py"
        here = (self.place.path or "").rsplit("/", 1)[0]
        dirs = [here] + [p.lstrip("/") for p in self.paths if is_known(p)]
        for cand in [f"{d}/{rel}" for d in dirs] + [f"{d}/{mod.replace('.', '/')}/__init__.py"
                                                     for d in dirs]:
            text = self.job.text_of(cand)
            if text is None:
                continue
            try:
                tree = _parse(text)
            except (SyntaxError, ValueError):
                return None
            sub = _Py(text, self.job, replace(self.place, path=cand, anchor=None, offset=0))
            scope: dict[str, Any] = {}
            sub.globals = scope
            sub.cur_place = sub.place
            sub.called = set()
            for st in tree.body:
                if isinstance(st, ast.FunctionDef | ast.AsyncFunctionDef | ast.Assign | ast.AnnAssign
                              | ast.Import | ast.ImportFrom):
                    sub.stmt(st, scope)
            return Module(scope)
        return None


def _parse(text: str) -> ast.Module:
    """The module's tree; the program's own invalid escape sequences are its business."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        return ast.parse(text)


def read_python(text: str, job: Job, place: Place, env: dict[str, str]) -> None:
    try:
        tree = _parse(text)
    except (SyntaxError, ValueError):
        # a fragment (an inline program split oddly, Python 2): try once without the first line
        try:
            tree = _parse(text.split("\n", 1)[1] if "\n" in text else "")
            place = replace(place, offset=place.offset + 1)
        except (SyntaxError, ValueError):
            if re.search(r"\b(?:rmtree|remove|unlink|system|subprocess|snmp|netmiko|paramiko|"
                         r"telnetlib|send|execute)\b", text):
                job.sink.append(place.effect("unparsed", 1, text.split("\n", 1)[0][:200],
                                             target="python (not valid Python 3)",
                                             how="touches devices or data"))
            return
    r = _Py(text, job, place)
    scope: dict[str, Any] = {"__name__": "__main__"}
    scope.update({k: v for k, v in env.items() if not k.isdigit() and k != "@"})
    # os.environ: the variables the program is started with
    scope[_ENVIRON] = {k: v for k, v in env.items() if not k.isdigit() and k != "@"}
    # sys.argv and __file__: the program's path ($0 of whoever runs it) and its arguments
    scope.update({f"\x00argv{k}": v for k, v in env.items() if k.isdigit()})
    if "0" in env and env["0"] != "-c":
        scope["__file__"] = env["0"]
    r.run(tree, scope)


READERS["python"] = read_python


def _uses_name(body: list[ast.stmt], name: str) -> bool:
    """Whether any statement of `body` names `name`."""
    return any(isinstance(x, ast.Name) and x.id == name for b in body for x in ast.walk(b))
