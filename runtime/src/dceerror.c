/*
 * dceerror.c: DceErrorInqText, a short English description of each RPC status code.
 * A code with no description gets the description of RPC_S_NOT_RPC_ERROR and RPC_S_OK, as
 * Windows does. The texts are asidl's own.
 */
#include <string.h>
#include <wchar.h>

#include "rpcrt.h"

static const struct {
    RPC_STATUS code;
    const char *text;
} texts[] = {
    { RPC_S_OK, "The operation completed successfully." },
    { ERROR_ACCESS_DENIED, "Access is denied." },
    { ERROR_INVALID_HANDLE, "The handle is invalid." },
    { ERROR_NOT_ENOUGH_MEMORY, "Not enough memory to complete the operation." },
    { ERROR_OUTOFMEMORY, "Not enough memory to complete the operation." },
    { ERROR_INVALID_PARAMETER, "An argument is not valid." },
    { ERROR_INSUFFICIENT_BUFFER, "The buffer is too small." },
    { ERROR_MAX_THRDS_REACHED, "No more threads can be created." },
    { ERROR_IO_PENDING, "The asynchronous call has not completed yet." },
    { ERROR_NOT_ENOUGH_SERVER_MEMORY, "The server does not have enough memory for the call." },
    { ERROR_NONE_MAPPED, "The principal name is not known." },
    { ERROR_INVALID_SECURITY_DESCR, "The security descriptor is not valid." },
    { ERROR_TIMEOUT, "The operation timed out." },
    { ERROR_INVALID_USER_BUFFER, "A buffer given to the operation is not valid." },
    { ERROR_NOT_ENOUGH_QUOTA, "The quota is not large enough for the operation." },
    { RPC_S_INVALID_STRING_BINDING, "The string binding is not valid." },
    { RPC_S_WRONG_KIND_OF_BINDING, "The binding handle is not of the right kind for this operation." },
    { RPC_S_INVALID_BINDING, "The binding handle is not valid." },
    { RPC_S_PROTSEQ_NOT_SUPPORTED, "The protocol sequence is not supported." },
    { RPC_S_INVALID_RPC_PROTSEQ, "The protocol sequence is not valid." },
    { RPC_S_INVALID_STRING_UUID, "The string is not a valid UUID." },
    { RPC_S_INVALID_ENDPOINT_FORMAT, "The endpoint is not valid for its protocol sequence." },
    { RPC_S_INVALID_NET_ADDR, "The network address is not valid." },
    { RPC_S_NO_ENDPOINT_FOUND, "No endpoint was found for the interface." },
    { RPC_S_INVALID_TIMEOUT, "The timeout value is not valid." },
    { RPC_S_OBJECT_NOT_FOUND, "The object UUID was not found." },
    { RPC_S_ALREADY_REGISTERED, "The object UUID is already registered." },
    { RPC_S_TYPE_ALREADY_REGISTERED, "The manager type UUID is already registered." },
    { RPC_S_ALREADY_LISTENING, "The server is already listening." },
    { RPC_S_NO_PROTSEQS_REGISTERED, "No protocol sequences have been registered." },
    { RPC_S_NOT_LISTENING, "The server is not listening." },
    { RPC_S_UNKNOWN_MGR_TYPE, "The manager type is not known." },
    { RPC_S_UNKNOWN_IF, "The interface is not known to the server." },
    { RPC_S_NO_BINDINGS, "There are no bindings." },
    { RPC_S_NO_PROTSEQS, "There are no protocol sequences." },
    { RPC_S_CANT_CREATE_ENDPOINT, "The endpoint cannot be created." },
    { RPC_S_OUT_OF_RESOURCES, "Not enough resources are available to complete the operation." },
    { RPC_S_SERVER_UNAVAILABLE, "The RPC server cannot be reached." },
    { RPC_S_SERVER_TOO_BUSY, "The RPC server is too busy to complete the operation." },
    { RPC_S_INVALID_NETWORK_OPTIONS, "The network options are not valid." },
    { RPC_S_NO_CALL_ACTIVE, "No remote procedure call is active in this thread." },
    { RPC_S_CALL_FAILED, "The remote procedure call failed." },
    { RPC_S_CALL_FAILED_DNE, "The remote procedure call failed and did not execute." },
    { RPC_S_PROTOCOL_ERROR, "An RPC protocol error occurred." },
    { RPC_S_PROXY_ACCESS_DENIED, "Access to the HTTP proxy is denied." },
    { RPC_S_UNSUPPORTED_TRANS_SYN, "The transfer syntax is not supported by the server." },
    { RPC_S_UNSUPPORTED_TYPE, "The UUID type is not supported." },
    { RPC_S_INVALID_TAG, "The tag is not valid." },
    { RPC_S_INVALID_BOUND, "The array bounds are not valid." },
    { RPC_S_NO_ENTRY_NAME, "The binding does not contain an entry name." },
    { RPC_S_INVALID_NAME_SYNTAX, "The name syntax is not valid." },
    { RPC_S_UNSUPPORTED_NAME_SYNTAX, "The name syntax is not supported." },
    { RPC_S_UUID_NO_ADDRESS, "No network address is available to construct a UUID." },
    { RPC_S_DUPLICATE_ENDPOINT, "The endpoint is a duplicate." },
    { RPC_S_UNKNOWN_AUTHN_TYPE, "The authentication type is not known." },
    { RPC_S_MAX_CALLS_TOO_SMALL, "The maximum number of calls is too small." },
    { RPC_S_STRING_TOO_LONG, "The string is too long." },
    { RPC_S_PROTSEQ_NOT_FOUND, "The protocol sequence was not found." },
    { RPC_S_PROCNUM_OUT_OF_RANGE, "The procedure number is out of range." },
    { RPC_S_BINDING_HAS_NO_AUTH, "The binding does not contain any authentication information." },
    { RPC_S_UNKNOWN_AUTHN_SERVICE, "The authentication service is not known." },
    { RPC_S_UNKNOWN_AUTHN_LEVEL, "The authentication level is not known." },
    { RPC_S_INVALID_AUTH_IDENTITY, "The security context is not valid." },
    { RPC_S_UNKNOWN_AUTHZ_SERVICE, "The authorization service is not known." },
    { EPT_S_INVALID_ENTRY, "The endpoint map entry is not valid." },
    { EPT_S_CANT_PERFORM_OP, "The endpoint mapper cannot perform the operation." },
    { EPT_S_NOT_REGISTERED, "No more endpoints are available from the endpoint mapper." },
    { RPC_S_NOTHING_TO_EXPORT, "No interfaces have been exported." },
    { RPC_S_INCOMPLETE_NAME, "The entry name is incomplete." },
    { RPC_S_INVALID_VERS_OPTION, "The version option is not valid." },
    { RPC_S_NO_MORE_MEMBERS, "There are no more members." },
    { RPC_S_NOT_ALL_OBJS_UNEXPORTED, "There is nothing to unexport." },
    { RPC_S_INTERFACE_NOT_FOUND, "The interface was not found." },
    { RPC_S_ENTRY_ALREADY_EXISTS, "The entry already exists." },
    { RPC_S_ENTRY_NOT_FOUND, "The entry was not found." },
    { RPC_S_NAME_SERVICE_UNAVAILABLE, "The name service is unavailable." },
    { RPC_S_INVALID_NAF_ID, "The network address family is not valid." },
    { RPC_S_CANNOT_SUPPORT, "The requested operation is not supported." },
    { RPC_S_NO_CONTEXT_AVAILABLE, "No security context is available to allow impersonation." },
    { RPC_S_INTERNAL_ERROR, "An internal error occurred in the RPC runtime." },
    { RPC_S_ZERO_DIVIDE, "The server attempted an integer division by zero." },
    { RPC_S_ADDRESS_ERROR, "An addressing error occurred in the server." },
    { RPC_S_FP_DIV_ZERO, "A floating-point division by zero occurred at the server." },
    { RPC_S_FP_UNDERFLOW, "A floating-point underflow occurred at the server." },
    { RPC_S_FP_OVERFLOW, "A floating-point overflow occurred at the server." },
    { RPC_X_NO_MORE_ENTRIES, "The list of servers available for auto-binding is exhausted." },
    { RPC_X_SS_CHAR_TRANS_OPEN_FAIL, "The character translation table cannot be opened." },
    { RPC_X_SS_CHAR_TRANS_SHORT_FILE, "The character translation table file is too short." },
    { RPC_X_SS_IN_NULL_CONTEXT, "A null context handle was passed from the client to the host during a remote procedure call." },
    { RPC_X_SS_CONTEXT_DAMAGED, "The context handle changed during a remote procedure call." },
    { RPC_X_SS_HANDLES_MISMATCH, "The binding handles passed to a remote procedure call do not match." },
    { RPC_X_SS_CANNOT_GET_CALL_HANDLE, "The stub cannot get the remote procedure call handle." },
    { RPC_X_NULL_REF_POINTER, "A null reference pointer was passed to the stub." },
    { RPC_X_ENUM_VALUE_OUT_OF_RANGE, "The enumeration value is out of range." },
    { RPC_X_BYTE_COUNT_TOO_SMALL, "The byte count is too small." },
    { RPC_X_BAD_STUB_DATA, "The stub received bad data." },
    { RPC_S_CALL_IN_PROGRESS, "A remote procedure call is already in progress." },
    { RPC_S_NO_MORE_BINDINGS, "There are no more bindings." },
    { RPC_S_NO_INTERFACES, "No interfaces have been registered." },
    { RPC_S_CALL_CANCELLED, "The remote procedure call was cancelled." },
    { RPC_S_BINDING_INCOMPLETE, "The binding handle does not contain all the required information." },
    { RPC_S_COMM_FAILURE, "A communications failure occurred during the remote procedure call." },
    { RPC_S_UNSUPPORTED_AUTHN_LEVEL, "The authentication level is not supported." },
    { RPC_S_NO_PRINC_NAME, "No principal name is registered." },
    { RPC_S_NOT_RPC_ERROR, "The status code is not an RPC status code." },
    { RPC_S_UUID_LOCAL_ONLY, "The UUID is unique on this computer only." },
    { RPC_S_SEC_PKG_ERROR, "A security package specific error occurred." },
    { RPC_S_NOT_CANCELLED, "The thread was not cancelled." },
    { RPC_X_INVALID_ES_ACTION, "The encoding or decoding handle was used for the wrong operation." },
    { RPC_X_WRONG_ES_VERSION, "The serializing package has an incompatible version." },
    { RPC_X_WRONG_STUB_VERSION, "The RPC stub has an incompatible version." },
    { RPC_X_INVALID_PIPE_OBJECT, "The RPC pipe object is not valid or is corrupted." },
    { RPC_X_WRONG_PIPE_ORDER, "An operation was attempted on an RPC pipe object in the wrong order." },
    { RPC_X_WRONG_PIPE_VERSION, "The RPC pipe version is not supported." },
    { RPC_S_COOKIE_AUTH_FAILED, "HTTP proxy access denied: the cookie authentication failed." },
    { RPC_S_GROUP_MEMBER_NOT_FOUND, "The group member was not found." },
    { EPT_S_CANT_CREATE, "The endpoint mapper database entry could not be created." },
    { RPC_S_INVALID_OBJECT, "The object UUID is the nil UUID." },
    { RPC_S_SEND_INCOMPLETE, "Not all of the data of an asynchronous pipe send was sent." },
    { RPC_S_INVALID_ASYNC_HANDLE, "The asynchronous RPC handle is not valid." },
    { RPC_S_INVALID_ASYNC_CALL, "The asynchronous RPC call handle is not valid for this operation." },
    { RPC_X_PIPE_CLOSED, "The RPC pipe object has already been closed." },
    { RPC_X_PIPE_DISCIPLINE_ERROR, "The RPC call completed before all pipes were processed." },
    { RPC_X_PIPE_EMPTY, "No more data is available from the RPC pipe." },
};

static const char *text_of(RPC_STATUS code)
{
    const char *not_rpc = NULL;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        if (texts[i].code == code)
            return texts[i].text;
        if (texts[i].code == RPC_S_NOT_RPC_ERROR)
            not_rpc = texts[i].text;
    }
    return not_rpc;
}

RPC_STATUS RPC_ENTRY DceErrorInqTextA(RPC_STATUS RpcStatus, RPC_CSTR ErrorText)
{
    if (!ErrorText)
        return RPC_S_INVALID_ARG;
    const char *t = text_of(RpcStatus);
    size_t n = strlen(t);
    if (n >= DCE_C_ERROR_STRING_LEN)
        n = DCE_C_ERROR_STRING_LEN - 1;
    memcpy(ErrorText, t, n);
    ErrorText[n] = 0;
    return RPC_S_OK;
}

RPC_STATUS RPC_ENTRY DceErrorInqTextW(RPC_STATUS RpcStatus, RPC_WSTR ErrorText)
{
    if (!ErrorText)
        return RPC_S_INVALID_ARG;
    const char *t = text_of(RpcStatus);
    size_t n = 0;
    for (; t[n] && n < DCE_C_ERROR_STRING_LEN - 1; n++)
        ErrorText[n] = (wchar_t)(unsigned char)t[n];     /* the texts are ASCII */
    ErrorText[n] = 0;
    return RPC_S_OK;
}
