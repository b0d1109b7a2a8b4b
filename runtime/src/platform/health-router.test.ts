import type { AddressInfo } from 'node:net';
import express from 'express';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { healthRouter } from './health-router.ts';

let close: (() => void) | undefined;
afterEach(() => close?.());

async function serve(options: { draining: boolean; failing?: string }): Promise<string> {
  const app = express();
  app.use(
    healthRouter({
      registry: new Registry(),
      isDraining: () => options.draining,
      checks: [
        {
          name: 'database',
          check: async () => {
            if (options.failing !== undefined) throw new Error(options.failing);
          },
        },
      ],
    }),
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  close = () => server.close();
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('healthRouter', () => {
  it('is ready when every check passes', async () => {
    const url = await serve({ draining: false });
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect((await fetch(`${url}/livez`)).status).toBe(200);
  });

  it('fails readiness, not liveness, while draining', async () => {
    const url = await serve({ draining: true });
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'draining' });
    expect((await fetch(`${url}/livez`)).status).toBe(200);
  });

  it('names the failing dependency', async () => {
    const url = await serve({ draining: false, failing: 'connection refused' });
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unready', failures: { database: 'connection refused' } });
  });
});
