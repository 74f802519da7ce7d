/* A C header imported by imports.idl: asidl reads its declarations, foo.h includes it. */
#ifndef LEGACY_TYPES_H
#define LEGACY_TYPES_H

typedef unsigned short legacy_count;

#endif
