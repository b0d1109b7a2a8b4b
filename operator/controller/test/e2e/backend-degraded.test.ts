import { useTestNamespace, waitFor } from '@mobileplane/test-harness';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  backendManifest,
  conditions,
  installCrds,
  kubectl,
  startOperator,
  type OperatorProcess,
} from './operator-harness.ts';

// A reconcile that cannot succeed (a referenced Secret is missing) reports Degraded with the reason and retries
// with exponential backoff instead of spinning; creating the Secret recovers it.
const ns = useTestNamespace('mb-degraded');
let operator: OperatorProcess | undefined;

beforeAll(installCrds);
afterEach(async () => {
  await operator?.stop();
  operator = undefined;
});

describe('a MobileBackend whose database Secret is missing', () => {
  it('is Degraded with reason SecretNotFound, backs off, and recovers when the Secret appears', async () => {
    operator = await startOperator({
      'watch-namespace': ns.name,
      'backoff-base': '500ms',
      'backoff-max': '8s',
      'resync-period': '2s',
    });
    await kubectl(
      ['apply', '-n', ns.name, '-f', '-'],
      backendManifest('orders', { runtime: { version: '1.0.0' }, database: { secretRef: { name: 'orders-db' } } }),
    );

    const degraded = await waitFor('Degraded=True', async () =>
      (await conditions(ns.name, 'orders')).find((c) => c.type === 'Degraded' && c.status === 'True'),
    );
    expect(degraded.reason).toBe('SecretNotFound');
    expect(degraded.message).toContain('orders-db');
    expect(degraded.message).toContain('spec.database.secretRef');
    expect((await conditions(ns.name, 'orders')).find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'SecretNotFound',
    });
    // Events are sent in the background, right after the status.
    const warning = await waitFor('the Warning Event', async () => {
      const reasons = await kubectl([
        'get',
        'events',
        '-n',
        ns.name,
        '--field-selector',
        'involvedObject.name=orders,type=Warning',
        '-o',
        'jsonpath={.items[*].reason}',
      ]);
      return reasons.includes('SecretNotFound') ? reasons : undefined;
    });
    expect(warning).toContain('SecretNotFound');

    // Backoff: 0.5 s doubling to an 8 s ceiling gives at most 5 attempts in 12 s, even with a 2 s resync.
    const errorsBefore = await operator.metric('controller_runtime_reconcile_total', {
      controller: 'mobilebackend',
      result: 'error',
    });
    const writesBefore = await operator.writes();
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    const attempts =
      (await operator.metric('controller_runtime_reconcile_total', { controller: 'mobilebackend', result: 'error' })) -
      errorsBefore;
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(attempts).toBeLessThanOrEqual(5);
    expect(await operator.metric('workqueue_retries_total', { name: 'mobilebackend' })).toBeGreaterThanOrEqual(3);
    expect((await operator.writes()) - writesBefore).toBe(0); // the same failure is not written again

    await kubectl([
      'create',
      'secret',
      'generic',
      'orders-db',
      '-n',
      ns.name,
      '--from-literal=dsn=postgres://orders@db/orders',
    ]);
    await kubectl(['wait', '-n', ns.name, '--for=condition=Ready', 'mb/orders', '--timeout=60s']);
    expect((await conditions(ns.name, 'orders')).find((c) => c.type === 'Degraded')).toMatchObject({
      status: 'False',
      reason: 'NotDegraded',
    });
  });
});
