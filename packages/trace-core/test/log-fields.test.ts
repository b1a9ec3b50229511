import { MockTracer } from 'opentracing';
import { addTraceFields, resolveLogFieldNames, traceFields, withSpan, DEFAULT_LOG_FIELDS } from '../src';

describe('log fields', () => {
  it('are undefined outside any span', () => {
    expect(traceFields()).toBeUndefined();
  });

  it('read the active span of any OpenTracing tracer, padded to the W3C widths', () => {
    const span = new MockTracer().startSpan('x');
    const context = { toTraceId: () => 'ABC', toSpanId: () => '1f' };
    span.context = () => context as never;
    const fields = withSpan(span, () => traceFields());
    expect(fields).toEqual({ traceId: '00000000000000000000000000000abc', spanId: '000000000000001f', traceFlags: '01' });
  });

  it('never replace a value the record has', () => {
    const record: Record<string, unknown> = { trace_id: 'mine' };
    addTraceFields(record, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: '00' }, DEFAULT_LOG_FIELDS);
    expect(record).toEqual({ trace_id: 'mine', span_id: 'b'.repeat(16), trace_flags: '00' });
  });

  it('names: defaults, renames, and a bad name fails naming the option', () => {
    expect(resolveLogFieldNames(undefined, 'x')).toEqual({ traceId: 'trace_id', spanId: 'span_id', traceFlags: 'trace_flags' });
    expect(resolveLogFieldNames({ fields: { spanId: 'sid' } }, 'x').spanId).toBe('sid');
    expect(() => resolveLogFieldNames({ fields: { traceId: '' } }, 'trace-pino patch() option')).toThrow('trace-pino patch() option "fields.traceId" must be a non-empty string, got ""');
    expect(() => resolveLogFieldNames({ fields: 'x' } as never, 'o')).toThrow('o "fields" must be an object of field names');
  });
});
