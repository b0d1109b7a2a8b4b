import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useTestNamespace, waitFor } from '@mobileplane/test-harness';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  REPOSITORY_ROOT,
  backendManifest,
  conditions,
  installCrds,
  kubectl,
  startOperator,
  type OperatorProcess,
} from './operator-harness.ts';

// From a FeatureFlagSet edit to a client's next evaluation, with every real part but kubelet: the operator renders
// the ConfigMap, this test copies its flags.json to a file the way kubelet projects a ConfigMap volume (write
// aside, rename over), and the api component (its own process, runtime/src/main.ts) serves it over OFREP. The
// official OpenFeature providers against the runtime are in runtime/test/integration/flags-ofrep.test.ts.
const ns = useTestNamespace('flags-delivery');
const API_KEY = 'flags-e2e-app-key';
let operator: OperatorProcess | undefined;
let runtime: ChildProcess | undefined;
let directory: string | undefined;
let projecting = false;

beforeAll(async () => {
  await installCrds();
  await kubectl([
    'apply',
    '--server-side',
    '--force-conflicts',
    '--field-manager=mobileplane-operator',
    '-f',
    'charts/mobileplane/crds/mobileplane.io_featureflagsets.yaml',
  ]);
  await kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/featureflagsets.mobileplane.io']);
});
afterEach(async () => {
  projecting = false;
  await operator?.stop();
  operator = undefined;
  runtime?.kill('SIGTERM');
  runtime = undefined;
  if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function flagSet(minimumVersion: string): string {
  return JSON.stringify({
    apiVersion: 'mobileplane.io/v1alpha1',
    kind: 'FeatureFlagSet',
    metadata: { name: 'checkout' },
    spec: {
      backendRef: { name: 'rides' },
      flags: {
        'new-checkout': {
          state: 'ENABLED',
          variants: { on: true, off: false },
          defaultVariant: 'off',
          targeting: { if: [{ sem_ver: [{ var: 'appVersion' }, '>=', minimumVersion] }, 'on', 'off'] },
        },
        'nearby-poll': {
          state: 'ENABLED',
          variants: { normal: { intervalSeconds: 5 }, relaxed: { intervalSeconds: 15 } },
          defaultVariant: 'normal',
        },
      },
      killSwitches: [{ flag: 'nearby-poll', variant: 'relaxed' }],
    },
  });
}

/** Stand-in for kubelet: copies the ConfigMap's flags.json into `file` whenever it changes (atomic rename). */
async function project(file: string): Promise<void> {
  let last = '';
  projecting = true;
  while (projecting) {
    const text = await kubectl([
      'get',
      'configmap',
      'rides-flags',
      '-n',
      ns.name,
      '-o',
      'jsonpath={.data.flags\\.json}',
    ]).catch(() => '');
    if (text !== '' && text !== last) {
      writeFileSync(`${file}.next`, text);
      renameSync(`${file}.next`, file);
      last = text;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('a FeatureFlagSet edit reaches a client', () => {
  it('within seconds, as a 200 with a new ETag after 304s, announced on the change stream', async () => {
    directory = mkdtempSync(join(tmpdir(), 'mp-flags-e2e-'));
    const file = join(directory, 'flags.json');
    const port = await freePort();
    writeFileSync(
      join(directory, 'config.json'),
      JSON.stringify({
        component: 'api',
        server: { host: '127.0.0.1', port },
        log: { level: 'warn' },
        auth: { apiKeys: [{ name: 'app', sha256: createHash('sha256').update(API_KEY).digest('hex') }] },
        flags: { file, pollSeconds: 1 },
      }),
    );
    runtime = spawn(process.execPath, ['runtime/src/main.ts', '--component=api'], {
      cwd: REPOSITORY_ROOT,
      env: { ...process.env, MOBILEPLANE_CONFIG_FILE: join(directory, 'config.json') },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const url = `http://127.0.0.1:${port}`;
    await waitFor('api ready', async () =>
      (await fetch(`${url}/readyz`).catch(() => undefined))?.ok ? true : undefined,
    );

    operator = await startOperator({ 'watch-namespace': ns.name, controllers: 'flags', 'resync-period': '2s' });
    await kubectl(['apply', '-n', ns.name, '-f', '-'], backendManifest('rides', { runtime: { version: '1.0.0' } }));
    await kubectl(['apply', '-n', ns.name, '-f', '-'], flagSet('2.0.0'));
    void project(file);

    const bulk = (etag?: string) =>
      fetch(`${url}/ofrep/v1/evaluate/flags`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-api-key': API_KEY,
          ...(etag === undefined ? {} : { 'if-none-match': etag }),
        },
        body: JSON.stringify({ context: { targetingKey: 'install-1', platform: 'ios', appVersion: '2.1.0' } }),
      });
    const first = await waitFor('the flag served', async () => {
      const res = await bulk();
      const body = (await res.json()) as { flags: { key: string; value?: unknown }[] };
      return body.flags.some((f) => f.key === 'new-checkout') ? { res, body } : undefined;
    });
    expect(first.body.flags.find((f) => f.key === 'new-checkout')?.value).toBe(true);
    const etag = first.res.headers.get('etag') ?? '';
    expect((await bulk(etag)).status).toBe(304);

    // Delivered: a stand-in api pod (no kubelet here: bound to a node that does not exist, its status written by
    // this test) whose address is the runtime above; the operator reads the revision from its /metrics.
    await kubectl(
      ['apply', '-n', ns.name, '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'rides-api-standin',
          labels: {
            'app.kubernetes.io/name': 'mobileplane-runtime',
            'app.kubernetes.io/instance': 'rides',
            'app.kubernetes.io/component': 'api',
          },
        },
        spec: {
          nodeName: 'no-such-node',
          containers: [
            { name: 'api', image: 'mobileplane/runtime:test', ports: [{ name: 'http', containerPort: port }] },
          ],
        },
      }),
    );
    await kubectl([
      'patch',
      'pod',
      'rides-api-standin',
      '-n',
      ns.name,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({
        status: { podIP: '127.0.0.1', podIPs: [{ ip: '127.0.0.1' }], conditions: [{ type: 'Ready', status: 'True' }] },
      }),
    ]);
    const delivered = await waitFor('Delivered=True', async () =>
      (await conditions(ns.name, 'checkout', 'featureflagset')).find(
        (c) => c.type === 'Delivered' && c.status === 'True',
      ),
    );
    expect(delivered.reason).toBe('FlagsDelivered');
    expect(delivered.message).toContain(first.res.headers.get('x-flags-revision') ?? 'no revision header');

    // Open the change stream, then edit the CR.
    const stream = await fetch(`${url}/ofrep/v1/events`);
    const reader = stream.body!.getReader();
    const edited = Date.now();
    await kubectl(['apply', '-n', ns.name, '-f', '-'], flagSet('3.0.0'));
    const decoder = new TextDecoder();
    let received = '';
    while (!received.includes('refetchEvaluation')) {
      const { value, done } = await reader.read();
      if (done) break;
      received += decoder.decode(value, { stream: true });
    }
    await reader.cancel();
    const announcedAfter = Date.now() - edited;
    const after = await bulk(etag);
    expect(after.status).toBe(200);
    expect(
      ((await after.json()) as { flags: { key: string; value?: unknown }[] }).flags.find(
        (f) => f.key === 'new-checkout',
      )?.value,
    ).toBe(false);
    // The operator's reconcile, this test's 250 ms projection and the runtime's directory watch: seconds, not minutes.
    expect(announcedAfter).toBeLessThan(10_000);
    const served = after.headers.get('x-flags-revision') ?? '';
    await waitFor('Delivered=True for the new revision', async () =>
      (await conditions(ns.name, 'checkout', 'featureflagset')).find(
        (c) => c.type === 'Delivered' && c.status === 'True' && c.message.includes(served),
      ),
    );

    // Kill switch: the backend's rollout aborts; the client's next evaluation gets the safe variant.
    const valueOf = async (key: string) =>
      ((await (await bulk()).json()) as { flags: { key: string; value?: unknown }[] }).flags.find((f) => f.key === key)
        ?.value;
    expect(await valueOf('nearby-poll')).toEqual({ intervalSeconds: 5 });
    await kubectl([
      'patch',
      'mobilebackend',
      'rides',
      '-n',
      ns.name,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: { rollout: { phase: 'Aborted', stableVersion: '1.0.0', canaryVersion: '1.1.0' } } }),
    ]);
    await waitFor(
      'the safe variant served',
      async () => {
        const value = (await valueOf('nearby-poll')) as { intervalSeconds?: number } | undefined;
        return value?.intervalSeconds === 15 ? true : undefined;
      },
      20_000,
    );
    // No kubelet will ever confirm the stand-in's deletion: remove it at once so the namespace can go.
    await kubectl(['delete', 'pod', 'rides-api-standin', '-n', ns.name, '--grace-period=0', '--force']);
  });
});
