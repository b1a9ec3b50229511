import { createReporter, type SpanwiseReporter } from '../../src/export';
import {
  burst,
  captureLogger,
  freeUdpPort,
  normSpan,
  startReceiver,
  tracerWith,
  waitFor,
  type Receiver,
  closeAfterEach,
} from './helpers';

describe('SpanwiseReporter over real UDP', () => {
  const track = closeAfterEach();

  function reporterFor(rx: { port: number }, extra: Record<string, unknown> = {}): SpanwiseReporter {
    return track(createReporter({ agentHost: '127.0.0.1', agentPort: rx.port, logger: captureLogger().logger, ...extra }));
  }

  function uniqueSpanIds(rx: Receiver): number {
    return new Set(rx.spans.map((s) => s.spanId.toString('hex'))).size;
  }

  test('a burst of 10,000 spans finished in one tick all arrive, each packet <= 65000 bytes', async () => {
    const rx = track(await startReceiver());
    const reporter = reporterFor(rx);
    const tracer = tracerWith(reporter, 'burst-svc', { traceId128bit: true });
    burst(tracer, 10000);
    await reporter.flush();
    await waitFor(() => rx.spans.length >= 10000, 10000, '10000 spans');
    expect(rx.errors).toEqual([]);
    expect(rx.spans.length).toBe(10000);
    expect(uniqueSpanIds(rx)).toBe(10000);
    expect(Math.max(...rx.packetSizes)).toBeLessThanOrEqual(65000);
    expect(rx.packetSizes.length).toBeGreaterThan(1);
    const st = reporter.stats();
    expect(st).toMatchObject({ reported: 10000, sent: 10000, dropped: { queueFull: 0, tooLarge: 0, sendFailed: 0 } });
    expect(st.packets).toBe(rx.packetSizes.length);
    expect(st.bytes).toBe(rx.packetSizes.reduce((a, b) => a + b, 0));
    expect(rx.batches[0].process.serviceName).toBe('burst-svc');
    // the process tags jaeger-client passes through setProcess() are in every packet
    const processTagKeys = rx.batches[0].process.tags.map((t) => t.key);
    expect(processTagKeys).toEqual(expect.arrayContaining(['jaeger.version', 'hostname', 'ip', 'client-uuid']));
    const sample = normSpan(rx.spans[123]);
    expect(sample.tags).toEqual(
      expect.arrayContaining([
        { key: 'span.kind', vType: 'STRING', value: 'server' },
        { key: 'http.status_code', vType: 'DOUBLE', value: 200 },
      ]),
    );
  });

  test('maxPacketSize 9216 (macOS default) also delivers everything in small packets', async () => {
    const rx = track(await startReceiver());
    const reporter = reporterFor(rx, { maxPacketSize: 9216 });
    const tracer = tracerWith(reporter);
    burst(tracer, 5000);
    await reporter.flush();
    await waitFor(() => rx.spans.length >= 5000, 10000, '5000 spans');
    expect(uniqueSpanIds(rx)).toBe(5000);
    expect(Math.max(...rx.packetSizes)).toBeLessThanOrEqual(9216);
    expect(rx.packetSizes.length).toBeGreaterThan(100);
    expect(reporter.stats().sent).toBe(5000);
  });

  test('a span still larger than a packet once shortened (huge tag keys) is dropped and counted as tooLarge; the others are delivered', async () => {
    const rx = track(await startReceiver());
    const log = captureLogger();
    const reporter = reporterFor(rx, { maxPacketSize: 9216, logger: log.logger });
    const tracer = tracerWith(reporter);
    const big = tracer.startSpan('too-big');
    // Values are cut and logs dropped to make a span fit, keys are not: 64 keys of 500 chars never fit 9 KB.
    for (let i = 0; i < 100; i++) big.setTag(`${i}-${'k'.repeat(500)}`, 1);
    big.finish();
    burst(tracer, 10);
    await reporter.flush();
    await waitFor(() => rx.spans.length >= 10, 5000, '10 spans');
    await new Promise((r) => setTimeout(r, 50));
    expect(rx.spans.length).toBe(10);
    expect(rx.spans.some((s) => s.operationName === 'too-big')).toBe(false);
    expect(reporter.stats().dropped).toEqual({ queueFull: 0, tooLarge: 1, sendFailed: 0 });
    expect(log.warn.join('\n')).toMatch(/tooLarge=1/);
  });

  test('nothing listening (ECONNREFUSED): never throws, failures counted and logged rate-limited; recovers when the agent comes back', async () => {
    const port = await freeUdpPort();
    const log = captureLogger();
    const reporter = reporterFor({ port }, { logger: log.logger, logIntervalMs: 60000 });
    const tracer = tracerWith(reporter);
    for (let i = 0; i < 40 && reporter.stats().dropped.sendFailed === 0; i++) {
      burst(tracer, 5);
      await reporter.flush();
      await new Promise((r) => setTimeout(r, 5));
    }
    const st = reporter.stats();
    expect(st.dropped.sendFailed).toBeGreaterThan(0);
    expect(log.error.length).toBe(1);
    expect(log.error[0]).toMatch(/ECONNREFUSED/);
    for (let i = 0; i < 10; i++) {
      burst(tracer, 5);
      await reporter.flush();
    }
    expect(log.error.length).toBe(1); // rate-limited: one message per logIntervalMs

    // the agent comes back on the same port
    const rx = track(await startReceiver(port));
    for (let i = 0; i < 40 && rx.spans.length === 0; i++) {
      burst(tracer, 3, 'after-recovery');
      await reporter.flush();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(rx.spans.length).toBeGreaterThan(0);
    expect(rx.spans.every((s) => s.operationName.startsWith('after-recovery'))).toBe(true);
  });

  test('an unresolvable agent host: no throw, spans counted as sendFailed', async () => {
    const log = captureLogger();
    const reporter = track(createReporter({ agentHost: 'no-such-agent.invalid', agentPort: 6832, logger: log.logger }));
    const tracer = tracerWith(reporter);
    expect(() => burst(tracer, 20)).not.toThrow();
    await reporter.flush();
    expect(reporter.stats()).toMatchObject({ reported: 20, sent: 0, dropped: { sendFailed: 20 } });
    expect(log.error[0]).toMatch(/no-such-agent\.invalid/);
    // while the failure is fresh, sends fail fast instead of queueing
    burst(tracer, 5);
    await reporter.flush();
    expect(reporter.stats().dropped.sendFailed).toBe(25);
  });

  test('queue caps: spans beyond maxQueueSpans in one tick are dropped as queueFull, the rest delivered', async () => {
    const rx = track(await startReceiver());
    const reporter = reporterFor(rx, { maxQueueSpans: 1000 });
    const tracer = tracerWith(reporter);
    burst(tracer, 1500);
    expect(reporter.stats().pending.spans).toBe(1000);
    await reporter.flush();
    await waitFor(() => rx.spans.length >= 1000, 5000, '1000 spans');
    expect(reporter.stats()).toMatchObject({ reported: 1500, sent: 1000, dropped: { queueFull: 500 } });
    // once drained, there is room again
    burst(tracer, 10);
    await reporter.flush();
    await waitFor(() => rx.spans.length >= 1010, 5000, '1010 spans');
  });

  test('maxQueueBytes bounds the encoded bytes held', async () => {
    const rx = track(await startReceiver());
    const reporter = reporterFor(rx, { maxQueueBytes: 64 * 1024 });
    const tracer = tracerWith(reporter);
    burst(tracer, 2000);
    const st = reporter.stats();
    expect(st.pending.bytes).toBeLessThanOrEqual(64 * 1024);
    expect(st.dropped.queueFull).toBeGreaterThan(0);
    expect(st.pending.spans + st.dropped.queueFull).toBe(2000);
    await reporter.flush();
    await waitFor(() => rx.spans.length >= st.pending.spans, 5000, 'queued spans');
  });
});
