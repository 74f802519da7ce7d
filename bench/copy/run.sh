#!/bin/sh
# Builds and runs bench/copy against build directory $B (default build).
#   make && bench/copy/run.sh [rounds]
set -eu
cd "$(dirname "$0")/../.."
B=${B:-build}
CC=${CC:-cc}
out=$B/bench/copy
mkdir -p "$out"
$CC -std=c11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -Iruntime/src -o "$out/bench_copy" \
    bench/copy/bench_copy.c "$B/lib/libasidlrt.a"
exec "$out/bench_copy" "$@"
