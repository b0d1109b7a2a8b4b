#!/usr/bin/env bash
# Shared settings for the local control plane scripts. Sourced, never run.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=../../versions.env
. "$REPO_ROOT/versions.env"

export GOTOOLCHAIN=local
export GOFLAGS="${GOFLAGS:-} -mod=mod"

# Binaries are cached by version under the user's cache directory, so a second build is instant.
CACHE_ROOT="${MOBILEPLANE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mobileplane}"
KUBE_BIN_DIR="$CACHE_ROOT/kubernetes/v$KUBERNETES_VERSION/bin"
ETCD_BIN_DIR="$CACHE_ROOT/etcd/v$ETCD_VERSION/bin"
KWOK_DIR="$CACHE_ROOT/kwok/v$KWOK_VERSION"
KWOK_BIN_DIR="$KWOK_DIR/bin"

# Runtime state of the running control plane (certificates, data, logs, PIDs, kubeconfig).
CLUSTER_NAME="${MOBILEPLANE_CLUSTER_NAME:-mobileplane}"
STATE_DIR="${MOBILEPLANE_CLUSTER_DIR:-$CACHE_ROOT/clusters/$CLUSTER_NAME}"
KUBECONFIG_PATH="$STATE_DIR/kubeconfig"

log() { printf '[cluster] %s\n' "$*" >&2; }

# die COMPONENT LOGFILE MESSAGE: stop with the component's name and the tail of its log.
die_with_log() {
  local component="$1" logfile="$2"; shift 2
  printf '[cluster] ERROR: %s: %s\n' "$component" "$*" >&2
  if [ -n "$logfile" ] && [ -f "$logfile" ]; then
    printf '[cluster] last lines of %s:\n' "$logfile" >&2
    tail -n 25 "$logfile" | sed 's/^/    /' >&2
  fi
  exit 1
}

# run_step COMPONENT LOGFILE CMD...: runs a build step, failing with the component name and log tail.
run_step() {
  local component="$1" logfile="$2"; shift 2
  if ! "$@" >>"$logfile" 2>&1; then
    die_with_log "$component" "$logfile" "build step failed: $*"
  fi
}
