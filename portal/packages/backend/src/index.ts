import { createBackend } from '@backstage/backend-defaults';
import { permissionModuleMobileplanePolicy } from '@mobileplane/backstage-plugin-mobileplane-backend';

/**
 * The minimal backend that hosts the Mobileplane plugins and serves the built app: guest sign-in, the catalog with the
 * Mobileplane entity provider, the scaffolder with the Mobileplane actions, permissions with the Mobileplane policy.
 * The custom resources are the source of truth; the catalog and scaffolder keep their own state in SQLite.
 */
const backend = createBackend();
backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'));
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(permissionModuleMobileplanePolicy);
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@mobileplane/backstage-plugin-mobileplane-backend'));
backend.add(import('@mobileplane/backstage-plugin-catalog-backend-module-mobileplane'));
backend.add(import('@mobileplane/backstage-plugin-scaffolder-backend-module-mobileplane'));
backend.start();
