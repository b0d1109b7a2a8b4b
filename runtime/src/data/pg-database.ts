import pg from 'pg';
import type { Logger } from '../platform/logger.ts';
import type { Database, SqlClient } from './database.ts';
import { preparedName } from './prepared-statements.ts';

/** A registered statement (see preparedSql) goes as a named query; anything else as plain text. */
function statement(sql: string, params: readonly unknown[]): pg.QueryConfig {
  const name = preparedName(sql);
  return name === undefined
    ? { text: sql, values: params as unknown[] }
    : { name, text: sql, values: params as unknown[] };
}

/** PostgreSQL through a `pg` pool; LISTEN uses one dedicated connection that reconnects with backoff. */
export class PgDatabase implements Database {
  readonly backend = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly url: string;
  private readonly logger: Logger;
  private closed = false;
  private readonly listeners: { channel: string; onPayload: (p: string) => void; onReconnect?: () => void }[] = [];
  private listenClient: pg.Client | undefined;
  private connecting: Promise<void> | undefined;

  constructor(options: { url: string; poolSize: number; logger: Logger }) {
    this.url = options.url;
    this.logger = options.logger;
    this.pool = new pg.Pool({ connectionString: options.url, max: options.poolSize });
    this.pool.on('error', (error) => this.logger.warn({ err: error }, 'idle database connection failed'));
  }

  /** The DSN, for libraries that keep their own pool on the same database (the job queue's pg-boss). */
  get connectionString(): string {
    return this.url;
  }

  async query<Row>(sql: string, params: readonly unknown[] = []): Promise<{ rows: Row[] }> {
    const result = await this.pool.query(statement(sql, params));
    return { rows: result.rows as Row[] };
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const tx: SqlClient = {
      query: async <Row>(sql: string, params: readonly unknown[] = []) => {
        const result = await client.query(statement(sql, params));
        return { rows: result.rows as Row[] };
      },
      exec: async (sql: string) => {
        await client.query(sql);
      },
    };
    try {
      await client.query('BEGIN');
      const value = await fn(tx);
      await client.query('COMMIT');
      client.release();
      return value;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
      throw error;
    }
  }

  async listen(channel: string, onPayload: (payload: string) => void, onReconnect?: () => void) {
    const entry = { channel, onPayload, ...(onReconnect ? { onReconnect } : {}) };
    this.listeners.push(entry);
    await this.ensureListening();
    await this.listenClient?.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    return async () => {
      this.listeners.splice(this.listeners.indexOf(entry), 1);
    };
  }

  private ensureListening(): Promise<void> {
    if (this.listenClient !== undefined) return Promise.resolve();
    this.connecting ??= this.connectListener(0).finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connectListener(attempt: number): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (message) => {
      for (const l of this.listeners) if (l.channel === message.channel) l.onPayload(message.payload ?? '');
    });
    const lost = (error?: Error) => {
      if (this.listenClient !== client) return;
      this.listenClient = undefined;
      if (this.closed) return;
      this.logger.warn({ err: error }, 'listening connection lost; reconnecting');
      setTimeout(() => void this.reconnect(), 200).unref();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      for (const channel of new Set(this.listeners.map((l) => l.channel)))
        await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      this.listenClient = client;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (this.closed || attempt >= 5) throw error;
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      return this.connectListener(attempt + 1);
    }
  }

  private async reconnect(): Promise<void> {
    try {
      await this.ensureListening();
      for (const l of this.listeners) l.onReconnect?.();
    } catch (error) {
      this.logger.error({ err: error }, 'could not re-establish LISTEN');
      setTimeout(() => void this.reconnect(), 2000).unref();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.listenClient;
    this.listenClient = undefined;
    await client?.end().catch(() => undefined);
    await this.pool.end();
  }
}
