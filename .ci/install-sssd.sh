#!/usr/bin/env bash
# Installs sssctl (Debian's sssd-tools) for the test that validates the sssd.conf the Slurm
# login and slurmd pods get (sssctl config-check, SSSD's own validator). Idempotent; root.
set -euo pipefail
if command -v sssctl >/dev/null 2>&1; then
	echo "[install-sssd] sssctl already installed: $(command -v sssctl)"
	exit 0
fi
[ "$(id -u)" -eq 0 ] || { echo "[install-sssd] ERROR: must run as root (apt-get)" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends sssd-tools </dev/null >/dev/null
echo "[install-sssd] installed $(command -v sssctl)"
