import { InvalidResourceError, formatFieldPath, type ValidationResult } from '../validation/validate-resource.ts';
import { FeatureFlagSetSchema, type FeatureFlagSet } from './feature-flag-set.ts';

/**
 * Validates a FeatureFlagSet with the rules the API server applies from the CRD (structure, defaultVariant and
 * kill-switch CEL rules). flagd's own schema (targeting operators, variant types) is checked by the operator,
 * which reports it on the Accepted condition naming the flag and field.
 */
export function validateFeatureFlagSet(resource: unknown): ValidationResult<FeatureFlagSet> {
  const result = FeatureFlagSetSchema.safeParse(resource);
  if (result.success) return { valid: true, value: result.data };
  return {
    valid: false,
    errors: result.error.issues.map((issue) => ({
      field: formatFieldPath(issue.path) || '<root>',
      message: issue.message,
    })),
  };
}

/** A typed FeatureFlagSet; throws `InvalidResourceError` naming every bad field. */
export function parseFeatureFlagSet(resource: unknown): FeatureFlagSet {
  const result = validateFeatureFlagSet(resource);
  if (!result.valid) throw new InvalidResourceError('FeatureFlagSet', result.errors);
  return result.value;
}
