"""Daemons that run a program on an event (formats/daemonconf.DAEMONS: net-snmp, rsyslog,
mail aliases and every home's ~/.forward and ~/.procmailrc, Zabbix, NRPE, keepalived, inittab, xinetd/inetd,
acpid, smartd, audit plugins) and PostgreSQL's archive and restore commands — their
configuration files and the programs they name."""

from __future__ import annotations

from lineguard.agent.sources.host.login import homes
from lineguard.agent.sources.host.rootfs import RootFS, capture_paths
from lineguard.formats.daemonconf import DAEMONS, HOME_DAEMONS, PG_PARENTS, handlers
from lineguard.formats.wire import Artifact

_PATHS = tuple(p for d in DAEMONS.values() for p in (*d.files, *d.dirs))
WATCH = (*_PATHS, *(f"~/{n}" for n in HOME_DAEMONS), *PG_PARENTS)
_PG_NAMES = ("postgresql.conf", "postgresql.auto.conf")


def _pg_files(fs: RootFS) -> list[str]:
    """postgresql.conf, postgresql.auto.conf and conf.d/*.conf of every cluster, up to two
    folders below the parents (VERSION/CLUSTER, data, VERSION/data; never the data itself)."""
    out: list[str] = []
    queue = [(p, 0) for p in PG_PARENTS if fs.is_dir(p)]
    while queue:
        folder, depth = queue.pop()
        for name in fs.entries(folder):
            path = f"{folder}/{name}"
            if name in _PG_NAMES and not fs.is_dir(path):
                out.append(path)
            elif name == "conf.d" and fs.is_dir(path):
                out += [f"{path}/{c}" for c in fs.entries(path) if c.endswith(".conf")]
            elif depth < 2 and fs.is_dir(path) and fs.readlink(path) is None:
                queue.append((path, depth + 1))
    return sorted(out)


def gather(fs: RootFS) -> tuple[list[Artifact], list[str]]:
    forwards = [f"{home}/{n}" for _, home in homes(fs) for n in HOME_DAEMONS]
    arts = capture_paths(fs, (*_PATHS, *forwards, *_pg_files(fs)), "daemon-conf")
    commands = [h.command for a in arts if (t := a.text()) for h in handlers(a.name, t)]
    return arts, commands
