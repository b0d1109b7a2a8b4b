import { parseFeatureFlagSet, type FeatureFlagSetSpec } from '@mobileplane/api';
import { describe, expect, it } from 'vitest';
import { flagConfigRevision, renderFlagConfiguration, type RenderInput } from './flag-configuration-render.ts';
import { flagdProblem } from './flagd-validation.ts';

function spec(input: Record<string, unknown>): FeatureFlagSetSpec {
  return parseFeatureFlagSet({
    apiVersion: 'mobileplane.io/v1alpha1',
    kind: 'FeatureFlagSet',
    metadata: { name: 'x' },
    spec: { backendRef: { name: 'rides' }, ...input },
  }).spec;
}

const checkout = spec({
  flags: {
    'new-checkout': {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: { if: [{ $ref: 'ios' }, 'on', 'off'] },
    },
  },
  $evaluators: { ios: { '==': [{ var: 'platform' }, 'ios'] } },
  metadata: { team: 'payments' },
  killSwitches: [{ flag: 'new-checkout', variant: 'off' }],
});
const layout = spec({
  flags: { 'home-layout': { state: 'ENABLED', variants: { a: 'a', b: 'b' }, defaultVariant: 'a' } },
});

const input = (name: string, s: FeatureFlagSetSpec, killSwitch?: string): RenderInput => ({
  name,
  spec: s,
  killSwitch,
});

describe('renderFlagConfiguration', () => {
  it('merges sets into one flagd document the runtime accepts, deterministically', () => {
    const a = renderFlagConfiguration([input('checkout', checkout), input('layout', layout)]);
    const b = renderFlagConfiguration([input('layout', layout), input('checkout', checkout)]);
    expect(a.text).toBe(b.text);
    expect(a.revision).toBe(flagConfigRevision(a.text));
    const document = JSON.parse(a.text) as { flags: Record<string, { metadata: Record<string, unknown> }> };
    expect(Object.keys(document.flags).sort()).toEqual(['home-layout', 'new-checkout']);
    expect(document.flags['new-checkout']!.metadata).toEqual({ team: 'payments', flagSetId: 'checkout' });
    expect(flagdProblem(JSON.parse(a.text) as { flags: Record<string, unknown> })).toBeUndefined();
  });

  it('leaves out a set that redefines a flag of an earlier set, naming the flag', () => {
    const dup = spec({ flags: { 'new-checkout': { state: 'DISABLED', variants: { on: true } } } });
    const rendered = renderFlagConfiguration([input('checkout', checkout), input('zz-dup', dup)]);
    expect(rendered.conflicts.get('zz-dup')).toEqual({
      field: 'spec.flags.new-checkout',
      message: 'flag new-checkout is already defined by FeatureFlagSet checkout',
    });
    expect(JSON.parse(rendered.text).flags['new-checkout'].state).toBe('ENABLED');
  });

  it('an engaged kill switch serves the safe variant to everyone, with the reason in the metadata', () => {
    const rendered = renderFlagConfiguration([input('checkout', checkout, 'RolloutAborted')]);
    const flag = JSON.parse(rendered.text).flags['new-checkout'] as Record<string, unknown>;
    expect(flag['targeting']).toBeUndefined();
    expect(flag['defaultVariant']).toBe('off');
    expect(flag['metadata']).toMatchObject({ killSwitch: 'RolloutAborted' });
    expect(rendered.killSwitched.get('checkout')).toBe(1);
    expect(rendered.revision).not.toBe(renderFlagConfiguration([input('checkout', checkout)]).revision);
  });

  it('uses the runtime revision formula (same vector as runtime/src/flags/flag-configuration.test.ts)', () => {
    expect(flagConfigRevision('{"flags":{}}')).toBe('b0c7411faa13dd87');
  });
});

describe('flagdProblem', () => {
  it.each([
    [
      { flags: { f: { state: 'ENABLED', variants: { on: true }, defaultVariant: 'on', targeting: { nope: [] } } } },
      'spec.flags.f.targeting',
    ],
    [
      { flags: { f: { state: 'ENABLED', variants: { on: true, off: 'no' }, defaultVariant: 'on' } } },
      'spec.flags.f.variants',
    ],
  ])('names the field of %j', (document, field) => {
    expect(flagdProblem(document)?.field.startsWith(field)).toBe(true);
  });
});

describe('examples/featureflagset-rides.yaml', () => {
  it('validates, passes flagd and renders', async () => {
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const text = readFileSync(new URL('../../../../examples/featureflagset-rides.yaml', import.meta.url), 'utf8');
    // YAML 1.1, as kubectl reads it: a bare on/off key would be a boolean there (and was, in a first version).
    const resource = parseFeatureFlagSet(parse(text, { version: '1.1' }));
    const { spec: s } = resource;
    expect(flagdProblem({ flags: s.flags, $evaluators: s.$evaluators, metadata: s.metadata } as never)).toBeUndefined();
    const rendered = renderFlagConfiguration([input('rides-app', s, 'RolloutAborted')]);
    const core = new (await import('@openfeature/flagd-core')).FlagdCore();
    core.setConfigurations(rendered.text);
    expect(core.getFlag('nearby-poll')?.evaluate({}).value).toEqual({ intervalSeconds: 15 });
  });
});
