#!/usr/bin/env bash
# Installs the Debian packages the tests start for real (brokers, web servers for auth interop).
# The list lives in .ci/apt-packages.txt, one package per line.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t pkgs < <(grep -v '^[[:space:]]*\(#\|$\)' .ci/apt-packages.txt)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "test packages present: ${pkgs[*]}"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing: ${missing[*]}"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# Installing a server package may try to start it as a system service; the tests start their own
# instances on free loopback ports, so keep the system ones from starting.
# (postgresql still creates its system cluster "main" on port 5432, left stopped: the tests never
# use it, they run initdb in a temp dir of their own.)
printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
$SUDO chmod +x /usr/sbin/policy-rc.d
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
$SUDO rm -f /usr/sbin/policy-rc.d
