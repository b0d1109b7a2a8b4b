/**
 * Presigned upload round trips per second against a real SeaweedFS (built by dev/testservers/build-weed.sh):
 * ask the storage component for a URL, PUT a small PNG straight to SeaweedFS, `complete` (HEAD + ranged GET +
 * content check, metadata in PostgreSQL). Compared with a bare @aws-sdk/client-s3 PutObject loop on the same
 * server, and with the filesystem driver. Writes its section of docs/benchmarks.md.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { format, resolveConfig } from 'prettier';
import { runtimeConfigSchema } from '../../src/platform/config-schema.ts';
import { startRuntime } from '../../src/runtime-server.ts';
import { startSeaweedFs } from '../integration/support/seaweedfs-server.ts';
import { createPostgresDatabase } from '../integration/support/test-database.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const ROUND_TRIPS = Number(process.env['BENCH_UPLOADS'] ?? 400);
const CONCURRENCY = 8;
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

async function loop(n: number, fn: (i: number) => Promise<void>): Promise<{ perSecond: number; cpuMsPerOp: number }> {
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) await fn(next++);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { perSecond: n / seconds, cpuMsPerOp: (used.user + used.system) / 1000 / n };
}

async function main(): Promise<void> {
  // A JWKS for the user token the uploads carry.
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const jwks = createServer((_req, res) => res.end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
  const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`;
  const token = await new SignJWT({ roles: [] })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setSubject('bench-user')
    .setIssuer('https://bench.issuer')
    .setAudience('bench')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(privateKey);
  const weed = await startSeaweedFs();
  const pg = await createPostgresDatabase('mp_bench_storage');
  const dir = mkdtempSync(join(tmpdir(), 'mp-bench-storage-'));
  const results: Record<string, { perSecond: number; cpuMsPerOp: number }> = {};
  try {
    process.env['AWS_ACCESS_KEY_ID'] = weed.accessKeyId;
    process.env['AWS_SECRET_ACCESS_KEY'] = weed.secretAccessKey;
    const s3 = new S3Client({
      endpoint: weed.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: weed.accessKeyId, secretAccessKey: weed.secretAccessKey },
    });
    await loop(50, (i) =>
      s3.send(new PutObjectCommand({ Bucket: weed.bucket, Key: `warm/${i}`, Body: PNG })).then(() => undefined),
    );
    results['bare'] = await loop(ROUND_TRIPS, (i) =>
      s3
        .send(new PutObjectCommand({ Bucket: weed.bucket, Key: `bare/${i}`, Body: PNG, ContentType: 'image/png' }))
        .then(() => undefined),
    );
    s3.destroy();
    for (const [name, storage] of [
      [
        'seaweedfs',
        { s3: { bucket: weed.bucket, endpoint: weed.endpoint, region: 'us-east-1', forcePathStyle: true } },
      ],
      ['filesystem', { directory: dir }],
    ] as const) {
      const config = runtimeConfigSchema.parse({
        component: 'storage',
        server: { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 2000 },
        log: { level: 'error' },
        database: { url: pg.url, poolSize: 10 },
        auth: { jwksUrl, issuer: 'https://bench.issuer', audience: 'bench' },
        storage,
      });
      const runtime = await startRuntime(config, { logDestination: new Writable({ write: (_c, _e, cb) => cb() }) });
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const roundTrip = async () => {
        const created = (await (
          await fetch(`${runtime.url}/v1/storage/uploads`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ contentType: 'image/png', size: PNG.length }),
          })
        ).json()) as { id: string; upload: { url: string } };
        const put = await fetch(created.upload.url, {
          method: 'PUT',
          headers: { 'content-type': 'image/png' },
          body: PNG,
        });
        if (put.status !== 200) throw new Error(`PUT answered ${put.status}`);
        const done = await fetch(`${runtime.url}/v1/storage/objects/${created.id}/complete`, {
          method: 'POST',
          headers,
        });
        if (done.status !== 200) throw new Error(`complete answered ${done.status}`);
      };
      await loop(50, roundTrip);
      results[name] = await loop(ROUND_TRIPS, roundTrip);
      await runtime.shutdown();
      console.log(name, results[name]);
    }
  } finally {
    await weed.stop();
    await pg.drop();
    rmSync(dir, { recursive: true, force: true });
    jwks.close();
  }
  const row = (label: string, r: { perSecond: number; cpuMsPerOp: number }) =>
    `| ${label} | ${r.perSecond.toFixed(0)} | ${r.cpuMsPerOp.toFixed(2)} |`;
  const report = `## Storage: presigned upload round trips per second

\`make bench-storage\` (runtime/test/bench/bench-storage.ts), ${new Date().toISOString().slice(0, 10)}: ${ROUND_TRIPS} uploads of
a ${PNG.length}-byte PNG, ${CONCURRENCY} at a time, against a real SeaweedFS (\`weed server -s3\`, built from the Go module
proxy) on the shared 2-core machine. A round trip is: ask the storage component for a URL, PUT straight to storage,
\`complete\` (HEAD, ranged GET of the first bytes, content check, metadata update in PostgreSQL). CPU is this process's
(client and storage component together; SeaweedFS runs apart).

| loop | round trips/s | CPU ms / round trip |
| --- | ---: | ---: |
${row('storage component, S3 driver on SeaweedFS', results['seaweedfs']!)}
${row('storage component, filesystem driver', results['filesystem']!)}
${row('bare @aws-sdk/client-s3 PutObject on SeaweedFS (one request, no checks)', results['bare']!)}
`;
  const file = join(ROOT, 'docs/benchmarks.md');
  const [start, end] = ['<!-- bench-storage:start -->', '<!-- bench-storage:end -->'];
  const formatted = await format(report, { ...(await resolveConfig(file)), parser: 'markdown' });
  const section = `${start}\n\n${formatted}\n${end}`;
  const doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const next =
    doc.includes(start) && doc.includes(end)
      ? doc.slice(0, doc.indexOf(start)) + section + doc.slice(doc.indexOf(end) + end.length)
      : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
  console.log(formatted);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
