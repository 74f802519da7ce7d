/*
 * I/O completion ports: creating (and the refused file association), posting and dequeuing
 * packets first in first out, timeouts with their documented results, several consumers
 * taking each packet once, waiting threads served last in first out, closing a port while
 * threads wait, GetQueuedCompletionStatusEx batches, and waiting on a port.
 */
#include "win_test.h"

static HANDLE new_port(void)
{
    return CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
}

/* ------------------------------------------------------------------ creating */

TEST(create_port_and_refused_associations)
{
    SetLastError(1);
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 5, 2);
    CHECK(port != NULL && port != INVALID_HANDLE_VALUE);
    CHECK_EQ_INT(GetLastError(), ERROR_SUCCESS);

    /* INVALID_HANDLE_VALUE with an existing port is a contradiction. */
    SetLastError(0);
    CHECK(CreateIoCompletionPort(INVALID_HANDLE_VALUE, port, 1, 0) == NULL);
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_PARAMETER);
    /* asidl has no file handles: associating one of its objects is not supported... */
    HANDLE e = CreateEvent(NULL, TRUE, FALSE, NULL);
    SetLastError(0);
    CHECK(CreateIoCompletionPort(e, port, 1, 0) == NULL);
    CHECK_EQ_INT(GetLastError(), ERROR_NOT_SUPPORTED);
    SetLastError(0);
    CHECK(CreateIoCompletionPort(e, NULL, 1, 0) == NULL);
    CHECK_EQ_INT(GetLastError(), ERROR_NOT_SUPPORTED);
    /* ...and anything else is not a handle. */
    SetLastError(0);
    CHECK(CreateIoCompletionPort((HANDLE)(uintptr_t)3, NULL, 1, 0) == NULL);
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_HANDLE);
    CloseHandle(e);
    CHECK(CloseHandle(port));
}

/* ------------------------------------------------------------------ one thread */

TEST(packets_come_out_first_in_first_out_with_their_values)
{
    HANDLE port = new_port();
    OVERLAPPED ov[3];
    for (int i = 0; i < 3; i++)
        CHECK(PostQueuedCompletionStatus(port, (DWORD)(100 + i), (ULONG_PTR)(0xC0DE0000u + i), &ov[i]));
    CHECK(PostQueuedCompletionStatus(port, 0, 0, NULL));
    for (int i = 0; i < 3; i++) {
        DWORD bytes = 0;
        ULONG_PTR key = 0;
        LPOVERLAPPED got = NULL;
        CHECK(GetQueuedCompletionStatus(port, &bytes, &key, &got, 0));
        CHECK_EQ_INT(bytes, 100 + i);
        CHECK_EQ_INT(key, 0xC0DE0000u + i);
        CHECK(got == &ov[i]);
    }
    DWORD bytes = 1;
    ULONG_PTR key = 1;
    LPOVERLAPPED got = &ov[0];
    CHECK(GetQueuedCompletionStatus(port, &bytes, &key, &got, 0));    /* a NULL overlapped is fine */
    CHECK(got == NULL && bytes == 0 && key == 0);
    CloseHandle(port);
}

TEST(empty_port_times_out_as_documented)
{
    HANDLE port = new_port();
    OVERLAPPED ov;
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED got = &ov;
    SetLastError(0);
    CHECK(!GetQueuedCompletionStatus(port, &bytes, &key, &got, 0));
    CHECK(got == NULL);
    CHECK_EQ_INT(GetLastError(), WAIT_TIMEOUT);

    got = &ov;
    int64_t t0 = now_ms();
    SetLastError(0);
    CHECK(!GetQueuedCompletionStatus(port, &bytes, &key, &got, 100));
    CHECK(now_ms() - t0 >= 100);
    CHECK(got == NULL);
    CHECK_EQ_INT(GetLastError(), WAIT_TIMEOUT);
    CloseHandle(port);
}

TEST(bad_arguments_and_handles)
{
    HANDLE port = new_port();
    HANDLE e = CreateEvent(NULL, TRUE, TRUE, NULL);
    DWORD bytes;
    ULONG_PTR key;
    OVERLAPPED ov;
    LPOVERLAPPED got = &ov;
    SetLastError(0);
    CHECK(!GetQueuedCompletionStatus(port, NULL, &key, &got, 0));
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK(got == NULL);
    SetLastError(0);
    CHECK(!GetQueuedCompletionStatus(port, &bytes, NULL, &got, 0));
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    CHECK(!GetQueuedCompletionStatus(port, &bytes, &key, NULL, 0));
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_PARAMETER);

    got = &ov;
    SetLastError(0);
    CHECK(!GetQueuedCompletionStatus(e, &bytes, &key, &got, 0));           /* an event is no port */
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_HANDLE);
    CHECK(got == NULL);
    SetLastError(0);
    CHECK(!PostQueuedCompletionStatus(e, 1, 2, NULL));
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_HANDLE);
    SetLastError(0);
    CHECK(!PostQueuedCompletionStatus(NULL, 1, 2, NULL));
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_HANDLE);
    SetLastError(0);
    CHECK(!PostQueuedCompletionStatus(INVALID_HANDLE_VALUE, 1, 2, NULL));
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_HANDLE);

    CloseHandle(port);
    SetLastError(0);
    CHECK(!PostQueuedCompletionStatus(port, 1, 2, NULL));                  /* closed */
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_HANDLE);
    got = &ov;
    SetLastError(0);
    CHECK(!GetQueuedCompletionStatus(port, &bytes, &key, &got, 0));
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_HANDLE);
    CloseHandle(e);
}

TEST(closing_a_port_with_queued_packets_drops_them)
{
    HANDLE port = new_port();
    for (int i = 0; i < 100; i++)
        PostQueuedCompletionStatus(port, (DWORD)i, 0, NULL);
    CHECK(CloseHandle(port));           /* valgrind: nothing leaks */
}

/* ------------------------------------------------------------------ Ex */

TEST(get_ex_takes_batches)
{
    HANDLE port = new_port();
    for (int i = 0; i < 5; i++)
        PostQueuedCompletionStatus(port, (DWORD)i, (ULONG_PTR)i * 10, (LPOVERLAPPED)(uintptr_t)(0x1000 + i * 0x10));
    OVERLAPPED_ENTRY entries[3];
    memset(entries, 0xAB, sizeof entries);
    ULONG n = 0;
    CHECK(GetQueuedCompletionStatusEx(port, entries, 3, &n, 0, FALSE));
    CHECK_EQ_INT(n, 3);
    for (ULONG i = 0; i < n; i++) {
        CHECK_EQ_INT(entries[i].dwNumberOfBytesTransferred, i);
        CHECK_EQ_INT(entries[i].lpCompletionKey, i * 10);
        CHECK(entries[i].lpOverlapped == (LPOVERLAPPED)(uintptr_t)(0x1000 + i * 0x10));
        CHECK_EQ_INT(entries[i].Internal, 0);
    }
    CHECK(GetQueuedCompletionStatusEx(port, entries, 3, &n, INFINITE, FALSE));
    CHECK_EQ_INT(n, 2);
    CHECK_EQ_INT(entries[0].dwNumberOfBytesTransferred, 3);
    n = 7;
    SetLastError(0);
    CHECK(!GetQueuedCompletionStatusEx(port, entries, 3, &n, 20, FALSE));
    CHECK_EQ_INT(n, 0);
    CHECK_EQ_INT(GetLastError(), WAIT_TIMEOUT);

    SetLastError(0);
    CHECK(!GetQueuedCompletionStatusEx(port, entries, 0, &n, 0, FALSE));
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    CHECK(!GetQueuedCompletionStatusEx(port, NULL, 3, &n, 0, FALSE));
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    CHECK(!GetQueuedCompletionStatusEx(port, entries, 3, NULL, 0, FALSE));
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_PARAMETER);
    CloseHandle(port);
}

/* ------------------------------------------------------------------ several threads */

typedef struct consumer {
    HANDLE port;
    DWORD tid;
    DWORD timeout;
    BOOL ok;
    DWORD error;
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED overlapped;
    atomic_int started, done;
} consumer;

static void *get_one(void *p)
{
    consumer *c = p;
    c->tid = GetCurrentThreadId();
    atomic_store(&c->started, 1);
    c->ok = GetQueuedCompletionStatus(c->port, &c->bytes, &c->key, &c->overlapped, c->timeout);
    c->error = c->ok ? 0 : GetLastError();
    atomic_store(&c->done, 1);
    return NULL;
}

static pthread_t start_consumer(consumer *c)
{
    pthread_t t = start_thread(get_one, c);
    while (!atomic_load(&c->started))
        pause_ms(1);
    CHECK(wait_until_waiting(c->tid, ASIDL_WAIT_PORT));
    return t;
}

TEST(a_post_wakes_a_blocked_consumer)
{
    HANDLE port = new_port();
    consumer c = { .port = port, .timeout = INFINITE };
    pthread_t t = start_consumer(&c);
    OVERLAPPED ov;
    CHECK(PostQueuedCompletionStatus(port, 77, 88, &ov));
    pthread_join(t, NULL);
    CHECK(c.ok);
    CHECK_EQ_INT(c.bytes, 77);
    CHECK_EQ_INT(c.key, 88);
    CHECK(c.overlapped == &ov);
    CloseHandle(port);
}

static void CALLBACK count_apc(ULONG_PTR data)
{
    atomic_fetch_add((atomic_int *)data, 1);
}

TEST(an_apc_does_not_interrupt_get_queued_completion_status)
{
    HANDLE port = new_port();
    consumer c = { .port = port, .timeout = INFINITE };
    atomic_int ran = 0;
    pthread_t t = start_consumer(&c);
    HANDLE h = OpenThread(THREAD_SET_CONTEXT, FALSE, c.tid);
    CHECK(QueueUserAPC(count_apc, h, (ULONG_PTR)&ran) != 0);
    pause_ms(30);
    CHECK(!atomic_load(&c.done));
    CHECK_EQ_INT(atomic_load(&ran), 0);
    PostQueuedCompletionStatus(port, 0, 5, NULL);
    pthread_join(t, NULL);
    CHECK(c.ok);
    CHECK_EQ_INT(c.key, 5);
    CHECK_EQ_INT(atomic_load(&ran), 0);     /* discarded with the thread, never run */
    CloseHandle(h);
    CloseHandle(port);
}

TEST(waiting_consumers_are_served_last_in_first_out)
{
    HANDLE port = new_port();
    consumer first = { .port = port, .timeout = 20000 };
    consumer second = { .port = port, .timeout = 20000 };
    pthread_t t1 = start_consumer(&first);
    pthread_t t2 = start_consumer(&second);
    PostQueuedCompletionStatus(port, 1, 1, NULL);
    CHECK(wait_until_equal(&second.done, 1));       /* the most recent waiter got it */
    CHECK(!atomic_load(&first.done));
    CHECK_EQ_INT(second.key, 1);
    PostQueuedCompletionStatus(port, 2, 2, NULL);
    CHECK(wait_until_equal(&first.done, 1));
    CHECK_EQ_INT(first.key, 2);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    CloseHandle(port);
}

TEST(closing_the_port_ends_waits_with_abandoned)
{
    HANDLE port = new_port();
    consumer a = { .port = port, .timeout = INFINITE, .overlapped = (LPOVERLAPPED)(uintptr_t)1 };
    consumer b = { .port = port, .timeout = 20000, .overlapped = (LPOVERLAPPED)(uintptr_t)1 };
    pthread_t ta = start_consumer(&a);
    pthread_t tb = start_consumer(&b);
    CHECK(CloseHandle(port));
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    CHECK(!a.ok && !b.ok);
    CHECK_EQ_INT(a.error, ERROR_ABANDONED_WAIT_0);
    CHECK_EQ_INT(b.error, ERROR_ABANDONED_WAIT_0);
    CHECK(a.overlapped == NULL && b.overlapped == NULL);
}

typedef struct drain {
    HANDLE port;
    long long key_sum;
    int count;
} drain;

static void *drain_until_zero_key(void *p)
{
    drain *d = p;
    for (;;) {
        DWORD bytes;
        ULONG_PTR key;
        LPOVERLAPPED ov;
        if (!GetQueuedCompletionStatus(d->port, &bytes, &key, &ov, 20000))
            return NULL;
        if (key == 0)
            return NULL;
        d->key_sum += (long long)key;
        d->count++;
    }
}

TEST(each_packet_is_taken_exactly_once_by_many_consumers)
{
    enum { CONSUMERS = 4, PRODUCERS = 2, PER_PRODUCER = 5000 };
    HANDLE port = new_port();
    drain d[CONSUMERS] = { 0 };
    pthread_t consumers[CONSUMERS];
    for (int i = 0; i < CONSUMERS; i++) {
        d[i].port = port;
        consumers[i] = start_thread(drain_until_zero_key, &d[i]);
    }
    /* Producers post keys 1..N (each range once); the sum proves nothing is lost or doubled. */
    for (int p = 0; p < PRODUCERS; p++)
        for (int i = 1; i <= PER_PRODUCER; i++)
            PostQueuedCompletionStatus(port, 0, (ULONG_PTR)(p * PER_PRODUCER + i), NULL);
    for (int i = 0; i < CONSUMERS; i++)
        PostQueuedCompletionStatus(port, 0, 0, NULL);          /* one stop packet each */
    long long sum = 0;
    int count = 0;
    for (int i = 0; i < CONSUMERS; i++) {
        pthread_join(consumers[i], NULL);
        sum += d[i].key_sum;
        count += d[i].count;
    }
    long long n = (long long)PRODUCERS * PER_PRODUCER;
    CHECK_EQ_INT(count, n);
    CHECK_EQ_INT(sum, n * (n + 1) / 2);
    CloseHandle(port);
}

/* ------------------------------------------------------------------ waiting on a port */

TEST(a_port_is_signalled_while_packets_are_queued)
{
    HANDLE port = new_port();
    CHECK_EQ_INT(WaitForSingleObject(port, 0), WAIT_TIMEOUT);
    PostQueuedCompletionStatus(port, 1, 2, NULL);
    CHECK_EQ_INT(WaitForSingleObject(port, 0), WAIT_OBJECT_0);
    CHECK_EQ_INT(WaitForSingleObject(port, 0), WAIT_OBJECT_0);     /* the wait took nothing */
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED ov;
    CHECK(GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0));
    CHECK_EQ_INT(key, 2);
    CHECK_EQ_INT(WaitForSingleObject(port, 0), WAIT_TIMEOUT);
    CloseHandle(port);
}

int main(void)
{
    RUN(create_port_and_refused_associations);
    RUN(packets_come_out_first_in_first_out_with_their_values);
    RUN(empty_port_times_out_as_documented);
    RUN(bad_arguments_and_handles);
    RUN(closing_a_port_with_queued_packets_drops_them);
    RUN(get_ex_takes_batches);
    RUN(a_post_wakes_a_blocked_consumer);
    RUN(an_apc_does_not_interrupt_get_queued_completion_status);
    RUN(waiting_consumers_are_served_last_in_first_out);
    RUN(closing_the_port_ends_waits_with_abandoned);
    RUN(each_packet_is_taken_exactly_once_by_many_consumers);
    RUN(a_port_is_signalled_while_packets_are_queued);
    return test_exit();
}
