import { z } from 'zod';

/**
 * A Kubernetes resource quantity (`500m`, `1.5`, `256Mi`, `2`), non-negative. Same grammar as
 * k8s.io/apimachinery `resource.Quantity` without the sign; RE2-compatible, as the API server needs.
 */
export const QUANTITY_PATTERN =
  '^(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

const QUANTITY_REGEX = new RegExp(QUANTITY_PATTERN);

const SUFFIX_FACTORS: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A quantity as written in a manifest: an integer or a string. */
export type Quantity = number | string;

/**
 * The value of a quantity as a number (`500m` → 0.5, `1Gi` → 1073741824). Good for comparisons, which is what
 * the cross-field rules need; not for exact arithmetic on very large values.
 */
export function parseQuantity(quantity: Quantity): number {
  if (typeof quantity === 'number') return quantity;
  if (!QUANTITY_REGEX.test(quantity)) throw new Error(`not a quantity: ${JSON.stringify(quantity)}`);
  const match = /^([0-9.]+)(.*)$/.exec(quantity);
  const number = Number(match?.[1]);
  const suffix = match?.[2] ?? '';
  if (/^[eE]/.test(suffix)) return number * 10 ** Number(suffix.slice(1));
  const factor = SUFFIX_FACTORS[suffix];
  if (factor === undefined) throw new Error(`unknown quantity suffix in ${JSON.stringify(quantity)}`);
  return number * factor;
}

/**
 * A quantity field: `x-kubernetes-int-or-string` in the CRD, like the core API's resource fields, so
 * `cpu: 2` and `cpu: 500m` both work.
 */
export function quantity(description: string) {
  const error = 'must be a non-negative quantity such as 500m, 2, 256Mi or 1Gi';
  return z
    .union(
      [z.int({ error }).min(0, { error }), z.string({ error }).max(64, { error }).regex(QUANTITY_REGEX, { error })],
      {
        error,
      },
    )
    .describe(description);
}

/** CEL for "the quantity at `expression` (int or string) as a Kubernetes quantity". */
export function celQuantity(expression: string): string {
  return `quantity(string(${expression}))`;
}
