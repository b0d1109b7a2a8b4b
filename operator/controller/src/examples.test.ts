import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateMobileBackend, validateMobileEnvironment } from '@mobileplane/api';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { backendObjects } from './backend/backend-objects.ts';
import { environmentObjects } from './environment/environment-objects.ts';
import type { KubeObject } from './kube/kube-object.ts';

// examples/ is what a platform engineer applies first: every resource there must validate and build.
const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));
const documents = readdirSync(EXAMPLES)
  .filter((name) => name.endsWith('.yaml'))
  .flatMap((name) =>
    parseAllDocuments(readFileSync(join(EXAMPLES, name), 'utf8')).map(
      (doc) => [name, doc.toJS() as KubeObject] as const,
    ),
  );

describe('examples/', () => {
  it('has a ride-hailing and an MVP backend, a dev and a prod environment', () => {
    const names = documents
      .filter(([, o]) => o.kind.startsWith('Mobile'))
      .map(([, o]) => `${o.kind}/${o.metadata.name}`);
    expect(names.sort()).toEqual([
      'MobileBackend/mvp',
      'MobileBackend/rides',
      'MobileEnvironment/rides-dev',
      'MobileEnvironment/rides-prod',
    ]);
  });

  it.each(documents.filter(([, o]) => o.kind === 'MobileBackend'))('%s validates and builds', (_file, object) => {
    const result = validateMobileBackend(object);
    if (!result.valid) throw new Error(JSON.stringify(result.errors));
    const owned = { ...object, metadata: { ...object.metadata, namespace: 'examples', uid: 'uid' } };
    expect(
      backendObjects({ backend: owned, spec: result.value.spec, defaultImage: 'r/runtime' }).length,
    ).toBeGreaterThan(0);
    // Every Secret the backend references ships with the example, so `kubectl apply -f` gets to Ready.
    const secrets = new Set(documents.filter(([, o]) => o.kind === 'Secret').map(([, o]) => o.metadata.name));
    for (const ref of JSON.stringify(object.spec).matchAll(
      /"(?:secretRef|clientSecretRef|credentialsSecretRef|serviceAccountSecretRef|keySecretRef)":\{"name":"([^"]+)"/g,
    )) {
      expect(secrets).toContain(ref[1]);
    }
  });

  it.each(documents.filter(([, o]) => o.kind === 'MobileEnvironment'))('%s validates and builds', (_file, object) => {
    const result = validateMobileEnvironment(object);
    if (!result.valid) throw new Error(JSON.stringify(result.errors));
    expect(
      environmentObjects({ ...object, metadata: { ...object.metadata, uid: 'uid' } }, result.value.spec).length,
    ).toBeGreaterThan(0);
  });
});
