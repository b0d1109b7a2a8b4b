#!/usr/bin/env bash
# The worker node's own images: pause (the pod sandbox, from Kubernetes' pause.c) and CoreDNS. FROM scratch.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# scratch_image NAME TAG BINARY USER: an image holding one static binary at /NAME, run as USER.
scratch_image() {
  local name="$1" tag="$2" binary="$3" user="$4" context="$IMAGE_BUILD_ROOT/$1-$2"
  rm -rf "$context"; mkdir -p "$context/rootfs"
  cp "$binary" "$context/rootfs/$name"
  cat >"$context/Containerfile" <<CF
FROM scratch
COPY rootfs/ /
USER $user
ENTRYPOINT ["/$name"]
CF
  build_image "localhost/$name:$tag" "$context" "$(archive_path "$name" "$tag")"
}

scratch_image pause "$PAUSE_VERSION" "$PAUSE_BIN_DIR/pause" 65535:65535
scratch_image coredns "$COREDNS_VERSION" "$COREDNS_BIN_DIR/coredns" 65532:65532
