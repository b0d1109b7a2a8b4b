import type { LoggerService } from '@backstage/backend-plugin-api';
import type { EntityProvider, EntityProviderConnection } from '@backstage/plugin-catalog-node';
import type { MobileplaneClusters } from '@mobileplane/backstage-plugin-mobileplane-node';
import { backendEntity, environmentEntity } from './mobileplane-entities';

/**
 * Publishes every MobileBackend as a Component and every MobileEnvironment as a Resource. Each change a watch reports
 * schedules a full refresh shortly after (changes arriving together are coalesced), and a scheduled task refreshes
 * fully as well, so a missed event heals. A full mutation lets the catalog compute what was added and removed.
 */
export class MobileplaneEntityProvider implements EntityProvider {
  readonly #clusters: MobileplaneClusters;
  readonly #logger: LoggerService;
  readonly #debounceMs: number;
  #connection?: EntityProviderConnection;
  #timer?: ReturnType<typeof setTimeout>;
  #stops: (() => void)[] = [];
  #running?: Promise<void>;
  #again = false;

  constructor(options: { clusters: MobileplaneClusters; logger: LoggerService; debounceMs?: number }) {
    this.#clusters = options.clusters;
    this.#logger = options.logger;
    this.#debounceMs = options.debounceMs ?? 1000;
  }

  getProviderName(): string {
    return 'mobileplane';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
  }

  /** Starts the watches; each change or resync schedules a refresh. */
  startWatching(): void {
    for (const client of this.#clusters.list()) {
      this.#stops.push(
        client.watch({
          onChange: () => this.#schedule(),
          onResync: () => this.#schedule(),
          onError: (error) =>
            this.#logger.warn(`watch of cluster ${client.config.name} failed, retrying: ${error.message}`),
        }),
      );
    }
  }

  stop(): void {
    for (const stop of this.#stops) stop();
    this.#stops = [];
    if (this.#timer) clearTimeout(this.#timer);
  }

  #schedule() {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.refresh().catch((error) => this.#logger.warn(`catalog refresh failed: ${(error as Error).message}`));
    }, this.#debounceMs);
    this.#timer.unref?.();
  }

  /** Reads every cluster and replaces this provider's entities. One refresh at a time; a request during one reruns it. */
  async refresh(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#refreshOnce().finally(() => {
      this.#running = undefined;
    });
    await this.#running;
    if (this.#again) {
      this.#again = false;
      await this.refresh();
    }
  }

  async #refreshOnce(): Promise<void> {
    if (!this.#connection) throw new Error('MobileplaneEntityProvider is not connected');
    const entities = [];
    for (const client of this.#clusters.list()) {
      const cluster = client.config.name;
      // A cluster that cannot be read fails the whole refresh rather than removing its entities from the catalog.
      const [environments, backends] = await Promise.all([client.listEnvironments(), client.listBackends()]);
      entities.push(...environments.map((e) => environmentEntity(cluster, e)));
      entities.push(...backends.map((b) => backendEntity(cluster, b, environments)));
    }
    await this.#connection.applyMutation({
      type: 'full',
      entities: entities.map((entity) => ({
        entity,
        locationKey: `mobileplane-provider:${entity.metadata.namespace}`,
      })),
    });
    this.#logger.debug(`published ${entities.length} mobileplane entities`);
  }
}
