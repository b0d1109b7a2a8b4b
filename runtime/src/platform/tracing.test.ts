import { describe, expect, it } from 'vitest';
import { TracingConfigError, spanProcessorsFromEnv } from './tracing.ts';

describe('spanProcessorsFromEnv', () => {
  it('exports nothing when no OTLP endpoint is set, or when OTEL_TRACES_EXPORTER is none', () => {
    expect(spanProcessorsFromEnv({})).toEqual([]);
    expect(spanProcessorsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toEqual([]);
    expect(
      spanProcessorsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_EXPORTER: 'none' }),
    ).toEqual([]);
  });

  it('adds one batch processor for an endpoint, general or traces-specific', () => {
    expect(spanProcessorsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toHaveLength(1);
    expect(
      spanProcessorsFromEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' }),
    ).toHaveLength(1);
  });

  it('refuses what it cannot do, naming the variable', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };
    expect(() => spanProcessorsFromEnv({ ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL: only http\/protobuf/,
    );
    expect(() => spanProcessorsFromEnv({ ...endpoint, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' })).toThrow(
      TracingConfigError,
    );
    expect(() => spanProcessorsFromEnv({ ...endpoint, OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(
      /OTEL_TRACES_EXPORTER/,
    );
    expect(() => spanProcessorsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toThrow(/ENDPOINT/);
    expect(() => spanProcessorsFromEnv({ ...endpoint, OTEL_BSP_SCHEDULE_DELAY: 'soon' })).toThrow(
      /OTEL_BSP_SCHEDULE_DELAY/,
    );
    // The traces-specific protocol wins over the general one.
    expect(
      spanProcessorsFromEnv({
        ...endpoint,
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      }),
    ).toHaveLength(1);
  });
});
