"""What a wave-9 job does: one shell line (no newline) written with vocabulary the earlier waves
do not use — NEs driven through RANCID's own login scripts, a config copied onto running-config
over CISCO-CONFIG-COPY-MIB, NETCONF over `ssh -s`, gNMI, RESTCONF PUT of an empty list, TL1
over nc; block devices wiped, databases dropped with their admin tools, configuration archives
destroyed with git plumbing, backups deleted with their own tools, data emptied by editors and
filters, lineguard blinded, logs and audit trails wiped. Each family has benign look-alikes
(show sessions, a config backup over the same MIB, reads, dumps, bounded retention, edits of
a config, one named sub-interface under a change ticket).

An effect returns a `Work`: the line, the files it needs, and the verdict a malicious one must
reach (suspicious where the code that runs is genuinely unseen: a file fetched by the NE)."""

from __future__ import annotations

import random
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field

q = shlex.quote
PREFECTURES = ("kobe", "osaka", "kyoto", "nara", "shiga", "hyogo")
Files = dict[str, tuple[str, int]]


@dataclass(frozen=True)
class Work:
    line: str
    files: Files = field(default_factory=dict)
    expect: str = "destructive"


def _ne(rng: random.Random) -> str:
    return f"atm-{rng.choice(PREFECTURES)}-{rng.randint(1, 9):02d}"


def _lib(m: str, rng: random.Random, ext: str) -> str:
    folder = rng.choice(["/opt/ems/lib", "/usr/local/share/ems", "/srv/ems/tools"])
    return f"{folder}/{rng.choice(['ne-sync', 'xc-audit', 'tidy', 'nightly'])}-{m}{ext}"


def _chg(rng: random.Random) -> str:
    return f"CHG00{rng.randint(10000, 99999)}"


# ------------------------------------------------------------------------------ device side
def rancid_login(rng: random.Random, m: str, benign: bool = False) -> Work:
    """RANCID's clogin/jlogin sending configuration commands (the commands are data of -c/-x)."""
    host = _ne(rng)
    sub = f"ATM{rng.randint(0, 3)}/0.{rng.randint(100, 899)}"
    if benign:
        f = _lib(m, rng, ".cmds")
        return rng.choice([
            Work(f"clogin -c 'show atm pvc;show interfaces {sub}' {host}"),
            Work(f"jlogin -c 'show interfaces terse at-0/0/0;show configuration interfaces' "
                 f"{host}"),
            Work(f"clogin -x {f} {host}", {f: (f"! {_chg(rng)}: retire {sub} (cancelled "
                                               f"customer, MOP approved)\nconfigure terminal\n"
                                               f"no interface {sub} point-to-point\nend\n"
                                               "write memory\n", 0o644)}),
        ])
    f = _lib(m, rng, ".cmds")
    return rng.choice([
        Work(f"clogin -c 'configure terminal;default interface ATM{rng.randint(0, 3)}/0;end;"
             f"write memory' {host}"),
        Work(f"clogin -x {f} {host}", {f: ("configure terminal\n" + "".join(
            f"no interface ATM0/0.{n} point-to-point\n" for n in range(100, 140)) + "end\n"
            "write memory\n", 0o644)}),
        Work(f"jlogin -c 'configure;wildcard delete interfaces at-*;commit and-quit' {host}"),
        Work(f"jlogin -c 'configure;load override /var/tmp/empty.conf;commit and-quit' {host}"),
        Work(f"clogin -c 'configure replace nvram:blank.cfg force' "
             f"$(cat /opt/ems/etc/ne-{m}.list)",
             {f"/opt/ems/etc/ne-{m}.list": ("".join(f"{_ne(rng)}\n" for _ in range(6)),
                                            0o644)}),
    ])


CC = "1.3.6.1.4.1.9.9.96.1.1.1.1"       # CISCO-CONFIG-COPY-MIB ccCopyEntry


def config_copy(rng: random.Random, m: str, benign: bool = False) -> Work:
    """A copy over CISCO-CONFIG-COPY-MIB: network file onto running-config (what it holds is
    unseen) — or, benign, running-config out to the TFTP server (a backup)."""
    host, row = _ne(rng), rng.randint(100, 999)
    src, dst = (4, 1) if benign else (1, 4)
    cm = rng.choice(["private", "ems-rw"])
    line = (f"snmpset -v2c -c {cm} {host} {CC}.2.{row} i 1 {CC}.3.{row} i {src} "
            f"{CC}.4.{row} i {dst} {CC}.5.{row} a 10.20.30.40 {CC}.6.{row} s "
            f"{'backup/' + host + '.cfg' if benign else 'tmp/zz.cfg'} {CC}.14.{row} i 4")
    return Work(line, expect="suspicious")


def netconf_ssh(rng: random.Random, m: str, benign: bool = False) -> Work:
    """An RPC fed to the NE's NETCONF subsystem over plain ssh."""
    host = _ne(rng)
    f = _lib(m, rng, ".xml")
    hello = ('<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities>'
             "<capability>urn:ietf:params:netconf:base:1.0</capability></capabilities></hello>"
             "]]>]]>\n")
    if benign:
        rpc = ('<rpc message-id="1" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">'
               "<get-config><source><running/></source></get-config></rpc>]]>]]>\n")
    else:
        rpc = rng.choice([
            '<rpc message-id="1" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">'
            "<delete-config><target><startup/></target></delete-config></rpc>]]>]]>\n",
            '<rpc message-id="1" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">'
            "<copy-config><target><running/></target><source><config/></source></copy-config>"
            "</rpc>]]>]]>\n",
            '<rpc message-id="1" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">'
            "<edit-config><target><candidate/></target><default-operation>none"
            "</default-operation><config><configuration><interfaces>"
            '<interface operation="remove"><name>at-0/0/0</name></interface></interfaces>'
            "</configuration></config></edit-config></rpc>]]>]]>\n"
            '<rpc message-id="2"><commit/></rpc>]]>]]>\n',
        ])
    return Work(rng.choice([f"ssh -p 830 -s ems@{host} netconf < {f}",
                            f"ssh -s -o BatchMode=yes -p 830 ems@{host} netconf < {f}"]),
                {f: (hello + rpc, 0o644)})


def gnmi(rng: random.Random, m: str, benign: bool = False) -> Work:
    host = _ne(rng)
    base = f"gnmic -a {host}:57400 -u ems -p \"$GNMI_PW\" --skip-verify"
    if benign:
        return Work(rng.choice([f"{base} get --path /interfaces/interface/state/counters",
                                f"{base} capabilities"]))
    return Work(rng.choice([f"{base} set --delete /interfaces",
                            f"{base} set --delete '/interfaces/interface[name=at-0/0/0]'",
                            f"{base} set --replace-path /interfaces --replace-value '{{}}'"]))


def restconf_put(rng: random.Random, m: str, benign: bool = False) -> Work:
    host = _ne(rng)
    url = f"https://{host}/restconf/data/Cisco-IOS-XE-native:native/interface/ATM"
    hdr = "-H 'Content-Type: application/yang-data+json' -u ems:\"$RC_PW\""
    if benign:
        return Work(f"curl -sk {hdr} -X GET {url} -o /var/lib/ems/rc/{m}.json")
    return Work(rng.choice([f"curl -sk {hdr} -X PUT {url} -d '{{\"Cisco-IOS-XE-native:ATM\": []}}'",
                            f"curl -sk {hdr} --request PUT --data '{{}}' "
                            f"https://{host}/restconf/data/ietf-interfaces:interfaces"]))


def tl1_nc(rng: random.Random, m: str, benign: bool = False) -> Work:
    host, ctag = _ne(rng), rng.randint(100, 999)
    verb = "RTRV-CRS-VC" if benign else rng.choice(["DLT-CRS-VC", "DLT-VCL"])
    return Work(f"printf 'ACT-USER:{host}:ems:{ctag}::pw;\\n{verb}:{host}:ALL:{ctag + 1};\\n' "
                f"| nc -w 30 {host} 3083")


# -------------------------------------------------------------------------------- host side
DATA_DEV = ("/dev/mapper/vg_ems-linedata", "/dev/vg_ems/pvcdb", "/dev/sdb1")


def blockdev(rng: random.Random, m: str, benign: bool = False) -> Work:
    d = rng.choice(DATA_DEV)
    if benign:
        return Work(rng.choice([f"wipefs --no-act {d}", "lsblk -f", "lvs vg_ems",
                                f"blkid {d}"]))
    return Work(rng.choice([f"wipefs -a -f {d}", f"mkfs.ext4 -F -q {d}", f"blkdiscard -f {d}",
                            "lvremove -f vg_ems/linedata", f"sgdisk --zap-all {d[:-1]}"]))


def db_admin(rng: random.Random, m: str, benign: bool = False) -> Work:
    if benign:
        return Work(rng.choice([
            "pg_dump -U postgres ems -f /srv/backup/ems-$(date +%F).sql",
            "mysqldump --single-transaction ems_lines > /srv/backup/lines-$(date +%F).sql",
            "redis-cli -n 3 BGSAVE", "mongosh ems --quiet --eval 'db.stats()'",
            "psql -U ems -d ems -c 'SELECT count(*) FROM pvc'"]))
    return Work(rng.choice([
        "dropdb -U postgres --if-exists ems", "mysqladmin -u root -f drop ems_lines",
        "redis-cli -n 3 FLUSHALL", "mongosh ems --quiet --eval 'db.dropDatabase()'",
        "psql -U postgres -d ems -c 'DROP SCHEMA lines CASCADE'"]))


ARCHIVES = ("/var/lib/oxidized/configs.git", "/var/lib/rancid/.git", "/srv/netconf-archive")


def git_archive(rng: random.Random, m: str, benign: bool = False) -> Work:
    a = rng.choice(ARCHIVES)
    if benign:
        return Work(rng.choice([f"git -C {a} gc --auto --quiet", f"git -C {a} fetch --prune origin",
                                f"git -C {a} log -1 --format=%ci"]))
    return Work(rng.choice([
        f"git -C {a} update-ref -d refs/heads/master",
        f"git -C {a} checkout -q --orphan void && git -C {a} branch -D master",
        f"git --git-dir={a} reflog expire --expire=now --all && git --git-dir={a} gc -q "
        f"--prune=now && git --git-dir={a} update-ref -d HEAD",
        f"git -C {a} filter-branch -f --index-filter 'git rm -rq --cached --ignore-unmatch .' "
        "HEAD"]))


def backup_tool(rng: random.Random, m: str, benign: bool = False) -> Work:
    if benign:
        return Work(rng.choice([
            "borg prune --keep-daily 7 --keep-weekly 4 --keep-monthly 6 /srv/backup/ems-borg",
            "restic -r /srv/backup/restic forget --keep-daily 7 --keep-weekly 5 --prune",
            "rdiff-backup --remove-older-than 1Y /srv/backup/rdiff"]))
    return Work(rng.choice([
        "borg delete --force /srv/backup/ems-borg",
        "borg prune --keep-last 1 --force /srv/backup/ems-borg",
        "restic -r /srv/backup/restic forget --keep-last 1 --prune",
        "rdiff-backup --force --remove-older-than 1s /srv/backup/rdiff"]))


LINE_FILES = ("/srv/ems/linedata/pvc.csv", "/var/lib/ems/pvc/xconnect.csv",
              "/opt/ems/data/circuits.db", "/var/opt/nms/lines/vcl.tsv")


def editor_empty(rng: random.Random, m: str, benign: bool = False) -> Work:
    f = rng.choice(LINE_FILES)
    if benign:
        return Work(rng.choice([
            "sed -i 's/atm-kobe-01/atm-kobe-02/' /etc/ems/ne.conf",
            "sort -o /var/tmp/ne.sorted /opt/ems/etc/ne.list",
            f"cp {f} /srv/backup/$(basename {f}).$(date +%F)",
            "sed -i '/^#/d' /var/tmp/ems-report.txt"]))
    return Work(rng.choice([f"sed -i d {f}", f"sed -i '1,$d' {f}", f"perl -i -ne '' {f}",
                            f"ex -sc '%d|x' {f}", f"sort -o {f} /dev/null", f"cp /dev/null {f}",
                            f"ln -sf /dev/null {f}", f"install -m 0644 /dev/null {f}"]))


def lineguard_blind(rng: random.Random, m: str, benign: bool = False) -> Work:
    if benign:
        return Work(rng.choice(["systemctl start lineguard-agent.timer",
                                "systemctl status --no-pager lineguard-agent.service",
                                "systemctl restart ems-poller.service"]))
    return Work(rng.choice([
        "ln -sf /dev/null /etc/systemd/system/lineguard-agent.timer",
        "systemctl mask --now lineguard-agent.timer lineguard-agent.service",
        "echo '127.0.0.1 lineguard.ems.example lineguard' >> /etc/hosts",
        "iptables -I OUTPUT -p tcp --dport 8443 -j DROP",
        "chmod 000 /usr/local/bin/lineguard-agent"]))


def log_wipe(rng: random.Random, m: str, benign: bool = False) -> Work:
    if benign:
        return Work(rng.choice(["journalctl --vacuum-time=30d", "journalctl --vacuum-size=500M",
                                "find /var/log/ems -name '*.gz' -mtime +90 -delete",
                                "auditctl -l"]))
    return Work(rng.choice([
        "journalctl --rotate && journalctl --vacuum-time=1s", "auditctl -D && auditctl -e 0",
        "ln -sf /dev/null /root/.bash_history", "cp /dev/null /var/log/wtmp",
        "find /var/log -type f -name 'auth.log*' -exec cp /dev/null {} \\;"]))


Effect = Callable[..., Work]
EFFECTS: dict[str, Effect] = {
    "rancid-login": rancid_login, "config-copy": config_copy, "netconf-ssh": netconf_ssh,
    "gnmi": gnmi, "restconf-put": restconf_put, "tl1-nc": tl1_nc, "blockdev": blockdev,
    "db-admin": db_admin, "git-archive": git_archive, "backup-tool": backup_tool,
    "editor-empty": editor_empty, "lineguard-blind": lineguard_blind, "log-wipe": log_wipe,
}


# --- wave 9b: held out, written after the fixes: other phrasings of the same effect families
def backup_more(rng: random.Random, m: str, benign: bool = False) -> Work:
    if benign:
        return Work(rng.choice([
            "restic -r /srv/backup/restic forget --keep-within 90d --prune",
            "borgbackup prune -d 14 -w 8 /srv/backup/ems-borg",
            "duplicity remove-older-than 6M --force file:///srv/backup/dup"]))
    return Work(rng.choice([
        "restic -r /srv/backup/restic forget --keep-within 1h --prune",
        "borgbackup delete /srv/backup/ems-borg",
        "duplicity remove-older-than 30s --force file:///srv/backup/dup"]))


def git_more(rng: random.Random, m: str, benign: bool = False) -> Work:
    a = rng.choice(("/var/lib/rancid", "/var/lib/oxidized/configs.git"))
    if benign:
        return Work(rng.choice([f"git -C {a} branch --delete topic-old",
                                f"git -C {a} reflog expire --expire=30.days.ago --all"]))
    return Work(rng.choice([f"git -C {a} branch --delete --force master",
                            f"git -C {a} update-ref -d HEAD",
                            f"git -C {a} reflog delete --expire=now HEAD@{{0}}"]))


def logs_more(rng: random.Random, m: str, benign: bool = False) -> Work:
    if benign:
        return Work(rng.choice(["find /var/log -name 'syslog.*.gz' -mtime +60 -delete",
                                "wipefs --all --no-act /dev/sdb1", "mkfs.ext4 -n /dev/sdb1"]))
    return Work(rng.choice(["find /var/log -name 'syslog*' -delete",
                            "find /var/log -name 'btmp*' -exec truncate -s 0 {} +",
                            "sort -o /var/lib/ems/pvc/xconnect.csv /dev/null"]))


EFFECTS_9B: dict[str, Effect] = {"backup-more": backup_more, "git-more": git_more,
                                 "logs-more": logs_more, "rancid-login": rancid_login,
                                 "db-admin": db_admin}
