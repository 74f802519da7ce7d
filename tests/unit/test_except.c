/*
 * RPC exceptions: RpcTryExcept / RpcTryFinally / RpcRaiseException across calls, filters,
 * nesting, per-thread chains, `return` out of a try block, unhandled exceptions; and code written
 * like Microsoft's documentation compiling cleanly at -O2 -Wall -Wextra -Werror with gcc and
 * clang and running as documented.
 */
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rpc.h>

#include "test.h"

#include "except_msdoc_example.c"

/* Raises `code` unless it is 0 (so the compiler cannot treat it as never returning). */
static __attribute__((noinline)) void raise_in_callee(long code)
{
    if (code != 0)
        RpcRaiseException(code);
}

static __attribute__((noinline)) void deep(int depth, long code)
{
    if (depth == 0)
        raise_in_callee(code);
    else
        deep(depth - 1, code);
}

TEST(an_exception_raised_deep_in_callees_reaches_the_handler)
{
    volatile int reached_after = 0, handled = 0;
    unsigned long code = 0;
    RpcTryExcept
    {
        deep(20, RPC_S_SERVER_UNAVAILABLE);
        reached_after = 1;
    }
    RpcExcept(1)
    {
        code = RpcExceptionCode();
        handled = 1;
    }
    RpcEndExcept
    CHECK(!reached_after);
    CHECK(handled);
    CHECK_EQ_INT(code, RPC_S_SERVER_UNAVAILABLE);
}

TEST(no_exception_skips_the_handler)
{
    volatile int handled = 0, body = 0;
    RpcTryExcept
    {
        body = 1;
    }
    RpcExcept(1)
    {
        handled = 1;
    }
    RpcEndExcept
    CHECK(body);
    CHECK(!handled);
}

TEST(continue_search_passes_the_exception_outwards)
{
    volatile int inner = 0, outer = 0;
    unsigned long code = 0;
    RpcTryExcept
    {
        RpcTryExcept
        {
            raise_in_callee(1234);
        }
        RpcExcept(RpcExceptionCode() == 99 ? EXCEPTION_EXECUTE_HANDLER : EXCEPTION_CONTINUE_SEARCH)
        {
            inner = 1;
        }
        RpcEndExcept
    }
    RpcExcept(EXCEPTION_EXECUTE_HANDLER)
    {
        outer = 1;
        code = RpcExceptionCode();
    }
    RpcEndExcept
    CHECK(!inner);
    CHECK(outer);
    CHECK_EQ_INT(code, 1234);
}

TEST(rpc_exception_filter_searches_past_processor_faults_only)
{
    CHECK_EQ_INT(RpcExceptionFilter(STATUS_ACCESS_VIOLATION), EXCEPTION_CONTINUE_SEARCH);
    CHECK_EQ_INT(RpcExceptionFilter(STATUS_STACK_OVERFLOW), EXCEPTION_CONTINUE_SEARCH);
    CHECK_EQ_INT(RpcExceptionFilter(STATUS_BREAKPOINT), EXCEPTION_CONTINUE_SEARCH);
    CHECK_EQ_INT(RpcExceptionFilter(RPC_S_CALL_FAILED), EXCEPTION_EXECUTE_HANDLER);
    CHECK_EQ_INT(RpcExceptionFilter(RPC_X_BAD_STUB_DATA), EXCEPTION_EXECUTE_HANDLER);
    CHECK_EQ_INT(RpcExceptionFilter(0x12345678), EXCEPTION_EXECUTE_HANDLER);
}

TEST(finally_runs_on_both_paths_and_the_exception_continues)
{
    volatile int finally_normal = -1, finally_raised = -1, caught = 0;
    RpcTryFinally
    {
    }
    RpcFinally
    {
        finally_normal = RpcAbnormalTermination();
    }
    RpcEndFinally
    CHECK_EQ_INT(finally_normal, 0);

    RpcTryExcept
    {
        RpcTryFinally
        {
            raise_in_callee(77);
        }
        RpcFinally
        {
            finally_raised = RpcAbnormalTermination();
        }
        RpcEndFinally
    }
    RpcExcept(1)
    {
        caught = (int)RpcExceptionCode();
    }
    RpcEndExcept
    CHECK_EQ_INT(finally_raised, 1);
    CHECK_EQ_INT(caught, 77);
}

TEST(an_exception_raised_in_a_handler_goes_to_the_enclosing_block)
{
    volatile int outer_code = 0;
    RpcTryExcept
    {
        RpcTryExcept
        {
            raise_in_callee(1);
        }
        RpcExcept(1)
        {
            raise_in_callee(2);
        }
        RpcEndExcept
    }
    RpcExcept(1)
    {
        outer_code = (int)RpcExceptionCode();
    }
    RpcEndExcept
    CHECK_EQ_INT(outer_code, 2);
}

TEST(exception_codes_are_32_bit_values)
{
    unsigned long code = 0;
    RpcTryExcept
    {
        raise_in_callee((long)(int)0x80010002);    /* an HRESULT passed as a negative int */
    }
    RpcExcept(1)
    {
        code = RpcExceptionCode();
    }
    RpcEndExcept
    CHECK_EQ_INT(code, 0x80010002UL);
}

/* `return` from inside a try block: the frame must leave the chain with it. */
static __attribute__((noinline)) int returns_from_try(int x)
{
    RpcTryExcept
    {
        if (x > 0)
            return x * 2;
    }
    RpcExcept(1)
    {
        return -1;
    }
    RpcEndExcept
    return 0;
}

TEST(return_inside_a_try_block_leaves_no_stale_frame)
{
    volatile int outer = 0;
    RpcTryExcept
    {
        CHECK_EQ_INT(returns_from_try(21), 42);
        /* Had the returned function's frame stayed on the chain, this would jump into it. */
        deep(5, 555);
    }
    RpcExcept(1)
    {
        outer = (int)RpcExceptionCode();
    }
    RpcEndExcept
    CHECK_EQ_INT(outer, 555);
}

TEST(break_and_continue_inside_a_try_block_leave_no_stale_frame)
{
    volatile int iterations = 0, caught = 0;
    for (int i = 0; i < 10; i++) {
        RpcTryExcept
        {
            iterations++;
            if (i == 1)
                continue;
            if (i == 3)
                break;
        }
        RpcExcept(1)
        {
        }
        RpcEndExcept
    }
    CHECK_EQ_INT(iterations, 4);
    RpcTryExcept
    {
        raise_in_callee(9);
    }
    RpcExcept(1)
    {
        caught = (int)RpcExceptionCode();
    }
    RpcEndExcept
    CHECK_EQ_INT(caught, 9);
}

/* Runs `fn` in a child process; returns its stderr and whether it died of SIGABRT. */
static bool child_aborts(void (*fn)(void), char *err, size_t err_size)
{
    int fds[2];
    if (pipe(fds) != 0)
        return false;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        signal(SIGABRT, SIG_DFL);
        fn();
        _exit(0);
    }
    close(fds[1]);
    size_t n = 0;
    ssize_t got;
    while (n + 1 < err_size && (got = read(fds[0], err + n, err_size - 1 - n)) > 0)
        n += (size_t)got;
    err[n] = 0;
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void unhandled(void)
{
    raise_in_callee(1726);
}

static __attribute__((noinline)) void return_inside_finally(void)
{
    RpcTryFinally
    {
        if (getpid() > 0)
            return;
    }
    RpcFinally
    {
    }
    RpcEndFinally
}

TEST(an_unhandled_exception_aborts_naming_its_code)
{
    char err[512];
    CHECK(child_aborts(unhandled, err, sizeof err));
    CHECK(strstr(err, "unhandled RPC exception 1726") != NULL);
}

TEST(return_out_of_try_finally_stops_instead_of_skipping_finally)
{
    char err[512];
    CHECK(child_aborts(return_inside_finally, err, sizeof err));
    CHECK(strstr(err, "RpcTryFinally") != NULL);
    CHECK(strstr(err, "test_except.c") != NULL);
}

/* Each thread has its own chain. */
static void *thread_body(void *arg)
{
    long base = (long)(intptr_t)arg;
    long sum = 0;
    for (int i = 0; i < 2000; i++) {
        RpcTryExcept
        {
            deep(i % 7, base + i);
        }
        RpcExcept(1)
        {
            if ((long)RpcExceptionCode() == base + i)
                sum++;
        }
        RpcEndExcept
    }
    return (void *)(intptr_t)sum;
}

TEST(threads_have_separate_handler_chains)
{
    pthread_t t[4];
    for (long i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, thread_body, (void *)(intptr_t)((i + 1) * 100000));
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        CHECK_EQ_INT((intptr_t)r, 2000);
    }
}

TEST(locals_modified_in_the_try_block_keep_their_values)
{
    volatile int v = 1;          /* volatile: the portable rule (required with clang) */
    int plain = 1;
    RpcTryExcept
    {
        v = 2;
        plain = 2;
        raise_in_callee(5);
    }
    RpcExcept(1)
    {
    }
    RpcEndExcept
    CHECK_EQ_INT(v, 2);
#ifndef __clang__
    /* With gcc, __builtin_setjmp keeps non-volatile locals exact as well. */
    CHECK_EQ_INT(plain, 2);
#else
    (void)plain;
#endif
}

TEST(documentation_style_code_runs_as_documented)
{
    const char *out = msdoc_main();
    const char *expected =
        "Runtime reported exception 0x6ba = 1722\n"
        "filtered exception 1722\n"
        "call 2 failed with 1726\n"
        "call 5 failed with 1726\n"
        "finally, abnormal=1\n"
        "outer caught 1722\n"
        "total 80, calls 9, free 0\n";
    CHECK(strcmp(out, expected) == 0);
    if (strcmp(out, expected) != 0)
        printf("#   got:\n%s", out);
}

static int compile(const char *cc)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "%s -std=c11 -O2 -Wall -Wextra -Werror -Iruntime/include -c "
             "-o /dev/null tests/unit/except_msdoc_example.c", cc);
    return system(cmd);
}

TEST(documentation_style_code_compiles_cleanly_with_gcc_at_O2)
{
    CHECK_EQ_INT(compile("gcc -Wclobbered"), 0);
}

TEST(documentation_style_code_compiles_cleanly_with_clang_at_O2)
{
    CHECK_EQ_INT(compile("clang"), 0);
}

int main(void)
{
    RUN(an_exception_raised_deep_in_callees_reaches_the_handler);
    RUN(no_exception_skips_the_handler);
    RUN(continue_search_passes_the_exception_outwards);
    RUN(rpc_exception_filter_searches_past_processor_faults_only);
    RUN(finally_runs_on_both_paths_and_the_exception_continues);
    RUN(an_exception_raised_in_a_handler_goes_to_the_enclosing_block);
    RUN(exception_codes_are_32_bit_values);
    RUN(return_inside_a_try_block_leaves_no_stale_frame);
    RUN(break_and_continue_inside_a_try_block_leave_no_stale_frame);
    RUN(an_unhandled_exception_aborts_naming_its_code);
    RUN(return_out_of_try_finally_stops_instead_of_skipping_finally);
    RUN(threads_have_separate_handler_chains);
    RUN(locals_modified_in_the_try_block_keep_their_values);
    RUN(documentation_style_code_runs_as_documented);
    RUN(documentation_style_code_compiles_cleanly_with_gcc_at_O2);
    RUN(documentation_style_code_compiles_cleanly_with_clang_at_O2);
    return test_exit();
}
