/*
 * except.c: the per-thread chain of RpcTryExcept / RpcTryFinally frames behind the macros in
 * asidl_except.h, and RpcRaiseException.
 *
 * A frame is on the chain exactly while its try block runs. Raising takes the innermost frame
 * off the chain and jumps to it; whatever that block then does (run RpcFinally, evaluate the
 * filter) happens with the frame already off, so an exception raised there goes outwards.
 */
#include <stdio.h>
#include <stdlib.h>

#include "rpcrt.h"

enum {
    FRAME_IN_TRY = 1,
    FRAME_DONE = 2,
    FRAME_RAISED = ASIDL_EXC_RAISED,
};

static _Thread_local asidl_exc_frame *innermost;

void asidl_exc_enter(asidl_exc_frame *frame, int is_finally, const char *file, int line)
{
    frame->prev = innermost;
    frame->code = 0;
    frame->state = FRAME_IN_TRY;
    frame->is_finally = is_finally;
    frame->file = file;
    frame->line = line;
    innermost = frame;
}

/* Removes `frame` from the chain. Frames inside it can only still be there if a program's own
 * longjmp skipped their blocks; their scopes are gone, so they go too. */
static void unlink_frame(asidl_exc_frame *frame)
{
    for (asidl_exc_frame *f = innermost; f; f = f->prev) {
        if (f == frame) {
            innermost = frame->prev;
            return;
        }
    }
}

void asidl_exc_leave_try(asidl_exc_frame *frame)
{
    unlink_frame(frame);
    frame->state = FRAME_DONE;
}

static DECLSPEC_NORETURN void raise_code(unsigned long code)
{
    asidl_exc_frame *frame = innermost;
    if (!frame) {
        fprintf(stderr, "asidl: unhandled RPC exception %lu (0x%lx)\n", code, code);
        fflush(stderr);
        abort();
    }
    innermost = frame->prev;
    frame->code = code;
    frame->state = FRAME_RAISED;
    __builtin_longjmp(frame->jump, 1);
}

/* Exception codes are 32-bit values (they travel in a fault PDU's 32-bit status). */
void RPC_ENTRY RpcRaiseException(RPC_STATUS exception)
{
    raise_code((unsigned long)(uint32_t)exception);
}

int asidl_exc_filter(asidl_exc_frame *frame, int verdict)
{
    if (verdict == EXCEPTION_EXECUTE_HANDLER)
        return 1;
    raise_code(frame->code);      /* continue the search outwards */
}

void asidl_exc_end_finally(asidl_exc_frame *frame)
{
    if (frame->state == FRAME_RAISED)
        raise_code(frame->code);  /* the finally block ran; the exception goes on */
}

/* Runs when the block's scope is left by any path except a jump (cleanup attribute). */
void asidl_exc_scope_exit(asidl_exc_frame *frame)
{
    if (frame->state != FRAME_IN_TRY)
        return;
    unlink_frame(frame);
    frame->state = FRAME_DONE;
    if (frame->is_finally) {
        fprintf(stderr,
                "asidl: %s:%d: control left an RpcTryFinally block by return, break, continue or "
                "goto, which would skip its RpcFinally block; stopping\n",
                frame->file, frame->line);
        fflush(stderr);
        abort();
    }
}

int I_RpcExceptionFilter(unsigned long ExceptionCode)
{
    switch (ExceptionCode) {
    case STATUS_DATATYPE_MISALIGNMENT:
    case STATUS_BREAKPOINT:
    case STATUS_ACCESS_VIOLATION:
    case STATUS_ILLEGAL_INSTRUCTION:
    case STATUS_PRIVILEGED_INSTRUCTION:
    case STATUS_INSTRUCTION_MISALIGNMENT:
    case STATUS_STACK_OVERFLOW:
    case STATUS_POSSIBLE_DEADLOCK:
        return EXCEPTION_CONTINUE_SEARCH;
    default:
        return EXCEPTION_EXECUTE_HANDLER;
    }
}
