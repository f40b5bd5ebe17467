import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { tracingConfigFrom, tracingEnvShape } from './tracing-config.ts';

const parse = (env: Record<string, string>) => tracingConfigFrom(z.object(tracingEnvShape).parse(env));

describe('tracing configuration', () => {
  it('is off without anywhere to send spans', () => {
    expect(parse({})).toEqual({ enabled: false, fileMaxBytes: 50 * 1024 * 1024 });
  });

  it('keeps spans in TRACE_DIR and sends them to <endpoint>/v1/traces over OTLP', () => {
    expect(parse({ TRACE_DIR: '/data/traces', TRACE_FILE_MAX_MB: '5', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318/' })).toEqual({
      enabled: true,
      dir: '/data/traces',
      fileMaxBytes: 5 * 1024 * 1024,
      otlpTracesUrl: 'http://jaeger:4318/v1/traces',
    });
    expect(parse({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/custom' }).otlpTracesUrl).toBe('http://collector:4318/custom');
  });

  it('is off with OTEL_SDK_DISABLED=true (any case), and blank values count as unset', () => {
    expect(parse({ TRACE_DIR: '/data/traces', OTEL_SDK_DISABLED: 'TRUE' }).enabled).toBe(false);
    expect(parse({ TRACE_DIR: '/data/traces', OTEL_SDK_DISABLED: 'false' }).enabled).toBe(true);
    expect(parse({ TRACE_DIR: ' ', OTEL_EXPORTER_OTLP_ENDPOINT: '' }).enabled).toBe(false);
  });

  it('refuses an endpoint that is not an http(s) URL', () => {
    expect(() => parse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'jaeger:4318' })).toThrow();
  });
});
