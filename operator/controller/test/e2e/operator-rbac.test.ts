import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testNamespaceName, useTestNamespace, waitFor } from '@mobileplane/test-harness';
import { inject } from 'vitest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse, stringify } from 'yaml';
import {
  REPOSITORY_ROOT,
  deleteEnvironments,
  installCrds,
  kubectl,
  managedObjects,
  startOperator,
  type OperatorProcess,
} from './operator-harness.ts';

// Runs the operator as a ServiceAccount bound to exactly deploy/rbac.yaml: if the code needs a verb the
// manifest lacks, this fails; the manifest is the minimal one because nothing else is granted.
const ns = useTestNamespace('rbac');
let operator: OperatorProcess | undefined;
const clusterScoped: string[] = [];

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
  await operator?.stop();
  operator = undefined;
});
afterAll(async () => {
  const environments = clusterScoped
    .filter((n) => n.startsWith('mobileenvironment '))
    .map((n) => n.split(' ')[1] ?? '');
  for (const name of clusterScoped.filter((n) => !n.startsWith('mobileenvironment '))) {
    await kubectl(['delete', ...name.split(' '), '--ignore-not-found', '--wait=false']);
  }
  await deleteEnvironments(environments);
});

/** deploy/rbac.yaml moved into the test namespace, with cluster-scoped names made unique. */
async function rbacFor(namespace: string): Promise<string> {
  const text = await readFile(join(REPOSITORY_ROOT, 'operator/controller/deploy/rbac.yaml'), 'utf8');
  const suffix = `-${namespace}`;
  return parseAllDocuments(text)
    .map((doc) => {
      const object = doc.toJS() as {
        kind: string;
        metadata: { name: string; namespace?: string };
        roleRef?: { kind: string; name: string };
        subjects?: { namespace?: string }[];
      };
      if (object.metadata.namespace) object.metadata.namespace = namespace;
      if (object.kind === 'ClusterRole' || object.kind === 'ClusterRoleBinding') {
        object.metadata.name += suffix;
        clusterScoped.push(`${object.kind.toLowerCase()} ${object.metadata.name}`);
      }
      if (object.roleRef?.kind === 'ClusterRole') object.roleRef.name += suffix;
      for (const subject of object.subjects ?? []) subject.namespace = namespace;
      return stringify(object);
    })
    .join('---\n');
}

/** A kubeconfig for the control plane that authenticates as the ServiceAccount. */
async function serviceAccountKubeconfig(namespace: string): Promise<string> {
  const token = (await kubectl(['create', 'token', 'mobileplane-operator', '-n', namespace, '--duration=30m'])).trim();
  const admin = parse(await readFile(inject('kubeconfig'), 'utf8')) as {
    clusters: { cluster: Record<string, unknown> }[];
  };
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'test', cluster: admin.clusters[0]?.cluster }],
    users: [{ name: 'operator', user: { token } }],
    contexts: [{ name: 'operator', context: { cluster: 'test', user: 'operator' } }],
    'current-context': 'operator',
  };
  const path = join(await mkdtemp(join(tmpdir(), 'mp-rbac-')), 'kubeconfig');
  await writeFile(path, stringify(kubeconfig), { mode: 0o600 });
  return path;
}

describe('the RBAC manifest', () => {
  it('is enough for everything the operator does', async () => {
    await kubectl(['apply', '-f', '-'], await rbacFor(ns.name));
    const kubeconfig = await serviceAccountKubeconfig(ns.name);
    const label = `mobileplane.io/test-run=${ns.name}`;
    operator = await startOperator({
      kubeconfig,
      controllers: 'backend,environment,flags',
      'watch-namespace': ns.name,
      'environment-selector': label,
      'leader-elect': true,
      'leader-election-namespace': ns.name,
    });

    await kubectl(['apply', '-n', ns.name, '-f', 'examples/mobilebackend-ride-hailing.yaml']);
    await kubectl(['wait', '-n', ns.name, '--for=condition=Ready', 'mb/rides', '--timeout=90s']);
    // The flags controller: list/watch FeatureFlagSets, its ConfigMap, pods for Delivered, status and Events.
    await kubectl(['apply', '-n', ns.name, '-f', 'examples/featureflagset-rides.yaml']);
    await kubectl(['wait', '-n', ns.name, '--for=condition=Accepted', 'ffs/rides-app', '--timeout=60s']);
    await kubectl([
      'patch',
      'mb',
      'rides',
      '-n',
      ns.name,
      '--type=merge',
      '-p',
      '{"spec":{"components":{"storage":{"enabled":false}}}}',
    ]);
    await waitFor('storage pruned', async () =>
      (await managedObjects(ns.name, 'rides')).some((o) => o.endsWith('rides-storage')) ? undefined : true,
    );

    const environment = testNamespaceName('rbac-env');
    clusterScoped.push(`mobileenvironment ${environment}`);
    await kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'mobileplane.io/v1alpha1',
        kind: 'MobileEnvironment',
        metadata: { name: environment, labels: { 'mobileplane.io/test-run': ns.name } },
        spec: {
          tier: 'staging',
          team: 'rides',
          groups: [
            { name: 'rides-developers', role: 'edit' },
            { name: 'rides-oncall', role: 'admin' },
          ],
        },
      }),
    );
    await kubectl(['wait', '--for=condition=Ready', `menv/${environment}`, '--timeout=60s']);
    expect(await operator.metric('mobileplane_kube_api_requests_total', { code: '403' })).toBe(0);
  });
});
