import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runtimeConfigSchema } from '../../src/platform/config-schema.ts';
import { startRuntime } from '../../src/runtime-server.ts';

/** The embedded default (PGlite, filesystem): workers, push and storage migrate, start their queues and are ready. */
describe('workers, push and storage on the embedded default', () => {
  it.each(['workers', 'push', 'storage'] as const)('%s is ready on PGlite', { timeout: 60_000 }, async (component) => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-embedded-'));
    const config = runtimeConfigSchema.parse({
      component,
      server: { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 1000 },
      log: { level: 'error' },
      storage: { directory: dir },
    });
    const runtime = await startRuntime(config, { logDestination: new Writable({ write: (_c, _e, cb) => cb() }) });
    try {
      expect(runtime.database.backend).toBe('pglite');
      const ready = await fetch(`${runtime.url}/readyz`);
      expect(ready.status).toBe(200);
      const { rows } = await runtime.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM mp_jobs.queue`);
      expect(rows[0]!.n).toBeGreaterThan(0);
    } finally {
      await runtime.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
