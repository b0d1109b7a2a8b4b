import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http2';
import type { Http2Server, IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { createPublicKey } from 'node:crypto';
import { jwtVerify } from 'jose';

const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';

export interface FakeFcm {
  origin: string;
  tokenUri: string;
  /** OAuth access tokens issued (each one a successful JWT-bearer exchange). */
  tokenRequests: number;
  /** Messages accepted per registration token. */
  received: Map<string, number>;
  /** Every accepted message body, by token (the last one). */
  lastMessage: Map<string, Record<string, unknown>>;
  sessions: number;
  /** Tokens this "project" knows; others are UNREGISTERED (well-formed) or INVALID_ARGUMENT (malformed). */
  validTokens: Set<string>;
  /** The next `n` sends fail like FCM does under load: UNAVAILABLE (503), QUOTA_EXCEEDED (429) or INTERNAL (500). */
  failNext(n: number, kind?: 'UNAVAILABLE' | 'QUOTA_EXCEEDED' | 'INTERNAL', retryAfterSeconds?: number): void;
  /** Lifetime (`expires_in`) of the access tokens it issues. */
  tokenLifetimeSeconds: number;
  /** Delay every send answer by this many ms. */
  delayMs: number;
  close(): Promise<void>;
}

function fcmError(stream: ServerHttp2Stream, code: number, status: string, message: string, errorCode?: string) {
  stream.respond({ ':status': code, 'content-type': 'application/json; charset=UTF-8' });
  stream.end(
    JSON.stringify({
      error: {
        code,
        message,
        status,
        details: errorCode ? [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }] : [],
      },
    }),
  );
}

function readBody(stream: ServerHttp2Stream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}

/**
 * A strict local stand-in for FCM HTTP v1 and Google's OAuth token endpoint over HTTP/2 (h2c): the JWT-bearer
 * assertion must be RS256-signed by the service account's key with the right iss, aud, scope and lifetime; a
 * send needs a live access token it issued, `message.token` and a valid Android config; answers use FCM's real
 * error bodies (google.rpc.Status with FcmError details).
 */
export async function startFakeFcm(options: {
  publicKeyPem: string;
  clientEmail: string;
  projectId: string;
}): Promise<FakeFcm> {
  const publicKey = createPublicKey(options.publicKeyPem);
  const accessTokens = new Map<string, number>();
  let failures = 0;
  let failure: { kind: 'UNAVAILABLE' | 'QUOTA_EXCEEDED' | 'INTERNAL'; retryAfter: number } = {
    kind: 'UNAVAILABLE',
    retryAfter: 1,
  };
  const fake = {
    origin: '',
    tokenUri: '',
    tokenRequests: 0,
    received: new Map<string, number>(),
    lastMessage: new Map<string, Record<string, unknown>>(),
    sessions: 0,
    validTokens: new Set<string>(),
    delayMs: 0,
    tokenLifetimeSeconds: 3599,
    failNext(n: number, kind: 'UNAVAILABLE' | 'QUOTA_EXCEEDED' | 'INTERNAL' = 'UNAVAILABLE', retryAfterSeconds = 1) {
      failures = n;
      failure = { kind, retryAfter: retryAfterSeconds };
    },
    close: (): Promise<void> => Promise.resolve(),
  } satisfies FakeFcm;

  async function token(stream: ServerHttp2Stream, headers: IncomingHttpHeaders) {
    if (headers['content-type'] !== 'application/x-www-form-urlencoded') {
      stream.respond({ ':status': 400, 'content-type': 'application/json' });
      return stream.end(JSON.stringify({ error: 'invalid_request', error_description: 'form body required' }));
    }
    const form = new URLSearchParams(await readBody(stream));
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      stream.respond({ ':status': 400, 'content-type': 'application/json' });
      return stream.end(JSON.stringify({ error: 'unsupported_grant_type' }));
    }
    try {
      const { payload } = await jwtVerify(form.get('assertion') ?? '', publicKey, {
        algorithms: ['RS256'],
        issuer: options.clientEmail,
        audience: fake.tokenUri,
        requiredClaims: ['iat', 'exp'],
      });
      if (payload['scope'] !== SCOPE) throw new Error('scope');
      if ((payload.exp ?? 0) - (payload.iat ?? 0) > 3600) throw new Error('lifetime over one hour');
    } catch (error) {
      stream.respond({ ':status': 400, 'content-type': 'application/json' });
      return stream.end(JSON.stringify({ error: 'invalid_grant', error_description: (error as Error).message }));
    }
    fake.tokenRequests++;
    const accessToken = `ya29.${randomBytes(24).toString('base64url')}`;
    accessTokens.set(accessToken, Date.now() + (fake.tokenLifetimeSeconds + 1) * 1000);
    stream.respond({ ':status': 200, 'content-type': 'application/json; charset=utf-8' });
    stream.end(
      JSON.stringify({ access_token: accessToken, expires_in: fake.tokenLifetimeSeconds, token_type: 'Bearer' }),
    );
  }

  async function send(stream: ServerHttp2Stream, headers: IncomingHttpHeaders) {
    const auth = /^Bearer (.+)$/.exec(String(headers['authorization'] ?? ''))?.[1];
    if (auth === undefined || (accessTokens.get(auth) ?? 0) < Date.now())
      return fcmError(
        stream,
        401,
        'UNAUTHENTICATED',
        'Request had invalid authentication credentials.',
        'THIRD_PARTY_AUTH_ERROR',
      );
    if (!String(headers['content-type'] ?? '').startsWith('application/json'))
      return fcmError(stream, 400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    let body: { message?: Record<string, unknown> };
    try {
      body = JSON.parse(await readBody(stream)) as typeof body;
    } catch {
      return fcmError(stream, 400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
    }
    const message = body.message;
    const token = message?.['token'];
    if (message === undefined || typeof token !== 'string')
      return fcmError(stream, 400, 'INVALID_ARGUMENT', 'Recipient of the message is not set.', 'INVALID_ARGUMENT');
    const android = message['android'] as { ttl?: string; priority?: string } | undefined;
    if (android?.ttl !== undefined && !/^\d+(\.\d+)?s$/.test(android.ttl))
      return fcmError(stream, 400, 'INVALID_ARGUMENT', 'Invalid value at message.android.ttl', 'INVALID_ARGUMENT');
    if (android?.priority !== undefined && !['HIGH', 'NORMAL'].includes(android.priority))
      return fcmError(stream, 400, 'INVALID_ARGUMENT', 'Invalid value at message.android.priority', 'INVALID_ARGUMENT');
    if (fake.delayMs > 0) await new Promise((r) => setTimeout(r, fake.delayMs));
    if (failures > 0) {
      failures--;
      const status = { UNAVAILABLE: 503, QUOTA_EXCEEDED: 429, INTERNAL: 500 }[failure.kind];
      const message = {
        UNAVAILABLE: 'The service is currently unavailable.',
        QUOTA_EXCEEDED: "Quota exceeded for quota metric 'Send requests'.",
        INTERNAL: 'Internal error encountered.',
      }[failure.kind];
      stream.respond({
        ':status': status,
        'content-type': 'application/json; charset=UTF-8',
        'retry-after': String(failure.retryAfter),
      });
      return stream.end(
        JSON.stringify({
          error: {
            code: status,
            message,
            status: failure.kind === 'QUOTA_EXCEEDED' ? 'RESOURCE_EXHAUSTED' : failure.kind,
            details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: failure.kind }],
          },
        }),
      );
    }
    if (!/^[A-Za-z0-9_:-]{32,}$/.test(token))
      return fcmError(
        stream,
        400,
        'INVALID_ARGUMENT',
        'The registration token is not a valid FCM registration token',
        'INVALID_ARGUMENT',
      );
    if (!fake.validTokens.has(token))
      return fcmError(stream, 404, 'NOT_FOUND', 'Requested entity was not found.', 'UNREGISTERED');
    fake.received.set(token, (fake.received.get(token) ?? 0) + 1);
    fake.lastMessage.set(token, message);
    stream.respond({ ':status': 200, 'content-type': 'application/json; charset=UTF-8' });
    stream.end(JSON.stringify({ name: `projects/${options.projectId}/messages/${randomBytes(8).toString('hex')}` }));
  }

  const server: Http2Server = createServer();
  // A client SIGKILLed mid-request (the crash tests) resets its connection: the session and its streams see
  // ECONNRESET, which is expected here and must not surface as an uncaught exception.
  server.on('session', (session) => {
    fake.sessions++;
    session.on('error', () => undefined);
  });
  server.on('stream', (stream) => stream.on('error', () => undefined));
  server.on('stream', (http2Stream, headers) => {
    const stream = http2Stream as ServerHttp2Stream;
    const path = String(headers[':path']);
    const method = String(headers[':method']);
    const handler =
      method === 'POST' && path === '/token'
        ? token(stream, headers)
        : method === 'POST' && path === `/v1/projects/${options.projectId}/messages:send`
          ? send(stream, headers)
          : Promise.resolve(fcmError(stream, 404, 'NOT_FOUND', `no route ${method} ${path}`));
    handler.catch(() => stream.close());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.tokenUri = `${fake.origin}/token`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Sessions the client keeps open would hold close() forever.
      setTimeout(resolve, 500).unref();
    });
  return fake;
}
