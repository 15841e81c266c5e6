"""Real jobs of network-management servers taken whole from public repositories: config
archiver hooks, NMS exports and expiry, certificate renewal, snapshot retention, monitoring
plugins, backups that prune old archives. Each entry pins the repository, the commit, each
file's path there and its SHA-256, with the licence and what the job does; the scripts
themselves are not copied into this repository. They are brought into the corpus cache
(~/.cache/lineguard-corpus/field, or $LINEGUARD_CORPUS_DIR/field) from local git mirrors of
those repositories:

    python -m tests.fieldjobs.catalog --from DIR     # DIR/<owner>+<name>/repo: git mirrors

and tests/test_field_jobs.py judges them under five schedulers (skipping with that command as
the reason while the cache is empty). A file whose content does not match its pin is refused.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.falsealarm import cache_dir


@dataclass(frozen=True)
class FieldFile:
    dest: str                 # where the job finds it on the management server
    path: str                 # its path in the repository
    sha256: str


@dataclass(frozen=True)
class FieldJob:
    id: str
    repo: str                 # owner/name on GitHub
    commit: str
    licence: str
    what: str                 # what the job does, and where its command line comes from
    command: str              # the scheduler line's command
    owner: str = "root"       # root, or ems: the account the management software runs as
    files: tuple[FieldFile, ...] = ()


class FieldUnavailable(RuntimeError):
    """A pinned file is neither in the cache nor in a mirror."""


JOBS: tuple[FieldJob, ...] = (
    FieldJob('oxidized-report-git-commits', 'ytti/oxidized', '687ed4262d9d21e54662e872e2383386d8498f7b',
             'Apache-2.0',
             'oxidized exec hook (docs/Hooks.md): the report run after each stored config',
             '/usr/local/bin/oxidized-report-git-commits', owner='ems',
             files=(
                 FieldFile('usr/local/bin/oxidized-report-git-commits', 'extra/oxidized-report-git-commits',
                           'e333c2df252576da625f094a78fe84efa86162b0fa55aaffe4a62ff4f7dc8ed7'),
             )),
    FieldJob('oxidized-gitdiff-msteams', 'ytti/oxidized', '687ed4262d9d21e54662e872e2383386d8498f7b',
             'Apache-2.0',
             'oxidized exec hook posting each config diff to a Teams channel',
             '/usr/local/bin/gitdiff-msteams.sh', owner='ems',
             files=(
                 FieldFile('usr/local/bin/gitdiff-msteams.sh', 'extra/gitdiff-msteams.sh',
                           'f6ed83db3f6325f325a8397057a65449b6eb412d7e889a52d2eac09b45c5ccef'),
             )),
    FieldJob('netdisco-rancid-export', 'netdisco/netdisco', '9e66f4a3bd79698f0fc538d48fbefccd1c7181e0',
             'BSD-3-Clause',
             "the documented nightly export of Netdisco's devices to RANCID router.db",
             '/home/netdisco/bin/netdisco-rancid-export', owner='ems',
             files=(
                 FieldFile('home/netdisco/bin/netdisco-rancid-export', 'bin/netdisco-rancid-export',
                           '81ac03faf4ad899f52af3e76dde742f28e607bb0e3c44e7e6d317b3a828273e2'),
             )),
    FieldJob('netdisco-do-expire', 'netdisco/netdisco', '9e66f4a3bd79698f0fc538d48fbefccd1c7181e0',
             'BSD-3-Clause',
             'netdisco-do expire: ages out old node and device records',
             '/home/netdisco/bin/netdisco-do expire', owner='ems',
             files=(
                 FieldFile('home/netdisco/bin/netdisco-do', 'bin/netdisco-do',
                           'b00072074bccf031c191f68141f226cab86ef9f5088e2e1820b82565019d9cee'),
             )),
    FieldJob('acme-sh-cron', 'acmesh-official/acme.sh', 'd60c75b4e30a26addd8b9d0bfdeeed39c84ed51e',
             'GPL-3.0',
             'README.md step 3: the daily renewal crontab line, running acme.sh itself',
             '"/root/.acme.sh"/acme.sh --cron --home "/root/.acme.sh" > /dev/null', owner='root',
             files=(
                 FieldFile('root/.acme.sh/acme.sh', 'acme.sh',
                           'c361d59f42ae6655f324f15003e2a3304c18af45cbec6439460cf506415535c6'),
             )),
    FieldJob('zfs-auto-snapshot-daily', 'zfsonlinux/zfs-auto-snapshot', '92db087bb019957166ee70c88c6c967e5fd28a70',
             'GPL-2.0',
             'etc/zfs-auto-snapshot.cron.daily: snapshot every dataset, keep 31 (older ones destroyed)',
             '/usr/sbin/zfs-auto-snapshot --quiet --syslog --label=daily --keep=31 //', owner='root',
             files=(
                 FieldFile('usr/sbin/zfs-auto-snapshot', 'src/zfs-auto-snapshot.sh',
                           '70d1974c21d50f43dd0dd768544fae42302489fb2d6e42d77973b77e15056967'),
             )),
    FieldJob('check-ifoperstatus', 'nagios-plugins/nagios-plugins', '8852bf48d5a190df3ca32da253ee4ddf38c35e16',
             'GPL-3.0',
             'plugins-scripts/check_ifoperstatus.pl: SNMP interface status check run as a passive check',
             '/usr/lib/nagios/plugins/check_ifoperstatus -H atm-kobe-01 -C public -k 3', owner='ems',
             files=(
                 FieldFile('usr/lib/nagios/plugins/check_ifoperstatus', 'plugins-scripts/check_ifoperstatus.pl',
                           '9708dff05de8da6db7b0903fd3cf96f48418be4ebc746e4f09a9fd7321079757'),
             )),
    FieldJob('check-ifstatus', 'nagios-plugins/nagios-plugins', '8852bf48d5a190df3ca32da253ee4ddf38c35e16',
             'GPL-3.0',
             'plugins-scripts/check_ifstatus.pl: every interface of a device by SNMP',
             '/usr/lib/nagios/plugins/check_ifstatus -H atm-kobe-01 -C public', owner='ems',
             files=(
                 FieldFile('usr/lib/nagios/plugins/check_ifstatus', 'plugins-scripts/check_ifstatus.pl',
                           '81e231f62267a1f62ca40603183d01b9810b834ff1149a3fcabc3ca121674900'),
             )),
    FieldJob('check-file-age', 'nagios-plugins/nagios-plugins', '8852bf48d5a190df3ca32da253ee4ddf38c35e16',
             'GPL-3.0',
             'plugins-scripts/check_file_age.pl: age of the last config archive',
             '/usr/lib/nagios/plugins/check_file_age -w 90000 -c 180000 -f /var/lib/rancid/atm/router.db', owner='ems',
             files=(
                 FieldFile('usr/lib/nagios/plugins/check_file_age', 'plugins-scripts/check_file_age.pl',
                           '9cea690d23c2b492f823dc32258f1f25ab1c4f01f8ea5287cb75f54890010302'),
             )),
    FieldJob('check-log', 'nagios-plugins/nagios-plugins', '8852bf48d5a190df3ca32da253ee4ddf38c35e16',
             'GPL-3.0',
             'plugins-scripts/check_log.sh: new lines matching a pattern in a log',
             '/usr/lib/nagios/plugins/check_log -F /var/log/rancid/atm.log -O /var/tmp/check_log.atm -q ERROR', owner='ems',
             files=(
                 FieldFile('usr/lib/nagios/plugins/check_log', 'plugins-scripts/check_log.sh',
                           '800dda7da4621409744cfd4745287d0be2e518c532c19f5158e48dd2b4558f66'),
             )),
    FieldJob('rancid-tree-backup', 'alex-rudenko/rancid', '0795e825ed378e4ac5f65cf0b75eaf2fb9602524',
             'no licence file (public repository)',
             "backup-rancid.py: tar of each RANCID group's router.db and configs",
             '/usr/bin/python3 /opt/backup-rancid/backup-rancid.py', owner='root',
             files=(
                 FieldFile('opt/backup-rancid/backup-rancid.py', 'backup-rancid.py',
                           '8ec2fa6f7f43ac0c57cbf734bd4dcf9559ecb6f16ea96a2b313137b1642c4fa3'),
             )),
    FieldJob('routerbkp', 'torturelabs/routerbkp', 'f1ea4f555051da55840a3327dd36d8d242fca497',
             'no licence file (public repository)',
             'do_backup.sh with its .env: RouterOS exports over ssh/scp, committed to git (systemd user timer in the README)',
             'cd /home/routerbkp/routerbkp && ./do_backup.sh', owner='ems',
             files=(
                 FieldFile('home/routerbkp/routerbkp/do_backup.sh', 'do_backup.sh',
                           '73d88c37524ac97eaac1fe7ced0d9a9df695aca72ee040d3fe57c386dfe40cfd'),
                 FieldFile('home/routerbkp/routerbkp/.env', '.env',
                           '4b3743292e193deeeda15bb4c9a4cbc6459bf972f0210ed6c4eb82a3f0ef540d'),
             )),
    FieldJob('server-backup', 'mikemonoton/serverscripts', '79a856df8b77ec2f19f22253a13869aac2ca7ed4',
             'GPL-2.0',
             'backup_serv.sh: nightly tar of the server',
             '/usr/local/sbin/backup_serv.sh', owner='root',
             files=(
                 FieldFile('usr/local/sbin/backup_serv.sh', 'backup_serv.sh',
                           'af2769aae03c78b0623c5fa969951f375f0e2ef4d698909f6f9bc8e3c8537c5a'),
             )),
    FieldJob('delete-old-backup', 'mikemonoton/serverscripts', '79a856df8b77ec2f19f22253a13869aac2ca7ed4',
             'GPL-2.0',
             'delete_old_backup.sh: backups older than 5 days removed',
             '/usr/local/sbin/delete_old_backup.sh', owner='root',
             files=(
                 FieldFile('usr/local/sbin/delete_old_backup.sh', 'delete_old_backup.sh',
                           '238bff8c9e9ec961290fbe9c5107789bcab9127020173c70f69115324389af01'),
             )),
    FieldJob('delete-old-kernel', 'mikemonoton/serverscripts', '79a856df8b77ec2f19f22253a13869aac2ca7ed4',
             'GPL-2.0',
             'delete_old_kernel.sh: kernels other than the running one purged',
             '/usr/local/sbin/delete_old_kernel.sh', owner='root',
             files=(
                 FieldFile('usr/local/sbin/delete_old_kernel.sh', 'delete_old_kernel.sh',
                           'ec12c6d49a614abfa782729f722ed97c814390ae1b7a7f903990bab663c803ef'),
             )),
    FieldJob('mysql-backup-serverscripts', 'mikemonoton/serverscripts', '79a856df8b77ec2f19f22253a13869aac2ca7ed4',
             'GPL-2.0',
             'mysql_backup.sh: nightly dump of every database',
             '/usr/local/sbin/mysql_backup.sh', owner='root',
             files=(
                 FieldFile('usr/local/sbin/mysql_backup.sh', 'mysql_backup.sh',
                           'a0923fc7e7106d20a41350953529a408d27f19894e35245fd0ada17581d9554c'),
             )),
    FieldJob('simple-backup-daily', 'msergiy87/simple_backup', '99672d55fd64a45c888b3bd3fda905d84fc8619a',
             'no licence file (public repository)',
             "backup.sh daily, the README's crontab line",
             '/root/scripts/backup.sh daily > /dev/null 2>&1', owner='root',
             files=(
                 FieldFile('root/scripts/backup.sh', 'backup.sh',
                           'faf3b317423fb25935cbeea4105159bbddf7bcd9be604541bce8700b44954795'),
             )),
    FieldJob('ppsbackup-loop', 'ppschweiz/docker-ppsbackup', 'e4f4d7a6f10c7ce3d027ca3f2f423aeab37b6841',
             'no licence file (public repository)',
             'backup.sh: the daily loop over the database, LDAP and file backups it runs',
             '/usr/local/bin/backup.sh', owner='root',
             files=(
                 FieldFile('usr/local/bin/backup.sh', 'backup.sh',
                           '2b0c90d4a8235361a8a8d6dda82abe05749afb3a2e4187ba399c4d539cd2e446'),
                 FieldFile('usr/local/bin/backup-postgresql.sh', 'backup-postgresql.sh',
                           '7b09faf251ceda5fb11c346fb81ae50e38d7274b6bf5166d495a3688042f02df'),
                 FieldFile('usr/local/bin/rsync-mysql.sh', 'rsync-mysql.sh',
                           'f046723da83b8604529ab89ac3c68531f700ab310ecd4f27b7de7b4c9b26f6ff'),
                 FieldFile('usr/local/bin/rsync-file.sh', 'rsync-file.sh',
                           '0ee87d780d54c1c9de9869e5be8c3ea81f2d1640c6d580d96fd7b9f1f30630f0'),
                 FieldFile('usr/local/bin/rsync-coreos-2-p.sh', 'rsync-coreos-2-p.sh',
                           'ca2734d4b96192ffaa406484897d088242600b190c2a1e9f60708ce14cc7d3c4'),
                 FieldFile('usr/local/bin/backup-ldap.sh', 'backup-ldap.sh',
                           '4d950501bf69e05efeb1d8312cf636df59a42d6b4900606221f400abdd7ef4f3'),
             )),
    FieldJob('mysqlbackup-plus', 'qcybb/mysqlbackup-plus', '7030e137cdb798a456908e9b6034462661930538',
             'GPL-3.0',
             'README.md: the 3 AM crontab line; daily/weekly/monthly dumps with rotation',
             '/usr/local/bin/mysqlbackup-plus.sh > /dev/null 2>&1', owner='root',
             files=(
                 FieldFile('usr/local/bin/mysqlbackup-plus.sh', 'mysqlbackup-plus.sh',
                           '1ec27ecd69685179c3647c235b68cf7952ff15ef537900ff3528fed8ab69eb86'),
             )),
    FieldJob('mediawiki-backup', 'radiorabe/docker-mediawiki', '42438d3d2bd86fc318a9da07e9ad2ee7e573a825',
             'GPL-3.0',
             'backup/backup.sh: dump and image tar, keeping the last backups',
             '/opt/mediawiki/backup/backup.sh', owner='root',
             files=(
                 FieldFile('opt/mediawiki/backup/backup.sh', 'backup/backup.sh',
                           '9018f248cbf0bec37d02525ca44ecc3ce10263487c8fc7c4498aa8a0be4f1e3d'),
             )),
    FieldJob('netmiko-save-backup', 'sydasif/network-automation-script', '8e6720c8fdbf41bebacf454ea531440a48166d50',
             'MIT',
             'netmiko/ex_12_save_backup.py: show run of every device in the list beside it, saved with the date',
             'cd /opt/netbackup && /usr/bin/python3 ex_12_save_backup.py', owner='ems',
             files=(
                 FieldFile('opt/netbackup/ex_12_save_backup.py', 'netmiko/ex_12_save_backup.py',
                           '3a8ecd7d3ca2459405757c4c6e359c1aeb6c42151cb667f957d1975381d739d5'),
             )),
    FieldJob('netmiko-wr-mem-backup', 'moekidu/cv', '4c337fb13bbecbf3a55a5d194592226ada95a383',
             'no licence file (public repository)',
             'scripts/backupv3.py: write memory, then show run saved per device',
             '/usr/bin/python3 /home/ntc/scripts/backupv3.py', owner='ems',
             files=(
                 FieldFile('home/ntc/scripts/backupv3.py', 'scripts/backupv3.py',
                           '97d5bf5621a6dbb0fd3ff870065852a61d1d16db390d1a8965de81be24fac13b'),
             )),
    FieldJob('certbot-renew-copy', 'Yaecho/server', 'd88a797caf117070e8a729cf21c8ce35cb3f3243',
             'no licence file (public repository)',
             'nginx/cert.sh: the live links cleared, certbot renew, certificates copied to the web server and it restarted',
             '/data/server/nginx/cert.sh', owner='root',
             files=(
                 FieldFile('data/server/nginx/cert.sh', 'nginx/cert.sh',
                           'ca4124098e753124b7b5b48445193147a848dfb5c138e5eb8ee48e08c3cbbf98'),
             )),
    FieldJob('maddog-tmp-removal', 'nurfalie/maddog-backup', '8cbf1660790793e5f7b21e3a79092b1c0381c52e',
             'no licence file (public repository)',
             "Source/maddog_backup_tmp_removal.sh: the backup utility's temporary files older than a day removed",
             '/usr/local/bin/maddog_backup_tmp_removal.sh', owner='root',
             files=(
                 FieldFile('usr/local/bin/maddog_backup_tmp_removal.sh', 'Source/maddog_backup_tmp_removal.sh',
                           '78c6be9bf91b0f4427c3d41cbb25b30fe717db66024288519c833f1a56c2d1c4'),
             )),
    FieldJob('netbox-housekeeping', 'netbox-community/netbox', '5f8a4f6c432ca54b625d86ddcaad3c374cd74339',
             'Apache-2.0',
             "contrib/netbox-housekeeping.sh, linked into /etc/cron.daily as the housekeeping docs say: "
             "expired sessions and changelog records past their retention deleted by NetBox",
             '/opt/netbox/contrib/netbox-housekeeping.sh', owner='root',
             files=(
                 FieldFile('opt/netbox/contrib/netbox-housekeeping.sh', 'contrib/netbox-housekeeping.sh',
                           '7eec07fb661814661c4ba5a8b30f9ad1f123d434f3346283988c4df46ceb0b82'),
             )),
    FieldJob('pfsense-config-backup', 'dsgnr/Pfsense-Backup-Bash-Script', '7eb1334ecc10655684d33caf983ac27711cb0fbe',
             'GPL-3.0',
             "pfsense-backup.sh from cron (README): config.xml of each firewall copied by scp, "
             "copies older than 30 days removed",
             '/usr/local/bin/pfsense-backup.sh', owner='root',
             files=(
                 FieldFile('usr/local/bin/pfsense-backup.sh', 'pfsense-backup.sh',
                           'cd46fe18d7f35aefec36b4073ca41c2c0d31a70d63dfafc8c2f66a7194e68243'),
             )),
    FieldJob('mikrotik-mkbackup', 'h8r1dx4/mkbackup', '1ad8a4ae6f5249d5476d128c429a7d922dff54f3',
             'GPL-2.0',
             "mkbackup.sh at midnight (add-cronjob.sh's crontab line): a backup saved on each router "
             "of router.list over SSH and copied into a dated folder",
             '/opt/mkbackup/mkbackup.sh', owner='ems',
             files=(
                 FieldFile('opt/mkbackup/mkbackup.sh', 'mkbackup.sh',
                           'aa66336b848294850690b2a41143d24b5a5a69b2cd1e8b9a632e19e949eff078'),
                 FieldFile('opt/mkbackup/router.list', 'router.list',
                           '92b6c3e8e310aeab42f9a9608c50ff0beca8d0794b9dbb1fbb25433161353da0'),
             )),
    FieldJob('pg-back', 'orgrim/pg_back', '5dc433160ee5d72fa80f2cb9690c84019a03988f',
             'BSD-2-Clause (licence block in the script)',
             "pg_back 1.x, the shell version, as the postgres user (README): every database dumped, "
             "dumps older than the purge age (30 days) removed, its /etc/pg_back/pg_back.conf sourced",
             '/usr/bin/pg_back -b /var/backups/postgresql', owner='ems',
             files=(
                 FieldFile('usr/bin/pg_back', 'pg_back',
                           'fd6c82b88e5dc564f4d99ce087da89e721000c0f96c46d2da79b6282e830b4d2'),
                 FieldFile('etc/pg_back/pg_back.conf', 'pg_back.conf',
                           '1639a653d7a09d50c32622500a39524b81a419836370fd62a6a4d8ae867bd377'),
             )),
)


def _cached(job: FieldJob, f: FieldFile, base: Path) -> Path:
    return base / job.repo.replace("/", "+") / job.commit / f.path


def _git_dir(mirrors: Path, repo: str) -> Path | None:
    top = mirrors / repo.replace("/", "+")
    return next((d for d in (top / "repo" / ".git", top / "repo", top) if (d / "HEAD").is_file()),
                None)


def fetch(mirrors: Path, base: Path | None = None) -> list[str]:
    """Copy every pinned file from the git mirrors under `mirrors` into the cache; returns
    one line per file that could not be had."""
    base = base or cache_dir() / "field"
    missing = []
    for job in JOBS:
        git = _git_dir(mirrors, job.repo)
        for f in job.files:
            out = _cached(job, f, base)
            if out.is_file():
                continue
            got = subprocess.run(["git", "--git-dir", str(git), "show", f"{job.commit}:{f.path}"],
                                 capture_output=True, timeout=60) if git else None
            if got is None or got.returncode != 0:
                missing.append(f"{job.repo}@{job.commit[:12]}:{f.path}: not in {mirrors}")
            elif hashlib.sha256(got.stdout).hexdigest() != f.sha256:
                missing.append(f"{job.repo}@{job.commit[:12]}:{f.path}: content differs from its pin")
            else:
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(got.stdout)
    return missing


def load(base: Path | None = None) -> list[tuple[FieldJob, dict[str, str]]]:
    """Each job with the text of its files by where the job finds them."""
    base = base or cache_dir() / "field"
    jobs = []
    for job in JOBS:
        texts = {}
        for f in job.files:
            p = _cached(job, f, base)
            data = p.read_bytes() if p.is_file() else b""
            if hashlib.sha256(data).hexdigest() != f.sha256:
                raise FieldUnavailable(f"{job.repo}:{f.path} is not in {base}: "
                                       "python -m tests.fieldjobs.catalog --from MIRRORS")
            texts[f.dest] = data.decode("utf-8", errors="replace")
        jobs.append((job, texts))
    return jobs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--from", dest="mirrors", type=Path, required=True,
                    help="folder of git mirrors, one <owner>+<name>/repo per repository")
    missing = fetch(ap.parse_args(argv).mirrors)
    for line in missing:
        print(line, file=sys.stderr)
    print(f"{sum(len(j.files) for j in JOBS) - len(missing)} of "
          f"{sum(len(j.files) for j in JOBS)} files of {len(JOBS)} jobs in {cache_dir() / 'field'}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
