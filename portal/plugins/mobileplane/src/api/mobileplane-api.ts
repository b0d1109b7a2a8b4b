import { createApiRef } from '@backstage/frontend-plugin-api';
import type { FieldError } from '@mobileplane/api';
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

/** The backend plugin's REST API, as the pages use it. */
export interface MobileplaneApi {
  listClusters(): Promise<ClusterSummary[]>;
  listBackends(): Promise<ListResponse<MobileBackendView>>;
  getBackend(ref: MobileBackendRef): Promise<MobileBackendView>;
  /** Rejects with `FieldErrorsError` when the API names bad fields (400). */
  createBackend(request: CreateMobileBackendRequest): Promise<MobileBackendView>;
  deleteBackend(ref: MobileBackendRef): Promise<void>;
  rollout(ref: MobileBackendRef, action: RolloutAction): Promise<MobileBackendView>;
  listEnvironments(): Promise<ListResponse<MobileEnvironmentView>>;
  createEnvironment(request: CreateMobileEnvironmentRequest): Promise<MobileEnvironmentView>;
  getMetrics(ref: MobileBackendRef, component: string, range: string): Promise<RedMetrics>;
  getFeatureFlags(ref: MobileBackendRef): Promise<FeatureFlagsResponse>;
  setFlagState(ref: MobileBackendRef, set: string, flag: string, state: 'ENABLED' | 'DISABLED'): Promise<void>;
}

/** A 400 from the API: every field it refused, with the schema's message. */
export class FieldErrorsError extends Error {
  readonly fieldErrors: FieldError[];
  constructor(message: string, fieldErrors: FieldError[]) {
    super(message);
    this.name = 'FieldErrorsError';
    this.fieldErrors = fieldErrors;
  }
}

export const mobileplaneApiRef = createApiRef<MobileplaneApi>().with({ id: 'mobileplane', pluginId: 'mobileplane' });
