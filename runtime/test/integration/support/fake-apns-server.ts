import { createPublicKey, randomUUID } from 'node:crypto';
import { createServer } from 'node:http2';
import type { Http2Server, IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { decodeProtectedHeader, jwtVerify } from 'jose';

export interface FakeApns {
  origin: string;
  /** Distinct provider tokens (JWTs) seen. */
  providerTokens: Set<string>;
  received: Map<string, number>;
  lastRequest: Map<string, { headers: IncomingHttpHeaders; payload: Record<string, unknown> }>;
  sessions: number;
  /** Device tokens that exist; a well-formed unknown one is 410 Unregistered. */
  validTokens: Set<string>;
  delayMs: number;
  /** The next `n` requests get 429 TooManyRequests (Apple's answer to too many pushes to one device). */
  throttleNext(n: number): void;
  close(): Promise<void>;
}

const PUSH_TYPES = ['alert', 'background', 'location', 'voip', 'complication', 'fileprovider', 'mdm', 'liveactivity'];

/**
 * A strict local stand-in for APNs over HTTP/2 (h2c): the provider token must be an ES256 JWT with the
 * configured `kid` and `iss` (team id), verified with the key's public half, issued less than an hour ago;
 * `apns-topic`, `apns-push-type`, `apns-priority`, `apns-expiration`, `apns-collapse-id` are checked like Apple
 * does; errors carry Apple's JSON `reason` (410 with a timestamp).
 */
export async function startFakeApns(options: {
  publicKeyPem: string;
  teamId: string;
  keyId: string;
  topic: string;
}): Promise<FakeApns> {
  const publicKey = createPublicKey(options.publicKeyPem);
  const verified = new Map<string, number>();
  let throttled = 0;
  const fake: FakeApns = {
    origin: '',
    providerTokens: new Set(),
    received: new Map(),
    lastRequest: new Map(),
    sessions: 0,
    validTokens: new Set(),
    delayMs: 0,
    throttleNext: (n) => void (throttled = n),
    close: async () => undefined,
  };
  const reply = (stream: ServerHttp2Stream, status: number, reason?: string, extra: Record<string, unknown> = {}) => {
    const id = randomUUID().toUpperCase();
    stream.respond({ ':status': status, 'apns-id': id, ...(reason ? { 'content-type': 'application/json' } : {}) });
    stream.end(reason ? JSON.stringify({ reason, ...extra }) : undefined);
  };

  async function handle(stream: ServerHttp2Stream, headers: IncomingHttpHeaders) {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const path = String(headers[':path']);
    if (headers[':method'] !== 'POST') return reply(stream, 405, 'MethodNotAllowed');
    const match = /^\/3\/device\/([^/]+)$/.exec(path);
    if (match === null) return reply(stream, 404, 'BadPath');
    const auth = /^bearer (.+)$/.exec(String(headers['authorization'] ?? ''))?.[1];
    if (auth === undefined) return reply(stream, 403, 'MissingProviderToken');
    // A token whose signature was checked once is remembered with its iat (its age is still checked each time).
    let issuedAt = verified.get(auth);
    if (issuedAt === undefined) {
      try {
        const header = decodeProtectedHeader(auth);
        if (header.alg !== 'ES256' || header.kid !== options.keyId) throw new Error('kid');
        const { payload } = await jwtVerify(auth, publicKey, {
          algorithms: ['ES256'],
          issuer: options.teamId,
          requiredClaims: ['iat'],
        });
        issuedAt = payload.iat ?? 0;
        verified.set(auth, issuedAt);
      } catch {
        return reply(stream, 403, 'InvalidProviderToken');
      }
    }
    if (Date.now() / 1000 - issuedAt > 3600) return reply(stream, 403, 'ExpiredProviderToken');
    fake.providerTokens.add(auth);
    const topic = headers['apns-topic'];
    if (topic === undefined) return reply(stream, 400, 'MissingTopic');
    if (topic !== options.topic) return reply(stream, 400, 'TopicDisallowed');
    const pushType = String(headers['apns-push-type'] ?? '');
    if (!PUSH_TYPES.includes(pushType)) return reply(stream, 400, 'InvalidPushType');
    const priority = String(headers['apns-priority'] ?? '10');
    if (!['5', '10', '1'].includes(priority)) return reply(stream, 400, 'BadPriority');
    if (pushType === 'background' && priority !== '5') return reply(stream, 400, 'BadPriority');
    if (headers['apns-expiration'] !== undefined && !/^\d+$/.test(String(headers['apns-expiration'])))
      return reply(stream, 400, 'BadExpirationDate');
    const collapse = headers['apns-collapse-id'];
    if (collapse !== undefined && Buffer.byteLength(String(collapse)) > 64) return reply(stream, 400, 'BadCollapseId');
    const apnsId = headers['apns-id'];
    if (
      apnsId !== undefined &&
      !/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(String(apnsId))
    )
      return reply(stream, 400, 'BadMessageId');
    if (body.length > 4096) return reply(stream, 413, 'PayloadTooLarge');
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return reply(stream, 400, 'PayloadEmpty');
    }
    if (typeof payload['aps'] !== 'object' || payload['aps'] === null) return reply(stream, 400, 'PayloadEmpty');
    const device = match[1] as string;
    if (!/^[0-9a-f]{64}$/i.test(device)) return reply(stream, 400, 'BadDeviceToken');
    if (fake.delayMs > 0) await new Promise((r) => setTimeout(r, fake.delayMs));
    if (throttled > 0) {
      throttled--;
      return reply(stream, 429, 'TooManyRequests');
    }
    if (!fake.validTokens.has(device)) return reply(stream, 410, 'Unregistered', { timestamp: Date.now() });
    fake.received.set(device, (fake.received.get(device) ?? 0) + 1);
    fake.lastRequest.set(device, { headers, payload });
    stream.respond({ ':status': 200, 'apns-id': String(apnsId ?? randomUUID()) });
    stream.end();
  }

  const server: Http2Server = createServer();
  // A client SIGKILLed mid-request (the crash tests) resets its connection: the session and its streams see
  // ECONNRESET, which is expected here and must not surface as an uncaught exception.
  server.on('session', (session) => {
    fake.sessions++;
    session.on('error', () => undefined);
  });
  server.on('stream', (stream) => stream.on('error', () => undefined));
  server.on('stream', (stream, headers) => {
    void handle(stream as ServerHttp2Stream, headers).catch(() => stream.close());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      setTimeout(resolve, 500).unref();
    });
  return fake;
}
