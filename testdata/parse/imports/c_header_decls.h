/* A C header as MIDL and widl read it. */
#define WINAPI __stdcall
#define DECLSPEC_IMPORT __declspec(dllimport)
typedef struct c_point { int x, y; } c_point, *p_c_point;
typedef enum { C_A = 1, C_B = 2 } C_FLAGS;
extern const int c_version;
DECLSPEC_IMPORT int WINAPI c_function(int a, const char *b) __attribute__((nonnull(2)));
static __inline int c_inline(void);
typedef int (WINAPI *c_callback)(void *context);
struct c_forward;
union c_union { int i; float f; };
