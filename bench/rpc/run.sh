#!/bin/sh
# Builds and runs bench/rpc against build directory $B (default build): asidl generates the
# stubs of echo.idl (client stubs prefixed c_, so one program is client and server), and the
# benchmark links them with the static runtime.
#   make && bench/rpc/run.sh [-t seconds per measurement] [-r rounds] [-s size]... [-l | -p]
set -eu
cd "$(dirname "$0")/../.."
B=${B:-build}
CC=${CC:-cc}
out=$B/bench/rpc
mkdir -p "$out"
"$B/bin/asidl" -prefix client c_ -out "$out" bench/rpc/echo.idl
$CC -std=c11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -Iruntime/include -Ibench -I"$out" -o "$out/bench_rpc" \
    bench/rpc/bench_rpc.c "$out/echo_c.c" "$out/echo_s.c" "$B/lib/libasidlrt.a" -pthread -lffi
exec "$out/bench_rpc" "$@"
