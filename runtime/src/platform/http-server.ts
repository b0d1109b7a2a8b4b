import { createServer } from 'node:http';
import type { RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger.ts';

export interface GracefulServer {
  server: Server;
  url: string;
  /** True once shutdown began: /readyz fails and responses ask clients to close their connection. */
  isDraining(): boolean;
  /** Registers a closer for long-lived streams (SSE, WebSocket) that would otherwise hold the drain open. */
  onDrain(closer: () => void): void;
  /** Stops accepting, lets in-flight requests finish (up to the timeout), then closes what is left. */
  shutdown(): Promise<void>;
}

export async function startHttpServer(
  handler: RequestListener,
  options: { host: string; port: number; shutdownTimeoutMs: number; logger: Logger },
): Promise<GracefulServer> {
  let draining = false;
  const closers: (() => void)[] = [];
  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 60_000 }, (req, res) => {
    if (draining) res.setHeader('connection', 'close');
    // A keep-alive connection whose request was in flight when the drain began becomes idle now: close it.
    res.once('finish', () => {
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
  let shutdownPromise: Promise<void> | undefined;

  return {
    server,
    url,
    isDraining: () => draining,
    onDrain: (closer) => closers.push(closer),
    shutdown() {
      shutdownPromise ??= new Promise<void>((resolve) => {
        draining = true;
        options.logger.info({ timeout_ms: options.shutdownTimeoutMs }, 'draining');
        const timer = setTimeout(() => {
          options.logger.warn('drain timeout: closing remaining connections');
          server.closeAllConnections();
        }, options.shutdownTimeoutMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
        for (const close of closers.splice(0)) close();
      });
      return shutdownPromise;
    },
  };
}
