/**
 * The generated CRDs on a real API server: they install and become Established, every invalid example is refused
 * with an error on the field the example breaks (the same table the unit tests run through zod), valid examples
 * are accepted with the same defaults zod applies, and the served schema explains itself.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ApiException, ApiextensionsV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { testKubeConfig, testNamespaceName, useTestNamespace, waitFor } from '@mobileplane/test-harness';
// Brings in the types of what the global setup provides (`inject('kubeconfig')`).
import type {} from '@mobileplane/test-harness/global-setup';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CRD_DIRECTORY, REPOSITORY_ROOT } from '../../src/generate/generated-files.ts';
import { GROUP, KINDS, VERSION, crdName } from '../../src/group-version.ts';
import { parseMobileBackend, parseMobileEnvironment } from '../../src/validation/validate-resource.ts';
import {
  INVALID_BACKENDS,
  INVALID_ENVIRONMENTS,
  fullBackend,
  fullEnvironment,
  minimalBackend,
  minimalEnvironment,
  type InvalidCase,
} from '../fixtures/resource-cases.ts';

const run = promisify(execFile);
const FIELD_MANAGER = 'mobileplane-api-e2e';

async function kubectl(...args: string[]): Promise<string> {
  const env = { ...process.env, KUBECONFIG: inject('kubeconfig'), PATH: `${inject('kubectlDir')}:${process.env.PATH}` };
  const { stdout } = await run('kubectl', args, { env, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

interface StatusCause {
  field?: string;
  message?: string;
}

/** The API server's refusal of a create or update: HTTP status, message and per-field causes. */
async function refusal(request: Promise<unknown>): Promise<{ code: number; message: string; causes: StatusCause[] }> {
  try {
    await request;
  } catch (error) {
    if (!(error instanceof ApiException)) throw error;
    const raw: unknown = error.body;
    const body = (typeof raw === 'string' ? JSON.parse(raw) : raw) as {
      message?: string;
      details?: { causes?: StatusCause[] };
    };
    return { code: error.code, message: body.message ?? '', causes: body.details?.causes ?? [] };
  }
  throw new Error('the API server accepted a resource it should have refused');
}

function expectRefusedOn(result: { code: number; message: string; causes: StatusCause[] }, expected: InvalidCase) {
  expect(result.code).toBe(422);
  expect(result.causes.map((cause) => cause.field)).toContain(expected.field);
  expect(result.message).toContain(expected.field);
  if (expected.message !== undefined) expect(result.message).toContain(expected.message);
}

const customObjects = () => testKubeConfig().makeApiClient(CustomObjectsApi);
const backends = { group: GROUP, version: VERSION, plural: KINDS.MobileBackend.plural };
const environments = { group: GROUP, version: VERSION, plural: KINDS.MobileEnvironment.plural };

beforeAll(async () => {
  // What a platform engineer runs; --force-conflicts because the operator applies the same CRDs with its own
  // field manager.
  await kubectl(
    'apply',
    '--server-side',
    '--force-conflicts',
    `--field-manager=${FIELD_MANAGER}`,
    '-f',
    join(REPOSITORY_ROOT, CRD_DIRECTORY),
  );
  const extensions = testKubeConfig().makeApiClient(ApiextensionsV1Api);
  for (const kind of ['MobileBackend', 'MobileEnvironment'] as const) {
    await waitFor(`CRD ${crdName(kind)} to be Established`, async () => {
      const crd = await extensions.readCustomResourceDefinition({ name: crdName(kind) });
      return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
    });
  }
});

describe('MobileBackend CRD', () => {
  const namespace = useTestNamespace('crd-mb');

  it.each([
    ['minimal', minimalBackend],
    ['full', fullBackend],
  ])('accepts the %s example and applies the same defaults as zod', async (_, example) => {
    const body = example();
    const created = (await customObjects().createNamespacedCustomObject({
      ...backends,
      namespace: namespace.name,
      body,
    })) as { spec: unknown };
    expect(created.spec).toEqual(parseMobileBackend(body).spec);
  });

  it.each(INVALID_BACKENDS)('refuses $title, naming $field', async (invalid) => {
    const result = await refusal(
      customObjects().createNamespacedCustomObject({ ...backends, namespace: namespace.name, body: invalid.resource }),
    );
    expectRefusedOn(result, invalid);
  });

  it('shows Ready, Version, Rollout and Age in kubectl get, from the status subresource', async () => {
    const api = customObjects();
    const created = (await api.createNamespacedCustomObject({
      ...backends,
      namespace: namespace.name,
      body: minimalBackend('columns'),
    })) as Record<string, unknown>;
    const status = {
      observedGeneration: 1,
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'ComponentsAvailable',
          message: '',
          lastTransitionTime: '2025-01-01T00:00:00Z',
        },
      ],
      rollout: { phase: 'Stable', weight: 0 },
    };
    await api.replaceNamespacedCustomObjectStatus({
      ...backends,
      namespace: namespace.name,
      name: 'columns',
      body: { ...created, status },
    });
    const table = await kubectl('get', 'mb', 'columns', '-n', namespace.name, '-o', 'wide');
    const [header, row] = table.trim().split('\n');
    expect(header?.split(/\s+/)).toEqual(['NAME', 'READY', 'VERSION', 'ROLLOUT', 'WEIGHT', 'AGE']);
    expect(row?.split(/\s+/).slice(0, 5)).toEqual(['columns', 'True', '1.0.0', 'Stable', '0']);
  });

  it('refuses a status the schema does not allow', async () => {
    const api = customObjects();
    const created = (await api.createNamespacedCustomObject({
      ...backends,
      namespace: namespace.name,
      body: minimalBackend('bad-status'),
    })) as Record<string, unknown>;
    const result = await refusal(
      api.replaceNamespacedCustomObjectStatus({
        ...backends,
        namespace: namespace.name,
        name: 'bad-status',
        body: { ...created, status: { rollout: { phase: 'Sideways' } } },
      }),
    );
    expectRefusedOn(result, { title: '', resource: {}, field: 'status.rollout.phase' });
  });

  it('is found by short name and category, and explains its fields', async () => {
    // The category resolves (an unknown one is an error); cluster-scoped MobileEnvironments of a reused cluster may
    // be listed too, but this fresh namespace holds no MobileBackend.
    const inCategory = await kubectl('get', 'mobileplane', '-n', namespace.name, '-o', 'name');
    expect(inCategory.split('\n').filter((line) => line.startsWith('mobilebackend'))).toEqual([]);
    expect(await kubectl('get', 'mb', '-n', namespace.name, '-o', 'name')).toBe('');
    const explained = await kubectl('explain', 'mb.spec.rollout.steps');
    expect(explained).toContain('Canary steps in order.');
    expect(explained).toContain('weight\t<integer>');
    const cohorts = await kubectl('explain', 'mb.spec.rollout.cohorts.header');
    expect(cohorts).toContain('x-app-version');
  });
});

describe('MobileEnvironment CRD', () => {
  const created: string[] = [];

  async function create(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const result = (await customObjects().createClusterCustomObject({ ...environments, body })) as Record<
      string,
      unknown
    >;
    created.push((result.metadata as { name: string }).name);
    return result;
  }

  afterAll(async () => {
    for (const name of created) await customObjects().deleteClusterCustomObject({ ...environments, name });
  });

  it.each([
    ['minimal', minimalEnvironment],
    ['full', fullEnvironment],
  ])('accepts the %s example and applies the same defaults as zod', async (_, example) => {
    const body = example(testNamespaceName('menv'));
    const result = (await create(body as unknown as Record<string, unknown>)) as { spec: unknown };
    expect(result.spec).toEqual(parseMobileEnvironment(body).spec);
  });

  it.each(INVALID_ENVIRONMENTS)('refuses $title, naming $field', async (invalid) => {
    const body = invalid.resource as { metadata: { name: string } };
    // Cluster-scoped: a unique name per run, except where the name is what the case is about.
    const name =
      body.metadata.name === minimalEnvironment().metadata.name ? testNamespaceName('menv') : body.metadata.name;
    const result = await refusal(
      customObjects().createClusterCustomObject({ ...environments, body: { ...body, metadata: { name } } }),
    );
    expectRefusedOn(result, invalid);
  });

  it('refuses a change of spec.namespace', async () => {
    const name = testNamespaceName('menv');
    const original = await create({ ...fullEnvironment(name) });
    const spec = { ...(original.spec as Record<string, unknown>), namespace: `${name}-moved` };
    const result = await refusal(
      customObjects().replaceClusterCustomObject({ ...environments, name, body: { ...original, spec } }),
    );
    expectRefusedOn(result, { title: '', resource: {}, field: 'spec.namespace', message: 'namespace is immutable' });
  });

  it('can be selected by tier', async () => {
    const name = testNamespaceName('menv');
    await create({ ...minimalEnvironment(name), spec: { tier: 'staging', team: 'selectable' } });
    const list = (await customObjects().listClusterCustomObject({
      ...environments,
      fieldSelector: 'spec.tier=staging,spec.team=selectable',
    })) as { items: Array<{ metadata: { name: string } }> };
    expect(list.items.map((item) => item.metadata.name)).toEqual([name]);
  });
});
