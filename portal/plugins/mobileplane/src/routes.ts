import { createRouteRef as createLegacyRouteRef } from '@backstage/core-plugin-api';
import { createRouteRef } from '@backstage/frontend-plugin-api';

/** The plugin's root page in the new frontend system. */
export const rootRouteRef = createRouteRef();

/** The same page for apps on the legacy frontend system. */
export const legacyRootRouteRef = createLegacyRouteRef({ id: 'mobileplane' });
