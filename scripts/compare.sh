#!/usr/bin/env bash
# compare.sh — pvlint against the parse floor and the peer linters, side by
# side on the same files.
#
#   scripts/compare.sh [-n RUNS] [-s SCALE] [-c CORPUS] [-k DIR] [-t FILES]
#
# Inputs: without -c, the benchmark corpus of internal/corpus (50,000×SCALE
# Kubernetes documents in 2,000×SCALE files, 500×SCALE Terraform root
# modules, 20×SCALE Helm charts) is generated. -c CORPUS uses an existing
# corpus with k8s/ and terraform/ folders (such as the one
# ../shared/bench/gen-corpus.py writes) and charts/ when it has one, else
# the 20 generated Helm charts.
#
# Tools: pvlint (SARIF to a file), the parse floor (internal/corpus/cmd/
# parsefloor: a parallel go.yaml.in/yaml/v3 node parse of the same
# Kubernetes files that keeps nothing), and every peer found on the PATH
# (kube-score, kube-linter, polaris, tfsec, trivy, kics "console",
# checkov). PEERS_BIN (e.g. /tmp/peers) is put first on the PATH;
# KICS_ASSETS points at KICS's assets/ folder. Missing peers are listed and
# skipped.
#
# -t FILES adds the per-file cost: FILES tiny manifests (a 7-line ConfigMap
# each, 1,000 to a directory), linted by pvlint and parsed by the floor
# (issue 18's target: 100,000 of them within 200 MB).
#
# Runs are paired: each of RUNS rounds (default 7) runs every tool once, in
# turn, so that a change of the machine's load hits every tool alike. The
# table gives, per tool, the median wall time, the median CPU time
# (user+system, which moves far less than wall time on a shared machine),
# the median peak resident memory, and each as a ratio to pvlint on the same
# input; the load average is printed before and after. Times and memory come
# from GNU time (-f "%e %U %S %M") when /usr/bin/time exists, else from a
# small wait4 helper (internal/corpus/cmd/peakrss).
set -euo pipefail

runs=7 scale=1 keep="" corpus_in="" tiny=0
while getopts "n:s:k:c:t:h" o; do
	case $o in
	t) tiny=$OPTARG ;;
	n) runs=$OPTARG ;;
	s) scale=$OPTARG ;;
	k) keep=$OPTARG ;;
	c) corpus_in=$OPTARG ;;
	*) sed -n '2,33p' "$0"; exit 2 ;;
	esac
done

cd "$(dirname "$0")/.."
repo=$PWD
[ -n "${PEERS_BIN:-}" ] && export PATH="$PEERS_BIN:$PATH"
work=${keep:-$(mktemp -d "${TMPDIR:-/tmp}/pvlint-compare.XXXXXX")}
mkdir -p "$work"
[ -z "$keep" ] && trap 'rm -rf "$work"' EXIT

if [ -n "$corpus_in" ]; then
	corpus=$(cd "$corpus_in" && pwd)
	if [ ! -d "$corpus/charts" ] && [ ! -d "$work/helm/charts" ]; then
		echo "generating 20 Helm charts in $work/helm" >&2
		go run ./internal/corpus/cmd/gencorpus -only helm "$work/helm" >&2
	fi
	charts=$corpus/charts
	[ -d "$charts" ] || charts=$work/helm/charts
else
	corpus="$work/corpus"
	if [ ! -d "$corpus/k8s" ]; then
		echo "generating the corpus (scale $scale) in $corpus" >&2
		go run ./internal/corpus/cmd/gencorpus -scale "$scale" "$corpus" >&2
	fi
	charts=$corpus/charts
fi
echo "building pvlint and the parse floor" >&2
go build -o "$work/pvlint.linked" ./cmd/pvlint
go build -o "$work/parsefloor.linked" ./internal/corpus/cmd/parsefloor
# Every tool runs from a copy written by cp. How an executable's pages sit
# in the page cache decides how much of its text a process maps: on Linux
# 6.18 with large folios, pvlint written by the Go linker mapped 60 MB of
# its file where a cp of it maps 38 MB (RssFile of the same binary, same
# run). An installed or downloaded binary is written as cp writes it, and
# every peer found on the PATH is copied the same way, so all tools are
# measured alike.
cp "$work/pvlint.linked" "$work/pvlint"
cp "$work/parsefloor.linked" "$work/parsefloor"
mkdir -p "$work/bin"
for peer in kube-score kube-linter polaris tfsec trivy console; do
	if p=$(command -v "$peer" 2>/dev/null); then
		cp "$p" "$work/bin/$peer"
	fi
done
export PATH="$work/bin:$PATH"

if [ -x /usr/bin/time ] && /usr/bin/time -f "%e %U %S %M" true 2>/dev/null; then
	timer() { local out=$1; shift; /usr/bin/time -f "%e %U %S %M" -o "$out" "$@"; }
	timer_name="GNU time"
else
	go build -o "$work/peakrss" ./internal/corpus/cmd/peakrss
	timer() { local out=$1; shift; "$work/peakrss" -o "$out" -- "$@"; }
	timer_name="wait4 rusage (peakrss)"
fi

ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc)
missing=()
have() { command -v "$1" >/dev/null 2>&1 || { missing+=("$1"); return 1; }; }

# Every tool runs from the corpus directory on relative paths, as in a
# repository checkout (pvlint reports paths relative to where it runs).
cd "$corpus"
k8s=k8s tf=terraform
pv=("$work/pvlint" --quiet --format sarif -o "$work/pvlint.sarif" --fail-on none)

# The measurements: "input|tool|command line", the command as a bash array
# literal so that arguments survive.
specs=()
add() { local input=$1 tool=$2; shift 2; specs+=("$input|$tool|$(printf '%q ' "$@")"); }
add kubernetes pvlint "${pv[@]}" "$k8s"
add kubernetes "parse floor" "$work/parsefloor" "$k8s"
if have kube-score; then
	# kube-score takes files, not a folder; exit 1 on critical findings.
	mapfile -t yamls < <(find "$k8s" -name '*.yaml' | LC_ALL=C sort)
	add kubernetes kube-score kube-score score -o sarif "${yamls[@]}"
fi
have kube-linter && add kubernetes kube-linter kube-linter lint --format sarif "$k8s"
have polaris && add kubernetes polaris polaris audit --audit-path "$k8s" --format json
if [ -d "$tf" ]; then
	add terraform pvlint "${pv[@]}" "$tf"
	have tfsec && add terraform tfsec tfsec "$tf" --no-color --no-module-downloads --force-all-dirs --format sarif --out "$work/tfsec.sarif" --soft-fail
fi
add helm pvlint "${pv[@]}" "$charts"
if [ "$tiny" -gt 0 ]; then
	if [ ! -d "$work/tiny" ]; then
		echo "writing $tiny tiny manifests in $work/tiny" >&2
		for d in $(seq 0 $(((tiny - 1) / 1000))); do mkdir -p "$work/tiny/d$d"; done
		awk -v n="$tiny" -v w="$work/tiny" 'BEGIN {
			for (i = 0; i < n; i++) {
				f = sprintf("%s/d%d/cm%d.yaml", w, int(i / 1000), i)
				printf "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm%d\n  namespace: ns%d\ndata:\n  key: value%d\n", i, i % 100, i > f
				close(f)
			}
		}'
	fi
	add "$tiny tiny files" pvlint "${pv[@]}" "$work/tiny"
	add "$tiny tiny files" "parse floor" "$work/parsefloor" "$work/tiny"
fi
if have trivy; then
	for in in kubernetes:"$k8s" terraform:"$tf"; do
		add "${in%%:*}" trivy trivy config --skip-check-update --skip-version-check --disable-telemetry --format sarif --output "$work/trivy.sarif" "${in#*:}"
	done
fi
if have console; then
	if [ -n "${KICS_ASSETS:-}" ]; then
		for in in kubernetes:"$k8s" terraform:"$tf"; do
			add "${in%%:*}" kics console scan -p "${in#*:}" -q "$KICS_ASSETS/queries" --libraries-path "$KICS_ASSETS/libraries" --report-formats sarif -o "$work/kics" --no-progress --ci --ignore-on-exit results
		done
	else
		echo "  kics (console) found but KICS_ASSETS is not set; skipped" >&2
	fi
fi
if have checkov; then
	add kubernetes checkov checkov -d "$k8s" -o sarif --quiet --compact
	add terraform checkov checkov -d "$tf" -o sarif --quiet --compact
fi

load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)
echo "running $runs paired rounds of ${#specs[@]} measurements ($ncpu CPUs, memory by $timer_name)" >&2
declare -A results # spec index -> "wall cpu kb rc" lines
for ((r = 1; r <= runs; r++)); do
	echo "  round $r/$runs" >&2
	for i in "${!specs[@]}"; do
		IFS='|' read -r _ _ cmdline <<<"${specs[$i]}"
		eval "cmd=($cmdline)"
		rc=0
		timer "$work/m" "${cmd[@]}" >"$work/out.log" 2>&1 || rc=$?
		# GNU time prefixes "Command exited with non-zero status N" lines.
		read -r s u y kb < <(tail -n 1 "$work/m")
		if [ "$rc" -ge 126 ]; then
			echo "    ${specs[$i]%%|*} failed (exit $rc); last output:" >&2
			tail -n 5 "$work/out.log" >&2
		fi
		results[$i]+="$s $(awk -v u="$u" -v y="$y" 'BEGIN { printf "%.2f", u + y }') $kb $rc"$'\n'
	done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)

# median COLUMN: the median of one column of a tool's results.
median() { sort -n -k1,1 | sed -n "$(((runs + 1) / 2))p"; }
declare -A base
rows=()
for i in "${!specs[@]}"; do
	IFS='|' read -r input tool _ <<<"${specs[$i]}"
	s=$(printf '%s' "${results[$i]}" | awk '{print $1}' | median)
	c=$(printf '%s' "${results[$i]}" | awk '{print $2}' | median)
	kb=$(printf '%s' "${results[$i]}" | awk '{print $3}' | median)
	rc=$(printf '%s' "${results[$i]}" | awk '{print $4}' | sort -n | tail -n 1)
	mb=$((kb / 1024))
	if [ "$tool" = pvlint ]; then
		base[$input.s]=$s base[$input.c]=$c base[$input.mb]=$mb
	fi
	rows+=("$input|$tool|$s|$c|$mb|$rc")
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "-" }'; }
echo
echo "pvlint $(git -C "$repo" describe --always --dirty 2>/dev/null || echo dev), corpus $corpus, $ncpu CPUs, $runs paired runs, medians; memory is peak RSS ($timer_name); load average before $load_before, after $load_after"
echo
echo "| input | tool | wall (s) | CPU (s) | peak RSS (MB) | wall ÷ pvlint | CPU ÷ pvlint | memory ÷ pvlint | exit |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
for r in "${rows[@]}"; do
	IFS='|' read -r input tool s c mb rc <<<"$r"
	echo "| $input | $tool | $s | $c | $mb | $(ratio "$s" "${base[$input.s]}") | $(ratio "$c" "${base[$input.c]}") | $(ratio "$mb" "${base[$input.mb]}") | $rc |"
done
if [ ${#missing[@]} -gt 0 ]; then
	echo
	echo "not on the PATH (skipped): ${missing[*]}"
fi
