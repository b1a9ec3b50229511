/**
 * The parts of opentracing Spanwise uses, required file by file: the package's index also loads its mock tracer
 * (7 more modules at every process's startup). These are the files the app's `require('opentracing')` loads, so
 * the global tracer and the classes are the same.
 */
export { Tracer } from 'opentracing/lib/tracer';
export { default as Reference } from 'opentracing/lib/reference';
export { childOf } from 'opentracing/lib/functions';
export { initGlobalTracer } from 'opentracing/lib/global_tracer';
export { FORMAT_HTTP_HEADERS } from 'opentracing/lib/constants';
export * as Tags from 'opentracing/lib/ext/tags';
export type { Span, SpanContext, SpanOptions } from 'opentracing';
