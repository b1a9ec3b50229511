/* Interoperability across processes: Spanwise services (OTLP and Jaeger Thrift export) and a service instrumented by
 * the OpenTelemetry JS SDK call each other over HTTP with W3C propagation; the spans, collected by the agent's OTLP
 * and UDP receivers, form one trace with the right parent of every span. */
import * as path from 'path';
import { startApp, useAgent, type DecodedSpan } from '../../../test-support';

const RELAY = path.join(__dirname, 'processes/relay.js');
const OTEL_PRELOAD = path.join(__dirname, 'processes/otel-preload.js');
const REGISTER = require.resolve('@spanwise/trace-auto/register');

const agent = useAgent({ scope: 'test', otlpPort: 0 });

type Kind = 'spanwise-otlp' | 'spanwise-jaeger' | 'otel';

const outputs = new Map<string, () => string>();

async function start(name: string, kind: Kind, next?: string, extraEnv: Record<string, string> = {}): Promise<string> {
  const otlpBase = `http://127.0.0.1:${agent.otlpPort}`;
  const env: Record<string, string> = { NAME: name, ...(next ? { NEXT: next } : {}) };
  let preload: string;
  if (kind === 'otel') {
    preload = OTEL_PRELOAD;
    env.OTLP_URL = `${otlpBase}/v1/traces`;
  } else {
    preload = REGISTER;
    env.JAEGER_SERVICE_NAME = name;
    env.JAEGER_REPORTER_FLUSH_INTERVAL = '50';
    // an untraced outgoing call would make a root span: the exporter's own POSTs must still make none
    env.SPANWISE_REQUIRE_PARENT = 'false';
    if (kind === 'spanwise-otlp') env.OTEL_EXPORTER_OTLP_ENDPOINT = otlpBase;
    else env.JAEGER_AGENT_PORT = String(agent.port);
  }
  Object.assign(env, extraEnv);
  const app = await startApp(RELAY, env, { nodeArgs: ['-r', preload], timeoutMs: 30000 });
  outputs.set(name, app.output);
  return `${app.url}/`;
}

const kindOf = (s: DecodedSpan) => s.tags['span.kind'];
function span(spans: DecodedSpan[], service: string, kind: 'server' | 'client'): DecodedSpan {
  const found = spans.filter((s) => s.serviceName === service && kindOf(s) === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind} span of ${service}, got ${found.length}: ${spans.map((s) => `${s.serviceName}/${kindOf(s)}/${s.operationName}`).join(', ')}`);
  return found[0];
}

/** Waits for the chain's spans, then checks one trace id and every parent. */
async function expectChain(services: string[]): Promise<void> {
  const want = services.length * 2 - 1;
  const spans = await agent.waitForSpans(want, 20000);
  expect(spans).toHaveLength(want);
  const traceIds = new Set(spans.map((s) => s.traceId));
  expect(traceIds.size).toBe(1);
  let parent: DecodedSpan | undefined;
  for (let i = 0; i < services.length; i++) {
    const server = span(spans, services[i], 'server');
    if (parent) expect(server.parentSpanId).toBe(parent.spanId);
    else expect(server.parentSpanId).toBe('0000000000000000');
    if (i === services.length - 1) break;
    const client = span(spans, services[i], 'client');
    expect(client.parentSpanId).toBe(server.spanId);
    parent = client;
  }
}

test('Spanwise (OTLP) -> OpenTelemetry SDK -> Spanwise (Jaeger Thrift): one trace, every parent right', async () => {
  const c = await start('sw-leaf', 'spanwise-jaeger');
  const b = await start('otel-mid', 'otel', c);
  const a = await start('sw-front', 'spanwise-otlp', b);
  const res = await fetch(a);
  expect(await res.text()).toBe('sw-front > otel-mid > leaf');
  await expectChain(['sw-front', 'otel-mid', 'sw-leaf']);
  expect(agent.errors).toBe(0);
  // the OTLP exporter's own POSTs (through the patched http module) are never traced
  await new Promise((r) => setTimeout(r, 1000));
  expect(agent.spans.map((s) => `${s.serviceName} ${s.operationName}`).filter((n) => /POST/.test(n))).toEqual([]);
  expect(agent.spans).toHaveLength(5);
});

test('OpenTelemetry SDK -> Spanwise (OTLP) -> OpenTelemetry SDK: one 128-bit trace, every parent right', async () => {
  const c = await start('otel-leaf', 'otel');
  const b = await start('sw-mid', 'spanwise-otlp', c);
  const a = await start('otel-front', 'otel', b);
  const res = await fetch(a);
  expect(await res.text()).toBe('otel-front > sw-mid > leaf');
  await expectChain(['otel-front', 'sw-mid', 'otel-leaf']);
  expect(agent.spans[0].traceId).toHaveLength(32);
  const mid = span(agent.spans, 'sw-mid', 'server');
  expect(mid.tags['otel.scope.name']).toBe('@spanwise/trace-http');
});

describe('a Jaeger target and an OTLP endpoint both configured', () => {
  const both = (): Record<string, string> => ({ JAEGER_AGENT_HOST: '127.0.0.1', JAEGER_AGENT_PORT: String(agent.port), OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${agent.otlpPort}` });

  test('OTLP is used and the startup log says which and how to send to both', async () => {
    const url = await start('sw-both', 'spanwise-jaeger', undefined, both());
    await fetch(url);
    const spans = await agent.waitForSpans(1, 20000);
    expect(spans[0].tags['otel.scope.name']).toBeDefined(); // arrived over OTLP
    await new Promise((r) => setTimeout(r, 300));
    expect(agent.packets).toBe(0); // nothing over the Jaeger UDP port
    expect(outputs.get('sw-both')!()).toMatch(/both a Jaeger target \(127\.0\.0\.1:\d+\) and an OTLP endpoint .* exporting OTLP only.*SPANWISE_EXPORTER=both/);
  });

  test('SPANWISE_EXPORTER=both sends every span to both', async () => {
    const url = await start('sw-both', 'spanwise-jaeger', undefined, { ...both(), SPANWISE_EXPORTER: 'both' });
    await fetch(url);
    const spans = await agent.waitForSpans(2, 20000);
    expect(spans).toHaveLength(2);
    expect(spans[0].spanId).toBe(spans[1].spanId);
    expect(agent.packets).toBe(1);
    expect(outputs.get('sw-both')!()).not.toMatch(/exporting OTLP only/);
  });
});
