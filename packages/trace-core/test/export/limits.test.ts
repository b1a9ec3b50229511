import { createReporter, DEFAULT_SPAN_LIMITS, truncateStack, truncateValue, type SpanwiseReporter } from '../../src/export';
import { captureLogger, startReceiver, tracerWith, waitFor, type JaegerTracer, type Receiver, type ThriftSpan, type ThriftTag, closeAfterEach } from './helpers';

/** Decoded thriftrw tags as a key -> value map (string, number or boolean). */
function tagsOf(list: ThriftTag[] | null | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const t of list ?? []) out[t.key] = t.vStr ?? t.vDouble ?? t.vBool ?? t.vLong ?? t.vBinary;
  return out;
}

function named(spans: ThriftSpan[], operationName: string): ThriftSpan {
  const span = spans.find((s) => s.operationName === operationName);
  if (!span) throw new Error(`no span named ${operationName}`);
  return span;
}

describe('span size limits: long values are cut, a span over the packet size is shortened, not dropped (real UDP)', () => {
  const track = closeAfterEach();

  function reporterFor(rx: Receiver, extra: Record<string, unknown> = {}): SpanwiseReporter {
    return track(createReporter({ agentHost: '127.0.0.1', agentPort: rx.port, logger: captureLogger().logger, ...extra }));
  }

  const huge = (n: number) => 'm'.repeat(n);
  function failingSpan(tracer: JaegerTracer, messageLength: number): void {
    const error = new Error(huge(messageLength));
    const span = tracer.startSpan('GET /fails');
    span.setTag('span.kind', 'server');
    span.setTag('error', true);
    span.log({ event: 'error', 'error.kind': 'Error', 'error.object': String(error), message: error.message, stack: error.stack });
    span.finish();
  }

  test('a server span of a request failing with a 24 KB error message arrives, values cut to the defaults, stack frames kept', async () => {
    const rx = track(await startReceiver());
    const reporter = reporterFor(rx);
    failingSpan(tracerWith(reporter), 24 * 1024);
    await reporter.flush();
    await waitFor(() => rx.spans.length >= 1, 5000, 'the failing span');
    const [span] = rx.spans;
    expect(span.operationName).toBe('GET /fails');
    expect(tagsOf(span.tags)).toMatchObject({ error: true, 'span.kind': 'server' });
    const fields = tagsOf(span.logs[0].fields);
    expect(fields.event).toBe('error');
    expect(String(fields.message)).toMatch(/^m{8192}\.\.\.\[truncated 16384 chars\]$/);
    expect(String(fields['error.object']).length).toBeLessThan(8300);
    const stack = String(fields.stack);
    expect(stack.length).toBeLessThan(8300);
    expect(stack).toContain('\n    at ');
    expect(stack).toContain('limits.test');
    expect(reporter.stats().truncated).toEqual({ values: 3, spans: 0 });
    expect(reporter.stats().dropped).toEqual({ queueFull: 0, tooLarge: 0, sendFailed: 0 });
  });

  test('a client span with a 70 KB URL arrives with its URL cut', async () => {
    const rx = track(await startReceiver());
    const reporter = reporterFor(rx);
    const span = tracerWith(reporter).startSpan('GET');
    const url = `http://example.test/search?q=${huge(70 * 1024)}`;
    span.setTag('http.url', url);
    span.finish();
    await reporter.flush();
    await waitFor(() => rx.spans.length >= 1, 5000, 'the client span');
    expect(String(tagsOf(rx.spans[0].tags)['http.url'])).toBe(truncateValue(url, DEFAULT_SPAN_LIMITS.maxValueLength));
    expect(reporter.stats().truncated.values).toBe(1);
  });

  test('a span over the packet size after the value caps is shortened step by step (logs, then tags) and still sent', async () => {
    const rx = track(await startReceiver());
    const log = captureLogger();
    const reporter = reporterFor(rx, { maxPacketSize: 9216, logger: log.logger, logIntervalMs: 0 });
    const tracer = tracerWith(reporter);
    const span = tracer.startSpan('many-logs');
    for (let i = 0; i < 40; i++) span.log({ event: 'progress', detail: huge(1000) });
    span.log({ event: 'error', message: huge(3000) });
    for (let i = 0; i < 20; i++) span.setTag(`tag.${i}`, huge(2000));
    span.finish();
    const small = tracer.startSpan('small');
    small.setTag('kept', 'as is');
    small.finish();
    await reporter.flush();
    await waitFor(() => rx.spans.length >= 2, 5000, 'both spans');
    const shortened = named(rx.spans, 'many-logs');
    const tags = tagsOf(shortened.tags);
    expect(tags['spanwise.truncated']).toMatch(/^over the message size: shortened log values; 40 logs; tag values$/);
    expect(String(tags['tag.0'])).toMatch(/^m{256}\.\.\.\[truncated 1744 chars\]$/);
    expect(shortened.logs).toHaveLength(1);
    expect(tagsOf(shortened.logs[0].fields).event).toBe('error');
    expect(tagsOf(named(rx.spans, 'small').tags)).toMatchObject({ kept: 'as is' });
    expect(tagsOf(named(rx.spans, 'small').tags)['spanwise.truncated']).toBeUndefined();
    expect(reporter.stats().truncated.spans).toBe(1);
    expect(reporter.stats().dropped.tooLarge).toBe(0);
    expect(log.warn.join('\n')).toMatch(/shortened 1 span\(s\) \(last: span many-logs shortened to fit one packet/);
  });

  test('maxValueLength and maxStackLength are configurable and validated', async () => {
    const rx = track(await startReceiver());
    const reporter = reporterFor(rx, { maxValueLength: 100, maxStackLength: 300 });
    failingSpan(tracerWith(reporter), 1000);
    await reporter.flush();
    await waitFor(() => rx.spans.length >= 1, 5000, 'the span');
    const fields = tagsOf(rx.spans[0].logs[0].fields);
    expect(String(fields.message)).toBe(truncateValue(huge(1000), 100));
    expect(String(fields.stack).length).toBeLessThan(360);
    expect(() => createReporter({ maxValueLength: 0 })).toThrow(/maxValueLength/);
    expect(() => createReporter({ maxStackLength: 'big' as unknown as number })).toThrow(/maxStackLength/);
  });

  test('values within the limits are left untouched (same strings)', async () => {
    const rx = track(await startReceiver());
    const reporter = reporterFor(rx);
    const span = tracerWith(reporter).startSpan('normal');
    const value = huge(DEFAULT_SPAN_LIMITS.maxValueLength);
    span.setTag('exactly.max', value);
    span.log({ event: 'error', stack: new Error('short').stack });
    span.finish();
    const tags = span._tags;
    await reporter.flush();
    expect(span._tags).toBe(tags);
    expect(span._tags.find((t) => t.key === 'exactly.max')?.value).toBe(value);
    await waitFor(() => rx.spans.length >= 1, 5000, 'the span');
    expect(reporter.stats().truncated).toEqual({ values: 0, spans: 0 });
  });
});

describe('truncateStack', () => {
  it('cuts the message line first, then keeps whole frames', () => {
    const frames = Array.from({ length: 200 }, (_, i) => `\n    at fn${i} (/app/file${i}.js:${i}:1)`).join('');
    const stack = `Error: ${'x'.repeat(5000)}${frames}`;
    const cut = truncateStack(stack, 2000);
    expect(cut.length).toBeLessThanOrEqual(2100);
    expect(cut).toMatch(/^Error: x+\.\.\.\[truncated \d+ chars\]\n {4}at fn0 \(/);
    expect(cut).toMatch(/\n {4}at fn\d+ \(\/app\/file\d+\.js:\d+:1\)\n {4}\.\.\.\[truncated \d+ chars of frames\]$/);
    expect(truncateStack(stack.slice(0, 1999), 2000)).toBe(stack.slice(0, 1999));
  });
});
