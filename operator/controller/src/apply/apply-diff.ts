import { parseQuantity as parseApiQuantity } from '@mobileplane/api';

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
    if (!Array.isArray(live)) return path || '.';
    const key = mergeKey(desired);
    if (key !== undefined) return keyedDifference(desired as Record<string, unknown>[], live, key, path);
    if (live.length !== desired.length) return path || '.';
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

/**
 * Fields that identify the items of Kubernetes' associative lists (`x-kubernetes-list-type: map`): containers,
 * env, volumes and ports by name, volume mounts by path, container ports by number. Items of such a list that
 * another field manager added (an injected sidecar, an env var set by a mutating webhook) belong to that
 * manager: server-side apply leaves them alone, so the comparison must too, or every resync would re-PATCH.
 */
const MERGE_KEYS = ['mountPath', 'containerPort', 'name'] as const;

function mergeKey(items: unknown[]): (typeof MERGE_KEYS)[number] | undefined {
  if (items.length === 0 || !items.every(isObject)) return undefined;
  return MERGE_KEYS.find((key) => items.every((item) => ['string', 'number'].includes(typeof item[key])));
}

/** Each desired item must be satisfied by the live item with the same key; other live items are ignored. */
function keyedDifference(
  desired: Record<string, unknown>[],
  live: unknown[],
  key: string,
  path: string,
): string | undefined {
  for (const [index, item] of desired.entries()) {
    const match = live.find((candidate) => isObject(candidate) && candidate[key] === item[key]);
    const diff = firstDifference(item, match, `${path}[${index}]`);
    if (diff !== undefined) return diff;
  }
  return undefined;
}

/** Paths whose string values are resource quantities, which the API server canonicalises ("0.5" → "500m"). */
const QUANTITY_FIELD = /(requests|limits|hard|default|defaultRequest|max|min|maxLimitRequestRatio)\.[^.[\]]+$/;

/**
 * A Kubernetes quantity as a number, or undefined when the string is not one. The grammar and suffixes are the
 * API package's; this only rounds away float noise ("0.1" vs "100m") and turns a parse error into undefined.
 */
export function parseQuantity(text: string): number | undefined {
  try {
    return Math.round(parseApiQuantity(text) * 1e9) / 1e9;
  } catch {
    return undefined;
  }
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
