import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeApiError, KubeClient, retryAfterMs } from './kube-client.ts';

// A plain HTTP server standing in for the API server's answers the client must handle (429 with Retry-After,
// slow writes); the real API server's behaviour is covered by test/e2e/kube-client.test.ts.
let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<KubeConfig> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

const configMap = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns' } });

describe('KubeClient flow control', () => {
  it('retries a 429 after its Retry-After instead of failing', async () => {
    const seen: number[] = [];
    const kc = await serve((req, res) => {
      seen.push(Date.now());
      if (seen.length === 1) {
        res.writeHead(429, { 'Retry-After': '1', 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', reason: 'TooManyRequests', message: 'too many requests' }));
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(configMap('a')));
    });
    const codes: number[] = [];
    const client = new KubeClient(kc, { observe: ({ code }) => codes.push(code) });
    const stored = await client.apply(configMap('a'));
    expect(stored.metadata.name).toBe('a');
    expect(codes).toEqual([429, 200]);
    expect((seen[1] ?? 0) - (seen[0] ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('gives up after maxThrottleRetries with the 429 error', async () => {
    const kc = await serve((_req, res) => {
      res.writeHead(429, { 'Retry-After': '0' });
      res.end('{"kind":"Status","reason":"TooManyRequests","message":"slow down"}');
    });
    const error = await new KubeClient(kc, { maxThrottleRetries: 2 }).apply(configMap('a')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).code).toBe(429);
  });

  it('keeps at most maxConcurrentWrites writes in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const kc = await serve((req, res) => {
      inFlight++;
      most = Math.max(most, inFlight);
      setTimeout(
        () => {
          inFlight--;
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(configMap('x')));
        },
        req.method === 'GET' ? 0 : 30,
      );
    });
    const client = new KubeClient(kc, { maxConcurrentWrites: 3 });
    await Promise.all(Array.from({ length: 12 }, (_, i) => client.apply(configMap(`c${i}`))));
    expect(most).toBe(3);
  });
});

describe('retryAfterMs', () => {
  it.each([
    ['2', 2_000],
    [null, 1_000],
    ['soon', 1_000],
    [new Date(10_000).toUTCString(), 7_000],
  ])('%s → %d ms', (header, ms) => {
    expect(retryAfterMs(header, 3_000)).toBe(ms);
  });
});
