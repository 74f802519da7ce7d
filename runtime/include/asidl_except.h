/*
 * asidl_except.h: RPC exceptions as Microsoft's rpc.h spells them, for C on Linux.
 *
 *     RpcTryExcept { ... } RpcExcept(filter) { ... RpcExceptionCode() ... } RpcEndExcept
 *     RpcTryFinally { ... } RpcFinally { ... RpcAbnormalTermination() ... } RpcEndFinally
 *     RpcRaiseException(code);
 *
 * Windows implements these with structured exception handling; asidl with a per-thread chain
 * of frames, one per block, each holding a jump buffer. RpcRaiseException (called by the
 * runtime, by stubs, or by the program) jumps to the innermost frame: an RpcFinally block runs
 * and the exception continues outwards; an RpcExcept filter is evaluated and, if it is not
 * EXCEPTION_EXECUTE_HANDLER, the exception continues outwards too. An exception no frame
 * handles prints its code and aborts the process (Windows terminates it too).
 *
 * Differences a program written for Windows should know (docs/runtime-design.md, "Exceptions"):
 *
 *  - Local variables modified inside the try block and read in the handler or after it keep
 *    their latest value when compiled with gcc (asidl uses gcc's __builtin_setjmp, which makes
 *    every call in the block an edge to the handler, so gcc keeps them in memory and never
 *    warns with -Wclobbered). With clang they follow the C rule for setjmp: declare such
 *    variables volatile. Variables only set before the block, or only inside the handler, need
 *    nothing, which covers the code in Microsoft's examples.
 *  - `return`, `break`, `continue` and `goto` out of an RpcTryExcept block are safe: the frame
 *    is removed on the way out (a cleanup attribute). Leaving an RpcTryFinally block that way
 *    would skip RpcFinally, which Windows would run; asidl cannot run it, so it stops the
 *    process with a message naming the block rather than continue without it.
 *  - A filter is evaluated after inner RpcFinally blocks have run (Windows evaluates filters
 *    first). EXCEPTION_CONTINUE_EXECUTION cannot resume execution and is treated as
 *    EXCEPTION_CONTINUE_SEARCH.
 *  - Processor faults (access violations, ...) are signals on Linux and are not turned into RPC
 *    exceptions. In C++ code, do not let an RPC exception jump over objects with destructors.
 */
#ifndef ASIDL_EXCEPT_H
#define ASIDL_EXCEPT_H

#include "asidl_base.h"

ASIDL_EXTERN_C_BEGIN

/* excpt.h: what an exception filter returns. */
#ifndef EXCEPTION_EXECUTE_HANDLER
#define EXCEPTION_EXECUTE_HANDLER 1
#define EXCEPTION_CONTINUE_SEARCH 0
#define EXCEPTION_CONTINUE_EXECUTION (-1)
#endif

/* The processor exception codes RPC exception filters commonly test (winnt.h on Windows). */
#ifndef STATUS_ACCESS_VIOLATION
#define STATUS_DATATYPE_MISALIGNMENT 0x80000002UL
#define STATUS_BREAKPOINT 0x80000003UL
#define STATUS_ACCESS_VIOLATION 0xC0000005UL
#define STATUS_IN_PAGE_ERROR 0xC0000006UL
#define STATUS_ILLEGAL_INSTRUCTION 0xC000001DUL
#define STATUS_PRIVILEGED_INSTRUCTION 0xC0000096UL
#define STATUS_INSTRUCTION_MISALIGNMENT 0xC00000AAUL
#define STATUS_STACK_OVERFLOW 0xC00000FDUL
#define STATUS_POSSIBLE_DEADLOCK 0xC0000194UL
#define STATUS_GUARD_PAGE_VIOLATION 0x80000001UL
#endif

/* One RpcTryExcept or RpcTryFinally block. Lives in the block's stack frame; only the macros
 * and the runtime touch it. */
typedef struct asidl_exc_frame {
    struct asidl_exc_frame *prev;
    void *jump[5];              /* __builtin_setjmp's buffer: five words */
    volatile unsigned long code;
    volatile int state;
    int is_finally;
    const char *file;
    int line;
} asidl_exc_frame;

ASIDL_API void asidl_exc_enter(asidl_exc_frame *frame, int is_finally, const char *file, int line);
ASIDL_API void asidl_exc_leave_try(asidl_exc_frame *frame);
ASIDL_API int asidl_exc_filter(asidl_exc_frame *frame, int verdict);
ASIDL_API void asidl_exc_end_finally(asidl_exc_frame *frame);
ASIDL_API void asidl_exc_scope_exit(asidl_exc_frame *frame);

#define ASIDL_EXC_RAISED 3

#define RpcTryExcept                                                                        \
    {                                                                                       \
        asidl_exc_frame asidl__except_frame __attribute__((cleanup(asidl_exc_scope_exit))); \
        asidl_exc_enter(&asidl__except_frame, 0, __FILE__, __LINE__);                       \
        if (__builtin_setjmp(asidl__except_frame.jump) == 0) {

#define RpcExcept(filter)                                                                   \
            asidl_exc_leave_try(&asidl__except_frame);                                      \
        } else if (asidl_exc_filter(&asidl__except_frame, (filter))) {

#define RpcEndExcept                                                                        \
        }                                                                                   \
    }

#define RpcTryFinally                                                                       \
    {                                                                                       \
        asidl_exc_frame asidl__finally_frame __attribute__((cleanup(asidl_exc_scope_exit)));\
        asidl_exc_enter(&asidl__finally_frame, 1, __FILE__, __LINE__);                      \
        if (__builtin_setjmp(asidl__finally_frame.jump) == 0) {

#define RpcFinally                                                                          \
            asidl_exc_leave_try(&asidl__finally_frame);                                     \
        }                                                                                   \
        {

#define RpcEndFinally                                                                       \
        }                                                                                   \
        asidl_exc_end_finally(&asidl__finally_frame);                                       \
    }

/* Valid inside RpcExcept's filter and handler (a compile error elsewhere, as on Windows). */
#define RpcExceptionCode() ((unsigned long)asidl__except_frame.code)
/* Valid inside RpcFinally: nonzero when the block is being left because of an exception. */
#define RpcAbnormalTermination() (asidl__finally_frame.state == ASIDL_EXC_RAISED)

/* EXCEPTION_CONTINUE_SEARCH for the processor exceptions above, EXCEPTION_EXECUTE_HANDLER for
 * every other code (RPC status codes and application codes). */
ASIDL_API int I_RpcExceptionFilter(unsigned long ExceptionCode);
#define RpcExceptionFilter(ExceptionCode) I_RpcExceptionFilter(ExceptionCode)

ASIDL_EXTERN_C_END

#endif /* ASIDL_EXCEPT_H */
