#!/bin/sh
# make demo: compiles the example calculator IDL and shows what asidl generated.
# (The runtime that makes these stubs talk is being built; when it lands this script starts a
# server and runs a client.)
set -eu
cd "$(dirname "$0")/.."
asidl=${B:-build}/bin/asidl
out=${B:-build}/demo
rm -rf "$out"
mkdir -p "$out"

echo "== asidl -out $out examples/calc/calc.idl"
"$asidl" -out "$out" examples/calc/calc.idl
echo
echo "== generated files"
ls -l "$out"
echo
echo "== $out/calc.h: the asynchronous operations take PRPC_ASYNC_STATE first and return void"
grep -n -E '^(void|long|extern|typedef|#define)' "$out/calc.h" || true
echo
echo "== the header compiles as C and C++"
printf '#include "calc.h"\nint main(void) { return 0; }\n' | cc -std=c11 -Wall -Wextra -Werror -I"$out" -Iruntime/include -fsyntax-only -x c - && echo "C: ok"
printf '#include "calc.h"\nint main() { return 0; }\n' | c++ -std=c++11 -Wall -Wextra -Werror -I"$out" -Iruntime/include -fsyntax-only -x c++ - && echo "C++: ok"
