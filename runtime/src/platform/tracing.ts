import { SpanKind, context, propagation, trace } from '@opentelemetry/api';
import type { Context, Span, TextMapGetter, Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';

let provider: TracerProvider | undefined;

/** OTLP protocols this runtime exports with; `grpc` and `http/json` are refused at start, naming the variable. */
const SUPPORTED_PROTOCOL = 'http/protobuf';

export class TracingConfigError extends Error {
  override name = 'TracingConfigError';
}

function positiveInteger(env: Readonly<Record<string, string | undefined>>, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new TracingConfigError(`${name}: must be a non-negative integer`);
  return value;
}

/**
 * The span processors the standard OpenTelemetry variables ask for: an OTLP/HTTP (protobuf) exporter behind a
 * batch processor when `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` or `OTEL_EXPORTER_OTLP_ENDPOINT` is set and
 * `OTEL_TRACES_EXPORTER` is not `none`; nothing otherwise (tracing stays in process: trace ids in logs and
 * outgoing `traceparent`). The exporter itself reads the endpoint, `_HEADERS`, `_TIMEOUT`, `_COMPRESSION` and the
 * TLS variables, as every OpenTelemetry SDK does; `OTEL_BSP_SCHEDULE_DELAY` and `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`
 * tune the batch.
 */
export function spanProcessorsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): SpanProcessor[] {
  const endpoint = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  const exporters = (env['OTEL_TRACES_EXPORTER'] ?? 'otlp').split(',').map((e) => e.trim());
  if (endpoint === undefined || endpoint === '' || exporters.includes('none')) return [];
  if (!exporters.includes('otlp'))
    throw new TracingConfigError(`OTEL_TRACES_EXPORTER: only "otlp" and "none" are supported`);
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL']) {
    const protocol = env[name];
    if (protocol !== undefined && protocol !== '' && protocol !== SUPPORTED_PROTOCOL)
      throw new TracingConfigError(`${name}: only ${SUPPORTED_PROTOCOL} is supported, not ${protocol}`);
    if (protocol === SUPPORTED_PROTOCOL) break;
  }
  try {
    new URL(endpoint);
  } catch {
    throw new TracingConfigError('OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT: must be an absolute http(s) URL');
  }
  const scheduledDelayMillis = positiveInteger(env, 'OTEL_BSP_SCHEDULE_DELAY');
  const maxExportBatchSize = positiveInteger(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE');
  return [
    new BatchSpanProcessor({
      exporter: new OTLPTraceExporter(),
      ...(scheduledDelayMillis === undefined ? {} : { scheduledDelayMillis }),
      ...(maxExportBatchSize === undefined ? {} : { maxExportBatchSize }),
    }),
  ];
}

/**
 * Installs the global context manager, the W3C trace-context propagator and a tracer provider, once per process,
 * with the exporter the environment asks for (spanProcessorsFromEnv). Spans are created even without one, so
 * that logs and outgoing calls carry a trace id. `service.name` is `OTEL_SERVICE_NAME` or `mobileplane-<component>`.
 */
export function installTracing(
  identity: { component: string; backend: string; revision: string },
  env: Readonly<Record<string, string | undefined>> = process.env,
): void {
  if (provider !== undefined) return;
  const spanProcessors = spanProcessorsFromEnv(env);
  const contextManager = new AsyncLocalStorageContextManager();
  contextManager.enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  provider = new TracerProvider({
    sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    spanProcessors,
    resource: resourceFromAttributes({
      'service.name': env['OTEL_SERVICE_NAME'] || `mobileplane-${identity.component}`,
      'service.version': identity.revision,
      'mobileplane.backend': identity.backend,
      'mobileplane.component': identity.component,
    }),
  });
  trace.setGlobalTracerProvider(provider);
}

/** Sends the spans still batched (graceful shutdown); the provider stays installed for the process. */
export async function flushTracing(): Promise<void> {
  await provider?.forceFlush();
}

export function runtimeTracer(): Tracer {
  return trace.getTracer('@mobileplane/runtime');
}

const headerGetter: TextMapGetter<Record<string, string | string[] | undefined>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

/** The context of an incoming request: its W3C `traceparent`/`tracestate`, if any. */
export function extractContext(headers: Record<string, string | string[] | undefined>): Context {
  return propagation.extract(context.active(), headers, headerGetter);
}

/** The active span's trace and span ids, for log lines. */
export function activeTraceIds(): { trace_id: string; span_id: string } | undefined {
  const span: Span | undefined = trace.getActiveSpan();
  if (span === undefined) return undefined;
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

/**
 * `fetch` for outgoing calls: runs in a client span and injects `traceparent` so the callee continues the trace.
 * Every component uses this (or `injectTraceHeaders`) for calls to other services.
 */
export async function tracedFetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
  const url = new URL(input);
  return runtimeTracer().startActiveSpan(
    `${init.method ?? 'GET'} ${url.host}`,
    { kind: SpanKind.CLIENT },
    async (span) => {
      try {
        const headers = new Headers(init.headers);
        injectTraceHeaders(headers);
        const response = await fetch(url, { ...init, headers });
        span.setAttribute('http.response.status_code', response.status);
        return response;
      } finally {
        span.end();
      }
    },
  );
}

export function injectTraceHeaders(headers: Headers): void {
  propagation.inject(context.active(), headers, { set: (carrier, key, value) => carrier.set(key, value) });
}
