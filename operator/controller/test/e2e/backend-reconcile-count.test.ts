import { useTestNamespace, waitFor } from '@mobileplane/test-harness';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backendManifest, installCrds, kubectl, startOperator, type OperatorProcess } from './operator-harness.ts';

// Issue 17's guard on the reconcile count: 20 backends created at once reach Ready in at most 50 reconciles (the
// create, then the Deployment's rollout; not one per status write or child event), and one idle resync costs
// exactly one reconcile per backend and no write.
const BACKENDS = 20;
const RESYNC_SECONDS = 12;
const ns = useTestNamespace('mb-count');
let operator: OperatorProcess | undefined;

beforeAll(installCrds);
afterEach(async () => {
  await operator?.stop();
  operator = undefined;
});

const reconciles = async () =>
  (await operator?.metric('controller_runtime_reconcile_total', { controller: 'mobilebackend' })) ?? Number.NaN;

describe('reconcile count', () => {
  it('20 backends: at most 50 reconciles until all are Ready, exactly 20 in one idle resync', async () => {
    operator = await startOperator({ 'watch-namespace': ns.name, 'resync-period': `${RESYNC_SECONDS}s` });
    const spec = {
      runtime: { version: '1.0.0' },
      components: { api: { replicas: 1 }, auth: { enabled: false }, workers: { enabled: false } },
    };
    const names = Array.from({ length: BACKENDS }, (_, i) => `c${String(i).padStart(2, '0')}`);
    await kubectl(['apply', '-n', ns.name, '-f', '-'], names.map((name) => backendManifest(name, spec)).join('\n'));
    await kubectl(['wait', '-n', ns.name, '--for=condition=Ready', 'mb', '--all', '--timeout=90s']);
    const toReady = await reconciles();
    expect(toReady).toBeGreaterThanOrEqual(BACKENDS);
    expect(toReady).toBeLessThanOrEqual(2.5 * BACKENDS);

    // Idle: wait for the next resync to start, give its reconciles time to finish (well inside one period),
    // then count. Any event-driven reconcile (a status write re-queueing the backend, a child update) adds to it.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const before = await reconciles();
    const writesBefore = await operator.writes();
    await waitFor('the resync to start', async () => ((await reconciles()) > before ? true : undefined), 30_000);
    await new Promise((resolve) => setTimeout(resolve, (RESYNC_SECONDS / 2) * 1000));
    expect((await reconciles()) - before).toBe(BACKENDS);
    expect((await operator.writes()) - writesBefore).toBe(0);
  });
});
