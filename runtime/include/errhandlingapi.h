/*
 * errhandlingapi.h: the per-thread last-error value that asidl's Windows-object functions set
 * when they fail (exported as asidl_GetLastError / asidl_SetLastError; it is separate from
 * errno).
 */
#ifndef _ERRHANDLING_H_
#define _ERRHANDLING_H_

#include "minwindef.h"

ASIDL_EXTERN_C_BEGIN

ASIDL_API DWORD WINAPI asidl_GetLastError(void);
ASIDL_API void WINAPI asidl_SetLastError(DWORD dwErrCode);
#define GetLastError asidl_GetLastError
#define SetLastError asidl_SetLastError

ASIDL_EXTERN_C_END

#endif /* _ERRHANDLING_H_ */
