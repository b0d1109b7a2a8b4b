import { defineConfig } from 'vitest/config';

// Two projects: `unit` (tests beside the code, no services) and `e2e` (suites under each package's
// test/e2e, against the local control plane and the machine's services). The portal's Backstage packages
// run their own tests with `backstage-cli package test`.
const nodePackages = ['operator/api', 'operator/controller', 'runtime', 'dev/test-harness'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: nodePackages.map((p) => `${p}/src/**/*.test.ts`),
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: nodePackages.map((p) => `${p}/test/integration/**/*.test.ts`),
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          // The portal's e2e suites (REST API and Playwright against the built app) run here too: they need the
          // control plane; its unit tests stay with backstage-cli.
          include: [...nodePackages, 'portal/packages/app'].map((p) => `${p}/test/e2e/**/*.test.ts`),
          environment: 'node',
          globalSetup: ['dev/test-harness/src/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // Suites share one control plane; each test gets its own namespace, files run one after another so
          // timing-sensitive controller tests do not starve each other on a 2-core machine.
          fileParallelism: false,
        },
      },
    ],
  },
});
