import type { PermissionsService } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { BasicPermission } from '@backstage/plugin-permission-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  mobileBackendCreatePermission,
  mobileEnvironmentCreatePermission,
} from '@mobileplane/backstage-plugin-mobileplane-common';
import {
  FieldValidationError,
  prepareMobileBackend,
  prepareMobileEnvironment,
} from '@mobileplane/backstage-plugin-mobileplane-node';
import type { MobileplaneClusters } from '@mobileplane/backstage-plugin-mobileplane-node';

interface Deps {
  clusters: MobileplaneClusters;
  permissions: PermissionsService;
}

/** The task's initiator must hold the permission: a template is no way around the portal's policy. */
async function authorize(
  permissions: PermissionsService,
  permission: BasicPermission,
  getCredentials: () => Promise<Parameters<PermissionsService['authorize']>[1]['credentials']>,
) {
  const [decision] = await permissions.authorize([{ permission }], { credentials: await getCredentials() });
  if (decision?.result !== AuthorizeResult.ALLOW) throw new NotAllowedError(`not allowed: ${permission.name}`);
}

/** FieldValidationError → InputError whose message names each field, which the scaffolder shows in the task log. */
function asInputError(error: unknown): unknown {
  if (error instanceof FieldValidationError) {
    return new InputError(error.fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }
  return error;
}

/** `mobileplane:backend:create`: a MobileBackend in an environment's namespace, validated by @mobileplane/api. */
export function createBackendAction({ clusters, permissions }: Deps) {
  return createTemplateAction({
    id: 'mobileplane:backend:create',
    description:
      'Creates a MobileBackend in the namespace of a MobileEnvironment. The spec is checked with the schemas the CRD is generated from; in a dry run the API server validates and admits it without storing it.',
    supportsDryRun: true,
    schema: {
      input: {
        cluster: (z) => z.string().optional().describe('Configured cluster; the first one when omitted'),
        namespace: (z) => z.string().describe('Namespace of the MobileEnvironment the backend lives in'),
        name: (z) => z.string().describe('Name of the MobileBackend'),
        spec: (z) =>
          z
            .record(z.unknown())
            .describe('MobileBackend spec (mobileplane.io/v1alpha1), for example {runtime: {version: 1.0.0}}'),
      },
      output: {
        cluster: (z) => z.string(),
        namespace: (z) => z.string(),
        name: (z) => z.string(),
        resourceRef: (z) => z.string().describe('<cluster>:<namespace>/<name>'),
      },
    },
    async handler(ctx) {
      await authorize(permissions, mobileBackendCreatePermission, () => ctx.getInitiatorCredentials());
      try {
        const { client, manifest } = await prepareMobileBackend(clusters, ctx.input);
        const { namespace, name } = manifest.metadata;
        const cluster = client.config.name;
        ctx.logger.info(
          `${ctx.isDryRun ? 'Dry run: creating' : 'Creating'} MobileBackend ${namespace}/${name} in ${cluster}`,
        );
        await client.createBackend(manifest, { dryRun: ctx.isDryRun });
        ctx.output('cluster', cluster);
        ctx.output('namespace', namespace);
        ctx.output('name', name);
        ctx.output('resourceRef', `${cluster}:${namespace}/${name}`);
      } catch (error) {
        throw asInputError(error);
      }
    },
  });
}

/** `mobileplane:environment:create`: a team's MobileEnvironment (namespace, quota, policies, RoleBindings). */
export function createEnvironmentAction({ clusters, permissions }: Deps) {
  return createTemplateAction({
    id: 'mobileplane:environment:create',
    description:
      "Creates a MobileEnvironment: a team's dev, staging or prod namespace. Validated by @mobileplane/api; a dry run stores nothing.",
    supportsDryRun: true,
    schema: {
      input: {
        cluster: (z) => z.string().optional().describe('Configured cluster; the first one when omitted'),
        name: (z) => z.string().describe('Name of the MobileEnvironment (and by default of its namespace)'),
        spec: (z) => z.record(z.unknown()).describe('MobileEnvironment spec: tier, team, groups, quotas'),
      },
      output: {
        cluster: (z) => z.string(),
        name: (z) => z.string(),
      },
    },
    async handler(ctx) {
      await authorize(permissions, mobileEnvironmentCreatePermission, () => ctx.getInitiatorCredentials());
      try {
        const { client, manifest } = prepareMobileEnvironment(clusters, ctx.input);
        ctx.logger.info(
          `${ctx.isDryRun ? 'Dry run: creating' : 'Creating'} MobileEnvironment ${manifest.metadata.name} in ${client.config.name}`,
        );
        await client.createEnvironment(manifest, { dryRun: ctx.isDryRun });
        ctx.output('cluster', client.config.name);
        ctx.output('name', manifest.metadata.name);
      } catch (error) {
        throw asInputError(error);
      }
    },
  });
}
