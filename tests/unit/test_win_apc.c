/*
 * Threads and APCs: GetCurrentThreadId, GetCurrentThread, OpenThread, GetThreadId, waitable
 * thread handles, QueueUserAPC with alertable and non-alertable waits (SleepEx, Sleep,
 * WaitFor...Ex), APCs running only on their thread, and the internal queue asynchronous RPC
 * uses (asidl__thread_ref, asidl__apc_queue).
 */
#include <sys/syscall.h>

#include "win_test.h"

static _Thread_local int apc_runs_here;     /* APCs run on this thread */
static atomic_int apc_runs_total;
static DWORD apc_last_thread;
static ULONG_PTR apc_log[16];
static int apc_log_len;

static void reset_log(void)
{
    apc_runs_here = 0;
    atomic_store(&apc_runs_total, 0);
    apc_log_len = 0;
    apc_last_thread = 0;
}

static void CALLBACK record_apc(ULONG_PTR data)
{
    apc_runs_here++;
    atomic_fetch_add(&apc_runs_total, 1);
    apc_last_thread = GetCurrentThreadId();
    if (apc_log_len < 16)
        apc_log[apc_log_len++] = data;
}

/* ------------------------------------------------------------------ thread identity */

static void *report_id(void *p)
{
    *(DWORD *)p = GetCurrentThreadId();
    return NULL;
}

TEST(thread_ids_are_kernel_thread_ids_and_differ_per_thread)
{
    DWORD mine = GetCurrentThreadId();
    CHECK_EQ_INT(mine, (DWORD)syscall(SYS_gettid));
    CHECK_EQ_INT(GetCurrentThreadId(), mine);
    DWORD other = 0;
    pthread_t t = start_thread(report_id, &other);
    pthread_join(t, NULL);
    CHECK(other != 0 && other != mine);
}

TEST(current_thread_pseudo_handle)
{
    HANDLE self = GetCurrentThread();
    CHECK(self == (HANDLE)(LONG_PTR)-2);
    CHECK_EQ_INT(GetThreadId(self), GetCurrentThreadId());
    CHECK(CloseHandle(self));                   /* no effect, and not an error */
    CHECK_EQ_INT(GetThreadId(GetCurrentThread()), GetCurrentThreadId());
    /* Waiting on oneself just times out. */
    CHECK_EQ_INT(WaitForSingleObject(self, 10), WAIT_TIMEOUT);
}

TEST(open_thread_gives_a_real_handle)
{
    HANDLE h = OpenThread(THREAD_SET_CONTEXT | SYNCHRONIZE, FALSE, GetCurrentThreadId());
    CHECK(h != NULL && h != GetCurrentThread());
    CHECK_EQ_INT(GetThreadId(h), GetCurrentThreadId());
    HANDLE h2 = OpenThread(THREAD_ALL_ACCESS, FALSE, GetCurrentThreadId());
    CHECK(h2 != NULL && h2 != h);
    CHECK_EQ_INT(WaitForSingleObject(h, 0), WAIT_TIMEOUT);     /* a live thread is not signalled */
    CHECK(CloseHandle(h));
    CHECK_EQ_INT(GetThreadId(h2), GetCurrentThreadId());       /* the other handle still works */
    CHECK(CloseHandle(h2));
    SetLastError(0);
    CHECK_EQ_INT(GetThreadId(h), 0);
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_HANDLE);
}

TEST(open_thread_refuses_unknown_ids)
{
    SetLastError(0);
    CHECK(OpenThread(THREAD_ALL_ACCESS, FALSE, 0) == NULL);
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    CHECK(OpenThread(THREAD_ALL_ACCESS, FALSE, 0x7FFFFFF0) == NULL);
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_PARAMETER);
}

typedef struct exiting {
    DWORD tid;
    HANDLE handle;              /* opened by the thread itself */
    HANDLE release;             /* the thread exits once this is set */
    atomic_int opened;
} exiting;

static void *open_self_then_exit(void *p)
{
    exiting *x = p;
    x->tid = GetCurrentThreadId();
    x->handle = OpenThread(SYNCHRONIZE | THREAD_SET_CONTEXT, FALSE, x->tid);
    atomic_store(&x->opened, 1);
    WaitForSingleObject(x->release, INFINITE);
    return NULL;
}

TEST(a_thread_handle_is_signalled_when_the_thread_exits)
{
    exiting x = { .release = CreateEvent(NULL, TRUE, FALSE, NULL) };
    pthread_t t = start_thread(open_self_then_exit, &x);
    CHECK(wait_until_equal(&x.opened, 1));
    CHECK(x.handle != NULL);
    CHECK_EQ_INT(WaitForSingleObject(x.handle, 20), WAIT_TIMEOUT);
    SetEvent(x.release);
    CHECK_EQ_INT(WaitForSingleObject(x.handle, 10000), WAIT_OBJECT_0);
    pthread_join(t, NULL);
    CHECK_EQ_INT(WaitForSingleObject(x.handle, 0), WAIT_OBJECT_0);
    /* The handle still answers questions about the thread... */
    CHECK_EQ_INT(GetThreadId(x.handle), x.tid);
    /* ...but the thread is gone: no APC can be queued, and the id opens nothing. */
    SetLastError(0);
    CHECK_EQ_INT(QueueUserAPC(record_apc, x.handle, 1), 0);
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_HANDLE);
    SetLastError(0);
    CHECK(OpenThread(SYNCHRONIZE, FALSE, x.tid) == NULL);
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK(CloseHandle(x.handle));
    CloseHandle(x.release);
}

/* ------------------------------------------------------------------ APCs on one thread */

TEST(apc_runs_only_in_an_alertable_wait)
{
    reset_log();
    CHECK(QueueUserAPC(record_apc, GetCurrentThread(), 42) != 0);
    Sleep(5);
    CHECK_EQ_INT(SleepEx(5, FALSE), 0);
    HANDLE e = CreateEvent(NULL, TRUE, FALSE, NULL);
    CHECK_EQ_INT(WaitForSingleObject(e, 5), WAIT_TIMEOUT);
    CHECK_EQ_INT(WaitForSingleObjectEx(e, 5, FALSE), WAIT_TIMEOUT);
    CHECK_EQ_INT(WaitForMultipleObjectsEx(1, &e, FALSE, 5, FALSE), WAIT_TIMEOUT);
    CHECK_EQ_INT(apc_runs_here, 0);
    /* Alertable: the APC runs inside and the wait reports it. */
    int64_t t0 = now_ms();
    CHECK_EQ_INT(SleepEx(5000, TRUE), WAIT_IO_COMPLETION);
    CHECK(now_ms() - t0 < 2000);            /* it did not sleep the interval */
    CHECK_EQ_INT(apc_runs_here, 1);
    CHECK_EQ_INT(apc_log[0], 42);
    /* Once run, it is gone. */
    CHECK_EQ_INT(SleepEx(0, TRUE), 0);
    CHECK_EQ_INT(apc_runs_here, 1);
    CloseHandle(e);
}

TEST(every_alertable_wait_runs_apcs)
{
    HANDLE e = CreateEvent(NULL, TRUE, FALSE, NULL);
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    reset_log();
    QueueUserAPC(record_apc, GetCurrentThread(), 1);
    CHECK_EQ_INT(WaitForSingleObjectEx(e, INFINITE, TRUE), WAIT_IO_COMPLETION);
    QueueUserAPC(record_apc, GetCurrentThread(), 2);
    CHECK_EQ_INT(WaitForMultipleObjectsEx(1, &e, FALSE, INFINITE, TRUE), WAIT_IO_COMPLETION);
    QueueUserAPC(record_apc, GetCurrentThread(), 3);
    CHECK_EQ_INT(WaitForMultipleObjectsEx(1, &e, TRUE, 0, TRUE), WAIT_IO_COMPLETION);
    QueueUserAPC(record_apc, GetCurrentThread(), 4);
    OVERLAPPED_ENTRY entry;
    ULONG n = 99;
    SetLastError(0);
    CHECK(!GetQueuedCompletionStatusEx(port, &entry, 1, &n, INFINITE, TRUE));
    CHECK_EQ_INT(GetLastError(), WAIT_IO_COMPLETION);
    CHECK_EQ_INT(n, 0);
    CHECK_EQ_INT(apc_runs_here, 4);
    CloseHandle(e);
    CloseHandle(port);
}

TEST(apcs_run_first_in_first_out_all_in_one_wait)
{
    reset_log();
    for (ULONG_PTR i = 1; i <= 5; i++)
        QueueUserAPC(record_apc, GetCurrentThread(), i);
    CHECK_EQ_INT(SleepEx(0, TRUE), WAIT_IO_COMPLETION);
    CHECK_EQ_INT(apc_log_len, 5);
    for (int i = 0; i < apc_log_len; i++)
        CHECK_EQ_INT(apc_log[i], i + 1);
}

static void CALLBACK queue_another(ULONG_PTR data)
{
    record_apc(data);
    if (data < 3)
        QueueUserAPC(queue_another, GetCurrentThread(), data + 1);
}

TEST(an_apc_queued_by_an_apc_runs_in_the_same_wait)
{
    reset_log();
    QueueUserAPC(queue_another, GetCurrentThread(), 1);
    CHECK_EQ_INT(SleepEx(INFINITE, TRUE), WAIT_IO_COMPLETION);
    CHECK_EQ_INT(apc_log_len, 3);
    CHECK_EQ_INT(apc_log[2], 3);
}

TEST(a_signalled_object_wins_over_queued_apcs)
{
    reset_log();
    HANDLE e = CreateEvent(NULL, TRUE, TRUE, NULL);
    QueueUserAPC(record_apc, GetCurrentThread(), 7);
    CHECK_EQ_INT(WaitForSingleObjectEx(e, INFINITE, TRUE), WAIT_OBJECT_0);
    CHECK_EQ_INT(apc_runs_here, 0);
    ResetEvent(e);
    CHECK_EQ_INT(WaitForSingleObjectEx(e, INFINITE, TRUE), WAIT_IO_COMPLETION);
    CHECK_EQ_INT(apc_runs_here, 1);
    CloseHandle(e);
}

TEST(queue_user_apc_refuses_bad_arguments)
{
    HANDLE e = CreateEvent(NULL, TRUE, FALSE, NULL);
    SetLastError(0);
    CHECK_EQ_INT(QueueUserAPC(NULL, GetCurrentThread(), 0), 0);
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    CHECK_EQ_INT(QueueUserAPC(record_apc, e, 0), 0);            /* not a thread */
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_HANDLE);
    SetLastError(0);
    CHECK_EQ_INT(QueueUserAPC(record_apc, NULL, 0), 0);
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_HANDLE);
    SetLastError(0);
    CHECK_EQ_INT(QueueUserAPC(record_apc, (HANDLE)(uintptr_t)0x12345678, 0), 0);
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_HANDLE);
    CloseHandle(e);
}

TEST(sleep_ex_times_out_with_zero)
{
    int64_t t0 = now_ms();
    CHECK_EQ_INT(SleepEx(50, TRUE), 0);
    CHECK(now_ms() - t0 >= 50);
    t0 = now_ms();
    Sleep(30);
    CHECK(now_ms() - t0 >= 30);
    CHECK_EQ_INT(SleepEx(0, FALSE), 0);
    CHECK_EQ_INT(SleepEx(0, TRUE), 0);
}

/* ------------------------------------------------------------------ APCs across threads */

typedef struct target {
    DWORD tid;
    HANDLE self_handle;         /* OpenThread by the target itself */
    DWORD result;
    int apcs_seen;
    HANDLE go;                  /* for the two-step tests */
    HANDLE event;
    DWORD second_result;
    atomic_int stage;
} target;

static void *sleep_alertable(void *p)
{
    target *t = p;
    t->tid = GetCurrentThreadId();
    t->self_handle = OpenThread(THREAD_SET_CONTEXT, FALSE, t->tid);
    atomic_store(&t->stage, 1);
    t->result = SleepEx(INFINITE, TRUE);
    t->apcs_seen = apc_runs_here;
    return NULL;
}

TEST(an_apc_wakes_the_target_thread_and_runs_there)
{
    reset_log();
    target t = { 0 };
    pthread_t th = start_thread(sleep_alertable, &t);
    while (!atomic_load(&t.stage))
        pause_ms(1);
    CHECK(wait_until_waiting(t.tid, ASIDL_WAIT_OBJECTS));
    CHECK(QueueUserAPC(record_apc, t.self_handle, 9) != 0);
    pthread_join(th, NULL);
    CHECK_EQ_INT(t.result, WAIT_IO_COMPLETION);
    CHECK_EQ_INT(t.apcs_seen, 1);           /* counted on the target thread */
    CHECK_EQ_INT(apc_runs_here, 0);         /* not on this one */
    CHECK_EQ_INT(apc_last_thread, t.tid);
    CloseHandle(t.self_handle);
}

static void *wait_plain_then_alertable(void *p)
{
    target *t = p;
    t->tid = GetCurrentThreadId();
    t->self_handle = OpenThread(THREAD_SET_CONTEXT, FALSE, t->tid);
    atomic_store(&t->stage, 1);
    t->result = WaitForSingleObject(t->event, INFINITE);
    t->apcs_seen = apc_runs_here;
    atomic_store(&t->stage, 2);
    WaitForSingleObject(t->go, INFINITE);
    t->second_result = SleepEx(0, TRUE);
    atomic_store(&t->stage, 3);
    return NULL;
}

TEST(an_apc_does_not_interrupt_a_non_alertable_wait)
{
    reset_log();
    target t = { .event = CreateEvent(NULL, FALSE, FALSE, NULL), .go = CreateEvent(NULL, TRUE, FALSE, NULL) };
    pthread_t th = start_thread(wait_plain_then_alertable, &t);
    while (!atomic_load(&t.stage))
        pause_ms(1);
    CHECK(wait_until_waiting(t.tid, ASIDL_WAIT_OBJECTS));
    CHECK(QueueUserAPC(record_apc, t.self_handle, 5) != 0);
    /* This thread's alertable sleep does not run another thread's APC. */
    CHECK_EQ_INT(SleepEx(40, TRUE), 0);
    CHECK_EQ_INT(atomic_load(&t.stage), 1);         /* still waiting */
    CHECK_EQ_INT(atomic_load(&apc_runs_total), 0);
    SetEvent(t.event);
    CHECK(wait_until_equal(&t.stage, 2));
    CHECK_EQ_INT(t.result, WAIT_OBJECT_0);
    CHECK_EQ_INT(t.apcs_seen, 0);
    /* The APC stays queued until the thread's next alertable wait. */
    SetEvent(t.go);
    pthread_join(th, NULL);
    CHECK_EQ_INT(t.second_result, WAIT_IO_COMPLETION);
    CHECK_EQ_INT(atomic_load(&apc_runs_total), 1);
    CHECK_EQ_INT(apc_last_thread, t.tid);
    CloseHandle(t.self_handle);
    CloseHandle(t.event);
    CloseHandle(t.go);
}

/* ------------------------------------------------------------------ the internal queue */

typedef struct internal_apc {
    atomic_int ran, discarded;
    DWORD ran_on;
} internal_apc;

static void internal_run(void *arg)
{
    internal_apc *a = arg;
    a->ran_on = GetCurrentThreadId();
    atomic_fetch_add(&a->ran, 1);
}

static void internal_discard(void *arg)
{
    internal_apc *a = arg;
    atomic_fetch_add(&a->discarded, 1);
}

typedef struct captured {
    asidl__thread *thread;
    DWORD tid;
    HANDLE go;
    DWORD result;
    int alertable;              /* sleep alertably after go, or just exit */
    atomic_int stage;
} captured;

static void *capture_self(void *p)
{
    captured *c = p;
    DWORD error = 99;
    c->thread = asidl__thread_ref(NULL, &error);   /* what the RPC runtime does at call start */
    c->tid = GetCurrentThreadId();
    atomic_store(&c->stage, 1);
    WaitForSingleObject(c->go, INFINITE);
    if (c->alertable)
        c->result = SleepEx(INFINITE, TRUE);
    return NULL;
}

TEST(internal_apc_runs_on_the_captured_thread)
{
    captured c = { .go = CreateEvent(NULL, TRUE, FALSE, NULL), .alertable = 1 };
    internal_apc a = { 0 };
    pthread_t th = start_thread(capture_self, &c);
    while (!atomic_load(&c.stage))
        pause_ms(1);
    CHECK(c.thread != NULL);
    CHECK_EQ_INT(asidl__thread_id(c.thread), c.tid);
    CHECK_EQ_INT(asidl__apc_queue(c.thread, internal_run, internal_discard, &a), ERROR_SUCCESS);
    SetEvent(c.go);
    pthread_join(th, NULL);
    CHECK_EQ_INT(c.result, WAIT_IO_COMPLETION);
    CHECK_EQ_INT(atomic_load(&a.ran), 1);
    CHECK_EQ_INT(atomic_load(&a.discarded), 0);
    CHECK_EQ_INT(a.ran_on, c.tid);
    /* The thread has exited; the reference keeps the record, and queuing fails cleanly. */
    CHECK_EQ_INT(asidl__apc_queue(c.thread, internal_run, internal_discard, &a), ERROR_INVALID_HANDLE);
    CHECK_EQ_INT(atomic_load(&a.ran), 1);
    asidl__thread_unref(c.thread);
    CloseHandle(c.go);
}

TEST(apcs_left_when_a_thread_exits_are_discarded_not_run)
{
    captured c = { .go = CreateEvent(NULL, TRUE, FALSE, NULL), .alertable = 0 };
    internal_apc a = { 0 };
    reset_log();
    pthread_t th = start_thread(capture_self, &c);
    while (!atomic_load(&c.stage))
        pause_ms(1);
    HANDLE h = OpenThread(THREAD_SET_CONTEXT, FALSE, c.tid);
    CHECK(h != NULL);
    CHECK_EQ_INT(asidl__apc_queue(c.thread, internal_run, internal_discard, &a), ERROR_SUCCESS);
    CHECK(QueueUserAPC(record_apc, h, 1) != 0);
    SetEvent(c.go);             /* it exits without an alertable wait */
    pthread_join(th, NULL);
    CHECK_EQ_INT(atomic_load(&a.ran), 0);
    CHECK_EQ_INT(atomic_load(&a.discarded), 1);
    CHECK_EQ_INT(atomic_load(&apc_runs_total), 0);
    asidl__thread_unref(c.thread);
    CloseHandle(h);
    CloseHandle(c.go);
}

TEST(internal_apc_by_thread_id)
{
    internal_apc a = { 0 };
    CHECK_EQ_INT(asidl__apc_queue_to_id(GetCurrentThreadId(), internal_run, NULL, &a), ERROR_SUCCESS);
    CHECK_EQ_INT(SleepEx(0, TRUE), WAIT_IO_COMPLETION);
    CHECK_EQ_INT(atomic_load(&a.ran), 1);
    CHECK_EQ_INT(asidl__apc_queue_to_id(0x7FFFFFF0, internal_run, NULL, &a), ERROR_INVALID_PARAMETER);
    CHECK_EQ_INT(asidl__apc_queue_to_id(GetCurrentThreadId(), NULL, NULL, &a), ERROR_INVALID_PARAMETER);
    CHECK_EQ_INT(asidl__apc_queue(NULL, internal_run, NULL, &a), ERROR_INVALID_PARAMETER);
}

TEST(internal_thread_ref_resolves_handles)
{
    DWORD error = 0;
    asidl__thread *t = asidl__thread_ref(GetCurrentThread(), &error);
    CHECK(t != NULL);
    CHECK_EQ_INT(error, ERROR_SUCCESS);
    CHECK_EQ_INT(asidl__thread_id(t), GetCurrentThreadId());
    asidl__thread_unref(t);
    HANDLE h = OpenThread(THREAD_SET_CONTEXT, FALSE, GetCurrentThreadId());
    t = asidl__thread_ref(h, &error);
    CHECK(t != NULL && asidl__thread_id(t) == GetCurrentThreadId());
    CloseHandle(h);
    asidl__thread_unref(t);     /* outlives the handle */
    HANDLE e = CreateEvent(NULL, TRUE, FALSE, NULL);
    CHECK(asidl__thread_ref(e, &error) == NULL);
    CHECK_EQ_INT(error, ERROR_INVALID_HANDLE);
    CloseHandle(e);
    /* Nothing touched this thread's last error. */
    SetLastError(77);
    t = asidl__thread_ref(e, &error);
    CHECK(t == NULL);
    CHECK_EQ_INT(GetLastError(), 77);
}

int main(void)
{
    RUN(thread_ids_are_kernel_thread_ids_and_differ_per_thread);
    RUN(current_thread_pseudo_handle);
    RUN(open_thread_gives_a_real_handle);
    RUN(open_thread_refuses_unknown_ids);
    RUN(a_thread_handle_is_signalled_when_the_thread_exits);
    RUN(apc_runs_only_in_an_alertable_wait);
    RUN(every_alertable_wait_runs_apcs);
    RUN(apcs_run_first_in_first_out_all_in_one_wait);
    RUN(an_apc_queued_by_an_apc_runs_in_the_same_wait);
    RUN(a_signalled_object_wins_over_queued_apcs);
    RUN(queue_user_apc_refuses_bad_arguments);
    RUN(sleep_ex_times_out_with_zero);
    RUN(an_apc_wakes_the_target_thread_and_runs_there);
    RUN(an_apc_does_not_interrupt_a_non_alertable_wait);
    RUN(internal_apc_runs_on_the_captured_thread);
    RUN(apcs_left_when_a_thread_exits_are_discarded_not_run);
    RUN(internal_apc_by_thread_id);
    RUN(internal_thread_ref_resolves_handles);
    return test_exit();
}
