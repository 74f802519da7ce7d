/*
 * winbase.h: the kernel-object part of the Windows API that asidl provides (events, waits,
 * completion ports, APCs, last error, handles).  See docs/types.md for the subset and its
 * Linux behaviour.
 */
#ifndef _WINBASE_
#define _WINBASE_

#include "minwinbase.h"
#include "errhandlingapi.h"
#include "handleapi.h"
#include "synchapi.h"
#include "ioapiset.h"
#include "processthreadsapi.h"

#endif /* _WINBASE_ */
