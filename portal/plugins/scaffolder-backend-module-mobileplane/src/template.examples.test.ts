import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { ClusterRegistry } from '@mobileplane/backstage-plugin-mobileplane-node';
import { InMemoryClusterClient } from '@mobileplane/backstage-plugin-mobileplane-node/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createBackendAction, createEnvironmentAction } from './create-actions';

interface Step {
  id: string;
  if?: string;
  action: string;
  input: Record<string, unknown>;
}

/** Replaces `${{ parameters.x }}` the way the scaffolder's templating does for whole-value expressions. */
function render(value: unknown, parameters: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{\{\s*parameters\.(\w+)\s*\}\}$/.exec(value);
    return whole ? parameters[whole[1]!] : value;
  }
  if (Array.isArray(value)) return value.map((v) => render(v, parameters));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v, parameters)]));
  }
  return value;
}

describe('templates/mobile-backend.yaml', () => {
  it('uses only the module actions with inputs they declare, and creates an environment and a backend', async () => {
    const template = parse(readFileSync(join(__dirname, '../templates/mobile-backend.yaml'), 'utf8'));
    const cluster = new InMemoryClusterClient();
    const deps = { clusters: new ClusterRegistry([cluster]), permissions: mockServices.permissions() };
    const actions = [createBackendAction(deps), createEnvironmentAction(deps)];
    const parameters = {
      environment: 'rides-dev',
      tier: 'dev',
      team: 'rides',
      createEnvironment: true,
      name: 'rides',
      version: '1.2.3',
    };

    for (const step of template.spec.steps as Step[]) {
      const action = actions.find((a) => a.id === step.action);
      if (!action) throw new Error(`step ${step.id} uses unknown action ${step.action}`);
      const declared = Object.keys((action.schema?.input as { properties?: object } | undefined)?.properties ?? {});
      expect(Object.keys(step.input).filter((k) => !declared.includes(k))).toEqual([]);
      const ctx = createMockActionContext({ input: render(step.input, parameters) as never });
      await action.handler(Object.assign(ctx, { getInitiatorCredentials: async () => mockCredentials.user() }));
    }
    expect((await cluster.getEnvironment('rides-dev'))?.spec).toMatchObject({ tier: 'dev', team: 'rides' });
    expect((await cluster.getBackend('rides-dev', 'rides'))?.spec.runtime.version).toBe('1.2.3');
  });
});
