import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import { ENVIRONMENT_TIERS } from '@mobileplane/api';
import { MOBILE_BACKEND_RESOURCE_TYPE } from '@mobileplane/backstage-plugin-mobileplane-common';
import type { MobileBackendView } from '@mobileplane/backstage-plugin-mobileplane-common';
import { z } from 'zod';

/** Backends are not queried through the permission framework (no list filtering by condition), so no query type. */
type MobileBackendQuery = never;

export const mobileBackendPermissionResourceRef = createPermissionResourceRef<
  MobileBackendView,
  MobileBackendQuery
>().with({ pluginId: 'mobileplane', resourceType: MOBILE_BACKEND_RESOURCE_TYPE });

const notQueryable = (): never => {
  throw new Error('mobileplane backend permission rules are evaluated on loaded resources only');
};

/** The backend lives in an environment of one of these tiers. */
export const isInTier = createPermissionRule({
  name: 'IS_IN_TIER',
  description: 'Allow when the MobileBackend lives in an environment of one of the given tiers',
  resourceRef: mobileBackendPermissionResourceRef,
  paramsSchema: z.object({ tiers: z.array(z.enum(ENVIRONMENT_TIERS)).describe('dev, staging or prod') }),
  apply: (backend, { tiers }) => backend.tier !== undefined && tiers.includes(backend.tier),
  toQuery: notQueryable,
});

/**
 * The backend's team (its environment's `spec.team`) is one of the user's ownership refs, as `group:<namespace>/<team>`
 * in any namespace of the catalog. A backend outside any environment has no owner and matches nobody.
 */
export const isOwnedByTeamOf = createPermissionRule({
  name: 'IS_OWNED_BY_TEAM_OF',
  description: "Allow when the MobileBackend's environment belongs to a team among the given ownership refs",
  resourceRef: mobileBackendPermissionResourceRef,
  paramsSchema: z.object({ claims: z.array(z.string()).describe('ownership entity refs of the user') }),
  apply: (backend, { claims }) => {
    if (!backend.team) return false;
    const team = backend.team.toLowerCase();
    return claims.some((claim) => {
      const match = /^group:(?:[^/]+\/)?(.+)$/i.exec(claim);
      return match?.[1]?.toLowerCase() === team;
    });
  },
  toQuery: notQueryable,
});

export const mobileBackendPermissionRules = { isInTier, isOwnedByTeamOf };

/** `conditions.isInTier(...)` and `createMobileBackendConditionalDecision(...)` for permission policies. */
export const {
  conditions: mobileBackendConditions,
  createConditionalDecision: createMobileBackendConditionalDecision,
} = createConditionExports({ resourceRef: mobileBackendPermissionResourceRef, rules: mobileBackendPermissionRules });
