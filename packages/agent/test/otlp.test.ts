import { startAgent, type AgentReceiver, type DecodedSpan } from '@spanwise/agent';
import { createOtlpReporter } from '@spanwise/trace-core/dist/export';
 
const jaeger = require('jaeger-client');
import { execFile } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';
const execFileAsync = promisify(execFile);

let agent: AgentReceiver | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

const byOp = (spans: DecodedSpan[], op: string): DecodedSpan => spans.find((s) => s.operationName === op)!;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('the agent accepts OTLP/HTTP', () => {
  test.each([
    ['http/protobuf', 'none'],
    ['http/json', 'none'],
    ['http/protobuf', 'gzip'],
  ] as const)("from Spanwise's OTLP exporter (%s, compression %s)", async (protocol, compression) => {
    agent = await startAgent({ port: 0, otlpPort: 0 });
    expect(agent.otlpPort).toBeGreaterThan(0);
    const reporter = createOtlpReporter({ endpoint: `http://127.0.0.1:${agent.otlpPort}/v1/traces`, protocol, compression, logger: quiet });
    const tracer = new jaeger.Tracer('otlp-to-agent', reporter, new jaeger.ConstSampler(true));
    const root = tracer.startSpan('GET /a');
    root.setTag('span.kind', 'server');
    root.setTag('http.method', 'GET');
    root.setTag('error', true);
    root.log({ event: 'error', 'error.kind': 'Error', message: 'boom' });
    const child = tracer.startSpan('redis GET', { childOf: root.context() });
    child.setTag('span.kind', 'client');
    child.setTag('component', 'ioredis');
    child.finish();
    root.finish();
    await reporter.flush();
    const spans = await agent.waitForSpans(2);
    await reporter.close();
    const r = byOp(spans, 'GET /a');
    const c = byOp(spans, 'redis GET');
    expect(r.serviceName).toBe('otlp-to-agent');
    expect(r.traceId).toBe(root.context().traceId.toString('hex'));
    expect(c.traceId).toBe(r.traceId);
    expect(c.parentSpanId).toBe(r.spanId);
    expect(r.tags).toMatchObject({ 'span.kind': 'server', 'http.request.method': 'GET', error: true, 'otel.status_description': 'boom' });
    expect(r.logs[0].fields).toMatchObject({ event: 'exception', 'exception.message': 'boom' });
    expect(c.tags).toMatchObject({ 'span.kind': 'client', 'otel.scope.name': '@spanwise/trace-ioredis' });
    expect(r.duration).toBeGreaterThanOrEqual(c.duration);
    expect(agent.errors).toBe(0);
  });

  test.each(['json', 'protobuf'])('from the OpenTelemetry JS SDK exporter in another process (%s)', async (kind) => {
    agent = await startAgent({ port: 0, otlpPort: 0 });
    const { stdout } = await execFileAsync(process.execPath, [path.join(__dirname, 'processes/otel-sdk-sender.js'), `http://127.0.0.1:${agent.otlpPort}/v1/traces`, kind]);
    const ids = JSON.parse(stdout);
    const spans = await agent.waitForSpans(2);
    const p = byOp(spans, 'parent');
    const c = byOp(spans, 'child');
    expect(p.serviceName).toBe('otel-svc');
    expect(p.traceId).toBe(ids.traceId);
    expect(p.spanId).toBe(ids.parent);
    expect(c.spanId).toBe(ids.child);
    expect(c.parentSpanId).toBe(p.spanId);
    expect(p.tags).toMatchObject({ 'span.kind': 'server', 'http.request.method': 'POST', count: 3, 'otel.scope.name': 'interop-test' });
    expect(c.tags['span.kind']).toBe('client');
    expect(c.logs[0].fields).toEqual({ event: 'cache.miss', key: 'k' });
    expect(agent.errors).toBe(0);
  });

  test('a malformed body is answered 400 and counted', async () => {
    agent = await startAgent({ port: 0, otlpPort: 0 });
    const res = await fetch(`http://127.0.0.1:${agent.otlpPort}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: Buffer.from([0x0a, 0x50, 0x01]) });
    expect(res.status).toBe(400);
    const j = await fetch(`http://127.0.0.1:${agent.otlpPort}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz"}]}]}]}' });
    expect(j.status).toBe(400);
    expect(agent.errors).toBe(2);
    expect(agent.lastError).toMatch(/not hex/);
  });
});
