import type { Clock } from '../clock.ts';
import { SecretBox } from '../crypto/secret-box.ts';

/** What a pending second-factor step remembers between the password and the code. */
export interface MfaChallenge {
  userId: string;
  /** Methods already passed, e.g. ['pwd']. */
  amr: string[];
  /** Binds the challenge to where it started: a first-party client id, or an oidc-provider interaction uid. */
  binding: string;
  expiresAt: number;
}

const TTL_MS = 5 * 60 * 1000;

/**
 * Stateless, sealed (AES-GCM) challenge handed to the client after a correct password when the account has a
 * second factor. It cannot be forged or read, expires in five minutes, and is bound to its client or interaction;
 * guesses at the code are throttled per account by the caller.
 */
export class MfaChallengeSealer {
  private readonly box: SecretBox;
  private readonly clock: Clock;

  constructor(secret: string, clock: Clock) {
    this.box = new SecretBox(secret, 'mfa-challenge');
    this.clock = clock;
  }

  seal(challenge: Omit<MfaChallenge, 'expiresAt'>): string {
    return this.box.seal(JSON.stringify({ ...challenge, expiresAt: this.clock.now() + TTL_MS }), 'mfa');
  }

  open(sealed: string, binding: string): MfaChallenge | undefined {
    const text = this.box.open(sealed, 'mfa');
    if (text === undefined) return undefined;
    const challenge = JSON.parse(text) as MfaChallenge;
    if (challenge.binding !== binding || challenge.expiresAt <= this.clock.now()) return undefined;
    return challenge;
  }
}
