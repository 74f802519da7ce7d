# The test interfaces of tests/unit/calc_iface.h written with impacket's NDR classes, an
# independent description of the same wire format (impacket encodes and decodes on its own).
from impacket.dcerpc.v5.dtypes import DOUBLE, FLOAT, GUID, LONG, LONGLONG, LPSTR, LPWSTR, SHORT, ULONG, WSTR
from impacket.dcerpc.v5.ndr import NDRCALL, NDRSTRUCT, NDRUniConformantArray

CALC = ('6f2b1c3e-8d4a-4b7e-9c15-3a2e7d9f0b61', '1.0')
PEEK = ('2c9e4f1a-7b3d-4e58-a6c2-9d0f1e3b5a78', '2.1')

NCA_S_OP_RNG_ERROR = 0x1c010002
NCA_S_FAULT_CONTEXT_MISMATCH = 0x1c00001a
RPC_X_BAD_STUB_DATA = 0x6f7


class PT(NDRSTRUCT):                 # struct { short x; double y; }
    structure = (('x', SHORT), ('y', DOUBLE))


class CTX(NDRSTRUCT):                # a context handle: attributes, UUID
    structure = (('attributes', ULONG), ('uuid', '16s=b"\\x00"*16'))


class LONG_ARRAY(NDRUniConformantArray):
    item = LONG


class Add(NDRCALL):
    opnum = 0
    structure = (('a', LONG), ('b', LONG))


class AddResponse(NDRCALL):
    structure = (('sum', LONG), ('ret', LONG))


class Scale(NDRCALL):
    opnum = 1
    structure = (('x', DOUBLE), ('f', FLOAT))


class ScaleResponse(NDRCALL):
    structure = (('ret', DOUBLE),)


class Echo(NDRCALL):
    opnum = 2
    structure = (('text', WSTR),)


class EchoResponse(NDRCALL):
    structure = (('out', LPWSTR),)


class Sum(NDRCALL):
    opnum = 3
    structure = (('n', LONG), ('values', LONG_ARRAY))


class SumResponse(NDRCALL):
    structure = (('ret', LONG),)


class Mid(NDRCALL):
    opnum = 4
    structure = (('a', PT), ('b', PT))


class MidResponse(NDRCALL):
    structure = (('ret', PT),)


class Fail(NDRCALL):
    opnum = 5
    structure = (('code', ULONG),)


class FailResponse(NDRCALL):
    structure = ()


class Whoami(NDRCALL):
    opnum = 7
    structure = ()


class WhoamiResponse(NDRCALL):
    structure = (('object', GUID), ('client', LPSTR))


class Big(NDRCALL):
    opnum = 8
    structure = (('v', LONGLONG),)


class BigResponse(NDRCALL):
    structure = (('ret', LONGLONG),)


class Open(NDRCALL):
    opnum = 9
    structure = (('v', LONG),)


class OpenResponse(NDRCALL):
    structure = (('ph', CTX), ('ret', LONG))


class Read(NDRCALL):
    opnum = 10
    structure = (('h', CTX),)


class ReadResponse(NDRCALL):
    structure = (('ret', LONG),)


class Close(NDRCALL):
    opnum = 11
    structure = (('ph', CTX),)


class CloseResponse(NDRCALL):
    structure = (('ph', CTX),)


class PeekLoose(NDRCALL):
    opnum = 0
    structure = (('h', CTX),)


class PeekLooseResponse(NDRCALL):
    structure = (('ret', LONG),)
