#!/usr/bin/env bash
# Installs a real Slurm controller for the tests in tests/slurm-harness/.
#
# Debian trixie's Slurm 24.11 (slurmctld, slurm-client, slurmd, slurmdbd,
# munge) and MariaDB for slurmdbd go into a debootstrap chroot at
# $AIF_SLURM_ROOT (default /opt/aif-slurm-trixie), because bookworm's 22.05 has
# no topology/block.  Nothing is started and no mount is left behind: the
# harness runs the daemons itself, each in a private mount namespace.
#
# Idempotent: a second run only checks the ready marker and prints the
# version.  Must run as root; reads nothing from stdin.
#
# Environment:
#   AIF_SLURM_ROOT       chroot location        (default /opt/aif-slurm-trixie)
#   AIF_DEBIAN_MIRROR    Debian archive URL     (default: read from /etc/apt)
#   AIF_SLURM_FORCE=1    rebuild the chroot from scratch
set -euo pipefail

ROOT="${AIF_SLURM_ROOT:-/opt/aif-slurm-trixie}"
SUITE=trixie
PACKAGES="slurmctld slurm-client slurmd slurmdbd munge mariadb-server mariadb-client"
# Bump when the recipe below changes in a way an existing chroot must pick up.
RECIPE=2

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
NSS_SRC="$REPO/tests/slurm-harness/nss_aifloop.c"
MARKER="$ROOT/.aif-slurm-ready"
LOG="${ROOT}.install.log"
T0=$SECONDS

say() { printf '[install-slurm] %s\n' "$*"; }
die() { printf '[install-slurm] ERROR: %s\n' "$*" >&2; exit 1; }

case "$ROOT" in /?*/?*) ;; *) die "AIF_SLURM_ROOT must be an absolute path at least two levels deep: '$ROOT'" ;; esac
[ "$(id -u)" -eq 0 ] || die "must run as root (uses debootstrap, chroot, unshare)"
[ -f "$NSS_SRC" ] || die "missing $NSS_SRC"
exec </dev/null

nss_sum="$(sha256sum "$NSS_SRC" | cut -c1-16)"
want_marker="recipe=$RECIPE suite=$SUITE nss=$nss_sum"

in_chroot() {
	# Private mount namespace with /proc; nothing leaks to the host.
	# shellcheck disable=SC2016 # expanded by the inner sh
	unshare --mount --propagation private -- sh -c \
		'mount -t proc proc "$1/proc" && shift && exec chroot "$@"' \
		sh "$ROOT" "$ROOT" /usr/bin/env -i \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive "$@"
}

slurm_version() { chroot "$ROOT" /usr/sbin/slurmctld -V 2>/dev/null || true; }

# ---- fast path -------------------------------------------------------------
if [ "${AIF_SLURM_FORCE:-0}" != 1 ] && [ -f "$MARKER" ] &&
	[ "$(head -n1 "$MARKER")" = "$want_marker" ]; then
	ver="$(slurm_version)"
	if [ -n "$ver" ]; then
		say "already installed in $ROOT: $ver"
		exit 0
	fi
fi

mkdir -p "$(dirname "$ROOT")"
exec 9>"${ROOT}.lock"
flock 9

say "installing Slurm from Debian $SUITE into $ROOT (log: $LOG)"
: >"$LOG"
run_logged() {
	if ! "$@" >>"$LOG" 2>&1; then
		tail -n 40 "$LOG" >&2
		die "failed: $*"
	fi
}

# ---- host tools ------------------------------------------------------------
need=""
command -v debootstrap >/dev/null 2>&1 || need="$need debootstrap"
command -v gcc >/dev/null 2>&1 || need="$need gcc libc6-dev"
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] || need="$need debian-archive-keyring"
command -v unshare >/dev/null 2>&1 || need="$need util-linux"
if [ -n "$need" ]; then
	say "host packages:$need"
	run_logged apt-get update -qq
	# shellcheck disable=SC2086
	run_logged env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need
fi

# ---- mirror: the same Debian archive this machine's apt uses ---------------
find_mirror() {
	local f uri
	shopt -s nullglob
	for f in /etc/apt/sources.list.d/*.sources; do
		# deb822: take the URIs of stanzas that are not the security archive
		awk 'BEGIN{RS=""; FS="\n"}
		     { uris=""; suites="" ;
		       for (i=1;i<=NF;i++) {
		         if ($i ~ /^URIs:/)   { sub(/^URIs:[ \t]*/,"",$i);   uris=$i }
		         if ($i ~ /^Suites:/) { sub(/^Suites:[ \t]*/,"",$i); suites=$i } }
		       if (uris != "" && suites !~ /security/) { split(uris,u," "); print u[1] } }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk '$1=="deb" { i=2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
		                 if ($(i+1) !~ /security/) print $i }' "$f"
	done
	shopt -u nullglob
}
MIRROR="${AIF_DEBIAN_MIRROR:-}"
if [ -z "$MIRROR" ]; then
	while read -r uri; do
		case "$uri" in
		http://*/debian | https://*/debian | http://*/debian/ | https://*/debian/)
			MIRROR="${uri%/}"
			break
			;;
		esac
	done < <(find_mirror)
fi
[ -n "$MIRROR" ] || die "no Debian archive found in /etc/apt (set AIF_DEBIAN_MIRROR)"
say "Debian mirror from /etc/apt: $MIRROR"

# ---- base system -----------------------------------------------------------
if [ "${AIF_SLURM_FORCE:-0}" = 1 ] || [ ! -f "$ROOT/.aif-debootstrap-done" ]; then
	for d in "$ROOT" "$ROOT.partial"; do
		if [ -e "$d" ]; then
			if grep -q " ${d}[/ ]" /proc/self/mounts; then
				die "$d has mounts below it; unmount them first"
			fi
			rm -rf "$d"
		fi
	done
	say "debootstrap $SUITE (minbase)..."
	t=$SECONDS
	run_logged debootstrap --variant=minbase \
		--keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
		"$SUITE" "$ROOT.partial" "$MIRROR"
	touch "$ROOT.partial/.aif-debootstrap-done"
	mv "$ROOT.partial" "$ROOT"
	say "debootstrap done in $((SECONDS - t))s"
fi
rm -f "$MARKER"

# No service may start inside the chroot during package installation.
printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
chmod 0755 "$ROOT/usr/sbin/policy-rc.d"
cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true

# ---- Slurm packages --------------------------------------------------------
missing=""
for p in $PACKAGES; do
	# shellcheck disable=SC2016 # dpkg-query format, not a shell expansion
	in_chroot dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	say "apt-get install (in chroot):$missing"
	t=$SECONDS
	run_logged in_chroot apt-get update -qq
	# shellcheck disable=SC2086
	run_logged in_chroot apt-get install -y -qq --no-install-recommends $missing
	run_logged in_chroot apt-get clean
	say "packages done in $((SECONDS - t))s"
fi

# ---- MariaDB ---------------------------------------------------------------
# The package's postinst creates a data dir in /var/lib/mysql (about 140 MB) that nothing uses:
# the harness gives each slurmdbd a MariaDB of its own, copied from a template it makes in
# /var/cache/aif-mariadb (tests/slurm-harness/slurmdbd.ts).
if [ -d "$ROOT/var/lib/mysql" ]; then
	find "$ROOT/var/lib/mysql" -mindepth 1 -delete
fi

# ---- name resolution -------------------------------------------------------
# localhost for SlurmctldHost; every other name resolves to 127.0.0.1 through
# the aifloop NSS module, but only for processes started with
# AIF_NSS_LOOPBACK=1 (the harness sets it), so apt keeps using DNS.
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$ROOT/etc/hosts"
libdir="$ROOT/usr/lib/$(gcc -dumpmachine)"
[ -d "$libdir" ] || die "no $libdir in the chroot"
say "building libnss_aifloop.so.2"
run_logged gcc -O2 -Wall -Wextra -Werror -fPIC -shared \
	-Wl,-soname,libnss_aifloop.so.2 -o "$libdir/libnss_aifloop.so.2" "$NSS_SRC"
if grep -q '^hosts:' "$ROOT/etc/nsswitch.conf"; then
	sed -i 's/^hosts:.*/hosts:          files aifloop dns/' "$ROOT/etc/nsswitch.conf"
else
	echo 'hosts:          files aifloop dns' >>"$ROOT/etc/nsswitch.conf"
fi
run_logged chroot "$ROOT" /sbin/ldconfig

# ---- munge key -------------------------------------------------------------
# munged runs as root in the harness and insists on a root-owned key in a
# directory that nobody else can write.
install -d -m 0700 -o root -g root "$ROOT/etc/aif-munge"
if [ ! -s "$ROOT/etc/aif-munge/munge.key" ]; then
	say "creating munge key"
	run_logged chroot "$ROOT" /usr/sbin/mungekey --create --keyfile=/etc/aif-munge/munge.key
fi
chown root:root "$ROOT/etc/aif-munge/munge.key"
chmod 0600 "$ROOT/etc/aif-munge/munge.key"

# ---- self-check ------------------------------------------------------------
got="$(AIF_NSS_LOOPBACK=1 chroot "$ROOT" /usr/bin/getent ahostsv4 h100-0 | awk 'NR==1{print $1}')"
[ "$got" = 127.0.0.1 ] || die "aifloop NSS module does not resolve (got '$got')"
if chroot "$ROOT" /usr/bin/getent hosts h100-0 >/dev/null 2>&1; then
	die "aifloop NSS module answers without AIF_NSS_LOOPBACK=1"
fi
ver="$(slurm_version)"
case "$ver" in
slurm*" 2"[3-9]* | slurm*" "[3-9][0-9]*) ;;
*) die "unexpected slurmctld version: '$ver'" ;;
esac
for p in topology_tree topology_block select_cons_tres auth_munge accounting_storage_slurmdbd accounting_storage_mysql; do
	[ -f "$libdir/slurm-wlm/$p.so" ] || die "Slurm plugin $p missing"
done
for b in usr/sbin/slurmdbd usr/bin/sacctmgr usr/sbin/mariadbd usr/bin/mariadb-install-db usr/bin/mariadb; do
	[ -x "$ROOT/$b" ] || die "$b missing in the chroot"
done

printf '%s\n%s\n' "$want_marker" "$ver" >"$MARKER"
say "ready in $((SECONDS - T0))s: $ver, $(chroot "$ROOT" /usr/sbin/mariadbd --version | awk '{print "MariaDB " $3}') ($ROOT)"
