import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError } from './error-catalog.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Bodies this much over the limit are not drained any more; the connection is closed instead. */
const DRAIN_CAP_BYTES = 64 * 1024 * 1024;

/**
 * Deepest nesting of objects and arrays in a JSON text, counted outside strings. Checked before parsing so
 * hostile documents are refused before anything recursive (validation, serialisation) sees them.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/** Decodes and parses a JSON body; every failure is a 4xx AppError. */
export function parseJsonBody(bytes: Buffer, maxDepth: number): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new AppError('invalid-encoding', 'the body is not valid UTF-8');
  }
  if (jsonDepth(text) > maxDepth) throw new AppError('json-too-deep', `nesting deeper than ${maxDepth} levels`);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new AppError('malformed-json', (error as Error).message);
  }
}

/** Media type check: `application/json` (or one of `extraTypes`), charset UTF-8 if any. */
export function checkJsonContentType(header: string | undefined, extraTypes: readonly string[] = []): void {
  if (header === undefined) throw new AppError('unsupported-media-type', 'Content-Type is required');
  const [type = '', ...params] = header.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json' && !extraTypes.includes(type))
    throw new AppError('unsupported-media-type', `Content-Type ${type} is not accepted; use application/json`);
  for (const param of params) {
    const [name, value = ''] = param.split('=').map((s) => s.trim());
    if (name === 'charset' && value.replace(/"/g, '') !== 'utf-8')
      throw new AppError('unsupported-media-type', `charset ${value} is not accepted; use utf-8`);
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > DRAIN_CAP_BYTES) {
      reject(new AppError('body-too-large', `the limit is ${limit} bytes`, { headers: { connection: 'close' } }));
      req.resume();
      return;
    }
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Keep reading (and dropping) so the client sees the 413 instead of a reset connection.
        tooLarge = true;
        chunks.length = 0;
        if (size > DRAIN_CAP_BYTES) req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) reject(new AppError('body-too-large', `the limit is ${limit} bytes`));
      else resolve(Buffer.concat(chunks, size));
    });
    req.on('error', reject);
  });
}

/** Express middleware: strict JSON bodies (media type, size, encoding, depth, syntax) into `req.body`. */
export function jsonBodyParser(options: {
  limitBytes: number;
  maxDepth: number;
  extraTypes?: readonly string[];
}): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    try {
      if (hasBody || req.headers['content-type'] !== undefined)
        checkJsonContentType(req.headers['content-type'], options.extraTypes);
      else throw new AppError('unsupported-media-type', 'a JSON body is required');
    } catch (error) {
      req.resume();
      next(error);
      return;
    }
    readBody(req, options.limitBytes).then(
      (bytes) => {
        try {
          req.body = parseJsonBody(bytes, options.maxDepth);
          next();
        } catch (error) {
          next(error);
        }
      },
      (error: unknown) => next(error),
    );
  };
}
