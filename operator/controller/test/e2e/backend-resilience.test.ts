import { useTestNamespace, waitFor } from '@mobileplane/test-harness';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  backendManifest,
  installCrds,
  kubectl,
  managedObjects,
  startOperator,
  type OperatorProcess,
} from './operator-harness.ts';

// 50 backends: a crash in the middle of reconciling them, a restart, and a steady state that must send no
// writes over two resync periods. One test: the steady state is the restarted operator's.
const BACKENDS = 50;
const RESYNC_SECONDS = 4;
const ns = useTestNamespace('mb-many');
const running: OperatorProcess[] = [];

beforeAll(installCrds);
afterEach(async () => {
  for (const operator of running.splice(0)) await operator.stop('SIGKILL');
});

async function readyCount(namespace: string): Promise<number> {
  const out = await kubectl([
    'get',
    'mb',
    '-n',
    namespace,
    '-o',
    'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
  ]);
  return out.split('\n').filter((s) => s === 'True').length;
}

describe('50 MobileBackends', () => {
  it('converge without duplicates after a SIGKILL mid-reconcile, then idle without writes', async () => {
    const names = Array.from({ length: BACKENDS }, (_, i) => `b${String(i).padStart(2, '0')}`);
    const spec = {
      runtime: { version: '1.0.0' },
      components: { api: { replicas: 1 }, auth: { replicas: 1 }, workers: { enabled: false } },
    };
    await kubectl(['apply', '-n', ns.name, '-f', '-'], names.map((name) => backendManifest(name, spec)).join('\n'));

    // A slow first operator (one worker), killed once it is well into the work.
    const first = await startOperator({ 'watch-namespace': ns.name, 'max-concurrent-reconciles': 1 });
    running.push(first);
    await waitFor('first operator to apply 150 objects', async () =>
      (await first.metric('mobileplane_object_writes_total', { action: 'apply' })) >= 150 ? true : undefined,
    );
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull(); // killed by the signal, no exit code
    const readyAtKill = await readyCount(ns.name);
    expect(readyAtKill).toBeLessThan(BACKENDS);

    const second = await startOperator({ 'watch-namespace': ns.name, 'resync-period': `${RESYNC_SECONDS}s` });
    running.push(second);
    await kubectl(['wait', '-n', ns.name, '--for=condition=Ready', 'mb', '--all', '--timeout=110s']);

    // No duplicates: exactly one of each object per backend and component, one ReplicaSet per Deployment
    // (a template that changed across the restart would have started a second one).
    const objects = await managedObjects(ns.name);
    expect(objects).toHaveLength(BACKENDS * 2 * 6);
    expect(new Set(objects).size).toBe(objects.length);
    const replicaSets = JSON.parse(await kubectl(['get', 'replicasets', '-n', ns.name, '-o', 'json'])) as {
      items: { metadata: { ownerReferences: { name: string }[] } }[];
    };
    const perDeployment = new Map<string, number>();
    for (const rs of replicaSets.items) {
      const owner = rs.metadata.ownerReferences[0]?.name ?? '';
      perDeployment.set(owner, (perDeployment.get(owner) ?? 0) + 1);
    }
    expect(perDeployment.size).toBe(BACKENDS * 2);
    expect([...perDeployment.values()].every((n) => n === 1)).toBe(true);

    // Steady state: let in-flight status updates settle, then two resync periods must send no write.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const writesBefore = await second.writes();
    const reconcilesBefore = await second.metric('controller_runtime_reconcile_total', { controller: 'mobilebackend' });
    await new Promise((resolve) => setTimeout(resolve, (2 * RESYNC_SECONDS + 1) * 1000));
    const reconciles =
      (await second.metric('controller_runtime_reconcile_total', { controller: 'mobilebackend' })) - reconcilesBefore;
    expect(reconciles).toBeGreaterThanOrEqual(2 * BACKENDS); // the resyncs did run
    expect((await second.writes()) - writesBefore).toBe(0);
  });
});
