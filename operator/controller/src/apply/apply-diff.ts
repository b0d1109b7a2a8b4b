/**
 * Decides whether a live object already satisfies the desired one, so a reconcile that changes nothing sends
 * no write. "Satisfies" means every field the operator sets has the same value live (fields others or the API
 * server add are ignored). Fields the operator stops setting are caught by the applied-hash annotation that
 * every desired object carries (decision 0201): a changed desired object has a changed hash.
 */
export function firstDifference(desired: unknown, live: unknown, path = ''): string | undefined {
  if (isEmpty(desired) && (live === undefined || isEmpty(live))) return undefined;
  // Go's omitempty drops zero values from what the API server returns (minReadySeconds: 0, hostNetwork: false).
  if (live === undefined && (desired === 0 || desired === false || desired === '')) return undefined;
  if (Array.isArray(desired)) {
    if (!Array.isArray(live) || live.length !== desired.length) return path || '.';
    for (let i = 0; i < desired.length; i++) {
      const diff = firstDifference(desired[i], live[i], `${path}[${i}]`);
      if (diff !== undefined) return diff;
    }
    return undefined;
  }
  if (isObject(desired)) {
    if (!isObject(live)) return path || '.';
    for (const [field, value] of Object.entries(desired)) {
      const diff = firstDifference(value, live[field], path ? `${path}.${field}` : field);
      if (diff !== undefined) return diff;
    }
    return undefined;
  }
  if (desired === live) return undefined;
  if (typeof desired === 'string' && typeof live === 'string' && QUANTITY_FIELD.test(path)) {
    const [a, b] = [parseQuantity(desired), parseQuantity(live)];
    if (a !== undefined && a === b) return undefined;
  }
  return path || '.';
}

/** Paths whose string values are resource quantities, which the API server canonicalises ("0.5" → "500m"). */
const QUANTITY_FIELD = /(requests|limits|hard|default|defaultRequest|max|min|maxLimitRequestRatio)\.[^.[\]]+$/;

const SUFFIX: Record<string, number> = {
  '': 1,
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

/** A Kubernetes quantity as a number, or undefined when the string is not one. */
export function parseQuantity(text: string): number | undefined {
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:[eE]([+-]?\d+))?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(text);
  if (match === null) return undefined;
  const value = Number(match[1]) * 10 ** Number(match[2] ?? 0) * (SUFFIX[match[3] ?? ''] ?? 1);
  return Math.round(value * 1e9) / 1e9;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmpty(value: unknown): boolean {
  return (
    value === null ||
    (Array.isArray(value) && value.length === 0) ||
    (isObject(value) && Object.keys(value).length === 0)
  );
}
