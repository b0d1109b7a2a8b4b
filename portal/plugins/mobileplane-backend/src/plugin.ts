import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import {
  mobileplanePermissions,
  parseMobileBackendResourceRef,
} from '@mobileplane/backstage-plugin-mobileplane-common';
import { mobileplaneClustersServiceRef } from '@mobileplane/backstage-plugin-mobileplane-node';
import { loadBackendView } from './backends/backend-routes';
import { createHttpRouter, unauthenticatedPaths } from './http-router';
import { RequestAccess } from './http/request-access';
import { mobileBackendPermissionResourceRef, mobileBackendPermissionRules } from './permissions/permission-rules';

/**
 * The Mobileplane backend plugin. Stateless: the custom resources in the cluster are the source of truth, so it asks
 * for no database.
 */
export const mobileplanePlugin = createBackendPlugin({
  pluginId: 'mobileplane',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        logger: coreServices.logger,
        clusters: mobileplaneClustersServiceRef,
      },
      async init({ httpRouter, httpAuth, permissions, permissionsRegistry, auditor, logger, clusters }) {
        permissionsRegistry.addResourceType({
          resourceRef: mobileBackendPermissionResourceRef,
          permissions: mobileplanePermissions,
          rules: Object.values(mobileBackendPermissionRules),
          getResources: (resourceRefs) =>
            Promise.all(
              resourceRefs.map(async (resourceRef) => {
                const ref = parseMobileBackendResourceRef(resourceRef);
                return ref ? loadBackendView(clusters, ref) : undefined;
              }),
            ),
        });
        const access = new RequestAccess({ httpAuth, permissions, auditor });
        httpRouter.use(createHttpRouter({ clusters, access, logger }));
        for (const path of unauthenticatedPaths) {
          httpRouter.addAuthPolicy({ path, allow: 'unauthenticated' });
        }
      },
    });
  },
});
