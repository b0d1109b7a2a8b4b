import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One span as an OTLP collector receives it (opentelemetry/proto trace/v1/trace.proto), ids in hex. */
export interface CollectedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Record<string, string | number | boolean>;
  resource: Record<string, string | number | boolean>;
}

type Field = { number: number; wire: number; value: bigint | Buffer };

/** Protobuf wire format (protobuf.dev/programming-guides/encoding): varint, I64, LEN and I32 fields. */
function fields(buffer: Buffer): Field[] {
  const out: Field[] = [];
  let offset = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (offset >= buffer.length) throw new Error('truncated varint');
      const byte = buffer[offset++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (offset < buffer.length) {
    const key = Number(varint());
    const number = key >>> 3;
    const wire = key & 7;
    if (wire === 0) out.push({ number, wire, value: varint() });
    else if (wire === 1) {
      out.push({ number, wire, value: buffer.subarray(offset, offset + 8) });
      offset += 8;
    } else if (wire === 2) {
      const length = Number(varint());
      if (offset + length > buffer.length) throw new Error('truncated length-delimited field');
      out.push({ number, wire, value: buffer.subarray(offset, offset + length) });
      offset += length;
    } else if (wire === 5) {
      out.push({ number, wire, value: buffer.subarray(offset, offset + 4) });
      offset += 4;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

const bytesOf = (f: Field[], n: number): Buffer[] =>
  f.filter((x) => x.number === n && x.wire === 2).map((x) => x.value as Buffer);
const first = (f: Field[], n: number): Buffer | undefined => bytesOf(f, n)[0];

function anyValue(buffer: Buffer): string | number | boolean {
  const f = fields(buffer)[0];
  if (f === undefined) return '';
  if (f.number === 1) return (f.value as Buffer).toString('utf8');
  if (f.number === 2) return (f.value as bigint) !== 0n;
  if (f.number === 3) return Number(f.value as bigint);
  if (f.number === 4) return (f.value as Buffer).readDoubleLE(0);
  return `<field ${f.number}>`;
}

function keyValues(list: Buffer[]): Record<string, string | number | boolean> {
  const result: Record<string, string | number | boolean> = {};
  for (const kv of list) {
    const f = fields(kv);
    result[(first(f, 1) ?? Buffer.alloc(0)).toString('utf8')] = anyValue(first(f, 2) ?? Buffer.alloc(0));
  }
  return result;
}

/** Decodes an ExportTraceServiceRequest. */
export function decodeTraceRequest(body: Buffer): CollectedSpan[] {
  const spans: CollectedSpan[] = [];
  for (const resourceSpans of bytesOf(fields(body), 1)) {
    const rs = fields(resourceSpans);
    const resourceBytes = first(rs, 1);
    const resource = resourceBytes === undefined ? {} : keyValues(bytesOf(fields(resourceBytes), 1));
    for (const scopeSpans of bytesOf(rs, 2)) {
      for (const spanBytes of bytesOf(fields(scopeSpans), 2)) {
        const s = fields(spanBytes);
        spans.push({
          traceId: (first(s, 1) ?? Buffer.alloc(0)).toString('hex'),
          spanId: (first(s, 2) ?? Buffer.alloc(0)).toString('hex'),
          parentSpanId: (first(s, 4) ?? Buffer.alloc(0)).toString('hex'),
          name: (first(s, 5) ?? Buffer.alloc(0)).toString('utf8'),
          kind: Number((s.find((x) => x.number === 6)?.value as bigint | undefined) ?? 0n),
          attributes: keyValues(bytesOf(s, 9)),
          resource,
        });
      }
    }
  }
  return spans;
}

/**
 * An OTLP/HTTP collector in the test process: `POST /v1/traces` with `application/x-protobuf` (gzip or not),
 * answered with an empty ExportTraceServiceResponse as the OTLP specification says.
 */
export class OtlpCollector {
  readonly spans: CollectedSpan[] = [];
  readonly requests: { contentType: string | undefined; path: string }[] = [];
  private server: Server | undefined;
  url = '';

  static async start(): Promise<OtlpCollector> {
    const collector = new OtlpCollector();
    collector.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        collector.requests.push({ contentType: req.headers['content-type'], path: req.url ?? '' });
        if (
          req.method !== 'POST' ||
          req.url !== '/v1/traces' ||
          req.headers['content-type'] !== 'application/x-protobuf'
        ) {
          res.statusCode = 415;
          res.end();
          return;
        }
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        collector.spans.push(...decodeTraceRequest(body));
        res.setHeader('content-type', 'application/x-protobuf');
        res.end();
      });
    });
    await new Promise<void>((resolve) => collector.server?.listen(0, '127.0.0.1', resolve));
    collector.url = `http://127.0.0.1:${(collector.server.address() as AddressInfo).port}`;
    return collector;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
