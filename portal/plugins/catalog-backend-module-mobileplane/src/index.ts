/**
 * Catalog backend module for Mobileplane: each MobileBackend a `Component` (type `mobile-backend`) that dependsOn its
 * environment, each MobileEnvironment a `Resource` (type `environment`), owned by the environment's team.
 *
 * @packageDocumentation
 */
export { catalogModuleMobileplane as default } from './module';
export { MobileplaneEntityProvider } from './mobileplane-entity-provider';
export {
  BACKEND_ANNOTATION,
  ENVIRONMENT_ANNOTATION,
  backendEntity,
  backendEntityName,
  environmentEntity,
} from './mobileplane-entities';
