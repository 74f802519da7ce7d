/*
 * Message windows: asidl_CreateMessageWindow / asidl_DestroyMessageWindow, IsWindow,
 * PostMessage from any thread, GetMessage and PeekMessage with window and range filters on
 * the owner thread's queue, WM_QUIT, the filled MSG fields, bad and foreign windows, the
 * queue quota, and windows destroyed with their owner thread.
 */
#include <rpc.h>

#include "win_test.h"

/* Empties the calling thread's queue (and its quit flag). */
static void drain_queue(void)
{
    MSG m;
    while (PeekMessage(&m, NULL, 0, 0, PM_REMOVE))
        ;
}

/* ------------------------------------------------------------------ windows */

TEST(create_and_destroy_windows)
{
    HWND a = asidl_CreateMessageWindow();
    HWND b = asidl_CreateMessageWindow();
    CHECK(a != NULL && b != NULL && a != b);
    CHECK(IsWindow(a) && IsWindow(b));
    CHECK(asidl_DestroyMessageWindow(a));
    CHECK(!IsWindow(a));
    CHECK(IsWindow(b));
    SetLastError(0);
    CHECK(!asidl_DestroyMessageWindow(a));
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_WINDOW_HANDLE);
    SetLastError(0);
    CHECK(!asidl_DestroyMessageWindow(NULL));
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_WINDOW_HANDLE);
    CHECK(!IsWindow(NULL));
    CHECK(!IsWindow((HWND)(uintptr_t)0xFFFF));
    /* A window is not a kernel handle: CloseHandle refuses it. */
    SetLastError(0);
    CHECK(!CloseHandle((HANDLE)b));
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_HANDLE);
    CHECK(IsWindow(b));
    CHECK(asidl_DestroyMessageWindow(b));
}

static void *destroy_foreign(void *p)
{
    HWND w = p;
    BOOL ok = asidl_DestroyMessageWindow(w);
    DWORD error = GetLastError();
    return (void *)(uintptr_t)(ok ? 0 : error);
}

TEST(only_the_owner_destroys_a_window)
{
    HWND w = asidl_CreateMessageWindow();
    pthread_t t = start_thread(destroy_foreign, w);
    void *error;
    pthread_join(t, &error);
    CHECK_EQ_INT((uintptr_t)error, ERROR_ACCESS_DENIED);
    CHECK(IsWindow(w));
    CHECK(asidl_DestroyMessageWindow(w));
}

/* ------------------------------------------------------------------ posting and reading */

TEST(get_message_fills_every_field)
{
    HWND w = asidl_CreateMessageWindow();
    int64_t before = now_ms();
    CHECK(PostMessage(w, WM_USER + 1, 0x1234, (LPARAM)-5));
    MSG m;
    memset(&m, 0xCC, sizeof m);
    CHECK_EQ_INT(GetMessage(&m, NULL, 0, 0), TRUE);
    CHECK(m.hwnd == w);
    CHECK_EQ_INT(m.message, WM_USER + 1);
    CHECK_EQ_INT(m.wParam, 0x1234);
    CHECK_EQ_INT(m.lParam, -5);
    CHECK_EQ_INT(m.pt.x, 0);
    CHECK_EQ_INT(m.pt.y, 0);
    /* time: the monotonic clock in milliseconds (GetTickCount's), when it was posted */
    DWORD after = (DWORD)now_ms();
    CHECK((DWORD)(m.time - (DWORD)before) <= (DWORD)(after - (DWORD)before));
    asidl_DestroyMessageWindow(w);
}

TEST(the_hwnd_notification_shape_round_trips)
{
    /* What RpcNotificationTypeHwnd posts: Msg, wParam 0, lParam the RPC_ASYNC_STATE pointer. */
    RPC_ASYNC_STATE state;
    state.u.HWND.hWnd = asidl_CreateMessageWindow();
    state.u.HWND.Msg = WM_APP + 3;
    CHECK(PostMessageW(state.u.HWND.hWnd, state.u.HWND.Msg, 0, (LPARAM)&state));
    MSG m;
    CHECK_EQ_INT(GetMessageW(&m, state.u.HWND.hWnd, WM_APP, WM_APP + 10), TRUE);
    CHECK((PRPC_ASYNC_STATE)m.lParam == &state);
    CHECK_EQ_INT(m.wParam, 0);
    asidl_DestroyMessageWindow(state.u.HWND.hWnd);
}

TEST(messages_come_out_in_posting_order)
{
    HWND w = asidl_CreateMessageWindow();
    for (UINT i = 0; i < 5; i++)
        CHECK(PostMessageA(w, WM_USER + i, i, 0));
    MSG m;
    for (UINT i = 0; i < 5; i++) {
        CHECK_EQ_INT(GetMessageA(&m, w, 0, 0), TRUE);
        CHECK_EQ_INT(m.message, WM_USER + i);
    }
    CHECK(!PeekMessage(&m, NULL, 0, 0, PM_REMOVE));
    asidl_DestroyMessageWindow(w);
}

TEST(peek_message_remove_and_noremove)
{
    HWND w = asidl_CreateMessageWindow();
    MSG m;
    CHECK(!PeekMessage(&m, NULL, 0, 0, PM_NOREMOVE));
    PostMessage(w, WM_USER, 1, 2);
    CHECK(PeekMessage(&m, NULL, 0, 0, PM_NOREMOVE));
    CHECK_EQ_INT(m.wParam, 1);
    CHECK(PeekMessageW(&m, w, 0, 0, PM_NOREMOVE | PM_NOYIELD));
    CHECK(PeekMessageA(&m, w, 0, 0, PM_REMOVE));
    CHECK_EQ_INT(m.lParam, 2);
    CHECK(!PeekMessage(&m, w, 0, 0, PM_REMOVE));
    asidl_DestroyMessageWindow(w);
}

TEST(range_filters_select_messages)
{
    HWND w = asidl_CreateMessageWindow();
    PostMessage(w, WM_USER + 1, 0, 0);
    PostMessage(w, WM_USER + 5, 0, 0);
    PostMessage(w, WM_APP, 0, 0);
    MSG m;
    /* Only the message inside [min, max], though it is not first in the queue. */
    CHECK(PeekMessage(&m, NULL, WM_APP, WM_APP, PM_REMOVE));
    CHECK_EQ_INT(m.message, WM_APP);
    CHECK(!PeekMessage(&m, NULL, WM_USER + 2, WM_USER + 4, PM_REMOVE));
    CHECK(PeekMessage(&m, NULL, WM_USER + 2, WM_USER + 5, PM_REMOVE));
    CHECK_EQ_INT(m.message, WM_USER + 5);
    CHECK_EQ_INT(GetMessage(&m, NULL, WM_USER + 1, WM_USER + 1), TRUE);
    CHECK_EQ_INT(m.message, WM_USER + 1);
    /* Bounds are inclusive; min > max matches nothing. */
    PostMessage(w, 0x500, 0, 0);
    CHECK(!PeekMessage(&m, NULL, 0x501, 0x500, PM_REMOVE));
    CHECK(PeekMessage(&m, NULL, 0x500, 0x500, PM_REMOVE));
    asidl_DestroyMessageWindow(w);
}

TEST(window_filters_select_messages)
{
    HWND a = asidl_CreateMessageWindow();
    HWND b = asidl_CreateMessageWindow();
    PostMessage(a, WM_USER + 1, 0, 0);
    PostMessage(b, WM_USER + 2, 0, 0);
    PostMessage(NULL, WM_USER + 3, 0, 0);       /* a thread message to this thread */
    MSG m;
    CHECK(PeekMessage(&m, b, 0, 0, PM_REMOVE));
    CHECK(m.hwnd == b && m.message == WM_USER + 2);
    CHECK(!PeekMessage(&m, b, 0, 0, PM_REMOVE));
    /* (HWND)-1: only thread messages. */
    CHECK(PeekMessage(&m, (HWND)(LONG_PTR)-1, 0, 0, PM_REMOVE));
    CHECK(m.hwnd == NULL && m.message == WM_USER + 3);
    CHECK(!PeekMessage(&m, (HWND)(LONG_PTR)-1, 0, 0, PM_REMOVE));
    /* NULL: every window of the thread. */
    CHECK_EQ_INT(GetMessage(&m, NULL, 0, 0), TRUE);
    CHECK(m.hwnd == a);
    asidl_DestroyMessageWindow(a);
    asidl_DestroyMessageWindow(b);
}

TEST(destroying_a_window_drops_its_messages)
{
    HWND a = asidl_CreateMessageWindow();
    HWND b = asidl_CreateMessageWindow();
    PostMessage(a, WM_USER + 1, 0, 0);
    PostMessage(b, WM_USER + 2, 0, 0);
    PostMessage(a, WM_USER + 3, 0, 0);
    asidl_DestroyMessageWindow(a);
    MSG m;
    CHECK(PeekMessage(&m, NULL, 0, 0, PM_REMOVE));
    CHECK(m.hwnd == b);
    CHECK(!PeekMessage(&m, NULL, 0, 0, PM_REMOVE));
    SetLastError(0);
    CHECK(!PostMessage(a, WM_USER, 0, 0));
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_WINDOW_HANDLE);
    asidl_DestroyMessageWindow(b);
}

/* ------------------------------------------------------------------ WM_QUIT */

TEST(quit_message_ends_get_message)
{
    HWND w = asidl_CreateMessageWindow();
    PostQuitMessage(7);
    PostMessage(w, WM_USER, 0, 0);
    MSG m;
    /* Posted messages first, then WM_QUIT. */
    CHECK_EQ_INT(GetMessage(&m, NULL, 0, 0), TRUE);
    CHECK_EQ_INT(m.message, WM_USER);
    /* WM_QUIT passes any filter; PM_NOREMOVE leaves it. */
    CHECK(PeekMessage(&m, NULL, WM_USER, WM_USER, PM_NOREMOVE));
    CHECK_EQ_INT(m.message, WM_QUIT);
    CHECK_EQ_INT(GetMessage(&m, w, WM_APP, WM_APP), FALSE);
    CHECK_EQ_INT(m.message, WM_QUIT);
    CHECK_EQ_INT(m.wParam, 7);
    CHECK(m.hwnd == NULL);
    /* Retrieved once. */
    CHECK(!PeekMessage(&m, NULL, 0, 0, PM_REMOVE));
    /* A WM_QUIT posted like any message also ends GetMessage. */
    PostMessage(w, WM_QUIT, 3, 0);
    CHECK_EQ_INT(GetMessage(&m, NULL, 0, 0), FALSE);
    CHECK_EQ_INT(m.wParam, 3);
    asidl_DestroyMessageWindow(w);
}

/* ------------------------------------------------------------------ errors */

static void *create_window_and_exit(void *p)
{
    HWND w = asidl_CreateMessageWindow();
    PostMessage(w, WM_USER, 0, 0);
    *(HWND *)p = w;
    return NULL;
}

TEST(bad_and_foreign_windows)
{
    MSG m;
    HWND gone = asidl_CreateMessageWindow();
    asidl_DestroyMessageWindow(gone);
    SetLastError(0);
    CHECK_EQ_INT(GetMessage(&m, gone, 0, 0), -1);
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_WINDOW_HANDLE);
    SetLastError(0);
    CHECK_EQ_INT(GetMessage(&m, (HWND)(uintptr_t)0x1235, 0, 0), -1);
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_WINDOW_HANDLE);
    SetLastError(0);
    CHECK(!PeekMessage(&m, gone, 0, 0, PM_REMOVE));
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_WINDOW_HANDLE);
    SetLastError(0);
    CHECK_EQ_INT(GetMessage(NULL, NULL, 0, 0), -1);
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK(!PeekMessage(NULL, NULL, 0, 0, PM_REMOVE));
    SetLastError(0);
    CHECK(!PostMessage((HWND)(uintptr_t)0xFFFF, WM_USER, 0, 0));    /* HWND_BROADCAST: no such window */
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_WINDOW_HANDLE);

    /* A window of another thread is not one this thread can read, and it dies with its owner. */
    HWND foreign = NULL;
    pthread_t t = start_thread(create_window_and_exit, &foreign);
    pthread_join(t, NULL);
    CHECK(foreign != NULL);
    CHECK(!IsWindow(foreign));
    SetLastError(0);
    CHECK(!PostMessage(foreign, WM_USER, 0, 0));
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_WINDOW_HANDLE);
    SetLastError(0);
    CHECK_EQ_INT(GetMessage(&m, foreign, 0, 0), -1);
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_WINDOW_HANDLE);
}

typedef struct owner {
    HWND window;
    HANDLE go, done;
    atomic_int ready;
} owner;

static void *own_a_window(void *p)
{
    owner *o = p;
    o->window = asidl_CreateMessageWindow();
    atomic_store(&o->ready, 1);
    WaitForSingleObject(o->go, INFINITE);
    return NULL;
}

TEST(reading_another_threads_window_is_refused)
{
    owner o = { .go = CreateEvent(NULL, TRUE, FALSE, NULL) };
    pthread_t t = start_thread(own_a_window, &o);
    CHECK(wait_until_equal(&o.ready, 1));
    CHECK(PostMessage(o.window, WM_USER, 0, 0));    /* posting from here is fine */
    MSG m;
    SetLastError(0);
    CHECK_EQ_INT(GetMessage(&m, o.window, 0, 0), -1);
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_WINDOW_HANDLE);
    CHECK(!PeekMessage(&m, o.window, 0, 0, PM_REMOVE));
    /* And this thread's NULL-window read does not see it. */
    CHECK(!PeekMessage(&m, NULL, 0, 0, PM_REMOVE));
    SetEvent(o.go);
    pthread_join(t, NULL);
    CHECK(!IsWindow(o.window));                     /* destroyed with its owner, message and all */
    CloseHandle(o.go);
}

TEST(the_queue_has_a_quota)
{
    HWND w = asidl_CreateMessageWindow();
    int posted = 0;
    while (posted < 20000 && PostMessage(w, WM_USER, (WPARAM)posted, 0))
        posted++;
    CHECK_EQ_INT(posted, 10000);
    CHECK_EQ_INT(GetLastError(), ERROR_NOT_ENOUGH_QUOTA);
    MSG m;
    CHECK(PeekMessage(&m, NULL, 0, 0, PM_REMOVE));
    CHECK_EQ_INT(m.wParam, 0);
    CHECK(PostMessage(w, WM_USER, 1, 0));           /* room again */
    asidl_DestroyMessageWindow(w);                  /* drops the rest (valgrind: no leak) */
    drain_queue();
}

/* ------------------------------------------------------------------ across threads */

typedef struct poster {
    HWND window;
    UINT first_msg, second_msg;
    int delay_ms;
} poster;

static void *post_later(void *p)
{
    poster *ps = p;
    pause_ms(ps->delay_ms);
    PostMessage(ps->window, ps->first_msg, 1, 0);
    pause_ms(ps->delay_ms);
    PostMessage(ps->window, ps->second_msg, 2, 0);
    return NULL;
}

TEST(get_message_blocks_until_a_matching_post_arrives)
{
    HWND w = asidl_CreateMessageWindow();
    poster ps = { w, WM_USER + 1, WM_USER + 2, 30 };
    pthread_t t = start_thread(post_later, &ps);
    MSG m;
    /* Waits past the non-matching first message for the second. */
    int64_t t0 = now_ms();
    CHECK_EQ_INT(GetMessage(&m, w, WM_USER + 2, WM_USER + 2), TRUE);
    CHECK(now_ms() - t0 >= 50);
    CHECK_EQ_INT(m.wParam, 2);
    pthread_join(t, NULL);
    CHECK(PeekMessage(&m, NULL, 0, 0, PM_REMOVE));
    CHECK_EQ_INT(m.message, WM_USER + 1);
    asidl_DestroyMessageWindow(w);
}

static void CALLBACK count_apc(ULONG_PTR data)
{
    atomic_fetch_add((atomic_int *)data, 1);
}

typedef struct reader {
    HWND window;
    DWORD tid;
    BOOL result;
    MSG msg;
    int apcs_after;
    atomic_int ran;
    atomic_int ready, done;
} reader;

static void *read_one(void *p)
{
    reader *r = p;
    r->window = asidl_CreateMessageWindow();
    r->tid = GetCurrentThreadId();
    atomic_store(&r->ready, 1);
    r->result = GetMessage(&r->msg, NULL, 0, 0);
    r->apcs_after = atomic_load(&r->ran);
    SleepEx(0, TRUE);           /* the APC runs here, not inside GetMessage */
    atomic_store(&r->done, 1);
    asidl_DestroyMessageWindow(r->window);
    return NULL;
}

TEST(get_message_is_not_alertable)
{
    reader r = { 0 };
    pthread_t t = start_thread(read_one, &r);
    CHECK(wait_until_equal(&r.ready, 1));
    CHECK(wait_until_waiting(r.tid, ASIDL_WAIT_MESSAGE));
    HANDLE h = OpenThread(THREAD_SET_CONTEXT, FALSE, r.tid);
    CHECK(QueueUserAPC(count_apc, h, (ULONG_PTR)&r.ran) != 0);
    pause_ms(30);
    CHECK(thread_is_waiting(r.tid, ASIDL_WAIT_MESSAGE));
    CHECK(PostMessage(r.window, WM_USER + 9, 0, 0));
    pthread_join(t, NULL);
    CHECK_EQ_INT(r.result, TRUE);
    CHECK_EQ_INT(r.msg.message, WM_USER + 9);
    CHECK_EQ_INT(r.apcs_after, 0);
    CHECK_EQ_INT(atomic_load(&r.ran), 1);
    CloseHandle(h);
}

typedef struct blaster {
    HWND window;
    int count;
} blaster;

static void *post_many(void *p)
{
    blaster *b = p;
    for (int i = 0; i < b->count; i++)
        while (!PostMessage(b->window, WM_USER, (WPARAM)i, 0))
            pause_ms(1);        /* quota reached: let the reader catch up */
    return NULL;
}

TEST(many_posters_lose_no_message)
{
    enum { POSTERS = 4, EACH = 5000 };
    HWND w = asidl_CreateMessageWindow();
    blaster b = { w, EACH };
    pthread_t threads[POSTERS];
    for (int i = 0; i < POSTERS; i++)
        threads[i] = start_thread(post_many, &b);
    long long sum = 0;
    MSG m;
    for (int i = 0; i < POSTERS * EACH; i++) {
        if (GetMessage(&m, w, 0, 0) != TRUE)
            break;
        sum += (long long)m.wParam;
    }
    for (int i = 0; i < POSTERS; i++)
        pthread_join(threads[i], NULL);
    CHECK_EQ_INT(sum, (long long)POSTERS * EACH * (EACH - 1) / 2);
    CHECK(!PeekMessage(&m, NULL, 0, 0, PM_REMOVE));
    asidl_DestroyMessageWindow(w);
}

TEST(a_window_is_waitable_while_messages_are_queued)
{
    HWND w = asidl_CreateMessageWindow();
    CHECK_EQ_INT(WaitForSingleObject((HANDLE)w, 0), WAIT_TIMEOUT);
    PostMessage(w, WM_USER, 0, 0);
    CHECK_EQ_INT(WaitForSingleObject((HANDLE)w, 0), WAIT_OBJECT_0);
    CHECK_EQ_INT(WaitForSingleObject((HANDLE)w, 0), WAIT_OBJECT_0);   /* took nothing */
    MSG m;
    CHECK(PeekMessage(&m, w, 0, 0, PM_REMOVE));
    CHECK_EQ_INT(WaitForSingleObject((HANDLE)w, 0), WAIT_TIMEOUT);
    asidl_DestroyMessageWindow(w);
}

int main(void)
{
    RUN(create_and_destroy_windows);
    RUN(only_the_owner_destroys_a_window);
    RUN(get_message_fills_every_field);
    RUN(the_hwnd_notification_shape_round_trips);
    RUN(messages_come_out_in_posting_order);
    RUN(peek_message_remove_and_noremove);
    RUN(range_filters_select_messages);
    RUN(window_filters_select_messages);
    RUN(destroying_a_window_drops_its_messages);
    RUN(quit_message_ends_get_message);
    RUN(bad_and_foreign_windows);
    RUN(reading_another_threads_window_is_refused);
    RUN(the_queue_has_a_quota);
    RUN(get_message_blocks_until_a_matching_post_arrives);
    RUN(get_message_is_not_alertable);
    RUN(many_posters_lose_no_message);
    RUN(a_window_is_waitable_while_messages_are_queued);
    return test_exit();
}
