import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { freeLoopbackPort } from './support/private-redis.ts';

/** `node runtime/src/main.ts` as a pod runs it, on embedded defaults (PGlite, no Redis). */
function startProcess(env: Record<string, string>): {
  child: ChildProcessWithoutNullStreams;
  lines: Record<string, unknown>[];
  stderr: () => string;
} {
  const child = spawn(process.execPath, ['runtime/src/main.ts', '--component=api'], {
    env: { ...process.env, MOBILEPLANE_CONFIG_FILE: '', HOST: '127.0.0.1', ...env },
  });
  const lines: Record<string, unknown>[] = [];
  let buffer = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let end: number;
    while ((end = buffer.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buffer.slice(0, end)) as Record<string, unknown>);
      buffer = buffer.slice(end + 1);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, lines, stderr: () => stderr };
}

async function until(check: () => boolean, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

describe('the runtime process', () => {
  const children: ChildProcessWithoutNullStreams[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('writes buffered logs: an idle server’s access line within about a second, everything on SIGTERM', async () => {
    const port = await freeLoopbackPort();
    const { child, lines } = startProcess({ PORT: String(port) });
    children.push(child);
    // PGlite's start takes seconds, tens of them on a loaded machine.
    await until(() => lines.some((l) => l['msg'] === 'listening'), 80_000);

    const res = await fetch(`http://127.0.0.1:${port}/v1/collections/nope/documents`);
    expect(res.status).toBe(404);
    const isAccessLine = (l: Record<string, unknown>) => l['msg'] === 'request' && l['status'] === 404;
    // The line waits in the 4 KiB buffer until the periodic flush (1 s), never much longer.
    const waited = await until(() => lines.some(isAccessLine), 3000);
    expect(waited).toBeLessThan(2500);

    // Lines still buffered at SIGTERM are written before the process exits.
    await fetch(`http://127.0.0.1:${port}/v1/collections/gone/documents`);
    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(lines.some((l) => l['msg'] === 'request' && l['path'] === '/v1/collections/gone/documents')).toBe(true);
    expect(lines.at(-1)?.['msg']).toBe('stopped');
  }, 120_000);

  it('refuses an OTLP protocol it does not speak at start, naming the variable (exit 78)', async () => {
    const { child, stderr } = startProcess({
      PORT: String(await freeLoopbackPort()),
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    });
    children.push(child);
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(78);
    expect(stderr()).toContain('OTEL_EXPORTER_OTLP_PROTOCOL: only http/protobuf is supported');
  }, 120_000);
});
