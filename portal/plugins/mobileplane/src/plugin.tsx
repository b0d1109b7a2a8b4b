import { PageBlueprint, createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { rootRouteRef } from './routes';

export const mobileplanePage = PageBlueprint.make({
  params: {
    path: '/mobileplane',
    routeRef: rootRouteRef,
    // The page brings its own header.
    noHeader: true,
    loader: () => import('./overview/mobileplane-page').then((m) => <m.MobileplanePage />),
  },
});

/** The Mobileplane frontend plugin for the new frontend system (the package's default export). */
export const mobileplanePlugin = createFrontendPlugin({
  pluginId: 'mobileplane',
  title: 'Mobileplane',
  info: { packageJson: () => import('../package.json') },
  extensions: [mobileplanePage],
  routes: { root: rootRouteRef },
});
