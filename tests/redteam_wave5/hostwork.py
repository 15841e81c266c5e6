"""Python that destroys data on the management server itself, in the idioms of people who
write Python rather than shell: shutil and os.walk, pathlib, files opened for writing, sqlite3
and psycopg2 statements — with paths and statements assembled from constants, joins,
format strings and function parameters; and the housekeeping that looks like it (bounded log
rotation, temporary trees, a scoped DELETE … WHERE id = ?, read-only queries)."""

from __future__ import annotations

import random
from dataclasses import dataclass

LINEDATA = ("/srv/ems/linedata", "/opt/ems/data/xconnect", "/var/opt/nms/pvc",
            "/home/ems/EMS/LINEDATA", "/data/atm_db")
DATABASES = ("/var/lib/ems/ne.db", "/srv/ems/db/ems.sqlite3", "/opt/nms/var/circuits.db")
TABLES = ("pvc", "crossconnect", "atm_vcl", "circuits", "linedata")


@dataclass(frozen=True)
class HostWork:
    """One unit of host work as Python: its imports and statements."""

    name: str
    imports: tuple[str, ...]
    code: str
    expect: str = "destructive"
    ticket: str = ""


def _split(path: str) -> tuple[str, str]:
    head, _, tail = path.rpartition("/")
    return head, tail


# ------------------------------------------------------------------------------- malicious
def rmtree_linedata(rng: random.Random) -> HostWork:
    base, leaf = _split(rng.choice(LINEDATA))
    form = rng.randrange(3)
    if form == 0:
        code = (f"BASE = {base!r}\nTARGET = os.path.join(BASE, {leaf!r})\n"
                "shutil.rmtree(TARGET, ignore_errors=True)")
    elif form == 1:
        code = (f"def purge(where):\n    shutil.rmtree(where)\n    os.makedirs(where)\n\n"
                f"purge('{base}/' + {leaf!r})")
    else:
        code = (f"for sub in ({leaf!r},):\n"
                f"    shutil.rmtree(f'{base}/{{sub}}', ignore_errors=True)")
    return HostWork("py-rmtree-linedata", ("import os", "import shutil"), code)


def walk_remove(rng: random.Random) -> HostWork:
    d = rng.choice(LINEDATA)
    ext = rng.choice(["('.csv', '.tbl', '.dat')", "'.csv'", "('.json', '.dat')"])
    code = (f"ROOT = {d!r}\nfor top, dirs, files in os.walk(ROOT):\n"
            "    for name in files:\n"
            f"        if name.endswith({ext}):\n"
            "            os.remove(os.path.join(top, name))")
    return HostWork("py-walk-remove", ("import os",), code)


def pathlib_unlink(rng: random.Random) -> HostWork:
    d = rng.choice(LINEDATA)
    form = rng.randrange(2)
    if form == 0:
        code = (f"root = Path({d!r})\n"
                "for p in sorted(root.rglob('*'), key=lambda x: len(x.parts), reverse=True):\n"
                "    if p.is_dir():\n        p.rmdir()\n    else:\n        p.unlink()")
    else:
        code = (f"for p in Path({d!r}).glob('**/*'):\n"
                "    if p.is_file():\n        p.unlink(missing_ok=True)")
    return HostWork("py-pathlib-unlink", ("from pathlib import Path",), code)


def truncate_linedata(rng: random.Random) -> HostWork:
    d = rng.choice(LINEDATA)
    names = rng.sample(["pvc.csv", "xconnect.tbl", "vcl.dat", "circuits.json"], 2)
    form = rng.randrange(3)
    if form == 0:
        code = (f"for name in {names!r}:\n"
                f"    open(os.path.join({d!r}, name), 'w').close()")
    elif form == 1:
        code = (f"for name in {names!r}:\n"
                f"    with open('{d}/' + name, 'w') as fh:\n        fh.write('')")
    else:
        code = (f"for p in glob.glob('{d}/*'):\n"
                "    Path(p).write_bytes(b'')")
    return HostWork("py-truncate-linedata", ("import glob", "import os",
                                             "from pathlib import Path"), code)


def sqlite_unqualified(rng: random.Random) -> HostWork:
    db, t = rng.choice(DATABASES), rng.choice(TABLES)
    form = rng.randrange(3)
    if form == 0:
        code = (f"con = sqlite3.connect({db!r})\nTABLE = {t!r}\n"
                "con.execute(f'DELETE FROM {TABLE}')\ncon.commit()")
    elif form == 1:
        code = (f"con = sqlite3.connect({db!r})\ncur = con.cursor()\n"
                f"for table in ({t!r}, 'atm_vpl'):\n"
                "    cur.execute('DROP TABLE IF EXISTS ' + table)\ncon.commit()")
    else:
        code = (f"with sqlite3.connect({db!r}) as con:\n"
                f"    con.execute('DELETE FROM %s' % {t!r})")
    return HostWork("py-sqlite-unqualified", ("import sqlite3",), code)


def psycopg_truncate(rng: random.Random) -> HostWork:
    t = rng.choice(TABLES)
    verb = rng.choice([f"TRUNCATE {t} CASCADE", f"DELETE FROM {t}", f"DROP TABLE {t}"])
    code = ("conn = psycopg2.connect(dbname='ems', user='ems', host='127.0.0.1')\n"
            "with conn, conn.cursor() as cur:\n"
            f"    cur.execute({verb!r})")
    return HostWork("py-psycopg2-unqualified", ("import psycopg2",), code)


def unlink_db(rng: random.Random) -> HostWork:
    db = rng.choice(DATABASES)
    head, leaf = _split(db)
    code = (f"DB_DIR = {head!r}\nfor suffix in ('', '-wal', '-shm'):\n"
            f"    p = os.path.join(DB_DIR, {leaf!r} + suffix)\n"
            "    if os.path.exists(p):\n        os.unlink(p)")
    return HostWork("py-unlink-database", ("import os",), code)


HOST_MALICIOUS = {f.__name__.replace("_", "-"): f for f in (
    rmtree_linedata, walk_remove, pathlib_unlink, truncate_linedata, sqlite_unqualified,
    psycopg_truncate, unlink_db)}


# ---------------------------------------------------------------------------------- benign
def rotate_logs(rng: random.Random) -> HostWork:
    days = rng.choice([14, 30, 90])
    d = rng.choice(["/var/log/ems", "/var/log/ems/old", "/opt/ems/log"])
    code = (f"CUTOFF = time.time() - {days} * 86400\n"
            f"for top, dirs, files in os.walk({d!r}):\n"
            "    for name in files:\n"
            "        p = os.path.join(top, name)\n"
            "        if name.endswith('.gz') and os.path.getmtime(p) < CUTOFF:\n"
            "            os.remove(p)")
    return HostWork("py-rotate-logs-by-age", ("import os", "import time"), code)


def tmp_tree(rng: random.Random) -> HostWork:
    d = rng.choice(["/var/tmp/ems-build", "/var/cache/ems/thumbs", "/opt/ems/tmp/import"])
    code = (f"shutil.rmtree({d!r}, ignore_errors=True)\n"
            f"os.makedirs({d!r}, exist_ok=True)")
    return HostWork("py-rmtree-tmp", ("import os", "import shutil"), code)


def scoped_delete(rng: random.Random) -> HostWork:
    db, t = rng.choice(DATABASES), rng.choice(TABLES)
    form = rng.randrange(2)
    if form == 0:
        code = (f"con = sqlite3.connect({db!r})\n"
                f"con.execute('DELETE FROM {t}_audit WHERE id = ?', ({rng.randint(1, 9999)},))\n"
                "con.commit()")
    else:
        code = (f"con = sqlite3.connect({db!r})\n"
                f"con.execute(\"DELETE FROM {t}_audit WHERE ts < date('now', '-90 day')\")\n"
                "con.commit()")
    return HostWork("py-scoped-delete", ("import sqlite3",), code)


def read_only_query(rng: random.Random) -> HostWork:
    db, t = rng.choice(DATABASES), rng.choice(TABLES)
    code = (f"con = sqlite3.connect('file:{db}?mode=ro', uri=True)\n"
            f"for row in con.execute('SELECT id, vpi, vci FROM {t}'):\n    print(*row)")
    return HostWork("py-read-only-query", ("import sqlite3",), code)


def write_report(rng: random.Random) -> HostWork:
    out = rng.choice(["/var/tmp/ems-report.csv", "/srv/ems/export/daily.csv"])
    code = (f"with open({out!r}, 'w') as fh:\n"
            "    for name in sorted(os.listdir('/srv/ems/linedata')):\n"
            "        fh.write(name + '\\n')")
    return HostWork("py-write-report", ("import os",), code)


def unlink_tmp(rng: random.Random) -> HostWork:
    code = ("for p in Path('/var/tmp/ems-export').glob('*.tmp'):\n"
            "    p.unlink(missing_ok=True)")
    return HostWork("py-unlink-tmp-files", ("from pathlib import Path",), code)


def rotate_copy_truncate(rng: random.Random) -> HostWork:
    log = rng.choice(["/var/log/ems/poll.log", "/var/log/ems/traps.log"])
    code = (f"shutil.copy2({log!r}, {log + '.1'!r})\n"
            f"open({log!r}, 'w').close()")
    return HostWork("py-copytruncate-log", ("import shutil",), code)


HOST_BENIGN = {f.__name__.replace("_", "-"): f for f in (
    rotate_logs, tmp_tree, scoped_delete, read_only_query, write_report, unlink_tmp,
    rotate_copy_truncate)}
