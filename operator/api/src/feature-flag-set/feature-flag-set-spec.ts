import { z } from 'zod';
import { withCelRules } from '../schema/cel-rules.ts';
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

/** One flag in flagd's flag-definition format (https://flagd.dev/reference/flag-definitions/). */
export const FlagSpecSchema = withCelRules(
  z
    .object({
      state: z.enum(['ENABLED', 'DISABLED']).describe('ENABLED flags are evaluated; DISABLED ones are not served.'),
      variants: boundedMap(
        anyJson(
          'The value of this variant: a boolean, string, number or object (all variants of a flag the same type).',
        ),
        MAX_VARIANTS_PER_FLAG,
        'The values the flag can take, by variant name.',
      ),
      defaultVariant: z
        .string()
        .min(1)
        .max(128)
        .optional()
        .describe('Variant served when no targeting rule matches. Omitted: the client code default.'),
      targeting: jsonObject(
        'JsonLogic rule returning a variant name (flagd operators: fractional, sem_ver, starts_with, ends_with; $ref to spec.$evaluators).',
      ).optional(),
      metadata: jsonObject('Flag metadata (string, number or boolean values), returned with evaluations.').optional(),
    })
    .describe('A feature flag.'),
  [
    {
      rule: '!has(self.defaultVariant) || self.defaultVariant in self.variants',
      message: 'defaultVariant must name one of the flag variants',
      fieldPath: '.defaultVariant',
      holds: (flag) => flag.defaultVariant === undefined || Object.hasOwn(flag.variants, flag.defaultVariant),
    },
  ],
);

const KillSwitchSchema = z
  .object({
    flag: z.string().min(1).max(128).describe('Key of a flag in spec.flags.'),
    variant: z.string().min(1).max(128).describe('The safe variant served while the switch is engaged.'),
  })
  .describe('A flag switched to a safe variant while the backend rollout is aborted or rolled back.');

export const FeatureFlagSetSpecSchema = withCelRules(
  z
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
      metadata: jsonObject(
        'Flag set metadata (string, number or boolean values), returned with evaluations.',
      ).optional(),
      killSwitches: listMap(KillSwitchSchema, ['flag'], MAX_KILL_SWITCHES)
        .optional()
        .describe(
          'Flags switched to a safe variant automatically when a rollout of the backend aborts or rolls back, and back when a new rollout succeeds.',
        ),
    })
    .describe('Desired state of a FeatureFlagSet.'),
  [
    {
      rule: '!has(self.killSwitches) || self.killSwitches.all(k, k.flag in self.flags && k.variant in self.flags[k.flag].variants)',
      message: 'killSwitches: every flag must be a key of spec.flags and every variant one of that flag variants',
      fieldPath: '.killSwitches',
      holds: (spec) =>
        (spec.killSwitches ?? []).every((k) => {
          const flag = spec.flags[k.flag];
          return flag !== undefined && Object.hasOwn(flag.variants, k.variant);
        }),
    },
  ],
);

export type FeatureFlagSetSpec = z.output<typeof FeatureFlagSetSpecSchema>;
export type FeatureFlagSetSpecInput = z.input<typeof FeatureFlagSetSpecSchema>;
export type FlagSpec = z.output<typeof FlagSpecSchema>;
export type KillSwitch = z.output<typeof KillSwitchSchema>;
