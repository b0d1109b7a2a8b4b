import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import { ApiBlueprint, PageBlueprint, createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { mobileplaneApiRef } from './api/mobileplane-api';
import { MobileplaneClient } from './api/mobileplane-client';
import { isMobileBackendEntity } from './entity/entity-mobileplane-content';
import { rootRouteRef } from './routes';

export const mobileplaneApi = ApiBlueprint.make({
  params: (defineParams) =>
    defineParams({
      api: mobileplaneApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new MobileplaneClient({ discoveryApi, fetchApi }),
    }),
});

export const mobileplanePage = PageBlueprint.make({
  params: {
    path: '/mobileplane',
    title: 'Mobileplane',
    icon: (
      // A phone beside a server stack; inline so the plugin needs no icon package.
      <svg viewBox="0 0 24 24" width="1em" height="1em" fill="currentColor" aria-hidden="true">
        <path d="M3 2h8a1 1 0 0 1 1 1v18a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V3a1 1 0 0 1 1-1zm1 2v14h6V4H4zm10 0h8v5h-8V4zm0 7h8v5h-8v-5zm2 1.5v2h2v-2h-2zm0-7v2h2v-2h-2z" />
      </svg>
    ),
    routeRef: rootRouteRef,
    // The pages bring their own header and tabs.
    noHeader: true,
    loader: () => import('./overview/mobileplane-root').then((m) => <m.MobileplaneRoot />),
  },
});

/** The "Mobileplane" tab on the catalog page of each MobileBackend's Component. */
export const mobileplaneEntityContent = EntityContentBlueprint.make({
  params: {
    path: 'mobileplane',
    title: 'Mobileplane',
    filter: isMobileBackendEntity,
    loader: () => import('./entity/entity-mobileplane-content').then((m) => <m.EntityMobileplaneContent />),
  },
});

/** The Mobileplane frontend plugin for the new frontend system (the package's default export). */
export const mobileplanePlugin = createFrontendPlugin({
  pluginId: 'mobileplane',
  title: 'Mobileplane',
  info: { packageJson: () => import('../package.json') },
  extensions: [mobileplaneApi, mobileplanePage, mobileplaneEntityContent],
  routes: { root: rootRouteRef },
});
