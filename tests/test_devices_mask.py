"""Secrets never leave the agent, yet a changed secret is still a change."""

from __future__ import annotations

import re

import pytest

from lineguard.agent.devices.mask import mask_secrets
from lineguard.agent.devices.profiles import cisco_ios, juniper_junos

KEY = b"test-mask-key"

IOS = """\
hostname atm-kobe-01
enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0
enable password 7 0822455D0A16
username lgops privilege 15 secret 9 $9$abcdefghijkl
username ro password 7 094F471A1A0A
snmp-server community lg-ro-community RO
snmp-server user lgv3 lggroup v3 auth sha lg-auth-key-1 priv aes 128 lg-priv-key-1
tacacs-server key 7 13061E010803
key chain OSPF
 key 1
  key-string 7 0508571C22431F5B4A
interface ATM0/0/0.100 point-to-point
 ip ospf authentication-key 7 045802150C2E
 ip ospf message-digest-key 1 md5 7 14141B180F0B
line vty 0 4
 password 7 1511021F0725
end
"""

IOS_SECRETS = ("$1$mERr$hx5rVt7rPNoS4wqbXKX7m0", "0822455D0A16", "$9$abcdefghijkl",
               "094F471A1A0A", "lg-ro-community", "lg-auth-key-1", "lg-priv-key-1",
               "13061E010803", "0508571C22431F5B4A", "045802150C2E", "14141B180F0B",
               "1511021F0725")

JUNOS = """\
system {
    root-authentication {
        encrypted-password "$6$rounds$XyZsecretHash"; ## SECRET-DATA
    }
    radius-server {
        10.0.0.1 secret "$9$radiusSecret"; ## SECRET-DATA
    }
}
protocols {
    ospf {
        area 0.0.0.0 {
            interface at-0/0/0.100 {
                authentication {
                    md5 1 key "$9$md5key";
                }
            }
        }
    }
    isis {
        level 2 authentication-key "$9$isisKey";
    }
}
snmp {
    community lg-ro-community {
        authorization read-only;
    }
}
"""


def _mask_ios(text: str, key: bytes = KEY) -> str:
    return mask_secrets(text, cisco_ios.SECRETS, key)


def test_every_ios_secret_is_replaced_by_a_keyed_token():
    masked = _mask_ios(IOS)
    for secret in IOS_SECRETS:
        assert secret not in masked, secret
    assert len(re.findall(r"<masked:hmac-sha256:[0-9a-f]{16}>", masked)) == len(IOS_SECRETS)
    # The structure around the secrets survives: the parsers still read the config.
    assert "key chain OSPF" in masked and " key 1" in masked
    assert masked.rstrip().endswith("end")


def test_a_changed_password_still_changes_the_masked_config():
    before = _mask_ios(IOS)
    after = _mask_ios(IOS.replace("1511021F0725", "1511021F0726"))
    assert before != after
    assert _mask_ios(IOS) == before     # deterministic: an unchanged device is unchanged


def test_the_token_depends_on_the_key():
    assert _mask_ios(IOS, b"key-a") != _mask_ios(IOS, b"key-b")


def test_masking_twice_changes_nothing():
    once = _mask_ios(IOS)
    assert _mask_ios(once) == once


def test_an_empty_key_is_refused():
    with pytest.raises(ValueError):
        _mask_ios(IOS, b"")


def test_junos_secrets_are_masked_inside_their_quotes():
    masked = mask_secrets(JUNOS, juniper_junos.SECRETS, KEY)
    for secret in ("$6$rounds$XyZsecretHash", "$9$radiusSecret", "$9$isisKey", "lg-ro-community"):
        assert secret not in masked, secret
    assert re.search(r'encrypted-password "<masked:hmac-sha256:[0-9a-f]{16}>";', masked)
    assert juniper_junos.truncation(masked) is None     # braces still balance


def test_ntp_keys_trap_communities_and_v3_keys_with_options_are_masked():
    config = ("ntp authentication-key 1 md5 104D000A0618 7\n"
              "snmp-server host 10.40.0.1 version 2c lg-trap-community\n"
              "snmp-server host 10.40.0.2 informs lg-inform-community udp-port 162\n"
              "snmp-server host 10.40.0.3 lg-v1-community\n"
              "snmp-server user lgv3 lggroup v3 auth sha lg-auth-key-2 priv aes 256 lg-priv-key-2"
              " access 10\n")
    masked = _mask_ios(config)
    for secret in ("104D000A0618", "lg-trap-community", "lg-inform-community", "lg-v1-community",
                   "lg-auth-key-2", "lg-priv-key-2"):
        assert secret not in masked, secret
    assert "ntp authentication-key 1 md5 <masked:" in masked and "udp-port 162" in masked
    assert " access 10\n" in masked


def test_junos_md5_keys_and_option_less_communities_are_masked():
    masked = mask_secrets(JUNOS + "snmp {\n    community lg-bare-community;\n}\n",
                          juniper_junos.SECRETS, KEY)
    for secret in ("$9$md5key", "lg-bare-community"):
        assert secret not in masked, secret
    assert juniper_junos.truncation(masked) is None


def test_the_reason_a_config_is_cut_short_never_quotes_a_secret(tmp_path):
    from lineguard.agent.devices import collect

    cut = IOS[: IOS.index("\ntacacs-server")]          # ends on the v3 user's keys
    (tmp_path / "cut.cfg").write_text(cut)
    inv = tmp_path / "inventory.toml"
    inv.write_text('[[device]]\nname = "saved-cut"\nplatform = "cisco_ios"\nsite = "kobe"\n'
                   'method = "file"\npath = "cut.cfg"\n')
    (target,) = collect(inv, None, mask_key=KEY)
    assert target.status == "partial" and "truncated" in target.error
    wire = repr(target.to_wire())
    for secret in IOS_SECRETS:
        assert secret not in wire, secret
