import { Counter, Registry } from 'prom-client';
import type { Logger } from '../../platform/logger.ts';

export const SECURITY_EVENTS = [
  'sign-up',
  'sign-in-succeeded',
  'sign-in-failed',
  'sign-in-throttled',
  'mfa-challenge-failed',
  'mfa-enrolled',
  'mfa-disabled',
  'recovery-code-used',
  'step-up',
  'token-refreshed',
  'refresh-token-reused',
  'refresh-refused',
  'session-revoked',
  'device-revoked',
  'password-reset-requested',
  'password-reset',
  'email-verified',
  'roles-changed',
  'upstream-linked',
  'signing-key-created',
] as const;
export type SecurityEvent = (typeof SECURITY_EVENTS)[number];

/** Fields an audit line may carry: identifiers only, never a credential, token or secret. */
export interface AuditFields {
  userId?: string | undefined;
  sessionId?: string | undefined;
  deviceId?: string | undefined;
  clientId?: string | undefined;
  ip?: string | undefined;
  reason?: string | undefined;
  method?: string | undefined;
  provider?: string | undefined;
}

/**
 * The security audit trail: one structured log line (`audit: true`, stable `event`) and one counter increment
 * per event, so SREs can alert on `auth_security_events_total{event="refresh-token-reused"}` bursts.
 */
export class SecurityAudit {
  private readonly logger: Logger;
  private readonly counter: Counter<'event'>;

  constructor(logger: Logger, registry: Registry = new Registry()) {
    this.logger = logger.child({ audit: true });
    const existing = registry.getSingleMetric('auth_security_events_total');
    this.counter =
      (existing as Counter<'event'> | undefined) ??
      new Counter({
        name: 'auth_security_events_total',
        help: 'Security events of the auth component (sign-ins, failures, token reuse, MFA changes).',
        labelNames: ['event'] as const,
        registers: [registry],
      });
  }

  record(event: SecurityEvent, fields: AuditFields = {}): void {
    this.counter.inc({ event });
    const line: Record<string, string> = { event };
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) line[snake(key)] = value;
    const level = event === 'refresh-token-reused' || event === 'sign-in-throttled' ? 'warn' : 'info';
    this.logger[level](line, `security event: ${event}`);
  }
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
