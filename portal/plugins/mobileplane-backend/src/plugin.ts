import { coreServices, createBackendPlugin } from '@backstage/backend-plugin-api';
import { createHttpRouter, unauthenticatedPaths } from './http-router';

/**
 * The Mobileplane backend plugin. Stateless: the custom resources in the cluster are the source of truth, so it asks
 * for no database.
 */
export const mobileplanePlugin = createBackendPlugin({
  pluginId: 'mobileplane',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter },
      async init({ httpRouter }) {
        httpRouter.use(createHttpRouter());
        for (const path of unauthenticatedPaths) {
          httpRouter.addAuthPolicy({ path, allow: 'unauthenticated' });
        }
      },
    });
  },
});
