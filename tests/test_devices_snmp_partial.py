"""An SNMP agent that stops answering in the middle of a walk: what was read is kept, marked
partial, and never taken for the device's line data."""

from __future__ import annotations

import asyncio
import threading

import pytest

from lineguard.agent.devices import profiles, snmp
from lineguard.agent.devices.credentials import Credential
from lineguard.agent.devices.inventory import Device
from lineguard.collector.parse.device import IncompleteTarget, line_data
from lineguard.sim.snmp import FleetSnmpAgent, SnmpCredentials
from lineguard.sim.state import build_device
from tests.devicefleet import MASK_KEY

# What a device that does answer may take on a loaded machine: only silence waits this long.
SLOW_OK = 10.0


@pytest.fixture
def big_switch():
    """One ATM switch with enough rows that a walk needs many requests."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    state = build_device("atm-big-01", "atm_mib", "kobe", 1, cross_connects=1200)

    async def start():
        agent = FleetSnmpAgent(SnmpCredentials())
        return agent, agent.add_device(state, 0)

    agent, port = asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    # The simulated agent builds its OID table on the first request (seconds, on a loaded
    # machine): done here, so that the tests' one-second timeouts time the walk itself.
    warm = Device(name="atm-big-01", platform="atm_mib", site="kobe", method="snmp",
                  host="127.0.0.1", port=port, credentials="lab-snmp")
    asyncio.run(snmp.poll(warm, Credential("lab-snmp", community=SnmpCredentials.community),
                          profiles.get("atm_mib"), timeout=30, retries=1, mask_key=MASK_KEY))
    yield state, port

    async def shutdown():
        agent.close()
        pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    asyncio.run_coroutine_threadsafe(shutdown(), loop).result(5)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)
    loop.close()


def test_an_agent_falling_silent_mid_walk_gives_partial_with_rows_kept(big_switch):
    state, port = big_switch
    device = Device(name="atm-big-01", platform="atm_mib", site="kobe", method="snmp",
                    host="127.0.0.1", port=port, credentials="lab-snmp")
    cred = Credential("lab-snmp", community=SnmpCredentials.community)

    # Answers 20 requests of the walk, then nothing. The budget is generous so that answers
    # given on a loaded machine still count: only the requests after the silence time out.
    state.faults.snmp_silent_after = 20
    target = asyncio.run(snmp.poll(device, cred, profiles.get("atm_mib"), timeout=SLOW_OK,
                                   retries=0, mask_key=MASK_KEY))
    assert target.status == "partial", target.error
    walk = target.artifact("snmp-walk")
    assert walk.error and "no response" in walk.error and "community" not in walk.error
    assert 0 < walk.meta["varbinds"] < 12 * 1200
    with pytest.raises(IncompleteTarget):
        line_data(target)


def test_an_agent_answering_no_rows_at_all_is_never_an_ok_empty_walk(big_switch):
    """A view that hides every column answers at once, and with nothing: not line data."""
    _, port = big_switch
    device = Device(name="atm-big-01", platform="atm_mib", site="kobe", method="snmp",
                    host="127.0.0.1", port=port, credentials="lab-snmp")
    cred = Credential("lab-snmp", community=SnmpCredentials.community)
    hidden = profiles.Profile(name="hidden-view", methods=("snmp",),
                              walks=(profiles.Walk("private", "1.3.6.1.4.1.99999.1"),
                                     profiles.Walk("private2", "1.3.6.1.4.1.99999.2")))
    target = asyncio.run(snmp.poll(device, cred, hidden, timeout=SLOW_OK, retries=0,
                                   mask_key=MASK_KEY))
    assert target.status == "partial" and target.artifacts == ()
    assert "no rows at all" in target.error


def test_one_unusable_v3_credential_fails_only_its_own_device(big_switch):
    _, port = big_switch
    good = Device(name="atm-big-01", platform="atm_mib", site="kobe", method="snmp",
                  host="127.0.0.1", port=port, credentials="lab-snmp")
    odd = Device(name="atm-odd-01", platform="atm_mib", site="kobe", method="snmp",
                 host="127.0.0.1", port=port, credentials="odd-v3", snmp_version="3")
    jobs = [(odd, Credential("odd-v3", user="lgv3", priv_key="priv-without-auth"),
             profiles.get("atm_mib")),
            (good, Credential("lab-snmp", community=SnmpCredentials.community),
             profiles.get("atm_mib"))]
    odd_target, good_target = asyncio.run(snmp.poll_many(jobs, concurrency=4, timeout=SLOW_OK,
                                                         retries=0, mask_key=MASK_KEY))
    assert odd_target.status == "auth-failed" and "unusable SNMP credentials" in odd_target.error
    assert good_target.status == "ok"
