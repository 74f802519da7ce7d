/*
 * ep_interface.c: the endpoint mapper interface (ept, e1af8308-5d1f-11c9-91a4-08002b14a0fa
 * v3.0) as NDR descriptors, written the way asidl's generator writes them, shared by the
 * mapper (ep_mapper.c) and its clients (ep_client.c). The procedures, in opnum order:
 *
 *   void ept_insert([in] handle_t h, [in] unsigned32 num_ents,
 *                   [in, size_is(num_ents)] ept_entry_t entries[], [in] boolean32 replace,
 *                   [out] error_status_t *status);
 *   void ept_delete([in] handle_t h, [in] unsigned32 num_ents,
 *                   [in, size_is(num_ents)] ept_entry_t entries[], [out] error_status_t *status);
 *   void ept_lookup([in] handle_t h, [in] unsigned32 inquiry_type, [in, ptr] uuid_p_t object,
 *                   [in, ptr] rpc_if_id_p_t interface_id, [in] unsigned32 vers_option,
 *                   [in, out] ept_lookup_handle_t *entry_handle, [in, range(0,500)] unsigned32 max_ents,
 *                   [out] unsigned32 *num_ents,
 *                   [out, length_is(*num_ents), size_is(max_ents)] ept_entry_t entries[],
 *                   [out] error_status_t *status);
 *   void ept_map([in] handle_t h, [in, ptr] uuid_p_t object, [in, ptr] twr_p_t map_tower,
 *                [in, out] ept_lookup_handle_t *entry_handle, [in, range(0,500)] unsigned32 max_towers,
 *                [out] unsigned32 *num_towers,
 *                [out, length_is(*num_towers), size_is(max_towers)] twr_p_t towers[],
 *                [out] error_status_t *status);
 *   void ept_lookup_handle_free([in] handle_t h, [in, out] ept_lookup_handle_t *entry_handle,
 *                               [out] error_status_t *status);
 *   void ept_inq_object([in] handle_t h, [out] uuid_t *ept_object, [out] error_status_t *status);
 *   void ept_mgmt_delete([in] handle_t h, [in] boolean32 object_speced, [in, ptr] uuid_p_t object,
 *                        [in, ptr] twr_p_t tower, [out] error_status_t *status);
 *
 *   typedef struct { unsigned32 tower_length; [size_is(tower_length)] byte tower_octet_string[]; } twr_t;
 *   typedef [ptr] twr_t *twr_p_t;
 *   typedef struct { uuid_t object; twr_p_t tower; [string] char annotation[64]; } ept_entry_t;
 *   typedef [context_handle] void *ept_lookup_handle_t;
 */
#include <stddef.h>

#include "rpcrt.h"
#include "asidl_stub.h"
#include "rpcndr.h"

#define PTR(kind) ASIDL_NDR_HDR(POINTER, 4, ASIDL_NDR_F_COMPLEX | ASIDL_NDR_PTR_##kind, sizeof(void *))
#define P_IN ASIDL_NDR_PARAM_IN
#define P_OUT ASIDL_NDR_PARAM_OUT
#define END { ASIDL_NDR_OP_END, 0, 0 }

/* ---- uuid_t: struct { unsigned32; unsigned16; unsigned16; byte[8]; } ---- */
static const asidl_ndr_dim eight[] = { { .count = 8 } };
static const asidl_ndr_array guid_data4 = {
    ASIDL_NDR_HDR(ARRAY, 1, 0, 8), &asidl_ndr_t_byte.hdr, 1, eight,
};
static const asidl_ndr_field guid_fields[] = {
    { offsetof(GUID, Data1), &asidl_ndr_t_uint32.hdr },    /* Data1 */
    { offsetof(GUID, Data2), &asidl_ndr_t_ushort.hdr },    /* Data2 */
    { offsetof(GUID, Data3), &asidl_ndr_t_ushort.hdr },    /* Data3 */
    { offsetof(GUID, Data4), &guid_data4.hdr },            /* Data4 */
};
static const asidl_ndr_struct guid_desc = { ASIDL_NDR_HDR(STRUCT, 4, 0, sizeof(GUID)), 4, guid_fields };
static const asidl_ndr_pointer guid_full = { PTR(FULL), &guid_desc.hdr };   /* [ptr] uuid_p_t */
static const asidl_ndr_pointer guid_ref = { PTR(REF), &guid_desc.hdr };     /* [out] uuid_t * */

/* ---- rpc_if_id_t ---- */
static const asidl_ndr_field if_id_fields[] = {
    { offsetof(asidl__rpc_if_id, uuid), &guid_desc.hdr },                 /* uuid */
    { offsetof(asidl__rpc_if_id, vers_major), &asidl_ndr_t_ushort.hdr },  /* vers_major */
    { offsetof(asidl__rpc_if_id, vers_minor), &asidl_ndr_t_ushort.hdr },  /* vers_minor */
};
static const asidl_ndr_struct if_id_desc = {
    ASIDL_NDR_HDR(STRUCT, 4, 0, sizeof(asidl__rpc_if_id)), 3, if_id_fields,
};
static const asidl_ndr_pointer if_id_full = { PTR(FULL), &if_id_desc.hdr };

/* ---- twr_t, twr_p_t ---- */
static const asidl_ndr_op twr_length[] = {
    { ASIDL_NDR_OP_FIELD, ASIDL_NDR_C_OF(uint32_t), offsetof(asidl__twr, tower_length) },  /* tower_length */
    END,
};
static const asidl_ndr_dim twr_dims[] = { { .size_is = twr_length } };
static const asidl_ndr_array twr_octets = {
    ASIDL_NDR_HDR(ARRAY, 1, ASIDL_NDR_F_CONFORMANT, 0), &asidl_ndr_t_byte.hdr, 1, twr_dims,
};
static const asidl_ndr_field twr_fields[] = {
    { offsetof(asidl__twr, tower_length), &asidl_ndr_t_uint32.hdr },     /* tower_length */
    { offsetof(asidl__twr, tower_octet_string), &twr_octets.hdr },       /* tower_octet_string */
};
static const asidl_ndr_struct twr_desc = {
    ASIDL_NDR_HDR(STRUCT, 4, ASIDL_NDR_F_CONFORMANT, sizeof(asidl__twr)), 2, twr_fields,
};
static const asidl_ndr_pointer twr_full = { PTR(FULL), &twr_desc.hdr };  /* twr_p_t */

/* ---- ept_entry_t ---- */
static const asidl_ndr_dim sixty_four[] = { { .count = 64 } };
static const asidl_ndr_array annotation_desc = {
    ASIDL_NDR_HDR(ARRAY, 1, ASIDL_NDR_F_VARYING | ASIDL_NDR_F_STRING, 64), &asidl_ndr_t_char.hdr, 1, sixty_four,
};
static const asidl_ndr_field entry_fields[] = {
    { offsetof(asidl__ept_entry, object), &guid_desc.hdr },          /* object */
    { offsetof(asidl__ept_entry, tower), &twr_full.hdr },            /* tower */
    { offsetof(asidl__ept_entry, annotation), &annotation_desc.hdr }, /* annotation */
};
static const asidl_ndr_struct entry_desc = {
    ASIDL_NDR_HDR(STRUCT, 4, ASIDL_NDR_F_COMPLEX, sizeof(asidl__ept_entry)), 3, entry_fields,
};

/* ---- ept_lookup_handle_t, and the plain [out] / [in, range] parameters ---- */
static const asidl_ndr_context_handle lookup_handle = {
    ASIDL_NDR_HDR(CONTEXT_HANDLE, 4, ASIDL_NDR_F_COMPLEX, sizeof(void *)), asidl__epm_cursor_rundown,
    "ept_lookup_handle_t",
};
static const asidl_ndr_pointer lookup_handle_ref = { PTR(REF), &lookup_handle.hdr };
static const asidl_ndr_pointer status_ref = { PTR(REF), &asidl_ndr_t_error_status.hdr };
static const asidl_ndr_pointer uint32_ref = { PTR(REF), &asidl_ndr_t_uint32.hdr };
static const asidl_ndr_range max_range = {
    ASIDL_NDR_HDR(RANGE, 4, 0, sizeof(uint32_t)), &asidl_ndr_t_uint32.hdr, 0, ASIDL_EPT_MAX_ENTS,
};

#define HANDLE_PARAM { "h", P_IN | ASIDL_NDR_PARAM_NOWIRE, ASIDL_NDR_C_PTR, sizeof(void *), NULL }
#define STATUS_PARAM { "status", P_OUT, ASIDL_NDR_C_PTR, sizeof(void *), &status_ref.hdr }
#define PROC(opnum, name, params) \
    { ASIDL_NDR_MAGIC, (opnum), sizeof(params) / sizeof(params[0]), 0, ASIDL_NDR_HANDLE_EXPLICIT, 0, \
      name, params, NULL, NULL, NULL }

/* ---- ept_insert, ept_delete ---- */
static const asidl_ndr_op num_ents_param[] = {
    { ASIDL_NDR_OP_PARAM, ASIDL_NDR_C_OF(uint32_t), 1 },     /* num_ents */
    END,
};
static const asidl_ndr_dim in_entries_dims[] = { { .size_is = num_ents_param } };
static const asidl_ndr_array in_entries_arr = {
    ASIDL_NDR_HDR(ARRAY, 4, ASIDL_NDR_F_COMPLEX | ASIDL_NDR_F_CONFORMANT, 0), &entry_desc.hdr, 1, in_entries_dims,
};
static const asidl_ndr_pointer in_entries = { PTR(REF), &in_entries_arr.hdr };

static const asidl_ndr_param insert_params[] = {
    HANDLE_PARAM,
    { "num_ents", P_IN, ASIDL_NDR_C_OF(uint32_t), sizeof(uint32_t), &asidl_ndr_t_uint32.hdr },
    { "entries", P_IN, ASIDL_NDR_C_PTR, sizeof(void *), &in_entries.hdr },
    { "replace", P_IN, ASIDL_NDR_C_OF(uint32_t), sizeof(uint32_t), &asidl_ndr_t_uint32.hdr },
    STATUS_PARAM,
};
static const asidl_ndr_proc insert_proc = PROC(ASIDL_EPT_INSERT, "ept_insert", insert_params);

static const asidl_ndr_param delete_params[] = {
    HANDLE_PARAM,
    { "num_ents", P_IN, ASIDL_NDR_C_OF(uint32_t), sizeof(uint32_t), &asidl_ndr_t_uint32.hdr },
    { "entries", P_IN, ASIDL_NDR_C_PTR, sizeof(void *), &in_entries.hdr },
    STATUS_PARAM,
};
static const asidl_ndr_proc delete_proc = PROC(ASIDL_EPT_DELETE, "ept_delete", delete_params);

/* ---- ept_lookup ---- */
static const asidl_ndr_op max_ents_param[] = {
    { ASIDL_NDR_OP_PARAM, ASIDL_NDR_C_OF(uint32_t), 6 },     /* max_ents */
    END,
};
static const asidl_ndr_op star_num_ents[] = {
    { ASIDL_NDR_OP_PARAM_ADDR, 0, 7 },                         /* num_ents */
    { ASIDL_NDR_OP_DEREF, ASIDL_NDR_C_OF(uint32_t), 0 },      /* *num_ents */
    END,
};
static const asidl_ndr_dim out_entries_dims[] = { { .size_is = max_ents_param, .length_is = star_num_ents } };
static const asidl_ndr_array out_entries_arr = {
    ASIDL_NDR_HDR(ARRAY, 4, ASIDL_NDR_F_COMPLEX | ASIDL_NDR_F_CONFORMANT | ASIDL_NDR_F_VARYING, 0),
    &entry_desc.hdr, 1, out_entries_dims,
};
static const asidl_ndr_pointer out_entries = { PTR(REF), &out_entries_arr.hdr };

static const asidl_ndr_param lookup_params[] = {
    HANDLE_PARAM,
    { "inquiry_type", P_IN, ASIDL_NDR_C_OF(uint32_t), sizeof(uint32_t), &asidl_ndr_t_uint32.hdr },
    { "object", P_IN, ASIDL_NDR_C_PTR, sizeof(void *), &guid_full.hdr },
    { "interface_id", P_IN, ASIDL_NDR_C_PTR, sizeof(void *), &if_id_full.hdr },
    { "vers_option", P_IN, ASIDL_NDR_C_OF(uint32_t), sizeof(uint32_t), &asidl_ndr_t_uint32.hdr },
    { "entry_handle", P_IN | P_OUT, ASIDL_NDR_C_PTR, sizeof(void *), &lookup_handle_ref.hdr },
    { "max_ents", P_IN, ASIDL_NDR_C_OF(uint32_t), sizeof(uint32_t), &max_range.hdr },
    { "num_ents", P_OUT, ASIDL_NDR_C_PTR, sizeof(void *), &uint32_ref.hdr },
    { "entries", P_OUT, ASIDL_NDR_C_PTR, sizeof(void *), &out_entries.hdr },
    STATUS_PARAM,
};
static const asidl_ndr_proc lookup_proc = PROC(ASIDL_EPT_LOOKUP, "ept_lookup", lookup_params);

/* ---- ept_map ---- */
static const asidl_ndr_op max_towers_param[] = {
    { ASIDL_NDR_OP_PARAM, ASIDL_NDR_C_OF(uint32_t), 4 },     /* max_towers */
    END,
};
static const asidl_ndr_op star_num_towers[] = {
    { ASIDL_NDR_OP_PARAM_ADDR, 0, 5 },                         /* num_towers */
    { ASIDL_NDR_OP_DEREF, ASIDL_NDR_C_OF(uint32_t), 0 },      /* *num_towers */
    END,
};
static const asidl_ndr_dim towers_dims[] = { { .size_is = max_towers_param, .length_is = star_num_towers } };
static const asidl_ndr_array towers_arr = {
    ASIDL_NDR_HDR(ARRAY, 4, ASIDL_NDR_F_COMPLEX | ASIDL_NDR_F_CONFORMANT | ASIDL_NDR_F_VARYING, 0),
    &twr_full.hdr, 1, towers_dims,
};
static const asidl_ndr_pointer towers = { PTR(REF), &towers_arr.hdr };

static const asidl_ndr_param map_params[] = {
    HANDLE_PARAM,
    { "object", P_IN, ASIDL_NDR_C_PTR, sizeof(void *), &guid_full.hdr },
    { "map_tower", P_IN, ASIDL_NDR_C_PTR, sizeof(void *), &twr_full.hdr },
    { "entry_handle", P_IN | P_OUT, ASIDL_NDR_C_PTR, sizeof(void *), &lookup_handle_ref.hdr },
    { "max_towers", P_IN, ASIDL_NDR_C_OF(uint32_t), sizeof(uint32_t), &max_range.hdr },
    { "num_towers", P_OUT, ASIDL_NDR_C_PTR, sizeof(void *), &uint32_ref.hdr },
    { "towers", P_OUT, ASIDL_NDR_C_PTR, sizeof(void *), &towers.hdr },
    STATUS_PARAM,
};
static const asidl_ndr_proc map_proc = PROC(ASIDL_EPT_MAP, "ept_map", map_params);

/* ---- ept_lookup_handle_free, ept_inq_object, ept_mgmt_delete ---- */
static const asidl_ndr_param handle_free_params[] = {
    HANDLE_PARAM,
    { "entry_handle", P_IN | P_OUT, ASIDL_NDR_C_PTR, sizeof(void *), &lookup_handle_ref.hdr },
    STATUS_PARAM,
};
static const asidl_ndr_proc handle_free_proc =
    PROC(ASIDL_EPT_LOOKUP_HANDLE_FREE, "ept_lookup_handle_free", handle_free_params);

static const asidl_ndr_param inq_object_params[] = {
    HANDLE_PARAM,
    { "ept_object", P_OUT, ASIDL_NDR_C_PTR, sizeof(void *), &guid_ref.hdr },
    STATUS_PARAM,
};
static const asidl_ndr_proc inq_object_proc = PROC(ASIDL_EPT_INQ_OBJECT, "ept_inq_object", inq_object_params);

static const asidl_ndr_param mgmt_delete_params[] = {
    HANDLE_PARAM,
    { "object_speced", P_IN, ASIDL_NDR_C_OF(uint32_t), sizeof(uint32_t), &asidl_ndr_t_uint32.hdr },
    { "object", P_IN, ASIDL_NDR_C_PTR, sizeof(void *), &guid_full.hdr },
    { "tower", P_IN, ASIDL_NDR_C_PTR, sizeof(void *), &twr_full.hdr },
    STATUS_PARAM,
};
static const asidl_ndr_proc mgmt_delete_proc = PROC(ASIDL_EPT_MGMT_DELETE, "ept_mgmt_delete", mgmt_delete_params);

const asidl_ndr_proc *const asidl__ept_procs[ASIDL_EPT_N_PROCS] = {
    &insert_proc, &delete_proc, &lookup_proc, &map_proc, &handle_free_proc, &inq_object_proc, &mgmt_delete_proc,
};

const asidl_interface asidl__ept_client_ifspec = {
    ASIDL_INTERFACE_MAGIC, ASIDL_ABI_VERSION,
    { 0xe1af8308, 0x5d1f, 0x11c9, { 0x91, 0xa4, 0x08, 0x00, 0x2b, 0x14, 0xa0, 0xfa } }, 3, 0,
    asidl__ept_procs, ASIDL_EPT_N_PROCS, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL,
};
