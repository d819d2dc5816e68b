#!/usr/bin/env bash
# Builds every binary the rehearsal (npm run rehearse, tests/rehearsal/) needs:
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl,
# kwok, the Kueue manager and helm.
#
# Everything is built from source fetched through the Go module proxy at the
# pinned versions below, with CGO_ENABLED=0, in throwaway modules under a temp
# directory: no upstream code enters the repository.  The Go build and module
# caches (go env GOCACHE / GOMODCACHE) are kept, so a rebuild after a recipe
# change takes seconds, not minutes.
#
# Output, under $AIF_REHEARSAL_ROOT (default /opt/aif-rehearsal):
#   bin/                 the binaries
#   versions.txt         one "<binary> <version>" line per binary
#   kueue-chart-path     path of the Kueue chart (charts/kueue of the Kueue
#                        module, in the module cache) the rehearsal renders
#   kwok-stages/         kwok's node and pod Stage definitions (kustomize/stage
#                        of the kwok module)
#
# Idempotent: a second run only checks the ready marker.  Needs Go (see
# go.mod requirements of the pinned modules: 1.26) and write access to the
# root; installs openssl with apt when it is missing.  Reads nothing from stdin.
#
# Environment:
#   AIF_REHEARSAL_ROOT      install location        (default /opt/aif-rehearsal)
#   AIF_REHEARSAL_FORCE=1   rebuild even when the marker matches
set -euo pipefail

ROOT="${AIF_REHEARSAL_ROOT:-/opt/aif-rehearsal}"
BIN="$ROOT/bin"
ETCD_VERSION=v3.6.16
KUBERNETES_VERSION=v1.34.4
KWOK_VERSION=v0.8.0
# Must match KUEUE_CHART in constructs/charts/kueue/chart.ts (tests/rehearsal checks).
KUEUE_VERSION=v0.19.2
HELM_VERSION=v3.22.0
# Bump when the recipe below changes in a way an existing install must pick up.
RECIPE=2

MARKER="$ROOT/.aif-rehearsal-ready"
LOG="${ROOT}.install.log"
BINARIES="etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok kueue helm"
T0=$SECONDS

say() { printf '[install-rehearsal] %s\n' "$*"; }
die() {
	printf '[install-rehearsal] ERROR: %s\n' "$*" >&2
	exit 1
}

case "$ROOT" in /?*/?*) ;; *) die "AIF_REHEARSAL_ROOT must be an absolute path at least two levels deep: '$ROOT'" ;; esac
exec </dev/null

want_marker="recipe=$RECIPE etcd=$ETCD_VERSION kubernetes=$KUBERNETES_VERSION kwok=$KWOK_VERSION kueue=$KUEUE_VERSION helm=$HELM_VERSION"

all_present() {
	local b
	for b in $BINARIES; do [ -x "$BIN/$b" ] || return 1; done
	[ -s "$ROOT/versions.txt" ] && [ -s "$ROOT/kueue-chart-path" ] &&
		[ -d "$(cat "$ROOT/kueue-chart-path")" ] && [ -d "$ROOT/kwok-stages" ]
}

# ---- fast path -------------------------------------------------------------
if [ "${AIF_REHEARSAL_FORCE:-0}" != 1 ] && [ -f "$MARKER" ] &&
	[ "$(head -n1 "$MARKER")" = "$want_marker" ] && all_present; then
	say "already installed in $ROOT: $(tr '\n' ' ' <"$ROOT/versions.txt")"
	exit 0
fi

mkdir -p "$ROOT" || die "cannot create $ROOT (run as root or set AIF_REHEARSAL_ROOT)"
[ -w "$ROOT" ] || die "$ROOT is not writable (run as root or set AIF_REHEARSAL_ROOT)"
: >"$LOG"
run_logged() {
	if ! "$@" >>"$LOG" 2>&1; then
		tail -n 40 "$LOG" >&2
		die "failed: $*"
	fi
}

# ---- host tools ------------------------------------------------------------
# The pinned modules declare go 1.26.0; fail clearly instead of letting the go
# command download another toolchain.
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false
export GOPROXY="${GOPROXY:-https://proxy.golang.org,direct}"
command -v go >/dev/null 2>&1 || die "go not found on PATH; install Go 1.26 or newer (https://go.dev/dl/)"
gover="$(go env GOVERSION)"
case "$gover" in
go1.2[6-9]* | go1.[3-9][0-9]* | go[2-9]*) ;;
*) die "Go 1.26 or newer is needed (the pinned modules declare go 1.26.0), got $gover" ;;
esac
need=""
command -v openssl >/dev/null 2>&1 || need="$need openssl"
command -v flock >/dev/null 2>&1 || need="$need util-linux"
if [ -n "$need" ]; then
	[ "$(id -u)" -eq 0 ] || die "missing host packages:$need (install them, or run as root)"
	say "host packages:$need"
	run_logged apt-get update -qq
	# shellcheck disable=SC2086
	run_logged env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need
fi

exec 9>"${ROOT}.lock"
flock 9
# Another run may have finished while this one waited for the lock.
if [ "${AIF_REHEARSAL_FORCE:-0}" != 1 ] && [ -f "$MARKER" ] &&
	[ "$(head -n1 "$MARKER")" = "$want_marker" ] && all_present; then
	say "installed by a concurrent run in $ROOT: $(tr '\n' ' ' <"$ROOT/versions.txt")"
	exit 0
fi
say "building rehearsal binaries into $BIN (log: $LOG)"

GOCACHE_DIR="$(go env GOCACHE)"
GOMODCACHE_DIR="$(go env GOMODCACHE)"
say "$(go version); GOCACHE=$GOCACHE_DIR GOMODCACHE=$GOMODCACHE_DIR"

rm -f "$MARKER"
mkdir -p "$BIN"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/aif-rehearsal-build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# Creates a throwaway main module in $WORK/$1.
new_module() {
	mkdir -p "$WORK/$1"
	(cd "$WORK/$1" && run_logged go mod init "aif-rehearsal.invalid/$1")
}

# ---- etcd ------------------------------------------------------------------
# go.etcd.io/etcd/server/v3 has relative replaces in its go.mod, so it cannot be
# go-installed directly; a throwaway main module requires it instead.
t=$SECONDS
say "etcd $ETCD_VERSION..."
new_module etcd
cat >"$WORK/etcd/main.go" <<'EOF'
// Command etcd runs the etcd server, as go.etcd.io/etcd/server/v3/main.go does.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOF
(
	cd "$WORK/etcd"
	run_logged go mod edit -require="go.etcd.io/etcd/server/v3@$ETCD_VERSION"
	run_logged go mod tidy
	run_logged go build -trimpath -o "$BIN/etcd" .
)
say "etcd done in $((SECONDS - t))s"

# ---- Kubernetes ------------------------------------------------------------
# k8s.io/kubernetes replaces every k8s.io/* staging module with ./staging/...,
# which is not in the module download; point each at its published v0.x tag.
t=$SECONDS
say "kube-apiserver, kube-controller-manager, kube-scheduler, kubectl $KUBERNETES_VERSION (about 5 min cold on 2 cores)..."
new_module kubernetes
(
	cd "$WORK/kubernetes"
	run_logged go mod download "k8s.io/kubernetes@$KUBERNETES_VERSION"
	k8s_mod="$(go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')"
	[ -f "$k8s_mod" ] || die "no go.mod for k8s.io/kubernetes@$KUBERNETES_VERSION"
	staging_version="v0.${KUBERNETES_VERSION#v1.}"
	staging="$(sed -n 's#^[[:space:]]*\(k8s\.io/[^[:space:]]*\) => \./staging/.*#\1#p' "$k8s_mod")"
	[ -n "$staging" ] || die "no staging replaces found in $k8s_mod"
	args=("-require=k8s.io/kubernetes@$KUBERNETES_VERSION")
	for m in $staging; do args+=("-replace=$m=$m@$staging_version"); done
	run_logged go mod edit "${args[@]}"
	# Kubernetes builds with its own go.mod as the main module, whose GODEBUG
	# defaults are pinned; keep them.
	godebug="$(sed -n 's/^godebug \(.*\)$/\1/p' "$k8s_mod")"
	[ -z "$godebug" ] || run_logged go mod edit -godebug="$godebug"
	cat >tools.go <<'EOF'
//go:build tools

// Package tools pins the Kubernetes commands this module builds.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
EOF
	run_logged go mod tidy
	minor="${KUBERNETES_VERSION#v1.}"
	minor="${minor%%.*}"
	ld=""
	for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
		ld="$ld -X $p.gitVersion=$KUBERNETES_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor"
		ld="$ld -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
	done
	run_logged go build -trimpath -ldflags="-s -w$ld" -o "$BIN/" \
		k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
		k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
)
say "Kubernetes done in $((SECONDS - t))s"

# ---- kwok, Kueue, helm: plain go install -----------------------------------
t=$SECONDS
say "kwok $KWOK_VERSION..."
run_logged env GOBIN="$BIN" go install -trimpath -ldflags="-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
say "kwok done in $((SECONDS - t))s"

t=$SECONDS
say "Kueue $KUEUE_VERSION..."
run_logged env GOBIN="$BIN" go install -trimpath \
	-ldflags="-s -w -X sigs.k8s.io/kueue/pkg/version.GitVersion=$KUEUE_VERSION" \
	"sigs.k8s.io/kueue/cmd/kueue@$KUEUE_VERSION"
say "Kueue done in $((SECONDS - t))s"

t=$SECONDS
say "helm $HELM_VERSION..."
helm_mod="$(cd "$WORK" && go mod download -json "helm.sh/helm/v3@$HELM_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p')"
# As helm's Makefile does: the default Kubernetes version of `helm template`
# follows the client-go it is built with.
cg="$(sed -n 's/^[[:space:]]*k8s\.io\/client-go v0\.\([0-9]*\)\..*/\1/p' "$helm_mod" | head -n1)"
[ -n "$cg" ] || die "no k8s.io/client-go requirement in $helm_mod"
hl="-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
for p in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
	hl="$hl -X $p.k8sVersionMajor=1 -X $p.k8sVersionMinor=$cg"
done
run_logged env GOBIN="$BIN" go install -trimpath -ldflags="-s -w $hl" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
say "helm done in $((SECONDS - t))s"

# ---- data files from the modules -------------------------------------------
kueue_dir="$(cd "$WORK" && go mod download -json "sigs.k8s.io/kueue@$KUEUE_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')"
[ -f "$kueue_dir/charts/kueue/Chart.yaml" ] || die "no charts/kueue/Chart.yaml in $kueue_dir"
printf '%s\n' "$kueue_dir/charts/kueue" >"$ROOT/kueue-chart-path"
say "Kueue chart: $kueue_dir/charts/kueue"

kwok_dir="$(cd "$WORK" && go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')"
rm -rf "$ROOT/kwok-stages"
mkdir -p "$ROOT/kwok-stages"
for s in node/fast/node-initialize.yaml node/heartbeat/node-heartbeat.yaml \
	node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
	pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
	[ -f "$kwok_dir/kustomize/stage/$s" ] || die "no kustomize/stage/$s in $kwok_dir"
	install -m 0644 "$kwok_dir/kustomize/stage/$s" "$ROOT/kwok-stages/$(basename "$s")"
done

# ---- self-check and versions -----------------------------------------------
first_line() { "$@" 2>&1 | head -n1 || true; }
{
	echo "etcd $("$BIN/etcd" --version 2>&1 | sed -n 's/^etcd Version: //p')"
	for b in kube-apiserver kube-controller-manager kube-scheduler; do
		echo "$b $(first_line "$BIN/$b" --version | awk '{print $2}')"
	done
	echo "kubectl $("$BIN/kubectl" version --client -o json | sed -n 's/^[[:space:]]*"gitVersion": "\(.*\)",*$/\1/p')"
	echo "kwok $(first_line "$BIN/kwok" --version | awk '{print $3}')"
	# No version flag: read the main module version the go command stamped into the binary.
	echo "kueue $(go version -m "$BIN/kueue" | awk '$1 == "mod" { print $3 }')"
	echo "helm $("$BIN/helm" version --template '{{.Version}}')"
} >"$ROOT/versions.txt"
while read -r b v; do
	[ -n "$v" ] || die "$b: cannot read its version (see $ROOT/versions.txt)"
done <"$ROOT/versions.txt"
grep -q "^kube-apiserver $KUBERNETES_VERSION\$" "$ROOT/versions.txt" ||
	die "kube-apiserver reports $(grep '^kube-apiserver' "$ROOT/versions.txt"), want $KUBERNETES_VERSION"
grep -q "^kueue $KUEUE_VERSION\$" "$ROOT/versions.txt" ||
	die "kueue reports $(grep '^kueue' "$ROOT/versions.txt"), want $KUEUE_VERSION"
grep -q "^etcd ${ETCD_VERSION#v}\$" "$ROOT/versions.txt" ||
	die "etcd reports $(grep '^etcd' "$ROOT/versions.txt"), want $ETCD_VERSION"
all_present || die "some outputs are missing from $ROOT"

printf '%s\n' "$want_marker" >"$MARKER"
say "Go caches: GOCACHE $(du -sh "$GOCACHE_DIR" | cut -f1), GOMODCACHE $(du -sh "$GOMODCACHE_DIR" | cut -f1)"
say "ready in $((SECONDS - T0))s: $(tr '\n' ' ' <"$ROOT/versions.txt")($ROOT)"
