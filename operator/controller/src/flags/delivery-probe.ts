/**
 * "Delivered": which flag configuration revision the api pods of a backend serve. Each api pod exposes it on
 * its /metrics as `mobileplane_flags_config_info{revision="…"} 1` (runtime/src/flags/flag-metrics.ts); the
 * operator reads that line from every ready pod. No new endpoint and no extra credentials: the metrics port is
 * the one Prometheus already scrapes.
 */

/** A pod of the backend's api component, as the probe needs it. */
export interface ApiPod {
  name: string;
  ip: string | undefined;
  ready: boolean;
  /** The container's `http` port, when the pod names one; otherwise the probe's default port. */
  port?: number | undefined;
}

/** What one pod serves: a revision, or why it could not be read. */
export interface PodRevision {
  pod: string;
  revision: string | undefined;
  error?: string;
}

const INFO_LINE = /^mobileplane_flags_config_info\{[^}]*revision="([^"]*)"[^}]*\}\s+1(\.0+)?\s*$/m;

/** The served revision in a Prometheus text exposition, or undefined. */
export function servedRevision(metricsText: string): string | undefined {
  return INFO_LINE.exec(metricsText)?.[1];
}

/** Reads the served revision of every ready pod over HTTP, at most `timeoutMs` each, all at once. */
export async function probeServedRevisions(
  pods: readonly ApiPod[],
  options: { port: number; timeoutMs: number; fetch?: typeof fetch },
): Promise<PodRevision[]> {
  const get = options.fetch ?? fetch;
  const ready = pods.filter((pod) => pod.ready && pod.ip !== undefined);
  return Promise.all(
    ready.map(async (pod): Promise<PodRevision> => {
      const host = pod.ip?.includes(':') ? `[${pod.ip}]` : pod.ip;
      try {
        const res = await get(`http://${host}:${pod.port ?? options.port}/metrics`, {
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        if (!res.ok) return { pod: pod.name, revision: undefined, error: `HTTP ${res.status}` };
        return { pod: pod.name, revision: servedRevision(await res.text()) };
      } catch (error) {
        return { pod: pod.name, revision: undefined, error: (error as Error).message };
      }
    }),
  );
}

export interface DeliveryCondition {
  status: 'True' | 'False' | 'Unknown';
  reason: 'FlagsDelivered' | 'FlagsDelivering' | 'NoApiPods';
  message: string;
}

/** Delivered when every ready api pod serves `revision`; the message counts pods and names a laggard. */
export function deliveryCondition(revision: string, observed: readonly PodRevision[]): DeliveryCondition {
  if (observed.length === 0) {
    return { status: 'Unknown', reason: 'NoApiPods', message: `no ready api pod to serve revision ${revision} yet` };
  }
  const serving = observed.filter((o) => o.revision === revision);
  if (serving.length === observed.length) {
    return {
      status: 'True',
      reason: 'FlagsDelivered',
      message: `${serving.length} api pod(s) serve revision ${revision}`,
    };
  }
  const laggard = observed.find((o) => o.revision !== revision);
  const detail =
    laggard === undefined ? '' : `; ${laggard.pod} ${laggard.error ?? `serves ${laggard.revision ?? 'no revision'}`}`;
  return {
    status: 'False',
    reason: 'FlagsDelivering',
    message: `${serving.length} of ${observed.length} api pod(s) serve revision ${revision}${detail}`,
  };
}
