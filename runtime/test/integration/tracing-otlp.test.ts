import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtlpCollector } from './support/otlp-collector.ts';
import { BACKENDS } from './support/test-database.ts';
import { TestIssuer } from './support/test-issuer.ts';
import { startSuite } from './support/test-runtime.ts';

/**
 * Tracing exports over OTLP/HTTP when the standard variables say so. Tracing is installed once per process, and
 * Vitest runs each file in its own, so this file sets the variables before its first runtime starts.
 */
describe('OTLP/HTTP trace export', () => {
  let collector: OtlpCollector;
  let issuer: TestIssuer;
  let suite: Awaited<ReturnType<typeof startSuite>>;

  beforeAll(async () => {
    collector = await OtlpCollector.start();
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = collector.url;
    process.env['OTEL_BSP_SCHEDULE_DELAY'] = '100';
    issuer = await TestIssuer.start();
    suite = await startSuite(
      BACKENDS.find((b) => b.name === 'postgres')!,
      {},
      issuer.jwksUrl,
    );
  });
  afterAll(async () => {
    await suite?.stop();
    await issuer?.stop();
    await collector?.stop();
    delete process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
    delete process.env['OTEL_BSP_SCHEDULE_DELAY'];
  });

  it('the spans of one request reach the collector with the caller as parent of the server span', async () => {
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const token = await issuer.mint('tracy');
    const res = await fetch(`${suite.url}/v1/collections/todos/documents`, {
      headers: { authorization: `Bearer ${token}`, traceparent: `00-${traceId}-${callerSpanId}-01` },
    });
    expect(res.status).toBe(200);

    const deadline = Date.now() + 10_000;
    const ofTrace = () => collector.spans.filter((s) => s.traceId === traceId);
    while (ofTrace().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const spans = ofTrace();
    const server = spans.find((s) => s.kind === 2);
    expect(server).toMatchObject({
      name: 'GET /v1/collections/:collection/documents',
      parentSpanId: callerSpanId,
      attributes: { 'http.route': '/v1/collections/:collection/documents', 'http.response.status_code': 200 },
      resource: { 'service.name': 'mobileplane-api' },
    });
    // The JWKS fetch the first token triggers is the request's child: a client span under the server span.
    const client = spans.find((s) => s.kind === 3);
    expect(client?.parentSpanId).toBe(server!.spanId);
    expect(client?.name).toMatch(/^GET 127\.0\.0\.1:\d+$/);
    expect(spans).toHaveLength(2);
    expect(collector.requests.every((r) => r.path === '/v1/traces' && r.contentType === 'application/x-protobuf')).toBe(
      true,
    );
  });
});
