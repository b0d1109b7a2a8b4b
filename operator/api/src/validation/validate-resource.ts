import type { z } from 'zod';
import { MobileBackendSchema, type MobileBackend } from '../mobile-backend/mobile-backend.ts';
import { MobileBackendSpecSchema, type MobileBackendSpec } from '../mobile-backend/mobile-backend-spec.ts';
import { MobileEnvironmentSchema, type MobileEnvironment } from '../mobile-environment/mobile-environment.ts';
import {
  MobileEnvironmentSpecSchema,
  type MobileEnvironmentSpec,
} from '../mobile-environment/mobile-environment-spec.ts';

/** One problem with a resource: the field in the API server's notation and what is wrong with it. */
export interface FieldError {
  /** For example `spec.components.api.autoscaling.minReplicas` or `spec.rollout.steps[1].weight`. */
  field: string;
  message: string;
}

/** The resource with defaults applied, or every problem found. */
export type ValidationResult<T> = { valid: true; value: T } | { valid: false; errors: FieldError[] };

/** Thrown by the `parse*` helpers; `errors` lists every field that is wrong. */
export class InvalidResourceError extends Error {
  readonly errors: readonly FieldError[];
  constructor(what: string, errors: readonly FieldError[]) {
    super(`invalid ${what}: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
    this.name = 'InvalidResourceError';
    this.errors = errors;
  }
}

/** `['spec', 'rollout', 'steps', 1, 'weight']` → `spec.rollout.steps[1].weight`, as the API server writes paths. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, segment) => {
    if (typeof segment === 'number') return `${out}[${segment}]`;
    const name = String(segment);
    return out === '' ? name : `${out}.${name}`;
  }, '');
}

function validate<T>(schema: z.ZodType<T>, value: unknown, prefix: readonly string[]): ValidationResult<T> {
  const result = schema.safeParse(value);
  if (result.success) return { valid: true, value: result.data };
  return {
    valid: false,
    errors: result.error.issues.map((issue) => ({
      field: formatFieldPath([...prefix, ...issue.path]) || '<root>',
      message: issue.message,
    })),
  };
}

/**
 * Validates a MobileBackend (apiVersion, kind, metadata.name, spec, status) with the same rules the API server
 * applies from the CRD, except transition rules, which need the old object. For webhooks and the portal.
 */
export function validateMobileBackend(resource: unknown): ValidationResult<MobileBackend> {
  return validate(MobileBackendSchema, resource, []);
}

/** Validates just a MobileBackend spec (a form's content); error fields still start with `spec.`. */
export function validateMobileBackendSpec(spec: unknown): ValidationResult<MobileBackendSpec> {
  return validate(MobileBackendSpecSchema, spec, ['spec']);
}

/** Validates a MobileEnvironment. The API server also refuses changes of spec.namespace, which this cannot see. */
export function validateMobileEnvironment(resource: unknown): ValidationResult<MobileEnvironment> {
  return validate(MobileEnvironmentSchema, resource, []);
}

/** Validates just a MobileEnvironment spec; error fields start with `spec.`. */
export function validateMobileEnvironmentSpec(spec: unknown): ValidationResult<MobileEnvironmentSpec> {
  return validate(MobileEnvironmentSpecSchema, spec, ['spec']);
}

function parseOrThrow<T>(what: string, result: ValidationResult<T>): T {
  if (!result.valid) throw new InvalidResourceError(what, result.errors);
  return result.value;
}

/** A typed MobileBackend with defaults applied; throws `InvalidResourceError` naming every bad field. */
export function parseMobileBackend(resource: unknown): MobileBackend {
  return parseOrThrow('MobileBackend', validateMobileBackend(resource));
}

/** A typed MobileEnvironment with defaults applied; throws `InvalidResourceError` naming every bad field. */
export function parseMobileEnvironment(resource: unknown): MobileEnvironment {
  return parseOrThrow('MobileEnvironment', validateMobileEnvironment(resource));
}
