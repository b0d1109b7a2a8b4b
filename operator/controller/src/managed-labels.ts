import { GROUP } from '@mobileplane/api';

/** The field manager name for every server-side apply the operator sends. */
export const FIELD_MANAGER = 'mobileplane-operator';

/** Label that marks an object as created by the operator; pruning only ever selects on it. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'mobileplane-operator';
/** Label naming the owning custom resource, `<kind>.<namespace>.<name>` shortened to a label-safe value. */
export const OWNER_LABEL = `${GROUP}/owner`;

const LABEL_VALUE_MAX = 63;

/**
 * Labels the operator puts on every object it creates. Values are stable across operator versions: they end
 * up in Deployment selectors, which are immutable (a changed selector would break upgrades).
 */
export function managedLabels(owner: { name: string; component?: string }): Record<string, string> {
  const labels: Record<string, string> = {
    'app.kubernetes.io/name': 'mobileplane-runtime',
    'app.kubernetes.io/instance': labelValue(owner.name),
    [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
  };
  if (owner.component !== undefined) labels['app.kubernetes.io/component'] = labelValue(owner.component);
  return labels;
}

/**
 * Makes a valid label value: at most 63 characters of [A-Za-z0-9._-], starting and ending alphanumeric.
 * Long values keep a prefix and a short hash so two different long names never collide.
 */
export function labelValue(raw: string): string {
  let value = raw.replace(/[^A-Za-z0-9._-]/g, '-');
  if (value.length > LABEL_VALUE_MAX) {
    value = `${value.slice(0, LABEL_VALUE_MAX - 9)}-${fnv1a(raw)}`;
  }
  return value.replace(/^[^A-Za-z0-9]+/, '').replace(/[^A-Za-z0-9]+$/, '');
}

/** 32-bit FNV-1a as 8 hex digits: short, stable, good enough to tell truncated names apart. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
