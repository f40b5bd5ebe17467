import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import path from 'node:path';
import { createRotatingFile, type RotatingFile } from './rotating-file.ts';
import { toSpanRecord } from './to-span-record.ts';

export interface JsonLinesExporterOptions {
  /** The directory every process of a stack writes to (the launcher's DATA_DIR/traces). */
  dir: string;
  service: string;
  /** The file is moved aside past this size (one old file is kept); default 50 MB. */
  maxBytes?: number;
}

export const DEFAULT_TRACE_FILE_MAX_BYTES = 50 * 1024 * 1024;

/** The file a service's spans go to: `<dir>/<service>.jsonl`. */
export function traceFileOf(dir: string, service: string): string {
  return path.join(dir, `${service}.jsonl`);
}

/**
 * Keeps spans on the local disk as JSON lines (span-record.ts), one file per service, so that
 * a laptop needs no Jaeger: `npm run trace -- --order <id>` reads them back. Used behind a
 * BatchSpanProcessor, which hands it batches off the request path.
 */
export class JsonLinesSpanExporter implements SpanExporter {
  private readonly file: RotatingFile;
  private readonly service: string;

  constructor(options: JsonLinesExporterOptions) {
    this.service = options.service;
    this.file = createRotatingFile(traceFileOf(options.dir, options.service), options.maxBytes ?? DEFAULT_TRACE_FILE_MAX_BYTES);
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const text = spans.map((span) => `${JSON.stringify(toSpanRecord(span, this.service))}\n`).join('');
    this.file.append(text).then(
      () => resultCallback({ code: ExportResultCode.SUCCESS }),
      (error: unknown) => resultCallback({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) }),
    );
  }

  forceFlush(): Promise<void> {
    return this.file.flush();
  }

  shutdown(): Promise<void> {
    return this.file.close();
  }
}
