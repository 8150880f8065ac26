#!/usr/bin/env bash
# Puts the bttn firmware and a device file onto an ESP32 running Espruino. The work is done by
# firmware/scripts/flash.ts (run with tsx) so that it can be tested; see --help.
set -euo pipefail
src="${BASH_SOURCE[0]}"
case "$src" in */*) root="${src%/*}" ;; *) root=. ;; esac
root="$(cd "$root" && pwd)"
tsx="$root/node_modules/.bin/tsx"
if [ ! -x "$tsx" ] || [ ! -d "$root/node_modules/espruino" ]; then
  echo "flash.sh: dependencies missing: run 'npm install' in $root first" >&2
  exit 1
fi
exec "$tsx" "$root/firmware/scripts/flash.ts" "$@"
