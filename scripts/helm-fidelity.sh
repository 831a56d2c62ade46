#!/usr/bin/env bash
# Renders every chart under DIR with the helm v4 binary (when installed) and
# with pvlint, and compares the objects one by one (not part of make test;
# optional in CI). Extra arguments go to both sides (e.g. --values FILE).
#
#   scripts/helm-fidelity.sh DIR [--values FILE ...]
#
# Run from the root the charts are scanned from; chart paths are relative
# to it. Charts with dependencies must be vendored (helm dependency build)
# for helm, as pvlint would find them. Exit 1 when any chart differs.
set -euo pipefail
dir=${1:?usage: scripts/helm-fidelity.sh DIR [--values FILE ...]}
shift
if ! command -v helm >/dev/null 2>&1; then
  echo "helm-fidelity: no helm binary on the PATH; nothing compared (the in-process check is go test ./internal/helmfidelity)"
  exit 0
fi
case "$(helm version --short 2>/dev/null)" in
  v4.*) ;;
  *) echo "helm-fidelity: helm is $(helm version --short 2>/dev/null), not v4; nothing compared"; exit 0 ;;
esac
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(mktemp -d)/helmdiff
trap 'rm -rf "$(dirname "$bin")"' EXIT
(cd "$here" && go build -o "$bin" ./internal/helmfidelity/cmd/helmdiff)
status=0
while IFS= read -r chart; do
  c=$(dirname "$chart")
  # A subchart (in another chart's charts/) renders with its parent.
  [ "$(basename "$(dirname "$c")")" = charts ] && [ -f "$(dirname "$(dirname "$c")")/Chart.yaml" ] && continue
  out=$(mktemp)
  if ! helm template release-name "$c" --namespace default --kube-version 1.34.0 "$@" >"$out" 2>"$out.err"; then
    echo "$c: helm cannot render it: $(head -c 300 "$out.err")"
  elif ! "$bin" "$@" "$c" <"$out"; then
    status=1
  fi
  rm -f "$out" "$out.err"
done < <(find "$dir" -name Chart.yaml | sort)
exit $status
