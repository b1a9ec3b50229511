import { createOtlpReporter, retryAfterMs, type OtlpReporterConfig, type SpanwiseReporter } from '../../src/export';
import { SPANWISE_VERSION } from '../../src/export/otlp-mapping';
import { burst, captureLogger, opentracing, tracerWith, waitFor, type JaegerSpan, closeAfterEach } from './helpers';
import { attrs, partialSuccessBody, spansOf, startOtlpCollector, type OtlpCollector } from './otlp-helpers';

describe('OTLP/HTTP exporter', () => {
  const track = closeAfterEach();

  function reporterFor(c: OtlpCollector, extra: OtlpReporterConfig = {}): SpanwiseReporter {
    return track(createOtlpReporter({ endpoint: c.url, logger: captureLogger().logger, retryBackoffMs: 20, ...extra }));
  }

  /** A server span with a 128-bit trace id, an error, a plain log, and a child with FOLLOWS_FROM and extra references. */
  function sampleTrace(reporter: SpanwiseReporter, traceId128bit = true): { server: JaegerSpan; child: JaegerSpan; other: JaegerSpan } {
    const tracer = tracerWith(reporter, 'otlp-svc', { traceId128bit, tags: { 'deploy.env': 'test' } });
    const server = tracer.startSpan('GET /users/:id', { startTime: 1_700_000_000_123.456 });
    server.setTag('span.kind', 'server');
    server.setTag('component', 'express');
    server.setTag('http.method', 'GET');
    server.setTag('http.url', 'http://users:8080/users/7');
    server.setTag('http.status_code', 500);
    server.setTag('http.route', '/users/:id');
    server.setTag('error', true);
    server.log({ event: 'cache.miss', key: 'users:7' }, 1_700_000_000_124.5);
    server.log({ event: 'error', 'error.kind': 'TypeError', 'error.object': 'TypeError: boom', message: 'boom', stack: 'TypeError: boom\n    at x' }, 1_700_000_000_125);
    const other = tracer.startSpan('earlier-job');
    other.finish();
    const child = tracer.startSpan('SELECT users', {
      references: [
        opentracing.childOf(server.context()),
        opentracing.followsFrom(other.context()),
      ],
    });
    child.setTag('span.kind', 'client');
    child.setTag('component', 'mysql2');
    child.setTag('db.type', 'sql');
    child.setTag('db.statement', 'SELECT * FROM users WHERE id = ?');
    child.setTag('db.instance', 'app');
    child.setTag('peer.hostname', 'db.local');
    child.setTag('peer.port', 3306);
    child.setTag('ratio', 0.25);
    child.finish();
    server.finish(1_700_000_000_223.456);
    return { server, child, other };
  }

  test('protobuf: every mapped field, decoded with the official opentelemetry-proto definitions', async () => {
    const c = track(await startOtlpCollector());
    const reporter = reporterFor(c, { serviceVersion: '1.4.2', resourceAttributes: { 'deployment.environment.name': 'prod' } });
    const { server, child, other } = sampleTrace(reporter);
    await reporter.flush();
    expect(c.requests).toHaveLength(1);
    const req = c.requests[0];
    expect(req.error).toBeUndefined();
    expect(req.headers['content-type']).toBe('application/x-protobuf');
    expect(new URL(c.url).pathname).toBe('/v1/traces');
    const all = spansOf(c);
    expect(all).toHaveLength(3);
    const resource = attrs(all[0].resource.attributes);
    expect(resource).toMatchObject({
      'service.name': 'otlp-svc',
      'service.version': '1.4.2',
      'process.pid': String(process.pid),
      'process.runtime.name': 'nodejs',
      'process.runtime.version': process.versions.node,
      'telemetry.sdk.name': 'spanwise',
      'telemetry.sdk.language': 'nodejs',
      'telemetry.sdk.version': SPANWISE_VERSION,
      'deploy.env': 'test',
      'deployment.environment.name': 'prod',
    });
    expect(typeof resource['host.name']).toBe('string');
    expect(resource).not.toHaveProperty('hostname');
    expect(resource).not.toHaveProperty('jaeger.version');

    const byName = (n: string) => all.find((s) => s.span.name === n)!;
    const s = byName('GET /users/:id');
    expect(s.scope).toMatchObject({ name: '@spanwise/trace-express', version: SPANWISE_VERSION });
    expect(s.span.traceId).toBe(server.context().traceId.toString('hex'));
    expect(s.span.traceId).toHaveLength(32);
    expect(s.span.spanId).toBe(server.context().spanId.toString('hex'));
    expect(s.span.parentSpanId).toBeUndefined();
    expect(s.span.kind).toBe(2); // SERVER
    expect(s.span.startTimeUnixNano).toBe('1700000000123456000');
    expect(s.span.endTimeUnixNano).toBe('1700000000223456000');
    // Span.flags (field 16) is newer than the generated definitions (opentelemetry-proto 1.0): they skip it as an
    // unknown field, which the rest of this decoding shows is harmless; the JSON test checks its value.
    expect(attrs(s.span.attributes)).toEqual({
      'http.request.method': 'GET',
      'url.full': 'http://users:8080/users/7',
      'http.response.status_code': '500',
      'http.route': '/users/:id',
      'sampler.type': 'const',
      'sampler.param': true,
    });
    expect(s.span.status).toEqual({ code: 2, message: 'boom' });
    expect(s.span.events).toHaveLength(2);
    expect(s.span.events[0]).toMatchObject({ name: 'cache.miss', timeUnixNano: '1700000000124500000' });
    expect(attrs(s.span.events[0].attributes)).toEqual({ key: 'users:7' });
    expect(s.span.events[1].name).toBe('exception');
    expect(attrs(s.span.events[1].attributes)).toEqual({
      'exception.type': 'TypeError',
      'exception.message': 'boom',
      'exception.stacktrace': 'TypeError: boom\n    at x',
    });

    const ch = byName('SELECT users');
    expect(ch.scope.name).toBe('@spanwise/trace-mysql2');
    expect(ch.span.parentSpanId).toBe(server.context().spanId.toString('hex'));
    expect(ch.span.kind).toBe(3); // CLIENT
    expect(ch.span.status).toBeUndefined();
    expect(attrs(ch.span.attributes)).toEqual({
      'db.system.name': 'mysql',
      'db.query.text': 'SELECT * FROM users WHERE id = ?',
      'db.namespace': 'app',
      'server.address': 'db.local',
      'server.port': '3306',
      ratio: 0.25,
    });
    // the CHILD_OF parent is the parent, not a link; FOLLOWS_FROM becomes a link
    expect(ch.span.links).toHaveLength(1);
    expect(ch.span.links[0].traceId).toBe(other.context().traceId.toString('hex'));
    expect(ch.span.links[0].spanId).toBe(other.context().spanId.toString('hex'));
    expect(attrs(ch.span.links[0].attributes)).toEqual({ 'opentracing.ref_type': 'follows_from' });
    expect(byName('earlier-job').scope.name).toBe('@spanwise/trace-core');
    expect(byName('earlier-job').span.kind).toBe(1); // INTERNAL
    void child;
  });

  test('64-bit trace ids are left-padded with zeros to 16 bytes, as W3C traceparent carries them', async () => {
    const c = track(await startOtlpCollector());
    const reporter = reporterFor(c);
    const { server } = sampleTrace(reporter, false);
    await reporter.flush();
    const s = spansOf(c).find((x) => x.span.name === 'GET /users/:id')!;
    expect(server.context().traceId).toHaveLength(8);
    expect(s.span.traceId).toBe('0000000000000000' + server.context().traceId.toString('hex'));
  });

  test('attributeNaming opentracing keeps the tag names as tagged', async () => {
    const c = track(await startOtlpCollector());
    const reporter = reporterFor(c, { attributeNaming: 'opentracing' });
    sampleTrace(reporter);
    await reporter.flush();
    const ch = spansOf(c).find((x) => x.span.name === 'SELECT users')!;
    expect(attrs(ch.span.attributes)).toMatchObject({ component: 'mysql2', 'db.type': 'sql', 'db.statement': 'SELECT * FROM users WHERE id = ?', 'peer.port': '3306' });
    expect(ch.span.kind).toBe(3);
  });

  test('JSON: the OTLP JSON rules (hex ids, enum numbers, 64-bit integers as strings), gzip and headers', async () => {
    const c = track(await startOtlpCollector());
    const reporter = reporterFor(c, { protocol: 'http/json', compression: 'gzip', headers: { 'x-api-key': 'k-1' } });
    const { server } = sampleTrace(reporter);
    await reporter.flush();
    const req = c.requests[0];
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['content-encoding']).toBe('gzip');
    expect(req.headers['x-api-key']).toBe('k-1');
    expect(req.error).toBeUndefined();
    const all = spansOf(c);
    expect(all).toHaveLength(3);
    const s = all.find((x) => x.span.name === 'GET /users/:id')!;
    expect(s.span.traceId).toBe(server.context().traceId.toString('hex'));
    expect(s.span.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(s.span.kind).toBe(2);
    expect(s.span.flags).toBe(1);
    expect(s.span.startTimeUnixNano).toBe('1700000000123456000');
    expect(s.span.endTimeUnixNano).toBe('1700000000223456000');
    expect(s.span.status).toEqual({ code: 2, message: 'boom' });
    expect(s.span.attributes).toContainEqual({ key: 'http.response.status_code', value: { intValue: '500' } });
    expect(s.span.events[1].name).toBe('exception');
    expect(s.scope).toMatchObject({ name: '@spanwise/trace-express', version: SPANWISE_VERSION });
    expect(all[0].resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'otlp-svc' } });
    expect(all[0].resource.attributes).toContainEqual({ key: 'process.pid', value: { intValue: String(process.pid) } });
    const ch = all.find((x) => x.span.name === 'SELECT users')!;
    expect(ch.span.attributes).toContainEqual({ key: 'ratio', value: { doubleValue: 0.25 } });
    expect(ch.span.links[0].spanId).toMatch(/^[0-9a-f]{16}$/);
  });

  test('many spans: batches stay under maxPacketSize and every span decodes (protobuf and JSON)', async () => {
    for (const protocol of ['http/protobuf', 'http/json'] as const) {
      const c = track(await startOtlpCollector());
      const reporter = reporterFor(c, { protocol, maxPacketSize: 16 * 1024 });
      burst(tracerWith(reporter), 2000);
      await reporter.flush();
      expect(c.requests.length).toBeGreaterThan(5);
      for (const r of c.requests) {
        expect(r.error).toBeUndefined();
        expect(r.body.length).toBeLessThanOrEqual(16 * 1024);
      }
      const all = spansOf(c);
      expect(all).toHaveLength(2000);
      expect(new Set(all.map((s) => String(attrs(s.span.attributes).seq))).size).toBe(2000);
      expect(reporter.stats()).toMatchObject({ reported: 2000, sent: 2000, packets: c.requests.length });
    }
  });

  test('429 and 503 with Retry-After are retried after the given delay; 500 and 400 are not retried (OTLP rule)', async () => {
    const c = track(
      await startOtlpCollector((i) =>
        i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : i === 1 ? { status: 503, headers: { 'retry-after': '0' } } : { status: 200 },
      ),
    );
    const reporter = reporterFor(c, { maxRetries: 3 });
    burst(tracerWith(reporter), 5);
    const t0 = Date.now();
    await reporter.flush();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(c.requests).toHaveLength(3);
    expect(reporter.stats()).toMatchObject({ sent: 5, dropped: { sendFailed: 0 } });

    const log = captureLogger();
    const bad = track(await startOtlpCollector(() => ({ status: 500 })));
    const r2 = reporterFor(bad, { maxRetries: 3, logger: log.logger });
    burst(tracerWith(r2), 4);
    await r2.flush();
    expect(bad.requests).toHaveLength(1);
    expect(r2.stats()).toMatchObject({ sent: 0, dropped: { sendFailed: 4 } });

    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(5000);
    expect(retryAfterMs('soon')).toBe(0);
  });

  test('400 with a google.rpc.Status, and 200 with a partial success: counted and logged with the message', async () => {
    // google.rpc.Status { code: 3, message: 'bad trace id' }
    const statusBody = Buffer.concat([Buffer.from([0x08, 0x03, 0x12, 12]), Buffer.from('bad trace id')]);
    const log = captureLogger();
    const c = track(
      await startOtlpCollector((i) =>
        i === 0 ? { status: 400, body: statusBody, headers: { 'content-type': 'application/x-protobuf' } } : { status: 200, body: partialSuccessBody(2, 'span too old'), headers: { 'content-type': 'application/x-protobuf' } },
      ),
    );
    const reporter = reporterFor(c, { maxRetries: 3, logger: log.logger });
    const tracer = tracerWith(reporter);
    burst(tracer, 3);
    await reporter.flush();
    expect(c.requests).toHaveLength(1);
    expect(reporter.stats()).toMatchObject({ sent: 0, dropped: { sendFailed: 3 } });
    burst(tracer, 4);
    await reporter.flush();
    expect(reporter.stats()).toMatchObject({ sent: 4 });
    await reporter.close();
    expect(log.error.join('\n')).toMatch(/HTTP 400: bad trace id/);
    expect(log.warn.join('\n')).toMatch(/partial success: 2 span\(s\) rejected: span too old/);
  });

  test('collector down, then back: drops counted while down, delivery resumes, memory bounded', async () => {
    const probe = await startOtlpCollector();
    const port = Number(new URL(probe.url).port);
    await probe.close();
    const log = captureLogger();
    const reporter = track(
      createOtlpReporter({ endpoint: `http://127.0.0.1:${port}/v1/traces`, maxRetries: 1, retryBackoffMs: 10, maxQueueSpans: 500, logger: log.logger }),
    );
    const tracer = tracerWith(reporter);
    for (let i = 0; i < 5; i++) burst(tracer, 400);
    expect(reporter.stats().pending.spans).toBeLessThanOrEqual(500);
    await reporter.flush();
    const down = reporter.stats();
    expect(down.sent).toBe(0);
    expect(down.dropped.queueFull + down.dropped.sendFailed).toBe(2000);
    expect(down.dropped.sendFailed).toBeGreaterThan(0);
    const back = track(await startOtlpCollector(undefined, port));
    burst(tracer, 10);
    await reporter.flush();
    expect(spansOf(back)).toHaveLength(10);
    expect(reporter.stats().sent).toBe(10);
  });

  test('a hanging collector: the app is unaffected, the queue stays bounded, timeouts are counted', async () => {
    const c = track(await startOtlpCollector(() => 'hang'));
    const log = captureLogger();
    const reporter = reporterFor(c, { timeoutMs: 100, maxRetries: 0, maxQueueSpans: 1000, closeTimeoutMs: 200, logger: log.logger });
    const tracer = tracerWith(reporter);
    const t0 = Date.now();
    let maxPending = 0;
    for (let round = 0; round < 10; round++) {
      burst(tracer, 500);
      maxPending = Math.max(maxPending, reporter.stats().pending.spans);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(Date.now() - t0).toBeLessThan(10000);
    expect(maxPending).toBeLessThanOrEqual(1000);
    await waitFor(() => reporter.stats().dropped.sendFailed > 0, 5000, 'timeouts');
    await reporter.close();
    const st = reporter.stats();
    expect(st.reported).toBe(5000);
    expect(st.sent).toBe(0);
    expect(st.dropped.queueFull + st.dropped.sendFailed + st.dropped.tooLarge).toBe(5000);
    expect(log.error.join('\n')).toMatch(/timed out after 100 ms|sender closed/);
  });

  test('the value caps of the Thrift exporter apply to OTLP too: a long tag is cut, not dropped', async () => {
    const c = track(await startOtlpCollector());
    const reporter = reporterFor(c, { protocol: 'http/protobuf' });
    const tracer = tracerWith(reporter);
    const span = tracer.startSpan('long');
    span.setTag('db.statement', 'S'.repeat(20_000));
    span.finish();
    await reporter.flush();
    const value = attrs(spansOf(c)[0].span.attributes)['db.query.text'] as string;
    expect(value.length).toBeLessThan(8_300);
    expect(value).toMatch(/\[truncated \d+ chars\]$/);
    expect(reporter.stats()).toMatchObject({ sent: 1, truncated: { values: 1 } });
  });

  test('spans of every size (1- to 3-byte lengths) and a span whose tag cannot be encoded: the rest decodes intact', async () => {
    for (const protocol of ['http/protobuf', 'http/json'] as const) {
      const c = track(await startOtlpCollector());
      // A value cap above the 20,000-character tag, so its 3-byte length prefix is encoded as is.
      const reporter = reporterFor(c, { protocol, maxValueLength: 50_000 });
      const tracer = tracerWith(reporter);
      const root = tracer.startSpan('root');
      const tiny = tracer.startSpan('t', { childOf: root.context() });
      tiny.finish();
      const broken = tracer.startSpan('broken', { childOf: root.context() });
      broken.setTag('http.url', 'http://x/'.repeat(10));
      broken.setTag('bad', { toString: () => { throw new Error('no'); }, toJSON: () => { throw new Error('no'); } });
      broken.finish();
      const big = tracer.startSpan('big', { childOf: root.context() });
      big.setTag('db.statement', 'S'.repeat(20_000));
      big.finish();
      root.finish();
      await reporter.flush();
      expect(c.requests.every((r) => r.error === undefined)).toBe(true);
      const names = spansOf(c).map((x) => x.span.name);
      expect(names).toEqual(['t', 'big', 'root']);
      const bigSpan = spansOf(c).find((x) => x.span.name === 'big')!;
      expect(attrs(bigSpan.span.attributes)['db.query.text']).toHaveLength(20_000);
      expect(reporter.stats()).toMatchObject({ reported: 4, sent: 3, dropped: { sendFailed: 1 } });
    }
  });

  test('bad settings fail with the setting named', () => {
    expect(() => createOtlpReporter({ endpoint: 'ftp://x' })).toThrow(/endpoint/);
    expect(() => createOtlpReporter({ protocol: 'grpc' as OtlpReporterConfig['protocol'] })).toThrow(/protocol/);
    expect(() => createOtlpReporter({ compression: 'br' as OtlpReporterConfig['compression'] })).toThrow(/compression/);
    expect(() => createOtlpReporter({ attributeNaming: 'x' as OtlpReporterConfig['attributeNaming'] })).toThrow(/attributeNaming/);
  });
});
