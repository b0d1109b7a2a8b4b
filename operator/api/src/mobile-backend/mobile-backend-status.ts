import { z } from 'zod';
import { conditionList, timestamp } from '../schema/condition.ts';
import { listMap } from '../schema/list-types.ts';
import { COMPONENT_NAMES, type ComponentName } from './component-spec.ts';

/** Condition types a MobileBackend reports. `Ready` is what `kubectl wait --for=condition=Ready` waits for. */
export const MOBILE_BACKEND_CONDITION_TYPES = [
  'Ready',
  'Progressing',
  'Degraded',
  'CertificatesReady',
  'RolloutHealthy',
] as const;
export type MobileBackendConditionType = (typeof MOBILE_BACKEND_CONDITION_TYPES)[number];

/** Phases of a rollout, shown in the Rollout printer column. */
export const ROLLOUT_PHASES = ['Stable', 'Progressing', 'Paused', 'Promoting', 'Aborted', 'RolledBack'] as const;
export type RolloutPhase = (typeof ROLLOUT_PHASES)[number];

const count = (description: string) => z.int().min(0).optional().describe(description);

const ComponentStatusSchema = z
  .object({
    replicas: count('Pods of the stable Deployment.'),
    readyReplicas: count('Ready pods of the stable Deployment.'),
    updatedReplicas: count('Pods of the stable Deployment running its current template.'),
    revision: z.string().max(128).optional().describe('Hash of the stable pod template.'),
    canaryReplicas: count('Pods of the canary Deployment, during a rollout.'),
    canaryRevision: z.string().max(128).optional().describe('Hash of the canary pod template, during a rollout.'),
  })
  .describe('Observed state of one component.');

const RolloutStatusSchema = z
  .object({
    phase: z
      .enum(ROLLOUT_PHASES)
      .describe(
        'Stable: nothing to roll out. Progressing: moving through the steps. Paused: waiting for a manual promote. Promoting: going to 100%. Aborted: stopped by hand. RolledBack: analysis failed.',
      ),
    step: z.int().min(0).optional().describe('Index of the current step in spec.rollout.steps.'),
    weight: z.int().min(0).max(100).optional().describe('Percent of traffic the canary receives now.'),
    stableVersion: z.string().max(128).optional().describe('runtime.version of the stable pods.'),
    canaryVersion: z.string().max(128).optional().describe('runtime.version of the canary pods, during a rollout.'),
    failedChecks: count('Failed analysis checks in this rollout so far.'),
    startedAt: timestamp('When the current rollout started.').optional(),
    message: z.string().max(32768).optional().describe('Why the rollout is in this phase.'),
  })
  .describe('Progress of the current (or last) rollout.');

const EndpointSchema = z
  .object({
    name: z.string().min(1).max(63).describe('What the endpoint serves, for example api, auth or ofrep.'),
    url: z.string().min(1).max(2048).describe('URL clients use.'),
  })
  .describe('An address the backend is reachable at.');

const componentStatuses = Object.fromEntries(
  COMPONENT_NAMES.map((name) => [name, ComponentStatusSchema.optional().describe(`Observed state of ${name}.`)]),
) as Record<ComponentName, z.ZodOptional<typeof ComponentStatusSchema>>;

export const MobileBackendStatusSchema = z
  .object({
    observedGeneration: z.int().min(0).optional().describe('The .metadata.generation this status was computed from.'),
    conditions: conditionList('Ready, Progressing, Degraded, CertificatesReady and RolloutHealthy.').optional(),
    components: z.object(componentStatuses).optional().describe('Observed state of each enabled component.'),
    rollout: RolloutStatusSchema.optional(),
    endpoints: listMap(EndpointSchema, ['name'], 16).optional().describe('Addresses the backend serves, by name.'),
  })
  .describe('Observed state of the backend, written by the operator.');

export type MobileBackendStatus = z.output<typeof MobileBackendStatusSchema>;
export type ComponentStatus = z.output<typeof ComponentStatusSchema>;
export type RolloutStatus = z.output<typeof RolloutStatusSchema>;
export type Endpoint = z.output<typeof EndpointSchema>;
