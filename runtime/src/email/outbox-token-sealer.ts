import { SecretBox } from '../auth/crypto/secret-box.ts';

/**
 * Seals the one-time token an auth mail carries while it waits in the job queue, so the queue never holds it in
 * clear (the database stores only its hash in auth_one_time_tokens). The auth component seals, the workers
 * component opens; both read the key from MOBILEPLANE_OUTBOX_KEY, or derive it from AUTH_ENCRYPTION_KEY when
 * that is unset (docs/decisions/0401-auth-mail-as-jobs.md). The recipient is the associated data: a sealed token
 * moved to another job's recipient does not open.
 */
export class OutboxTokenSealer {
  private readonly box: SecretBox;

  constructor(keyMaterial: string) {
    this.box = new SecretBox(keyMaterial, 'outbox-token');
  }

  /** The key from the environment; undefined when neither variable is set. */
  static fromEnv(env: Readonly<Record<string, string | undefined>> = process.env): OutboxTokenSealer | undefined {
    const key = env['MOBILEPLANE_OUTBOX_KEY'] || env['AUTH_ENCRYPTION_KEY'];
    if (key === undefined || key === '') return undefined;
    if (key.length < 32) throw new Error('MOBILEPLANE_OUTBOX_KEY must be at least 32 characters');
    return new OutboxTokenSealer(key);
  }

  seal(token: string, recipient: string): string {
    return this.box.seal(token, recipient.toLowerCase());
  }

  open(sealed: string, recipient: string): string | undefined {
    return this.box.open(sealed, recipient.toLowerCase());
  }
}
