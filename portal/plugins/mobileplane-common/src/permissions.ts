import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Resource type of the MobileBackend permissions that a policy may decide per backend (conditional decisions),
 * for example "only the owning team promotes or deletes in prod". Resource refs are
 * `<cluster>:<namespace>/<name>` (see `mobileBackendResourceRef`).
 */
export const MOBILE_BACKEND_RESOURCE_TYPE = 'mobileplane-backend';

/** See and list MobileBackends (and their metrics). */
export const mobileBackendReadPermission = createPermission({
  name: 'mobileplane.backend.read',
  attributes: { action: 'read' },
});

/** Create a MobileBackend. Not a resource permission: the backend does not exist yet. */
export const mobileBackendCreatePermission = createPermission({
  name: 'mobileplane.backend.create',
  attributes: { action: 'create' },
});

/** Change a MobileBackend's spec. */
export const mobileBackendUpdatePermission = createPermission({
  name: 'mobileplane.backend.update',
  attributes: { action: 'update' },
  resourceType: MOBILE_BACKEND_RESOURCE_TYPE,
});

/** Delete a MobileBackend. */
export const mobileBackendDeletePermission = createPermission({
  name: 'mobileplane.backend.delete',
  attributes: { action: 'delete' },
  resourceType: MOBILE_BACKEND_RESOURCE_TYPE,
});

/** Promote or abort a MobileBackend's rollout. */
export const mobileBackendRolloutPermission = createPermission({
  name: 'mobileplane.backend.rollout',
  attributes: { action: 'update' },
  resourceType: MOBILE_BACKEND_RESOURCE_TYPE,
});

/**
 * Turn a feature flag of a backend on or off (its FeatureFlagSets). A resource permission on the backend the set
 * references, so a policy can keep a backend's prod flags to its team like its rollouts.
 */
export const mobileBackendFlagsUpdatePermission = createPermission({
  name: 'mobileplane.backend.flags.update',
  attributes: { action: 'update' },
  resourceType: MOBILE_BACKEND_RESOURCE_TYPE,
});

/** See and list MobileEnvironments. */
export const mobileEnvironmentReadPermission = createPermission({
  name: 'mobileplane.environment.read',
  attributes: { action: 'read' },
});

/** Request (create) a MobileEnvironment. */
export const mobileEnvironmentCreatePermission = createPermission({
  name: 'mobileplane.environment.create',
  attributes: { action: 'create' },
});

/** Delete a MobileEnvironment (and so its namespace). */
export const mobileEnvironmentDeletePermission = createPermission({
  name: 'mobileplane.environment.delete',
  attributes: { action: 'delete' },
});

/** Every permission the Mobileplane plugins check, for the permission registry. */
export const mobileplanePermissions = [
  mobileBackendReadPermission,
  mobileBackendCreatePermission,
  mobileBackendUpdatePermission,
  mobileBackendDeletePermission,
  mobileBackendRolloutPermission,
  mobileBackendFlagsUpdatePermission,
  mobileEnvironmentReadPermission,
  mobileEnvironmentCreatePermission,
  mobileEnvironmentDeletePermission,
];
