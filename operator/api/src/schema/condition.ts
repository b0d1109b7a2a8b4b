import { z } from 'zod';
import { listMap } from './list-types.ts';

/** RFC 3339 timestamp as the API server writes it (`2025-01-02T03:04:05Z`). */
export function timestamp(description: string) {
  return z.iso.datetime({ offset: true }).describe(description);
}

/**
 * One status condition, the same shape as `metav1.Condition`, so `kubectl wait --for=condition=Ready` and every
 * tool that understands conditions work unchanged.
 */
export const ConditionSchema = z
  .object({
    type: z
      .string()
      .min(1)
      .max(316)
      .regex(
        /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/,
      )
      .describe('Type of condition in CamelCase, for example Ready, Progressing or Degraded.'),
    status: z.enum(['True', 'False', 'Unknown']).describe('Status of the condition: True, False or Unknown.'),
    reason: z
      .string()
      .min(1)
      .max(1024)
      .regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/)
      .describe('Programmatic identifier of the last transition, in CamelCase, for example ComponentsAvailable.'),
    message: z.string().max(32768).describe('Human-readable details about the last transition.'),
    lastTransitionTime: timestamp('When the condition last changed from one status to another.'),
    observedGeneration: z.int().min(0).optional().describe('The .metadata.generation the condition was computed from.'),
  })
  .describe('A condition of the resource, as in metav1.Condition.');

export type Condition = z.output<typeof ConditionSchema>;

/** `status.conditions`, keyed by type. */
export function conditionList(description: string) {
  return listMap(ConditionSchema, ['type'], 32).describe(description);
}
