import type { Express } from 'express';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { Database } from '../data/database.ts';
import type { RuntimeConfig } from './config-schema.ts';
import type { ReadinessCheck } from './health-router.ts';
import type { GracefulServer } from './http-server.ts';
import type { Logger } from './logger.ts';

/** What the platform hands every component. */
export interface ComponentContext {
  config: RuntimeConfig;
  logger: Logger;
  database: Database;
  redis: Redis | undefined;
  /** The process's one /metrics registry; components add their own metrics to it. */
  registry?: Registry;
}

/** A component plugs its routes into the shared app and may attach to the server (WebSocket upgrades). */
export interface RuntimeComponent {
  readiness: ReadinessCheck[];
  mount(app: Express): void;
  attach?(server: GracefulServer): void;
  close(): Promise<void>;
}
