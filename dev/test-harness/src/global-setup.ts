import type { TestProject } from 'vitest/node';
import { ensureControlPlane, stopControlPlane } from './control-plane.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
    kubectlDir: string;
  }
}

/**
 * Vitest global setup for e2e suites: reuse a running local control plane or start one; stop it afterwards
 * only if it was started here (set MOBILEPLANE_KEEP_CLUSTER=1 to keep it for the next run).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const plane = await ensureControlPlane();
  project.provide('kubeconfig', plane.kubeconfig);
  project.provide('kubectlDir', plane.kubectlDir);
  return async () => {
    if (plane.startedHere && process.env.MOBILEPLANE_KEEP_CLUSTER !== '1') await stopControlPlane();
  };
}
