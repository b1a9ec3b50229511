import { init, resetForTests, setReporterFactory, type SpanwiseOptions } from '../src';

/** A real jaeger-client tracer whose finished spans are kept in memory (for in-process unit tests). */
export function initInMemory(options: SpanwiseOptions = {}): { spans: any[] } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { InMemoryReporter } = require('jaeger-client');
  const memory = new InMemoryReporter();
  memory.flush = (callback?: () => void) => callback?.();
  resetForTests();
  setReporterFactory(() => memory);
  init({ serviceName: 'unit', flushOnExit: false, logLevel: 'silent', ...options });
  return memory;
}

export function ids(span: any): { traceId: string; spanId: string; parentId: string | null } {
  const context = span.context();
  return { traceId: context.traceId.toString('hex'), spanId: context.spanId.toString('hex'), parentId: context.parentId ? context.parentId.toString('hex') : null };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
