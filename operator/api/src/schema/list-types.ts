import { z } from 'zod';

/**
 * Lists with Kubernetes list semantics. `map` lists are keyed by one or more fields and merge item by item
 * under server-side apply; `set` lists hold unique scalars. The API server rejects duplicates in both
 * (`Duplicate value`), and so do these schemas, at the same path (`spec.auth.providers[1]`).
 */

/** A list of objects keyed by `keys` (`x-kubernetes-list-type: map`). Key fields must be required. */
export function listMap<I extends z.ZodObject>(
  item: I,
  keys: readonly (keyof z.output<I> & string)[],
  maxItems: number,
) {
  return z
    .array(item)
    .max(maxItems)
    .superRefine((items, ctx) => {
      const seen = new Set<string>();
      items.forEach((entry, index) => {
        const key = JSON.stringify(keys.map((k) => (entry as Record<string, unknown>)[k]));
        if (seen.has(key)) {
          ctx.addIssue({ code: 'custom', message: `Duplicate value: ${keys.join(', ')} ${key}`, path: [index] });
        }
        seen.add(key);
      });
    })
    .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': [...keys] });
}

/** A list of unique scalars (`x-kubernetes-list-type: set`). */
export function listSet<I extends z.ZodString | z.ZodNumber>(item: I, maxItems: number) {
  return z
    .array(item)
    .max(maxItems)
    .superRefine((items, ctx) => {
      const seen = new Set<unknown>();
      items.forEach((entry, index) => {
        if (seen.has(entry))
          ctx.addIssue({ code: 'custom', message: `Duplicate value: ${String(entry)}`, path: [index] });
        seen.add(entry);
      });
    })
    .meta({ 'x-kubernetes-list-type': 'set' });
}
