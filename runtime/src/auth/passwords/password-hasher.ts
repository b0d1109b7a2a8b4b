import { hash, verify } from '@node-rs/argon2';

export interface Argon2Params {
  memoryCostKiB: number;
  timeCost: number;
  parallelism: number;
}

/**
 * argon2id password hashing with a pepper (argon2's `secret` input, from a mounted Secret, never stored with the
 * hashes). Verification of an unknown account runs against a dummy hash with the same parameters so that the
 * response time does not reveal whether the account exists.
 */
export class PasswordHasher {
  private readonly params: Argon2Params;
  private readonly pepper: Buffer;
  private dummy: Promise<string> | undefined;

  constructor(params: Argon2Params, pepper: string) {
    this.params = params;
    this.pepper = Buffer.from(pepper, 'utf8');
  }

  private options() {
    return {
      memoryCost: this.params.memoryCostKiB,
      timeCost: this.params.timeCost,
      parallelism: this.params.parallelism,
      secret: this.pepper,
    };
  }

  hash(password: string): Promise<string> {
    return hash(password.normalize('NFKC'), this.options());
  }

  async verify(stored: string | null | undefined, password: string): Promise<boolean> {
    if (stored === null || stored === undefined) {
      this.dummy ??= this.hash('mobileplane-dummy-password');
      await verify(await this.dummy, password.normalize('NFKC'), { secret: this.pepper }).catch(() => false);
      return false;
    }
    try {
      return await verify(stored, password.normalize('NFKC'), { secret: this.pepper });
    } catch {
      return false;
    }
  }

  /** True when a stored hash was made with other parameters (rehash after a successful sign-in). */
  needsRehash(stored: string): boolean {
    const { memoryCostKiB: m, timeCost: t, parallelism: p } = this.params;
    return !stored.startsWith(`$argon2id$v=19$m=${m},t=${t},p=${p}$`);
  }
}

/** Minimal policy (NIST SP 800-63B §3.1.1.2): length, not composition rules; a few obvious values refused. */
export function checkPasswordPolicy(password: string, minLength: number, email?: string): string | undefined {
  const length = [...password.normalize('NFKC')].length;
  if (length < minLength) return `must be at least ${minLength} characters`;
  if (length > 256) return 'must be at most 256 characters';
  const lower = password.toLowerCase();
  if (email !== undefined && lower.includes(email.toLowerCase().split('@')[0] ?? '\u0000'))
    return 'must not contain the email';
  if (/^(.)\1+$/.test(password) || ['password123', '1234567890', 'qwertyuiop'].includes(lower)) return 'is too common';
  return undefined;
}
