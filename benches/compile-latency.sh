#!/bin/bash
# Compile latency of a ~50-line script (benches/compile-latency.daphne: UDFs, loops, matrix
# operations, prints) with the release build: cold (a fresh, empty cache directory per run),
# with --no-cache, and from the compile cache. Prints the median of N runs (default 7) of the
# whole process's wall time, and of the frontend and compile stages that `--timing` reports.
# Targets: cold <= 300 ms, cached <= 50 ms. Usage: benches/compile-latency.sh [runs].
set -eu
cd "$(dirname "$0")/.."
runs=${1:-7}
daphne=${DAPHNE_BIN:-target/release/daphne}
script=benches/compile-latency.daphne
[ -x "$daphne" ] || { echo "$daphne is missing: cargo build --release -p daphne" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One run: prints "wall_ms parse_ms compile_ms cache".
measure() {
    local start end
    start=$(date +%s%N)
    "$@" --timing "$script" >/dev/null 2>"$work/timing"
    end=$(date +%s%N)
    awk -v wall=$(( (end - start) / 1000 )) '{
        match($0, /"parsing_seconds": [0-9.e-]+/); p = substr($0, RSTART + 19, RLENGTH - 19);
        match($0, /"compilation_seconds": [0-9.e-]+/); c = substr($0, RSTART + 23, RLENGTH - 23);
        match($0, /"cache": "[a-z]+"/); k = substr($0, RSTART + 10, RLENGTH - 11);
        printf "%.1f %.1f %.1f %s\n", wall / 1000, p * 1000, c * 1000, k }' "$work/timing"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Runs `mode` `runs` times and prints one table row.
row() {
    local name=$1 mode=$2 i
    : > "$work/rows"
    for i in $(seq "$runs"); do
        case $mode in
            cold) rm -rf "$work/cache"; DAPHNE_CACHE_DIR="$work/cache" measure "$daphne" ;;
            nocache) DAPHNE_CACHE_DIR="$work/cache" measure "$daphne" --no-cache ;;
            cached) DAPHNE_CACHE_DIR="$work/cache" measure "$daphne" ;;
        esac >> "$work/rows"
    done
    printf "%-22s %10s %10s %10s %8s\n" "$name" \
        "$(cut -d' ' -f1 "$work/rows" | median)" "$(cut -d' ' -f2 "$work/rows" | median)" \
        "$(cut -d' ' -f3 "$work/rows" | median)" "$(cut -d' ' -f4 "$work/rows" | sort -u | tr '\n' ' ')"
}

startup=$(for i in $(seq "$runs"); do
    s=$(date +%s%N); "$daphne" --version >/dev/null; e=$(date +%s%N); echo "$(( (e - s) / 1000 ))"
done | median)

echo "compile latency of $script ($(wc -l < "$script") lines), median of $runs runs, $daphne"
printf "%-22s %10s %10s %10s %8s\n" "mode" "wall ms" "front ms" "compile ms" "cache"
row "cold (empty cache)" cold
row "--no-cache" nocache
DAPHNE_CACHE_DIR="$work/cache" "$daphne" "$script" >/dev/null  # fill the cache
row "from the cache" cached
printf "%-22s %10.1f\n" "process start only" "$(echo "$startup / 1000" | bc -l)"
echo "(wall: the whole process; front: parsing, imports, semantic analysis; compile: the rest"
echo " up to loaded code, i.e. MLIR + LLVM on a miss, lookup + load on a hit)"
