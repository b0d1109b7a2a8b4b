import type { Express, RequestHandler } from 'express';
import type { Registry } from 'prom-client';
import type { RuntimeConfig } from '../platform/config-schema.ts';
import type { GracefulServer } from '../platform/http-server.ts';
import type { Logger } from '../platform/logger.ts';
import type { FlagConfiguration } from './flag-configuration.ts';
import { FlagEventStream } from './flag-event-stream.ts';
import { FlagFileSource } from './flag-file-source.ts';
import { createFlagMetrics } from './flag-metrics.ts';
import { mountOfrepRoutes } from './ofrep-router.ts';

/** Feature flags in the api component: the hot-reloaded configuration, OFREP routes, the change stream. */
export interface FlagsFeature {
  current(): FlagConfiguration;
  mount(app: Express, pipeline: readonly RequestHandler[]): void;
  attach(server: GracefulServer): void;
  close(): void;
}

export function createFlagsFeature(options: {
  config: RuntimeConfig;
  logger: Logger;
  registry: Registry;
}): FlagsFeature {
  const { config, logger } = options;
  const settings = config.flags;
  const metrics = createFlagMetrics(options.registry);
  const source = new FlagFileSource({ path: settings.file, pollMs: settings.pollSeconds * 1000, logger });
  const events = new FlagEventStream({
    maxClients: settings.maxEventStreamClients,
    onCount: (count) => metrics.streamClients(count),
  });
  metrics.serving(source.current.revision);
  source.on('reload', (outcome) => metrics.reloaded(outcome));
  source.on('change', (configuration) => {
    metrics.serving(configuration.revision);
    events.changed(configuration.revision);
  });
  // The first read is synchronous: the api never answers from an empty set while its file is there.
  source.start();
  return {
    current: () => source.current,
    mount(app, pipeline) {
      mountOfrepRoutes(app, {
        configuration: () => source.current,
        events,
        observe: metrics.observeEvaluation,
        bodyLimitBytes: config.server.bodyLimitBytes,
        maxJsonDepth: config.server.maxJsonDepth,
        pipeline,
        inactivityDelaySec: settings.inactivityDelaySeconds,
      });
    },
    attach(server) {
      server.onDrain(() => events.closeAll());
    },
    close() {
      source.close();
      events.closeAll();
    },
  };
}
