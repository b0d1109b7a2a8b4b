import { createPlugin, createRoutableExtension } from '@backstage/core-plugin-api';
import { legacyRootRouteRef } from './routes';

/** The Mobileplane plugin for apps still on the legacy frontend system (`createApp` from core-app-api). */
export const legacyMobileplanePlugin = createPlugin({
  id: 'mobileplane',
  routes: { root: legacyRootRouteRef },
});

/** The plugin's page, for a legacy app's `<FlatRoutes>`. */
export const MobileplanePage = legacyMobileplanePlugin.provide(
  createRoutableExtension({
    name: 'MobileplanePage',
    component: () => import('./overview/mobileplane-page').then((m) => m.MobileplanePage),
    mountPoint: legacyRootRouteRef,
  }),
);
