/*
 * ole2.h: on Windows the OLE umbrella header; asidl's is the COM base (objbase.h), which is
 * what generated object-interface headers include it for.  OLE's compound documents, drag
 * and drop and in-place activation are outside asidl.
 */
#ifndef _OLE2_H_
#define _OLE2_H_

#include "objbase.h"

#endif /* _OLE2_H_ */
