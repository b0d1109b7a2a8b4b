import { z } from 'zod';
/** Secret keys: what a Secret's data map accepts. */
const SECRET_KEY_PATTERN = /^[-._a-zA-Z0-9]+$/;

function secretName() {
  return z
    .string()
    .min(1)
    .max(253)
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: 'must be a valid Secret name' })
    .describe('Name of the Secret, in the same namespace as this resource.');
}

/**
 * A reference to one key of a Secret in the resource's own namespace (cross-namespace references would let a
 * tenant read another's secrets through the operator).
 */
export function secretKeySelector(description: string, defaultKey: string) {
  return z
    .object({
      name: secretName(),
      key: z
        .string()
        .min(1)
        .max(253)
        .regex(SECRET_KEY_PATTERN, { error: 'must be a valid Secret key' })
        .default(defaultKey)
        .describe(`Key within the Secret. Defaults to \`${defaultKey}\`.`),
    })
    .describe(description);
}

/** A reference to a whole Secret in the resource's own namespace, whose keys are documented by the field. */
export function secretReference(description: string) {
  return z
    .object({
      name: secretName(),
    })
    .describe(description);
}
