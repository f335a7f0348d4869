#!/usr/bin/env bash
# Runs `npm ci` in the given folder when its node_modules is missing or older than its lock.
set -euo pipefail
dir=$1
stamp="$dir/node_modules/.package-lock.json"
if [[ ! -f "$stamp" || "$dir/package-lock.json" -nt "$stamp" ]]; then
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
