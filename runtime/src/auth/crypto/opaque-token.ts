import { createHash, randomBytes } from 'node:crypto';

/**
 * Opaque secrets handed to clients (refresh, one-time, recovery tokens): 256 random bits, base64url, with a
 * prefix so secret scanners and log scrubbers can recognise them. Only their SHA-256 is stored: the input has
 * full entropy, so a fast hash is enough (a slow KDF is for low-entropy passwords).
 */
export type TokenPrefix = 'mprt' | 'mpot' | 'mpmc';

export function generateOpaqueToken(prefix: TokenPrefix, bytes = 32): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Matches every token this module mints; used by log redaction tests. */
export const OPAQUE_TOKEN_PATTERN = /\bmp(?:rt|ot|mc)_[A-Za-z0-9_-]{20,}/;
