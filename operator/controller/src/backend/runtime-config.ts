import type { ComponentName, MobileBackendSpec, RateLimitsSpec } from '@mobileplane/api';
import { FLAGS_FILE_PATH } from '../flags/flags-mount.ts';
import { HTTP_PORT } from './component-topology.ts';

/**
 * The runtime configuration of one component, written to its ConfigMap as `config.json`. Its shape is the
 * runtime's config file (runtime/src/platform/config-schema.ts, which is strict): only fields the runtime
 * reads appear here; secrets never do (they arrive as environment variables from Secret references).
 */
export function runtimeConfig(
  backend: { namespace: string; name: string },
  component: ComponentName,
  spec: MobileBackendSpec,
): Record<string, unknown> {
  const config: Record<string, unknown> = {
    component,
    server: { port: HTTP_PORT, shutdownTimeoutMs: 25_000 },
    identity: { backend: `${backend.namespace}/${backend.name}`, revision: spec.runtime.version },
    log: { level: 'info' },
    database: { poolSize: spec.database?.maxConnections ?? 10 },
    rateLimits: rateLimits(spec.rateLimits),
  };
  // The api serves feature flags from the file the FeatureFlagSet controller renders and the Deployment mounts.
  if (component === 'api') config.flags = { file: FLAGS_FILE_PATH };
  if (component !== 'auth' && spec.components.auth.enabled) {
    const issuer = serviceUrl(backend, 'auth');
    config.auth = {
      jwksUrl: `${issuer}/.well-known/jwks.json`,
      issuer,
      audience: `${backend.namespace}/${backend.name}`,
    };
  }
  return config;
}

/** In-cluster URL of a component's Service. */
export function serviceUrl(backend: { namespace: string; name: string }, component: ComponentName): string {
  return `http://${backend.name}-${component}.${backend.namespace}.svc:${HTTP_PORT}`;
}

function rateLimits(limits: RateLimitsSpec): Record<string, unknown> {
  const policy = (limit: { requestsPerMinute: number }) =>
    limits.enabled ? { limit: limit.requestsPerMinute, windowSeconds: 60 } : null;
  return { ip: policy(limits.perIP), user: policy(limits.perUser), apiKey: policy(limits.perAPIKey) };
}
