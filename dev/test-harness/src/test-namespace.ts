import { randomBytes } from 'node:crypto';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeEach, inject } from 'vitest';

/** A KubeConfig for the control plane the global setup provided. */
export function testKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(inject('kubeconfig'));
  return kc;
}

/** A unique, valid namespace name for one test. */
export function testNamespaceName(prefix = 't'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/**
 * Gives each test in the calling file its own namespace, created before the test and deleted after it.
 * Read `.name` inside a test.
 */
export function useTestNamespace(prefix = 't'): { readonly name: string } {
  const state = { name: '' };
  beforeEach(async () => {
    const core = testKubeConfig().makeApiClient(CoreV1Api);
    state.name = testNamespaceName(prefix);
    await core.createNamespace({
      body: { metadata: { name: state.name, labels: { 'mobileplane.io/test': 'true' } } },
    });
  });
  afterEach(async () => {
    const core = testKubeConfig().makeApiClient(CoreV1Api);
    await core.deleteNamespace({ name: state.name }).catch(() => undefined);
  });
  return {
    get name() {
      return state.name;
    },
  };
}

/** Polls `check` until it returns a value other than undefined, or fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
