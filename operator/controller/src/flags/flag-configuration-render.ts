import { createHash } from 'node:crypto';
import type { FeatureFlagSetSpec, FlagSpec } from '@mobileplane/api';
import { stableStringify } from '../apply/object-applier.ts';
import type { FlagdProblem } from './flagd-validation.ts';

/** One accepted FeatureFlagSet of a backend, as the renderer needs it. */
export interface RenderInput {
  name: string;
  spec: FeatureFlagSetSpec;
  /** Why its kill switches are engaged (a condition reason), or undefined when they are off. */
  killSwitch: string | undefined;
}

export interface RenderedConfiguration {
  /** The flagd document the api pods load (runtime/src/flags), canonical JSON. */
  text: string;
  /** First 16 hex digits of the text's SHA-256: the runtime computes the same from the file it reads. */
  revision: string;
  /** Sets left out because they clash with an earlier one (by name), with the field at fault. */
  conflicts: Map<string, FlagdProblem>;
  /** Flags per set that the kill switch forces to their safe variant. */
  killSwitched: Map<string, number>;
}

/** The revision formula shared with the runtime (runtime/src/flags/flag-configuration.ts, flagConfigRevision). */
export function flagConfigRevision(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function killSwitched(flag: FlagSpec, variant: string, reason: string): FlagSpec {
  // The safe variant for everyone: no targeting, the variant as default; the reason travels in the metadata.
  const { targeting: _dropped, ...rest } = flag;
  return { ...rest, defaultVariant: variant, metadata: { ...flag.metadata, killSwitch: reason } };
}

/**
 * Merges a backend's accepted flag sets into the one flagd document its api serves. Sets are taken in name
 * order; a set that defines a flag key (or a differing `$evaluators` entry) an earlier set already has is left
 * out whole and reported, so what is served never mixes two definitions. Set metadata and the set's name
 * (`flagSetId`, as flagd names it) go into each flag's metadata, so merged sets keep their own metadata.
 */
export function renderFlagConfiguration(sets: readonly RenderInput[]): RenderedConfiguration {
  const flags: Record<string, unknown> = {};
  const evaluators: Record<string, unknown> = {};
  const owners = new Map<string, string>();
  const conflicts = new Map<string, FlagdProblem>();
  const switched = new Map<string, number>();
  for (const set of [...sets].sort((a, b) => a.name.localeCompare(b.name))) {
    const clash =
      Object.keys(set.spec.flags)
        .filter((key) => owners.has(key))
        .map((key) => ({
          field: `spec.flags.${key}`,
          message: `flag ${key} is already defined by FeatureFlagSet ${owners.get(key) ?? ''}`,
        }))[0] ??
      Object.entries(set.spec.$evaluators ?? {})
        .filter(([name, rule]) => name in evaluators && stableStringify(evaluators[name]) !== stableStringify(rule))
        .map(([name]) => ({
          field: `spec.$evaluators.${name}`,
          message: `evaluator ${name} differs from the one another FeatureFlagSet of this backend defines`,
        }))[0];
    if (clash !== undefined) {
      conflicts.set(set.name, clash);
      continue;
    }
    const switches = new Map(
      (set.killSwitch === undefined ? [] : (set.spec.killSwitches ?? [])).map((k) => [k.flag, k.variant]),
    );
    let count = 0;
    for (const [key, flag] of Object.entries(set.spec.flags)) {
      owners.set(key, set.name);
      const safe = switches.get(key);
      const withMetadata: FlagSpec = {
        ...flag,
        metadata: { ...set.spec.metadata, ...flag.metadata, flagSetId: set.name },
      };
      if (safe !== undefined && flag.state === 'ENABLED' && set.killSwitch !== undefined) {
        flags[key] = killSwitched(withMetadata, safe, set.killSwitch);
        count++;
      } else flags[key] = withMetadata;
    }
    switched.set(set.name, count);
    Object.assign(evaluators, set.spec.$evaluators ?? {});
  }
  const document = Object.keys(evaluators).length === 0 ? { flags } : { flags, $evaluators: evaluators };
  const text = stableStringify(document);
  return { text, revision: flagConfigRevision(text), conflicts, killSwitched: switched };
}
