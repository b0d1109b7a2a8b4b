/**
 * Tokens whose signature and claims were verified, kept by their exact text until they expire, so a client
 * reusing its access token (every request of a session) costs one map lookup instead of an ECDSA/RSA verify.
 * Bounded, least recently used first out. An entry remembers the key-set generation it was verified under: when
 * the issuer's keys are refetched (rotation, revocation, an unknown `kid`), every older entry is verified again.
 */
export class VerifiedTokenCache<T> {
  private readonly entries = new Map<string, { value: T; exp: number; generation: number }>();
  private readonly maxEntries: number;

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The cached value while the token is unexpired (`exp` in epoch seconds, jose's rule: expired once
   * `exp <= now - tolerance`) and was verified under the current key-set generation; otherwise undefined.
   */
  get(token: string, nowSeconds: number, toleranceSeconds: number, generation: number): T | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    this.entries.delete(token);
    if (entry.generation !== generation || entry.exp <= nowSeconds - toleranceSeconds) return undefined;
    this.entries.set(token, entry);
    return entry.value;
  }

  set(token: string, value: T, exp: number, generation: number): void {
    if (this.maxEntries <= 0) return;
    this.entries.delete(token);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(token, { value, exp, generation });
  }
}
