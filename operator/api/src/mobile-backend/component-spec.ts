import { z } from 'zod';
import { withCelRules } from '../schema/cel-rules.ts';
import { defaulted } from '../schema/defaulted.ts';
import { resourceRequirements } from '../schema/resource-requirements.ts';

/** The runtime's roles; each becomes its own Deployment (`--component=<name>`). */
export const COMPONENT_NAMES = ['api', 'auth', 'workers', 'push', 'storage'] as const;
export type ComponentName = (typeof COMPONENT_NAMES)[number];

/** Most replicas a component may ask for, directly or through autoscaling. */
export const MAX_COMPONENT_REPLICAS = 100;

const AutoscalingSchema = withCelRules(
  z
    .object({
      minReplicas: z
        .int()
        .min(1)
        .max(MAX_COMPONENT_REPLICAS)
        .default(1)
        .describe('Fewest replicas the HorizontalPodAutoscaler keeps. Defaults to 1.'),
      maxReplicas: z
        .int()
        .min(1)
        .max(MAX_COMPONENT_REPLICAS)
        .describe('Most replicas the HorizontalPodAutoscaler may scale to.'),
      targetCPUUtilizationPercentage: z
        .int()
        .min(1)
        .max(100)
        .default(70)
        .describe('Average CPU use, in percent of the CPU request, the autoscaler aims for.'),
    })
    .describe(
      'Scale the component with a HorizontalPodAutoscaler. When set, the autoscaler owns the replica count and replicas is only the starting point.',
    ),
  [
    {
      rule: 'self.minReplicas <= self.maxReplicas',
      message: 'minReplicas must be less than or equal to maxReplicas',
      fieldPath: '.minReplicas',
      holds: (self) => self.minReplicas <= self.maxReplicas,
    },
  ],
);

/** One component of a backend; `enabledByDefault` and `replicas` set this component's defaults. */
export function componentSpec(name: ComponentName, defaults: { enabled: boolean; replicas: number }, role: string) {
  const schema = z
    .object({
      enabled: z
        .boolean()
        .default(defaults.enabled)
        .describe(`Run the ${name} component. Disabling it removes its Deployment, Service and the rest.`),
      replicas: z
        .int()
        .min(0)
        .max(MAX_COMPONENT_REPLICAS)
        .default(defaults.replicas)
        .describe(
          'Number of pods while autoscaling is not set. More than 1 (or autoscaling) needs spec.database: without it each pod has its own embedded database.',
        ),
      resources: resourceRequirements(
        'CPU and memory for each pod. When omitted the operator uses its per-component defaults.',
      ).optional(),
      autoscaling: AutoscalingSchema.optional(),
    })
    .describe(`The ${name} component: ${role}`);
  return defaulted(schema, {});
}

export const ComponentsSchema = defaulted(
  z
    .object({
      // One replica by default: without spec.database more would split the embedded database (decision 0701).
      api: componentSpec('api', { enabled: true, replicas: 1 }, 'versioned REST API, delta sync and realtime feed.'),
      auth: componentSpec('auth', { enabled: true, replicas: 1 }, 'OAuth 2.0 / OpenID Connect for native apps.'),
      workers: componentSpec('workers', { enabled: true, replicas: 1 }, 'durable background jobs.'),
      push: componentSpec('push', { enabled: false, replicas: 1 }, 'push notifications through FCM and APNs.'),
      storage: componentSpec('storage', { enabled: false, replicas: 1 }, 'presigned uploads to object storage.'),
    })
    .describe('The runtime components to run, each as its own Deployment.'),
  {},
);

export type ComponentSpec = z.output<typeof ComponentsSchema>[ComponentName];
export type AutoscalingSpec = z.output<typeof AutoscalingSchema>;
