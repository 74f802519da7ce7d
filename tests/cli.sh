#!/bin/sh
# Command-line behaviour of the asidl driver: options, output naming, dependency output,
# exit codes, determinism.  Fixtures live in testdata/cli/.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
asidl=$top/${B:-build}/bin/asidl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd testdata/cli

n=0
check() {   # check NAME COMMAND... : the command must succeed
    name=$1; shift
    if out=$("$@" 2>&1); then echo "ok - cli: $name"; else echo "not ok - cli: $name"; printf '%s\n' "$out" | head -10 | sed 's/^/#   /'; fi
}

check "--help exits 0 and shows usage" sh -c "'$asidl' --help | grep -q '^usage: asidl'"
check "--version names the version" sh -c "'$asidl' --version | grep -Eq '^asidl [0-9]+\.[0-9]+\.[0-9]+'"
check "unknown option is refused with exit 1" sh -c "'$asidl' -frobnicate calc.idl; test \$? -eq 1"
check "unknown option is named" sh -c "'$asidl' -frobnicate calc.idl 2>&1 | grep -q \"unknown option '-frobnicate'\""
check "missing input is refused with exit 1" sh -c "'$asidl' -out '$tmp'; test \$? -eq 1"
check "missing file is reported" sh -c "'$asidl' nosuch.idl 2>&1 | grep -q \"cannot open 'nosuch.idl'\""

check "-out creates the directory and writes the header there" sh -c "'$asidl' -out '$tmp/a/b' calc.idl && test -s '$tmp/a/b/calc.h' && cp '$tmp/a/b/calc.h' '$tmp/a/calc.h'"
check "output is byte-identical run to run" sh -c "mkdir -p '$tmp/b' && '$asidl' -out '$tmp/b' calc.idl && cmp '$tmp/a/calc.h' '$tmp/b/calc.h'"
check "-header renames the header" sh -c "mkdir -p '$tmp/c' && '$asidl' -out '$tmp/c' -header my.h calc.idl && test -s '$tmp/c/my.h' && ! test -e '$tmp/c/calc.h'"
check "header guard and banner do not contain paths or dates" sh -c "! grep -Eq '$tmp|20[0-9][0-9]-' '$tmp/a/calc.h'"
check "--parse-only writes nothing" sh -c "mkdir -p '$tmp/d' && '$asidl' --parse-only -out '$tmp/d' calc.idl && test -z \"\$(ls '$tmp/d')\""
check "the ACF beside the IDL is read: Add is async" sh -c "grep -q 'void Add(PRPC_ASYNC_STATE' '$tmp/a/calc.h'"
check "-acf names another ACF" sh -c "mkdir -p '$tmp/e' && '$asidl' -out '$tmp/e' -acf other.acf calc.idl && grep -q 'void Shutdown(PRPC_ASYNC_STATE' '$tmp/e/calc.h' && grep -q 'long Add(' '$tmp/e/calc.h'"
check "-D reaches the preprocessor" sh -c "mkdir -p '$tmp/f' && '$asidl' -out '$tmp/f' -DWITH_EXTRA calc.idl && grep -q 'EXTRA' '$tmp/f/calc.h' && ! grep -q EXTRA '$tmp/a/calc.h'"
check "-D then -U: the later one wins" sh -c "mkdir -p '$tmp/g' && '$asidl' -out '$tmp/g' -DWITH_EXTRA -UWITH_EXTRA calc.idl && ! grep -q EXTRA '$tmp/g/calc.h'"
check "-no_cpp reads the file as it is (an #ifdef is then a syntax error)" sh -c "'$asidl' -no_cpp -out '$tmp' calc.idl 2>&1 | grep -q \"calc.idl:11:1: error: preprocessor directive 'ifdef WITH_EXTRA'\""
check "imported file: its header is included, its types are not repeated" sh -c "grep -q '#include \"dep.h\"' '$tmp/a/calc.h' && ! grep -q 'struct point' '$tmp/a/calc.h'"
check "-M prints a make rule with the IDL, ACF and imports" sh -c "'$asidl' -M calc.idl > '$tmp/dep.txt' && grep -q '^calc.h calc_c.c calc_s.c:' '$tmp/dep.txt' && grep -q 'calc.idl' '$tmp/dep.txt' && grep -q 'calc.acf' '$tmp/dep.txt' && grep -q 'dep.idl' '$tmp/dep.txt'"
check "-M writes no code" sh -c "cd '$tmp' && mkdir -p m && cd m && '$asidl' -M '$top/testdata/cli/calc.idl' > /dev/null && test -z \"\$(ls)\""
check "-MD -MF -MT -MP write the rule to a file" sh -c "mkdir -p '$tmp/h' && '$asidl' -out '$tmp/h' -MD -MF '$tmp/h/x.d' -MT mytarget -MP calc.idl && grep -q '^mytarget:' '$tmp/h/x.d' && grep -q '^dep.idl:' '$tmp/h/x.d' && test -s '$tmp/h/calc.h'"
check "a no-effect attribute warns at -W1" sh -c "'$asidl' -out '$tmp' warn.idl 2>&1 | grep -q \"warning: .*helpstring\""
check "-W0 silences warnings" sh -c "test -z \"\$('$asidl' -W0 -out '$tmp' warn.idl 2>&1)\""
check "-WX turns warnings into errors (exit 1)" sh -c "'$asidl' -WX -out '$tmp' warn.idl 2>/dev/null; test \$? -eq 1"
check "MIDL-only options are accepted" sh -c "mkdir -p '$tmp/i' && '$asidl' -Oicf -env win64 -ms_ext -app_config -robust -char unsigned -target NT60 -nologo -out '$tmp/i' calc.idl && test -s '$tmp/i/calc.h'"
check "-oldnames declares the pre-version interface handle names" sh -c "mkdir -p '$tmp/j' && '$asidl' -oldnames -out '$tmp/j' calc.idl && grep -q 'calc_ClientIfHandle' '$tmp/j/calc.h'"
check "a file's typedef shadows an imported one" "$asidl" --parse-only shadow.idl
check "an RPC interface gets client and server stub files" sh -c "test -s '$tmp/a/b/calc_c.c' && test -s '$tmp/a/b/calc_s.c' && grep -q '^void Add(PRPC_ASYNC_STATE' '$tmp/a/b/calc_c.c' && grep -q 'asidl_client_call_async' '$tmp/a/b/calc_c.c' && grep -q 'calc_v1_0_s_ifspec =' '$tmp/a/b/calc_s.c'"
check "-cstub and -sstub rename the stub files, -client none leaves one out" sh -c "mkdir -p '$tmp/k' && '$asidl' -out '$tmp/k' -cstub cli.c -sstub srv.c calc.idl && test -s '$tmp/k/cli.c' && test -s '$tmp/k/srv.c' && mkdir -p '$tmp/l' && '$asidl' -out '$tmp/l' -client none calc.idl && ! test -e '$tmp/l/calc_c.c' && test -s '$tmp/l/calc_s.c'"
check "-prefix client/server renames client stubs and manager routines" sh -c "mkdir -p '$tmp/p' && '$asidl' -out '$tmp/p' -prefix client c_ server s_ calc.idl && grep -q 'void c_Add(PRPC_ASYNC_STATE' '$tmp/p/calc.h' && grep -q 'void s_Add(PRPC_ASYNC_STATE' '$tmp/p/calc.h' && grep -q '^void c_Add(' '$tmp/p/calc_c.c' && grep -q '^    s_Add,' '$tmp/p/calc_s.c'"
check "-prefix all applies to both sides unless one is named" sh -c "mkdir -p '$tmp/q' && '$asidl' -out '$tmp/q' -prefix all x_ server s_ calc.idl && grep -q '^void x_Add(' '$tmp/q/calc_c.c' && grep -q '^    s_Add,' '$tmp/q/calc_s.c'"
check "-prefix without a kind is refused with exit 1" sh -c "'$asidl' -prefix calc.idl 2>&1 | grep -q 'prefix takes'; '$asidl' -prefix calc.idl 2>/dev/null; test \$? -eq 1"
check "-no_default_epv leaves the server interface without a default EPV" sh -c "mkdir -p '$tmp/r' && '$asidl' -out '$tmp/r' -no_default_epv calc.idl && ! grep -q 'default_epv' '$tmp/r/calc_s.c' && grep -q 'calc_v1_0_s_ifspec' '$tmp/r/calc_s.c'"
check "stub files are byte-identical run to run" sh -c "mkdir -p '$tmp/s' && '$asidl' -out '$tmp/s' calc.idl && cmp '$tmp/s/calc_c.c' '$tmp/b/calc_c.c' && cmp '$tmp/s/calc_s.c' '$tmp/b/calc_s.c'"
exit 0
