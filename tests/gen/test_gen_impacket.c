/*
 * Byte-exact agreement with python3-impacket through GENERATED descriptors.
 *
 * tests/unit/test_ndr_impacket.c checks the NDR engine against impacket with descriptors
 * written by hand; here the same fifteen procedures come from tests/gen/impacket.idl and every
 * descriptor is asidl's output.  Each case is called through its generated client stub with
 * the values the hand-written test uses (the loopback of gen_test.h marshals the request,
 * and the manager routines below check what the generated server descriptors unmarshalled);
 * the request octets go to tests/ndr/impacket_check.py, which checks that impacket encodes
 * the same values to the same octets and decodes asidl's, and hands back its own encodings;
 * those must unmarshal through the generated server descriptors and marshal again, through
 * the generated client descriptors, to asidl's octets.  A case missing on either side fails.
 */
#include <unistd.h>
#include <wchar.h>

#include "gen_test.h"
#include "impacket.h"

/* ---- the values (those of tests/unit/test_ndr_impacket.c) ---- */

static prims base_types_s = { -2, 0x7f, -3, 0x1234, -4, 0x01020304, 0x0102030405060708ll, 1.5f, 2.25, 1, 'x' };
static with_hyper nested_alignment_s = { 1, { 'a', 0x0102030405060708ll } };
static long carr_data[3] = { 1, 2, -3 };
static short cv_data[5] = { 7, 8 };
static window window_w = { 2, 3, { 0, 0, 7, 8, 9, 0 } };
static long nd_q = 11, nd_p = 22;
static outer nested_deferral_o = { { &nd_q, 1 }, &nd_p, 2 };
static long tlu_a = 5, tlu_q = 7;
static inner tlu_s = { &tlu_q, 8 };
static long aop_ten = 10, aop_thirty = 30;
static long *aop_elems[3] = { &aop_ten, NULL, &aop_thirty };
static long union_answer = 42;
static wchar_t aos_one[] = L"one", aos_two[] = L"tw\u00f6";
static item aos_data[2] = { { 1, aos_one }, { 2, aos_two } };

/* ---- the manager routines: what the generated server descriptors delivered ---- */

static int received;

void s_base_types(prims s)
{
    received += s.s8 == -2 && s.u8 == 0x7f && s.s16 == -3 && s.u16 == 0x1234 && s.l == -4 && s.ul == 0x01020304 &&
                s.h == 0x0102030405060708ll && s.f == 1.5f && s.d == 2.25 && s.b == 1 && s.c == 'x';
}
void s_enum_and_long(e16 e, long l) { received += e == E16_FIVE && l == 7; }
void s_nested_alignment(with_hyper s) { received += s.a == 1 && s.inner.c == 'a' && s.inner.h == 0x0102030405060708ll; }
void s_conformant_array(long count, long *arr) { received += count == 3 && arr[0] == 1 && arr[2] == -3; }
void s_conformant_varying_array(long size, long len, short *a) { received += size == 5 && len == 2 && a[0] == 7 && a[1] == 8; }
void s_varying_in_struct(window w) { received += w.first == 2 && w.len == 3 && w.a[2] == 7 && w.a[4] == 9; }
void s_strings(char *s, wchar_t *w, wchar_t *n) { received += !strcmp(s, "hello") && !wcscmp(w, L"a\U0001F600") && !n; }
void s_nested_deferral(outer o) { received += *o.in.q == 11 && o.in.x == 1 && *o.p == 22 && o.y == 2; }
void s_top_level_unique(long *a, long b, inner *s) { received += *a == 5 && b == 6 && *s->q == 7 && s->x == 8; }
void s_array_of_pointers(ptrs p) { received += p.n == 3 && *p.arr[0] == 10 && !p.arr[1] && *p.arr[2] == 30; }
void s_conformant_struct(cs *p, ch *q) { received += p->n == 3 && p->a[2] == 3 && q->n == 1 && q->a[0] == 0x0102030405060708ll; }
void s_union_long_arms(holder h) { received += h.kind == 2 && *h.u.p == 42; }
void s_union_arm_alignment(narrow n, long tail) { received += n.kind == 1 && n.u.s == -3 && tail == 0x01020304; }
void s_array_of_structs(long n, item *items)
{
    received += n == 2 && items[0].id == 1 && !wcscmp(items[0].name, L"one") && !wcscmp(items[1].name, L"tw\u00f6");
}
void s_multiple_params(char c, hyper h, short s, double d) { received += c == 'c' && h == 0x0102030405060708ll && s == 5 && d == -2.5; }

/* ---- the cases ---- */

struct gen_case {
    const char *name;
    unsigned char bytes[512];
    size_t len;
};

static struct gen_case cases[15];
static int n_cases;

static void record(const char *name)
{
    struct gen_case *c = &cases[n_cases++];
    c->name = name;
    c->len = gen_last_request_len < sizeof c->bytes ? gen_last_request_len : sizeof c->bytes;
    memcpy(c->bytes, gen_last_request, c->len);
    if (gen_last_status != RPC_S_OK) {
        printf("#   %s: the call failed with %ld\n", name, gen_last_status);
        test_failed_checks_++;
    }
}

TEST(generated_stubs_encode_every_case)
{
    base_types(base_types_s);
    record("base_types");
    enum_and_long(E16_FIVE, 7);
    record("enum_and_long");
    nested_alignment(nested_alignment_s);
    record("nested_alignment");
    conformant_array(3, carr_data);
    record("conformant_array");
    conformant_varying_array(5, 2, cv_data);
    record("conformant_varying_array");
    varying_in_struct(window_w);
    record("varying_in_struct");
    strings("hello", L"a\U0001F600", NULL);
    record("strings");
    nested_deferral(nested_deferral_o);
    record("nested_deferral");
    top_level_unique(&tlu_a, 6, &tlu_s);
    record("top_level_unique");
    array_of_pointers((ptrs){ 3, aop_elems });
    record("array_of_pointers");
    cs *p = malloc(sizeof *p + 3 * sizeof(short));
    p->n = 3, p->a[0] = 1, p->a[1] = 2, p->a[2] = 3;
    ch *q = malloc(sizeof *q + sizeof(hyper));
    q->n = 1, q->a[0] = 0x0102030405060708ll;
    conformant_struct(p, q);
    record("conformant_struct");
    free(p);
    free(q);
    union_long_arms((holder){ 2, { .p = &union_answer } });
    record("union_long_arms");
    union_arm_alignment((narrow){ 1, { .s = -3 } }, 0x01020304);
    record("union_arm_alignment");
    array_of_structs(2, aos_data);
    record("array_of_structs");
    multiple_params('c', 0x0102030405060708ll, 5, -2.5);
    record("multiple_params");
    CHECK_EQ_INT(gen_validate_interface(gen_impacket_v1_0_c_ifspec), 15);
    CHECK_EQ_INT(gen_validate_interface(gen_impacket_v1_0_s_ifspec), 15);
    CHECK_EQ_INT(n_cases, 15);
    CHECK_EQ_INT(received, 15);     /* the generated server descriptors gave back every value */
    CHECK_NO_LEAKS();
}

static const asidl_ndr_proc *proc_named(const asidl_interface *itf, const char *name)
{
    const asidl_ndr_proc *p = gen_proc(itf, name);
    CHECK(p != NULL);
    return p;
}

/* impacket's octets through the generated server descriptors, then through the client ones. */
static bool reencodes(struct gen_case *c, const unsigned char *b, size_t n)
{
    const asidl_ndr_proc *sproc = proc_named(gen_impacket_v1_0_s_ifspec, c->name);
    const asidl_ndr_proc *cproc = proc_named(gen_impacket_v1_0_c_ifspec, c->name);
    if (!sproc || !cproc)
        return false;
    void *frame[16];
    void *block = calloc(1, asidl_ndr_frame_size(sproc));
    asidl_ndr_frame_init(sproc, block, frame);
    asidl_ndr_call server, client;
    asidl_ndr_call_init(&server, ASIDL_NDR_SERVER);
    asidl_ndr_call_init(&client, ASIDL_NDR_CLIENT);
    bool ok = false;
    long st = asidl_ndr_server_unmarshal(&server, sproc, frame, b, n, ASIDL_NDR_DREP_LITTLE_ENDIAN);
    if (st == RPC_S_OK) {
        asidl_ndr_buffer again;
        asidl_ndr_buffer_init(&again);
        st = asidl_ndr_client_marshal(&client, cproc, frame, &again);
        ok = st == RPC_S_OK && again.len == c->len && memcmp(again.data, c->bytes, c->len) == 0;
        if (!ok) {
            ndr_print_hex("asidl re-encoded", again.data, again.len);
            ndr_print_hex("asidl original  ", c->bytes, c->len);
        }
        asidl_ndr_buffer_free(&again);
        asidl_ndr_server_free(sproc, frame, NULL, 0);
    } else {
        printf("#   %s: impacket's octets do not unmarshal (%ld)\n", c->name, st);
    }
    asidl_ndr_call_cleanup(&server);
    asidl_ndr_call_cleanup(&client);
    free(block);
    return ok;
}

int main(void)
{
    gen_server_interface = gen_impacket_v1_0_s_ifspec;
    RUN(generated_stubs_encode_every_case);

    const char *srcdir = getenv("ASIDL_SRCDIR") ? getenv("ASIDL_SRCDIR") : ".";
    char script[4096], vectors[] = "/tmp/asidl-gen-vectors-XXXXXX", back[] = "/tmp/asidl-gen-impacket-XXXXXX";
    snprintf(script, sizeof script, "%s/tests/ndr/impacket_check.py", srcdir);
    int fd1 = mkstemp(vectors), fd2 = mkstemp(back);
    FILE *out = fd1 >= 0 ? fdopen(fd1, "w") : NULL;
    if (!out || fd2 < 0) {
        printf("not ok - generated_vectors_written\n");
        return 1;
    }
    close(fd2);
    for (int i = 0; i < n_cases; i++) {
        fprintf(out, "%s ", cases[i].name);
        for (size_t k = 0; k < cases[i].len; k++)
            fprintf(out, "%02x", cases[i].bytes[k]);
        fprintf(out, "\n");
    }
    fclose(out);

    /* impacket's verdicts on the generated descriptors' octets (the script prints TAP lines) */
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' '%s' '%s' | sed 's/ - / - generated_/'", script, vectors, back);
    fflush(stdout);
    int rc = system(cmd);
    printf("%s - impacket_script_ran_on_generated_octets\n", rc == 0 ? "ok" : "not ok");

    FILE *in = fopen(back, "r");
    int seen[15] = { 0 };
    char line[65536];
    while (in && fgets(line, sizeof line, in)) {
        char *sp = strchr(line, ' ');
        if (!sp)
            continue;
        *sp = 0;
        int i;
        for (i = 0; i < n_cases && strcmp(cases[i].name, line) != 0; i++)
            ;
        if (i == n_cases) {
            printf("not ok - generated_case_known_%s\n", line);
            continue;
        }
        unsigned char b[8192];
        size_t n = ndr_unhex(sp + 1, b, sizeof b);
        seen[i] = 1;
        bool ok = reencodes(&cases[i], b, n);
        long live = ndr_live_blocks;
        ndr_live_blocks = 0;
        printf("%s - impacket_bytes_through_generated_descriptors_%s\n", ok && live == 0 ? "ok" : "not ok",
               cases[i].name);
    }
    if (in)
        fclose(in);
    int all = n_cases == 15;
    for (int i = 0; i < n_cases; i++)
        all &= seen[i];
    printf("%s - impacket_returned_every_generated_case\n", all ? "ok" : "not ok");
    unlink(vectors);
    unlink(back);
    return 0;
}
