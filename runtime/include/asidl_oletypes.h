/*
 * asidl_oletypes.h: the COM automation base types OLECHAR, BSTR and VARIANT_BOOL.
 *
 * On Windows they come from the generated wtypesbase.h / wtypes.h.  asidl's runtime defines
 * them itself (rpcndr.h includes this file), so every generated header has them whatever it
 * imports; asidl's wtypes.idl still declares them for the IDL side, and the header generator
 * does not repeat those typedefs.  OLECHAR is WCHAR (wchar_t); the wire form is UTF-16.
 */
#ifndef ASIDL_OLETYPES_H
#define ASIDL_OLETYPES_H

#include "winnt.h"

typedef WCHAR OLECHAR;
typedef OLECHAR *LPOLESTR;
typedef const OLECHAR *LPCOLESTR;
#define OLESTR(str) L##str

/* A BSTR points at the text; a 32-bit byte count (without the terminator) precedes it. */
typedef OLECHAR *BSTR;
typedef BSTR *LPBSTR;

typedef short VARIANT_BOOL;
#define VARIANT_TRUE ((VARIANT_BOOL)-1)
#define VARIANT_FALSE ((VARIANT_BOOL)0)

#endif /* ASIDL_OLETYPES_H */
