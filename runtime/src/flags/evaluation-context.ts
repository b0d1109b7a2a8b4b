import type { EvaluationContext, EvaluationContextValue } from '@openfeature/core';
import { z } from 'zod';
import type { Principal } from '../api/access-policy.ts';

/** A request context the runtime refuses: OFREP answers 400 `INVALID_CONTEXT` naming the field. */
export class InvalidContextError extends Error {
  override name = 'InvalidContextError';
}

const text = (max: number) => z.string().min(1).max(max);

/**
 * The standard mobile context (ARCHITECTURE.md, feature flags): `targetingKey` is the install id; the others
 * describe the device and app so targeting can use `sem_ver` on `appVersion`, `in` on `platform`, and so on.
 * Other attributes pass through untouched, as flagd does.
 */
const standardFields = {
  targetingKey: text(256),
  platform: text(32),
  appVersion: text(64),
  appBuild: z.union([text(64), z.number()]),
  osVersion: text(64),
  locale: z
    .string()
    .max(35)
    .regex(/^[A-Za-z]{2,8}([_-][A-Za-z0-9]{1,8})*$/, 'must be a BCP 47 language tag such as en-US'),
} as const;

/** Attributes only the server sets, from the verified access token; a body that sends them is overruled. */
export const SERVER_ATTRIBUTES = ['userId', 'roles'] as const;

const MAX_ATTRIBUTES = 64;

function describeValue(value: unknown, path: string): void {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => describeValue(item, `${path}[${index}]`));
    return;
  }
  if (typeof value === 'object') {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) describeValue(item, `${path}.${key}`);
    return;
  }
  throw new InvalidContextError(`${path}: unsupported value`);
}

/**
 * The evaluation context of an OFREP request: the body's `context` (validated: standard fields typed, at most
 * 64 attributes) with `userId` and `roles` replaced by the verified caller's, never taken from the body.
 */
export function evaluationContext(body: unknown, principal: Principal | undefined): EvaluationContext {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidContextError('the body must be a JSON object {"context": {...}}');
  }
  const raw = (body as { context?: unknown }).context ?? {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new InvalidContextError('context: must be an object');
  }
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > MAX_ATTRIBUTES) {
    throw new InvalidContextError(`context: at most ${MAX_ATTRIBUTES} attributes`);
  }
  const context: Record<string, EvaluationContextValue> = {};
  for (const [key, value] of entries) {
    if ((SERVER_ATTRIBUTES as readonly string[]).includes(key)) continue;
    const schema = (standardFields as Record<string, z.ZodType>)[key];
    if (schema !== undefined) {
      const result = schema.safeParse(value);
      if (!result.success) {
        throw new InvalidContextError(`context.${key}: ${result.error.issues[0]?.message ?? 'invalid'}`);
      }
    } else describeValue(value, `context.${key}`);
    context[key] = value as EvaluationContextValue;
  }
  if (principal !== undefined) {
    context['userId'] = principal.userId;
    context['roles'] = [...principal.roles];
  }
  return context;
}

/**
 * A canonical text of a context (keys sorted at every level) for the ETag: equal contexts give equal text
 * whatever the key order on the wire.
 */
export function canonicalContext(context: EvaluationContext): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value === null || typeof value !== 'object') return value;
    if (value instanceof Date) return value.toISOString();
    const object = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(object)
        .sort()
        .map((key) => [key, canonical(object[key])]),
    );
  };
  return JSON.stringify(canonical(context));
}
