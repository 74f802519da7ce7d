/*
 * The public headers (runtime/include): Windows sizes of the Windows types, Windows values of
 * the status codes, the documented shape of RPC_ASYNC_STATE, the asidl_ names behind the
 * Windows functions, and that every header compiles on its own and beside glibc's, as C11 and
 * as C++11, with each C and C++ compiler on the machine (gcc, clang).
 *
 * glibc headers come first and last here on purpose: the set must not clash with them in
 * either order.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <wchar.h>

#define INITGUID
#include <rpc.h>
#include <rpcndr.h>
#include <objbase.h>
#include <ole2.h>

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

#define STR2(x) #x
#define STR(x) STR2(x)
#define IS_SIGNED(T) ((T)-1 < (T)1)
/* _Generic: is expression e exactly of type T? */
#define HAS_TYPE(e, T) _Generic((e), T: 1, default: 0)

/* ------------------------------------------------------------------ sizes */

TEST(windows_types_have_windows_sizes)
{
    CHECK_EQ_INT(sizeof(BYTE), 1);
    CHECK_EQ_INT(sizeof(CHAR), 1);
    CHECK_EQ_INT(sizeof(UCHAR), 1);
    CHECK_EQ_INT(sizeof(BOOLEAN), 1);
    CHECK_EQ_INT(sizeof(WORD), 2);
    CHECK_EQ_INT(sizeof(SHORT), 2);
    CHECK_EQ_INT(sizeof(USHORT), 2);
    CHECK_EQ_INT(sizeof(DWORD), 4);
    CHECK_EQ_INT(sizeof(LONG), 4);
    CHECK_EQ_INT(sizeof(ULONG), 4);
    CHECK_EQ_INT(sizeof(INT), 4);
    CHECK_EQ_INT(sizeof(UINT), 4);
    CHECK_EQ_INT(sizeof(BOOL), 4);
    CHECK_EQ_INT(sizeof(HRESULT), 4);
    CHECK_EQ_INT(sizeof(SCODE), 4);
    CHECK_EQ_INT(sizeof(LONGLONG), 8);
    CHECK_EQ_INT(sizeof(ULONGLONG), 8);
    CHECK_EQ_INT(sizeof(DWORDLONG), 8);
    CHECK_EQ_INT(sizeof(LARGE_INTEGER), 8);
    CHECK_EQ_INT(sizeof(ULARGE_INTEGER), 8);
    CHECK_EQ_INT(sizeof(FILETIME), 8);
    CHECK_EQ_INT(sizeof(INT8), 1);
    CHECK_EQ_INT(sizeof(UINT16), 2);
    CHECK_EQ_INT(sizeof(INT32), 4);
    CHECK_EQ_INT(sizeof(LONG32), 4);
    CHECK_EQ_INT(sizeof(DWORD32), 4);
    CHECK_EQ_INT(sizeof(INT64), 8);
    CHECK_EQ_INT(sizeof(DWORD64), 8);
    CHECK_EQ_INT(sizeof(LONG_PTR), sizeof(void *));
    CHECK_EQ_INT(sizeof(ULONG_PTR), sizeof(void *));
    CHECK_EQ_INT(sizeof(HANDLE), sizeof(void *));
    CHECK_EQ_INT(sizeof(LPVOID), sizeof(void *));
    CHECK(HAS_TYPE((SIZE_T)0, size_t));            /* SIZE_T* and size_t* interconvert */
    CHECK(HAS_TYPE((ULONG_PTR)0, uintptr_t));
    CHECK(HAS_TYPE((WCHAR)0, wchar_t));
    CHECK(HAS_TYPE((OLECHAR)0, wchar_t));
    CHECK(HAS_TYPE((LPWSTR)0, wchar_t *));
    CHECK(HAS_TYPE((LPCWSTR)0, const wchar_t *));
    CHECK(HAS_TYPE((LPSTR)0, char *));
    CHECK(HAS_TYPE((LPCSTR)0, const char *));
    CHECK(HAS_TYPE((BSTR)0, wchar_t *));
    CHECK_EQ_INT(sizeof(VARIANT_BOOL), 2);
    CHECK_EQ_INT(VARIANT_TRUE, -1);
    CHECK_EQ_INT(VARIANT_FALSE, 0);
    CHECK_EQ_INT(TRUE, 1);
    CHECK_EQ_INT(FALSE, 0);
}

TEST(windows_types_have_windows_signedness)
{
    CHECK(IS_SIGNED(LONG));
    CHECK(IS_SIGNED(HRESULT));
    CHECK(IS_SIGNED(INT));
    CHECK(IS_SIGNED(SHORT));
    CHECK(IS_SIGNED(LONGLONG));
    CHECK(IS_SIGNED(LONG_PTR));
    CHECK(!IS_SIGNED(DWORD));
    CHECK(!IS_SIGNED(ULONG));
    CHECK(!IS_SIGNED(UINT));
    CHECK(!IS_SIGNED(WORD));
    CHECK(!IS_SIGNED(BYTE));
    CHECK(!IS_SIGNED(ULONGLONG));
    CHECK(!IS_SIGNED(ULONG_PTR));
    CHECK_EQ_INT((DWORD)-1, 0xFFFFFFFFu);
}

TEST(midl_spellings_have_the_documented_c_types)
{
    CHECK_EQ_INT(sizeof(small), 1);
    CHECK_EQ_INT(sizeof(unsigned small), 1);
    CHECK(!IS_SIGNED(unsigned small));
    CHECK(HAS_TYPE((byte)0, unsigned char));
    CHECK(HAS_TYPE((boolean)0, unsigned char));
    CHECK_EQ_INT(sizeof(hyper), 8);
    CHECK(IS_SIGNED(hyper));
    CHECK_EQ_INT(sizeof(unsigned hyper), 8);
    CHECK(!IS_SIGNED(MIDL_uhyper));
    CHECK_EQ_INT(sizeof(MIDL_uhyper), 8);
    CHECK_EQ_INT(sizeof(__int8), 1);
    CHECK_EQ_INT(sizeof(__int16), 2);
    CHECK_EQ_INT(sizeof(__int32), 4);
    CHECK_EQ_INT(sizeof(__int64), 8);
    CHECK(!IS_SIGNED(unsigned __int64));
    CHECK(IS_SIGNED(__int64));
    CHECK_EQ_INT(sizeof(__int3264), sizeof(void *));
    CHECK(!IS_SIGNED(unsigned __int3264));
    /* IDL long/unsigned long keep C's types (product decision); the Windows typedefs do not. */
    CHECK(HAS_TYPE((RPC_STATUS)0, long));
    CHECK(HAS_TYPE((error_status_t)0, unsigned long));
    CHECK(HAS_TYPE((handle_t)0, void *));
    CHECK(HAS_TYPE((RPC_BINDING_HANDLE)0, void *));
    CHECK(HAS_TYPE((RPC_IF_HANDLE)0, void *));
    CHECK(HAS_TYPE((RPC_CSTR)0, unsigned char *));
    CHECK(HAS_TYPE((RPC_WSTR)0, wchar_t *));
    CHECK(HAS_TYPE((NDR_CCONTEXT)0, void *));
    CHECK(HAS_TYPE(((NDR_SCONTEXT)0)->userContext, void *));
    CHECK_EQ_INT(cbNDRContext, 20);
    CHECK(__RPCNDR_H_VERSION__ >= 475);   /* what MIDL-generated headers require */
}

TEST(guid_is_16_bytes_laid_out_4_2_2_8)
{
    CHECK_EQ_INT(sizeof(GUID), 16);
    CHECK_EQ_INT(offsetof(GUID, Data1), 0);
    CHECK_EQ_INT(offsetof(GUID, Data2), 4);
    CHECK_EQ_INT(offsetof(GUID, Data3), 6);
    CHECK_EQ_INT(offsetof(GUID, Data4), 8);
    CHECK_EQ_INT(sizeof(((GUID *)0)->Data1), 4);
    CHECK_EQ_INT(sizeof(((GUID *)0)->Data4), 8);
    CHECK_EQ_INT(sizeof(UUID), 16);
    CHECK_EQ_INT(sizeof(IID), 16);
    CHECK_EQ_INT(sizeof(CLSID), 16);
    CHECK(HAS_TYPE((REFIID)0, const IID *));
    CHECK(HAS_TYPE((REFCLSID)0, const CLSID *));
    CHECK(HAS_TYPE((REFGUID)0, const GUID *));
}

/* With INITGUID (defined above, before the includes) DEFINE_GUID defines the GUID. */
DEFINE_GUID(test_guid_a, 0x00000000, 0x0000, 0x0000, 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46);
DEFINE_GUID(test_guid_b, 0x12345678, 0x9abc, 0xdef0, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef);
DEFINE_GUID(test_guid_b_again, 0x12345678, 0x9abc, 0xdef0, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef);

TEST(define_guid_defines_and_is_equal_guid_compares)
{
    static const unsigned char tail[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
    CHECK_EQ_INT(test_guid_b.Data1, 0x12345678);
    CHECK_EQ_INT(test_guid_b.Data2, 0x9abc);
    CHECK_EQ_INT(test_guid_b.Data3, 0xdef0);
    CHECK_EQ_MEM(test_guid_b.Data4, tail, 8);
    CHECK(IsEqualGUID(&test_guid_b, &test_guid_b_again));
    CHECK(IsEqualIID(&test_guid_b, &test_guid_b_again));
    CHECK(!IsEqualGUID(&test_guid_a, &test_guid_b));
    CHECK(!IsEqualCLSID(&test_guid_a, &test_guid_b));
    CHECK(InlineIsEqualGUID(&test_guid_a, &test_guid_a));
}

/* ------------------------------------------------------------------ status codes */

TEST(async_status_codes_have_windows_values)   /* spec/async-semantics.md section 6 */
{
    CHECK_EQ_INT(RPC_S_OK, 0);
    CHECK_EQ_INT(RPC_S_OUT_OF_MEMORY, 14);
    CHECK_EQ_INT(RPC_S_INVALID_ARG, 87);
    CHECK_EQ_INT(RPC_S_ASYNC_CALL_PENDING, 997);
    CHECK_EQ_INT(RPC_S_TIMEOUT, 1460);
    CHECK_EQ_INT(RPC_S_INVALID_BINDING, 1702);
    CHECK_EQ_INT(RPC_S_SERVER_UNAVAILABLE, 1722);
    CHECK_EQ_INT(RPC_S_SERVER_TOO_BUSY, 1723);
    CHECK_EQ_INT(RPC_S_NO_CALL_ACTIVE, 1725);
    CHECK_EQ_INT(RPC_S_CALL_FAILED, 1726);
    CHECK_EQ_INT(RPC_S_CALL_FAILED_DNE, 1727);
    CHECK_EQ_INT(RPC_S_CANNOT_SUPPORT, 1764);
    CHECK_EQ_INT(RPC_X_BAD_STUB_DATA, 1783);
    CHECK_EQ_INT(RPC_X_WRONG_STUB_VERSION, 1829);
    CHECK_EQ_INT(RPC_S_CALL_IN_PROGRESS, 1791);
    CHECK_EQ_INT(RPC_S_CALL_CANCELLED, 1818);
    CHECK_EQ_INT(RPC_S_NOT_CANCELLED, 1826);
    CHECK_EQ_INT(RPC_X_WRONG_PIPE_ORDER, 1831);
    CHECK_EQ_INT(RPC_S_SEND_INCOMPLETE, 1913);
    CHECK_EQ_INT(RPC_S_INVALID_ASYNC_HANDLE, 1914);
    CHECK_EQ_INT(RPC_S_INVALID_ASYNC_CALL, 1915);
    CHECK_EQ_INT(RPC_X_PIPE_CLOSED, 1916);
    CHECK_EQ_INT(RPC_X_PIPE_DISCIPLINE_ERROR, 1917);
    CHECK_EQ_INT(RPC_X_PIPE_EMPTY, 1918);
    CHECK_EQ_INT((uint32_t)RPC_E_CALL_CANCELED, 0x80010002u);
    CHECK_EQ_INT((uint32_t)RPC_S_CALLPENDING, 0x80010115u);
    CHECK_EQ_INT((uint32_t)RPC_E_CALL_COMPLETE, 0x80010117u);
    CHECK_EQ_INT((uint32_t)RPC_E_TIMEOUT, 0x8001011Fu);
    CHECK_EQ_INT((uint32_t)CO_E_CANCEL_DISABLED, 0x80010140u);
    CHECK_EQ_INT(ERROR_INVALID_PARAMETER, RPC_S_INVALID_ARG);
}

TEST(dce_status_codes_have_windows_values)
{
    CHECK_EQ_INT(RPC_S_INVALID_STRING_BINDING, 1700);
    CHECK_EQ_INT(RPC_S_WRONG_KIND_OF_BINDING, 1701);
    CHECK_EQ_INT(RPC_S_PROTSEQ_NOT_SUPPORTED, 1703);
    CHECK_EQ_INT(RPC_S_INVALID_RPC_PROTSEQ, 1704);
    CHECK_EQ_INT(RPC_S_INVALID_STRING_UUID, 1705);
    CHECK_EQ_INT(RPC_S_INVALID_ENDPOINT_FORMAT, 1706);
    CHECK_EQ_INT(RPC_S_INVALID_NET_ADDR, 1707);
    CHECK_EQ_INT(RPC_S_NO_ENDPOINT_FOUND, 1708);
    CHECK_EQ_INT(RPC_S_ALREADY_REGISTERED, 1711);
    CHECK_EQ_INT(RPC_S_ALREADY_LISTENING, 1713);
    CHECK_EQ_INT(RPC_S_NO_PROTSEQS_REGISTERED, 1714);
    CHECK_EQ_INT(RPC_S_NOT_LISTENING, 1715);
    CHECK_EQ_INT(RPC_S_UNKNOWN_IF, 1717);
    CHECK_EQ_INT(RPC_S_NO_BINDINGS, 1718);
    CHECK_EQ_INT(RPC_S_CANT_CREATE_ENDPOINT, 1720);
    CHECK_EQ_INT(RPC_S_OUT_OF_RESOURCES, 1721);
    CHECK_EQ_INT(RPC_S_PROTOCOL_ERROR, 1728);
    CHECK_EQ_INT(RPC_S_UNSUPPORTED_TRANS_SYN, 1730);
    CHECK_EQ_INT(RPC_S_UNSUPPORTED_TYPE, 1732);
    CHECK_EQ_INT(RPC_S_INVALID_TAG, 1733);
    CHECK_EQ_INT(RPC_S_INVALID_BOUND, 1734);
    CHECK_EQ_INT(RPC_S_PROCNUM_OUT_OF_RANGE, 1745);
    CHECK_EQ_INT(EPT_S_INVALID_ENTRY, 1751);
    CHECK_EQ_INT(EPT_S_CANT_PERFORM_OP, 1752);
    CHECK_EQ_INT(EPT_S_NOT_REGISTERED, 1753);
    CHECK_EQ_INT(EPT_S_CANT_CREATE, 1899);
    CHECK_EQ_INT(RPC_S_INTERNAL_ERROR, 1766);
    CHECK_EQ_INT(RPC_S_ZERO_DIVIDE, 1767);
    CHECK_EQ_INT(RPC_X_SS_IN_NULL_CONTEXT, 1775);
    CHECK_EQ_INT(RPC_X_SS_CONTEXT_DAMAGED, 1777);
    CHECK_EQ_INT(RPC_X_NULL_REF_POINTER, 1780);
    CHECK_EQ_INT(RPC_X_ENUM_VALUE_OUT_OF_RANGE, 1781);
    CHECK_EQ_INT(RPC_X_BYTE_COUNT_TOO_SMALL, 1782);
    CHECK_EQ_INT(RPC_S_COMM_FAILURE, 1820);
    CHECK_EQ_INT(RPC_S_UUID_LOCAL_ONLY, 1824);
    CHECK_EQ_INT(RPC_S_UUID_NO_ADDRESS, 1739);
    CHECK_EQ_INT(RPC_S_INVALID_OBJECT, 1900);
    CHECK_EQ_INT(RPC_S_ACCESS_DENIED, 5);
    CHECK_EQ_INT(RPC_S_BUFFER_TOO_SMALL, 122);
    CHECK_EQ_INT(RPC_S_OUT_OF_THREADS, 164);
    CHECK_EQ_INT(RPC_S_SERVER_OUT_OF_MEMORY, 1130);
    CHECK_EQ_INT(RPC_X_NO_MEMORY, 14);
    CHECK_EQ_INT(RPC_X_INVALID_BOUND, 1734);
    CHECK_EQ_INT(RPC_X_INVALID_TAG, 1733);
    CHECK_EQ_INT(RPC_X_SS_CONTEXT_MISMATCH, 6);
    CHECK_EQ_INT(RPC_X_INVALID_BUFFER, 1784);
    CHECK_EQ_INT(RPC_X_INVALID_PIPE_OPERATION, 1831);
    CHECK(HAS_TYPE(RPC_S_INVALID_BINDING, long));   /* L-suffixed, as on Windows */
}

TEST(hresults_have_windows_values_and_macros_decode_them)
{
    CHECK_EQ_INT(S_OK, 0);
    CHECK_EQ_INT(S_FALSE, 1);
    CHECK_EQ_INT((uint32_t)E_UNEXPECTED, 0x8000FFFFu);
    CHECK_EQ_INT((uint32_t)E_NOTIMPL, 0x80004001u);
    CHECK_EQ_INT((uint32_t)E_NOINTERFACE, 0x80004002u);
    CHECK_EQ_INT((uint32_t)E_POINTER, 0x80004003u);
    CHECK_EQ_INT((uint32_t)E_FAIL, 0x80004005u);
    CHECK_EQ_INT((uint32_t)E_OUTOFMEMORY, 0x8007000Eu);
    CHECK_EQ_INT((uint32_t)E_INVALIDARG, 0x80070057u);
    CHECK_EQ_INT((uint32_t)CLASS_E_NOAGGREGATION, 0x80040110u);
    CHECK_EQ_INT((uint32_t)RPC_E_DISCONNECTED, 0x80010108u);
    CHECK(HAS_TYPE(E_FAIL, HRESULT));
    CHECK(E_FAIL < 0);                        /* an HRESULT's top bit makes it negative */
    CHECK(FAILED(E_FAIL));
    CHECK(FAILED(RPC_E_CALL_CANCELED));
    CHECK(SUCCEEDED(S_OK));
    CHECK(SUCCEEDED(S_FALSE));
    CHECK(IS_ERROR(E_FAIL));
    CHECK(!IS_ERROR(S_FALSE));
    CHECK_EQ_INT(HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER), E_INVALIDARG);
    CHECK_EQ_INT(HRESULT_FROM_WIN32(ERROR_OUTOFMEMORY), E_OUTOFMEMORY);
    CHECK_EQ_INT(HRESULT_FROM_WIN32(ERROR_SUCCESS), S_OK);
    CHECK_EQ_INT(HRESULT_FROM_WIN32(E_FAIL), E_FAIL);   /* already an HRESULT: unchanged */
    CHECK_EQ_INT(MAKE_HRESULT(SEVERITY_ERROR, FACILITY_RPC, 2), RPC_E_CALL_CANCELED);
    CHECK_EQ_INT(MAKE_HRESULT(SEVERITY_SUCCESS, FACILITY_NULL, 1), S_FALSE);
    CHECK_EQ_INT(HRESULT_CODE(E_INVALIDARG), 87);
    CHECK_EQ_INT(HRESULT_FACILITY(E_INVALIDARG), FACILITY_WIN32);
    CHECK_EQ_INT(HRESULT_SEVERITY(E_INVALIDARG), SEVERITY_ERROR);
}

/* ------------------------------------------------------------------ RPC_ASYNC_STATE */

static void notification_routine(PRPC_ASYNC_STATE pAsync, void *Context, RPC_ASYNC_EVENT Event)
{
    (void)pAsync;
    (void)Context;
    (void)Event;
}

static void apc_routine(ULONG_PTR Parameter)
{
    (void)Parameter;
}

TEST(rpc_async_state_has_the_documented_fields_in_order)
{
    RPC_ASYNC_STATE s;
    memset(&s, 0, sizeof s);
    CHECK(HAS_TYPE(s.Size, unsigned int));
    CHECK(HAS_TYPE(s.Signature, unsigned long));
    CHECK(HAS_TYPE(s.Lock, long));
    CHECK(HAS_TYPE(s.Flags, unsigned long));
    CHECK(HAS_TYPE(s.StubInfo, void *));
    CHECK(HAS_TYPE(s.UserInfo, void *));
    CHECK(HAS_TYPE(s.RuntimeInfo, void *));
    CHECK(HAS_TYPE(s.Event, RPC_ASYNC_EVENT));
    CHECK(HAS_TYPE(s.NotificationType, RPC_NOTIFICATION_TYPES));
    CHECK(HAS_TYPE(s.u, RPC_ASYNC_NOTIFICATION_INFO));
    CHECK(HAS_TYPE(s.Reserved[0], LONG_PTR));
    CHECK_EQ_INT(sizeof s.Reserved / sizeof s.Reserved[0], 4);

    /* Declaration order is the documented order. */
    CHECK_EQ_INT(offsetof(RPC_ASYNC_STATE, Size), 0);
    CHECK(offsetof(RPC_ASYNC_STATE, Size) < offsetof(RPC_ASYNC_STATE, Signature));
    CHECK(offsetof(RPC_ASYNC_STATE, Signature) < offsetof(RPC_ASYNC_STATE, Lock));
    CHECK(offsetof(RPC_ASYNC_STATE, Lock) < offsetof(RPC_ASYNC_STATE, Flags));
    CHECK(offsetof(RPC_ASYNC_STATE, Flags) < offsetof(RPC_ASYNC_STATE, StubInfo));
    CHECK(offsetof(RPC_ASYNC_STATE, StubInfo) < offsetof(RPC_ASYNC_STATE, UserInfo));
    CHECK(offsetof(RPC_ASYNC_STATE, UserInfo) < offsetof(RPC_ASYNC_STATE, RuntimeInfo));
    CHECK(offsetof(RPC_ASYNC_STATE, RuntimeInfo) < offsetof(RPC_ASYNC_STATE, Event));
    CHECK(offsetof(RPC_ASYNC_STATE, Event) < offsetof(RPC_ASYNC_STATE, NotificationType));
    CHECK(offsetof(RPC_ASYNC_STATE, NotificationType) < offsetof(RPC_ASYNC_STATE, u));
    CHECK(offsetof(RPC_ASYNC_STATE, u) < offsetof(RPC_ASYNC_STATE, Reserved));
    CHECK_EQ_INT(offsetof(RPC_ASYNC_STATE, Reserved) + sizeof s.Reserved, sizeof s);

    /* Every branch of u, with its documented member types. */
    s.u.APC.NotificationRoutine = notification_routine;
    CHECK(HAS_TYPE(s.u.APC.NotificationRoutine, PFN_RPCNOTIFICATION_ROUTINE));
    CHECK(HAS_TYPE(s.u.APC.hThread, HANDLE));
    CHECK(HAS_TYPE(s.u.IOC.hIOPort, HANDLE));
    CHECK(HAS_TYPE(s.u.IOC.dwNumberOfBytesTransferred, DWORD));
    CHECK(HAS_TYPE(s.u.IOC.dwCompletionKey, DWORD_PTR));
    CHECK(HAS_TYPE(s.u.IOC.lpOverlapped, LPOVERLAPPED));
    CHECK(HAS_TYPE(s.u.HWND.hWnd, HWND));
    CHECK(HAS_TYPE(s.u.HWND.Msg, UINT));
    CHECK(HAS_TYPE(s.u.hEvent, HANDLE));
    CHECK(HAS_TYPE(s.u.NotificationRoutine, PFN_RPCNOTIFICATION_ROUTINE));
    CHECK(s.u.NotificationRoutine == notification_routine);   /* the branches overlay */
    CHECK_EQ_INT(RPC_ASYNC_VERSION_1_0, sizeof(RPC_ASYNC_STATE));
    CHECK_EQ_INT(RPC_C_NOTIFY_ON_SEND_COMPLETE, 0x1);
    CHECK_EQ_INT(RPC_C_INFINITE_TIMEOUT, 0xFFFFFFFFu);

    PAPCFUNC apc = apc_routine;   /* QueueUserAPC's routine type */
    CHECK(apc != NULL);
}

TEST(async_enums_have_documented_values)
{
    CHECK_EQ_INT(RpcNotificationTypeNone, 0);
    CHECK_EQ_INT(RpcNotificationTypeEvent, 1);
    CHECK_EQ_INT(RpcNotificationTypeApc, 2);
    CHECK_EQ_INT(RpcNotificationTypeIoc, 3);
    CHECK_EQ_INT(RpcNotificationTypeHwnd, 4);
    CHECK_EQ_INT(RpcNotificationTypeCallback, 5);
    CHECK_EQ_INT(RpcCallComplete, 0);
    CHECK_EQ_INT(RpcSendComplete, 1);
    CHECK_EQ_INT(RpcReceiveComplete, 2);
    CHECK_EQ_INT(RpcClientDisconnect, 3);
    CHECK_EQ_INT(RpcClientCancel, 4);
    CHECK_EQ_INT(RpcNotificationCallNone, 0);
    CHECK_EQ_INT(RpcNotificationClientDisconnect, 1);
    CHECK_EQ_INT(RpcNotificationCallCancel, 2);
    CHECK_EQ_INT(RPC_C_OPT_BINDING_NONCAUSAL, 9);
    CHECK_EQ_INT(RPC_C_LISTEN_MAX_CALLS_DEFAULT, 1234);
    CHECK_EQ_INT(RPC_C_PROTSEQ_MAX_REQS_DEFAULT, 10);
    CHECK_EQ_INT(RPC_C_BINDING_DEFAULT_TIMEOUT, 5);
    CHECK_EQ_INT(RPC_C_CANCEL_INFINITE_TIMEOUT, -1);
    CHECK_EQ_INT(RPC_IF_AUTOLISTEN, 1);
    CHECK_EQ_INT(RPC_IF_ALLOW_CALLBACKS_WITH_NO_AUTH, 0x10);
}

/* ------------------------------------------------------------------ Windows objects */

TEST(windows_functions_are_asidl_prefixed_symbols)
{
    CHECK(strcmp(STR(CloseHandle), "asidl_CloseHandle") == 0);
    CHECK(strcmp(STR(CreateEvent), "asidl_CreateEventA") == 0);   /* UNICODE not defined */
    CHECK(strcmp(STR(CreateEventA), "asidl_CreateEventA") == 0);
    CHECK(strcmp(STR(CreateEventW), "asidl_CreateEventW") == 0);
    CHECK(strcmp(STR(SetEvent), "asidl_SetEvent") == 0);
    CHECK(strcmp(STR(ResetEvent), "asidl_ResetEvent") == 0);
    CHECK(strcmp(STR(WaitForSingleObject), "asidl_WaitForSingleObject") == 0);
    CHECK(strcmp(STR(WaitForSingleObjectEx), "asidl_WaitForSingleObjectEx") == 0);
    CHECK(strcmp(STR(WaitForMultipleObjects), "asidl_WaitForMultipleObjects") == 0);
    CHECK(strcmp(STR(WaitForMultipleObjectsEx), "asidl_WaitForMultipleObjectsEx") == 0);
    CHECK(strcmp(STR(CreateIoCompletionPort), "asidl_CreateIoCompletionPort") == 0);
    CHECK(strcmp(STR(GetQueuedCompletionStatus), "asidl_GetQueuedCompletionStatus") == 0);
    CHECK(strcmp(STR(PostQueuedCompletionStatus), "asidl_PostQueuedCompletionStatus") == 0);
    CHECK(strcmp(STR(SleepEx), "asidl_SleepEx") == 0);
    CHECK(strcmp(STR(Sleep), "asidl_Sleep") == 0);
    CHECK(strcmp(STR(QueueUserAPC), "asidl_QueueUserAPC") == 0);
    CHECK(strcmp(STR(GetCurrentThreadId), "asidl_GetCurrentThreadId") == 0);
    CHECK(strcmp(STR(GetCurrentThread), "asidl_GetCurrentThread") == 0);
    CHECK(strcmp(STR(OpenThread), "asidl_OpenThread") == 0);
    CHECK(strcmp(STR(GetLastError), "asidl_GetLastError") == 0);
    CHECK(strcmp(STR(SetLastError), "asidl_SetLastError") == 0);
    CHECK(strcmp(STR(PostMessage), "asidl_PostMessageA") == 0);
    CHECK(strcmp(STR(GetMessage), "asidl_GetMessageA") == 0);
    CHECK(strcmp(STR(PeekMessage), "asidl_PeekMessageA") == 0);
    CHECK(strcmp(STR(PeekMessageW), "asidl_PeekMessageW") == 0);
    /* RPC functions keep their names (they are the library's own API, not Windows kernel names). */
    CHECK(strcmp(STR(RpcStringBindingCompose), "RpcStringBindingComposeA") == 0);
    CHECK(strcmp(STR(RpcAsyncCompleteCall), "RpcAsyncCompleteCall") == 0);
    CHECK(strcmp(STR(midl_user_allocate), "MIDL_user_allocate") == 0);
}

TEST(wait_and_message_constants_have_windows_values)
{
    CHECK_EQ_INT(WAIT_OBJECT_0, 0);
    CHECK_EQ_INT(WAIT_ABANDONED_0, 0x80);
    CHECK_EQ_INT(WAIT_IO_COMPLETION, 0xC0);
    CHECK_EQ_INT(WAIT_TIMEOUT, 258);
    CHECK_EQ_INT(WAIT_FAILED, 0xFFFFFFFFu);
    CHECK_EQ_INT(INFINITE, 0xFFFFFFFFu);
    CHECK_EQ_INT(MAXIMUM_WAIT_OBJECTS, 64);
    CHECK(INVALID_HANDLE_VALUE == (HANDLE)(intptr_t)-1);
    CHECK_EQ_INT(WM_QUIT, 0x12);
    CHECK_EQ_INT(WM_USER, 0x400);
    CHECK_EQ_INT(WM_APP, 0x8000);
    CHECK_EQ_INT(PM_NOREMOVE, 0);
    CHECK_EQ_INT(PM_REMOVE, 1);
    CHECK_EQ_INT(THREAD_SET_CONTEXT, 0x10);
    CHECK_EQ_INT(SYNCHRONIZE, 0x100000);
    CHECK_EQ_INT(EVENT_MODIFY_STATE, 2);
    CHECK(HAS_TYPE(((MSG *)0)->hwnd, HWND));
    CHECK(HAS_TYPE(((MSG *)0)->wParam, WPARAM));
    CHECK(HAS_TYPE(((MSG *)0)->lParam, LPARAM));
    CHECK_EQ_INT(sizeof(LPARAM), sizeof(void *));   /* lParam carries the RPC_ASYNC_STATE pointer */
    CHECK(HAS_TYPE(((OVERLAPPED *)0)->hEvent, HANDLE));
    CHECK(HAS_TYPE(((OVERLAPPED *)0)->Internal, ULONG_PTR));
}

/* ------------------------------------------------------------------ compiling */

/*
 * Each header alone, and all of them between glibc headers, compiled as C11 and as C++11 with
 * every compiler present, at -Wall -Wextra -Werror.  The C++ and UNICODE units also assert the
 * layout and the A/W selection at compile time.
 */

#define INCLUDE_DIR "runtime/include"

static const char glibc_headers[] =
    "#include <stdint.h>\n#include <stddef.h>\n#include <wchar.h>\n#include <stdlib.h>\n"
    "#include <string.h>\n#include <stdio.h>\n#include <pthread.h>\n#include <sys/types.h>\n"
    "#include <sys/socket.h>\n#include <netinet/in.h>\n#include <netdb.h>\n#include <unistd.h>\n"
    "#include <errno.h>\n#include <time.h>\n#include <signal.h>\n#include <sys/epoll.h>\n"
    "#include <sys/eventfd.h>\n#include <sys/wait.h>\n#include <sys/uio.h>\n";

/* Checks both languages run on a unit that includes everything. */
static const char layout_asserts[] =
    "#ifdef __cplusplus\n#define SA static_assert\n#else\n#define SA _Static_assert\n#endif\n"
    "SA(sizeof(DWORD) == 4 && sizeof(LONG) == 4 && sizeof(ULONG) == 4, \"32-bit\");\n"
    "SA(sizeof(WORD) == 2 && sizeof(BYTE) == 1 && sizeof(LONGLONG) == 8, \"sizes\");\n"
    "SA(sizeof(GUID) == 16 && offsetof(GUID, Data4) == 8, \"GUID\");\n"
    "SA(sizeof(FILETIME) == 8 && sizeof(LARGE_INTEGER) == 8, \"64-bit structs\");\n"
    "SA(offsetof(RPC_ASYNC_STATE, Size) == 0, \"Size first\");\n"
    "SA(offsetof(RPC_ASYNC_STATE, Reserved) + 4 * sizeof(LONG_PTR) == sizeof(RPC_ASYNC_STATE), \"Reserved last\");\n"
    "SA(RpcNotificationTypeCallback == 5 && RpcClientCancel == 4, \"enums\");\n"
    "SA(E_FAIL < 0 && SUCCEEDED(S_FALSE) && RPC_S_CALL_CANCELLED == 1818, \"codes\");\n"
    "static void routine(PRPC_ASYNC_STATE p, void *c, RPC_ASYNC_EVENT e) { (void)p; (void)c; (void)e; }\n"
    "void use_routine(RPC_ASYNC_STATE *s);\n"
    "void use_routine(RPC_ASYNC_STATE *s) { s->u.APC.NotificationRoutine = routine; s->u.HWND.Msg = WM_USER;"
    " s->u.HWND.hWnd = (HWND)0; s->u.IOC.lpOverlapped = (LPOVERLAPPED)0; }\n"
    "DEFINE_GUID(IID_Check, 0x12345678, 0x1234, 0x1234, 1, 2, 3, 4, 5, 6, 7, 8);\n"
    "int same_iid(REFIID a);\n"
    "#ifdef __cplusplus\n"
    "int same_iid(REFIID a) { return IsEqualIID(a, IID_Check) && a == IID_Check; }\n"
    "MIDL_INTERFACE(\"12345678-1234-1234-1234-123456789abc\") ICheck { BEGIN_INTERFACE\n"
    "  virtual HRESULT STDMETHODCALLTYPE Go(LONG x) = 0; END_INTERFACE };\n"
    "#else\n"
    "int same_iid(REFIID a) { return IsEqualIID(a, &IID_Check); }\n"
    "typedef interface ICheck ICheck;\n"
    "typedef struct ICheckVtbl { BEGIN_INTERFACE HRESULT (STDMETHODCALLTYPE *Go)(ICheck *This, LONG x);"
    " END_INTERFACE } ICheckVtbl;\n"
    "interface ICheck { CONST_VTBL ICheckVtbl *lpVtbl; };\n"
    "#endif\n"
    "long idl_types(small a, unsigned small b, hyper c, unsigned hyper d, MIDL_uhyper e, byte f,"
    " boolean g, unsigned __int64 h, __int3264 i, unsigned __int3264 j, error_status_t k);\n";

static const char unicode_asserts[] =
    "#if defined(__cplusplus)\n#include <type_traits>\n"
    "#define SAME(a, b) static_assert(std::is_same<decltype(&a), decltype(&b)>::value, #a)\n"
    "#else\n#define SAME(a, b) _Static_assert(__builtin_types_compatible_p(__typeof__(&a), __typeof__(&b)), #a)\n#endif\n"
    "SAME(RpcStringBindingCompose, RpcStringBindingComposeW);\n"
    "SAME(RpcBindingFromStringBinding, RpcBindingFromStringBindingW);\n"
    "SAME(CreateEvent, CreateEventW);\n"
    "SAME(UuidToString, UuidToStringW);\n"
    "static const TCHAR text[] = TEXT(\"ncalrpc\");\n"
    "const wchar_t *unicode_text(void);\n"
    "const wchar_t *unicode_text(void) { return text; }\n";

typedef struct Compiler {
    const char *cmd;      /* compiler and language options */
    const char *ext;      /* source file extension */
} Compiler;

static const Compiler all_compilers[] = {
    { "gcc -std=c11", "c" },
    { "clang -std=c11", "c" },
    { "g++ -std=c++11", "cc" },
    { "clang++ -std=c++11", "cc" },
    { NULL, NULL },
};

/* Each language and each compiler once: enough for the clashes with glibc, which depend on
 * the language and the C library, and keeps the test run short. */
static const Compiler one_per_language[] = {
    { "gcc -std=c11", "c" },
    { "clang++ -std=c++11", "cc" },
    { NULL, NULL },
};

static bool have_command(const char *cmd)
{
    char name[64], line[128];
    snprintf(name, sizeof name, "%s", cmd);
    name[strcspn(name, " ")] = '\0';
    snprintf(line, sizeof line, "command -v %s >/dev/null 2>&1", name);
    return system(line) == 0;
}

static bool write_file(const char *path, const char *a, const char *b, const char *c)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fputs(a, f);
    fputs(b, f);
    fputs(c, f);
    return fclose(f) == 0;
}

/* Names of the public headers, sorted; returns how many (at most max). */
static int list_headers(char names[][64], int max)
{
    DIR *d = opendir(INCLUDE_DIR);
    int n = 0;
    if (!d)
        return 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (len > 2 && len < 64 && strcmp(e->d_name + len - 2, ".h") == 0 && n < max)
            strcpy(names[n++], e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], (int (*)(const void *, const void *))strcmp);
    return n;
}

/* Writes the units into dir and compiles them all in one run of each compiler.  The
 * compiler's own messages go to the test output as # lines. */
static void compile_units(const Compiler *compilers, const char *tag, const char *dir,
                          char names[][64], int n, const char *before, const char *after)
{
    char path[512], inc[128];
    int checked = 0;
    for (const Compiler *cc = compilers; cc->cmd; cc++) {
        if (!have_command(cc->cmd)) {
            printf("#   %s: %s not installed, not checked\n", tag, cc->cmd);
            continue;
        }
        char *cmd = malloc(64 * 1024);
        size_t off = (size_t)snprintf(cmd, 1024, "%s -Wall -Wextra -Werror -fsyntax-only -I%s",
                                      cc->cmd, INCLUDE_DIR);
        for (int i = 0; i < n; i++) {
            snprintf(path, sizeof path, "%s/%s_%d.%s", dir, tag, i, cc->ext);
            if (names)
                snprintf(inc, sizeof inc, "#include <%s>\n", names[i]);
            else
                inc[0] = '\0';
            CHECK(write_file(path, before, inc, after));
            off += (size_t)snprintf(cmd + off, 64 * 1024 - off, " %s", path);
        }
        /* The compiler's messages become # lines; its status is the command's. */
        snprintf(cmd + off, 64 * 1024 - off, " > %s/out 2>&1; s=$?; sed 's/^/#   /' %s/out; exit $s",
                 dir, dir);
        int status = system(cmd);
        if (status != 0)
            printf("#   %s: %s failed\n", tag, cc->cmd);
        CHECK(status == 0);
        checked++;
        free(cmd);
    }
    CHECK(checked > 0);
}

TEST(each_header_compiles_alone_as_c_and_cxx)
{
    static char names[64][64];
    int n = list_headers(names, 64);
    CHECK(n >= 20);   /* the set is there (the test runs from the source tree) */
    char dir[] = "/tmp/asidl-headers-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    compile_units(all_compilers, "alone", dir, names, n, "", "");
    compile_units(one_per_language, "glibc_first", dir, names, n, glibc_headers, "");
    compile_units(one_per_language, "glibc_after", dir, names, n, "", glibc_headers);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

TEST(header_set_compiles_together_with_layout_checks)
{
    static const char everything[] =
        "#include <windows.h>\n#include <rpc.h>\n#include <rpcndr.h>\n#include <objbase.h>\n#include <ole2.h>\n";
    char dir[] = "/tmp/asidl-headers-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char before[4096], after[4096];
    snprintf(before, sizeof before, "%s%s", glibc_headers, everything);
    snprintf(after, sizeof after, "%s%s", everything, glibc_headers);
    compile_units(all_compilers, "all_glibc_first", dir, NULL, 1, before, layout_asserts);
    compile_units(all_compilers, "all_glibc_after", dir, NULL, 1, after, layout_asserts);
    char unicode[4096];
    snprintf(unicode, sizeof unicode, "#define UNICODE 1\n%s", everything);
    compile_units(all_compilers, "unicode", dir, NULL, 1, unicode, unicode_asserts);
    char initguid[4096];
    snprintf(initguid, sizeof initguid, "#define INITGUID\n%s", everything);
    compile_units(all_compilers, "initguid", dir, NULL, 1, initguid, layout_asserts);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    CHECK(system(cmd) == 0);
}

int main(void)
{
    RUN(windows_types_have_windows_sizes);
    RUN(windows_types_have_windows_signedness);
    RUN(midl_spellings_have_the_documented_c_types);
    RUN(guid_is_16_bytes_laid_out_4_2_2_8);
    RUN(define_guid_defines_and_is_equal_guid_compares);
    RUN(async_status_codes_have_windows_values);
    RUN(dce_status_codes_have_windows_values);
    RUN(hresults_have_windows_values_and_macros_decode_them);
    RUN(rpc_async_state_has_the_documented_fields_in_order);
    RUN(async_enums_have_documented_values);
    RUN(windows_functions_are_asidl_prefixed_symbols);
    RUN(wait_and_message_constants_have_windows_values);
    RUN(each_header_compiles_alone_as_c_and_cxx);
    RUN(header_set_compiles_together_with_layout_checks);
    return test_exit();
}
