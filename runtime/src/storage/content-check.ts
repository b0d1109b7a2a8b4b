import { fileTypeFromBuffer } from 'file-type';

/** Bytes read from the start of an upload for sniffing (file-type's recommended sample size). */
export const SNIFF_BYTES = 4100;

const EXECUTABLES = new Set([
  'application/x-elf',
  'application/x-msdownload',
  'application/x-mach-binary',
  'application/x-executable',
  'application/vnd.microsoft.portable-executable',
  'application/x-sharedlib',
]);
const ALIASES: Record<string, string> = { 'image/jpg': 'image/jpeg', 'audio/mp3': 'audio/mpeg' };
const TEXT_TYPES = new Set(['text/plain', 'application/json', 'text/csv']);

export type ContentVerdict =
  { ok: true; detected: string } | { ok: false; detected: string | undefined; reason: string };

/**
 * Checks an upload's first bytes against the type the client declared (and the signature enforced): binary
 * types must be what their magic numbers say (file-type); text types must be UTF-8 without NUL bytes and
 * without any binary magic. Executables never pass, whatever was declared.
 */
export async function checkContent(declared: string, head: Buffer): Promise<ContentVerdict> {
  const want = ALIASES[declared] ?? declared;
  const detected = (await fileTypeFromBuffer(head))?.mime;
  if (detected !== undefined && EXECUTABLES.has(detected))
    return { ok: false, detected, reason: `the file is an executable (${detected}), declared ${declared}` };
  if (TEXT_TYPES.has(want)) {
    if (detected !== undefined)
      return { ok: false, detected, reason: `declared ${declared} but the bytes are ${detected}` };
    const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
    if (head.includes(0) || text.includes('\uFFFD'))
      return {
        ok: false,
        detected: 'application/octet-stream',
        reason: `declared ${declared} but the bytes are not UTF-8 text`,
      };
    if (want === 'application/json' && !/^\s*[[{"\d\-tfn]/.test(text))
      return { ok: false, detected: 'text/plain', reason: 'declared application/json but the bytes are not JSON' };
    return { ok: true, detected: want };
  }
  if (detected === undefined)
    return {
      ok: false,
      detected,
      reason: `declared ${declared} but the bytes match no known ${declared.split('/')[0]} format`,
    };
  if (detected !== want) return { ok: false, detected, reason: `declared ${declared} but the bytes are ${detected}` };
  return { ok: true, detected };
}

/** Whether `type` is allowed by a list of media types and `type/*` wildcards. */
export function contentTypeAllowed(type: string, allowed: readonly string[]): boolean {
  return allowed.some((a) => a === type || (a.endsWith('/*') && type.startsWith(a.slice(0, -1))));
}
