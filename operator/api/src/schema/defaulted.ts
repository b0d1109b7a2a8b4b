import type { z } from 'zod';

/**
 * `schema` with a default that is `input` run through the schema, so the CRD's `default` is the complete
 * object (`{accessTokenTTL: 15m, …}`) rather than `{}`. The API server validates a default as written, without
 * applying the nested defaults first, so a CEL rule on the object would otherwise fail on the missing fields.
 */
export function defaulted<S extends z.ZodType>(schema: S, input: z.input<S>) {
  return schema.default(() => schema.parse(input) as z.util.NoUndefined<z.output<S>>);
}
