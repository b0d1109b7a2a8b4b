import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import express from 'express';
import { SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';

/**
 * `node runtime/test/bench/framework-overhead.ts`: what Express 5 costs per request on this machine, apart from
 * everything else the runtime does. One handler — verify an ES256 token, answer "ok" — served by bare node:http and
 * by Express, each under autocannon (16 connections, 8 s); prints CPU ms per request of the JavaScript thread and of
 * the whole process. Used for the analysis in docs/benchmarks.md (runtime section).
 */
const ROOT = new URL('../../../', import.meta.url).pathname;
const run = promisify(execFile);
const { privateKey, publicKey } = await generateKeyPair('ES256');
const key = await importJWK({ ...(await exportJWK(publicKey)), alg: 'ES256' }, 'ES256');
const token = await new SignJWT({})
  .setProtectedHeader({ alg: 'ES256' })
  .setSubject('u')
  .setIssuer('i')
  .setAudience('a')
  .setExpirationTime('2h')
  .sign(privateKey);
const verify = () => jwtVerify(token, key, { issuer: 'i', audience: 'a' });

function cpuMs(path: string): number {
  const raw = readFileSync(path, 'utf8');
  const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function measure(name: string, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<void> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const autocannon = (seconds: number) =>
    run(
      process.execPath,
      [`${ROOT}node_modules/autocannon/autocannon.js`, '-j', '-c', '16', '-d', String(seconds), url],
      {
        maxBuffer: 1 << 24,
      },
    );
  await autocannon(2); // warm-up
  const [main0, all0] = [cpuMs(`/proc/self/task/${process.pid}/stat`), cpuMs('/proc/self/stat')];
  const { stdout } = await autocannon(8);
  const total = (JSON.parse(stdout) as { requests: { total: number } }).requests.total;
  const main = (cpuMs(`/proc/self/task/${process.pid}/stat`) - main0) / total;
  const all = (cpuMs('/proc/self/stat') - all0) / total;
  console.log(`${name.padEnd(10)} JavaScript thread ${main.toFixed(3)} ms/req, process ${all.toFixed(3)} ms/req`);
  await new Promise((resolve) => server.close(resolve));
}

const app = express();
app.get('/', (_req, res, next) => {
  verify().then(() => res.end('ok'), next);
});
for (let round = 0; round < 2; round++) {
  await measure('node:http', (_req, res) => {
    verify().then(
      () => res.end('ok'),
      () => res.writeHead(401).end(),
    );
  });
  await measure('express', app as unknown as (req: IncomingMessage, res: ServerResponse) => void);
}
