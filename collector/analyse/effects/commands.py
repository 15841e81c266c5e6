"""The host command vocabulary: what a program run with given (resolved) arguments does to data,
services, schedulers, monitoring and evidence. Shared by every language reader — a shell line,
Python's subprocess, Perl's system() and Tcl's exec all end here with an argv."""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import replace
from functools import partial

from lineguard.collector.analyse.effects import decode, firewall, planted
from lineguard.collector.analyse.effects.model import (
    ARG_MARK,
    is_known,
    literal,
    markers,
    over_unknown_list,
    render,
    symbol,
    unknown,
)
from lineguard.collector.analyse.effects.resolve import (
    LIST_CUT,
    MAX_EACH,
    Job,
    Place,
    Written,
    cut_by_limit,
    expand_each,
    file_lines,
    walked,
)
from lineguard.formats import carriers
from lineguard.formats.carriers import CARRIERS
from lineguard.formats.shells import MULTI_CALL, SHELLS
from lineguard.formats.timespan import parse_timespan

# Paths whose removal erases evidence, or disarms the scheduler / lineguard itself.
FORENSIC = re.compile(r"(?:^|/)(?:\.?\w*_history|\.history|(?:wtmp|btmp|utmp|lastlog|faillog|"
                      r"auth\.log|secure|messages|syslog|sudo\.log|kern\.log|daemon\.log|cron\.log|"
                      r"audit\.log)(?:\.\d+)?(?:\.gz)?|audit|journal)$|(?:^|/)var/log/(?:audit|journal)/")
FORENSIC_DIR = re.compile(r"^/?var/log(?:/[^/]*)?/?(?:\*|\.\*)?$")
SCHEDULER = re.compile(r"(?:^|/)(?:etc/cron(?:tab|\.d|\.daily|\.hourly|\.weekly|\.monthly)|"
                       r"var/spool/(?:cron|at|anacron)|etc/anacrontab|var/spool/cron/atjobs|"
                       r"etc/systemd/system/[^/]*\.timer|lib/systemd/system/[^/]*\.timer|"
                       r"etc/systemd/system/timers\.target\.wants)")
# What an editor, a package manager or an admin leaves beside a job file, named so that no
# scheduler reads it: cron skips names with a dot in /etc/cron.d and run-parts folders, a
# crontab in the spool is a login name, systemd loads `.timer` units only. Removing these
# (`*.bak`, `oper.old`, `*.dpkg-old`, `*~`) removes no job.
SCHEDULER_LEFTOVER = re.compile(r"(?:\.(?:bak|old|orig|tmp|swp|save|dpkg-(?:old|dist|new|tmp|bak)|"
                                r"rpm(?:save|new|orig)|ucf-(?:old|dist|new))|~)$")
LINEGUARD = re.compile(r"lineguard", re.I)


def lineguards(job: Job, path: str) -> str | None:
    """`path` named as lineguard's (for an effect's target) where it is: named for it, or one
    of the agent's own files (its config, key, state, outbox, inventory) wherever the agent's
    setup says they are; None where it is not lineguard's."""
    if LINEGUARD.search(path) is not None:
        return path
    if path.startswith("/") and firewall.setup_of(job).owns(path):
        return f"{path} (lineguard's agent: its own files)"
    return None


# a backup kept in a backups folder (or named as one): deleting old ones is rotation, but one
# emptied or overwritten where it lies, its name kept, restores nothing (a hollowed backup)
BACKUP_FILE = re.compile(r"(?i)/backups?/|\.(?:bak|dump)(?:\.\w+)?$")
# Places where moving data to is losing it: volatile or scratch file systems.
SCRATCH = re.compile(r"^/?(?:tmp|var/tmp|dev/shm|run)(?:/|$)")
# Daemons whose stop, kill or disarming is scheduler tampering, and those that keep the logs.
SCHEDULER_DAEMONS = re.compile(r"^(?:cron|crond|atd|anacron|crontab|at|timers\.target)$")
LOG_DAEMONS = re.compile(r"^(?:auditd|auditctl|rsyslogd?|syslog-ng|syslogd|systemd-journald|"
                         r"journald|syslog)$")
# A systemd unit file: name and suffix.
UNIT_FILE = re.compile(r"(?:^|/)(?:etc|lib|usr/lib|run)/systemd/system/([^/]+)\.(service|timer|"
                       r"socket|path)$")
# Block devices and volumes (not /dev/shm, /dev/fd, /dev/null …).
BLOCK_DEVICE = re.compile(r"^/dev/(?:sd[a-z]|nvme\d|vd[a-z]|hd[a-z]|xvd[a-z]|mmcblk\d|md\d|"
                          r"mapper/|dm-|disk/by-|(?!shm/|fd/|pts/|mqueue/|hugepages/|net/|"
                          r"char/|input/|snd/|bus/|dri/|cpu/)[\w.-]+/[\w.+-]+$)")
# Signals that ask a daemon to reload or reopen its logs, not to stop.
_RELOAD_SIGNAL = re.compile(r"(?:^|\s)(?:-s\s*|--signal[= ]|-)(?:SIG)?(?:HUP|USR1|USR2|WINCH|CONT|1|"
                            r"10|12)\b")
# Where a value holds a process id: a pid file (`$(cat /run/crond.pid)`, Perl's <$fh> of it,
# Python's open(…).read()) or a look-up by name (`pidof cron`, `pgrep -f lineguard-agent`,
# `systemctl show -p MainPID --value atd`): the process it names.
_PID_FILE = re.compile(r"([\w@+-]+(?:\.[\w@+-]+)*?)\.pid\b")
_PID_OF = re.compile(r"\b(?:pidof|pgrep|pidofproc|MainPID(?:\s+--value)?)\b(?:\s+-\S+)*\s+([\w@.+-]+)")


def killed_process(word: str) -> str | None:
    """The process a kill operand stands for: its name, or the program whose pid a value read
    at run time holds (a pid file, pidof/pgrep); None for a number or a value that names
    neither."""
    found = markers(word)
    if not found:
        return None if word.lstrip("-").isdigit() else word
    for _kind, data, desc in found:
        m = _PID_OF.search(desc)
        if m:
            return base(m.group(1))
        m = _PID_FILE.search(f"{data} {desc}")
        if m:
            return m.group(1)
    return None


_DEVICE_PROGRAMS = frozenset({"ssh", "sshpass", "telnet", "nc", "ncat", "netcat", "socat",
                              "clogin", "jlogin", "nlogin", "plink", "rsh", "cu", "minicom",
                              "netmiko-cfg"})
# Options that take a value, per program (so the value is not taken for an operand).
_OPT_VALUES = {
    "ssh": set("bcDEeFIiJLlmOopQRSWw"), "sshpass": set("pfde"), "plink": set("lpPiw"),
    "snmpset": set("vcuaAxXlnrtOmMIECYeEZL"), "snmpwalk": set("vcuaAxXlnrtOmMIECYeEZL"),
    "snmpbulkwalk": set("vcuaAxXlnrtOmMIECYeEZL"), "snmpget": set("vcuaAxXlnrtOmMIECYeEZL"),
    "snmptable": set("vcuaAxXlnrtOmMIECYeEZL"), "nc": set("pswiWqOTIKkx"),
    "clogin": set("cfuptsxyeEo"), "jlogin": set("cfuptsxyeEo"), "telnet": set("lenb"),
    "psql": set("cdfhpUoTvFRP"), "mysql": set("ehuPpDS"), "mariadb": set("ehuPpDS"),
    "redis-cli": set("hpanu"), "install": set("mogSt"),
    "logrotate": set("slm"),        # state file, log file, mail command: no configuration
}
_LOGROTATE_LONG_VALUES = frozenset({"--state", "--log", "--mail"})
_WRAPPERS = {"sudo": set("ugCDhpUrt"), "doas": set("uC"), "nohup": set(), "nice": set("n"),
             "ionice": set("cnp"), "setsid": set(), "time": set(), "command": set(),
             "builtin": set(), "exec": set("a"), "stdbuf": set("ioe"), "chronic": set(),
             "timeout": set("sk"), "flock": set("wE"), "chroot": set(),
             "env": set("uCS"), "unbuffer": set(), "caffeinate": set(), "torsocks": set(),
             "busybox": set(), "toybox": set(), "runuser": set("ug"), "watch": set("n"),
             "systemd-run": set("pEuM"), "nsenter": set("tSG"), "unshare": set("SGRw"),
             "strace": set("oeEpuSsIbXPa"), "ltrace": set("oepusnaAl"), "taskset": set(),
             "chrt": set(), "systemd-inhibit": set(), "setpriv": set(), "prlimit": set("p"),
             "cgexec": set("g"), "firejail": set(), "bwrap": set(), "catchsegv": set()}
# The first argument after the options is no command: a timeout, a lock file, a root, a CPU
# mask (taskset), a priority (chrt).
_FIRST_ARG_NOT_COMMAND = frozenset({"timeout", "flock", "chroot", "taskset", "chrt"})
# Long options of the wrappers that take their value as the next word.
_LONG_VALUES = frozenset({"--propagation", "--setgroups", "--map-user", "--map-group", "--what",
                          "--who", "--why", "--mode", "--output", "--target", "--user",
                          "--group", "--signal", "--kill-after", "--setuid", "--setgid",
                          "--root", "--wd", "--expr", "--property", "--unit", "--uid", "--gid"})


# Every program this module or the readers give a meaning to (effects, output, a session, a
# language, a wrapper): a command named otherwise does nothing lineguard judges, so only the
# command substitutions inside its arguments need following.
KNOWN = frozenset({
    "rm", "unlink", "rmdir", "srm", "wipe", "shred", "truncate", "dd", "wipefs", "blkdiscard",
    "sgdisk", "sfdisk", "parted", "fdisk", "hdparm", "lvremove", "vgremove", "pvremove", "zpool",
    "zfs", "btrfs", "mdadm", "cryptsetup", "find", "rsync", "mv", "cp", "ln", "install", "tee",
    "mkdir", "systemctl", "service", "update-rc.d", "chkconfig", "rc-service", "rc-update",
    "invoke-rc.d", "kill", "pkill", "killall", "skill", "crontab", "atrm", "at", "batch",
    "history", "set", "unset", "journalctl", "auditctl", "dmesg", "chattr", "chmod", "chown",
    "dropdb", "mysqladmin", "redis-cli", "mongo", "mongosh", "curl", "wget", "fetch", "aria2c", "scp",
    "sftp", "tftp", "echo", "printf", "cat", "head", "tail", "sort", "uniq", "grep", "egrep",
    "awk", "cut", "sed", "tac", "snmpwalk", "snmpbulkwalk", "snmptable", "snmpbulkget",
    "snmpset", "mktemp", "hostname", "base64", "base32", "basenc", "xxd", "rev", "tr", "gunzip",
    "zcat", "gzip", "bzip2", "bunzip2", "bzcat", "xz", "unxz", "xzcat", "lzma", "unlzma",
    "openssl", "zlib-flate", "source", ".", "eval", "trap", "expect", "tclsh", "su", "runuser",
    "xargs", "psql", "mysql", "mariadb", "sqlite3", "sqlplus", "isql", "clickhouse-client",
    "cqlsh", "ruby", "php", "node", "nodejs", "lua", "pwsh", "Rscript", "osascript", "gawk",
    "jshell", "groovy", "exec", "go",
    "ssh", "sshpass", "telnet", "nc", "ncat", "netcat", "socat", "clogin", "jlogin", "nlogin",
    "plink", "rsh", "cu", "minicom", "parallel", "tar", "pg_dump", "pg_dumpall", "mysqldump",
    "mariadb-dump", "mawk", "nawk", "watch", "mkfs", "mke2fs", "mkswap", "mkdosfs", "mkntfs",
    "git", "fallocate", "nvme", "dmsetup", "lvreduce", "lvresize", "iptables", "ip6tables",
    "nft", "ip", "route", "ufw", "firewall-cmd", "mount", "telinit", "init", "touch",
    "systemd-run", "read", "mapfile",
    "readarray", "hash", "cd", "pushd", "zip", ":", "true", "http", "https", "xh", "ansible",
    "ansible-playbook", "tmux", "screen", "ls", "tmpwatch", "tmpreaper", "xfs_io", "debugfs",
    "sg_format", "sg_sanitize", "coproc", "make", "gmake", "m4", "gdb", "vim", "vi", "ex",
    "view", "nvim", "vim.basic", "vim.tiny", "script", "etcdctl", "sponge", "logrotate",
    "systemd-tmpfiles", "mariadb-admin", "gnutls-cli", "ed", "red", "gnmic", "netconf-console",
    "netconf-console2", "lftp", "ftp", "scrub", "jq", "gojq", "yq", "crudini", "netmiko-cfg",
    "pigz", "pbzip2", "lzip", "zstd", "pzstd", "lz4", "compress", "borg", "borgbackup",
    "restic", "rdiff-backup", "duplicity", "shuf",
}) | SHELLS | frozenset(CARRIERS)       # every program that runs commands in its own syntax


# Filters whose output from a list file is (part of) that list: a loop over it goes over the list.
LIST_READERS = frozenset({"cat", "grep", "egrep", "fgrep", "sed", "awk", "gawk", "mawk", "cut",
                          "sort", "uniq", "head", "tail", "tac", "tr", "shuf"})


# Programs whose only meaning to lineguard is what they print: when nothing reads their output
# (no pipe, substitution or redirection), they do nothing lineguard judges.
OUTPUT_ONLY = frozenset({"echo", "printf", "cat", "head", "tail", "sort", "uniq", "grep", "egrep",
                         "cut", "sed", "tac", "hostname", "mktemp", "snmpwalk",
                         "snmpbulkwalk", "snmptable", "snmpbulkget", "base64", "base32", "xxd",
                         "rev", "tr", "ls", "shuf"})


def prints_only(argv: list[str]) -> bool:
    """A program whose only effect is what it prints (sed -i edits files, printf -v sets a
    variable, sort -o writes a file: not these)."""
    prog = base(argv[0]) if argv else ""
    return prog in OUTPUT_ONLY and not (prog == "sed" and (any(
        re.match(r"-\w*i|--in-place|-f$|--file\b", a) for a in argv[1:]) or
        carriers.sed_runs(argv))) and not (prog == "printf" and argv[1:2] == ["-v"]) and \
        not (prog == "sort" and _sort_output(argv[1:]) is not None)     # sort -o FILE writes


def known(prog: str) -> bool:
    return prog in KNOWN or prog in _WRAPPERS or prog.startswith(("python", "perl", "mkfs")) or \
        (prog[-1:].isdigit() and prog.rstrip("0123456789.") in KNOWN)   # lua5.4, php8.2, tclsh8.6


def base(word: str) -> str:
    return word.rsplit("/", 1)[-1]


def sed_files(argv: list[str]) -> list[str]:
    """The files sed reads: its operands but the script, which is the first operand unless a
    script is given with -e/-f (`-ne SCRIPT`, `--expression=…`), never a file."""
    words, scripted, skip = [], False, False
    for a in argv[1:]:
        if skip:
            skip = False
        elif a.startswith("--"):
            scripted = scripted or a.startswith(("--expression", "--file"))
            skip = a in ("--expression", "--file", "--line-length")
        elif a.startswith("-") and a != "-":
            scripted = scripted or "e" in a[1:] or "f" in a[1:]
            skip = a[-1] in "efl"
        else:
            words.append(a)
    return words if scripted else words[1:]


def operands(argv: list[str], with_value: set[str] | None = None) -> list[str]:
    """Arguments that are not options (nor option values)."""
    vals = with_value or set()
    out, i, rest = [], 1, False
    while i < len(argv):
        a = argv[i]
        if rest or not a.startswith("-") or a == "-":
            out.append(a)
        elif a == "--":
            rest = True
        elif len(a) == 2 and a[1] in vals:
            i += 1
        i += 1
    return out


# a lock, pid or heartbeat file: what a job takes to run alone, or writes to say it is alive
LOCK_FILE = re.compile(r"(?i)(?:\.(?:lock|lck|pid)|/LCK\.\.[^/]*|/\.?(?:lock|heartbeat)[^/]*)$")
_LOCKERS = frozenset({"flock", "lockfile", "lockfile-create", "dotlockfile", "touch"})


def took_lock(argv: list[str], job: Job) -> None:
    """A lock file the command takes (flock FILE CMD, lockfile FILE, touch X.lock): the job's
    own, so removing it later is its own housekeeping (see _destroy)."""
    if argv and base(argv[0]) in _LOCKERS:
        for a in argv[1:]:
            if not a.startswith("-") and LOCK_FILE.search(render(a)):
                job.written.setdefault(a, Written("", f"taken as a lock by {base(argv[0])}"))
                break


def unwrap(argv: list[str]) -> list[str]:
    """The command a wrapper (sudo, nohup, timeout 5, env X=1, xargs -I{} …) runs."""
    while argv:
        prog = base(argv[0])
        if prog == "env" and any(a in ("-S", "--split-string") or a.startswith(("-S", "--split-string="))
                                 for a in argv[1:]):
            argv = _split_string(argv)
            continue
        if prog in ("su", "runuser", "flock", "sg") and "-c" in argv:
            return ["sh", "-c", argv[argv.index("-c") + 1]] if argv.index("-c") + 1 < len(argv) else []
        if (prog in ("su", "ksu") and all(a.startswith("-") or a.isidentifier() for a in argv[1:])
                and len([a for a in argv[1:] if not a.startswith("-")]) <= 1) or \
                (prog in ("sudo", "doas") and _LOGIN_SHELL.fullmatch(" ".join(argv[1:]))):
            return ["sh"]     # `su [-] [USER]`, `sudo -s`/`-i [-u USER]`: a shell reads the input
        if prog in MULTI_CALL and len(argv) > 1:
            argv = argv[1:]
            continue
        if prog not in _WRAPPERS:
            return argv
        vals = _WRAPPERS[prog]
        i = 1
        while i < len(argv) and (argv[i].startswith("-") or (prog == "env" and "=" in argv[i])):
            if argv[i] == "--":
                i += 1
                break
            if (len(argv[i]) == 2 and argv[i][1] in vals) or argv[i] in _LONG_VALUES:
                i += 1
            i += 1
        if prog in _FIRST_ARG_NOT_COMMAND:
            i += 1
        argv = argv[i:]
    return argv


# sudo/doas options that open a shell and name no command: the user's shell reads the input
_LOGIN_SHELL = re.compile(r"(?:(?:-[EHnPS]+|--preserve-env|--non-interactive|-u \S+|--user=\S+)\s)*"
                          r"(?:-[EHnPS]*[si][EHnPS]*|--shell|--login)"
                          r"(?:\s(?:-[EHnPS]+|-u \S+|--user=\S+))*")


def _split_string(argv: list[str]) -> list[str]:
    """env -S STRING …: the string split into words as env splits it, then the rest."""
    for i, a in enumerate(argv[1:], 1):
        if a in ("-S", "--split-string") and i + 1 < len(argv):
            value, rest = argv[i + 1], argv[i + 2:]
        elif a.startswith("--split-string="):
            value, rest = a.split("=", 1)[1], argv[i + 1:]
        elif a.startswith("-S"):
            value, rest = a[2:], argv[i + 1:]
        else:
            continue
        try:
            words = shlex.split(value)
        except ValueError:
            words = value.split()
        return words + rest
    return argv[1:]


def host_of(word: str) -> str:
    if "\x01" in word:
        # a host standing for a set (each device of a list): markers hold ':' of their own
        w = re.sub(r"^(?:[^@\x01]*@|\x01[^\x02]*\x02@)", "", word)
        return re.sub(r":\d+$", "", w)
    w = word.split("@", 1)[-1]
    return w.split(":", 1)[0] if w.count(":") == 1 else w


_SAFE_EMPTY = re.compile(r"empty|blank|void|nothing|null", re.I)

# programs that change nothing under an option asking what they would do, by program: (the
# letter of a short option, and the long options)
DRY_RUN_OPTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "wipefs": ("n", ("--no-act",)), "rsync": ("n", ("--dry-run",)),
    "mke2fs": ("n", ()), "mkfs.ext2": ("n", ()), "mkfs.ext3": ("n", ()), "mkfs.ext4": ("n", ()),
    "borg": ("n", ("--dry-run",)), "restic": ("n", ("--dry-run",)),
    "lvremove": ("t", ("--test",)), "vgremove": ("t", ("--test",)), "sgdisk": ("", ("--pretend",)),
    "rdiff-backup": ("", ("--dry-run",)), "duplicity": ("", ("--dry-run",)),
}


def _dry_run(prog: str, args: list[str]) -> bool:
    dry = DRY_RUN_OPTIONS.get(prog)
    if dry is None:
        return False
    letter, long = dry
    return any(a in long or (letter and a.startswith("-") and not a.startswith("--") and
                             letter in a[1:] and a[1:].isalpha()) for a in args)


def _sort_output(args: list[str]) -> str | None:
    for k, a in enumerate(args):
        if a in ("-o", "--output") and k + 1 < len(args):
            return args[k + 1]
        if a.startswith("--output="):
            return a.split("=", 1)[1]
        if a.startswith("-o") and len(a) > 2 and not a.startswith("--"):
            return a[2:]
    return None


# What a backup tool's own retention keeps: the units of a --keep-within/--remove-older-than
# age in days, and the --keep-* options that keep history (a day or more back) by themselves.
_AGE_DAYS = {"s": 1 / 86400, "m": 1 / 1440, "h": 1 / 24, "d": 1, "D": 1, "w": 7, "W": 7,
             "M": 30, "y": 365, "Y": 365}
_KEEPS_HISTORY = ("--keep-daily", "--keep-weekly", "--keep-monthly", "--keep-yearly", "-d", "-w",
                  "-m", "-y")


def _age_days(value: str) -> float | None:
    m = re.fullmatch(r"(\d+)([smhdDwWMyY])", value)
    if value == "now":
        return 0.0
    return int(m.group(1)) * _AGE_DAYS[m.group(2)] if m else None


def _option(args: list[str], names: tuple[str, ...]) -> str | None:
    for k, a in enumerate(args):
        if a in names and k + 1 < len(args):
            return args[k + 1]
        for n in names:
            if n.startswith("--") and a.startswith(n + "="):
                return a.split("=", 1)[1]
    return None


def _keeps_history(args: list[str]) -> bool:
    """Whether a prune/forget keeps a day or more of backups (a daily/weekly/... keep above
    zero, or a --keep-within of a day or more)."""
    for name in _KEEPS_HISTORY:
        v = _option(args, (name,))
        if v is not None and v.isdigit() and int(v) > 0:
            return True
    within = _option(args, ("--keep-within",))
    days = _age_days(within) if within else None
    return days is not None and days >= 1


_BACKUP_VALUES = frozenset({"-r", "--repo", "-d", "-w", "-m", "-y", "-H", "--prefix", "-a",
                            "--glob-archives", "--remove-older-than", "--tag", "--host",
                            "--path", "--password-file", "--cache-dir"})


def _backup_words(args: list[str]) -> list[str]:
    """A backup tool's arguments that are neither options nor their values."""
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
        elif a.startswith("-"):
            skip = "=" not in a and (a in _BACKUP_VALUES or a.startswith("--keep-"))
        else:
            out.append(a)
    return out


def _borg(args: list[str], ops: list[str]) -> str | None:
    ops = _backup_words(args)
    verb = ops[0] if ops else ""
    repo = next((o for o in ops[1:] if not o.startswith("-")), "$BORG_REPO")
    if verb == "delete" or (verb == "prune" and not _keeps_history(args)):
        return repo.split("::", 1)[0] or "$BORG_REPO"
    return None


def _restic(args: list[str], ops: list[str]) -> str | None:
    repo = _option(args, ("-r", "--repo")) or "$RESTIC_REPOSITORY"
    ops = _backup_words(args)
    ids = [o for o in ops if o != "forget"]
    if "forget" in ops and not ids and not _keeps_history(args):
        return repo
    return None


def _remove_older(args: list[str], ops: list[str]) -> str | None:
    """rdiff-backup --remove-older-than T and duplicity remove-older-than T: the backups older
    than T are removed; under a day, all the history is."""
    age = _option(args, ("--remove-older-than",))
    ops = _backup_words(args)
    if age is None and "remove-older-than" in ops:
        k = ops.index("remove-older-than")
        age = ops[k + 1] if k + 1 < len(ops) else None
    days = _age_days(age) if age else None
    if days is not None and days < 1:
        rest = [o for o in ops if o not in ("remove-older-than", age)]
        return rest[-1] if rest else "the backup repository"
    return None


# backup tools deleting their own history: each reads its arguments and returns the repository
# it purges, or None when what it keeps is a day or more back
_BACKUP_TOOLS = {"borg": _borg, "borgbackup": _borg, "restic": _restic,
                 "rdiff-backup": _remove_older, "duplicity": _remove_older}




def _destroy(job: Job, place: Place, line: int, ev: str, path: str, how: str,
             bounded: bool = False) -> None:
    tree = next((d for k, d, _ in markers(path) if k == "tree"), None) if "\x01tree:" in path \
        else None
    if tree is not None:
        # each file under a walked directory: the tree, bounded as the walk is
        path, _, walk_bounded = tree.partition("\x1e")
        how, bounded = ("delete-tree" if how.startswith("delete") else how), \
            bounded or walk_bounded == "1"
    moved = job.written.get(path)
    if moved is not None and moved.origin and moved.origin != path and how != "deny":
        # a file this job moved or compressed here from elsewhere, the original removed:
        # what is deleted is what the original held
        _destroy(job, place, line, ev, moved.origin, how, bounded)
    if ARG_MARK in path:
        # an argument of a program read once for all its callers: classified when bound
        job.sink.append(place.effect("data-destruction", line, ev, target=path, how=how,
                                     bounded=bounded))
        return
    each = expand_each(path)
    if len(each) > 1:
        # a loop over named paths: each one is judged by what it is
        for one in each:
            _destroy(job, place, line, ev, one, how, bounded)
        return
    if f"<{LIST_CUT} " in path:
        # a list longer than its values are judged one by one (resolve.judged_values): the
        # rest is not read, and a padded list is how one deletion is hidden among many
        cut_by_limit(job, place, "list-of-paths", line, ev,
                     f"a deletion of more than {2 * MAX_EACH} paths in as many folders")
    if is_known(path) and ("/../" in path or "/./" in path):
        path = posixpath.normpath(path)
    p = render(path)
    low = p.rstrip("/")
    if how == "delete" and (p.endswith("*") or p.endswith("/")):
        how = "delete-tree"      # a glob or a directory: everything in it
    if how == "delete" and LOCK_FILE.search(low) and (job.written.get(path) or
                                                       job.written.get(low)):
        return      # a lock or pid file the job took or wrote itself: its own housekeeping
    if place.path and low.lstrip("/") == place.path.lstrip("/") and how in ("delete", "overwrite"):
        # the program deletes itself after running: what it did can no longer be read
        job.sink.append(place.effect("anti-forensics", line, ev, target=path,
                                     how="deletes its own program"))
    elif (own := lineguards(job, low)) is not None:
        job.sink.append(place.effect("tamper", line, ev, target=path if own == low else own,
                                     how=f"{how}s lineguard's files"))
    elif how in ("truncate", "overwrite") and BACKUP_FILE.search(low) and not bounded and \
            not low.endswith(".log"):
        job.sink.append(place.effect("data-destruction", line, ev, target=path,
                                     how="backup purge", value=f"{how} in place"))
    elif SCHEDULER.search(low) and (how != "delete" or "spool" in low) and \
            not SCHEDULER_LEFTOVER.search(low):
        # a tree of jobs, or a user's crontab or at job; a package dropping its own
        # /etc/cron.d file is not tampering
        job.sink.append(place.effect("tamper", line, ev, target=path, how=f"{how}s scheduler entries"))
    elif FORENSIC.search(low) or FORENSIC.search(low.rstrip("*").rstrip(".")) or (
            how in ("delete-tree", "truncate", "overwrite") and
                                  FORENSIC_DIR.search(low.lstrip("/"))):
        if not bounded:
            job.sink.append(place.effect("anti-forensics", line, ev, target=path, how=how))
    else:
        job.sink.append(place.effect("data-destruction", line, ev, target=path, how=how,
                                     bounded=bounded,
                                     reach="all" if any(k in ("lines", "walk") for k, _, _ in
                                                        markers(path)) or
                                     over_unknown_list(path) else "one"))


# a value standing for each name a snapshot listing prints
_SNAPSHOT_LIST = re.compile(r"^<each item of output of `[^`]*\bzfs list\b[^`]*-t\s*snap(?:shot)?\b")
_AGE = re.compile(r"^-(?:mtime|mmin|atime|amin|ctime|cmin)$")
_SELECTS = re.compile(r"^-(?:empty|links|user|uid|group|gid|perm|inum|samefile)$")
_NAMES = re.compile(r"^-(?:i?name|i?wholename|i?path|i?regex)$")
# A name pattern that selects a kind of file by how its name starts or ends (`*.log`,
# `*.gz.[0-9]`, `*~`, `.*\.tmp`, `sess_*`): housekeeping's limit. A literal name or a pattern
# naming what it selects (`pvc.sqlite`, `*linedata*`, `*/xconnect/*`) is the selection itself.
_NAME_CLASS = re.compile(r"^(?:(?:\*|\.\*|\.\+|\[[^]]*\])+(?:\\?\.[^/]*|~|#)|\*[^*?\[/]+|"
                         r"[^*?\[/]+\*)$")
_EVERYTHING = ("*", "*.*", ".*", "", "./*", "*/*")
FIND_DELETERS = frozenset({"rm", "shred", "unlink", "srm", "wipe"})


# bounds that select (nearly) every file a data tree keeps: younger than an hour is what is
# being written now, "smaller than a gigabyte" is every ordinary file
_MINUTES_THAT_BIND = 60
_SIZE_THAT_NEVER_BINDS = 1 << 30
_SIZE_UNIT = {"": 512, "b": 512, "c": 1, "w": 2, "k": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def find_bounded(preds: list[str]) -> bool:
    """Whether find's predicates limit what it selects the way housekeeping does: older than an
    age, larger than a size, a name's start or end (`-name '*.log'`), an owner. `-mtime -N` and `-newer F`
    select the recent files (every file a live application keeps), `-size +0` every non-empty
    one, `-size -100G` every ordinary one, `-mmin +1` all but what is being written, a name
    of `*` everything, and a name that names the files (`-name pvc.sqlite`, `-path
    '*linedata*'`) selects those files whole: none of them is a limit."""
    for k, p in enumerate(preds):
        val = preds[k + 1] if k + 1 < len(preds) else ""
        if _AGE.match(p) and not val.startswith("-") and re.match(r"^\+?\d+$", val) \
                and val.lstrip("+") not in ("0",) and not (
                    p.endswith("min") and int(val.lstrip("+")) < _MINUTES_THAT_BIND):
            return True
        size = re.match(r"^([+-]?)(\d+)([bcwkMG]?)$", val) if p == "-size" else None
        if size and not (size.group(1) == "+" and int(size.group(2)) <= 1
                         and size.group(3) in ("", "b", "c", "w")) and not (
                size.group(1) == "-" and
                int(size.group(2)) * _SIZE_UNIT[size.group(3)] >= _SIZE_THAT_NEVER_BINDS):
            return True
        if _SELECTS.match(p):
            return True
        name = val.strip("'\"")
        if _NAMES.match(p) and _NAME_CLASS.match(name) and \
                not FORENSIC.search("/" + name.rstrip("*").rstrip(".")):
            # (`auth.log*`, `wtmp.*`: a log or history file and its rotations, named whole)
            return True
    return False


def find_selection(argv: list[str]) -> tuple[list[str], list[str]]:
    """find's roots and what it selects under them: `ROOT/**/NAME` for each name or path
    pattern it selects by (not negated, not pruned), else the roots themselves. The pattern
    stays in the path so the rules see what it names (whether it limits: find_bounded)."""
    roots, i = [], 1
    while i < len(argv) and not argv[i].startswith(("-", "(", "!", "\\(")):
        roots.append(argv[i])
        i += 1
    preds = argv[i:]
    shallow = any(p in ("-maxdepth",) and preds[k + 1:k + 2] in (["0"], ["1"])
                  for k, p in enumerate(preds))
    named: list[tuple[str, str]] = []
    for k, p in enumerate(preds[:-1]):
        val = preds[k + 1].strip("'\"")
        negated = k > 0 and preds[k - 1] in ("!", "-not", "\\!")
        pruned = preds[k + 2:k + 4] in (["-prune", "-o"], ["-prune", "-or"])   # excluded
        if not _NAMES.match(p) or negated or pruned or val in _EVERYTHING:
            continue
        named.append((p, val))
    out = []
    for r in roots or ["."]:
        top = r.rstrip("/") if r not in ("/", "") else ""
        if not named:
            out.append(r)
        for p, val in named[:4]:
            if p in ("-name", "-iname"):
                out.append(f"{top}/{val}" if shallow else f"{top}/**/{val}")
            else:
                # -path/-wholename/-regex match the whole path: an absolute pattern is itself
                # the selection, a relative one sits under the root
                out.append(val if val.startswith("/") else f"{top}/{val.lstrip('/')}")
    return roots, out


# truncate to an absolute size under a megabyte (`-s 64`, `--size=4K`): what a data file held
# past it is gone (a log capped at some megabytes is not this)
_TRUNCATED_SMALL = re.compile(r"(?:-s\s*|--size[= ])(?:\d{1,6}|\d{1,3}[kK](?:i?B)?)(?![\w.])")
# a stream of noise: what a file written with it holds instead of its data
NOISE = re.compile(r"^\s*(?:(?:head|tail)\s+-\w*c\s*\S+|cat|dd\s+if=)\s*/dev/(?:u?random|zero)"
                   r"(?:\s+\S+=\S+)*\s*$|^\s*openssl\s+rand\b")

# what is made of noise on purpose: keys, secrets, tokens, seeds, salts
KEY_FILE = re.compile(r"(?i)(?:key|secret|token|seed|salt|nonce|random|cookie|pass)[^/]*$")


def _empty_archive(args: list[str]) -> str | None:
    """The archive tar creates with nothing in it (`tar -czf A -T /dev/null`, `--files-from
    /dev/null` and no member named), else None."""
    words = " ".join(args)
    if "/dev/null" not in words or not re.search(r"(?:^|\s)-?[a-zA-Z]*c|--create", words):
        return None
    archive, listed, members, i = None, False, 0, 0
    while i < len(args):
        a = args[i]
        nxt = args[i + 1] if i + 1 < len(args) else ""
        if a in ("-T", "--files-from") or a.startswith("--files-from="):
            listed = listed or (a.partition("=")[2] or nxt) == "/dev/null"
            i += 1 if "=" in a else 2
            continue
        if a in ("-f", "--file") or a.startswith("--file="):
            archive = a.partition("=")[2] or nxt
            i += 1 if "=" in a else 2
            continue
        if re.fullmatch(r"-?[a-zA-Z]*c[a-zA-Z]*f", a) and i + 1 < len(args) and (
                a.startswith("-") or i == 0):
            archive = nxt           # -czf A (or czf A): f's value is the next word
            i += 2
            continue
        if a in ("-C", "--directory", "-X", "--exclude-from", "-b", "-H", "--format"):
            i += 2
            continue
        members += not a.startswith("-")
        i += 1
    return archive if listed and archive and not members else None


def _find(argv: list[str], job: Job, place: Place, line: int, ev: str, piped_to_rm: bool) -> None:
    roots, i = [], 1
    while i < len(argv) and not argv[i].startswith(("-", "(", "!", "\\(")):
        roots.append(argv[i])
        i += 1
    preds = argv[i:]
    deletes = "-delete" in preds or piped_to_rm or any(
        preds[k] in ("-exec", "-execdir", "-ok", "-okdir") and k + 1 < len(preds)
        and base((unwrap(preds[k + 1:]) or [""])[0]) in FIND_DELETERS
        for k in range(len(preds)))
    if not deletes:
        return
    bounded = find_bounded(preds)
    for t in find_selection(argv)[1]:
        _destroy(job, place, line, ev, t, "delete-tree", bounded)


def effects(argv: list[str], job: Job, place: Place, line: int, ev: str,
            stdin: str | None = None, piped_to_rm: bool = False) -> None:
    """Effects of running argv (already unwrapped and resolved) on a host."""
    if not argv:
        return
    prog = base(argv[0])
    args = argv[1:]
    ops = operands(argv, _OPT_VALUES.get(prog))
    flags = " ".join(a for a in args if a.startswith("-"))
    add = job.sink.append
    if _dry_run(prog, args):
        return          # asked only to show what it would do
    if prog == "scrub" and "-r" in args:
        for t in ops:
            _destroy(job, place, line, ev, t, "wipe")
    elif prog in ("rm", "unlink", "rmdir", "srm", "wipe"):
        tree = re.search(r"(?:^|\s)-\w*[rR]|--recursive", flags) is not None
        for t in ops:
            _destroy(job, place, line, ev, t, "delete-tree" if tree else "delete")
    elif prog == "shred":
        for t in ops:
            _destroy(job, place, line, ev, t, "wipe" if t.startswith("/dev/") else "overwrite")
    elif prog == "truncate":
        if re.search(r"(?:-s\s*|--size[= ])0\b|-s0\b|(?:-r\s*|--reference[= ])/dev/null\b",
                     " ".join(args)) or _TRUNCATED_SMALL.search(" ".join(args)):
            for t in ops:
                if t not in ("0", "/dev/null"):
                    _destroy(job, place, line, ev, t, "truncate")
    elif prog == "dd":
        of = next((a[3:] for a in args if a.startswith("of=")), None)
        inp = next((a[3:] for a in args if a.startswith("if=")), "")
        if of and not re.match(r"/dev/(?:null|stdout|stderr|tty|fd/)", of):
            if of.startswith("/dev/") or inp in ("/dev/zero", "/dev/urandom", "/dev/random"):
                _destroy(job, place, line, ev, of, "wipe" if of.startswith("/dev/") else "overwrite")
            elif "notrunc" not in " ".join(args) and (inp == "/dev/null" or "count=0" in args or
                                                       (not inp and stdin == "")):
                # nothing copied into a file dd opens without conv=notrunc: it is emptied
                _destroy(job, place, line, ev, of, "truncate")
    elif prog == "wipefs" and re.search(r"-\w*[ao]|--all|--offset", flags):
        for t in ops:
            if t.startswith("/") or not is_known(t):      # not an --offset or --types value
                _destroy(job, place, line, ev, t, "wipe")
    elif prog.startswith(("mkfs", "mke2fs", "mkswap", "mkdosfs", "mkntfs")) or prog in (
            "blkdiscard", "sg_format", "sg_sanitize"):
        for t in ops:
            if t.startswith("/dev/") or not is_known(t):
                _destroy(job, place, line, ev, t, "wipe")
    elif prog in ("sgdisk", "sfdisk", "parted", "fdisk") and re.search(
            r"--zap-all|-Z\b|--clear|-o\b|--delete|-d\s*\d|mklabel|\brm\b", " ".join(args)):
        for t in ops:
            if t.startswith("/dev/"):
                _destroy(job, place, line, ev, t, "wipe")
    elif prog == "hdparm" and "--security-erase" in flags:
        _destroy(job, place, line, ev, ops[-1] if ops else "a disk", "wipe")
    elif prog in ("lvremove", "vgremove", "pvremove"):
        for t in ops:
            _destroy(job, place, line, ev, t, "volume removal")
    elif prog in ("zpool", "zfs") and args and args[0] == "destroy":
        # DATASET@SNAPSHOT (`@<…>` a name built at run time, each name `zfs list -t snapshot`
        # lists, or any name under -d, which only snapshots take) is a recovery point, not
        # the data, unless -R takes the clones made from it, live file systems, along
        clones = re.search(r"(?:^|\s)-\w*R", flags) is not None
        deferred = re.search(r"(?:^|\s)-\w*d", flags) is not None
        for t in ops[1:]:
            snap = prog == "zfs" and not clones and (
                deferred or "@" in literal(t) or "@<" in render(t) or
                _SNAPSHOT_LIST.search(render(t)) is not None)
            _destroy(job, place, line, ev, t, "snapshot removal" if snap else "volume removal")
    elif prog == "btrfs" and len(args) >= 2 and args[0].startswith("sub") and args[1] in ("delete", "del"):
        for t in ops[2:]:
            _destroy(job, place, line, ev, t, "volume removal")
    elif prog == "mdadm" and "--zero-superblock" in flags:
        for t in ops:
            _destroy(job, place, line, ev, t, "wipe")
    elif prog == "cryptsetup" and args and args[0] in ("luksErase", "erase", "luksKillSlot"):
        _destroy(job, place, line, ev, ops[-1] if ops else "a LUKS volume", "wipe")
    elif prog == "find":
        _find(argv, job, place, line, ev, piped_to_rm)
    elif prog in ("tmpwatch", "tmpreaper") and len(ops) >= 2:
        # removes what was not used for the given age under each folder: an age bound
        for t in ops[1:]:
            _destroy(job, place, line, ev, t, "delete-tree", bounded=True)
    elif prog == "rsync" and "--delete" in " ".join(args) and len(ops) >= 2:
        src, dst = ops[-2], ops[-1]
        empty = any(k == "empty" for k, _, _ in markers(src)) or _SAFE_EMPTY.search(render(src)) \
            or any(job.written[k].source == "empty directory" for k in (src, src.rstrip("/"))
                   if k in job.written) or (
                "--delete-excluded" in args and _EXCLUDES_ALL.search(" ".join(args)))
        if empty:
            _destroy(job, place, line, ev, dst, "delete-tree")
    elif prog == "mv" and "-t" in args[:-1] and ops and moved_away(
            [o for o in ops if o != args[args.index("-t") + 1]], args[args.index("-t") + 1]):
        # mv -t DIR SOURCE…
        for t in ops:
            if t != args[args.index("-t") + 1]:
                _destroy(job, place, line, ev, t, "delete-tree")
    elif prog == "mv" and len(ops) >= 2 and moved_away(ops[:-1], ops[-1]):
        # moved to /dev/null or a scratch file system, or a job, lineguard or log tree moved
        # out of the place its reader looks: gone from there
        for t in ops[:-1]:
            _destroy(job, place, line, ev, t, "delete-tree" if not t.endswith("/dev/null") else
                     "delete")
    elif prog in ("mv", "cp", "install") and len(ops) >= 2 and \
            FORENSIC.search(render(ops[-1]).rstrip("/")) and \
            not any(FORENSIC.search(render(s).rstrip("/")) for s in ops[:-1]):
        # a log or history file replaced by another file (a filtered copy): evidence rewritten
        add(place.effect("anti-forensics", line, ev, target=ops[-1], how="replaces the contents of"))
    elif prog == "rsync" and "--remove-source-files" in args and len(ops) >= 2 and \
            SCRATCH.match(render(ops[-1])):
        _destroy(job, place, line, ev, ops[-2], "delete-tree")
    elif prog == "cp" and len(ops) >= 2 and ops[0] in ("/dev/null", "/dev/zero", "/dev/urandom",
                                                         "/dev/random"):
        _destroy(job, place, line, ev, ops[-1], "truncate" if ops[0] == "/dev/null" else
                 "wipe" if BLOCK_DEVICE.match(render(ops[-1])) else "overwrite")
    elif prog == "ln" and re.search(r"-\w*s", flags) and len(ops) >= 2 and ops[0] == "/dev/null" \
            and (unit := UNIT_FILE.search(render(ops[-1]))):
        # a unit linked to /dev/null is masked, as `systemctl mask` does it
        _service("systemctl", ["mask", f"{unit.group(1)}.{unit.group(2)}"], job, place, line, ev)
    elif prog == "ln" and re.search(r"-\w*s", flags) and len(ops) >= 2 and ops[0] == "/dev/null":
        _destroy(job, place, line, ev, ops[-1], "redirect to /dev/null")
    elif prog in _COMPRESSORS and (away := [(f, o) for f, o in compressed_away(prog, args, ops)
                                            if moved_away([f], o)]):
        # compressed onto a scratch file system (or /dev/null), the original removed
        for f, _o in away:
            _destroy(job, place, line, ev, f, "delete")
    elif prog in _BACKUP_TOOLS:
        repo = _BACKUP_TOOLS[prog](args, ops)
        if repo is not None:
            job.sink.append(place.effect("data-destruction", line, ev, target=repo,
                                         how="backup purge", value=prog))
    elif prog == "sort" and (out := _sort_output(args)) is not None and \
            [o for o in ops if o != out] == ["/dev/null"]:
        # sort -o FILE /dev/null: FILE opened for its output and given nothing
        _destroy(job, place, line, ev, out, "truncate")
    elif prog == "tar" and "--remove-files" in args:
        _tar_remove(args, job, place, line, ev)
    elif prog in ("tar", "bsdtar") and (archive := _empty_archive(args)) is not None:
        # an archive created with no members (`-T /dev/null`) over ARCHIVE: it holds nothing
        _destroy(job, place, line, ev, archive, "truncate")
    elif prog == "zip" and (re.search(r"(?:^|\s)-\w*m", flags) or "--move" in args) and len(ops) >= 2:
        # zip -m deletes what it archived; into /dev/null or scratch the files are gone
        if render(ops[0]) in ("/dev/null", "/dev/null.zip") or SCRATCH.match(render(ops[0])):
            for member in ops[1:]:
                _destroy(job, place, line, ev, member, "delete-tree")
    elif prog == "install" and len(ops) >= 2 and ops[0] == "/dev/null":
        _destroy(job, place, line, ev, ops[-1], "truncate")
    elif prog in ("tee", "sponge") and stdin == "" and ops and not re.search(
            r"(?:^|\s)-\w*a|--append", flags):
        for t in ops:
            _destroy(job, place, line, ev, t, "truncate")
    elif prog in _EDITORS:
        _edited_empty(prog, argv, ops, stdin, job, place, line, ev)
    elif prog == "etcdctl" and (ops[:1] in (["del"], ["rm"], ["rmdir"])) and (
            "--prefix" in args or "--from-key=true" in args or "--from-key" in args):
        key = ops[1] if len(ops) > 1 else ""
        add(place.effect("data-destruction", line, ev, how="db-delete-all", reach="all",
                         target=f"etcd keys under {key!r}" if key else "every etcd key"))
    elif prog == "systemd-tmpfiles" and re.search(r"--remove|--clean|--purge", flags):
        _tmpfiles(args, ops, job, place, line, ev)
    elif prog == "logrotate":
        # its configurations: not the file a --state, --log or --mail names
        _logrotate(operands([a for k, a in enumerate(argv)
                             if not (k and argv[k - 1] in _LOGROTATE_LONG_VALUES)],
                            _OPT_VALUES["logrotate"]), job, place, line, ev)
    elif prog in ("curl", "wget", "http", "https", "xh"):
        _data_store_request(argv, job, place, line, ev)
    elif prog == "sed" and re.search(r"(?:^|\s)-\w*i|--in-place", flags):
        _sed_in_place(argv, job, place, line, ev)
    elif prog == "git" and "rm" in args and "--cached" not in args:
        _git_rm(args, job, place, line, ev)
    elif prog == "git" and any(a in _GIT_DESTROYING_VERBS for a in args):
        _git(args, job, place, line, ev)
    elif prog == "git" and "clean" in args and re.search(r"-\w*f", flags):
        where = next((args[i + 1] for i, a in enumerate(args[:-1]) if a == "-C"), None)
        _destroy(job, place, line, ev, (where or unknown("the directory git runs in")).rstrip("/")
                 + "/*", "delete-tree")
    elif prog == "fallocate" and re.search(r"--punch-hole|--zero-range|--collapse-range|"
                                          r"(?:^|\s)-\w*[pzc]", flags):
        for t in ops[-1:]:        # one file, last: the other operands are option values
            _destroy(job, place, line, ev, t, "overwrite")
    elif prog == "xfs_io":
        _xfs_io(args, job, place, line, ev)
    elif prog == "debugfs" and re.search(r"-\w*w", flags):
        # debugfs -w -R 'rm PATH' DEVICE (or kill_file, clri): files removed under the file
        # system's back, from its device
        req = " ".join(args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-R", "-f"))
        for m in re.finditer(r"\b(?:rm|kill_file|clri|unlink|rmdir)\s+(\S+)", req):
            _destroy(job, place, line, ev, m.group(1), "delete")
    elif prog == "nvme" and args and args[0] in ("format", "sanitize"):
        for t in ops[1:]:
            _destroy(job, place, line, ev, t, "wipe")
    elif prog == "dmsetup" and args and args[0] in ("remove", "remove_all", "wipe_table", "clear"):
        _destroy(job, place, line, ev, " ".join(ops[1:]) or "every device-mapper volume",
                 "volume removal")
    elif prog in ("lvreduce", "lvresize") and re.search(r"(?:^|\s)-\w*f|--force", flags) and \
            (prog == "lvreduce" or re.search(r"-L\s*-|--size[= ]-", " ".join(args))):
        for t in ops:
            _destroy(job, place, line, ev, t, "volume removal")
    elif prog in _FIREWALLS and (cut := firewall.cuts_off(prog, args,
                                                          firewall.setup_of(job))) is not None:
        if not (cut.startswith(firewall.EVERYTHING) and job.lets_out):
            add(place.effect("tamper", line, ev, target=cut if LINEGUARD.search(cut) else
                             f"{cut}, what lineguard's agent polls and delivers over",
                             how="cuts off lineguard: the firewall or routes drop"))
    elif prog in _FIREWALLS and firewall.lets_out(prog, args):
        # outgoing traffic let through: a default-deny this job sets is firewall management
        job.lets_out = True
        job.sink[:] = [e for e in job.sink if not (e.kind == "tamper" and
                                                   e.target.startswith(firewall.EVERYTHING))]
    elif prog == "mount" and ops:
        _mount_over(render(ops[-1]), job, place, line, ev, _hides(args, ops, job))
    elif (prog == "systemctl" and args[:1] == ["isolate"] and ops[1:2] and
          not re.match(r"(?:multi-user|graphical|default)(?:\.target)?$", ops[1])) or \
            (prog in ("telinit", "init") and ops[:1] and ops[0] in ("1", "s", "S", "single")):
        add(place.effect("tamper", line, ev, target="cron, at and lineguard (every service)",
                         how=f"stops the scheduler and lineguard with {' '.join([prog, *args])}:"))
    elif prog == "touch" and re.search(r"(?:^|\s)-\w*[rdt]|--reference|--date", flags):
        _backdate(argv, job, place, line, ev)
    elif prog in ("systemctl", "service", "update-rc.d", "chkconfig", "rc-service", "rc-update",
                  "invoke-rc.d"):
        _service(prog, ops, job, place, line, ev, tuple(args))
    elif prog in ("kill", "pkill", "killall", "skill", "killall5"):
        names = [o for o in ops if not o.isdigit()]
        # the signal is the leading option (`-9`, `-s KILL`, `--signal=HUP`), not any word
        # after it: `kill -9 PID -1` is no reload, and its -1 is every process
        lead = 2 if args[:1] in (["-s"], ["-n"], ["--signal"]) else \
            1 if args[:1] and args[0].startswith("-") and args[0] != "--" else 0
        signal, pids = " ".join(args[:lead]), args[lead:]
        reload = _RELOAD_SIGNAL.search(signal) or re.search(
            r"(?:^|\s)(?:-s\s*|--signal[= ]|-)0\b", signal)   # -0: is it alive?
        if not reload and (prog == "killall5" or (prog == "kill" and "-1" in pids)):
            # pid -1: every process the job may signal (as root: all but init), lineguard's
            # agent among them
            add(place.effect("tamper", line, ev, target="every process, lineguard's agent among "
                                                        "them", how="kills"))
        for n in names:
            # kill PID: the process whose pid the value holds (a pid file, pidof, pgrep)
            named = killed_process(n) if prog == "kill" else None
            name = base(named or render(n))
            if LINEGUARD.search(render(n)) or (named and LINEGUARD.search(named)):
                add(place.effect("tamper", line, ev, target=named or n, how="kills"))
            elif reload:
                continue
            elif (prog != "kill" or named) and LOG_DAEMONS.match(name):
                add(place.effect("anti-forensics", line, ev, target=named or n, how="kills logging:"))
            elif (prog != "kill" or named) and SCHEDULER_DAEMONS.match(name):
                add(place.effect("tamper", line, ev, target=named or n, how="kills the scheduler"))
            elif prog != "kill" or (named and not is_known(n)):
                add(place.effect("service", line, ev, target=named or n, how="kill"))
    elif prog == "crontab" and (re.search(r"-\w*r", flags) or (ops == ["-"] and not stdin) or
                                ops[-1:] == ["/dev/null"]):
        add(place.effect("tamper", line, ev, target="the user's crontab", how="removes"))
    elif prog == "crontab" and ops == ["-"] and stdin is not None and not is_known(stdin) and \
            "crontab -l" in render(stdin) and re.search(r"grep\s+-\w*v|sed\s.*d\b|awk", ev):
        add(place.effect("tamper", line, ev, target="the user's crontab",
                         how="removes entries of"))
    elif prog == "atrm" or (prog == "at" and re.search(r"-\w*[rd]\b", flags)):
        add(place.effect("tamper", line, ev, target="at jobs " + " ".join(ops), how="removes"))
    elif prog == "history" and "-c" in args:
        add(place.effect("anti-forensics", line, ev, target="shell history", how="clears"))
    elif prog == "set" and "+o" in args and "history" in args:
        add(place.effect("anti-forensics", line, ev, target="shell history", how="switches off"))
    elif prog == "unset" and any(a in _HISTORY_KEEPERS for a in args):
        for a in args:
            environment_change(a, None, job, place, line, ev)
    elif prog == "journalctl" and re.search(r"--vacuum-(?:time|size|files)", flags) and \
            not journal_retention(args):
        add(place.effect("anti-forensics", line, ev, target="the systemd journal", how="vacuums"))
    elif prog == "auditctl" and (re.search(r"(?:^|\s)-D\b", flags) or
                                 re.search(r"-e\s*0", " ".join(args))):
        add(place.effect("anti-forensics", line, ev, target="audit rules", how="deletes"))
    elif prog == "dmesg" and re.search(r"-\w*[cC]", flags):
        add(place.effect("anti-forensics", line, ev, target="the kernel ring buffer", how="clears"))
    elif prog in ("chattr", "chmod") and (agent_file := next(
            filter(None, (lineguards(job, render(o)) for o in ops)), None)):
        add(place.effect("tamper", line, ev, target=" ".join(ops) if agent_file in ops else
                         agent_file, how=f"{prog} on lineguard's files"))
    elif prog == "chmod" and ops and re.match(r"^(?:0+|[ugoa]*-[rwx]*x[rwx]*)$", ops[0]):
        for o in ops[1:]:
            name = base(render(o))
            if SCHEDULER_DAEMONS.match(name):
                add(place.effect("tamper", line, ev, target=o, how="disarms the scheduler (chmod):"))
            elif LOG_DAEMONS.match(name):
                add(place.effect("anti-forensics", line, ev, target=o, how="disarms logging (chmod):"))
            elif denies(prog, ops[0]):
                _destroy(job, place, line, ev, o, "deny")
    elif prog == "chown" and len(ops) >= 2:
        for o in ops[1:]:
            if disowns(ops[0], render(o)):
                _destroy(job, place, line, ev, o, "deny")
    elif prog in ("chmod", "chattr") and len(ops) >= 2 and denies(prog, ops[0]):
        for o in ops[1:]:
            _destroy(job, place, line, ev, o, "deny")
    elif prog in ("dropdb", "mysqladmin", "mariadb-admin", "redis-cli", "mongo", "mongosh"):
        from lineguard.collector.analyse.effects import sql as _sql
        text = " ".join(args) if prog != "dropdb" else f"DROP DATABASE {ops[-1] if ops else ''}"
        if prog in ("mysqladmin", "mariadb-admin") and "drop" in args:
            text = f"DROP DATABASE {ops[-1]}"
        if prog in ("mongo", "mongosh") and "--eval" in args:
            i = args.index("--eval")
            text = args[i + 1] if i + 1 < len(args) else ""
        for how, name in _sql.destructive_statements(text + ("\n" + stdin if stdin else ""),
                                                     sql=prog not in ("redis-cli", "mongo", "mongosh")):
            add(place.effect("data-destruction", line, ev, target=name, how=how))
        if prog == "redis-cli" and any(a.lower() in ("del", "unlink") for a in args):
            # the keys a scan of the store lists, every one of them deleted
            for o in ops:
                if not is_known(o) and re.search(r"--scan|\bkeys\b", render(o), re.I):
                    add(place.effect("data-destruction", line, ev, target=f"the keys {render(o)}",
                                     how="db-delete-all", reach="all"))
    backups(argv, job, place, line, ev)
    # files the job writes, downloads or copies: running them later is judged by this source,
    # and one put where it runs later (a job planted) by what it will do
    for dest in _remember(prog, args, ops, job, stdin):
        w = job.written[dest]
        planted.plant(job, place, line, ev, dest, w.content, w.source)


_XFS_IO = re.compile(r"^\s*(?:(truncate)\s+0*\b|(fpunch|fzero|fcollapse|finsert|zero)\b|"
                     r"(pwrite)\b)")


# A mode no one can read under (0, 000, a-r, ugo-rwx, a=, u=,g=,o=) or write under (a-w, -w):
# the data is still there, and nothing that reads or updates it can (chmod); a file made
# immutable (chattr +i) cannot be updated or replaced. Denial, not deletion: only the rules for
# line data and databases judge it (`how: deny`).
_DENIES_CHMOD = re.compile(r"^(?:(?:a|ugo|uog|ogu|oug|gou|guo)?-[rwx]*[rw][rwx]*|(?:a|ugo)?=x?|"
                           r"u=x?,g=x?,o=x?)$")


def denies(prog: str, mode: str) -> bool:
    """Whether chmod MODE or chattr ATTRS takes the data away from what reads or updates it."""
    if prog == "chattr":
        return re.fullmatch(r"\+[a-zA-Z]*i[a-zA-Z]*", mode) is not None
    if re.fullmatch(r"[0-7]{1,4}", mode):
        return all(int(d) < 4 for d in mode.zfill(3)[-3:])       # no one may read
    return _DENIES_CHMOD.match(mode) is not None


# A user's crontab in the spool: cron runs it only while that user owns it (Debian's and
# cronie's cron skip one owned by anyone else), as it runs the system's tables only while
# root owns them.
_SPOOL_TABLE = re.compile(r"^/?var/spool/cron/(?:crontabs/)?([^/]+)$")
_SYSTEM_TABLE = re.compile(r"^/?etc/(?:crontab|cron\.d(?:/[^/]+)?|anacrontab)$")


def disowns(owner: str, path: str) -> bool:
    """Whether `chown OWNER[:GROUP] PATH` gives a crontab to someone cron will not run it for:
    a user's spool table to anyone but that user, a system table to anyone but root."""
    user = owner.split(":", 1)[0].split(".", 1)[0]
    if not user or not is_known(owner):
        return False
    spool = _SPOOL_TABLE.match(path)
    if spool is not None and spool.group(1) not in ("crontabs", "atjobs", "atspool"):
        if user.isdigit():          # a uid: only root's is known without the passwd file
            return spool.group(1) == "root" and user != "0"
        return user != spool.group(1)
    return _SYSTEM_TABLE.match(path) is not None and user not in ("root", "0")


def _xfs_io(args: list[str], job: Job, place: Place, line: int, ev: str) -> None:
    """xfs_io -c 'truncate 0' / 'fpunch 0 1g' / 'fzero …' / 'pwrite -S 0 …' FILE: emptied or
    overwritten in place."""
    cmds, files, i = [], [], 0
    while i < len(args):
        if args[i] in ("-c", "-C") and i + 1 < len(args):
            cmds.append(args[i + 1])
            i += 2
            continue
        if args[i].startswith("-c") and len(args[i]) > 2:
            cmds.append(args[i][2:])
        elif args[i] in ("-p", "-o", "-P"):
            i += 1
        elif not args[i].startswith("-"):
            files.append(args[i])
        i += 1
    hows = [("truncate" if m.group(1) else "overwrite") for c in cmds
            if (m := _XFS_IO.match(render(c)))]
    for t in files if hows else ():
        _destroy(job, place, line, ev, t, "truncate" if "truncate" in hows else "overwrite")


def history_off(name: str, value: str) -> bool:
    """A shell setting that stops history being kept (HISTFILE=/dev/null, HISTSIZE=0 …)."""
    return name in ("HISTFILE", "HISTSIZE", "HISTFILESIZE") and value in ("/dev/null", "0", "")


_HISTORY_KEEPERS = frozenset({"HISTFILE", "PROMPT_COMMAND"})


def environment_change(name: str, value: str | None, job: Job, place: Place, line: int,
                       ev: str) -> None:
    """A variable set (`value`) or removed (None) in the environment of what the job runs
    (a shell's assignment or unset, Python's os.environ/putenv/unsetenv, Perl's %ENV): one
    that stops shell history being kept is anti-forensics."""
    if value is None and name in _HISTORY_KEEPERS:
        job.sink.append(place.effect("anti-forensics", line, ev, target="shell history",
                                     how=f"unsets {name} for"))
    elif value is not None and history_off(name, value):
        job.sink.append(place.effect("anti-forensics", line, ev, target="shell history",
                                     how=f"sets {name}={value} for"))


# Logging configuration that discards what it is given.
_LOG_CONFIG = re.compile(r"^/?etc/(?:rsyslog\.conf|rsyslog\.d/|syslog-ng/|systemd/journald\.conf|"
                         r"audit/)")
_DISCARDS = re.compile(r"(?m)(?:^\s*[^#\s]\S*\s+(?:stop|~)\s*$|^\s*Storage\s*=\s*none\b|"
                       r"^\s*[^#\s]\S*\s+/dev/null\s*$|^\s*-e\s+0\b|^\s*-D\b)")


def written_config(path: str, text: str, job: Job, place: Place, line: int, ev: str,
                   appended: bool = False) -> None:
    """Text written or appended into a file whose content decides what the host keeps or where
    it sends things: logging told to discard, a lineguard name pointed elsewhere."""
    p = render(path)
    if _LOG_CONFIG.match(p.lstrip("/")) and _DISCARDS.search(text):
        job.sink.append(place.effect("anti-forensics", line, ev, target=path,
                                     how="tells logging to discard everything:"))
    elif p.rstrip("/") in ("/etc/hosts", "etc/hosts") and re.search(
            r"(?m)^\s*[\d.:a-fA-F]+\s+.*lineguard", text, re.I):
        job.sink.append(place.effect("tamper", line, ev, target=f"lineguard's address in {p}",
                                     how="cuts off lineguard: points elsewhere"))
    elif p.rstrip("/") in ("/etc/hosts", "etc/hosts") and \
            (moved := firewall.redirects(text, firewall.setup_of(job))):
        job.sink.append(place.effect("tamper", line, ev, target=f"{moved} in {p}",
                                     how="cuts off lineguard: points elsewhere"))
    elif p in ("/etc/resolv.conf", "/etc/nsswitch.conf") and not appended and \
            (lost := firewall.resolving_cut(p, text, firewall.setup_of(job))):
        job.sink.append(place.effect("tamper", line, ev, target=f"{lost} in {p}",
                                     how="cuts off lineguard: no longer finds"))


def moved_away(sources: list[str], dest: str) -> bool:
    """mv to /dev/null; a job or lineguard tree renamed beside itself (cron.d → cron.d.off: its
    reader no longer finds it); data or logs moved onto a scratch file system."""
    d = render(dest).rstrip("/")
    if d == "/dev/null":
        return True
    watched = [s for s in (render(x).rstrip("/") for x in sources)
               if SCHEDULER.search(s) or LINEGUARD.search(s)]      # (a log renamed is rotated)
    if watched:
        return is_known(dest) and all(posixpath.dirname(s) == posixpath.dirname(d) for s in watched)
    return bool(SCRATCH.match(d)) and not any(SCRATCH.match(render(s)) for s in sources)


def _tar_parts(args: list[str]) -> tuple[str | None, list[str]]:
    """tar's archive (None when not named: the standard output) and its members, each
    relative member read under the `-C`/`--directory` folder in force before it; an old-style
    first word (`cf ARCHIVE`, `czf -`) takes its archive from the next word."""
    archive, members, folder = None, [], ""
    rest = list(args)
    if rest and re.fullmatch(r"[A-Za-z]+", rest[0]) and "f" in rest[0] and len(rest) > 1:
        archive, rest = rest[1], rest[2:]
    i = 0
    while i < len(rest):
        a = rest[i]
        value = rest[i + 1] if i + 1 < len(rest) else None
        if a.startswith(("--file=", "--directory=")):
            key, _, v = a.partition("=")
            archive, folder = (v, folder) if key == "--file" else (archive, v)
        elif a in ("--file", "--directory", "-C") or (
                a.startswith("-") and not a.startswith("--") and a[-1] in "fC"):
            if a in ("--file",) or a.endswith("f") and a != "-C":
                archive = value
            else:
                folder = value or ""
            i += 1
        elif a in ("-T", "--files-from", "-X", "--exclude-from"):
            i += 1
        elif not a.startswith("-"):
            members.append(posixpath.normpath(posixpath.join(folder, a)) if folder and
                           not a.startswith("/") else a)
        i += 1
    return archive, members


def _tar_remove(args: list[str], job: Job, place: Place, line: int, ev: str,
                stdout: str | None = None) -> None:
    """tar --remove-files: the files are deleted once archived; archived into nothing
    (/dev/null, scratch, or the standard output sent there: `stdout`) they are simply gone."""
    archive, members = _tar_parts(args)
    if archive in (None, "-"):
        archive = stdout
    if archive in ("/dev/null", "/dev/zero") or (archive is not None and SCRATCH.match(render(archive))):
        for m in members:
            _destroy(job, place, line, ev, m, "delete-tree")


# sed's a, i and c commands (an optional address first): the text they put into the file
_SED_ADDS = re.compile(r"\s*(?:\$|\d+|/(?:[^/\\]|\\.)*/)?\s*[aic]\\?\s*\n?(.+)", re.S)
# A sed script that leaves nothing of any line: `d`, `1,$d`, `s/.*//`, `s|^.*$||g`.
_EVERY_LINE = re.compile(r"\s*(?:1\s*,\s*\$\s*)?(?:d|s([^\w\s\\])\^?\.(?:\*|\\?\+)\$?\1\1[gp]*)\s*;?\s*")
# A Perl substitution that empties the line it is given (under -p: every line of the file).
_EMPTIES_LINE = re.compile(r"(?:^|[;{\s])s([^\w\s\\])\^?\.[*+]\$?\1\1[gsx]*\s*(?:;|$|})")


def _sed_in_place(argv: list[str], job: Job, place: Place, line: int, ev: str) -> None:
    """sed -i: a script that deletes every line empties the file; one that deletes or changes
    lines of a crontab, a log or lineguard's files removes jobs or evidence."""
    args = argv[1:]
    script = next((args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-e", "--expression")),
                  None)
    ops = operands(argv, set("ef"))
    if script is None and ops:
        script, ops = ops[0], ops[1:]
    if script is None:
        return
    everything = _EVERY_LINE.fullmatch(script) is not None
    if not everything and scrambles(script):
        for f in ops:
            _destroy(job, place, line, ev, f, "overwrite")
    added = _SED_ADDS.match(script)
    text = added.group(1).replace("\\n", "\n") if added else None
    for f in ops if text else ():
        # lines added into a place that runs later (`$a rm -rf …` into rc.local): planted
        planted.plant(job, place, line, ev, f, text, "added by sed -i")
    deletes = re.search(r"(?:^|[/;}\s\d$])d\s*(?:;|$)", script) is not None
    for f in ops:
        # read later in the job, the file holds what sed made of it: not what was captured
        job.written[f] = Written("" if everything else None, f"edited in place by `{ev[:80]}`")
        p = render(f).rstrip("/")
        if everything:
            _destroy(job, place, line, ev, f, "truncate")
        elif (own := lineguards(job, p)) is not None:
            job.sink.append(place.effect("tamper", line, ev, target=f if own == p else own,
                                         how="edits lineguard's files:"))
        elif SCHEDULER.search(p) and deletes:
            job.sink.append(place.effect("tamper", line, ev, target=f,
                                         how="removes scheduler entries from"))
        elif FORENSIC.search(p):
            job.sink.append(place.effect("anti-forensics", line, ev, target=f,
                                         how="edits lines out of"))


_FIREWALLS = frozenset({"iptables", "ip6tables", "nft", "ip", "route", "ufw", "firewall-cmd"})


def _hides(args: list[str], ops: list[str], job: Job) -> bool:
    """Whether the mount puts something empty over its mount point: a memory file system
    (tmpfs, ramfs), or an empty or scratch folder bound over it (--bind, --rbind, -o bind); not
    a disk mounted where its data lives, nor data bound to a second place."""
    joined = " ".join(args)
    if _EMPTY_FS.search(joined) or (len(ops) >= 2 and ops[0] in ("tmpfs", "ramfs")):
        return True
    lower = _OVERLAY_LOWER.search(joined)
    if lower is not None:
        # an overlay shows its lower folders: empty or scratch ones show nothing of the data
        return all(_empty_folder(d, job) for d in lower.group(1).split(":") if d)
    if not _BIND.search(joined) or len(ops) < 2:
        return False
    return _empty_folder(ops[-2], job)


def _empty_folder(path: str, job: Job) -> bool:
    """A folder that holds nothing of value: scratch space, one named empty, /dev/null, or one
    the job has just made."""
    src = render(path).rstrip("/")
    made = job.written.get(path)
    return bool(SCRATCH.match(src)) or "empty" in src.rsplit("/", 1)[-1] or src == "/dev/null" \
        or (made is not None and made.source == "empty directory")


_OVERLAY_LOWER = re.compile(r"\blowerdir=([^,\s]+)")


_EMPTY_FS = re.compile(r"(?:^|\s)(?:-t\s*|--types[= ])(?:tmpfs|ramfs)\b")
_BIND = re.compile(r"(?:^|\s)(?:--r?bind|-[a-zA-Z]*[BR]\b|-o\s*\S*\br?bind\b|"
                   r"--options[= ]\S*\br?bind\b)")


def _mount_over(target: str, job: Job, place: Place, line: int, ev: str,
                hides: bool = False) -> None:
    """A file system mounted over lineguard's files, a job tree or the logs hides them; an
    empty one (`hides`) mounted over data hides the data from what reads it (the EMS): for it
    the data is gone, as if deleted (judged by where it is: a tmp, cache or run folder is not
    data)."""
    t = target.rstrip("/")
    if LINEGUARD.search(t):
        job.sink.append(place.effect("tamper", line, ev, target=target,
                                     how="hides lineguard's files (mounts over them):"))
    elif SCHEDULER.search(t):
        job.sink.append(place.effect("tamper", line, ev, target=target,
                                     how="hides scheduler entries (mounts over them):"))
    elif FORENSIC.search(t) or FORENSIC_DIR.search(t.lstrip("/")):
        job.sink.append(place.effect("anti-forensics", line, ev, target=target,
                                     how="hides the logs (mounts over them):"))
    elif hides and t:
        _destroy(job, place, line, ev, target, "mounted over")


# What provenance rests on: job definitions, programs, units, configuration.
_PROVENANCE = re.compile(r"^/?(?:etc|usr|opt|bin|sbin|lib|srv|root|home|var/spool/cron|"
                         r"var/lib/systemd)/")


def _backdate(argv: list[str], job: Job, place: Place, line: int, ev: str) -> None:
    """touch -r/-d/-t on a job definition, a program or a configuration file sets its time
    back: the change no longer shows when it was made (scratch reference files do not count)."""
    ops = operands(argv, set("rdt"))
    for o in ops:
        p = render(o)
        if _PROVENANCE.match(p) and not SCRATCH.match(p):
            job.sink.append(place.effect("anti-forensics", line, ev, target=o,
                                         how="backdates (touch) the times of"))


def _service(prog: str, ops: list[str], job: Job, place: Place, line: int, ev: str,
             _flags: tuple[str, ...] = ()) -> None:
    # (a frozen unit's processes are stopped in place: `systemctl freeze`, systemd 246+)
    verbs = {"stop": "stop", "disable": "disable", "mask": "mask", "kill": "kill",
             "remove": "disable", "off": "disable", "del": "disable", "freeze": "stop"}
    if prog == "systemctl":
        if not ops:
            return
        verb, units = ops[0], ops[1:]
    elif prog in ("update-rc.d", "rc-update"):
        verb, units = (ops[1] if len(ops) > 1 else ""), ops[:1]
        if prog == "rc-update":
            verb, units = (ops[0] if ops else ""), ops[1:2]
    else:
        verb, units = (ops[1] if len(ops) > 1 else ""), ops[:1]
    how = verbs.get(verb)
    if how is None:
        return
    if how == "kill" and re.search(r"(?:-s|--signal)[ =]?(?:SIG)?(?:HUP|USR1|USR2|WINCH|CONT)\b",
                                   " ".join(ops + list(_flags))):
        return      # a reload signal, not a stop
    for u in units:
        name = render(u)
        if LINEGUARD.search(name):
            job.sink.append(place.effect("tamper", line, ev, target=u, how=f"{how}s lineguard:"))
        elif re.match(r"(?:cron|crond|atd|anacron|timers\.target)(?:\.service|\.timer)?$", name):
            job.sink.append(place.effect("tamper", line, ev, target=u, how=f"{how}s the scheduler"))
        elif re.match(r"(?:auditd|rsyslog|syslog-ng|systemd-journald|syslog)(?:\.service)?$", name):
            job.sink.append(place.effect("anti-forensics", line, ev, target=u, how=f"{how}s logging:"))
        else:
            job.sink.append(place.effect("service", line, ev, target=u, how=how))


# Compressors, and the suffix each gives the file it replaces its source with.
_COMPRESSORS = {"gzip": ".gz", "pigz": ".gz", "xz": ".xz", "lzma": ".lzma", "bzip2": ".bz2",
                "pbzip2": ".bz2", "lzip": ".lz", "zstd": ".zst", "pzstd": ".zst", "lz4": ".lz4",
                "compress": ".Z"}
_KEEPS_SOURCE = re.compile(r"^(?:-\w*[ckdlt]\w*|--(?:stdout|to-stdout|keep|decompress|uncompress|"
                           r"list|test))$")


def compressed_away(prog: str, args: list[str], ops: list[str]) -> list[tuple[str, str]]:
    """(source, archive) for each file a compressor replaces with its archive, the source
    removed: gzip/xz/bzip2 FILE (FILE.gz …, or `-S SUFFIX`), zstd/lz4 only with --rm (their
    archive `-o OUT` when given). Deleting the archive afterwards deletes the file."""
    if any(_KEEPS_SOURCE.match(a) for a in args):
        return []
    if prog in ("zstd", "pzstd", "lz4") and "--rm" not in args:
        return []
    suffix = _COMPRESSORS[prog]
    out = None
    for i, a in enumerate(args[:-1]):
        if a in ("-S", "--suffix"):
            suffix = args[i + 1]
        elif a in ("-o", "--output"):
            out = args[i + 1]
    files = [o for o in ops if o not in (suffix, out) and o != "-"]
    if prog == "lz4" and len(files) == 2 and "-m" not in args:
        out = files[1]                         # lz4 SOURCE DESTINATION
    if out is not None:
        return [(f, out) for f in files[:1]]
    return [(f, f + suffix) for f in files]


def _remember(prog: str, args: list[str], ops: list[str], job: Job, stdin: str | None
              ) -> list[str]:
    """Note in job.written what the files the program writes will hold; the paths written."""
    if prog in ("scp", "rsync") and len(ops) >= 2 and not _REMOTE.match(render(ops[0])) \
            and not any(_REMOTE.match(render(o)) for o in ops[:-1]):
        prog = "cp"                    # a local copy: the source is on this host
    if prog in ("cp", "mv", "install", "ln") and (folder := _target_directory(args)):
        # `cp -t DIR SOURCE…`: each source into DIR
        placed = []
        for src in ops:
            dst = planted.into(folder.rstrip("/") + "/", src)
            copied = job.text_of(render(src)) if is_known(src) else None
            prior = job.written.get(src)
            job.written[dst] = prior if prior is not None else Written(
                copied, f"copied from {render(src)}" + ("" if copied is not None else " (not captured)"))
            placed.append(dst)
        return placed
    if prog == "dd" and stdin is not None:
        outs = [a[3:] for a in args if a.startswith("of=")]
        if outs:
            job.written[outs[-1]] = Written(stdin if is_known(stdin) and not markers(stdin)
                                            else None, "written by this job (dd)")
            return outs[-1:]
    if prog == "tar" and (folder := _extracts_into(args)) and \
            planted.placement(folder.rstrip("/") + "/x") is not None:
        # an archive unpacked into a folder jobs run from: what it holds is not captured
        dst = folder.rstrip("/") + "/<each file of the archive>"
        job.written[dst] = Written(None, "unpacked from an archive")
        return [dst]
    if prog in ("curl", "wget", "fetch", "aria2c", "scp", "sftp", "tftp", "rsync") and ops:
        out = None
        for i, a in enumerate(args):
            if a in ("-o", "-O", "--output", "--output-document") and i + 1 < len(args):
                out = args[i + 1]
            elif a.startswith(("--output=", "--output-document=")):
                out = a.split("=", 1)[1]
        url = next((o for o in ops if "://" in o or ":" in o), ops[0])
        if out is None and prog in ("scp", "rsync") and len(ops) >= 2:
            out, url = ops[-1], ops[0]
        if out is None and prog == "wget":
            out = url.rstrip("/").rsplit("/", 1)[-1]
        if out:
            job.written[out] = Written(None, f"downloaded from {render(url)}")
            return [out]
    elif prog in ("cp", "install") and len(ops) >= 2 and ops[-2] in ("/dev/stdin", "-") and \
            stdin is not None:
        job.written[ops[-1]] = Written(stdin if is_known(stdin) and not markers(stdin) else None,
                                       "written by this job from its input")
        return [ops[-1]]
    elif prog in ("cp", "mv", "install", "ln") and len(ops) >= 2:
        src, dst = ops[-2], planted.into(ops[-1], ops[-2])
        text = job.text_of(render(src)) if is_known(src) else None
        prior = job.written.get(src)
        job.written[dst] = prior if prior is not None else Written(
            text, f"copied from {render(src)}" + ("" if text is not None else " (not captured)"))
        if prog == "mv":
            job.written[dst] = replace(job.written[dst], origin=(prior.origin if prior else None)
                                       or src)
        return [dst]
    elif prog in _COMPRESSORS:
        for src, out in compressed_away(prog, args, ops):
            prior = job.written.get(src)
            job.written[out] = Written(None, f"{render(src)} compressed",
                                       (prior.origin if prior else None) or src)
    elif prog == "mkdir" and ops:
        for o in ops:
            job.written.setdefault(o, Written(None, "empty directory"))
    elif prog == "tee" and ops and stdin is not None:
        for o in ops:
            job.written[o] = Written(stdin, "written by this job")
        return ops
    return []


_REMOTE = re.compile(r"^(?:[\w.+-]+://|[\w.@-]+:(?!/{2}))")


def _target_directory(args: list[str]) -> str | None:
    """The folder of `cp/mv/install/ln -t DIR` (--target-directory=DIR), or None."""
    for i, a in enumerate(args):
        if a in ("-t", "--target-directory") and i + 1 < len(args):
            return args[i + 1]
        if a.startswith("--target-directory="):
            return a.split("=", 1)[1]
        if re.fullmatch(r"-[a-zA-Z]*t\S+", a) and not a.startswith("--"):
            return a[a.index("t") + 1:]
    return None


def _extracts_into(args: list[str]) -> str | None:
    """The folder `tar -x … -C DIR` (--directory=DIR) unpacks into, or None for no extract."""
    first = args[0] if args else ""
    if not (re.fullmatch(r"-?[a-zA-Z]*x[a-zA-Z]*", first) or "--extract" in args or "-x" in args
            or any(re.fullmatch(r"-[a-zA-Z]*x[a-zA-Z]*", a) for a in args)):
        return None
    for i, a in enumerate(args):
        if a in ("-C", "--directory") and i + 1 < len(args):
            return args[i + 1]
        if a.startswith("--directory="):
            return a.split("=", 1)[1]
    return None


def _decoder_input(prog: str, argv: list[str]) -> str | None:
    args = argv[1:]
    if prog == "openssl":
        return next((args[i + 1] for i, a in enumerate(args[:-1]) if a == "-in"), None)
    ops = operands(argv, set("iw") if prog in ("base64", "base32", "basenc") else set("cgls"))
    return ops[-1] if ops and ops[-1] != "-" else None


# Programs told to print nothing, whatever they read: head/tail of 0 lines or bytes, grep
# stopping after 0 matches, sed deleting every line, awk with only BEGIN blocks that print
# nothing or a pattern never true. `PROG … > FILE` then empties FILE as `: > FILE` does.
_NO_LINES = re.compile(r"(?:^|\s)(?:-[nc]\s*0+|-0+|--(?:lines|bytes)=0+)(?=\s|$)")
_NO_MATCHES = re.compile(r"(?:^|\s)(?:-m\s*0+|--max-count=0+)(?=\s|$)")
_AWK_NOTHING = re.compile(r"^\s*(?:(?:BEGIN\s*\{[^{}]*\}\s*;?\s*)+|0+|!\s*1|NR\s*(?:==\s*0|<\s*[01]|<=\s*0)|"
                          r"(?:0|NR\s*==\s*0)\s*\{[^{}]*\})\s*$")
_AWK_PRINTS = re.compile(r"\b(?:print|printf|system|getline)\b|>")


def prints_nothing(prog: str, args: list[str]) -> bool:
    """Whether a program prints nothing at all, whatever its input (see _NO_LINES)."""
    if prog in ("head", "tail"):
        return _NO_LINES.search(" ".join(args)) is not None
    if prog in ("grep", "egrep", "fgrep", "rg"):
        return _NO_MATCHES.search(" ".join(args)) is not None
    if prog in ("awk", "gawk", "mawk", "nawk"):
        program = next((a for a in args if not a.startswith("-")), None)
        return program is not None and "-f" not in args and \
            _AWK_NOTHING.match(program) is not None and (
                program.strip().startswith(("0", "!", "NR")) or not _AWK_PRINTS.search(program))
    if prog == "sed":
        script = [a for a in args if not a.startswith("-")][:1]
        return script in (["d"], ["1,$d"], ["$!d;d"]) or ("-n" in args and script == [""])
    return False


def _settings_text(job: Job, path: str) -> list[str | None] | None:
    """The texts a settings file may hold when the job reads it (resolve.Job.texts_of)."""
    return job.texts_of(render(path).lstrip("/")) if is_known(path) and path.startswith("/") \
        else None


def output(argv: list[str], stdin: str | None, job: Job) -> str | None:
    """What a command prints, when that is known well enough to follow (None: unknown)."""
    if not argv:
        return None
    prog = base(argv[0])
    args = argv[1:]
    if prints_nothing(prog, args):
        return ""
    if prog in _COMPRESSORS and stdin == "" and all(
            a.startswith("-") or a == "/dev/null" for a in args):
        return ""       # a compressed stream of nothing: it holds nothing
    if prog == "echo":
        words = [a for a in args if a not in ("-n", "-e", "-E", "-ne", "-en")]
        text = " ".join(words)
        return decode.escapes(text) if any(a in ("-e", "-ne", "-en") for a in args) else text
    if prog == "printf" and args:
        fmt = decode.escapes(args[0])
        rest = args[1:]
        if "%" not in fmt:
            return fmt
        try:
            convs = re.findall(r"%[-#0 +]*\d*(?:\.\d+)?([sbdiouxXc])", fmt)
            n = len(convs)
            form = re.sub(r"%[-#0 +]*\d*(?:\.\d+)?b", "%s", fmt)
            out = []
            # the format is used again for each further group of arguments; only %b undoes
            # the escapes of its argument (%s prints `\n` as written)
            for k in range(0, max(len(rest), 1), max(n, 1)):
                chunk = rest[k:k + n]
                values = [decode.escapes(r) if c == "b" else r
                          for r, c in zip(chunk, convs, strict=False)] + [""] * max(0, n - len(chunk))
                out.append(form % tuple(values))
                if n == 0 or len(out) > 256:
                    break
            return "".join(out)
        except (TypeError, ValueError):
            return fmt.replace("%%", "%") + "".join(rest)
    if prog in ("jq", "gojq", "yq", "crudini"):
        # a setting picked out of a captured settings file (`jq -r .paths.data FILE`), or a
        # command line joined from jq's named arguments (`jq -rn --arg a … '$a + $b' | sh`)
        from lineguard.collector.analyse.effects import runners, settings
        value = settings.tool_output(prog, argv, partial(_settings_text, job), stdin)
        return value if value is not None or prog == "crudini" else runners.jq(argv)
    if prog in ("sed", "grep", "egrep"):
        # a payload picked out of a file or the input (a crontab comment, a marked line)
        from lineguard.collector.analyse.effects import runners
        ops = [o for o in (sed_files(argv) if prog == "sed" else operands(argv))
               if o.startswith("/")]
        src = stdin if not ops else (job.text_of(render(ops[-1])) if is_known(ops[-1]) else None)
        if src is not None and is_known(src) and not markers(src) and len(src) < 65536:
            picked = (runners.sed if prog == "sed" else runners.grep)(argv, src)
            if picked is not None:
                return picked
            if prog == "sed":    # a script this reader will not run: what it prints is unknown
                return unknown(f"what sed makes of {render(ops[-1]) if ops else 'its input'}")
    if prog in ("cat", "head", "tail", "sort", "uniq", "grep", "egrep", "awk", "cut", "sed", "tac",
                "shuf"):
        ops = [o for o in (sed_files(argv) if prog == "sed" else operands(argv))
               if o.startswith("/") or "." in o]
        if prog == "cat" and not ops and stdin is not None:
            return stdin
        if prog == "sed" and stdin is not None and not sed_files(argv):
            return stdin
        if prog in ("awk", "grep", "cut", "sort", "uniq", "head", "tail", "shuf") and stdin is not None \
                and not [o for o in operands(argv)[1:] if "/" in o]:
            return stdin
        if ops:
            path = ops[-1]
            if prog == "cat" and len(ops) == 1 and path in job.written:
                # a file this job wrote earlier: what it wrote, and what it held before
                held = job.text_of(path)
                return held if held is not None else file_lines(render(path), job)
            captured = job.value_of(render(path)) if prog == "cat" and is_known(path) else None
            if captured is not None and len(ops) == 1 and len(captured) < 65536:
                return captured      # the file as it was captured (a template, a list)
            return file_lines(render(path), job)
        return None
    if prog in ("snmpwalk", "snmpbulkwalk", "snmptable", "snmpbulkget"):
        ops = operands(argv, _OPT_VALUES["snmpwalk"])
        if len(ops) >= 2:
            from lineguard.collector.analyse.effects.mib import mib
            obj, idx = mib().resolve(render(ops[1]))
            name = obj.name + (f".{idx}" if idx else "") if obj else render(ops[1])
            oid = ".".join(map(str, obj.oid)) + (f".{idx}" if idx else "") if obj else render(ops[1])
            return walked(oid, name, ops[0])
    if prog in (":", "true"):
        return ""
    if prog == "find" and not find_bounded(args) and not any(
            a in ("-exec", "-execdir", "-delete", "-printf", "-fprint") for a in args):
        # the paths of every entry under its roots, or what a name pattern selects there:
        # what a loop over them acts on
        roots, selected = find_selection(argv)
        if not roots:
            return None
        return "\n".join(t.rstrip("/") + "/*" if t in roots else t for t in selected[:4])
    if prog == "ls" and not any(a in ("-d", "--directory") or
                                re.match(r"^-[^-]*d", a) for a in args):
        # what it lists: the paths a glob names as written, each entry's name in a folder
        ops = [o for o in operands(argv, _OPT_VALUES.get(prog)) if not o.startswith("-")]
        return "\n".join(dict.fromkeys(o if re.search(r"[*?\[]", render(o)) else "*"
                                        for o in ops)) if ops else None
    if prog == "mktemp" and "-d" in args:
        return symbol("empty", "", "a new empty directory")
    if prog == "hostname":
        return unknown("the host's name")
    if prog in ("curl", "wget") and operands(argv):
        return unknown(f"downloaded from {render(operands(argv)[0])}")
    layer = decode.layer_of(argv)
    if layer and stdin is None:
        # the data is a file operand (base64 -d FILE, openssl enc -d -in FILE)
        src = _decoder_input(prog, argv)
        if src is None:
            return None
        encoded = job.text_of(render(src)) if is_known(src) else None
        if encoded is None:
            return unknown(f"{layer} decoding of {render(src)}, which is not captured")
        stdin = encoded
    if layer and stdin is not None and not is_known(stdin):
        return unknown(f"{layer} decoding of {render(stdin)[:80]}")
    if layer and stdin is not None:
        decoded = decode.undo(layer, stdin, argv)
        if decoded is None:
            return unknown(f"data that {layer} cannot undo here (a key or format not written "
                           f"in the job)")
        plain = decode.as_text(decoded)
        return plain if plain is not None else decoded.decode("latin-1") \
            if isinstance(decoded, bytes) else decoded
    return None


# Programs that print the data they read, so that `PROG … > FILE` keeps a copy of it.
_DUMPERS = frozenset({"pg_dump", "pg_dumpall", "mysqldump", "mariadb-dump", "sqlite3"})
_WALKERS = frozenset({"snmpwalk", "snmpbulkwalk", "snmptable"})
_SHOW_CONFIG = re.compile(r"\b(?:sh(?:ow?)?\s+run(?:ning-config)?(?:\s+all)?|show\s+configuration|"
                          r"more\s+system:running-config|write\s+terminal)\s*$", re.I)


# options under which a copying program keeps none of the data: a link to the original (gone
# with it), a dry run, attributes only, every file excluded
_KEEPS_NOTHING = {
    "cp": re.compile(r"^(?:-[a-zA-Z]*[sl][a-zA-Z]*|--symbolic-link|--link|--attributes-only)$"),
    "rsync": re.compile(r"^(?:-[a-zA-Z]*n[a-zA-Z]*|--dry-run|--list-only|--link-dest=.*|"
                        r"--exclude=['\"]?\*+['\"]?|--max-size=['\"]?[01][bBkK]?['\"]?)$"),
    "tar": re.compile(r"^--exclude=['\"]?\*+['\"]?$"),
}
# a device's configuration shown through a filter keeps only the lines the filter lets through
_FILTERED = re.compile(r"\|\s*(?:i|e|b|s|inc\w*|exc\w*|beg\w*|sec\w*|match|except|find|count|"
                       r"last|trim|head|tail|grep)\b", re.I)
# what may stand between a copying program and the file its output goes to, keeping it whole
KEEP_WHOLE = frozenset({"gzip", "pigz", "bzip2", "pbzip2", "xz", "zstd", "lz4", "cat", "tee",
                        "gpg", "openssl", "dd"})


def backups(argv: list[str], job: Job, place: Place, line: int, ev: str,
            stdout: str | None = None) -> None:
    """`backup` effects: copies a program keeps of data before a job changes it (cp, rsync
    without --delete, tar c, pg_dump/mysqldump to a file, sqlite3 .backup), or, with `stdout`
    (the file its output is redirected to), a dump, an SNMP walk or a device's configuration
    shown over a session. Change control weighs them against what the job later destroys."""
    argv = unwrap(argv)
    if not argv:
        return
    prog, args = base(argv[0]), argv[1:]
    add = job.sink.append

    def keep(category: str, what: str, dest: str, **kw: object) -> None:
        add(place.effect("backup", line, ev, target=what, how=category, value=dest, **kw))

    if stdout is not None:
        if prog == "tar" and "--remove-files" in args:
            _tar_remove(args, job, place, line, ev, stdout)
        elif prog in _DUMPERS and (prog != "sqlite3" or ".dump" in " ".join(args)):
            keep("database", _database(argv), stdout)
        elif prog in _WALKERS:
            ops = operands(argv, _OPT_VALUES["snmpwalk"])
            if len(ops) >= 2:
                from lineguard.collector.analyse.effects.mib import mib
                obj, idx = mib().resolve(render(ops[1]))
                oid = ".".join(map(str, obj.oid)) + (f".{idx}" if idx else "") if obj else ops[1]
                keep("mib", ops[0], stdout, obj=obj.name if obj else ops[1], index=oid)
        elif prog in ("ssh", "plink", "rsh", "clogin", "jlogin"):
            ops = operands(argv, _OPT_VALUES.get(prog, set()))
            remote = argv[argv.index("-c") + 1] if "-c" in argv[:-1] else " ".join(ops[1:])
            if ops and any(_SHOW_CONFIG.search(c.strip()) and not _FILTERED.search(c)
                           for c in re.split(r"[;\n]", remote)):
                keep("device-config", host_of(ops[0]), stdout)
        return
    ops = operands(argv, set("tS") if prog == "cp" else set("fCT") if prog == "tar" else None)
    if _KEEPS_NOTHING.get(prog) is not None and any(_KEEPS_NOTHING[prog].match(a) for a in args):
        return           # a link, a dry run, attributes only, everything excluded: no copy
    if prog == "cp" and len(ops) >= 2 and ops[0] != "/dev/null":
        for src in ops[:-1]:
            keep("files", src, ops[-1])
    elif prog == "rsync" and "--delete" not in " ".join(args) and len(ops) >= 2:
        for src in ops[:-1]:
            keep("files", src, ops[-1])
    elif prog == "tar" and args:
        mode = args[0].lstrip("-")
        dest = next((args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-f", "--file")), None)
        dest = dest or next((a.split("=", 1)[1] for a in args if a.startswith("--file=")), None)
        words = [a for a in args[1:] if not a.startswith("-")]
        if dest is None and "f" in mode and not args[0].startswith("--") and words:
            dest, words = words[0], words[1:]
        if ("c" in mode and not args[0].startswith("--") or "--create" in args) and dest:
            for src in [w for w in words if w != dest]:
                keep("files", src, dest)
    elif prog in ("pg_dump", "pg_dumpall", "mysqldump", "mariadb-dump"):
        dest = next((args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-f", "--file", "-r")),
                    None) or next((a.split("=", 1)[1] for a in args
                                   if a.startswith(("--file=", "--result-file="))), None)
        if dest:
            keep("database", _database(argv), dest)
    elif prog == "sqlite3" and len(ops) >= 2:
        m = re.search(r"\.(?:backup|save)\s+(?:main\s+)?(\S+)", " ".join(ops[1:]))
        if m:
            keep("database", ops[0], m.group(1).strip("'\""))


def _database(argv: list[str]) -> str:
    """The database a dump program reads (-d/--dbname, else its first operand)."""
    args = argv[1:]
    for i, a in enumerate(args):
        if a in ("-d", "--dbname") and i + 1 < len(args):
            return args[i + 1]
        if a.startswith("--dbname="):
            return a.split("=", 1)[1]
    ops = operands(argv, set("dfhpUuSPtr"))
    return ops[0] if ops else "every database"


# rsync options that exclude every file: with --delete-excluded, everything at the destination
_EXCLUDES_ALL = re.compile(r"--exclude[= ]['\"]?\*['\"]?(?:\s|$)|--filter[= ]['\"]?-\s*\*['\"]?(?:\s|$)")
# editors run from a job: ex/vim commands and ed scripts
_EDITORS = frozenset({"vim", "vi", "ex", "nvim", "vim.basic", "vim.tiny", "ed", "red"})
_DELETE_ALL = re.compile(r"^\s*(?:%|1,\$|,|g/\^?/)\s*d(?:e(?:l(?:ete)?)?)?\s*$")
_WRITES = re.compile(r"^\s*(?:x|xit|wq|w|write|up|update|exit|wqa|xa|wqall|xall)!?\s*$")


def _edited_empty(prog: str, argv: list[str], ops: list[str], stdin: str | None, job: Job,
                  place: Place, line: int, ev: str) -> None:
    """An editor told to delete every line and write the file (`ex -sc '%d|x' F`, `vim -es -c
    '%d' -c wq F`, ed fed `,d` and `w`): the file is emptied."""
    if prog in ("ed", "red"):
        cmds = (stdin or "").split("\n") if stdin and is_known(stdin) else []
        files = [o for o in ops if o != "-"]
    else:
        cmds = [c for i, a in enumerate(argv[1:-1], 1) if a == "--cmd" or
                re.fullmatch(r"-[a-zA-Z]*c", a) for c in argv[i + 1].split("|")]
        cmds += [c for a in argv[1:] if a.startswith("+") for c in a[1:].split("|")]
        cmds += (stdin or "").split("\n") if stdin and is_known(stdin) else []
        values = {argv[i + 1] for i, a in enumerate(argv[1:-1], 1)
                  if a in ("--cmd", "-S") or re.fullmatch(r"-[a-zA-Z]*c", a)}
        files = [o for o in ops if o not in values and not o.startswith("+")]
    cmds = [re.sub(r"^\s*(?:sil(?:ent)?!?\s+)+", "", c).lstrip(":") for c in cmds]
    first = next((k for k, c in enumerate(cmds) if _DELETE_ALL.match(c)), None)
    if first is not None and any(_WRITES.match(c) for c in cmds[first + 1:]):
        for f in files:
            _destroy(job, place, line, ev, f, "truncate")


def perl_in_place(argv: list[str], job: Job, place: Place, line: int, ev: str) -> None:
    """`perl -i -n` whose program prints nothing (or only under a false condition), `perl -i
    -p` that empties each line: every file it edits is emptied."""
    flags = "".join(a[1:] for a in argv[1:] if re.fullmatch(r"-[a-zA-Z]+\S*", a) and
                    not a.startswith("-e"))
    if "i" not in flags or not ("n" in flags or "p" in flags):
        return
    progs = [argv[i + 1] for i, a in enumerate(argv[:-1]) if re.fullmatch(r"-\w*[eE]", a)]
    if not progs:
        return
    for f in (a for i, a in enumerate(argv[1:], 1) if not a.startswith("-") and
              not re.fullmatch(r"-\w*[eE]", argv[i - 1])):
        # read later in the job, the file holds what the program made of it
        job.written[f] = Written(None, f"edited in place by `{ev[:80]}`")
    code = " ".join(progs)
    prints = re.search(r"\b(?:print|printf|say)\b(?!\s+if\s+0\b|\s+unless\s+1\b)", code)
    empties = re.search(r"\$_\s*=\s*(?:\"\"|''|q\(\)|qq\(\))|\bundef\s+\$_", code) or \
        _EMPTIES_LINE.search(code)
    files = [a for i, a in enumerate(argv[1:], 1) if not a.startswith("-") and
             not re.fullmatch(r"-\w*[eE]", argv[i - 1])]
    if ("p" not in flags and not prints) or ("p" in flags and empties):
        for f in files:
            _destroy(job, place, line, ev, f, "truncate")
    elif "p" in flags and scrambles(code):
        for f in files:
            _destroy(job, place, line, ev, f, "overwrite")


_TRANSLITERATION = re.compile(r"(?:^|[;{\s])(?:tr|y)([^\w\s])((?:[^\\]|\\.)*?)\1((?:[^\\]|\\.)*?)\1")
_CLASSES = (frozenset("0123456789"), frozenset("abcdefghijklmnopqrstuvwxyz"),
            frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))


def _charset(spec: str) -> str:
    """The characters of a tr/y list, its ranges (`0-9`) written out."""
    return re.sub(r"(.)-(.)", lambda m: "".join(map(chr, range(ord(m.group(1)),
                                                               ord(m.group(2)) + 1)))
                  if ord(m.group(1)) <= ord(m.group(2)) else m.group(0), spec)


def scrambles(code: str) -> bool:
    """Whether a perl or sed program transliterates every digit or every letter of a case into
    other characters (`tr/0-9/1-90/`, `y/abc…/bcd…/`): each line comes out with its numbers or
    names changed, the file's data rewritten, not edited."""
    for m in _TRANSLITERATION.finditer(code):
        src, dst = _charset(m.group(2)), _charset(m.group(3))
        if src != dst and dst and any(c <= set(src) for c in _CLASSES):
            return True
    return False


def _config_text(conf: str, prog: str, job: Job, place: Place, line: int, ev: str) -> str | None:
    """A configuration file a program applies; one that was not captured, outside the
    system's own configuration, is code nobody has seen (what it removes cannot be known)."""
    text = job.text_of(render(conf).lstrip("/")) if is_known(conf) else None
    if text is None and not render(conf).startswith(("/etc/", "/usr/", "/lib/")):
        job.sink.append(place.effect("unseen-code", line, ev,
                                     target=f"{render(conf)}, the configuration {prog} applies "
                                            "(not captured)"))
    return text


def _tmpfiles(args: list[str], ops: list[str], job: Job, place: Place, line: int,
              ev: str) -> None:
    """systemd-tmpfiles --remove/--clean with the configuration files it is given: `R`/`r`
    lines (and `D` under --remove) delete their path; under --clean, an age of 0 empties the
    folder, another age bounds it."""
    remove, clean = "--remove" in args or "--purge" in args, "--clean" in args
    for conf in ops:
        text = _config_text(conf, "systemd-tmpfiles", job, place, line, ev)
        for ln in (text or "").split("\n"):
            f = ln.split()
            if len(f) < 2 or f[0].startswith("#"):
                continue
            kind, path, age = f[0].rstrip("!+-=~^"), f[1], f[5] if len(f) > 5 else "-"
            if remove and kind in ("R", "r", "D"):
                _destroy(job, place, line, ev, path if kind == "r" else path.rstrip("/") + "/*",
                         "delete" if kind == "r" else "delete-tree")
            elif clean and kind in ("d", "D", "e", "v", "q", "Q", "C", "x") and age != "-":
                _destroy(job, place, line, ev, path.rstrip("/") + "/*", "delete-tree",
                         bounded=not re.fullmatch(r"~?0+[a-z]*", age))


def _logrotate(ops: list[str], job: Job, place: Place, line: int, ev: str) -> None:
    """A logrotate configuration the job runs: the files of a block that keeps no old copy
    (`rotate 0`) are deleted at rotation, wiped with `shred`."""
    for conf in ops:
        text = _config_text(conf, "logrotate", job, place, line, ev)
        for m in re.finditer(r"(?ms)^\s*([^{}#\n][^{}\n]*?)\s*\{([^{}]*)\}", text or ""):
            body = m.group(2)
            if re.search(r"(?m)^\s*rotate\s+0\s*$", body):
                how = "wipe" if re.search(r"(?m)^\s*shred\s*$", body) else "delete"
                for path in m.group(1).split():
                    _destroy(job, place, line, ev, path, how)


def _git_rm(args: list[str], job: Job, place: Place, line: int, ev: str) -> None:
    """`git rm [-r] PATHSPEC…` (not --cached): the files go from the working tree too."""
    where = next((args[i + 1] for i, a in enumerate(args[:-1]) if a == "-C"), None)
    k = args.index("rm")
    specs = [a for a in args[k + 1:] if not a.startswith("-")]
    tree = any(re.fullmatch(r"-\w*r\w*", a) for a in args[k + 1:])
    folder = (where or unknown("the directory git runs in")).rstrip("/")
    for spec in specs:
        whole = spec in (".", "*", ":/", "./")
        _destroy(job, place, line, ev, folder + "/" + ("*" if whole else spec.lstrip("./")),
                 "delete-tree" if tree or whole or "*" in spec else "delete")


# git's empty tree, and revisions that name an older state of the branch than its tip
# (HEAD~3, HEAD^^, @~1, HEAD@{2}, the root commit a rev-list prints): what a hard reset or a
# checkout of every path to them leaves is no longer what the repository holds
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
_OLDER = re.compile(r"^(?:HEAD|@)(?:[~^]\d*)+$|^(?:HEAD)?@\{\d+\}$")
_ROOT_COMMIT = re.compile(r"rev-list\b.*--max-parents=0|rev-list\b.*--reverse")
_GIT_VALUES = frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace"})
_FORCE_PUSH = re.compile(r"^(?:-\w*f\w*|--force(?:-with-lease(?:=.*)?|-if-includes)?|--mirror|"
                         r"--delete|-d|--prune)$")


def _never(rest: list[str], words: list[str]) -> bool:
    return False


# git verbs that drop history from the repository they run in, by verb: whether the
# arguments do (a branch deleted by force, a ref deleted, reflogs expired now, every path
# filtered out of every commit)
_GIT_HISTORY_DROPPED = {
    "branch": lambda rest, words: bool(words) and (
        any(a.startswith("-") and not a.startswith("--") and "D" in a for a in rest) or
        ("--delete" in rest and "--force" in rest)),
    "update-ref": lambda rest, words: "-d" in rest and bool(words),
    "reflog": lambda rest, words: words[:1] in (["expire"], ["delete"]) and any(
        a in ("--expire=now", "--expire=all", "--expire-unreachable=now") for a in rest),
    "filter-branch": lambda rest, words: any(re.search(r"\bgit\s+rm\b.*(?:\s\.|\*)", a)
                                             for a in rest),
    "filter-repo": lambda rest, words: "--invert-paths" in rest and "--force" in rest,
}


_GIT_DESTROYING_VERBS = frozenset({"reset", "checkout", "restore", "push", *_GIT_HISTORY_DROPPED})


def _git_revision(rev: str) -> str | None:
    """How a working tree reset or checked out to `rev` is destroyed: "delete-tree" for the
    empty tree, "overwrite" for an older state of the branch; None for its tip, a remote
    branch or a tag (a deploy's `git reset --hard origin/main`)."""
    if rev == EMPTY_TREE or rev.startswith(EMPTY_TREE[:12]):
        return "delete-tree"
    if _OLDER.match(rev) or any(_ROOT_COMMIT.search(d) for _k, _d, d in markers(rev)):
        return "overwrite"
    return None


def _git(args: list[str], job: Job, place: Place, line: int, ev: str) -> None:
    """What git destroys besides `git rm` and `git clean`: a hard reset or a checkout of every
    path to the empty tree or an older state (the files of a configuration archive — RANCID's,
    Oxidized's — rewound or emptied), and a forced push or a branch deleted on the remote (its
    history replaced: `history rewrite`, which only a line-data or archive rule judges)."""
    i, where = 0, None
    while i < len(args) and args[i].startswith("-"):
        if args[i] in _GIT_VALUES and i + 1 < len(args):
            where = args[i + 1] if args[i] in ("-C", "--work-tree", "--git-dir") else where
            i += 2
            continue
        if args[i].startswith("--git-dir="):
            where = args[i].split("=", 1)[1]
        i += 1
    if i >= len(args):
        return
    verb, rest = args[i], args[i + 1:]
    folder = (where or unknown("the directory git runs in")).rstrip("/")
    words = [a for a in rest if not a.startswith("-")]
    if verb == "reset" and "--hard" in rest and words:
        how = _git_revision(words[0])
        if how:
            _destroy(job, place, line, ev, folder + "/*", how)
    elif verb in ("checkout", "restore"):
        source = next((a.split("=", 1)[1] for a in rest if a.startswith(("--source=", "-s="))),
                      None) or next((rest[k + 1] for k, a in enumerate(rest[:-1])
                                     if a in ("--source", "-s")), None)
        if verb == "checkout" and "--" in rest:
            source = next((a for a in rest[:rest.index("--")] if not a.startswith("-")), None)
            paths = rest[rest.index("--") + 1:]
        else:
            paths = words[1:] if verb == "checkout" else [w for w in words if w != source]
        how = _git_revision(source) if source else None
        if how and any(p in (".", "*", ":/", "./") for p in paths):
            _destroy(job, place, line, ev, folder + "/*", how)
    elif _GIT_HISTORY_DROPPED.get(verb, _never)(rest, words):
        # a branch, its reflog or every commit's files dropped from the repository itself:
        # its history gone once git collects what nothing refers to
        repo = folder[:-5] if folder.endswith("/.git") else folder    # the work tree's
        job.sink.append(place.effect("data-destruction", line, ev, target=_archive(job, repo),
                                     how="history rewrite", value=f"git {verb}"))
    elif verb == "push" and (any(_FORCE_PUSH.match(a) for a in rest) or
                             any(w.startswith((":", "+")) for w in words[1:])):
        remote = words[0] if words else "its remote"
        job.sink.append(place.effect("data-destruction", line, ev, target=_archive(job, folder),
                                     how="history rewrite", value=remote))


# Where the archivers of device configurations say they keep them: Oxidized's git output
# (`repo:`) or file output (`directory:`), RANCID's BASEDIR (each group's configs under it)
_ARCHIVE_SETTINGS = (
    ("oxidized/config", re.compile(r"(?m)^\s*(?:repo|directory)\s*:\s*[\"']?([^\"'\s#]+)")),
    ("rancid.conf", re.compile(r"(?m)^\s*(?:export\s+)?BASEDIR=[\"']?([^\"'\s;#]+)")))


def _archive(job: Job, repo: str) -> str:
    """The repository as a history rewrite's target: named as a configuration archive where a
    captured Oxidized or RANCID configuration keeps device configurations in it (or it holds
    that archive), whatever its path is called; else as it is."""
    if not is_known(repo) or not repo.startswith("/"):
        return repo or "/"
    for suffix, setting in _ARCHIVE_SETTINGS:
        for name in job.names_ending((suffix,)):
            home = "/" + name.split("/.config/")[0] if "/.config/" in name else "/root"
            for m in setting.finditer(job.value_of(name) or ""):
                kept = m.group(1)
                kept = (home + kept[1:] if kept.startswith("~") else kept).rstrip("/")
                if kept and (repo == kept or repo.startswith(kept + "/") or
                             kept.startswith(repo.rstrip("/") + "/")):
                    return f"{repo} (the configuration archive /{name} keeps)"
    return repo


# Data stores spoken to over HTTP, by port: a DELETE of a path's first segment drops that
# index or database; _delete_by_query matching every document deletes them all.
_HTTP_STORES = {"9200": "Elasticsearch/OpenSearch index", "9201": "Elasticsearch/OpenSearch index",
                "5984": "CouchDB database", "8529": "ArangoDB collection"}


# The smallest limits `journalctl --vacuum-*` may keep for the vacuum to be retention rather than
# erasure: a day of entries, 32 MiB of journal files, two archived files.
_JOURNAL_KEEPS = {"time": 86_400.0, "size": 32 * 2**20, "files": 2.0}
_JOURNAL_SIZE = re.compile(r"^(\d+(?:\.\d+)?)([KMGTPE]?)i?B?$", re.I)


def _journal_limit(kind: str, value: str) -> float | None:
    """A --vacuum-KIND limit as seconds, bytes or files; None when it cannot be read."""
    try:
        if kind == "time":
            return parse_timespan(value)
        if kind == "files":
            return float(int(value))
    except ValueError:
        return None
    m = _JOURNAL_SIZE.match(value)
    return float(m.group(1)) * 1024 ** "_KMGTPE".index((m.group(2) or "_").upper()) if m else None


def journal_retention(args: list[str]) -> bool:
    """`journalctl --vacuum-time/-size/-files` whose every limit keeps at least a day, 32 MiB or
    two files: retention, as journald's own limits do. An unreadable or unresolved limit, or one
    below these (`--vacuum-time=1s`), is erasure."""
    limits: list[tuple[str, str]] = []
    for i, a in enumerate(args):
        m = re.match(r"^--vacuum-(time|size|files)(?:=(.*))?$", a)
        if m:
            value = m.group(2) if m.group(2) is not None else (args[i + 1] if i + 1 < len(args)
                                                               else "")
            limits.append((m.group(1), value))
    for kind, value in limits:
        if not is_known(value):
            return False
        got = _journal_limit(kind, value.strip())
        if got is None or got < _JOURNAL_KEEPS[kind]:
            return False
    return bool(limits)


# A value computed by `date` for a day in the past (`date -d '30 days ago' +%Y.%m.%d`): an index
# or database named with it is the one of that day, as retention by date deletes.
_PAST_DAY = re.compile(r"^output of `date\b(?=.*(?:\bago\b|\byesterday\b|\blast\s|"
                       r"-\s*\d+\s*(?:days?|weeks?|months?|years?)\b))(?=.*%[dFjeDx])")
_MARKER_SHOWN = re.compile(r"<[^<>]*>")


def _data_store_request(argv: list[str], job: Job, place: Place, line: int, ev: str) -> None:
    from lineguard.collector.analyse.effects import api
    method, url, body = api.curl_request(argv)
    # values shown as <description> may hold spaces and slashes: kept whole while the URL is cut
    shown = _MARKER_SHOWN.findall(render(url))
    pieces = _MARKER_SHOWN.split(render(url))
    flat = "".join(p + (f"\x00{i}\x00" if i < len(shown) else "") for i, p in enumerate(pieces))
    m = re.match(r"^(?:https?://)?(?:[^@/]*@)?[^/:]+:(\d+)/([^/?\s]+)(/[^?\s]*)?", flat)
    if not m or m.group(1) not in _HTTP_STORES or m.group(2).startswith("_"):
        return
    used = [shown[int(n)][1:-1] for n in re.findall(r"\x00(\d+)\x00", m.group(2))]
    name = re.sub(r"\x00(\d+)\x00", lambda n: shown[int(n.group(1))], m.group(2))
    store, rest = _HTTP_STORES[m.group(1)], m.group(3) or ""
    if method.upper() == "DELETE" and rest in ("", "/"):
        dated = "*" not in name and any(_PAST_DAY.match(u) for u in used)
        job.sink.append(place.effect("data-destruction", line, ev, how="db-drop",
                                     target=f"{store} {name}", bounded=dated,
                                     reach="all" if "*" in name or name == "_all" else "one"))
    elif rest.rstrip("/") == "/_delete_by_query" and re.search(r"match_all", body):
        job.sink.append(place.effect("data-destruction", line, ev, how="db-delete-all",
                                     target=f"{store} {name}", reach="all"))


def raw_session(argv: list[str]) -> tuple[str, str | None] | None:
    """A program that opens a plain session to a host and passes it what it is given: the
    host and the file it uploads (None: its input). openssl s_client -connect H:P,
    gnutls-cli H, curl telnet://H (-T FILE)."""
    prog = base(argv[0])
    args = argv[1:]
    if prog == "openssl" and args[:1] == ["s_client"]:
        host = next((args[i + 1] for i, a in enumerate(args[:-1]) if a == "-connect"), None)
        return (host_of(host), None) if host else None
    if prog == "gnutls-cli":
        ops = operands(argv, set("p"))
        return (ops[0], None) if ops else None
    if prog == "curl":
        url = next((a for a in args if a.lower().startswith("telnet://")), None)
        if url:
            upload = next((args[i + 1] for i, a in enumerate(args[:-1])
                           if a in ("-T", "--upload-file")), None)
            return host_of(re.sub(r"^telnet://", "", url, flags=re.I).split("/")[0]), upload
    return None


# Programs that open a session to a host or transfer files with one (raw_session,
# file_transfer_deletes): the others are not looked at for either.
SESSION_TOOLS = frozenset({"openssl", "gnutls-cli", "curl", "lftp", "sftp"})
# FTP/SFTP commands that delete a file on the server
_REMOTE_DELETE = re.compile(r"^\s*(?:-?rm|dele|delete|mdelete|mrm|rmdir|glob\s+rm)\b(?:\s+-\w+)*\s+(.+)$",
                            re.I)


def file_transfer_deletes(argv: list[str], text_of) -> tuple[str, list[str]] | None:  # noqa: ANN001
    """(host, `file delete PATH` lines) for files an FTP/SFTP client deletes on a server:
    curl -Q/--quote "DELE F", lftp -e "rm F", sftp -b BATCH (and its input), ftp's input."""
    prog = base(argv[0])
    args = argv[1:]
    texts: list[str] = []
    host = ""
    if prog == "curl":
        texts = [args[i + 1] for i, a in enumerate(args[:-1]) if a in ("-Q", "--quote")]
        url = next((a for a in args if re.match(r"s?ftps?://", a, re.I)), "")
        host = re.sub(r"^\w+://(?:[^@/]*@)?", "", url).split("/")[0]
    elif prog == "lftp":
        texts = [c for i, a in enumerate(args[:-1]) if a in ("-e", "-c")
                 for c in args[i + 1].split(";")]
        ops = [a for i, a in enumerate(args) if not a.startswith("-") and not (
            i and args[i - 1] in ("-e", "-c", "-u", "-p", "-f"))]
        host = re.sub(r"^\w+://(?:[^@/]*@)?", "", ops[-1]).split("/")[0] if ops else ""
    elif prog == "sftp":
        batch = next((args[i + 1] for i, a in enumerate(args[:-1]) if a == "-b"), None)
        if batch is not None and batch != "-":
            texts = (text_of(batch) or "").split("\n")
        ops = operands(argv, set("bBcDFiJloPRsS"))
        host = host_of(ops[0]) if ops else ""
    if not texts:
        return None
    # an IOS device's configuration files, reached as files, are its saved configuration
    lines = [f"erase {name}" if (name := m.group(1).strip().rsplit("/", 1)[-1].lower()) in (
        "startup-config", "nvram:startup-config") else f"file delete {m.group(1).strip()}"
        for t in texts if (m := _REMOTE_DELETE.match(t.strip().strip("\"'")))]
    return (re.sub(r":\d+$", "", host), lines) if lines else None
