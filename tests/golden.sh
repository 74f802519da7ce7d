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
