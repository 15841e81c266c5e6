"""What the simulated devices say when they change: syslog in each platform's own format, and
SNMP notifications, sent to a configured collector address as real devices do.

IOS: `%SYS-5-CONFIG_I` when configuration mode is left after a change (`logging origin-id
hostname`, so the hostname stands in the header, as operators configure when several devices
log through one address). Junos: `UI_COMMIT` and `UI_COMMIT_COMPLETED` on commit, BSD format
with the hostname. SNMP-only ATM switches: CISCO-CONFIG-MAN-MIB `ciscoConfigManEvent` as a
v2c trap with `sysName.0`, after a SET changed their tables."""

from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass
from datetime import datetime

from pyasn1.codec.ber import encoder
from pysnmp.proto import api

from lineguard.sim.state import DeviceState

CISCO_CONFIG_MAN_EVENT = (1, 3, 6, 1, 4, 1, 9, 9, 43, 2, 0, 1)
SYS_NAME = (1, 3, 6, 1, 2, 1, 1, 5, 0)
_LOCAL7_NOTICE = 23 * 8 + 5       # <189>: facility local7, severity notice (IOS's default)
_USER_NOTICE = 1 * 8 + 5


@dataclass(frozen=True)
class EventSender:
    """Where the fleet's devices send syslog (UDP) and notifications; None: not sent."""

    syslog: tuple[str, int] | None = None
    traps: tuple[str, int] | None = None
    community: str = "public"

    def config_changed(self, state: DeviceState, user: str, peer: str) -> None:
        if state.platform == "cisco_ios":
            where = (f"{peer} by snmp" if user == "snmp" else
                     f"console by {user} on vty0 ({peer})")
            self._syslog(_LOCAL7_NOTICE, self._ios(state, f"%SYS-5-CONFIG_I: Configured from "
                                                          f"{where}"))
        elif state.platform == "juniper_junos":
            pid = 4000 + state.version % 1000
            for text in (f"UI_COMMIT: User '{user}' requested 'commit' operation (comment: none)",
                         "UI_COMMIT_COMPLETED: commit complete"):
                self._syslog(_USER_NOTICE, f"{_bsd_time(state)} {state.hostname} mgd[{pid}]: "
                                           f"{text}")
        else:
            self._trap(state)

    def _ios(self, state: DeviceState, text: str) -> str:
        now = state.local_now()
        stamp = f"{now:%b} {now.day:2d} {now:%H:%M:%S}.{now.microsecond // 1000:03d} {state.tz_name}"
        return f"{state.version}: {state.hostname}: *{stamp}: {text}"

    def _syslog(self, pri: int, text: str) -> None:
        if self.syslog is None:
            return
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(f"<{pri}>{text}".encode(), self.syslog)

    def _trap(self, state: DeviceState) -> None:
        if self.traps is None:
            return
        v2c = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
        pdu = v2c.TrapPDU()
        v2c.apiTrapPDU.set_defaults(pdu)
        v2c.apiTrapPDU.set_request_id(pdu, int.from_bytes(os.urandom(3), "big"))
        uptime = int((time.time() - state.booted.timestamp()) * 100) % 2**32
        v2c.apiTrapPDU.set_varbinds(pdu, [
            (v2c.apiTrapPDU.sysUpTime, v2c.TimeTicks(uptime)),
            (v2c.apiTrapPDU.snmpTrapOID, v2c.ObjectIdentifier(CISCO_CONFIG_MAN_EVENT)),
            (SYS_NAME, v2c.OctetString(state.hostname))])
        msg = v2c.Message()
        v2c.apiMessage.set_defaults(msg)
        v2c.apiMessage.set_community(msg, self.community)
        v2c.apiMessage.set_pdu(msg, pdu)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(encoder.encode(msg), self.traps)


def _bsd_time(state: DeviceState) -> str:
    now: datetime = state.local_now()
    return f"{now:%b} {now.day:2d} {now:%H:%M:%S}"
