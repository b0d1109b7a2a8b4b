import type { EvaluationContext, FlagMetadata, JsonValue } from '@openfeature/core';
import type { FlagConfiguration } from './flag-configuration.ts';

/** OFREP's successful evaluation of one flag. */
export interface EvaluationSuccess {
  key: string;
  value: JsonValue;
  reason: string;
  variant?: string;
  metadata: FlagMetadata;
}

/** OFREP's failed evaluation of one flag (`errorCode` from the OpenFeature error codes). */
export interface EvaluationFailure {
  key: string;
  errorCode: 'FLAG_NOT_FOUND' | 'TARGETING_KEY_MISSING' | 'PARSE_ERROR' | 'GENERAL';
  errorDetails: string;
  metadata?: FlagMetadata;
}

export type EvaluationResult = EvaluationSuccess | EvaluationFailure;

export function isFailure(result: EvaluationResult): result is EvaluationFailure {
  return 'errorCode' in result;
}

/** Called once per evaluated flag: the metrics hook (`mobileplane_flag_evaluations_total`). */
export type EvaluationObserver = (key: string, variant: string, reason: string) => void;

/**
 * Evaluates one flag with flagd's semantics (flagd-core's `FeatureFlag.evaluate`: JsonLogic, fractional,
 * sem_ver, starts_with/ends_with, `$flagd.*`), mapped to OFREP. A disabled flag is `FLAG_NOT_FOUND`, as flagd's
 * own OFREP service answers; a flag whose targeting reads the targeting key fails with `TARGETING_KEY_MISSING`
 * when the context has none, instead of silently falling back to the default variant.
 */
export function evaluateFlag(
  configuration: FlagConfiguration,
  key: string,
  context: EvaluationContext,
  observe?: EvaluationObserver,
): EvaluationResult {
  const result = evaluate(configuration, key, context);
  if (observe !== undefined) {
    if (isFailure(result)) observe(key, '', 'ERROR');
    else observe(key, result.variant ?? '', result.reason);
  }
  return result;
}

function evaluate(
  configuration: FlagConfiguration,
  key: string,
  context: EvaluationContext,
  flag = configuration.core.getFlag(key),
): EvaluationResult {
  if (flag === undefined || flag.state === 'DISABLED') {
    return {
      key,
      errorCode: 'FLAG_NOT_FOUND',
      errorDetails: flag === undefined ? `flag ${key} not found` : `flag ${key} is disabled`,
    };
  }
  const targetingKey = context.targetingKey;
  if (configuration.needsTargetingKey.has(key) && (typeof targetingKey !== 'string' || targetingKey === '')) {
    return {
      key,
      errorCode: 'TARGETING_KEY_MISSING',
      errorDetails: `flag ${key} targets by targetingKey (the install id); the context has none`,
    };
  }
  const resolution = flag.evaluate(context);
  if (resolution.reason === 'ERROR') {
    const code = resolution.errorCode === 'PARSE_ERROR' ? 'PARSE_ERROR' : 'GENERAL';
    return {
      key,
      errorCode: code,
      errorDetails: resolution.errorMessage ?? `flag ${key} failed to evaluate`,
      metadata: resolution.flagMetadata,
    };
  }
  if (resolution.value === undefined) {
    // No default variant and no rule matched: flagd's "use the code default" answer. OFREP has no value to send,
    // so the provider falls back to the caller's default, as flagd's own OFREP service does.
    return {
      key,
      errorCode: 'FLAG_NOT_FOUND',
      errorDetails: `flag ${key} has no default variant and no rule matched`,
      metadata: resolution.flagMetadata,
    };
  }
  const success: EvaluationSuccess = {
    key,
    value: resolution.value,
    reason: resolution.reason,
    metadata: resolution.flagMetadata,
  };
  if (resolution.variant !== undefined) success.variant = resolution.variant;
  return success;
}

/**
 * Evaluates every enabled flag (OFREP bulk). Disabled flags are left out, as flagd's `resolveAll` does; other
 * failures stay in the list as per-flag errors so a client sees why a flag has no value.
 */
export function evaluateAll(
  configuration: FlagConfiguration,
  context: EvaluationContext,
  observe?: EvaluationObserver,
): EvaluationResult[] {
  const results: EvaluationResult[] = [];
  for (const [key, flag] of configuration.core.getFlags()) {
    if (flag.state === 'DISABLED') continue;
    const result = evaluate(configuration, key, context, flag);
    if (observe !== undefined) {
      if (isFailure(result)) observe(key, '', 'ERROR');
      else observe(key, result.variant ?? '', result.reason);
    }
    results.push(result);
  }
  return results;
}
