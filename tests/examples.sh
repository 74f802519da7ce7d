#!/bin/sh
# The examples, built from their IDL with build/bin/asidl and run as a user runs them:
# examples/sync's client and server over ncacn_ip_tcp with a fixed port, over ncalrpc, and with a
# dynamic endpoint found through asidl-epmd; examples/async's over ncacn_ip_tcp (a port the
# server picks) and ncalrpc; and `make demo`'s script. Prints TAP lines.
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

# ---- examples/async: the asynchronous calculator, built out of the source tree

async=$tmp/async
if make -s -C examples/async B="$B" OUT="$async" >"$tmp/async-build" 2>&1; then
    pass example_async_builds_from_its_idl_warning_free
else
    fail example_async_builds_from_its_idl_warning_free "$tmp/async-build"
    exit 0
fi

# expect NAME FILE LINE...: passes if FILE holds every LINE (fixed strings)
expect() {
    e_name=$1 e_file=$2
    shift 2
    for line in "$@"; do
        if ! grep -qF -- "$line" "$e_file"; then
            fail "$e_name" "$e_file"
            echo "#   (no line with: $line)"
            return
        fi
    done
    pass "$e_name"
}

# run_async TRANSPORT PROTSEQ ADDRESS [ENDPOINT]: the server (on ENDPOINT, or one it picks) and
# the client with --shutdown; then the server must have stopped by itself
run_async() {
    t=$1 protseq=$2 addr=$3 endpoint=${4:-}
    log=$tmp/async-$t
    if [ -n "$endpoint" ]; then
        "$async/server" "$protseq" "$endpoint" >"$log.server" 2>&1 &
    else
        "$async/server" "$protseq" >"$log.server" 2>&1 &
    fi
    spid=$!
    wait_for "$log.server" "listening on"
    [ -n "$endpoint" ] || endpoint=$(sed -n 's/.*listening on .*\[\([^]]*\)\].*/\1/p' "$log.server" | head -1)
    timeout 30 "$async/client" "$protseq" "$addr" "$endpoint" --shutdown >"$log.client" 2>&1
    cstatus=$?
    i=0
    while kill -0 $spid 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    kill $spid 2>/dev/null
    wait $spid
    sstatus=$?
    cat "$log.client" "$log.server" >"$log.all"
    name=example_async_over_$t
    if [ $cstatus -eq 0 ] && [ $sstatus -eq 0 ]; then
        pass "${name}_client_and_server_succeed"
    else
        fail "${name}_client_and_server_succeed" "$log.all"
        echo "#   (client exit $cstatus, server exit $sstatus)"
    fi
    expect "${name}_documented_fragment_makes_a_synchronous_call_meanwhile" "$log.all" \
        "Add(40, 2) = 42, while 'Reduce' is running asynchronously (its status: RPC_S_ASYNC_CALL_PENDING)" \
        "RpcAsyncCompleteCall = RPC_S_OK, Reduce returned 10, result 55"
    expect "${name}_calls_complete_out_of_order" "$log.all" \
        "Add(1, 2) = 3, synchronously, while 4 asynchronous calls are pending" \
        "order of start:      #1 #2 #3 #4" \
        "order of completion: #2 #4 #3 #1"
    expect "${name}_every_notification_type" "$log.all" \
        "None      RPC_S_OK, Reduce = 15  polled RpcAsyncGetCallStatus" \
        "Event     RPC_S_OK, Reduce = 21  WaitForSingleObject(u.hEvent) = WAIT_OBJECT_0" \
        "Apc       RPC_S_OK, Reduce = 28  SleepEx(5000, TRUE) = WAIT_IO_COMPLETION: the APC ran on this thread" \
        "Ioc       RPC_S_OK, Reduce = 36  GetQueuedCompletionStatus: a packet with our key" \
        "Hwnd      RPC_S_OK, Reduce = 45  GetMessage: WM_USER+1 for our window, wParam 0, lParam = &Async" \
        "Callback  RPC_S_OK, Reduce = 55  the notification routine was called with RpcCallComplete"
    expect "${name}_cancel_reaches_RpcServerTestCancel_and_gives_1818" "$log.all" \
        "sees it (Stats: 1 cancelled call seen) and which aborts the call:" \
        "RpcServerTestCancel = RPC_S_OK after" \
        "RpcAsyncAbortCall(pAsync, RPC_S_CALL_CANCELLED) = 0"
    if [ "$(grep -c 'RpcAsyncCompleteCall = 1818 (RPC_S_CALL_CANCELLED)' "$log.client")" -eq 2 ]; then
        pass "${name}_abortive_and_non_abortive_cancel_both_end_with_1818"
    else
        fail "${name}_abortive_and_non_abortive_cancel_both_end_with_1818" "$log.client"
    fi
    expect "${name}_abort_delivers_the_servers_exception_code" "$log.all" \
        "server: call 17 Fail: RpcAsyncAbortCall(pAsync, 0x20000002)" \
        "Fail(CALC_E_FAILED):         RpcAsyncCompleteCall = 536870914 = 0x20000002 (CALC_E_FAILED)" \
        "RpcAsyncCompleteCall = 536870913 = 0x20000001 (CALC_E_OVERFLOW), result untouched (-1)"
    expect "${name}_summary_and_clean_stop" "$log.all" \
        "15 asynchronous calls: 11 RPC_S_OK, 2 RPC_S_CALL_CANCELLED, 1 CALC_E_FAILED, 1 CALC_E_OVERFLOW" \
        "3 synchronous calls on the same binding" \
        "client: asked the server to shut down" \
        "server: 19 calls: 11 completed and 4 aborted asynchronously, 2 cancels seen" \
        "server: stopped (0)"
    if grep -q UNEXPECTED "$log.all"; then
        fail "${name}_nothing_unexpected" "$log.all"
    else
        pass "${name}_nothing_unexpected"
    fi
}

run_async tcp ncacn_ip_tcp 127.0.0.1
run_async ncalrpc ncalrpc "" "asidl-async-example-$$"

# `make demo`'s script, as the README's first command runs it (after `make`)
if B="$B" timeout 120 examples/demo.sh >"$tmp/demo" 2>&1; then
    expect make_demo_runs_to_its_summary_and_stops_the_server "$tmp/demo" \
        "order of completion: #2 #4 #3 #1" \
        "15 asynchronous calls: 11 RPC_S_OK, 2 RPC_S_CALL_CANCELLED, 1 CALC_E_FAILED, 1 CALC_E_OVERFLOW" \
        "server: stopped (0)" \
        "demo finished: the client stopped the server, nothing is left running."
else
    fail make_demo_runs_to_its_summary_and_stops_the_server "$tmp/demo"
fi
exit 0
