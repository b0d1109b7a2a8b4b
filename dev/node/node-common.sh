#!/usr/bin/env bash
# Shared settings for the real worker node (dev/node). Sourced after dev/cluster/common.sh, never run.

NODE_BIN_ROOT="$CACHE_ROOT/node-binaries"
CONTAINERD_BIN_DIR="$NODE_BIN_ROOT/containerd-v$CONTAINERD_VERSION"
CRICTL_BIN_DIR="$NODE_BIN_ROOT/cri-tools-v$CRI_TOOLS_VERSION"
COREDNS_BIN_DIR="$NODE_BIN_ROOT/coredns-v$COREDNS_VERSION"
PAUSE_BIN_DIR="$NODE_BIN_ROOT/pause-v$PAUSE_VERSION"
CNI_BIN_DIR="${MOBILEPLANE_CNI_BIN_DIR:-/usr/lib/cni}"

# Image archives made by dev/images (docker-archive tarballs), imported into the node's containerd at start.
IMAGE_ARCHIVE_DIR="$CACHE_ROOT/images"
PAUSE_IMAGE="localhost/pause:$PAUSE_VERSION"
COREDNS_IMAGE="localhost/coredns:$COREDNS_VERSION"

# Networks of the real node. Pods get addresses from POD_CIDR on a bridge; Services from the API server's
# service range. All of it stays inside this machine: pods live in network namespaces the node creates.
# import_image_archive SOCKET ARCHIVE: loads a docker-archive into the node's containerd (namespace k8s.io) and
# tags local mobileplane/<name>:<tag> images also as ghcr.io/mobileplane/<name>:<tag>, the operator's default.
import_image_archive() {
  local ctr=("$CONTAINERD_BIN_DIR/ctr" --address "$1" --namespace k8s.io) ref
  "${ctr[@]}" images import "$2" || return 1
  for ref in $("${ctr[@]}" images list -q | grep '^docker.io/mobileplane/' || true); do
    "${ctr[@]}" images tag --force "$ref" "ghcr.io/${ref#docker.io/}" >/dev/null 2>&1 || true
  done
}

POD_CIDR="${MOBILEPLANE_POD_CIDR:-10.88.0.0/16}"
SERVICE_CIDR="10.96.0.0/16"
CLUSTER_DNS_IP="10.96.0.10"
BRIDGE_NAME="mp-cni0"
# One real node per machine: kube-proxy's iptables chains and the bridge are machine-wide.
WORKER_NODE_ENABLED="${MOBILEPLANE_WORKER_NODE:-1}"
