import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryCondition, probeServedRevisions, servedRevision } from './delivery-probe.ts';

/** A stand-in api pod: /metrics as the runtime writes it (prom-client text format), the revision settable. */
describe('delivery probe against a stub api pod', () => {
  let server: Server;
  let port = 0;
  let revision = 'aaaaaaaaaaaaaaaa';
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.statusCode = 404;
        res.end();
        return;
      }
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      res.end(
        [
          '# HELP mobileplane_flags_config_info The flag configuration revision this pod serves (value 1 on the served revision).',
          '# TYPE mobileplane_flags_config_info gauge',
          `mobileplane_flags_config_info{revision="${revision}"} 1`,
          'mobileplane_flag_evaluations_total{flag="x",variant="on",reason="STATIC"} 3',
          '',
        ].join('\n'),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('reads the revision each ready pod serves and skips pods that are not ready', async () => {
    const observed = await probeServedRevisions(
      [
        { name: 'api-1', ip: '127.0.0.1', ready: true },
        { name: 'api-2', ip: '127.0.0.1', ready: false },
        { name: 'api-3', ip: undefined, ready: true },
      ],
      { port, timeoutMs: 2000 },
    );
    expect(observed).toEqual([{ pod: 'api-1', revision: 'aaaaaaaaaaaaaaaa' }]);
    expect(deliveryCondition('aaaaaaaaaaaaaaaa', observed)).toMatchObject({ status: 'True', reason: 'FlagsDelivered' });
  });

  it('is Delivering while a pod still serves the old revision, Delivered once it serves the new one', async () => {
    const pods = [{ name: 'api-1', ip: '127.0.0.1', ready: true }];
    const before = await probeServedRevisions(pods, { port, timeoutMs: 2000 });
    const waiting = deliveryCondition('bbbbbbbbbbbbbbbb', before);
    expect(waiting).toMatchObject({ status: 'False', reason: 'FlagsDelivering' });
    expect(waiting.message).toContain('api-1 serves aaaaaaaaaaaaaaaa');
    revision = 'bbbbbbbbbbbbbbbb';
    const after = await probeServedRevisions(pods, { port, timeoutMs: 2000 });
    expect(deliveryCondition('bbbbbbbbbbbbbbbb', after)).toMatchObject({ status: 'True' });
  });

  it("uses the pod's own http port when it names one", async () => {
    const observed = await probeServedRevisions([{ name: 'api-1', ip: '127.0.0.1', ready: true, port }], {
      port: 1,
      timeoutMs: 2000,
    });
    expect(observed[0]?.revision).toMatch(/^[ab]{16}$/);
  });

  it('reports an unreachable pod by name', async () => {
    const observed = await probeServedRevisions([{ name: 'api-9', ip: '127.0.0.1', ready: true }], {
      port: 1,
      timeoutMs: 500,
    });
    expect(observed[0]).toMatchObject({ pod: 'api-9', revision: undefined });
    expect(deliveryCondition('x', observed)).toMatchObject({ status: 'False', reason: 'FlagsDelivering' });
  });

  it('Unknown without ready api pods', () => {
    expect(deliveryCondition('x', [])).toMatchObject({ status: 'Unknown', reason: 'NoApiPods' });
  });

  it('parses only the info line with value 1', () => {
    expect(servedRevision('mobileplane_flags_config_info{revision="abc"} 1\n')).toBe('abc');
    expect(servedRevision('mobileplane_flags_config_info{revision="abc"} 0\n')).toBeUndefined();
    expect(servedRevision('other{revision="abc"} 1\n')).toBeUndefined();
  });
});
