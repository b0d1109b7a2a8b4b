/** A signing key as the schedule sees it: when it starts signing. A key stops signing when its successor starts. */
export interface ScheduledKey {
  kid: string;
  signsFrom: number;
}

export interface KeySchedulePolicy {
  rotationIntervalMs: number;
  /** Publication lead time before a key signs: longer than verifiers cache the JWKS. */
  prePublishMs: number;
  /** After a key stops signing it stays published this long: the longest access-token lifetime plus leeway. */
  retainAfterRetireMs: number;
}

export interface KeySchedule {
  /** The key that signs at `now`, if any. */
  signing: string | undefined;
  /** What the JWKS publishes: the pending key(s), the signing key, and retired keys whose tokens may be alive. */
  published: string[];
  /** When a new key should be created, the moment it should start signing. */
  create: { signsFrom: number } | undefined;
  /** Keys no token can still need. */
  prune: string[];
}

/**
 * Pure rotation schedule (STYLE.md §7). Overlap is the point: a new key is published `prePublishMs` before it
 * signs, so every verifier already has it when the first token arrives, and a retired key stays published until
 * the last token it signed has expired, so no valid token is ever refused during a rotation.
 */
export function planKeySchedule(keys: readonly ScheduledKey[], now: number, policy: KeySchedulePolicy): KeySchedule {
  const ordered = [...keys].sort((a, b) => a.signsFrom - b.signsFrom || a.kid.localeCompare(b.kid));
  let signingIndex = -1;
  for (let i = 0; i < ordered.length; i++) if ((ordered[i] as ScheduledKey).signsFrom <= now) signingIndex = i;
  const published: string[] = [];
  const prune: string[] = [];
  ordered.forEach((key, i) => {
    if (i >= signingIndex) {
      published.push(key.kid);
      return;
    }
    const retiredAt = (ordered[i + 1] as ScheduledKey).signsFrom;
    if (now < retiredAt + policy.retainAfterRetireMs) published.push(key.kid);
    else prune.push(key.kid);
  });
  const signing = signingIndex >= 0 ? (ordered[signingIndex] as ScheduledKey) : undefined;
  const pending = ordered.slice(signingIndex + 1);
  let create: KeySchedule['create'];
  if (signing === undefined && pending.length === 0) create = { signsFrom: now };
  else if (signing !== undefined && pending.length === 0) {
    const due = signing.signsFrom + policy.rotationIntervalMs;
    if (now >= due - policy.prePublishMs) create = { signsFrom: Math.max(due, now + policy.prePublishMs) };
  }
  return { signing: signing?.kid, published, create, prune };
}
