import type { FieldError } from '@mobileplane/api';
import type { ErrorSchema } from '@rjsf/utils';

/** The message for one field (`metadata.name`), or undefined. */
export function messageFor(errors: readonly FieldError[], field: string): string | undefined {
  const found = errors.filter((e) => e.field === field).map((e) => e.message);
  return found.length > 0 ? found.join('; ') : undefined;
}

/**
 * The errors under `spec.` as react-jsonschema-form's error schema (`spec.rollout.steps[1].weight` →
 * `{rollout: {steps: {1: {weight: {__errors: [...]}}}}}`), so each message shows under its field. A rule on a whole
 * object (`spec.storage`) lands on that object.
 */
export function specErrorSchema(errors: readonly FieldError[]): ErrorSchema {
  const root: Record<string, unknown> = {};
  for (const { field, message } of errors) {
    if (field !== 'spec' && !field.startsWith('spec.') && !field.startsWith('spec[')) continue;
    const segments = field
      .replace(/^spec\.?/, '')
      .replace(/\[(\d+)\]/g, '.$1')
      .split('.')
      .filter(Boolean);
    let node = root;
    for (const segment of segments) {
      node[segment] ??= {};
      node = node[segment] as Record<string, unknown>;
    }
    const list = (node.__errors ??= []) as string[];
    list.push(message);
  }
  return root as ErrorSchema;
}
