import { connect, constants } from 'node:http2';
import type { ClientHttp2Session, IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2';

export interface Http2Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP/2 session to one origin, multiplexing every request as a stream (APNs asks providers to keep one
 * connection open and reuse it; FCM serves HTTP/2 too). Reconnects lazily after GOAWAY, an error or a close.
 */
export class Http2Client {
  private readonly origin: string;
  private session: ClientHttp2Session | undefined;
  private readonly timeoutMs: number;
  /** Sessions opened so far (tests check that one session carries a whole fan-out). */
  sessionsOpened = 0;

  constructor(origin: string, options: { timeoutMs?: number } = {}) {
    this.origin = origin;
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  private current(): ClientHttp2Session {
    const live = this.session;
    if (live !== undefined && !live.closed && !live.destroyed) return live;
    const session = connect(this.origin);
    this.sessionsOpened++;
    const drop = () => {
      if (this.session === session) this.session = undefined;
    };
    session.on('goaway', drop);
    session.on('close', drop);
    session.on('error', drop);
    this.session = session;
    return session;
  }

  request(method: string, path: string, headers: OutgoingHttpHeaders, body?: string | Buffer): Promise<Http2Response> {
    return new Promise((resolve, reject) => {
      let stream;
      try {
        stream = this.current().request({
          [constants.HTTP2_HEADER_METHOD]: method,
          [constants.HTTP2_HEADER_PATH]: path,
          ...headers,
        });
      } catch (error) {
        this.session = undefined;
        reject(error as Error);
        return;
      }
      stream.setTimeout(this.timeoutMs, () => stream.close(constants.NGHTTP2_CANCEL));
      let status = 0;
      let responseHeaders: IncomingHttpHeaders = {};
      const chunks: Buffer[] = [];
      stream.on('response', (h) => {
        responseHeaders = h;
        status = Number(h[constants.HTTP2_HEADER_STATUS]);
      });
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () =>
        resolve({ status, headers: responseHeaders, body: Buffer.concat(chunks).toString('utf8') }),
      );
      stream.on('error', reject);
      stream.on('close', () => {
        if (status === 0) reject(new Error(`HTTP/2 stream to ${this.origin} closed without a response`));
      });
      stream.end(body);
    });
  }

  close(): void {
    this.session?.close();
    this.session = undefined;
  }
}
