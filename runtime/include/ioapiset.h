/*
 * ioapiset.h: I/O completion ports.  asidl's ports carry packets posted by the program
 * (PostQueuedCompletionStatus) and by the RPC runtime (RpcNotificationTypeIoc completions);
 * there are no files to associate with a port: CreateIoCompletionPort(INVALID_HANDLE_VALUE,
 * NULL, 0, n) creates one.
 * Exported as asidl_<name>; the Windows names are macros.
 */
#ifndef _IOAPISET_H_
#define _IOAPISET_H_

#include "minwinbase.h"

ASIDL_EXTERN_C_BEGIN

ASIDL_API HANDLE WINAPI asidl_CreateIoCompletionPort(HANDLE FileHandle, HANDLE ExistingCompletionPort,
                                                     ULONG_PTR CompletionKey, DWORD NumberOfConcurrentThreads);
ASIDL_API BOOL WINAPI asidl_GetQueuedCompletionStatus(HANDLE CompletionPort, LPDWORD lpNumberOfBytesTransferred,
                                                      PULONG_PTR lpCompletionKey, LPOVERLAPPED *lpOverlapped,
                                                      DWORD dwMilliseconds);
ASIDL_API BOOL WINAPI asidl_PostQueuedCompletionStatus(HANDLE CompletionPort, DWORD dwNumberOfBytesTransferred,
                                                       ULONG_PTR dwCompletionKey, LPOVERLAPPED lpOverlapped);

#define CreateIoCompletionPort asidl_CreateIoCompletionPort
#define GetQueuedCompletionStatus asidl_GetQueuedCompletionStatus
#define PostQueuedCompletionStatus asidl_PostQueuedCompletionStatus

ASIDL_EXTERN_C_END

#endif /* _IOAPISET_H_ */
