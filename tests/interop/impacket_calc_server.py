#!/usr/bin/python3
# An impacket-based server of the calc and peek interfaces (tests/unit/calc_iface.h) for asidl's
# client stubs: impacket's NDR classes decode the requests and encode the replies; the PDU
# handling is written here because impacket's stock DCERPCServer has wire bugs
# (spec/oracles.md): it reassembles requests by frag_length, answers bind and alter_context,
# fragments replies at the negotiated size with proper response headers (alloc_hint, context
# id, cancel count 0) and sends 32-octet faults.
#
# It listens behind a recording relay, prints "port N" (the relay's port), and serves until its
# standard input closes; then it writes the capture to PCAP, checks it with tshark and prints
# TAP lines.   usage: impacket_calc_server.py PCAP
import socket
import socketserver
import struct
import sys
import threading
import uuid

from impacket.dcerpc.v5.rpcrt import CtxItem, MSRPCBind
from impacket.uuid import uuidtup_to_bin

import calc_ndr as c
from capture import Relay, check_capture

NDR = uuidtup_to_bin(('8a885d04-1ceb-11c9-9fe8-08002b104860', '2.0'))
IFACES = {uuidtup_to_bin(c.CALC): 'calc', uuidtup_to_bin(c.PEEK): 'peek'}
FIRST, LAST, DNE, OBJECT_UUID = 0x01, 0x02, 0x20, 0x80

handles = {}                 # context handle UUID -> value
handles_lock = threading.Lock()


class Fault(Exception):
    def __init__(self, status, dne=False):
        Exception.__init__(self, hex(status))
        self.status = status
        self.dne = dne


def open_handle(value):
    h = uuid.uuid4().bytes_le
    with handles_lock:
        handles[h] = value
    ctx = c.CTX()
    ctx['attributes'] = 0
    ctx['uuid'] = h
    return ctx


def handle_value(ctx):
    with handles_lock:
        if ctx['uuid'] not in handles:
            raise Fault(c.NCA_S_FAULT_CONTEXT_MISMATCH)
        return handles[ctx['uuid']]


def calc_op(opnum, stub, obj):
    if opnum == 0:
        r = c.Add(stub)
        out = c.AddResponse()
        out['sum'] = r['a'] + r['b']
        out['ret'] = 1 if out['sum'] > 1000 else 0
    elif opnum == 1:
        r = c.Scale(stub)
        out = c.ScaleResponse()
        out['ret'] = r['x'] * r['f']
    elif opnum == 2:
        r = c.Echo(stub)
        out = c.EchoResponse()
        out['out'] = r['text'][:-1][::-1] + '\0'
    elif opnum == 3:
        r = c.Sum(stub)
        if len(r['values']) != r['n']:
            raise Fault(c.RPC_X_BAD_STUB_DATA)
        out = c.SumResponse()
        out['ret'] = sum(v['Data'] for v in r['values'])
    elif opnum == 4:
        r = c.Mid(stub)
        out = c.MidResponse()
        out['ret']['x'] = int((r['a']['x'] + r['b']['x']) / 2)
        out['ret']['y'] = (r['a']['y'] + r['b']['y']) / 2
    elif opnum == 5:
        raise Fault(c.Fail(stub)['code'])
    elif opnum == 7:
        out = c.WhoamiResponse()
        out['object'] = obj or b'\0' * 16
        out['client'] = 'impacket\0'
    elif opnum == 8:
        out = c.BigResponse()
        out['ret'] = c.Big(stub)['v'] + 1
    elif opnum == 9:
        out = c.OpenResponse()
        out['ph'] = open_handle(c.Open(stub)['v'])
        out['ret'] = 0
    elif opnum == 10:
        out = c.ReadResponse()
        out['ret'] = handle_value(c.Read(stub)['h'])
    elif opnum == 11:
        h = c.Close(stub)['ph']
        handle_value(h)
        with handles_lock:
            del handles[h['uuid']]
        out = c.CloseResponse()
        out['ph']['uuid'] = b'\0' * 16
    else:
        raise Fault(c.NCA_S_OP_RNG_ERROR, dne=True)
    return out.getData()


def peek_op(opnum, stub, obj):
    if opnum == 0:
        out = c.PeekLooseResponse()
        out['ret'] = handle_value(c.PeekLoose(stub)['h'])
        return out.getData()
    raise Fault(c.NCA_S_OP_RNG_ERROR, dne=True)


def header(ptype, flags, frag_len, call_id):
    return struct.pack('<BBBB4sHHI', 5, 0, ptype, flags, b'\x10\0\0\0', frag_len, 0, call_id)


class Connection(socketserver.BaseRequestHandler):
    def read_exact(self, n):
        data = b''
        while len(data) < n:
            chunk = self.request.recv(n - len(data))
            if not chunk:
                return None
            data += chunk
        return data

    def read_pdu(self):
        head = self.read_exact(16)
        if head is None:
            return None
        frag_len = struct.unpack('<H', head[8:10])[0]
        rest = self.read_exact(frag_len - 16)
        return None if rest is None else head + rest

    def handle(self):
        self.contexts = {}
        self.frag = 4280
        partial = {}
        while True:
            pdu = self.read_pdu()
            if pdu is None:
                return
            ptype, flags = pdu[2], pdu[3]
            call_id = struct.unpack('<I', pdu[12:16])[0]
            if ptype in (11, 14):
                self.bind(pdu, ptype, call_id)
            elif ptype == 0:
                alloc_hint, ctx_id, opnum = struct.unpack('<IHH', pdu[16:24])
                body = 24
                obj = None
                if flags & OBJECT_UUID:
                    obj = pdu[24:40]
                    body = 40
                if flags & FIRST:
                    partial[call_id] = (ctx_id, opnum, obj, [])
                partial[call_id][3].append(pdu[body:])
                if flags & LAST:
                    ctx_id, opnum, obj, parts = partial.pop(call_id)
                    self.dispatch(call_id, ctx_id, opnum, obj, b''.join(parts))
            # co_cancel, orphaned: nothing to answer

    def bind(self, pdu, ptype, call_id):
        bind = MSRPCBind(pdu[16:])
        self.frag = max(2048, min(bind['max_tfrag'], bind['max_rfrag'], 5840)) & ~7
        items = bind['ctx_items']
        results = b''
        for _ in range(bind['ctx_num']):
            item = CtxItem(items)
            items = items[len(item):]
            name = IFACES.get(item['AbstractSyntax'])
            if item['TransferSyntax'] != NDR:
                result, reason = 2, 2
            elif name is None:
                result, reason = 2, 1
            else:
                result, reason = 0, 0
                self.contexts[item['ContextID']] = name
            results += struct.pack('<HH', result, reason) + NDR
        group = bind['assoc_group'] or 0x5a5a
        if ptype == 11:
            secondary = b'%d\0' % self.server.server_address[1]
        else:
            secondary = b''
        body = struct.pack('<HHIH', self.frag, self.frag, group, len(secondary)) + secondary
        body += b'\0' * ((4 - (16 + len(body)) % 4) % 4)
        body += struct.pack('<B3x', bind['ctx_num']) + results
        self.request.sendall(header(ptype + 1, FIRST | LAST, 16 + len(body), call_id) + body)

    def dispatch(self, call_id, ctx_id, opnum, obj, stub):
        name = self.contexts.get(ctx_id)
        try:
            if name is None:
                raise Fault(0x1c010003, dne=True)           # nca_s_unk_if
            op = calc_op if name == 'calc' else peek_op
            try:
                reply = op(opnum, stub, obj)
            except Fault:
                raise
            except Exception:
                raise Fault(c.RPC_X_BAD_STUB_DATA)
        except Fault as f:
            body = struct.pack('<IHBBII', 0, ctx_id, 0, 0, f.status, 0)
            self.request.sendall(header(3, FIRST | LAST | (DNE if f.dne else 0), 16 + len(body), call_id) + body)
            return
        room = self.frag - 24
        pos = 0
        out = b''
        while True:
            chunk = reply[pos:pos + room]
            flags = (FIRST if pos == 0 else 0) | (LAST if pos + room >= len(reply) else 0)
            out += header(2, flags, 24 + len(chunk), call_id)
            out += struct.pack('<IHBB', len(reply) - pos, ctx_id, 0, 0) + chunk
            pos += room
            if flags & LAST:
                break
        self.request.sendall(out)


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    pcap = sys.argv[1]
    server = Server(('127.0.0.1', 0), Connection)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    relay = Relay(port)
    print('port %d' % relay.port)
    sys.stdout.flush()
    sys.stdin.read()                  # until the test closes our input
    relay.stop()
    server.shutdown()
    relay.write_pcap(pcap, port)
    failures = check_capture(pcap, port, 'asidl_client', [0, 2, 3, 11, 12, 14, 15])
    sys.exit(1 if failures else 0)


main()
