import { useTestNamespace, waitFor } from '@mobileplane/test-harness';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backendManifest, installCrds, kubectl, startOperator, type OperatorProcess } from './operator-harness.ts';

// Two operator processes share a Lease: one leads, the other stands by and takes over.
const LEASE_SECONDS = 6;
const ns = useTestNamespace('mb-leader');
const running: OperatorProcess[] = [];

beforeAll(installCrds);
afterEach(async () => {
  for (const operator of running.splice(0)) await operator.stop('SIGKILL');
});

async function startPair(extra: Record<string, string> = {}): Promise<[OperatorProcess, OperatorProcess]> {
  const flags = {
    'watch-namespace': ns.name,
    'leader-elect': true,
    'leader-election-namespace': ns.name,
    'leader-election-id': 'operator-under-test',
    'lease-duration': `${LEASE_SECONDS}s`,
    'renew-deadline': '4s',
    'retry-period': '500ms',
    ...extra,
  };
  const a = await startOperator({ ...flags, identity: 'replica-a' });
  running.push(a);
  await waitFor('replica-a to lead', async () =>
    (await a.metric('leader_election_master_status')) === 1 ? true : undefined,
  );
  const b = await startOperator({ ...flags, identity: 'replica-b' });
  running.push(b);
  return [a, b];
}

async function leader(a: OperatorProcess, b: OperatorProcess): Promise<number[]> {
  return Promise.all([a, b].map((o) => o.metric('leader_election_master_status').catch(() => -1)));
}

async function holder(): Promise<string> {
  return kubectl(['get', 'lease', 'operator-under-test', '-n', ns.name, '-o', 'jsonpath={.spec.holderIdentity}']);
}

describe('leader election', () => {
  it('elects exactly one leader; after a SIGKILL the standby takes over within the lease duration', async () => {
    const [a, b] = await startPair();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await leader(a, b)).toEqual([1, 0]);
    expect(await holder()).toBe('replica-a');
    expect(await b.metric('controller_runtime_reconcile_total')).toBe(0);

    a.child.kill('SIGKILL');
    const killedAt = Date.now();
    await waitFor(
      'replica-b to lead',
      async () => ((await b.metric('leader_election_master_status')) === 1 ? true : undefined),
      20_000,
    );
    const takeoverMs = Date.now() - killedAt;
    expect(takeoverMs).toBeLessThanOrEqual((LEASE_SECONDS + 1.5) * 1000);
    expect(await holder()).toBe('replica-b');

    // The new leader reconciles.
    await kubectl(
      ['apply', '-n', ns.name, '-f', '-'],
      backendManifest('after-failover', {
        runtime: { version: '1.0.0' },
        components: { api: { replicas: 1 }, auth: { enabled: false }, workers: { enabled: false } },
      }),
    );
    await kubectl(['wait', '-n', ns.name, '--for=condition=Ready', 'mb/after-failover', '--timeout=60s']);
  });

  it('releases the lease on SIGTERM so the standby takes over at once', async () => {
    const [a, b] = await startPair();
    const stoppedAt = Date.now();
    expect(await a.stop('SIGTERM')).toBe(0);
    await waitFor(
      'replica-b to lead',
      async () => ((await b.metric('leader_election_master_status')) === 1 ? true : undefined),
      20_000,
    );
    expect(Date.now() - stoppedAt).toBeLessThan(LEASE_SECONDS * 1000);
    expect(a.logs()).toContain('released leader lease');
  });

  it('SIGTERM during a 50-backend reconcile: the standby writes only after the old leader wrote its last', async () => {
    // The leader logs every write it completes (debug); the standby logs when it acquires the Lease.
    const [a, b] = await startPair({ 'log-level': 'debug', 'max-concurrent-reconciles': '2' });
    const names = Array.from({ length: 50 }, (_, i) => `w${String(i).padStart(2, '0')}`);
    const spec = {
      runtime: { version: '1.0.0' },
      components: { api: { replicas: 1 }, auth: { replicas: 1 }, workers: { enabled: false } },
    };
    await kubectl(['apply', '-n', ns.name, '-f', '-'], names.map((n) => backendManifest(n, spec)).join('\n'));
    await waitFor('the leader to be mid-way', async () =>
      (await a.metric('mobileplane_object_writes_total', { action: 'apply' })) >= 100 ? true : undefined,
    );
    expect(await a.stop('SIGTERM')).toBe(0);
    await waitFor(
      'replica-b to lead',
      async () => ((await b.metric('leader_election_master_status')) === 1 ? true : undefined),
      20_000,
    );
    const times = (logs: string, message: string) =>
      logs
        .split('\n')
        .filter((line) => line.includes(`"msg":"${message}"`))
        .map((line) => Date.parse((JSON.parse(line) as { time: string }).time));
    const writes = times(a.logs(), 'api write');
    const [acquired] = times(b.logs(), 'acquired leader lease');
    expect(writes.length).toBeGreaterThanOrEqual(100);
    expect(acquired).toBeDefined();
    expect(Math.max(...writes)).toBeLessThan(acquired ?? 0);
    await kubectl(['wait', '-n', ns.name, '--for=condition=Ready', 'mb', '--all', '--timeout=110s']);
  });
});
