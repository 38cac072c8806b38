#!/usr/bin/env bash
# Compare two builds of the starter on this machine: the benchmark jar of each git ref is built
# from a copy of that commit (git archive, so no worktree is added), then the rows run with the
# two jars interleaved, RUNS times each, so that both see the same load. Each run prints the
# benchmark's own table; the rows' lines of every run are gathered at the end.
#
#   benchmarks/compare-builds.sh [BEFORE_REF] [AFTER_REF] [RUNS] [ROWS...]
#   benchmarks/compare-builds.sh main HEAD 3 alo-1 alo-16 catch-up tx-overhead
#
# "catch-up" is the resume catch-up row and "tx-overhead" the sendEvent overhead row. Reading:
# no median of the after build below the lowest of the before build (compare ratios to the raw
# baselines of the same run, which the table prints beside each figure).
set -euo pipefail

before=${1:-main}
after=${2:-HEAD}
runs=${3:-3}
shift $(( $# < 3 ? $# : 3 ))
rows=("$@")
if [ ${#rows[@]} -eq 0 ]; then
	rows=(alo-1 alo-16 catch-up tx-overhead)
fi

root=$(git rev-parse --show-toplevel)
work=$(mktemp -d "${TMPDIR:-/tmp}/realtime-compare.XXXXXX")
echo "Building into $work" >&2

build() {
	local name=$1 ref=$2
	mkdir -p "$work/$name"
	git -C "$root" archive "$ref" | tar -x -C "$work/$name"
	(cd "$work/$name" && ./mvnw -q -B -ntp -pl benchmarks -am package -DskipTests)
	echo "$work/$name/benchmarks/target/realtime-benchmarks.jar"
}

before_jar=$(build before "$before")
after_jar=$(build after "$after")

for run in $(seq 1 "$runs"); do
	for name in before after; do
		jar=$before_jar
		[ "$name" = after ] && jar=$after_jar
		echo "== run $run, $name ($( [ "$name" = after ] && echo "$after" || echo "$before" ))" >&2
		java -jar "$jar" "${rows[@]}" > "$work/$name-$run.txt"
	done
done

for name in before after; do
	echo "## $name"
	for run in $(seq 1 "$runs"); do
		echo "# run $run"
		grep '^|' "$work/$name-$run.txt" | grep -v '^| figure\|^|---' || true
	done
done
