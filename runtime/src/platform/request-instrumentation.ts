import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { HttpMetrics } from './http-metrics.ts';
import type { Logger } from './logger.ts';
import { extractContext, runtimeTracer } from './tracing.ts';

const QUIET_ROUTES = new Set(['/livez', '/readyz', '/metrics']);

/** The route template for metrics and span names; never the raw path, so label cardinality stays bounded. */
export function routeTemplate(req: Request): string {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  return typeof route === 'string' ? route : 'unmatched';
}

/**
 * First middleware of every component: a server span continuing the caller's W3C trace, the duration
 * histogram, and one access log line (inside the span, so it carries the trace id).
 */
export function requestInstrumentation(options: { logger: Logger; metrics: HttpMetrics }): RequestHandler {
  const tracer = runtimeTracer();
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const parent = extractContext(req.headers);
    const span = tracer.startSpan(
      req.method,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } },
      parent,
    );
    const active = trace.setSpan(parent, span);
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeTemplate(req);
      const status = res.headersSent ? res.statusCode : 499;
      options.metrics.observeRequest({ method: req.method, route, status }, seconds);
      span.updateName(`${req.method} ${route}`);
      span.setAttribute('http.route', route);
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      context.with(active, () => {
        const line = { method: req.method, route, path: req.path, status, duration_ms: Math.round(seconds * 1e4) / 10 };
        if (QUIET_ROUTES.has(route)) options.logger.debug(line, 'request');
        else options.logger.info(line, 'request');
      });
      span.end();
    });
    context.with(active, next);
  };
}
