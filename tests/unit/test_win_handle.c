/*
 * Handles and last error: CloseHandle on good, closed, stale, wrong and made-up values (never
 * a crash, always ERROR_INVALID_HANDLE), handles of the wrong kind refused by every function,
 * GetLastError per thread, closing an object while threads wait on it, thousands of handles,
 * concurrent creation and closing, and the internal delivery functions the RPC runtime uses.
 */
#include <dlfcn.h>
#include <stdlib.h>

#include "win_test.h"

/* Values no function may take for a handle. */
static HANDLE made_up[] = {
    NULL,
    INVALID_HANDLE_VALUE,
    (HANDLE)(uintptr_t)1,
    (HANDLE)(uintptr_t)4,
    (HANDLE)(uintptr_t)0x1234,
    (HANDLE)(uintptr_t)0x7FFFFFFC,
    (HANDLE)(uintptr_t)0xDEADBEEFCAFEBABEull,
    (HANDLE)(uintptr_t)0x100000004ull,
    (HANDLE)&made_up,
};

#define EXPECT_FAILURE(call, fail_value, error) do {                     \
        SetLastError(0);                                                   \
        CHECK((call) == (fail_value));                                     \
        CHECK_EQ_INT(GetLastError(), (error));                             \
    } while (0)

TEST(made_up_handles_fail_cleanly_everywhere)
{
    for (size_t i = 0; i < sizeof made_up / sizeof made_up[0]; i++) {
        HANDLE h = made_up[i];
        DWORD bytes;
        ULONG_PTR key;
        LPOVERLAPPED ov;
        MSG m;
        EXPECT_FAILURE(CloseHandle(h), FALSE, ERROR_INVALID_HANDLE);
        EXPECT_FAILURE(SetEvent(h), FALSE, ERROR_INVALID_HANDLE);
        EXPECT_FAILURE(ResetEvent(h), FALSE, ERROR_INVALID_HANDLE);
        EXPECT_FAILURE(PulseEvent(h), FALSE, ERROR_INVALID_HANDLE);
        EXPECT_FAILURE(WaitForSingleObject(h, 0), WAIT_FAILED, ERROR_INVALID_HANDLE);
        EXPECT_FAILURE(WaitForSingleObjectEx(h, 10, TRUE), WAIT_FAILED, ERROR_INVALID_HANDLE);
        EXPECT_FAILURE(PostQueuedCompletionStatus(h, 0, 0, NULL), FALSE, ERROR_INVALID_HANDLE);
        EXPECT_FAILURE(GetQueuedCompletionStatus(h, &bytes, &key, &ov, 0), FALSE, ERROR_INVALID_HANDLE);
        EXPECT_FAILURE(GetThreadId(h), 0, ERROR_INVALID_HANDLE);
        EXPECT_FAILURE(asidl_GetWaitableFd(h), -1, ERROR_INVALID_HANDLE);
        /* For the message functions NULL means "this thread" and (HWND)-1 "thread messages". */
        if (h && h != INVALID_HANDLE_VALUE) {
            EXPECT_FAILURE(PostMessage((HWND)h, WM_USER, 0, 0), FALSE, ERROR_INVALID_WINDOW_HANDLE);
            EXPECT_FAILURE(GetMessage(&m, (HWND)h, 0, 0), -1, ERROR_INVALID_WINDOW_HANDLE);
            EXPECT_FAILURE(asidl_DestroyMessageWindow((HWND)h), FALSE, ERROR_INVALID_WINDOW_HANDLE);
            /* (and INVALID_HANDLE_VALUE creates a port) */
            EXPECT_FAILURE(CreateIoCompletionPort(h, NULL, 0, 0), NULL, ERROR_INVALID_HANDLE);
        }
    }
}

TEST(closing_twice_fails_the_second_time)
{
    HANDLE e = CreateEvent(NULL, TRUE, FALSE, NULL);
    CHECK(CloseHandle(e));
    EXPECT_FAILURE(CloseHandle(e), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_FAILURE(SetEvent(e), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_FAILURE(WaitForSingleObject(e, 0), WAIT_FAILED, ERROR_INVALID_HANDLE);
}

TEST(a_stale_handle_stays_invalid_after_its_slot_is_reused)
{
    /* Close and recreate until the table gives out the same slot again; the old value must
     * not reach the new object. */
    HANDLE old = CreateEvent(NULL, TRUE, FALSE, NULL);
    CloseHandle(old);
    HANDLE fresh[200];
    for (int i = 0; i < 200; i++) {
        fresh[i] = CreateEvent(NULL, TRUE, TRUE, NULL);
        CHECK(fresh[i] != old);
    }
    EXPECT_FAILURE(WaitForSingleObject(old, 0), WAIT_FAILED, ERROR_INVALID_HANDLE);
    EXPECT_FAILURE(ResetEvent(old), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_FAILURE(CloseHandle(old), FALSE, ERROR_INVALID_HANDLE);
    for (int i = 0; i < 200; i++) {
        CHECK_EQ_INT(WaitForSingleObject(fresh[i], 0), WAIT_OBJECT_0);   /* untouched */
        CloseHandle(fresh[i]);
    }
}

static void CALLBACK never_runs(ULONG_PTR data)
{
    (void)data;
}

TEST(functions_refuse_handles_of_the_wrong_kind)
{
    HANDLE e = CreateEvent(NULL, TRUE, FALSE, NULL);
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    HANDLE thread = OpenThread(THREAD_ALL_ACCESS, FALSE, GetCurrentThreadId());
    HWND w = asidl_CreateMessageWindow();
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED ov;
    MSG m;
    EXPECT_FAILURE(SetEvent(port), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_FAILURE(SetEvent(thread), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_FAILURE(ResetEvent((HANDLE)w), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_FAILURE(PostQueuedCompletionStatus(e, 0, 0, NULL), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_FAILURE(GetQueuedCompletionStatus(thread, &bytes, &key, &ov, 0), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_FAILURE(QueueUserAPC(never_runs, port, 0), 0, ERROR_INVALID_HANDLE);
    EXPECT_FAILURE(GetThreadId(e), 0, ERROR_INVALID_HANDLE);
    EXPECT_FAILURE(PostMessage((HWND)e, WM_USER, 0, 0), FALSE, ERROR_INVALID_WINDOW_HANDLE);
    EXPECT_FAILURE(GetMessage(&m, (HWND)port, 0, 0), -1, ERROR_INVALID_WINDOW_HANDLE);
    EXPECT_FAILURE(asidl_DestroyMessageWindow((HWND)thread), FALSE, ERROR_INVALID_WINDOW_HANDLE);
    EXPECT_FAILURE(CloseHandle((HANDLE)w), FALSE, ERROR_INVALID_HANDLE);
    CHECK(CloseHandle(e));
    CHECK(CloseHandle(port));
    CHECK(CloseHandle(thread));
    CHECK(asidl_DestroyMessageWindow(w));
}

/* ------------------------------------------------------------------ last error */

static void *set_and_report(void *p)
{
    DWORD *seen = p;
    seen[0] = GetLastError();           /* a new thread starts at 0 */
    SetLastError(222);
    seen[1] = GetLastError();
    return NULL;
}

TEST(last_error_is_per_thread)
{
    SetLastError(111);
    DWORD seen[2] = { 99, 99 };
    pthread_t t = start_thread(set_and_report, seen);
    pthread_join(t, NULL);
    CHECK_EQ_INT(seen[0], 0);
    CHECK_EQ_INT(seen[1], 222);
    CHECK_EQ_INT(GetLastError(), 111);
}

TEST(success_leaves_last_error_alone)
{
    HANDLE e = CreateEvent(NULL, TRUE, FALSE, NULL);
    SetLastError(555);
    CHECK(SetEvent(e));
    CHECK_EQ_INT(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
    CHECK(ResetEvent(e));
    CHECK_EQ_INT(GetLastError(), 555);
    CHECK(CloseHandle(e));
    CHECK_EQ_INT(GetLastError(), 555);
}

/* ------------------------------------------------------------------ closing during a wait */

typedef struct blocked {
    HANDLE handles[2];
    DWORD count;
    DWORD result;
    DWORD error;
    DWORD tid;
    atomic_int started;
} blocked;

static void *wait_forever(void *p)
{
    blocked *b = p;
    b->tid = GetCurrentThreadId();
    atomic_store(&b->started, 1);
    b->result = WaitForMultipleObjects(b->count, b->handles, FALSE, INFINITE);
    b->error = GetLastError();
    return NULL;
}

TEST(closing_an_event_while_threads_wait_on_it_fails_their_waits)
{
    HANDLE e = CreateEvent(NULL, FALSE, FALSE, NULL);
    HANDLE other = CreateEvent(NULL, FALSE, FALSE, NULL);
    blocked a = { .handles = { e }, .count = 1 };
    blocked b = { .handles = { other, e }, .count = 2 };
    pthread_t ta = start_thread(wait_forever, &a);
    pthread_t tb = start_thread(wait_forever, &b);
    while (!atomic_load(&a.started) || !atomic_load(&b.started))
        pause_ms(1);
    CHECK(wait_until_waiting(a.tid, ASIDL_WAIT_OBJECTS));
    CHECK(wait_until_waiting(b.tid, ASIDL_WAIT_OBJECTS));
    CHECK(CloseHandle(e));
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    CHECK_EQ_INT(a.result, WAIT_FAILED);
    CHECK_EQ_INT(a.error, ERROR_INVALID_HANDLE);
    CHECK_EQ_INT(b.result, WAIT_FAILED);
    CHECK_EQ_INT(b.error, ERROR_INVALID_HANDLE);
    /* The other object is unaffected and was not taken. */
    SetEvent(other);
    CHECK_EQ_INT(WaitForSingleObject(other, 0), WAIT_OBJECT_0);
    CloseHandle(other);
}

/* ------------------------------------------------------------------ many handles */

TEST(thousands_of_handles)
{
    enum { N = 20000 };
    HANDLE *h = malloc(N * sizeof *h);
    int expected_set = 0;
    for (int i = 0; i < N; i++) {
        expected_set += (i % 2) && (i % 3) == 0;
        h[i] = (i % 2) ? CreateEvent(NULL, TRUE, (i % 3) == 0, NULL)
                       : CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
        CHECK(h[i] != NULL);
    }
    int set = 0;
    for (int i = 1; i < N; i += 2)
        if (WaitForSingleObject(h[i], 0) == WAIT_OBJECT_0)
            set++;
    CHECK_EQ_INT(set, expected_set);
    for (int i = 0; i < N; i++)
        CHECK(CloseHandle(h[i]));
    free(h);
}

static void *churn(void *p)
{
    atomic_int *failures = p;
    for (int i = 0; i < 3000; i++) {
        HANDLE e = CreateEvent(NULL, FALSE, FALSE, NULL);
        HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
        if (!e || !port || !SetEvent(e) || WaitForSingleObject(e, 0) != WAIT_OBJECT_0 ||
            !PostQueuedCompletionStatus(port, 1, 2, NULL) || !CloseHandle(e) || !CloseHandle(port))
            atomic_fetch_add(failures, 1);
        /* A closed handle stays dead even while other threads reuse slots. */
        if (SetEvent(e))
            atomic_fetch_add(failures, 1);
    }
    return NULL;
}

TEST(concurrent_creation_and_closing)
{
    enum { THREADS = 4 };
    atomic_int failures = 0;
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        t[i] = start_thread(churn, &failures);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    CHECK_EQ_INT(atomic_load(&failures), 0);
}

/* ------------------------------------------------------------------ internal delivery */

TEST(internal_delivery_leaves_last_error_alone)
{
    HANDLE e = CreateEvent(NULL, FALSE, FALSE, NULL);
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    HWND w = asidl_CreateMessageWindow();
    OVERLAPPED ov;
    SetLastError(4242);
    CHECK_EQ_INT(asidl__event_signal(e), ERROR_SUCCESS);
    CHECK_EQ_INT(asidl__port_post(port, 10, 20, &ov), ERROR_SUCCESS);
    CHECK_EQ_INT(asidl__window_post(w, WM_APP, 0, (LPARAM)&ov), ERROR_SUCCESS);
    CHECK_EQ_INT(asidl__event_signal(port), ERROR_INVALID_HANDLE);
    CHECK_EQ_INT(asidl__port_post(e, 0, 0, NULL), ERROR_INVALID_HANDLE);
    CHECK_EQ_INT(asidl__window_post((HWND)e, WM_APP, 0, 0), ERROR_INVALID_WINDOW_HANDLE);
    CHECK_EQ_INT(GetLastError(), 4242);

    CHECK_EQ_INT(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED got;
    CHECK(GetQueuedCompletionStatus(port, &bytes, &key, &got, 0));
    CHECK(bytes == 10 && key == 20 && got == &ov);
    MSG m;
    CHECK(PeekMessage(&m, w, 0, 0, PM_REMOVE));
    CHECK(m.message == WM_APP && m.wParam == 0 && m.lParam == (LPARAM)&ov);
    CloseHandle(e);
    CloseHandle(port);
    asidl_DestroyMessageWindow(w);
}

/* ------------------------------------------------------------------ the exported names */

#define STR2(x) #x
#define STR(x) STR2(x)
/* The Windows name, and what the header turns it into. */
#define WINDOWS_NAME(name) { #name, STR(name) }

static const struct { const char *windows, *symbol; } windows_names[] = {
    WINDOWS_NAME(CloseHandle), WINDOWS_NAME(GetLastError), WINDOWS_NAME(SetLastError),
    WINDOWS_NAME(CreateEventA), WINDOWS_NAME(CreateEventW), WINDOWS_NAME(CreateEventExA),
    WINDOWS_NAME(CreateEventExW), WINDOWS_NAME(SetEvent), WINDOWS_NAME(ResetEvent), WINDOWS_NAME(PulseEvent),
    WINDOWS_NAME(WaitForSingleObject), WINDOWS_NAME(WaitForSingleObjectEx), WINDOWS_NAME(WaitForMultipleObjects),
    WINDOWS_NAME(WaitForMultipleObjectsEx), WINDOWS_NAME(SleepEx), WINDOWS_NAME(Sleep),
    WINDOWS_NAME(CreateIoCompletionPort), WINDOWS_NAME(PostQueuedCompletionStatus),
    WINDOWS_NAME(GetQueuedCompletionStatus), WINDOWS_NAME(GetQueuedCompletionStatusEx),
    WINDOWS_NAME(QueueUserAPC), WINDOWS_NAME(GetCurrentThreadId), WINDOWS_NAME(GetCurrentThread),
    WINDOWS_NAME(OpenThread), WINDOWS_NAME(GetThreadId), WINDOWS_NAME(IsWindow), WINDOWS_NAME(PostQuitMessage),
    WINDOWS_NAME(PostMessageA), WINDOWS_NAME(PostMessageW), WINDOWS_NAME(GetMessageA), WINDOWS_NAME(GetMessageW),
    WINDOWS_NAME(PeekMessageA), WINDOWS_NAME(PeekMessageW),
};

static const char *const extension_names[] = {
    "asidl_CreateMessageWindow", "asidl_DestroyMessageWindow", "asidl_GetWaitableFd",
};

TEST(the_shared_library_exports_every_function_under_its_asidl_name)
{
    char path[512];
    const char *build = getenv("B");
    snprintf(path, sizeof path, "%s/lib/libasidlrt.so", build && *build ? build : "build");
    void *lib = dlopen(path, RTLD_LAZY | RTLD_LOCAL);
    if (!lib) {
        printf("#   cannot open %s: %s\n", path, dlerror());
        CHECK(lib != NULL);
        return;
    }
    for (size_t i = 0; i < sizeof windows_names / sizeof windows_names[0]; i++) {
        const char *symbol = windows_names[i].symbol;
        if (strncmp(symbol, "asidl_", 6) != 0 || strcmp(symbol + 6, windows_names[i].windows) != 0) {
            printf("#   %s expands to %s\n", windows_names[i].windows, symbol);
            CHECK(!"the Windows name is a macro for asidl_<name>");
        }
        if (!dlsym(lib, symbol)) {
            printf("#   %s is not exported\n", symbol);
            CHECK(!"exported");
        }
        /* The Windows name itself is not a symbol of the library. */
        CHECK(dlsym(lib, windows_names[i].windows) == NULL);
    }
    for (size_t i = 0; i < sizeof extension_names / sizeof extension_names[0]; i++)
        CHECK(dlsym(lib, extension_names[i]) != NULL);
    /* Internals stay hidden. */
    CHECK(dlsym(lib, "asidl__apc_queue") == NULL);
    CHECK(dlsym(lib, "asidl__event_signal") == NULL);
    dlclose(lib);
}

int main(void)
{
    RUN(made_up_handles_fail_cleanly_everywhere);
    RUN(closing_twice_fails_the_second_time);
    RUN(a_stale_handle_stays_invalid_after_its_slot_is_reused);
    RUN(functions_refuse_handles_of_the_wrong_kind);
    RUN(last_error_is_per_thread);
    RUN(success_leaves_last_error_alone);
    RUN(closing_an_event_while_threads_wait_on_it_fails_their_waits);
    RUN(thousands_of_handles);
    RUN(concurrent_creation_and_closing);
    RUN(internal_delivery_leaves_last_error_alone);
    RUN(the_shared_library_exports_every_function_under_its_asidl_name);
    return test_exit();
}
