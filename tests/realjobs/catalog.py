"""Benign jobs operators really run on network-management servers, each a short excerpt of a
public source (README.md in this folder: where each comes from and under which licence), or,
for RANCID, the files of Debian's `rancid` package itself (fetched at test time like the Debian
false-alarm corpus). Each job is planted under several schedulers by tests/test_real_jobs.py;
every high or destructive verdict on one of them is a false alarm."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RealJob:
    id: str
    source: str                           # repository/path or document, see README.md
    licence: str
    command: str                          # the scheduler line's command
    owner: str = "root"
    files: dict[str, str] = field(default_factory=dict)   # path -> text of files the job runs
    package_files: tuple[str, ...] = ()   # paths taken from the Debian packages (rancid)


def _sh(*lines: str) -> str:
    return "\n".join(lines) + "\n"


JOBS: tuple[RealJob, ...] = (
    # ---------------------------------------------------------------- config archivers
    RealJob("rancid-run", "Debian rancid 3.13: /etc/cron.d/rancid, /usr/lib/rancid/bin/rancid-run",
            "BSD-4-clause (RANCID)", "/usr/lib/rancid/bin/rancid-run", owner="ems",
            package_files=("usr/lib/rancid/bin/rancid-run", "usr/lib/rancid/bin/control_rancid",
                           "usr/lib/rancid/bin/rancid-cvs", "usr/lib/rancid/bin/rancid")),
    RealJob("rancid-log-cleanup", "Debian rancid 3.13: /etc/cron.d/rancid (second line)",
            "BSD-4-clause (RANCID)",
            r"find /var/log/rancid -type f -mtime +2 -exec rm {} \;", owner="ems"),
    RealJob("rancid-clogin-show", "Debian rancid 3.13: clogin(1) usage, /usr/lib/rancid/bin/clogin",
            "BSD-4-clause (RANCID)",
            "/usr/lib/rancid/bin/clogin -c 'show running-config;show atm vc' atm-kobe-01",
            owner="ems", package_files=("usr/lib/rancid/bin/clogin",)),
    RealJob("expect-copy-run-tftp", "blog.penumbra.be/2010/02/expect-scripts-backup-cisco-config "
            "(TomDV), as mirrored in public repositories", "short excerpt",
            "/usr/local/bin/backup-switch.exp atm-kobe-01 10.0.0.5",
            files={"usr/local/bin/backup-switch.exp": _sh(
                "#!/usr/bin/expect",
                "set switch_fqdn [lindex $argv 0]",
                "set tftp_server [lindex $argv 1]",
                "set timeout 55",
                "spawn ssh $switch_fqdn",
                'expect "#"',
                'send "copy running-config tftp://$tftp_server/$switch_fqdn/config\\n"',
                'expect "#"',
                'send "exit\\n"')}),
    RealJob("expect-copy-startup-tftp", "TroLLik/swback backup_telnet_cisco.sh", "short excerpt",
            "/opt/swback/backup_telnet_cisco.sh atm-kobe-01 backup secret 10.0.0.5", owner="ems",
            files={"opt/swback/backup_telnet_cisco.sh": _sh(
                "#!/usr/bin/expect -f",
                "set timeout 2",
                "set host [lindex $argv 0]",
                "set log [lindex $argv 1]",
                "set pas [lindex $argv 2]",
                "set srv [lindex $argv 3]",
                "spawn telnet $host",
                'expect "Username:"',
                'send "$log\\r"',
                'expect "Password:"',
                'send "$pas\\r"',
                'expect "$*>"',
                'send "enable\\r"',
                'expect "Password:" {',
                'send "$pas\\r"}',
                'expect "$*#"',
                'send "copy startup-config tftp://$srv/reg/$host"',
                "set now [clock seconds]",
                "set date [clock format $now -format {%Y-%b-%d-%H-%M-%S}]",
                'send "_$date.cfg\\r"',
                'expect "$*?"',
                'send "\\r"',
                'expect "$*#"',
                'send "exit\\r"',
                "expect eof")}),
    RealJob("snmp-config-copy", "Nagios/Icinga plugin check_config_backup_save.sh (CISCO-CONFIG-"
            "COPY-MIB ccCopyTable: copy running-config to a TFTP server, then the row destroyed)",
            "short excerpt",
            "/usr/lib/nagios/plugins/check_config_backup_save.sh -H 10.254.254.1 -i 10.254.254.211",
            files={"usr/lib/nagios/plugins/check_config_backup_save.sh": _sh(
                "#!/bin/bash",
                "HOST=127.0.0.1", "SNMPVERSION=2c", "SNMPCOMMUNITY=private",
                "PROTOCOL=1", "SOURCETYPE=4", "DESTTYPE=1", "SERVERIP=127.0.0.1",
                "RANDOM_ID=$RANDOM",
                'while getopts "H:i:s:d:" opt; do',
                '  case $opt in',
                '    H) HOST=$OPTARG ;;',
                '    i) SERVERIP=$OPTARG ;;',
                '    s) SOURCETYPE=$OPTARG ;;',
                '    d) DESTTYPE=$OPTARG ;;',
                '  esac',
                'done',
                'OID=1.3.6.1.4.1.9.9.96.1.1.1.1',
                'snmpset -v $SNMPVERSION -c $SNMPCOMMUNITY $HOST $OID.2.$RANDOM_ID i $PROTOCOL '
                '$OID.3.$RANDOM_ID i $SOURCETYPE $OID.4.$RANDOM_ID i $DESTTYPE '
                '$OID.5.$RANDOM_ID a $SERVERIP $OID.6.$RANDOM_ID s "$HOST-config" '
                '$OID.14.$RANDOM_ID i 4',
                'sleep 5',
                'STATE=$(snmpget -v $SNMPVERSION -c $SNMPCOMMUNITY -Oqv $HOST $OID.10.$RANDOM_ID)',
                'snmpset -v $SNMPVERSION -c $SNMPCOMMUNITY $HOST $OID.14.$RANDOM_ID i 6',
                'if [ "$STATE" = "3" ] || [ "$STATE" = "successful" ]; then',
                '  echo "OK - config copied"; exit 0',
                'fi',
                'echo "CRITICAL - copy state $STATE"; exit 2')}),
    RealJob("oxidized-exec-hook", "Oxidized docs/Hooks.md, hook type exec (the command of a "
            "post_store hook, run here by the scheduler as a wrapper does)", "Apache-2.0, one line",
            "/bin/sh -c 'echo \"Config written for $OX_NODE_NAME\" >> "
            "/var/lib/oxidized/log/ox_node_store.log'", owner="ems"),
    RealJob("oxidized-git-push", "Oxidized docs/Hooks.md: pushing the configuration repository "
            "after a run", "Apache-2.0, short excerpt", "/usr/local/bin/oxidized-push.sh",
            owner="ems",
            files={"usr/local/bin/oxidized-push.sh": _sh(
                "#!/bin/sh",
                "cd /var/lib/oxidized/configs.git || exit 1",
                "git push --quiet origin master")}),
    RealJob("junos-display-set-backup", "Juniper TechLibrary: `show configuration | display set` "
            "over ssh, saved per device and day", "short excerpt",
            "/usr/local/bin/junos-backup.sh /etc/ems/junos.list", owner="ems",
            files={"usr/local/bin/junos-backup.sh": _sh(
                "#!/bin/bash",
                'list="$1"',
                "day=$(date +%F)",
                "while read -r host; do",
                '  ssh -n -o BatchMode=yes "backup@$host" "show configuration | display set" \\',
                '    > "/var/backups/junos/$host-$day.set"',
                'done < "$list"',
                "find /var/backups/junos -name '*.set' -mtime +90 -delete"),
                "etc/ems/junos.list": _sh("atm-kobe-02", "atm-osaka-02")}),
    RealJob("netmiko-backup-loop", "netmiko documentation, examples/show_command.py (MIT), over "
            "a device list as NMS backup scripts do", "MIT, short excerpt",
            "/usr/bin/python3 /opt/ems/bin/backup_configs.py", owner="ems",
            files={"opt/ems/bin/backup_configs.py": _sh(
                "#!/usr/bin/env python3",
                "import datetime",
                "from netmiko import ConnectHandler",
                "",
                'today = datetime.date.today().isoformat()',
                'for host in open("/etc/ems/ne.list").read().split():',
                '    device = {"device_type": "cisco_ios", "host": host, "username": "backup",',
                '              "use_keys": True}',
                "    with ConnectHandler(**device) as conn:",
                '        conn.enable()',
                '        output = conn.send_command("show running-config")',
                '    with open(f"/var/backups/ne/{host}-{today}.cfg", "w") as f:',
                "        f.write(output)"),
                "etc/ems/ne.list": _sh("atm-kobe-01", "atm-osaka-01", "atm-kyoto-01")}),
    RealJob("perl-net-telnet-backup", "Net::Telnet::Cisco synopsis (Perl Artistic/GPL), a "
            "nightly `show running-config` to a file", "Artistic-1.0-Perl, short excerpt",
            "/usr/bin/perl /opt/ems/bin/ios-backup.pl atm-kobe-01", owner="ems",
            files={"opt/ems/bin/ios-backup.pl": _sh(
                "#!/usr/bin/perl",
                "use strict;",
                "use Net::Telnet::Cisco;",
                "my $host = shift;",
                "my $session = Net::Telnet::Cisco->new(Host => $host);",
                "$session->login('backup', $ENV{'NE_PASS'});",
                "$session->enable($ENV{'NE_ENABLE'});",
                "$session->cmd('terminal length 0');",
                "my @config = $session->cmd('show running-config');",
                'open(my $out, ">", "/var/backups/ne/$host.cfg") or die;',
                "print $out @config;",
                "close($out);",
                "$session->close;")}),
    RealJob("tl1-retrieve-crs", "Telcordia TL1 (GR-833) RTRV-CRS-VC as inventory scripts send it "
            "to an ATM switch", "one line",
            "/usr/local/bin/tl1-inventory.sh atm-sw-01", owner="ems",
            files={"usr/local/bin/tl1-inventory.sh": _sh(
                "#!/bin/sh",
                'ne="$1"',
                "printf 'ACT-USER:%s:inv:100::%s;\\nRTRV-CRS-VC:%s:ALL:101;\\nCANC-USER:%s:inv:102;\\n' \\",
                '  "$ne" "$TL1_PASS" "$ne" "$ne" | nc -w 30 "$ne" 3083 > "/var/lib/ems/tl1/$ne.crs"')}),
    # ---------------------------------------------------------------- NMS pollers
    RealJob("librenms-poller", "librenms/librenms dist/librenms.nonroot.cron", "GPL-3.0, one line",
            "/opt/librenms/cronic /opt/librenms/poller-wrapper.py 16", owner="ems"),
    RealJob("librenms-daily", "librenms/docker rootfs/etc/cont-init.d/07-svc-cron.sh (the line "
            "it writes)", "MIT, one line", "cd /opt/librenms/ && bash daily.sh", owner="ems"),
    RealJob("librenms-discovery", "librenms/librenms dist/librenms.nonroot.cron",
            "GPL-3.0, one line", "/opt/librenms/discovery.php -h new >> /dev/null 2>&1",
            owner="ems"),
    RealJob("observium-housekeeping", "Observium install guide, cron section "
            "(housekeeping.php -ysel / -yrptb: syslog, eventlog, alert log, ports, timing and "
            "deleted devices older than the configured age)", "one line",
            "/opt/observium/housekeeping.php -ysel >> /dev/null 2>&1"),
    RealJob("cacti-poller", "Cacti documentation, Installing Cacti: the poller crontab line",
            "GPL-2.0, one line", "php /usr/share/cacti/site/poller.php > /dev/null 2>&1"),
    RealJob("snmpwalk-iftable", "Net-SNMP tutorial, snmpwalk", "BSD (Net-SNMP), one line",
            "snmpwalk -v 2c -c public atm-kobe-01 IF-MIB::ifTable "
            "> /var/lib/ems/poll/atm-kobe-01.iftable", owner="ems"),
    RealJob("snmpbulkwalk-atm", "Net-SNMP snmpbulkwalk(1) usage over the ATM-MIB (RFC 2515)",
            "BSD (Net-SNMP), one line",
            "snmpbulkwalk -v2c -c public -Cr25 atm-kobe-01 ATM-MIB::atmVclTable "
            ">> /var/lib/ems/poll/atm-vcl.log", owner="ems"),
    RealJob("snmpset-syscontact", "Net-SNMP tutorial, snmpset: system.sysContact.0",
            "BSD (Net-SNMP), one line",
            "snmpset -v 1 -c demopublic test.net-snmp.org system.sysContact.0 s "
            "dpz@noc.rutgers.edu"),
    RealJob("snmpset-ifalias", "SNMPv3 PowerShell module example Set-InterfaceDescriptionFrom"
            "CDPNeighbor.ps1 (lahell/SNMPv3), the same SET with Net-SNMP", "short excerpt",
            "/usr/local/bin/ifalias-from-cdp.sh atm-kobe-01",
            files={"usr/local/bin/ifalias-from-cdp.sh": _sh(
                "#!/bin/sh",
                "# ifAlias of each port from its CDP neighbour (cdpCacheDeviceId)",
                'host="$1"',
                "snmpwalk -v2c -c private -On \"$host\" 1.3.6.1.4.1.9.9.23.1.2.1.1.6 |",
                "while read -r oid _ _ value; do",
                '  ifindex=$(echo "$oid" | awk -F. \'{print $(NF-1)}\')',
                '  snmpset -v2c -c private "$host" "1.3.6.1.2.1.31.1.1.1.18.$ifindex" s '
                '"${value%%.*}"',
                "done")}),
    RealJob("snmpset-ifadmin-up", "Net-SNMP snmpset(1) with IF-MIB ifAdminStatus up(1) as in "
            "NMS port-enable scripts", "one line",
            "snmpset -v2c -c private atm-kobe-01 IF-MIB::ifAdminStatus.3 i 1", owner="ems"),
    # ---------------------------------------------------------------- backups and retention
    RealJob("restic-forget", "andyjack/restic-scripts forget.sh", "short excerpt",
            "/opt/restic/forget.sh",
            files={"opt/restic/forget.sh": _sh(
                "#!/bin/bash",
                'SELF_PATH=$( cd -P -- "$( dirname "$0" )" && pwd -P )',
                "$SELF_PATH/restic.sh forget --keep-daily 7 --keep-weekly 5 --keep-monthly 13 "
                "--prune"),
                "opt/restic/restic.sh": _sh(
                "#!/bin/bash",
                "export RESTIC_REPOSITORY=/srv/backup/restic",
                "export RESTIC_PASSWORD_FILE=/root/.restic-pass",
                'exec restic "$@"')}),
    RealJob("restic-cleanup", "on3iro/restic-backup-scripts cleanup.sh", "short excerpt",
            "/opt/restic/cleanup.sh",
            files={"opt/restic/cleanup.sh": _sh(
                "#!/bin/bash",
                "umask 0077",
                'echo "Starting nextcloud local backup cleanup"',
                "set -o pipefail",
                "BASEDIR=$(dirname $0)",
                'source "$BASEDIR/restic.conf"',
                "restic -r $BUCKET_URL snapshots",
                "restic -r $BUCKET_URL forget \\",
                "\t--keep-daily 3 \\",
                "\t--keep-monthly 2 \\",
                "\t--keep-yearly 2 \\",
                "\t--prune"),
                "opt/restic/restic.conf": _sh("BUCKET_URL=s3:https://s3.example.net/ems-backup",
                                              "export RESTIC_PASSWORD_FILE=/root/.restic")}),
    RealJob("borgmatic-unit", "borgmatic sample/systemd/borgmatic.service (ExecStart through "
            "systemd-inhibit)", "GPL-3.0, one line",
            'systemd-inhibit --who="borgmatic" --what="sleep:shutdown" --why="Prevent '
            'interrupting scheduled backup" /usr/bin/borgmatic --verbosity -2 '
            '--syslog-verbosity 1'),
    RealJob("pg-dump-rotate", "KindYAK/NLPMonitor configs/db_backup.sh", "short excerpt",
            "/usr/local/bin/db_backup.sh", owner="postgres",
            files={"usr/local/bin/db_backup.sh": _sh(
                "#!/bin/bash",
                "pg_dump --host=localhost --port=5432 --username=$POSTGRES_USER --format=t "
                "--file=/backup/backup`date +%F-%H%M`.dump $POSTGRES_DB",
                "find /backup/ -type f -mtime +30 -name '*.dump' -delete")}),
    RealJob("pg-backup-rotate-exec-rm", "TIM-JYU/TIM postgre_backup_rotate.sh", "short excerpt",
            "/opt/tim/postgre_backup_rotate.sh", owner="postgres",
            files={"opt/tim/postgre_backup_rotate.sh": _sh(
                "#!/usr/bin/env bash",
                'DIR="$( cd "$( dirname "${BASH_SOURCE[0]}" )" && pwd )"',
                "${DIR}/postgre_backup.sh ${DIR}/pg_backup",
                "# delete all backups older than a week",
                "find ${DIR}/pg_backup/ -type f -mtime +6 -name '*.gz' -exec rm -- {} \\;"),
                "opt/tim/postgre_backup.sh": _sh(
                "#!/usr/bin/env bash",
                'pg_dumpall | gzip > "$1/pg_$(date +%F).sql.gz"')}),
    RealJob("pg-dump-all-dbs", "public backup script: pg_dump of every database, then files "
            "older than 7 days deleted", "short excerpt", "/opt/backups/pg-backup.sh",
            owner="postgres",
            files={"opt/backups/pg-backup.sh": _sh(
                "#!/bin/bash",
                "set -e",
                "for DATABASE in `psql -At -U postgres -c \"select datname from pg_database "
                "where not datistemplate order by datname;\" postgres`",
                "do",
                '  echo "Plain backup of $DATABASE"',
                '  pg_dump -U postgres -Fc "$DATABASE" > /opt/backups/"$DATABASE".$(date -d '
                '"today" +"%Y-%m-%d-%H-%M").dump',
                "done",
                "# delete files older than 7 days",
                "find /opt/backups -mtime +7 -type f -delete")}),
    RealJob("mysql-purge-sessions", "duebel-/ssr delete_old_sessions.bash", "short excerpt",
            "/usr/local/bin/delete_old_sessions.bash",
            files={"usr/local/bin/delete_old_sessions.bash": _sh(
                "#!/bin/bash",
                'DATE=$(/bin/date -d "-3 days 00:00:00" +"%F %T")',
                'MYSQL="/usr/bin/mysql -p$(cat ~/.mysql_root_password ) gemeinschaft"',
                "COMMAND=\"DELETE FROM sessions where updated_at < '$DATE' ;\"",
                'echo "$COMMAND" | $MYSQL')}),
    RealJob("mysql-purge-heredoc", "Sakuli mysql_purge.sh (OMD cron.d)", "short excerpt",
            "/omd/sites/ems/local/bin/mysql_purge.sh 90 > /dev/null 2>&1",
            files={"omd/sites/ems/local/bin/mysql_purge.sh": _sh(
                "#!/bin/bash",
                "DAYS=$1",
                "mysql sakuli<<EOFMYSQL",
                "DELETE FROM sakuli_suites where time < DATE_SUB(NOW(), INTERVAL $DAYS  DAY);",
                "DELETE FROM sakuli_cases where time < DATE_SUB(NOW(), INTERVAL $DAYS DAY);",
                "DELETE FROM sakuli_steps where time < DATE_SUB(NOW(), INTERVAL $DAYS DAY);",
                "EOFMYSQL",
                'echo "FLUSH QUERY CACHE;" | mysql')}),
    RealJob("psql-purge-queries", "greynir (mideind) purge script: queries older than 30 days",
            "short excerpt", "/opt/greynir/purge_queries.sh",
            files={"opt/greynir/purge_queries.sh": _sh(
                "#!/bin/sh",
                "# Purge all logged queries older than 30 days",
                "psql -h 127.0.0.1 -U reynir -d scraper -c \\",
                "\"DELETE FROM queries WHERE timestamp < NOW() - INTERVAL '30 days';\"")}),
    RealJob("perl-dbi-purge", "public Perl DBI log purge: DELETE ... DATE_SUB(SYSDATE(), "
            "INTERVAL 1 MONTH)", "short excerpt", "/home/ems/scripts/purge_logging.pl",
            owner="ems",
            files={"home/ems/scripts/purge_logging.pl": _sh(
                "#!/usr/bin/perl -w",
                "use DBI;",
                '$db="ems_logging";',
                '$user="ems_logging";',
                '$dbh=DBI->connect("DBI:mysql:$db", $user, $ENV{"DBPASS"});',
                '$query="DELETE FROM logging WHERE time < DATE_SUB(SYSDATE(), INTERVAL 1 MONTH)";',
                "$sth=$dbh->prepare($query);",
                "$sth->execute();",
                'print "*** Logs Purged ***\\n";',
                "exit(0);")}),
    RealJob("sqlite-vacuum", "sqlite3(1) VACUUM as run on an NMS's state database",
            "public domain (SQLite), one line",
            "sqlite3 /var/lib/ems/state.db 'PRAGMA optimize; VACUUM;'", owner="ems"),
    # ---------------------------------------------------------------- log and index retention
    RealJob("curator-delete-indices", "romcheck/curator entrypoint.sh (the daily script it "
            "writes)", "short excerpt", "/etc/periodic/daily/delete-indices",
            files={"etc/periodic/daily/delete-indices": _sh(
                "#!/bin/sh",
                "/usr/local/bin/curator_cli --host elasticsearch --port 9200 delete_indices "
                "--filter_list '[{\"filtertype\":\"age\",\"source\":\"creation_date\", "
                "\"direction\":\"older\",\"unit\":\"days\",\"unit_count\":14},"
                "{\"filtertype\":\"pattern\",\"kind\":\"prefix\",\"value\":\"logstash-\"}]' "
                "--ignore_empty_list")}),
    RealJob("es-delete-old-index", "public Elasticsearch housekeeping: the index of N days ago "
            "deleted by date", "short excerpt", "/usr/local/bin/es-rotate.sh",
            files={"usr/local/bin/es-rotate.sh": _sh(
                "#!/bin/bash",
                "HOST=http://localhost:9200",
                "OLD=$(date -d '30 days ago' +%Y.%m.%d)",
                'curl -s -XDELETE "$HOST/logstash-$OLD"')}),
    RealJob("docker-prune-until", "firm1/zds-deploy docker/prune.sh", "short excerpt",
            "/usr/local/bin/docker-prune.sh >> /var/log/docker-prune.log 2>&1",
            files={"usr/local/bin/docker-prune.sh": _sh(
                "#!/usr/bin/env bash",
                'docker image prune -a --filter "until=6h" --force',
                'docker container prune --force --filter "until=6h"',
                'docker volume prune --force --filter "label!=keep"')}),
    RealJob("docker-system-prune", "public guide: docker system prune with an age filter, "
            "cron at 3am", "one line",
            'docker system prune -af --filter "until=$((30*24))h"'),
    RealJob("journald-vacuum", "journalctl(1) --vacuum-time example", "LGPL-2.1, one line",
            "journalctl --vacuum-time=2weeks --vacuum-size=500M"),
    RealJob("logrotate-rancid", "logrotate(8) run with its own state file, as a per-application "
            "cron job", "one line",
            "/usr/sbin/logrotate -s /var/lib/ems/logrotate.state /etc/ems/logrotate.conf",
            files={"etc/ems/logrotate.conf": _sh(
                "/var/log/ems/*.log {",
                "    daily",
                "    rotate 14",
                "    compress",
                "    delaycompress",
                "    missingok",
                "    notifempty",
                "    sharedscripts",
                "    postrotate",
                "        /usr/bin/killall -HUP rsyslogd 2> /dev/null || true",
                "        systemctl reload ems-poller.service > /dev/null 2>&1 || true",
                "    endscript",
                "}")}),
    # ---------------------------------------------------------------- certificates, config mgmt
    RealJob("acme-sh-cron", "acme.sh --install-cronjob (the line it writes)", "GPL-3.0, one line",
            '"/root/.acme.sh"/acme.sh --cron --home "/root/.acme.sh" > /dev/null'),
    RealJob("certbot-renew", "certbot documentation, renewal cron", "Apache-2.0, one line",
            "certbot renew -q --deploy-hook 'systemctl reload nginx'"),
    RealJob("ansible-pull", "nais/device ansible README: ansible-pull crontab entry",
            "MIT, one line",
            "/usr/bin/ansible-pull --only-if-changed -U https://github.com/nais/device "
            "ansible/site.yml -i /root/ansible-inventory.yaml >> /var/log/naisdevice/ansible.log"),
    RealJob("puppet-agent-onetime", "Puppet documentation: running the agent from cron",
            "Apache-2.0, one line",
            "/opt/puppetlabs/bin/puppet agent --onetime --no-daemonize --splay --splaylimit 60"),
    RealJob("salt-highstate", "Salt documentation: salt-call state.apply from cron",
            "Apache-2.0, one line", "salt-call state.apply --state-output=changes -l quiet"),
    RealJob("tmpwatch-style", "tmpreaper(8) example: files not accessed for 10 days",
            "GPL-2.0, one line", "tmpreaper --mtime 10d /var/tmp/ems"),
    # ---------------------------------------------------------------- change-controlled work
    RealJob("netmiko-one-pvc-ticket", "netmiko documentation send_config_set example (MIT), "
            "as a change-controlled single-circuit job with a ticket", "MIT, short excerpt",
            "/usr/bin/python3 /opt/ems/changes/CHG0041877/remove_pvc.py", owner="ems",
            files={"opt/ems/changes/CHG0041877/remove_pvc.py": _sh(
                "#!/usr/bin/env python3",
                '"""CHG0041877: decommission PVC 1/142 on atm-kobe-01 ATM0/0/0.142 (customer',
                'circuit ceased). Window 2027-02-14 02:00-04:00 JST; before/after configs saved."""',
                "from netmiko import ConnectHandler",
                "",
                'CHANGE = "CHG0041877"',
                "device = {",
                '    "device_type": "cisco_ios",',
                '    "host": "atm-kobe-01",',
                '    "username": "ems",',
                '    "use_keys": True,',
                "}",
                "with ConnectHandler(**device) as conn:",
                '    before = conn.send_command("show running-config")',
                '    open(f"/var/lib/ems/changes/{CHANGE}.before", "w").write(before)',
                '    conn.send_config_set(["interface ATM0/0/0.142 point-to-point", '
                '"no pvc 1/142"])',
                "    conn.save_config()",
                '    after = conn.send_command("show running-config")',
                '    open(f"/var/lib/ems/changes/{CHANGE}.after", "w").write(after)')}),
)
