import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const CLUSTER_SCRIPT = fileURLToPath(new URL('../../cluster/cluster.sh', import.meta.url));

export interface ControlPlane {
  /** Path of an admin kubeconfig for the control plane. */
  kubeconfig: string;
  /** Directory holding the matching kubectl. */
  kubectlDir: string;
  /** True when this process started it (and so should stop it). */
  startedHere: boolean;
}

async function script(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('bash', [CLUSTER_SCRIPT, ...args], { maxBuffer: 16 * 1024 * 1024 });
}

function parseEnv(stdout: string): { kubeconfig: string; kubectlDir: string } {
  const kubeconfig = /export KUBECONFIG='([^']+)'/.exec(stdout)?.[1];
  const kubectlDir = /export PATH='([^']+)'/.exec(stdout)?.[1];
  if (kubeconfig === undefined || kubectlDir === undefined) throw new Error(`unexpected cluster env output: ${stdout}`);
  return { kubeconfig, kubectlDir };
}

/** Reuses the running local control plane, or starts one (building its binaries on first use). */
export async function ensureControlPlane(): Promise<ControlPlane> {
  const env = parseEnv((await script('env')).stdout);
  const running = await script('status').then(
    () => true,
    () => false,
  );
  if (running) return { ...env, startedHere: false };
  try {
    await script('up');
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`local control plane did not start:\n${stderr}`, { cause: error });
  }
  return { ...env, startedHere: true };
}

/** Stops the local control plane and removes its state. */
export async function stopControlPlane(): Promise<void> {
  await script('down');
}
