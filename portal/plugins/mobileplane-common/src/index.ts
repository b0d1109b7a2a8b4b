/**
 * Shared by the Mobileplane Backstage plugins: the REST API's resource views and request validation (on the
 * schemas of `@mobileplane/api`), the rollout-action contract and the permissions.
 *
 * @packageDocumentation
 */
export * from './permissions';
export * from './resource-views';
export * from './resource-requests';
export * from './rollout-actions';
