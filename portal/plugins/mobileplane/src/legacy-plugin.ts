import {
  createApiFactory,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { mobileplaneApiRef } from './api/mobileplane-api';
import { MobileplaneClient } from './api/mobileplane-client';
import { legacyRootRouteRef } from './routes';

/** The Mobileplane plugin for apps still on the legacy frontend system (`createApp` from core-app-api). */
export const legacyMobileplanePlugin = createPlugin({
  id: 'mobileplane',
  routes: { root: legacyRootRouteRef },
  apis: [
    createApiFactory({
      api: mobileplaneApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new MobileplaneClient({ discoveryApi, fetchApi }),
    }),
  ],
});

/** The plugin's pages, for a legacy app's `<FlatRoutes>`: `<Route path="/mobileplane" element={<MobileplanePage />} />`. */
export const MobileplanePage = legacyMobileplanePlugin.provide(
  createRoutableExtension({
    name: 'MobileplanePage',
    component: () => import('./overview/mobileplane-root').then((m) => m.MobileplaneRoot),
    mountPoint: legacyRootRouteRef,
  }),
);
