"""No false alarms on what else a network-management server runs on a timer (the second Debian
corpus, tests/falsealarm.py OPS_PACKAGES): snapshot and backup retention, package mirrors and
caches that expire their files, collectors, AAA/DHCP/DNS/directory servers, UPS daemons,
monitoring plugins, certificate renewal. Their scheduled jobs and every script they ship are
judged: none destructive, none high or critical; the medium ones are named, each for a real
effect the script has (a service stopped around a suspend, the output of a server eval'd, an
event script chosen at run time). The two general readings these packages taught are
checked both ways: pruning a ZFS snapshot is not wiping the volume, and `eval "require $m"`
over module names loads modules, while the same forms over data stay loud; so is one from the
real-jobs corpus: logrotate's state file (-s) is not the configuration it applies."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lineguard.collector.analyse.destructive import judge
from lineguard.collector.model import CronTrigger, Fire, Job, Judgement
from lineguard.formats.wire import Artifact
from tests.falsealarm import OPS_PACKAGES, Corpus, CorpusUnavailable, build, load, scripts, unpacked

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
FIRE = Fire(kind="exact", at=NOW + timedelta(hours=5))
LOUD = ("high", "critical")
# The scripts of these packages that are medium, each for an effect it really has; one not
# named here is a change to look at, not to wave through.
MEDIUM = {
    "etc/apcupsd/apccontrol": "runs the event script named by its first argument",
    "lib/systemd/system-sleep/atop-pm": "stops atop before a suspend",
    "usr/lib/nagios/plugins/check_backuppc": "evals what the BackupPC server answers",
    "usr/lib/nagios/plugins/check_printer_health": "evals JSON text it builds from a reply",
    "usr/lib/nagios/plugins/check_ssl_cert": "takes options, program paths among them, from "
                                             "~/.check_ssl_certrc, not captured here",
    "etc/init.d/nut-server": "stops the host on a UPS shutdown (invoke-rc.d reboot stop)",
    "usr/libexec/nut-driver-enumerator.sh": "stops and disables UPS driver units",
    "usr/sbin/torrus": "evals what sed makes of its command table",
    "usr/share/torrus/bin/genreport": "requires a report class named in its configuration",
    "usr/lib/nagios/plugins/check_etc_hosts": "splices lines of /etc/hosts (not captured here) "
                                              "into a command line a shell parses",
}


@pytest.fixture(scope="module")
def trees() -> Path:
    if not (shutil.which("apt-get") and shutil.which("dpkg-deb")):
        pytest.skip("apt-get/dpkg-deb not available: cannot fetch the Debian corpus")
    try:
        return build(OPS_PACKAGES)
    except (CorpusUnavailable, subprocess.TimeoutExpired) as e:
        pytest.skip(f"Debian archive unreachable, corpus not built: {e}")


@pytest.fixture(scope="module")
def corpus(trees: Path) -> Corpus:
    return load(trees, OPS_PACKAGES)


def _sweep_job(name: str) -> Job:
    return Job(target="sweep", source="cron", origin_path="etc/cron.d/sweep", origin_line=1,
               owner="root", schedule="0 3 * * *", command="/" + name,
               trigger=CronTrigger("0 3 * * *"), files=(name,))


def _judge_script(name: str, text: str) -> Judgement:
    return judge(_sweep_job(name), {name: Artifact.from_bytes(name, "script", text.encode())},
                 FIRE, NOW)


def test_scheduled_jobs_of_ops_packages_are_never_destructive_nor_high(corpus: Corpus):
    judged = [(cj.package, cj.job.origin_path, judge(cj.job, corpus.files, FIRE, NOW))
              for cj in corpus.jobs]
    loud = [(pkg, origin, j.verdict, [(r.rule, r.path, r.line, r.evidence) for r in j.reasons])
            for pkg, origin, j in judged if j.verdict == "destructive" or j.severity in LOUD]
    print(f"\n{len(judged)} jobs of {len(corpus.packages)} packages: "
          f"{Counter(str(j.severity) for *_, j in judged)}")
    assert len(corpus.packages) >= 8 and len(judged) >= 12
    assert {"sanoid", "btrbk", "snapper", "dirvish"} <= set(corpus.packages)
    assert loud == []


def test_every_script_of_ops_packages_stays_quiet(trees: Path):
    loud, medium, swept = [], [], 0
    for tree in unpacked(trees, OPS_PACKAGES):
        for name, data in scripts(tree):
            j = judge(_sweep_job(name), {name: Artifact.from_bytes(name, "script", data)},
                      FIRE, NOW)
            swept += 1
            found = (tree.name, name, [(r.rule, r.line, r.evidence) for r in j.reasons])
            if j.verdict == "destructive" or j.severity in LOUD:
                loud.append(found)
            elif j.severity == "medium":
                medium.append(found)
    print(f"\nswept {swept} scripts: {len(loud)} loud, {len(medium)} medium")
    for m in medium:
        print("  medium:", m)
    assert swept > 250 and loud == []
    assert [m for m in medium if m[1] not in MEDIUM] == []


# sanoid's pruning, as the package writes it: a snapshot name built at run time
SANOID_PRUNE = """#!/usr/bin/perl
my $zfs = '/sbin/zfs';
my @prunesnaps;
foreach my $path (keys %snaps) {
    foreach my $snap (@{ $snapsbytype{$path} }) {
        push(@prunesnaps, $path . '@' . $snap) if $snaps{$path}{$snap} < $maxage;
    }
}
foreach my $snap (@prunesnaps) {
    system($zfs, "destroy", $snap);
}
"""


def test_pruning_a_zfs_snapshot_is_not_wiping_the_volume():
    assert _judge_script("usr/sbin/prune", SANOID_PRUNE).verdict == "benign"
    for line in ("zfs destroy tank/ems@autosnap_2026-01-01_daily",
                 # zfs-auto-snapshot's: each name a snapshot listing prints, destroyed deferred
                 "for s in $(zfs list -H -t snapshot -S creation -o name); do\n"
                 "  zfs destroy -d $s\ndone"):
        assert _judge_script("usr/local/bin/prune.sh", line + "\n").verdict == "benign", line
    for line in ("zfs destroy tank/ems", "zfs destroy -R tank/ems@autosnap_2026-01-01_daily",
                 "zpool destroy tank", 'zfs destroy -r "$1"',
                 "for s in $(zfs list -H -o name); do zfs destroy $s; done"):
        j = _judge_script("usr/local/bin/prune.sh", line + "\n")
        assert (j.verdict, j.severity) == ("destructive", "critical"), line
        assert any(r.rule == "lg.host.disk-wipe" for r in j.reasons), line


def test_eval_require_of_module_names_loads_modules_but_eval_of_code_stays_loud():
    loader = ("#!/usr/bin/perl\nsub load_modules { foreach (@_) { eval \"require $_\"; } }\n"
              "load_modules(qw/Getopt::Long Mail::IMAPClient/);\n")
    assert not _judge_script("usr/lib/nagios/plugins/check_x", loader).reasons
    planted = ("#!/usr/bin/perl\nmy $m = 'Foo; system(q{rm -rf /srv/ems/linedata})';\n"
               "eval \"require $m\";\n")
    j = _judge_script("usr/lib/nagios/plugins/check_x", planted)
    assert (j.verdict, j.severity) == ("destructive", "critical")
    fetched = ("#!/usr/bin/perl\nuse LWP::Simple;\nmy $m = get('http://10.0.0.9/m');\n"
               "eval \"require $m\";\n")
    j = _judge_script("usr/lib/nagios/plugins/check_x", fetched)
    assert any(r.rule == "lg.host.unseen-code" for r in j.reasons)


def test_logrotate_state_file_is_not_the_configuration_it_applies():
    """`logrotate -s STATE CONF` (tests/realjobs logrotate-rancid): the state file logrotate
    keeps is not code; the configuration is read, and an uncaptured one is still unseen."""
    conf = "/var/lib/ems/logrotate.state"
    for line in (f"logrotate -s {conf} /etc/ems/logrotate.conf",
                 f"logrotate --state {conf} -m /usr/bin/mail /etc/ems/logrotate.conf"):
        j = _judge_script("usr/local/bin/rotate.sh", line + "\n")
        assert not [r for r in j.reasons if "logrotate.state" in r.subject], line
    j = _judge_script("usr/local/bin/rotate.sh", f"logrotate -s {conf} /opt/ems/logrotate.conf\n")
    assert [r.rule for r in j.reasons] == ["lg.host.unseen-code"]
    assert "/opt/ems/logrotate.conf" in j.reasons[0].subject


def test_a_sed_script_given_with_e_is_no_file_it_reads():
    """torrus's usage loop evals what `sed -e 's/=.*//' -e 's/^/a=/'` makes of a word: the
    scripts are not files whose content it runs. A file sed does read still gives its lines."""
    usage = ("#!/bin/sh\ncommands='compile=compile.pl ttproxy=ttproxy.pl'\n"
             "for pair in ${commands}; do\n"
             "  eval `echo ${pair} | sed -e 's/=.*//' -e 's/^/a=/'`\n  echo \"  \"${a}\ndone\n")
    j = _judge_script("usr/sbin/torrus", usage)
    assert not [r for r in j.reasons if "s/" in r.subject], [r.subject for r in j.reasons]
    texts = {"usr/local/bin/purge.sh": 'x=$(sed -e "s/^DIR=//" /etc/ems/paths.conf)\nrm -rf "$x"\n',
             "etc/ems/paths.conf": "DIR=/srv/ems/linedata\n"}
    files = {p: Artifact.from_bytes(p, "script", t.encode()) for p, t in texts.items()}
    job = Job(target="ems-01", source="cron", origin_path="etc/cron.d/purge", origin_line=1,
              owner="root", schedule="0 3 * * *", command="/usr/local/bin/purge.sh",
              trigger=CronTrigger("0 3 * * *"), files=tuple(files))
    j = judge(job, files, FIRE, NOW)
    assert (j.verdict, [r.subject for r in j.reasons if r.rule == "lg.host.rm-linedata"]) == \
        ("destructive", ["/srv/ems/linedata"])
