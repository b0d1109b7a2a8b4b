/**
 * Scaffolder backend module for Mobileplane: `mobileplane:backend:create` and `mobileplane:environment:create`, both
 * with dry-run, and a software template using them (`templates/mobile-backend.yaml`).
 *
 * @packageDocumentation
 */
export { scaffolderModuleMobileplane as default } from './module';
export { createBackendAction, createEnvironmentAction } from './create-actions';
