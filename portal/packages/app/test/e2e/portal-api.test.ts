/**
 * The portal's REST API against the local control plane with the real operator: create through the API → the custom
 * resource exists → the operator makes it Ready → the API reports Ready; a bad field is refused with 400 naming it and
 * nothing is created; in prod only the owning team may promote or delete.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@mobileplane/test-harness';
import type { Child, Portal } from './portal-harness';
import { deleteEnvironments, installCrds, kubectl, startOperator, startPortal } from './portal-harness';

const SUFFIX = process.pid.toString(36);
const DEV = `api-shop-dev-${SUFFIX}`;
const PROD = `api-pay-prod-${SUFFIX}`;
/** A dev environment of team shop whose backends the operator does not reconcile (see startOperator). */
const CANARY = `api-shop-canary-${SUFFIX}`;

let operator: Child;
let portal: Portal;
let token: string;

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${portal.baseUrl}/api/mobileplane${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const readyOf = (view: { resource?: { status?: { conditions?: { type: string; status: string }[] } } }) =>
  view.resource?.status?.conditions?.find((c) => c.type === 'Ready')?.status;

describe('portal REST API on the local control plane', () => {
  beforeAll(async () => {
    await installCrds();
    operator = await startOperator(DEV);
    portal = await startPortal();
    token = await portal.guestToken();
  });

  afterAll(async () => {
    await portal?.stop();
    await operator?.stop();
    await deleteEnvironments([DEV, PROD, CANARY]);
  });

  it('creates an environment and a backend that the operator makes Ready', async () => {
    const env = await api('POST', '/environments', { name: DEV, spec: { tier: 'dev', team: 'shop' } });
    expect(env.status, JSON.stringify(env.body)).toBe(201);
    await waitFor(
      'the environment to be Ready in the API',
      async () => {
        const list = await api('GET', '/environments');
        const view = list.body.items.find((e: { name: string }) => e.name === DEV);
        return view && readyOf(view) === 'True' ? true : undefined;
      },
      120_000,
    );

    const created = await api('POST', '/backends', {
      namespace: DEV,
      name: 'shop',
      spec: { runtime: { version: '1.0.0' } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ cluster: 'local', namespace: DEV, name: 'shop', team: 'shop', tier: 'dev' });

    // The custom resource exists, written by the portal's field manager.
    const resource = JSON.parse(await kubectl(['get', 'mb', 'shop', '-n', DEV, '-o', 'json', '--show-managed-fields']));
    expect(resource.spec.runtime.version).toBe('1.0.0');
    expect(resource.metadata.managedFields.map((f: { manager: string }) => f.manager)).toContain('mobileplane-portal');

    await waitFor(
      'the backend to be Ready in the API',
      async () => {
        const view = await api('GET', `/backends/local/${DEV}/shop`);
        return readyOf(view.body) === 'True' ? view : undefined;
      },
      180_000,
    );
  });

  it('refuses a bad field with 400 naming it and creates nothing', async () => {
    const bad = await api('POST', '/backends', {
      namespace: DEV,
      name: 'broken',
      spec: { runtime: { version: 'not a tag!' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.fieldErrors).toEqual([
      {
        field: 'spec.runtime.version',
        message: 'must be an image tag such as 1.4.2 or a digest such as sha256:<64 hex>',
      },
    ]);
    await expect(kubectl(['get', 'mb', 'broken', '-n', DEV])).rejects.toThrow(/NotFound/);
  });

  it("lets the guest (team shop) promote in dev but neither promote nor delete in another team's prod", async () => {
    for (const [name, tier, team] of [
      [PROD, 'prod', 'payments'],
      [CANARY, 'dev', 'shop'],
    ] as const) {
      await kubectl(
        ['apply', '-f', '-'],
        JSON.stringify({
          apiVersion: 'mobileplane.io/v1alpha1',
          kind: 'MobileEnvironment',
          metadata: { name },
          spec: { tier, team },
        }),
      );
      await waitFor(
        `namespace ${name}`,
        async () => ((await kubectl(['get', 'ns', name]).catch(() => '')) ? true : undefined),
        120_000,
      );
    }
    await kubectl(
      ['apply', '-n', PROD, '-f', '-'],
      JSON.stringify({
        apiVersion: 'mobileplane.io/v1alpha1',
        kind: 'MobileBackend',
        metadata: { name: 'ledger' },
        spec: { runtime: { version: '1.0.0' } },
      }),
    );
    const created = await api('POST', '/backends', {
      namespace: CANARY,
      name: 'checkout',
      spec: { runtime: { version: '1.0.0' } },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // A paused canary, as the rollout controller (issue #14) will report it.
    const paused = JSON.stringify({ status: { rollout: { phase: 'Paused', step: 0, weight: 25 } } });
    for (const [namespace, name] of [
      [PROD, 'ledger'],
      [CANARY, 'checkout'],
    ] as const) {
      await kubectl(['patch', 'mb', name, '-n', namespace, '--subresource=status', '--type=merge', '-p', paused]);
    }

    const promoteProd = await api('POST', `/backends/local/${PROD}/ledger/rollout`, { action: 'promote' });
    expect(promoteProd.status).toBe(403);
    const deleteProd = await api('DELETE', `/backends/local/${PROD}/ledger`);
    expect(deleteProd.status).toBe(403);
    const ledger = JSON.parse(await kubectl(['get', 'mb', 'ledger', '-n', PROD, '-o', 'json']));
    expect(ledger.metadata.annotations?.['mobileplane.io/rollout-action']).toBeUndefined();

    const promoteDev = await api('POST', `/backends/local/${CANARY}/checkout/rollout`, { action: 'promote' });
    expect(promoteDev.status, JSON.stringify(promoteDev.body)).toBe(202);
    const checkout = JSON.parse(await kubectl(['get', 'mb', 'checkout', '-n', CANARY, '-o', 'json']));
    expect(checkout.metadata.annotations['mobileplane.io/rollout-action']).toBe('promote');
  });
});
