import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { AppsV1Api, CoreV1Api, type V1Pod, type V1PodSpec } from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import { testKubeConfig, useTestNamespace, waitFor } from '../../src/index.ts';

// The real worker node: pods of the runtime image built by `make images` run under containerd and runc, get an
// address on the CNI bridge, reach Services through kube-proxy and resolve names through CoreDNS; the API server
// reaches the kubelet for logs and exec.
const run = promisify(execFile);
const kc = testKubeConfig();
const core = kc.makeApiClient(CoreV1Api);
const apps = kc.makeApiClient(AppsV1Api);
const ns = useTestNamespace('node');

const REPO = fileURLToPath(new URL('../../../../', import.meta.url));
const TAG =
  process.env.MOBILEPLANE_IMAGE_TAG ??
  (JSON.parse(readFileSync(`${REPO}runtime/package.json`, 'utf8')) as { version: string }).version;
const RUNTIME_IMAGE = `mobileplane/runtime:${TAG}`;

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run(`${inject('kubectlDir')}/kubectl`, ['--kubeconfig', inject('kubeconfig'), ...args], {
    maxBuffer: 8 * 1024 * 1024,
  });
  return stdout;
}

/** The runtime's api component on embedded defaults (PGlite in memory), as locked down as the operator's pods. */
function runtimePodSpec(overrides: Partial<V1PodSpec['containers'][number]> = {}): V1PodSpec {
  return {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    terminationGracePeriodSeconds: 5,
    containers: [
      {
        name: 'runtime',
        image: RUNTIME_IMAGE,
        imagePullPolicy: 'Never',
        args: ['--component=api'],
        env: [{ name: 'PORT', value: '8080' }],
        ports: [{ name: 'http', containerPort: 8080 }],
        readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 2, failureThreshold: 3 },
        // The embedded database (PGlite, in memory) peaks at about 1.2 GB while it initialises (measured on this
        // node: memory.max_usage_in_bytes), then settles near 430 MB; a 512 MiB or 1 GiB limit OOM-kills it.
        resources: { requests: { cpu: '50m', memory: '512Mi' }, limits: { memory: '2Gi' } },
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        },
        ...overrides,
      },
    ],
  };
}

async function realNodeName(): Promise<string> {
  const nodes = await core.listNode({ labelSelector: 'mobileplane.io/node=real' });
  const name = nodes.items[0]?.metadata?.name;
  if (name === undefined) throw new Error('no node labelled mobileplane.io/node=real');
  return name;
}

async function readyPods(namespace: string, selector: string): Promise<V1Pod[]> {
  const pods = await core.listNamespacedPod({ namespace, labelSelector: selector });
  return pods.items.filter(
    (p) =>
      p.metadata?.deletionTimestamp === undefined &&
      p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
}

async function createApiDeployment(namespace: string): Promise<void> {
  await apps.createNamespacedDeployment({
    namespace,
    body: {
      metadata: { name: 'api' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'api' } },
        template: { metadata: { labels: { app: 'api' } }, spec: runtimePodSpec() },
      },
    },
  });
  await core.createNamespacedService({
    namespace,
    body: {
      metadata: { name: 'api' },
      spec: { selector: { app: 'api' }, ports: [{ name: 'http', port: 8080, targetPort: 'http' }] },
    },
  });
}

async function waitAvailable(namespace: string, name: string, timeoutMs = 120_000): Promise<void> {
  await waitFor(
    `Deployment ${name} Available`,
    async () => {
      const d = await apps.readNamespacedDeployment({ name, namespace });
      const available = d.status?.conditions?.find((c) => c.type === 'Available')?.status === 'True';
      return available && (d.status?.readyReplicas ?? 0) >= 1 ? true : undefined;
    },
    timeoutMs,
  );
}

describe('the real worker node', () => {
  it('is Ready and labelled, beside kwok nodes that ordinary workloads do not land on', async () => {
    const name = await realNodeName();
    const node = await core.readNode({ name });
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(node.metadata?.annotations?.['kwok.x-k8s.io/node']).toBeUndefined();
    expect(node.status?.nodeInfo?.containerRuntimeVersion).toMatch(/^containerd:\/\/2\./);
    expect(node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address).not.toMatch(/^127\./);
    const kwok = await core.listNode({ labelSelector: 'type=kwok' });
    expect(kwok.items.length).toBeGreaterThan(0);
    for (const n of kwok.items) {
      expect(n.spec?.taints).toContainEqual(
        expect.objectContaining({ key: 'kwok.x-k8s.io/node', effect: 'NoSchedule' }),
      );
    }
  });

  it('runs the runtime image until its readiness probe passes, serves it behind a Service by DNS name and pod IP, and replaces a deleted pod', async () => {
    const node = await realNodeName();
    await createApiDeployment(ns.name);
    await waitAvailable(ns.name, 'api');
    const [pod] = await readyPods(ns.name, 'app=api');
    expect(pod?.spec?.nodeName).toBe(node);
    expect(pod?.status?.containerStatuses?.[0]?.ready).toBe(true);
    const podIP = pod?.status?.podIP ?? '';
    expect(podIP).toMatch(/^10\.88\./);

    // From the host, by pod IP (the bridge routes the pod network).
    const fromHost = await fetch(`http://${podIP}:8080/readyz`);
    expect(fromHost.status).toBe(200);

    // From another pod, by the Service's DNS name (CoreDNS → ClusterIP → kube-proxy → pod), through kubectl exec.
    await core.createNamespacedPod({
      namespace: ns.name,
      body: {
        metadata: { name: 'client', labels: { app: 'client' } },
        spec: runtimePodSpec({
          command: ['/usr/local/bin/node', '-e', 'setInterval(() => {}, 1 << 30)'],
          args: [],
          readinessProbe: undefined,
        }),
      },
    });
    await waitFor('client pod Running', async () => {
      const p = await core.readNamespacedPod({ name: 'client', namespace: ns.name });
      return p.status?.phase === 'Running' ? p : undefined;
    });
    const script = `fetch('http://api.${ns.name}.svc:8080/readyz').then(async (r) => console.log(r.status, await r.text()))`;
    const answer = await waitFor(
      'the api Service answers the client pod by DNS name',
      async () => {
        const out = await kubectl('exec', '-n', ns.name, 'client', '--', '/usr/local/bin/node', '-e', script);
        return out.startsWith('200') ? out : undefined;
      },
      30_000,
    );
    expect(answer).toContain('"status":"ok"');

    // kubectl logs reaches the kubelet: the runtime's JSON log says it listens.
    const logs = await kubectl('logs', '-n', ns.name, pod?.metadata?.name ?? '');
    expect(logs).toMatch(/"msg":"listening"/);

    // A deleted pod is replaced by a new one that becomes Ready again.
    await core.deleteNamespacedPod({ name: pod?.metadata?.name ?? '', namespace: ns.name });
    const replacement = await waitFor(
      'a replacement api pod Ready',
      async () => {
        const ready = await readyPods(ns.name, 'app=api');
        return ready.find((p) => p.metadata?.uid !== pod?.metadata?.uid);
      },
      120_000,
    );
    expect(replacement.spec?.nodeName).toBe(node);
  }, 300_000);

  it('restarts a container that exits, with back-off', async () => {
    await core.createNamespacedPod({
      namespace: ns.name,
      body: {
        metadata: { name: 'crasher' },
        spec: runtimePodSpec({
          command: ['/usr/local/bin/node', '-e', 'process.exit(3)'],
          args: [],
          readinessProbe: undefined,
        }),
      },
    });
    const status = await waitFor(
      'crasher restarted twice',
      async () => {
        const p = await core.readNamespacedPod({ name: 'crasher', namespace: ns.name });
        const c = p.status?.containerStatuses?.[0];
        return (c?.restartCount ?? 0) >= 2 ? c : undefined;
      },
      150_000,
    );
    // The kubelet backs off between restarts (10 s, 20 s, …) and says so.
    const backOff = await waitFor('a BackOff event for crasher', async () => {
      const events = await core.listNamespacedEvent({
        namespace: ns.name,
        fieldSelector: 'involvedObject.name=crasher,reason=BackOff',
      });
      return events.items[0];
    });
    expect(backOff.message).toMatch(/Back-off restarting failed container/);
    expect(status.lastState?.terminated?.exitCode).toBe(3);
  }, 240_000);

  it('reports an image that is not on the node as ErrImageNeverPull', async () => {
    await core.createNamespacedPod({
      namespace: ns.name,
      body: {
        metadata: { name: 'missing-image' },
        spec: runtimePodSpec({ image: 'mobileplane/does-not-exist:0.0.0' }),
      },
    });
    const waiting = await waitFor('ErrImageNeverPull', async () => {
      const p = await core.readNamespacedPod({ name: 'missing-image', namespace: ns.name });
      const reason = p.status?.containerStatuses?.[0]?.state?.waiting;
      return reason?.reason === 'ErrImageNeverPull' ? reason : undefined;
    });
    expect(waiting.message).toContain('does-not-exist');
  });
});
