#!/usr/bin/python3
"""Checks asidl's NDR encodings against impacket's (python3-impacket, Debian's /usr/bin/python3).

    impacket_check.py VECTORS OUT

VECTORS has one line per case, "name hex", written by build/tests/test_ndr_impacket (from
tests/unit/test_ndr_impacket.c, which describes each case with asidl descriptors).  For every
case this script builds the same values with impacket's NDR classes, then prints TAP lines:

  ok - impacket_encodes_like_asidl_<case>    impacket's octets equal asidl's.  impacket fills
                                             alignment gaps with marker octets (0xaa..0xef); the
                                             test values avoid those octets, so a marker octet
                                             in impacket's output is padding, where asidl must
                                             have 0.  Everything else must be identical.
  ok - impacket_decodes_asidl_<case>         impacket parses asidl's octets, and re-encoding the
                                             result gives impacket's own encoding of the values.

and writes impacket's encodings to OUT ("name hex") for asidl to decode in turn.  A case that
only one side knows is a failure.  Referent IDs are set explicitly in the order asidl assigns
them (0x20000, then steps of 4, in wire order), since impacket picks random ones.
"""

import sys

from impacket.dcerpc.v5.dtypes import LPWSTR, NULL, STR
from impacket.dcerpc.v5.ndr import (NDRCALL, NDRBOOLEAN, NDRCHAR, NDRDOUBLEFLOAT, NDRENUM, NDRFLOAT,
                                    NDRHYPER, NDRLONG, NDRPOINTER, NDRSHORT, NDRSMALL, NDRSTRUCT,
                                    NDRULONG, NDRUNION, NDRUniConformantArray,
                                    NDRUniConformantVaryingArray, NDRUniVaryingArray, NDRUSHORT,
                                    NDRUSMALL)

# The octets impacket writes into alignment gaps.
PADDING = set(bytes.fromhex('aaabbbbcbdbebfcacbcccdceddeeef'))


def referent_id(ptr, rid):
    ptr.fields['ReferentID'] = rid


class PLONG(NDRPOINTER):
    referent = (('Data', NDRLONG),)


# ---- base_types: struct prims ----
class PRIMS(NDRSTRUCT):
    structure = (('s8', NDRSMALL), ('u8', NDRUSMALL), ('s16', NDRSHORT), ('u16', NDRUSHORT),
                 ('l', NDRLONG), ('ul', NDRULONG), ('h', NDRHYPER), ('f', NDRFLOAT),
                 ('d', NDRDOUBLEFLOAT), ('b', NDRBOOLEAN), ('c', NDRCHAR))


class BaseTypes(NDRCALL):
    structure = (('s', PRIMS),)


def base_types():
    r = BaseTypes()
    s = r['s']
    s['s8'], s['u8'], s['s16'], s['u16'] = -2, 0x7f, -3, 0x1234
    s['l'], s['ul'], s['h'] = -4, 0x01020304, 0x0102030405060708
    s['f'], s['d'], s['b'], s['c'] = 1.5, 2.25, 1, b'x'
    return r


def base_types_check(d):
    s = d['s']
    return (s['s8'], s['u8'], s['s16'], s['u16'], s['l'], s['ul'], s['h'], s['f'], s['d'], s['b'],
            s['c']) == (-2, 0x7f, -3, 0x1234, -4, 0x01020304, 0x0102030405060708, 1.5, 2.25, 1, b'x')


# ---- enum_and_long ----
class Enum16(NDRENUM):
    pass


class EnumAndLong(NDRCALL):
    structure = (('e', Enum16), ('l', NDRLONG))


def enum_and_long():
    r = EnumAndLong()
    r['e'] = 5
    r['l'] = 7
    return r


# ---- nested_alignment ----
class CharHyper(NDRSTRUCT):
    structure = (('c', NDRCHAR), ('h', NDRHYPER))


class WithHyper(NDRSTRUCT):
    structure = (('a', NDRSHORT), ('inner', CharHyper))


class NestedAlignment(NDRCALL):
    structure = (('s', WithHyper),)


def nested_alignment():
    r = NestedAlignment()
    r['s']['a'] = 1
    r['s']['inner']['c'] = b'a'
    r['s']['inner']['h'] = 0x0102030405060708
    return r


# ---- conformant_array ----
class LongArray(NDRUniConformantArray):
    item = '<l'


class ConformantArray(NDRCALL):
    structure = (('count', NDRLONG), ('arr', LongArray))


def conformant_array():
    r = ConformantArray()
    r['count'] = 3
    r['arr'] = [1, 2, -3]
    return r


def conformant_array_check(d):
    return d['count'] == 3 and d['arr'] == [1, 2, -3]


# ---- conformant_varying_array ----
class ShortCV(NDRUniConformantVaryingArray):
    item = '<h'


class ConformantVaryingArray(NDRCALL):
    structure = (('size', NDRLONG), ('len', NDRLONG), ('a', ShortCV))


def conformant_varying_array():
    r = ConformantVaryingArray()
    r['size'] = 5
    r['len'] = 2
    r['a'] = [7, 8]
    r.fields['a'].fields['MaximumCount'] = 5
    return r


# ---- varying_in_struct ----
class ShortVarying(NDRUniVaryingArray):
    item = '<h'


class Window(NDRSTRUCT):
    structure = (('first', NDRLONG), ('len', NDRLONG), ('a', ShortVarying))


class VaryingInStruct(NDRCALL):
    structure = (('w', Window),)


def varying_in_struct():
    r = VaryingInStruct()
    r['w']['first'] = 2
    r['w']['len'] = 3
    r['w']['a'] = [7, 8, 9]
    r['w'].fields['a'].fields['Offset'] = 2
    return r


# ---- strings ----
class Strings(NDRCALL):
    structure = (('s', STR), ('w', LPWSTR), ('n', LPWSTR))


def strings():
    r = Strings()
    r['s'] = 'hello\x00'
    r['w'] = 'a\U0001F600\x00'
    referent_id(r.fields['w'], 0x20000)
    r['n'] = NULL
    return r


def strings_check(d):
    return d['s'] == 'hello\x00' and d['w'] == 'a\U0001F600\x00'


# ---- nested_deferral ----
class Inner(NDRSTRUCT):
    structure = (('q', PLONG), ('x', NDRLONG))


class Outer(NDRSTRUCT):
    structure = (('in', Inner), ('p', PLONG), ('y', NDRLONG))


class NestedDeferral(NDRCALL):
    structure = (('o', Outer),)


def nested_deferral():
    r = NestedDeferral()
    o = r['o']
    o['in']['q'] = 11
    o['in']['x'] = 1
    o['p'] = 22
    o['y'] = 2
    referent_id(o['in'].fields['q'], 0x20000)
    referent_id(o.fields['p'], 0x20004)
    return r


# ---- top_level_unique ----
class PInner(NDRPOINTER):
    referent = (('Data', Inner),)


class TopLevelUnique(NDRCALL):
    structure = (('a', PLONG), ('b', NDRLONG), ('s', PInner))


def top_level_unique():
    r = TopLevelUnique()
    r['a'] = 5
    r['b'] = 6
    r['s']['q'] = 7
    r['s']['x'] = 8
    referent_id(r.fields['a'], 0x20000)
    referent_id(r.fields['s'], 0x20004)
    referent_id(r.fields['s'].fields['Data'].fields['q'], 0x20008)
    return r


# ---- array_of_pointers ----
class PLongArray(NDRUniConformantArray):
    item = PLONG


class PPLongArray(NDRPOINTER):
    referent = (('Data', PLongArray),)


class Ptrs(NDRSTRUCT):
    structure = (('n', NDRLONG), ('arr', PPLongArray))


class ArrayOfPointers(NDRCALL):
    structure = (('p', Ptrs),)


def array_of_pointers():
    r = ArrayOfPointers()
    items = []
    for value, rid in ((10, 0x20004), (None, 0), (30, 0x20008)):
        if value is None:
            items.append(NULL)
            continue
        p = PLONG()
        p['Data'] = value
        referent_id(p, rid)
        items.append(p)
    r['p']['n'] = 3
    r['p']['arr'] = items
    referent_id(r['p'].fields['arr'], 0x20000)
    return r


# ---- conformant_struct ----
class CSArray(NDRUniConformantArray):
    item = '<h'


class CS(NDRSTRUCT):
    structure = (('n', NDRLONG), ('a', CSArray))


class CHArray(NDRUniConformantArray):
    item = '<q'


class CH(NDRSTRUCT):
    structure = (('n', NDRSHORT), ('a', CHArray))


class ConformantStruct(NDRCALL):
    structure = (('p', CS), ('q', CH))


def conformant_struct():
    r = ConformantStruct()
    r['p']['n'] = 3
    r['p']['a'] = [1, 2, 3]
    r['q']['n'] = 1
    r['q']['a'] = [0x0102030405060708]
    return r


# ---- union_long_arms ----
class LongOrPointer(NDRUNION):
    commonHdr = (('tag', NDRULONG),)
    union = {1: ('l', NDRLONG), 2: ('p', PLONG)}


class Holder(NDRSTRUCT):
    structure = (('kind', NDRLONG), ('u', LongOrPointer))


class UnionLongArms(NDRCALL):
    structure = (('h', Holder),)


def union_long_arms():
    r = UnionLongArms()
    r['h']['kind'] = 2
    r['h']['u']['tag'] = 2
    r['h']['u']['p'] = 42
    referent_id(r['h']['u'].fields['p'], 0x20000)
    return r


# ---- union_arm_alignment: the arm aligns as its own type (DCE/MIDL default, impacket's
#      notAlign); impacket's default would pad every arm to 4 ----
class ShortOrLong(NDRUNION):
    commonHdr = (('tag', NDRSMALL),)
    union = {1: ('s', NDRSHORT), 2: ('l', NDRLONG)}
    notAlign = True


class Narrow(NDRSTRUCT):
    structure = (('kind', NDRSMALL), ('u', ShortOrLong))


class UnionArmAlignment(NDRCALL):
    # tail: impacket only decodes a union discriminant with more than 4 octets after it
    structure = (('n', Narrow), ('tail', NDRLONG))


def union_arm_alignment():
    r = UnionArmAlignment()
    r['n']['kind'] = 1
    r['n']['u']['tag'] = 1
    r['n']['u']['s'] = -3
    r['tail'] = 0x01020304
    return r


# ---- array_of_structs ----
class Item(NDRSTRUCT):
    structure = (('id', NDRLONG), ('name', LPWSTR))


class ItemArray(NDRUniConformantArray):
    item = Item


class ArrayOfStructs(NDRCALL):
    structure = (('n', NDRLONG), ('items', ItemArray))


def array_of_structs():
    r = ArrayOfStructs()
    items = []
    for ident, name, rid in ((1, 'one\x00', 0x20000), (2, 'tw\u00f6\x00', 0x20004)):
        it = Item()
        it['id'] = ident
        it['name'] = name
        referent_id(it.fields['name'], rid)
        items.append(it)
    r['n'] = 2
    r['items'] = items
    return r


# ---- multiple_params ----
class MultipleParams(NDRCALL):
    structure = (('c', NDRCHAR), ('h', NDRHYPER), ('s', NDRSHORT), ('d', NDRDOUBLEFLOAT))


def multiple_params():
    r = MultipleParams()
    r['c'] = b'c'
    r['h'] = 0x0102030405060708
    r['s'] = 5
    r['d'] = -2.5
    return r


CASES = {
    'base_types': (base_types, base_types_check),
    'enum_and_long': (enum_and_long, None),
    'nested_alignment': (nested_alignment, None),
    'conformant_array': (conformant_array, conformant_array_check),
    'conformant_varying_array': (conformant_varying_array, None),
    'varying_in_struct': (varying_in_struct, None),
    'strings': (strings, strings_check),
    'nested_deferral': (nested_deferral, None),
    'top_level_unique': (top_level_unique, None),
    'array_of_pointers': (array_of_pointers, None),
    'conformant_struct': (conformant_struct, None),
    'union_long_arms': (union_long_arms, None),
    'union_arm_alignment': (union_arm_alignment, None),
    'array_of_structs': (array_of_structs, None),
    'multiple_params': (multiple_params, None),
}


def same_modulo_padding(asidl, imp):
    """Why the octets differ, or None."""
    if len(asidl) != len(imp):
        return 'lengths differ: asidl %d, impacket %d' % (len(asidl), len(imp))
    for i, (a, b) in enumerate(zip(asidl, imp)):
        if a == b:
            continue
        if b in PADDING and a == 0:
            continue
        return 'octet %d: asidl %02x, impacket %02x' % (i, a, b)
    return None


def tap(ok, name, detail=None):
    print('%s - %s' % ('ok' if ok else 'not ok', name))
    if not ok and detail:
        for line in str(detail).splitlines():
            print('#   ' + line)


def main():
    vectors_path, out_path = sys.argv[1], sys.argv[2]
    vectors = {}
    with open(vectors_path) as f:
        for line in f:
            name, _, hexdata = line.strip().partition(' ')
            vectors[name] = bytes.fromhex(hexdata)
    failures = 0
    with open(out_path, 'w') as out:
        for name, asidl in vectors.items():
            if name not in CASES:
                tap(False, 'impacket_knows_case_' + name)
                failures += 1
                continue
            build, check = CASES[name]
            try:
                value = build()
                imp = value.getData()
            except Exception as e:      # an impacket failure is a test failure, with its reason
                tap(False, 'impacket_encodes_like_asidl_' + name, repr(e))
                failures += 1
                continue
            out.write('%s %s\n' % (name, imp.hex()))
            why = same_modulo_padding(asidl, imp)
            tap(why is None, 'impacket_encodes_like_asidl_' + name,
                '%s\nasidl    %s\nimpacket %s' % (why, asidl.hex(), imp.hex()))
            failures += why is not None
            try:
                decoded = type(value)(asidl)
                again = decoded.getData()
                ok = again == imp and (check is None or check(decoded))
                detail = 'impacket re-encodes asidl\'s octets as %s' % again.hex()
            except Exception as e:
                ok, detail = False, repr(e)
            tap(ok, 'impacket_decodes_asidl_' + name, detail)
            failures += not ok
    for name in CASES:
        if name not in vectors:
            tap(False, 'asidl_sent_case_' + name)
            failures += 1
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
