#!/bin/sh
# The shared library: a versioned soname, and an export list that is the public API only: every
# symbol it exports is declared in a public header (runtime/include), carries the library's
# version node, and none is one of the runtime's internals (asidl__*, ndr_*). Prints TAP lines.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
so=$B/lib/libasidlrt.so
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -e "$so" ]; then
    echo "not ok - shared_library_exists"
    exit 0
fi
soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
if [ "$soname" = "libasidlrt.so.0" ] && [ -L "$B/lib/libasidlrt.so.0" ]; then
    echo "ok - shared_library_has_a_versioned_soname"
else
    echo "not ok - shared_library_has_a_versioned_soname"
    echo "#   soname '$soname'"
fi

nm -D --defined-only "$so" | awk '$2 != "A" { print $3 }' > "$tmp/exports"
bad=$(grep -E '^(asidl__|ndr_)' "$tmp/exports")
unversioned=$(grep -v '@@ASIDL_0$' "$tmp/exports")
if [ -z "$bad" ] && [ -z "$unversioned" ] && [ "$(wc -l < "$tmp/exports")" -gt 100 ]; then
    echo "ok - shared_library_exports_no_internal_symbol"
else
    echo "not ok - shared_library_exports_no_internal_symbol"
    printf '%s\n' "$bad" "$unversioned" | sed '/^$/d; s/^/#   /'
fi

undeclared=""
for sym in $(sed 's/@@ASIDL_0$//' "$tmp/exports"); do
    case $sym in
    asidl_ndr_t_*)      # declared through the ASIDL_NDR_BASE_TYPES list of asidl_ndr.h
        grep -q "X(${sym#asidl_ndr_t_}," runtime/include/asidl_ndr.h || undeclared="$undeclared $sym" ;;
    *)
        grep -qw -- "$sym" runtime/include/*.h || undeclared="$undeclared $sym" ;;
    esac
done
if [ -z "$undeclared" ]; then
    echo "ok - every_exported_symbol_is_declared_in_a_public_header"
else
    echo "not ok - every_exported_symbol_is_declared_in_a_public_header"
    echo "#  $undeclared"
fi

# A program of the public API linked against the shared library (not the archive) runs.
cat > "$tmp/prog.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <rpc.h>
#include <asidl_rpc.h>
int main(void)
{
    RPC_CSTR text = NULL;
    RPC_BINDING_HANDLE h = NULL;
    asidl_server_limits l;
    if (RpcStringBindingComposeA(NULL, (RPC_CSTR)"ncalrpc", NULL, (RPC_CSTR)"x", NULL, &text) != RPC_S_OK ||
        RpcBindingFromStringBindingA(text, &h) != RPC_S_OK || asidl_server_get_limits(&l) != RPC_S_OK)
        return 1;
    RpcStringFreeA(&text);
    RpcBindingFree(&h);
    return l.max_connections == 4096 ? 0 : 1;
}
C
if ${CC:-cc} -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE -Iruntime/include -o "$tmp/prog" "$tmp/prog.c" \
        -L"$B/lib" -lasidlrt -Wl,-rpath,"$(pwd)/$B/lib" >"$tmp/log" 2>&1 &&
   ldd "$tmp/prog" | grep -q "libasidlrt.so.0 => $(pwd)/$B/lib/libasidlrt.so.0" && "$tmp/prog"; then
    echo "ok - a_program_links_and_runs_against_the_shared_library"
else
    echo "not ok - a_program_links_and_runs_against_the_shared_library"
    sed 's/^/#   /' "$tmp/log"
fi
