/**
 * `make bench-operator`: 500 MobileBackends applied at once on the local control plane. Measures the time until
 * all are Ready, reconciles per second, API requests per backend, the operator's peak RSS and the writes of one
 * idle resync (must be 0). Peer, same run: the same objects the operator builds, applied by `kubectl apply
 * --server-side` from one file, until every Deployment is Available — the floor the API server and kwok set.
 * Replaces the operator section of docs/benchmarks.md (between the bench-operator markers).
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { validateMobileBackendSpec } from '@mobileplane/api';
import { backendObjects } from '../../src/backend/backend-objects.ts';
import { sumMetric } from '../e2e/operator-harness-metrics.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const COUNT = Number(process.env.BENCH_BACKENDS ?? 500);
const RESYNC_SECONDS = 30;
const SPEC = {
  runtime: { version: '1.0.0' },
  components: { api: { replicas: 1 }, auth: { enabled: false }, workers: { enabled: false } },
};

async function env(): Promise<NodeJS.ProcessEnv> {
  const { stdout } = await run('bash', [join(ROOT, 'dev/cluster/cluster.sh'), 'env']);
  const kubeconfig = /export KUBECONFIG='([^']+)'/.exec(stdout)?.[1] ?? '';
  const path = /export PATH='([^']+)'/.exec(stdout)?.[1] ?? '';
  return { ...process.env, KUBECONFIG: kubeconfig, PATH: `${path}:${process.env.PATH}` };
}

async function kubectl(e: NodeJS.ProcessEnv, args: string[], stdin?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', args, { env: e, cwd: ROOT });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`kubectl ${args.join(' ')}: ${err}`))));
    child.stdin.end(stdin ?? '');
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const names = Array.from({ length: COUNT }, (_, i) => `b${String(i).padStart(3, '0')}`);

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 900_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(1_000);
  }
}

async function benchOperator(e: NodeJS.ProcessEnv) {
  const namespace = `bench-op-${randomBytes(3).toString('hex')}`;
  await kubectl(e, ['create', 'namespace', namespace]);
  const port = 19000 + Math.floor(Math.random() * 1000);
  const operator = spawn(
    process.execPath,
    [
      join(ROOT, 'operator/controller/src/main.ts'),
      `--kubeconfig=${e.KUBECONFIG}`,
      '--leader-elect=false',
      `--watch-namespace=${namespace}`,
      '--controllers=backend',
      `--http-bind-address=127.0.0.1:${port}`,
      `--resync-period=${RESYNC_SECONDS}s`,
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
  const manifest = names
    .map((name) =>
      JSON.stringify({ apiVersion: 'mobileplane.io/v1alpha1', kind: 'MobileBackend', metadata: { name }, spec: SPEC }),
    )
    .join('\n');
  const started = Date.now();
  await kubectl(e, ['apply', '-n', namespace, '-f', '-'], manifest);
  await waitUntil('all Ready', async () => {
    const out = await kubectl(e, [
      'get',
      'mb',
      '-n',
      namespace,
      '-o',
      'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
    ]);
    return out.split('\n').filter((s) => s === 'True').length === COUNT;
  });
  const seconds = (Date.now() - started) / 1000;
  const atReady = await metrics();
  const reconciles = sumMetric(atReady, 'controller_runtime_reconcile_total', {});
  const requests =
    sumMetric(atReady, 'mobileplane_kube_api_requests_total', {}) -
    sumMetric(atReady, 'mobileplane_kube_api_requests_total', { verb: 'watch' });
  const writes = (text: string) =>
    ['create', 'update', 'patch', 'delete'].reduce(
      (n, verb) => n + sumMetric(text, 'mobileplane_kube_api_requests_total', { verb }),
      0,
    );
  await sleep(5_000);
  const before = await metrics();
  await sleep((RESYNC_SECONDS + 5) * 1000);
  const after = await metrics();
  const resyncReconciles =
    sumMetric(after, 'controller_runtime_reconcile_total', {}) -
    sumMetric(before, 'controller_runtime_reconcile_total', {});
  const idleWrites = writes(after) - writes(before);
  const peakRss =
    Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${operator.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  operator.kill('SIGTERM');
  await new Promise((resolve) => operator.on('exit', resolve));
  await kubectl(e, ['delete', 'namespace', namespace, '--wait=false']);
  return {
    seconds,
    reconciles,
    reconcilesPerSecond: reconciles / seconds,
    requestsPerBackend: requests / COUNT,
    writesPerBackend: writes(atReady) / COUNT,
    peakRss,
    idleWrites,
    resyncReconciles,
  };
}

async function benchPeer(e: NodeJS.ProcessEnv) {
  const namespace = `bench-peer-${randomBytes(3).toString('hex')}`;
  await kubectl(e, ['create', 'namespace', namespace]);
  const result = validateMobileBackendSpec(SPEC);
  if (!result.valid) throw new Error('invalid bench spec');
  const objects = names.flatMap((name) => {
    const owner = {
      apiVersion: 'mobileplane.io/v1alpha1',
      kind: 'MobileBackend',
      metadata: { name, namespace, uid: 'peer' },
    };
    // No owner references: there is no MobileBackend behind the peer's objects.
    return backendObjects({ backend: owner, spec: result.value, defaultImage: 'ghcr.io/mobileplane/runtime' }).map(
      (o) => ({ ...o, metadata: { ...o.metadata, ownerReferences: undefined } }),
    );
  });
  const started = Date.now();
  await kubectl(
    e,
    ['apply', '--server-side', '-n', namespace, '-f', '-'],
    objects.map((o) => JSON.stringify(o)).join('\n'),
  );
  const applied = (Date.now() - started) / 1000;
  await waitUntil('all Deployments Available', async () => {
    const out = await kubectl(e, [
      'get',
      'deployments',
      '-n',
      namespace,
      '-o',
      'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Available")].status}{"\\n"}{end}',
    ]);
    return out.split('\n').filter((s) => s === 'True').length === COUNT;
  });
  const seconds = (Date.now() - started) / 1000;
  await kubectl(e, ['delete', 'namespace', namespace, '--wait=false']);
  return { seconds, applied, objects: objects.length };
}

function report(op: Awaited<ReturnType<typeof benchOperator>>, peer: Awaited<ReturnType<typeof benchPeer>>): string {
  const date = new Date().toISOString().slice(0, 10);
  return [
    '<!-- bench-operator:start -->',
    '## Operator: 500 MobileBackends at once',
    '',
    `Generated by \`make bench-operator\` (operator/controller/test/bench/bench-operator.ts) on ${date}: ${cpus().length} cores,`,
    `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, local control plane (etcd, kube-apiserver, controller-manager, scheduler,`,
    'kwok) on the same machine. Each backend: the api component, 1 replica (7 objects: ServiceAccount, ConfigMap,',
    `Deployment, Service, PodDisruptionBudget, NetworkPolicy + status); operator defaults (4 workers), resync ${RESYNC_SECONDS} s.`,
    `Peer, same run: the same ${peer.objects} objects built by the operator's code, applied by one \`kubectl apply --server-side\`.`,
    '',
    '| measure | operator | peer (kubectl apply) |',
    '|---|---|---|',
    `| time until all ${COUNT} Ready / Deployments Available | ${op.seconds.toFixed(1)} s | ${peer.seconds.toFixed(1)} s (apply itself ${peer.applied.toFixed(1)} s) |`,
    `| reconciles (per second) | ${op.reconciles} (${op.reconcilesPerSecond.toFixed(1)}/s) | – |`,
    `| API requests per backend (watches excluded) | ${op.requestsPerBackend.toFixed(1)} (writes ${op.writesPerBackend.toFixed(1)}) | – |`,
    `| operator peak RSS | ${(op.peakRss / 2 ** 20).toFixed(0)} MiB | – |`,
    `| writes during one idle resync (${op.resyncReconciles} reconciles) | ${op.idleWrites} | – |`,
    '<!-- bench-operator:end -->',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const e = await env();
  await kubectl(e, [
    'apply',
    '--server-side',
    '--force-conflicts',
    '--field-manager=mobileplane-operator',
    '-f',
    'charts/mobileplane/crds/',
  ]);
  const op = await benchOperator(e);
  const peer = await benchPeer(e);
  const section = report(op, peer);
  const file = join(ROOT, 'docs/benchmarks.md');
  const current = readFileSync(file, 'utf8');
  const marked = /<!-- bench-operator:start -->[\s\S]*<!-- bench-operator:end -->\n?/;
  writeFileSync(file, marked.test(current) ? current.replace(marked, section) : `${current.trimEnd()}\n\n${section}`);
  console.log(section);
  if (op.idleWrites !== 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
