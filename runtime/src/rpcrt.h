/*
 * rpcrt.h: the runtime's internal header for the protocol engine, sectioned by the file that
 * implements each part (see docs/runtime-design.md for how the parts fit together).
 *
 * Every non-static symbol here is prefixed asidl__ and stays out of the shared library's
 * export list. Ownership rule, stated once: a function that takes a pointer to a buffer only
 * borrows it for the duration of the call unless its comment says it keeps or consumes it.
 */
#ifndef ASIDL_RPCRT_H
#define ASIDL_RPCRT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <sys/types.h>

#include <rpc.h>

/* A UUID in memory: Microsoft's GUID (Data1..Data3 in host byte order). */
typedef GUID asidl__uuid;

/* An interface or transfer syntax: UUID + version (major in the low 16 bits, minor in the high). */
typedef struct asidl__syntax_id {
    asidl__uuid uuid;
    uint32_t version;
} asidl__syntax_id;

#define ASIDL_SYNTAX_VERSION(major, minor) ((uint32_t)(major) | ((uint32_t)(minor) << 16))
#define ASIDL_SYNTAX_MAJOR(v) ((uint16_t)((v) & 0xFFFFu))
#define ASIDL_SYNTAX_MINOR(v) ((uint16_t)((v) >> 16))

extern const asidl__syntax_id asidl__ndr20_syntax;   /* 8a885d04-1ceb-11c9-9fe8-08002b104860 v2.0 */
extern const asidl__syntax_id asidl__ndr64_syntax;   /* 71710533-beba-4937-8319-b5dbef9ccc36 v1.0 */

bool asidl__uuid_equal(const asidl__uuid *a, const asidl__uuid *b);
bool asidl__syntax_equal(const asidl__syntax_id *a, const asidl__syntax_id *b);

/* ================================================================================ uuid.c */

/* Parses the 36-character text form (no braces); false if it is anything else. */
bool asidl__uuid_from_text(const char *text, asidl__uuid *out);

/* ================================================================================ wstr.c */

/* RPC_WSTR on Linux is wchar_t * holding UTF-32; RPC_CSTR holds UTF-8. The W functions
 * convert to UTF-8, call the A function, and convert its results back. */
typedef enum asidl__wconv {
    ASIDL_WCONV_OK = 0,
    ASIDL_WCONV_NO_MEMORY,
    ASIDL_WCONV_INVALID,        /* not a Unicode scalar value / malformed UTF-8 */
} asidl__wconv;

/* NULL in gives NULL out and OK. The result is malloc'd. */
asidl__wconv asidl__wcs_to_utf8(const wchar_t *w, char **out);
asidl__wconv asidl__utf8_to_wcs(const char *s, wchar_t **out);

/* ============================================================================= strbind.c */

/* A string binding split into its parts, unescaped; each part is malloc'd and "" when absent. */
typedef struct asidl__strbind {
    char *object;
    char *protseq;
    char *netaddr;
    char *endpoint;
    char *options;       /* "key=value,key=value" */
} asidl__strbind;

RPC_STATUS asidl__strbind_parse(const char *text, asidl__strbind *out);
void asidl__strbind_free(asidl__strbind *sb);
/* NULL or "" parts are left out; returns NULL only when out of memory. */
char *asidl__strbind_compose(const char *object, const char *protseq, const char *netaddr,
                             const char *endpoint, const char *options);

/* ============================================= sock.c, rtdir.c, transport_*.c, tcp_delivery.c */

/* Protocol sequences asidl implements. */
typedef enum asidl__protseq {
    ASIDL_PROTSEQ_NONE = 0,
    ASIDL_PROTSEQ_TCP,          /* ncacn_ip_tcp: IPv4 and IPv6 */
    ASIDL_PROTSEQ_LRPC,         /* ncalrpc: a unix-domain socket in the runtime directory */
} asidl__protseq;

/* RPC_S_OK; RPC_S_PROTSEQ_NOT_SUPPORTED for a Microsoft protocol sequence asidl does not
 * implement (ncacn_np, ncadg_ip_udp, ncacn_http, ...); RPC_S_INVALID_RPC_PROTSEQ otherwise. */
RPC_STATUS asidl__protseq_lookup(const char *name, asidl__protseq *out);
const char *asidl__protseq_name(asidl__protseq p);
/* Syntax of an endpoint (a decimal port; an ncalrpc name) and of a network address, as
 * RpcBindingFromStringBinding checks them. "" (no endpoint) is valid for both. */
RPC_STATUS asidl__endpoint_check(asidl__protseq p, const char *endpoint);
RPC_STATUS asidl__netaddr_check(asidl__protseq p, const char *netaddr);

/* Non-blocking, close-on-exec socket I/O that never raises SIGPIPE. Return what send/recv
 * return; EINTR is retried. */
ssize_t asidl__sock_send(int fd, const void *p, size_t n);
ssize_t asidl__sock_recv(int fd, void *p, size_t n);
bool asidl__sock_set_nonblocking(int fd);
/* Waits for `events` (POLLIN/POLLOUT) on fd for at most timeout_ms (< 0: forever). Returns
 * > 0 when ready, 0 on timeout, < 0 on error. */
int asidl__sock_wait(int fd, short events, int timeout_ms);
/* Milliseconds on the monotonic clock. */
int64_t asidl__now_ms(void);

/* The ncalrpc socket directory: ASIDL_RUNTIME_DIR if set; else the first of /run/asidl,
 * $XDG_RUNTIME_DIR/asidl, /tmp/asidl-$UID that is (or can be made) a directory this user may
 * create sockets in. Servers create their sockets there; clients look for an endpoint in the
 * same places, in the same order (without needing write access). */
RPC_STATUS asidl__rtdir_for_server(char *out, size_t out_size);
/* Fills `path` with the socket path of `endpoint` for a client: the first directory of the
 * search that holds it, or the server's choice when none does. */
RPC_STATUS asidl__rtdir_socket_path(const char *endpoint, char *path, size_t path_size, bool for_server);

/* Client side: a connected, non-blocking socket, or RPC_S_SERVER_UNAVAILABLE (nobody there,
 * unknown host, timeout), RPC_S_INVALID_ENDPOINT_FORMAT, RPC_S_OUT_OF_RESOURCES. */
RPC_STATUS asidl__transport_connect(asidl__protseq p, const char *netaddr, const char *endpoint,
                                    int timeout_ms, int *fd_out);

/* TCP connections (tcp_delivery.c). The octets the peer has acknowledged so far (the SYN
 * counts one); false when the kernel does not tell. */
bool asidl__tcp_acked(int fd, uint64_t *acked);
/* After the connection turned out closed: true only on evidence that the peer's kernel refused
 * what was sent after the first `acked_before` octets unread (none of it acknowledged, the
 * connection reset), waiting at most wait_ms for that evidence or its opposite. */
bool asidl__tcp_refused(int fd, uint64_t acked_before, int wait_ms);

/* Server side: listening, non-blocking sockets for one endpoint. NULL or "" endpoint means a
 * dynamic one (an ephemeral port; a generated ncalrpc name). host NULL means every interface
 * (IPv6 and IPv4 on one dual-stack socket where the system allows, as Windows listens). */
typedef struct asidl__listener_fds {
    int fd[2];
    int count;
    char endpoint[128];         /* the actual endpoint: the port number or the ncalrpc name */
    char path[108];             /* ncalrpc: the socket file, removed when closed */
} asidl__listener_fds;

RPC_STATUS asidl__transport_listen(asidl__protseq p, const char *host, const char *endpoint,
                                   int backlog, asidl__listener_fds *out);
void asidl__transport_unlisten(asidl__listener_fds *l);
/* Accepts one connection: a non-blocking socket, or -1 (errno set; EAGAIN when none). */
int asidl__transport_accept(int listen_fd);

/* Per-protocol halves, used by the functions above. */
RPC_STATUS asidl__tcp_connect(const char *host, const char *port, int timeout_ms, int *fd_out);
RPC_STATUS asidl__tcp_listen(const char *host, const char *port, int backlog, asidl__listener_fds *out);
RPC_STATUS asidl__lrpc_connect(const char *endpoint, int timeout_ms, int *fd_out);
RPC_STATUS asidl__lrpc_listen(const char *endpoint, int backlog, asidl__listener_fds *out);
RPC_STATUS asidl__lrpc_endpoint_check(const char *endpoint);

/* ================================================================================= buf.c */


/* A growable byte buffer. Appends never fail visibly: an allocation failure sets `failed`,
 * later appends do nothing, and the owner checks `failed` once at the end. */
typedef struct asidl__buf {
    uint8_t *data;
    size_t len;
    size_t cap;
    bool failed;
} asidl__buf;

void asidl__buf_init(asidl__buf *b);
void asidl__buf_free(asidl__buf *b);
bool asidl__buf_reserve(asidl__buf *b, size_t extra);
void asidl__buf_put(asidl__buf *b, const void *p, size_t n);
void asidl__buf_put_zeros(asidl__buf *b, size_t n);
void asidl__buf_put_u8(asidl__buf *b, uint8_t v);
void asidl__buf_put_u16le(asidl__buf *b, uint16_t v);
void asidl__buf_put_u32le(asidl__buf *b, uint32_t v);
void asidl__buf_put_uuid(asidl__buf *b, const asidl__uuid *u);   /* NDR, little-endian */
void asidl__buf_patch_u16le(asidl__buf *b, size_t at, uint16_t v);
/* Hands the bytes to the caller (who frees them with free()) and leaves `b` empty. */
uint8_t *asidl__buf_take(asidl__buf *b, size_t *len);

/* ================================================================================= pdu.c */

enum {
    ASIDL_PTYPE_REQUEST = 0,
    ASIDL_PTYPE_PING = 1,
    ASIDL_PTYPE_RESPONSE = 2,
    ASIDL_PTYPE_FAULT = 3,
    ASIDL_PTYPE_WORKING = 4,
    ASIDL_PTYPE_NOCALL = 5,
    ASIDL_PTYPE_REJECT = 6,
    ASIDL_PTYPE_ACK = 7,
    ASIDL_PTYPE_CL_CANCEL = 8,
    ASIDL_PTYPE_FACK = 9,
    ASIDL_PTYPE_CANCEL_ACK = 10,
    ASIDL_PTYPE_BIND = 11,
    ASIDL_PTYPE_BIND_ACK = 12,
    ASIDL_PTYPE_BIND_NAK = 13,
    ASIDL_PTYPE_ALTER_CONTEXT = 14,
    ASIDL_PTYPE_ALTER_CONTEXT_RESP = 15,
    ASIDL_PTYPE_AUTH3 = 16,
    ASIDL_PTYPE_SHUTDOWN = 17,
    ASIDL_PTYPE_CO_CANCEL = 18,
    ASIDL_PTYPE_ORPHANED = 19,
    ASIDL_PTYPE_RTS = 20,
};

enum {
    ASIDL_PFC_FIRST_FRAG = 0x01,
    ASIDL_PFC_LAST_FRAG = 0x02,
    ASIDL_PFC_PENDING_CANCEL = 0x04,   /* on bind PDUs: SUPPORT_HEADER_SIGN */
    ASIDL_PFC_SUPPORT_HEADER_SIGN = 0x04,
    ASIDL_PFC_RESERVED_1 = 0x08,
    ASIDL_PFC_CONC_MPX = 0x10,
    ASIDL_PFC_DID_NOT_EXECUTE = 0x20,
    ASIDL_PFC_MAYBE = 0x40,
    ASIDL_PFC_OBJECT_UUID = 0x80,
};

/* bind_ack / alter_context_resp result and reason for each presentation context. */
enum {
    ASIDL_CTX_ACCEPTANCE = 0,
    ASIDL_CTX_USER_REJECTION = 1,
    ASIDL_CTX_PROVIDER_REJECTION = 2,
    ASIDL_CTX_NEGOTIATE_ACK = 3,
};
enum {
    ASIDL_CTX_REASON_NOT_SPECIFIED = 0,
    ASIDL_CTX_REASON_ABSTRACT_SYNTAX_NOT_SUPPORTED = 1,
    ASIDL_CTX_REASON_TRANSFER_SYNTAXES_NOT_SUPPORTED = 2,
    ASIDL_CTX_REASON_LOCAL_LIMIT_EXCEEDED = 3,
};

/* bind_nak provider_reject_reason */
enum {
    ASIDL_NAK_NOT_SPECIFIED = 0,
    ASIDL_NAK_TEMPORARY_CONGESTION = 1,
    ASIDL_NAK_LOCAL_LIMIT_EXCEEDED = 2,
    ASIDL_NAK_PROTOCOL_VERSION_NOT_SUPPORTED = 4,
    ASIDL_NAK_AUTH_TYPE_NOT_RECOGNIZED = 8,
};

/* Bind-time feature negotiation ([MS-RPCE] 3.3.1.5.3): a presentation context whose first
 * transfer syntax is 6cb71c2c-9812-4540-<64-bit feature mask> is answered with NEGOTIATE_ACK. */
enum {
    ASIDL_BTFN_SECURITY_CONTEXT_MULTIPLEXING = 0x01,
    ASIDL_BTFN_KEEP_CONNECTION_ON_ORPHAN = 0x02,
};
bool asidl__btfn_features(const asidl__syntax_id *transfer, uint64_t *features);

/* NCA fault status values on the wire (C706 appendix E, [MS-RPCE] 2.2.2.11). */
enum {
    ASIDL_NCA_S_FAULT_INT_DIV_BY_ZERO = 0x1C000001,
    ASIDL_NCA_S_FAULT_ADDR_ERROR = 0x1C000002,
    ASIDL_NCA_S_FAULT_FP_DIV_ZERO = 0x1C000003,
    ASIDL_NCA_S_FAULT_FP_UNDERFLOW = 0x1C000004,
    ASIDL_NCA_S_FAULT_FP_OVERFLOW = 0x1C000005,
    ASIDL_NCA_S_FAULT_INVALID_TAG = 0x1C000006,
    ASIDL_NCA_S_FAULT_INVALID_BOUND = 0x1C000007,
    ASIDL_NCA_S_RPC_VERSION_MISMATCH = 0x1C000008,
    ASIDL_NCA_S_UNSPEC_REJECT = 0x1C000009,
    ASIDL_NCA_S_BAD_ACTID = 0x1C00000A,
    ASIDL_NCA_S_WHO_ARE_YOU_FAILED = 0x1C00000B,
    ASIDL_NCA_S_MANAGER_NOT_ENTERED = 0x1C00000C,
    ASIDL_NCA_S_FAULT_CANCEL = 0x1C00000D,
    ASIDL_NCA_S_FAULT_ILL_INST = 0x1C00000E,
    ASIDL_NCA_S_FAULT_FP_ERROR = 0x1C00000F,
    ASIDL_NCA_S_FAULT_INT_OVERFLOW = 0x1C000010,
    ASIDL_NCA_S_FAULT_UNSPEC = 0x1C000012,
    ASIDL_NCA_S_FAULT_REMOTE_COMM_FAILURE = 0x1C000013,
    ASIDL_NCA_S_FAULT_PIPE_EMPTY = 0x1C000014,
    ASIDL_NCA_S_FAULT_PIPE_CLOSED = 0x1C000015,
    ASIDL_NCA_S_FAULT_PIPE_ORDER = 0x1C000016,
    ASIDL_NCA_S_FAULT_PIPE_DISCIPLINE = 0x1C000017,
    ASIDL_NCA_S_FAULT_PIPE_COMM_ERROR = 0x1C000018,
    ASIDL_NCA_S_FAULT_PIPE_MEMORY = 0x1C000019,
    ASIDL_NCA_S_FAULT_CONTEXT_MISMATCH = 0x1C00001A,
    ASIDL_NCA_S_FAULT_REMOTE_NO_MEMORY = 0x1C00001B,
    ASIDL_NCA_S_INVALID_PRES_CONTEXT_ID = 0x1C00001C,
    ASIDL_NCA_S_UNSUPPORTED_AUTHN_LEVEL = 0x1C00001D,
    ASIDL_NCA_S_INVALID_CHECKSUM = 0x1C00001F,
    ASIDL_NCA_S_INVALID_CRC = 0x1C000020,
    ASIDL_NCA_S_FAULT_USER_DEFINED = 0x1C000021,
    ASIDL_NCA_S_FAULT_TX_OPEN_FAILED = 0x1C000022,
    ASIDL_NCA_S_FAULT_CODESET_CONV_ERROR = 0x1C000023,
    ASIDL_NCA_S_FAULT_OBJECT_NOT_FOUND = 0x1C000024,
    ASIDL_NCA_S_FAULT_NO_CLIENT_STUB = 0x1C000025,
    ASIDL_NCA_S_COMM_FAILURE = 0x1C010001,
    ASIDL_NCA_S_OP_RNG_ERROR = 0x1C010002,
    ASIDL_NCA_S_UNK_IF = 0x1C010003,
    ASIDL_NCA_S_WRONG_BOOT_TIME = 0x1C010006,
    ASIDL_NCA_S_YOU_CRASHED = 0x1C010009,
    ASIDL_NCA_S_PROTO_ERROR = 0x1C01000B,
    ASIDL_NCA_S_OUT_ARGS_TOO_BIG = 0x1C010013,
    ASIDL_NCA_S_SERVER_TOO_BUSY = 0x1C010014,
    ASIDL_NCA_S_FAULT_STRING_TOO_LONG = 0x1C010015,
    ASIDL_NCA_S_UNSUPPORTED_TYPE = 0x1C010017,
    ASIDL_FAULT_ACCESS_DENIED = 5,
};

#define ASIDL_PDU_HEADER_LEN 16
#define ASIDL_PDU_REQUEST_LEN 24          /* request header without object UUID */
#define ASIDL_PDU_REQUEST_OBJECT_LEN 40   /* ... with one */
#define ASIDL_PDU_RESPONSE_LEN 24
#define ASIDL_PDU_FAULT_LEN 32
#define ASIDL_PDU_SEC_TRAILER_LEN 8
#define ASIDL_PDU_MAX_FRAG 65535u

/* The fragment size Windows negotiates at most on TCP, and the least it accepts. */
#define ASIDL_FRAG_MAX 5840u
#define ASIDL_FRAG_MIN 2048u
/* ncalrpc's: its peers are asidl's own (Windows speaks ALPC there, not these PDUs), so a
 * fragment may be as large as frag_length allows, a multiple of 8: a 64 KiB message goes in
 * 2 fragments instead of 12, each a header to write and parse and a piece to reassemble. */
#define ASIDL_FRAG_MAX_LRPC 65528u

/* Why decoding stopped. ASIDL_PDU_NEED_MORE is not an error for a byte stream: the fragment is
 * simply not complete yet. Everything else means the bytes are not a valid PDU. */
typedef enum asidl__pdu_status {
    ASIDL_PDU_OK = 0,
    ASIDL_PDU_NEED_MORE,         /* fewer bytes than the header / frag_length announce */
    ASIDL_PDU_BAD_VERSION,       /* rpc_vers != 5 or rpc_vers_minor > 1 */
    ASIDL_PDU_BAD_FRAG_LENGTH,   /* frag_length < 16 or too small for the PDU type's body */
    ASIDL_PDU_BAD_AUTH_LENGTH,   /* the auth trailer does not fit in the fragment */
    ASIDL_PDU_BAD_PTYPE,         /* unknown, connectionless-only or RTS packet type */
    ASIDL_PDU_BAD_BODY,          /* a count or length in the body points past the fragment */
} asidl__pdu_status;

const char *asidl__pdu_status_text(asidl__pdu_status s);
const char *asidl__ptype_name(unsigned ptype);

typedef struct asidl__pdu_header {
    uint8_t rpc_vers;
    uint8_t rpc_vers_minor;
    uint8_t ptype;
    uint8_t pfc_flags;
    uint8_t drep[4];
    uint16_t frag_length;
    uint16_t auth_length;
    uint32_t call_id;
} asidl__pdu_header;

/* The security trailer of a PDU that carries auth_length > 0 (decoded so that a server without
 * authentication can answer such a PDU precisely). */
typedef struct asidl__pdu_auth {
    bool present;
    uint8_t auth_type;
    uint8_t auth_level;
    uint8_t pad_length;
    uint32_t context_id;
    const uint8_t *value;        /* auth_length bytes */
    size_t value_len;
} asidl__pdu_auth;

/* One presentation context element of a bind / alter_context, decoded on demand from the
 * validated list (asidl__pdu_bind_context). */
typedef struct asidl__pdu_ctx {
    uint16_t context_id;
    uint8_t n_transfer;
    asidl__syntax_id abstract;
    const uint8_t *transfer_raw;  /* n_transfer * 20 bytes, read with asidl__pdu_ctx_transfer */
    bool little_endian;
} asidl__pdu_ctx;

typedef struct asidl__pdu_result {
    uint16_t result;
    uint16_t reason;
    asidl__syntax_id transfer;
} asidl__pdu_result;

/* A decoded PDU. Pointers point into the fragment bytes given to asidl__pdu_decode, which must
 * outlive the decoded form. */
typedef struct asidl__pdu {
    asidl__pdu_header hdr;
    bool little_endian;
    asidl__pdu_auth auth;
    union {
        struct {                 /* bind, alter_context */
            uint16_t max_xmit_frag;
            uint16_t max_recv_frag;
            uint32_t assoc_group_id;
            uint8_t n_context;
            const uint8_t *contexts;   /* validated list, see asidl__pdu_bind_context */
        } bind;
        struct {                 /* bind_ack, alter_context_resp */
            uint16_t max_xmit_frag;
            uint16_t max_recv_frag;
            uint32_t assoc_group_id;
            const char *secondary_address;   /* NUL-terminated inside the PDU, or "" */
            uint8_t n_results;
            const uint8_t *results;    /* see asidl__pdu_bind_ack_result */
        } bind_ack;
        struct {
            uint16_t reject_reason;
            uint8_t n_versions;
            const uint8_t *versions;   /* n_versions pairs (major, minor) */
        } bind_nak;
        struct {
            uint32_t alloc_hint;
            uint16_t context_id;
            uint16_t opnum;
            bool has_object;
            asidl__uuid object;
            const uint8_t *stub;
            size_t stub_len;
        } request;
        struct {                 /* response, fault */
            uint32_t alloc_hint;
            uint16_t context_id;
            uint8_t cancel_count;
            uint8_t fault_flags;       /* fault only */
            uint32_t status;           /* fault only */
            const uint8_t *stub;
            size_t stub_len;
        } response;
    } u;
} asidl__pdu;

/* Looks at the start of a byte stream: if a whole fragment is there, sets *frag_len and returns
 * OK; NEED_MORE if not yet; an error if the header already shows the bytes are not DCE/RPC. */
asidl__pdu_status asidl__pdu_frame(const uint8_t *data, size_t avail, size_t *frag_len);

/* Decodes and validates one whole fragment (len == its frag_length) of any connection-oriented
 * type, in either data representation. Never reads outside [data, data + len). */
asidl__pdu_status asidl__pdu_decode(const uint8_t *data, size_t len, asidl__pdu *out);
/* The same without the one-pass reading of the frequent request and response (tests compare). */
asidl__pdu_status asidl__pdu_decode_general(const uint8_t *data, size_t len, asidl__pdu *out);

void asidl__pdu_bind_context(const asidl__pdu *pdu, unsigned index, asidl__pdu_ctx *out);
void asidl__pdu_ctx_transfer(const asidl__pdu_ctx *ctx, unsigned index, asidl__syntax_id *out);
void asidl__pdu_bind_ack_result(const asidl__pdu *pdu, unsigned index, asidl__pdu_result *out);

/* Little-endian fields written in place (what asidl sends): on a little-endian host a plain
 * store, since compilers otherwise assemble the word a byte at a time. */
static inline void asidl__put_le16(uint8_t *p, uint16_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    __builtin_memcpy(p, &v, 2);
#else
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
#endif
}

static inline void asidl__put_le32(uint8_t *p, uint32_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    __builtin_memcpy(p, &v, 4);
#else
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
#endif
}

/* Writes the 16-octet common header at p: version 5.0, drep 10 00 00 00, no auth trailer. */
void asidl__pdu_put_header(uint8_t *p, uint8_t ptype, uint8_t pfc_flags, uint16_t frag_length, uint32_t call_id);

/* Encoders. All write little-endian, ASCII, IEEE (drep 10 00 00 00) and append to `b`. */
typedef struct asidl__ctx_elem {
    uint16_t context_id;
    asidl__syntax_id abstract;
    uint8_t n_transfer;
    const asidl__syntax_id *transfer;
} asidl__ctx_elem;

/* ptype is BIND or ALTER_CONTEXT. */
void asidl__pdu_encode_bind(asidl__buf *b, uint8_t ptype, uint8_t pfc_flags, uint32_t call_id,
                            uint16_t max_xmit_frag, uint16_t max_recv_frag, uint32_t assoc_group_id,
                            const asidl__ctx_elem *ctx, unsigned n_ctx);
/* ptype is BIND_ACK or ALTER_CONTEXT_RESP; secondary_address NULL or "" means length 0. */
void asidl__pdu_encode_bind_ack(asidl__buf *b, uint8_t ptype, uint8_t pfc_flags, uint32_t call_id,
                                uint16_t max_xmit_frag, uint16_t max_recv_frag,
                                uint32_t assoc_group_id, const char *secondary_address,
                                const asidl__pdu_result *results, unsigned n_results);
void asidl__pdu_encode_bind_nak(asidl__buf *b, uint32_t call_id, uint16_t reject_reason);
/* One request fragment; `object` may be NULL. */
void asidl__pdu_encode_request(asidl__buf *b, uint8_t pfc_flags, uint32_t call_id,
                               uint32_t alloc_hint, uint16_t context_id, uint16_t opnum,
                               const asidl__uuid *object, const void *stub, size_t stub_len);
void asidl__pdu_encode_response(asidl__buf *b, uint8_t pfc_flags, uint32_t call_id,
                                uint32_t alloc_hint, uint16_t context_id, uint8_t cancel_count,
                                const void *stub, size_t stub_len);
void asidl__pdu_encode_fault(asidl__buf *b, uint8_t pfc_flags, uint32_t call_id,
                             uint16_t context_id, uint8_t cancel_count, uint32_t status);
/* shutdown, co_cancel, orphaned: the header alone. */
void asidl__pdu_encode_header_only(asidl__buf *b, uint8_t ptype, uint8_t pfc_flags, uint32_t call_id);

/* The fragment size both sides use after a bind proposing (max_xmit, max_recv), capped by the
 * server's own limit (ASIDL_FRAG_MAX by default): min of the two, at least 2048, at most the
 * cap, rounded down to a multiple of 8 (Windows' rule). */
uint16_t asidl__negotiate_frag(uint16_t max_xmit, uint16_t max_recv, uint16_t cap);

/* ================================================================================ frag.c */

/* Appends the fragments of a request carrying `stub_len` bytes, each at most `max_frag` bytes
 * long (alloc_hint = the stub bytes remaining from that fragment on). extra_flags is or-ed into
 * every fragment (CONC_MPX, MAYBE, PENDING_CANCEL on the first only, ...). */
void asidl__frag_request(asidl__buf *b, uint32_t call_id, uint16_t context_id, uint16_t opnum,
                         const asidl__uuid *object, const void *stub, size_t stub_len,
                         uint16_t max_frag, uint8_t extra_flags);
void asidl__frag_response(asidl__buf *b, uint32_t call_id, uint16_t context_id,
                          uint8_t cancel_count, const void *stub, size_t stub_len,
                          uint16_t max_frag);

/* The fragments of one call as their headers (back to back, header_len each) around the stub
 * bytes, which are borrowed, not copied: they must stay valid until the sequence is sent or
 * flattened. The headers of a short sequence (the usual call) live in the structure itself, so
 * building one allocates nothing; the structure must not be moved then. A sequence whose
 * `failed` is set could not be built (out of memory). */
struct iovec;
#define ASIDL_FRAGS_LOCAL 2         /* fragments whose headers fit in asidl__frags.local */
typedef struct asidl__frags {
    uint8_t *headers;       /* count * header_len octets: `local`, or malloc'd */
    bool failed;
    uint8_t local[ASIDL_FRAGS_LOCAL * ASIDL_PDU_REQUEST_OBJECT_LEN];
    size_t header_len;
    const uint8_t *stub;
    size_t stub_len;
    size_t chunk;           /* stub bytes per fragment but the last */
    size_t count;           /* fragments (at least one) */
} asidl__frags;

void asidl__frags_request(asidl__frags *f, uint32_t call_id, uint16_t context_id, uint16_t opnum,
                          const asidl__uuid *object, const void *stub, size_t stub_len, uint16_t max_frag,
                          uint8_t extra_flags);
void asidl__frags_response(asidl__frags *f, uint32_t call_id, uint16_t context_id, uint8_t cancel_count,
                           const void *stub, size_t stub_len, uint16_t max_frag);
/* Every octet of the sequence, headers and stub. */
size_t asidl__frags_bytes(const asidl__frags *f);
/* Up to `max` iovecs describing the sequence's octets from offset `from` on; returns how many. */
size_t asidl__frags_iov(const asidl__frags *f, size_t from, struct iovec *iov, size_t max);
/* A malloc'd copy of the octets from `from` on (NULL when out of memory). */
uint8_t *asidl__frags_flatten(const asidl__frags *f, size_t from, size_t *len);
void asidl__frags_free(asidl__frags *f);

/* Reassembly of the stub data of one call, refusing to grow past `limit` bytes. */
typedef struct asidl__reasm {
    uint8_t *data;
    size_t len;
    size_t cap;
    size_t limit;
} asidl__reasm;

typedef enum asidl__reasm_status {
    ASIDL_REASM_OK = 0,
    ASIDL_REASM_TOO_BIG,       /* the total (or the announced alloc_hint) exceeds the limit */
    ASIDL_REASM_NO_MEMORY,
} asidl__reasm_status;

void asidl__reasm_init(asidl__reasm *r, size_t limit);
/* First fragment: alloc_hint only sizes the allocation, bounded by the limit. */
asidl__reasm_status asidl__reasm_start(asidl__reasm *r, uint32_t alloc_hint);
asidl__reasm_status asidl__reasm_append(asidl__reasm *r, const uint8_t *p, size_t n);
/* Hands the bytes to the caller (free() them); the reassembler is empty afterwards. */
uint8_t *asidl__reasm_take(asidl__reasm *r, size_t *len);
void asidl__reasm_free(asidl__reasm *r);

/* ============================================================================= runtime.c */

/* Something the event loop watches: the first member of every watched object, so that the
 * epoll event's pointer leads back to it. on_event runs on the worker that got the event. */
typedef struct asidl__source asidl__source;
typedef void asidl__source_fn(asidl__source *src, uint32_t events);
struct asidl__source {
    asidl__source_fn *on_event;
    int fd;
};

bool asidl__rt_init(void);
/* One-shot registration: after an event the source is disarmed until re-armed. */
int asidl__rt_watch(asidl__source *s, uint32_t events);
int asidl__rt_rearm(asidl__source *s, uint32_t events);
void asidl__rt_unwatch(asidl__source *s);
/* Edge-triggered registration: an event whenever readiness arrives, with no re-arming, so a
 * connection's handler saves a system call per request. Another worker can then get an event
 * while the handler runs (the owner needs a token, as asidl__sconn's reading token), and an event
 * taken just before the source is unwatched can still be on its way: the owner frees it through
 * asidl__rt_retire. asidl__rt_rearm_edge changes the mask (an event comes at once if ready). */
int asidl__rt_watch_edge(asidl__source *s, uint32_t events);
int asidl__rt_rearm_edge(asidl__source *s, uint32_t events);
typedef struct asidl__retiree asidl__retiree;
struct asidl__retiree {
    asidl__retiree *next;
    uint64_t epoch;                   /* the grace period it waits for */
    void (*release)(asidl__retiree *r);
};
/* Runs r->release(r) once every worker that may hold an event fetched before this call (the
 * source already unwatched) is done with it: when each has come back to wait for the next
 * event, or at asidl__rt_shutdown. */
void asidl__rt_retire(asidl__retiree *r, void (*release)(asidl__retiree *r));
/* Runs fn(arg) on a worker thread; false when out of memory. */
bool asidl__rt_post(void (*fn)(void *), void *arg);
RPC_STATUS asidl__rt_start_workers(unsigned n);
/* Stack size of workers started later (0: the system default); false if below the minimum. */
bool asidl__rt_set_stack_size(size_t bytes);
/* Makes sure some thread waits on the epoll set (a client-only process's I/O thread); false
 * when none exists and none can be started. */
bool asidl__rt_need_io_thread(void);
unsigned asidl__rt_worker_count(void);
bool asidl__rt_is_worker(void);
/* Called by a worker about to block inside a handler (a manager routine waiting for the
 * answer to a [callback]): another worker polls from now on (one more is started if none is
 * parked), so that the answer it waits for is read. Does nothing on other threads. */
void asidl__rt_blocking(void);
/* writer.c: a duplicate of a connection's socket registered for EPOLLOUT alone, armed by a
 * thread that is not the connection's handler when the socket is full (the connection's own
 * registration cannot be re-armed then: its event may already be on its way). The owner
 * guards it with its lock. */
typedef struct asidl__writer {
    asidl__source src;                /* fd -1 until first armed */
    bool watched;                     /* registered in the epoll set */
    bool armed;                       /* an event (and the owner's reference for it) is due */
} asidl__writer;

void asidl__writer_init(asidl__writer *w, asidl__source_fn *on_writable);
/* Arms it for one EPOLLOUT event: 1 when armed now (the owner takes a reference for the
 * event), 0 when it already was, -1 when it cannot be (out of descriptors or memory). The
 * worker that gets the event clears `armed` and takes the reference over. */
int asidl__writer_arm(asidl__writer *w, int socket_fd);
/* Takes it out of the epoll set and closes it: only when its event cannot be on its way. */
void asidl__writer_close(asidl__writer *w);

/* Stops and joins the workers and closes the loop's descriptors (tests end with it, so that
 * leak checkers see nothing left). Nothing may be watched any more. */
void asidl__rt_shutdown(void);

/* =============================================================================== timer.c */

typedef struct asidl__timer asidl__timer;
struct asidl__timer {
    int64_t due;                /* asidl__now_ms() time */
    size_t slot;                /* position in the heap; SIZE_MAX when not pending */
    void (*fn)(asidl__timer *);
};

void asidl__timer_init(asidl__timer *t, void (*fn)(asidl__timer *));
/* Schedules (or reschedules) t; false when out of memory. */
bool asidl__timer_start(asidl__timer *t, int64_t due_ms);
/* True when t was pending and now will not run; false when it has run or is running. */
bool asidl__timer_cancel(asidl__timer *t);
int asidl__timer_open(void);
void asidl__timer_close(void);
void asidl__timer_expire(void);

/* =============================================================================== trace.c */

/* ASIDL_TRACE set (and not "0"): one line per PDU to stderr. dir is "->" or "<-". The
 * environment is read once, at the first PDU. */
enum { ASIDL_TRACE_UNREAD, ASIDL_TRACE_OFF, ASIDL_TRACE_ON };
extern int asidl__trace_switch;       /* atomic */
bool asidl__trace_read_switch(void);
static inline bool asidl__trace_enabled(void)
{
    int s = __atomic_load_n(&asidl__trace_switch, __ATOMIC_RELAXED);
    return s == ASIDL_TRACE_UNREAD ? asidl__trace_read_switch() : s == ASIDL_TRACE_ON;
}
void asidl__trace_pdus(const char *dir, int fd, const uint8_t *p, size_t len);

/* =============================================================================== stats.c */

/* The counters of RpcMgmtInqStats are kept per thread, so that counting is a plain add to a
 * line of this thread's own, not an atomic read-modify-write on a line every CPU shares.
 * RpcMgmtInqStats sums the blocks of the threads alive and what the exited ones left. */
typedef struct asidl__stats_block {
    unsigned long n[4];                /* atomic: written by the thread only, read by anyone */
    bool listed;                       /* counted by RpcMgmtInqStats (set on first use) */
    bool gone;                         /* the thread is exiting: it counts in the shared totals */
    struct asidl__stats_block *prev, *next;
} asidl__stats_block;
extern _Thread_local asidl__stats_block asidl__stats_mine;
/* The thread's first count (or one after its block was retired at exit). */
void asidl__stats_add_first(int which, unsigned long n);

/* Adds to a counter of RpcMgmtInqStats: RPC_C_STATS_CALLS_IN, _CALLS_OUT, _PKTS_IN, _PKTS_OUT. */
static inline void asidl__stats_add(int which, unsigned long n)
{
    asidl__stats_block *b = &asidl__stats_mine;
    if (__builtin_expect(!b->listed, 0)) {
        asidl__stats_add_first(which, n);
        return;
    }
    /* Only this thread writes its block: a load and a store, each atomic for the reader. */
    __atomic_store_n(&b->n[which], __atomic_load_n(&b->n[which], __ATOMIC_RELAXED) + n, __ATOMIC_RELAXED);
}

/* trace.c: one whole PDU already framed (what a reader hands on), traced without framing it
 * again and counted; inline, since every PDU received passes here. */
void asidl__trace_one(const char *dir, int fd, const uint8_t *p, size_t len);
static inline void asidl__trace_pdu(const char *dir, int fd, const uint8_t *p, size_t len)
{
    if (asidl__trace_enabled())
        asidl__trace_one(dir, fd, p, len);
    asidl__stats_add(dir[0] == '-' ? RPC_C_STATS_PKTS_OUT : RPC_C_STATS_PKTS_IN, 1);
}

/* ============================================================================== stream.c */

/* Bytes received but not yet consumed as whole PDUs. While its reader processes them they
 * may live in the reading thread's scratch block (borrowed from `block`); asidl__inbuf_settle
 * moves a leftover partial PDU into the connection's own memory before the reader lets go. */
typedef struct asidl__inbuf {
    uint8_t *data;
    size_t len;
    uint8_t *block;             /* the scratch block `data` is in; NULL: in `own` */
    uint8_t *own;
    size_t own_cap;
} asidl__inbuf;

enum {
    ASIDL_FILL_MORE = 2,        /* read as much as there was room for: more may be waiting */
    ASIDL_FILL_DATA = 1,        /* read less than the room: the socket is (almost surely) drained */
    ASIDL_FILL_EOF = 0,
    ASIDL_FILL_ERROR = -1,
    ASIDL_FILL_AGAIN = -2,
};
/* One recv into the buffer; `wait` blocks until data (the socket must be in blocking mode). */
int asidl__inbuf_fill(asidl__inbuf *b, int fd, bool wait);
/* The whole PDU at the front, if there is one (see asidl__pdu_frame). */
asidl__pdu_status asidl__inbuf_peek(const asidl__inbuf *b, const uint8_t **pdu, size_t *len);
void asidl__inbuf_consume(asidl__inbuf *b, size_t n);
/* Lends the reader's scratch block, which the PDUs being processed are in, to the caller: the
 * bytes stay where they are until asidl__inbuf_give_back, whatever this thread reads meanwhile
 * (it reads into another block). NULL when the bytes are not in this thread's block: then they
 * must be copied. The buffer itself reads on undisturbed until it is settled. */
uint8_t *asidl__inbuf_lend(const asidl__inbuf *b);
/* Ends a loan, on any thread: the block becomes this thread's scratch block, or is freed. */
void asidl__inbuf_give_back(uint8_t *block);
/* Must be called before the reading token is released; false when out of memory (the
 * pending bytes are lost: the caller fails the connection). */
bool asidl__inbuf_settle(asidl__inbuf *b);
void asidl__inbuf_free(asidl__inbuf *b);

/* Complete PDU sequences waiting to be written, in order. */
typedef struct asidl__outbuf asidl__outbuf;
typedef struct asidl__sendq {
    asidl__outbuf *head, *tail;
    size_t bytes;
    uint64_t written;                 /* octets the socket has taken so far */
} asidl__sendq;

/* Takes ownership of `data` (malloc'd), freeing it if the queue cannot grow. */
bool asidl__sendq_push(asidl__sendq *q, uint8_t *data, size_t len);
/* Writes as much as the socket takes: 1 all written, 0 the socket is full, -1 error. */
int asidl__sendq_flush(asidl__sendq *q, int fd);
/* Writes a fragment sequence behind an empty queue: a short one (up to 2 KiB) as one copy with
 * send, a longer one with sendmsg straight from its borrowed stub bytes; what the socket does
 * not take is copied onto the queue, so the stub is free on return.
 * 1 all written, 0 the rest is queued (the socket is full), -1 error (socket or memory),
 * ASIDL_SEND_PEER_GONE: refused before a single octet went, the peer having closed (EPIPE,
 * ECONNRESET). */
#define ASIDL_SEND_PEER_GONE (-2)
int asidl__sendq_send_frags(asidl__sendq *q, int fd, const asidl__frags *f);
void asidl__sendq_clear(asidl__sendq *q);

/* =============================================================================== spare.c */

/* Per-thread spare blocks for what a server call makes and frees once (see spare.c). */
typedef enum asidl__spare_kind {
    ASIDL_SPARE_SCALL,                /* asidl__scall, with its request stub */
    ASIDL_SPARE_DCALL,                /* asidl__dcall, with its argument frame */
    ASIDL_SPARE_KINDS
} asidl__spare_kind;

/* A block of at least `size` octets, uninitialized; *cap is its real size (for _give). NULL
 * when out of memory. */
void *asidl__spare_take(asidl__spare_kind k, size_t size, size_t *cap);
/* Gives a block back (any thread): kept as the thread's spare of its kind, or freed. */
void asidl__spare_give(asidl__spare_kind k, void *block, size_t cap);

/* ============================================================= server.c, sconn.c, scall.c */

typedef struct asidl__server asidl__server;
typedef struct asidl__sconn asidl__sconn;
typedef struct asidl__scall asidl__scall;

/* Called for each complete request on a registered interface, on a worker thread. It owns
 * the call: it must end it exactly once with asidl__scall_reply or asidl__scall_fault, now or
 * later from any thread. */
typedef void asidl__dispatch_fn(asidl__scall *call, void *ctx);

typedef struct asidl__server_limits {
    size_t max_request;          /* reassembled request stub bytes (4 MiB, as Samba) */
    unsigned max_connections;    /* more are accepted and closed at once */
    unsigned max_pending_calls;  /* dispatched, not yet replied; more get server_too_busy */
    unsigned max_executing;      /* dispatch callbacks running at once (0: no limit) */
    int read_timeout_ms;         /* a partial PDU older than this closes the connection */
    uint16_t max_frag;           /* the largest fragment size negotiated (TCP) */
    uint16_t max_frag_lrpc;      /* ... on ncalrpc */
    unsigned max_contexts;       /* presentation contexts per connection */
} asidl__server_limits;

void asidl__server_limits_default(asidl__server_limits *l);
asidl__server *asidl__server_new(const asidl__server_limits *limits);
/* Stops listening, disconnects every client (their pending calls then fail when replied),
 * waits for running dispatch callbacks, and frees the server once its last call is gone. */
void asidl__server_free(asidl__server *s);
/* n_procs: opnums 0..n_procs-1 exist; others are answered nca_s_op_rng_error. */
RPC_STATUS asidl__server_register(asidl__server *s, const asidl__syntax_id *iface, unsigned n_procs,
                                  asidl__dispatch_fn *fn, void *ctx);
RPC_STATUS asidl__server_unregister(asidl__server *s, const asidl__syntax_id *iface);
/* Listens on one endpoint (NULL: dynamic) and writes the actual endpoint to `actual`. */
RPC_STATUS asidl__server_listen(asidl__server *s, asidl__protseq p, const char *host,
                                const char *endpoint, char *actual, size_t actual_size);
/* Starts the worker threads that serve the server's connections. */
RPC_STATUS asidl__server_start(asidl__server *s, unsigned threads);
unsigned asidl__server_connection_count(asidl__server *s);

/* Events reported to a call's notification hook (issue 5 delivers them to applications). */
enum { ASIDL_SCALL_CANCELLED = 1, ASIDL_SCALL_DISCONNECTED = 2 };

struct asidl__scall {
    asidl__sconn *conn;
    asidl__scall *prev, *next;        /* the connection's calls in progress */
    uint32_t call_id;
    uint16_t context_id;
    uint16_t opnum;
    bool has_object;
    asidl__uuid object;
    uint8_t drep[4];                  /* the client's data representation */
    bool maybe;                       /* PFC_MAYBE: nothing, not even a fault, is sent back */
    const uint8_t *stub;              /* the request stub data: in the call's own block, or stub_heap */
    size_t stub_len;
    uint8_t *stub_heap;               /* a reassembled request's buffer (owned) */
    size_t block_cap;                 /* the size of the call's block (spare.c) */
    bool kept;                        /* the dispatcher keeps the memory past the reply */
    bool returned;                    /* set by the dispatcher: its manager routine has returned,
                                         and the reply is sent on the thread that ran it */
    const asidl__syntax_id *iface;
    const struct asidl__siface *siface;
    /* Guarded by the connection's lock: */
    unsigned cancel_count;
    bool orphaned;
    bool disconnected;
    void (*notify)(asidl__scall *call, int event, void *ctx);
    void *notify_ctx;
    void *user;                       /* the dispatcher's state (argument frame, async handle) */
    asidl__scall *run_next;           /* the server's queue of calls waiting to execute */
};

/* Runs a [callback] on the call's client: sends a request for `opnum` on the call's
 * connection, with its call_id and presentation context ([MS-RPCE] 3.3.1.5.9), and waits for
 * the answer (a [maybe] one is only sent). On RPC_S_OK *reply holds the response stub data
 * (malloc'd) in the data representation *drep0; a fault's status is returned with *faulted.
 * RPC_S_CALL_FAILED_DNE when the client is gone or the call abandoned before anything was sent,
 * RPC_S_CALL_FAILED / RPC_S_CALL_CANCELLED when that happens while waiting. Blocks the calling
 * thread: only the thread running the call's manager routine may use it. */
RPC_STATUS asidl__scall_callback(asidl__scall *call, uint16_t opnum, bool maybe, const void *stub, size_t stub_len,
                                 uint8_t **reply, size_t *reply_len, uint8_t *drep0, bool *faulted);
/* Sends the response (fragmented as negotiated) and frees the call. RPC_S_OK, also when the
 * client orphaned the call (nothing is sent); RPC_S_CALL_FAILED when the client is gone. */
RPC_STATUS asidl__scall_reply(asidl__scall *call, const void *stub, size_t stub_len);
/* Ends the call with a fault carrying `status` (an NCA code or an application exception). */
RPC_STATUS asidl__scall_fault(asidl__scall *call, uint32_t status, bool did_not_execute);
/* The dispatcher keeps the call's memory, and the request stub data in it, after the reply
 * (its argument frame points into the stub), until it calls asidl__scall_dispose. Only the
 * thread the call was dispatched on, before the call is replied. */
void asidl__scall_keep(asidl__scall *call);
void asidl__scall_dispose(asidl__scall *call);
/* RPC_S_OK if the client cancelled, abandoned (orphaned) or lost the call, RPC_S_CALL_IN_PROGRESS if not. */
RPC_STATUS asidl__scall_test_cancel(asidl__scall *call);
/* Registers the hook for cancel / disconnect; an event that already happened is reported at once. */
void asidl__scall_set_notify(asidl__scall *call, void (*fn)(asidl__scall *, int, void *), void *ctx);

/* The server's internals, shared by server.c, sconn.c and scall.c. */

typedef struct asidl__siface {
    struct asidl__siface *next;
    asidl__syntax_id id;
    unsigned n_procs;
    asidl__dispatch_fn *fn;
    void *ctx;
    bool active;                      /* false once unregistered: kept for existing contexts */
} asidl__siface;

typedef struct asidl__slistener {
    asidl__source src;
    asidl__server *srv;
    struct asidl__slistener *next;
    asidl__protseq protseq;
    char endpoint[128];
    char path[108];                   /* ncalrpc socket file to remove */
    bool busy;                        /* a worker is accepting on it */
    bool armed;                       /* armed in the epoll set: an event may be on its way */
    bool closed;
} asidl__slistener;

typedef struct asidl__sgroup {
    struct asidl__sgroup *next;
    uint32_t id;
    unsigned conns;
} asidl__sgroup;

struct asidl__server {
    pthread_mutex_t lock;
    pthread_cond_t changed;           /* connections, listeners or executing calls went down */
    int refs;                         /* the owner's, and one per connection */
    asidl__server_limits limits;
    bool stopping;                    /* written under lock, read atomically by leave_slot */
    asidl__siface *ifaces;
    asidl__slistener *listeners;
    asidl__sconn *conns;
    unsigned n_conns;
    unsigned pending_calls;           /* atomic: dispatched and not yet replied */
    unsigned executing;               /* atomic: dispatch callbacks running (server.c) */
    unsigned n_queued;                /* atomic: calls on run_head (written under lock) */
    asidl__scall *run_head, *run_tail;
    asidl__sgroup *groups;
    uint32_t next_group;
    /* Called (outside every lock, on the thread whose connection left last) when an
     * association group has no connection any more: its context handles run down. */
    void (*group_ended)(asidl__server *s, uint32_t group, void *ctx);
    void *group_ended_ctx;
};

typedef struct asidl__sctx {
    uint16_t id;
    const asidl__siface *iface;
} asidl__sctx;

/* A [callback] a manager routine waits for (asidl__scall_callback): on its thread's stack,
 * listed on the connection until the client's answer (or the end of the connection). */
typedef struct asidl__scallback {
    struct asidl__scallback *next;
    uint32_t call_id;
    pthread_cond_t answered;
    bool done;
    bool started;                     /* response fragments are arriving */
    bool faulted;
    RPC_STATUS status;
    uint8_t drep0;
    asidl__reasm reply;
} asidl__scallback;

struct asidl__sconn {
    asidl__source src;
    asidl__server *srv;
    asidl__sconn *prev, *next;        /* the server's connections */
    pthread_mutex_t lock;
    int refs;                         /* atomic (asidl__sconn_ref / _release) */
    uint32_t token;                   /* the reading token, atomic: only the epoll worker holding
                                         it reads (sconn.c, take_token) */
    uint32_t watching;                /* the events registered (edge-triggered; token holder) */
    asidl__retiree retiree;           /* the registration's reference, after teardown */
    asidl__writer writer;             /* room to send for threads that are not the handler */
    uint32_t missed;                  /* events delivered while another worker held the token
                                         (under lock) */
    bool want_write;
    bool closing;                     /* send what is queued (a fault, a nak), then close */
    bool dead;                        /* no more I/O: the handler tears it down (set under lock,
                                         atomically: the token's taker reads it without) */
    bool torn_down;
    asidl__inbuf in;
    asidl__sendq out;
    char secondary_address[128];
    asidl__protseq protseq;           /* of the listener that accepted it */
    bool peer_local;                  /* ncalrpc, or TCP from a loopback address */
    char peer[64];                    /* the client's network address ("" on ncalrpc) */
    /* Negotiated on bind / alter_context: */
    bool bound;
    bool conc_mpx;
    uint16_t frag_size;
    uint32_t group;
    asidl__sctx *ctx;
    unsigned n_ctx, cap_ctx;
    /* The one request being reassembled (Windows reassembles one at a time per connection): */
    struct {
        bool active;
        uint32_t call_id;
        uint16_t context_id, opnum;
        bool has_object;
        asidl__uuid object;
        uint8_t drep[4];
        const asidl__siface *iface;
        asidl__reasm data;
        unsigned cancel_count;
        bool orphaned;
        bool maybe;
    } incoming;
    asidl__scall *calls;              /* dispatched (taken off dispatch_head), not yet replied */
    unsigned n_calls;
    asidl__scallback *callbacks;      /* [callback]s waiting for the client's answer */
    /* Complete requests waiting for the previous call's manager routine to return: */
    asidl__scall *dispatch_head, **dispatch_tail;
    bool dispatching;                 /* one of them is with a worker */
    /* The handler's only: the first of the calls its event made, not yet queued (linked by
     * run_next; they join dispatch_head at the end of the event). */
    asidl__scall *unqueued;
    asidl__timer timer;
    bool timer_armed;
    int64_t partial_since;
};

/* sconn.c */
asidl__sconn *asidl__sconn_new(asidl__server *s, int fd, const char *secondary_address);
void asidl__sconn_ref(asidl__sconn *c);
void asidl__sconn_release(asidl__sconn *c);
/* Queues bytes (owned) for sending; the caller holds c->lock. */
void asidl__sconn_send_locked(asidl__sconn *c, uint8_t *data, size_t len);
/* Sends (or queues a copy of) a fragment sequence; its borrowed stub is free on return. */
void asidl__sconn_send_frags_locked(asidl__sconn *c, const asidl__frags *f);
/* Stops the connection from any thread: the worker that next handles it tears it down. */
void asidl__sconn_kill(asidl__sconn *c);
/* After a manager routine returned: the connection's next call in arrival order, or NULL
 * (then the connection is no longer dispatching). */
asidl__scall *asidl__sconn_next_ready(asidl__sconn *c);
/* The same, c->lock held. */
asidl__scall *asidl__sconn_next_ready_locked(asidl__sconn *c);
/* The connection's running manager routine waits (for the answer to a [callback]): its next
 * calls may run meanwhile, on other workers, as if it had returned. false if they could not be
 * handed over (out of memory): they then wait for it. */
bool asidl__sconn_hand_over(asidl__sconn *c);

/* server.c */
const asidl__siface *asidl__server_find_iface(asidl__server *s, const asidl__syntax_id *id);
/* Runs the dispatch of ready calls, honouring the executing limit. */
void asidl__server_dispatch(asidl__server *s, asidl__scall *first);
/* Called on the thread running a manager routine that is about to wait for its client (a
 * [callback]): if that routine holds its connection's turn (one manager routine at a time per
 * connection), the turn passes on now (asidl__sconn_hand_over) rather than when it returns, so
 * that calls the client makes meanwhile, the callback's own included, can run. */
void asidl__server_yield_turn(asidl__sconn *c);
/* Called with c->lock held while the reply of `call` is sent, once its manager routine has
 * returned: if this thread dispatched the call holding its connection's turn, the turn passes
 * on now (to the connection's next ready call, which this thread runs next, or to none), which
 * spares a lock round trip when the dispatch callback returns. */
void asidl__server_turn_ends_locked(asidl__sconn *c, asidl__scall *call);
bool asidl__server_group_join(asidl__server *s, uint32_t requested, uint32_t *id);
void asidl__server_group_leave(asidl__server *s, uint32_t id);
/* Whether the association group still has a connection. */
bool asidl__server_group_alive(asidl__server *s, uint32_t id);
void asidl__server_conn_gone(asidl__server *s, asidl__sconn *c);
void asidl__server_release(asidl__server *s);

/* scall.c */
/* A call of connection c whose request stub data is `stub_len` octets: copied from `stub` into
 * the call's own block, or, given `heap` (malloc'd), that buffer, which the call then owns (it
 * is freed also when no call can be made). */
asidl__scall *asidl__scall_new(asidl__sconn *c, const uint8_t *stub, size_t stub_len, uint8_t *heap);
void asidl__scall_free(asidl__scall *call);

/* =============================================================================== fault.c */

/* A fault PDU's status as the RPC status the caller sees, and back. */
RPC_STATUS asidl__fault_to_status(uint32_t wire);
uint32_t asidl__status_to_fault(RPC_STATUS status);

/* ============================================================= binding.c, cconn.c, ccall.c */

typedef struct asidl__assoc asidl__assoc;
typedef struct asidl__cconn asidl__cconn;
typedef struct asidl__ccall asidl__ccall;

#define ASIDL_BINDING_MAGIC 0x444e4942u   /* "BIND" */

/* A client binding handle (RPC_BINDING_HANDLE points to one). */
typedef struct asidl__binding {
    uint32_t magic;
    pthread_mutex_t lock;
    asidl__protseq protseq;
    char *netaddr;
    char *endpoint;
    char *options;
    asidl__uuid object;
    uint32_t call_timeout_ms;          /* RPC_C_OPT_CALL_TIMEOUT; 0: none */
    bool noncausal;                    /* RPC_C_OPT_BINDING_NONCAUSAL */
    bool dont_linger;                  /* RPC_C_OPT_DONT_LINGER */
    unsigned com_timeout;              /* RpcMgmtSetComTimeout, 0..10 */
    asidl__assoc *assoc;               /* made by the first call; shared with copies */
} asidl__binding;

/* The binding behind a handle, or NULL if it is not one. */
asidl__binding *asidl__binding_from(RPC_BINDING_HANDLE h);
/* The binding's association (created on first use), with a reference for the caller. */
RPC_STATUS asidl__binding_assoc(asidl__binding *b, asidl__assoc **out);
/* How long a connect may take, from the binding's communication timeout. */
int asidl__binding_connect_timeout_ms(const asidl__binding *b);

/* What a call takes from its binding handle when it starts. */
typedef struct asidl__call_options {
    asidl__uuid object;                /* nil: the request carries none */
    bool has_object;
    uint32_t timeout_ms;               /* RPC_C_OPT_CALL_TIMEOUT (synchronous calls) */
    bool noncausal;
} asidl__call_options;
/* asidl__binding_assoc and the call options (object, timeout, causality) under one lock round trip. */
RPC_STATUS asidl__binding_call_setup(asidl__binding *b, asidl__assoc **out, asidl__call_options *o);
/* The same when the binding has an endpoint (*bound); else nothing is taken (*out NULL), for
 * the caller to resolve the endpoint first. */
RPC_STATUS asidl__binding_call_setup_bound(asidl__binding *b, asidl__assoc **out, asidl__call_options *o,
                                           bool *bound);

/* An association: one server address + endpoint, the association group the server gave, and
 * the connections to it. */
struct asidl__assoc {
    pthread_mutex_t lock;
    int users;                          /* binding handles (and calls in progress) using it */
    int refs;                           /* one for all users, plus one per connection: the memory */
    asidl__protseq protseq;
    char *netaddr;
    char *endpoint;
    uint32_t group;
    int connect_timeout_ms;
    asidl__cconn *conns;
    unsigned n_conns;
    unsigned max_conns;
};

asidl__assoc *asidl__assoc_new(asidl__protseq p, const char *netaddr, const char *endpoint,
                               int connect_timeout_ms);
void asidl__assoc_ref(asidl__assoc *a);
/* The last user closes the connections; calls still on them fail. */
void asidl__assoc_release(asidl__assoc *a);
/* A connection that has the interface's presentation context negotiated (binding or altering
 * it as needed), with a reference for the caller; *ctx_id is the context to use. `causal`:
 * while this thread has calls outstanding on a connection of the association, use that one.
 * `reads_reply`: the caller waits for its reply at once (a synchronous call).
 * *unchecked: an idle connection the server may have closed meanwhile, not looked at because
 * the close shows later: on ncalrpc at the request's send (asidl__cconn_send_request_locked),
 * on TCP, for a caller that reads its reply, at that read (the call is the connection's
 * probe, asidl__cconn_probe_locked). *locked: the connection is returned with its lock held and
 * without a reservation (the caller puts its call in the table before it releases the lock);
 * else it is reserved, its lock not held. */
RPC_STATUS asidl__assoc_connection(asidl__assoc *a, const asidl__syntax_id *iface, bool causal, bool reads_reply,
                                   int timeout_ms, asidl__cconn **out, uint16_t *ctx_id, bool *unchecked,
                                   bool *locked);
unsigned asidl__assoc_connection_count(asidl__assoc *a);

typedef struct asidl__cctx {
    asidl__syntax_id iface;
    uint16_t id;
    int state;                          /* ASIDL_CCTX_* */
    RPC_STATUS status;                  /* why it was rejected */
    asidl__ccall *negotiation;          /* the bind / alter_context deciding it */
} asidl__cctx;

enum { ASIDL_CCTX_NEGOTIATING, ASIDL_CCTX_ACCEPTED, ASIDL_CCTX_REJECTED };

struct asidl__cconn {
    asidl__source src;
    asidl__assoc *assoc;                /* NULL once the association has let go */
    asidl__cconn *next;                 /* the association's connections */
    pthread_mutex_t lock;
    pthread_cond_t changed;             /* the reading token was released or a call completed */
    unsigned sleepers;                  /* threads in a wait on `changed` */
    int refs;
    bool reading;                       /* the reading token (docs/runtime-design.md) */
    bool watched;                       /* registered in the epoll set */
    bool armed;                         /* armed there: an event (and a reference) is due */
    uint32_t armed_mask;                /* what the armed registration waits for */
    asidl__writer writer;               /* room to send while `armed` lacks EPOLLOUT */
    bool want_write;
    bool dead;
    bool torn_down;
    bool server_shutdown;               /* the server asked for no new calls (shutdown PDU) */
    bool bind_sent;
    RPC_STATUS dead_status;
    uint16_t frag_size;
    uint16_t frag_proposed;             /* what its bind asks for: the transport's most */
    uint32_t group;                     /* the association group of the bind_ack */
    asidl__inbuf in;
    asidl__sendq out;
    asidl__cctx *ctx;
    unsigned n_ctx, cap_ctx;
    asidl__ccall **table;               /* outstanding calls by call_id (chained hash) */
    unsigned table_size, n_calls;
    unsigned n_async;                   /* outstanding calls nobody waits for synchronously */
    unsigned reserved;                  /* picked for a call not yet in the table: not idle */
    unsigned sync_waiters;
    uint32_t next_call_id;
    asidl__ccall *spare;                /* a released call kept for the next one (ccall.c) */
    /* TCP: a synchronous call sent without a look on a connection that had been idle (cconn.c,
     * "a connection the server closed while idle"): */
    uint64_t acked_at_connect;          /* tcpi_bytes_acked once connected; 0: unknown, look */
    asidl__ccall *probe;                /* that call, until something comes back */
    uint64_t probe_acked_before;        /* acknowledged octets before its request */
    uint64_t probe_end;                 /* octets handed to the socket up to its request's end */
};

void asidl__cconn_release(asidl__cconn *c);
/* Gives back the reservation asidl__assoc_connection made for a call that is not started. */
void asidl__cconn_unreserve(asidl__cconn *c);

/* Called once, on the thread that completes the call (its own caller, or whichever thread
 * read the reply), outside every lock. */
typedef void asidl__ccall_done_fn(asidl__ccall *call, void *ctx);

enum { ASIDL_CCALL_REQUEST, ASIDL_CCALL_NEGOTIATE };

struct asidl__ccall {
    asidl__cconn *conn;
    asidl__ccall *hash_next;
    int refs;
    int kind;
    uint32_t call_id;
    uint16_t context_id;
    unsigned ctx_index;                 /* NEGOTIATE: the context it decides */
    bool in_table;
    bool table_ref;                     /* the table holds a reference (a call nobody waits for) */
    bool done;
    bool sent;                          /* the request was queued: failures are not DNE */
    RPC_STATUS status;
    bool did_not_execute;
    bool faulted;                       /* completed by a fault PDU (not a transport failure) */
    uint8_t drep0;                      /* the response's data representation (drep[0]) */
    asidl__reasm response;
    bool response_started;
    /* A one-fragment reply that its waiting caller read itself is left in the reading block,
     * lent to the call until its release, when the caller asked for that (reply_in_place:
     * asidl__ccall_call); any other is gathered in `response`. */
    bool reply_in_place;
    uint8_t *lent;
    const uint8_t *in_place;
    size_t in_place_len;
    uint32_t timeout_ms;
    int64_t deadline;                   /* reset by every packet of the call; 0: none */
    asidl__ccall_done_fn *done_fn;
    void *done_ctx;
    asidl__ccall *done_next;            /* completed, waiting for done_fn to run */
    bool maybe;                         /* [maybe]: sent with PFC_MAYBE, complete once queued */
    /* [callback] requests the server makes while the call is pending (callback.c runs them): */
    const struct asidl_interface *callbacks;   /* whose callback routines; NULL: none */
    asidl__reasm cb_request;            /* the stub data of the one arriving, fragment by fragment */
    bool cb_started;                    /* its first fragment came, the last not yet */
    bool cb_maybe;                      /* it is a [maybe] callback: nothing is sent back */
    uint16_t cb_opnum;
    uint8_t cb_drep0;
    struct asidl__cbreq *cb_queue, *cb_queue_tail;   /* complete ones, to run in arrival order */
    bool cb_running;                    /* a worker runs the queue (asynchronous calls) */
};

/* A complete [callback] request waiting to run. */
typedef struct asidl__cbreq {
    struct asidl__cbreq *next;
    uint16_t opnum;
    uint8_t drep0;
    bool maybe;
    uint8_t *stub;
    size_t stub_len;
} asidl__cbreq;

/* What a request is made of (asidl__ccall_start_ex). */
typedef struct asidl__request {
    const asidl__syntax_id *iface;
    uint16_t opnum;
    const asidl__uuid *object;          /* NULL: the request carries none */
    const void *stub;
    size_t stub_len;
    uint32_t timeout_ms;                /* RPC_C_OPT_CALL_TIMEOUT (synchronous calls); 0: none */
    bool noncausal;
    bool maybe;                         /* [maybe]: PFC_MAYBE; the call completes once queued */
    const struct asidl_interface *callbacks;   /* [callback] routines the server may run here */
} asidl__request;

/* Starts a request: negotiates the interface on one of the association's connections,
 * fragments and queues the stub bytes (copied: the caller's buffer is free on return). With
 * done_fn the call completes asynchronously; without, finish it with asidl__ccall_wait.
 * On failure nothing was sent and done_fn will never run. */
RPC_STATUS asidl__ccall_start(asidl__assoc *a, const asidl__syntax_id *iface, uint16_t opnum,
                              const asidl__uuid *object, const void *stub, size_t stub_len,
                              uint32_t timeout_ms, bool noncausal, asidl__ccall_done_fn *done_fn,
                              void *done_ctx, asidl__ccall **out);
/* asidl__ccall_start with everything a request may carry. A [maybe] request completes with
 * RPC_S_OK as soon as it is queued: nothing comes back for it. */
RPC_STATUS asidl__ccall_start_ex(asidl__assoc *a, const asidl__request *req, asidl__ccall_done_fn *done_fn,
                                 void *done_ctx, asidl__ccall **out);
/* Waits for the call, reading the connection itself when nobody else does. A call started
 * without done_fn is waited for (or cancelled abortively) before it is released: the
 * connection's table holds no reference of its own to such a call. */
RPC_STATUS asidl__ccall_wait(asidl__ccall *call);
/* A synchronous call: asidl__ccall_start_ex without done_fn, then the wait, with the request's
 * send and the start of the wait under one hold of the connection's lock. The response
 * bytes are lent: they are the call's until its release (*out, set whenever the call
 * started: release it also on failure). */
RPC_STATUS asidl__ccall_call(asidl__assoc *a, const asidl__request *req, asidl__ccall **out,
                             const uint8_t **reply, size_t *len);
/* The outcome of a completed call; the response bytes (malloc'd, may be NULL when empty) go
 * to the caller. */
RPC_STATUS asidl__ccall_result(asidl__ccall *call, uint8_t **response, size_t *len);
/* abortive: completes the call now with RPC_S_CALL_CANCELLED and tells the server it was
 * abandoned (orphaned); otherwise sends co_cancel and the call goes on. */
RPC_STATUS asidl__ccall_cancel(asidl__ccall *call, bool abortive);
void asidl__ccall_release(asidl__ccall *call);

/* The synchronous round trip: one call, its response bytes or its failure. */
RPC_STATUS asidl__client_call(asidl__binding *b, const asidl__syntax_id *iface, uint16_t opnum,
                              const void *stub, size_t stub_len, uint8_t **response, size_t *len);

/* cconn.c internals used by ccall.c */
/* Puts the call in the connection's table (c->lock held) and returns its call_id. */
uint32_t asidl__cconn_add_call(asidl__cconn *c, asidl__ccall *call);
/* Queues PDUs (owned) for sending and sends what the socket takes now. */
void asidl__cconn_queue(asidl__cconn *c, uint8_t *data, size_t len);
/* A request's first send (c->lock held): sent now, or a copy of what the socket does not take
 * queued (calls a failure completes go to *finished, for asidl__cconn_run_finished); with `unchecked`
 * (asidl__assoc_connection), false when the socket refused it whole because the server had
 * closed the connection: nothing failed yet, and the caller takes its call back, discards the
 * connection (asidl__cconn_discard) and sends the request on another. */
bool asidl__cconn_send_request_locked(asidl__cconn *c, const asidl__frags *f, bool unchecked,
                                      asidl__ccall **finished);
/* Makes a synchronous call whose request (`request_len` octets) has just gone, unlooked, on a
 * TCP connection that had been idle the connection's probe (c->lock held): should the reply
 * read find the connection closed and the request refused unread (tcp_delivery.c), the call
 * completes with ASIDL_CCALL_RESEND instead of failing, and its caller sends the request on
 * another connection. Nothing happens on a transport where the close shows at the send (no
 * acknowledged count: ncalrpc) or for a call the send already failed. */
void asidl__cconn_probe_locked(asidl__cconn *c, asidl__ccall *call, size_t request_len);
/* The internal outcome of a call whose request never reached the server: send it again. */
#define ASIDL_CCALL_RESEND ((RPC_STATUS)-1)
/* Fails the connection's calls and closes it. */
void asidl__cconn_discard(asidl__cconn *c);
void asidl__cconn_run_finished(asidl__ccall *finished);
/* Waits for the call to complete, reading the connection when nobody else is. */
RPC_STATUS asidl__cconn_wait(asidl__cconn *c, asidl__ccall *call);
/* The same, called with c->lock held (released on return). */
RPC_STATUS asidl__cconn_wait_locked(asidl__cconn *c, asidl__ccall *call);
/* Completes the call with `status` unless it already completed (the first outcome wins). */
void asidl__cconn_complete(asidl__cconn *c, asidl__ccall *call, RPC_STATUS status, uint8_t orphan_ptype);
/* Makes sure someone reads the connection for its asynchronous calls. */
void asidl__cconn_watch_async(asidl__cconn *c);
/* Sends the answer to the [callback] the call's server asked for (a response with `reply`, or
 * a fault with `status`; nothing for a [maybe] one) and lets the call wait on. */
void asidl__ccall_callback_answer(asidl__ccall *call, bool maybe, RPC_STATUS status, bool did_not_execute,
                                  const void *reply, size_t reply_len);
void asidl__ccall_ref(asidl__ccall *call);
/* A call object for the connection (a recycled one when it has one), one reference, fields
 * zero; it takes over a reference to c the caller holds. */
asidl__ccall *asidl__ccall_new(asidl__cconn *c, int kind);
/* Frees a call nobody holds (a recycled one the connection kept). */
void asidl__ccall_destroy(asidl__ccall *call);
/* The response size a client accepts (a hostile server cannot exhaust it). */
#define ASIDL_MAX_RESPONSE (64u * 1024u * 1024u)


/* ======================================================================================
 * The stub-level runtime: what generated stubs call (asidl_stub.h) and the public server API
 * on top of the protocol engine above. docs/rpc.md describes it for applications.
 * ====================================================================================== */

struct asidl_interface;
struct asidl_ndr_proc;
struct asidl_ndr_call;
struct asidl_ndr_context_handle;
struct asidl_ndr_context_wire;

/* ndr_proc.c: the parameters' part of a procedure's frame, without the room the server's
 * unmarshalling keeps for small [out] referents: what a client's copy of its arguments needs. */
size_t asidl__ndr_frame_slots_size(const struct asidl_ndr_proc *proc);

/* The interface object behind an RPC_IF_HANDLE, or NULL if it is not one (magic, ABI). */
const struct asidl_interface *asidl__interface_from(RPC_IF_HANDLE h);
void asidl__interface_syntax(const struct asidl_interface *itf, asidl__syntax_id *out);

/* ========================================================================= manager_ffi.c */

/* How to call one procedure's manager routine through libffi: built once per procedure from
 * its descriptor (the parameters' C types; structures passed by value from their type
 * descriptors) and kept with the interface's registration. */
typedef struct asidl__ffi_proc asidl__ffi_proc;

/* RPC_S_OK; RPC_S_INTERNAL_ERROR when the descriptor cannot describe a C call (why says what). */
RPC_STATUS asidl__ffi_proc_new(const struct asidl_ndr_proc *proc, asidl__ffi_proc **out, const char **why);
void asidl__ffi_proc_free(asidl__ffi_proc *p);
/* Calls fn with the frame's parameters and stores its return value in the frame's return
 * slot. An [async] procedure's manager gets its PRPC_ASYNC_STATE first: args[-1] must hold the
 * address of that pointer (the dispatcher keeps a slot before the frame for it). A manager
 * that raises an exception leaves through here; nothing is leaked. */
void asidl__ffi_proc_call(const asidl__ffi_proc *p, void (*fn)(void), void **args);

/* ========================================================================== rpc_server.c */

/* One interface registered with RpcServerRegisterIf*: kept (inactive) after it is
 * unregistered, so that calls and context handles still holding it stay valid. */
typedef struct asidl__mgr {
    struct asidl__mgr *next;
    asidl__uuid type;                  /* manager type (nil: the default manager) */
    const void *epv;                   /* manager routines in opnum order */
} asidl__mgr;

/* What dispatching a call of one procedure takes (dispatch.c), worked out at registration. */
typedef struct asidl__proc_plan {
    size_t head;                       /* the asidl__dcall and the frame's pointers, aligned */
    size_t frame;                      /* the argument frame, aligned */
    uint64_t local_params;             /* bit i: parameter i is a slot that does not travel
                                          (handle_t, [comm_status] ...); bit 63 also stands
                                          for every parameter from 63 on */
} asidl__proc_plan;

typedef struct asidl__rif {
    struct asidl__rif *next;
    const struct asidl_interface *itf;
    asidl__syntax_id id;
    asidl__ffi_proc **procs;           /* one per opnum (NULL where the interface has none, or
                                          where the stub gives an invoker instead) */
    asidl__proc_plan *plans;           /* one per opnum */
    /* Guarded by the server lock: */
    asidl__mgr *mgrs;
    bool registered;                   /* between RpcServerRegisterIf* and RpcServerUnregisterIf */
    bool in_engine;                    /* dispatching: registered and (listening or AUTOLISTEN) */
    unsigned flags;                    /* RPC_IF_* */
    unsigned max_calls;                /* calls executing at once (RPC_C_LISTEN_MAX_CALLS_DEFAULT: none) */
    unsigned max_rpc_size;             /* request stub bytes (0: the server's limit) */
    RPC_IF_CALLBACK_FN *callback;
    unsigned calls;                    /* atomic: calls admitted and not yet completed */
    /* While the interface takes calls and has no MaxCalls limit: what a call without an object
     * is admitted with, read without the server lock (rpc_server.c, "admitting calls"). */
    struct asidl__admission_record *published;
    struct asidl__admission_record *retired;   /* earlier ones, freed with the interface */
} asidl__rif;

/* The process's server (created on first use), and the engine behind it. */
asidl__server *asidl__rpc_server(void);
/* What a call of an interface is admitted with: a snapshot of its registration. */
typedef struct asidl__admission {
    const void *epv;                   /* the manager for the call's object */
    unsigned flags;
    unsigned max_rpc_size;
    RPC_IF_CALLBACK_FN *callback;
} asidl__admission;

/* Admits a call of the interface: picks the manager for the object (RpcObjectSetType) and
 * counts the call against MaxCalls. RPC_S_OK, or the status to fault with (RPC_S_UNKNOWN_IF,
 * RPC_S_UNSUPPORTED_TYPE, RPC_S_SERVER_TOO_BUSY). An admitted call ends with asidl__rif_release. */
RPC_STATUS asidl__rif_admit(asidl__rif *rif, const asidl__uuid *object, asidl__admission *out);
void asidl__rif_release(asidl__rif *rif);
/* Test support: stops listening, unregisters everything, frees the server (nothing running). */
void asidl__rpc_server_reset(void);

/* ============================================================================ dispatch.c */

#define ASIDL_SBINDING_MAGIC 0x444e4253u   /* "SBND" */

typedef struct asidl__dcall asidl__dcall;

/* The binding handle a manager routine receives (handle_t parameters, RpcServerTestCancel,
 * RpcBindingInqObject, RpcBindingServerFromClient): the call it came with. */
typedef struct asidl__sbinding {
    uint32_t magic;
    asidl__dcall *call;
} asidl__sbinding;

/* A call from the moment its request is complete until it is answered: the engine's call, the
 * procedure, the argument frame, the context handles it uses. It outlives the manager routine
 * when the procedure is [async] (issue 5): the frame then stays until the call completes. */
struct asidl__dcall {
    asidl__scall *scall;
    asidl__rif *rif;
    const struct asidl_ndr_proc *proc;
    const asidl__ffi_proc *fproc;      /* how to call the manager through libffi, or */
    void (*invoker)(const void *epv, PRPC_ASYNC_STATE async, void **args);   /* the stub's own caller */
    const void *epv;
    void (*manager)(void);
    const uint8_t *request;            /* the stub bytes ([in] arrays may point into them), in
                                          the kept memory of scall (asidl__scall_keep) */
    size_t request_len;
    size_t block_cap;                  /* the size of the call's block (spare.c) */
    void **args;                       /* the frame: args[i] is parameter i's slot */
    asidl__sbinding binding;
    struct asidl__sctx_use *contexts;  /* context handles unmarshalled or created (context_server.c) */
    unsigned n_contexts, cap_contexts;
    asidl__dcall *wait_next;           /* queued behind a serialized context handle */
    PRPC_ASYNC_STATE async_state;      /* the server-side handle of an [async] call (in the block) */
    unsigned long status_slot;         /* storage for [comm_status]/[fault_status] on this side */
    int refs;                          /* an [async] call: the manager's run and the completion */
    int claimed;                       /* the call's one completion has begun (atomic) */
    struct asidl__subscriptions *subs; /* RpcServerSubscribeForNotification (async_server.c) */
    struct asidl_ndr_call *ndr;        /* the NDR state that unmarshalled the request, while a
                                          synchronous call runs straight from asidl__dispatch
                                          (its reply reuses it); NULL otherwise */
};

/* The engine's dispatch callback for every interface registered through the public API. */
void asidl__dispatch(asidl__scall *call, void *ctx);
void asidl__proc_plan_make(const struct asidl_ndr_proc *proc, asidl__proc_plan *out);
/* Marshals the [out] parameters and return value from the frame, replies, and frees the call
 * (any thread, once). RPC_S_CALL_FAILED when the client has gone (nothing sent). */
RPC_STATUS asidl__dcall_complete(asidl__dcall *d);
/* Faults the call with `code` (an RPC status or an application exception code), marshals
 * nothing, and frees the call. */
RPC_STATUS asidl__dcall_abort(asidl__dcall *d, RPC_STATUS code);
/* Claims the call's one completion: true for the first caller only (the manager's
 * RpcAsyncCompleteCall / RpcAsyncAbortCall, or the dispatcher after an exception). */
bool asidl__dcall_claim(asidl__dcall *d);
/* Runs the manager of a call whose context handles are now all its own (context_server.c). */
void asidl__dcall_run(asidl__dcall *d);
void asidl__dcall_ref(asidl__dcall *d);
/* Drops a reference; the last frees the call's memory (the reply was sent before). */
void asidl__dcall_put(asidl__dcall *d);
/* The call whose manager routine runs on this thread, or NULL. */
asidl__dcall *asidl__dcall_current(void);
asidl__sbinding *asidl__sbinding_from(RPC_BINDING_HANDLE h);
/* sbinding.c: what binding.c's functions do with a server binding handle. */
RPC_STATUS asidl__sbinding_inq_object(asidl__sbinding *b, UUID *object);
RPC_STATUS asidl__sbinding_to_string(asidl__sbinding *b, char **out);

/* ====================================================================== context_server.c */

/* Context handles on the server: a table per process keyed by UUID, each handle belonging to
 * the association group (the client's association) that it was created on. When the group
 * ends, the handles still open run down (their type's rundown routine), once no call uses
 * them. Calls on a serialized handle run one at a time, in arrival order, without holding a
 * thread while they wait. */
extern const struct asidl_ndr_hooks asidl__server_context_hooks;   /* hook_ctx: the asidl__dcall */

/* Calls once before dispatching: takes every serialized handle the call uses; false if the
 * call had to wait (it is run with asidl__dcall_run when its turn comes). */
bool asidl__sctx_acquire(asidl__dcall *d);
/* After the reply was marshalled (success true) or abandoned: commits or undoes handles the
 * call created or closed, lets waiting calls run, runs down handles whose group has ended. */
void asidl__sctx_finish(asidl__dcall *d, bool success);
/* The engine's group_ended callback. */
void asidl__sctx_group_ended(asidl__server *s, uint32_t group, void *ctx);
/* Runs down every handle created by one interface (RpcServerUnregisterIfEx). */
void asidl__sctx_rundown_interface(const asidl__rif *rif);
unsigned asidl__sctx_count(void);

/* ====================================================================== context_client.c */

#define ASIDL_CCONTEXT_MAGIC 0x48584343u   /* "CCXH" */

/* The client's record of a context handle (what an NDR_CCONTEXT points to): its wire form
 * and the binding (sharing the association) calls on it use. */
typedef struct asidl__cctxh {
    uint32_t magic;
    uint32_t attributes;
    asidl__uuid uuid;
    RPC_BINDING_HANDLE binding;
} asidl__cctxh;

/* What the client hooks need for one call: the binding new handles are tied to, and the
 * changes to undo if the reply turns out bad. */
typedef struct asidl__cctx_call {
    RPC_BINDING_HANDLE binding;
    struct asidl__cctx_change *changes;
    unsigned n_changes, cap_changes;
    bool failed;                       /* out of memory while recording */
} asidl__cctx_call;

extern const struct asidl_ndr_hooks asidl__client_context_hooks;   /* hook_ctx: asidl__cctx_call */
asidl__cctxh *asidl__cctxh_from(const void *ndr_ccontext);
/* After the reply was unmarshalled: frees replaced and closed records (success) or puts the
 * caller's handles back and frees new ones (failure). */
void asidl__cctx_call_finish(asidl__cctx_call *cc, bool success);

/* =========================================================================== client_call.c */

/* The status stubs report for a binding problem before anything is sent, from the binding
 * rules of the procedure (explicit, implicit, auto, context, generic). */
RPC_STATUS asidl__client_binding(const struct asidl_interface *itf, const struct asidl_ndr_proc *proc,
                                 void **args, RPC_BINDING_HANDLE *out, bool *unbind);
/* What a stub hands the runtime is a registered-format interface and procedure descriptor:
 * RPC_S_OK, RPC_S_INVALID_ARG, or RPC_X_WRONG_STUB_VERSION for another descriptor format. */
RPC_STATUS asidl__client_check_stub(const struct asidl_interface *itf, const struct asidl_ndr_proc *proc,
                                    void **args);
/* The binding's association (*a, the caller's to release; NULL on failure) and call options
 * for a call of `itf`, in one lock round trip when the binding has an endpoint; one without
 * gets it first (RpcEpResolveBinding), and *unresolved says when that failed. */
RPC_STATUS asidl__client_call_setup(asidl__binding *b, const struct asidl_interface *itf, asidl__assoc **a,
                                    asidl__call_options *o, bool *unresolved);

/* Where a failed call's status came from: it decides which status parameter takes it. */
typedef enum asidl__failure_kind {
    ASIDL_FAIL_NONE,
    ASIDL_FAIL_LOCAL,          /* the stub's own error: always raised */
    ASIDL_FAIL_COMM,           /* could not talk to the server */
    ASIDL_FAIL_FAULT,          /* the server answered with a fault */
} asidl__failure_kind;
/* Writes the status to the [comm_status] / [fault_status] parameter that takes it; false when
 * the procedure has none for this kind of failure (the status is then raised or reported). */
bool asidl__client_deliver_status(const struct asidl_ndr_proc *proc, void **args, RPC_STATUS st,
                                  asidl__failure_kind kind);
/* asidl_client_call returning the status instead of raising it (the runtime's own calls). */
RPC_STATUS asidl__client_call_status(const struct asidl_interface *itf, const struct asidl_ndr_proc *proc,
                                     void **args);

/* ============================================================================== callback.c */

/* Client side: runs the [callback] the call's server asked for (routine `opnum` of the call's
 * interface) from its request stub data (consumed), and answers it. Runs on the thread that
 * made a synchronous call, or on a worker for an asynchronous one. */
void asidl__ccall_serve_callback(asidl__ccall *call, uint16_t opnum, uint8_t drep0, bool maybe, uint8_t *request,
                                 size_t request_len);

/* ============================================================ ep_tower.c, ep_client.c, ep_mapper.c */

/* Protocol identifiers of tower floors (C706 appendix I, [MS-RPCE] 2.2.1.1). */
enum {
    ASIDL_EPM_PROT_TCP = 0x07,
    ASIDL_EPM_PROT_UDP = 0x08,
    ASIDL_EPM_PROT_IP = 0x09,
    ASIDL_EPM_PROT_RPC_CL = 0x0a,
    ASIDL_EPM_PROT_RPC_CO = 0x0b,
    ASIDL_EPM_PROT_UUID = 0x0d,
    ASIDL_EPM_PROT_NAMED_PIPE = 0x0f,
    ASIDL_EPM_PROT_LRPC = 0x10,
    ASIDL_EPM_PROT_NETBIOS = 0x11,
    ASIDL_EPM_PROT_HTTP = 0x1f,
};

/* The endpoint mapper's status values on the wire (DCE error_status_t). */
#define ASIDL_EPT_S_NOT_REGISTERED 0x16c9a0d6u
#define ASIDL_EPT_S_INVALID_ENTRY 0x16c9a0d7u
#define ASIDL_EPT_S_CANT_PERFORM_OP 0x16c9a0d8u
#define ASIDL_EPT_S_CANT_CREATE 0x16c9a0d1u

/* A protocol tower, decoded: what an endpoint-map entry describes. */
typedef struct asidl__tower {
    asidl__syntax_id iface;
    asidl__syntax_id transfer;
    uint8_t rpc_protocol;              /* ASIDL_EPM_PROT_RPC_CO */
    uint16_t rpc_minor;
    uint8_t transport;                 /* ASIDL_EPM_PROT_TCP, ASIDL_EPM_PROT_LRPC, ... */
    char endpoint[128];                /* decimal port, or the ncalrpc name; "" if none */
    bool has_host;
    uint8_t ipv4[4];
} asidl__tower;

/* Encodes a tower (appended to b): 5 floors for TCP (interface, transfer syntax, RPC
 * connection-oriented, port, IPv4 address), 4 for ncalrpc (the name). */
void asidl__tower_encode(asidl__buf *b, const asidl__tower *t);
/* Decodes one; RPC_S_OK, or EPT_S_INVALID_ENTRY for bytes that are not a tower asidl knows. */
RPC_STATUS asidl__tower_decode(const uint8_t *p, size_t len, asidl__tower *out);
asidl__protseq asidl__tower_protseq(const asidl__tower *t);

/* The mapper's TCP port for clients and servers of this process: $ASIDL_EPMAP_PORT, else 135. */
const char *asidl__epmap_port(void);

/* ep_interface.c: the endpoint mapper interface, e1af8308-5d1f-11c9-91a4-08002b14a0fa v3.0
 * ([MS-RPCE] 3.1.1.1 / C706 ept.idl), described for the NDR engine as asidl's generator
 * describes any interface. The C types of its parameters: */
typedef struct asidl__twr {                   /* twr_t */
    uint32_t tower_length;
    uint8_t tower_octet_string[];             /* [size_is(tower_length)] */
} asidl__twr;

typedef struct asidl__ept_entry {             /* ept_entry_t */
    GUID object;
    asidl__twr *tower;                        /* [ptr] twr_p_t */
    char annotation[64];                      /* [string] */
} asidl__ept_entry;

typedef struct asidl__rpc_if_id {             /* rpc_if_id_t */
    GUID uuid;
    uint16_t vers_major;
    uint16_t vers_minor;
} asidl__rpc_if_id;

enum {
    ASIDL_EPT_INSERT = 0,
    ASIDL_EPT_DELETE = 1,
    ASIDL_EPT_LOOKUP = 2,
    ASIDL_EPT_MAP = 3,
    ASIDL_EPT_LOOKUP_HANDLE_FREE = 4,
    ASIDL_EPT_INQ_OBJECT = 5,
    ASIDL_EPT_MGMT_DELETE = 6,
    ASIDL_EPT_N_PROCS = 7,
};
#define ASIDL_EPT_MAX_ENTS 500                /* [range(0, 500)] on max_ents / max_towers */

extern const struct asidl_ndr_proc *const asidl__ept_procs[ASIDL_EPT_N_PROCS];
extern const struct asidl_interface asidl__ept_client_ifspec;

/* ep_mapper.c: the server, in this process (asidl_epm_serve, asidl-epmd). */
/* The mapper drops the entries an association registered when that association ends. */
void asidl__epm_group_ended(uint32_t group);
/* The rundown routine of ept_lookup_handle_t (a lookup cursor). */
void asidl__epm_cursor_rundown(void *handle);
unsigned asidl__epm_entry_count(void);

/* Asks the mapper at netaddr for the interface's endpoint on the binding's protocol sequence. */
RPC_STATUS asidl__ep_map(asidl__protseq p, const char *netaddr, const asidl__syntax_id *iface,
                         const asidl__uuid *object, char *endpoint, size_t endpoint_size);

/* =========================================== async_handle.c, async_notify.c, async_client.c,
 *                                                                              async_server.c */

/* RPC_ASYNC_STATE.Signature once RpcAsyncInitializeHandle has run ("ASYC"). */
#define ASIDL_ASYNC_SIGNATURE 0x43595341ul

/* What RPC_ASYNC_STATE.Lock (reserved for the runtime) says about a handle. RuntimeInfo is
 * trusted only in the two "in progress" states. */
enum {
    ASIDL_ASYNC_READY = 0,      /* initialised, no call started with it yet */
    ASIDL_ASYNC_CLIENT = 1,     /* a client call in progress: RuntimeInfo is its asidl__acall */
    ASIDL_ASYNC_SERVER = 2,     /* a server call in progress: RuntimeInfo is its asidl__dcall */
    ASIDL_ASYNC_SPENT = 3,      /* completed: initialise it again before the next call */
};

/* async_handle.c: the handle's state (ASIDL_ASYNC_*), or -1 when RpcAsyncInitializeHandle did
 * not make it (a wrong Size or Signature). */
long asidl__async_state(PRPC_ASYNC_STATE pAsync);

/* async_notify.c: where one notification goes, captured when it is asked for (the call starts,
 * or the server subscribes), so that the thread of an APC is held by reference. */
struct asidl__thread;
typedef struct asidl__notice {
    RPC_NOTIFICATION_TYPES type;
    RPC_ASYNC_NOTIFICATION_INFO u;
    struct asidl__thread *apc_thread;
} asidl__notice;

/* RPC_S_OK, or RPC_S_INVALID_ARG for an unknown type or an APC thread that does not exist. */
RPC_STATUS asidl__notice_capture(asidl__notice *n, RPC_NOTIFICATION_TYPES type,
                                 const RPC_ASYNC_NOTIFICATION_INFO *u);
/* Delivers it: signals the event, posts the packet or the message, queues the APC, or calls
 * the routine on this thread (with pAsync, NULL, event). No lock may be held for Callback. */
void asidl__notice_deliver(const asidl__notice *n, PRPC_ASYNC_STATE pAsync, RPC_ASYNC_EVENT event);
void asidl__notice_release(asidl__notice *n);

/* async_client.c: the client side of RpcAsync* for a handle in the CLIENT state. */
RPC_STATUS asidl__acall_status(PRPC_ASYNC_STATE pAsync);
RPC_STATUS asidl__acall_complete(PRPC_ASYNC_STATE pAsync, void *reply);
RPC_STATUS asidl__acall_cancel(PRPC_ASYNC_STATE pAsync, bool abortive);
RPC_BINDING_HANDLE asidl__acall_binding(PRPC_ASYNC_STATE pAsync);

/* async_server.c: the server side, for a handle in the SERVER state. */
RPC_STATUS asidl__sasync_complete(PRPC_ASYNC_STATE pAsync, void *reply);
RPC_STATUS asidl__sasync_abort(PRPC_ASYNC_STATE pAsync, unsigned long code);
/* Frees a call's subscriptions (its memory is going). */
void asidl__sasync_free_subscriptions(asidl__dcall *d);

#endif /* ASIDL_RPCRT_H */
