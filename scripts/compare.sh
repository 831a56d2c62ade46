#!/usr/bin/env bash
# compare.sh — pvlint against the peer linters on one generated corpus.
#
#   scripts/compare.sh [-n RUNS] [-s SCALE] [-k DIR]
#
# Generates the benchmark corpus (internal/corpus: 50,000×SCALE Kubernetes
# documents in 2,000×SCALE files, 500×SCALE Terraform root modules, 20×SCALE
# Helm charts), builds pvlint, and runs pvlint and every peer found on the
# PATH (kube-score, kube-linter, polaris, tfsec, trivy, kics "console",
# checkov) on the same inputs RUNS times each (default 5). Prints a
# markdown table of the median wall time, the peak resident memory of the
# median run and the ratio to pvlint on the same input. Peers are optional:
# missing ones are listed and skipped. PEERS_BIN (e.g. /tmp/peers) is put
# first on the PATH; KICS_ASSETS points at KICS's assets/ folder.
#
# Peak memory comes from GNU time (-f "%e %M") when /usr/bin/time exists,
# else from a small wait4 helper (internal/corpus/cmd/peakrss).
set -euo pipefail

runs=5 scale=1 keep=""
while getopts "n:s:k:h" o; do
	case $o in
	n) runs=$OPTARG ;;
	s) scale=$OPTARG ;;
	k) keep=$OPTARG ;;
	*) sed -n '2,20p' "$0"; exit 2 ;;
	esac
done

cd "$(dirname "$0")/.."
[ -n "${PEERS_BIN:-}" ] && export PATH="$PEERS_BIN:$PATH"
work=${keep:-$(mktemp -d "${TMPDIR:-/tmp}/pvlint-compare.XXXXXX")}
mkdir -p "$work"
[ -z "$keep" ] && trap 'rm -rf "$work"' EXIT

corpus="$work/corpus"
if [ ! -d "$corpus/k8s" ]; then
	echo "generating the corpus (scale $scale) in $corpus" >&2
	go run ./internal/corpus/cmd/gencorpus -scale "$scale" "$corpus" >&2
fi
echo "building pvlint" >&2
go build -o "$work/pvlint" ./cmd/pvlint

if [ -x /usr/bin/time ] && /usr/bin/time -f "%e %M" true 2>/dev/null; then
	timer() { local out=$1; shift; /usr/bin/time -f "%e %M" -o "$out" "$@"; }
	timer_name="GNU time"
else
	go build -o "$work/peakrss" ./internal/corpus/cmd/peakrss
	timer() { local out=$1; shift; "$work/peakrss" -o "$out" -- "$@"; }
	timer_name="wait4 rusage (peakrss)"
fi

ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc)
rows=()          # "input|tool|median s|peak MB|rc"
declare -A base  # pvlint's median time and memory per input

# measure INPUT TOOL CMD... — runs CMD $runs times, records the median run.
measure() {
	local input=$1 tool=$2; shift 2
	local i rc results=()
	local shown="$*"
	[ ${#shown} -gt 160 ] && shown="${shown:0:160}... ($# arguments)"
	echo "  $tool on $input: $shown" >&2
	for ((i = 0; i < runs; i++)); do
		rc=0
		timer "$work/m" "$@" >"$work/out.log" 2>&1 || rc=$?
		# GNU time prefixes "Command exited with non-zero status N" lines.
		results+=("$(tail -n 1 "$work/m") $rc")
	done
	local med
	med=$(printf '%s\n' "${results[@]}" | sort -n -k1,1 | sed -n "$(((runs + 1) / 2))p")
	local s kb r
	read -r s kb r <<<"$med"
	if [ "$r" -ge 126 ]; then
		echo "    $tool failed (exit $r); last output:" >&2
		tail -n 5 "$work/out.log" >&2
	fi
	rows+=("$input|$tool|$s|$((kb / 1024))|$r")
	if [ "$tool" = pvlint ]; then
		base[$input.s]=$s
		base[$input.mb]=$((kb / 1024))
	fi
}

missing=()
have() { command -v "$1" >/dev/null 2>&1 || { missing+=("$1"); return 1; }; }

# Every tool runs from the corpus directory on relative paths, as in a
# repository checkout (pvlint reports paths relative to where it runs).
cd "$corpus"
k8s=k8s tf=terraform charts=charts
pv=("$work/pvlint" --quiet --format sarif -o "$work/pvlint.sarif" --fail-on none)

echo "running ($runs runs each, $ncpu CPUs, memory by $timer_name)" >&2
measure kubernetes pvlint "${pv[@]}" "$k8s"
if have kube-score; then
	# kube-score takes files, not a folder; exit 1 on critical findings.
	mapfile -t yamls < <(find "$k8s" -name '*.yaml' | LC_ALL=C sort)
	measure kubernetes kube-score kube-score score -o sarif "${yamls[@]}"
fi
have kube-linter && measure kubernetes kube-linter kube-linter lint --format sarif "$k8s"
have polaris && measure kubernetes polaris polaris audit --audit-path "$k8s" --format json
measure terraform pvlint "${pv[@]}" "$tf"
have tfsec && measure terraform tfsec tfsec "$tf" --no-color --no-module-downloads --force-all-dirs --format sarif --out "$work/tfsec.sarif" --soft-fail
measure helm pvlint "${pv[@]}" "$charts"
if have trivy; then
	for in in kubernetes:"$k8s" terraform:"$tf"; do
		measure "${in%%:*}" trivy trivy config --skip-check-update --skip-version-check --disable-telemetry --format sarif --output "$work/trivy.sarif" "${in#*:}"
	done
fi
if have console; then
	if [ -n "${KICS_ASSETS:-}" ]; then
		for in in kubernetes:"$k8s" terraform:"$tf"; do
			measure "${in%%:*}" kics console scan -p "${in#*:}" -q "$KICS_ASSETS/queries" --libraries-path "$KICS_ASSETS/libraries" --report-formats sarif -o "$work/kics" --no-progress --ci --ignore-on-exit results
		done
	else
		echo "  kics (console) found but KICS_ASSETS is not set; skipped" >&2
	fi
fi
if have checkov; then
	measure kubernetes checkov checkov -d "$k8s" -o sarif --quiet --compact
	measure terraform checkov checkov -d "$tf" -o sarif --quiet --compact
fi

echo
echo "pvlint $(git -C "$OLDPWD" describe --always --dirty 2>/dev/null || echo dev), $ncpu CPUs, $runs runs each, median; memory is peak RSS ($timer_name)"
echo
echo "| input | tool | wall (s) | peak RSS (MB) | time ÷ pvlint | memory ÷ pvlint | exit |"
echo "|---|---|---:|---:|---:|---:|---:|"
for r in "${rows[@]}"; do
	IFS='|' read -r input tool s mb rc <<<"$r"
	ts=${base[$input.s]} tm=${base[$input.mb]}
	rt=$(awk -v a="$s" -v b="$ts" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else print "-" }')
	rm=$(awk -v a="$mb" -v b="$tm" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else print "-" }')
	echo "| $input | $tool | $s | $mb | $rt | $rm | $rc |"
done
if [ ${#missing[@]} -gt 0 ]; then
	echo
	echo "not on the PATH (skipped): ${missing[*]}"
fi
