/*
 * ioapiset.h: I/O completion ports.  asidl's ports carry packets posted by the program
 * (PostQueuedCompletionStatus) and by the RPC runtime (RpcNotificationTypeIoc completions);
 * there are no files to associate with a port: CreateIoCompletionPort(INVALID_HANDLE_VALUE,
 * NULL, 0, n) creates one, and any other FileHandle fails with ERROR_NOT_SUPPORTED.  Packets
 * come out first in, first out; waiting threads are served last in, first out.  Closing the
 * port ends the dequeues in progress with ERROR_ABANDONED_WAIT_0.
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
/* Takes up to ulCount packets at once (waiting up to dwMilliseconds for the first); with
 * fAlertable TRUE, queued APCs run instead when no packet is there and it fails with
 * WAIT_IO_COMPLETION. */
ASIDL_API BOOL WINAPI asidl_GetQueuedCompletionStatusEx(HANDLE CompletionPort, LPOVERLAPPED_ENTRY lpCompletionPortEntries,
                                                        ULONG ulCount, PULONG ulNumEntriesRemoved,
                                                        DWORD dwMilliseconds, BOOL fAlertable);
ASIDL_API BOOL WINAPI asidl_PostQueuedCompletionStatus(HANDLE CompletionPort, DWORD dwNumberOfBytesTransferred,
                                                       ULONG_PTR dwCompletionKey, LPOVERLAPPED lpOverlapped);

#define CreateIoCompletionPort asidl_CreateIoCompletionPort
#define GetQueuedCompletionStatus asidl_GetQueuedCompletionStatus
#define GetQueuedCompletionStatusEx asidl_GetQueuedCompletionStatusEx
#define PostQueuedCompletionStatus asidl_PostQueuedCompletionStatus

ASIDL_EXTERN_C_END

#endif /* _IOAPISET_H_ */
