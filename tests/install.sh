#!/bin/sh
# make install: the installed tree works on its own: the binary finds the installed standard
# imports, programs build against the installed headers and library through pkg-config, and
# the man page is in place.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

check() {   # check NAME COMMAND...
    name=$1; shift
    if out=$("$@" 2>&1); then echo "ok - install: $name"; else echo "not ok - install: $name"; printf '%s\n' "$out" | head -10 | sed 's/^/#   /'; fi
}

if ! make --no-print-directory -s install B="${B:-build}" PREFIX="$prefix" > "$tmp/install.log" 2>&1; then
    echo "not ok - install: make install PREFIX=... failed"
    tail -20 "$tmp/install.log" | sed 's/^/#   /'
    exit 0
fi
echo "ok - install: make install PREFIX=... succeeds"

check "binary, library, pkg-config file and man page are installed" sh -c "
    test -x '$prefix/bin/asidl' && test -f '$prefix/lib/libasidlrt.a' && test -L '$prefix/lib/libasidlrt.so' &&
    test -f '$prefix/lib/pkgconfig/asidl.pc' && test -f '$prefix/share/man/man1/asidl.1' &&
    test -f '$prefix/include/asidl/rpc.h' && test -f '$prefix/include/asidl/unknwn.h'"

# The installed compiler must read the installed standard imports, not the source tree's: give
# the installed unknwn.idl a type only it declares and use that type through the import.
printf '\ntypedef long installed_only_t;\n' >> "$prefix/share/asidl/idl/unknwn.idl"
mkdir -p "$tmp/work"
cat > "$tmp/work/obj.idl" <<'IDL'
import "unknwn.idl";
[object, uuid(0b7e4f1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b)]
interface IThing : IUnknown { HRESULT Poke([in] long n); }
IDL
cat > "$tmp/work/probe.idl" <<'IDL'
import "unknwn.idl";
[local] interface probe { void Use(installed_only_t x); }
IDL
check "installed asidl uses the installed standard imports" sh -c "
    cd '$tmp/work' && '$prefix/bin/asidl' -out gen obj.idl && '$prefix/bin/asidl' --parse-only probe.idl"

cat > "$tmp/work/main.c" <<'C'
#include <rpc.h>
#include "obj.h"
int main(void)
{
    UUID u;
    RPC_CSTR s = NULL;
    if (UuidFromStringA((RPC_CSTR)"0b7e4f1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b", &u) != RPC_S_OK)
        return 1;
    if (UuidToStringA(&u, &s) != RPC_S_OK)
        return 2;
    RpcStringFreeA(&s);
    return 0;
}
C
# A sanitizer build's library needs the sanitizer runtimes in the program too.
san=""
nm "$prefix/lib/libasidlrt.a" 2>/dev/null | grep -q ' U __asan_' && san="-fsanitize=address,undefined"
check "a program builds against the installed headers and library with pkg-config" sh -c "
    cd '$tmp/work' && PKG_CONFIG_PATH='$prefix/lib/pkgconfig' &&
    export PKG_CONFIG_PATH &&
    cc -std=c11 -Wall -Wextra -Werror $san \$(pkg-config --cflags asidl) -Igen -o prog main.c \$(pkg-config --libs asidl) -lffi -pthread &&
    LD_LIBRARY_PATH='$prefix/lib' ./prog"
check "the shared library has a versioned soname" sh -c "objdump -p '$prefix/lib/libasidlrt.so' | grep -q 'SONAME *libasidlrt.so.0'"
check "the shared library exports no internal asidl__ symbols" sh -c "! nm -D --defined-only '$prefix/lib/libasidlrt.so' | grep -q ' asidl__'"
exit 0
