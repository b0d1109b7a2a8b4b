import { API_VERSION, validateMobileBackend, validateMobileEnvironment } from '@mobileplane/api';
import type { FieldError, MobileBackendSpecInput, MobileEnvironmentSpecInput } from '@mobileplane/api';

/** `POST /backends`: a MobileBackend to create in `namespace` (an environment's namespace) of `cluster`. */
export interface CreateMobileBackendRequest {
  /** Configured cluster; defaults to the first one. */
  cluster?: string;
  namespace: string;
  name: string;
  spec: MobileBackendSpecInput;
}

/** `POST /environments`: a MobileEnvironment to create in `cluster`. */
export interface CreateMobileEnvironmentRequest {
  cluster?: string;
  name: string;
  spec: MobileEnvironmentSpecInput;
}

/** The manifest to apply, exactly as the user wrote it (the API server adds the defaults), or every bad field. */
export type RequestValidation<T> = { valid: true; value: T } | { valid: false; errors: FieldError[] };

export interface MobileBackendManifest {
  cluster?: string;
  manifest: {
    apiVersion: typeof API_VERSION;
    kind: 'MobileBackend';
    metadata: { name: string; namespace: string };
    spec: MobileBackendSpecInput;
  };
}

export interface MobileEnvironmentManifest {
  cluster?: string;
  manifest: {
    apiVersion: typeof API_VERSION;
    kind: 'MobileEnvironment';
    metadata: { name: string };
    spec: MobileEnvironmentSpecInput;
  };
}

const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function asRecord(body: unknown): Record<string, unknown> | undefined {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined;
}

function clusterErrors(cluster: unknown): FieldError[] {
  return cluster === undefined || (typeof cluster === 'string' && cluster.length > 0)
    ? []
    : [{ field: 'cluster', message: 'must be the name of a configured cluster' }];
}

function nameErrors(field: string, value: unknown): FieldError[] {
  return typeof value === 'string' && value.length > 0 ? [] : [{ field, message: 'is required' }];
}

/**
 * Checks a create request with the schemas the CRD is generated from (`@mobileplane/api`), so the form, the REST
 * API and the scaffolder action report the same field names and messages as the API server would.
 */
export function validateCreateMobileBackendRequest(body: unknown): RequestValidation<MobileBackendManifest> {
  const record = asRecord(body);
  if (!record) return { valid: false, errors: [{ field: '<root>', message: 'must be a JSON object' }] };
  const { cluster, namespace, name, spec } = record;
  const errors = [...clusterErrors(cluster), ...nameErrors('metadata.name', name)];
  if (typeof namespace !== 'string' || namespace.length > 63 || !NAMESPACE.test(namespace)) {
    errors.push({
      field: 'metadata.namespace',
      message: 'must be the namespace of an environment: at most 63 lowercase letters, digits and "-"',
    });
  }
  const manifest = {
    apiVersion: API_VERSION,
    kind: 'MobileBackend' as const,
    metadata: { name: String(name ?? ''), namespace: String(namespace ?? '') },
    spec: spec as MobileBackendSpecInput,
  };
  const result = validateMobileBackend(manifest);
  if (!result.valid) {
    errors.push(
      ...result.errors.filter((e) => !(e.field === 'metadata.name' && errors.some((x) => x.field === e.field))),
    );
  }
  if (errors.length > 0) return { valid: false, errors };
  return { valid: true, value: { cluster: cluster as string | undefined, manifest } };
}

/** Checks a MobileEnvironment create request; see `validateCreateMobileBackendRequest`. */
export function validateCreateMobileEnvironmentRequest(body: unknown): RequestValidation<MobileEnvironmentManifest> {
  const record = asRecord(body);
  if (!record) return { valid: false, errors: [{ field: '<root>', message: 'must be a JSON object' }] };
  const { cluster, name, spec } = record;
  const errors = [...clusterErrors(cluster), ...nameErrors('metadata.name', name)];
  const manifest = {
    apiVersion: API_VERSION,
    kind: 'MobileEnvironment' as const,
    metadata: { name: String(name ?? '') },
    spec: spec as MobileEnvironmentSpecInput,
  };
  const result = validateMobileEnvironment(manifest);
  if (!result.valid) {
    errors.push(
      ...result.errors.filter((e) => !(e.field === 'metadata.name' && errors.some((x) => x.field === e.field))),
    );
  }
  if (errors.length > 0) return { valid: false, errors };
  return { valid: true, value: { cluster: cluster as string | undefined, manifest } };
}
