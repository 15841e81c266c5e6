"""The false-alarm corpus: real cron, anacron and systemd-timer files shipped by Debian packages,
with the scripts they run, turned into Job records and artifacts for the destructive-action judge.

Built once by `apt-get download` + `dpkg-deb -x` into a cache directory
($LINEGUARD_CORPUS_DIR, else ~/.cache/lineguard-corpus) and reused across runs. Run as a script
to (re)build it and print what it holds: `python tests/falsealarm.py`.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lineguard.collector.model import (
    AnacronTrigger,
    CalendarTrigger,
    CronTrigger,
    Job,
)
from lineguard.formats.wire import Artifact

# Packages whose .deb ships /etc/cron.*, /etc/anacrontab or systemd timers on Debian 12.
PACKAGES = (
    "cron", "anacron", "logrotate", "man-db", "apt", "dpkg", "e2fsprogs", "util-linux", "mdadm",
    "sysstat", "popularity-contest", "apache2", "exim4-base", "ntpsec", "php-common", "plocate",
    "locate", "bsdmainutils", "debsums", "chkrootkit", "rkhunter", "sa-exim", "spamassassin",
    "certbot", "unattended-upgrades", "apt-listchanges", "clamav-freshclam", "logwatch",
    "tmpreaper", "needrestart", "btrfs-progs", "smartmontools", "systemd", "dma", "postfix",
    "fail2ban", "apt-show-versions", "sendmail-base", "quota", "aide", "awstats", "munin-node",
    "rsnapshot", "etckeeper", "xfsprogs", "tiger", "apticron", "checksecurity",
    "debian-security-support", "cyrus-common", "dovecot-core", "fwupd", "mailman3", "nagios4",
    "cacti", "amavisd-new",
    # Backup and housekeeping tools: real pruning of old archives, the routine work that must
    # stay quiet.
    "autopostgresqlbackup", "automysqlbackup", "backup-manager", "backupninja", "cron-apt",
    "logcheck", "apt-xapian-index", "acct", "webalizer", "roundcube-core", "greylistd", "sarg",
    "munin", "tripwire", "apt-listbugs",
    # What a network-management server runs besides: the config archiver (rancid-run and its
    # cron.d file, tests/realjobs), NMS pollers and monitoring plugins, backup and retention
    # tools, certificate renewal.
    "rancid", "mrtg", "smokeping", "icinga2-common", "nagios-nrpe-server",
    "monitoring-plugins-basic", "monitoring-plugins-standard", "nagios-snmp-plugins",
    "zabbix-agent", "zabbix-server-pgsql", "snmptt", "cacti-spine", "mon", "collectd-core",
    "prometheus-node-exporter-collectors", "nfdump", "borgmatic", "duply", "rdiff-backup",
    "pgbackrest", "barman", "bacula-director", "elasticsearch-curator", "dehydrated",
) + (
    # Packages that ship code run by other triggers: boot (init.d, systemd units), network
    # hooks (if-*.d, NetworkManager dispatcher), udev rules with RUN+=, logrotate scripts, apt
    # hooks, login files (profile.d, bashrc) and PAM configuration.
    "rsyslog", "nginx-common", "squid", "bind9", "isc-dhcp-server", "openssh-server",
    "cups-daemon", "mariadb-server", "postgresql-common", "redis-server", "haproxy", "lighttpd",
    "openvpn", "ifupdown", "resolvconf", "chrony", "network-manager", "ethtool", "wpasupplicant",
    "vlan", "bridge-utils", "avahi-daemon", "nfs-common", "rpcbind", "udev", "lvm2",
    "multipath-tools", "open-iscsi", "usbmuxd", "bluez", "alsa-utils", "fuse3", "hdparm",
    "command-not-found", "packagekit", "appstream", "bash-completion", "gawk", "flatpak",
    "environment-modules", "bash", "base-files", "libpam-runtime", "login", "sudo",
    "procps", "kmod", "console-setup-linux", "x11-common", "uuid-runtime", "netfilter-persistent",
    "snmpd", "tftpd-hpa", "vsftpd", "keepalived", "rsync", "dnsmasq", "apparmor",
    "libvirt-daemon-system", "samba", "nftables", "ifenslave",
)
# A second corpus, judged by tests/test_false_alarms_ops.py beside the first (which, and the
# benchmark over it, stay as they were): what else a network-management server runs on a
# timer: snapshot and backup retention that prunes by age or count (sanoid, btrbk, snapper,
# dirvish, storeBackup), package mirrors and caches that expire their files, accounting and
# traffic collectors, AAA, DHCP, DNS and directory servers, UPS daemons, monitoring agents and
# plugins, certificate renewal clients, security auditors.
OPS_PACKAGES = (
    "apt-mirror", "apt-cacher-ng", "approx", "atop", "sanoid", "btrbk", "snapper", "dirvish",
    "storebackup", "debsecan", "arpwatch", "vnstat", "freeradius", "auditd", "apcupsd",
    "nut-server", "syslog-ng-core", "conserver-server", "kea-dhcp4-server", "unbound", "slapd",
    "icinga2-bin", "monitoring-plugins-contrib", "pgbouncer", "lynis", "samhain", "fping",
    "uacme", "acme-tiny", "pdns-server", "torrus-common", "mariadb-backup", "postgresql-15",
)
# Packages whose hooks (non-clock triggers) the corpus must hold at least.
MIN_HOOK_PACKAGES = 30
MIN_PACKAGES = 30
_RUN_PARTS_NAME = re.compile(r"^[A-Za-z0-9_-]+$")     # run-parts skips anything else
_CRON_DIRS = ("etc/cron.hourly", "etc/cron.daily", "etc/cron.weekly", "etc/cron.monthly",
              "etc/cron.yearly")
_UNIT_DIRS = ("lib/systemd/system", "usr/lib/systemd/system", "etc/systemd/system")
_ABS_PATH = re.compile(r"(?<![\w.$}-])/(?:[\w.+@-]+/)*[\w.+@-]+")
_MAX_SCRIPT = 1_000_000


class CorpusUnavailable(RuntimeError):
    """apt could not fetch the packages (no network, no apt)."""


def cache_dir() -> Path:
    return Path(os.environ.get("LINEGUARD_CORPUS_DIR") or Path.home() / ".cache/lineguard-corpus")


def _run(cmd: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600)


def build(packages: tuple[str, ...] = PACKAGES, where: Path | None = None) -> Path:
    """Download and unpack each package once; returns the directory holding one tree per package."""
    base = where or cache_dir()
    debs, trees = base / "debs", base / "trees"
    debs.mkdir(parents=True, exist_ok=True)
    trees.mkdir(parents=True, exist_ok=True)
    day_ago = time.time() - 86400
    missing = [p for p in packages if not (trees / p / ".done").exists()
               and not ((trees / f"{p}.unavailable").exists()
                        and (trees / f"{p}.unavailable").stat().st_mtime > day_ago)]
    if not missing:
        return _enough(trees, packages, debs)
    have = {d.name.split("_", 1)[0] for d in debs.glob("*.deb")}
    todo = [p for p in missing if p not in have]
    if todo:
        got = _run(["apt-get", "download", *todo], cwd=debs)
        if got.returncode != 0:
            # The package lists may be absent or stale on a fresh machine.
            _run(["apt-get", "update"])
            for pkg in todo:                # one by one, so one vanished package costs only itself
                _run(["apt-get", "download", pkg], cwd=debs)
    for pkg in missing:
        deb = next(iter(sorted(debs.glob(f"{pkg}_*.deb"))), None)
        if deb is None:
            # Not in this release (or not fetchable now): do not ask apt again for a day.
            (trees / f"{pkg}.unavailable").write_text("")
            continue
        out = trees / pkg
        out.mkdir(exist_ok=True)
        if _run(["dpkg-deb", "-x", str(deb), str(out)]).returncode == 0:
            (out / ".done").write_text(deb.name + "\n")
    return _enough(trees, packages, debs)


def unpacked(trees: Path, packages: tuple[str, ...] = PACKAGES) -> list[Path]:
    """The unpacked trees of the corpus's own packages: the cache is shared (other corpora and
    sweeps unpack more packages beside them), and the corpus is what it declares."""
    wanted = set(packages)
    return sorted(p for p in trees.iterdir() if p.name in wanted and (p / ".done").exists())


def _enough(trees: Path, packages: tuple[str, ...], debs: Path) -> Path:
    done = [p for p in packages if (trees / p / ".done").exists()]
    if len(done) < min(MIN_PACKAGES, len(packages) * 3 // 4):     # most of a short list
        raise CorpusUnavailable(f"only {len(done)} of {len(packages)} packages could be fetched "
                                f"with apt-get download into {debs}")
    return trees


def scripts(tree: Path) -> Iterator[tuple[str, bytes]]:
    """(name in the package, content) of every script a package ships: a #! file, .sh or .py
    under 500 kB that is not a binary."""
    for path in sorted(tree.rglob("*")):
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 500_000:
            continue
        if not path.name.endswith((".sh", ".py")):
            with path.open("rb") as f:
                if f.read(2) != b"#!":
                    continue
        data = path.read_bytes()
        if b"\x00" not in data[:4096]:
            yield str(path.relative_to(tree)), data


@dataclass(frozen=True)
class CorpusJob:
    package: str
    job: Job


@dataclass(frozen=True)
class Corpus:
    packages: tuple[str, ...]             # packages that contributed at least one job
    files: dict[str, Artifact]            # every schedule file and script, by artifact name
    jobs: tuple[CorpusJob, ...]
    schedule_files: tuple[str, ...]


def _read_text(path: Path) -> str | None:
    if not path.is_file() or path.stat().st_size > _MAX_SCRIPT:
        return None
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        return None                         # a binary: nothing a line rule can read
    return data.decode("utf-8", errors="replace")


class _Tree:
    """The union of all unpacked packages, looked up like one root filesystem."""

    def __init__(self, trees: Path, packages: tuple[str, ...]):
        self.roots = [(p, trees / p) for p in packages if (trees / p / ".done").exists()]
        self.files: dict[str, Artifact] = {}
        self.index: dict[str, Path] = {}        # relative name -> first package tree holding it
        for _, root in self.roots:
            for d, _dirs, names in os.walk(root):
                rel = os.path.relpath(d, root)
                for n in names:
                    self.index.setdefault(n if rel == "." else f"{rel}/{n}", root)

    def find(self, name: str) -> Path | None:
        root = self.index.get(name)
        if root is None:
            return None
        p = root / name
        if p.is_symlink():
            target = os.readlink(p)
            p = (root / target.lstrip("/")) if target.startswith("/") else p.parent / target
        return p if p.is_file() else None

    def capture(self, name: str) -> bool:
        if name in self.files:
            return True
        path = self.find(name)
        text = _read_text(path) if path else None
        if text is None:
            return False
        self.files[name] = Artifact.from_bytes(name, "script", text.encode("utf-8"))
        return True

    def follow(self, text: str, seen: set[str], depth: int = 0) -> list[str]:
        """Artifact names of scripts the text runs or sources, transitively, that are present."""
        out: list[str] = []
        for m in _ABS_PATH.finditer(text):
            name = m.group(0).lstrip("/")
            if name in seen or name.startswith(("dev/", "proc/", "sys/", "tmp/")):
                continue
            seen.add(name)
            if self.capture(name):
                out.append(name)
                if depth < 3:
                    out.extend(self.follow(self.files[name].text() or "", seen, depth + 1))
        return out


def _cron_lines(text: str, with_user: bool) -> Iterator[tuple[int, str, str, str]]:
    """(line, schedule, user, command) for every job line of a crontab."""
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#") or re.match(r"^[A-Za-z_][\w]*\s*=", line):
            continue
        fields = line.split()
        n = 1 if fields[0].startswith("@") else 5
        if len(fields) <= n + (1 if with_user else 0):
            continue
        user = fields[n] if with_user else "root"
        cmd = line.split(None, n + (1 if with_user else 0))[-1]
        yield no, " ".join(fields[:n]), user, cmd


def _job(tree: _Tree, source: str, origin: str, line: int | None, owner: str, schedule: str,
         command: str, trigger, extra: tuple[str, ...] = ()) -> Job:
    seen: set[str] = set(extra)
    files = list(extra) + tree.follow(command, seen)
    for name in extra:
        files.extend(tree.follow(tree.files[name].text() or "", seen))
    return Job(target="corpus", source=source, origin_path=origin, origin_line=line, owner=owner,
               schedule=schedule, command=command, trigger=trigger, files=tuple(dict.fromkeys(files)))


def _unit_values(text: str, key: str) -> list[str]:
    vals = []
    for raw in text.splitlines():
        m = re.match(rf"^\s*{key}\s*=\s*(.*)$", raw)
        if m:
            vals.append(m.group(1).strip())
    return vals


def load(trees: Path | None = None, packages: tuple[str, ...] = PACKAGES) -> Corpus:
    trees = trees or build(packages)
    tree = _Tree(trees, packages)
    jobs: list[CorpusJob] = []
    schedules: list[str] = []
    for pkg, root in tree.roots:
        for rel in ("etc/crontab", "etc/anacrontab"):
            if (root / rel).is_file():
                tree.capture(rel)
                schedules.append(rel)
                text = tree.files[rel].text() or ""
                if rel == "etc/crontab":
                    for no, sched, user, cmd in _cron_lines(text, with_user=True):
                        jobs.append(CorpusJob(pkg, _job(tree, "cron", rel, no, user, sched, cmd,
                                                        CronTrigger(sched))))
                else:
                    for no, raw in enumerate(text.splitlines(), 1):
                        f = raw.split(None, 3)
                        if len(f) == 4 and not raw.lstrip().startswith("#") and "=" not in f[0]:
                            jobs.append(CorpusJob(pkg, _job(
                                tree, "anacron", rel, no, "root", f"{f[0]} {f[1]}", f[3],
                                AnacronTrigger(f[0], int(f[1]) if f[1].isdigit() else 0))))
        crond = root / "etc/cron.d"
        for f in sorted(crond.iterdir()) if crond.is_dir() else ():
            rel = f"etc/cron.d/{f.name}"
            if not _RUN_PARTS_NAME.match(f.name) or not tree.capture(rel):
                continue
            schedules.append(rel)
            for no, sched, user, cmd in _cron_lines(tree.files[rel].text() or "", with_user=True):
                jobs.append(CorpusJob(pkg, _job(tree, "cron", rel, no, user, sched, cmd,
                                                CronTrigger(sched))))
        for d in _CRON_DIRS:
            for f in sorted((root / d).iterdir()) if (root / d).is_dir() else ():
                rel = f"{d}/{f.name}"
                if not _RUN_PARTS_NAME.match(f.name) or not tree.capture(rel):
                    continue
                schedules.append(rel)
                period = d.split(".", 1)[1]
                jobs.append(CorpusJob(pkg, _job(tree, "run-parts", rel, None, "root",
                                                f"@{period}", "/" + rel,
                                                AnacronTrigger(f"@{period}", 5), extra=(rel,))))
        for d in _UNIT_DIRS:
            for timer in sorted((root / d).glob("*.timer")) if (root / d).is_dir() else ():
                rel = f"{d}/{timer.name}"
                if not tree.capture(rel):
                    continue
                schedules.append(rel)
                ttext = tree.files[rel].text() or ""
                unit = (_unit_values(ttext, "Unit") or [timer.name[:-6] + ".service"])[0]
                srel = f"{d}/{unit}"
                if not tree.capture(srel):
                    continue
                stext = tree.files[srel].text() or ""
                cal = CalendarTrigger(calendars=tuple(_unit_values(ttext, "OnCalendar")))
                user = (_unit_values(stext, "User") or ["root"])[0]
                for raw in _unit_values(stext, "ExecStart"):
                    cmd = raw.lstrip("-@:+!")
                    if not cmd:
                        continue
                    no = next(i for i, ln in enumerate(stext.splitlines(), 1) if raw in ln)
                    jobs.append(CorpusJob(pkg, _job(tree, "systemd", srel, no, user,
                                                    " ".join(cal.calendars) or "monotonic", cmd,
                                                    cal)))
    contributing = tuple(sorted({cj.package for cj in jobs}))
    return Corpus(packages=contributing, files=dict(tree.files), jobs=tuple(jobs),
                  schedule_files=tuple(schedules))


def summary(corpus: Corpus) -> str:
    scripts = len(corpus.files) - len(set(corpus.schedule_files))
    lines = sum((a.text() or "").count("\n") for a in corpus.files.values())
    by_source: dict[str, int] = {}
    for cj in corpus.jobs:
        by_source[cj.job.source] = by_source.get(cj.job.source, 0) + 1
    return (f"false-alarm corpus: {len(corpus.packages)} packages, "
            f"{len(corpus.schedule_files)} schedule files, {scripts} referenced scripts/sourced "
            f"files, {lines} lines, {len(corpus.jobs)} jobs "
            f"({', '.join(f'{k} {v}' for k, v in sorted(by_source.items()))})\n"
            f"packages: {' '.join(corpus.packages)}")


if __name__ == "__main__":
    c = load()
    print(summary(c))
    for cj in c.jobs:
        print(f"{cj.package:22} {cj.job.source:9} {cj.job.origin_path}:{cj.job.origin_line} "
              f"{shlex.quote(cj.job.command)[:90]} files={len(cj.job.files)}")
