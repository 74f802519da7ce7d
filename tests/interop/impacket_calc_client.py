#!/usr/bin/python3
# impacket as the client of an asidl server built from the stub-level runtime: the calc and
# peek interfaces of tests/unit/calc_iface.h, served by the manager routines of calc_server.h
# through RpcServerRegisterIf and the libffi dispatcher, on 127.0.0.1:PORT. The calls go
# through a recording relay; the capture is then checked by tshark. Prints TAP lines.
#   usage: impacket_calc_client.py PORT PCAP
import sys

from impacket.dcerpc.v5 import transport
from impacket.dcerpc.v5.rpcrt import DCERPCException, rpc_status_codes
from impacket.uuid import string_to_bin, uuidtup_to_bin

import calc_ndr as c
from capture import Relay, check_capture
import tap

server_port = int(sys.argv[1])
pcap = sys.argv[2]
relay = Relay(server_port)
OBJECT = 'c1a2b3d4-e5f6-4718-9a0b-1c2d3e4f5a6b'


def connect(iface=c.CALC):
    t = transport.DCERPCTransportFactory('ncacn_ip_tcp:127.0.0.1[%d]' % relay.port)
    t.set_connect_timeout(5)
    dce = t.get_dce_rpc()
    dce.connect()
    dce.bind(uuidtup_to_bin(iface))
    return dce


def request(dce, req, uuid=None):
    return dce.request(req, uuid=uuid, checkError=False)




def fault_text(status):
    # how impacket names a fault status (rpcrt.DCERPC_v5.recv): by its table, else in hex
    if status in rpc_status_codes:
        return rpc_status_codes[status]
    if status & 0xffff in rpc_status_codes:
        return rpc_status_codes[status & 0xffff]
    return '%.8x' % status


def expect_fault(fn, status):
    try:
        fn()
    except DCERPCException as e:
        assert fault_text(status) in str(e), '%s, wanted 0x%x' % (e, status)
        return
    raise AssertionError('no fault')


def longs(values):
    out = []
    for v in values:
        item = c.LONG()
        item['Data'] = v
        out.append(item)
    return out


def types_round_trip():
    dce = connect()
    r = c.Add()
    r['a'] = 40
    r['b'] = 2
    resp = request(dce, r)
    assert resp['sum'] == 42 and resp['ret'] == 0, resp.dump()
    r = c.Scale()
    r['x'] = 1.5
    r['f'] = 2.5
    assert request(dce, r)['ret'] == 3.75
    r = c.Echo()
    r['text'] = 'h\u00e9llo w\u00f6rld\0'
    assert request(dce, r)['out'] == 'dlr\u00f6w oll\u00e9h\0'
    r = c.Sum()
    r['n'] = 4
    r['values'] = longs([1, 2, 3, -10])
    assert request(dce, r)['ret'] == -4
    r = c.Mid()
    r['a']['x'] = 10
    r['a']['y'] = 1.0
    r['b']['x'] = 20
    r['b']['y'] = 2.0
    got = request(dce, r)['ret']
    assert got['x'] == 15 and got['y'] == 1.5, got.dump()
    r = c.Big()
    r['v'] = 0x123456789A
    assert request(dce, r)['ret'] == 0x123456789B
    dce.disconnect()


def fragmented_requests_and_responses():
    dce = connect()
    dce.set_max_fragment_size(16)
    r = c.Sum()
    r['n'] = 300
    r['values'] = longs(range(300))
    assert request(dce, r)['ret'] == sum(range(300))
    dce.set_max_fragment_size(1000)
    text = ''.join(chr(ord('a') + i % 26) for i in range(20000))
    r = c.Echo()
    r['text'] = text + '\0'
    assert request(dce, r)['out'] == text[::-1] + '\0'
    dce.disconnect()


def pipelined_calls():
    dce = connect()
    for i in range(5):
        r = c.Add()
        r['a'] = i
        r['b'] = 100
        dce.call(r.opnum, r)
    sums = sorted(c.AddResponse(dce.recv())['sum'] for _ in range(5))
    assert sums == [100, 101, 102, 103, 104], sums
    dce.disconnect()


def object_uuid():
    dce = connect()
    resp = request(dce, c.Whoami(), uuid=string_to_bin(OBJECT))
    assert resp['object'] == string_to_bin(OBJECT), resp['object']
    assert resp['client'] == 'ncacn_ip_tcp:127.0.0.1\0', resp['client']
    assert request(dce, c.Whoami())['object'] == b'\0' * 16
    dce.disconnect()


def context_handles_and_alter_context():
    dce = connect()
    r = c.Open()
    r['v'] = 77
    resp = request(dce, r)
    handle = resp['ph']
    assert handle['uuid'] != b'\0' * 16
    rd = c.Read()
    rd['h'] = handle
    assert request(dce, rd)['ret'] == 77
    peek = dce.alter_ctx(uuidtup_to_bin(c.PEEK))
    pk = c.PeekLoose()
    pk['h'] = handle
    assert request(peek, pk)['ret'] == 77
    cl = c.Close()
    cl['ph'] = handle
    assert request(dce, cl)['ph']['uuid'] == b'\0' * 16
    expect_fault(lambda: request(dce, rd), c.NCA_S_FAULT_CONTEXT_MISMATCH)
    dce.disconnect()


def faults():
    dce = connect()
    # an opnum calc does not have
    dce.call(30, b'')
    expect_fault(dce.recv, c.NCA_S_OP_RNG_ERROR)
    # an exception raised by the manager routine
    f = c.Fail()
    f['code'] = 0x12345678
    expect_fault(lambda: request(dce, f), 0x12345678)
    # stub data that does not decode
    dce.call(0, b'\x01\x02')
    expect_fault(dce.recv, c.RPC_X_BAD_STUB_DATA)
    # the connection survived all of it
    r = c.Add()
    r['a'] = 1
    r['b'] = 1
    assert request(dce, r)['sum'] == 2
    dce.disconnect()


tap.test('impacket_calls_asidl_managers_with_several_types', types_round_trip)
tap.test('impacket_fragmented_requests_and_responses', fragmented_requests_and_responses)
tap.test('impacket_pipelined_calls', pipelined_calls)
tap.test('impacket_object_uuid_reaches_the_manager', object_uuid)
tap.test('impacket_context_handles_across_alter_context', context_handles_and_alter_context)
tap.test('impacket_faults_unknown_opnum_exception_bad_stub_data', faults)
relay.stop()
relay.write_pcap(pcap, server_port)
sys.exit(tap.exit_status(check_capture(pcap, server_port, 'impacket_client', [0, 2, 3, 11, 12, 14, 15])))
