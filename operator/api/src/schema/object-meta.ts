import { z } from 'zod';
import type { CelRule } from './cel-rules.ts';

/**
 * The part of `metadata` this package reads. Other fields (managedFields, ownerReferences, ...) pass through
 * untouched. The CRD never carries this schema: the API server owns `metadata`.
 */
export const ObjectMetaSchema = z
  .object({
    name: z.string().max(253).optional().describe('Name of the resource, unique within its namespace.'),
    generateName: z.string().max(253).optional().describe('Prefix for a server-generated name.'),
    namespace: z.string().max(63).optional().describe('Namespace of the resource (namespaced kinds only).'),
    uid: z.string().optional().describe('Unique id the API server assigned.'),
    resourceVersion: z.string().optional().describe('Opaque version for optimistic concurrency and watches.'),
    generation: z.int().min(0).optional().describe('Sequence number of spec changes, set by the API server.'),
    labels: z.record(z.string(), z.string()).optional().describe('Labels.'),
    annotations: z.record(z.string(), z.string()).optional().describe('Annotations.'),
    creationTimestamp: z.string().optional().describe('When the resource was created (RFC 3339).'),
    deletionTimestamp: z.string().optional().describe('When deletion was requested (RFC 3339).'),
    finalizers: z.array(z.string()).optional().describe('Finalizers that hold deletion.'),
  })
  .loose()
  .describe('Standard object metadata.');

export type ObjectMeta = z.output<typeof ObjectMetaSchema>;

/** RFC 1035 label: what a Service name must be. */
export const DNS1035_LABEL_PATTERN = '^[a-z]([-a-z0-9]*[a-z0-9])?$';
/** RFC 1123 label: what a Namespace name must be. */
export const DNS1123_LABEL_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

/** A lowercase RFC 1123 label of at most `maxLength` characters (names of things inside a spec). */
export function dnsLabel(description: string, maxLength = 63) {
  return z
    .string()
    .min(1)
    .max(maxLength)
    .regex(new RegExp(DNS1123_LABEL_PATTERN), {
      error: 'must be lowercase letters, digits and "-", starting and ending with a letter or digit',
    })
    .describe(description);
}

/**
 * Root-level rule on `metadata.name` (the only metadata a CRD schema may constrain). Operators derive child
 * object names from it, so it must leave room for their suffixes.
 */
export function metadataNameRule(
  maxLength: number,
  pattern: string,
  why: string,
): CelRule<{ metadata: { name?: string | undefined } }> {
  const regex = new RegExp(pattern);
  return {
    rule: `self.metadata.name.size() <= ${maxLength} && self.metadata.name.matches('${pattern}')`,
    message: `metadata.name must be at most ${maxLength} characters of ${why}`,
    fieldPath: '.metadata.name',
    holds: (self) => {
      const name = self.metadata.name;
      return name === undefined || (name.length <= maxLength && regex.test(name));
    },
  };
}
