import type { ComponentName } from '@mobileplane/api';

/** Port every runtime component serves HTTP (and /livez, /readyz) on. */
export const HTTP_PORT = 8080;
/** Port every runtime component serves Prometheus metrics on. */
export const METRICS_PORT = 9464;

/**
 * Who may call each component (zero trust: the NetworkPolicy admits only these; mTLS then checks the SPIFFE
 * id). `public` is the ingress gateway; components call each other by name. Workers only pull jobs from
 * PostgreSQL, so nothing calls them.
 */
export const CALLERS: Record<ComponentName, readonly ('public' | ComponentName)[]> = {
  api: ['public'],
  auth: ['public', 'api', 'storage', 'push'],
  storage: ['public', 'api', 'workers'],
  push: ['api', 'workers'],
  workers: [],
};

/** Requests and limits when the spec sets none: sized for the runtime's measured idle use plus headroom. */
export const DEFAULT_RESOURCES: Record<
  ComponentName,
  { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } }
> = {
  api: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  auth: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
  workers: { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
  push: { requests: { cpu: '50m', memory: '96Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
  storage: { requests: { cpu: '50m', memory: '96Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
};

/** The callers of `component` that are actually running in this backend (plus `public`). */
export function enabledCallers(
  component: ComponentName,
  enabled: ReadonlySet<ComponentName>,
): ('public' | ComponentName)[] {
  return CALLERS[component].filter((caller) => caller === 'public' || enabled.has(caller));
}
