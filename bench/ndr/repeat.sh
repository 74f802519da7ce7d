#!/bin/sh
# Runs bench/ndr N times (default 9) and prints, for each of issue 3's goals, the best, median
# and worst of the runs: one run is not a figure on a shared, noisy machine.
#   make build/lib/libasidlrt.a && bench/ndr/repeat.sh 9
set -eu
cd "$(dirname "$0")/../.."
N=${1:-9}
B=${B:-build}
bench/ndr/run.sh none >/dev/null      # builds $B/bench/ndr ("none" runs no benchmark)
i=0
while [ "$i" -lt "$N" ]; do
    "$B/bench/ndr"
    i=$((i + 1))
done | awk '
function value(word,   i) { for (i = 1; i <= NF; i++) if ($i == word) return $(i + 1) + 0; return 0 }
function sort(a, n,   i, j, t) { for (i = 1; i < n; i++) for (j = i; j > 0 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t } }
/^\(a\) /  { case_ = "a" }
/^\(a.\) / { case_ = "a2" }
/^\(b\) /  { case_ = "b" }
/ratio to memcpy/ {
    for (i = 1; i <= NF; i++) if ($i == "MB/s") mbs = $(i - 1) + 0
    if (case_ == "a")  ratio_a[na++] = value("both")
    if (case_ == "a2") ratio_a2[na2++] = value("both")
    if (case_ == "b")  rate_b[nb++] = mbs
}
/in place/ && case_ == "a" { inplace_a[ni++] = value("both") }
END {
    sort(ratio_a, na); sort(ratio_a2, na2); sort(rate_b, nb); sort(inplace_a, ni)
    printf "%d runs; best / median / worst\n", na
    printf "(a)  DWORD array, marshal + unmarshal vs memcpy: %.2fx / %.2fx / %.2fx (goal: within 2x)\n", ratio_a[0], ratio_a[int(na / 2)], ratio_a[na - 1]
    if (ni) printf "     server unmarshalling in place:            %.2fx / %.2fx / %.2fx\n", inplace_a[0], inplace_a[int(ni / 2)], inplace_a[ni - 1]
    printf "(a\047) long array, marshal + unmarshal vs memcpy:  %.2fx / %.2fx / %.2fx (goal: within 4x)\n", ratio_a2[0], ratio_a2[int(na2 / 2)], ratio_a2[na2 - 1]
    printf "(b)  10,000 structs, MB/s of wire data:         %d / %d / %d (goal: at least 200)\n", rate_b[nb - 1], rate_b[int(nb / 2)], rate_b[0]
}'
