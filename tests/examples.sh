#!/bin/sh
# The examples, built from their IDL with build/bin/asidl and run as a user runs them:
# examples/sync's client and server over ncacn_ip_tcp with a fixed port, over ncalrpc, and with a
# dynamic endpoint found through asidl-epmd. Prints TAP lines.
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
tmp=$(mktemp -d /tmp/asidl-examples-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
sync=examples/sync
pass() { echo "ok - $1"; }
fail() { echo "not ok - $1"; [ -f "$2" ] && sed 's/^/#   /' "$2"; }

if make -s -C "$sync" B="$B" clean all >"$tmp/build" 2>&1; then
    pass example_sync_builds_from_its_idl
else
    fail example_sync_builds_from_its_idl "$tmp/build"
    exit 0
fi

# wait_for FILE PATTERN: until the server says it listens (at most 5 s)
wait_for() {
    i=0
    while ! grep -q "$2" "$1" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}

# run_pair NAME SERVER_ARGS -- CLIENT_ARGS: server in the background, client with --shutdown
run_pair() {
    name=$1; shift
    sargs=""
    while [ "$1" != "--" ]; do sargs="$sargs $1"; shift; done
    shift
    "$sync/server" $sargs >"$tmp/$name.server" 2>&1 &
    spid=$!
    wait_for "$tmp/$name.server" "listening on"
    timeout 30 "$sync/client" "$@" --shutdown >"$tmp/$name.client" 2>&1
    cstatus=$?
    # a server the client could not stop is stopped here, and the case fails
    i=0
    while kill -0 $spid 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    kill $spid 2>/dev/null
    wait $spid
    sstatus=$?
    cat "$tmp/$name.server" "$tmp/$name.client" >"$tmp/$name.all"
    if [ $cstatus -eq 0 ] && [ $sstatus -eq 0 ] &&
       grep -q "client: apples = 5" "$tmp/$name.client" &&
       grep -q "client: 6 values, total 108, mean 18.00" "$tmp/$name.client" &&
       grep -q "KV_E_NOT_FOUND, from the server" "$tmp/$name.client" &&
       grep -q "server: session 1 closed" "$tmp/$name.server" &&
       grep -q "server: stopped (0)" "$tmp/$name.server"; then
        pass "$name"
    else
        fail "$name" "$tmp/$name.all"
    fi
}

port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run_pair example_sync_over_tcp ncacn_ip_tcp "$port" -- ncacn_ip_tcp 127.0.0.1 "$port"
run_pair example_sync_over_ncalrpc ncalrpc "asidl-example-$$" -- ncalrpc "" "asidl-example-$$"

# a dynamic endpoint, registered with asidl-epmd and found by a client that names no endpoint
"$B/bin/asidl-epmd" -p 0 >"$tmp/epmd" 2>&1 &
epmd=$!
wait_for "$tmp/epmd" "listening on port"
ASIDL_EPMAP_PORT=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' "$tmp/epmd")
export ASIDL_EPMAP_PORT
run_pair example_sync_through_the_endpoint_mapper ncacn_ip_tcp -- ncacn_ip_tcp 127.0.0.1
kill $epmd
wait $epmd 2>/dev/null
make -s -C "$sync" clean >/dev/null 2>&1
exit 0
