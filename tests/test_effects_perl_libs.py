"""The device and data libraries a Perl job uses, read through their real API surface
(collector/analyse/effects/perl_libs.py): each library's ways of naming the device and carrying
the commands or SNMP variables end in the resolved effect, judged through the real engine; each
has a read-only look-alike built the same way that stays quiet. Host side: File::Find deletions
over a tree and files opened for writing and left empty."""

from __future__ import annotations

import pytest

from lineguard.collector.analyse.effects.model import render
from tests.test_effects_perl import _effects, _judge

HEAD = "#!/usr/bin/perl\nuse strict;\nuse warnings;\n"

# Each: the program, the rule that must fire, and the resolved effect its reason must show.
DESTRUCTIVE = {
    "openssh-capture-stdin-heredoc": (
        "use Net::OpenSSH;\nmy $ssh = Net::OpenSSH->new('oper@atm-kobe-01');\n"
        "my $out = $ssh->capture({stdin_data => <<'CFG', tty => 1});\n"
        "configure terminal\ninterface ATM0/1\nno pvc 0/32\nend\nCFG\n",
        "lg.ios.no-pvc", "sends to atm-kobe-01 (ios): configure terminal; interface ATM0/1; no pvc 0/32"),
    "openssh-system-stdin-array-and-a-command": (
        "use Net::OpenSSH;\nmy @cfg = (\"edit interfaces\\n\", \"delete at-0/0/0\\n\", \"commit\\n\");\n"
        "my $ssh = Net::OpenSSH->new('atm-osaka-02', user => 'oper');\n"
        "$ssh->system({stdin_data => \\@cfg}, 'configure');\n",
        "lg.junos.delete-interfaces", "delete interfaces at-0/0/0"),
    "openssh-pipe-in-handle": (
        "use Net::OpenSSH;\nmy $ssh = Net::OpenSSH->new('atm3');\n"
        "my ($in, $pid) = $ssh->pipe_in('configure terminal');\n"
        "print $in \"interface ATM0/2\\n\";\nprint $in \"no pvc 0/40\\n\";\nclose $in;\n",
        "lg.ios.no-pvc", "sends to atm3 (ios): no pvc 0/40"),
    "openssh-stdin-file": (
        "use Net::OpenSSH;\nmy $ssh = Net::OpenSSH->new('atm4');\n"
        "$ssh->system({stdin_file => '/opt/ems/etc/retire.cfg'});\n",
        "lg.ios.no-pvc", "sends to atm4 (ios): configure terminal; interface ATM0/3; no pvc 0/50"),
    "ssh-perl-cmd-with-stdin": (
        "use Net::SSH::Perl;\nmy $ssh = Net::SSH::Perl->new('atm5', protocol => 2);\n"
        "$ssh->login('oper', $ENV{PW});\n"
        "my ($o, $e, $x) = $ssh->cmd('configure', join(\"\\n\", 'delete interfaces at-1/0/0', 'commit'));\n",
        "lg.junos.delete-interfaces", "sends to atm5 (junos): configure; delete interfaces at-1/0/0"),
    "telnet-cisco-named-string": (
        "use Net::Telnet::Cisco;\nmy $s = Net::Telnet::Cisco->new(Host => 'atm6');\n"
        "$s->login('oper', $ENV{PW});\n$s->enable($ENV{EN});\n"
        "$s->cmd(Timeout => 30, String => 'write erase');\n",
        "lg.ios.erase-config", "sends to atm6 (ios): write erase"),
    "appliance-session-configure-mode": (
        "use Net::Appliance::Session;\n"
        "my $s = Net::Appliance::Session->new({personality => 'ios', transport => 'SSH', host => 'atm7'});\n"
        "$s->connect({username => 'oper', password => $ENV{PW}});\n$s->begin_privileged;\n"
        "$s->begin_configure;\n$s->cmd('interface ATM0/1');\n$s->cmd('no pvc 0/33');\n$s->end_configure;\n",
        "lg.ios.no-pvc", "sends to atm7 (ios): no pvc 0/33"),
    "control-cli-connect-names-the-device": (
        "use Control::CLI;\nmy $cli = new Control::CLI('SSH');\n"
        "$cli->connect(Host => 'atm8', Username => 'oper', Password => $ENV{PW});\n"
        "$cli->cmd(Command => 'erase startup-config');\n",
        "lg.ios.erase-config", "sends to atm8 (ios): erase startup-config"),
    "expect-send-slow-to-a-telnet-port": (
        "use Expect;\nmy $e = Expect->new;\n$e->spawn('telnet', 'tl1gw', 3083) or die;\n"
        "$e->send_slow(0.05, \"DLT-CRS-VC:NODE7:VC-4-12-8-200,VC-5-13-8-200:612;\\r\");\n",
        "lg.tl1.dlt-crs", "sends to tl1gw (tl1): DLT-CRS-VC:NODE7:VC-4-12-8-200,VC-5-13-8-200:612;"),
    "expect-sends-over-a-range": (
        "use Expect;\nmy $e = new Expect;\n$e->spawn('ssh', '-o', 'BatchMode=yes', 'oper@atm31');\n"
        "$e->send(\"conf t\\r\");\n$e->send(\"no pvc 0/$_\\r\") for 32..34;\n",
        "lg.ios.no-pvc", "sends to atm31 (ios): no pvc 0/32; no pvc 0/33; no pvc 0/34"),
    "expect-class-in-a-variable-sends-in-a-loop": (
        "my $class = 'Expect';\nmy @lines = ('configure', 'edit interfaces', 'delete at-2/0/0', 'commit');\n"
        "foreach my $h (qw(atm9 atm10)) {\n    my $e = $class->spawn(\"ssh -l oper $h\");\n"
        "    $e->send(\"$_\\r\") for @lines;\n}\n",
        "lg.junos.delete-interfaces", "delete interfaces at-2/0/0"),
    "net-ssh-function": (
        "use Net::SSH qw(ssh_cmd);\nssh_cmd({user => 'oper', host => 'atm11', command => 'configure',"
        " stdin_string => \"delete interfaces at-0/1/0\\ncommit\\n\"});\n",
        "lg.junos.delete-interfaces", "sends to atm11 (junos)"),
    "netconf-edit-config-replace": (
        "use Net::Netconf::Manager;\n"
        "my $jnx = new Net::Netconf::Manager(access => 'ssh', login => 'oper', hostname => 'atm12');\n"
        "$jnx->lock_config(target => 'candidate');\n"
        "$jnx->edit_config(target => 'candidate', 'default-operation' => 'replace',"
        " config => '<configuration/>');\n$jnx->commit();\n",
        "lg.junos.load-override", "sends to atm12 (junos): load override"),
    "snmp-session-indirect-new-and-varlist": (
        "use SNMP;\nmy $s = new SNMP::Session(DestHost => 'atm13', Community => 'private', Version => 2);\n"
        "my $vl = new SNMP::VarList(['atmVclRowStatus', '1.0.32', 'destroy', 'INTEGER'],"
        " ['atmVclRowStatus', '1.0.33', 6, 'INTEGER']);\n$s->set($vl);\n",
        "lg.snmp.atm-rowstatus-destroy", "SNMP SET atmVclRowStatus.1.0.32 = destroy(6) on atm13"),
    "snmp-session-gettable-rows": (
        "use SNMP;\nmy $s = SNMP::Session->new(DestHost => 'atm14', Community => 'private');\n"
        "my $t = $s->gettable('atmVcCrossConnectTable');\n"
        "foreach my $row (keys %$t) {\n"
        "    $s->set([['atmVcCrossConnectRowStatus', $row, 6, 'INTEGER']]);\n}\n",
        "lg.snmp.atm-rowstatus-destroy",
        "SNMP SET atmVcCrossConnectRowStatus.<each row walked from atmVcCrossConnectTable on atm14> = destroy(6)"),
    "snmp-session-bulkwalk": (
        "use SNMP;\nmy $s = SNMP::Session->new(DestHost => 'atm15', Community => 'private', Version => '2c');\n"
        "my ($res) = $s->bulkwalk(0, 25, SNMP::VarList->new(['atmVclRowStatus']));\n"
        "for my $vb (@$res) { $s->set(SNMP::Varbind->new([$vb->tag, $vb->iid, 6, 'INTEGER'])) }\n",
        "lg.snmp.atm-rowstatus-destroy",
        "SNMP SET atmVclRowStatus.<each row walked from atmVclRowStatus on atm15> = destroy(6)"),
    "snmp-util-mapped-name-and-maptable": (
        "use SNMP_util;\nsnmpmapOID('vclRow', '1.3.6.1.2.1.37.1.7.1.13');\n"
        "sub kill_row { my ($idx) = @_; snmpset('private@atm16:161:2:1', \"vclRow.$idx\", 'int', 6); }\n"
        "snmpmaptable('public@atm16', \\&kill_row, 'vclRow');\n",
        "lg.snmp.atm-rowstatus-destroy",
        "SNMP SET atmVclRowStatus.<each row walked from atmVclRowStatus on atm16> = destroy(6)"),
    "snmp-session-open-set-request-response": (
        "use SNMP_Session;\nuse BER;\nmy $s = SNMP_Session->open('atm17', 'private', 161);\n"
        "$s->set_request_response([encode_oid(1,3,6,1,2,1,37,1,7,1,13,1,0,32), encode_int(6)]);\n",
        "lg.snmp.atm-rowstatus-destroy", "SNMP SET atmVclRowStatus.1.0.32 = destroy(6) on atm17"),
    "file-find-unlink": (
        "use File::Find;\nfind(sub { unlink $_ if -f $_ }, '/srv/ems/linedata');\n",
        "lg.host.rm-linedata", "delete-tree /srv/ems/linedata"),
    "finddepth-named-wanted": (
        "use File::Find;\nmy @dirs = ('/var/opt/nms/xconnect');\n"
        "sub wanted { -d $_ ? rmdir $_ : unlink $File::Find::name }\n"
        "finddepth({ wanted => \\&wanted, no_chdir => 1 }, @dirs);\n",
        "lg.host.rm-linedata", "delete-tree /var/opt/nms/xconnect"),
    "commands-read-line-by-line-from-a-file": (
        "use Net::Telnet;\nmy $t = Net::Telnet->new(Host => 'atm18');\n"
        "open(my $c, '<', '/opt/ems/etc/retire.cfg') or die;\n"
        "while (my $l = <$c>) { chomp $l; $t->cmd($l); }\nclose $c;\n",
        "lg.ios.no-pvc", "sends to atm18 (ios): configure terminal; interface ATM0/3; no pvc 0/50"),
    "config-slurped-and-sent-as-input": (
        "use Net::OpenSSH;\n"
        "my $cfg = do { local $/; open my $f, '<', '/opt/ems/etc/retire.cfg' or die; <$f> };\n"
        "Net::OpenSSH->new('atm19')->capture({stdin_data => $cfg});\n",
        "lg.ios.no-pvc", "sends to atm19 (ios): configure terminal; interface ATM0/3; no pvc 0/50"),
    "path-tiny-remove-tree": (
        "use Path::Tiny;\nmy $d = path('/var/opt/nms/xconnect');\n$d->remove_tree({safe => 0});\n",
        "lg.host.rm-linedata", "delete-tree /var/opt/nms/xconnect"),
    "open-for-writing-and-closed-empty": (
        "my $db = '/srv/ems/linedata/pvc.csv';\nopen(my $fh, '>', $db) or die \"$db: $!\";\nclose $fh;\n",
        "lg.host.rm-linedata", "truncate /srv/ems/linedata/pvc.csv"),
    "bareword-handle-two-argument-open": (
        "my $t = '/var/lib/ems/inventory.db';\nopen FH, \">$t\";\nclose(FH);\n",
        "lg.host.rm-database", "truncate /var/lib/ems/inventory.db"),
}


@pytest.mark.parametrize("case", DESTRUCTIVE, ids=list(DESTRUCTIVE))
def test_a_library_call_resolves_to_the_destructive_effect(case):
    text, rule, shown = DESTRUCTIVE[case]
    extra = {"opt/ems/etc/retire.cfg": "configure terminal\ninterface ATM0/3\nno pvc 0/50\nend\n"}
    j = _judge(HEAD + text, extra)
    r = next((r for r in j.reasons if r.rule == rule), None)
    assert r is not None, (case, [(x.rule, x.title) for x in j.reasons])
    assert shown in r.title, (case, r.title)
    assert j.verdict == "destructive", case


QUIET = {
    "openssh-show-running-config": (
        "use Net::OpenSSH;\nmy $ssh = Net::OpenSSH->new('oper@atm-kobe-01');\n"
        "my $cfg = $ssh->capture({stdin_data => \"terminal length 0\\nshow running-config\\n\"});\n"
        "open(my $out, '>', '/var/backups/ems/atm-kobe-01.cfg') or die;\nprint $out $cfg;\nclose $out;\n"),
    "ssh-perl-show": (
        "use Net::SSH::Perl;\nmy $ssh = Net::SSH::Perl->new('atm5');\n$ssh->login('oper');\n"
        "my ($o) = $ssh->cmd('show configuration interfaces | display set');\n"),
    "appliance-session-privileged-show": (
        "use Net::Appliance::Session;\n"
        "my $s = Net::Appliance::Session->new({personality => 'ios', transport => 'SSH', host => 'atm7'});\n"
        "$s->connect({username => 'oper', password => $ENV{PW}});\n$s->begin_privileged;\n"
        "print $s->cmd('show atm pvc');\n$s->end_privileged;\n$s->close;\n"),
    "expect-show": (
        "use Expect;\nmy $e = Expect->spawn('ssh', 'oper@atm9') or die;\n$e->expect(10, '>');\n"
        "$e->send(\"show interfaces terse\\r\");\n$e->soft_close;\n"),
    "snmp-session-get-and-getnext-walk": (
        "use SNMP;\nmy $s = new SNMP::Session(DestHost => 'atm13', Community => 'public');\n"
        "my $vb = SNMP::Varbind->new(['atmVclOperStatus']);\n"
        "for ($s->getnext($vb); $vb->tag eq 'atmVclOperStatus'; $s->getnext($vb)) {\n"
        "    print join(' ', $vb->iid, $vb->val), \"\\n\";\n}\n"
        "my $descr = $s->get('sysDescr.0');\n"),
    "snmp-util-walk-only": (
        "use SNMP_util;\nforeach my $row (snmpwalk('public@atm16', '1.3.6.1.2.1.37.1.7.1.13')) {\n"
        "    my ($idx, $st) = split /:/, $row, 2;\n    print \"$idx $st\\n\";\n}\n"),
    "snmp-util-benign-set": (
        "use SNMP_util;\nsnmpset('private@atm16', '1.3.6.1.2.1.1.6.0', 'string', 'Kobe rack 4');\n"),
    "file-find-prints-and-stats": (
        "use File::Find;\nmy $total = 0;\n"
        "find(sub { return unless -f $_; $total += -s _; print \"$File::Find::name\\n\" }, '/srv/ems/linedata');\n"
        "print \"$total\\n\";\n"),
    "file-find-old-logs": (
        "use File::Find;\nfind(sub { unlink $_ if /\\.log$/ && -M $_ > 30 }, '/var/log/ems');\n"),
    "open-for-reading-and-appending-a-log": (
        "open(my $in, '<', '/srv/ems/linedata/pvc.csv') or die;\nmy @rows = <$in>;\nclose $in;\n"
        "open(my $log, '>>', '/srv/ems/linedata/audit.log') or die;\nprint $log scalar(@rows), \"\\n\";\n"
        "close $log;\n"),
    "commands-file-of-show-commands": (
        "use Net::Telnet;\nmy $t = Net::Telnet->new(Host => 'atm18');\n"
        "open(my $c, '<', '/opt/ems/etc/show.cfg') or die;\n"
        "while (my $l = <$c>) { chomp $l; print $t->cmd($l); }\n"
        "my @hosts = map { (split)[0] } do { open my $h, '<', '/opt/ems/etc/ne.list'; <$h> };\n"),
    "path-tiny-slurp-and-remove-a-tmp-file": (
        "use Path::Tiny;\nmy $cfg = path('/opt/ems/etc/show.cfg')->slurp;\n"
        "path('/tmp/ems-export.csv')->remove;\n"),
    "open-for-writing-a-report": (
        "open(my $fh, '>', '/srv/ems/reports/daily.csv') or die;\nprint {$fh} \"date,count\\n\";\n"
        "close $fh;\n"),
}


@pytest.mark.parametrize("case", QUIET, ids=list(QUIET))
def test_the_same_library_doing_routine_work_stays_quiet(case):
    j = _judge(HEAD + QUIET[case], {"opt/ems/etc/show.cfg": "show atm pvc\nshow running-config\n",
                                     "opt/ems/etc/ne.list": "atm1 kobe\natm2 osaka\n"})
    assert j.verdict != "destructive" and j.severity not in ("high", "critical"), (
        case, [(r.rule, r.title) for r in j.reasons])


def test_a_session_reads_each_command_after_the_ones_it_sent_before():
    text = (HEAD + "use Net::Telnet;\nmy $t = Net::Telnet->new(Host => 'atm1');\n"
            "$t->print('configure');\n$t->print('edit interfaces at-0/0/0');\n"
            "$t->print('delete unit 100');\n")
    sent = [e for e in _effects(text) if e.kind == "device-command"]
    assert [(e.platform, e.lines) for e in sent][-1] == (
        "junos", ("delete interfaces at-0/0/0 unit 100",))


def test_file_find_with_an_age_test_is_a_bounded_deletion_of_the_tree():
    text = HEAD + "use File::Find;\nfind(sub { unlink $_ if -M $_ > 90 }, '/srv/app/data');\n"
    [e] = [e for e in _effects(text) if e.kind == "data-destruction"]
    assert (e.how, render(e.target), e.bounded) == ("delete-tree", "/srv/app/data", True)


def test_a_file_find_walk_handed_to_rm_is_the_tree_with_its_bound():
    text = (HEAD + "use File::Find;\n"
            "find(sub { system('rm', '-f', $File::Find::name) if -M $_ > 7 }, '/srv/app/spool');\n"
            "find({ wanted => sub { system(\"rm -f $File::Find::name\") }, no_chdir => 1 },"
            " '/srv/ems/linedata');\n")
    got = [(e.how, render(e.target), e.bounded) for e in _effects(text)
           if e.kind == "data-destruction"]
    assert got == [("delete-tree", "/srv/app/spool", True),
                   ("delete-tree", "/srv/ems/linedata", False)]
