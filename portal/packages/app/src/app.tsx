import { SignInPage } from '@backstage/core-components';
import { createApp } from '@backstage/frontend-defaults';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import mobileplanePlugin from '@mobileplane/backstage-plugin-mobileplane';

/** Guest sign-in only: this app is the demo and the browser tests' host, not a production portal. */
const guestSignInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => (props) => <SignInPage {...props} providers={['guest']} />,
  },
});

/** The minimal app: the catalog (to see backends as entities) and the Mobileplane plugin. */
export const app = createApp({
  features: [
    catalogPlugin,
    mobileplanePlugin,
    createFrontendModule({ pluginId: 'app', extensions: [guestSignInPage] }),
  ],
});
