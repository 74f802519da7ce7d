#!/bin/sh
# Runs every test suite and prints one summary line, "N passed, N failed".
# Each suite prints TAP-style lines ("ok - name" / "not ok - name", details indented with '#');
# this script only counts them, so a suite may be a shell script or a C program.
set -u
cd "$(dirname "$0")/.."

B=${B:-build}
log=$B/test-results.txt
mkdir -p "$B"
: > "$log"
# asidl's preprocessor cache: a fresh one inside the build directory, not the user's.
ASIDL_CACHE_DIR=$(pwd)/$B/test-cache
rm -rf "$ASIDL_CACHE_DIR"
export ASIDL_CACHE_DIR

run_suite() {   # run_suite NAME COMMAND...
    name=$1; shift
    echo "== $name"
    # A suite that fails a test exits non-zero, which its "not ok" lines already count; any
    # other non-zero exit is a crash (a sanitizer's abort after some results included).
    out=$("$@" 2>&1); status=$?
    printf '%s\n' "$out" | tee -a "$log" | grep -E '^(not ok|ok|#)' || true
    if ! printf '%s\n' "$out" | grep -qE '^(not ok|ok)( |$)'; then
        echo "not ok - $name: suite produced no results (exit $status)" | tee -a "$log"
        printf '%s\n' "$out" | tail -20 | sed 's/^/#   /'
    elif [ "$status" -ne 0 ] && ! printf '%s\n' "$out" | grep -qE '^not ok( |$)'; then
        echo "not ok - $name: suite exited with status $status after its results" | tee -a "$log"
        printf '%s\n' "$out" | tail -20 | sed 's/^/#   /'
    fi
}

# ASIDL_TEST_SUITES=programs runs only the C test programs (make check-asan).
scripts=true
[ "${ASIDL_TEST_SUITES:-all}" = programs ] && scripts=false
if $scripts; then
    run_suite golden tests/golden.sh
    run_suite parse tests/parse.sh
    run_suite cli tests/cli.sh
    run_suite cache tests/cache.sh
    run_suite install tests/install.sh
    run_suite exports tests/exports.sh
fi
for t in "$B"/tests/*; do
    [ -x "$t" ] && [ -f "$t" ] && run_suite "$(basename "$t")" "$t"
done
if $scripts; then
    run_suite corpus tests/corpus.sh
    run_suite examples tests/examples.sh
fi

passed=$(grep -cE '^ok( |$)' "$log")
failed=$(grep -cE '^not ok( |$)' "$log")
skipped=$(grep -cE '^ok .*# SKIP' "$log")
echo
grep -E '^not ok' "$log" | sed 's/^/FAILED: /'
echo "$((passed - skipped)) passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
