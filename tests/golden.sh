#!/bin/sh
# Golden-file tests (cproc style): every testdata/golden/NAME.idl is compiled and each output
# compared with NAME.<output>.expected beside it; every generated header must then compile as C
# and C++ with gcc and clang at -Wall -Wextra -Werror.  Every testdata/errors/NAME.idl must
# fail with exit 1 and print exactly NAME.err.
#   NAME.opts   extra asidl options for that case (optional)
#   NAME.acf    its ACF (read automatically, as asidl does)
# ASIDL_UPDATE_GOLDEN=1 rewrites the expected files instead of comparing (make update-golden).
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
asidl=$top/${B:-build}/bin/asidl
update=${ASIDL_UPDATE_GOLDEN:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok()     { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }

compilers=""
for c in gcc clang; do command -v $c >/dev/null 2>&1 && compilers="$compilers $c"; done

for idl in testdata/golden/*.idl; do
    [ -e "$idl" ] || continue
    name=$(basename "$idl" .idl)
    out=$tmp/$name
    mkdir -p "$out"
    opts=""
    [ -f "testdata/golden/$name.opts" ] && opts=$(cat "testdata/golden/$name.opts")
    # Run from the case's directory so file names in the output are relative and stable.
    # shellcheck disable=SC2086
    if ! (cd testdata/golden && "$asidl" $opts -out "$out" "$name.idl") > "$out.log" 2>&1; then
        not_ok "golden $name: asidl failed"
        sed 's/^/#   /' "$out.log"
        continue
    fi
    for f in "$out"/*; do
        base=$(basename "$f")
        expected=testdata/golden/$base.expected
        if [ -n "$update" ]; then
            cp "$f" "$expected"
        elif [ ! -f "$expected" ]; then
            not_ok "golden $name: $base has no $expected (run make update-golden and review)"
        elif cmp -s "$f" "$expected"; then
            ok "golden $name: $base"
        else
            not_ok "golden $name: $base differs from $expected"
            diff -u "$expected" "$f" | head -40 | sed 's/^/#   /'
        fi
    done
    for expected in testdata/golden/"$name"[._]*.expected; do
        [ -e "$expected" ] || continue
        base=$(basename "$expected" .expected)
        # only this case's outputs: async_uuid.h is not an output of case async
        stem=$base
        for suffix in .h _c.c _s.c _i.c _p.c .d; do stem=${stem%"$suffix"}; done
        [ "$stem" = "$name" ] || continue
        [ -e "$out/$base" ] || not_ok "golden $name: asidl no longer writes $base"
    done
done

# The standard COM headers (wtypes.h, unknwn.h, objidl.h, ...) are asidl's own output for the
# standard imports in runtime/idl, committed in runtime/include so they install with the other
# public headers: each must be exactly what this asidl generates.
stdinc=$tmp/standard-imports
mkdir -p "$stdinc"
for idl in runtime/idl/*.idl; do
    [ -e "$idl" ] || continue
    hdr=$(basename "$idl" .idl).h
    if ! (cd runtime/idl && "$asidl" --header -out "$stdinc" "$(basename "$idl")") > "$stdinc.log" 2>&1; then
        not_ok "golden standard import $(basename "$idl"): asidl failed"
        sed 's/^/#   /' "$stdinc.log"
    elif [ -n "$update" ]; then
        cp "$stdinc/$hdr" "runtime/include/$hdr"
    elif cmp -s "$stdinc/$hdr" "runtime/include/$hdr"; then
        ok "golden standard import: runtime/include/$hdr is current"
    else
        not_ok "golden standard import: runtime/include/$hdr differs from asidl's output (make update-golden)"
        diff -u "runtime/include/$hdr" "$stdinc/$hdr" | head -20 | sed 's/^/#   /'
    fi
done

# Every header must compile on its own, from C and from C++.  This runs once all cases are
# generated: a header that includes an imported file's header (import "x.idl" -> #include "x.h")
# finds it in that case's output directory, and C headers a case imports beside its IDL.
incdirs="-Itestdata/golden"
for d in "$tmp"/*/; do incdirs="$incdirs -I$d"; done
for idl in testdata/golden/*.idl runtime/idl/*.idl; do
    [ -e "$idl" ] || continue
    name=$(basename "$idl" .idl)
    out=$tmp/$name
    case $idl in runtime/*) out=$stdinc; name="standard import $name" ;; esac
    for h in "$out"/*.h; do
        [ "$out" = "$stdinc" ] && [ "$(basename "$h" .h)" != "$(basename "$idl" .idl)" ] && continue
        [ -e "$h" ] || continue
        hb=$(basename "$h")
        for cc in $compilers; do
            cxx=g++; [ "$cc" = clang ] && cxx=clang++
            # shellcheck disable=SC2086
            if printf '#include "%s"\nint main(void) { return 0; }\n' "$hb" |
                $cc -std=c11 -Wall -Wextra -Werror -I"$out" $incdirs -Iruntime/include -fsyntax-only -x c - > "$out.cc.log" 2>&1; then
                ok "golden $name: $hb compiles with $cc"
            else
                not_ok "golden $name: $hb does not compile with $cc"
                head -20 "$out.cc.log" | sed 's/^/#   /'
            fi
            if command -v $cxx >/dev/null 2>&1; then
                # shellcheck disable=SC2086
                if printf '#include "%s"\nint main() { return 0; }\n' "$hb" |
                    $cxx -std=c++11 -Wall -Wextra -Werror -I"$out" $incdirs -Iruntime/include -fsyntax-only -x c++ - > "$out.cc.log" 2>&1; then
                    ok "golden $name: $hb compiles with $cxx"
                else
                    not_ok "golden $name: $hb does not compile with $cxx"
                    head -20 "$out.cc.log" | sed 's/^/#   /'
                fi
            fi
        done
    done
done

# Every generated stub file must compile on its own with both compilers, and every descriptor in
# it must pass the NDR engine's checks: each case's stub files are linked together with the
# runtime and a validator that walks their interface objects (routines the application would
# write are stood in for by empty functions: nothing here calls them).
lib=$top/${B:-build}/lib/libasidlrt.a
# a runtime built with sanitizers needs them in the programs linked with it
sanitize=""
[ -f "$lib" ] && nm "$lib" 2>/dev/null | grep -q ' U __asan_' && sanitize="-fsanitize=address,undefined"
for idl in testdata/golden/*.idl; do
    [ -e "$idl" ] || continue
    name=$(basename "$idl" .idl)
    out=$tmp/$name
    stubs=""
    for c in "$out"/*_c.c "$out"/*_s.c; do
        [ -e "$c" ] || continue
        stubs="$stubs $c"
        cb=$(basename "$c")
        for cc in $compilers; do
            # shellcheck disable=SC2086
            if $cc -std=c11 -Wall -Wextra -Werror -I"$out" $incdirs -Iruntime/include -c -o "$out/$cb.$cc.o" "$c" \
                > "$out.cc.log" 2>&1; then
                ok "golden $name: $cb compiles with $cc"
            else
                not_ok "golden $name: $cb does not compile with $cc"
                head -20 "$out.cc.log" | sed 's/^/#   /'
            fi
        done
    done
    [ -n "$stubs" ] && [ -f "$lib" ] && command -v cc >/dev/null 2>&1 || continue
    v=$out/validate
    mkdir -p "$v"
    # shellcheck disable=SC2086
    handles=$(sed -n 's/^RPC_IF_HANDLE \([A-Za-z0-9_]*\) = .*/\1/p' $stubs)
    {
        printf '#include <stdio.h>\n#include "rpcndr.h"\n#include "asidl_stub.h"\n'
        for h in $handles; do echo "extern RPC_IF_HANDLE $h;"; done
        cat <<'VALIDATOR'
static int check(const char *name, const asidl_interface *itf)
{
    int bad = itf->magic != ASIDL_INTERFACE_MAGIC || itf->abi_version != ASIDL_ABI_VERSION;
    for (uint32_t i = 0; !bad && i < itf->proc_count; i++) {
        const char *why = NULL;
        if (itf->procs[i] && (itf->procs[i]->opnum != i || asidl_ndr_validate_proc(itf->procs[i], &why))) {
            printf("#   %s, opnum %u: %s\n", name, (unsigned)i, why ? why : "wrong opnum");
            bad = 1;
        }
    }
    for (uint32_t i = 0; !bad && i < itf->callback_count; i++) {
        const char *why = NULL;
        const asidl_ndr_proc *p = itf->callbacks[i];
        if (p && (p->opnum != i || !(p->flags & ASIDL_NDR_PROC_CALLBACK) || asidl_ndr_validate_proc(p, &why))) {
            printf("#   %s, callback opnum %u: %s\n", name, (unsigned)i, why ? why : "wrong opnum or flags");
            bad = 1;
        }
    }
    return bad;
}
int main(void)
{
    int bad = 0;
VALIDATOR
        for h in $handles; do echo "    bad |= check(\"$h\", $h);"; done
        printf '    return bad;\n}\n'
    } > "$v/main.c"
    # shellcheck disable=SC2086
    if ! cc -std=c11 $sanitize -I"$out" $incdirs -Iruntime/include -c -o "$v/main.o" "$v/main.c" > "$v.log" 2>&1 ||
        ! cc -std=c11 $sanitize -I"$out" $incdirs -Iruntime/include -c $stubs > "$v.log" 2>&1; then
        not_ok "golden $name: descriptor validator does not build"
        sed 's/^/#   /' "$v.log"
        continue
    fi
    mv ./*_c.o ./*_s.o "$v/" 2>/dev/null
    # the application's routines (rundown, user_marshal, ...) and the runtime entry points a
    # branch may not have yet: empty stand-ins, never called
    nm --defined-only "$lib" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u > "$v/lib.syms"
    nm -u "$v"/*.o | awk 'NF == 2 { print $2 }' | sort -u > "$v/undefined.syms"
    nm --defined-only "$v"/*.o | awk 'NF == 3 { print $3 }' | sort -u > "$v/defined.syms"
    comm -23 "$v/undefined.syms" "$v/lib.syms" | comm -23 - "$v/defined.syms" |
        grep -v -E '^(_|memset$|memcpy$|strlen$|printf$|puts$)' |
        sed 's/.*/void &(void); void &(void) {}/' > "$v/standins.c"
    # shellcheck disable=SC2086
    if cc -std=c11 -w -c -o "$v/standins.o" "$v/standins.c" > "$v.log" 2>&1 &&
        cc $sanitize -o "$v/validate" "$v"/*.o "$lib" -pthread -lffi > "$v.log" 2>&1; then
        if "$v/validate" > "$v.out" 2>&1; then
            ok "golden $name: every generated descriptor passes the engine's checks"
        else
            not_ok "golden $name: generated descriptors fail the engine's checks"
            sed 's/^/#   /' "$v.out"
        fi
    else
        not_ok "golden $name: descriptor validator does not link"
        head -20 "$v.log" | sed 's/^/#   /'
    fi
done

for idl in testdata/errors/*.idl; do
    [ -e "$idl" ] || continue
    name=$(basename "$idl" .idl)
    opts=""
    [ -f "testdata/errors/$name.opts" ] && opts=$(cat "testdata/errors/$name.opts")
    # shellcheck disable=SC2086
    (cd testdata/errors && "$asidl" $opts -out "$tmp/err-$name" "$name.idl") > "$tmp/$name.err" 2>&1
    status=$?
    if [ -n "$update" ]; then
        cp "$tmp/$name.err" "testdata/errors/$name.err"
        continue
    fi
    if [ $status -ne 1 ]; then
        not_ok "error $name: exit status $status, expected 1"
        sed 's/^/#   /' "$tmp/$name.err"
    elif cmp -s "$tmp/$name.err" "testdata/errors/$name.err"; then
        ok "error $name"
    else
        not_ok "error $name: diagnostics differ"
        diff -u "testdata/errors/$name.err" "$tmp/$name.err" | head -30 | sed 's/^/#   /'
    fi
done
exit 0
