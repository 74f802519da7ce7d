#!/usr/bin/python3
# Asynchronous RPC proved from outside: impacket (an independent DCE/RPC implementation) binds
# to an asidl server whose [async] manager Hold keeps every call (tests/rpc/test_async_wire.c,
# interface tests/rpc/async_wire.idl), sends raw request, co_cancel and orphaned PDUs, and tells
# the server, over a line protocol, when and how to end each held call. It checks every answer
# on the wire (decoded by impacket), then the capture of the whole run with tshark. Prints TAP.
#   usage: impacket_async_wire.py PORT PCAP   (stdin/stdout: the server's command channel)
#
# What asidl puts on the wire, as checked here:
#   - pipelined calls are answered in the order the server completes them, not the order sent;
#   - a call the manager aborts after the client's co_cancel: fault nca_s_fault_cancel
#     (0x1C00000D), cancel_count = the number of co_cancel PDUs the server saw for the call
#     (C706: the count of cancels received), DID_NOT_EXECUTE clear;
#   - RpcAsyncAbortCall(code): fault with status = code unchanged, cancel_count 0;
#   - an orphaned call: never answered (its RpcAsyncCompleteCall succeeds and sends nothing);
#   - calls pending when the client leaves: RpcAsyncCompleteCall/AbortCall return
#     RPC_S_CALL_FAILED (1726) and the server goes on serving new connections.
import shutil
import struct
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

try:
    from impacket.dcerpc.v5 import transport
    from impacket.dcerpc.v5.dtypes import LONG, LONGLONG
    from impacket.dcerpc.v5.ndr import NDRCALL, NDRUniConformantArray
    from impacket.dcerpc.v5.rpcrt import (MSRPC_CO_CANCEL, MSRPC_FAULT, MSRPC_ORPHANED, MSRPC_RESPONSE,
                                          MSRPCHeader, MSRPCRequestHeader, MSRPCRespHeader,
                                          PFC_DID_NOT_EXECUTE, PFC_FIRST_FRAG, PFC_LAST_FRAG)
    from impacket.uuid import uuidtup_to_bin
except ImportError:
    print('ok - impacket_async_wire # SKIP python3-impacket is not installed')
    sys.exit(0)

from capture import Relay
import tap

AWIRE = ('8e3f6a12-4c7b-4d59-9a2e-71b0c5d3e8f4', '1.0')

RPC_S_OK = 0
RPC_S_INVALID_ARG = 87
RPC_S_CALL_FAILED = 1726
RPC_S_CALL_IN_PROGRESS = 1791
RPC_S_CALL_CANCELLED = 1818
NCA_S_FAULT_CANCEL = 0x1C00000D
APP_CODE = 0x12345678

server_port = int(sys.argv[1])
pcap = sys.argv[2]
relay = Relay(server_port)


# ---- the interface, written with impacket's NDR classes --------------------------------------

class LONG_ARRAY(NDRUniConformantArray):
    item = LONG


class Hold(NDRCALL):          # long Hold(h, [in] tag, [in] n, [out, size_is(n)] long *values,
    opnum = 0                 #           [in, out] long *counter, [out] hyper *stamp)
    structure = (('tag', LONG), ('n', LONG), ('counter', LONG))


class HoldResponse(NDRCALL):
    structure = (('values', LONG_ARRAY), ('counter', LONG), ('stamp', LONGLONG), ('ret', LONG))


class Ping(NDRCALL):          # long Ping(h, [in] long v): v + 1, synchronous
    opnum = 1
    structure = (('v', LONG),)


class PingResponse(NDRCALL):
    structure = (('ret', LONG),)


# ---- the server's command channel ------------------------------------------------------------

def server(command):
    print('@ ' + command)
    sys.stdout.flush()
    answer = sys.stdin.readline()
    if not answer:
        raise AssertionError('server closed its command channel')
    return answer.split()


def server_ok(command):
    answer = server(command)
    assert answer == ['ok'], '%s: %s' % (command, answer)


def server_status(command):
    answer = server(command)
    assert answer[0] == 'status', '%s: %s' % (command, answer)
    return [int(s) for s in answer[1:]]


# ---- raw PDUs over one connection --------------------------------------------------------------

class Connection:
    """Bound by impacket's own client; after that, raw PDUs on its socket."""

    def __init__(self):
        self.transport = transport.DCERPCTransportFactory('ncacn_ip_tcp:127.0.0.1[%d]' % relay.port)
        self.transport.set_connect_timeout(5)
        self.dce = self.transport.get_dce_rpc()
        self.dce.connect()
        self.dce.bind(uuidtup_to_bin(AWIRE))
        self.sock = self.transport.get_socket()
        self.sock.settimeout(5)
        self.conn_number = relay.connections - 1    # the relay numbers connections as they come
        self.next_call_id = 100

    def request_fragments(self, req, split=None):
        """Request PDUs for req (not sent), the stub cut at `split` into two fragments if given;
        returns (call_id, [PDU bytes])."""
        call_id = self.next_call_id
        self.next_call_id += 1
        stub = req.getData()
        pieces = [stub] if split is None else [stub[:split], stub[split:]]
        pdus = []
        for i, piece in enumerate(pieces):
            pdu = MSRPCRequestHeader()
            pdu['flags'] = (PFC_FIRST_FRAG if i == 0 else 0) | (PFC_LAST_FRAG if i == len(pieces) - 1 else 0)
            pdu['call_id'] = call_id
            pdu['ctx_id'] = 0
            pdu['op_num'] = req.opnum
            pdu['alloc_hint'] = len(stub) - sum(len(p) for p in pieces[:i])
            pdu['pduData'] = piece
            pdus.append(pdu.get_packet())
        return call_id, pdus

    def request(self, req):
        """A one-fragment request PDU for req (not sent); returns (call_id, bytes)."""
        call_id, pdus = self.request_fragments(req)
        return call_id, pdus[0]

    def send(self, *pdus):
        self.sock.sendall(b''.join(pdus))

    def header_only(self, ptype, call_id):
        pdu = MSRPCHeader()
        pdu['type'] = ptype
        pdu['flags'] = PFC_FIRST_FRAG | PFC_LAST_FRAG
        pdu['call_id'] = call_id
        return pdu.get_packet()

    def _exactly(self, n):
        data = b''
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise AssertionError('connection closed after %d of %d bytes' % (len(data), n))
            data += chunk
        return data

    def read_fragment(self):
        head = self._exactly(16)
        frag_len = struct.unpack_from('<H', head, 8)[0]
        assert frag_len >= 24, 'a %d-byte PDU of type %d' % (frag_len, head[2])
        return MSRPCRespHeader(head + self._exactly(frag_len - 16))

    def read_answer(self):
        """The next response or fault (their first 24 bytes are alike), its fragments joined:
        they must follow one another, nothing of another call in between."""
        first = self.read_fragment()
        assert first['flags'] & PFC_FIRST_FRAG, 'call %d starts without FIRST_FRAG' % first['call_id']
        answer = {'type': first['type'], 'call_id': first['call_id'], 'cancel_count': first['cancel_count'],
                  'flags': first['flags'], 'stub': first['pduData'], 'fragments': 1}
        last = first
        while not last['flags'] & PFC_LAST_FRAG:
            last = self.read_fragment()
            assert (last['type'], last['call_id']) == (first['type'], first['call_id']), (
                'fragment of call %d inside call %d' % (last['call_id'], first['call_id']))
            assert not last['flags'] & PFC_FIRST_FRAG, last['flags']
            answer['stub'] += last['pduData']
            answer['fragments'] += 1
        return answer

    def read_response(self, call_id, cancels=0):
        answer = self.read_answer()
        assert answer['type'] == MSRPC_RESPONSE, 'type %d (status 0x%x) for call %d' % (
            answer['type'], fault_status(answer), call_id)
        assert answer['call_id'] == call_id, 'response for call %d, expected %d' % (answer['call_id'], call_id)
        assert answer['cancel_count'] == cancels, (answer['cancel_count'], cancels)
        return answer

    def read_fault(self, call_id):
        answer = self.read_answer()
        assert answer['type'] == MSRPC_FAULT, 'type %d for call %d' % (answer['type'], call_id)
        assert answer['call_id'] == call_id, 'fault for call %d, expected %d' % (answer['call_id'], call_id)
        assert len(answer['stub']) == 8, len(answer['stub'])          # status, reserved
        return answer

    def ping(self, v):
        """A synchronous call answered before anything sent after it: a barrier."""
        call_id, pdu = self.request(ping_request(v))
        self.send(pdu)
        got = PingResponse(self.read_response(call_id)['stub'])
        assert got['ret'] == v + 1, got['ret']

    def close(self):
        self.dce.disconnect()


def fault_status(answer):
    return struct.unpack_from('<I', answer['stub'], 0)[0] if answer['type'] == MSRPC_FAULT else 0


def hold_request(tag, n, counter):
    r = Hold()
    r['tag'] = tag
    r['n'] = n
    r['counter'] = counter
    return r


def ping_request(v):
    r = Ping()
    r['v'] = v
    return r


def check_hold_answer(answer, tag, n, counter):
    """The out values Hold's completion writes (test_async_wire.c: complete_held)."""
    got = HoldResponse(answer['stub'])
    values = [item['Data'] for item in got['values']]
    assert values == [tag * 100 + i for i in range(n)], (tag, values)
    assert got['counter'] == counter + tag, (tag, got['counter'])
    assert got['stamp'] == (tag << 40) | n, (tag, hex(got['stamp']))
    assert got['ret'] == -tag, (tag, got['ret'])


# What the capture must show, filled in by the tests.
expect = {
    'order': {},         # relay connection number: [call_id, ...] of responses/faults, in order
    'faults': {},        # (connection, call_id): (status, cancel_count)
    'unanswered': set(),  # (connection, call_id) of requests never answered
    'cancels': set(),    # (connection, call_id, ptype) of co_cancel (18) / orphaned (19)
}


def answered(conn, *call_ids):
    expect['order'].setdefault(conn.conn_number, []).extend(call_ids)




# ---- the tests ---------------------------------------------------------------------------------

def pipelined_calls_are_answered_in_completion_order():
    conn = Connection()
    conn.ping(1)
    answered(conn, conn.next_call_id - 1)
    calls = {1: 3, 2: 0, 3: 2500, 4: 1}          # tag: n; tag 3's answer needs three fragments
    ids = {}
    pdus = []
    for tag, n in calls.items():
        ids[tag], pdu = conn.request(hold_request(tag, n, 1000 * tag))
        pdus.append(pdu)
    conn.send(*pdus)                             # four requests back to back, none answered yet
    server_ok('wait 1 2 3 4')                    # all four held at once
    order = [3, 1, 4, 2]
    assert server_status('complete %s' % ' '.join(map(str, order))) == [RPC_S_OK] * 4
    for tag in order:
        answer = conn.read_response(ids[tag])
        check_hold_answer(answer, tag, calls[tag], 1000 * tag)
        assert (answer['fragments'] > 1) == (tag == 3), (tag, answer['fragments'])
    answered(conn, *[ids[tag] for tag in order])
    conn.close()


def answers_completed_from_several_threads_at_once_do_not_mix():
    conn = Connection()
    calls = {5: 3000, 6: 2000, 7: 1, 8: 2500}   # tag: n; all but tag 7 need several fragments
    ids = {}
    pdus = []
    for tag, n in calls.items():
        ids[tag], pdu = conn.request(hold_request(tag, n, tag))
        pdus.append(pdu)
    conn.send(*pdus)
    server_ok('wait 5 6 7 8')
    assert server_status('complete-parallel 5 6 7 8') == [RPC_S_OK] * 4
    tag_of = {call_id: tag for tag, call_id in ids.items()}
    seen = []
    for _ in calls:
        answer = conn.read_answer()               # whole, its fragments not mixed with others
        assert answer['call_id'] in tag_of and answer['call_id'] not in seen, answer['call_id']
        tag = tag_of[answer['call_id']]
        assert answer['type'] == MSRPC_RESPONSE and answer['cancel_count'] == 0, answer['type']
        check_hold_answer(answer, tag, calls[tag], tag)
        seen.append(answer['call_id'])
    answered(conn, *seen)
    conn.close()


def co_cancel_ends_a_held_call_with_nca_s_fault_cancel():
    conn = Connection()
    for tag, cancels in ((10, 1), (11, 2)):
        call_id, pdu = conn.request(hold_request(tag, 2, 0))
        conn.send(pdu)
        server_ok('wait %d' % tag)
        assert server_status('testcancel %d' % tag) == [RPC_S_CALL_IN_PROGRESS]
        conn.send(*[conn.header_only(MSRPC_CO_CANCEL, call_id)] * cancels)
        server_ok('waitcancel %d' % tag)         # RpcServerSubscribeForNotification's event
        conn.ping(tag)                           # every co_cancel has been handled
        answered(conn, conn.next_call_id - 1)
        cancelled_call_faults(conn, tag, call_id, cancels)
    # a co_cancel between the fragments of a request: the call starts cancelled
    call_id, (first, last) = conn.request_fragments(hold_request(12, 2, 0), split=8)
    conn.send(first, conn.header_only(MSRPC_CO_CANCEL, call_id), last)
    server_ok('wait 12')
    server_ok('waitcancel 12')                   # an event that happened before subscribing
    cancelled_call_faults(conn, 12, call_id, 1)
    # a manager may also ignore the cancel: its answer goes out as usual, saying it saw one
    call_id, pdu = conn.request(hold_request(13, 2, 6))
    conn.send(pdu, conn.header_only(MSRPC_CO_CANCEL, call_id))
    server_ok('waitcancel 13')
    assert server_status('complete 13') == [RPC_S_OK]
    check_hold_answer(conn.read_response(call_id, cancels=1), 13, 2, 6)
    answered(conn, call_id)
    expect['cancels'].add((conn.conn_number, call_id, MSRPC_CO_CANCEL))
    conn.close()


def cancelled_call_faults(conn, tag, call_id, cancels):
    """The manager, seeing the cancel, aborts with RPC_S_CALL_CANCELLED."""
    assert server_status('testcancel %d' % tag) == [RPC_S_OK]
    assert server_status('abort %d %d' % (tag, RPC_S_CALL_CANCELLED)) == [RPC_S_OK]
    fault = conn.read_fault(call_id)
    assert fault_status(fault) == NCA_S_FAULT_CANCEL, hex(fault_status(fault))
    assert fault['cancel_count'] == cancels, fault['cancel_count']
    assert not fault['flags'] & PFC_DID_NOT_EXECUTE, fault['flags']
    answered(conn, call_id)
    expect['faults'][(conn.conn_number, call_id)] = (NCA_S_FAULT_CANCEL, cancels)
    expect['cancels'].add((conn.conn_number, call_id, MSRPC_CO_CANCEL))


def abort_with_an_application_code_faults_with_that_code():
    conn = Connection()
    call_id, pdu = conn.request(hold_request(20, 1, 0))
    conn.send(pdu)
    server_ok('wait 20')
    # a zero code is refused and the call goes on
    assert server_status('abort 20 0') == [RPC_S_INVALID_ARG]
    assert server_status('abort 20 %d' % APP_CODE) == [RPC_S_OK]
    fault = conn.read_fault(call_id)
    assert fault_status(fault) == APP_CODE, hex(fault_status(fault))
    assert fault['cancel_count'] == 0, fault['cancel_count']
    assert not fault['flags'] & PFC_DID_NOT_EXECUTE, fault['flags']
    answered(conn, call_id)
    expect['faults'][(conn.conn_number, call_id)] = (APP_CODE, 0)
    conn.close()


def orphaned_call_is_never_answered_and_the_connection_serves_on():
    conn = Connection()
    call_id, pdu = conn.request(hold_request(30, 4, 7))
    conn.send(pdu)
    server_ok('wait 30')
    assert server_status('testcancel 30') == [RPC_S_CALL_IN_PROGRESS]
    conn.send(conn.header_only(MSRPC_ORPHANED, call_id))
    server_ok('waitcancel 30')                   # the server sees the abandoned call as cancelled
    assert server_status('testcancel 30') == [RPC_S_OK]
    # the manager still completes it; nothing may reach the client
    assert server_status('complete 30') == [RPC_S_OK]
    conn.ping(30)                                # the next PDU is the ping's answer, not call 30's
    answered(conn, conn.next_call_id - 1)
    # co_cancel and orphaned for a call that is over (or never was): no answer, nothing breaks
    conn.send(conn.header_only(MSRPC_CO_CANCEL, call_id), conn.header_only(MSRPC_ORPHANED, 999))
    # and an asynchronous call after it is answered as usual
    later, pdu = conn.request(hold_request(31, 2, 5))
    conn.send(pdu)
    assert server_status('complete 31') == [RPC_S_OK]
    check_hold_answer(conn.read_response(later), 31, 2, 5)
    answered(conn, later)
    expect['unanswered'].add((conn.conn_number, call_id))
    expect['cancels'] |= {(conn.conn_number, call_id, MSRPC_ORPHANED), (conn.conn_number, call_id, MSRPC_CO_CANCEL),
                          (conn.conn_number, 999, MSRPC_ORPHANED)}
    conn.close()


def calls_pending_at_disconnect_fail_and_the_server_serves_on():
    gone = Connection()
    ids = []
    pdus = []
    for tag in (40, 41):
        call_id, pdu = gone.request(hold_request(tag, 1, 0))
        ids.append(call_id)
        pdus.append(pdu)
    gone.send(*pdus)
    server_ok('wait 40 41')
    gone.close()
    server_ok('waitdisconnect 40')
    server_ok('waitdisconnect 41')
    assert server_status('complete 40') == [RPC_S_CALL_FAILED]
    assert server_status('abort 41 %d' % APP_CODE) == [RPC_S_CALL_FAILED]
    for call_id in ids:
        expect['unanswered'].add((gone.conn_number, call_id))
    fresh = Connection()
    fresh.ping(42)
    call_id, pdu = fresh.request(hold_request(43, 3, 9))
    fresh.send(pdu)
    assert server_status('complete 43') == [RPC_S_OK]
    check_hold_answer(fresh.read_response(call_id), 43, 3, 9)
    answered(fresh, call_id - 1, call_id)
    fresh.close()


# ---- the capture ----------------------------------------------------------------------------------

def tshark(args):
    r = subprocess.run(['tshark'] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return r.stdout.decode(errors='replace')


def pdus_in_capture():
    """Every DCE/RPC PDU of the capture, in order, as tshark's dissector decoded it."""
    out = tshark(['-2', '-r', pcap, '-d', 'tcp.port==%d,dcerpc' % server_port, '-Y', 'dcerpc', '-T', 'pdml'])
    pdus = []
    for packet in ElementTree.fromstring(out).iter('packet'):
        ports = {}
        for proto in packet.iter('proto'):
            if proto.get('name') == 'tcp':
                for field in proto.iter('field'):
                    if field.get('name') in ('tcp.srcport', 'tcp.dstport'):
                        ports[field.get('name')] = int(field.get('show'))
            if proto.get('name') != 'dcerpc':
                continue
            fields = {}
            for field in proto.iter('field'):
                fields.setdefault(field.get('name'), field.get('show'))
            client_port = ports['tcp.srcport'] if ports['tcp.dstport'] == server_port else ports['tcp.dstport']
            pdus.append({
                'conn': client_port - 40000,             # capture.Relay.write_pcap's numbering
                'type': int(fields['dcerpc.pkt_type']),
                'call_id': int(fields['dcerpc.cn_call_id']),
                'first': fields.get('dcerpc.cn_flags.first_frag') == '1',
                'last': fields.get('dcerpc.cn_flags.last_frag') == '1',
                'status': int(fields['dcerpc.cn_status'], 0) if 'dcerpc.cn_status' in fields else None,
                'cancel_count': int(fields['dcerpc.cn_cancel_count']) if 'dcerpc.cn_cancel_count' in fields else None,
                'answered': 'dcerpc.response_in' in fields,
                'reassembled': 'dcerpc.reassembled_in' in fields,
            })
    return pdus


def capture_is_clean():
    bad = tshark(['-r', pcap, '-d', 'tcp.port==%d,dcerpc' % server_port,
                  '-Y', '_ws.malformed || _ws.expert.severity >= warning || dcerpc.fragment.error'])
    assert not bad.strip(), bad


def capture_matches_what_impacket_saw():
    pdus = pdus_in_capture()
    assert pdus, 'no DCE/RPC PDU decoded'
    for p in pdus:
        assert p['last'] or p['reassembled'], 'a fragment outside any reassembled PDU: %s' % p
    calls = [p for p in pdus if p['first']]          # one per call (fragments joined)
    assert any(not p['last'] for p in calls if p['type'] == 0), 'no fragmented request'
    assert any(not p['last'] for p in calls if p['type'] == 2), 'no fragmented response'
    seen_types = {p['type'] for p in pdus}
    for t in (0, 2, 3, 11, 12, 18, 19):
        assert t in seen_types, 'no PDU of type %d decoded; saw %s' % (t, sorted(seen_types))
    # responses and faults, per connection, in the order they were sent
    order = {}
    for p in calls:
        if p['type'] in (2, 3):
            order.setdefault(p['conn'], []).append(p['call_id'])
    assert order == expect['order'], 'tshark: %s, impacket: %s' % (order, expect['order'])
    faults = {(p['conn'], p['call_id']): (p['status'], p['cancel_count']) for p in calls if p['type'] == 3}
    assert faults == expect['faults'], 'tshark: %s, impacket: %s' % (faults, expect['faults'])
    unanswered = {(p['conn'], p['call_id']) for p in pdus if p['type'] == 0 and p['last'] and not p['answered']}
    assert unanswered == expect['unanswered'], 'tshark: %s, expected %s' % (unanswered, expect['unanswered'])
    cancels = {(p['conn'], p['call_id'], p['type']) for p in pdus if p['type'] in (18, 19)}
    assert cancels == expect['cancels'], 'tshark: %s, expected %s' % (cancels, expect['cancels'])


tap.test('impacket_pipelined_async_calls_are_answered_in_completion_order',
     pipelined_calls_are_answered_in_completion_order)
tap.test('impacket_answers_completed_from_several_threads_at_once_do_not_mix',
     answers_completed_from_several_threads_at_once_do_not_mix)
tap.test('impacket_co_cancel_ends_a_held_call_with_nca_s_fault_cancel', co_cancel_ends_a_held_call_with_nca_s_fault_cancel)
tap.test('impacket_abort_with_an_application_code_faults_with_that_code',
     abort_with_an_application_code_faults_with_that_code)
tap.test('impacket_orphaned_call_is_never_answered_and_the_connection_serves_on',
     orphaned_call_is_never_answered_and_the_connection_serves_on)
tap.test('impacket_calls_pending_at_disconnect_fail_and_the_server_serves_on',
     calls_pending_at_disconnect_fail_and_the_server_serves_on)
relay.stop()
relay.write_pcap(pcap, server_port)
if not shutil.which('tshark'):
    print('ok - async_wire_capture_is_clean # SKIP tshark is not installed')
    print('ok - async_wire_capture_matches_what_impacket_saw # SKIP tshark is not installed')
else:
    tap.test('async_wire_capture_is_clean', capture_is_clean)
    tap.test('async_wire_capture_matches_what_impacket_saw', capture_matches_what_impacket_saw)
sys.exit(tap.exit_status())
