import type { KubeObject } from '../kube/kube-object.ts';
import { ReconcileError } from './reconcile-error.ts';

type Validation<T> = { valid: true; value: T } | { valid: false; errors: { field: string; message: string }[] };

/** The object's spec through the API package's validator; a terminal InvalidSpec naming every bad field. */
export function validSpec<T>(object: KubeObject, validate: (spec: unknown) => Validation<T>): T {
  const result = validate(object.spec);
  if (result.valid) return result.value;
  throw new ReconcileError('InvalidSpec', result.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
}
