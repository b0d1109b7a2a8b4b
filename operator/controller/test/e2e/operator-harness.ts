import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { waitFor } from '@mobileplane/test-harness';
// The global setup declares what inject() provides (kubeconfig, kubectlDir).
import type {} from '@mobileplane/test-harness/global-setup';
import { KWOK_TOLERATION, kubectlWith } from '../support/kubectl.ts';
import { sumMetric } from './operator-harness-metrics.ts';

export { KWOK_TOLERATION, sumMetric };

export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/** Runs the control plane's kubectl; resolves with stdout, rejects with stderr in the message. */
export async function kubectl(args: string[], stdin?: string): Promise<string> {
  const env = { ...process.env, KUBECONFIG: inject('kubeconfig'), PATH: `${inject('kubectlDir')}:${process.env.PATH}` };
  return kubectlWith(env, REPOSITORY_ROOT)(args, stdin);
}

/**
 * Test cleanup for MobileEnvironments once the suite's operator has stopped: deleting them would wait forever
 * on the operator's finalizer (decision 0704), so the finalizer is removed by hand after the delete.
 */
export async function deleteEnvironments(names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  await kubectl(['delete', 'menv', ...names, '--ignore-not-found', '--wait=false']);
  for (const name of names) {
    await kubectl(['patch', 'menv', name, '--type=merge', '-p', '{"metadata":{"finalizers":null}}']).catch(
      () => undefined, // already gone
    );
  }
}

/** Installs (or updates) the CRDs the way `make operator` does. */
export async function installCrds(): Promise<void> {
  await kubectl([
    'apply',
    '--server-side',
    '--force-conflicts',
    '--field-manager=mobileplane-operator',
    '-f',
    'charts/mobileplane/crds/',
  ]);
  await kubectl([
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd/mobilebackends.mobileplane.io',
    'crd/mobileenvironments.mobileplane.io',
  ]);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** A running operator process. */
export interface OperatorProcess {
  child: ChildProcess;
  port: number;
  logs: () => string;
  metrics: () => Promise<string>;
  /** Sum of a metric's samples whose labels match all of `labels`. */
  metric: (name: string, labels?: Record<string, string>) => Promise<number>;
  /** Create, update, patch and delete requests sent so far, leader Lease renewals excluded. */
  writes: () => Promise<number>;
  /** Sends `signal` and resolves with the exit code once the process is gone. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
  exited: Promise<number | null>;
}

/**
 * Starts `node operator/controller/src/main.ts` against the test control plane. `flags` are added after the
 * defaults: no leader election unless asked, reconcile only `namespace`, the backend controller only, pods
 * tolerate the kwok nodes' taint.
 */
export async function startOperator(
  flags: Record<string, string | number | boolean>,
  options: { waitReady?: boolean } = {},
): Promise<OperatorProcess> {
  const port = await freePort();
  const all: Record<string, string | number | boolean> = {
    kubeconfig: inject('kubeconfig'),
    'http-bind-address': `127.0.0.1:${port}`,
    'leader-elect': false,
    controllers: 'backend',
    'log-level': 'info',
    'pod-tolerations': KWOK_TOLERATION,
    ...flags,
  };
  const args = [MAIN, ...Object.entries(all).map(([k, v]) => `--${k}=${v}`)];
  const child = spawn(process.execPath, args, { cwd: REPOSITORY_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let logs = '';
  child.stdout?.on('data', (d: Buffer) => (logs += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (logs += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const metrics = async () => {
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    return response.text();
  };
  const metric = async (name: string, labels: Record<string, string> = {}) => sumMetric(await metrics(), name, labels);
  const operator: OperatorProcess = {
    child,
    port,
    logs: () => logs,
    metrics,
    metric,
    writes: async () => {
      const text = await metrics();
      let total = 0;
      for (const verb of ['create', 'update', 'patch', 'delete'])
        total += sumMetric(text, 'mobileplane_kube_api_requests_total', { verb });
      for (const verb of ['create', 'update'])
        total -= sumMetric(text, 'mobileplane_kube_api_requests_total', { verb, resource: 'leases' });
      return total;
    },
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    exited,
  };
  if (options.waitReady ?? true) {
    await waitFor(
      `operator on port ${port} to be ready\n${logs}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`operator exited with ${child.exitCode}:\n${logs}`);
        const response = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
        return response?.ok ? true : undefined;
      },
      30_000,
    );
  }
  return operator;
}

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

/** A MobileBackend's conditions as kubectl sees them. */
export async function conditions(namespace: string, name: string, kind = 'mobilebackend'): Promise<Condition[]> {
  const args = namespace ? ['get', kind, name, '-n', namespace, '-o', 'json'] : ['get', kind, name, '-o', 'json'];
  const object = JSON.parse(await kubectl(args)) as { status?: { conditions?: Condition[] } };
  return object.status?.conditions ?? [];
}

export function backendManifest(name: string, spec: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: 'mobileplane.io/v1alpha1', kind: 'MobileBackend', metadata: { name }, spec });
}

/** Names of objects of `kinds` in `namespace` that carry the operator's labels (and optionally an instance). */
export async function managedObjects(namespace: string, instance?: string): Promise<string[]> {
  const selector = `app.kubernetes.io/managed-by=mobileplane-operator${instance ? `,app.kubernetes.io/instance=${instance}` : ''}`;
  const out = await kubectl([
    'get',
    'serviceaccounts,configmaps,deployments,services,poddisruptionbudgets,horizontalpodautoscalers,networkpolicies',
    '-n',
    namespace,
    '-l',
    selector,
    '-o',
    'name',
  ]);
  return out.split('\n').filter(Boolean).sort();
}
