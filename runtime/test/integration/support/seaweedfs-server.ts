import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

const VERSIONS = readFileSync(new URL('../../../../versions.env', import.meta.url), 'utf8');
const VERSION = /^SEAWEEDFS_VERSION=(.+)$/m.exec(VERSIONS)?.[1]?.trim() ?? '';
const CACHE =
  process.env['MOBILEPLANE_CACHE_DIR'] ??
  join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'mobileplane');
/** Built by dev/testservers/build-weed.sh (cached by version). */
export const WEED_BINARY = join(CACHE, 'seaweedfs', VERSION, 'bin', 'weed');

export interface SeaweedFs {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * A real SeaweedFS (`weed server` with master, volume, filer and S3 gateway) on loopback ports, with one S3
 * identity and one bucket. Its gRPC ports are the HTTP ports + 10000, so HTTP ports are picked below 55000.
 */
export async function startSeaweedFs(): Promise<SeaweedFs> {
  if (!existsSync(WEED_BINARY)) throw new Error(`${WEED_BINARY} is missing: run bash dev/testservers/build-weed.sh`);
  const dir = mkdtempSync(join(tmpdir(), 'mp-weed-'));
  const ports: number[] = [];
  while (ports.length < 4) {
    const p = await freePort();
    if (p < 55_000 && !ports.includes(p)) ports.push(p);
  }
  const [master, volume, filer, s3] = ports as [number, number, number, number];
  const accessKeyId = 'mobileplanetest';
  const secretAccessKey = 'mobileplane-test-secret-0123456789';
  writeFileSync(
    join(dir, 's3.json'),
    JSON.stringify({
      identities: [
        {
          name: 'runtime',
          credentials: [{ accessKey: accessKeyId, secretKey: secretAccessKey }],
          actions: ['Admin', 'Read', 'Write', 'List', 'Tagging'],
        },
      ],
    }),
  );
  const child: ChildProcess = spawn(
    WEED_BINARY,
    [
      'server',
      `-dir=${dir}`,
      '-ip=127.0.0.1',
      '-ip.bind=127.0.0.1',
      `-master.port=${master}`,
      `-volume.port=${volume}`,
      '-volume.max=0',
      '-filer',
      `-filer.port=${filer}`,
      '-s3',
      `-s3.port=${s3}`,
      `-s3.config=${join(dir, 's3.json')}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const endpoint = `http://127.0.0.1:${s3}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
  });
  const bucket = 'mobileplane-test';
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      break;
    } catch (error) {
      if ((error as { name?: string }).name === 'BucketAlreadyOwnedByYou') break;
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`SeaweedFS did not come up (${(error as Error).message}); stderr: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  client.destroy();
  return {
    endpoint,
    bucket,
    accessKeyId,
    secretAccessKey,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => {
        child.once('exit', r);
        setTimeout(() => (child.kill('SIGKILL'), r(undefined)), 5000).unref();
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
