import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testNamespaceName, useTestNamespace, waitFor } from '@mobileplane/test-harness';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  conditions,
  deleteEnvironments,
  installCrds,
  kubectl,
  startOperator,
  type OperatorProcess,
} from './operator-harness.ts';

// MobileEnvironments are cluster-scoped and the examples' names are fixed (rides-dev, rides-prod): the suite
// applies copies renamed per run, so it never collides with `make demo` or another run on a reused cluster, and
// deletes them afterwards. Both controllers run: a backend must fit the namespace's Pod Security and quota.
const ns = useTestNamespace('menv');
let operator: OperatorProcess | undefined;
const created: string[] = [];
const DEV = testNamespaceName('rides-dev');
const PROD = testNamespaceName('rides-prod');
const examplesDir = mkdtempSync(join(tmpdir(), 'menv-examples-'));
/** An example environment renamed for this run; returns the path of the copy. */
function renamedExample(file: string, from: string, to: string): string {
  const copy = join(examplesDir, file);
  const original = readFileSync(join('examples', file), 'utf8');
  const renamed = original.replace(`name: ${from}\n`, `name: ${to}\n`);
  if (renamed === original) throw new Error(`examples/${file} no longer names ${from}`);
  writeFileSync(copy, renamed);
  return copy;
}
const DEV_EXAMPLE = renamedExample('mobileenvironment-dev.yaml', 'rides-dev', DEV);
const PROD_EXAMPLE = renamedExample('mobileenvironment-prod.yaml', 'rides-prod', PROD);

beforeAll(installCrds);
afterEach(async () => {
  await operator?.stop();
  operator = undefined;
});
afterAll(async () => deleteEnvironments(created));

async function json<T>(args: string[]): Promise<T> {
  return JSON.parse(await kubectl([...args, '-o', 'json'])) as T;
}

describe('MobileEnvironment', () => {
  it('becomes a restricted namespace with quota, limits, default-deny policies and team RoleBindings', async () => {
    operator = await startOperator({ controllers: 'environment,backend', 'watch-namespace': DEV });
    created.push(DEV, PROD);
    await kubectl(['apply', '-f', DEV_EXAMPLE, '-f', PROD_EXAMPLE]);
    await kubectl(['wait', '--for=condition=Ready', `menv/${DEV}`, `menv/${PROD}`, '--timeout=60s']);

    const prod = await json<{ metadata: { labels: Record<string, string>; ownerReferences: { kind: string }[] } }>([
      'get',
      'namespace',
      PROD,
    ]);
    expect(prod.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'mobileplane.io/tier': 'prod',
      'mobileplane.io/team': 'rides',
    });
    expect(prod.metadata.ownerReferences[0]?.kind).toBe('MobileEnvironment');
    const quota = await json<{ spec: { hard: Record<string, string> } }>([
      'get',
      'resourcequota',
      'mobileplane-quota',
      '-n',
      PROD,
    ]);
    expect(quota.spec.hard).toMatchObject({
      pods: '400',
      'requests.cpu': '48',
      'count/mobilebackends.mobileplane.io': '10',
    });
    const limits = await json<{ spec: { limits: { max: Record<string, string> }[] } }>([
      'get',
      'limitrange',
      'mobileplane-limits',
      '-n',
      PROD,
    ]);
    expect(limits.spec.limits[0]?.max).toEqual({ cpu: '4', memory: '8Gi' });
    expect((await kubectl(['get', 'networkpolicy', '-n', PROD, '-o', 'name'])).trim().split('\n').sort()).toEqual([
      'networkpolicy.networking.k8s.io/default-deny-egress',
      'networkpolicy.networking.k8s.io/default-deny-ingress',
    ]);
    const bindings = await json<{ items: { roleRef: { name: string }; subjects: { name: string }[] }[] }>([
      'get',
      'rolebindings',
      '-n',
      PROD,
    ]);
    expect(bindings.items.map((b) => `${b.subjects[0]?.name}:${b.roleRef.name}`).sort()).toEqual([
      'rides-developers:view',
      'rides-oncall:admin',
    ]);
    const status = await json<{ status: { namespace: string; observedGeneration: number } }>(['get', 'menv', PROD]);
    expect(status.status).toMatchObject({ namespace: PROD, observedGeneration: 1 });

    // Pod Security is enforced: a privileged pod is refused.
    const privileged = await kubectl([
      'run',
      'bad',
      '-n',
      PROD,
      '--image=registry.invalid/x:1',
      '--privileged',
      '--dry-run=server',
    ]).catch((e: Error) => e.message);
    expect(privileged).toMatch(/violates PodSecurity "restricted/);

    // The operator's own workloads pass restricted Pod Security and the quota.
    await kubectl(['apply', '-n', DEV, '-f', 'examples/mobilebackend-mvp.yaml']);
    await kubectl(['wait', '-n', DEV, '--for=condition=Ready', 'mb/mvp', '--timeout=90s']);
    await kubectl(['delete', 'mb', 'mvp', '-n', DEV, '--wait=true']);
  });

  it('repairs a deleted policy, prunes a removed group, and deletes the namespace with the environment', async () => {
    operator = await startOperator({ controllers: 'environment' });
    created.push(DEV);
    await kubectl(['apply', '-f', DEV_EXAMPLE]);
    await kubectl(['wait', '--for=condition=Ready', `menv/${DEV}`, '--timeout=60s']);

    await kubectl(['delete', 'networkpolicy', 'default-deny-ingress', '-n', DEV]);
    await waitFor('default-deny-ingress recreated', async () =>
      (await kubectl(['get', 'networkpolicy', '-n', DEV, '-o', 'name'])).includes('default-deny-ingress')
        ? true
        : undefined,
    );

    await kubectl([
      'patch',
      'menv',
      DEV,
      '--type=merge',
      '-p',
      JSON.stringify({ spec: { groups: [{ name: 'rides-leads', role: 'admin' }] } }),
    ]);
    await waitFor('RoleBinding of the removed group pruned', async () => {
      const names = (await kubectl(['get', 'rolebindings', '-n', DEV, '-o', 'name'])).trim().split('\n');
      return names.length === 1 && names[0] === 'rolebinding.rbac.authorization.k8s.io/team-rides-leads'
        ? true
        : undefined;
    });

    await kubectl(['delete', 'menv', DEV, '--wait=true']);
    await waitFor(`namespace ${DEV} deleted`, async () => {
      const phase = await kubectl(['get', 'namespace', DEV, '-o', 'jsonpath={.status.phase}']).catch(() => 'gone');
      return phase === 'gone' || phase === 'Terminating' ? phase : undefined;
    });
  });

  it('refuses to adopt a namespace it did not create (terminal NamespaceConflict)', async () => {
    operator = await startOperator({ controllers: 'environment' });
    const name = testNamespaceName('conflict');
    created.push(name);
    await kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'mobileplane.io/v1alpha1',
        kind: 'MobileEnvironment',
        metadata: { name },
        spec: { tier: 'dev', team: 'intruders', namespace: ns.name },
      }),
    );
    const degraded = await waitFor('Degraded', async () =>
      (await conditions('', name, 'menv')).find((c) => c.type === 'Degraded' && c.status === 'True'),
    );
    expect(degraded.reason).toBe('NamespaceConflict');
    const labels = await kubectl(['get', 'namespace', ns.name, '-o', 'jsonpath={.metadata.labels}']);
    expect(labels).not.toContain('intruders');
    expect(
      await operator.metric('controller_runtime_terminal_reconcile_errors_total', { controller: 'mobileenvironment' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('deletion policy: Block waits while backends remain and names them; Retain keeps the namespace', async () => {
    operator = await startOperator({ controllers: 'environment,backend' });
    const blocked = testNamespaceName('block');
    const retained = testNamespaceName('retain');
    created.push(blocked, retained);
    const env = (name: string, spec: Record<string, unknown>) =>
      JSON.stringify({ apiVersion: 'mobileplane.io/v1alpha1', kind: 'MobileEnvironment', metadata: { name }, spec });
    await kubectl(
      ['apply', '-f', '-'],
      [
        env(blocked, { tier: 'prod', team: 'rides' }),
        env(retained, { tier: 'dev', team: 'rides', deletionPolicy: 'Retain' }),
      ].join('\n'),
    );
    await kubectl(['wait', '--for=condition=Ready', `menv/${blocked}`, `menv/${retained}`, '--timeout=90s']);
    const backend = (name: string) =>
      JSON.stringify({
        apiVersion: 'mobileplane.io/v1alpha1',
        kind: 'MobileBackend',
        metadata: { name },
        spec: { runtime: { version: '1.0.0' }, components: { auth: { enabled: false }, workers: { enabled: false } } },
      });
    await kubectl(['apply', '-n', blocked, '-f', '-'], backend('keep-me'));
    await kubectl(['apply', '-n', retained, '-f', '-'], backend('survivor'));

    // Block (the prod default): the environment stays, says why, and the namespace is untouched.
    await kubectl(['delete', 'menv', blocked, '--wait=false']);
    const terminating = await waitFor('Terminating/BackendsRemaining', async () =>
      (await conditions('', blocked, 'menv')).find((c) => c.type === 'Terminating' && c.status === 'True'),
    );
    expect(terminating.reason).toBe('BackendsRemaining');
    expect(terminating.message).toContain('keep-me');
    expect(await kubectl(['get', 'namespace', blocked, '-o', 'jsonpath={.status.phase}'])).toBe('Active');
    await kubectl(['delete', 'mb', 'keep-me', '-n', blocked, '--wait=true']);
    await waitFor(
      `menv/${blocked} deleted once its backends are gone`,
      async () =>
        (await kubectl(['get', 'menv', blocked, '--ignore-not-found', '-o', 'name'])).trim() === '' ? true : undefined,
      60_000,
    );

    // Retain: the environment goes, the namespace and its backend stay, no longer owned.
    await kubectl(['delete', 'menv', retained, '--wait=true', '--timeout=60s']);
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // give garbage collection its chance to (wrongly) act
    const namespace = JSON.parse(await kubectl(['get', 'namespace', retained, '-o', 'json'])) as {
      metadata: { ownerReferences?: unknown[] };
      status: { phase: string };
    };
    expect(namespace.status.phase).toBe('Active');
    expect(namespace.metadata.ownerReferences ?? []).toEqual([]);
    expect((await kubectl(['get', 'mb', '-n', retained, '-o', 'name'])).trim()).toBe(
      'mobilebackend.mobileplane.io/survivor',
    );
    await kubectl(['delete', 'namespace', retained, '--wait=false']);
  });
});
