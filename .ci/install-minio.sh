#!/usr/bin/env bash
# Builds a MinIO server and the MinIO client (mc) for the tests that run the
# bucket-quota Job's script against a real MinIO
# (tests/constructs/storage/minio-quotas.test.ts).
#
# Both are built with `go install` from the Go module proxy at the pinned
# module versions below, with CGO_ENABLED=0; no upstream code enters the
# repository.  MinIO publishes no semantic versions, so the pins are
# pseudo-versions: the newest of each module the proxy served when they were
# chosen.  The server is newer than the image the MinIO tenant chart deploys
# (RELEASE.2025-04-08T15-41-24Z, a version the proxy refuses); bucket quotas
# work the same in both.  The Go build and module caches are kept, so a
# rebuild takes seconds; cold, it takes about 5 minutes on 2 cores.
#
# Output, under $AIF_MINIO_ROOT (default /opt/aif-minio):
#   bin/minio, bin/mc    the binaries
#   versions.txt         one "<binary> <module version>" line per binary
#
# Idempotent: a second run only checks the ready marker.  Needs Go 1.24 or
# newer and write access to the root.  Reads nothing from stdin.
#
# Usage: bash .ci/install-minio.sh [--help]
#
# Environment:
#   AIF_MINIO_ROOT      install location        (default /opt/aif-minio)
#   AIF_MINIO_FORCE=1   rebuild even when the marker matches
set -euo pipefail

case "${1:-}" in
-h | --help)
	sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
	exit 0
	;;
"") ;;
*)
	printf '[install-minio] ERROR: unknown argument "%s"; run with --help for the usage\n' "$1" >&2
	exit 2
	;;
esac

ROOT="${AIF_MINIO_ROOT:-/opt/aif-minio}"
BIN="$ROOT/bin"
MINIO_MODULE=github.com/minio/minio
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
MC_MODULE=github.com/minio/mc
MC_VERSION=v0.0.0-20250313080218-cf909e1063a9
# Bump when the recipe below changes in a way an existing install must pick up.
RECIPE=1

MARKER="$ROOT/.aif-minio-ready"
LOG="${ROOT}.install.log"
T0=$SECONDS

say() { printf '[install-minio] %s\n' "$*"; }
die() {
	printf '[install-minio] ERROR: %s\n' "$*" >&2
	exit 1
}

case "$ROOT" in /?*/?*) ;; *) die "AIF_MINIO_ROOT must be an absolute path at least two levels deep: '$ROOT'" ;; esac
exec </dev/null

want_marker="recipe=$RECIPE minio=$MINIO_VERSION mc=$MC_VERSION"

all_present() { [ -x "$BIN/minio" ] && [ -x "$BIN/mc" ] && [ -s "$ROOT/versions.txt" ]; }
ready() { [ "${AIF_MINIO_FORCE:-0}" != 1 ] && [ -f "$MARKER" ] && [ "$(head -n1 "$MARKER")" = "$want_marker" ] && all_present; }

if ready; then
	say "already installed in $ROOT: $(tr '\n' ' ' <"$ROOT/versions.txt")"
	exit 0
fi

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-buildvcs=false
export GOPROXY="${GOPROXY:-https://proxy.golang.org,direct}"
command -v go >/dev/null 2>&1 || die "go not found on PATH; install Go 1.24 or newer"
gover="$(go env GOVERSION)"
case "$gover" in
go1.2[4-9]* | go1.[3-9][0-9]* | go[2-9]*) ;;
*) die "Go 1.24 or newer is needed (the pinned modules declare go 1.24), got $gover" ;;
esac
command -v flock >/dev/null 2>&1 || die "flock not found; install util-linux"

mkdir -p "$ROOT" || die "cannot create $ROOT (run as root or set AIF_MINIO_ROOT)"
[ -w "$ROOT" ] || die "$ROOT is not writable (run as root or set AIF_MINIO_ROOT)"
exec 9>"${ROOT}.lock"
flock 9
# Another run may have finished while this one waited for the lock.
if ready; then
	say "installed by a concurrent run in $ROOT: $(tr '\n' ' ' <"$ROOT/versions.txt")"
	exit 0
fi

: >"$LOG"
run_logged() {
	if ! "$@" >>"$LOG" 2>&1; then
		tail -n 40 "$LOG" >&2
		die "failed: $*"
	fi
}

rm -f "$MARKER"
mkdir -p "$BIN"
say "$(go version); building into $BIN (log: $LOG)"
for pin in "$MC_MODULE@$MC_VERSION" "$MINIO_MODULE@$MINIO_VERSION"; do
	t=$SECONDS
	say "$pin..."
	run_logged env GOBIN="$BIN" go install -trimpath -ldflags="-s -w" "$pin"
	say "done in $((SECONDS - t))s"
done

# The module version the go command stamped into each binary must be the pin.
{
	echo "mc $(go version -m "$BIN/mc" | awk '$1 == "mod" { print $3 }')"
	echo "minio $(go version -m "$BIN/minio" | awk '$1 == "mod" { print $3 }')"
} >"$ROOT/versions.txt"
grep -qx "mc $MC_VERSION" "$ROOT/versions.txt" || die "mc reports $(grep '^mc' "$ROOT/versions.txt"), want $MC_VERSION"
grep -qx "minio $MINIO_VERSION" "$ROOT/versions.txt" || die "minio reports $(grep '^minio' "$ROOT/versions.txt"), want $MINIO_VERSION"
"$BIN/mc" --version >/dev/null 2>&1 || die "$BIN/mc does not run"
"$BIN/minio" --version >/dev/null 2>&1 || die "$BIN/minio does not run"
all_present || die "some outputs are missing from $ROOT"

printf '%s\n' "$want_marker" >"$MARKER"
say "ready in $((SECONDS - T0))s: $(tr '\n' ' ' <"$ROOT/versions.txt")($ROOT)"
