import { describe, expect, it } from 'vitest';
import type { JSONSchemaProps } from './structural-schema.ts';
import { customResourceDefinitions } from './custom-resource-definitions.ts';

type Node = JSONSchemaProps & {
  properties?: Record<string, Node>;
  items?: Node;
  additionalProperties?: Node;
  'x-kubernetes-validations'?: Array<{ rule: string; message: string; fieldPath?: string }>;
};

/** Every schema node with its path (`.spec.rollout.steps[*].weight`). */
function* walk(node: Node, path = ''): Generator<[string, Node]> {
  yield [path, node];
  for (const [name, child] of Object.entries(node.properties ?? {})) yield* walk(child, `${path}.${name}`);
  if (node.items) yield* walk(node.items, `${path}[*]`);
  if (node.additionalProperties) yield* walk(node.additionalProperties, `${path}[*]`);
}

const crds = customResourceDefinitions();
const schemas = crds.map((crd) => [crd.spec.names.kind, crd.spec.versions[0]!.schema.openAPIV3Schema as Node] as const);

describe.each(schemas)('the %s CRD schema', (_, schema) => {
  const nodes = [...walk(schema)];

  it('describes every field, so kubectl explain is useful', () => {
    const undescribed = nodes
      .filter(([path]) => path !== '' && path !== '.metadata' && !path.startsWith('.metadata.'))
      .filter(
        ([path, node]) =>
          !path.endsWith('[*]') && !(typeof node.description === 'string' && node.description.length > 10),
      )
      .map(([path]) => path);
    expect(undescribed).toEqual([]);
  });

  it('is structural: a type on every node, anyOf only for int-or-string, no additionalProperties: false', () => {
    for (const [path, node] of nodes) {
      if (node['x-kubernetes-int-or-string'] === true) {
        expect(node.anyOf, path).toEqual([{ type: 'integer' }, { type: 'string' }]);
        continue;
      }
      // Free-form JSON (flag variants): the one other node a structural schema may leave untyped.
      if (node['x-kubernetes-preserve-unknown-fields'] === true && node.type === undefined) continue;
      expect(['object', 'array', 'string', 'integer', 'number', 'boolean'], path).toContain(node.type);
      for (const key of ['$ref', 'oneOf', 'allOf', 'not', 'nullable', 'anyOf', '$schema', 'const']) {
        expect(node, `${path} has ${key}`).not.toHaveProperty(key);
      }
      expect(node.additionalProperties, path).not.toBe(false);
      if (node.properties !== undefined) expect(node.additionalProperties, path).toBeUndefined();
    }
  });

  it('bounds every string and list, which keeps CEL cost estimates within budget', () => {
    const unbounded = nodes
      .filter(([path]) => !path.startsWith('.metadata') && path !== '.apiVersion' && path !== '.kind')
      .filter(
        ([, node]) =>
          (node.type === 'string' &&
            node.maxLength === undefined &&
            node.enum === undefined &&
            node.format === undefined) ||
          (node.type === 'array' && node.maxItems === undefined),
      )
      .map(([path]) => path);
    expect(unbounded).toEqual([]);
  });

  it('keys map lists on required or defaulted fields', () => {
    for (const [path, node] of nodes) {
      const keys = node['x-kubernetes-list-map-keys'] as string[] | undefined;
      for (const key of keys ?? []) {
        const field = node.items?.properties?.[key];
        expect(field, `${path} key ${key}`).toBeDefined();
        expect(
          (node.items?.required as string[] | undefined)?.includes(key) || field?.default !== undefined,
          `${path} key ${key}`,
        ).toBe(true);
      }
    }
  });

  it('names a field in every CEL message', () => {
    for (const [path, node] of nodes) {
      for (const rule of node['x-kubernetes-validations'] ?? []) {
        expect(rule.message, `${path}: ${rule.rule}`).toMatch(/[a-zA-Z]+(\.[a-zA-Z]+)*/);
        const fields = Object.keys(node.properties ?? {});
        if (fields.length > 0 && node.type === 'object') {
          expect(
            fields.some((field) => rule.message.includes(field)),
            `${path}: "${rule.message}" names none of ${fields.join(', ')}`,
          ).toBe(true);
        }
      }
    }
  });
});

describe('the CRDs', () => {
  it('have a status subresource and the printer columns', () => {
    const [backend, environment] = crds;
    expect(backend?.spec.scope).toBe('Namespaced');
    expect(backend?.spec.names).toMatchObject({ shortNames: ['mb'], categories: ['mobileplane'] });
    const version = backend?.spec.versions[0];
    expect(version?.subresources).toEqual({ status: {} });
    expect(
      version?.additionalPrinterColumns.filter((c) => c.priority === undefined).map((c) => [c.name, c.jsonPath]),
    ).toEqual([
      ['Ready', '.status.conditions[?(@.type=="Ready")].status'],
      ['Version', '.spec.runtime.version'],
      ['Rollout', '.status.rollout.phase'],
      ['Age', '.metadata.creationTimestamp'],
    ]);
    expect(environment?.spec.scope).toBe('Cluster');
    expect(environment?.spec.names.shortNames).toEqual(['menv']);
    expect(environment?.spec.versions[0]?.subresources).toEqual({ status: {} });
  });

  it('carry the cross-field rules as CEL', () => {
    const rules = schemas.flatMap(([, schema]) =>
      [...walk(schema)].flatMap(([path, node]) =>
        (node['x-kubernetes-validations'] ?? []).map((r) => `${path}: ${r.rule}`),
      ),
    );
    expect(rules).toEqual(
      expect.arrayContaining([
        '.spec.components.api.autoscaling: self.minReplicas <= self.maxReplicas',
        '.spec.push.apns: has(self.keySecretRef) == has(self.teamID) && has(self.keySecretRef) == has(self.keyID) && has(self.keySecretRef) == has(self.topic)',
        expect.stringMatching(/^\.spec\.rollout\.steps: self\.map\(s, s\.weight\)\.isSorted\(\)/),
        expect.stringMatching(/^\.spec\.storage\.limits: quantity\(string\(self\.maxObjectSize\)\)/),
      ]),
    );
    expect(rules.length).toBeGreaterThanOrEqual(20);
  });
});
