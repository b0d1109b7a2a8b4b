import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface HealthChecks {
  /** Liveness: false makes /healthz fail and the kubelet restart the process. */
  healthy(): { ok: boolean; detail: string };
  /** Readiness: caches synced (leader) or standing by (standby). */
  ready(): { ok: boolean; detail: string };
}

/** Serves /healthz, /readyz and /metrics on one port (controller-runtime splits them over two; one is enough). */
export function startHttpServer(
  address: { host: string; port: number },
  registry: Registry,
  checks: HealthChecks,
): Promise<Server> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const check =
      path === '/healthz' || path === '/livez' ? checks.healthy() : path === '/readyz' ? checks.ready() : undefined;
    if (check !== undefined) {
      response.writeHead(check.ok ? 200 : 503, { 'Content-Type': 'text/plain' }).end(`${check.detail}\n`);
      return;
    }
    if (path === '/metrics') {
      registry.metrics().then(
        (text) => response.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
        (error: Error) => response.writeHead(500).end(error.message),
      );
      return;
    }
    response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => resolve(server));
  });
}
