import { createHash } from 'node:crypto';
import type { EvaluationContext, Logger as OpenFeatureLogger } from '@openfeature/core';
import { FlagdCore, MemoryStorage } from '@openfeature/flagd-core';

/** A flag configuration the evaluator refused, with the field at fault (`flags.new-checkout.targeting`). */
export class FlagConfigurationError extends Error {
  override name = 'FlagConfigurationError';
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

/** A parsed, validated flag configuration: what one revision of the runtime serves. Immutable. */
export interface FlagConfiguration {
  /** Content hash of the configuration text; the operator computes the same one from the text it renders. */
  readonly revision: string;
  readonly core: FlagdCore;
  /** Flag keys whose targeting reads the targeting key (fractional without an explicit seed, `var targetingKey`). */
  readonly needsTargetingKey: ReadonlySet<string>;
  /** True when a rule reads `$flagd.timestamp`: answers then change with time, not only with the configuration. */
  readonly readsTimestamp: boolean;
}

/**
 * Revision of a configuration text: the first 16 hex digits of its SHA-256. The operator writes the same value
 * on the ConfigMap and in FeatureFlagSet status, so "the revision the pods serve" is comparable on both sides.
 */
export function flagConfigRevision(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The text of an empty flag set, served before any configuration exists. */
export const EMPTY_FLAG_CONFIGURATION = '{"flags":{}}';

const silent: OpenFeatureLogger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

interface AjvError {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** `/flags/new-checkout/targeting` → `flags.new-checkout.targeting`. */
function fieldOf(instancePath: string | undefined): string {
  const segments = (instancePath ?? '')
    .split('/')
    .filter((s) => s !== '')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  return segments.length === 0 ? '<root>' : segments.join('.');
}

/**
 * The most specific schema error: flagd's schema nests anyOf/oneOf branches, and the deepest instance path names
 * the field best (the variant of the wrong type rather than "the flag matches no branch").
 */
function schemaError(error: Error): FlagConfigurationError {
  const text = error.message;
  const start = text.indexOf('[');
  let errors: AjvError[] = [];
  try {
    errors = start < 0 ? [] : (JSON.parse(text.slice(start)) as AjvError[]);
  } catch {
    errors = [];
  }
  if (errors.length === 0) {
    const cause = (error as { cause?: unknown }).cause;
    return new FlagConfigurationError('<root>', cause instanceof Error ? cause.message : text);
  }
  const deepest = errors.reduce((a, b) => ((b.instancePath ?? '').length > (a.instancePath ?? '').length ? b : a));
  const extra = deepest.params?.['additionalProperty'];
  const detail = typeof extra === 'string' ? `${deepest.message ?? 'invalid'} (${extra})` : deepest.message;
  return new FlagConfigurationError(fieldOf(deepest.instancePath), `${detail ?? 'invalid'} (flagd schema)`);
}

/** True when a targeting rule reads `targetingKey` (directly, or through `fractional` without its own seed). */
export function readsTargetingKey(rule: unknown): boolean {
  if (Array.isArray(rule)) return rule.some(readsTargetingKey);
  if (rule === null || typeof rule !== 'object') return false;
  for (const [operator, args] of Object.entries(rule as Record<string, unknown>)) {
    if (operator === 'var') {
      const name = Array.isArray(args) ? args[0] : args;
      if (name === 'targetingKey') return true;
    }
    // flagd: `fractional` seeds with $flagd.flagKey + targetingKey unless its first argument is the seed.
    if (operator === 'fractional' && Array.isArray(args) && Array.isArray(args[0])) return true;
    if (readsTargetingKey(args)) return true;
  }
  return false;
}

function resolvedTargeting(document: Record<string, unknown>, key: string): unknown {
  const flags = document['flags'] as Record<string, { targeting?: unknown }>;
  const evaluators = (document['$evaluators'] ?? {}) as Record<string, unknown>;
  const resolve = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(resolve);
    if (node === null || typeof node !== 'object') return node;
    const ref = (node as Record<string, unknown>)['$ref'];
    if (typeof ref === 'string' && Object.keys(node).length === 1) return resolve(evaluators[ref]);
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolve(v)]));
  };
  return resolve(flags[key]?.targeting);
}

/**
 * Parses and validates a flagd flag-definition document (flags, `$evaluators`, metadata) with flagd-core, in
 * strict mode: flagd's JSON schema (flags.json + targeting.json, shipped precompiled in flagd-core) must pass,
 * and every targeting rule must compile (an unknown operator or a `$ref` to a missing evaluator is refused here
 * rather than answered as PARSE_ERROR on every evaluation). Throws `FlagConfigurationError` naming the field.
 */
export function parseFlagConfiguration(text: string): FlagConfiguration {
  let document: Record<string, unknown>;
  try {
    document = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new FlagConfigurationError('<root>', `not JSON: ${(error as Error).message}`);
  }
  const storage = new MemoryStorage(silent);
  try {
    storage.setConfigurations(text, true);
  } catch (error) {
    if ((error as Error).message.includes('[')) throw schemaError(error as Error);
    const cause = (error as { cause?: unknown }).cause;
    throw new FlagConfigurationError('flags', cause instanceof Error ? cause.message : (error as Error).message);
  }
  const core = new FlagdCore(storage, silent);
  const needsTargetingKey = new Set<string>();
  const probe: EvaluationContext = {};
  for (const [key, flag] of core.getFlags()) {
    const result = flag.evaluate(probe, silent);
    if (result.reason === 'ERROR' && result.errorCode === 'PARSE_ERROR') {
      throw new FlagConfigurationError(`flags.${key}.targeting`, 'the targeting rule does not compile');
    }
    if (readsTargetingKey(resolvedTargeting(document, key))) needsTargetingKey.add(key);
  }
  return {
    revision: flagConfigRevision(text),
    core,
    needsTargetingKey,
    readsTimestamp: text.includes('$flagd.timestamp'),
  };
}
