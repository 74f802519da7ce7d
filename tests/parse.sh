#!/bin/sh
# Parser tests: every testdata/parse/NAME.idl (with NAME.acf if present, and the options in
# NAME.opts) is parsed with `asidl --dump-ast` and the AST text compared with NAME.ast.  The dump holds every file parsed,
# imports first, then the ACF; it shows what the front end built, before any checking.
# ASIDL_UPDATE_GOLDEN=1 rewrites the .ast files instead (make update-golden).
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
asidl=$top/${B:-build}/bin/asidl
update=${ASIDL_UPDATE_GOLDEN:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! "$asidl" --dump-ast --help > /dev/null 2>&1; then
    echo "ok - parse # SKIP this asidl has no --dump-ast"
    exit 0
fi
for idl in testdata/parse/*.idl; do
    name=$(basename "$idl" .idl)
    # Files imported by a case (NAME.imported...) are not cases of their own.
    [ -f "testdata/parse/$name.ast" ] || [ -n "$update" ] || continue
    opts=""
    [ -f "testdata/parse/$name.opts" ] && opts=$(cat "testdata/parse/$name.opts")
    # shellcheck disable=SC2086
    (cd testdata/parse && "$asidl" $opts --dump-ast "$name.idl") > "$tmp/$name.ast" 2> "$tmp/$name.log"
    status=$?
    if [ $status -ne 0 ]; then
        echo "not ok - parse $name: exit status $status"
        head -10 "$tmp/$name.log" | sed 's/^/#   /'
    elif [ -n "$update" ]; then
        cp "$tmp/$name.ast" "testdata/parse/$name.ast"
    elif cmp -s "$tmp/$name.ast" "testdata/parse/$name.ast"; then
        echo "ok - parse $name"
    else
        echo "not ok - parse $name: AST differs from testdata/parse/$name.ast"
        diff -u "testdata/parse/$name.ast" "$tmp/$name.ast" | head -40 | sed 's/^/#   /'
    fi
done
exit 0
