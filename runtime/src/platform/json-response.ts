import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Request, Response } from 'express';
import { etagOf, ifNoneMatchHits, negotiateEncoding } from './http-conditionals.ts';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
/** Dynamic responses: brotli 4 and gzip 6 compress well at a fraction of the maximum quality's CPU. */
const BROTLI_OPTIONS = { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } };

export interface JsonResponseOptions {
  status?: number;
  /** The representation's ETag; computed from the bytes for cacheable answers when not given. */
  etag?: string;
  headers?: Record<string, string>;
  contentType?: string;
  compressionThresholdBytes: number;
}

/**
 * Sends JSON with the HTTP niceties every read needs: ETag and If-None-Match (304), and gzip or brotli above a
 * size threshold (the ETag gets a coding suffix so caches never mix encodings).
 */
export async function sendJson(
  req: Request,
  res: Response,
  body: unknown,
  options: JsonResponseOptions,
): Promise<void> {
  const status = options.status ?? 200;
  const text = JSON.stringify(body);
  const cacheable = status === 200 && (req.method === 'GET' || req.method === 'HEAD');
  const etag = options.etag ?? (cacheable ? etagOf(text) : undefined);
  for (const [name, value] of Object.entries(options.headers ?? {})) res.setHeader(name, value);
  res.setHeader('vary', 'Accept-Encoding');
  if (etag !== undefined && cacheable && ifNoneMatchHits(req.headers['if-none-match'], etag)) {
    res.setHeader('etag', etag);
    res.status(304).end();
    return;
  }
  res.status(status).setHeader('content-type', options.contentType ?? 'application/json; charset=utf-8');
  const length = Buffer.byteLength(text);
  const encoding =
    length >= options.compressionThresholdBytes ? negotiateEncoding(req.headers['accept-encoding']) : undefined;
  if (encoding === undefined) {
    if (etag !== undefined) res.setHeader('etag', etag);
    res.setHeader('content-length', length);
    // A string body goes out in one socket write with the headers; a Buffer body is a second chunk (writev), which
    // a CPU profile of "list 20" showed as the largest single cost of the response path.
    res.end(req.method === 'HEAD' ? undefined : text);
    return;
  }
  const bytes = encoding === 'br' ? await brotli(text, BROTLI_OPTIONS) : await gzipAsync(text);
  res.setHeader('content-encoding', encoding);
  if (etag !== undefined) res.setHeader('etag', etag.replace(/"$/, `-${encoding}"`));
  res.setHeader('content-length', bytes.length);
  res.end(req.method === 'HEAD' ? undefined : bytes);
}
