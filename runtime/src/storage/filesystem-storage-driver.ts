import { createHmac, timingSafeEqual } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Response, Router } from 'express';
import express from 'express';
import { AppError } from '../platform/error-catalog.ts';
import type { PresignedRequest, StorageDriver, StoredObjectInfo } from './storage-driver.ts';

interface Grant {
  op: 'put' | 'get';
  key: string;
  exp: number;
  type?: string;
  size?: number;
  name?: string;
}

/**
 * The embedded default: objects as files under one directory, served by the storage component itself on
 * HMAC-signed URLs that carry the same bounds as S3's presigned ones (method, key, expiry, and for uploads the
 * exact content type and length). Keys are validated so no path leaves the directory.
 */
export class FilesystemStorageDriver implements StorageDriver {
  readonly name = 'filesystem' as const;
  private readonly root: string;
  private readonly secret: Buffer;
  private publicUrl: string;

  constructor(options: { directory: string; publicUrl: string; signingKey: string }) {
    this.root = resolve(options.directory);
    this.secret = Buffer.from(options.signingKey);
    this.publicUrl = options.publicUrl.replace(/\/$/, '');
  }

  /** The component's URL once its server listens (when no public URL was configured). */
  setPublicUrl(url: string): void {
    this.publicUrl = url.replace(/\/$/, '');
  }

  private path(key: string): string {
    if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,500}$/.test(key) || key.includes('..')) throw new Error(`invalid key ${key}`);
    return join(this.root, key);
  }

  private sign(grant: Grant): string {
    const body = Buffer.from(JSON.stringify(grant)).toString('base64url');
    return `${body}.${createHmac('sha256', this.secret).update(body).digest('base64url')}`;
  }

  private verify(token: string, op: Grant['op']): Grant {
    const [body, mac] = token.split('.');
    if (body === undefined || mac === undefined) throw new AppError('forbidden', 'invalid signature');
    const expected = createHmac('sha256', this.secret).update(body).digest();
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new AppError('forbidden', 'invalid signature');
    const grant = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Grant;
    if (grant.op !== op) throw new AppError('forbidden', 'the signature is for another operation');
    if (grant.exp < Date.now() / 1000) throw new AppError('forbidden', 'the signed URL has expired');
    return grant;
  }

  async presignUpload(key: string, contentType: string, size: number, ttlSeconds: number): Promise<PresignedRequest> {
    this.path(key);
    const exp = Math.floor(Date.now() / 1000) + ttlSeconds;
    const token = this.sign({ op: 'put', key, exp, type: contentType, size });
    return {
      method: 'PUT',
      url: `${this.publicUrl}/v1/storage/blob?sig=${token}`,
      headers: { 'content-type': contentType, 'content-length': String(size) },
      expiresAt: new Date(exp * 1000),
    };
  }

  async presignDownload(key: string, ttlSeconds: number, downloadName?: string): Promise<PresignedRequest> {
    const exp = Math.floor(Date.now() / 1000) + ttlSeconds;
    const token = this.sign({ op: 'get', key, exp, ...(downloadName ? { name: downloadName } : {}) });
    return {
      method: 'GET',
      url: `${this.publicUrl}/v1/storage/blob?sig=${token}`,
      headers: {},
      expiresAt: new Date(exp * 1000),
    };
  }

  async head(key: string): Promise<StoredObjectInfo | undefined> {
    try {
      const info = await stat(this.path(key));
      const type = await readFile(`${this.path(key)}.type`, 'utf8').catch(() => undefined);
      return { size: info.size, contentType: type };
    } catch {
      return undefined;
    }
  }

  async readStart(key: string, bytes: number): Promise<Buffer> {
    const handle = await open(this.path(key), 'r');
    try {
      const buffer = Buffer.alloc(bytes);
      const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  async read(key: string): Promise<Buffer> {
    return readFile(this.path(key));
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    const partial = `${target}.partial-${process.pid}-${Date.now()}`;
    await writeFile(partial, body);
    await writeFile(`${target}.type`, contentType);
    await rename(partial, target);
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
    await rm(`${this.path(key)}.type`, { force: true });
  }

  /** The signed-URL endpoint: PUT stores exactly the signed length and type, GET serves the file. */
  router(): Router {
    const router = express.Router();
    router.put('/v1/storage/blob', async (req: Request, res: Response) => {
      const grant = this.verify(String(req.query['sig'] ?? ''), 'put');
      if (req.headers['content-type'] !== grant.type)
        throw new AppError('forbidden', 'content-type differs from the signed one');
      if (Number(req.headers['content-length']) !== grant.size)
        throw new AppError('forbidden', 'content-length differs from the signed one');
      const target = this.path(grant.key);
      await mkdir(dirname(target), { recursive: true });
      const partial = `${target}.partial-${process.pid}-${Date.now()}`;
      let received = 0;
      const limit = grant.size ?? 0;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          received += chunk.length;
          callback(received > limit ? new AppError('forbidden', 'body longer than the signed length') : null, chunk);
        },
      });
      try {
        await pipeline(req, counter, createWriteStream(partial));
        if (received !== limit) throw new AppError('forbidden', 'body shorter than the signed length');
        await writeFile(`${target}.type`, grant.type ?? 'application/octet-stream');
        await rename(partial, target);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
      res.status(200).end();
    });
    router.get('/v1/storage/blob', async (req: Request, res: Response) => {
      const grant = this.verify(String(req.query['sig'] ?? ''), 'get');
      const info = await this.head(grant.key);
      if (info === undefined) throw new AppError('not-found', 'no such object');
      res.setHeader('content-type', info.contentType ?? 'application/octet-stream');
      res.setHeader('content-length', String(info.size));
      res.setHeader('x-content-type-options', 'nosniff');
      if (grant.name)
        res.setHeader('content-disposition', `attachment; filename="${grant.name.replace(/["\\\r\n]/g, '_')}"`);
      const { createReadStream } = await import('node:fs');
      await pipeline(createReadStream(this.path(grant.key)), res);
    });
    return router;
  }

  close(): void {
    // Nothing to release.
  }
}
