/*
 * guiddef.h: GUID and its aliases (IID, CLSID, FMTID), DEFINE_GUID and the comparisons.
 *
 * A GUID is 16 bytes, 4+2+2+8, with Data1..Data3 in host byte order (the NDR engine puts them
 * on the wire in the call's data representation).  REFGUID/REFIID/REFCLSID are const pointers
 * in C and const references in C++, as on Windows.
 *
 * DEFINE_GUID declares the GUID; with INITGUID defined before the include it also defines it
 * (as a weak symbol, so several files may do so).
 */
#ifndef GUID_DEFINED
#define GUID_DEFINED

#include <string.h>
#include "asidl_base.h"

typedef struct _GUID {
    uint32_t Data1;
    unsigned short Data2;
    unsigned short Data3;
    unsigned char Data4[8];
} GUID;

#endif /* GUID_DEFINED */

#ifndef _GUIDDEF_H_
#define _GUIDDEF_H_

typedef GUID *LPGUID;
typedef const GUID *LPCGUID;
typedef GUID IID, *LPIID;
typedef GUID CLSID, *LPCLSID;
typedef GUID FMTID, *LPFMTID;

#ifdef __cplusplus
#define REFGUID const GUID &
#define REFIID const IID &
#define REFCLSID const IID &
#define REFFMTID const IID &
#else
#define REFGUID const GUID *
#define REFIID const IID *
#define REFCLSID const IID *
#define REFFMTID const IID *
#endif

#define IsEqualIID(riid1, riid2) IsEqualGUID(riid1, riid2)
#define IsEqualCLSID(rclsid1, rclsid2) IsEqualGUID(rclsid1, rclsid2)
#define IsEqualFMTID(rfmtid1, rfmtid2) IsEqualGUID(rfmtid1, rfmtid2)

#ifdef __cplusplus
#define ASIDL_GUID_DEFINITION extern "C"
#else
#define ASIDL_GUID_DEFINITION
#endif

#endif /* _GUIDDEF_H_ */

/* DEFINE_GUID follows INITGUID at each inclusion, as on Windows (a file may define INITGUID
 * and include guiddef.h again to get definitions). */
#undef DEFINE_GUID
#ifdef INITGUID
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) \
    ASIDL_GUID_DEFINITION const GUID DECLSPEC_SELECTANY name =    \
        { l, w1, w2, { b1, b2, b3, b4, b5, b6, b7, b8 } }
#else
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) EXTERN_C const GUID name
#endif
#define DEFINE_OLEGUID(name, l, w1, w2) \
    DEFINE_GUID(name, l, w1, w2, 0xC0, 0, 0, 0, 0, 0, 0, 0x46)

#ifndef ASIDL_GUID_COMPARE_DEFINED
#define ASIDL_GUID_COMPARE_DEFINED

#ifdef __cplusplus
inline int InlineIsEqualGUID(REFGUID a, REFGUID b)
{
    return memcmp(&a, &b, sizeof(GUID)) == 0;
}
inline int IsEqualGUID(REFGUID a, REFGUID b)
{
    return memcmp(&a, &b, sizeof(GUID)) == 0;
}
inline bool operator==(REFGUID a, REFGUID b) { return IsEqualGUID(a, b) != 0; }
inline bool operator!=(REFGUID a, REFGUID b) { return !(a == b); }
#else
#define InlineIsEqualGUID(a, b) (memcmp((a), (b), sizeof(GUID)) == 0)
#define IsEqualGUID(a, b) (memcmp((a), (b), sizeof(GUID)) == 0)
#endif

#endif /* ASIDL_GUID_COMPARE_DEFINED */
