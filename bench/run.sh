#!/bin/bash
# bench/run.sh BUILD: run every benchmark (each compares healthgap with its
# peer in the same run). Set BENCH_PEOPLE to change the population size.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
for b in "$root"/bench/*/run.sh; do
	name=$(basename "$(dirname "$b")")
	echo "== bench/$name"
	if [ "$name" = ingest ]; then
		"$b" "$build" "${BENCH_PEOPLE:-1000000}"
	else
		"$b" "$build"
	fi
	echo
done
