/**
 * `make bench-operator`: the operator's scale curve. For each size (100, 500 and 2,000 MobileBackends by default;
 * BENCH_SIZES=100,500 for fewer) the backends are applied at once on the local control plane and measured until
 * all are Ready: time, reconciles and API requests per backend, the operator's peak RSS, the API server's own
 * request rate, then one idle resync (reconciles and writes). Peer, same run and size: the same objects the
 * operator builds, applied by one `kubectl apply --server-side`, until every Deployment is Available — the floor
 * the API server and kwok set. Pods land on kwok nodes (the bench adds fake nodes when the cluster has too few).
 * Replaces the operator section of docs/benchmarks.md (between the bench-operator markers).
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { validateMobileBackendSpec } from '@mobileplane/api';
import { backendObjects } from '../../src/backend/backend-objects.ts';
import { sleep } from '../../src/kube/sleep.ts';
import { KWOK_TOLERATION, kubectlWith } from '../support/kubectl.ts';
import { sumMetric } from '../e2e/operator-harness-metrics.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SIZES = (process.env.BENCH_SIZES ?? '100,500,2000').split(',').map(Number);
const RESYNC_SECONDS = 60;
const PODS_PER_KWOK_NODE = 250;
const SPEC = {
  runtime: { version: '1.0.0' },
  components: { api: { replicas: 1 }, auth: { enabled: false }, workers: { enabled: false } },
};
const TOLERATIONS = [
  { key: 'kwok.x-k8s.io/node', operator: 'Equal' as const, value: 'fake', effect: 'NoSchedule' as const },
];

type Env = NodeJS.ProcessEnv;

async function env(): Promise<Env> {
  const { stdout } = await run('bash', [join(ROOT, 'dev/cluster/cluster.sh'), 'env']);
  const kubeconfig = /export KUBECONFIG='([^']+)'/.exec(stdout)?.[1] ?? '';
  const path = /export PATH='([^']+)'/.exec(stdout)?.[1] ?? '';
  return { ...process.env, KUBECONFIG: kubeconfig, PATH: `${path}:${process.env.PATH}` };
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 1_800_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2_000);
  }
}

const namesOf = (count: number) => Array.from({ length: count }, (_, i) => `b${String(i).padStart(4, '0')}`);

/** Sum of the API server's apiserver_request_total: every request it served, from every client. */
async function apiServerRequests(kubectl: Kubectl): Promise<number> {
  return sumMetric(await kubectl(['get', '--raw', '/metrics']), 'apiserver_request_total', {});
}

/** Adds fake kwok nodes (tainted like the cluster's own) until `pods` more pods fit; returns their names. */
async function ensureKwokCapacity(kubectl: Kubectl, pods: number): Promise<string[]> {
  const nodes = JSON.parse(await kubectl(['get', 'nodes', '-l', 'type=kwok', '-o', 'json'])) as {
    items: { spec?: { taints?: unknown[] } }[];
  };
  const taints = nodes.items[0]?.spec?.taints ?? [];
  const missing = Math.ceil(pods / PODS_PER_KWOK_NODE) + 1 - nodes.items.length;
  const added = Array.from({ length: Math.max(0, missing) }, (_, i) => `bench-kwok-${i}`);
  if (added.length === 0) return [];
  const manifest = added.map((name, i) =>
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
        labels: {
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          type: 'kwok',
          'topology.kubernetes.io/zone': `zone-${i % 3}`,
        },
      },
      spec: { taints },
      status: {
        allocatable: { cpu: '64', memory: '512Gi', pods: String(PODS_PER_KWOK_NODE) },
        capacity: { cpu: '64', memory: '512Gi', pods: String(PODS_PER_KWOK_NODE) },
      },
    }),
  );
  await kubectl(['apply', '-f', '-'], manifest.join('\n'));
  await kubectl(['wait', '--for=condition=Ready', ...added.map((n) => `node/${n}`), '--timeout=120s']);
  return added;
}

type Kubectl = (args: string[], stdin?: string) => Promise<string>;

async function deleteNamespace(kubectl: Kubectl, namespace: string): Promise<void> {
  await kubectl(['delete', 'namespace', namespace, '--wait=false']);
  // Its pods must be gone before the next phase needs the kwok capacity.
  await waitUntil(`namespace ${namespace} deleted`, async () => {
    const out = await kubectl(['get', 'namespace', namespace, '--ignore-not-found', '-o', 'name']);
    return out.trim() === '';
  });
}

async function readyCount(kubectl: Kubectl, namespace: string, kind: string, condition: string): Promise<number> {
  const out = await kubectl([
    'get',
    kind,
    '-n',
    namespace,
    '-o',
    `jsonpath={range .items[*]}{.status.conditions[?(@.type=="${condition}")].status}{"\\n"}{end}`,
  ]);
  return out.split('\n').filter((s) => s === 'True').length;
}

async function benchOperator(kubectl: Kubectl, e: Env, count: number) {
  const namespace = `bench-op-${randomBytes(3).toString('hex')}`;
  await kubectl(['create', 'namespace', namespace]);
  const port = 19000 + Math.floor(Math.random() * 1000);
  const operator = spawn(
    process.execPath,
    [
      // The heap ceiling of the operator's image (Dockerfile), as a container memory limit would set it.
      '--max-old-space-size=256',
      '--max-semi-space-size=8',
      join(ROOT, 'operator/controller/src/main.ts'),
      `--kubeconfig=${e.KUBECONFIG}`,
      '--leader-elect=false',
      `--watch-namespace=${namespace}`,
      '--controllers=backend',
      `--http-bind-address=127.0.0.1:${port}`,
      `--resync-period=${RESYNC_SECONDS}s`,
      `--pod-tolerations=${KWOK_TOLERATION}`,
      '--log-level=warn',
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const metrics = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  await waitUntil(
    'operator ready',
    async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok === true,
    30_000,
  );
  const baseRss = rss(operator.pid);
  const manifest = namesOf(count)
    .map((name) =>
      JSON.stringify({ apiVersion: 'mobileplane.io/v1alpha1', kind: 'MobileBackend', metadata: { name }, spec: SPEC }),
    )
    .join('\n');
  const serverBefore = await apiServerRequests(kubectl);
  const started = Date.now();
  await kubectl(['apply', '--server-side', '-n', namespace, '-f', '-'], manifest);
  await waitUntil('all Ready', async () => (await readyCount(kubectl, namespace, 'mb', 'Ready')) === count);
  const seconds = (Date.now() - started) / 1000;
  const serverRate = ((await apiServerRequests(kubectl)) - serverBefore) / seconds;
  const atReady = await metrics();
  // Reconciles the create caused: periodic resyncs that fell into the run are counted apart (and checked below).
  const reconciles = sumMetric(atReady, 'mobileplane_reconcile_triggers_total', { trigger: 'event' });
  const resyncsBeforeReady = sumMetric(atReady, 'mobileplane_reconcile_triggers_total', { trigger: 'resync' });
  const requests =
    sumMetric(atReady, 'mobileplane_kube_api_requests_total', {}) -
    sumMetric(atReady, 'mobileplane_kube_api_requests_total', { verb: 'watch' });
  const writes = (text: string) =>
    ['create', 'update', 'patch', 'delete'].reduce(
      (n, verb) => n + sumMetric(text, 'mobileplane_kube_api_requests_total', { verb }),
      0,
    );
  // Let in-flight status updates settle, wait for the next resync to start, then count once its reconciles had
  // time to finish (half a period: never a second resync).
  await sleep(5_000);
  const before = await metrics();
  const total = async () => sumMetric(await metrics(), 'controller_runtime_reconcile_total', {});
  const base = sumMetric(before, 'controller_runtime_reconcile_total', {});
  await waitUntil('the resync to start', async () => (await total()) > base, (RESYNC_SECONDS + 10) * 1000);
  await sleep((RESYNC_SECONDS / 2) * 1000);
  const after = await metrics();
  const resyncReconciles =
    sumMetric(after, 'controller_runtime_reconcile_total', {}) -
    sumMetric(before, 'controller_runtime_reconcile_total', {});
  const idleWrites = writes(after) - writes(before);
  const peakRss = peakRssOf(operator.pid);
  operator.kill('SIGTERM');
  await new Promise((resolve) => operator.on('exit', resolve));
  await deleteNamespace(kubectl, namespace);
  return {
    count,
    seconds,
    reconciles,
    reconcilesPerBackend: reconciles / count,
    resyncsBeforeReady,
    requestsPerBackend: requests / count,
    writesPerBackend: writes(atReady) / count,
    baseRss,
    peakRss,
    serverRate,
    idleWrites,
    resyncReconciles,
  };
}

function rss(pid: number | undefined): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
}

function peakRssOf(pid: number | undefined): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
}

async function benchPeer(kubectl: Kubectl, count: number) {
  const namespace = `bench-peer-${randomBytes(3).toString('hex')}`;
  await kubectl(['create', 'namespace', namespace]);
  const result = validateMobileBackendSpec(SPEC);
  if (!result.valid) throw new Error('invalid bench spec');
  const objects = namesOf(count).flatMap((name) => {
    const owner = {
      apiVersion: 'mobileplane.io/v1alpha1',
      kind: 'MobileBackend',
      metadata: { name, namespace, uid: 'peer' },
    };
    // No owner references: there is no MobileBackend behind the peer's objects.
    return backendObjects({
      backend: owner,
      spec: result.value,
      defaultImage: 'ghcr.io/mobileplane/runtime',
      podTolerations: TOLERATIONS,
    }).map((o) => ({ ...o, metadata: { ...o.metadata, ownerReferences: undefined } }));
  });
  const serverBefore = await apiServerRequests(kubectl);
  const started = Date.now();
  await kubectl(
    ['apply', '--server-side', '-n', namespace, '-f', '-'],
    objects.map((o) => JSON.stringify(o)).join('\n'),
  );
  const applied = (Date.now() - started) / 1000;
  await waitUntil(
    'all Deployments Available',
    async () => (await readyCount(kubectl, namespace, 'deployments', 'Available')) === count,
  );
  const seconds = (Date.now() - started) / 1000;
  const serverRate = ((await apiServerRequests(kubectl)) - serverBefore) / seconds;
  await deleteNamespace(kubectl, namespace);
  return { seconds, applied, objects: objects.length, serverRate };
}

type OperatorResult = Awaited<ReturnType<typeof benchOperator>>;
type PeerResult = Awaited<ReturnType<typeof benchPeer>>;

const mib = (bytes: number) => bytes / 2 ** 20;

function report(rows: { op: OperatorResult; peer: PeerResult }[], load: { start: number[]; end: number[] }): string {
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const smallest = rows[0];
  const largest = rows.at(-1);
  const perBackendMib =
    smallest && largest && largest.op.count > smallest.op.count
      ? (mib(largest.op.peakRss) - mib(smallest.op.peakRss)) / (largest.op.count - smallest.op.count)
      : Number.NaN;
  const at500 = rows.find((r) => r.op.count === 500);
  const verdict = (ok: boolean) => (ok ? 'met' : 'missed');
  const fmtLoad = (l: number[]) => l.map((x) => x.toFixed(2)).join(', ');
  return [
    '<!-- bench-operator:start -->',
    `## Operator: the scale curve (${rows.map((r) => r.op.count.toLocaleString('en')).join(', ')} MobileBackends at once)`,
    '',
    `Generated by \`make bench-operator\` (operator/controller/test/bench/bench-operator.ts) on ${date} UTC: ${cpus().length} cores,`,
    `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, local control plane (etcd, kube-apiserver, controller-manager, scheduler,`,
    `kwok) on the same machine; load average ${fmtLoad(load.start)} at the start and ${fmtLoad(load.end)} at the end (the machine`,
    'is shared with other engineers building and testing: treat differences under ~20 % as noise). Each backend: the api',
    'component, 1 replica (6 objects: ServiceAccount, ConfigMap, Deployment, Service, PodDisruptionBudget, NetworkPolicy,',
    `plus its status and a pod on a kwok node); operator defaults (16 workers, 16 writes in flight, 256 MiB heap and 8 MiB semi-space ceilings as in its\nimage), resync ${RESYNC_SECONDS} s. Peer, same`,
    "run and size: the same objects built by the operator's code, applied by one `kubectl apply --server-side`.",
    '',
    '| backends | objects | operator: all Ready | peer: all Available (apply alone) | peer/operator throughput | reconciles per backend (+ resync ones meanwhile) | API requests per backend (writes) | operator peak RSS (at start) | API server requests/s, operator / peer | one idle resync: reconciles, writes |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      ({ op, peer }) =>
        `| ${op.count} | ${peer.objects} | ${op.seconds.toFixed(1)} s | ${peer.seconds.toFixed(1)} s (${peer.applied.toFixed(1)} s) | ${(peer.seconds / op.seconds).toFixed(2)}× | ${op.reconcilesPerBackend.toFixed(2)} (+${op.resyncsBeforeReady}) | ${op.requestsPerBackend.toFixed(1)} (${op.writesPerBackend.toFixed(1)}) | ${mib(op.peakRss).toFixed(0)} MiB (${mib(op.baseRss).toFixed(0)} MiB) | ${op.serverRate.toFixed(0)} / ${peer.serverRate.toFixed(0)} | ${op.resyncReconciles}, ${op.idleWrites} |`,
    ),
    '',
    `Memory per backend beyond the base, from the smallest to the largest size: ${perBackendMib.toFixed(3)} MiB.`,
    '',
    '| target (issues 10 and 17) | result |',
    '|---|---|',
    `| ≤ 2.5 reconciles per backend from create to Ready | ${verdict(rows.every((r) => r.op.reconcilesPerBackend <= 2.5))} (${rows.map((r) => r.op.reconcilesPerBackend.toFixed(2)).join(', ')}) |`,
    `| exactly one reconcile per backend per idle resync, no writes | ${verdict(rows.every((r) => r.op.resyncReconciles === r.op.count && r.op.idleWrites === 0))} |`,
    `| ≤ 300 MiB peak RSS at 500 backends | ${at500 ? `${verdict(mib(at500.op.peakRss) <= 300)} (${mib(at500.op.peakRss).toFixed(0)} MiB)` : 'not measured'} |`,
    `| ≤ 0.3 MiB per backend beyond a fixed base | ${verdict(perBackendMib <= 0.3)} (${perBackendMib.toFixed(3)} MiB) |`,
    `| ≥ 0.8× the peer's throughput | ${verdict(rows.every((r) => r.peer.seconds / r.op.seconds >= 0.8))} (${rows.map((r) => `${(r.peer.seconds / r.op.seconds).toFixed(2)}×`).join(', ')}) |`,
    '<!-- bench-operator:end -->',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const e = await env();
  const kubectl = kubectlWith(e, ROOT);
  await kubectl([
    'apply',
    '--server-side',
    '--force-conflicts',
    '--field-manager=mobileplane-operator',
    '-f',
    'charts/mobileplane/crds/',
  ]);
  const added = await ensureKwokCapacity(kubectl, Math.max(...SIZES));
  const load = { start: loadavg(), end: [] as number[] };
  const rows: { op: OperatorResult; peer: PeerResult }[] = [];
  try {
    for (const count of SIZES) {
      const op = await benchOperator(kubectl, e, count);
      const peer = await benchPeer(kubectl, count);
      rows.push({ op, peer });
      console.error(JSON.stringify({ op, peer }));
    }
  } finally {
    if (added.length > 0) await kubectl(['delete', 'node', ...added, '--wait=false']);
  }
  load.end = loadavg();
  const section = report(rows, load);
  const file = join(ROOT, 'docs/benchmarks.md');
  const current = readFileSync(file, 'utf8');
  const marked = /<!-- bench-operator:start -->[\s\S]*<!-- bench-operator:end -->\n?/;
  writeFileSync(file, marked.test(current) ? current.replace(marked, section) : `${current.trimEnd()}\n\n${section}`);
  console.log(section);
  if (rows.some((r) => r.op.idleWrites !== 0)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
