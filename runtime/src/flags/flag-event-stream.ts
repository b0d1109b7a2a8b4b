import type { Request, Response } from 'express';
import { AppError } from '../platform/error-catalog.ts';

const HEARTBEAT_MS = 20_000;

/**
 * OFREP change notifications over SSE: every client gets `{"type":"refetchEvaluation","etag":<revision>}` when
 * the served configuration changes, and re-runs its bulk evaluation (the official web provider does this when
 * the bulk response lists the stream in `eventStreams`). The message carries no flag data, only the revision,
 * so the stream needs no credentials (EventSource cannot send headers); it is rate limited per IP and capped.
 */
export class FlagEventStream {
  readonly #clients = new Set<Response>();
  readonly #maxClients: number;
  readonly #onCount: (count: number) => void;

  constructor(options: { maxClients: number; onCount: (count: number) => void }) {
    this.#maxClients = options.maxClients;
    this.#onCount = options.onCount;
  }

  get size(): number {
    return this.#clients.size;
  }

  handle(req: Request, res: Response, revision: string): void {
    if (this.#clients.size >= this.#maxClients) {
      throw new AppError('unavailable', 'too many flag change streams on this server; retry later', {
        headers: { 'retry-after': '30' },
      });
    }
    res.status(200).setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('x-accel-buffering', 'no');
    res.setHeader('x-flags-revision', revision);
    res.flushHeaders();
    res.write('retry: 2000\n\n');
    this.#clients.add(res);
    this.#onCount(this.#clients.size);
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    req.on('close', () => {
      clearInterval(heartbeat);
      this.#clients.delete(res);
      this.#onCount(this.#clients.size);
    });
  }

  /** Tells every client to refetch: the configuration is now `revision`. */
  changed(revision: string): void {
    const message = `event: message\ndata: ${JSON.stringify({ type: 'refetchEvaluation', etag: revision })}\n\n`;
    for (const res of this.#clients) res.write(message);
  }

  /** Ends every stream (server draining); clients reconnect to another replica. */
  closeAll(): void {
    for (const res of [...this.#clients]) res.end();
    this.#clients.clear();
    this.#onCount(0);
  }
}
