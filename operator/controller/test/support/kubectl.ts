import { spawn } from 'node:child_process';

/**
 * The taint on the local cluster's kwok nodes (fake nodes for scale tests). Pods the operator creates in the
 * e2e suites and the benchmark exist to exercise the operator, not the node, so they tolerate it.
 */
export const KWOK_TOLERATION = 'kwok.x-k8s.io/node=fake:NoSchedule';

/**
 * A kubectl runner for one environment (KUBECONFIG and PATH): resolves with stdout, rejects with stderr in the
 * message; `stdin` is piped in (manifests for `apply -f -`). Shared by the e2e harness and the benchmark.
 */
export function kubectlWith(env: NodeJS.ProcessEnv, cwd: string): (args: string[], stdin?: string) => Promise<string> {
  return (args, stdin) =>
    new Promise((resolve, reject) => {
      const child = spawn('kubectl', args, { env, cwd });
      const out: Buffer[] = [];
      let err = '';
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve(Buffer.concat(out).toString()) : reject(new Error(`kubectl ${args.join(' ')}: ${err}`)),
      );
      child.stdin.end(stdin ?? '');
    });
}
