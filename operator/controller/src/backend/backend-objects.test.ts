import { validateMobileBackendSpec, type MobileBackendSpec } from '@mobileplane/api';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/kube-object.ts';
import { backendObjects, componentResources } from './backend-objects.ts';

const backend: KubeObject = {
  apiVersion: 'mobileplane.io/v1alpha1',
  kind: 'MobileBackend',
  metadata: { name: 'rides', namespace: 'apps', uid: 'uid-1' },
};

function spec(input: unknown): MobileBackendSpec {
  const result = validateMobileBackendSpec(input);
  if (!result.valid) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

function build(input: unknown): KubeObject[] {
  return backendObjects({ backend, spec: spec(input), defaultImage: 'registry.test/runtime' });
}

/** Parsed JSON, navigated freely in assertions (a wrong path fails the test, which is the point). */
type ParsedJson = ReturnType<typeof JSON.parse>;

function find(objects: KubeObject[], kind: string, name: string): ParsedJson {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) throw new Error(`${kind}/${name} not built`);
  return found;
}

describe('backendObjects', () => {
  const objects = build({
    runtime: { version: '1.4.2' },
    components: { api: { autoscaling: { minReplicas: 2, maxReplicas: 6 } }, push: { enabled: true } },
    database: { secretRef: { name: 'rides-db' } },
    push: { fcm: { serviceAccountSecretRef: { name: 'fcm' } } },
  });

  it('builds every kind per enabled component, with fixed names, and nothing for disabled ones', () => {
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    for (const component of ['api', 'auth', 'workers', 'push']) {
      for (const kind of [
        'ServiceAccount',
        'ConfigMap',
        'Deployment',
        'Service',
        'PodDisruptionBudget',
        'NetworkPolicy',
      ]) {
        expect(names).toContain(`${kind}/rides-${component}`);
      }
    }
    expect(names.filter((n) => n.includes('storage'))).toEqual([]);
    expect(names.filter((n) => n.startsWith('HorizontalPodAutoscaler/'))).toEqual([
      'HorizontalPodAutoscaler/rides-api',
    ]);
  });

  it('labels and owns every object, and never leaks the cdk8s construct-path label', () => {
    for (const object of objects) {
      expect(object.metadata.namespace).toBe('apps');
      expect(object.metadata.labels?.['app.kubernetes.io/managed-by']).toBe('mobileplane-operator');
      expect(object.metadata.ownerReferences).toEqual([
        {
          apiVersion: 'mobileplane.io/v1alpha1',
          kind: 'MobileBackend',
          name: 'rides',
          uid: 'uid-1',
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
    }
    expect(JSON.stringify(objects)).not.toContain('cdk8s.io');
  });

  it('selects pods by the stable app.kubernetes.io labels only', () => {
    const deployment = find(objects, 'Deployment', 'rides-auth');
    expect(deployment.spec.selector).toEqual({
      matchLabels: {
        'app.kubernetes.io/name': 'mobileplane-runtime',
        'app.kubernetes.io/instance': 'rides',
        'app.kubernetes.io/component': 'auth',
      },
    });
    expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
  });

  it('runs pods under the restricted Pod Security profile with probes, resources and topology spread', () => {
    const pod = find(objects, 'Deployment', 'rides-auth').spec.template.spec;
    const [container] = pod.containers;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '1', memory: '512Mi' },
    });
    expect(container.livenessProbe.httpGet.path).toBe('/livez');
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(pod.topologySpreadConstraints.map((c: { topologyKey: string }) => c.topologyKey)).toEqual([
      'topology.kubernetes.io/zone',
      'kubernetes.io/hostname',
    ]);
    expect(container.image).toBe('registry.test/runtime:1.4.2');
    expect(container.args).toEqual(['--component=auth']);
  });

  it('never sets replicas on a Deployment an HPA scales', () => {
    expect(find(objects, 'Deployment', 'rides-api').spec).not.toHaveProperty('replicas');
    expect(find(objects, 'Deployment', 'rides-auth').spec.replicas).toBe(1);
    expect(find(objects, 'HorizontalPodAutoscaler', 'rides-api').spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 6,
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'rides-api' },
    });
  });

  it('passes secrets by reference, never by value', () => {
    const env = find(objects, 'Deployment', 'rides-workers').spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'rides-db', key: 'dsn' } } });
    const volumes = find(objects, 'Deployment', 'rides-push').spec.template.spec.volumes;
    expect(volumes).toContainEqual({ name: 'secret-fcm', secret: { secretName: 'fcm' } });
  });

  it('admits only the callers a component needs', () => {
    const from = find(objects, 'NetworkPolicy', 'rides-push').spec.ingress[0].from;
    expect(from.map((peer: ParsedJson) => peer.podSelector?.matchLabels['app.kubernetes.io/component'])).toEqual([
      'api',
      'workers',
    ]);
    const workers = find(objects, 'NetworkPolicy', 'rides-workers').spec.ingress;
    expect(workers).toHaveLength(1); // metrics scraping only
    expect(workers[0].ports).toEqual([{ protocol: 'TCP', port: 9464 }]);
  });

  it('writes the runtime config without secrets, and rolls pods when it changes', () => {
    const config = JSON.parse(find(objects, 'ConfigMap', 'rides-api').data['config.json']);
    expect(config).toMatchObject({ component: 'api', identity: { backend: 'apps/rides', revision: '1.4.2' } });
    expect(JSON.stringify(config)).not.toContain('rides-db');
    const other = build({
      runtime: { version: '1.4.3' },
      components: { api: { autoscaling: { maxReplicas: 6 } } },
      database: { secretRef: { name: 'rides-db' } },
    });
    const hash = (list: KubeObject[]) =>
      find(list, 'Deployment', 'rides-api').spec.template.metadata.annotations['mobileplane.io/config-hash'];
    expect(hash(other)).not.toBe(hash(objects));
  });
});

describe('componentResources', () => {
  it.each([
    ['defaults', undefined, { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } }],
    [
      'one request overridden',
      { requests: { cpu: '250m' } },
      { requests: { cpu: '250m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    ],
    [
      'a request above the default limit raises it',
      { requests: { memory: '1Gi' } },
      { requests: { cpu: '100m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
    ],
    [
      'explicit limits win',
      { limits: { cpu: '2' } },
      { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '512Mi' } },
    ],
  ])('%s', (_name, resources, expected) => {
    expect(componentResources('api', { resources })).toEqual(expected);
  });
});

describe('backendObjects with operator-wide pod tolerations', () => {
  const input = { runtime: { version: '1.0.0' }, components: { workers: { enabled: false } } };
  const tolerations = [
    { key: 'kwok.x-k8s.io/node', operator: 'Equal' as const, value: 'fake', effect: 'NoSchedule' as const },
  ];

  it('adds them to every Deployment pod template', () => {
    const objects = backendObjects({
      backend,
      spec: spec(input),
      defaultImage: 'r/runtime',
      podTolerations: tolerations,
    });
    const deployments = objects.filter((o) => o.kind === 'Deployment') as ParsedJson[];
    expect(deployments.map((d) => d.metadata.name)).toEqual(['rides-api', 'rides-auth']);
    for (const deployment of deployments) expect(deployment.spec.template.spec.tolerations).toEqual(tolerations);
  });

  it('renders no tolerations field without them (unchanged templates, no rollout)', () => {
    const deployment = find(build(input), 'Deployment', 'rides-api');
    expect(deployment.spec.template.spec).not.toHaveProperty('tolerations');
  });
});
