#!/usr/bin/env bash
# The local Kubernetes cluster: etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok (fake
# nodes that run no containers but go Ready, tainted for scale tests), all on free ports with generated
# certificates, and one real worker node (dev/node/node.sh: containerd, CNI bridge, kubelet, kube-proxy, CoreDNS)
# where ordinary pods really run. MOBILEPLANE_WORKER_NODE=0 leaves the real node out (kwok only, everything on
# 127.0.0.1). Usage: cluster.sh up | down | status | env
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../node/node-common.sh"

NODE_COUNT="${MOBILEPLANE_CLUSTER_NODES:-3}"
HEALTH_TIMEOUT="${MOBILEPLANE_CLUSTER_TIMEOUT:-90}"
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
PKI="$STATE_DIR/pki"
LOGS="$STATE_DIR/logs"
PIDS="$STATE_DIR/pids"
# Taint on the kwok nodes: only workloads that tolerate it (benchmarks, scale tests) land there.
KWOK_TAINT_KEY="kwok.x-k8s.io/node"
. "$(dirname "${BASH_SOURCE[0]}")/../node/node.sh"

pid_of() { cat "$PIDS/$1.pid" 2>/dev/null || true; }
# Alive only if the recorded PID still runs that component's binary: after a reboot or a killed session the PID
# may belong to an unrelated process, which must never be signalled.
alive() {
  local pid; pid="$(pid_of "$1")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "/$1 "
}
kubectl_() { "$KUBE_BIN_DIR/kubectl" --kubeconfig "$KUBECONFIG_PATH" "$@"; }
# stop_component NAME: TERM its process group, wait up to 10 s, then KILL (only if it still runs its binary).
stop_component() {
  local c="$1" pid; pid="$(pid_of "$c")"
  [ -n "$pid" ] && alive "$c" || return 1
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
}

# A free TCP port on 127.0.0.1, never a fixed one a machine service might hold.
free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$(( 20000 + RANDOM % 30000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      grep -qx "$port" "$STATE_DIR/ports.used" 2>/dev/null && continue
      echo "$port" >>"$STATE_DIR/ports.used"; echo "$port"; return 0
    fi
  done
  die_with_log ports "" "no free port found on 127.0.0.1"
}

gen_pki() {
  mkdir -p "$PKI"; cd "$PKI"
  openssl_() { openssl "$@" >>"$LOGS/pki.log" 2>&1 || die_with_log pki "$LOGS/pki.log" "openssl $1 failed"; }
  openssl_ req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.crt \
    -days 30 -subj "/CN=mobileplane-local-ca"
  local node_san=""
  [ "$WORKER_NODE_ENABLED" = 1 ] && node_san="IP:$(node_ip),"
  cat >apiserver-san.cnf <<EXT
subjectAltName=${node_san}IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
extendedKeyUsage=serverAuth
EXT
  issue() { # issue NAME SUBJECT EXTFILE|-
    openssl_ req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2"
    if [ "$3" = - ]; then printf 'extendedKeyUsage=clientAuth\n' >"$1.ext"; else cp "$3" "$1.ext"; fi
    openssl_ x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$1.crt" -days 30 -extfile "$1.ext"
  }
  issue apiserver "/CN=kube-apiserver" apiserver-san.cnf
  issue admin "/O=system:masters/CN=mobileplane-admin" -
  issue controller-manager "/CN=system:kube-controller-manager" -
  issue scheduler "/CN=system:kube-scheduler" -
  issue kwok "/O=system:masters/CN=kwok" -
  [ "$WORKER_NODE_ENABLED" = 1 ] && node_gen_pki
  openssl_ genrsa -out sa.key 2048
  openssl_ rsa -in sa.key -pubout -out sa.pub
  chmod 600 ./*.key
  cd - >/dev/null
}

write_kubeconfig() { # write_kubeconfig FILE USER
  local file="$1" user="$2"
  cat >"$file" <<KC
apiVersion: v1
kind: Config
clusters:
- name: $CLUSTER_NAME
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority: $PKI/ca.crt
users:
- name: $user
  user:
    client-certificate: $PKI/$user.crt
    client-key: $PKI/$user.key
contexts:
- name: $CLUSTER_NAME
  context: {cluster: $CLUSTER_NAME, user: $user}
current-context: $CLUSTER_NAME
KC
}

start() { # start NAME BINARY ARGS...: runs in its own session, logs to a file, records its PID.
  local name="$1" bin="$2"; shift 2
  setsid "$bin" "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
}

# wait_healthy NAME CHECK...: polls CHECK until it succeeds, fails with the log tail on timeout or exit.
wait_healthy() {
  local name="$1"; shift
  local deadline=$(( $(date +%s) + HEALTH_TIMEOUT ))
  until "$@" >/dev/null 2>&1; do
    alive "$name" || die_with_log "$name" "$LOGS/$name.log" "exited during start-up"
    [ "$(date +%s)" -lt "$deadline" ] || die_with_log "$name" "$LOGS/$name.log" "not healthy after ${HEALTH_TIMEOUT}s"
    sleep 0.5
  done
  log "$name is healthy"
}

https_ok() { curl -fsS --max-time 2 --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "$1"; }
insecure_ok() { curl -fsSk --max-time 2 "$1"; }

is_running() {
  [ -f "$STATE_DIR/env" ] || return 1
  for c in "${COMPONENTS[@]}"; do alive "$c" || return 1; done
  if [ "$WORKER_NODE_ENABLED" = 1 ]; then
    for c in "${NODE_COMPONENTS[@]}"; do alive "$c" || return 1; done
  fi
  # shellcheck disable=SC1091
  . "$STATE_DIR/env"
  https_ok "https://127.0.0.1:$APISERVER_PORT/readyz" >/dev/null 2>&1
}

cmd_up() {
  if is_running; then log "already running (kubeconfig: $KUBECONFIG_PATH)"; return 0; fi
  bash "$REPO_ROOT/dev/cluster/build-binaries.sh"
  [ "$WORKER_NODE_ENABLED" = 1 ] && bash "$REPO_ROOT/dev/node/build-node.sh"
  # Anything left from a half-started or crashed control plane goes first.
  cmd_down >/dev/null 2>&1 || true
  mkdir -p "$LOGS" "$PIDS" "$STATE_DIR/etcd"
  : >"$STATE_DIR/ports.used"
  ETCD_PORT=$(free_port); ETCD_PEER_PORT=$(free_port); APISERVER_PORT=$(free_port)
  KCM_PORT=$(free_port); SCHED_PORT=$(free_port); KWOK_PORT=$(free_port)
  log "generating certificates"
  gen_pki
  write_kubeconfig "$KUBECONFIG_PATH" admin
  write_kubeconfig "$STATE_DIR/controller-manager.kubeconfig" controller-manager
  write_kubeconfig "$STATE_DIR/scheduler.kubeconfig" scheduler
  write_kubeconfig "$STATE_DIR/kwok.kubeconfig" kwok
  if [ "$WORKER_NODE_ENABLED" = 1 ]; then
    write_kubeconfig "$STATE_DIR/kubelet.kubeconfig" kubelet
    write_kubeconfig "$STATE_DIR/kube-proxy.kubeconfig" kube-proxy
  fi

  log "starting etcd v$ETCD_VERSION on 127.0.0.1:$ETCD_PORT"
  start etcd "$ETCD_BIN_DIR/etcd" --name=mobileplane --data-dir="$STATE_DIR/etcd" \
    --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="mobileplane=http://127.0.0.1:$ETCD_PEER_PORT" --unsafe-no-fsync --quota-backend-bytes=4294967296 \
    --listen-metrics-urls="" --log-level=warn
  wait_healthy etcd curl -fsS --max-time 2 "http://127.0.0.1:$ETCD_PORT/health"

  # With the real node, pods reach the API server through the `kubernetes` Service, whose endpoint is the node IP:
  # the API server then listens on every address and keeps that endpoint (lease reconciler); it calls kubelets
  # with its own client certificate (logs, exec, port-forward).
  local network_flags=(--bind-address=127.0.0.1 --advertise-address=127.0.0.1 --endpoint-reconciler-type=none)
  if [ "$WORKER_NODE_ENABLED" = 1 ]; then
    network_flags=(--bind-address=0.0.0.0 --advertise-address="$(node_ip)" --endpoint-reconciler-type=lease
      --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key"
      --kubelet-certificate-authority="$PKI/ca.crt" --kubelet-preferred-address-types=InternalIP,Hostname
      --enable-admission-plugins=NodeRestriction)
  fi
  log "starting kube-apiserver v$KUBERNETES_VERSION on https://127.0.0.1:$APISERVER_PORT"
  start kube-apiserver "$KUBE_BIN_DIR/kube-apiserver" --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    "${network_flags[@]}" --secure-port="$APISERVER_PORT" \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" --client-ca-file="$PKI/ca.crt" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local --service-account-key-file="$PKI/sa.pub" \
    --service-account-signing-key-file="$PKI/sa.key" --service-cluster-ip-range=10.96.0.0/16 \
    --authorization-mode=Node,RBAC --allow-privileged=true \
    --enable-priority-and-fairness=false --profiling=false --v=0
  wait_healthy kube-apiserver https_ok "https://127.0.0.1:$APISERVER_PORT/readyz"

  log "starting kube-controller-manager and kube-scheduler"
  start kube-controller-manager "$KUBE_BIN_DIR/kube-controller-manager" \
    --kubeconfig="$STATE_DIR/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$STATE_DIR/controller-manager.kubeconfig" \
    --authorization-kubeconfig="$STATE_DIR/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --leader-elect=false \
    --root-ca-file="$PKI/ca.crt" --service-account-private-key-file="$PKI/sa.key" --use-service-account-credentials=true \
    --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
    --authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics --profiling=false \
    --resource-quota-sync-period=5s
  start kube-scheduler "$KUBE_BIN_DIR/kube-scheduler" --kubeconfig="$STATE_DIR/scheduler.kubeconfig" \
    --authentication-kubeconfig="$STATE_DIR/scheduler.kubeconfig" --authorization-kubeconfig="$STATE_DIR/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$SCHED_PORT" --leader-elect=false \
    --authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics --profiling=false
  wait_healthy kube-controller-manager insecure_ok "https://127.0.0.1:$KCM_PORT/healthz"
  wait_healthy kube-scheduler insecure_ok "https://127.0.0.1:$SCHED_PORT/healthz"

  log "starting kwok v$KWOK_VERSION with $NODE_COUNT fake nodes"
  local stages="$KWOK_DIR/stages" cfg="$STATE_DIR/kwok.yaml"
  {
    cat "$stages/node/fast/node-initialize.yaml"; echo "---"
    cat "$stages/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml"; echo "---"
    cat "$stages/pod/fast/pod-ready.yaml"; echo "---"
    cat "$stages/pod/fast/pod-complete.yaml"; echo "---"
    cat "$stages/pod/fast/pod-delete.yaml"
  } >"$cfg"
  start kwok "$KWOK_BIN_DIR/kwok" --kubeconfig="$STATE_DIR/kwok.kubeconfig" --config="$cfg" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --node-lease-duration-seconds=40 --cidr=10.244.0.0/16 --node-ip=127.0.0.1 \
    --server-address="127.0.0.1:$KWOK_PORT"
  wait_healthy kwok curl -fsS --max-time 2 "http://127.0.0.1:$KWOK_PORT/healthz"

  cat >"$STATE_DIR/env" <<ENV
APISERVER_PORT=$APISERVER_PORT
ETCD_PORT=$ETCD_PORT
KCM_PORT=$KCM_PORT
SCHED_PORT=$SCHED_PORT
KWOK_PORT=$KWOK_PORT
ENV
  create_nodes
  wait_nodes_ready
  wait_default_service_account
  if [ "$WORKER_NODE_ENABLED" = 1 ]; then
    node_up
    log "ready: worker node $(node_name) and $NODE_COUNT kwok nodes (tainted $KWOK_TAINT_KEY=fake:NoSchedule); eval \"\$(make -s cluster-env)\" to use kubectl"
  else
    log "ready: $NODE_COUNT kwok nodes; eval \"\$(make -s cluster-env)\" to use kubectl"
  fi
}

create_nodes() {
  local manifest="$STATE_DIR/nodes.yaml"; : >"$manifest"
  # With a real node, ordinary workloads go there; without one the kwok nodes take everything.
  local taints="[]"
  [ "$WORKER_NODE_ENABLED" = 1 ] && taints="[{key: $KWOK_TAINT_KEY, value: fake, effect: NoSchedule}]"
  for i in $(seq 0 $(( NODE_COUNT - 1 ))); do
    cat >>"$manifest" <<NODE
---
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/hostname: kwok-node-$i
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    type: kwok
    topology.kubernetes.io/zone: zone-$(( i % 3 ))
spec:
  taints: $taints
status:
  allocatable: {cpu: "32", memory: 256Gi, pods: "250"}
  capacity: {cpu: "32", memory: 256Gi, pods: "250"}
NODE
  done
  kubectl_ apply -f "$manifest" >>"$LOGS/kwok.log" 2>&1 || die_with_log kwok "$LOGS/kwok.log" "could not create fake nodes"
}

wait_nodes_ready() {
  kubectl_ wait --for=condition=Ready node -l type=kwok --timeout="${HEALTH_TIMEOUT}s" >>"$LOGS/kwok.log" 2>&1 \
    || die_with_log kwok "$LOGS/kwok.log" "fake nodes did not become Ready"
}

wait_default_service_account() {
  local deadline=$(( $(date +%s) + HEALTH_TIMEOUT ))
  until kubectl_ get serviceaccount default -n default >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || die_with_log kube-controller-manager "$LOGS/kube-controller-manager.log" "no default ServiceAccount"
    sleep 0.5
  done
}

cmd_down() {
  local any=0
  # The node first: its pods are torn down through the CRI while containerd still runs.
  if [ -d "$STATE_DIR/node" ]; then any=1; node_down; fi
  # Reverse order: clients first, etcd last.
  for (( i=${#COMPONENTS[@]}-1; i>=0; i-- )); do
    stop_component "${COMPONENTS[$i]}" && any=1
  done
  rm -rf "$STATE_DIR"
  [ "$any" = 1 ] && log "stopped"
  return 0
}

cmd_status() {
  local rc=0
  for c in "${COMPONENTS[@]}"; do
    if alive "$c"; then printf '%-24s running (pid %s)\n' "$c" "$(pid_of "$c")"; else printf '%-24s stopped\n' "$c"; rc=1; fi
  done
  if [ "$WORKER_NODE_ENABLED" = 1 ]; then node_status || rc=1; fi
  if [ "$rc" = 0 ]; then
    echo "kubeconfig: $KUBECONFIG_PATH"
    kubectl_ get nodes -o wide 2>&1 || rc=1
    if [ "$WORKER_NODE_ENABLED" = 1 ]; then
      echo; echo "pods on the worker node $(node_name):"
      kubectl_ get pods -A -o wide --field-selector "spec.nodeName=$(node_name)" 2>&1 || rc=1
    fi
  fi
  return "$rc"
}

cmd_env() {
  echo "export KUBECONFIG='$KUBECONFIG_PATH'"
  echo "export PATH='$KUBE_BIN_DIR':\"\$PATH\""
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
