/*
 * winerror.h: Windows error codes with their Windows values, the HRESULT layout and its macros.
 *
 * Win32 error codes (ERROR_*, RPC_S_*, RPC_X_*, EPT_S_*) are long constants, as on Windows; the
 * RPC functions return them as RPC_STATUS.  HRESULTs are 32-bit signed values whose top bit
 * says failure: SUCCEEDED/FAILED test that bit.  asidl uses the same numbers as Windows so that
 * code, logs and wire faults carry the same values on both systems.
 *
 * The RPC_S_* codes Windows defines as aliases of ERROR_* codes (RPC_S_OK, RPC_S_INVALID_ARG,
 * RPC_S_ASYNC_CALL_PENDING, RPC_S_TIMEOUT, ...) are in rpcnterr.h, which rpc.h includes.
 */
#ifndef _WINERROR_
#define _WINERROR_

#include "winnt.h"

/* ---- HRESULT layout: severity (1 bit) | facility (15 bits) | code (16 bits) ---- */

#define SEVERITY_SUCCESS 0
#define SEVERITY_ERROR 1

#define FACILITY_NULL 0
#define FACILITY_RPC 1
#define FACILITY_DISPATCH 2
#define FACILITY_STORAGE 3
#define FACILITY_ITF 4
#define FACILITY_WIN32 7
#define FACILITY_WINDOWS 8
#define FACILITY_NT_BIT 0x10000000

#define _HRESULT_TYPEDEF_(sc) ((HRESULT)(sc))

#define SUCCEEDED(hr) (((HRESULT)(hr)) >= 0)
#define FAILED(hr) (((HRESULT)(hr)) < 0)
#define IS_ERROR(status) ((((uint32_t)(status)) >> 31) == SEVERITY_ERROR)
#define HRESULT_CODE(hr) ((hr) & 0xFFFF)
#define SCODE_CODE(sc) ((sc) & 0xFFFF)
#define HRESULT_FACILITY(hr) (((hr) >> 16) & 0x1fff)
#define SCODE_FACILITY(sc) (((sc) >> 16) & 0x1fff)
#define HRESULT_SEVERITY(hr) (((hr) >> 31) & 0x1)
#define SCODE_SEVERITY(sc) (((sc) >> 31) & 0x1)
#define MAKE_HRESULT(sev, fac, code) \
    ((HRESULT)(((uint32_t)(sev) << 31) | ((uint32_t)(fac) << 16) | ((uint32_t)(code))))
#define MAKE_SCODE(sev, fac, code) \
    ((SCODE)(((uint32_t)(sev) << 31) | ((uint32_t)(fac) << 16) | ((uint32_t)(code))))
/* A Win32 code in an HRESULT: zero and values that already look like HRESULTs pass through. */
#define HRESULT_FROM_WIN32(x) \
    ((HRESULT)(x) <= 0 ? ((HRESULT)(x)) : ((HRESULT)(((x) & 0x0000FFFF) | (FACILITY_WIN32 << 16) | 0x80000000)))
#define HRESULT_FROM_NT(x) ((HRESULT)((x) | FACILITY_NT_BIT))

#define NO_ERROR 0L
#define SEC_E_OK ((HRESULT)0x00000000L)

/* ---- Win32 error codes ---- */

#define ERROR_SUCCESS                            0L
#define ERROR_INVALID_FUNCTION                   1L
#define ERROR_FILE_NOT_FOUND                     2L
#define ERROR_TOO_MANY_OPEN_FILES                4L
#define ERROR_ACCESS_DENIED                      5L
#define ERROR_INVALID_HANDLE                     6L
#define ERROR_NOT_ENOUGH_MEMORY                  8L
#define ERROR_INVALID_ACCESS                     12L
#define ERROR_INVALID_DATA                       13L
#define ERROR_OUTOFMEMORY                        14L
#define ERROR_NOT_READY                          21L
#define ERROR_BAD_LENGTH                         24L
#define ERROR_GEN_FAILURE                        31L
#define ERROR_HANDLE_EOF                         38L
#define ERROR_NOT_SUPPORTED                      50L
#define ERROR_INVALID_PARAMETER                  87L
#define ERROR_BROKEN_PIPE                        109L
#define ERROR_CALL_NOT_IMPLEMENTED               120L
#define ERROR_SEM_TIMEOUT                        121L
#define ERROR_INSUFFICIENT_BUFFER                122L
#define ERROR_BAD_ARGUMENTS                      160L
#define ERROR_MAX_THRDS_REACHED                  164L
#define ERROR_BUSY                               170L
#define ERROR_ALREADY_EXISTS                     183L
#define ERROR_NO_DATA                            232L
#define ERROR_PIPE_NOT_CONNECTED                 233L
#define ERROR_MORE_DATA                          234L
#define WAIT_TIMEOUT                             258L
#define ERROR_NO_MORE_ITEMS                      259L
#define ERROR_INVALID_ADDRESS                    487L
#define ERROR_ABANDONED_WAIT_0                   735L
#define ERROR_ABANDONED_WAIT_63                  736L
#define ERROR_OPERATION_ABORTED                  995L
#define ERROR_IO_INCOMPLETE                      996L
#define ERROR_IO_PENDING                         997L
#define ERROR_NOACCESS                           998L
#define ERROR_INVALID_MESSAGE                    1002L
#define ERROR_INVALID_FLAGS                      1004L
#define ERROR_NOT_ENOUGH_SERVER_MEMORY           1130L
#define ERROR_POSSIBLE_DEADLOCK                  1131L
#define ERROR_CANCELLED                          1223L
#define ERROR_NONE_MAPPED                        1332L
#define ERROR_INVALID_SECURITY_DESCR             1338L
#define ERROR_INVALID_WINDOW_HANDLE              1400L
#define ERROR_INVALID_THREAD_ID                  1444L
#define ERROR_TIMEOUT                            1460L
#define ERROR_INVALID_USER_BUFFER                1784L
#define ERROR_NOT_ENOUGH_QUOTA                   1816L

/* ---- RPC and endpoint-mapper error codes ---- */

#define RPC_S_INVALID_STRING_BINDING             1700L
#define RPC_S_WRONG_KIND_OF_BINDING              1701L
#define RPC_S_INVALID_BINDING                    1702L
#define RPC_S_PROTSEQ_NOT_SUPPORTED              1703L
#define RPC_S_INVALID_RPC_PROTSEQ                1704L
#define RPC_S_INVALID_STRING_UUID                1705L
#define RPC_S_INVALID_ENDPOINT_FORMAT            1706L
#define RPC_S_INVALID_NET_ADDR                   1707L
#define RPC_S_NO_ENDPOINT_FOUND                  1708L
#define RPC_S_INVALID_TIMEOUT                    1709L
#define RPC_S_OBJECT_NOT_FOUND                   1710L
#define RPC_S_ALREADY_REGISTERED                 1711L
#define RPC_S_TYPE_ALREADY_REGISTERED            1712L
#define RPC_S_ALREADY_LISTENING                  1713L
#define RPC_S_NO_PROTSEQS_REGISTERED             1714L
#define RPC_S_NOT_LISTENING                      1715L
#define RPC_S_UNKNOWN_MGR_TYPE                   1716L
#define RPC_S_UNKNOWN_IF                         1717L
#define RPC_S_NO_BINDINGS                        1718L
#define RPC_S_NO_PROTSEQS                        1719L
#define RPC_S_CANT_CREATE_ENDPOINT               1720L
#define RPC_S_OUT_OF_RESOURCES                   1721L
#define RPC_S_SERVER_UNAVAILABLE                 1722L
#define RPC_S_SERVER_TOO_BUSY                    1723L
#define RPC_S_INVALID_NETWORK_OPTIONS            1724L
#define RPC_S_NO_CALL_ACTIVE                     1725L
#define RPC_S_CALL_FAILED                        1726L
#define RPC_S_CALL_FAILED_DNE                    1727L
#define RPC_S_PROTOCOL_ERROR                     1728L
#define RPC_S_PROXY_ACCESS_DENIED                1729L
#define RPC_S_UNSUPPORTED_TRANS_SYN              1730L
#define RPC_S_UNSUPPORTED_TYPE                   1732L
#define RPC_S_INVALID_TAG                        1733L
#define RPC_S_INVALID_BOUND                      1734L
#define RPC_S_NO_ENTRY_NAME                      1735L
#define RPC_S_INVALID_NAME_SYNTAX                1736L
#define RPC_S_UNSUPPORTED_NAME_SYNTAX            1737L
#define RPC_S_UUID_NO_ADDRESS                    1739L
#define RPC_S_DUPLICATE_ENDPOINT                 1740L
#define RPC_S_UNKNOWN_AUTHN_TYPE                 1741L
#define RPC_S_MAX_CALLS_TOO_SMALL                1742L
#define RPC_S_STRING_TOO_LONG                    1743L
#define RPC_S_PROTSEQ_NOT_FOUND                  1744L
#define RPC_S_PROCNUM_OUT_OF_RANGE               1745L
#define RPC_S_BINDING_HAS_NO_AUTH                1746L
#define RPC_S_UNKNOWN_AUTHN_SERVICE              1747L
#define RPC_S_UNKNOWN_AUTHN_LEVEL                1748L
#define RPC_S_INVALID_AUTH_IDENTITY              1749L
#define RPC_S_UNKNOWN_AUTHZ_SERVICE              1750L
#define EPT_S_INVALID_ENTRY                      1751L
#define EPT_S_CANT_PERFORM_OP                    1752L
#define EPT_S_NOT_REGISTERED                     1753L
#define RPC_S_NOTHING_TO_EXPORT                  1754L
#define RPC_S_INCOMPLETE_NAME                    1755L
#define RPC_S_INVALID_VERS_OPTION                1756L
#define RPC_S_NO_MORE_MEMBERS                    1757L
#define RPC_S_NOT_ALL_OBJS_UNEXPORTED            1758L
#define RPC_S_INTERFACE_NOT_FOUND                1759L
#define RPC_S_ENTRY_ALREADY_EXISTS               1760L
#define RPC_S_ENTRY_NOT_FOUND                    1761L
#define RPC_S_NAME_SERVICE_UNAVAILABLE           1762L
#define RPC_S_INVALID_NAF_ID                     1763L
#define RPC_S_CANNOT_SUPPORT                     1764L
#define RPC_S_NO_CONTEXT_AVAILABLE               1765L
#define RPC_S_INTERNAL_ERROR                     1766L
#define RPC_S_ZERO_DIVIDE                        1767L
#define RPC_S_ADDRESS_ERROR                      1768L
#define RPC_S_FP_DIV_ZERO                        1769L
#define RPC_S_FP_UNDERFLOW                       1770L
#define RPC_S_FP_OVERFLOW                        1771L
#define RPC_X_NO_MORE_ENTRIES                    1772L
#define RPC_X_SS_CHAR_TRANS_OPEN_FAIL            1773L
#define RPC_X_SS_CHAR_TRANS_SHORT_FILE           1774L
#define RPC_X_SS_IN_NULL_CONTEXT                 1775L
#define RPC_X_SS_CONTEXT_DAMAGED                 1777L
#define RPC_X_SS_HANDLES_MISMATCH                1778L
#define RPC_X_SS_CANNOT_GET_CALL_HANDLE          1779L
#define RPC_X_NULL_REF_POINTER                   1780L
#define RPC_X_ENUM_VALUE_OUT_OF_RANGE            1781L
#define RPC_X_BYTE_COUNT_TOO_SMALL               1782L
#define RPC_X_BAD_STUB_DATA                      1783L
#define RPC_S_CALL_IN_PROGRESS                   1791L
#define RPC_S_NO_MORE_BINDINGS                   1806L
#define RPC_S_NO_INTERFACES                      1817L
#define RPC_S_CALL_CANCELLED                     1818L
#define RPC_S_BINDING_INCOMPLETE                 1819L
#define RPC_S_COMM_FAILURE                       1820L
#define RPC_S_UNSUPPORTED_AUTHN_LEVEL            1821L
#define RPC_S_NO_PRINC_NAME                      1822L
#define RPC_S_NOT_RPC_ERROR                      1823L
#define RPC_S_UUID_LOCAL_ONLY                    1824L
#define RPC_S_SEC_PKG_ERROR                      1825L
#define RPC_S_NOT_CANCELLED                      1826L
#define RPC_X_INVALID_ES_ACTION                  1827L
#define RPC_X_WRONG_ES_VERSION                   1828L
#define RPC_X_WRONG_STUB_VERSION                 1829L
#define RPC_X_INVALID_PIPE_OBJECT                1830L
#define RPC_X_WRONG_PIPE_ORDER                   1831L
#define RPC_X_WRONG_PIPE_VERSION                 1832L
#define RPC_S_COOKIE_AUTH_FAILED                 1833L
#define RPC_S_DO_NOT_DISTURB                     1834L
#define RPC_S_SYSTEM_HANDLE_COUNT_EXCEEDED       1835L
#define RPC_S_SYSTEM_HANDLE_TYPE_MISMATCH        1836L
#define RPC_S_GROUP_MEMBER_NOT_FOUND             1898L
#define EPT_S_CANT_CREATE                        1899L
#define RPC_S_INVALID_OBJECT                     1900L
#define RPC_S_SEND_INCOMPLETE                    1913L
#define RPC_S_INVALID_ASYNC_HANDLE               1914L
#define RPC_S_INVALID_ASYNC_CALL                 1915L
#define RPC_X_PIPE_CLOSED                        1916L
#define RPC_X_PIPE_DISCIPLINE_ERROR              1917L
#define RPC_X_PIPE_EMPTY                         1918L
#define RPC_S_ENTRY_TYPE_MISMATCH                1922L
#define RPC_S_NOT_ALL_OBJS_EXPORTED              1923L
#define RPC_S_INTERFACE_NOT_EXPORTED             1924L
#define RPC_S_PROFILE_NOT_ADDED                  1925L
#define RPC_S_PRF_ELT_NOT_ADDED                  1926L
#define RPC_S_PRF_ELT_NOT_REMOVED                1927L
#define RPC_S_GRP_ELT_NOT_ADDED                  1928L
#define RPC_S_GRP_ELT_NOT_REMOVED                1929L

/* ---- HRESULTs ---- */

#define S_OK ((HRESULT)0L)
#define S_FALSE ((HRESULT)1L)

#define E_UNEXPECTED                             _HRESULT_TYPEDEF_(0x8000FFFFL)
#define E_NOTIMPL                                _HRESULT_TYPEDEF_(0x80004001L)
#define E_NOINTERFACE                            _HRESULT_TYPEDEF_(0x80004002L)
#define E_POINTER                                _HRESULT_TYPEDEF_(0x80004003L)
#define E_ABORT                                  _HRESULT_TYPEDEF_(0x80004004L)
#define E_FAIL                                   _HRESULT_TYPEDEF_(0x80004005L)
#define E_PENDING                                _HRESULT_TYPEDEF_(0x8000000AL)
#define E_BOUNDS                                 _HRESULT_TYPEDEF_(0x8000000BL)
#define E_ACCESSDENIED                           _HRESULT_TYPEDEF_(0x80070005L)
#define E_HANDLE                                 _HRESULT_TYPEDEF_(0x80070006L)
#define E_OUTOFMEMORY                            _HRESULT_TYPEDEF_(0x8007000EL)
#define E_INVALIDARG                             _HRESULT_TYPEDEF_(0x80070057L)

#define CO_E_CANT_REMOTE                         _HRESULT_TYPEDEF_(0x80004013L)
#define CO_E_NOT_SUPPORTED                       _HRESULT_TYPEDEF_(0x80004021L)
#define CLASS_E_NOAGGREGATION                    _HRESULT_TYPEDEF_(0x80040110L)
#define CLASS_E_CLASSNOTAVAILABLE                _HRESULT_TYPEDEF_(0x80040111L)
#define CLASS_E_NOTLICENSED                      _HRESULT_TYPEDEF_(0x80040112L)
#define REGDB_E_CLASSNOTREG                      _HRESULT_TYPEDEF_(0x80040154L)
#define REGDB_E_IIDNOTREG                        _HRESULT_TYPEDEF_(0x80040155L)
#define CO_E_NOTINITIALIZED                      _HRESULT_TYPEDEF_(0x800401F0L)
#define CO_E_ALREADYINITIALIZED                  _HRESULT_TYPEDEF_(0x800401F1L)
#define CO_E_OBJNOTCONNECTED                     _HRESULT_TYPEDEF_(0x800401FDL)
#define CO_E_RELEASED                            _HRESULT_TYPEDEF_(0x800401FFL)
#define CO_E_SERVER_STOPPING                     _HRESULT_TYPEDEF_(0x80080008L)

#define DISP_E_UNKNOWNINTERFACE                  _HRESULT_TYPEDEF_(0x80020001L)
#define DISP_E_MEMBERNOTFOUND                    _HRESULT_TYPEDEF_(0x80020003L)
#define DISP_E_PARAMNOTFOUND                     _HRESULT_TYPEDEF_(0x80020004L)
#define DISP_E_TYPEMISMATCH                      _HRESULT_TYPEDEF_(0x80020005L)
#define DISP_E_UNKNOWNNAME                       _HRESULT_TYPEDEF_(0x80020006L)
#define DISP_E_NONAMEDARGS                       _HRESULT_TYPEDEF_(0x80020007L)
#define DISP_E_BADVARTYPE                        _HRESULT_TYPEDEF_(0x80020008L)
#define DISP_E_EXCEPTION                         _HRESULT_TYPEDEF_(0x80020009L)
#define DISP_E_OVERFLOW                          _HRESULT_TYPEDEF_(0x8002000AL)
#define DISP_E_BADINDEX                          _HRESULT_TYPEDEF_(0x8002000BL)
#define DISP_E_UNKNOWNLCID                       _HRESULT_TYPEDEF_(0x8002000CL)
#define DISP_E_ARRAYISLOCKED                     _HRESULT_TYPEDEF_(0x8002000DL)
#define DISP_E_BADPARAMCOUNT                     _HRESULT_TYPEDEF_(0x8002000EL)
#define DISP_E_PARAMNOTOPTIONAL                  _HRESULT_TYPEDEF_(0x8002000FL)
#define DISP_E_BADCALLEE                         _HRESULT_TYPEDEF_(0x80020010L)
#define DISP_E_NOTACOLLECTION                    _HRESULT_TYPEDEF_(0x80020011L)
#define DISP_E_DIVBYZERO                         _HRESULT_TYPEDEF_(0x80020012L)
#define DISP_E_BUFFERTOOSMALL                    _HRESULT_TYPEDEF_(0x80020013L)

#define RPC_E_CALL_REJECTED                      _HRESULT_TYPEDEF_(0x80010001L)
#define RPC_E_CALL_CANCELED                      _HRESULT_TYPEDEF_(0x80010002L)
#define RPC_E_CANTPOST_INSENDCALL                _HRESULT_TYPEDEF_(0x80010003L)
#define RPC_E_CANTCALLOUT_INASYNCCALL            _HRESULT_TYPEDEF_(0x80010004L)
#define RPC_E_CANTCALLOUT_INEXTERNALCALL         _HRESULT_TYPEDEF_(0x80010005L)
#define RPC_E_CONNECTION_TERMINATED              _HRESULT_TYPEDEF_(0x80010006L)
#define RPC_E_SERVER_DIED                        _HRESULT_TYPEDEF_(0x80010007L)
#define RPC_E_CLIENT_DIED                        _HRESULT_TYPEDEF_(0x80010008L)
#define RPC_E_INVALID_DATAPACKET                 _HRESULT_TYPEDEF_(0x80010009L)
#define RPC_E_CANTTRANSMIT_CALL                  _HRESULT_TYPEDEF_(0x8001000AL)
#define RPC_E_CLIENT_CANTMARSHAL_DATA            _HRESULT_TYPEDEF_(0x8001000BL)
#define RPC_E_CLIENT_CANTUNMARSHAL_DATA          _HRESULT_TYPEDEF_(0x8001000CL)
#define RPC_E_SERVER_CANTMARSHAL_DATA            _HRESULT_TYPEDEF_(0x8001000DL)
#define RPC_E_SERVER_CANTUNMARSHAL_DATA          _HRESULT_TYPEDEF_(0x8001000EL)
#define RPC_E_INVALID_DATA                       _HRESULT_TYPEDEF_(0x8001000FL)
#define RPC_E_INVALID_PARAMETER                  _HRESULT_TYPEDEF_(0x80010010L)
#define RPC_E_CANTCALLOUT_AGAIN                  _HRESULT_TYPEDEF_(0x80010011L)
#define RPC_E_SERVER_DIED_DNE                    _HRESULT_TYPEDEF_(0x80010012L)
#define RPC_E_SYS_CALL_FAILED                    _HRESULT_TYPEDEF_(0x80010100L)
#define RPC_E_OUT_OF_RESOURCES                   _HRESULT_TYPEDEF_(0x80010101L)
#define RPC_E_ATTEMPTED_MULTITHREAD              _HRESULT_TYPEDEF_(0x80010102L)
#define RPC_E_NOT_REGISTERED                     _HRESULT_TYPEDEF_(0x80010103L)
#define RPC_E_FAULT                              _HRESULT_TYPEDEF_(0x80010104L)
#define RPC_E_SERVERFAULT                        _HRESULT_TYPEDEF_(0x80010105L)
#define RPC_E_CHANGED_MODE                       _HRESULT_TYPEDEF_(0x80010106L)
#define RPC_E_INVALIDMETHOD                      _HRESULT_TYPEDEF_(0x80010107L)
#define RPC_E_DISCONNECTED                       _HRESULT_TYPEDEF_(0x80010108L)
#define RPC_E_RETRY                              _HRESULT_TYPEDEF_(0x80010109L)
#define RPC_E_SERVERCALL_RETRYLATER              _HRESULT_TYPEDEF_(0x8001010AL)
#define RPC_E_SERVERCALL_REJECTED                _HRESULT_TYPEDEF_(0x8001010BL)
#define RPC_E_INVALID_CALLDATA                   _HRESULT_TYPEDEF_(0x8001010CL)
#define RPC_E_CANTCALLOUT_ININPUTSYNCCALL        _HRESULT_TYPEDEF_(0x8001010DL)
#define RPC_E_WRONG_THREAD                       _HRESULT_TYPEDEF_(0x8001010EL)
#define RPC_E_THREAD_NOT_INIT                    _HRESULT_TYPEDEF_(0x8001010FL)
#define RPC_E_VERSION_MISMATCH                   _HRESULT_TYPEDEF_(0x80010110L)
#define RPC_E_INVALID_HEADER                     _HRESULT_TYPEDEF_(0x80010111L)
#define RPC_E_INVALID_EXTENSION                  _HRESULT_TYPEDEF_(0x80010112L)
#define RPC_E_INVALID_IPID                       _HRESULT_TYPEDEF_(0x80010113L)
#define RPC_E_INVALID_OBJECT                     _HRESULT_TYPEDEF_(0x80010114L)
#define RPC_S_CALLPENDING                        _HRESULT_TYPEDEF_(0x80010115L)
#define RPC_S_WAITONTIMER                        _HRESULT_TYPEDEF_(0x80010116L)
#define RPC_E_CALL_COMPLETE                      _HRESULT_TYPEDEF_(0x80010117L)
#define RPC_E_UNSECURE_CALL                      _HRESULT_TYPEDEF_(0x80010118L)
#define RPC_E_TOO_LATE                           _HRESULT_TYPEDEF_(0x80010119L)
#define RPC_E_NO_GOOD_SECURITY_PACKAGES          _HRESULT_TYPEDEF_(0x8001011AL)
#define RPC_E_ACCESS_DENIED                      _HRESULT_TYPEDEF_(0x8001011BL)
#define RPC_E_REMOTE_DISABLED                    _HRESULT_TYPEDEF_(0x8001011CL)
#define RPC_E_INVALID_OBJREF                     _HRESULT_TYPEDEF_(0x8001011DL)
#define RPC_E_NO_CONTEXT                         _HRESULT_TYPEDEF_(0x8001011EL)
#define RPC_E_TIMEOUT                            _HRESULT_TYPEDEF_(0x8001011FL)
#define RPC_E_NO_SYNC                            _HRESULT_TYPEDEF_(0x80010120L)
#define RPC_E_FULLSIC_REQUIRED                   _HRESULT_TYPEDEF_(0x80010121L)
#define RPC_E_INVALID_STD_NAME                   _HRESULT_TYPEDEF_(0x80010122L)
#define CO_E_CANCEL_DISABLED                     _HRESULT_TYPEDEF_(0x80010140L)
#define RPC_E_UNEXPECTED                         _HRESULT_TYPEDEF_(0x8001FFFFL)

#endif /* _WINERROR_ */
