/*
 * win_error.c: the per-thread last-error value of asidl's Windows functions (GetLastError).
 * It is separate from errno: a failing Windows function sets it, a succeeding one leaves it
 * alone unless its documentation says otherwise, as on Windows.
 */
#include "win_internal.h"

static _Thread_local DWORD last_error;

void asidl__set_last_error(DWORD code)
{
    last_error = code;
}

DWORD WINAPI asidl_GetLastError(void)
{
    return last_error;
}

void WINAPI asidl_SetLastError(DWORD dwErrCode)
{
    last_error = dwErrCode;
}
