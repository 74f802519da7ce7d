/*
 * winbase.h: the kernel-object part of the Windows API that asidl provides (events, waits,
 * completion ports, APCs, last error, handles).  See docs/windows-objects.md for their Linux
 * behaviour and how it differs from Windows'.
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
