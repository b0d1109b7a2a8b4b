import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createFlagMetrics } from './flag-metrics.ts';

describe('flag metrics', () => {
  it('exports evaluation totals by flag, variant and reason at scrape time', async () => {
    const registry = new Registry();
    const metrics = createFlagMetrics(registry);
    metrics.observeEvaluation('new-checkout', 'on', 'TARGETING_MATCH');
    metrics.observeEvaluation('new-checkout', 'on', 'TARGETING_MATCH');
    metrics.observeEvaluation('home-layout', '', 'ERROR');
    let text = await registry.metrics();
    expect(text).toContain(
      'mobileplane_flag_evaluations_total{flag="new-checkout",variant="on",reason="TARGETING_MATCH"} 2',
    );
    expect(text).toContain('mobileplane_flag_evaluations_total{flag="home-layout",variant="",reason="ERROR"} 1');
    metrics.observeEvaluation('new-checkout', 'on', 'TARGETING_MATCH');
    text = await registry.metrics();
    expect(text).toContain(
      'mobileplane_flag_evaluations_total{flag="new-checkout",variant="on",reason="TARGETING_MATCH"} 3',
    );
  });

  it('shows only the revision being served', async () => {
    const registry = new Registry();
    const metrics = createFlagMetrics(registry);
    metrics.serving('aaaa');
    metrics.serving('bbbb');
    const text = await registry.metrics();
    expect(text).toContain('mobileplane_flags_config_info{revision="bbbb"} 1');
    expect(text).not.toContain('revision="aaaa"');
  });
});
