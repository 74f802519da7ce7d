#!/usr/bin/python3
# Prints PDUs encoded by impacket (an independent DCE/RPC implementation), one per line as
# "name hex", for tests/unit/test_pdu_impacket.c to compare byte for byte with asidl's encoder.
# The parameters of each PDU are fixed here and repeated in the C test.
import sys
from binascii import hexlify

from impacket.dcerpc.v5 import rpcrt
from impacket.uuid import uuidtup_to_bin, string_to_bin

IFACE = ('b3c3b2a6-6f3e-4c9d-9a41-2f0d8e7c5a11', '1.0')
IFACE2 = ('0d9a5c37-2b41-4a8e-b7f3-5e6c1d2a9b04', '3.2')
NDR = ('8a885d04-1ceb-11c9-9fe8-08002b104860', '2.0')
NDR64 = ('71710533-beba-4937-8319-b5dbef9ccc36', '1.0')
OBJECT = 'c1a2b3d4-e5f6-4718-9a0b-1c2d3e4f5a6b'
STUB = bytes(range(1, 23))           # 22 bytes: not a multiple of 4 or 8 on purpose


def emit(name, data):
    print(name, hexlify(data).decode())


class ExtraTransfers:
    """impacket's CtxItem holds exactly one transfer syntax; further ones follow it raw."""
    def __init__(self, item, transfers):
        self.data = item.getData() + b''.join(uuidtup_to_bin(t) for t in transfers)

    def getData(self):
        return self.data


def bind_pdu(ptype, call_id, contexts, max_xmit=4280, max_recv=4280, assoc=0):
    bind = rpcrt.MSRPCBind()
    for ctx_id, iface, transfers in contexts:
        item = rpcrt.CtxItem()
        item['ContextID'] = ctx_id
        item['TransItems'] = len(transfers)
        item['AbstractSyntax'] = uuidtup_to_bin(iface)
        item['TransferSyntax'] = uuidtup_to_bin(transfers[0])
        bind.addCtxItem(ExtraTransfers(item, transfers[1:]))
    bind['max_tfrag'] = max_xmit
    bind['max_rfrag'] = max_recv
    bind['assoc_group'] = assoc
    pkt = rpcrt.MSRPCHeader()
    pkt['type'] = ptype
    pkt['call_id'] = call_id
    pkt['pduData'] = bind.getData()
    return pkt.get_packet()


def request_pdu(call_id, ctx_id, opnum, stub, obj=None, flags=None):
    req = rpcrt.MSRPCRequestHeader()
    req['call_id'] = call_id
    req['ctx_id'] = ctx_id
    req['op_num'] = opnum
    req['alloc_hint'] = len(stub)
    req['pduData'] = stub
    if obj is not None:
        req['uuid'] = string_to_bin(obj)
        req['flags'] |= rpcrt.PFC_OBJECT_UUID
    if flags is not None:
        req['flags'] = flags
    return req.get_packet()


def response_pdu(call_id, ctx_id, stub):
    resp = rpcrt.MSRPCRespHeader()
    resp['call_id'] = call_id
    resp['ctx_id'] = ctx_id
    resp['alloc_hint'] = len(stub)
    resp['pduData'] = stub
    return resp.get_packet()


def bind_ack_pdu(ptype, call_id, sec_addr, results, frag=4280, assoc=0x12345):
    ack = rpcrt.MSRPCBindAck()
    ack['type'] = ptype
    ack['call_id'] = call_id
    ack['flags'] = rpcrt.PFC_FIRST_FRAG | rpcrt.PFC_LAST_FRAG
    ack['max_tfrag'] = frag
    ack['max_rfrag'] = frag
    ack['assoc_group'] = assoc
    ack['SecondaryAddr'] = sec_addr
    ack['SecondaryAddrLen'] = len(sec_addr) + 1 if sec_addr else 0
    if not sec_addr:
        ack['SecondaryAddr'] = b''
    ack['ctx_num'] = len(results)
    items = b''
    for result, reason, transfer in results:
        r = rpcrt.CtxItemResult()
        r['Result'] = result
        r['Reason'] = reason
        r['TransferSyntax'] = uuidtup_to_bin(transfer) if transfer else b'\0' * 20
        items += r.getData()
    ack['ctx_items'] = items
    # MSRPCBindAck does not compute frag_len itself.
    ack['frag_len'] = len(ack.getData())
    return ack.getData()


def header_only(ptype, call_id):
    pkt = rpcrt.MSRPCHeader()
    pkt['type'] = ptype
    pkt['call_id'] = call_id
    pkt['flags'] = rpcrt.PFC_FIRST_FRAG | rpcrt.PFC_LAST_FRAG
    return pkt.get_packet()


def main():
    emit('bind', bind_pdu(rpcrt.MSRPC_BIND, 1, [(0, IFACE, [NDR])]))
    emit('bind_two_contexts', bind_pdu(rpcrt.MSRPC_BIND, 7, [(0, IFACE, [NDR64, NDR]), (1, IFACE2, [NDR])],
                                       max_xmit=5840, max_recv=5840, assoc=0x4711))
    emit('alter_context', bind_pdu(rpcrt.MSRPC_ALTERCTX, 2, [(1, IFACE2, [NDR])]))
    emit('request', request_pdu(3, 0, 5, STUB))
    emit('request_object', request_pdu(4, 1, 65535, STUB, obj=OBJECT))
    emit('request_middle_fragment', request_pdu(5, 0, 2, STUB[:16], flags=0))
    emit('response', response_pdu(3, 0, STUB))
    emit('bind_ack', bind_ack_pdu(rpcrt.MSRPC_BINDACK, 1, b'49152',
                                  [(0, 0, NDR), (2, 2, None), (3, 0, None)]))
    # Not alter_context_resp: with an empty secondary address impacket writes a stray NUL and
    # misaligns the result list, so it is no reference for that PDU.
    emit('co_cancel', header_only(rpcrt.MSRPC_CO_CANCEL, 9))
    emit('orphaned', header_only(rpcrt.MSRPC_ORPHANED, 10))
    emit('shutdown', header_only(rpcrt.MSRPC_SHUTDOWN, 11))
    return 0


if __name__ == '__main__':
    sys.exit(main())
