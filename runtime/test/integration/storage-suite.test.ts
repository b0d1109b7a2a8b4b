import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runtimeConfigSchema } from '../../src/platform/config-schema.ts';
import { createPendingSweepTask } from '../../src/storage/pending-sweep-task.ts';
import type { StorageComponent } from '../../src/storage/storage-component.ts';
import { startRuntime } from '../../src/runtime-server.ts';
import type { RunningRuntime } from '../../src/runtime-server.ts';
import { WEED_BINARY, startSeaweedFs } from './support/seaweedfs-server.ts';
import type { SeaweedFs } from './support/seaweedfs-server.ts';
import { createPostgresDatabase } from './support/test-database.ts';
import { TEST_AUDIENCE, TEST_ISSUER, TestIssuer } from './support/test-issuer.ts';

/** A real 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
/** The start of an ELF executable (x86-64), padded. */
const ELF = Buffer.concat([
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]),
  Buffer.alloc(8),
  Buffer.from([0x02, 0x00, 0x3e, 0x00, 0x01, 0x00, 0x00, 0x00]),
  Buffer.alloc(200, 0x90),
]);

interface Driver {
  name: string;
  available: boolean;
  setup(): Promise<{ storage: Record<string, unknown>; env: Record<string, string>; stop(): Promise<void> }>;
}

const DRIVERS: Driver[] = [
  {
    name: 'filesystem',
    available: true,
    async setup() {
      const dir = mkdtempSync(join(tmpdir(), 'mp-storage-'));
      return { storage: { directory: dir }, env: {}, stop: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'SeaweedFS (S3)',
    // Built by dev/testservers/build-weed.sh; see docs/decisions/0403-storage-drivers.md.
    available: existsSync(WEED_BINARY),
    async setup() {
      const weed: SeaweedFs = await startSeaweedFs();
      return {
        storage: { s3: { bucket: weed.bucket, endpoint: weed.endpoint, region: 'us-east-1', forcePathStyle: true } },
        env: { AWS_ACCESS_KEY_ID: weed.accessKeyId, AWS_SECRET_ACCESS_KEY: weed.secretAccessKey },
        stop: () => weed.stop(),
      };
    },
  },
];

// A missing weed binary shows as a skipped suite, never a silent pass; `make test-integration` builds it first.
for (const driver of DRIVERS)
  describe.skipIf(!driver.available)(
    `storage on ${driver.name}${driver.available ? '' : ' (weed not built: make testservers)'}`,
    () => {
      let issuer: TestIssuer;
      let db: Awaited<ReturnType<typeof createPostgresDatabase>>;
      let backend: Awaited<ReturnType<Driver['setup']>>;
      let storage: RunningRuntime;
      const as = async (user: string) => ({ authorization: `Bearer ${await issuer.mint(user)}` });
      const api = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
        const res = await fetch(`${storage.url}${path}`, {
          method,
          headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await res.text();
        return {
          status: res.status,
          type: res.headers.get('content-type') ?? '',
          body: text ? JSON.parse(text) : undefined,
        };
      };
      const upload = async (user: string, contentType: string, bytes: Buffer, declared = bytes.length) => {
        const auth = await as(user);
        const created = await api('POST', '/v1/storage/uploads', auth, { contentType, size: declared, name: 'file' });
        expect(created.status).toBe(201);
        const { url, method, headers } = created.body.upload as {
          url: string;
          method: string;
          headers: Record<string, string>;
        };
        const put = await fetch(url, { method, headers: { 'content-type': headers['content-type']! }, body: bytes });
        return { id: created.body.id as string, put, auth };
      };

      beforeAll(async () => {
        issuer = await TestIssuer.start();
        db = await createPostgresDatabase();
        backend = await driver.setup();
        Object.assign(process.env, backend.env);
        const config = runtimeConfigSchema.parse({
          component: 'storage',
          server: { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 2000 },
          log: { level: 'warn' },
          database: { url: db.url },
          workers: { superviseIntervalSeconds: 1 },
          auth: { jwksUrl: issuer.jwksUrl, issuer: TEST_ISSUER, audience: TEST_AUDIENCE },
          storage: { ...backend.storage, maxObjectBytes: 1024 * 1024, allowedContentTypes: ['image/*', 'text/plain'] },
        });
        storage = await startRuntime(config, { logDestination: new Writable({ write: (_c, _e, cb) => cb() }) });
      }, 90_000);
      afterAll(async () => {
        await storage?.shutdown();
        await backend?.stop();
        await issuer?.stop();
        await db?.drop();
      });

      it('uploads a PNG on a presigned URL, checks it, and serves it on a presigned download URL', async () => {
        const { id, put, auth } = await upload('ann', 'image/png', PNG);
        expect(put.status).toBe(200);
        const done = await api('POST', `/v1/storage/objects/${id}/complete`, auth);
        expect(done.body).toMatchObject({ state: 'ready', contentType: 'image/png', size: PNG.length });
        const link = await api('GET', `/v1/storage/objects/${id}/download`, auth);
        const got = await fetch(link.body.download.url);
        expect(got.status).toBe(200);
        expect(Buffer.from(await got.arrayBuffer())).toEqual(PNG);
      });

      it('renders a WebP thumbnail of a checked image as a worker job', async () => {
        const image = await sharp({ create: { width: 1200, height: 600, channels: 3, background: '#3366cc' } })
          .png()
          .toBuffer();
        const { id, auth } = await upload('ann', 'image/png', image);
        expect((await api('POST', `/v1/storage/objects/${id}/complete`, auth)).body.state).toBe('ready');
        const deadline = Date.now() + 20_000;
        let thumb = await api('GET', `/v1/storage/objects/${id}/thumbnail`, auth);
        while (thumb.status === 404 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 200));
          thumb = await api('GET', `/v1/storage/objects/${id}/thumbnail`, auth);
        }
        expect(thumb.status).toBe(200);
        const bytes = Buffer.from(await (await fetch(thumb.body.download.url)).arrayBuffer());
        expect(await sharp(bytes).metadata()).toMatchObject({ format: 'webp', width: 256, height: 128 });
        expect((await api('GET', `/v1/storage/objects/${id}/thumbnail`, await as('bob'))).status).toBe(404);
      });

      it('refuses and removes an upload claiming image/png that carries an executable', async () => {
        const { id, put, auth } = await upload('ann', 'image/png', ELF);
        expect(put.status).toBe(200); // the storage cannot tell; the check after upload does
        const done = await api('POST', `/v1/storage/objects/${id}/complete`, auth);
        expect(done.status).toBe(422);
        expect(done.type).toContain('application/problem+json');
        expect(done.body.type).toBe('https://mobileplane.io/problems/content-type-mismatch');
        expect(done.body.detail).toContain('executable');
        expect(await storageHead(id)).toBeUndefined();
        expect((await api('GET', `/v1/storage/objects/${id}`, auth)).body).toMatchObject({ state: 'quarantined' });
        expect((await api('GET', `/v1/storage/objects/${id}/download`, auth)).status).toBe(404);
      });

      it('refuses an oversized upload: by the limit when asked, by the signature when the body is larger', async () => {
        const auth = await as('ann');
        const tooBig = await api('POST', '/v1/storage/uploads', auth, {
          contentType: 'image/png',
          size: 2 * 1024 * 1024,
        });
        expect(tooBig.status).toBe(422);
        expect(tooBig.body.errors).toEqual([expect.objectContaining({ path: 'size' })]);
        const { id, put } = await upload('ann', 'image/png', Buffer.concat([PNG, Buffer.alloc(4096)]), PNG.length);
        expect(put.status).toBeGreaterThanOrEqual(400);
        expect(put.status).toBeLessThan(500);
        expect(await storageHead(id)).toBeUndefined();
        // The content type is signed too: the same URL with another type is refused.
        const created = await api('POST', '/v1/storage/uploads', auth, { contentType: 'image/png', size: PNG.length });
        const swapped = await fetch(created.body.upload.url, {
          method: 'PUT',
          headers: { 'content-type': 'image/gif' },
          body: PNG,
        });
        expect(swapped.status).toBeGreaterThanOrEqual(400);
        expect(swapped.status).toBeLessThan(500);
        const disallowed = await api('POST', '/v1/storage/uploads', auth, {
          contentType: 'application/x-msdownload',
          size: 10,
        });
        expect(disallowed.body.errors).toEqual([expect.objectContaining({ path: 'contentType' })]);
      });

      it('keeps another user’s object unreadable, and anonymous callers out', async () => {
        const { id, auth } = await upload('ann', 'text/plain', Buffer.from('private note'));
        expect((await api('POST', `/v1/storage/objects/${id}/complete`, auth)).body.state).toBe('ready');
        const bob = await as('bob');
        expect((await api('GET', `/v1/storage/objects/${id}`, bob)).status).toBe(404);
        expect((await api('GET', `/v1/storage/objects/${id}/download`, bob)).status).toBe(404);
        expect((await api('POST', `/v1/storage/objects/${id}/complete`, bob)).status).toBe(404);
        expect((await api('DELETE', `/v1/storage/objects/${id}`, bob)).status).toBe(404);
        expect((await api('GET', `/v1/storage/objects/${id}`, {})).status).toBe(401);
        expect((await api('DELETE', `/v1/storage/objects/${id}`, auth)).status).toBe(204);
      });

      it('sweeps uploads that were never completed once their URL is long expired', async () => {
        const { id } = await upload('ann', 'image/png', PNG);
        const fresh = await upload('ann', 'image/png', PNG);
        await storage.database.query(
          `UPDATE mp_storage_objects SET created_at = now() - interval '3 hours' WHERE id = $1`,
          [id],
        );
        const sweep = createPendingSweepTask(storage.database, (storage.component as StorageComponent).driver, 900);
        await sweep.handle({
          id: 'manual',
          task: sweep.name,
          data: { batch: 100 },
          attempt: 1,
          signal: new AbortController().signal,
        });
        const { rows } = await storage.database.query<{ id: string }>(
          'SELECT id::text AS id FROM mp_storage_objects WHERE id = ANY($1::uuid[])',
          [[id, fresh.id]],
        );
        expect(rows.map((r) => r.id)).toEqual([fresh.id]);
        expect(await (storage.component as StorageComponent).driver.head(`objects/${id}`)).toBeUndefined();
      });

      async function storageHead(id: string) {
        const { rows } = await storage.database.query<{ key: string }>(
          'SELECT key FROM mp_storage_objects WHERE id = $1',
          [id],
        );
        return (storage.component as StorageComponent).driver.head(rows[0]!.key);
      }
    },
  );
