import { z } from 'zod';
import {
  AGE_COLUMN,
  MOBILEPLANE_CATEGORY,
  READY_COLUMN,
  type CustomResourceSource,
} from '../crd/custom-resource-source.ts';
import { API_VERSION } from '../group-version.ts';
import { withCelRules } from '../schema/cel-rules.ts';
import { DNS1035_LABEL_PATTERN, ObjectMetaSchema, metadataNameRule } from '../schema/object-meta.ts';
import { MobileBackendSpecSchema } from './mobile-backend-spec.ts';
import { MobileBackendStatusSchema } from './mobile-backend-status.ts';

/**
 * Longest MobileBackend name: child objects are named `<name>-<component>[-canary]`, and the longest,
 * `<name>-storage-canary`, must still be a 63-character DNS-1035 label (Service names are).
 */
export const MAX_MOBILE_BACKEND_NAME_LENGTH = 48;

export const MobileBackendSchema = withCelRules(
  z
    .object({
      apiVersion: z.literal(API_VERSION).describe('mobileplane.io/v1alpha1'),
      kind: z.literal('MobileBackend').describe('MobileBackend'),
      metadata: ObjectMetaSchema,
      spec: MobileBackendSpecSchema,
      status: MobileBackendStatusSchema.optional(),
    })
    .describe(
      'MobileBackend is a mobile app backend (REST API, auth, workers, push, storage) run by the Mobileplane operator, with mTLS between its components and canary rollouts.',
    ),
  [
    metadataNameRule(
      MAX_MOBILE_BACKEND_NAME_LENGTH,
      DNS1035_LABEL_PATTERN,
      'lowercase letters, digits and "-", starting with a letter (child objects are named after it)',
    ),
  ],
);

/** A MobileBackend as read back from the API server or parsed by `validateMobileBackend()`: defaults applied. */
export type MobileBackend = z.output<typeof MobileBackendSchema>;
/** A MobileBackend as written in a manifest: defaulted fields optional. */
export type MobileBackendInput = z.input<typeof MobileBackendSchema>;

export const MOBILE_BACKEND_CRD_SOURCE: CustomResourceSource = {
  kind: 'MobileBackend',
  schema: MobileBackendSchema,
  categories: [MOBILEPLANE_CATEGORY],
  printerColumns: [
    READY_COLUMN,
    { name: 'Version', type: 'string', jsonPath: '.spec.runtime.version', description: 'Runtime version requested.' },
    { name: 'Rollout', type: 'string', jsonPath: '.status.rollout.phase', description: 'Phase of the rollout.' },
    {
      name: 'Weight',
      type: 'integer',
      jsonPath: '.status.rollout.weight',
      description: 'Percent of traffic on the canary.',
      priority: 1,
    },
    AGE_COLUMN,
  ],
};
