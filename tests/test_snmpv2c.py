"""The lean SNMPv2c GETBULK path: its BER decoding agrees with pysnmp's on messages pysnmp
encodes, a walk by it reads the same text as by pysnmp against the simulated agent, and
malformed messages are refused."""

from __future__ import annotations

import asyncio

import pytest
from pyasn1.codec.ber import encoder
from pysnmp.proto import api, rfc1902, rfc1905

from lineguard.agent.devices import profiles, snmp, snmpv2c
from lineguard.agent.devices.credentials import Credential
from lineguard.agent.devices.inventory import Device
from lineguard.sim.fleet import CREDENTIALS, Fleet
from tests.devicefleet import MASK_KEY

V2C = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
VALUES = [
    ((1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 1), rfc1902.OctetString("ATM0/0/0 \"core\" \\ link")),
    ((1, 3, 6, 1, 2, 1, 2, 2, 1, 6, 1), rfc1902.OctetString(b"\x00\x1b\x54\xff\x10\x01")),
    ((1, 3, 6, 1, 2, 1, 2, 2, 1, 3, 1), rfc1902.Integer32(37)),
    ((1, 3, 6, 1, 2, 1, 2, 2, 1, 99, 1), rfc1902.Integer32(-2147483648)),
    ((1, 3, 6, 1, 2, 1, 1, 2, 0), rfc1902.ObjectIdentifier((1, 3, 6, 1, 4, 1, 9, 1, 222))),
    ((1, 3, 6, 1, 2, 1, 4, 20, 1, 1), rfc1902.IpAddress("10.40.0.10")),
    ((1, 3, 6, 1, 2, 1, 2, 2, 1, 10, 1), rfc1902.Counter32(4294967295)),
    ((1, 3, 6, 1, 2, 1, 2, 2, 1, 5, 1), rfc1902.Gauge32(155000000)),
    ((1, 3, 6, 1, 2, 1, 1, 3, 0), rfc1902.TimeTicks(200000000)),
    ((1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, 1), rfc1902.Counter64(18446744073709551615)),
    ((1, 3, 6, 1, 4, 1, 99999, 1), rfc1902.Opaque(b"\x9f\x78\x04")),
]


def _response(varbinds, request_id: int = 4242, community: str = "lg-ro") -> bytes:
    pdu = V2C.GetResponsePDU()
    V2C.apiPDU.set_defaults(pdu)
    V2C.apiPDU.set_request_id(pdu, request_id)
    V2C.apiPDU.set_varbinds(pdu, varbinds)
    msg = V2C.Message()
    V2C.apiMessage.set_defaults(msg)
    V2C.apiMessage.set_community(msg, community)
    V2C.apiMessage.set_pdu(msg, pdu)
    return encoder.encode(msg)


def test_every_value_type_reads_as_the_pysnmp_path_prints_it() -> None:
    community, response = snmpv2c.decode_response(_response(VALUES))
    assert (community, response.request_id, response.error_status) == (b"lg-ro", 4242, 0)
    assert [vb.text() for vb in response.varbinds] == \
        [snmp.format_varbind(oid, value) for oid, value in VALUES]


def test_the_exceptions_are_flagged_not_read_as_values() -> None:
    oid = (1, 3, 6, 1, 2, 1, 37, 1, 7, 1, 13)
    _, response = snmpv2c.decode_response(_response([
        (oid, rfc1905.NoSuchObject("")), (oid, rfc1905.NoSuchInstance("")),
        (oid, rfc1905.EndOfMibView(""))]))
    assert [vb.tag for vb in response.varbinds] == [snmpv2c.NO_SUCH_OBJECT,
                                                    snmpv2c.NO_SUCH_INSTANCE,
                                                    snmpv2c.END_OF_MIB_VIEW]
    assert all(vb.exception for vb in response.varbinds)


def test_a_request_decodes_in_pysnmp_as_the_getbulk_it_is() -> None:
    from pyasn1.codec.ber import decoder
    oids = [(1, 3, 6, 1, 2, 1, 37, 1, 7, 1, 3), (1, 3, 6, 1, 2, 1, 37, 1, 11, 1, 8, 1, 3, 0, 200)]
    msg, rest = decoder.decode(snmpv2c.encode_getbulk(b"lg-ro", 77, 25, oids),
                               asn1Spec=V2C.Message())
    pdu = V2C.apiMessage.get_pdu(msg)
    assert not rest and V2C.apiMessage.get_community(msg) == b"lg-ro"
    assert int(V2C.apiBulkPDU.get_request_id(pdu)) == 77
    assert int(V2C.apiBulkPDU.get_max_repetitions(pdu)) == 25
    assert [tuple(oid) for oid, _ in V2C.apiBulkPDU.get_varbinds(pdu)] == oids


def test_every_truncation_and_a_bad_length_is_refused() -> None:
    whole = _response(VALUES)
    for cut in range(len(whole)):
        with pytest.raises(snmpv2c.BerError):
            snmpv2c.decode_response(whole[:cut])
    with pytest.raises(snmpv2c.BerError):
        snmpv2c.decode_response(b"\x30\x85\xff\xff\xff\xff\xff" + whole[2:])
    with pytest.raises(snmpv2c.BerError):
        snmpv2c.decode_response(b"\x02\x01\x00")


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    with Fleet.start(sites=1, devices=3, out_dir=tmp_path_factory.mktemp("fleet")) as running:
        yield running


def test_a_walk_reads_the_same_by_the_lean_path_and_by_pysnmp(fleet, monkeypatch) -> None:
    dev = fleet.by_platform("atm_mib")[0]
    device = Device(name=dev.name, platform="atm_mib", site=dev.site, method="snmp",
                    host="127.0.0.1", port=dev.port, credentials="lab-snmp")
    cred = Credential("lab-snmp", community=CREDENTIALS["lab-snmp"]["community"])

    def walk() -> str:
        target = asyncio.run(snmp.poll(device, cred, profiles.get("atm_mib"), timeout=20,
                                       retries=1, mask_key=MASK_KEY))
        assert target.status == "ok", target.error
        return target.artifact("snmp-walk").text()

    lean = walk()
    monkeypatch.setattr(snmp, "PYSNMP_FOR_V2C", True)
    assert walk() == lean and lean.count("\n") > 100
