import { context, propagation, trace } from '@opentelemetry/api';
import type { Context, Span, TextMapGetter, Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { AlwaysOnSampler, ParentBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';

let installed = false;

/**
 * Installs the global context manager, the W3C trace-context propagator and a tracer provider, once per process.
 * Exporters are added by passing span processors (tests use an in-memory exporter); without one spans are still
 * created so that logs and outgoing calls carry a trace id.
 */
export function installTracing(spanProcessors: SpanProcessor[] = []): void {
  if (installed) return;
  installed = true;
  const contextManager = new AsyncLocalStorageContextManager();
  contextManager.enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(
    new TracerProvider({ sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }), spanProcessors }),
  );
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
  return runtimeTracer().startActiveSpan(`${init.method ?? 'GET'} ${url.host}`, { kind: 3 }, async (span) => {
    try {
      const headers = new Headers(init.headers);
      injectTraceHeaders(headers);
      const response = await fetch(url, { ...init, headers });
      span.setAttribute('http.response.status_code', response.status);
      return response;
    } finally {
      span.end();
    }
  });
}

export function injectTraceHeaders(headers: Headers): void {
  propagation.inject(context.active(), headers, { set: (carrier, key, value) => carrier.set(key, value) });
}
