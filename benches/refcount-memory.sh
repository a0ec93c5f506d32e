#!/bin/sh
# Peak memory of a loop that allocates a 100 MB matrix (3536 x 3536 f64) in each of 1,000
# iterations: with reference counting (the obj-ref-mgnt pass) every matrix is freed after its
# last use, so the peak stays near one matrix plus the compiler; without it, it grows by
# 100 MB per iteration. Usage: benches/refcount-memory.sh [iterations] (default 1000).
# Needs target/release/daphne (make build) and GNU time (/usr/bin/time).
set -eu
cd "$(dirname "$0")/.."
n=${1:-1000}
script=$(mktemp --suffix=.daphne)
trap 'rm -f "$script"' EXIT
cat > "$script" <<DSL
s = 0.0;
for (i in 1:$n) {
    X = fill(as.f64(i), 3536, 3536);
    s = s + as.scalar(X[0, 0]);
}
print(s);
DSL
/usr/bin/time -f '%M' -o "$script.rss" target/release/daphne run "$script" >/dev/null
kb=$(cat "$script.rss"); rm -f "$script.rss"
echo "iterations: $n, peak RSS: $((kb / 1024)) MB (limit 500 MB)"
[ "$kb" -lt 512000 ]
