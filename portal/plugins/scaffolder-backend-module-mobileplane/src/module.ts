import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { mobileplaneClustersServiceRef } from '@mobileplane/backstage-plugin-mobileplane-node';
import { createBackendAction, createEnvironmentAction } from './create-actions';

/** Scaffolder module: the `mobileplane:backend:create` and `mobileplane:environment:create` actions. */
export const scaffolderModuleMobileplane = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'mobileplane',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        clusters: mobileplaneClustersServiceRef,
        permissions: coreServices.permissions,
      },
      async init({ scaffolder, clusters, permissions }) {
        scaffolder.addActions(
          createBackendAction({ clusters, permissions }),
          createEnvironmentAction({ clusters, permissions }),
        );
      },
    });
  },
});
