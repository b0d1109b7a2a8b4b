import { FEATURE_FLAG_SET_CRD_SOURCE } from '../feature-flag-set/feature-flag-set.ts';
import { MOBILE_BACKEND_CRD_SOURCE } from '../mobile-backend/mobile-backend.ts';
import { MOBILE_ENVIRONMENT_CRD_SOURCE } from '../mobile-environment/mobile-environment.ts';
import { customResourceDefinition, type CustomResourceDefinition } from './custom-resource-definition.ts';
import type { CustomResourceSource } from './custom-resource-source.ts';

/** Every kind of mobileplane.io/v1alpha1 with a CRD, in a stable order. */
export const CRD_SOURCES: readonly CustomResourceSource[] = [
  MOBILE_BACKEND_CRD_SOURCE,
  MOBILE_ENVIRONMENT_CRD_SOURCE,
  FEATURE_FLAG_SET_CRD_SOURCE,
];

/**
 * The CRDs of the API, built in memory from the zod schemas. The operator applies these on start (server-side
 * apply); charts/mobileplane/crds/ holds the same objects as YAML.
 */
export function customResourceDefinitions(): CustomResourceDefinition[] {
  return CRD_SOURCES.map(customResourceDefinition);
}
