import { useTestNamespace, waitFor } from '@mobileplane/test-harness';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  backendManifest,
  conditions,
  installCrds,
  kubectl,
  startOperator,
  type OperatorProcess,
} from './operator-harness.ts';

// On the real worker node (no kwok toleration), a backend whose image cannot be pulled is Degraded with the
// kubelet's reason instead of Progressing until the Deployment's progress deadline.
const ns = useTestNamespace('mb-node');
let operator: OperatorProcess | undefined;

beforeAll(installCrds);
afterEach(async () => {
  await operator?.stop();
  operator = undefined;
});

describe('a MobileBackend whose runtime image does not exist, on the real worker node', () => {
  it('is Degraded with the image pull reason and not Ready', async () => {
    operator = await startOperator({ 'watch-namespace': ns.name, 'pod-tolerations': '' });
    await kubectl(
      ['apply', '-n', ns.name, '-f', '-'],
      backendManifest('ghost', {
        runtime: { image: 'mobileplane/runtime', version: '0.0.0-does-not-exist' },
        components: { auth: { enabled: false }, workers: { enabled: false } },
      }),
    );
    const degraded = await waitFor(
      'Degraded=True from the pods',
      async () =>
        (await conditions(ns.name, 'ghost')).find(
          (c) => c.type === 'Degraded' && c.status === 'True' && /ImagePull/.test(c.message),
        ),
      120_000,
    );
    expect(degraded.reason).toMatch(/^(ErrImagePull|ImagePullBackOff)$/);
    expect(degraded.message).toContain('api');
    expect((await conditions(ns.name, 'ghost')).find((c) => c.type === 'Ready')?.status).toBe('False');
    const node = await kubectl(['get', 'pods', '-n', ns.name, '-o', 'jsonpath={.items[*].spec.nodeName}']);
    expect(node).not.toMatch(/kwok-node/);
  });
});
