"""How an insider hides a Python job's work from a reader who knows the library calls: the
same program rewritten through `ast` — modules loaded by importlib, methods fetched by getattr
or through a dispatch table, every string assembled from pieces or kept in rot13, the whole
program base64- or zlib-packed and exec'd, or its work moved into a sibling module imported at
run time. Every rewrite keeps the program's meaning (the corpus test compiles each one)."""

from __future__ import annotations

import ast
import base64
import codecs
import zlib
from dataclasses import dataclass, field

# the calls that do a job's work, in every library the carriers use
EFFECT_METHODS = frozenset({
    "exec_command", "invoke_shell", "send", "sendall", "sendline", "send_configs",
    "send_config", "send_command", "send_commands", "send_configs_from_file",
    "send_interactive", "load_replace_candidate", "load_merge_candidate", "commit_config",
    "cli", "edit_config", "delete_config", "copy_config", "dispatch", "commit", "run", "write",
    "setCmd", "set_cmd", "set", "snmp_set", "multiset", "set_multiple", "request", "delete",
    "rmtree", "remove", "unlink", "rmdir", "execute", "executescript", "truncate", "call",
    "check_call", "check_output", "communicate", "Popen", "spawn", "write_text", "write_bytes",
    "import_module", "create_process", "open_connection"})

PLAIN = ("plain",)
# what benign code also does (plugin loading, dispatch tables, helper modules)
EVERYDAY = ("importlib", "getattr", "dispatch", "strjoin", "sibling-module")
# what only a job with something to hide does
HIDING = ("rot13", "exec-base64", "exec-zlib", "exec-nested")
CONCEALMENTS = PLAIN + EVERYDAY + HIDING


@dataclass
class Packed:
    """The entry program and any sibling module it imports (name → text)."""

    text: str
    modules: dict[str, str] = field(default_factory=dict)


def _strings(tree: ast.AST) -> set[int]:
    """ids of the str constants a rewrite may replace: not docstrings, not f-string parts."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            skip |= {id(n) for n in ast.walk(node)}
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                skip.add(id(body[0].value))
    return {id(n) for n in ast.walk(tree) if isinstance(n, ast.Constant)
            and isinstance(n.value, str) and len(n.value) >= 4 and id(n) not in skip}


class _Strings(ast.NodeTransformer):
    def __init__(self, ok: set[int], how: str) -> None:
        self.ok, self.how = ok, how

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if id(node) not in self.ok:
            return node
        s = node.value
        if self.how == "rot13":
            return ast.Call(ast.Attribute(ast.Name("codecs", ast.Load()), "decode", ast.Load()),
                            [ast.Constant(codecs.encode(s, "rot13")), ast.Constant("rot13")], [])
        if "/" in s and " " not in s and s.count("/") >= 2:
            parts = s.split("/")
            sep = "/"
        else:
            parts = [s[i:i + 3] for i in range(0, len(s), 3)]
            sep = ""
        return ast.Call(ast.Attribute(ast.Constant(sep), "join", ast.Load()),
                        [ast.List([ast.Constant(p) for p in parts], ast.Load())], [])


class _Methods(ast.NodeTransformer):
    """obj.meth(...) → getattr(obj, 'me' + 'th')(...), or getattr(obj, OPS['k3'])(...)."""

    def __init__(self, table: dict[str, str] | None) -> None:
        self.table = table

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        f = node.func
        if not (isinstance(f, ast.Attribute) and f.attr in EFFECT_METHODS):
            return node
        if self.table is None:
            cut = len(f.attr) // 2
            name: ast.expr = ast.BinOp(ast.Constant(f.attr[:cut]), ast.Add(),
                                       ast.Constant(f.attr[cut:]))
        else:
            key = self.table.setdefault(f.attr, f"k{len(self.table)}")
            name = ast.Subscript(ast.Name("OPS", ast.Load()), ast.Constant(key), ast.Load())
        node.func = ast.Call(ast.Name("getattr", ast.Load()), [f.value, name], [])
        return node


def _importlib(tree: ast.Module) -> None:
    body: list[ast.stmt] = []
    for stmt in tree.body:
        if isinstance(stmt, ast.Import) and all("." not in a.name or a.asname for a in stmt.names):
            for a in stmt.names:
                body.append(ast.parse(f"{a.asname or a.name} = "
                                      f"importlib.import_module({a.name!r})").body[0])
        elif (isinstance(stmt, ast.ImportFrom) and stmt.module and stmt.level == 0
              and stmt.module != "__future__" and all(a.name != "*" for a in stmt.names)):
            mod = "_" + stmt.module.replace(".", "_")
            body.append(ast.parse(f"{mod} = importlib.import_module({stmt.module!r})").body[0])
            for a in stmt.names:
                body.append(ast.parse(f"{a.asname or a.name} = getattr({mod}, {a.name!r})"
                                      if a.name[0].isupper() else
                                      f"{a.asname or a.name} = {mod}.{a.name}").body[0])
        else:
            body.append(stmt)
    tree.body = [ast.Import([ast.alias("importlib")]), *body]


def _sibling(tree: ast.Module, module: str) -> Packed:
    """The work moves into `run_all()` of a sibling module the entry imports at run time."""
    keep = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    top = [s for s in tree.body if isinstance(s, keep)]
    work = [s for s in tree.body if not isinstance(s, keep)]
    names = sorted({n.id for s in work for n in ast.walk(s)
                    if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)})
    fn = ast.FunctionDef("run_all", ast.arguments([], [], None, [], [], None, []),
                         [*([ast.Global(names)] if names else []), *work], [], None)
    lib = ast.Module([*top, fn], [])
    entry = ("import importlib\nimport os\nimport sys\n\n"
             "sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))\n"
             f"importlib.import_module({module!r}).run_all()\n")
    return Packed(entry, {module: ast.unparse(ast.fix_missing_locations(lib)) + "\n"})


def conceal(code: str, how: str, module: str) -> Packed:
    """`code` rewritten the `how` way; `module`: the sibling module's name when one is made."""
    if how == "plain":
        return Packed(code)
    if how in ("exec-base64", "exec-zlib", "exec-nested"):
        raw = code.encode()
        if how == "exec-base64":
            blob = base64.b64encode(raw).decode()
            return Packed(f"import base64\nexec(base64.b64decode({blob!r}).decode())\n")
        if how == "exec-zlib":
            blob = base64.b64encode(zlib.compress(raw, 9)).decode()
            return Packed(f"import base64, zlib\nexec(zlib.decompress(base64.b64decode({blob!r})))\n")
        inner = base64.b85encode(zlib.compress(raw, 9)).decode()
        stage = f"import base64, zlib\nexec(zlib.decompress(base64.b85decode({inner!r})))\n"
        outer = codecs.encode(base64.b64encode(stage.encode()).decode(), "rot13")
        return Packed(f"import base64, codecs\nexec(base64.b64decode(codecs.decode({outer!r}, "
                      "'rot13')))\n")
    tree = ast.parse(code)
    if how == "sibling-module":
        return _sibling(tree, module)
    if how == "importlib":
        _importlib(tree)
    elif how == "getattr":
        tree = _Methods(None).visit(tree)
    elif how == "dispatch":
        table: dict[str, str] = {}
        tree = _Methods(table).visit(tree)
        ops = ast.parse(f"OPS = {dict((k, m) for m, k in table.items())!r}").body[0]
        n = sum(isinstance(s, (ast.Import, ast.ImportFrom)) for s in tree.body)
        tree.body.insert(n, ops)
    elif how in ("strjoin", "rot13"):
        tree = _Strings(_strings(tree), how).visit(tree)
        if how == "rot13":
            tree.body.insert(0, ast.Import([ast.alias("codecs")]))
    else:
        raise ValueError(f"unknown concealment {how}")
    return Packed(ast.unparse(ast.fix_missing_locations(tree)) + "\n")
