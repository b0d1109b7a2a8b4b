import { z } from 'zod';
import { withCelRules } from '../schema/cel-rules.ts';
import { defaulted } from '../schema/defaulted.ts';
import { duration } from '../schema/duration.ts';
import { listMap } from '../schema/list-types.ts';
import { dnsLabel } from '../schema/object-meta.ts';

/** Most canary steps in a rollout. */
export const MAX_ROLLOUT_STEPS = 20;

const CanaryStepSchema = z
  .object({
    weight: z
      .int()
      .min(1)
      .max(100)
      .describe('Percent of traffic (1-100) the canary receives at this step; weights must strictly increase.'),
    pause: duration(
      'How long to hold at this weight, analysing, before the next step. Omit to move on after one analysis interval.',
    ).optional(),
    awaitPromotion: z
      .boolean()
      .default(false)
      .describe('Hold at this step until the rollout is promoted manually (annotation or portal).'),
  })
  .describe('One step of a canary rollout.');

const AnalysisSchema = defaulted(
  z
    .object({
      interval: duration('How often the canary metrics are checked. Defaults to 1m.').default('1m'),
      minSuccessRate: z
        .number()
        .min(0)
        .max(100)
        .default(99)
        .describe('Lowest acceptable share of non-5xx canary responses, in percent.'),
      maxP99Latency: duration('Highest acceptable p99 latency of canary requests, for example 500ms.').default('1s'),
      minRequests: z
        .int()
        .min(0)
        .max(1_000_000)
        .default(50)
        .describe('Canary requests an interval needs before it is judged; quieter intervals are inconclusive.'),
      failureLimit: z.int().min(0).max(10).default(2).describe('Failed checks tolerated; one more aborts the rollout.'),
    })
    .describe('Analysis between steps, from the runtime metrics of the canary pods.'),
  {},
);

const CohortSchema = z
  .object({
    name: dnsLabel('Name of the cohort, for example ios-beta.', 32),
    header: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9!#$%&'*+.^_`|~-]+$/, { error: 'must be a lowercase HTTP header name' })
      .describe('Request header to match, lowercase, for example x-app-version or x-platform.'),
    match: z
      .enum(['Exact', 'RegularExpression'])
      .default('Exact')
      .describe('How value is compared: Exact, or RegularExpression (RE2 syntax).'),
    value: z.string().min(1).max(256).describe('Value to match, for example 4.2.0 or ios.'),
  })
  .describe('Requests whose header matches go to the canary during the whole rollout, whatever the weight.');

const StepsSchema = defaulted(
  withCelRules(
    z
      .array(CanaryStepSchema)
      .min(1)
      .max(MAX_ROLLOUT_STEPS)
      .describe(
        'Canary steps in order. After the last step the canary is promoted to 100% and becomes the stable version.',
      ),
    [
      {
        rule: 'self.map(s, s.weight).isSorted() && self.all(s, self.exists_one(t, t.weight == s.weight))',
        message: 'steps must have strictly increasing weights',
        holds: (self) => self.every((step, i) => i === 0 || step.weight > (self[i - 1]?.weight ?? 0)),
      },
    ],
  ),
  [
    { weight: 10, pause: '5m' },
    { weight: 50, pause: '10m' },
  ],
);

export const RolloutSpecSchema = defaulted(
  z
    .object({
      steps: StepsSchema,
      analysis: AnalysisSchema,
      cohorts: listMap(CohortSchema, ['name'], 10)
        .optional()
        .describe('Cohorts routed to the canary by request header, for example one mobile release or platform.'),
      autoRollback: z
        .boolean()
        .default(true)
        .describe('Roll back to the stable version as soon as analysis fails, instead of pausing.'),
    })
    .describe('How a change of runtime.version (or of the pod template) is rolled out: canary steps and analysis.'),
  {},
);

export type RolloutSpec = z.output<typeof RolloutSpecSchema>;
export type CanaryStep = z.output<typeof CanaryStepSchema>;
export type CohortSpec = z.output<typeof CohortSchema>;
