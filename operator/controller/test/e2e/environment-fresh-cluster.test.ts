import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { kubectlWith } from '../support/kubectl.ts';
import { REPOSITORY_ROOT, startOperator, type OperatorProcess } from './operator-harness.ts';

// Issue 10, "make demo fails on a fresh machine": on a new cluster the quota controller counts
// count/mobilebackends.mobileplane.io only after it discovered the CRD and recomputed the quota, and until then
// the API server refuses every MobileBackend in the namespace ("status unknown for quota"). The environment must
// not say Ready before its quota can admit one. This suite starts its own cluster, so "new" is really new.
const run = promisify(execFile);
const CLUSTER = `fresh-${randomBytes(3).toString('hex')}`;
const clusterEnv = {
  ...process.env,
  MOBILEPLANE_CLUSTER_NAME: CLUSTER,
  MOBILEPLANE_WORKER_NODE: '0',
  MOBILEPLANE_CLUSTER_NODES: '1',
};
const cluster = (command: string) =>
  run('bash', ['dev/cluster/cluster.sh', command], { cwd: REPOSITORY_ROOT, env: clusterEnv, maxBuffer: 16 << 20 });
let operator: OperatorProcess | undefined;

afterAll(async () => {
  await operator?.stop();
  await cluster('down');
}, 180_000);

describe('MobileEnvironment on a new cluster', () => {
  it('is Ready only once its quota admits a MobileBackend: a backend applied right after Ready is created', async () => {
    await cluster('up');
    const { stdout } = await cluster('env');
    const kubeconfig = /export KUBECONFIG='([^']+)'/.exec(stdout)?.[1] ?? '';
    const path = /export PATH='([^']+)'/.exec(stdout)?.[1] ?? '';
    const kubectl = kubectlWith(
      { ...process.env, KUBECONFIG: kubeconfig, PATH: `${path}:${process.env.PATH}` },
      REPOSITORY_ROOT,
    );
    // Only the two kinds this test uses: the quota counts MobileBackends, the operator reconciles both.
    await kubectl([
      'apply',
      '--server-side',
      '--field-manager=mobileplane-operator',
      '-f',
      'charts/mobileplane/crds/mobileplane.io_mobilebackends.yaml',
      '-f',
      'charts/mobileplane/crds/mobileplane.io_mobileenvironments.yaml',
    ]);
    await kubectl([
      'wait',
      '--for=condition=Established',
      '--timeout=60s',
      'crd/mobilebackends.mobileplane.io',
      'crd/mobileenvironments.mobileplane.io',
    ]);
    operator = await startOperator({ kubeconfig, controllers: 'environment,backend' });

    await kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'mobileplane.io/v1alpha1',
        kind: 'MobileEnvironment',
        metadata: { name: 'fresh-dev' },
        spec: { tier: 'dev', team: 'fresh' },
      }),
    );
    // Until the quota controller has counted every resource the environment says why it is not Ready.
    const reasons = new Set<string>();
    const deadline = Date.now() + 120_000;
    for (;;) {
      const ready = (await conditionsOf(kubectl)).find((c) => c.type === 'Ready');
      if (ready !== undefined) reasons.add(`${ready.status}:${ready.reason}`);
      if (ready?.status === 'True' || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(reasons).toContain('False:QuotaPending');
    expect(reasons).toContain('True:NamespaceReady');
    await kubectl(
      ['apply', '-n', 'fresh-dev', '-f', '-'],
      JSON.stringify({
        apiVersion: 'mobileplane.io/v1alpha1',
        kind: 'MobileBackend',
        metadata: { name: 'first' },
        spec: { runtime: { version: '1.0.0' }, components: { auth: { enabled: false }, workers: { enabled: false } } },
      }),
    );
    expect((await kubectl(['get', 'mb', '-n', 'fresh-dev', '-o', 'name'])).trim()).toBe(
      'mobilebackend.mobileplane.io/first',
    );
  }, 600_000);
});

async function conditionsOf(kubectl: (args: string[]) => Promise<string>) {
  const out = await kubectl(['get', 'menv', 'fresh-dev', '-o', 'json']);
  return (
    (JSON.parse(out) as { status?: { conditions?: { type: string; status: string; reason: string }[] } }).status
      ?.conditions ?? []
  );
}
