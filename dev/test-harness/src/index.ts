export { ensureControlPlane, stopControlPlane } from './control-plane.ts';
export type { ControlPlane } from './control-plane.ts';
export { testKubeConfig, testNamespaceName, useTestNamespace, waitFor } from './test-namespace.ts';
