/*
 * copy.h: asidl__copy, memcpy for message data that may be large (copy.c says why it exists).
 */
#ifndef ASIDL_COPY_H
#define ASIDL_COPY_H

#include <stddef.h>

/* Copies n octets from src to dst, which do not overlap. */
void asidl__copy(void *restrict dst, const void *restrict src, size_t n);

#endif
