/*
 * The descriptor checker: each rule a generator (or a hand-written table) can break is caught
 * with a reason, and the engine itself refuses descriptors of another format version.
 */
#include <stddef.h>

#include "ndr_test.h"

#define PTR_HDR(kind) ASIDL_NDR_HDR(POINTER, 4, ASIDL_NDR_F_COMPLEX | ASIDL_NDR_PTR_##kind, sizeof(void *))
#define END { ASIDL_NDR_OP_END, 0, 0 }

/* The descriptor must be refused for the stated reason (a substring of the checker's). */
static void expect_invalid(const asidl_ndr_type *t, const char *reason)
{
    const char *why = NULL;
    long st = asidl_ndr_validate_type(t, &why);
    if (st != RPC_S_INTERNAL_ERROR || !why || !strstr(why, reason)) {
        printf("#   expected \"%s\", got status %ld: %s\n", reason, st, why ? why : "(accepted)");
        test_failed_checks_++;
    }
}

struct two_longs {
    long a, b;
};
static const asidl_ndr_field two_fields[] = {
    { offsetof(struct two_longs, a), &asidl_ndr_t_long.hdr },
    { offsetof(struct two_longs, b), &asidl_ndr_t_long.hdr },
};
static const asidl_ndr_field swapped_fields[] = {
    { offsetof(struct two_longs, b), &asidl_ndr_t_long.hdr },
    { offsetof(struct two_longs, a), &asidl_ndr_t_long.hdr },
};

TEST(structure_rules)
{
    static const asidl_ndr_struct ok = { ASIDL_NDR_HDR(STRUCT, 4, 0, sizeof(struct two_longs)), 2, two_fields };
    static const asidl_ndr_struct misaligned = { ASIDL_NDR_HDR(STRUCT, 8, 0, sizeof(struct two_longs)), 2, two_fields };
    static const asidl_ndr_struct flagged = {
        ASIDL_NDR_HDR(STRUCT, 4, ASIDL_NDR_F_COMPLEX, sizeof(struct two_longs)), 2, two_fields,
    };
    static const asidl_ndr_struct unordered = { ASIDL_NDR_HDR(STRUCT, 4, 0, sizeof(struct two_longs)), 2, swapped_fields };
    static const asidl_ndr_struct too_small = { ASIDL_NDR_HDR(STRUCT, 4, 0, 4), 2, two_fields };
    VALID(&ok.hdr);
    expect_invalid(&misaligned.hdr, "alignment is not its largest");
    expect_invalid(&flagged.hdr, "COMPLEX flag does not match");
    expect_invalid(&unordered.hdr, "increasing offset order");
    expect_invalid(&too_small.hdr, "beyond the structure's size");
}

static const asidl_ndr_op field0[] = { { ASIDL_NDR_OP_FIELD, ASIDL_NDR_C_OF(long), 0 }, END };
static const asidl_ndr_op const2[] = { { ASIDL_NDR_OP_CONST, 0, 2 }, END };
static const asidl_ndr_op unbalanced[] = { { ASIDL_NDR_OP_CONST, 0, 2 }, { ASIDL_NDR_OP_ADD, 0, 0 }, END };
static const asidl_ndr_op param0[] = { { ASIDL_NDR_OP_PARAM, ASIDL_NDR_C_OF(long), 0 }, END };

TEST(array_and_expression_rules)
{
    static const asidl_ndr_dim conf[] = { { .size_is = const2 } };
    static const asidl_ndr_dim by_field[] = { { .size_is = field0 } };
    static const asidl_ndr_dim bad_expr[] = { { .size_is = unbalanced } };
    static const asidl_ndr_dim by_param[] = { { .size_is = param0 } };
    static const asidl_ndr_dim two_sizes[] = { { .count = 2, .size_is = const2 } };
    static const asidl_ndr_dim fixed2[] = { { .count = 2 }, { .count = 2 } };
    static const asidl_ndr_array unflagged = { ASIDL_NDR_HDR(ARRAY, 4, 0, 0), &asidl_ndr_t_long.hdr, 1, conf };
    static const asidl_ndr_array outside = { ASIDL_NDR_HDR(ARRAY, 4, ASIDL_NDR_F_CONFORMANT, 0), &asidl_ndr_t_long.hdr, 1, by_field };
    static const asidl_ndr_array stack = { ASIDL_NDR_HDR(ARRAY, 4, ASIDL_NDR_F_CONFORMANT, 0), &asidl_ndr_t_long.hdr, 1, bad_expr };
    static const asidl_ndr_array param = { ASIDL_NDR_HDR(ARRAY, 4, ASIDL_NDR_F_CONFORMANT, 0), &asidl_ndr_t_long.hdr, 1, by_param };
    static const asidl_ndr_array both = { ASIDL_NDR_HDR(ARRAY, 4, 0, 2 * sizeof(long)), &asidl_ndr_t_long.hdr, 1, two_sizes };
    static const asidl_ndr_array string2d = {
        ASIDL_NDR_HDR(ARRAY, 1, ASIDL_NDR_F_VARYING | ASIDL_NDR_F_STRING, 4), &asidl_ndr_t_char.hdr, 2, fixed2,
    };
    static const asidl_ndr_array long_string = {
        ASIDL_NDR_HDR(ARRAY, 4, ASIDL_NDR_F_VARYING | ASIDL_NDR_F_STRING, 2 * sizeof(long)), &asidl_ndr_t_long.hdr, 1, fixed2,
    };
    static const asidl_ndr_array wrong_size = { ASIDL_NDR_HDR(ARRAY, 4, 0, 3 * sizeof(long)), &asidl_ndr_t_long.hdr, 2, fixed2 };
    expect_invalid(&unflagged.hdr, "CONFORMANT flag does not match");
    expect_invalid(&outside.hdr, "field outside a structure");
    expect_invalid(&stack.hdr, "without two integer operands");
    expect_invalid(&param.hdr, "parameter outside a procedure");
    expect_invalid(&both.hdr, "more than one size");
    expect_invalid(&string2d.hdr, "multi-dimensional [string]");
    expect_invalid(&long_string.hdr, "other than characters");
    expect_invalid(&wrong_size.hdr, "element size times counts");
}

TEST(pointer_union_and_user_type_rules)
{
    static const asidl_ndr_pointer plain = { ASIDL_NDR_HDR(POINTER, 4, ASIDL_NDR_PTR_UNIQUE, sizeof(void *)), &asidl_ndr_t_long.hdr };
    static const asidl_ndr_pointer kindless = { ASIDL_NDR_HDR(POINTER, 4, ASIDL_NDR_F_COMPLEX, sizeof(void *)), &asidl_ndr_t_long.hdr };
    static const asidl_ndr_arm dup_arms[] = { { 1, &asidl_ndr_t_long.hdr }, { 1, &asidl_ndr_t_short.hdr } };
    static const asidl_ndr_union no_switch = {
        ASIDL_NDR_HDR(UNION, 4, ASIDL_NDR_F_COMPLEX, sizeof(long)), &asidl_ndr_t_long.hdr, NULL, 0, 0, 1, dup_arms, NULL,
    };
    static const asidl_ndr_union dup = {
        ASIDL_NDR_HDR(UNION, 4, ASIDL_NDR_F_COMPLEX, sizeof(long)), &asidl_ndr_t_long.hdr, const2, 0, 0, 2, dup_arms, NULL,
    };
    static const asidl_ndr_union float_switch = {
        ASIDL_NDR_HDR(UNION, 4, ASIDL_NDR_F_COMPLEX, sizeof(long)), &asidl_ndr_t_float.hdr, const2, 0, 0, 1, dup_arms, NULL,
    };
    static const asidl_ndr_user_marshal no_routines = {
        ASIDL_NDR_HDR(USER_MARSHAL, 4, ASIDL_NDR_F_COMPLEX, 8), NULL, NULL, NULL, NULL,
    };
    static const asidl_ndr_type reserved = ASIDL_NDR_HDR(INTERFACE, 4, ASIDL_NDR_F_COMPLEX, sizeof(void *));
    expect_invalid(&plain.hdr, "sizeof(void *) and COMPLEX");
    expect_invalid(&kindless.hdr, "unknown kind");
    expect_invalid(&no_switch.hdr, "without switch_is");
    expect_invalid(&dup.hdr, "repeated case value");
    expect_invalid(&float_switch.hdr, "floating type");
    expect_invalid(&no_routines.hdr, "four routines");
    expect_invalid(&reserved, "not supported yet");
}

TEST(other_format_versions_are_refused_by_the_engine)
{
    static const asidl_ndr_base future = {
        { ASIDL_NDR_MAGIC_FAMILY | (ASIDL_NDR_FORMAT_VERSION + 1), ASIDL_NDR_BASE, 4, 0, 4 }, ASIDL_NDR_W_INT32,
    };
    static const asidl_ndr_base garbage = { { 0xdeadbeef, ASIDL_NDR_BASE, 4, 0, 4 }, ASIDL_NDR_W_INT32 };
    int v = 1;
    ndr_check_marshal_fails(&future.hdr, &v, RPC_X_WRONG_STUB_VERSION);
    ndr_check_marshal_fails(&garbage.hdr, &v, RPC_S_INTERNAL_ERROR);
    expect_invalid(&future.hdr, "another format version");
}

TEST(procedure_rules)
{
    static const asidl_ndr_param ret_first[] = {
        { "return", ASIDL_NDR_PARAM_OUT | ASIDL_NDR_PARAM_RETURN, ASIDL_NDR_C_OF(long), sizeof(long), &asidl_ndr_t_long.hdr },
        { "x", ASIDL_NDR_PARAM_IN, ASIDL_NDR_C_OF(long), sizeof(long), &asidl_ndr_t_long.hdr },
    };
    static const asidl_ndr_proc bad_ret = { ASIDL_NDR_MAGIC, 0, 2, ASIDL_NDR_PROC_HAS_RETURN, 0, 0, "f", ret_first, NULL, NULL, NULL };
    static const asidl_ndr_proc bad_handle = { ASIDL_NDR_MAGIC, 0, 1, 0, ASIDL_NDR_HANDLE_EXPLICIT, 5, "g", ret_first + 1, NULL, NULL, NULL };
    const char *why = NULL;
    CHECK_STATUS(asidl_ndr_validate_proc(&bad_ret, &why), RPC_S_INTERNAL_ERROR);
    CHECK(why != NULL);
    CHECK_STATUS(asidl_ndr_validate_proc(&bad_handle, &why), RPC_S_INTERNAL_ERROR);
    CHECK(why != NULL);
}

int main(void)
{
    RUN(structure_rules);
    RUN(array_and_expression_rules);
    RUN(pointer_union_and_user_type_rules);
    RUN(other_format_versions_are_refused_by_the_engine);
    RUN(procedure_rules);
    return test_exit();
}
