#!/usr/bin/env bash
# Integration test of the pre-commit hook (.pre-commit-hooks.yaml), run by
# `make integration`: pre-commit builds pvlint from this checkout with its
# golang language, exactly as users get it, and runs the hook in a
# throw-away repository: a Pod mounting hostPath /etc must fail with PVL201,
# and so must a chart of which only values.yaml changed (the hook lints the
# chart a changed file belongs to); the fixed files must pass.
#
# pre-commit try-repo copies only committed and modified tracked files, so
# the script commits a snapshot of the working tree (tracked and untracked
# files, less ignored ones) to a temporary repository and tries that.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
start=$SECONDS

say() { printf 'precommit-integration: %s\n' "$*"; }
fail() {
	say "FAIL: $*" >&2
	exit 1
}

if ! command -v pre-commit >/dev/null 2>&1; then
	say "installing pre-commit (Debian package)"
	if [ "$(id -u)" = 0 ]; then
		apt_get() { DEBIAN_FRONTEND=noninteractive apt-get "$@"; }
	elif command -v sudo >/dev/null 2>&1; then
		apt_get() { sudo DEBIAN_FRONTEND=noninteractive apt-get "$@"; }
	else
		fail "pre-commit is missing and this is not root: install it (apt-get install pre-commit)"
	fi
	apt_get update -qq && apt_get install -y -qq pre-commit >/dev/null
fi
command -v go >/dev/null 2>&1 || fail "go is not on PATH"
say "$(pre-commit --version), $(go version)"

# Keep the Go module and build caches of this machine (pre-commit points
# GOPATH into its own environment, and HOME moves below): the hook then
# builds from what `go test` already downloaded and compiled. (Not
# -trimpath: that would recompile every dependency once.)
GOMODCACHE=$(go env GOMODCACHE)
GOCACHE=$(go env GOCACHE)
export GOMODCACHE GOCACHE
export GOFLAGS="${GOFLAGS:--buildvcs=false}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pvlint-precommit.XXXXXX")
cleanup() {
	chmod -R u+w "$tmp" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# No user configuration leaks in, and nothing is left behind.
export HOME="$tmp/home" PRE_COMMIT_HOME="$tmp/pre-commit-home" XDG_CACHE_HOME="$tmp/home/.cache"
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=pvlint GIT_AUTHOR_EMAIL=pvlint@example.invalid
export GIT_COMMITTER_NAME=pvlint GIT_COMMITTER_EMAIL=pvlint@example.invalid
mkdir -p "$HOME"
git config --global init.defaultBranch main
git config --global advice.detachedHead false

# 1. A snapshot of this checkout, committed, for try-repo.
hooks="$tmp/hook-repo"
mkdir -p "$hooks"
if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git -C "$root" ls-files -z --cached --others --exclude-standard |
		tar -C "$root" --null --files-from=- --ignore-failed-read -cf - 2>/dev/null |
		tar -C "$hooks" -xf -
else
	tar -C "$root" --exclude=./.git -cf - . | tar -C "$hooks" -xf -
fi
[ -f "$hooks/.pre-commit-hooks.yaml" ] || fail "no .pre-commit-hooks.yaml in $root"
git -C "$hooks" init -q
git -C "$hooks" add -A
git -C "$hooks" commit -q -m "pvlint snapshot for the pre-commit integration test"

# 2. A project with a bad manifest, and a chart made bad by its values.
project="$tmp/project"
mkdir -p "$project/k8s" "$project/charts/app/templates"
git -C "$project" init -q
cat >"$project/k8s/pod.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: node-reader
spec:
  containers:
    - name: app
      image: registry.example.com/app:1.0
      volumeMounts:
        - name: host-etc
          mountPath: /host/etc
  volumes:
    - name: host-etc
      hostPath:
        path: /etc
EOF
printf 'apiVersion: v2\nname: app\nversion: 0.1.0\n' >"$project/charts/app/Chart.yaml"
cat >"$project/charts/app/templates/pod.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}-agent
spec:
  containers:
    - name: agent
      image: registry.example.com/agent:1.0
  volumes:
    - name: host
      hostPath:
        path: {{ .Values.hostDir }}
EOF
printf 'hostDir: /etc\n' >"$project/charts/app/values.yaml"
# Not a hook input (and outside any chart): never scanned.
printf '# notes\n' >"$project/README.md"
git -C "$project" add -A

run_hook() {
	(cd "$project" && pre-commit try-repo "$hooks" pvlint --files "$@" 2>&1)
}

# Only the chart's values.yaml is given: the hook must lint the chart.
changed=(k8s/pod.yaml charts/app/values.yaml README.md)

say "building the hook and running it on a Pod that mounts hostPath /etc and a chart whose values do"
t=$SECONDS
status=0
out=$(run_hook "${changed[@]}") || status=$?
printf '%s\n' "$out" | sed 's/^/    | /'
say "first run (with the build) took $((SECONDS - t))s"
[ "$status" -ne 0 ] || fail "the hook passed on a Pod mounting hostPath /etc"
grep -q 'PVL201' <<<"$out" || fail "the hook failed without reporting PVL201"
grep -q '^k8s/pod.yaml' <<<"$out" || fail "the report does not name k8s/pod.yaml"
grep -q '^charts/app/templates/pod.yaml' <<<"$out" ||
	fail "a change to charts/app/values.yaml did not lint the chart (no finding in charts/app/templates/pod.yaml)"

# 3. The fixed files pass.
cat >"$project/k8s/pod.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: node-reader
spec:
  securityContext:
    runAsNonRoot: true
  containers:
    - name: app
      image: registry.example.com/app:1.0
      volumeMounts:
        - name: scratch
          mountPath: /scratch
  volumes:
    - name: scratch
      emptyDir: {}
EOF
cat >"$project/charts/app/templates/pod.yaml" <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}-agent
spec:
  containers:
    - name: agent
      image: registry.example.com/agent:1.0
  volumes:
    - name: cache
      emptyDir: {}
EOF
git -C "$project" add -A

say "running the hook on the fixed files"
t=$SECONDS
status=0
out=$(run_hook "${changed[@]}") || status=$?
printf '%s\n' "$out" | sed 's/^/    | /'
say "second run took $((SECONDS - t))s"
[ "$status" -eq 0 ] || fail "the hook failed on the fixed files (exit $status)"
if grep -q 'PVL201' <<<"$out"; then fail "PVL201 reported on the fixed files"; fi

say "ok ($((SECONDS - start))s)"
