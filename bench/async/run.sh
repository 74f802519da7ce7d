#!/bin/sh
# Builds and runs bench/async against build directory $B (default build): asidl generates the
# stubs of abench.idl/abench.acf (client stubs prefixed c_, so one program is client and
# server), and the benchmark links them with the static runtime.  The program starts a second
# copy of itself as the server process.
#   make && bench/async/run.sh [seconds per measurement]
set -eu
cd "$(dirname "$0")/../.."
B=${B:-build}
CC=${CC:-cc}
out=$B/bench/async
mkdir -p "$out"
"$B/bin/asidl" -prefix client c_ -out "$out" bench/async/abench.idl
$CC -std=c11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -Iruntime/include -Ibench -I"$out" -o "$out/bench_async" \
    bench/async/bench_async.c "$out/abench_c.c" "$out/abench_s.c" "$B/lib/libasidlrt.a" -pthread -lffi
exec "$out/bench_async" "$@"
