#!/usr/bin/env bash
# Shared helpers for building OCI images without a Docker engine or a registry: a root filesystem prepared on
# the host, a Containerfile with only FROM scratch + COPY (a RUN step would need a container runtime inside the
# build, which these hybrid-cgroup machines refuse), built by Debian's podman into a private vfs store, saved as
# a docker-archive under $IMAGE_ARCHIVE_DIR and imported by the worker node. Sourced, never run.
. "$(dirname "${BASH_SOURCE[0]}")/../cluster/common.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../node/node-common.sh"

IMAGE_BUILD_ROOT="$CACHE_ROOT/image-build"
PODMAN_STORE="$CACHE_ROOT/podman"
mkdir -p "$IMAGE_ARCHIVE_DIR" "$IMAGE_BUILD_ROOT"

podman_() {
  podman --root "$PODMAN_STORE/storage" --runroot "$PODMAN_STORE/run" --storage-driver vfs \
    --cgroup-manager cgroupfs --events-backend file "$@"
}

ensure_podman() {
  command -v podman >/dev/null && return 0
  log "installing Debian's podman (builds images without a Docker engine)"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends podman >/dev/null \
    || die_with_log podman "" "apt-get install podman failed"
}

# archive_path NAME TAG: where the docker-archive of mobileplane/NAME:TAG (or localhost/NAME:TAG) is kept.
archive_path() { echo "$IMAGE_ARCHIVE_DIR/$1-$2.tar"; }

# tree_hash DIR: a content hash of a directory tree (names, modes, contents), to skip unchanged builds.
tree_hash() {
  (cd "$1" && find . -printf '%p %m %l\n' -type f -exec sha256sum {} + 2>/dev/null | LC_ALL=C sort | sha256sum | cut -c1-16)
}

# build_image REF CONTEXT ARCHIVE: podman build CONTEXT (with its Containerfile) as REF, save to ARCHIVE.
# Skipped when ARCHIVE was made from the same context (hash kept beside it).
build_image() {
  local ref="$1" context="$2" archive="$3" hash logfile
  hash="$(tree_hash "$context")"
  if [ -f "$archive" ] && [ "$(cat "$archive.hash" 2>/dev/null)" = "$hash" ]; then
    log "image $ref is up to date ($archive)"
    return 0
  fi
  ensure_podman
  logfile="$IMAGE_BUILD_ROOT/$(basename "$archive" .tar).log"; : >"$logfile"
  log "building image $ref"
  podman_ build --pull=never --network=none --layers=false -f "$context/Containerfile" -t "$ref" "$context" >>"$logfile" 2>&1 \
    || die_with_log podman "$logfile" "podman build of $ref failed"
  rm -f "$archive.partial"
  podman_ save --format docker-archive -o "$archive.partial" "$ref" >>"$logfile" 2>&1 \
    || die_with_log podman "$logfile" "podman save of $ref failed"
  # The store is only a build step: the archive is what the node imports.
  podman_ rmi -f "$ref" >>"$logfile" 2>&1 || true
  mv "$archive.partial" "$archive"; echo "$hash" >"$archive.hash"
  log "image $ref saved to $archive ($(du -h "$archive" | cut -f1))"
}
