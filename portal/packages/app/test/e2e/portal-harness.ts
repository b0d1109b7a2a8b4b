/**
 * The portal e2e harness: the local control plane (from the shared global setup), the CRDs, the operator as a child
 * process, and the minimal Backstage backend serving the built app, all against the same kubeconfig. The portal's
 * state lives in the custom resources; the catalog and scaffolder get a throw-away PostgreSQL database.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { waitFor } from '@mobileplane/test-harness';
import type {} from '@mobileplane/test-harness/global-setup';

export const REPOSITORY_ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const APP_DIR = fileURLToPath(new URL('../../', import.meta.url));
const BACKEND_DIR = fileURLToPath(new URL('../../../backend/', import.meta.url));
const KWOK_TOLERATION = 'kwok.x-k8s.io/node=fake:NoSchedule';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function kubeEnv(): NodeJS.ProcessEnv {
  return { ...process.env, KUBECONFIG: inject('kubeconfig'), PATH: `${inject('kubectlDir')}:${process.env.PATH}` };
}

/** Runs the control plane's kubectl; resolves with stdout, rejects with stderr in the message. */
export function kubectl(args: string[], stdin?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', args, { env: kubeEnv(), cwd: REPOSITORY_ROOT });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`kubectl ${args.join(' ')}: ${err}`))));
    child.stdin.end(stdin ?? '');
  });
}

/** The two CRDs the portal manages (the FeatureFlagSet CRD is another suite's business). */
export async function installCrds(): Promise<void> {
  await kubectl([
    'apply',
    '--server-side',
    '--force-conflicts',
    '--field-manager=mobileplane-operator',
    '-f',
    'charts/mobileplane/crds/mobileplane.io_mobilebackends.yaml',
    '-f',
    'charts/mobileplane/crds/mobileplane.io_mobileenvironments.yaml',
  ]);
  await kubectl([
    'wait',
    '--for=condition=Established',
    '--timeout=60s',
    'crd/mobilebackends.mobileplane.io',
    'crd/mobileenvironments.mobileplane.io',
  ]);
}

/** A child process with its output kept for failure messages. */
export interface Child {
  child: ChildProcess;
  logs(): string;
  stop(): Promise<void>;
}

function track(child: ChildProcess): Child {
  let logs = '';
  child.stdout?.on('data', (d: Buffer) => (logs = (logs + d.toString()).slice(-200_000)));
  child.stderr?.on('data', (d: Buffer) => (logs = (logs + d.toString()).slice(-200_000)));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    child,
    logs: () => logs,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The operator, reconciling environments and the backends of `watchNamespace`; test pods tolerate the kwok nodes.
 * Backends elsewhere are left alone, so a test can set up a rollout state (status.rollout) that no controller
 * overwrites: the rollout controller of issue #14 does not exist yet, and the backend controller owns that status.
 */
export async function startOperator(watchNamespace: string): Promise<Child> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      'operator/controller/src/main.ts',
      `--kubeconfig=${inject('kubeconfig')}`,
      `--http-bind-address=127.0.0.1:${port}`,
      '--leader-elect=false',
      '--controllers=backend,environment',
      `--watch-namespace=${watchNamespace}`,
      `--pod-tolerations=${KWOK_TOLERATION}`,
    ],
    { cwd: REPOSITORY_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const operator = track(child);
  await waitFor(
    `the operator to be ready`,
    async () => {
      if (child.exitCode !== null) throw new Error(`operator exited with ${child.exitCode}:\n${operator.logs()}`);
      const response = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      return response?.ok ? true : undefined;
    },
    60_000,
  );
  return operator;
}

const APP_SOURCES = ['src', 'public', '../../plugins/mobileplane/src', '../../plugins/mobileplane-common/src'];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestMtime(`${path}/${entry}`)));
}

/**
 * Builds the app once (about a minute on two busy cores) unless dist/ is newer than every source it is built from:
 * the suites test the production build, as `make portal` serves it.
 */
export function ensureAppBuilt(): void {
  const index = `${APP_DIR}dist/index.html`;
  if (existsSync(index)) {
    const built = statSync(index).mtimeMs;
    if (APP_SOURCES.every((dir) => newestMtime(`${APP_DIR}${dir}`) < built)) return;
  }
  const result = spawnSync('yarn', ['backstage-cli', 'package', 'build', '--config', '../../app-config.yaml'], {
    cwd: APP_DIR,
    // NODE_ENV picks the browserslist entry; vitest sets it to "test", which has none.
    env: { ...process.env, NODE_ENV: 'production', PORTAL_PORT: '7007' },
    encoding: 'utf8',
    timeout: 900_000,
  });
  if (result.status !== 0) throw new Error(`app build failed:\n${result.stdout}\n${result.stderr}`);
}

export interface Portal extends Child {
  baseUrl: string;
  /** A guest user's Backstage token (user:default/guest, member of group shop by config). */
  guestToken(): Promise<string>;
}

/** The minimal backend (production mode) serving the built app, talking to the test control plane. */
export async function startPortal(): Promise<Portal> {
  ensureAppBuilt();
  const port = await freePort();
  const database = `mobileplane_portal_e2e_${process.pid}`;
  const child = spawn(
    process.execPath,
    ['--require', '@backstage/cli-node/config/nodeTransform.cjs', 'src/index.ts', '--config', '../../app-config.yaml'],
    {
      cwd: BACKEND_DIR,
      env: { ...kubeEnv(), NODE_ENV: 'production', PORTAL_PORT: String(port), PORTAL_DATABASE: database },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const tracked = track(child);
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitFor(
    `the portal backend on ${baseUrl}`,
    async () => {
      if (child.exitCode !== null) throw new Error(`portal backend exited with ${child.exitCode}:\n${tracked.logs()}`);
      const response = await fetch(`${baseUrl}/api/mobileplane/health`).catch(() => undefined);
      return response?.ok ? true : undefined;
    },
    120_000,
  );
  return {
    ...tracked,
    baseUrl,
    stop: async () => {
      await tracked.stop();
      spawnSync('psql', [
        '-h',
        '127.0.0.1',
        '-U',
        'postgres',
        '-c',
        `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`,
      ]);
    },
    guestToken: async () => {
      const response = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
        headers: { 'x-requested-with': 'XMLHttpRequest' },
      });
      if (!response.ok) throw new Error(`guest sign-in failed: ${response.status} ${await response.text()}`);
      const body = (await response.json()) as { backstageIdentity?: { token?: string } };
      const token = body.backstageIdentity?.token;
      if (!token) throw new Error('guest sign-in returned no token');
      return token;
    },
  };
}

/**
 * Removes test environments after the operator has stopped: its finalizer would hold the delete, so the finalizer is
 * removed by hand (as the operator's own suites do).
 */
export async function deleteEnvironments(names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  await kubectl(['delete', 'menv', ...names, '--ignore-not-found', '--wait=false']);
  for (const name of names) {
    await kubectl(['patch', 'menv', name, '--type=merge', '-p', '{"metadata":{"finalizers":null}}']).catch(
      () => undefined,
    );
  }
}

/** A condition's status on a resource, as kubectl reads it. */
export async function conditionStatus(
  kind: string,
  name: string,
  type: string,
  namespace?: string,
): Promise<string | undefined> {
  const object = JSON.parse(
    await kubectl(['get', kind, name, ...(namespace ? ['-n', namespace] : []), '-o', 'json']),
  ) as {
    status?: { conditions?: { type: string; status: string }[] };
  };
  return object.status?.conditions?.find((c) => c.type === type)?.status;
}
