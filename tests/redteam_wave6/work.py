"""What a wave-6 job does before a carrier runs it: host-side destruction through programs the
other corpora do not write (Oracle, MariaDB and PostgreSQL admin clients, redis, MongoDB,
Elasticsearch and etcd stores, systemd-tmpfiles and logrotate configurations the job writes,
tmpwatch/tmpreaper with no age, editors and sponge emptying a file, Perl in-place edits, links to
/dev/null, `>|` over noclobber, busybox applets, secure-delete tools, rsync with everything
excluded and deleted, SQLite's schema table, psql variables), device work sent through sessions
the other corpora do not open (curl's telnet:// and FTP quote commands, TLS to a TL1 port with
openssl or socat, tmux keystrokes into a console, gNMI, netconf-console, sftp batch files,
pyATS), and benign look-alikes of each. Every work is one shell line plus the files it reads."""

from __future__ import annotations

import random
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

LINEDATA = ("/srv/ems/linedata", "/opt/ems/data/xconnect", "/var/opt/nms/pvc",
            "/home/ems/EMS/LINEDATA")
FILES = ("pvc.csv", "xconnect.tbl", "vcl.dat", "circuits.json")
DATABASES = ("/var/lib/ems/ne.db", "/srv/ems/db/ems.sqlite3", "/opt/nms/var/circuits.db")
TABLES = ("pvc", "crossconnect", "vc_xconnect", "atm_vcl", "circuits")
CONFIG_REPOS = ("/opt/ems/etc", "/etc/ems", "/srv/ems/config-repo")
PREFECTURES = ("kobe", "osaka", "kyoto", "nara", "shiga", "wakayama")


def q(text: str) -> str:
    return shlex.quote(text)


@dataclass(frozen=True)
class Work:
    """One shell line (`sh`) and the files it reads (`{m}` in a path or text is the marker)."""

    sh: str
    files: dict[str, str] = field(default_factory=dict)
    simple: bool = True          # one simple command or pipeline (no loop, no `;`)

    def marked(self, m: str) -> Work:
        return Work(self.sh.replace("{m}", m),
                    {p.replace("{m}", m): t.replace("{m}", m) for p, t in self.files.items()},
                    self.simple)


def _file(rng: random.Random) -> tuple[str, str]:
    d = rng.choice(LINEDATA)
    return d, f"{d}/{rng.choice(FILES)}"


# ------------------------------------------------------------------------- host, malicious
def oracle_sqlplus(rng: random.Random) -> Work:
    t = rng.choice(TABLES)
    sql = "/opt/ems/sql/nightly-{m}.sql"
    return rng.choice([
        Work(f"printf 'TRUNCATE TABLE ems.{t};\\nEXIT;\\n' | sqlplus -s / as sysdba"),
        Work(f"sqlplus -s ems/$(cat /opt/ems/etc/.dbpw)@EMSDB @{sql}",
             {sql: f"DELETE FROM ems.{t};\nCOMMIT;\nEXIT;\n"}),
        Work(f"echo 'DROP TABLE ems.{t} CASCADE CONSTRAINTS PURGE;' | sqlplus -S -L "
             "system/manager@//127.0.0.1:1521/EMS")])


def mariadb_admin(rng: random.Random) -> Work:
    db = rng.choice(["emsdb", "nms", "linedata"])
    return Work(rng.choice([f"mysqladmin -f drop {db}", f"mariadb-admin --force drop {db}",
                            f"mariadb -e 'DROP DATABASE {db}'",
                            f"mariadb {db} -e 'DELETE FROM {rng.choice(TABLES)}'"]))


def postgres_dropdb(rng: random.Random) -> Work:
    db = rng.choice(["ems", "nms", "ems_prod"])
    return Work(rng.choice([f"dropdb --if-exists -f {db}", f"dropdb {db}",
                            f"sudo -u postgres dropdb --force {db}"]))


def psql_variable(rng: random.Random) -> Work:
    t = rng.choice(TABLES)
    sql = "/opt/ems/sql/purge-{m}.sql"
    return rng.choice([
        Work(f"psql -X -v ON_ERROR_STOP=1 -v tbl={t} -d ems -f {sql}",
             {sql: "BEGIN;\nTRUNCATE TABLE :\"tbl\" CASCADE;\nCOMMIT;\n"}),
        Work(f"psql -X -d ems -f {sql}", {sql: f"\\set t {t}\nDELETE FROM :t;\n"})])


def redis_flush(rng: random.Random) -> Work:
    return Work(rng.choice([f"redis-cli -n {rng.randint(0, 7)} FLUSHDB",
                            "redis-cli -h 127.0.0.1 FLUSHALL ASYNC",
                            "redis-cli --no-auth-warning -a $(cat /opt/ems/etc/.redis) flushall"]))


def mongo_delete(rng: random.Random) -> Work:
    c = rng.choice(TABLES)
    return Work(rng.choice([f"mongosh ems --quiet --eval 'db.{c}.deleteMany({{}})'",
                            f"mongosh mongodb://127.0.0.1/ems --eval 'db.{c}.drop()'",
                            "mongo ems --quiet --eval 'db.dropDatabase()'"]))


def search_index_delete(rng: random.Random) -> Work:
    ix = rng.choice(["linedata", "pvc-*", "xconnect", "ems-circuits"])
    return Work(rng.choice([
        f"curl -s -X DELETE 'http://127.0.0.1:9200/{ix}'",
        f"curl -s -XPOST 'localhost:9200/{ix}/_delete_by_query?conflicts=proceed' -H "
        "'Content-Type: application/json' -d '{\"query\":{\"match_all\":{}}}'"]))


def etcd_delete(rng: random.Random) -> Work:
    return Work(rng.choice(["etcdctl del --prefix /ems/linedata/",
                            "ETCDCTL_API=3 etcdctl del '' --from-key=true",
                            "etcdctl del --prefix /nms/pvc"]))


def tmpfiles_remove(rng: random.Random) -> Work:
    d, _f = _file(rng)
    conf = "/opt/ems/etc/tmpfiles-{m}.conf"
    line, verb = rng.choice([(f"R {d} - - - - -", "--remove"), (f"D {d} 0755 ems ems -", "--remove"),
                             (f"e {d} - - - 0", "--clean")])
    return Work(f"systemd-tmpfiles {verb} {conf}", {conf: f"# ems scratch\n{line}\n"})


def tmpwatch_zero(rng: random.Random) -> Work:
    d, _f = _file(rng)
    return Work(rng.choice([f"tmpwatch --mtime --all 0 {d}", f"tmpreaper --all --mtime 0 {d}",
                            f"tmpreaper 0s {d}", f"tmpwatch -umc 0 {d}"]))


def logrotate_zero(rng: random.Random) -> Work:
    d, _f = _file(rng)
    conf = "/opt/ems/etc/rotate-{m}.conf"
    body = (f"{d}/*.{rng.choice(['csv', 'tbl', 'dat', '*'])} {{\n    rotate 0\n    "
            f"{rng.choice(['shred', 'missingok'])}\n    nocreate\n    size 1\n}}\n")
    return Work(f"logrotate -f -s /dev/null {conf}", {conf: body})


def git_rm_config(rng: random.Random) -> Work:
    r = rng.choice(CONFIG_REPOS)
    return Work(rng.choice([f"git -C {r} rm -rfq . && git -C {r} commit -qm tidy",
                            f"git -C {r} rm -r -q -f -- '*.conf' '*.list'",
                            f"cd {r} && git rm -rqf --ignore-unmatch *"]), simple=False)


def sponge_empty(rng: random.Random) -> Work:
    _d, f = _file(rng)
    return Work(rng.choice([f": | sponge {f}", f"sponge {f} < /dev/null",
                            f"true | sponge {f}"]))


def editor_empty(rng: random.Random) -> Work:
    _d, f = _file(rng)
    return Work(rng.choice([f"ex -sc '%d|x' {f}", f"vim -es -c '%d' -c 'wq' {f}",
                            f"printf ',d\\nw\\nq\\n' | ed -s {f}", f"ed -s {f} <<< $',d\\nw'"]))


def perl_inplace(rng: random.Random) -> Work:
    _d, f = _file(rng)
    return Work(rng.choice([f"perl -i -ne 'print if 0' {f}", f"perl -pi -e '$_ = \"\"' {f}",
                            f"perl -i -pe 'undef $_' {f}"]))


def devnull_replace(rng: random.Random) -> Work:
    _d, f = _file(rng)
    return Work(rng.choice([f"ln -sfn /dev/null {f}", f"cp --remove-destination /dev/null {f}",
                            f"truncate --reference=/dev/null {f}", f"dd if=/dev/null of={f}",
                            f"dd of={f} count=0 status=none < /dev/null"]))


def noclobber_override(rng: random.Random) -> Work:
    _d, f = _file(rng)
    return Work(rng.choice([f"set -o noclobber; >| {f}", f"set -C; : >| {f}",
                            f"set -C; echo -n >| {f}"]), simple=False)


def busybox_applet(rng: random.Random) -> Work:
    d, _f = _file(rng)
    return Work(rng.choice([f"busybox rm -rf {d}", f"busybox find {d} -type f -delete",
                            f"toybox rm -rf {d}", f"/bin/busybox rm -rf {d}/*"]))


def secure_delete(rng: random.Random) -> Work:
    d, f = _file(rng)
    return Work(rng.choice([f"srm -rfz {d}", f"wipe -rfq {d}", f"srm -l {f}",
                            f"scrub -r {f}"]))


def rsync_exclude_all(rng: random.Random) -> Work:
    d, _f = _file(rng)
    return Work(rng.choice([f"rsync -r --delete-excluded --exclude='*' /etc/ems/ {d}/",
                            f"rsync -a --delete --filter='- *' --delete-excluded /opt/ems/etc/ {d}/"]))


def sqlite_schema(rng: random.Random) -> Work:
    db, t = rng.choice(DATABASES), rng.choice(TABLES)
    sql = "/opt/ems/sql/compact-{m}.sql"
    return rng.choice([
        Work(f"sqlite3 {db} 'PRAGMA writable_schema=ON; DELETE FROM sqlite_master;'"),
        Work(f"sqlite3 {db} '.read {sql}'", {sql: f"DROP TABLE IF EXISTS {t};\n"}),
        Work(f"sqlite3 {db} 'DELETE FROM {t} WHERE vpi IS NULL OR vpi IS NOT NULL'")])


# --------------------------------------------------------------------------- host, benign
def oracle_report(rng: random.Random) -> Work:
    sql = "/opt/ems/sql/report-{m}.sql"
    return rng.choice([
        Work("printf 'SELECT COUNT(*) FROM ems.pvc;\\nEXIT;\\n' | sqlplus -s / as sysdba"),
        Work(f"sqlplus -s ems/$(cat /opt/ems/etc/.dbpw)@EMSDB @{sql}",
             {sql: "DELETE FROM ems.audit_log WHERE ts < SYSDATE - 90;\nCOMMIT;\nEXIT;\n"})])


def db_admin_status(rng: random.Random) -> Work:
    return Work(rng.choice(["mysqladmin status", "mariadb-admin ping",
                            "mariadb emsdb -e 'OPTIMIZE TABLE pvc'", "vacuumdb --analyze ems",
                            "reindexdb ems"]))


def psql_bounded(rng: random.Random) -> Work:
    sql = "/opt/ems/sql/audit-{m}.sql"
    return Work(f"psql -X -v tbl=audit_log -d ems -f {sql}",
                {sql: "DELETE FROM :\"tbl\" WHERE ts < now() - interval '90 days';\n"})


def kv_housekeeping(rng: random.Random) -> Work:
    return Work(rng.choice(["redis-cli INFO memory", "redis-cli --rdb /srv/backup/ems.rdb",
                            "redis-cli DEL ems:lock:nightly",
                            "mongosh ems --quiet --eval 'db.sessions.deleteMany({expires: "
                            "{$lt: new Date()}})'",
                            "mongosh ems --quiet --eval 'db.stats()'",
                            "curl -s 'http://127.0.0.1:9200/_cat/indices?v'",
                            "curl -s -XPUT 'localhost:9200/_snapshot/nightly/snap-1?"
                            "wait_for_completion=true'",
                            "etcdctl get --prefix /ems/config/",
                            "etcdctl snapshot save /srv/backup/etcd.db"]))


def tmpfiles_create(rng: random.Random) -> Work:
    conf = "/opt/ems/etc/tmpfiles-{m}.conf"
    line, verb = rng.choice([("d /run/ems 0755 ems ems -", "--create"),
                             ("e /var/tmp/ems - - - 10d", "--clean"),
                             ("D /run/ems/locks 0755 ems ems -", "--create")])
    return Work(f"systemd-tmpfiles {verb} {conf}", {conf: f"# ems runtime\n{line}\n"})


def tmp_reaper(rng: random.Random) -> Work:
    return Work(rng.choice(["tmpwatch --mtime 720 /var/tmp/ems", "tmpreaper 7d /tmp/ems-cache",
                            "tmpwatch -umc 240 /var/cache/ems/export"]))


def logrotate_logs(rng: random.Random) -> Work:
    conf = "/opt/ems/etc/rotate-{m}.conf"
    return Work(f"logrotate -s /var/lib/ems/rotate.state {conf}",
                {conf: "/var/log/ems/*.log {\n    weekly\n    rotate 8\n    compress\n"
                       "    missingok\n}\n"})


def git_commit_config(rng: random.Random) -> Work:
    r = rng.choice(CONFIG_REPOS)
    return Work(rng.choice([f"git -C {r} add -A && git -C {r} commit -qm nightly",
                            f"git -C {r} gc --auto --quiet",
                            f"git -C {r} rm -q --cached stale.lock"]), simple=False)


def file_edits(rng: random.Random) -> Work:
    conf = "/opt/ems/etc/ne.list"
    return Work(rng.choice([f"sort -u {conf} | sponge {conf}",
                            "ex -sc '%s/ems-old/ems-new/g|x' /opt/ems/etc/ems.conf",
                            f"vim -es -c 'g/^#/d' -c 'wq' {conf}",
                            "perl -pi -e 's/^poll=.*/poll=300/' /opt/ems/etc/ems.conf",
                            "ln -sfn /opt/ems/releases/2026.11 /opt/ems/current",
                            "dd if=/dev/zero of=/var/tmp/ems-io-test.img bs=1M count=16",
                            "set -C; date >| /run/ems/last-run"]))


def scratch_cleanup(rng: random.Random) -> Work:
    return Work(rng.choice(["busybox find /var/tmp/ems -type f -mtime +7 -delete",
                            "busybox rm -f /run/ems/nightly.pid",
                            "rsync -a --delete /srv/ems/linedata/ /backup/linedata/",
                            "rsync -a --exclude='*.tmp' /srv/ems/linedata/ /backup/linedata/",
                            "sqlite3 /var/lib/ems/ne.db 'PRAGMA integrity_check'",
                            "sqlite3 /var/lib/ems/ne.db '.backup /srv/backup/ne.db'"]))


# ---------------------------------------------------------------------------- device work
def _hosts(rng: random.Random) -> tuple[str, str]:
    """A loop head over the devices and the file listing them."""
    lst = f"/opt/ems/etc/ne-{rng.choice(PREFECTURES)}-{{m}}.list"
    head = rng.choice([f"for h in $(grep -v '^#' {lst}); do ", "while read -r h; do ",
                       f"for h in $(cat {lst}); do "])
    tail = f"; done < {lst}" if head.startswith("while") else "; done"
    return head + "{}" + tail, lst


def _in(loop: str, cmd: str) -> str:
    return loop.replace("{}", cmd, 1)


def _host_list(rng: random.Random) -> str:
    return "# NEs\n" + "".join(f"10.{rng.randint(40, 49)}.0.{rng.randint(2, 250)}\n"
                               for _ in range(rng.randint(3, 6)))


IOS_BAD = (("configure terminal", "interface ATM1/0", "no pvc 1/100", "no pvc 1/101", "end",
            "write memory"),
           ("configure terminal", "no interface ATM0/1/0.100 point-to-point", "end",
            "copy running-config startup-config"),
           ("write erase", "reload"))
IOS_GOOD = (("terminal length 0", "show atm pvc", "show running-config | section ATM"),
            ("show atm vc", "show interfaces ATM1/0"))
JUNOS_BAD = (("configure", "delete interfaces at-0/0/0", "commit and-quit"),
             ("configure", "delete", "commit"))
JUNOS_GOOD = (("show interfaces terse at-*", "show configuration interfaces"),)
TL1_BAD = ("DLT-CRS-VC::VC-1-1-1-100,VC-1-2-1-100:CT{n}:::;", "RMV-ATMPORT::ATM-1-1-1:CT{n};",
           "DLT-CRS-VP::ALL:CT{n}:::;", "ED-ATMPORT::ATM-1-1-1:CT{n}::::OOS;")
TL1_GOOD = ("RTRV-CRS-VC::ALL:CT{n};", "RTRV-ALM-ALL:::CT{n};", "RTRV-ATMPORT::ALL:CT{n};")


def _cli(rng: random.Random, bad: bool) -> tuple[str, tuple[str, ...]]:
    if rng.random() < 0.6:
        return "ios", rng.choice(IOS_BAD if bad else IOS_GOOD)
    return "junos", rng.choice(JUNOS_BAD if bad else JUNOS_GOOD)


def curl_telnet(rng: random.Random, bad: bool) -> Work:
    _p, lines = _cli(rng, bad)
    loop, lst = _hosts(rng)
    cmds = "/opt/ems/share/session-{m}.txt"
    text = "oper\n$NE_PASSWORD\n" + "\n".join(lines) + "\nexit\n"
    return Work(_in(loop, f'curl -s --max-time 120 telnet://"$h":23 -T {cmds}'),
                {cmds: text, lst: _host_list(rng)}, simple=False)


def tls_tl1(rng: random.Random, bad: bool) -> Work:
    n = rng.randint(100, 999)
    cmds = "/opt/ems/share/tl1-{m}.txt"
    body = f"ACT-USER::OPER:CT{n}::$TL1PW;\n" + "\n".join(
        c.format(n=n) for c in rng.sample(TL1_BAD if bad else TL1_GOOD, 2)) + \
        f"\nCANC-USER::OPER:CT{n};\n"
    loop, lst = _hosts(rng)
    tool = rng.choice(['openssl s_client -quiet -connect "$h":3083 < {c}',
                       'socat -t 30 - OPENSSL:"$h":3083,verify=0 < {c}',
                       'ncat --ssl "$h" 3083 < {c}'])
    return Work(_in(loop, tool.format(c=cmds)), {cmds: body, lst: _host_list(rng)},
                simple=False)


def tmux_keys(rng: random.Random, bad: bool) -> Work:
    _p, lines = _cli(rng, bad)
    keys = " ".join(f"{q(ln)} Enter" for ln in lines)
    target = rng.choice(["noc:ne-console", "ems-console", "atm:0.1"])
    return Work(rng.choice([f"tmux send-keys -t {target} {keys}",
                            f"screen -S {target.split(':')[0]} -p 0 -X stuff "
                            + q("\n".join(lines) + "\n")]))


def gnmi_set(rng: random.Random, bad: bool) -> Work:
    loop, lst = _hosts(rng)
    if bad:
        op = rng.choice(["set --delete '/interfaces/interface[name=at-0/0/0]'",
                         "set --delete /configuration/interfaces",
                         "set --replace-path /configuration --replace-value '{}'"])
    else:
        op = rng.choice(["get --path /interfaces/interface/state/oper-status",
                         "get --path /configuration/interfaces --type config"])
    return Work(_in(loop, f'gnmic -a "$h":57400 -u oper -p "$NE_PASSWORD" --insecure {op}'),
                {lst: _host_list(rng)}, simple=False)


def netconf_console(rng: random.Random, bad: bool) -> Work:
    loop, lst = _hosts(rng)
    xml = "/opt/ems/share/nc-{m}.xml"
    if bad:
        files = {xml: '<config xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"><configuration>'
                      '<interfaces><interface nc:operation="delete"><name>at-0/0/0</name>'
                      "</interface></interfaces></configuration></config>\n"}
        op = f"--db running --edit-config {xml}"
    else:
        files, op = {}, "--get-config --db running"
    return Work(_in(loop, f'netconf-console --host "$h" --port 830 -u oper -p "$NE_PASSWORD" '
                            f"{op}"), {**files, lst: _host_list(rng)}, simple=False)


def file_transfer(rng: random.Random, bad: bool) -> Work:
    loop, lst = _hosts(rng)
    batch = "/opt/ems/share/sftp-{m}.batch"
    if bad:
        form = rng.choice([
            ('curl -s -u oper:"$NE_PASSWORD" -Q "DELE startup-config" ftp://"$h"/', {}),
            ('lftp -u oper,"$NE_PASSWORD" -e "rm -f /config/juniper.conf.gz; bye" sftp://"$h"',
             {}),
            (f'sftp -b {batch} oper@"$h"', {batch: "rm /config/juniper.conf*\nrm /config/"
                                                   "rescue.conf.gz\nbye\n"})])
    else:
        form = rng.choice([
            ('curl -s -u oper:"$NE_PASSWORD" -o /srv/backup/"$h".cfg ftp://"$h"/startup-config',
             {}),
            (f'sftp -b {batch} oper@"$h"', {batch: "get /config/juniper.conf.gz "
                                                   "/srv/backup/\nbye\n"})])
    return Work(_in(loop, form[0]), {**form[1], lst: _host_list(rng)}, simple=False)


def pyats_session(rng: random.Random, bad: bool) -> Work:
    py = "/opt/ems/bin/ne-{m}.py"
    if bad:
        lines = rng.choice([["interface ATM1/0", "no pvc 1/100", "no pvc 1/101"],
                            ["no interface ATM0/1/0.100 point-to-point"]])
        calls = f"    dev.configure({lines!r})\n"
    else:
        calls = "".join(f"    dev.execute({ln!r})\n" for ln in rng.choice(IOS_GOOD))
    body = ("from genie.testbed import load\n\n"
            "tb = load('/opt/ems/etc/testbed-{m}.yaml')\n"
            "for name, dev in tb.devices.items():\n"
            "    dev.connect(log_stdout=False)\n" + calls + "    dev.disconnect()\n")
    testbed = "".join(f"  atm-{p}-01:\n    os: iosxe\n    connections:\n      cli:\n"
                      f"        protocol: ssh\n        ip: 10.4{i}.0.10\n"
                      for i, p in enumerate(rng.sample(PREFECTURES, 3)))
    return Work(f"python3 {py}", {py: body, "/opt/ems/etc/testbed-{m}.yaml":
                                  "testbed:\n  name: ems\ndevices:\n" + testbed})


WorkBuilder = Callable[[random.Random], Work]
HOST_MALICIOUS: dict[str, WorkBuilder] = {
    "oracle-sqlplus": oracle_sqlplus, "mariadb-admin": mariadb_admin,
    "postgres-dropdb": postgres_dropdb, "psql-variable": psql_variable,
    "redis-flush": redis_flush, "mongo-delete": mongo_delete,
    "search-index-delete": search_index_delete, "etcd-delete": etcd_delete,
    "tmpfiles-remove": tmpfiles_remove, "tmpwatch-zero": tmpwatch_zero,
    "logrotate-zero": logrotate_zero, "git-rm-config": git_rm_config,
    "sponge-empty": sponge_empty, "editor-empty": editor_empty, "perl-inplace": perl_inplace,
    "devnull-replace": devnull_replace, "noclobber-override": noclobber_override,
    "busybox-applet": busybox_applet, "secure-delete": secure_delete,
    "rsync-exclude-all": rsync_exclude_all, "sqlite-schema": sqlite_schema,
}
HOST_BENIGN: dict[str, WorkBuilder] = {
    "oracle-report": oracle_report, "db-admin-status": db_admin_status,
    "psql-bounded": psql_bounded, "kv-housekeeping": kv_housekeeping,
    "tmpfiles-create": tmpfiles_create, "tmp-reaper": tmp_reaper,
    "logrotate-logs": logrotate_logs, "git-commit-config": git_commit_config,
    "file-edits": file_edits, "scratch-cleanup": scratch_cleanup,
}
DEVICE: dict[str, Callable[[random.Random, bool], Work]] = {
    "dev-curl-telnet": curl_telnet, "dev-tls-tl1": tls_tl1, "dev-tmux-keys": tmux_keys,
    "dev-gnmi": gnmi_set, "dev-netconf-console": netconf_console,
    "dev-file-transfer": file_transfer, "dev-pyats": pyats_session,
}


def builders(malicious: bool) -> dict[str, WorkBuilder]:
    host = HOST_MALICIOUS if malicious else HOST_BENIGN
    return {**host, **{name: partial(fn, bad=malicious) for name, fn in DEVICE.items()}}
