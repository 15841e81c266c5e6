"""Gaps session 8 left open, each shown first on main through the real CLI or the real judge:
the agent did not report where it delivers and what it polls, so a job cutting it off by the
collector's port or address, by a route, by the hosts file, or by editing the agent's own
config (where no path names lineguard) read as benign; a glob that could name line data was
matched as a literal; Perl substr/pack and negative numbers were not followed. Every blinding
form is caught with the agent's setup captured, and its look-alikes (another address, another
port, the collector's own address written into /etc/hosts, reading the config) stay quiet."""

from __future__ import annotations

import contextlib
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest

from lineguard.agent.cli import main as agent
from lineguard.collector.analyse.effects.judge import effects_of, judge
from lineguard.collector.analyse.effects.model import render
from lineguard.collector.cli import main as lineguard
from lineguard.collector.model import CronTrigger, Fire, Job
from lineguard.formats import agentsetup
from lineguard.formats.agentsetup import AgentSetup, Peer
from lineguard.formats.wire import Artifact
from tests.ruleexamples import NOW
from tests.test_insider_reading_review import _judge

LINE = "/srv/ems/linedata"
CONFIG = "/etc/ems-mon/agent.toml"
SETUP = AgentSetup((Peer("collector", "lg-collector.ops.example", ("10.9.9.9",), 8443,
                         "sftp delivery"),
                    Peer("device", "atm-kobe-03", ("10.40.0.10",), 22, "cli polling")),
                   (CONFIG, "/etc/ems-mon/agent.key", "/var/spool/ems-mon/outbox"))


def _judge_sh(body: str, setup: AgentSetup | None = SETUP):
    name = "opt/ems/bin/job.sh"
    files = {name: Artifact.from_bytes(name, "script", ("#!/bin/sh\n" + body).encode())}
    if setup is not None:
        files[agentsetup.ARTIFACT] = Artifact.from_bytes(agentsetup.ARTIFACT, agentsetup.KIND,
                                                         setup.to_json().encode())
    job = Job(target="ems1", source="cron", origin_path="etc/cron.d/x", origin_line=1,
              owner="root", schedule="0 3 * * *", command="/" + name,
              trigger=CronTrigger("0 3 * * *"), files=(name,))
    return judge(job, files, Fire(kind="exact", at=NOW + timedelta(days=1)), NOW)


def _reasons(j) -> list[tuple[str, str]]:
    return [(r.rule, r.title) for r in j.reasons]


# --- 1/2: what the agent talks to, and its own files -------------------------------------------

BLINDS = {
    "iptables DROP of the delivery port": "iptables -I OUTPUT -p tcp --dport 8443 -j DROP",
    "iptables REJECT to the collector": "iptables -A OUTPUT -d 10.9.9.9 -j REJECT",
    "iptables DROP to the devices' network": "iptables -A OUTPUT -d 10.40.0.0/16 -p tcp "
                                             "--dport 22 -j DROP",
    "iptables DROP of the collector's replies": "iptables -A INPUT -s 10.9.9.9 -j DROP",
    "iptables DROP of a port range to the collector": "iptables -A OUTPUT -d 10.9.9.9 -p tcp "
                                                      "--dport 8000:9000 -j DROP",
    "nft drop to the collector": "nft add rule inet filter output ip daddr 10.9.9.9 drop",
    "nft drop of the delivery port": "nft add rule inet filter output tcp dport 8443 drop",
    "ufw deny out to the collector": "ufw deny out to 10.9.9.9",
    "ufw deny out the delivery port": "ufw deny out 8443/tcp",
    "ip route blackhole": "ip route add blackhole 10.9.9.9",
    "ip route unreachable, a network": "ip route add unreachable 10.40.0.0/24",
    "route reject, a host": "route add -host 10.9.9.9 reject",
    "route reject, netmask": "route add -net 10.40.0.0 netmask 255.255.0.0 reject",
    "route into loopback": "ip route add 10.9.9.9/32 via 127.0.0.1",
    "hosts: collector sunk": "echo '127.0.0.1 lg-collector.ops.example' >> /etc/hosts",
    "hosts: device moved": "printf '10.66.6.6\\tatm-kobe-03\\n' >> /etc/hosts",
    "agent config deleted": f"rm -f {CONFIG}",
    "agent config edited": f"sed -i 's/8443/9443/' {CONFIG}",
    "agent config overwritten": f"echo 'deliver = \"/dev/null\"' > {CONFIG}",
    "agent outbox emptied": "rm -rf /var/spool/ems-mon/outbox",
    "agent key made unreadable": "chmod 000 /etc/ems-mon/agent.key",
}
LOOK_ALIKES = {
    "iptables DROP to another address": "iptables -A OUTPUT -d 10.77.0.5 -j DROP",
    "iptables DROP of another port": "iptables -I OUTPUT -p tcp --dport 9000 -j DROP",
    "blackhole of another network": "ip route add blackhole 10.77.0.0/16",
    "route to the collector via a gateway": "ip route add 10.9.9.0/24 via 10.0.0.1",
    "the collector's mail port": "iptables -A OUTPUT -d 10.9.9.9 -p tcp --dport 25 -j DROP",
    "ufw, the collector's mail port": "ufw deny out to 10.9.9.9 port 25",
    "nft, the collector's mail port": "nft add rule inet filter output ip daddr 10.9.9.9 "
                                      "tcp dport 25 drop",
    "hosts: the collector's own address": "echo '10.9.9.9 lg-collector.ops.example' >> "
                                          "/etc/hosts",
    "hosts: another host": "echo '10.1.2.3 build-server' >> /etc/hosts",
    "agent config read": f"grep deliver {CONFIG}",
    "agent config backed up": f"cp {CONFIG} /var/backups/agent.toml.bak",
}


@pytest.mark.parametrize("name", sorted(BLINDS))
def test_cutting_the_agent_off_from_what_it_talks_to_blinds_lineguard(name):
    j = _judge_sh(BLINDS[name])
    assert j.verdict == "destructive" and any(r.rule == "lg.host.tamper-lineguard"
                                              for r in j.reasons), _reasons(j)


@pytest.mark.parametrize("name", sorted(BLINDS))
def test_without_the_agent_setup_nothing_names_what_it_talks_to(name):
    """The gap as it was: the same commands, with no setup captured, name nothing of
    lineguard's (only a rule naming lineguard, or its well-known ports, is read as blinding)."""
    j = _judge_sh(BLINDS[name], setup=None)
    assert not any(r.rule == "lg.host.tamper-lineguard" for r in j.reasons), _reasons(j)


@pytest.mark.parametrize("name", sorted(LOOK_ALIKES))
def test_network_and_config_housekeeping_beside_the_agent_stays_quiet(name):
    j = _judge_sh(LOOK_ALIKES[name])
    assert j.severity not in ("high", "critical") and j.verdict != "destructive", _reasons(j)


def _end_to_end(tmp_path: Path, job_line: str, *, config: bool) -> dict:
    """A host with one cron job, snapshotted by the real agent (with or without its config),
    ingested and listed by the real collector: the job's JSON."""
    root = tmp_path / "root"
    (root / "etc/cron.d").mkdir(parents=True)
    (root / "etc/hosts").write_text("127.0.0.1 localhost\n10.9.9.9 lg-collector.ops.example\n")
    (root / "etc/cron.d/netfix").write_text(f"0 3 * * * root {job_line}\n")
    key, out, home = tmp_path / "agent.key", tmp_path / "s.lgsnap", tmp_path / "home"
    inventory = tmp_path / "inventory.toml"
    inventory.write_text('[[device]]\nname = "atm-kobe-03"\nplatform = "cisco_ios"\n'
                         'site = "kobe"\nmethod = "file"\npath = "kobe.cfg"\n')
    (tmp_path / "kobe.cfg").write_text("hostname atm-kobe-03\n")
    assert agent(["keygen", "--out", str(key)]) == 0
    args = ["snapshot", "--root", str(root), "--hostname", "ems1", "--key", str(key),
            "--inventory", str(inventory), "--out", str(out)]
    if config:
        cfg = tmp_path / "agent.toml"
        cfg.write_text(f'agent = "ems1"\nkey = "{key}"\n'
                       'deliver = "sftp://lg@lg-collector.ops.example:8443/inbox"\n')
        args[1:1] = ["--config", str(cfg)]
    assert agent(args) == 0
    assert lineguard(["--home", str(home), "init"]) == 0
    assert lineguard(["--home", str(home), "agents", "add", "ems1", "--key", f"{key}.pub"]) == 0
    assert lineguard(["--home", str(home), "ingest", str(out)]) == 0
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        lineguard(["--home", str(home), "jobs", "--now", NOW.isoformat(), "--json"])
    jobs = [j for j in json.loads(buf.getvalue())["jobs"] if j["source"] == "cron"]
    assert len(jobs) == 1
    return jobs[0]


@pytest.mark.parametrize("line", ["iptables -I OUTPUT -p tcp --dport 8443 -j DROP",
                                  "ip route add blackhole 10.9.9.9"])
def test_the_agent_reports_where_it_delivers_and_the_collector_reads_a_cut_from_it(
        tmp_path: Path, line: str):
    seen = _end_to_end(tmp_path, line, config=True)
    assert seen["verdict"] == "destructive" and seen["severity"] in ("high", "critical"), seen
    assert any(r["rule"] == "lg.host.tamper-lineguard" for r in seen["reasons"]), seen


def test_without_its_config_the_agent_cannot_say_where_it_delivers(tmp_path: Path):
    seen = _end_to_end(tmp_path, "iptables -I OUTPUT -p tcp --dport 8443 -j DROP", config=False)
    assert seen["verdict"] == "benign", seen


def test_a_blackhole_of_a_polled_devices_address_is_caught_from_the_inventory(tmp_path: Path):
    """The inventory names the device; /etc/hosts on the host gives its address."""
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc/hosts").write_text("10.40.0.10 atm-kobe-03\n")
    inventory = tmp_path / "inventory.toml"
    inventory.write_text('[[device]]\nname = "atm-kobe-03"\nplatform = "cisco_ios"\n'
                         'site = "kobe"\nmethod = "cli"\nhost = "atm-kobe-03"\n'
                         'credentials = "kobe"\n')
    from lineguard.agent.snapshot import own_setup
    art = own_setup(root, "sftp://lg@10.9.9.9/inbox", inventory, (tmp_path / "agent.toml",))
    got = agentsetup.parse(art.text())
    assert got.at("10.40.0.0/24") is not None and got.at("10.9.9.9").role == "collector"
    assert got.port("22") is not None and got.owns(str(tmp_path / "agent.toml"))


# --- 4: a glob is matched as a glob --------------------------------------------------------------

# each was high (application data) on main, not line data: the glob was read as a literal
GLOBS = {"two wildcards": "rm -rf /srv/e?s/li*", "rancid archive": "rm -f /var/lib/ranc?d/atm/conf*/*",
         "prefix": "find /srv/e*s -delete; rm -rf /srv/em?/line*"}
GLOB_LOOK_ALIKES = {"lock files": "rm -f /var/tmp/*.lock",
                    "extension only": "rm -f /srv/reports/*.csv",
                    "a cache's entries": "rm -rf /srv/ems/cache/li*"}


@pytest.mark.parametrize("name", sorted(GLOBS))
def test_a_glob_that_could_name_line_data_is_as_loud_as_the_path(name):
    j = _judge_sh(GLOBS[name], setup=None)
    assert j.severity == "critical" and any(r.rule == "lg.host.rm-linedata"
                                            for r in j.reasons), _reasons(j)


@pytest.mark.parametrize("name", sorted(GLOB_LOOK_ALIKES))
def test_a_glob_naming_only_scratch_or_an_extension_stays_as_it_was(name):
    j = _judge_sh(GLOB_LOOK_ALIKES[name], setup=None)
    assert not any(r.rule == "lg.host.rm-linedata" for r in j.reasons), _reasons(j)


# --- 6: Perl values built with substr, pack and negative numbers ---------------------------------

PERL = {
    "substr": f'my $p = substr("xx{LINE}", 2); system("rm -rf $p");',
    "substr, negative length": f'my $s = "junk{LINE}ZZ"; my $p = substr($s, 4, -2); '
                               'system("rm", "-rf", $p);',
    "pack A*": f'my $p = pack("A*", "{LINE}"); system("rm -rf $p");',
    "pack A4 A*": 'my $p = pack("A4 A*", "/srv", "/ems/linedata"); system("rm -rf $p");',
}


# already followed on main: kept here so the whole family is shown together
PERL_ON_MAIN = {
    "join": 'my $p = join("/", "", "srv", "ems", "linedata"); system("rm -rf $p");',
    "reverse": 'my $p = reverse("atadenil/sme/vrs/"); system("rm -rf $p");',
    "lc": 'my $p = lc("/SRV/EMS/LINEDATA"); system("rm -rf $p");',
    "sprintf": 'my $p = sprintf("/%s/%s/%s", "srv", "ems", "linedata"); system("rm -rf $p");',
    "uc then lc": 'my $p = "/srv/ems/" . ucfirst("linedata"); system("rm -rf " . lc($p));',
}


@pytest.mark.parametrize("name", sorted(PERL) + sorted(PERL_ON_MAIN))
def test_perl_values_built_with_substr_and_pack_are_followed(name):
    body = PERL.get(name) or PERL_ON_MAIN[name]
    j = _judge({"opt/ems/bin/job.pl": "#!/usr/bin/perl\n" + body}, "/opt/ems/bin/job.pl")
    assert j.severity == "critical" and any(LINE in r.title for r in j.reasons), _reasons(j)


def test_perl_substr_of_a_scratch_path_stays_quiet():
    j = _judge({"opt/ems/bin/job.pl": '#!/usr/bin/perl\nmy $p = substr("xx/var/tmp/ems-cache", 2);'
                                      '\nsystem("rm -rf $p");'}, "/opt/ems/bin/job.pl")
    assert j.severity not in ("high", "critical"), _reasons(j)


# --- 8: a job's own lock, pid or heartbeat file --------------------------------------------------

def _cron_line(command: str):
    job = Job(target="ems1", source="cron", origin_path="etc/cron.d/ems", origin_line=1,
              owner="root", schedule="*/5 * * * *", command=command,
              trigger=CronTrigger("*/5 * * * *"), files=())
    return judge(job, {}, Fire(kind="exact", at=NOW + timedelta(minutes=5)), NOW)


OWN_LOCKS = {  # each was medium "runs a script from a hidden file" on main
    "flock": "flock -n /var/lock/.ems-poll.lock /usr/local/bin/ems-poll",
    "stale lock removed": "rm -f /var/run/.ems-sync.lock",
    "heartbeat touched": "touch /var/lib/ems/.heartbeat",
    "heartbeat written": "date > /srv/ems/.heartbeat",
    "pid file after the run": "/opt/ems/bin/poll.sh && rm -f /var/tmp/.poll.pid",
    "its own lock in the line-data tree": "flock /srv/ems/linedata/.lock /opt/ems/bin/sync; "
                                          "rm -f /srv/ems/linedata/.lock",
}
OTHERS_LOCKS = {"line data's lock": "rm -f /srv/ems/linedata/.lock",
                "RANCID's lock": "rm -f /var/lib/rancid/atm/.lock",
                "a provisioning run's pid file": "rm -f /var/opt/nms/xconnect/provision.pid"}


@pytest.mark.parametrize("name", sorted(OWN_LOCKS))
def test_a_jobs_own_lock_and_heartbeat_files_are_quiet(name):
    j = _cron_line(OWN_LOCKS[name])
    assert j.severity in ("info", "low") and j.verdict == "benign", _reasons(j)


@pytest.mark.parametrize("name", sorted(OTHERS_LOCKS))
def test_removing_another_programs_lock_over_line_data_stays_loud(name):
    j = _cron_line(OTHERS_LOCKS[name])
    assert j.severity == "medium" and any(r.rule == "lg.host.break-linedata-lock"
                                          for r in j.reasons), _reasons(j)


@pytest.mark.parametrize("command", ["/tmp/.x/run.lock", "sh /tmp/.x.pid"])
def test_a_program_run_from_a_hidden_lock_named_file_is_still_a_hidden_path(command):
    j = _cron_line(command)
    assert any(r.rule == "lg.conceal.hidden-path" for r in j.reasons), _reasons(j)


# --- 7: PHP built-ins that write into a variable handed by reference -----------------------------

def _php_targets(body: str) -> list[str]:
    name = "opt/ems/bin/job.php"
    files = {name: Artifact.from_bytes(name, "script", ("#!/usr/bin/php\n<?php\n" + body).encode())}
    job = Job(target="ems1", source="cron", origin_path="etc/cron.d/x", origin_line=1,
              owner="root", schedule="0 3 * * *", command="/" + name,
              trigger=CronTrigger("0 3 * * *"), files=(name,))
    return [render(e.target) for e in effects_of(job, files)[0] if e.kind == "data-destruction"]


BY_REFERENCE = {  # each was read as `rm -rf /var/tmp/x` (the earlier literal) on main
    "preg_match": "preg_match('/(.*)/', \"/srv/ems/linedata\", $d);",
    "preg_match_all": "preg_match_all('/.+/', $argv[1], $d);",
    "sscanf": "sscanf(\"/srv/ems/linedata\", \"%s\", $d);",
    "str_replace count": "$n = str_replace('a', 'b', 'c', $d);",
}


@pytest.mark.parametrize("name", sorted(BY_REFERENCE))
def test_a_php_variable_written_by_reference_is_unknown_not_its_earlier_literal(name):
    got = _php_targets(f'$d = "/var/tmp/x";\n{BY_REFERENCE[name]}\nsystem("rm -rf $d");\n')
    assert got and all("/var/tmp/x" not in t and "in the php program>" in t for t in got), got


def test_a_php_literal_not_handed_by_reference_keeps_its_value():
    got = _php_targets('$d = "/var/tmp/x";\npreg_match(\'/x/\', $d, $m);\n'
                       'system("rm -rf $d", $rc);\n')
    assert got == ["/var/tmp/x"], got


# --- 5: `~` and $HOME are the owner's home ------------------------------------------------------

PASSWD = ("root:x:0:0:root:/root:/bin/bash\nrancid:x:110:110::/var/lib/rancid:/bin/bash\n"
          "ems:x:1001:1001::/srv/ems:/bin/bash\nop:x:1002:1002::/home/op:/bin/bash\n")


def _owned(owner: str, command: str, source: str = "cron", origin: str = ""):
    files = {"etc/passwd": Artifact.from_bytes("etc/passwd", "passwd", PASSWD.encode())}
    job = Job(target="ems1", source=source, origin_path=origin or f"var/spool/cron/crontabs/{owner}",
              origin_line=1, owner=owner, schedule="0 3 * * *", command=command,
              trigger=CronTrigger("0 3 * * *"), files=())
    return judge(job, files, Fire(kind="exact", at=NOW + timedelta(days=1)), NOW)


HOMES = {  # each was benign on main: `~` was left unknown, $HOME unset
    "rancid's crontab, ~": ("rancid", "rm -rf ~/atm/configs", "cron", ""),
    "rancid's crontab, $HOME": ("rancid", "rm -rf \"$HOME\"/atm/configs", "cron", ""),
    "rancid's login file": ("rancid", "rm -rf ~/atm/configs", "login",
                            "var/lib/rancid/.bash_logout"),
}


@pytest.mark.parametrize("name", sorted(HOMES))
def test_tilde_and_home_are_the_owners_home_from_passwd(name):
    j = _owned(*HOMES[name])
    assert j.severity == "critical" and any("/var/lib/rancid/atm/configs" in r.title
                                            for r in j.reasons), _reasons(j)


def test_a_users_own_scratch_under_their_home_stays_quiet():
    j = _owned("op", "rm -rf ~/tmp/* $HOME/.cache/thumbnails")
    assert j.severity in ("info", "low"), _reasons(j)


# --- 3: history dropped in a repository a captured archiver configuration names -----------------

OXIDIZED = "---\nusername: oxidized\noutput:\n  default: git\n  git:\n    repo: {repo}\n"
ARCHIVERS = {  # each was benign on main: nothing in /srv/netconf-archive's path says line data
    "Oxidized's system config": ("etc/oxidized/config", OXIDIZED.format(repo="/srv/netconf-archive"),
                                 "/srv/netconf-archive"),
    "Oxidized's user config, ~": ("home/oxidized/.config/oxidized/config",
                                  OXIDIZED.format(repo="~/netconf-archive"),
                                  "/home/oxidized/netconf-archive"),
    "RANCID's BASEDIR": ("etc/rancid/rancid.conf",
                         "BASEDIR=/srv/netconf-archive; export BASEDIR\nLIST_OF_GROUPS=atm\n",
                         "/srv/netconf-archive/atm"),
}


def _git_job(command: str, config: tuple[str, str] | None):
    files = {} if config is None else {config[0]: Artifact.from_bytes(
        config[0], "daemon-conf", config[1].encode())}
    job = Job(target="ems1", source="cron", origin_path="etc/cron.d/x", origin_line=1,
              owner="root", schedule="0 3 * * *", command=command,
              trigger=CronTrigger("0 3 * * *"), files=())
    return judge(job, files, Fire(kind="exact", at=NOW + timedelta(days=1)), NOW)


@pytest.mark.parametrize("name", sorted(ARCHIVERS))
def test_history_dropped_in_the_repository_an_archiver_keeps_configs_in_is_line_data(name):
    path, text, repo = ARCHIVERS[name]
    j = _git_job(f"git -C {repo} update-ref -d refs/heads/master", (path, text))
    assert j.severity == "critical" and any(r.rule == "lg.host.rm-linedata"
                                            for r in j.reasons), _reasons(j)
    assert _git_job(f"git -C {repo} update-ref -d refs/heads/master", None).verdict == "benign"


@pytest.mark.parametrize("command", ["git -C /srv/netconf-archive fetch --prune origin",
                                     "git -C /srv/netconf-archive gc --auto --quiet",
                                     "git -C /srv/www/site branch -D old-topic"])
def test_routine_git_beside_a_named_archive_stays_quiet(command):
    j = _git_job(command, ARCHIVERS["Oxidized's system config"][:2])
    assert j.severity in ("info", "low"), _reasons(j)


# --- 2: name resolution taken away from a collector known by name only ---------------------------

BY_NAME = AgentSetup((Peer("collector", "lg-collector.ops.example", (), 8443, "sftp delivery"),),
                     (CONFIG,))
RESOLVERS = {  # each was benign on main
    "resolv.conf to a loopback nobody answers on": "echo 'nameserver 127.0.0.9' > /etc/resolv.conf",
    "resolv.conf to nowhere": "printf 'nameserver 0.0.0.0\\n' > /etc/resolv.conf",
    "nsswitch without dns": "echo 'hosts: files' > /etc/nsswitch.conf",
}
RESOLVER_LOOK_ALIKES = {
    "another DNS server": "echo 'nameserver 10.0.0.2' > /etc/resolv.conf",
    "systemd-resolved's stub": "echo 'nameserver 127.0.0.53' > /etc/resolv.conf",
    "a nameserver added": "echo 'nameserver 127.0.0.9' >> /etc/resolv.conf",
    "nsswitch with dns": "echo 'hosts: files dns' > /etc/nsswitch.conf",
}


@pytest.mark.parametrize("name", sorted(RESOLVERS))
def test_taking_dns_from_a_collector_known_by_name_blinds_lineguard(name):
    j = _judge_sh(RESOLVERS[name], setup=BY_NAME)
    assert j.verdict == "destructive" and any(r.rule == "lg.host.tamper-lineguard"
                                              for r in j.reasons), _reasons(j)


@pytest.mark.parametrize("name", sorted(RESOLVER_LOOK_ALIKES))
def test_resolver_changes_that_still_find_the_collector_stay_quiet(name):
    j = _judge_sh(RESOLVER_LOOK_ALIKES[name], setup=BY_NAME)
    assert j.severity not in ("high", "critical"), _reasons(j)


def test_dns_taken_away_is_quiet_where_the_collector_is_known_by_address():
    j = _judge_sh("echo 'nameserver 127.0.0.9' > /etc/resolv.conf")
    assert j.severity not in ("high", "critical"), _reasons(j)
