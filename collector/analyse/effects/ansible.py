"""Ansible playbooks and ad-hoc commands that configure network elements: the command lines each
task's network module sends (`*_config` `lines` under their `parents`, or a `src` file;
`*_command` `commands`; `cli_command`/`cli_config`; `netconf_config` content) to the hosts of
the play — every device of the inventory file when one is given."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from typing import Any

import yaml

from lineguard.collector.analyse.effects.model import is_known, markers
from lineguard.collector.analyse.effects.resolve import each_of

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONFIG = re.compile(r"(?:^|\.)(?:\w+_config|cli_config|netconf_config)$")
_COMMAND = re.compile(r"(?:^|\.)(?:\w+_command|cli_command|netconf_rpc)$")
# `*_config` options that replace the device's whole configuration with what is sent
# (ios/nxos/eos `replace: config`; junos `update: override`), as the device's CLI says it
_WHOLE_CONFIG = {"config": "configure replace", "override": "load override"}
_TASK_LISTS = ("tasks", "pre_tasks", "post_tasks", "handlers", "block", "rescue", "always")
# ansible and ansible-playbook options that take a value
_OPT_VALUES = frozenset({"-i", "--inventory", "-e", "--extra-vars", "-l", "--limit", "-t",
                         "--tags", "-u", "--user", "-f", "--forks", "-M", "--module-path",
                         "-c", "--connection", "-m", "--module-name", "-a", "--args",
                         "--vault-password-file", "--private-key", "-T", "--timeout",
                         "--skip-tags", "-B", "-P"})


def _list(v: Any) -> list[str]:
    if v is None:
        return []
    if isinstance(v, list):
        return [str(x.get("command", "")) if isinstance(x, dict) else str(x) for x in v]
    return [x for x in str(v).split("\n") if x.strip()]


def module_lines(module: str, args: Any, read: Callable[[str], str]) -> list[str]:
    """The command lines one network module call sends (none for any other module)."""
    if isinstance(args, str):
        # ad-hoc k=v arguments: a list option given as text is split at its commas
        args = {k: v.split(",") if k in ("lines", "commands", "parents") else v
                for k, v in (kv.split("=", 1) for kv in shlex.split(args) if "=" in kv)}
    if not isinstance(args, dict):
        return []
    if _CONFIG.search(module):
        whole = _WHOLE_CONFIG.get(str(args.get("replace") or args.get("update") or "").lower())
        if whole is not None:
            # the device's whole configuration becomes the file (or lines) sent: what it
            # does not hold is removed
            sent = _list(read(str(args["src"]))) if args.get("src") else _list(
                args.get("lines") or args.get("config"))
            body = " ".join(x.strip() for x in sent if x.strip() not in ("", "!", "end"))
            return [f"{whole} {body[:80] or '<an empty configuration>'}", *sent]
        if args.get("src"):
            return _list(read(str(args["src"])))
        if args.get("content"):
            return [str(args["content"])]
        lines = _list(args.get("lines") or args.get("commands") or args.get("config"))
        return _list(args.get("parents")) + lines
    if _COMMAND.search(module):
        return _list(args.get("commands") or args.get("command") or args.get("rpc"))
    return []


_SHELL = re.compile(r"(?:^|\.)(?:shell|command|raw|script)$")


def shell_command(module: str, args: Any) -> str | None:
    """The command line a shell/command/raw/script module runs on its hosts (ad-hoc `-a TEXT`,
    whose module is `command` when none is named; a task's text or its cmd/argv), or None."""
    if not _SHELL.search(module or "command"):
        return None
    if isinstance(args, dict):
        argv = args.get("argv")
        if isinstance(argv, list):
            return " ".join(shlex.quote(str(a)) for a in argv)
        args = args.get("cmd") or args.get("_raw_params") or args.get("free_form")
    return str(args) if isinstance(args, str) and args.strip() else None


def shell_tasks(text: str) -> list[tuple[str, str]]:
    """(the play's hosts, command line) for every shell/command/raw/script task of a playbook."""
    try:
        doc = yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError:
        return []
    out: list[tuple[str, str]] = []
    for play in doc if isinstance(doc, list) else []:
        if isinstance(play, dict):
            out += [(str(play.get("hosts", "all")), cmd) for task in _tasks([play])
                    for module, args in task.items() if _SHELL.search(str(module))
                    and (cmd := shell_command(str(module), args))]
    return out


def _tasks(items: Any) -> list[dict]:
    out: list[dict] = []
    for t in items if isinstance(items, list) else []:
        if not isinstance(t, dict):
            continue
        out.append(t)
        for key in _TASK_LISTS:
            out += _tasks(t.get(key))
    return out


def playbook(text: str, read: Callable[[str], str]) -> list[tuple[str, list[str]]]:
    """(the play's hosts, command lines) for every network task of a playbook."""
    try:
        doc = yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError:
        return []
    out: list[tuple[str, list[str]]] = []
    for play in doc if isinstance(doc, list) else []:
        if not isinstance(play, dict):
            continue
        hosts = str(play.get("hosts", "all"))
        for task in _tasks([play]):
            for module, args in task.items():
                lines = module_lines(str(module), args, read)
                if lines:
                    out.append((hosts, lines))
    return out


def inventory_hosts(text: str, pattern: str) -> str:
    """The hosts an INI inventory lists (every host when it cannot be read: the text stands for
    the file's entries)."""
    if markers(text) or not is_known(text):
        return text
    hosts = [ln.split()[0] for ln in text.split("\n")
             if ln.strip() and not ln.lstrip().startswith(("[", "#", ";"))]
    hosts = list(dict.fromkeys(h for h in hosts if "=" not in h))
    if not hosts:
        return pattern
    return hosts[0] if len(hosts) == 1 else each_of(hosts)


def command(argv: list[str]) -> tuple[str, list[str], str, str]:
    """(inventory, playbooks, ad-hoc module, ad-hoc args) of an ansible(-playbook) command."""
    inventory, ops, module, args = "", [], "", ""
    i = 1
    while i < len(argv):
        a = argv[i]
        value = argv[i + 1] if i + 1 < len(argv) else ""
        if a in ("-i", "--inventory"):
            inventory = value
        elif a in ("-m", "--module-name"):
            module = value
        elif a in ("-a", "--args"):
            args = value
        if a in _OPT_VALUES:
            i += 2
            continue
        if a.startswith("--inventory="):
            inventory = a.split("=", 1)[1]
        elif not a.startswith("-"):
            ops.append(a)
        i += 1
    return inventory, ops, module, args
