#!/bin/sh
# make demo: asidl's asynchronous calculator (examples/async), end to end.
#   1. asidl compiles calc.idl with calc.acf, which marks Reduce, Wait and Fail [async];
#   2. the example's client and server are built from the generated stubs;
#   3. the server listens on a free TCP port; the client makes asynchronous calls as Microsoft's
#      documentation describes them (calls in flight at once completing out of order, every
#      notification type, a synchronous call meanwhile, cancel, abort) and then stops the server.
# Nothing is left running: if anything fails, the server is killed on the way out.
set -eu
cd "$(dirname "$0")/.."
B=${B:-build}
out=$B/demo
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
rm -rf "$out"
mkdir -p "$out"

echo "== asidl demo: an asynchronous calculator (examples/async)"
echo
echo "-- 1. $B/bin/asidl -oldnames -out $out/gen examples/async/calc.idl   (calc.acf: [async] Reduce, Wait, Fail)"
make -s -C examples/async B="$B" OUT="$(pwd)/$out" "$(pwd)/$out/gen/calc.h"
echo "   generated: $(cd "$out/gen" && echo *)"
echo "   in calc.h, an [async] operation takes PRPC_ASYNC_STATE first and returns void:"
grep -E '^(void|long) [A-Za-z]+\(' "$out/gen/calc.h" | sed 's/^/     /'
echo
echo "-- 2. the client and the server, built from the stubs with -Wall -Wextra -Werror"
make -s -C examples/async B="$B" OUT="$(pwd)/$out"
echo "   $out/client, $out/server"
echo

echo "-- 3. $out/server ncacn_ip_tcp   (any free port)"
"$out/server" ncacn_ip_tcp >"$out/server.log" 2>&1 &
server_pid=$!
i=0
while ! grep -q 'listening on' "$out/server.log" 2>/dev/null && [ $i -lt 100 ]; do
    sleep 0.05; i=$((i + 1))
done
port=$(sed -n 's/.*listening on ncacn_ip_tcp:.*\[\([0-9]*\)\].*/\1/p' "$out/server.log" | head -1)
if [ -z "$port" ]; then
    echo "   the server did not start:"
    sed 's/^/   /' "$out/server.log"
    exit 1
fi
echo "   listening on port $port"
echo

echo "-- 4. $out/client ncacn_ip_tcp 127.0.0.1 $port --shutdown"
echo
# shown as it runs; the client's exit status goes through a file (sh has no pipefail)
{ timeout 60 "$out/client" ncacn_ip_tcp 127.0.0.1 "$port" --shutdown 2>&1; echo $? >"$out/client.status"; } |
    sed 's/^./   &/'
status=$(cat "$out/client.status")

# The client's Shutdown stops the server; give it a moment, then it must be gone.
i=0
while kill -0 "$server_pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
server_status=0
if kill -0 "$server_pid" 2>/dev/null; then
    echo "   the server is still running: stopping it"
    kill "$server_pid"
    server_status=1
fi
wait "$server_pid" 2>/dev/null || server_status=$?
server_pid=""
echo
echo "-- 5. the server's log"
sed 's/^./   &/' "$out/server.log"
echo
if [ $status -ne 0 ] || [ $server_status -ne 0 ] || ! grep -q 'server: stopped (0)' "$out/server.log"; then
    echo "demo FAILED (client $status, server $server_status)"
    exit 1
fi
echo "demo finished: the client stopped the server, nothing is left running."
