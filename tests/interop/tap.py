"""TAP lines for the interop scripts: each test prints `ok - name`, or `not ok - name` with its
traceback as `#` comments; `tap.failures` counts the failed ones for the exit status."""
import sys
import traceback

failures = 0


def test(name, fn):
    global failures
    try:
        fn()
        print('ok - %s' % name)
    except Exception:
        failures += 1
        print('not ok - %s' % name)
        for line in traceback.format_exc().splitlines():
            print('#   ' + line)
    sys.stdout.flush()


def exit_status(more_failures=0):
    """1 when any test (or more_failures, counted elsewhere) failed, else 0."""
    return 1 if failures + more_failures else 0
