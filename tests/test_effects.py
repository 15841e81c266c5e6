"""The effects engine's parts, exercised by generated cases: every encoder chain is undone and
judged, every way of assembling a value resolves to the same effect, MIB names and enumerations
resolve from the data files, each language reduces the same act to the same effect, unknown
values stay unknown, and severity follows reach and change control."""

from __future__ import annotations

import base64
import bz2
import codecs
import gzip
import itertools
import lzma
import zlib
from datetime import timedelta

import pytest

from lineguard.collector.analyse.effects import bounds, decode
from lineguard.collector.analyse.effects.judge import effects_of, judge
from lineguard.collector.analyse.effects.mib import mib
from lineguard.collector.analyse.effects.model import render
from lineguard.collector.model import CronTrigger, Fire, Job
from lineguard.formats.systemd import expand_specifiers
from lineguard.formats.wire import Artifact
from tests.ruleexamples import NOW

WIPE = "rm -rf /srv/ems/linedata"


def _job(text: str, name: str = "usr/local/sbin/task", extra: dict[str, str] | None = None,
         command: str | None = None, **kw) -> tuple[Job, dict[str, Artifact]]:
    files = {name: Artifact.from_bytes(name, "script", text.encode())}
    for n, t in (extra or {}).items():
        files[n] = Artifact.from_bytes(n, "script", t.encode())
    job = Job(target="ems1", source="cron", origin_path="etc/cron.d/task", origin_line=1,
              owner=kw.pop("owner", "root"), schedule="0 3 * * *",
              command=command or "/" + name, trigger=CronTrigger("0 3 * * *"),
              files=(name, *(extra or {})), **kw)
    return job, files


def _judge(text: str, **kw):
    job, files = _job(text, **kw)
    return judge(job, files, Fire(kind="exact", at=NOW + timedelta(days=1)), NOW)


def _effects(text: str, **kw):
    job, files = _job(text, **kw)
    return effects_of(job, files)[0]


# --- decoding: every chain of encoders, undone and judged -----------------------------------

def _b64(s: bytes) -> bytes:
    return base64.b64encode(s)


ENCODERS = {
    "base64": (_b64, "base64 -d"),
    "base32": (base64.b32encode, "base32 -d"),
    "hex": (lambda s: s.hex().encode(), "xxd -r -p"),
    "gzip": (gzip.compress, "gunzip -c"),
    "bzip2": (bz2.compress, "bzip2 -d"),
    "xz": (lzma.compress, "xz -d"),
    "rev": (lambda s: s[::-1], "rev"),
    "rot13": (lambda s: codecs.encode(s.decode(), "rot13").encode(), "tr 'A-Za-z' 'N-ZA-Mn-za-m'"),
}
TO_TEXT = {"base64", "base32", "hex"}           # their output can be echoed
KEEPS = {"rev", "rot13"}                        # text in, text out


def _echoable(chain: tuple[str, ...]) -> bool:
    """Text after the last layer, and no character cipher applied to compressed bytes."""
    text = True
    for name in chain:
        if name in KEEPS and not text:
            return False
        text = True if name in TO_TEXT else (text if name in KEEPS else False)
    return text


CHAINS = [c for n in (1, 2, 3) for c in itertools.permutations(ENCODERS, n) if _echoable(c)]


@pytest.mark.parametrize("chain", CHAINS, ids=["+".join(c) for c in CHAINS])
def test_every_encoder_chain_is_undone_and_its_payload_judged(chain):
    data = WIPE.encode()
    for name in chain:
        data = ENCODERS[name][0](data)
    undo = " | ".join(ENCODERS[name][1] for name in reversed(chain))
    j = _judge(f"#!/bin/sh\necho '{data.decode()}' | {undo} | sh\n")
    rules = {r.rule for r in j.reasons}
    assert {"lg.host.rm-linedata", "lg.conceal.encoded-exec"} <= rules, undo
    assert j.verdict == "destructive"


@pytest.mark.parametrize("form", [
    "printf '{hex}' | sh", "echo -e '{hex}' | bash", "eval $'{hex}'", "eval \"$(printf '{oct}')\"",
])
def test_printf_escapes_in_every_form_are_concealment(form):
    hexed = "".join(f"\\x{b:02x}" for b in WIPE.encode())
    octal = "".join(f"\\0{b:03o}" for b in WIPE.encode())
    j = _judge(form.format(hex=hexed, oct=octal) + "\n")
    assert {"lg.host.rm-linedata", "lg.conceal.encoded-exec"} <= {r.rule for r in j.reasons}


def test_an_encoded_benign_payload_is_still_concealment():
    payload = base64.b64encode(b"logger nightly").decode()
    j = _judge(f"echo {payload} | base64 -d | sh\n")
    assert (j.verdict, [r.rule for r in j.reasons]) == ("suspicious", ["lg.conceal.encoded-exec"])


def test_decoders_stop_at_their_size_limit_and_reject_garbage():
    bomb = zlib.compress(b"x" * (decode.MAX_OUTPUT * 4))
    # past the limit nothing is cut quietly: the reading stops there and says so
    with pytest.raises(bounds.PastLimit, match="not read: zlib output past"):
        decode.decompress(bomb, "zlib")
    assert decode.decompress(zlib.compress(b"x" * decode.MAX_OUTPUT), "zlib") == \
        b"x" * decode.MAX_OUTPUT
    assert decode.decompress(b"not compressed", "gzip") is None
    assert decode.tr("Uryyb", "A-Za-z", "N-ZA-Mn-za-m") == "Hello"
    assert decode.escapes(r"\x72\0155\u0020\055") == "rm -"


# --- resolution: many ways of assembling one value -------------------------------------------

ASSEMBLIES = {
    "variable": 'D=/srv/ems/linedata\nrm -rf "$D"\n',
    "concatenation": 'A=/srv; B=ems; rm -rf "$A/$B/line""data"\n',
    "default": 'rm -rf "${LD_DIR:-/srv/ems/linedata}"\n',
    "substitution": 'P=/srv/ems/XXX; rm -rf "${P/XXX/linedata}"\n',
    "array": 'd=(/tmp /srv/ems/linedata); rm -rf "${d[1]}"\n',
    "function": 'wipe() { rm -rf "$1"; }\nwipe /srv/ems/linedata\n',
    "nested-functions": 'a() { b "$1/linedata"; }\nb() { rm -rf "$1"; }\na /srv/ems\n',
    "eval": 'C="rm -rf /srv/ems/linedata"\neval "$C"\n',
    "loop": 'for d in /tmp/x /srv/ems/linedata; do rm -rf "$d"; done\n',
    "ifs": 'rm${IFS}-rf${IFS}/srv/ems/linedata\n',
    "command-variable": 'X=rm; $X -rf /srv/ems/linedata\n',
    "sh-c": "sh -c 'rm -rf /srv/ems/linedata'\n",
    "written-then-run": "cat > /tmp/w.sh <<'E'\nrm -rf /srv/ems/linedata\nE\nsh /tmp/w.sh\n",
    "python-fstring": "#!/usr/bin/python3\nimport os\nb = 'ems'\nos.system(f'rm -rf /srv/{b}/linedata')\n",
    "python-format": "#!/usr/bin/python3\nimport shutil\nshutil.rmtree('/srv/{}/{}'.format('ems', 'linedata'))\n",
    "python-percent": "#!/usr/bin/python3\nimport subprocess\np = '/srv/%s/linedata' % 'ems'\nsubprocess.run(['rm', '-rf', p])\n",
    "python-parameter": "#!/usr/bin/python3\nimport shutil\ndef go(p):\n    shutil.rmtree(p)\ngo('/srv/ems/linedata')\n",
    "perl-concatenation": "#!/usr/bin/perl\nmy $d = '/srv/' . 'ems' . '/linedata';\nsystem(\"rm -rf $d\");\n",
    "perl-constant": "#!/usr/bin/perl\nuse File::Path;\nuse constant LD => '/srv/ems/linedata';\nrmtree(LD);\n",
    "tcl-proc": "#!/usr/bin/expect\nproc w {p} {\n    exec rm -rf $p\n}\nw /srv/ems/linedata\n",
}


@pytest.mark.parametrize("how", ASSEMBLIES, ids=list(ASSEMBLIES))
def test_every_way_of_assembling_a_path_resolves_to_it(how):
    effects = _effects(ASSEMBLIES[how])
    targets = {render(e.target) for e in effects if e.kind == "data-destruction"}
    assert "/srv/ems/linedata" in targets, (how, targets)


def test_a_value_from_a_sourced_file_and_an_environment_file_is_followed():
    job, files = _job(". /etc/default/ems\nrm -rf \"$LD\"\n",
                      extra={"etc/default/ems": "LD=/srv/ems/linedata\n"})
    assert any(render(e.target) == "/srv/ems/linedata"
               for e in effects_of(job, files)[0] if e.kind == "data-destruction")


def test_an_unknown_value_stays_unknown_and_says_why():
    j = _judge("snmpset -v2c -c private atm1 \"$NEXT_OID\" i 6\n")
    r = next(r for r in j.reasons if r.rule == "lg.snmp.set-unknown")
    assert "$NEXT_OID is not set in anything captured" in r.title and j.verdict == "suspicious"


# --- MIB names and enumerations ----------------------------------------------------------------

@pytest.mark.parametrize("oid, name, index", [
    ("1.3.6.1.2.1.37.1.7.1.13.1.0.32", "atmVclRowStatus", "1.0.32"),
    (".1.3.6.1.2.1.37.1.6.1.8.3.5", "atmVplRowStatus", "3.5"),
    ("iso.3.6.1.2.1.37.1.11.1.13.100.1.0.32.3.0.32", "atmVcCrossConnectRowStatus",
     "100.1.0.32.3.0.32"),
    ("ATM-MIB::atmVpCrossConnectRowStatus.7.1.5.3.5", "atmVpCrossConnectRowStatus", "7.1.5.3.5"),
    ("mib-2.37.1.7.1.3.1.0.32", "atmVclAdminStatus", "1.0.32"),
    ("IF-MIB::ifAdminStatus.3", "ifAdminStatus", "3"),
])
def test_oids_resolve_to_their_mib_object_and_index(oid, name, index):
    obj, idx = mib().resolve(oid)
    assert (obj.name if obj else None, idx) == (name, index)


def test_values_resolve_to_their_enumeration():
    m = mib()
    rs = m.by_name["atmVclRowStatus"]
    assert [m.value_name(rs, v) for v in ("6", "destroy", "4", "9")] == [
        "destroy(6)", "destroy(6)", "createAndGo(4)", "9"]
    assert m.value_name(m.by_name["atmVclAdminStatus"], "2") == "down(2)"


SNMP_FORMS = {
    "snmpset": "snmpset -v2c -c private atm1 ATM-MIB::atmVclRowStatus.1.0.32 i destroy\n",
    "pysnmp-symbolic": ("#!/usr/bin/python3\nfrom pysnmp.hlapi.v3arch.asyncio import *\n"
                        "async def main():\n    await set_cmd(SnmpEngine(), CommunityData('p'), "
                        "await UdpTransportTarget.create(('atm1', 161)), ContextData(), "
                        "ObjectType(ObjectIdentity('ATM-MIB', 'atmVclRowStatus', 1, 0, 32), "
                        "Integer(6)))\nasyncio.run(main())\n"),
    "pysnmp-oid-tuple": ("#!/usr/bin/python3\nfrom pysnmp.hlapi import *\nCOL = (1, 3, 6, 1, 2, 1, 37, 1, 7, 1, 13)\n"
                         "next(setCmd(SnmpEngine(), CommunityData('p'), UdpTransportTarget(('atm1', 161)), "
                         "ContextData(), ObjectType(ObjectIdentity('.'.join(map(str, COL)) + '.1.0.32'), Integer(6))))\n"),
    "perl-net-snmp": ("#!/usr/bin/perl\nuse Net::SNMP;\nmy ($s, $e) = Net::SNMP->session(-hostname => 'atm1');\n"
                      "my $col = '1.3.6.1.2.1.37.1.7.1.13';\n"
                      "$s->set_request(-varbindlist => [\"$col.1.0.32\", INTEGER, 6]);\n"),
}


@pytest.mark.parametrize("form", SNMP_FORMS, ids=list(SNMP_FORMS))
def test_each_snmp_client_reduces_to_the_same_set(form):
    sets = [e for e in _effects(SNMP_FORMS[form]) if e.kind == "snmp-set"]
    assert [(e.obj, e.value) for e in sets][:1] == [("atmVclRowStatus", "destroy(6)")], form


def test_a_walked_column_on_every_listed_device_reads_as_the_issue_asks():
    text = ("#!/bin/sh\nfor ne in $(cat /opt/ems/etc/ne.list); do\n"
            "  for oid in $(snmpwalk -v2c -c public -On $ne atmVclRowStatus | awk '{print $1}'); do\n"
            "    snmpset -v2c -c private $ne $oid i 6\n  done\ndone\n")
    j = _judge(text)
    r = next(r for r in j.reasons if r.rule == "lg.snmp.atm-rowstatus-destroy")
    assert ("SNMP SET atmVclRowStatus.<each row walked from atmVclRowStatus on every device in "
            "opt/ems/etc/ne.list> = destroy(6)") in r.title
    assert (j.verdict, j.severity, r.line) == ("destructive", "critical", 4)


# --- the same act in every language ----------------------------------------------------------

DEVICE_FORMS = {
    "sh-ssh-heredoc": "ssh ops@atm1 <<'EOF'\nconfigure terminal\ninterface ATM0/1\nno pvc 0/32\nend\nEOF\n",
    "expect": "#!/usr/bin/expect\nset h atm1\nspawn ssh $h\nexpect \"#\"\nsend \"no pvc 0/32\\r\"\n",
    "netmiko": ("#!/usr/bin/python3\nfrom netmiko import ConnectHandler\nc = ConnectHandler(host='atm1')\n"
                "vc = '0/32'\nc.send_config_set(['interface ATM0/1', f'no pvc {vc}'])\n"),
    "paramiko": ("#!/usr/bin/python3\nimport paramiko\ncli = paramiko.SSHClient()\ncli.connect('atm1')\n"
                 "sh = cli.invoke_shell()\nfor line in ['conf t', 'no pvc 0/32']:\n    sh.send(line + '\\n')\n"),
    "telnetlib": ("#!/usr/bin/python3\nimport telnetlib\ntn = telnetlib.Telnet('atm1')\n"
                  "tn.write(b'no pvc 0/32\\n')\n"),
    "perl-net-telnet": ("#!/usr/bin/perl\nuse Net::Telnet;\nmy $t = Net::Telnet->new(Host => 'atm1');\n"
                        "my $vc = '0/32';\n$t->cmd(\"no pvc $vc\");\n"),
}


@pytest.mark.parametrize("form", DEVICE_FORMS, ids=list(DEVICE_FORMS))
def test_each_language_sends_the_same_device_command(form):
    sent = [x for e in _effects(DEVICE_FORMS[form]) if e.kind == "device-command" for x in e.lines]
    assert "no pvc 0/32" in sent, (form, sent)
    assert "lg.ios.no-pvc" in {r.rule for r in _judge(DEVICE_FORMS[form]).reasons}


def test_a_language_lineguard_cannot_read_is_reported_as_such():
    j = _judge("ruby /opt/ems/bin/sync.rb\n")
    assert [r.rule for r in j.reasons] == ["lg.host.unparsed"] and j.verdict == "suspicious"


# --- reach and change control ----------------------------------------------------------------

def test_one_named_circuit_under_a_change_ticket_is_lower_but_still_shown():
    one = "# CHG0012345: retire PVC 0/32\nssh atm1 'configure terminal\ninterface ATM0/1\nno pvc 0/32'\n"
    j = _judge(one)
    r = next(r for r in j.reasons if r.rule == "lg.ios.no-pvc")
    assert (j.verdict, j.severity) == ("suspicious", "medium") and "CHG0012345" in r.title


def test_a_ticket_does_not_soften_removing_every_row():
    text = ("# CHG0012345\nfor oid in $(snmpwalk -On -v2c -c public atm1 atmVclRowStatus); do\n"
            "  snmpset -v2c -c private atm1 $oid i 6\ndone\n")
    assert _judge(text).verdict == "destructive"


@pytest.mark.parametrize("text, loud", [
    # circuit data does not age out: an age bound on the line-data tree selects nearly all of
    # it (lg.host.rm-linedata-aged); its archive keeps its housekeeping
    ("find /srv/ems/linedata -mtime +90 -delete\n", True),
    ("find /srv/ems/linedata/archive -mtime +90 -delete\n", False),
    ("find /srv/ems/linedata -delete\n", True),
    ("rm -rf /srv/ems/cache/*\n", False),
    ("rm -rf /srv/app/data\n", True),
    ("find /var/log/ems -name '*.gz' -mtime +30 -delete\n", False),
    ("rm -rf /var/log/ems\n", True),
])
def test_deletion_severity_follows_what_is_deleted_and_its_bounds(text, loud):
    assert (_judge(text).verdict == "destructive") is loud


# --- everything a systemd unit runs -----------------------------------------------------------

@pytest.mark.parametrize("spec, unit, user, expected", [
    ("/opt/%i.sh %I", "wipe@srv-ems.service", None, "/opt/srv-ems.sh srv/ems"),
    ("%n %N %p %j", "ems-job@a.service", None, "ems-job@a.service ems-job@a ems-job job"),
    ("%h %u %t %S %C %L %E", "x.service", None, "/root root /run /var/lib /var/cache /var/log /etc"),
    ("%h/bin/x %t/s %S", "x.service", "oper", "/home/oper/bin/x /run/user/1000/s /home/oper/.local/state"),
    ("100%% %T %V", "x.service", None, "100% /tmp /var/tmp"),
    ("/opt/%i.sh", "wipe@.service", None, "/opt/%i.sh"),
])
def test_specifiers_expand_as_systemd_does(spec, unit, user, expected):
    home = f"/home/{user}" if user else None
    assert expand_specifiers(spec, unit, user, home, "1000" if user else None) == expected


def test_a_program_another_program_runs_is_read_once_not_again_on_its_own():
    """The job runs a wrapper that runs the tool (both captured and linked to the job): the
    tool is read where the wrapper runs it, and not a second time as a standalone program."""
    job, files = _job("#!/bin/sh\n. /usr/share/ems/lib.sh\n/usr/sbin/ems-purge --all\n",
                      extra={"usr/sbin/ems-purge": f"#!/bin/bash\n{WIPE}\n",
                             "usr/share/ems/lib.sh": "#!/bin/sh\nLOG=/var/log/ems\n"})
    wipes = [e for e in effects_of(job, files)[0] if e.kind == "data-destruction"]
    assert [(e.path, render(e.target)) for e in wipes] == [("usr/sbin/ems-purge",
                                                           "/srv/ems/linedata")]
