#!/usr/bin/python3
# impacket's endpoint-mapper client (impacket.dcerpc.v5.epm) against asidl's mapper on
# 127.0.0.1:PORT, where the test registered interface IFACE (UUID, major.minor) at TCP port
# TCP_PORT and ncalrpc endpoint LRPC_NAME, with ANNOTATION. Checks that:
#   - hept_map (impacket's tower, asidl's decoder) finds the TCP port;
#   - an interface nobody registered is ept_s_not_registered;
#   - hept_lookup lists both entries, and the towers asidl's RpcEpRegister encoded are byte for
#     byte the towers impacket's own classes build;
#   - ept_lookup with max_ents 1 continues through the entry_handle context handle.
# Prints TAP lines.  usage: impacket_epm.py PORT IFACE_UUID VERSION TCP_PORT LRPC_NAME ANNOTATION
import socket
import sys

from impacket.dcerpc.v5 import epm, transport
from impacket.dcerpc.v5.rpcrt import DCERPCException
from impacket.uuid import uuidtup_to_bin
import tap

port, iface_uuid, version, tcp_port, lrpc_name, annotation = sys.argv[1:7]
tcp_port = int(tcp_port)
IFACE = uuidtup_to_bin((iface_uuid, version))
NDR = uuidtup_to_bin(('8a885d04-1ceb-11c9-9fe8-08002b104860', '2.0'))
UNKNOWN = uuidtup_to_bin(('4a2d5e6f-1b3c-4d8e-9f0a-7b6c5d4e3f21', '1.0'))


def connect():
    t = transport.DCERPCTransportFactory('ncacn_ip_tcp:127.0.0.1[%s]' % port)
    t.set_connect_timeout(5)
    dce = t.get_dce_rpc()
    dce.connect()
    return dce




def floors_prefix():
    interface = epm.EPMRPCInterface()
    interface['InterfaceUUID'] = IFACE[:16]
    interface['MajorVersion'] = int.from_bytes(IFACE[16:18], 'little')
    interface['MinorVersion'] = int.from_bytes(IFACE[18:20], 'little')
    data_rep = epm.EPMRPCDataRepresentation()
    data_rep['DataRepUuid'] = NDR[:16]
    data_rep['MajorVersion'] = 2
    data_rep['MinorVersion'] = 0
    prot = epm.EPMProtocolIdentifier()
    prot['ProtIdentifier'] = epm.FLOOR_RPCV5_IDENTIFIER
    return interface.getData() + data_rep.getData() + prot.getData()


def expected_tcp_tower():
    port_addr = epm.EPMPortAddr()
    port_addr['IpPort'] = tcp_port
    host = epm.EPMHostAddr()
    host['Ip4addr'] = socket.inet_aton('0.0.0.0')
    tower = epm.EPMTower()
    tower['NumberOfFloors'] = 5
    tower['Floors'] = floors_prefix() + port_addr.getData() + host.getData()
    return tower.getData()


def expected_lrpc_tower():
    name = epm.EPMFloor()
    name['LHSByteCount'] = 1
    name['ProtocolData'] = b'\x10'
    name['RelatedData'] = lrpc_name.encode() + b'\0'
    name['RHSByteCount'] = len(name['RelatedData'])
    tower = epm.EPMTower()
    tower['NumberOfFloors'] = 4
    tower['Floors'] = floors_prefix() + name.getData()
    return tower.getData()


def hept_map_finds_the_tcp_port():
    dce = connect()
    got = epm.hept_map('127.0.0.1', IFACE, protocol='ncacn_ip_tcp', dce=dce)
    assert got == 'ncacn_ip_tcp:127.0.0.1[%d]' % tcp_port, got
    dce.disconnect()


def unknown_interface_is_not_registered():
    dce = connect()
    try:
        epm.hept_map('127.0.0.1', UNKNOWN, protocol='ncacn_ip_tcp', dce=dce)
        raise AssertionError('mapped an interface nobody registered')
    except DCERPCException as e:
        assert e.get_error_code() == 0x16c9a0d6, str(e)
    dce.disconnect()


def raw_lookup(dce):
    # ept_lookup as hept_lookup makes it, keeping each tower's octets as they came
    dce.bind(epm.MSRPC_UUID_PORTMAP)
    req = epm.ept_lookup()
    req['inquiry_type'] = epm.RPC_C_EP_ALL_ELTS
    req['object'] = epm.NULL
    req['Ifid'] = epm.NULL
    req['vers_option'] = epm.RPC_C_VERS_ALL
    req['entry_handle'] = epm.ept_lookup_handle_t()
    req['max_ents'] = 500
    resp = dce.request(req)
    return [(b''.join(e['tower']['tower_octet_string']), b''.join(e['annotation']))
            for e in resp['entries'][:resp['num_ents']]]


def lookup_lists_the_towers_impacket_would_build():
    dce = connect()
    entries = epm.hept_lookup(None, dce=dce)
    mine = [e for e in entries if e['tower']['Floors'][0]['InterfaceUUID'] == IFACE[:16]]
    assert len(mine) == 2, entries
    bindings = sorted(epm.PrintStringBinding(e['tower']['Floors']) for e in mine)
    assert bindings == sorted(['ncacn_ip_tcp:0.0.0.0[%d]' % tcp_port, 'ncalrpc:[%s]' % lrpc_name]), bindings
    assert all(e['annotation'].rstrip(b'\0') == annotation.encode() for e in mine), mine
    dce.disconnect()
    dce = connect()
    raw = sorted(t for t, _ in raw_lookup(dce) if t[2 + 3:2 + 3 + 16] == IFACE[:16])
    want = sorted([expected_tcp_tower(), expected_lrpc_tower()])
    assert raw == want, (raw, want)
    dce.disconnect()


def lookup_continues_through_the_entry_handle():
    dce = connect()
    dce.bind(epm.MSRPC_UUID_PORTMAP)
    handle = epm.ept_lookup_handle_t()
    seen = 0
    for _ in range(20):
        req = epm.ept_lookup()
        req['inquiry_type'] = epm.RPC_C_EP_ALL_ELTS
        req['object'] = epm.NULL
        req['Ifid'] = epm.NULL
        req['vers_option'] = epm.RPC_C_VERS_ALL
        req['entry_handle'] = handle
        req['max_ents'] = 1
        resp = dce.request(req)
        assert resp['num_ents'] == 1, resp['num_ents']
        seen += 1
        handle = resp['entry_handle']
        if handle.isNull():
            break
    assert seen >= 2, seen
    assert handle.isNull()
    dce.disconnect()


tap.test('impacket_hept_map_finds_the_registered_tcp_port', hept_map_finds_the_tcp_port)
tap.test('impacket_ept_map_of_an_unknown_interface_is_ept_s_not_registered', unknown_interface_is_not_registered)
tap.test('impacket_hept_lookup_sees_towers_byte_identical_to_its_own', lookup_lists_the_towers_impacket_would_build)
tap.test('impacket_ept_lookup_continues_through_the_context_handle', lookup_continues_through_the_entry_handle)
sys.exit(tap.exit_status())
