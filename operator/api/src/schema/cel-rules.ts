import { z } from 'zod';

/** The OpenAPI extension that carries CEL validation rules in a CRD schema. */
export const CEL_RULES_KEY = 'x-kubernetes-validations';

/** `reason` values the API server accepts on a CEL rule; they pick the error type in the response. */
export type CelRuleReason = 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';

/**
 * A cross-field rule, written twice on purpose: as CEL for the API server (`x-kubernetes-validations`) and as a
 * TypeScript predicate for `validateMobileBackend()` and the portal. The unit and e2e suites run the same table
 * of bad resources through both, so the two cannot drift apart unnoticed.
 */
export interface CelRule<T> {
  /** CEL expression; `self` is the value the rule is attached to. */
  readonly rule: string;
  /** Error message. Name the field: the API server prints it after the field path. */
  readonly message: string;
  /**
   * Path of the field to blame, relative to `self`, in the API server's syntax (`.minReplicas`). Without it the
   * error is reported on the object the rule is attached to.
   */
  readonly fieldPath?: string;
  readonly reason?: CelRuleReason;
  /** The same rule in TypeScript; returns true when the value is valid. Runs only on values that parsed. */
  readonly holds: (self: T) => boolean;
}

/** A rule the API server evaluates on updates only (it reads `oldSelf`); it has no TypeScript twin. */
export interface CelTransitionRule {
  readonly rule: string;
  readonly message: string;
  readonly fieldPath?: string;
  readonly reason?: CelRuleReason;
}

/** The shape of one `x-kubernetes-validations` entry in the generated CRD. */
export interface KubernetesValidationRule {
  rule: string;
  message: string;
  fieldPath?: string;
  reason?: CelRuleReason;
}

function toKubernetes(rule: CelRule<never> | CelTransitionRule): KubernetesValidationRule {
  return {
    rule: rule.rule,
    message: rule.message,
    ...(rule.fieldPath === undefined ? {} : { fieldPath: rule.fieldPath }),
    ...(rule.reason === undefined ? {} : { reason: rule.reason }),
  };
}

/** `.a.b` → `['a', 'b']`. Only simple dotted paths are supported, which is all the API server needs here. */
export function fieldPathSegments(fieldPath: string | undefined): string[] {
  if (fieldPath === undefined || fieldPath === '') return [];
  if (!/^(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(fieldPath)) {
    throw new Error(`unsupported CEL fieldPath ${JSON.stringify(fieldPath)}: use a dotted path such as .spec.replicas`);
  }
  return fieldPath.slice(1).split('.');
}

function existingRules(schema: z.ZodType): KubernetesValidationRule[] {
  const rules = z.globalRegistry.get(schema)?.[CEL_RULES_KEY];
  return Array.isArray(rules) ? (rules as KubernetesValidationRule[]) : [];
}

/**
 * Attaches cross-field rules to a schema: each becomes a zod refinement (reported at `fieldPath`) and an
 * `x-kubernetes-validations` entry in the generated CRD. Transition rules (`oldSelf`) only go to the CRD.
 */
export function withCelRules<S extends z.ZodType>(
  schema: S,
  rules: readonly CelRule<z.output<S>>[],
  transitionRules: readonly CelTransitionRule[] = [],
): S {
  for (const rule of rules) fieldPathSegments(rule.fieldPath);
  const refined = schema.superRefine((value, ctx) => {
    for (const rule of rules) {
      if (!rule.holds(value)) {
        ctx.addIssue({ code: 'custom', message: rule.message, path: fieldPathSegments(rule.fieldPath) });
      }
    }
  });
  return refined.meta({
    [CEL_RULES_KEY]: [
      ...existingRules(schema),
      ...rules.map((rule) => toKubernetes(rule as CelRule<never>)),
      ...transitionRules.map(toKubernetes),
    ],
  });
}
