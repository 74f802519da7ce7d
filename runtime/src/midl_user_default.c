/*
 * midl_user_default.c: MIDL_user_allocate / MIDL_user_free for applications that do not write
 * their own.  With MIDL every application must supply them; asidl supplies plain malloc/free
 * as weak symbols in an object file of their own, so an application's definitions win (the
 * static archive member is then never pulled in, and a strong definition in the executable
 * overrides the shared library's weak one).  Blocks are malloc's, aligned for any C type, as
 * the MIDL documentation recommends (8 bytes at least).
 */
#include <stdlib.h>

#include "rpcndr.h"

__attribute__((weak, visibility("default"))) void *__RPC_USER MIDL_user_allocate(size_t size)
{
    return malloc(size);
}

__attribute__((weak, visibility("default"))) void __RPC_USER MIDL_user_free(void *ptr)
{
    free(ptr);
}
