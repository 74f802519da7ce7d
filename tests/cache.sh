#!/bin/sh
# The preprocessor output cache (compiler/ppcache.c): a cached run gives exactly the output of
# an uncached one, starts no preprocessor, and an entry is never used once anything it depends
# on changed.  ASIDL_CACHE_TRACE=1 makes asidl say what the cache did with each file
# ("asidl: cache: FILE: hit", "miss: REASON", "stored", "not stored: REASON").
#   ASIDL_CORPUS   mingw-w64's include directory, for a sample of real files (default
#                  /work/corpus/include; skipped when absent)
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
asidl=$top/${B:-build}/bin/asidl
corpus=${ASIDL_CORPUS:-/work/corpus/include}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset ASIDL_CACHE ASIDL_CACHE_TRACE ASIDL_CACHE_SIZE CPATH C_INCLUDE_PATH

check() {   # check NAME COMMAND... : the command must succeed
    name=$1; shift
    if out=$("$@" 2>&1); then echo "ok - cache: $name"; else echo "not ok - cache: $name"; printf '%s\n' "$out" | head -10 | sed 's/^/#   /'; fi
}

# A cpp that counts the runs of its cc1, so a test can tell whether a preprocessor ran.
real_cpp=$(command -v cpp || true)
real_cc1=$(cpp -print-prog-name=cc1 2>/dev/null || true)
case $real_cc1 in
/*) [ -x "$real_cc1" ] || real_cc1="" ;;
*) real_cc1="" ;;
esac
if [ -z "$real_cpp" ] || [ -z "$real_cc1" ]; then
    echo "ok - cache # SKIP the cache needs GCC's preprocessor (cpp -print-prog-name=cc1)"
    exit 0
fi
mkdir "$tmp/bin"
cat > "$tmp/bin/cpp" <<EOF
#!/bin/sh
if [ "\$1" = "-print-prog-name=cc1" ]; then echo "$tmp/bin/cc1"; exit 0; fi
exec "$real_cpp" "\$@"
EOF
cat > "$tmp/bin/cc1" <<EOF
#!/bin/sh
echo "\$*" >> "$tmp/cc1.log"
exec "$real_cc1" "\$@"
EOF
chmod +x "$tmp/bin/cpp" "$tmp/bin/cc1"
PATH=$tmp/bin:$PATH
export PATH
: > "$tmp/cc1.log"
cc1_runs() { wc -l < "$tmp/cc1.log" | tr -d ' '; }

# The fixtures: main.idl #includes a header found on the second -I directory and imports
# dep.idl; both need the preprocessor.
src=$tmp/src
mkdir -p "$src" "$tmp/inc1" "$tmp/inc2"
cat > "$src/main.idl" <<'EOF'
#include <sizes.h>
import "dep.idl";
typedef struct point { long x[VALUE]; dep_t y; } point;
#ifdef FOO
const long foo = FOO;
#endif
EOF
printf '#define VALUE 3\n' > "$tmp/inc2/sizes.h"
cat > "$src/dep.idl" <<'EOF'
#define DEP_TYPE long
typedef DEP_TYPE dep_t;
EOF
cat > "$src/dated.idl" <<'EOF'
const char *built = __DATE__;
EOF
# A file changed in the last two seconds is not stored (its times may not yet tell its
# versions apart): let the fixtures age.
sleep 3

run() {   # run DIR [OPTIONS...]: compile main.idl into DIR; the cache's trace goes to DIR/trace
    dir=$1; shift
    mkdir -p "$dir"
    (cd "$src" && ASIDL_CACHE_TRACE=1 "$asidl" -I"$tmp/inc1" -I"$tmp/inc2" -out "$dir" "$@" main.idl) \
        > "$dir/stdout" 2> "$dir/trace"
}
export ASIDL_CACHE_DIR=$tmp/cache

# ---- hits ----
run "$tmp/off" -no_cache
check "-no_cache writes no entry" sh -c "! test -e '$tmp/cache' || test -z \"\$(ls '$tmp/cache')\""
ASIDL_CACHE=0 run "$tmp/off0"
check "ASIDL_CACHE=0 writes no entry" sh -c "! test -e '$tmp/cache' || test -z \"\$(ls '$tmp/cache')\""
run "$tmp/r1"
check "the first run stores each preprocessed file" sh -c "grep -q 'main.idl: stored' '$tmp/r1/trace' && grep -q 'dep.idl: stored' '$tmp/r1/trace'"
before=$(cc1_runs)
run "$tmp/r2"
check "the second run takes each file from the cache" sh -c "grep -q 'main.idl: hit' '$tmp/r2/trace' && grep -q 'dep.idl: hit' '$tmp/r2/trace' && ! grep -v ': hit$' '$tmp/r2/trace'"
check "a run served from the cache starts no preprocessor" test "$(cc1_runs)" -eq "$before"
check "output from the cache is byte-identical to output without it" sh -c "cmp '$tmp/off/main.h' '$tmp/r1/main.h' && cmp '$tmp/off/main.h' '$tmp/r2/main.h' && cmp '$tmp/off0/main.h' '$tmp/r2/main.h'"
check "the cached output is the preprocessed one" grep -q 'x\[3\]' "$tmp/r2/main.h"
check "-M from the cache names the header cpp included" sh -c "cd '$src' && '$asidl' -M -I'$tmp/inc1' -I'$tmp/inc2' main.idl | grep -q 'inc2/sizes.h'"

# ---- the key: every option that changes cpp's output ----
run "$tmp/d1" -DFOO=1
run "$tmp/d2" -DFOO=2
check "different -D values give different entries" sh -c "grep -q 'foo (1)' '$tmp/d1/main.h' && grep -q 'foo (2)' '$tmp/d2/main.h' && grep -q 'main.idl: stored' '$tmp/d2/trace'"
run "$tmp/d3" -DFOO=1
check "each -D value finds its own entry" sh -c "grep -q 'main.idl: hit' '$tmp/d3/trace' && cmp '$tmp/d1/main.h' '$tmp/d3/main.h'"
run "$tmp/d4" -DFOO=1 -UFOO
check "-U after -D is a different key" sh -c "! grep -q 'foo' '$tmp/d4/main.h' && grep -q 'main.idl: stored' '$tmp/d4/trace'"
run "$tmp/w" -no_widl_compat
check "-no_widl_compat is a different key" grep -q 'main.idl: stored' "$tmp/w/trace"

# ---- entries that do not check out are ignored, then rewritten ----
for e in "$tmp"/cache/pp-*; do
    size=$(wc -c < "$e")
    # A byte other than the one there (the middle may already hold an X, as in GCC_EXEC_PREFIX).
    was=$(dd if="$e" bs=1 skip=$((size / 2)) count=1 2>/dev/null)
    if [ "$was" = X ]; then now=Y; else now=X; fi
    printf '%s' "$now" | dd of="$e" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
done
run "$tmp/c1"
check "a damaged entry is ignored" sh -c "grep -q 'main.idl: miss: entry damaged' '$tmp/c1/trace' && cmp '$tmp/off/main.h' '$tmp/c1/main.h'"
run "$tmp/c2"
check "a damaged entry is rewritten" sh -c "grep -q 'main.idl: hit' '$tmp/c2/trace'"
for e in "$tmp"/cache/pp-*; do
    size=$(wc -c < "$e")
    head -c $((size - 20)) "$e" > "$e.cut" && mv "$e.cut" "$e"
done
run "$tmp/c3"
check "a truncated entry is ignored" sh -c "grep -q 'main.idl: miss: entry' '$tmp/c3/trace' && cmp '$tmp/off/main.h' '$tmp/c3/main.h'"
for e in "$tmp"/cache/pp-*; do : > "$e"; done
run "$tmp/c4"
check "an empty entry is ignored" sh -c "grep -q 'main.idl: miss' '$tmp/c4/trace' && cmp '$tmp/off/main.h' '$tmp/c4/main.h'"
for e in "$tmp"/cache/pp-*; do head -c 3000 /dev/urandom > "$e"; done
run "$tmp/c5"
check "an entry of random bytes is ignored" sh -c "grep -q 'main.idl: miss' '$tmp/c5/trace' && cmp '$tmp/off/main.h' '$tmp/c5/main.h'"
for e in "$tmp"/cache/note-*; do printf 'garbage' > "$e"; done
run "$tmp/c6"
check "a damaged note (where cc1 is) is ignored" sh -c "cmp '$tmp/off/main.h' '$tmp/c6/main.h'"

# ---- only GCC's preprocessor run directly is cached ----
run "$tmp/k1" -cpp_cmd "$real_cpp"
check "-cpp_cmd output is not cached (asidl does not know where it searches)" sh -c "! grep -q 'cache:' '$tmp/k1/trace' && cmp '$tmp/off/main.h' '$tmp/k1/main.h'"
run "$tmp/k2" -cpp_opt "-DFOO=7"
check "-cpp_opt output is not cached" sh -c "! grep -q 'cache:' '$tmp/k2/trace' && grep -q 'foo (7)' '$tmp/k2/main.h'"
many="$real_cpp"
i=0
while [ $i -lt 40 ]; do many="$many -DPAD$i"; i=$((i + 1)); done
run "$tmp/k3" -cpp_cmd "$many"
check "a -cpp_cmd of many words works" cmp "$tmp/off/main.h" "$tmp/k3/main.h"
CPATH=$tmp/inc2 run "$tmp/k4"
check "nothing is cached while CPATH adds include directories" sh -c "! grep -q 'cache:' '$tmp/k4/trace'"

# ---- where the cache is, and when it cannot be ----
mkdir -p "$tmp/xdg" "$tmp/home"
(unset ASIDL_CACHE_DIR; cd "$src" && XDG_CACHE_HOME=$tmp/xdg "$asidl" -I"$tmp/inc2" -out "$tmp/x1" main.idl)
check "XDG_CACHE_HOME/asidl is the default location" sh -c "ls '$tmp/xdg/asidl' | grep -q '^pp-'"
(unset ASIDL_CACHE_DIR XDG_CACHE_HOME; cd "$src" && HOME=$tmp/home "$asidl" -I"$tmp/inc2" -out "$tmp/x2" main.idl)
check "... else ~/.cache/asidl" sh -c "ls '$tmp/home/.cache/asidl' | grep -q '^pp-'"
printf 'not a directory' > "$tmp/file"
check "an unusable cache directory is no error" sh -c "cd '$src' && ASIDL_CACHE_DIR='$tmp/file/sub' '$asidl' -I'$tmp/inc2' -out '$tmp/x3' main.idl && cmp '$tmp/x2/main.h' '$tmp/x3/main.h'"

# ---- bounded size ----
export ASIDL_CACHE_DIR=$tmp/small
i=0
while [ $i -lt 12 ]; do
    ASIDL_CACHE_SIZE=6K run "$tmp/b$i" -DFOO=$i
    i=$((i + 1))
done
total=$(cat "$tmp"/small/* | wc -c)
check "ASIDL_CACHE_SIZE bounds the cache ($total bytes of 6144)" test "$total" -le 6144
check "... the most recent entries stay" grep -q 'main.idl: stored' "$tmp/b11/trace"
ASIDL_CACHE_SIZE=6K run "$tmp/b12" -DFOO=11
check "... and are used" grep -q 'main.idl: hit' "$tmp/b12/trace"

# ---- concurrent runs (make -j) ----
export ASIDL_CACHE_DIR=$tmp/shared
i=0
while [ $i -lt 8 ]; do
    (
        j=0
        while [ $j -lt 6 ]; do
            run "$tmp/p$i-$j" -DFOO=$((j % 3))
            j=$((j + 1))
        done
    ) &
    i=$((i + 1))
done
wait
bad=""
for d in "$tmp"/p*; do
    n=${d##*-}
    grep -q "foo ($((n % 3)))" "$d/main.h" || bad="$bad $d"
done
check "concurrent runs all give the right output" test -z "$bad"
run "$tmp/p-after" -DFOO=1
check "concurrent runs leave whole entries" sh -c "grep -q 'main.idl: hit' '$tmp/p-after/trace' && ! grep -q damaged '$tmp'/p*/trace"
check "concurrent runs leave no temporary files" sh -c "! ls '$tmp/shared' | grep -q '^tmp-'"

# ---- anything cpp read changing invalidates ----
export ASIDL_CACHE_DIR=$tmp/cache
run "$tmp/s0"
printf '#define VALUE 5\n' > "$tmp/inc1/sizes.h"
run "$tmp/s1"
check "a header appearing earlier on the include path invalidates" sh -c "grep -q 'main.idl: miss: .*inc1/sizes.h appeared' '$tmp/s1/trace' && grep -q 'x\[5\]' '$tmp/s1/main.h'"
rm "$tmp/inc1/sizes.h"
run "$tmp/s2"
check "... and its going away again too" grep -q 'x\[3\]' "$tmp/s2/main.h"

touch -d '2021-02-03 04:05:06' "$src/dep.idl"
run "$tmp/t1"
check "touching an imported file invalidates its entry" sh -c "grep -q 'dep.idl: miss: dep.idl changed' '$tmp/t1/trace' && grep -q 'main.idl: hit' '$tmp/t1/trace' && cmp '$tmp/off/main.h' '$tmp/t1/main.h'"

stamp=$(stat -c %y "$tmp/inc2/sizes.h")
printf '#define VALUE 4\n' > "$tmp/inc2/sizes.h"
touch -d "$stamp" "$tmp/inc2/sizes.h"
run "$tmp/t2"
check "changing an #included header invalidates, even with size and mtime kept" sh -c "grep -q 'main.idl: miss: .*sizes.h changed' '$tmp/t2/trace' && grep -q 'x\[4\]' '$tmp/t2/main.h'"
check "a file changed in the last seconds is not stored" grep -q 'main.idl: not stored: .*sizes.h changed too recently' "$tmp/t2/trace"

(cd "$src" && ASIDL_CACHE_TRACE=1 "$asidl" -out "$tmp/dated" dated.idl) 2> "$tmp/dated.trace" >/dev/null
check "output using __DATE__ is not stored" grep -q 'dated.idl: not stored: .*uses __DATE__' "$tmp/dated.trace"

# ---- byte-identical output over the golden cases and real files ----
compare_all() {   # compare_all DIR FILE [OPTIONS...]: outputs and messages, cache off, cold, warm
    dir=$1; file=$2; shift 2
    for mode in off cold warm; do
        mkdir -p "$tmp/cmp/$mode"
        rm -f "$tmp/cmp/$mode"/*
        if [ $mode = off ]; then c=0; else c=1; fi
        (cd "$dir" && ASIDL_CACHE=$c ASIDL_CACHE_DIR=$tmp/cmpcache "$asidl" "$@" -out "$tmp/cmp/$mode" "$file") \
            > "$tmp/cmp/$mode/messages" 2>&1
        echo $? > "$tmp/cmp/$mode/status"
    done
    diff -r "$tmp/cmp/off" "$tmp/cmp/cold" > /dev/null && diff -r "$tmp/cmp/off" "$tmp/cmp/warm" > /dev/null
}
unset ASIDL_CACHE_DIR
bad=""
for idl in testdata/golden/*.idl testdata/errors/*.idl testdata/cli/*.idl; do
    [ -e "$idl" ] || continue
    opts=""
    [ -f "${idl%.idl}.opts" ] && opts=$(cat "${idl%.idl}.opts")
    # shellcheck disable=SC2086
    compare_all "$(dirname "$idl")" "$(basename "$idl")" $opts || bad="$bad $idl"
done
check "golden, error and cli cases: identical output with the cache off, cold and warm" test -z "$bad"

if [ -f "$corpus/unknwn.idl" ]; then
    # As the corpus suite does: an include directory holding only the .idl files.
    mkdir "$tmp/idl"
    ln -s "$corpus"/*.idl "$tmp/idl/"
    bad=""
    for f in windows.ui.xaml.idl d3d11.idl strmif.idl msxml.idl oaidl.idl ocidl.idl urlmon.idl \
             shobjidl.idl mfidl.idl dxgi1_6.idl windows.foundation.idl wincodec.idl xmllite.idl; do
        [ -e "$tmp/idl/$f" ] || continue
        compare_all "$tmp/idl" "$f" -I"$tmp/idl" -I/usr/x86_64-w64-mingw32/include || bad="$bad $f"
    done
    check "corpus sample: identical output with the cache off, cold and warm" test -z "$bad"
else
    echo "ok - cache: corpus sample # SKIP corpus not present ($corpus)"
fi
exit 0
