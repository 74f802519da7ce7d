/*
 * The pollable descriptor (asidl_GetWaitableFd): readable exactly while the object is
 * signalled, for events, completion ports, message windows and threads; consuming through the
 * Windows API makes it unreadable again, reading it consumes nothing; it works in epoll from
 * another thread's signal; it is created once and closed with the handle.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/epoll.h>

#include "win_test.h"

TEST(event_fd_follows_a_manual_reset_event)
{
    HANDLE e = CreateEvent(NULL, TRUE, FALSE, NULL);
    int fd = asidl_GetWaitableFd(e);
    CHECK(fd >= 0);
    CHECK_EQ_INT(asidl_GetWaitableFd(e), fd);      /* one per object */
    CHECK(!fd_readable(fd));
    SetEvent(e);
    CHECK(fd_readable(fd));
    CHECK_EQ_INT(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
    CHECK(fd_readable(fd));                         /* manual reset: still set */
    ResetEvent(e);
    CHECK(!fd_readable(fd));
    PulseEvent(e);
    CHECK(!fd_readable(fd));
    CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    CloseHandle(e);
}

TEST(event_fd_follows_an_auto_reset_event)
{
    HANDLE e = CreateEvent(NULL, FALSE, TRUE, NULL);
    int fd = asidl_GetWaitableFd(e);
    CHECK(fd_readable(fd));                         /* created in the current state */
    CHECK_EQ_INT(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
    CHECK(!fd_readable(fd));                        /* the wait took it */
    SetEvent(e);
    CHECK(fd_readable(fd));
    CloseHandle(e);
}

TEST(reading_the_fd_consumes_nothing)
{
    HANDLE e = CreateEvent(NULL, FALSE, FALSE, NULL);
    int fd = asidl_GetWaitableFd(e);
    SetEvent(e);
    uint64_t value;
    errno = 0;
    CHECK(read(fd, &value, sizeof value) < 0);
    CHECK(fd_readable(fd));
    CHECK_EQ_INT(WaitForSingleObject(e, 0), WAIT_OBJECT_0);    /* the event is still set */
    CloseHandle(e);
}

TEST(wait_all_updates_the_fds_of_every_object_it_takes)
{
    HANDLE a = CreateEvent(NULL, FALSE, TRUE, NULL);
    HANDLE b = CreateEvent(NULL, FALSE, TRUE, NULL);
    int fa = asidl_GetWaitableFd(a), fb = asidl_GetWaitableFd(b);
    CHECK(fd_readable(fa) && fd_readable(fb));
    HANDLE h[2] = { a, b };
    CHECK_EQ_INT(WaitForMultipleObjects(2, h, TRUE, 0), WAIT_OBJECT_0);
    CHECK(!fd_readable(fa));
    CHECK(!fd_readable(fb));
    CloseHandle(a);
    CloseHandle(b);
}

TEST(port_fd_is_readable_while_packets_are_queued)
{
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    int fd = asidl_GetWaitableFd(port);
    CHECK(fd >= 0);
    CHECK(!fd_readable(fd));
    PostQueuedCompletionStatus(port, 1, 1, NULL);
    PostQueuedCompletionStatus(port, 2, 2, NULL);
    CHECK(fd_readable(fd));
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED ov;
    CHECK(GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0));
    CHECK(fd_readable(fd));                         /* one left */
    CHECK(GetQueuedCompletionStatus(port, &bytes, &key, &ov, 0));
    CHECK(!fd_readable(fd));
    CloseHandle(port);
}

TEST(window_fd_is_readable_while_its_messages_are_queued)
{
    HWND w = asidl_CreateMessageWindow();
    HWND other = asidl_CreateMessageWindow();
    int fd = asidl_GetWaitableFd((HANDLE)w);
    CHECK(fd >= 0);
    CHECK(!fd_readable(fd));
    PostMessage(other, WM_USER, 0, 0);
    CHECK(!fd_readable(fd));                        /* another window's message */
    PostMessage(w, WM_USER, 0, 0);
    CHECK(fd_readable(fd));
    MSG m;
    CHECK(PeekMessage(&m, w, 0, 0, PM_NOREMOVE));
    CHECK(fd_readable(fd));
    CHECK_EQ_INT(GetMessage(&m, w, 0, 0), TRUE);
    CHECK(!fd_readable(fd));
    PostMessage(w, WM_USER, 0, 0);
    CHECK(fd_readable(fd));
    asidl_DestroyMessageWindow(w);                  /* drops the message, closes the fd */
    errno = 0;
    CHECK(fcntl(fd, F_GETFD) < 0 && errno == EBADF);
    asidl_DestroyMessageWindow(other);
}

typedef struct exiter {
    HANDLE go;
    atomic_uint tid;
} exiter;

static void *exit_soon(void *p)
{
    exiter *x = p;
    atomic_store(&x->tid, GetCurrentThreadId());
    WaitForSingleObject(x->go, INFINITE);
    return NULL;
}

TEST(thread_fd_becomes_readable_when_the_thread_exits)
{
    exiter x = { .go = CreateEvent(NULL, TRUE, FALSE, NULL) };
    pthread_t t = start_thread(exit_soon, &x);
    while (!atomic_load(&x.tid))
        pause_ms(1);
    HANDLE h = OpenThread(SYNCHRONIZE, FALSE, atomic_load(&x.tid));
    CHECK(h != NULL);
    int fd = asidl_GetWaitableFd(h);
    CHECK(fd >= 0);
    CHECK(!fd_readable(fd));
    SetEvent(x.go);
    struct pollfd p = { .fd = fd, .events = POLLIN };
    CHECK_EQ_INT(poll(&p, 1, 10000), 1);
    pthread_join(t, NULL);
    CloseHandle(h);
    CloseHandle(x.go);
}

static void *set_after_pause(void *p)
{
    pause_ms(30);
    SetEvent((HANDLE)p);
    return NULL;
}

TEST(epoll_reports_a_signal_from_another_thread)
{
    HANDLE e = CreateEvent(NULL, FALSE, FALSE, NULL);
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 1 };
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, asidl_GetWaitableFd(e), &ev) == 0);
    ev.data.u64 = 2;
    CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, asidl_GetWaitableFd(port), &ev) == 0);
    struct epoll_event got[2];
    CHECK_EQ_INT(epoll_wait(ep, got, 2, 0), 0);
    pthread_t t = start_thread(set_after_pause, e);
    CHECK_EQ_INT(epoll_wait(ep, got, 2, 10000), 1);
    CHECK_EQ_INT(got[0].data.u64, 1);
    pthread_join(t, NULL);
    /* Level-triggered: it stays ready until consumed through the API. */
    CHECK_EQ_INT(epoll_wait(ep, got, 2, 0), 1);
    CHECK_EQ_INT(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
    CHECK_EQ_INT(epoll_wait(ep, got, 2, 0), 0);
    PostQueuedCompletionStatus(port, 0, 0, NULL);
    CHECK_EQ_INT(epoll_wait(ep, got, 2, 0), 1);
    CHECK_EQ_INT(got[0].data.u64, 2);
    close(ep);
    CloseHandle(e);
    CloseHandle(port);
}

TEST(fd_is_closed_with_the_handle)
{
    HANDLE e = CreateEvent(NULL, TRUE, TRUE, NULL);
    int fd = asidl_GetWaitableFd(e);
    CHECK(fd >= 0);
    CloseHandle(e);
    errno = 0;
    CHECK(fcntl(fd, F_GETFD) < 0 && errno == EBADF);
    SetLastError(0);
    CHECK_EQ_INT(asidl_GetWaitableFd(e), -1);
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_HANDLE);
}

TEST(fd_of_bad_handles)
{
    SetLastError(0);
    CHECK_EQ_INT(asidl_GetWaitableFd(NULL), -1);
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_HANDLE);
    SetLastError(0);
    CHECK_EQ_INT(asidl_GetWaitableFd(INVALID_HANDLE_VALUE), -1);
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_HANDLE);
    SetLastError(0);
    CHECK_EQ_INT(asidl_GetWaitableFd(GetCurrentThread()), -1);
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_HANDLE);
    SetLastError(0);
    CHECK_EQ_INT(asidl_GetWaitableFd((HANDLE)(uintptr_t)0x40000), -1);
    CHECK_EQ_INT(GetLastError(), ERROR_INVALID_HANDLE);
}

int main(void)
{
    RUN(event_fd_follows_a_manual_reset_event);
    RUN(event_fd_follows_an_auto_reset_event);
    RUN(reading_the_fd_consumes_nothing);
    RUN(wait_all_updates_the_fds_of_every_object_it_takes);
    RUN(port_fd_is_readable_while_packets_are_queued);
    RUN(window_fd_is_readable_while_its_messages_are_queued);
    RUN(thread_fd_becomes_readable_when_the_thread_exits);
    RUN(epoll_reports_a_signal_from_another_thread);
    RUN(fd_is_closed_with_the_handle);
    RUN(fd_of_bad_handles);
    return test_exit();
}
