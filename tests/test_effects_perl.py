"""Perl read through tree-sitter-perl: the constructs a job uses to build a command, an OID or
a device session are followed to the resolved effect, judged through the real engine. Each
destructive form has a quiet look-alike built the same way, and a program the grammar cannot
parse is reported as unparsed rather than passed as benign."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from lineguard.collector.analyse.effects.judge import effects_of, judge
from lineguard.collector.analyse.effects.model import render
from lineguard.collector.model import CronTrigger, Fire, Job, Judgement
from lineguard.formats.wire import Artifact
from tests.ruleexamples import NOW

SCRIPT = "opt/ems/bin/task.pl"


def _files(text: str, extra: dict[str, str] | None = None) -> dict[str, Artifact]:
    files = {SCRIPT: Artifact.from_bytes(SCRIPT, "script", text.encode())}
    for name, body in (extra or {}).items():
        files[name] = Artifact.from_bytes(name, "script", body.encode())
    return files


def _job(files: dict[str, Artifact]) -> Job:
    return Job(target="ems1", source="cron", origin_path="etc/cron.d/task", origin_line=1,
               owner="root", schedule="0 3 * * *", command="/" + SCRIPT,
               trigger=CronTrigger("0 3 * * *"), files=tuple(files))


def _judge(text: str, extra: dict[str, str] | None = None) -> Judgement:
    files = _files(text, extra)
    return judge(_job(files), files, Fire(kind="exact", at=NOW + timedelta(days=1)), NOW)


def _effects(text: str, extra: dict[str, str] | None = None):
    files = _files(text, extra)
    return effects_of(_job(files), files)[0]


# Each: the program, the rule that must fire, and the resolved effect its reason must show.
DESTRUCTIVE = {
    "heredoc-to-device-pipe": (
        "#!/usr/bin/perl\nuse strict;\nmy $vc = '0/32';\n"
        "open(my $ne, '|-', 'ssh -T oper@atm1') or die \"no session: $!\";\n"
        "print $ne <<\"CFG\";\nconfigure terminal\ninterface ATM0/1\nno pvc $vc\nend\nCFG\n"
        "close($ne);\n",
        "lg.ios.no-pvc", "sends to atm1 (ios): configure terminal; interface ATM0/1; no pvc 0/32"),
    "heredoc-to-system": (
        "#!/usr/bin/perl\nmy $dir = '/srv/ems/linedata';\nsystem(<<\"EOS\");\n"
        "logger -t ems purge\nrm -rf $dir\nEOS\n",
        "lg.host.rm-linedata", "delete-tree /srv/ems/linedata"),
    "qw-list-in-foreach": (
        "#!/usr/bin/perl\nuse Net::Telnet;\nforeach my $ne (qw(atm-kobe-01 atm-kobe-02)) {\n"
        "    my $t = Net::Telnet->new(Host => $ne, Timeout => 20);\n"
        "    $t->login('oper', $ENV{NE_PW});\n    $t->cmd('no pvc 0/32');\n}\n",
        "lg.ios.no-pvc", "sends to <each of atm-kobe-01, atm-kobe-02> (ios): no pvc 0/32"),
    "hash-dispatch-named-key": (
        "#!/usr/bin/perl\nuse strict;\nsub show { print \"ok\\n\" }\nmy %actions = (\n"
        "    purge => sub { my ($d) = @_; system(\"rm -rf $d\"); },\n    list  => \\&show,\n);\n"
        "$actions{purge}->('/srv/ems/linedata');\n",
        "lg.host.rm-linedata", "delete-tree /srv/ems/linedata"),
    "hash-dispatch-key-from-argv": (
        "#!/usr/bin/perl\nuse strict;\nuse File::Path qw(remove_tree);\nmy %actions = (\n"
        "    list  => sub { print \"ok\\n\" },\n"
        "    purge => sub { remove_tree('/srv/ems/linedata') },\n);\n"
        "my $what = $ARGV[0];\n$actions{$what}->() if exists $actions{$what};\n",
        "lg.host.rm-linedata", "delete-tree /srv/ems/linedata"),
    "sub-called-by-a-name-from-a-list": (
        "#!/usr/bin/perl\nsub purge { system('rm', '-rf', '/srv/ems/linedata') }\nsub report { print 1 }\n"
        "for my $step (qw(report purge)) { no strict 'refs'; &$step(); }\n",
        "lg.host.rm-linedata", "delete-tree /srv/ems/linedata"),
    "sprintf-built-oid": (
        "#!/usr/bin/perl\nuse strict;\nuse Net::SNMP qw(:asn1);\n"
        "my ($s, $err) = Net::SNMP->session(-hostname => 'atm1', -community => 'private');\n"
        "my $col = '1.3.6.1.2.1.37.1.7.1.13';\nmy ($ifidx, $vpi, $vci) = (1, 0, 32);\n"
        "my $oid = sprintf('%s.%d.%d.%d', $col, $ifidx, $vpi, $vci);\n"
        "$s->set_request(-varbindlist => [$oid, INTEGER, 6]);\n",
        "lg.snmp.atm-rowstatus-destroy", "SNMP SET atmVclRowStatus.1.0.32 = destroy(6) on atm1"),
    "join-of-an-array": (
        "#!/usr/bin/perl\nmy @parts = ('', 'srv', 'ems', 'linedata');\n"
        "my $cmd = join(' ', 'rm', '-rf', join('/', @parts));\nsystem($cmd);\n",
        "lg.host.rm-linedata", "delete-tree /srv/ems/linedata"),
    "string-repetition": (
        "#!/usr/bin/perl\nmy $count = '1' . ('0' x 4);\n"
        "system(\"dd if=/dev/zero of=/dev/sdb bs=1M count=$count\");\n",
        "lg.host.disk-wipe", "wipe /dev/sdb"),
    "session-object-in-a-hash-passed-to-a-sub": (
        "#!/usr/bin/perl\nuse strict;\nuse Net::OpenSSH;\n"
        "my %conn = (kobe => Net::OpenSSH->new('oper@atm-kobe-01'));\nmy $c = $conn{kobe};\n"
        "sub retire {\n    my ($session, $vc) = @_;\n"
        "    $session->system(\"configure terminal\\ninterface ATM0/1\\nno pvc $vc\\nend\");\n}\n"
        "retire($c, '0/32');\n",
        "lg.ios.no-pvc", "sends to atm-kobe-01 (ios): configure terminal; interface ATM0/1; no pvc 0/32"),
    "method-on-an-object-held-by-a-class": (
        "#!/usr/bin/perl\npackage Ems::Box;\nuse Net::Telnet;\n"
        "sub new { my ($class, $host) = @_;\n"
        "    my $self = { t => Net::Telnet->new(Host => $host) };\n    return bless $self, $class; }\n"
        "sub send_line { my ($self, $line) = @_; $self->{t}->cmd($line); }\n"
        "package main;\nmy $box = Ems::Box->new('atm-osaka-02');\n$box->send_line('no pvc 0/40');\n",
        "lg.ios.no-pvc", "sends to atm-osaka-02 (ios): no pvc 0/40"),
    "printed-to-a-piped-shell": (
        "#!/usr/bin/perl\nopen(my $sh, '|-', '/bin/sh') or die;\n"
        "print $sh \"rm -rf /srv/ems/linedata\\n\";\nclose $sh;\n",
        "lg.host.rm-linedata", "delete-tree /srv/ems/linedata (printed to `/bin/sh`)"),
    "tr-rot13-of-a-command": (
        "#!/usr/bin/perl\n(my $c = 'ez -es /fei/rzf/yvarqngn') =~ tr/A-Za-z/N-ZA-Mn-za-m/;\n"
        "system($c);\n",
        "lg.host.rm-linedata", "delete-tree /srv/ems/linedata (decoded from character translation)"),
    "substitution-on-a-path": (
        "#!/usr/bin/perl\nmy $p = '/srv/ems/XXX';\n$p =~ s/XXX/linedata/;\nsystem('rm', '-rf', $p);\n",
        "lg.host.rm-linedata", "delete-tree /srv/ems/linedata"),
    "io-socket-method-print": (
        "#!/usr/bin/perl\nuse IO::Socket::INET;\n"
        "my $sock = IO::Socket::INET->new(PeerAddr => 'tl1gw:3083', Proto => 'tcp');\n"
        "$sock->print(\"DLT-CRS-VC:NODE7:VC-4-12-8-200,VC-5-13-8-200:612;\");\n",
        "lg.tl1.dlt-crs", "sends to tl1gw (tl1): DLT-CRS-VC:NODE7:VC-4-12-8-200,VC-5-13-8-200:612;"),
    "net-ssh2-channel-of-a-session": (
        "#!/usr/bin/perl\nuse Net::SSH2;\nmy $ssh = Net::SSH2->new();\n$ssh->connect('atm2') or die;\n"
        "my $chan = $ssh->channel();\n$chan->shell();\n"
        "print $chan \"configure terminal\\nno pvc 0/32\\n\";\n",
        "lg.ios.no-pvc", "sends to atm2 (ios): configure terminal; no pvc 0/32"),
    "expect-spawned-later": (
        "#!/usr/bin/perl\nuse Expect;\nmy $e = Expect->new;\n$e->spawn('ssh', 'oper\\@atm4');\n"
        "$e->expect(10, '#');\n$e->send(\"no pvc 0/35\\r\");\n",
        "lg.ios.no-pvc", "sends to atm4 (ios): no pvc 0/35"),
    "list-built-with-push": (
        "#!/usr/bin/perl\nuse Net::Telnet;\nmy $t = Net::Telnet->new(Host => 'atm1');\nmy @vcs;\n"
        "push @vcs, \"0/$_\" for (32, 33);\nforeach my $vc (@vcs) { $t->cmd(\"no pvc $vc\") }\n",
        "lg.ios.no-pvc", "sends to atm1 (ios): no pvc 0/32; no pvc 0/33"),
    "dbi-statement-in-a-q-string": (
        "#!/usr/bin/perl\nuse DBI;\nmy $dbh = DBI->connect('dbi:Pg:dbname=ems', 'ems', '');\n"
        "my $t = 'vc_crossconnect';\n$dbh->do(qq{DROP TABLE $t});\n",
        "lg.sql.linedata-wipe", "db-drop vc_crossconnect"),
    "file-written-then-run": (
        "#!/usr/bin/perl\nmy $d = '/srv/ems/linedata';\nopen(my $f, '>', '/tmp/.x.sh') or die;\n"
        "print $f \"#!/bin/sh\\n\";\nprint $f \"rm -rf $d\\n\";\nclose $f;\n"
        "system('sh', '/tmp/.x.sh');\n",
        "lg.host.rm-linedata", "delete-tree /srv/ems/linedata (via system(); runs /tmp/.x.sh, written by this job)"),
    "payload-after-__DATA__": (
        "#!/usr/bin/perl\nuse MIME::Base64;\nmy $code = join('', <DATA>);\neval decode_base64($code);\n"
        "__DATA__\nc3lzdGVtKCJybSAtcmYgL3Nydi9lbXMvbGluZWRhdGEiKTs=\n",
        "lg.host.rm-linedata", "delete-tree /srv/ems/linedata (decoded from base64"),
    "eval-of-a-single-quoted-string-sees-the-scope": (
        "#!/usr/bin/perl\nmy $d = '/srv/ems/linedata';\neval 'system(\"rm -rf $d\")';\n",
        "lg.host.rm-linedata", "delete-tree /srv/ems/linedata"),
}


@pytest.mark.parametrize("case", DESTRUCTIVE, ids=list(DESTRUCTIVE))
def test_a_perl_construct_resolves_to_the_destructive_effect(case):
    text, rule, shown = DESTRUCTIVE[case]
    j = _judge(text)
    r = next((r for r in j.reasons if r.rule == rule), None)
    assert r is not None, (case, [(x.rule, x.title) for x in j.reasons])
    assert shown in r.title, (case, r.title)
    assert (j.verdict, j.severity) == ("destructive", "critical"), case


QUIET = {
    "heredoc-to-device-pipe": (
        "#!/usr/bin/perl\nopen(my $ne, '|-', 'ssh -T oper@atm1') or die;\n"
        "print $ne <<'CMD';\nshow atm pvc 0/32\nshow interfaces ATM0/1\nCMD\nclose($ne);\n"),
    "qw-list-in-foreach": (
        "#!/usr/bin/perl\nuse Net::Telnet;\nforeach my $ne (qw(atm-kobe-01 atm-kobe-02)) {\n"
        "    my $t = Net::Telnet->new(Host => $ne);\n    my @out = $t->cmd('show atm pvc');\n}\n"),
    "hash-dispatch-named-key": (
        "#!/usr/bin/perl\nmy %actions = (\n"
        "    report => sub { system('/opt/ems/bin/report', '--daily') },\n"
        "    rotate => sub { system('logrotate', '/etc/logrotate.d/ems') },\n);\n"
        "$actions{report}->();\n"),
    "sprintf-built-oid": (
        "#!/usr/bin/perl\nuse Net::SNMP;\n"
        "my ($s) = Net::SNMP->session(-hostname => 'atm1', -community => 'public');\n"
        "my $oid = sprintf('%s.%d.%d.%d', '1.3.6.1.2.1.37.1.7.1.13', 1, 0, 32);\n"
        "my $r = $s->get_request(-varbindlist => [$oid]);\n"),
    "join-of-an-array": (
        "#!/usr/bin/perl\nmy @parts = ('', 'var', 'backups', 'ems');\n"
        "system(join(' ', 'tar', 'czf', join('/', @parts) . '/linedata.tgz', '/srv/ems/linedata'));\n"),
    "tr-rot13-of-a-command": (
        "#!/usr/bin/perl\n(my $c = 'yf -y /fei/rzf') =~ tr/A-Za-z/N-ZA-Mn-za-m/;\nmy @l = `$c`;\n"),
    "file-written-then-run": (
        "#!/usr/bin/perl\nopen(my $f, '>', '/tmp/.r.sh') or die;\n"
        "print $f \"gzip -9 /var/backups/ems/linedata.tar\\n\";\nclose $f;\nsystem('sh', '/tmp/.r.sh');\n"
        "open(my $log, '>>', '/var/log/ems-backup.log');\nprint $log \"done\\n\";\n"),
}


@pytest.mark.parametrize("case", QUIET, ids=list(QUIET))
def test_the_same_construct_doing_routine_work_stays_quiet(case):
    j = _judge(QUIET[case])
    assert j.verdict != "destructive" and j.severity not in ("high", "critical"), (
        case, [(r.rule, r.title) for r in j.reasons])


def test_a_sibling_module_used_through_findbin_is_followed_to_its_effect():
    text = ("#!/usr/bin/perl\nuse strict;\nuse FindBin;\nuse lib \"$FindBin::Bin/../lib\";\n"
            "use EMS::Wipe;\nEMS::Wipe::wipe('/srv/ems/linedata');\n")
    module = ("package EMS::Wipe;\nuse strict;\nuse File::Path qw(rmtree);\n"
              "sub wipe { my ($dir) = @_; rmtree($dir); }\n1;\n")
    j = _judge(text, {"opt/ems/lib/EMS/Wipe.pm": module})
    r = next(r for r in j.reasons if r.rule == "lg.host.rm-linedata")
    assert (r.path, r.line) == ("opt/ems/lib/EMS/Wipe.pm", 4)
    assert "delete-tree /srv/ems/linedata" in r.title and j.verdict == "destructive"


def test_a_walked_table_keyed_loop_sets_every_row():
    text = ("#!/usr/bin/perl\nuse Net::SNMP;\n"
            "my ($w) = Net::SNMP->session(-hostname => 'atm1', -community => 'private');\n"
            "my $table = $w->get_table(-baseoid => '1.3.6.1.2.1.37.1.7.1.13') || {};\n"
            "foreach my $oid (keys %$table) {\n"
            "    $w->set_request(-varbindlist => [$oid, INTEGER, 6]);\n}\n")
    sets = [e for e in _effects(text) if e.kind == "snmp-set"]
    assert [(e.obj, render(e.index), e.value, e.reach) for e in sets] == [
        ("atmVclRowStatus", "<each row walked from atmVclRowStatus on atm1>", "destroy(6)", "all")]


def test_a_program_the_grammar_cannot_parse_is_reported_unparsed_not_benign():
    text = "#!/usr/bin/perl\nmy $d = \"/srv/ems/linedata\";\nsub { { ( \nsystem \"rm -rf $d\" ->\n"
    j = _judge(text)
    assert [r.rule for r in j.reasons] == ["lg.host.unparsed"], [r.title for r in j.reasons]
    assert j.verdict == "suspicious" and "perl (with syntax errors)" in j.reasons[0].title


def test_a_parse_error_away_from_any_effect_is_not_reported():
    j = _judge("#!/usr/bin/perl\nmy %h = (a => 1;\nprint \"report done\\n\";\n")
    assert (j.verdict, [r.rule for r in j.reasons]) == ("benign", [])


def test_a_script_ending_inside_a_here_document_is_read_not_hung():
    """tree-sitter-perl 2.0.3 loops forever on an interpolating here-document whose last line
    runs into the end of the text after a `$`, `@` or backslash; the reader must return."""
    text = '#!/usr/bin/perl\nmy $d = "/srv/ems/linedata";\nprint <<EOT;\n"$d\\n'
    code = ("import sys\nfrom lineguard.collector.analyse.effects.judge import effects_of\n"
            "from tests.test_effects_perl import _files, _job\n"
            "files = _files(sys.stdin.read())\n"
            "print(len(effects_of(_job(files), files)[0]))\n")
    done = subprocess.run([sys.executable, "-c", code], input=text, capture_output=True,
                          text=True, timeout=600, cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0 and done.stdout.strip() == "0", done.stderr
