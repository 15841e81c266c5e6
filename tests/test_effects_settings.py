"""A job that takes what it acts on from a settings file acts on what the file says: Python's
json, YAML, TOML and configparser, Perl's Config::Tiny, JSON and YAML, and the shell tools that
pick one value out (jq, yq, crudini). A settings file that was not captured gives values
standing for its content: the job is at least suspicious, never acting on an empty path."""

from __future__ import annotations

import pytest

from lineguard.collector.analyse.destructive import judge
from lineguard.collector.analyse.effects.settings import picked
from lineguard.collector.analyse.effects.wanted import wanted_files
from lineguard.collector.model import Severity
from tests.test_rules import NOW, _fire, _script_job

LINEDATA = "/srv/ems/linedata"
PY = "#!/usr/bin/python3\n"


SETTINGS = {
    "configparser []": ("import shutil, configparser\ncp = configparser.ConfigParser()\n"
                        "cp.read('/opt/ems/etc/ems.ini')\nshutil.rmtree(cp['paths']['linedata'])",
                        "opt/ems/etc/ems.ini", "[paths]\nlinedata = /srv/ems/linedata\n"),
    "configparser get": ("import shutil\nfrom configparser import ConfigParser\ncp = ConfigParser()\n"
                         "cp.read(['/opt/ems/etc/ems.ini'])\nshutil.rmtree(cp.get('paths', 'LineData'))",
                         "opt/ems/etc/ems.ini", "[paths]\nLineData = /srv/ems/linedata\n"),
    "json.load of an open file": ("import json, shutil\nwith open('/opt/ems/etc/ems.json') as f:\n"
                                  "    cfg = json.load(f)\nshutil.rmtree(cfg['paths'].get('linedata'))",
                                  "opt/ems/etc/ems.json", '{"paths": {"linedata": "/srv/ems/linedata"}}'),
    "yaml.safe_load": ("import yaml, os\ncfg = yaml.safe_load(open('/opt/ems/etc/ems.yaml'))\n"
                       "os.system('rm -rf ' + cfg['paths']['linedata'])",
                       "opt/ems/etc/ems.yaml", "paths:\n  linedata: /srv/ems/linedata\n"),
    "tomllib.load": ("import tomllib, shutil\ncfg = tomllib.load(open('/opt/ems/etc/ems.toml', 'rb'))\n"
                     "shutil.rmtree(cfg['paths']['linedata'])",
                     "opt/ems/etc/ems.toml", '[paths]\nlinedata = "/srv/ems/linedata"\n'),
}


INI = ("opt/ems/etc/ems.ini", "[paths]\nlinedata = /srv/ems/linedata\n")
JSON = ("opt/ems/etc/ems.json", '{"paths": {"linedata": "/srv/ems/linedata"}}')
YAML = ("opt/ems/etc/ems.yaml", "paths:\n  linedata: /srv/ems/linedata\n")
OTHERS = {
    "jq -r": ('#!/bin/sh\nD=$(jq -r .paths.linedata /opt/ems/etc/ems.json)\nrm -rf "$D"', *JSON),
    "jq bracketed": ("#!/bin/sh\nrm -rf \"$(jq -r '.[\"paths\"].linedata' /opt/ems/etc/ems.json)\"",
                     *JSON),
    "yq": ('#!/bin/sh\nD=$(yq -r .paths.linedata /opt/ems/etc/ems.yaml)\nrm -rf "$D"', *YAML),
    "yq eval": ('#!/bin/sh\nD=$(yq e .paths.linedata /opt/ems/etc/ems.yaml)\nrm -rf "$D"', *YAML),
    "crudini": ('#!/bin/sh\nD=$(crudini --get /opt/ems/etc/ems.ini paths linedata)\nrm -rf "$D"',
                *INI),
    "Config::Tiny": ("#!/usr/bin/perl\nuse Config::Tiny;\n"
                     "my $c = Config::Tiny->read('/opt/ems/etc/ems.ini');\n"
                     "system('rm', '-rf', $c->{paths}->{linedata});", *INI),
    "Perl decode_json": ("#!/usr/bin/perl\nuse JSON::PP;\nopen(my $f, '<', '/opt/ems/etc/ems.json');\n"
                         "local $/;\nmy $c = decode_json(<$f>);\n"
                         "system('rm -rf ' . $c->{paths}{linedata});", *JSON),
    "YAML LoadFile": ("#!/usr/bin/perl\nuse YAML::XS 'LoadFile';\n"
                      "my $c = LoadFile('/opt/ems/etc/ems.yaml');\n"
                      "system('rm -rf ' . $c->{paths}{linedata});", *YAML),
}
ALL = {**{k: (PY + b, n, t) for k, (b, n, t) in SETTINGS.items()}, **OTHERS}


@pytest.mark.parametrize(("body", "name", "text"), ALL.values(), ids=ALL.keys())
def test_a_path_taken_from_a_settings_file_is_what_the_file_says(body, name, text):
    job, files = _script_job(body + "\n", extra={name: text})
    j = judge(job, files, _fire(), NOW)
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert any(LINEDATA in r.title for r in j.reasons)
    # the same job where the settings name a scratch folder is housekeeping, not line data
    job, files = _script_job(body + "\n",
                             extra={name: text.replace(LINEDATA, "/var/tmp/ems-scratch")})
    assert not any(LINEDATA in r.title for r in judge(job, files, _fire(), NOW).reasons)


PY_AND_PERL = {k: v for k, v in ALL.items() if not v[0].startswith("#!/bin/sh")}


@pytest.mark.parametrize(("body", "name", "text"), PY_AND_PERL.values(), ids=PY_AND_PERL.keys())
def test_settings_from_a_file_that_was_not_captured_are_not_an_empty_path(body, name, text):
    job, files = _script_job(body + "\n")
    j = judge(job, files, _fire(), NOW)
    assert j.verdict in ("suspicious", "destructive"), [r.title for r in j.reasons]
    assert any(name in r.title for r in j.reasons), [r.title for r in j.reasons]


@pytest.mark.parametrize(("body", "name", "text"), ALL.values(), ids=ALL.keys())
def test_the_agent_captures_the_settings_file_a_job_reads(body, name, text):
    script = "usr/local/sbin/nightly.sh"
    job, files = _script_job(body + "\n")
    assert name in wanted_files("/" + script, files, 5)


@pytest.mark.parametrize(("doc", "path", "value"), [
    ({"a": {"b": "x"}}, ".a.b", "x"),
    ({"a": [{"b": 3}]}, ".a[0].b", "3"),
    ({"a b": {"c": True}}, '."a b".c', "true"),
    ({"a": {"b": "x"}}, '.a["b"]', "x"),
    ({"a": {"b": "x"}}, ".a.c", None),
    ({"a": {"b": {"c": 1}}}, ".a.b", None),       # an object prints as JSON: not a path value
    ({"a": "x"}, ".a | ascii_upcase", None),         # a filter beyond a path: unknown
])
def test_jq_paths_pick_values_as_jq_prints_them(doc, path, value):
    assert picked(doc, path) == value


KEYS = ("opt/ems/etc/ems.conf", "# ems settings\nKEEP=7\nLINEDATA=/srv/ems/linedata\n")
READ_LOOPS = {
    "IFS='=' read -r k v": "while IFS='=' read -r k v; do\n  [ \"$k\" = LINEDATA ] && D=$v\n"
                           "done < /opt/ems/etc/ems.conf\nrm -rf \"$D\"",
    "IFS== read k v, case": "while IFS== read k v; do\n  case $k in LINEDATA) rm -rf \"$v\";; esac\n"
                            "done < /opt/ems/etc/ems.conf",
    "grep | while IFS=: read": "grep -v '^#' /opt/ems/etc/ems.conf | tr = : | "
                               "while IFS=: read -r key value; do rm -rf \"$value\"; done",
}


@pytest.mark.parametrize("body", READ_LOOPS.values(), ids=READ_LOOPS.keys())
def test_a_read_loop_over_settings_gives_each_name_its_field(body):
    job, files = _script_job("#!/bin/bash\n" + body + "\n", extra=dict([KEYS]))
    j = judge(job, files, _fire(), NOW)
    assert j.verdict == "destructive", [r.title for r in j.reasons]
    assert any(LINEDATA in r.title for r in j.reasons)


def test_a_read_loop_over_settings_that_name_no_data_is_benign():
    body = READ_LOOPS["IFS='=' read -r k v"]
    job, files = _script_job("#!/bin/bash\n" + body + "\n", extra={
        KEYS[0]: "KEEP=7\nSCRATCH=/var/tmp/ems-scratch\n"})
    j = judge(job, files, _fire(), NOW)
    assert j.verdict != "destructive" and j.severity < Severity.HIGH, [r.title for r in j.reasons]
