/**
 * Backstage frontend plugin for Mobileplane. The default export is the plugin for the new frontend system; the
 * legacy plugin and its page extension keep it usable in apps on `@backstage/core-app-api`.
 *
 * @packageDocumentation
 */
export { mobileplanePlugin as default } from './plugin';
export { legacyMobileplanePlugin, MobileplanePage } from './legacy-plugin';
export { FieldErrorsError, mobileplaneApiRef } from './api/mobileplane-api';
export type { MobileplaneApi } from './api/mobileplane-api';
export { MobileplaneClient } from './api/mobileplane-client';
export { BackendDetails } from './backends/backend-details';
export { EntityMobileplaneContent, isMobileBackendEntity } from './entity/entity-mobileplane-content';
export { ResourceConditions } from './conditions/resource-conditions';
export type { ResourceConditionsProps } from './conditions/resource-conditions';
export { readiness } from './conditions/readiness';
export type { Readiness, ReadinessState } from './conditions/readiness';
export type { ResourceCondition, ResourceStatusView } from './conditions/resource-status';
