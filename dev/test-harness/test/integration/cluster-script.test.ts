import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = new URL('../../../cluster/cluster.sh', import.meta.url).pathname;

describe('cluster.sh', () => {
  it('down never signals an unrelated process whose PID a stale pid file names', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'mp-cluster-'));
    mkdirSync(join(stateDir, 'pids'));
    // A process that is not etcd, holding the PID a crashed control plane might have left behind.
    const bystander = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
    try {
      writeFileSync(join(stateDir, 'pids', 'etcd.pid'), `${bystander.pid}\n`);
      const env = { ...process.env, MOBILEPLANE_CLUSTER_DIR: stateDir };
      await expect(run('bash', [script, 'status'], { env })).rejects.toMatchObject({ code: 1 });
      await run('bash', [script, 'down'], { env });
      expect(() => process.kill(bystander.pid!, 0)).not.toThrow();
      expect(existsSync(stateDir)).toBe(false);
    } finally {
      bystander.kill('SIGKILL');
    }
  });

  it('env prints the kubeconfig and the kubectl directory of the pinned version', async () => {
    const { stdout } = await run('bash', [script, 'env']);
    expect(stdout).toMatch(/^export KUBECONFIG='.+\/kubeconfig'$/m);
    expect(stdout).toMatch(/^export PATH='.+\/kubernetes\/v\d+\.\d+\.\d+\/bin':"\$PATH"$/m);
  });
});
