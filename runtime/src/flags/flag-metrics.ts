import { Counter, Gauge, type Registry } from 'prom-client';
import type { EvaluationObserver } from './flag-evaluator.ts';
import type { ReloadOutcome } from './flag-file-source.ts';

/** The flag metrics of the api component. Flag keys and variants are bounded by the configuration. */
export interface FlagMetrics {
  observeEvaluation: EvaluationObserver;
  /** `mobileplane_flags_config_info{revision} 1` for the served revision only: what the operator reads back. */
  serving(revision: string): void;
  reloaded(outcome: ReloadOutcome): void;
  streamClients(count: number): void;
}

/** Metric that carries the revision the pod serves; the operator's delivery probe parses this line. */
export const CONFIG_INFO_METRIC = 'mobileplane_flags_config_info';

export function createFlagMetrics(registry: Registry): FlagMetrics {
  const evaluations = new Counter({
    name: 'mobileplane_flag_evaluations_total',
    help: 'Flag evaluations, by flag key, variant and OpenFeature reason (ERROR with an empty variant on failure).',
    labelNames: ['flag', 'variant', 'reason'] as const,
    registers: [registry],
  });
  const info = new Gauge({
    name: CONFIG_INFO_METRIC,
    help: 'The flag configuration revision this pod serves (value 1 on the served revision).',
    labelNames: ['revision'] as const,
    registers: [registry],
  });
  const reloads = new Counter({
    name: 'mobileplane_flags_config_reloads_total',
    help: 'Reads of the flag configuration file by outcome: applied, invalid (last good kept), missing.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const clients = new Gauge({
    name: 'mobileplane_flags_event_stream_clients',
    help: 'Open OFREP change streams (SSE).',
    registers: [registry],
  });
  // One child per (flag, variant, reason), resolved once: evaluation is the hot path of bulk requests.
  const children = new Map<string, { inc(): void }>();
  return {
    observeEvaluation(flag, variant, reason) {
      const key = `${flag}\u0000${variant}\u0000${reason}`;
      let child = children.get(key);
      if (child === undefined) {
        child = evaluations.labels({ flag, variant, reason });
        children.set(key, child);
      }
      child.inc();
    },
    serving(revision) {
      info.reset();
      info.set({ revision }, 1);
    },
    reloaded(outcome) {
      reloads.inc({ outcome });
    },
    streamClients(count) {
      clients.set(count);
    },
  };
}
