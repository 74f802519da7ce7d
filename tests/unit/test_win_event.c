/*
 * Events and waits: CreateEvent(Ex), SetEvent, ResetEvent, PulseEvent, WaitForSingleObject,
 * WaitForMultipleObjects (any and all), timeouts; with several threads, that an auto-reset
 * event releases exactly one waiter per set and that a wait for all acquires atomically.
 */
#include "win_test.h"

/* ------------------------------------------------------------------ creating */

TEST(create_event_gives_a_handle_and_clears_last_error)
{
    SetLastError(1234);
    HANDLE e = CreateEvent(NULL, FALSE, FALSE, NULL);
    CHECK(e != NULL);
    CHECK_EQ_INT(GetLastError(), ERROR_SUCCESS);
    HANDLE f = CreateEventW(NULL, TRUE, TRUE, NULL);
    CHECK(f != NULL && f != e);
    CHECK(CloseHandle(e));
    CHECK(CloseHandle(f));
}

TEST(named_events_are_refused_as_not_supported)
{
    SetLastError(0);
    CHECK(CreateEventA(NULL, FALSE, FALSE, "Global\\shared") == NULL);
    CHECK_EQ_INT(GetLastError(), ERROR_NOT_SUPPORTED);
    SetLastError(0);
    CHECK(CreateEventW(NULL, TRUE, FALSE, L"name") == NULL);
    CHECK_EQ_INT(GetLastError(), ERROR_NOT_SUPPORTED);
    SetLastError(0);
    CHECK(CreateEventExA(NULL, "name", 0, EVENT_ALL_ACCESS) == NULL);
    CHECK_EQ_INT(GetLastError(), ERROR_NOT_SUPPORTED);
    /* An empty name is no name. */
    HANDLE e = CreateEventA(NULL, FALSE, FALSE, "");
    CHECK(e != NULL);
    CloseHandle(e);
}

TEST(security_attributes_are_accepted)
{
    SECURITY_ATTRIBUTES sa = { sizeof sa, NULL, TRUE };
    HANDLE e = CreateEvent(&sa, TRUE, FALSE, NULL);
    CHECK(e != NULL);
    CloseHandle(e);
}

TEST(initial_state_is_honoured)
{
    HANDLE set = CreateEvent(NULL, TRUE, TRUE, NULL);
    HANDLE unset = CreateEvent(NULL, TRUE, FALSE, NULL);
    CHECK_EQ_INT(WaitForSingleObject(set, 0), WAIT_OBJECT_0);
    CHECK_EQ_INT(WaitForSingleObject(unset, 0), WAIT_TIMEOUT);
    CloseHandle(set);
    CloseHandle(unset);
}

TEST(create_event_ex_flags)
{
    HANDLE manual_set = CreateEventEx(NULL, NULL, CREATE_EVENT_MANUAL_RESET | CREATE_EVENT_INITIAL_SET, SYNCHRONIZE);
    CHECK_EQ_INT(WaitForSingleObject(manual_set, 0), WAIT_OBJECT_0);
    CHECK_EQ_INT(WaitForSingleObject(manual_set, 0), WAIT_OBJECT_0);      /* manual: still set */
    HANDLE auto_set = CreateEventExW(NULL, NULL, CREATE_EVENT_INITIAL_SET, EVENT_ALL_ACCESS);
    CHECK_EQ_INT(WaitForSingleObject(auto_set, 0), WAIT_OBJECT_0);
    CHECK_EQ_INT(WaitForSingleObject(auto_set, 0), WAIT_TIMEOUT);         /* auto: consumed */
    SetLastError(0);
    CHECK(CreateEventExA(NULL, NULL, 0x4, EVENT_ALL_ACCESS) == NULL);
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_PARAMETER);
    CloseHandle(manual_set);
    CloseHandle(auto_set);
}

/* ------------------------------------------------------------------ state, one thread */

TEST(manual_reset_stays_set_until_reset)
{
    HANDLE e = CreateEvent(NULL, TRUE, FALSE, NULL);
    CHECK(SetEvent(e));
    for (int i = 0; i < 3; i++)
        CHECK_EQ_INT(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
    CHECK(SetEvent(e));         /* setting a set event is fine */
    CHECK(ResetEvent(e));
    CHECK_EQ_INT(WaitForSingleObject(e, 0), WAIT_TIMEOUT);
    CHECK(ResetEvent(e));       /* and so is resetting a reset one */
    CloseHandle(e);
}

TEST(auto_reset_is_taken_by_one_wait)
{
    HANDLE e = CreateEvent(NULL, FALSE, FALSE, NULL);
    CHECK(SetEvent(e));
    CHECK(SetEvent(e));         /* sets do not accumulate */
    CHECK_EQ_INT(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
    CHECK_EQ_INT(WaitForSingleObject(e, 0), WAIT_TIMEOUT);
    CHECK(SetEvent(e));
    CHECK(ResetEvent(e));
    CHECK_EQ_INT(WaitForSingleObject(e, 0), WAIT_TIMEOUT);
    CloseHandle(e);
}

TEST(pulse_without_waiters_leaves_the_event_reset)
{
    HANDLE m = CreateEvent(NULL, TRUE, FALSE, NULL);
    HANDLE a = CreateEvent(NULL, FALSE, TRUE, NULL);
    CHECK(PulseEvent(m));
    CHECK(PulseEvent(a));
    CHECK_EQ_INT(WaitForSingleObject(m, 0), WAIT_TIMEOUT);
    CHECK_EQ_INT(WaitForSingleObject(a, 0), WAIT_TIMEOUT);
    CloseHandle(m);
    CloseHandle(a);
}

/* ------------------------------------------------------------------ timeouts */

TEST(wait_times_out_after_the_interval)
{
    HANDLE e = CreateEvent(NULL, TRUE, FALSE, NULL);
    int64_t t0 = now_ms();
    CHECK_EQ_INT(WaitForSingleObject(e, 120), WAIT_TIMEOUT);
    int64_t elapsed = now_ms() - t0;
    CHECK(elapsed >= 120);
    CHECK(elapsed < 3000);
    t0 = now_ms();
    CHECK_EQ_INT(WaitForSingleObject(e, 0), WAIT_TIMEOUT);
    CHECK(now_ms() - t0 < 100);
    t0 = now_ms();
    HANDLE two[2] = { e, e };
    CHECK_EQ_INT(WaitForMultipleObjects(2, two, FALSE, 60), WAIT_TIMEOUT);
    CHECK(now_ms() - t0 >= 60);
    CloseHandle(e);
}

typedef struct setter {
    HANDLE event;
    int delay_ms;
} setter;

static void *set_later(void *p)
{
    setter *s = p;
    pause_ms(s->delay_ms);
    SetEvent(s->event);
    return NULL;
}

TEST(infinite_wait_ends_when_another_thread_sets)
{
    HANDLE e = CreateEvent(NULL, FALSE, FALSE, NULL);
    setter s = { e, 50 };
    pthread_t t = start_thread(set_later, &s);
    int64_t t0 = now_ms();
    CHECK_EQ_INT(WaitForSingleObject(e, INFINITE), WAIT_OBJECT_0);
    CHECK(now_ms() - t0 >= 40);
    pthread_join(t, NULL);
    CHECK_EQ_INT(WaitForSingleObject(e, 0), WAIT_TIMEOUT);     /* the wait took it */
    CloseHandle(e);
}

TEST(timed_wait_ends_early_when_set)
{
    HANDLE e = CreateEvent(NULL, TRUE, FALSE, NULL);
    setter s = { e, 30 };
    pthread_t t = start_thread(set_later, &s);
    int64_t t0 = now_ms();
    CHECK_EQ_INT(WaitForSingleObjectEx(e, 10000, FALSE), WAIT_OBJECT_0);
    CHECK(now_ms() - t0 < 5000);
    pthread_join(t, NULL);
    CloseHandle(e);
}

/* ------------------------------------------------------------------ several threads */

typedef struct waiter_args {
    HANDLE event;
    atomic_int *released;
    DWORD tid;
    atomic_int started;
    atomic_int done;
} waiter_args;

static void *wait_and_count(void *p)
{
    waiter_args *a = p;
    a->tid = GetCurrentThreadId();
    atomic_store(&a->started, 1);
    if (WaitForSingleObject(a->event, INFINITE) == WAIT_OBJECT_0)
        atomic_fetch_add(a->released, 1);
    atomic_store(&a->done, 1);
    return NULL;
}

/* Starts n threads blocked in WaitForSingleObject(event, INFINITE). */
static void start_waiters(waiter_args *args, pthread_t *threads, int n, HANDLE event, atomic_int *released)
{
    for (int i = 0; i < n; i++) {
        args[i].event = event;
        args[i].released = released;
        atomic_store(&args[i].started, 0);
        atomic_store(&args[i].done, 0);
        threads[i] = start_thread(wait_and_count, &args[i]);
    }
    for (int i = 0; i < n; i++) {
        while (!atomic_load(&args[i].started))
            pause_ms(1);
        CHECK(wait_until_waiting(args[i].tid, ASIDL_WAIT_OBJECTS));
    }
}

TEST(auto_reset_set_releases_exactly_one_waiter)
{
    enum { N = 4 };
    HANDLE e = CreateEvent(NULL, FALSE, FALSE, NULL);
    atomic_int released = 0;
    waiter_args args[N];
    pthread_t threads[N];
    start_waiters(args, threads, N, e, &released);
    for (int round = 1; round <= N; round++) {
        CHECK(SetEvent(e));
        CHECK(wait_until_equal(&released, round));
        pause_ms(30);           /* time for a wrongly released second waiter to show */
        CHECK_EQ_INT(atomic_load(&released), round);
        /* The set went to the released waiter, not to the event. */
        CHECK_EQ_INT(WaitForSingleObject(e, 0), WAIT_TIMEOUT);
    }
    for (int i = 0; i < N; i++)
        pthread_join(threads[i], NULL);
    CloseHandle(e);
}

TEST(manual_reset_set_releases_every_waiter)
{
    enum { N = 4 };
    HANDLE e = CreateEvent(NULL, TRUE, FALSE, NULL);
    atomic_int released = 0;
    waiter_args args[N];
    pthread_t threads[N];
    start_waiters(args, threads, N, e, &released);
    CHECK(SetEvent(e));
    CHECK(wait_until_equal(&released, N));
    for (int i = 0; i < N; i++)
        pthread_join(threads[i], NULL);
    CHECK_EQ_INT(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
    CloseHandle(e);
}

TEST(pulse_releases_current_waiters_and_resets)
{
    enum { N = 3 };
    HANDLE m = CreateEvent(NULL, TRUE, FALSE, NULL);
    atomic_int released = 0;
    waiter_args args[N];
    pthread_t threads[N];
    start_waiters(args, threads, N, m, &released);
    CHECK(PulseEvent(m));
    CHECK(wait_until_equal(&released, N));
    CHECK_EQ_INT(WaitForSingleObject(m, 0), WAIT_TIMEOUT);
    for (int i = 0; i < N; i++)
        pthread_join(threads[i], NULL);
    CloseHandle(m);

    HANDLE a = CreateEvent(NULL, FALSE, FALSE, NULL);
    atomic_store(&released, 0);
    start_waiters(args, threads, 2, a, &released);
    CHECK(PulseEvent(a));
    CHECK(wait_until_equal(&released, 1));
    pause_ms(30);
    CHECK_EQ_INT(atomic_load(&released), 1);
    CHECK_EQ_INT(WaitForSingleObject(a, 0), WAIT_TIMEOUT);
    CHECK(SetEvent(a));
    for (int i = 0; i < 2; i++)
        pthread_join(threads[i], NULL);
    CloseHandle(a);
}

TEST(waiters_of_an_auto_reset_event_are_released_in_arrival_order)
{
    enum { N = 3 };
    HANDLE e = CreateEvent(NULL, FALSE, FALSE, NULL);
    atomic_int released = 0;
    waiter_args args[N];
    pthread_t threads[N];
    /* Started one at a time, so arrival order is known. */
    for (int i = 0; i < N; i++)
        start_waiters(&args[i], &threads[i], 1, e, &released);
    for (int i = 0; i < N; i++) {
        CHECK(SetEvent(e));
        CHECK(wait_until_equal(&released, i + 1));
        CHECK(wait_until_equal(&args[i].done, 1));     /* the oldest waiter was released */
        for (int j = i + 1; j < N; j++)
            CHECK(!atomic_load(&args[j].done));
    }
    for (int i = 0; i < N; i++)
        pthread_join(threads[i], NULL);
    CloseHandle(e);
}

/* ------------------------------------------------------------------ several objects */

TEST(wait_any_returns_the_lowest_signalled_index)
{
    HANDLE h[3];
    for (int i = 0; i < 3; i++)
        h[i] = CreateEvent(NULL, FALSE, FALSE, NULL);
    SetEvent(h[2]);
    SetEvent(h[1]);
    CHECK_EQ_INT(WaitForMultipleObjects(3, h, FALSE, 0), WAIT_OBJECT_0 + 1);
    /* Only the returned object was taken. */
    CHECK_EQ_INT(WaitForMultipleObjects(3, h, FALSE, 0), WAIT_OBJECT_0 + 2);
    CHECK_EQ_INT(WaitForMultipleObjects(3, h, FALSE, 0), WAIT_TIMEOUT);
    for (int i = 0; i < 3; i++)
        CloseHandle(h[i]);
}

TEST(wait_any_reports_the_object_set_during_the_wait)
{
    HANDLE h[3];
    for (int i = 0; i < 3; i++)
        h[i] = CreateEvent(NULL, FALSE, FALSE, NULL);
    setter s = { h[2], 30 };
    pthread_t t = start_thread(set_later, &s);
    CHECK_EQ_INT(WaitForMultipleObjects(3, h, FALSE, 10000), WAIT_OBJECT_0 + 2);
    pthread_join(t, NULL);
    for (int i = 0; i < 3; i++)
        CloseHandle(h[i]);
}

TEST(wait_any_accepts_the_same_handle_twice)
{
    HANDLE e = CreateEvent(NULL, FALSE, TRUE, NULL);
    HANDLE h[2] = { e, e };
    CHECK_EQ_INT(WaitForMultipleObjects(2, h, FALSE, 0), WAIT_OBJECT_0);
    CHECK_EQ_INT(WaitForMultipleObjects(2, h, FALSE, 0), WAIT_TIMEOUT);
    setter s = { e, 20 };
    pthread_t t = start_thread(set_later, &s);
    CHECK_EQ_INT(WaitForMultipleObjects(2, h, FALSE, 10000), WAIT_OBJECT_0);
    pthread_join(t, NULL);
    CloseHandle(e);
}

TEST(wait_all_needs_every_object_and_takes_none_until_then)
{
    HANDLE a = CreateEvent(NULL, FALSE, TRUE, NULL);
    HANDLE b = CreateEvent(NULL, FALSE, FALSE, NULL);
    HANDLE m = CreateEvent(NULL, TRUE, TRUE, NULL);
    HANDLE h[3] = { a, b, m };
    CHECK_EQ_INT(WaitForMultipleObjects(3, h, TRUE, 30), WAIT_TIMEOUT);
    /* The partial wait took nothing: a is still set. */
    CHECK_EQ_INT(WaitForSingleObject(a, 0), WAIT_OBJECT_0);
    SetEvent(a);
    SetEvent(b);
    CHECK_EQ_INT(WaitForMultipleObjects(3, h, TRUE, 0), WAIT_OBJECT_0);
    /* It took both auto-reset events; the manual one stays set. */
    CHECK_EQ_INT(WaitForSingleObject(a, 0), WAIT_TIMEOUT);
    CHECK_EQ_INT(WaitForSingleObject(b, 0), WAIT_TIMEOUT);
    CHECK_EQ_INT(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
    CloseHandle(a);
    CloseHandle(b);
    CloseHandle(m);
}

typedef struct all_args {
    HANDLE handles[2];
    DWORD count;
    BOOL all;
    DWORD result;
    DWORD tid;
    atomic_int started, done;
} all_args;

static void *wait_multiple(void *p)
{
    all_args *a = p;
    a->tid = GetCurrentThreadId();
    atomic_store(&a->started, 1);
    a->result = WaitForMultipleObjects(a->count, a->handles, a->all, INFINITE);
    atomic_store(&a->done, 1);
    return NULL;
}

static pthread_t start_multiple(all_args *a)
{
    pthread_t t = start_thread(wait_multiple, a);
    while (!atomic_load(&a->started))
        pause_ms(1);
    wait_until_waiting(a->tid, ASIDL_WAIT_OBJECTS);
    return t;
}

TEST(wait_all_acquires_every_object_atomically)
{
    HANDLE a = CreateEvent(NULL, FALSE, FALSE, NULL);
    HANDLE b = CreateEvent(NULL, FALSE, FALSE, NULL);
    /* W1 waits for a and b together; then W2 waits for a alone. */
    all_args w1 = { .handles = { a, b }, .count = 2, .all = TRUE };
    all_args w2 = { .handles = { a }, .count = 1, .all = FALSE };
    pthread_t t1 = start_multiple(&w1);
    pthread_t t2 = start_multiple(&w2);

    /* b alone satisfies nobody, and W1 does not take it while it waits for a. */
    SetEvent(b);
    pause_ms(30);
    CHECK(!atomic_load(&w1.done) && !atomic_load(&w2.done));
    /* a: W1 came first and now has both, in one step; W2 keeps waiting. */
    SetEvent(a);
    CHECK(wait_until_equal(&w1.done, 1));
    CHECK_EQ_INT(w1.result, WAIT_OBJECT_0);
    CHECK_EQ_INT(WaitForSingleObject(b, 0), WAIT_TIMEOUT);
    pause_ms(30);
    CHECK(!atomic_load(&w2.done));
    SetEvent(a);
    CHECK(wait_until_equal(&w2.done, 1));
    CHECK_EQ_INT(w2.result, WAIT_OBJECT_0);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    CloseHandle(a);
    CloseHandle(b);
}

TEST(wait_all_leaves_the_object_to_a_waiter_it_cannot_use_yet)
{
    HANDLE a = CreateEvent(NULL, FALSE, FALSE, NULL);
    HANDLE b = CreateEvent(NULL, FALSE, FALSE, NULL);
    /* W1 (all of a, b) first, W2 (a) second: a set alone must go to W2, since W1 lacks b. */
    all_args w1 = { .handles = { a, b }, .count = 2, .all = TRUE };
    all_args w2 = { .handles = { a }, .count = 1, .all = FALSE };
    pthread_t t1 = start_multiple(&w1);
    pthread_t t2 = start_multiple(&w2);
    SetEvent(a);
    CHECK(wait_until_equal(&w2.done, 1));
    CHECK(!atomic_load(&w1.done));
    SetEvent(b);
    pause_ms(30);
    CHECK(!atomic_load(&w1.done));      /* a was taken by W2 */
    SetEvent(a);
    CHECK(wait_until_equal(&w1.done, 1));
    CHECK_EQ_INT(WaitForSingleObject(a, 0), WAIT_TIMEOUT);
    CHECK_EQ_INT(WaitForSingleObject(b, 0), WAIT_TIMEOUT);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    CloseHandle(a);
    CloseHandle(b);
}

TEST(wait_all_refuses_the_same_handle_twice)
{
    HANDLE e = CreateEvent(NULL, TRUE, TRUE, NULL);
    HANDLE h[2] = { e, e };
    SetLastError(0);
    CHECK_EQ_INT(WaitForMultipleObjects(2, h, TRUE, 0), WAIT_FAILED);
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_PARAMETER);
    CloseHandle(e);
}

TEST(handle_counts_outside_1_to_64_are_refused)
{
    HANDLE h[MAXIMUM_WAIT_OBJECTS + 1];
    for (int i = 0; i <= MAXIMUM_WAIT_OBJECTS; i++)
        h[i] = CreateEvent(NULL, TRUE, FALSE, NULL);
    SetLastError(0);
    CHECK_EQ_INT(WaitForMultipleObjects(0, h, FALSE, 0), WAIT_FAILED);
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    CHECK_EQ_INT(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS + 1, h, FALSE, 0), WAIT_FAILED);
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_PARAMETER);
    SetLastError(0);
    CHECK_EQ_INT(WaitForMultipleObjectsEx(2, NULL, FALSE, 0, TRUE), WAIT_FAILED);
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_PARAMETER);
    /* 64 is fine, for any and for all, and the last index is reported. */
    CHECK_EQ_INT(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, h, FALSE, 0), WAIT_TIMEOUT);
    SetEvent(h[MAXIMUM_WAIT_OBJECTS - 1]);
    CHECK_EQ_INT(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, h, FALSE, 0), WAIT_OBJECT_0 + MAXIMUM_WAIT_OBJECTS - 1);
    for (int i = 0; i < MAXIMUM_WAIT_OBJECTS; i++)
        SetEvent(h[i]);
    CHECK_EQ_INT(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, h, TRUE, 1000), WAIT_OBJECT_0);
    for (int i = 0; i <= MAXIMUM_WAIT_OBJECTS; i++)
        CloseHandle(h[i]);
}

TEST(a_bad_handle_among_several_fails_the_wait)
{
    HANDLE e = CreateEvent(NULL, TRUE, TRUE, NULL);
    HANDLE gone = CreateEvent(NULL, TRUE, TRUE, NULL);
    CloseHandle(gone);
    HANDLE h[2] = { e, gone };
    SetLastError(0);
    CHECK_EQ_INT(WaitForMultipleObjects(2, h, FALSE, 0), WAIT_FAILED);
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_HANDLE);
    CloseHandle(e);
}

/* ------------------------------------------------------------------ many threads at once */

typedef struct pingpong {
    HANDLE ping, pong;
    int rounds;
} pingpong;

static void *ponger(void *p)
{
    pingpong *pp = p;
    for (int i = 0; i < pp->rounds; i++) {
        if (WaitForSingleObject(pp->ping, INFINITE) != WAIT_OBJECT_0)
            break;
        SetEvent(pp->pong);
    }
    return NULL;
}

TEST(ping_pong_between_threads_loses_no_set)
{
    enum { PAIRS = 4, ROUNDS = 2000 };
    pingpong pp[PAIRS];
    pthread_t threads[PAIRS];
    for (int i = 0; i < PAIRS; i++) {
        pp[i].ping = CreateEvent(NULL, FALSE, FALSE, NULL);
        pp[i].pong = CreateEvent(NULL, FALSE, FALSE, NULL);
        pp[i].rounds = ROUNDS;
        threads[i] = start_thread(ponger, &pp[i]);
    }
    int completed = 0;
    for (int r = 0; r < ROUNDS; r++) {
        for (int i = 0; i < PAIRS; i++)
            SetEvent(pp[i].ping);
        HANDLE pongs[PAIRS];
        for (int i = 0; i < PAIRS; i++)
            pongs[i] = pp[i].pong;
        if (WaitForMultipleObjects(PAIRS, pongs, TRUE, 10000) == WAIT_OBJECT_0)
            completed++;
    }
    CHECK_EQ_INT(completed, ROUNDS);
    for (int i = 0; i < PAIRS; i++) {
        pthread_join(threads[i], NULL);
        CloseHandle(pp[i].ping);
        CloseHandle(pp[i].pong);
    }
}

int main(void)
{
    RUN(create_event_gives_a_handle_and_clears_last_error);
    RUN(named_events_are_refused_as_not_supported);
    RUN(security_attributes_are_accepted);
    RUN(initial_state_is_honoured);
    RUN(create_event_ex_flags);
    RUN(manual_reset_stays_set_until_reset);
    RUN(auto_reset_is_taken_by_one_wait);
    RUN(pulse_without_waiters_leaves_the_event_reset);
    RUN(wait_times_out_after_the_interval);
    RUN(infinite_wait_ends_when_another_thread_sets);
    RUN(timed_wait_ends_early_when_set);
    RUN(auto_reset_set_releases_exactly_one_waiter);
    RUN(manual_reset_set_releases_every_waiter);
    RUN(pulse_releases_current_waiters_and_resets);
    RUN(waiters_of_an_auto_reset_event_are_released_in_arrival_order);
    RUN(wait_any_returns_the_lowest_signalled_index);
    RUN(wait_any_reports_the_object_set_during_the_wait);
    RUN(wait_any_accepts_the_same_handle_twice);
    RUN(wait_all_needs_every_object_and_takes_none_until_then);
    RUN(wait_all_acquires_every_object_atomically);
    RUN(wait_all_leaves_the_object_to_a_waiter_it_cannot_use_yet);
    RUN(wait_all_refuses_the_same_handle_twice);
    RUN(handle_counts_outside_1_to_64_are_refused);
    RUN(a_bad_handle_among_several_fails_the_wait);
    RUN(ping_pong_between_threads_loses_no_set);
    return test_exit();
}
