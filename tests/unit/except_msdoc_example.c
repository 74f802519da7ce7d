/*
 * Client code written the way Microsoft's RPC documentation writes it (the Hello client, the
 * exception-filter example, a try/finally around a call, a loop of calls), with only the
 * Windows include changed. tests/unit/test_except.c compiles this file with gcc and clang at
 * -O2 -Wall -Wextra -Werror, and includes it to run msdoc_main (main, in the examples).
 *
 * The "remote procedures" here raise exceptions the way a stub does when a call fails.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <rpc.h>

static unsigned long calls_made;

/* Stands in for the examples' printf, so the test can read what was printed. */
static char printed[1024];
static size_t printed_len;

static void say(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(printed + printed_len, sizeof printed - printed_len, format, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < sizeof printed - printed_len)
        printed_len += (size_t)n;
}

static void HelloProc(unsigned char *pszString)
{
    (void)pszString;
    calls_made++;
    RpcRaiseException(RPC_S_SERVER_UNAVAILABLE);
}

static void Shutdown(void)
{
    calls_made++;
}

static long Fetch(long n)
{
    calls_made++;
    if (n % 3 == 2)
        RpcRaiseException(RPC_S_CALL_FAILED);
    return n * 10;
}

const char *msdoc_main(void)
{
    RPC_STATUS status;
    unsigned char *pszUuid = NULL;
    unsigned char *pszProtocolSequence = (unsigned char *)"ncacn_ip_tcp";
    unsigned char *pszNetworkAddress = NULL;
    unsigned char *pszEndpoint = (unsigned char *)"8765";
    unsigned char *pszOptions = NULL;
    unsigned char *pszStringBinding = NULL;
    unsigned char *pszString = (unsigned char *)"hello, world";
    unsigned long ulCode;
    long total = 0;
    int i;

    status = RpcStringBindingCompose(pszUuid, pszProtocolSequence, pszNetworkAddress,
                                     pszEndpoint, pszOptions, &pszStringBinding);
    if (status)
        exit((int)status);

    RpcTryExcept
    {
        HelloProc(pszString);
        Shutdown();
    }
    RpcExcept(1)
    {
        ulCode = RpcExceptionCode();
        say("Runtime reported exception 0x%lx = %ld\n", ulCode, ulCode);
    }
    RpcEndExcept

    RpcTryExcept
    {
        HelloProc(pszString);
    }
    RpcExcept(((RpcExceptionCode() != STATUS_ACCESS_VIOLATION) &&
               (RpcExceptionCode() != STATUS_DATATYPE_MISALIGNMENT) &&
               (RpcExceptionCode() != STATUS_PRIVILEGED_INSTRUCTION) &&
               (RpcExceptionCode() != STATUS_BREAKPOINT) &&
               (RpcExceptionCode() != STATUS_STACK_OVERFLOW) &&
               (RpcExceptionCode() != STATUS_IN_PAGE_ERROR) &&
               (RpcExceptionCode() != STATUS_GUARD_PAGE_VIOLATION))
              ? EXCEPTION_EXECUTE_HANDLER : EXCEPTION_CONTINUE_SEARCH)
    {
        ulCode = RpcExceptionCode();
        say("filtered exception %ld\n", ulCode);
    }
    RpcEndExcept

    for (i = 0; i < 6; i++) {
        RpcTryExcept
        {
            total += Fetch(i);
        }
        RpcExcept(RpcExceptionFilter(RpcExceptionCode()))
        {
            say("call %d failed with %lu\n", i, RpcExceptionCode());
        }
        RpcEndExcept
    }

    RpcTryExcept
    {
        RpcTryFinally
        {
            HelloProc(pszString);
        }
        RpcFinally
        {
            say("finally, abnormal=%d\n", RpcAbnormalTermination() ? 1 : 0);
        }
        RpcEndFinally
    }
    RpcExcept(1)
    {
        say("outer caught %lu\n", RpcExceptionCode());
    }
    RpcEndExcept

    status = RpcStringFree(&pszStringBinding);
    say("total %ld, calls %lu, free %ld\n", total, calls_made, (long)status);
    return printed;
}
