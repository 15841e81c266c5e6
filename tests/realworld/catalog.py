"""Real operators' maintenance jobs, copied whole (files/, licences in SOURCES) from public
repositories: config archivers that log in and `show` things or copy the running config out
over SNMP, netmiko/paramiko/telnetlib/pexpect/NAPALM backup scripts, database dumps with age
and count rotation, restic/borg/rsnapshot wrappers, an NMS's daily maintenance, DNS/DHCP
builders that restart their daemon, certificate renewal, SNMP monitoring plugins.

Each job is its command line as the project documents it (README, shipped cron file, unit), so
tests/test_realworld_jobs.py can plant it under every scheduler; the schedule files the
projects ship themselves are planted as they are, on a host of their own (NATIVE)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

FILES = Path(__file__).parent / "files"


@dataclass(frozen=True)
class RealJob:
    id: str
    what: str
    command: str
    owner: str = "root"


JOBS: tuple[RealJob, ...] = (
    RealJob("librenms-daily", "LibreNMS daily maintenance: self-update, schema, DB cleanup "
            "(dist/librenms.cron)", "/opt/librenms/daily.sh >> /dev/null 2>&1", "ems"),
    RealJob("restic-backup", "restic backup with forget/prune retention (etc/cron.d/restic)",
            ". /etc/restic/default.env.sh && /bin/restic_backup.sh"),
    RealJob("restic-check", "restic repository check (etc/cron.d/restic)",
            ". /etc/restic/default.env.sh && /bin/restic_check.sh"),
    RealJob("restic-backup-mailed", "the same through cron_mail (the cron file's mail form)",
            ". /etc/restic/default.env.sh && /bin/cron_mail /bin/restic_backup.sh"),
    RealJob("rsnapshot-if-mounted", "rsnapshot run only when its snapshot root is mounted",
            "/usr/local/bin/rsnapshot_if_mounted.sh daily"),
    RealJob("rsnapshot-mysql", "rsnapshot backup_script: mysqldump into the working folder",
            "cd /var/cache/rsnapshot/tmp && /usr/local/bin/backup_mysql.sh"),
    RealJob("rsnapshot-pgsql", "rsnapshot backup_script: pg_dumpall into the working folder",
            "cd /var/cache/rsnapshot/tmp && /usr/local/bin/backup_pgsql.sh"),
    RealJob("rsnapshot-dpkg", "rsnapshot backup_script: the package selections",
            "cd /var/cache/rsnapshot/tmp && /usr/local/bin/backup_dpkg.sh"),
    RealJob("rsnapshot-smb", "rsnapshot backup_script: an SMB share copied with smbclient",
            "cd /var/cache/rsnapshot/tmp && /usr/local/bin/backup_smb_share.sh"),
    RealJob("rsnapshot-sqlite", "rsnapshot backup_script: sqlite3 .dump of a database",
            "cd /var/cache/rsnapshot/tmp && /usr/local/bin/backup_sqlite.sh"),
    RealJob("tim-pg-rotate", "pg_dump through docker-compose, dumps older than 2 days removed",
            "/opt/tim/postgre_backup_rotate.sh"),
    RealJob("netmiko-backupswitches", "netmiko: show run of four devices saved per host",
            "cd /opt/netauto && /usr/bin/python3 backupswitches.py", "ems"),
    RealJob("paramiko-backup", "paramiko shell: terminal len 0 / sh run saved per host",
            "cd /opt/netauto && /usr/bin/python3 exe_10_backup2.py", "ems"),
    RealJob("telnetlib-backup", "telnetlib: show run of each listed device saved",
            "cd /opt/netauto && /usr/bin/python3 10_device_config_backup.py", "ems"),
    RealJob("pexpect-backup", "pexpect pxssh: show run saved per device",
            "cd /opt/netauto && /usr/bin/python3 05_device_config_backup.py", "ems"),
    RealJob("napalm-interfaces", "NAPALM get_interfaces of a device, printed",
            "cd /opt/netauto && /usr/bin/python3 ex_03_get_interface.py", "ems"),
    RealJob("automysqlbackup", "AutoMySQLBackup: daily/weekly/monthly dumps with rotation",
            "/usr/local/bin/automysqlbackup /etc/automysqlbackup/automysqlbackup.conf"),
    RealJob("borg-backup-create", "borg create and prune (its own daily timer)",
            "/usr/local/bin/borg-backup-create.sh"),
    RealJob("smokeping-tsmoke", "SmokePing's tSmoke morning report mailed to the NOC",
            "/opt/smokeping/bin/tSmoke --morning --to=noc@example.net --quiet", "ems"),
    RealJob("dehydrated-cron", "certificate renewal with a hook script",
            "/usr/local/bin/dehydrated --cron --hook /etc/dehydrated/hook.sh"),
    RealJob("check-wave", "monitoring plugin polling a radio link with snmpget",
            "/usr/lib/nagios/plugins/check_wave -H atm-kobe-01 -w 60 -c 40", "ems"),
    RealJob("check-breeze", "monitoring plugin polling a BreezeACCESS link with snmpget",
            "/usr/lib/nagios/plugins/check_breeze -H atm-kobe-01 -C public -w 20 -c 10", "ems"),
    RealJob("ona-cfg-archive", "OpenNetAdmin cfg_archive: log in, show startup/version, archive",
            "/opt/ona/bin/cfg_archive -h atm-kobe-01"),
    RealJob("ona-cfg-procspool", "OpenNetAdmin: archive the devices whose config-change traps "
            "were spooled (run by cron each minute)", "/opt/ona/bin/cfg_archive_procspool"),
    RealJob("ona-juniper-cmd", "OpenNetAdmin's expect login: one show command on a Netscreen",
            "/opt/ona/bin/juniper_cmd -h atm-kobe-01 -u netops -c 'get config'"),
    RealJob("ona-cfg-archive-juniper", "cfg_archive of a Juniper device",
            "/opt/ona/bin/cfg_archive -h atm-kobe-01 -m juniper"),
    RealJob("ona-build-bind", "OpenNetAdmin: rebuild BIND config and reload named (README cron)",
            "/opt/ona/bin/build_bind > /dev/null 2>&1"),
    RealJob("ona-build-dhcpd", "OpenNetAdmin: rebuild dhcpd.conf and restart (README cron)",
            "/opt/ona/bin/build_dhcpd > /dev/null 2>&1"),
)

# The schedule files the projects ship, planted as they are (with the timers enabled the way
# their READMEs say), on a host of their own.
NATIVE = ("etc/cron.d/librenms", "etc/cron.d/restic",
          "etc/systemd/system/borg-backup-daily.timer",
          "usr/lib/systemd/system/restic-backup@.timer",
          "usr/lib/systemd/system/restic-check@.timer")
NATIVE_LINKS = {
    "etc/systemd/system/timers.target.wants/borg-backup-daily.timer":
        "/etc/systemd/system/borg-backup-daily.timer",
    "etc/systemd/system/timers.target.wants/restic-backup@default.timer":
        "/usr/lib/systemd/system/restic-backup@.timer",
    "etc/systemd/system/timers.target.wants/restic-check@default.timer":
        "/usr/lib/systemd/system/restic-check@.timer",
}


def files() -> dict[str, str]:
    """Every corpus file by its path on the management server (schedule files included)."""
    return {str(p.relative_to(FILES)): p.read_text(encoding="utf-8", errors="replace")
            for p in sorted(FILES.rglob("*")) if p.is_file()}


def sources() -> dict[str, tuple[str, str, str, str]]:
    """SOURCES: path on the server -> (repository, path there, commit, licence)."""
    out = {}
    for line in (Path(__file__).parent / "SOURCES").read_text().splitlines():
        if line and not line.startswith("#"):
            dest, repo, path, commit, licence = line.split("\t")
            out[dest] = (repo, path, commit, licence)
    return out
