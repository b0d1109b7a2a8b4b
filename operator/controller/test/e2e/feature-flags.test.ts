import { FlagdCore } from '@openfeature/flagd-core';
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

// FeatureFlagSets against the API server with the generated CRD and the operator's flags controller alone, so
// the test owns the MobileBackend's rollout status (the canary controller does not exist yet): admission, the
// rendered ConfigMap, refusals naming the flag, and kill switches driven by the rollout phase. Delivery to real
// api pods needs a worker node; Delivered is covered against a stub pod in src/flags/delivery-probe.test.ts.
const ns = useTestNamespace('flags');
let operator: OperatorProcess | undefined;

beforeAll(async () => {
  await installCrds();
  await kubectl([
    'apply',
    '--server-side',
    '--force-conflicts',
    '--field-manager=mobileplane-operator',
    '-f',
    'charts/mobileplane/crds/mobileplane.io_featureflagsets.yaml',
  ]);
  await kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/featureflagsets.mobileplane.io']);
});
afterEach(async () => {
  await operator?.stop();
  operator = undefined;
});

function flagSet(name: string, flags: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    apiVersion: 'mobileplane.io/v1alpha1',
    kind: 'FeatureFlagSet',
    metadata: { name },
    spec: { backendRef: { name: 'rides' }, flags, ...extra },
  });
}

const checkoutFlag = {
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant: 'off',
  targeting: { if: [{ sem_ver: [{ var: 'appVersion' }, '>=', '2.3.0'] }, 'on', 'off'] },
};

async function flagsConfigMap(): Promise<{ text: string; revision: string }> {
  const object = JSON.parse(await kubectl(['get', 'configmap', 'rides-flags', '-n', ns.name, '-o', 'json'])) as {
    data: Record<string, string>;
    metadata: { annotations: Record<string, string> };
  };
  return {
    text: object.data['flags.json'] ?? '',
    revision: object.metadata.annotations['mobileplane.io/flags-revision'] ?? '',
  };
}

async function setStatus(name: string): Promise<Record<string, unknown>> {
  const object = JSON.parse(await kubectl(['get', 'featureflagset', name, '-n', ns.name, '-o', 'json'])) as {
    status?: Record<string, unknown>;
  };
  return object.status ?? {};
}

function evaluate(text: string, key: string, context: Record<string, string>): unknown {
  const core = new FlagdCore();
  core.setConfigurations(text);
  return core.getFlag(key)?.evaluate(context).value;
}

async function setRollout(rollout: Record<string, unknown>): Promise<void> {
  await kubectl([
    'patch',
    'mobilebackend',
    'rides',
    '-n',
    ns.name,
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify({ status: { rollout } }),
  ]);
}

describe('FeatureFlagSet', () => {
  it('renders accepted sets into the backend ConfigMap, refuses bad ones naming the flag, and kill-switches on a rollout abort', async () => {
    operator = await startOperator({ 'watch-namespace': ns.name, controllers: 'flags', 'resync-period': '2s' });
    await kubectl(['apply', '-n', ns.name, '-f', '-'], backendManifest('rides', { runtime: { version: '1.0.0' } }));
    await kubectl(
      ['apply', '-n', ns.name, '-f', '-'],
      flagSet(
        'checkout',
        {
          'new-checkout': checkoutFlag,
          'old-banner': { state: 'DISABLED', variants: { on: true }, defaultVariant: 'on' },
        },
        { killSwitches: [{ flag: 'new-checkout', variant: 'off' }] },
      ),
    );

    // Accepted, counted, rendered; no api pods here, so Delivered waits (Unknown, NoApiPods).
    await waitFor('checkout Accepted', async () =>
      (await conditions(ns.name, 'checkout', 'featureflagset')).find(
        (c) => c.type === 'Accepted' && c.status === 'True',
      ),
    );
    const status = await setStatus('checkout');
    expect(status['flags']).toEqual({ total: 2, enabled: 1, disabled: 1, killSwitched: 0 });
    const rendered = await flagsConfigMap();
    expect(status['revision']).toBe(rendered.revision);
    expect(evaluate(rendered.text, 'new-checkout', { appVersion: '2.4.0' })).toBe(true);
    expect((await conditions(ns.name, 'checkout', 'featureflagset')).find((c) => c.type === 'Delivered')).toMatchObject(
      {
        status: 'Unknown',
        reason: 'NoApiPods',
      },
    );
    const columns = await kubectl(['get', 'ffs', 'checkout', '-n', ns.name, '--no-headers']);
    expect(columns).toMatch(/^checkout\s+rides\s+True\s+Unknown\s+2\s+/);

    // A default variant that is not a variant: CEL cannot see free-form variants, so the operator refuses it on
    // Accepted, naming the flag's field.
    await kubectl(
      ['apply', '-n', ns.name, '-f', '-'],
      flagSet('typo', { typo: { state: 'ENABLED', variants: { on: true }, defaultVariant: 'maybe' } }),
    );
    const typo = await waitFor('typo Accepted=False', async () =>
      (await conditions(ns.name, 'typo', 'featureflagset')).find((c) => c.type === 'Accepted' && c.status === 'False'),
    );
    expect(typo).toMatchObject({ reason: 'InvalidFlags' });
    expect(typo.message).toContain('spec.flags.typo.defaultVariant');

    // flagd's schema is the operator's: an unknown operator is refused on Accepted, naming the flag and field;
    // the ConfigMap keeps the last good configuration.
    await kubectl(
      ['apply', '-n', ns.name, '-f', '-'],
      flagSet('broken', {
        'search-v2': {
          state: 'ENABLED',
          variants: { on: true, off: false },
          defaultVariant: 'off',
          targeting: { nope: [1] },
        },
      }),
    );
    const refused = await waitFor('broken Accepted=False', async () =>
      (await conditions(ns.name, 'broken', 'featureflagset')).find(
        (c) => c.type === 'Accepted' && c.status === 'False',
      ),
    );
    expect(refused.reason).toBe('InvalidFlags');
    expect(refused.message).toContain('spec.flags.search-v2.targeting');
    expect((await flagsConfigMap()).revision).toBe(rendered.revision);
    const warnings = await kubectl([
      'get',
      'events',
      '-n',
      ns.name,
      '--field-selector',
      'involvedObject.name=broken,type=Warning',
      '-o',
      'jsonpath={.items[*].reason}',
    ]);
    expect(warnings).toContain('InvalidFlags');

    // A rollout abort engages the kill switch: the safe variant for everyone, a condition and an Event.
    await setRollout({ phase: 'Aborted', stableVersion: '1.0.0', canaryVersion: '1.1.0' });
    const engaged = await waitFor('KillSwitchEngaged', async () =>
      (await conditions(ns.name, 'checkout', 'featureflagset')).find(
        (c) => c.type === 'KillSwitchEngaged' && c.status === 'True',
      ),
    );
    expect(engaged.reason).toBe('RolloutAborted');
    const switched = await waitFor('ConfigMap with the safe variant', async () => {
      const now = await flagsConfigMap();
      return now.revision !== rendered.revision ? now : undefined;
    });
    expect(evaluate(switched.text, 'new-checkout', { appVersion: '2.4.0' })).toBe(false);
    expect((await setStatus('checkout'))['flags']).toMatchObject({ killSwitched: 1 });
    const engagedEvents = await kubectl([
      'get',
      'events',
      '-n',
      ns.name,
      '--field-selector',
      'involvedObject.name=checkout,type=Warning',
      '-o',
      'jsonpath={.items[*].reason}',
    ]);
    expect(engagedEvents).toContain('RolloutAborted');

    // The next rollout progressing keeps it on; once it succeeds (a new stable version) the flag is back.
    await setRollout({ phase: 'Progressing', stableVersion: '1.0.0', canaryVersion: '1.1.1' });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await flagsConfigMap()).revision).toBe(switched.revision);
    await setRollout({ phase: 'Stable', stableVersion: '1.1.1' });
    await waitFor('KillSwitchEngaged=False', async () =>
      (await conditions(ns.name, 'checkout', 'featureflagset')).find(
        (c) => c.type === 'KillSwitchEngaged' && c.status === 'False' && c.reason === 'KillSwitchReleased',
      ),
    );
    const restored = await waitFor('ConfigMap restored', async () => {
      const now = await flagsConfigMap();
      return now.revision === rendered.revision ? now : undefined;
    });
    expect(evaluate(restored.text, 'new-checkout', { appVersion: '2.4.0' })).toBe(true);
  });
});
