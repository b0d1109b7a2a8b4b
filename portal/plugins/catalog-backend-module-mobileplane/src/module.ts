import { coreServices, createBackendModule } from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { mobileplaneClustersServiceRef } from '@mobileplane/backstage-plugin-mobileplane-node';
import { MobileplaneEntityProvider } from './mobileplane-entity-provider';

/**
 * Catalog module: MobileBackends and MobileEnvironments of every configured cluster as catalog entities, kept
 * current by watch and refreshed fully every `mobileplane.catalog.refreshMinutes` (default 10).
 */
export const catalogModuleMobileplane = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'mobileplane',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        clusters: mobileplaneClustersServiceRef,
        scheduler: coreServices.scheduler,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        config: coreServices.rootConfig,
      },
      async init({ catalog, clusters, scheduler, logger, lifecycle, config }) {
        const provider = new MobileplaneEntityProvider({ clusters, logger });
        catalog.addEntityProvider(provider);
        const minutes = config.getOptionalNumber('mobileplane.catalog.refreshMinutes') ?? 10;
        await scheduler.scheduleTask({
          id: 'mobileplane-entity-provider-refresh',
          frequency: { minutes },
          timeout: { minutes: 2 },
          fn: () => provider.refresh(),
        });
        lifecycle.addStartupHook(() => provider.startWatching());
        lifecycle.addShutdownHook(() => provider.stop());
      },
    });
  },
});
