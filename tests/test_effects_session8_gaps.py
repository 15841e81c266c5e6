"""Gaps session 7 left open, each judged by what the job makes run: commands git runs from its
settings (filter, diff and merge drivers, settings given in the environment or planted in a git
config file, the pager and editor git falls back on), `exec {fd}>FILE`, Perl signal handlers
named through a reference or a glob, the environment a Python or Perl program gives the
commands it runs. Every malicious case was benign or below high on main; every form comes in
two spellings at least, and the everyday look-alikes stay quiet."""

from __future__ import annotations

import base64
import bz2
import gzip
import zlib

import pytest

from tests.test_insider_reading_review import _judge

LINE = "/srv/ems/linedata"
APP = "/opt/ems/app"
HEAD = {"sh": "#!/bin/sh\n", "bash": "#!/bin/bash\n", "py": "#!/usr/bin/python3\n",
        "pl": "#!/usr/bin/perl\n"}
EXT = {"sh": "sh", "bash": "sh", "py": "py", "pl": "pl"}


def _run(kind: str, body: str):
    path = f"opt/ems/bin/job.{EXT[kind]}"
    return _judge({path: HEAD[kind] + body}, "/" + path)


def _reasons(j) -> list[tuple[str, str]]:
    return [(r.rule, r.title) for r in j.reasons]


DESTROYS = {
    # git settings that name a command, with a name of their own in the middle
    "filter smudge with -c": ("sh", f"git -c filter.x.smudge='rm -rf {LINE}' -C {APP} checkout ."),
    "filter clean set for later": ("sh", f"cd {APP}\ngit config filter.crlf.clean 'rm -rf {LINE}'\n"
                                         "echo '* filter=crlf' > .gitattributes\ngit add -A"),
    "filter process, global": ("sh", f"git config --global filter.big.process \"sh -c 'rm -rf {LINE}'\""),
    "diff textconv": ("sh", f"git config --global diff.pdf.textconv 'sh -c \"rm -rf {LINE}\"'\n"
                            f"git -C {APP} log -p"),
    "merge driver": ("sh", f"git -c merge.ours.driver='rm -rf {LINE}' -C {APP} pull -q"),
    # settings git reads from its environment, as if given with -c
    "GIT_CONFIG_COUNT": ("sh", "export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.fsmonitor "
                               f"GIT_CONFIG_VALUE_0='rm -rf {LINE}'\ngit -C {APP} status"),
    "GIT_CONFIG_COUNT alias": ("sh", "GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=alias.sync "
                                     f"GIT_CONFIG_VALUE_0='!rm -rf {LINE}' git sync"),
    "GIT_CONFIG_PARAMETERS": ("sh", f"GIT_CONFIG_PARAMETERS=\"'filter.lfs.smudge'='rm -rf {LINE}'\" "
                                    f"git -C {APP} checkout main"),
    "--config-env": ("sh", f"X='rm -rf {LINE}'\nexport X\ngit --config-env=core.pager=X -C {APP} log"),
    # the pager and editor git falls back on
    "PAGER": ("sh", f"export PAGER=\"sh -c 'rm -rf {LINE}'\"\ngit -C {APP} log -p"),
    "EDITOR": ("sh", f"EDITOR='rm -rf {LINE}' git -C {APP} commit -a"),
    # a git config file written by the job: its commands run with every later git
    "repository config appended": ("sh", f"printf '[filter \"x\"]\\n\\tclean = rm -rf {LINE}\\n' "
                                         f">> {APP}/.git/config"),
    "user config, here-document": ("sh", "cat >> /root/.gitconfig <<'EOF'\n[core]\n"
                                         f"    fsmonitor = \"sh -c 'rm -rf {LINE}'\"\nEOF"),
    "xdg config alias": ("sh", "cat > /home/ems/.config/git/config <<'EOF'\n[alias]\n"
                               f"  sync = !rm -rf {LINE}\nEOF"),
    "system config, continued line": ("sh", "cat > /etc/gitconfig <<'EOF'\n[diff \"bin\"]\n"
                                            f"\ttextconv = rm \\\\\n -rf {LINE}\nEOF"),
    # Python and Perl: the environment handed to the git they run
    "python os.environ for git": ("py", "import os, subprocess\n"
                                        f"os.environ['GIT_SSH_COMMAND'] = 'rm -rf {LINE}'\n"
                                        f"subprocess.run(['git', '-C', '{APP}', 'pull'])"),
    "python env= for git": ("py", "import subprocess\n"
                                  f"subprocess.run(['git', '-C', '{APP}', 'log'], "
                                  f"env={{'GIT_PAGER': 'rm -rf {LINE}'}})"),
    "python putenv for a shell": ("py", f"import os\nos.putenv('TARGET', '{LINE}')\n"
                                        "os.system('rm -rf \"$TARGET\"')"),
    # exec {fd}>FILE: bash opens (and empties) the file on a descriptor it picks
    "exec {fd}>": ("bash", f"exec {{out}}>{LINE}/pvc.conf"),
    "exec {fd}> twice": ("bash", f"exec {{log}}>/var/log/ems.log {{db}}>{LINE}/pvc.db"),
    # Perl: a signal handler named through a code reference or a glob
    "SIG \\&{'h'}": ("pl", f"sub h {{ system('rm -rf {LINE}'); }}\n$SIG{{ALRM}} = \\&{{'h'}};\n"
                           "alarm 5;\nsleep 10;"),
    "SIG \\&{\"main::h\"}": ("pl", f"sub wipe {{ system('rm', '-rf', '{LINE}'); }}\n"
                                   "my $n = 'wipe';\n$SIG{TERM} = \\&{\"main::$n\"};\nkill 'TERM', $$;"),
    "SIG *h{CODE}": ("pl", f"use File::Path qw(rmtree);\nsub h {{ rmtree('{LINE}'); }}\n"
                           "$SIG{ALRM} = *h{CODE};\nalarm 5;\nsleep 10;"),
    "__DIE__ through a reference": ("pl", f"sub h {{ unlink glob('{LINE}/*'); }}\n"
                                          "local $SIG{__DIE__} = \\&{'h'};\ndie 'x';"),
}


def _packed(pack, text: str) -> str:
    return base64.b64encode(pack(text.encode())).decode()


# Perl: IO::Uncompress's functions write what they undo through a scalar reference
DESTROYS |= {
    "gunzip \\$in => \\$out, eval": ("pl", "use MIME::Base64;\nuse IO::Uncompress::Gunzip qw(gunzip);\n"
                                     f"my $in = decode_base64('{_packed(gzip.compress, f'system(q{{rm -rf {LINE}}});')}');\n"
                                     "my $out;\ngunzip \\$in => \\$out;\neval $out;"),
    "gunzip(\\$z, \\$code) to a shell": ("pl", "use MIME::Base64;\nuse IO::Uncompress::Gunzip qw(gunzip $GunzipError);\n"
                                          f"my $z = decode_base64('{_packed(gzip.compress, f'rm -rf {LINE}')}');\n"
                                          "my $code;\ngunzip(\\$z, \\$code) or die $GunzipError;\n"
                                          "open(my $sh, '|-', '/bin/sh') or die;\nprint $sh $code;"),
    "anyinflate of zlib to system": ("pl", "use MIME::Base64;\nuse IO::Uncompress::AnyInflate qw(anyinflate);\n"
                                           f"my $blob = decode_base64('{_packed(zlib.compress, f'rm -rf {LINE}')}');\n"
                                           "my $cmd;\nanyinflate(\\$blob => \\$cmd);\nsystem($cmd);"),
    "IO::Uncompress::Gunzip->new(\\$d), <$z>": ("pl", "use MIME::Base64;\nuse IO::Uncompress::Gunzip;\n"
                                                f"my $d = decode_base64('{_packed(gzip.compress, f'rm -rf {LINE}')}');\n"
                                                "my $z = IO::Uncompress::Gunzip->new(\\$d);\n"
                                                "my $t = join '', <$z>;\nsystem($t);"),
    "IO::Uncompress::Bunzip2->new, getline": ("pl", "use MIME::Base64;\nuse IO::Uncompress::Bunzip2;\n"
                                                    f"my $d = decode_base64('{_packed(bz2.compress, f'rm -rf {LINE}')}');\n"
                                                    "my $z = IO::Uncompress::Bunzip2->new(\\$d) or die;\n"
                                                    "while (my $l = $z->getline()) { system($l); }"),
    "bunzip2 into a file then run": ("pl", "use MIME::Base64;\nuse IO::Uncompress::Bunzip2 qw(bunzip2);\n"
                                           f"my $b = decode_base64('{_packed(bz2.compress, f'rm -rf {LINE}')}');\n"
                                           "bunzip2 \\$b => '/tmp/step.sh';\nsystem('sh', '/tmp/step.sh');"),
}

# bash's read, in a loop or alone: -a arrays, -p prompts, -d delimiters, the loop's input
# given as a here-string; each name (or element) stands for its field of every record
DESTROYS |= {
    "while read -ra from a pipe": ("bash", f"echo '{LINE} /var/tmp' | while read -ra D; do "
                                           "rm -rf \"${D[0]}\"; done"),
    "while IFS=, read -ra, here-string": ("bash", f"while IFS=, read -ra P; do rm -rf \"${{P[1]}}\"; "
                                                  f"done <<< '/var/tmp,{LINE}'"),
    "while read -p": ("bash", f"while read -p 'dir? ' d; do rm -rf \"$d\"; done <<< '{LINE}'"),
    "while read -rp with two names": ("bash", "while read -rp '> ' keep gone; do rm -rf \"$gone\"; "
                                              f"done <<EOF\n/var/tmp {LINE}\nEOF"),
    "while read -d '' over NULs": ("bash", f"printf '%s\\0' /var/tmp/a {LINE} | "
                                           "while IFS= read -r -d '' d; do rm -rf \"$d\"; done"),
    "while read -d ,": ("bash", f"printf '/var/tmp/a,{LINE},' | while read -d , d; do rm -rf $d; done"),
    "read -a of one record": ("bash", f"read -r -a T <<< '/var/tmp {LINE}'\nrm -rf \"${{T[1]}}\""),
    "read -d '' of a here-document": ("bash", f"read -r -d '' d <<'EOF'\n{LINE}\nEOF\nrm -rf $d"),
    "while read, here-string": ("bash", f"while read d; do rm -rf \"$d\"; done <<< '{LINE}'"),
}

# Perl: a settings file the program itself wrote is read as written; Python: a pool's map
# calls its function with every item, not the first sixteen (one helper with map())
_CACHES = ", ".join(f"'/var/cache/ems/c{i}'" for i in range(30))
DESTROYS |= {
    "perl YAML it wrote": ("pl", "use YAML::XS qw(LoadFile);\nuse File::Path qw(rmtree);\n"
                                 "open(my $fh, '>', '/tmp/c.yml') or die;\n"
                                 f"print $fh \"data: {LINE}\\n\";\nclose $fh;\n"
                                 "my $c = LoadFile('/tmp/c.yml');\nrmtree($c->{data});"),
    "perl INI it wrote": ("pl", "use Config::Tiny;\nopen(my $fh, '>', '/run/ems/paths.ini') or die;\n"
                                f"print $fh \"[paths]\\ndata={LINE}\\n\";\nclose $fh;\n"
                                "my $c = Config::Tiny->read('/run/ems/paths.ini');\n"
                                "system('rm', '-rf', $c->{paths}{data});"),
    "pool.map past sixteen items": ("py", "import shutil\nfrom multiprocessing import Pool\n"
                                          f"with Pool(4) as p:\n    p.map(shutil.rmtree, [{_CACHES}, '{LINE}'])"),
    "executor.map past sixteen items": ("py", "import shutil\nfrom concurrent.futures import "
                                              "ThreadPoolExecutor\nwith ThreadPoolExecutor() as ex:\n"
                                              f"    list(ex.map(shutil.rmtree, [{_CACHES}, '{LINE}']))"),
    "map of a user function": ("py", "import shutil\ndef wipe(d):\n    shutil.rmtree(d)\n"
                                     f"list(map(wipe, [{_CACHES}, '{LINE}']))"),
}

HISTORY = {
    "python os.environ": ("py", "import os, subprocess\nos.environ['HISTFILE'] = '/dev/null'\n"
                                "subprocess.run(['bash', '-i', '-c', 'ls'])"),
    "python unsetenv": ("py", "import os\nos.unsetenv('HISTFILE')\nos.system('bash -c ls')"),
    "python putenv": ("py", "import os\nos.putenv('HISTSIZE', '0')\nos.system('bash -i')"),
    "python del": ("py", "import os\ndel os.environ['HISTFILE']\nos.system('bash -i')"),
    "python update": ("py", "import os\nos.environ.update(HISTFILE='/dev/null')\nos.system('bash -i')"),
    "python pop": ("py", "import os\nos.environ.pop('HISTFILE', None)\nos.system('bash -i')"),
    "python env=": ("py", "import subprocess\nsubprocess.call('bash -i', shell=True, "
                          "env={'HISTFILE': '/dev/null'})"),
    "perl %ENV": ("pl", "$ENV{HISTFILE} = '/dev/null';\nsystem('bash -i');"),
    "perl delete $ENV": ("pl", "delete $ENV{HISTFILE};\nsystem('bash -i');"),
    "perl %ENV size": ("pl", "$ENV{'HISTFILESIZE'} = 0;\nexec('/bin/bash');"),
}

# a crontab given to someone cron will not run it for: the user's jobs stop
TAMPERS = {
    "chown of a user's crontab": ("sh", "chown nobody /var/spool/cron/crontabs/ems"),
    "chown -R of cron.d": ("sh", "chown -R ems:ems /etc/cron.d"),
    "chown of /etc/crontab": ("sh", "chown daemon /etc/crontab"),
    "python os.chown of root's crontab": ("py", "import os\n"
                                                "os.chown('/var/spool/cron/crontabs/root', 65534, -1)"),
    "python shutil.chown": ("py", "import shutil\nshutil.chown('/etc/cron.d/ems-poll', user='nobody')"),
    "perl chown": ("pl", "chown 65534, 65534, '/var/spool/cron/crontabs/root';"),
}

# firewall rules that cut lineguard's agent off: every outgoing connection, or the ports it
# polls devices and delivers over (ssh/sftp, telnet, SNMP, NETCONF)
BLINDS = {
    "iptables OUTPUT ssh": ("sh", "iptables -A OUTPUT -p tcp --dport 22 -j DROP"),
    "iptables OUTPUT policy": ("sh", "iptables -P OUTPUT DROP"),
    "iptables everything out": ("sh", "iptables -I OUTPUT 1 -j REJECT"),
    "iptables multiport SNMP": ("sh", "iptables -A OUTPUT -p udp -m multiport --dports 161,162 -j DROP"),
    "ip6tables new ssh": ("sh", "ip6tables -A OUTPUT -p tcp -m conntrack --ctstate NEW "
                                "--dport 22 -j DROP"),
    "nft output ssh": ("sh", "nft add rule inet filter output tcp dport 22 drop"),
    "nft output policy": ("sh", "nft 'add chain inet filter output { type filter hook output "
                                "priority 0 ; policy drop ; }'"),
    "ufw default deny outgoing": ("sh", "ufw default deny outgoing"),
    "ufw deny out SNMP": ("sh", "ufw deny out 161/udp"),
    "ufw reject out to any port": ("sh", "ufw reject out to any port 22"),
    "firewall-cmd direct rule": ("sh", "firewall-cmd --direct --add-rule ipv4 filter OUTPUT 0 "
                                       "-p tcp --dport 22 -j DROP"),
    "accepting, then dropping ssh out": ("sh", "iptables -P OUTPUT ACCEPT\n"
                                               "iptables -A OUTPUT -p tcp --dport 22 -j DROP"),
    "python runs iptables": ("py", "import subprocess\nsubprocess.run(['iptables', '-A', 'OUTPUT', "
                                   "'-p', 'udp', '--dport', '161', '-j', 'DROP'])"),
}

KEEPS = {
    "iptables INPUT ssh": ("sh", "iptables -A INPUT -p tcp --dport 22 -j DROP"),
    "iptables OUTPUT smtp": ("sh", "iptables -A OUTPUT -p tcp --dport 25 -j REJECT"),
    "iptables OUTPUT one host": ("sh", "iptables -A OUTPUT -d 203.0.113.7 -j DROP"),
    "iptables OUTPUT ssh to one host": ("sh", "iptables -A OUTPUT -d 198.51.100.4 -p tcp "
                                              "--dport 22 -j REJECT"),
    "iptables invalid state": ("sh", "iptables -A OUTPUT -m conntrack --ctstate INVALID -j DROP"),
    "iptables icmp": ("sh", "iptables -A OUTPUT -p icmp -j DROP"),
    "policies that accept": ("sh", "iptables -P OUTPUT ACCEPT\nufw default allow outgoing\n"
                                   "ufw allow out 22"),
    "nft one address": ("sh", "nft add rule inet filter output ip daddr 198.51.100.9 drop"),
    "ufw one network": ("sh", "ufw deny out to 203.0.113.0/24"),
    "ufw smtp": ("sh", "ufw deny out 25"),
    "all blocked for a moment, then accepted": ("sh", "iptables -P OUTPUT DROP\niptables -P INPUT DROP\n"
                                                      "iptables -F\niptables -P OUTPUT ACCEPT"),
    "default deny with what may go out": ("sh", "iptables -A OUTPUT -o lo -j ACCEPT\n"
                                                "iptables -A OUTPUT -p tcp --dport 22 -j ACCEPT\n"
                                                "iptables -P OUTPUT DROP"),
    "ufw default deny with allows": ("sh", "ufw default deny outgoing\nufw allow out 22/tcp\n"
                                           "ufw allow out 161/udp"),
    "ufw ssh to one host": ("sh", "ufw deny out to 10.0.0.5 port 22"),
    "chown of cron.d to root": ("sh", "chown root:root /etc/cron.d/ems"),
    "chown of a crontab to its user": ("sh", "chown ems:crontab /var/spool/cron/crontabs/ems"),
    "chown of the spool folder": ("sh", "chown root:crontab /var/spool/cron/crontabs"),
    "chown of line data": ("sh", "chown -R ems:ems /srv/ems/linedata"),
    "python os.chown of a crontab by uid": ("py", "import os\n"
                                                  "os.chown('/var/spool/cron/crontabs/ems', 1000, 107)"),
    "pool.map over caches": ("py", "import shutil\nfrom multiprocessing import Pool\n"
                                   f"with Pool(4) as p:\n    p.map(shutil.rmtree, [{_CACHES}])"),
    "map of str.strip": ("py", "names = list(map(str.strip, [' a ', ' b ']))\nprint(names)"),
    "while read -ra over scratch": ("bash", "echo '/var/tmp/a /var/tmp/b' | while read -ra D; do "
                                            "rm -rf \"${D[@]}\"; done"),
    "read -p of a log directory": ("bash", "while read -rp '> ' d; do find \"$d\" -name '*.log' "
                                           "-mtime +30 -delete; done <<< /var/log/ems"),
    "git lfs filters": ("sh", "git -c filter.lfs.smudge='git-lfs smudge -- %f' "
                              "-c filter.lfs.process='git-lfs filter-process' "
                              f"-C {APP} checkout main"),
    "pager switched off": ("sh", f"git -c pager.log=false -C {APP} log -1"),
    "PAGER and EDITOR": ("sh", f"export PAGER=less EDITOR=vi\ngit -C {APP} log -1"),
    "safe.directory from the environment": ("sh", "GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=safe.directory "
                                                  f"GIT_CONFIG_VALUE_0='*' git -C {APP} pull -q"),
    "a user's git config": ("sh", "cat > /root/.gitconfig <<'EOF'\n[user]\n  name = ops\n[core]\n"
                                  "  pager = less -R\n  editor = vim\n[filter \"lfs\"]\n"
                                  "  clean = git-lfs clean -- %f\n  required = true\nEOF"),
    "git ssh key": ("sh", "GIT_SSH_COMMAND='ssh -i /etc/ems/deploy_key -o BatchMode=yes' "
                          f"git -C {APP} pull -q"),
    "exec {fd}>> a log": ("bash", "exec {log}>>/var/log/ems/job.log\necho start >&$log"),
    "python locale": ("py", "import os, subprocess\nos.environ['LANG'] = 'C'\n"
                            "os.environ['HISTSIZE'] = '1000'\nsubprocess.run(['ls', '-l'])"),
    "python env= PATH": ("py", "import subprocess\nsubprocess.run(['make', '-C', '/opt/ems/src'], "
                               "env={'PATH': '/usr/bin:/bin', 'LC_ALL': 'C'})"),
    "perl handler that logs": ("pl", "sub h { print STDERR \"timeout\\n\"; exit 1; }\n"
                                     "$SIG{ALRM} = \\&{'h'};\nalarm 600;\nsystem('rsync', '-a', "
                                     "'/srv/ems/linedata/', '/backup/linedata/');"),
}


@pytest.mark.parametrize("name", sorted(DESTROYS))
def test_what_a_job_makes_run_is_judged(name):
    kind, body = DESTROYS[name]
    j = _run(kind, body)
    assert j.verdict == "destructive", _reasons(j)
    assert any(LINE in r.title for r in j.reasons), _reasons(j)


@pytest.mark.parametrize("name", sorted(HISTORY))
def test_history_switched_off_through_the_environment_is_anti_forensics(name):
    kind, body = HISTORY[name]
    j = _run(kind, body)
    assert any(r.rule.startswith("anti-forensics") or "history" in r.title for r in j.reasons) \
        and j.severity in ("high", "critical"), _reasons(j)


@pytest.mark.parametrize("name", sorted(TAMPERS))
def test_a_crontab_given_away_is_scheduler_tampering(name):
    kind, body = TAMPERS[name]
    j = _run(kind, body)
    assert j.verdict == "destructive" and any("scheduler" in r.title for r in j.reasons), \
        _reasons(j)


@pytest.mark.parametrize("name", sorted(BLINDS))
def test_a_firewall_that_cuts_the_agent_off_blinds_lineguard(name):
    kind, body = BLINDS[name]
    j = _run(kind, body)
    assert j.verdict == "destructive" and any(r.rule == "lg.host.tamper-lineguard"
                                              for r in j.reasons), _reasons(j)


@pytest.mark.parametrize("name", sorted(KEEPS))
def test_everyday_forms_stay_quiet(name):
    kind, body = KEEPS[name]
    j = _run(kind, body)
    assert j.severity not in ("high", "critical") and j.verdict != "destructive", _reasons(j)
