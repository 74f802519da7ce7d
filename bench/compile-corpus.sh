#!/bin/sh
# Times asidl and a widl over the same real-world IDL files in one run and prints the ratio.
#
#   bench/compile-corpus.sh CORPUS_DIR [LIST]
#   WIDL=/path/to/widl bench/compile-corpus.sh /src/mingw-w64/mingw-w64-headers/include
#
# CORPUS_DIR holds mingw-w64's mingw-w64-headers/include/*.idl.  Each file is compiled on its
# own, as a build would, with -I CORPUS_DIR -I /usr/x86_64-w64-mingw32/include, writing only
# the header.  Only files BOTH compilers accept are timed (Debian's widl 7.0 rejects more than
# widl 11.12 does), so the ratio compares the same work.  LIST defaults to every *.idl there.
set -eu
corpus=${1:?usage: bench/compile-corpus.sh CORPUS_DIR [LIST]}
list=${2:-}
top=$(cd "$(dirname "$0")/.." && pwd)
asidl=${ASIDL:-$top/${B:-build}/bin/asidl}
widl=${WIDL:-$(command -v x86_64-w64-mingw32-widl || true)}
[ -x "$asidl" ] || { echo "build asidl first (make)" >&2; exit 1; }
[ -n "$widl" ] && [ -x "$widl" ] || { echo "no widl: set WIDL= or install mingw-w64-tools" >&2; exit 1; }
mingw=/usr/x86_64-w64-mingw32/include
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ -n "$list" ]; then files=$(cat "$list"); else files=$(cd "$corpus" && ls ./*.idl | sed 's|^\./||'); fi

# 1. Which files both accept.
: > "$tmp/both"
for f in $files; do
    "$widl" -I"$corpus" -I"$mingw" -h -o "$tmp/w.h" "$corpus/$f" >/dev/null 2>&1 || continue
    "$asidl" -W0 -I"$corpus" -I"$mingw" --header -out "$tmp" -header a.h "$corpus/$f" >/dev/null 2>&1 || continue
    echo "$f" >> "$tmp/both"
done
n=$(wc -l < "$tmp/both")
[ "$n" -gt 0 ] || { echo "no file is accepted by both compilers" >&2; exit 1; }

# 2. Time each compiler over them, best of three runs to damp noise.
run_all() {   # run_all widl|asidl
    for f in $(cat "$tmp/both"); do
        if [ "$1" = widl ]; then
            "$widl" -I"$corpus" -I"$mingw" -h -o "$tmp/w.h" "$corpus/$f" >/dev/null 2>&1
        else
            "$asidl" -W0 -I"$corpus" -I"$mingw" --header -out "$tmp" -header a.h "$corpus/$f" >/dev/null 2>&1
        fi
    done
}
best() {   # best widl|asidl -> seconds
    b=""
    for _ in 1 2 3; do
        s=$(date +%s.%N); run_all "$1"; e=$(date +%s.%N)
        t=$(awk "BEGIN { print $e - $s }")
        if [ -z "$b" ] || awk "BEGIN { exit !($t < $b) }"; then b=$t; fi
    done
    echo "$b"
}
tw=$(best widl)
ta=$(best asidl)
printf 'files compiled by both: %d\n' "$n"
awk -v n="$n" -v tw="$tw" -v ta="$ta" -v wv="$("$widl" -V 2>&1 | head -1 | sed 's/.*version //')" \
    -v av="$("$asidl" --version | cut -d' ' -f2)" 'BEGIN {
    printf "widl  %s: %.3f s (%.2f ms/file)\n", wv, tw, tw * 1000 / n
    printf "asidl %s: %.3f s (%.2f ms/file)\n", av, ta, ta * 1000 / n
    printf "ratio asidl/widl: %.2f (goal: at most 0.50)\n", ta / tw
}'
