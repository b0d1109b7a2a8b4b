#!/usr/bin/env bash
# `make test-cluster-lifecycle`: the local cluster with its real worker node comes up, goes down and comes up
# again twice, recovers after a kill -9 of every process it started, and leaves the machine as it found it:
# the same network links, mounts, iptables rules, cgroups, sysctls and no process of its own.
# Needs the machine to itself (one real node per machine): with a cluster already running it stops, unless
# MOBILEPLANE_LIFECYCLE_TAKEOVER=1 lets it take that cluster down first.
. "$(dirname "${BASH_SOURCE[0]}")/../cluster/common.sh"
. "$(dirname "${BASH_SOURCE[0]}")/node-common.sh"

CLUSTER="$REPO_ROOT/dev/cluster/cluster.sh"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
passed=0; failed=0
check() { # check NAME CMD...
  local name="$1"; shift
  if "$@" >"$WORK/out" 2>&1; then passed=$((passed + 1)); echo "  ok    $name"
  else failed=$((failed + 1)); echo "  FAIL  $name"; sed 's/^/        /' "$WORK/out" | tail -40; fi
}

# What a cluster could leave behind, with volatile parts (counters, ids, our own PIDs) removed.
snapshot() {
  ( set +e +o pipefail
  {
    echo "## links"; ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | LC_ALL=C sort
    echo "## addresses"; ip -o -4 addr show | awk '{print $2, $4}' | LC_ALL=C sort
    echo "## routes"; ip -4 route show | LC_ALL=C sort
    echo "## mounts"; awk '{print $5}' /proc/self/mountinfo | LC_ALL=C sort
    echo "## iptables"; for t in filter nat mangle raw; do iptables-save -t "$t" 2>/dev/null | grep -v '^#' | sed 's/\[[0-9]*:[0-9]*\]//' ; done
    echo "## cgroups"; ls -d /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/*/kubepods.slice 2>/dev/null || true
    echo "## sysctls"; sysctl net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables vm.overcommit_memory kernel.panic kernel.panic_on_oops net.ipv4.conf.all.route_localnet 2>/dev/null
    # This cluster's processes (each names its state directory); other clusters on the machine are not ours.
    echo "## processes"; pgrep -a -f "$STATE_DIR/" | grep -v lifecycle-check | awk '{$1=""; print}' | LC_ALL=C sort
    echo "## files"; ls /var/lib/cni/results 2>/dev/null | grep mobileplane || true; ls /var/log/containers 2>/dev/null | LC_ALL=C sort
  } >"$1" )
}

same_as_before() { diff -u "$WORK/before" "$1"; }
node_ready() {
  local kubectl="$KUBE_BIN_DIR/kubectl --kubeconfig $STATE_DIR/kubeconfig"
  $kubectl wait --for=condition=Ready node -l mobileplane.io/node=real --timeout=60s \
    && $kubectl -n kube-system rollout status deployment/coredns --timeout=60s
}
kill_everything() {
  local pid
  for pid in $(cat "$STATE_DIR"/pids/*.pid 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
  pkill -KILL -f "$CACHE_ROOT/node-binaries/" 2>/dev/null || true
  sleep 1
}

if bash "$CLUSTER" status >/dev/null 2>&1; then
  if [ "${MOBILEPLANE_LIFECYCLE_TAKEOVER:-0}" != 1 ]; then
    echo "a local cluster is running: stop it first (make cluster-down) or set MOBILEPLANE_LIFECYCLE_TAKEOVER=1" >&2
    exit 1
  fi
fi
bash "$CLUSTER" down >/dev/null 2>&1 || true
snapshot "$WORK/before"

echo "cluster lifecycle (real worker node):"
for round in 1 2; do
  check "round $round: cluster-up starts the control plane and the worker node" bash "$CLUSTER" up
  check "round $round: the worker node is Ready and CoreDNS answers" node_ready
  check "round $round: cluster-status shows the node and its pods" bash "$CLUSTER" status
  check "round $round: cluster-down stops everything" bash "$CLUSTER" down
  snapshot "$WORK/after-$round"
  check "round $round: nothing is left behind (links, mounts, iptables, cgroups, sysctls, processes)" same_as_before "$WORK/after-$round"
done
check "after a crash: cluster-up" bash "$CLUSTER" up
kill_everything
check "after kill -9 of every process: cluster-up recovers" bash "$CLUSTER" up
check "after the recovery: the worker node is Ready" node_ready
check "after the recovery: cluster-down" bash "$CLUSTER" down
snapshot "$WORK/after-crash"
check "after the recovery: nothing is left behind" same_as_before "$WORK/after-crash"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
