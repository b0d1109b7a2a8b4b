import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import type { Database } from '../../data/database.ts';
import type { Logger } from '../../platform/logger.ts';
import { SecretBox } from '../crypto/secret-box.ts';
import type { Clock } from '../clock.ts';
import { planKeySchedule } from './key-schedule.ts';
import type { KeySchedulePolicy } from './key-schedule.ts';

export type SigningAlg = 'ES256' | 'EdDSA';

interface LoadedKey {
  kid: string;
  alg: SigningAlg;
  signsFrom: number;
  privateKey: CryptoKey;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** Advisory lock serialising key creation across replicas: 'mpkeys'. */
const KEY_LOCK = 0x6d706b657973n;

/**
 * The auth component's signing keys: kept in PostgreSQL (private halves sealed with AES-GCM), cached in memory,
 * rotated on the schedule of `planKeySchedule`. Every replica signs with the same key at the same time because
 * the switch happens at a stored instant, not when a replica notices.
 */
export class SigningKeyRing {
  private keys: LoadedKey[] = [];
  private readonly box: SecretBox;
  private readonly db: Database;
  private readonly alg: SigningAlg;
  private readonly policy: KeySchedulePolicy;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(options: {
    db: Database;
    alg: SigningAlg;
    encryptionKey: string;
    policy: KeySchedulePolicy;
    clock: Clock;
    logger: Logger;
  }) {
    this.db = options.db;
    this.alg = options.alg;
    this.policy = options.policy;
    this.clock = options.clock;
    this.logger = options.logger;
    this.box = new SecretBox(options.encryptionKey, 'signing-keys');
  }

  /** Loads keys and applies the schedule: creates the next key when due, prunes dead ones. */
  async maintain(): Promise<void> {
    await this.load();
    const plan = planKeySchedule(this.keys, this.clock.now(), this.policy);
    if (plan.create === undefined && plan.prune.length === 0) return;
    await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [KEY_LOCK.toString()]);
      const { rows } = await tx.query<{ kid: string; signs_from: Date }>(
        'SELECT kid, signs_from FROM auth_signing_keys',
      );
      const fresh = planKeySchedule(
        rows.map((r) => ({ kid: r.kid, signsFrom: new Date(r.signs_from).getTime() })),
        this.clock.now(),
        this.policy,
      );
      if (fresh.create !== undefined) await this.insertKey(tx, fresh.create.signsFrom);
      if (fresh.prune.length > 0) await tx.query('DELETE FROM auth_signing_keys WHERE kid = ANY($1)', [fresh.prune]);
    });
    await this.load();
  }

  /** Creates a key that starts signing after `leadMs` (operators' "rotate now"; tests). */
  async rotate(leadMs = this.policy.prePublishMs): Promise<string> {
    const kid = await this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [KEY_LOCK.toString()]);
      return this.insertKey(tx, this.clock.now() + leadMs);
    });
    await this.load();
    return kid;
  }

  private async insertKey(tx: Pick<Database, 'query'>, signsFrom: number): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair(this.alg, { extractable: true });
    const kid = randomUUID();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: this.alg, use: 'sig' };
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: this.alg, use: 'sig' };
    await tx.query(
      'INSERT INTO auth_signing_keys (kid, alg, public_jwk, private_jwk_sealed, signs_from) VALUES ($1, $2, $3, $4, $5)',
      [kid, this.alg, JSON.stringify(publicJwk), this.box.seal(JSON.stringify(privateJwk), kid), new Date(signsFrom)],
    );
    this.logger.info({ kid, alg: this.alg, signs_from: new Date(signsFrom).toISOString() }, 'signing key created');
    return kid;
  }

  async load(): Promise<void> {
    const { rows } = await this.db.query<{
      kid: string;
      alg: SigningAlg;
      public_jwk: JWK;
      private_jwk_sealed: string;
      signs_from: Date;
    }>('SELECT kid, alg, public_jwk, private_jwk_sealed, signs_from FROM auth_signing_keys');
    const known = new Map(this.keys.map((k) => [k.kid, k]));
    const loaded: LoadedKey[] = [];
    for (const row of rows) {
      const cached = known.get(row.kid);
      if (cached !== undefined) {
        loaded.push(cached);
        continue;
      }
      const opened = this.box.open(row.private_jwk_sealed, row.kid);
      if (opened === undefined) {
        this.logger.error({ kid: row.kid }, 'signing key cannot be decrypted with the configured encryption key');
        continue;
      }
      const privateJwk = JSON.parse(opened) as JWK;
      const privateKey = (await importJWK(privateJwk, row.alg)) as CryptoKey;
      const publicJwk = typeof row.public_jwk === 'string' ? (JSON.parse(row.public_jwk) as JWK) : row.public_jwk;
      loaded.push({
        kid: row.kid,
        alg: row.alg,
        signsFrom: new Date(row.signs_from).getTime(),
        privateKey,
        privateJwk,
        publicJwk,
      });
    }
    this.keys = loaded;
  }

  private schedule() {
    return planKeySchedule(this.keys, this.clock.now(), this.policy);
  }

  /** The key that signs now; evaluated per call, so a pre-published key takes over at its instant. */
  signingKey(): { kid: string; alg: SigningAlg; privateKey: CryptoKey; privateJwk: JWK } {
    const kid = this.schedule().signing;
    const key = this.keys.find((k) => k.kid === kid);
    if (key === undefined) throw new Error('no signing key is available; run maintain() first');
    return key;
  }

  /** JWKS document: public halves of every published key. */
  jwks(): { keys: JWK[] } {
    const published = new Set(this.schedule().published);
    return { keys: this.keys.filter((k) => published.has(k.kid)).map((k) => k.publicJwk) };
  }

  /** Public key for verification of a token with this `kid`, if still published. */
  verificationKey(kid: string): CryptoKey | JWK | undefined {
    if (!this.schedule().published.includes(kid)) return undefined;
    return this.keys.find((k) => k.kid === kid)?.publicJwk;
  }
}
