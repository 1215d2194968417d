#!/usr/bin/env bash
# Starts Node-RED 4.1.x with flow.json (HTTP in -> HTTP request -> HTTP response, no durability) for
# `switchboard bench http`, which runs this script and compares the two on the same receiver.
# Usage: run.sh <port> <receiver-url> [user-dir]; the user dir (flow and Node-RED's own files) defaults to
# a fresh temporary folder. Node-RED is installed from npm once into
# SWITCHBOARD_NODE_RED_DIR (default: a folder under the system's temporary directory) and reused.
set -euo pipefail
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 <port> <receiver-url> [user-dir]" >&2
  exit 2
fi
if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
  echo "Node-RED skipped: npm and node are needed on the PATH to install and run it." >&2
  exit 3
fi
here="$(cd "$(dirname "$0")" && pwd)"
prefix="${SWITCHBOARD_NODE_RED_DIR:-${TMPDIR:-/tmp}/switchboard-bench-node-red}"
if [ ! -x "$prefix/node_modules/.bin/node-red" ]; then
  echo "Installing node-red@4 into $prefix (once)..." >&2
  npm install --silent --no-audit --no-fund --prefix "$prefix" "node-red@~4.1" >&2
fi
user_dir="${3:-$(mktemp -d)}"
mkdir -p "$user_dir"
cp "$here/flow.json" "$user_dir/flow.json"
export RECEIVER_URL="$2"
exec "$prefix/node_modules/.bin/node-red" --port "$1" --userDir "$user_dir" "$user_dir/flow.json"
