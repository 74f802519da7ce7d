#!/bin/sh
# Times asidl and a widl over the same real-world IDL files in one run and prints the ratios.
#
#   bench/compile-corpus.sh CORPUS_DIR [LIST]
#   WIDL=/path/to/widl bench/compile-corpus.sh /src/mingw-w64/mingw-w64-headers/include
#
# CORPUS_DIR holds mingw-w64's mingw-w64-headers/include/*.idl.  Each file is compiled on its
# own, as a build would, with -I CORPUS_DIR -I /usr/x86_64-w64-mingw32/include, writing only
# the header.  Only files BOTH compilers accept are timed (Debian's widl 7.0 rejects more than
# widl 11.12 does), so the ratios compare the same work.  LIST defaults to every *.idl there.
#
# asidl is timed twice:
#   cold   ASIDL_CACHE=0: every file and import goes through the system preprocessor
#   warm   with a preprocessor cache (a fresh one in a temporary directory) that one untimed
#          pass over the same files has filled, as in a rebuild or a build whose files share
#          the standard imports
# Each figure is the best of RUNS passes (default 3), wall-clock time; the CPU time (user +
# system, preprocessor processes included) of that pass is shown beside it.
set -eu
corpus=${1:?usage: bench/compile-corpus.sh CORPUS_DIR [LIST]}
list=${2:-}
runs=${RUNS:-3}
top=$(cd "$(dirname "$0")/.." && pwd)
asidl=${ASIDL:-$top/${B:-build}/bin/asidl}
widl=${WIDL:-$(command -v x86_64-w64-mingw32-widl || true)}
[ -x "$asidl" ] || { echo "build asidl first (make)" >&2; exit 1; }
[ -n "$widl" ] && [ -x "$widl" ] || { echo "no widl: set WIDL= or install mingw-w64-tools" >&2; exit 1; }
mingw=/usr/x86_64-w64-mingw32/include
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cache=$tmp/cache

if [ -n "$list" ]; then files=$(cat "$list"); else files=$(cd "$corpus" && ls ./*.idl | sed 's|^\./||'); fi

# 1. Which files both accept.
: > "$tmp/both"
for f in $files; do
    "$widl" -I"$corpus" -I"$mingw" -h -o "$tmp/w.h" "$corpus/$f" >/dev/null 2>&1 || continue
    ASIDL_CACHE=0 "$asidl" -W0 -I"$corpus" -I"$mingw" --header -out "$tmp" -header a.h "$corpus/$f" >/dev/null 2>&1 || continue
    echo "$f" >> "$tmp/both"
done
n=$(wc -l < "$tmp/both")
[ "$n" -gt 0 ] || { echo "no file is accepted by both compilers" >&2; exit 1; }

run_all() {   # run_all widl|cold|warm
    for f in $(cat "$tmp/both"); do
        case $1 in
        widl) "$widl" -I"$corpus" -I"$mingw" -h -o "$tmp/w.h" "$corpus/$f" ;;
        cold) ASIDL_CACHE=0 "$asidl" -W0 -I"$corpus" -I"$mingw" --header -out "$tmp" -header a.h "$corpus/$f" ;;
        warm) ASIDL_CACHE=1 ASIDL_CACHE_DIR=$cache "$asidl" -W0 -I"$corpus" -I"$mingw" --header -out "$tmp" -header a.h "$corpus/$f" ;;
        esac >/dev/null 2>&1
    done
}

# CPU time so far of this shell's children, user + system, in seconds (from `times`, which
# must run in the shell itself, not in a command substitution's subshell).
child_cpu() {
    times > "$tmp/times"
    awk 'NR == 2 {
        t = 0
        for (i = 1; i <= 2; i++) { split($i, p, /[ms]/); t += p[1] * 60 + p[2] }
        print t
    }' "$tmp/times"
}

best() {   # best widl|cold|warm -> "wall cpu" of the fastest of $runs passes
    b=""
    i=0
    while [ "$i" -lt "$runs" ]; do
        i=$((i + 1))
        child_cpu > "$tmp/c0"; s=$(date +%s.%N)
        run_all "$1"
        e=$(date +%s.%N); child_cpu > "$tmp/c1"
        c0=$(cat "$tmp/c0"); c1=$(cat "$tmp/c1")
        t=$(awk "BEGIN { print $e - $s }")
        if [ -z "$b" ] || awk "BEGIN { exit !($t < $b) }"; then b=$t; bc=$(awk "BEGIN { print $c1 - $c0 }"); fi
    done
    echo "$b $bc"
}

tw=$(best widl)
tc=$(best cold)
ASIDL_CACHE=1 ASIDL_CACHE_DIR=$cache run_all warm   # fills the cache, untimed
tm=$(best warm)

printf 'files compiled by both: %d (best of %d passes; wall-clock time, CPU time in brackets)\n' "$n" "$runs"
awk -v n="$n" -v tw="$tw" -v tc="$tc" -v tm="$tm" \
    -v wv="$("$widl" -V 2>&1 | head -1 | sed 's/.*version //')" \
    -v av="$("$asidl" --version | cut -d' ' -f2)" 'BEGIN {
    split(tw, w, " "); split(tc, c, " "); split(tm, m, " ")
    printf "widl  %-8s             %7.3f s %6.2f ms/file  [cpu %7.3f s]\n", wv, w[1], w[1] * 1000 / n, w[2]
    printf "asidl %-8s cache off   %7.3f s %6.2f ms/file  [cpu %7.3f s]  ratio %.2f  [cpu %.2f]\n", \
        av, c[1], c[1] * 1000 / n, c[2], c[1] / w[1], c[2] / w[2]
    printf "asidl %-8s warm cache  %7.3f s %6.2f ms/file  [cpu %7.3f s]  ratio %.2f  [cpu %.2f]\n", \
        av, m[1], m[1] * 1000 / n, m[2], m[1] / w[1], m[2] / w[2]
    printf "goal: asidl/widl at most 0.50\n"
}'
