import { z } from 'zod';
import { listMap } from '../schema/list-types.ts';
import { dnsLabel } from '../schema/object-meta.ts';

/** Most flags one FeatureFlagSet holds (and variants per flag): bounds the size of the CR and CEL's cost. */
export const MAX_FLAGS_PER_SET = 200;
export const MAX_VARIANTS_PER_FLAG = 32;
export const MAX_EVALUATORS_PER_SET = 50;
export const MAX_KILL_SWITCHES = 50;

const PRESERVE = 'x-kubernetes-preserve-unknown-fields';

/** Any JSON value, kept as written (a variant's value: boolean, string, number or object). */
function anyJson(description: string) {
  return z.unknown().meta({ [PRESERVE]: true, description });
}

/** A JSON object kept as written (a JsonLogic rule, metadata). */
function jsonObject(description: string) {
  return z.record(z.string(), z.unknown()).meta({ [PRESERVE]: true, description });
}

/** A map with at most `max` keys, bounded for the API server too (`maxProperties`, which CEL's cost estimate uses). */
function boundedMap<V extends z.ZodType>(value: V, max: number, description: string) {
  return z
    .record(z.string(), value)
    .refine((map) => Object.keys(map).length <= max, { message: `at most ${max} entries` })
    .meta({ maxProperties: max, description });
}

/**
 * One flag in flagd's flag-definition format (https://flagd.dev/reference/flag-definitions/). Cross-field rules
 * are zod refinements, not CEL: variant values are free-form JSON, which has no CEL type, so the API server's CEL
 * cannot see `variants` at all. The operator applies them and reports a breach on the Accepted condition, naming
 * the flag and field (docs/decisions/0500).
 */
export const FlagSpecSchema = z
  .object({
    state: z.enum(['ENABLED', 'DISABLED']).describe('ENABLED flags are evaluated; DISABLED ones are not served.'),
    variants: boundedMap(
      anyJson('The value of this variant: a boolean, string, number or object (all variants of a flag the same type).'),
      MAX_VARIANTS_PER_FLAG,
      'The values the flag can take, by variant name.',
    ),
    defaultVariant: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .describe(
        'Variant served when no targeting rule matches; must be one of variants. Omitted: the client code default.',
      ),
    targeting: jsonObject(
      'JsonLogic rule returning a variant name (flagd operators: fractional, sem_ver, starts_with, ends_with; $ref to spec.$evaluators).',
    ).optional(),
    metadata: jsonObject('Flag metadata (string, number or boolean values), returned with evaluations.').optional(),
  })
  .superRefine((flag, ctx) => {
    if (flag.defaultVariant !== undefined && !Object.hasOwn(flag.variants, flag.defaultVariant)) {
      ctx.addIssue({
        code: 'custom',
        message: `defaultVariant must name one of the flag variants (${Object.keys(flag.variants).join(', ')})`,
        path: ['defaultVariant'],
      });
    }
  })
  .describe('A feature flag.');

const KillSwitchSchema = z
  .object({
    flag: z.string().min(1).max(128).describe('Key of a flag in spec.flags.'),
    variant: z.string().min(1).max(128).describe('The safe variant served while the switch is engaged.'),
  })
  .describe('A flag switched to a safe variant while the backend rollout is aborted or rolled back.');

export const FeatureFlagSetSpecSchema = z
  .object({
    backendRef: z
      .object({ name: dnsLabel('Name of the MobileBackend, in the same namespace.', 48) })
      .describe('The MobileBackend whose api serves these flags.'),
    flags: boundedMap(FlagSpecSchema, MAX_FLAGS_PER_SET, 'Flags by key, in flagd format.'),
    $evaluators: boundedMap(
      anyJson('A JsonLogic fragment.'),
      MAX_EVALUATORS_PER_SET,
      'Shared JsonLogic fragments that targeting rules reuse with {"$ref": "<name>"}.',
    ).optional(),
    metadata: jsonObject('Flag set metadata (string, number or boolean values), returned with evaluations.').optional(),
    killSwitches: listMap(KillSwitchSchema, ['flag'], MAX_KILL_SWITCHES)
      .optional()
      .describe(
        'Flags switched to a safe variant automatically when a rollout of the backend aborts or rolls back, and back when a new rollout succeeds. Each names a flag of spec.flags and one of its variants.',
      ),
  })
  .superRefine((spec, ctx) => {
    (spec.killSwitches ?? []).forEach((k, index) => {
      const flag = spec.flags[k.flag];
      if (flag === undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `flag ${k.flag} is not in spec.flags`,
          path: ['killSwitches', index, 'flag'],
        });
      } else if (!Object.hasOwn(flag.variants, k.variant)) {
        ctx.addIssue({
          code: 'custom',
          message: `variant ${k.variant} is not a variant of flag ${k.flag}`,
          path: ['killSwitches', index, 'variant'],
        });
      }
    });
  })
  .describe('Desired state of a FeatureFlagSet.');

export type FeatureFlagSetSpec = z.output<typeof FeatureFlagSetSpecSchema>;
export type FeatureFlagSetSpecInput = z.input<typeof FeatureFlagSetSpecSchema>;
export type FlagSpec = z.output<typeof FlagSpecSchema>;
export type KillSwitch = z.output<typeof KillSwitchSchema>;
