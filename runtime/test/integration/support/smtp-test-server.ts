import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import type { ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  envelopeTo: string[];
  parsed: ParsedMail;
  raw: string;
}

export interface SmtpTestServer {
  host: string;
  port: number;
  mails: ReceivedMail[];
  /** Waits until `count` mails to `to` arrived; returns them. */
  waitFor(to: string, count?: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Makes the server reject RCPT TO for this address with the given SMTP code (e.g. 550). */
  reject(address: string, code: number): void;
  close(): Promise<void>;
}

/**
 * A real SMTP server (the `smtp-server` package) on a loopback port: it speaks the protocol, requires
 * AUTH PLAIN/LOGIN with the given credentials, and parses every accepted message with mailparser.
 */
export async function startSmtpTestServer(credentials: { user: string; pass: string }): Promise<SmtpTestServer> {
  const mails: ReceivedMail[] = [];
  const rejections = new Map<string, number>();
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === credentials.user && auth.password === credentials.pass)
        callback(null, { user: auth.username });
      else callback(Object.assign(new Error('invalid credentials'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      const code = rejections.get(address.address.toLowerCase());
      if (code !== undefined) callback(Object.assign(new Error('mailbox unavailable'), { responseCode: code }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then(
          (parsed) => {
            mails.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address), parsed, raw });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    mails,
    async waitFor(to, count = 1, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const matching = mails.filter((m) => m.envelopeTo.includes(to));
        if (matching.length >= count) return matching;
        if (Date.now() > deadline) throw new Error(`expected ${count} mail(s) to ${to}, got ${matching.length}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    reject(address, code) {
      rejections.set(address.toLowerCase(), code);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
