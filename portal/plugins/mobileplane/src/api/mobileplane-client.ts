import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  ClusterSummary,
  CreateMobileBackendRequest,
  CreateMobileEnvironmentRequest,
  FeatureFlagsResponse,
  ListResponse,
  MobileBackendRef,
  MobileBackendView,
  MobileEnvironmentView,
  RedMetrics,
  RolloutAction,
} from '@mobileplane/backstage-plugin-mobileplane-common';
import { FieldErrorsError } from './mobileplane-api';
import type { MobileplaneApi } from './mobileplane-api';

const path = (ref: MobileBackendRef) =>
  `/backends/${encodeURIComponent(ref.cluster)}/${encodeURIComponent(ref.namespace)}/${encodeURIComponent(ref.name)}`;

/** `MobileplaneApi` over HTTP, through Backstage's discovery and authenticated fetch. */
export class MobileplaneClient implements MobileplaneApi {
  readonly #discovery: DiscoveryApi;
  readonly #fetch: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.#discovery = options.discoveryApi;
    this.#fetch = options.fetchApi;
  }

  async #request<T>(route: string, init?: { method?: string; body?: unknown }): Promise<T> {
    const base = await this.#discovery.getBaseUrl('mobileplane');
    const response = await this.#fetch.fetch(`${base}${route}`, {
      method: init?.method ?? 'GET',
      ...(init?.body !== undefined && {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(init.body),
      }),
    });
    if (response.status === 400) {
      const body = (await response
        .clone()
        .json()
        .catch(() => undefined)) as
        { error?: { message?: string }; fieldErrors?: FieldErrorsError['fieldErrors'] } | undefined;
      if (body?.fieldErrors) throw new FieldErrorsError(body.error?.message ?? 'invalid request', body.fieldErrors);
    }
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  async listClusters(): Promise<ClusterSummary[]> {
    return (await this.#request<{ items: ClusterSummary[] }>('/clusters')).items;
  }
  listBackends(): Promise<ListResponse<MobileBackendView>> {
    return this.#request('/backends');
  }
  getBackend(ref: MobileBackendRef): Promise<MobileBackendView> {
    return this.#request(path(ref));
  }
  createBackend(request: CreateMobileBackendRequest): Promise<MobileBackendView> {
    return this.#request('/backends', { method: 'POST', body: request });
  }
  deleteBackend(ref: MobileBackendRef): Promise<void> {
    return this.#request(path(ref), { method: 'DELETE' });
  }
  rollout(ref: MobileBackendRef, action: RolloutAction): Promise<MobileBackendView> {
    return this.#request(`${path(ref)}/rollout`, { method: 'POST', body: { action } });
  }
  listEnvironments(): Promise<ListResponse<MobileEnvironmentView>> {
    return this.#request('/environments');
  }
  createEnvironment(request: CreateMobileEnvironmentRequest): Promise<MobileEnvironmentView> {
    return this.#request('/environments', { method: 'POST', body: request });
  }
  getMetrics(ref: MobileBackendRef, component: string, range: string): Promise<RedMetrics> {
    const query = new URLSearchParams({ component, range });
    return this.#request(`${path(ref)}/metrics?${query}`);
  }
  getFeatureFlags(ref: MobileBackendRef): Promise<FeatureFlagsResponse> {
    return this.#request(`${path(ref)}/feature-flags`);
  }
  async setFlagState(ref: MobileBackendRef, set: string, flag: string, state: 'ENABLED' | 'DISABLED'): Promise<void> {
    const target = `${path(ref)}/feature-flags/${encodeURIComponent(set)}/flags/${encodeURIComponent(flag)}/state`;
    await this.#request(target, { method: 'PUT', body: { state } });
  }
}
