"""SNMP-only ATM transmission devices: IF-MIB names and the RFC 2515 ATM-MIB link and
cross-connect tables, walked column by column with numeric OIDs."""

from __future__ import annotations

from lineguard.agent.devices.profiles import (
    CISCO_CONFIG_MAN_EVENT,
    JNX_CM_CFG_CHANGE,
    LINK_DOWN,
    LINK_UP,
    Profile,
    Walk,
    register,
)

IF_DESCR = "1.3.6.1.2.1.2.2.1.2"
IF_TYPE = "1.3.6.1.2.1.2.2.1.3"
IF_NAME = "1.3.6.1.2.1.31.1.1.1.1"
ATM = "1.3.6.1.2.1.37.1"
TRAFFIC_DESCR = f"{ATM}.5.1"     # atmTrafficDescrParamEntry
VPL = f"{ATM}.6.1"               # atmVplEntry: ifIndex.vpi
VCL = f"{ATM}.7.1"               # atmVclEntry: ifIndex.vpi.vci
VP_XC = f"{ATM}.9.1"             # atmVpCrossConnectEntry: xc.lowIf.lowVpi.highIf.highVpi
VC_XC = f"{ATM}.11.1"            # atmVcCrossConnectEntry: xc.lowIf.lowVpi.lowVci.highIf.highVpi.highVci

# Only the columns the line data needs: each row's existence shows in its RowStatus column, and
# the traffic descriptors give service class and rates so SNMP and CLI rows can be compared.
WALKS = (
    Walk("ifDescr", IF_DESCR),
    Walk("ifType", IF_TYPE),
    Walk("ifName", IF_NAME),
    Walk("atmTrafficDescrType", f"{TRAFFIC_DESCR}.2"),
    Walk("atmTrafficDescrParam1", f"{TRAFFIC_DESCR}.3"),
    Walk("atmTrafficDescrParam2", f"{TRAFFIC_DESCR}.4"),
    Walk("atmServiceCategory", f"{TRAFFIC_DESCR}.10"),
    Walk("atmVplAdminStatus", f"{VPL}.2"),
    Walk("atmVplReceiveTrafficDescrIndex", f"{VPL}.5"),
    Walk("atmVplTransmitTrafficDescrIndex", f"{VPL}.6"),
    Walk("atmVplRowStatus", f"{VPL}.8"),
    Walk("atmVclAdminStatus", f"{VCL}.3"),
    Walk("atmVclReceiveTrafficDescrIndex", f"{VCL}.6"),
    Walk("atmVclTransmitTrafficDescrIndex", f"{VCL}.7"),
    Walk("atmVccAal5EncapsType", f"{VCL}.11"),
    Walk("atmVclRowStatus", f"{VCL}.13"),
    Walk("atmVpCrossConnectAdminStatus", f"{VP_XC}.6"),
    Walk("atmVpCrossConnectRowStatus", f"{VP_XC}.11"),
    Walk("atmVcCrossConnectAdminStatus", f"{VC_XC}.8"),
    Walk("atmVcCrossConnectRowStatus", f"{VC_XC}.13"),
)

PROFILE = register(Profile(
    name="atm_mib",
    methods=("snmp",),
    walks=WALKS,
    # ATM switches managed only over SNMP say a change through their vendor's config-change
    # notification (Cisco's LS1010/8500 family, Juniper) or a link going down or up.
    change_notifications=(CISCO_CONFIG_MAN_EVENT, JNX_CM_CFG_CHANGE, LINK_DOWN, LINK_UP),
))
