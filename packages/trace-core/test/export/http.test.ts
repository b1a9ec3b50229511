import { createReporter, type ReporterConfig, type SpanwiseReporter } from '../../src/export';
import { burst, captureLogger, normSpan, startCollector, tracerWith, waitFor, type Collector, type ThriftSpan, closeAfterEach } from './helpers';

describe('SpanwiseReporter over real HTTP', () => {
  const track = closeAfterEach();

  function reporterFor(c: Collector, extra: ReporterConfig = {}): SpanwiseReporter {
    return track(createReporter({ endpoint: c.url, logger: captureLogger().logger, retryBackoffMs: 20, ...extra }));
  }

  const spansIn = (c: Collector): ThriftSpan[] => c.requests.flatMap((r) => (r.batch ? r.batch.spans : []));

  test('POSTs a Thrift Batch as application/x-thrift with basic auth', async () => {
    const c = track(await startCollector());
    const reporter = reporterFor(c, { user: 'jane', password: 's3cr:et' });
    const tracer = tracerWith(reporter, 'http-svc');
    burst(tracer, 250);
    await reporter.flush();
    expect(c.requests.length).toBeGreaterThanOrEqual(1);
    const req = c.requests[0];
    expect(req.headers['content-type']).toBe('application/x-thrift');
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from('jane:s3cr:et').toString('base64')}`);
    expect(req.batch?.process.serviceName).toBe('http-svc');
    const spans = spansIn(c);
    expect(spans.length).toBe(250);
    expect(new Set(spans.map((s) => s.spanId.toString('hex'))).size).toBe(250);
    expect(normSpan(spans[0]).tags).toContainEqual({ key: 'http.method', vType: 'STRING', value: 'GET' });
    expect(reporter.stats()).toMatchObject({ reported: 250, sent: 250, packets: c.requests.length });
  });

  test('bearer token header', async () => {
    const c = track(await startCollector());
    const reporter = reporterFor(c, { token: 'tok-123' });
    burst(tracerWith(reporter), 3);
    await reporter.flush();
    expect(c.requests[0].headers.authorization).toBe('Bearer tok-123');
  });

  test('500 then 200: retried with backoff and delivered once', async () => {
    const c = track(await startCollector((i) => (i === 0 ? 500 : 200)));
    const reporter = reporterFor(c, { maxRetries: 3 });
    burst(tracerWith(reporter), 20);
    await reporter.flush();
    expect(c.requests.length).toBe(2);
    expect(c.requests[1].body.equals(c.requests[0].body)).toBe(true);
    expect(reporter.stats()).toMatchObject({ sent: 20, packets: 1, dropped: { sendFailed: 0 } });
  });

  test('429 and network errors are retried; other 4xx are not', async () => {
    const c = track(await startCollector((i) => (i === 0 ? 429 : 400)));
    const log = captureLogger();
    const reporter = reporterFor(c, { maxRetries: 5, logger: log.logger });
    burst(tracerWith(reporter), 7);
    await reporter.flush();
    expect(c.requests.length).toBe(2); // 429 retried once, 400 final
    expect(reporter.stats()).toMatchObject({ sent: 0, dropped: { sendFailed: 7 } });
    expect(log.error[0]).toMatch(/HTTP 400/);

    // a collector that is not there at all: bounded retries, then counted
    const gone = track(await startCollector());
    const url = gone.url;
    await gone.close();
    const r2 = track(createReporter({ endpoint: url, maxRetries: 2, retryBackoffMs: 10, logger: log.logger }));
    burst(tracerWith(r2), 4);
    await r2.flush();
    expect(r2.stats()).toMatchObject({ sent: 0, dropped: { sendFailed: 4 } });
  });

  test('a hanging collector: requests time out, memory stays bounded by the queue caps, the app is unaffected', async () => {
    const c = track(await startCollector(() => 'hang'));
    const log = captureLogger();
    const reporter = reporterFor(c, {
      timeoutMs: 100,
      maxRetries: 1,
      maxQueueSpans: 2000,
      maxPacketSize: 64 * 1024,
      logger: log.logger,
      closeTimeoutMs: 200,
    });
    const tracer = tracerWith(reporter);
    const heapBefore = process.memoryUsage().heapUsed;
    let maxPending = 0;
    const t0 = Date.now();
    for (let round = 0; round < 20; round++) {
      burst(tracer, 1000);
      maxPending = Math.max(maxPending, reporter.stats().pending.spans);
      await new Promise((r) => setTimeout(r, 20));
    }
    const appTime = Date.now() - t0;
    const st = reporter.stats();
    expect(maxPending).toBeLessThanOrEqual(2000);
    expect(st.dropped.queueFull).toBeGreaterThanOrEqual(20000 - 2000 - st.dropped.sendFailed);
    expect(st.reported).toBe(20000);
    expect(st.sent).toBe(0);
    expect(appTime).toBeLessThan(10000);
    // at most maxInFlight (2) requests open at once, not one per batch
    await waitFor(() => reporter.stats().dropped.sendFailed > 0, 5000, 'timeouts');
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
    await reporter.close();
    expect(log.warn.length + log.error.length).toBeLessThanOrEqual(3); // rate-limited, not one per drop
    expect(log.error.join('\n')).toMatch(/sendFailed=\d+ \(last: (HTTP request to .* timed out after 100 ms|HTTP sender closed)/);
    const after = reporter.stats();
    expect(after.pending.spans).toBe(0);
    expect(after.reported).toBe(after.sent + after.dropped.queueFull + after.dropped.sendFailed + after.pending.spans);
  });
});
