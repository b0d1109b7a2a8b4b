import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Express, Request, Response } from 'express';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import type { Database } from '../data/database.ts';
import { AppError } from '../platform/error-catalog.ts';
import type { GracefulServer } from '../platform/http-server.ts';
import type { Logger } from '../platform/logger.ts';
import { PROBLEM_CONTENT_TYPE } from '../platform/problem-details.ts';
import type { SessionRevocations } from '../platform/session-revocations.ts';
import type { Principal } from './access-policy.ts';
import { requireAccess } from './collection-registry.ts';
import type { CollectionRegistry } from './collection-registry.ts';
import { INITIAL_CHANGE_CURSOR, decodeChangeCursor, encodeChangeCursor } from './cursor-codec.ts';
import type { ChangeCursor } from './cursor-codec.ts';
import { presentChange } from './document-presenter.ts';
import { CHANGES_CHANNEL } from './change-notifier.ts';
import type { ChangeBody } from './document-presenter.ts';
import type { DocumentStore } from './document-store.ts';
import type { JwtAuthenticator } from './jwt-authenticator.ts';
import { identityOf, resolveIdentity } from './request-identity.ts';

export const EVENTS_PATH = '/v1/collections/:collection/events';

/** Why the server ended a stream; SSE sends it as a last `end` event, WebSocket as the close code and reason. */
export type StreamEndReason = 'shutdown' | 'token-expired' | 'session-revoked' | 'error' | 'client-closed';
/** RFC 6455 §7.4.2: 4000–4999 are the application's; 1001 going away, 1011 server error. */
export const SOCKET_CLOSE_CODES: Record<StreamEndReason, number> = {
  shutdown: 1001,
  'token-expired': 4001,
  'session-revoked': 4002,
  error: 1011,
  'client-closed': 1000,
};
const SOCKET_PATH = /^\/v1\/collections\/([^/?]+)\/socket$/;
const BATCH = 100;
const HEARTBEAT_MS = 20_000;
/**
 * Safety net: every subscriber pulls this often even without a notification, for a notification lost with a crashed
 * replica, or one that arrived while an older writing transaction still held the sync horizon back.
 */
const REPOLL_MS = 10_000;

/** One client's position in a collection's change stream; catches up with the same query as delta sync. */
class FeedSubscriber {
  readonly collection: string;
  private cursor: ChangeCursor;
  private readonly includeTombstones: boolean;
  private readonly ownerId: string | undefined;
  private readonly store: DocumentStore;
  private readonly deliver: (change: ChangeBody, id: string) => Promise<void>;
  private readonly onError: (error: unknown) => void;
  private running = false;
  private again = false;
  private retryMs = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  closed = false;

  constructor(options: {
    collection: string;
    since: ChangeCursor | undefined;
    ownerId: string | undefined;
    store: DocumentStore;
    deliver: (change: ChangeBody, id: string) => Promise<void>;
    onError: (error: unknown) => void;
  }) {
    this.collection = options.collection;
    this.cursor = options.since ?? INITIAL_CHANGE_CURSOR;
    // A fresh subscriber has nothing to delete: tombstones only matter to one that resumes.
    this.includeTombstones = options.since !== undefined;
    this.ownerId = options.ownerId;
    this.store = options.store;
    this.deliver = options.deliver;
    this.onError = options.onError;
  }

  /** Called on every NOTIFY for the collection (and after a LISTEN reconnect); coalesces while a pull runs. */
  wake(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.pull().finally(() => (this.running = false));
  }

  private async pull(): Promise<void> {
    try {
      do {
        this.again = false;
        const { changes: rows, pending } = await this.store.changes(
          this.collection,
          this.cursor,
          BATCH,
          this.ownerId,
          this.includeTombstones,
        );
        this.scheduleRetry(pending);
        for (const row of rows) {
          if (this.closed) return;
          this.cursor = { xid: row.xid, id: row.id };
          await this.deliver(presentChange(row), encodeChangeCursor(this.cursor));
        }
        if (rows.length === BATCH) this.again = true;
      } while (this.again && !this.closed);
    } catch (error) {
      this.onError(error);
    }
  }

  /** Changes held behind the sync horizon: look again soon, backing off from 25 ms to 2 s while it lasts. */
  private scheduleRetry(pending: boolean): void {
    if (!pending) {
      this.retryMs = 0;
      return;
    }
    if (this.retryTimer !== undefined) return;
    this.retryMs = Math.min(2000, this.retryMs === 0 ? 25 : this.retryMs * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.wake();
    }, this.retryMs);
    this.retryTimer.unref();
  }

  stop(): void {
    this.closed = true;
    clearTimeout(this.retryTimer);
  }
}

/**
 * Realtime change feed over SSE and WebSocket. One LISTEN per process on `mp_changes` (sent by ChangeNotifier after
 * writes commit, payload: the collection); each NOTIFY wakes the collection's subscribers, which pull with the delta-sync query under their own
 * access scope, so the feed never shows a document the caller could not read, and resuming from the last event id
 * is just a delta sync from that cursor.
 */
export class ChangeFeed {
  private readonly options: {
    database: Database;
    store: DocumentStore;
    collections: CollectionRegistry;
    logger: Logger;
    authenticator: JwtAuthenticator | undefined;
    apiKeys: ReadonlyMap<string, string>;
    revocations?: Pick<SessionRevocations, 'watch'> | undefined;
  };
  private readonly subscribers = new Set<FeedSubscriber>();
  private readonly closers = new Set<() => void>();
  private listening: Promise<() => Promise<void>> | undefined;
  private repoll: NodeJS.Timeout | undefined;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });

  constructor(options: ChangeFeed['options']) {
    this.options = options;
  }

  private ensureListening(): Promise<unknown> {
    this.repoll ??= setInterval(() => {
      for (const s of this.subscribers) s.wake();
    }, REPOLL_MS);
    this.repoll.unref();
    this.listening ??= this.options.database.listen(
      CHANGES_CHANNEL,
      (collection) => {
        for (const s of this.subscribers) if (s.collection === collection) s.wake();
      },
      () => {
        for (const s of this.subscribers) s.wake();
      },
    );
    return this.listening;
  }

  private async subscribe(
    collectionName: string,
    principal: Principal | undefined,
    since: ChangeCursor | undefined,
    deliver: (change: ChangeBody, id: string) => Promise<void>,
    close: (reason: StreamEndReason) => void,
  ): Promise<() => void> {
    const collection = this.options.collections.get(collectionName);
    const scope = requireAccess(collection, 'read', principal);
    await this.ensureListening();
    const subscriber = new FeedSubscriber({
      collection: collection.name,
      since,
      ownerId: scope === 'own' ? principal?.userId : undefined,
      store: this.options.store,
      deliver,
      onError: (error) => {
        this.options.logger.warn({ err: error }, 'change feed subscriber failed');
        close('error');
      },
    });
    const shutdown = () => close('shutdown');
    this.subscribers.add(subscriber);
    this.closers.add(shutdown);
    const endLifetime = this.watchTokenLifetime(principal, close);
    subscriber.wake();
    return () => {
      endLifetime();
      subscriber.stop();
      this.subscribers.delete(subscriber);
      this.closers.delete(shutdown);
    };
  }

  /**
   * A stream lives no longer than the token that opened it: it ends at the token's `exp` and when the auth
   * component revokes the token's session (docs/decisions/0750). The client reconnects with a fresh token and
   * resumes from its last event id.
   */
  private watchTokenLifetime(principal: Principal | undefined, close: (reason: StreamEndReason) => void): () => void {
    if (principal === undefined) return () => undefined;
    let timer: NodeJS.Timeout | undefined;
    const expiresAt = principal.expiresAt;
    if (expiresAt !== undefined) {
      const arm = () => {
        const delay = expiresAt * 1000 - Date.now();
        if (delay <= 0) {
          close('token-expired');
          return;
        }
        // setTimeout fires at once beyond 2^31-1 ms; a longer-lived token re-arms the timer.
        timer = setTimeout(arm, Math.min(delay, 2 ** 31 - 1));
        timer.unref();
      };
      arm();
    }
    const unwatch =
      principal.sessionId === undefined || this.options.revocations === undefined
        ? () => undefined
        : this.options.revocations.watch(principal.sessionId, () => close('session-revoked'));
    return () => {
      clearTimeout(timer);
      unwatch();
    };
  }

  /** `GET /v1/collections/{c}/events`: Server-Sent Events; resumes from `Last-Event-ID` or `?since=`. */
  mountSse(app: Express): void {
    app.get(EVENTS_PATH, (req: Request, res: Response, next) => {
      const params = new URL(req.originalUrl, 'http://x').searchParams;
      const lastEventId = req.headers['last-event-id'];
      const sinceText = typeof lastEventId === 'string' ? lastEventId : params.get('since');
      let since: ChangeCursor | undefined;
      try {
        since = sinceText === null || sinceText === '' ? undefined : decodeChangeCursor(sinceText);
      } catch (error) {
        next(error);
        return;
      }
      const write = (text: string) =>
        new Promise<void>((resolve) => {
          if (res.write(text)) resolve();
          else res.once('drain', resolve);
        });
      let unsubscribe: (() => void) | undefined;
      let heartbeat: NodeJS.Timeout | undefined;
      let ended = false;
      const close = (reason: StreamEndReason) => {
        if (ended) return;
        ended = true;
        clearInterval(heartbeat);
        unsubscribe?.();
        // A last event says why, so a client can tell "get a fresh token" from a server going away.
        if (res.headersSent && !res.writableEnded) res.write(`event: end\ndata: ${JSON.stringify({ reason })}\n\n`);
        res.end();
      };
      this.subscribe(
        String(req.params['collection']),
        identityOf(res).principal,
        since,
        (change, id) => write(`id: ${id}\nevent: change\ndata: ${JSON.stringify(change)}\n\n`),
        close,
      ).then(
        (unsub) => {
          unsubscribe = unsub;
          if (ended) {
            unsub();
            return;
          }
          res.status(200).setHeader('content-type', 'text/event-stream; charset=utf-8');
          res.setHeader('cache-control', 'no-cache');
          res.setHeader('x-accel-buffering', 'no');
          res.flushHeaders();
          res.write('retry: 2000\n\n');
          heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
          req.on('close', () => close('client-closed'));
        },
        (error: unknown) => next(error),
      );
    });
  }

  /** `GET /v1/collections/{c}/socket` upgraded to a WebSocket: one JSON message `{id, change}` per change. */
  attachWebSocket(server: GracefulServer): void {
    server.onDrain(() => {
      for (const close of [...this.closers]) close();
    });
    server.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const match = SOCKET_PATH.exec(url.pathname);
      if (match === null || server.isDraining()) {
        refuse(socket, new AppError(match === null ? 'not-found' : 'unavailable'));
        return;
      }
      void this.acceptSocket(req, socket, head, decodeURIComponent(match[1] as string), url.searchParams).catch(
        (error: unknown) => refuse(socket, error instanceof AppError ? error : new AppError('internal-error')),
      );
    });
  }

  private async acceptSocket(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    collection: string,
    params: URLSearchParams,
  ) {
    const identity = await resolveIdentity(req, { ...this.options, allowQueryToken: true });
    const sinceText = params.get('since') ?? params.get('lastEventId');
    const since = sinceText === null || sinceText === '' ? undefined : decodeChangeCursor(sinceText);
    requireAccess(this.options.collections.get(collection), 'read', identity.principal);
    this.wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const close = (reason: StreamEndReason) => ws.close(SOCKET_CLOSE_CODES[reason], reason);
      const send = (change: ChangeBody, id: string) =>
        new Promise<void>((resolve) => ws.send(JSON.stringify({ id, change }), () => resolve()));
      this.subscribe(collection, identity.principal, since, send, close).then(
        (unsubscribe) => {
          if (ws.readyState !== ws.OPEN) unsubscribe();
          else ws.on('close', unsubscribe);
        },
        () => ws.close(1011, 'subscription failed'),
      );
      ws.on('message', () => undefined); // the feed is one-way; client messages are ignored
    });
  }

  async close(): Promise<void> {
    clearInterval(this.repoll);
    for (const close of [...this.closers]) close();
    this.wss.close();
    const unlisten = await this.listening?.catch(() => undefined);
    await unlisten?.();
  }
}

function refuse(socket: Duplex, error: AppError): void {
  const body = JSON.stringify(error.toProblem());
  socket.end(
    `HTTP/1.1 ${error.status} ${error.code}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
