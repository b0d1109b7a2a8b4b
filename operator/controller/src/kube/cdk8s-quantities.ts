import * as kplus from 'cdk8s-plus-28';

/**
 * Quantity strings as cdk8s' typed Quantity values: values given to L1 objects (and JSON patches on them) go
 * through the typed serializer, which drops plain strings where a Quantity is expected (decision 0200).
 */
export function typedQuantities(values: Record<string, string>): Record<string, kplus.k8s.Quantity> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, kplus.k8s.Quantity.fromString(v)]));
}
