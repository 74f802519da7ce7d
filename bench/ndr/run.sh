#!/bin/sh
# Builds and runs bench/ndr against the static runtime of build directory $B (default build):
#   make build/lib/libasidlrt.a && bench/ndr/run.sh
# (A `bench` target in the top Makefile can simply call this script.)
set -eu
cd "$(dirname "$0")/../.."
B=${B:-build}
CC=${CC:-cc}
mkdir -p "$B/bench"
$CC -std=c11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -Iruntime/include -o "$B/bench/ndr" \
    bench/ndr/bench_ndr.c "$B/lib/libasidlrt.a" -pthread
exec "$B/bench/ndr" "$@"
