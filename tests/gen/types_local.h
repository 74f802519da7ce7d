/* The application's own types for test_gen_types: the presented types of represent_as and
 * user_marshal. */
#ifndef TYPES_LOCAL_H
#define TYPES_LOCAL_H

typedef struct local_text {
    char *text;             /* NUL-terminated, MIDL_user_allocate'd */
} local_text;

typedef struct user_pair {
    long first;
    long second;
} user_pair;

#endif
