/**
 * @mobileplane/api — the mobileplane.io/v1alpha1 API. The zod schemas here are the single source of truth:
 * the TypeScript types are inferred from them, the CRDs (charts/mobileplane/crds/) and the portal's form
 * schemas (operator/api/generated/) are generated from them, and `validate*()` applies the same rules the API
 * server applies from the CRDs.
 */

// Group, version and kinds.
export { API_VERSION, GROUP, KINDS, VERSION, crdName, isMobileplaneKind } from './group-version.ts';
export type { KindName } from './group-version.ts';

// MobileBackend.
export {
  MAX_MOBILE_BACKEND_NAME_LENGTH,
  MOBILE_BACKEND_CRD_SOURCE,
  MobileBackendSchema,
} from './mobile-backend/mobile-backend.ts';
export type { MobileBackend, MobileBackendInput } from './mobile-backend/mobile-backend.ts';
export { MobileBackendSpecSchema, RuntimeSpecSchema } from './mobile-backend/mobile-backend-spec.ts';
export type { MobileBackendSpec, MobileBackendSpecInput, RuntimeSpec } from './mobile-backend/mobile-backend-spec.ts';
export { COMPONENT_NAMES, ComponentsSchema, MAX_COMPONENT_REPLICAS } from './mobile-backend/component-spec.ts';
export type { AutoscalingSpec, ComponentName, ComponentSpec } from './mobile-backend/component-spec.ts';
export { AuthSpecSchema, MAX_ACCESS_TOKEN_TTL } from './mobile-backend/auth-spec.ts';
export type { AuthSpec, OidcProviderSpec } from './mobile-backend/auth-spec.ts';
export { DatabaseSpecSchema } from './mobile-backend/database-spec.ts';
export type { DatabaseSpec } from './mobile-backend/database-spec.ts';
export { MAX_PRESIGNED_URL_TTL, StorageSpecSchema } from './mobile-backend/storage-spec.ts';
export type { StorageSpec } from './mobile-backend/storage-spec.ts';
export { PushSpecSchema, hasPushProvider } from './mobile-backend/push-spec.ts';
export type { PushSpec } from './mobile-backend/push-spec.ts';
export { RateLimitsSpecSchema } from './mobile-backend/rate-limits-spec.ts';
export type { RateLimitsSpec } from './mobile-backend/rate-limits-spec.ts';
export {
  MAX_CERTIFICATE_LIFETIME,
  MIN_CERTIFICATE_LIFETIME,
  SecuritySpecSchema,
} from './mobile-backend/security-spec.ts';
export type { SecuritySpec } from './mobile-backend/security-spec.ts';
export { MAX_ROLLOUT_STEPS, RolloutSpecSchema } from './mobile-backend/rollout-spec.ts';
export type { CanaryStep, CohortSpec, RolloutSpec } from './mobile-backend/rollout-spec.ts';
export {
  MOBILE_BACKEND_CONDITION_TYPES,
  MobileBackendStatusSchema,
  ROLLOUT_PHASES,
} from './mobile-backend/mobile-backend-status.ts';
export type {
  ComponentStatus,
  Endpoint,
  MobileBackendConditionType,
  MobileBackendStatus,
  RolloutPhase,
  RolloutStatus,
} from './mobile-backend/mobile-backend-status.ts';

// MobileEnvironment.
export {
  MOBILE_ENVIRONMENT_CONDITION_TYPES,
  MOBILE_ENVIRONMENT_CRD_SOURCE,
  MobileEnvironmentSchema,
  MobileEnvironmentStatusSchema,
} from './mobile-environment/mobile-environment.ts';
export type {
  MobileEnvironment,
  MobileEnvironmentInput,
  MobileEnvironmentStatus,
} from './mobile-environment/mobile-environment.ts';
export {
  DELETION_POLICIES,
  ENVIRONMENT_ROLES,
  ENVIRONMENT_TIERS,
  MobileEnvironmentSpecSchema,
  effectiveDeletionPolicy,
} from './mobile-environment/mobile-environment-spec.ts';
export type {
  DeletionPolicy,
  EnvironmentTier,
  MobileEnvironmentSpec,
  MobileEnvironmentSpecInput,
} from './mobile-environment/mobile-environment-spec.ts';

// FeatureFlagSet.
export {
  FEATURE_FLAG_SET_CONDITION_TYPES,
  FEATURE_FLAG_SET_CRD_SOURCE,
  FeatureFlagSetSchema,
  FeatureFlagSetStatusSchema,
} from './feature-flag-set/feature-flag-set.ts';
export type { FeatureFlagSet, FeatureFlagSetInput, FeatureFlagSetStatus } from './feature-flag-set/feature-flag-set.ts';
export {
  FeatureFlagSetSpecSchema,
  FlagSpecSchema,
  MAX_FLAGS_PER_SET,
  MAX_KILL_SWITCHES,
} from './feature-flag-set/feature-flag-set-spec.ts';
export type {
  FeatureFlagSetSpec,
  FeatureFlagSetSpecInput,
  FlagSpec,
  KillSwitch,
} from './feature-flag-set/feature-flag-set-spec.ts';
export { parseFeatureFlagSet, validateFeatureFlagSet } from './feature-flag-set/validate-feature-flag-set.ts';

// Shared building blocks.
export { ConditionSchema } from './schema/condition.ts';
export type { Condition } from './schema/condition.ts';
export type { ObjectMeta } from './schema/object-meta.ts';
export { parseDuration } from './schema/duration.ts';
export { parseQuantity } from './schema/quantity.ts';
export type { Quantity } from './schema/quantity.ts';

// Validation (webhooks, portal, controller).
export {
  InvalidResourceError,
  formatFieldPath,
  parseMobileBackend,
  parseMobileEnvironment,
  validateMobileBackend,
  validateMobileBackendSpec,
  validateMobileEnvironment,
  validateMobileEnvironmentSpec,
} from './validation/validate-resource.ts';
export type { FieldError, ValidationResult } from './validation/validate-resource.ts';

// CRDs and form schemas, built in memory.
export { CRD_LABELS, customResourceDefinition, openApiV3Schema } from './crd/custom-resource-definition.ts';
export type { CustomResourceDefinition } from './crd/custom-resource-definition.ts';
export { CRD_SOURCES, customResourceDefinitions } from './crd/custom-resource-definitions.ts';
export type { CustomResourceSource, PrinterColumn } from './crd/custom-resource-source.ts';
export type { JSONSchemaProps } from './crd/structural-schema.ts';
export { formSchema } from './form-schema/form-schema.ts';
export type { FormSchemaKind, JsonSchemaDocument } from './form-schema/form-schema.ts';
