#!/usr/bin/python3
# impacket (an independent DCE/RPC implementation) as the client of an asidl server running
# the test interface of tests/unit/echo_server.h on 127.0.0.1:PORT. Prints TAP lines.
#   usage: impacket_client.py PORT
import socket
import struct
import sys

from impacket.dcerpc.v5 import transport
from impacket.dcerpc.v5.rpcrt import (DCERPCException, MSRPCHeader, MSRPC_CO_CANCEL,
                                      PFC_FIRST_FRAG, PFC_LAST_FRAG)
from impacket.uuid import uuidtup_to_bin, string_to_bin
import tap

IFACE = ('b3c3b2a6-6f3e-4c9d-9a41-2f0d8e7c5a11', '1.0')
IFACE2 = ('0d9a5c37-2b41-4a8e-b7f3-5e6c1d2a9b04', '3.2')
UNKNOWN = ('5f0e7e1d-9c8b-4a3f-8e2d-1c0b9a8f7e6d', '1.0')
OBJECT = 'c1a2b3d4-e5f6-4718-9a0b-1c2d3e4f5a6b'

port = int(sys.argv[1])


def connect(iface=IFACE):
    t = transport.DCERPCTransportFactory('ncacn_ip_tcp:127.0.0.1[%d]' % port)
    t.set_connect_timeout(5)
    dce = t.get_dce_rpc()
    dce.connect()
    if iface is not None:
        dce.bind(uuidtup_to_bin(iface))
    return dce


def raw_call(dce, opnum, data, uuid=None):
    dce.call(opnum, data, uuid)
    return dce.recv()




def echo():
    dce = connect()
    for size in (0, 1, 100, 4000):
        data = bytes((i * 7) & 0xFF for i in range(size))
        assert raw_call(dce, 0, data) == data, size
    dce.disconnect()


def large_requests_and_responses_fragment():
    dce = connect()
    data = bytes((i * 13) & 0xFF for i in range(200000))
    assert raw_call(dce, 0, data) == data
    dce.disconnect()


def small_fragments():
    dce = connect()
    dce.set_max_fragment_size(16)
    data = bytes(range(256)) * 3
    assert raw_call(dce, 0, data) == data
    dce.disconnect()


def object_uuid():
    dce = connect()
    got = raw_call(dce, 1, b'', uuid=string_to_bin(OBJECT))
    assert got == string_to_bin(OBJECT), got.hex()
    assert raw_call(dce, 1, b'') == b'\0' * 16
    dce.disconnect()


def unknown_opnum_faults_and_connection_survives():
    dce = connect()
    try:
        raw_call(dce, 9, b'abcd')
        raise AssertionError('no fault')
    except DCERPCException as e:
        assert 'nca_s_op_rng_error' in str(e), str(e)
    assert raw_call(dce, 0, b'still here') == b'still here'
    dce.disconnect()


def application_fault_status_travels_unchanged():
    dce = connect()
    try:
        raw_call(dce, 4, struct.pack('<I', 0x12345678))
        raise AssertionError('no fault')
    except DCERPCException as e:
        # impacket names the status codes it knows and prints the others in hex
        assert '12345678' in str(e), str(e)
    dce.disconnect()


def alter_context_to_a_second_interface():
    dce = connect()
    dce2 = dce.alter_ctx(uuidtup_to_bin(IFACE2))
    assert raw_call(dce2, 0, b'second') == b'second'
    assert raw_call(dce, 0, b'first') == b'first'
    dce.disconnect()


def bind_to_an_unknown_interface_is_rejected():
    dce = connect(None)
    try:
        dce.bind(uuidtup_to_bin(UNKNOWN))
        raise AssertionError('bind accepted')
    except DCERPCException as e:
        assert 'abstract_syntax_not_supported' in str(e) or 'Bind context' in str(e), str(e)
    dce.disconnect()


def pipelined_calls_complete_out_of_order():
    dce = connect()
    # Three requests sent before any reply is read; the server completes them from other
    # threads after 300, 150 and 0 ms, so the replies come back in the reverse order.
    for delay in (300, 150, 0):
        dce.call(2, struct.pack('<I', delay) + b'x' * 8)
    got = [struct.unpack('<I', dce.recv()[:4])[0] for _ in range(3)]
    assert got == [0, 150, 300], got
    dce.disconnect()


def co_cancel_reaches_the_server():
    dce = connect()
    dce.call(3, b'')
    call_id = dce._DCERPC_v5__callid - 1
    cancel = MSRPCHeader()
    cancel['type'] = MSRPC_CO_CANCEL
    cancel['flags'] = PFC_FIRST_FRAG | PFC_LAST_FRAG
    cancel['call_id'] = call_id
    dce.get_rpc_transport().send(cancel.get_packet())
    try:
        dce.recv()
        raise AssertionError('no fault')
    except DCERPCException as e:
        assert 'nca_s_fault_cancel' in str(e), str(e)
    assert raw_call(dce, 0, b'after cancel') == b'after cancel'
    dce.disconnect()


def garbage_from_another_client_does_not_disturb():
    s = socket.create_connection(('127.0.0.1', port), timeout=5)
    s.sendall(b'GET / HTTP/1.0\r\n\r\n')
    s.settimeout(5)
    assert s.recv(100) == b''          # closed without an answer
    s.close()
    dce = connect()
    assert raw_call(dce, 0, b'fine') == b'fine'
    dce.disconnect()


tap.test('impacket_echo_calls', echo)
tap.test('impacket_large_request_and_response_are_fragmented', large_requests_and_responses_fragment)
tap.test('impacket_16_byte_fragments_are_reassembled', small_fragments)
tap.test('impacket_object_uuid_reaches_the_dispatcher', object_uuid)
tap.test('impacket_unknown_opnum_faults_and_connection_survives', unknown_opnum_faults_and_connection_survives)
tap.test('impacket_application_fault_status_travels_unchanged', application_fault_status_travels_unchanged)
tap.test('impacket_alter_context_to_a_second_interface', alter_context_to_a_second_interface)
tap.test('impacket_bind_to_unknown_interface_is_rejected', bind_to_an_unknown_interface_is_rejected)
tap.test('impacket_pipelined_calls_complete_out_of_order', pipelined_calls_complete_out_of_order)
tap.test('impacket_co_cancel_reaches_the_server', co_cancel_reaches_the_server)
tap.test('impacket_garbage_from_another_client_does_not_disturb', garbage_from_another_client_does_not_disturb)
sys.exit(tap.exit_status())
