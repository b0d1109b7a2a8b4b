import type { Logger as OpenFeatureLogger } from '@openfeature/core';
import { MemoryStorage } from '@openfeature/flagd-core';

/** A problem flagd finds in a flag document, at a field of the FeatureFlagSet (`spec.flags.x.targeting`). */
export interface FlagdProblem {
  field: string;
  message: string;
}

const silent: OpenFeatureLogger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

function deepestSchemaError(message: string): FlagdProblem | undefined {
  const start = message.indexOf('[');
  if (start < 0) return undefined;
  let errors: { instancePath?: string; message?: string; params?: Record<string, unknown> }[];
  try {
    errors = JSON.parse(message.slice(start)) as typeof errors;
  } catch {
    return undefined;
  }
  if (errors.length === 0) return undefined;
  const deepest = errors.reduce((a, b) => ((b.instancePath ?? '').length > (a.instancePath ?? '').length ? b : a));
  const segments = (deepest.instancePath ?? '').split('/').filter((s) => s !== '');
  const extra = deepest.params?.['additionalProperty'];
  return {
    field: ['spec', ...segments.map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))].join('.'),
    message: `${deepest.message ?? 'invalid'}${typeof extra === 'string' ? ` (${extra})` : ''} (flagd schema)`,
  };
}

/**
 * Checks a flagd document the way the runtime loads it (runtime/src/flags/flag-configuration.ts): flagd's JSON
 * schema, shipped precompiled in flagd-core, in strict mode; then every targeting rule must compile (an unknown
 * operator, a `$ref` to a missing evaluator). The first problem is returned with the field of the
 * FeatureFlagSet at fault; `undefined` when the runtime would accept the document.
 */
export function flagdProblem(document: {
  flags: Record<string, unknown>;
  [key: string]: unknown;
}): FlagdProblem | undefined {
  const storage = new MemoryStorage(silent);
  try {
    storage.setConfigurations(JSON.stringify(document), true);
  } catch (error) {
    const message = (error as Error).message;
    const cause = (error as { cause?: unknown }).cause;
    return (
      deepestSchemaError(message) ?? {
        field: 'spec.flags',
        message: cause instanceof Error ? cause.message : message,
      }
    );
  }
  for (const [key, flag] of storage.getFlags()) {
    const result = flag.evaluate({}, silent);
    if (result.reason === 'ERROR' && result.errorCode === 'PARSE_ERROR') {
      return {
        field: `spec.flags.${key}.targeting`,
        message: 'the targeting rule does not compile (unknown operator or $ref)',
      };
    }
  }
  return undefined;
}
