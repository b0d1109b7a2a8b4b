/**
 * `make bench-flags`: bulk flag evaluation (50 flags, one mobile context) in process and over HTTP (OFREP), with
 * flagd-core's bare `resolveAll` loop on the same configuration in the same process as the peer. Writes its
 * section of docs/benchmarks.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlagdCore } from '@openfeature/flagd-core';
import { format, resolveConfig } from 'prettier';
import { Registry } from 'prom-client';
import { evaluationContext } from '../../src/flags/evaluation-context.ts';
import { parseFlagConfiguration } from '../../src/flags/flag-configuration.ts';
import { evaluateAll } from '../../src/flags/flag-evaluator.ts';
import { createFlagMetrics } from '../../src/flags/flag-metrics.ts';
import { closedLoop, median } from './closed-loop.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const ROUNDS = 3;
const SECONDS = 3;
const IN_PROCESS_ROUNDS = 20;
const API_KEY = 'bench-flags-key';

/** 50 flags in the shapes mobile teams use: static, sem_ver on the app, platform lists, rollouts, remote config. */
function flagDocument(): string {
  const flags: Record<string, unknown> = {};
  for (let i = 0; i < 50; i++) {
    const bool = { on: true, off: false };
    switch (i % 5) {
      case 0:
        flags[`static-${i}`] = { state: 'ENABLED', variants: bool, defaultVariant: 'on' };
        break;
      case 1:
        flags[`semver-${i}`] = {
          state: 'ENABLED',
          variants: bool,
          defaultVariant: 'off',
          targeting: { if: [{ sem_ver: [{ var: 'appVersion' }, '>=', `2.${i % 7}.0`] }, 'on', 'off'] },
        };
        break;
      case 2:
        flags[`platform-${i}`] = {
          state: 'ENABLED',
          variants: bool,
          defaultVariant: 'off',
          targeting: { if: [{ in: [{ var: 'platform' }, ['ios', 'android']] }, 'on', 'off'] },
        };
        break;
      case 3:
        flags[`rollout-${i}`] = {
          state: 'ENABLED',
          variants: { a: 'a', b: 'b', c: 'c' },
          defaultVariant: 'a',
          targeting: {
            fractional: [
              ['a', 50],
              ['b', 30],
              ['c', 20],
            ],
          },
        };
        break;
      default:
        flags[`config-${i}`] = {
          state: 'ENABLED',
          variants: { small: { pageSize: 20, ttl: 60 }, large: { pageSize: 100, ttl: 300 } },
          defaultVariant: 'small',
          targeting: { if: [{ starts_with: [{ var: 'locale' }, 'en'] }, 'large', 'small'] },
        };
    }
  }
  return JSON.stringify({ flags });
}

const context = {
  targetingKey: 'install-0f3a9c',
  platform: 'ios',
  appVersion: '2.4.1',
  appBuild: '2041',
  osVersion: '18.1',
  locale: 'en-GB',
};

/**
 * Runs `op` back to back for `seconds`; returns operations per second of wall time and per second of this
 * process's CPU time. Synchronous: nothing else runs in the process. On a shared machine the CPU-time rate is the
 * steadier of the two (another process taking the core stretches wall time, not CPU time).
 */
function syncLoop(seconds: number, op: () => void): { wall: number; cpu: number } {
  const deadline = performance.now() + seconds * 1000;
  let ops = 0;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  while (performance.now() < deadline) {
    for (let i = 0; i < 100; i++) op();
    ops += 100;
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { wall: ops / ((performance.now() - started) / 1000), cpu: ops / ((cpu.user + cpu.system) / 1e6) };
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

async function main(): Promise<void> {
  const text = flagDocument();
  const configuration = parseFlagConfiguration(text);
  const bare = new FlagdCore();
  bare.setConfigurations(text);
  const body = { context };
  // The runtime's own metrics hook (prom-client counters), as the api component runs it.
  const observe = createFlagMetrics(new Registry()).observeEvaluation;
  // Sanity: both answer the same values.
  const ours = evaluateAll(configuration, evaluationContext(body, undefined));
  const theirs = bare.resolveAll(context);
  if (ours.length !== 50 || theirs.length !== 50)
    throw new Error(`expected 50 flags, got ${ours.length}/${theirs.length}`);

  // Short slices, alternating, many rounds: load from other processes hits both loops alike; the ratio is the
  // median of the per-round ratios of CPU-time rates.
  const ourOp = () => evaluateAll(configuration, evaluationContext(body, undefined), observe);
  const bareOp = () => bare.resolveAll(context);
  syncLoop(1, ourOp);
  syncLoop(1, bareOp);
  const inProcess: number[] = [];
  const bareLoop: number[] = [];
  const inProcessWall: number[] = [];
  const bareLoopWall: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < IN_PROCESS_ROUNDS; round++) {
    const ours = syncLoop(0.5, ourOp);
    const theirs = syncLoop(0.5, bareOp);
    inProcess.push(ours.cpu);
    bareLoop.push(theirs.cpu);
    inProcessWall.push(ours.wall);
    bareLoopWall.push(theirs.wall);
    ratios.push(ours.cpu / theirs.cpu);
  }

  // Over HTTP: the api component in its own process (PGlite in memory, no rate limits), OFREP bulk with an API key.
  const directory = mkdtempSync(join(tmpdir(), 'bench-flags-'));
  const flagsFile = join(directory, 'flags.json');
  const configFile = join(directory, 'config.json');
  writeFileSync(flagsFile, text);
  const port = await freePort();
  writeFileSync(
    configFile,
    JSON.stringify({
      component: 'api',
      server: { host: '127.0.0.1', port },
      log: { level: 'warn' },
      auth: { apiKeys: [{ name: 'bench', sha256: createHash('sha256').update(API_KEY).digest('hex') }] },
      rateLimits: { ip: null, user: null, apiKey: null },
      flags: { file: flagsFile },
    }),
  );
  let child: ChildProcess | undefined;
  try {
    child = spawn(process.execPath, ['runtime/src/main.ts', '--component=api'], {
      cwd: ROOT,
      env: { ...process.env, MOBILEPLANE_CONFIG_FILE: configFile },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 300; i++) {
      const up = await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const request = JSON.stringify(body);
    const bulk = async () => {
      const res = await fetch(`${url}/ofrep/v1/evaluate/flags`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
        body: request,
      });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      await res.arrayBuffer();
    };
    const http = [];
    await closedLoop({ concurrency: 16, seconds: 2, warmUpSeconds: 0, pid: child.pid ?? 0 }, bulk);
    for (let round = 0; round < ROUNDS; round++) {
      http.push(await closedLoop({ concurrency: 16, seconds: SECONDS, warmUpSeconds: 0, pid: child.pid ?? 0 }, bulk));
    }
    const httpPerSecond = median(http.map((r) => r.perSecond));
    const httpCpuPer1000 = median(http.map((r) => r.cpuMsPerOp)) * 1000;
    const ratio = median(ratios);
    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    const report = `## Feature flags (\`make bench-flags\`)

${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, load average ${loadavg()[0]?.toFixed(2)}
at the start (a shared machine: compare the ratios, not the absolute numbers). In process: ${IN_PROCESS_ROUNDS}
alternating 0.5 s slices of each loop, rates per second of CPU time, the ratio is the median of the per-round
ratios. Over HTTP: median of ${ROUNDS} rounds of ${SECONDS} s. One bulk evaluation = 50 flags (static, \`sem_ver\`, platform
\`in\`, \`fractional\` rollouts, object variants with \`starts_with\`) for one mobile context.

| path | bulk/s (wall) | bulk per CPU-second | CPU per 1,000 bulk |
|---|---|---|---|
| runtime, in process (context validation, evaluation, the metrics counter per flag) | ${fmt(median(inProcessWall))} | ${fmt(median(inProcess))} | ${Math.round(1e6 / median(inProcess))} ms |
| flagd-core bare \`resolveAll\` loop, same process | ${fmt(median(bareLoopWall))} | ${fmt(median(bareLoop))} | ${Math.round(1e6 / median(bareLoop))} ms |
| runtime over HTTP (OFREP bulk, API key, 16 connections, server in its own process) | ${fmt(httpPerSecond)} | ${fmt(1e6 / httpCpuPer1000)} | ${Math.round(httpCpuPer1000)} ms (server process) |

In process the runtime reaches **${ratio.toFixed(2)}×** flagd-core's bare loop (goal ≥ 0.8×): the same
\`FeatureFlag.evaluate\` per flag, plus the OFREP mapping, the targeting-key check and a metrics counter per flag.
Over HTTP the cost is dominated by HTTP, JSON and the api pipeline (rate-limit steps, API-key check), not by
evaluation.
`;
    const file = join(ROOT, 'docs/benchmarks.md');
    const [start, end] = ['<!-- bench-flags:start -->', '<!-- bench-flags:end -->'];
    const formatted = await format(report, { ...(await resolveConfig(file)), parser: 'markdown' });
    const section = `${start}\n\n${formatted}\n${end}`;
    const doc = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
    const next =
      doc.includes(start) && doc.includes(end)
        ? doc.slice(0, doc.indexOf(start)) + section + doc.slice(doc.indexOf(end) + end.length)
        : `${doc.trimEnd()}\n\n${section}\n`;
    writeFileSync(file, next);
    console.log(formatted);
  } finally {
    child?.kill('SIGTERM');
    rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
