import * as dgram from 'dgram';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { httpGet, startAgent, startApp, stopAllApps, type AgentReceiver, type DecodedSpan, type RunningApp } from '../../../test-support';
import { script, serverSpans, sleep, withRegister } from './helpers';

/**
 * Jaeger unreachable while an Express app (run through register) takes sustained load: nothing listening on the
 * agent port, an unresolvable agent host, a collector answering 500. The app must answer exactly as before at a
 * sane latency, keep its memory bounded by the exporter's queue, count and log (rate-limited) what it drops, and
 * deliver again once Jaeger is back.
 */
 
const autocannon = require('autocannon') as (options: object) => Promise<LoadResult>;

interface LoadResult {
  requests: { total: number };
  latency: { mean: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

interface AppStats {
  memory: { heapUsed: number; rss: number };
  reporter: { reported: number; sent: number; dropped: { queueFull: number; tooLarge: number; sendFailed: number }; pending: { spans: number } };
}

const MAX_QUEUE_SPANS = 500;
const WARMUP = 1000;
const ROUND = 3000;

async function load(app: RunningApp, amount: number): Promise<LoadResult> {
  return autocannon({ url: `${app.url}/users/1`, amount, connections: 8 });
}

async function stats(app: RunningApp): Promise<AppStats> {
  return JSON.parse((await httpGet(`${app.url}/_stats`)).body) as AppStats;
}

/** A UDP port nothing listens on (bound, then released). */
async function unusedUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Requests /users/recovered-N until one of their spans reaches `agent` (a full queue drops the first ones). */
async function untilRecovered(app: RunningApp, agent: AgentReceiver, timeoutMs: number): Promise<DecodedSpan> {
  const deadline = Date.now() + timeoutMs;
  for (let n = 0; Date.now() < deadline; n++) {
    await httpGet(`${app.url}/users/recovered-${n}`);
    await sleep(200);
    const found = serverSpans(agent.spans).find((s) => String(s.tags['http.url']).startsWith('/users/recovered-'));
    if (found) return found;
  }
  throw new Error(`no span of a request made after Jaeger came back arrived within ${timeoutMs} ms (${agent.spans.length} older spans arrived)`);
}

function dropLines(output: string): string[] {
  return output.split('\n').filter((line) => line.includes('spanwise reporter dropped'));
}

describe('Jaeger unreachable: the app is unaffected, memory stays bounded, drops are counted, tracing recovers', () => {
  let agent: AgentReceiver | undefined;
  let failingCollector: http.Server | undefined;
  afterEach(async () => {
    await stopAllApps();
    await agent?.close();
    agent = undefined;
    if (failingCollector) await new Promise((resolve) => failingCollector!.close(resolve));
    failingCollector = undefined;
  });

  function env(service: string, extra: Record<string, string>): Record<string, string> {
    return {
      JAEGER_SERVICE_NAME: service,
      JAEGER_REPORTER_FLUSH_INTERVAL: '50',
      SPANWISE_MAX_QUEUE_SPANS: String(MAX_QUEUE_SPANS),
      ...extra,
    };
  }

  /** Sustained load against the app; checks answers, latency, memory and the reporter's accounting. */
  async function sustain(app: RunningApp): Promise<AppStats> {
    expect(await httpGet(`${app.url}/users/1`)).toMatchObject({ status: 200, body: '{"id":"1"}' });
    await load(app, WARMUP);
    const before = await stats(app);
    const results = [await load(app, ROUND), await load(app, ROUND)];
    const after = await stats(app);
    for (const result of results) {
      expect(result).toMatchObject({ non2xx: 0, errors: 0, timeouts: 0 });
      expect(result.requests.total).toBe(ROUND);
      expect(result.latency.mean).toBeLessThan(30);
      expect(result.latency.p99).toBeLessThan(300);
    }
    expect(await httpGet(`${app.url}/users/1`)).toMatchObject({ status: 200, body: '{"id":"1"}' });
    // 6000 more requests; the exporter holds at most MAX_QUEUE_SPANS spans: the heap does not grow with the load.
    expect(after.memory.heapUsed - before.memory.heapUsed).toBeLessThan(8 * 1024 * 1024);
    expect(after.reporter.pending.spans).toBeLessThanOrEqual(MAX_QUEUE_SPANS);
    expect(after.reporter.reported).toBeGreaterThanOrEqual(WARMUP + 2 * ROUND);
    return after;
  }

  /**
   * A drop line names `reason`. On a loaded machine the first line can report an earlier drop (the first request's
   * send failing before the load filled the queue); the next line comes once the 10 s interval has passed, so keep
   * requests (and drops) coming until then.
   */
  async function expectRateLimitedDropLog(app: RunningApp, startedAt: number, reason: string): Promise<void> {
    const pattern = new RegExp(`spanwise reporter dropped \\d+ span\\(s\\): .*${reason}=\\d+`);
    const deadline = Date.now() + 15000;
    while (!dropLines(app.output()).some((line) => pattern.test(line)) && Date.now() < deadline) await load(app, 200);
    const lines = dropLines(app.output());
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.join('\n')).toMatch(pattern);
    // One line at the first drop, then at most one per 10 s interval.
    expect(lines.length).toBeLessThanOrEqual(2 + Math.floor((Date.now() - startedAt) / 10000));
  }

  it('nothing listening on the agent port: drops counted and logged; spans arrive once an agent listens on that port', async () => {
    const port = await unusedUdpPort();
    const startedAt = Date.now();
    const app = await startApp(script('express-app.js'), env('no-agent', { JAEGER_AGENT_HOST: '127.0.0.1', JAEGER_AGENT_PORT: String(port) }), { nodeArgs: ['--expose-gc', ...withRegister.nodeArgs] });
    const after = await sustain(app);
    expect(after.reporter.dropped.sendFailed).toBeGreaterThan(0);
    await expectRateLimitedDropLog(app, startedAt, 'sendFailed');

    agent = await startAgent({ port });
    expect(await untilRecovered(app, agent, 10000)).toMatchObject({ operationName: 'GET /users/:id', serviceName: 'no-agent' });
  }, 120000);

  it('unresolvable agent host (JAEGER_AGENT_HOST=nonexistent.invalid): drops counted and logged, the app is unaffected', async () => {
    const startedAt = Date.now();
    const app = await startApp(script('express-app.js'), env('no-dns', { JAEGER_AGENT_HOST: 'nonexistent.invalid', JAEGER_AGENT_PORT: '6832' }), { nodeArgs: ['--expose-gc', ...withRegister.nodeArgs] });
    const after = await sustain(app);
    expect(after.reporter.sent).toBe(0);
    expect(after.reporter.dropped.sendFailed).toBeGreaterThan(0);
    await expectRateLimitedDropLog(app, startedAt, 'sendFailed');
    expect(dropLines(app.output())[0]).toContain('cannot resolve Jaeger agent host nonexistent.invalid');
  }, 120000);

  it('collector answering 500 (JAEGER_ENDPOINT): the queue stays full at its bound, drops counted and logged; spans arrive once a collector answers on that port', async () => {
    failingCollector = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(500).end('collector down'));
    });
    await new Promise<void>((resolve) => failingCollector!.listen(0, '127.0.0.1', resolve));
    const port = (failingCollector.address() as AddressInfo).port;
    const startedAt = Date.now();
    const app = await startApp(script('express-app.js'), env('collector-500', { JAEGER_ENDPOINT: `http://127.0.0.1:${port}/api/traces` }), { nodeArgs: ['--expose-gc', ...withRegister.nodeArgs] });
    const after = await sustain(app);
    expect(after.reporter.dropped.queueFull).toBeGreaterThan(0);
    await expectRateLimitedDropLog(app, startedAt, 'queueFull');

    failingCollector.closeAllConnections();
    await new Promise((resolve) => failingCollector!.close(resolve));
    failingCollector = undefined;
    agent = await startAgent({ port: 0, collectorPort: port });
    expect(await untilRecovered(app, agent, 20000)).toMatchObject({ operationName: 'GET /users/:id', serviceName: 'collector-500' });
  }, 120000);
});

