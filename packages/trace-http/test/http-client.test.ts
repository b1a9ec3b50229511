/**
 * Outgoing HTTP through real processes: test-apps/http-client-service (patched with @spanwise/trace-http)
 * calls plain downstream servers run here (http, and https with a self-signed certificate generated now by
 * openssl); spans are decoded from the UDP packets its jaeger-client sends to the in-test agent receiver.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import type { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { httpGet, runScript, startAgent, startApp, tracingEnv, useAgent, type DecodedSpan, type RunningApp } from '../../../test-support';

const APP = 'test-apps/http-client-service/index.js';

interface Echo {
  url: string;
  headers: Record<string, string>;
}
interface CallResult {
  status?: number;
  body?: Echo;
  error?: { name: string; code?: string; message: string };
  callerUnchanged: boolean;
  isClientRequest?: boolean;
}

const agent = useAgent();
let app: RunningApp;
let downstream: http.Server;
let secureDownstream: https.Server;
let certDir: string;
let httpBase: string;
let httpsBase: string;
let closedPort: number;
let marker = 0;

/** A self-signed certificate for 127.0.0.1, trusted by the app through NODE_EXTRA_CA_CERTS. */
function generateCertificate(dir: string): { key: string; cert: string } {
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(`The https tests need the openssl CLI to generate a test certificate (apt-get install openssl): ${(error as Error).message}`, { cause: error });
  }
  return { key, cert };
}

/** Echoes the request line and headers it received; `/status/NNN` answers NNN; `/slow` answers after 5 s; `/cut` drops mid-body. */
function downstreamHandler(req: http.IncomingMessage, res: http.ServerResponse): void {
  const status = /^\/status\/(\d{3})/.exec(req.url ?? '');
  const reply = () => {
    if (res.destroyed) return;
    res.writeHead(status ? Number(status[1]) : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ url: req.url, headers: req.headers }));
  };
  if (req.url?.startsWith('/cut')) {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
    res.write('only part of the body');
    setTimeout(() => res.socket?.destroy(), 50);
  } else if (req.url?.startsWith('/slow')) setTimeout(reply, 5000).unref();
  else reply();
}

function acceptUpgrade(_req: http.IncomingMessage, socket: import('stream').Duplex): void {
  socket.end('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: spanwise-test\r\n\r\n');
}

function listen(server: http.Server | https.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function close(server: http.Server | https.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

async function call(target: RunningApp, form: string, url: string, route = '/call', extra = '', headers: Record<string, string> = {}): Promise<CallResult> {
  const response = await httpGet(`${target.url}${route}?form=${encodeURIComponent(form)}&target=${encodeURIComponent(url)}${extra}`, headers);
  expect(response.status).toBe(200);
  return JSON.parse(response.body) as CallResult;
}

function uniquePath(prefix = '/echo'): string {
  return `${prefix}/m${++marker}`;
}

async function clientSpanFor(pathPart: string): Promise<DecodedSpan> {
  const isIt = (s: DecodedSpan) => s.tags['span.kind'] === 'client' && String(s.tags['http.url']).includes(pathPart);
  const spans = await agent.waitForSpans((all) => all.some(isIt), 8000);
  const found = spans.filter(isIt);
  expect(found).toHaveLength(1);
  return found[0];
}

function serverSpanOf(client: DecodedSpan): DecodedSpan {
  const server = agent.spans.find((s) => s.spanId === client.parentSpanId && s.traceId === client.traceId);
  if (!server) throw new Error(`no parent span ${client.parentSpanId} for ${client.operationName}`);
  return server;
}

/** uber-trace-id drops leading zeros; compare padded ids. */
function idsOfUberTraceId(header: string | undefined): { traceId: string; spanId: string } {
  const [traceId, spanId] = String(header).split(':');
  return { traceId: traceId.padStart(32, '0'), spanId: spanId.padStart(16, '0') };
}

function expectHeadersCarry(echo: Echo, client: DecodedSpan): void {
  expect(idsOfUberTraceId(echo.headers['uber-trace-id'])).toEqual({ traceId: client.traceId.padStart(32, '0'), spanId: client.spanId });
  expect(echo.headers.traceparent).toBe(`00-${client.traceId.padStart(32, '0')}-${client.spanId}-01`);
}

function errorLogs(span: DecodedSpan): Array<Record<string, unknown>> {
  return span.logs.map((l) => l.fields as Record<string, unknown>).filter((f) => f.event === 'error');
}

/** Resolves once the app's spans so far have been received: a later span from the same process has arrived. */
async function sentinel(target: RunningApp = app): Promise<void> {
  const pathPart = uniquePath('/echo/sentinel');
  await call(target, 'get(url, cb)', httpBase + pathPart);
  await clientSpanFor(pathPart);
}

beforeAll(async () => {
  certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanwise-http-'));
  const { key, cert } = generateCertificate(certDir);
  downstream = http.createServer(downstreamHandler);
  secureDownstream = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, downstreamHandler);
  for (const server of [downstream, secureDownstream]) server.on('upgrade', acceptUpgrade);
  httpBase = `http://127.0.0.1:${await listen(downstream)}`;
  httpsBase = `https://127.0.0.1:${await listen(secureDownstream)}`;
  const unused = http.createServer();
  closedPort = await listen(unused);
  await close(unused);
  app = await startApp(APP, tracingEnv(agent, 'http-client', { NODE_EXTRA_CA_CERTS: cert }));
});

afterAll(async () => {
  await Promise.all([downstream && close(downstream), secureDownstream && close(secureDownstream)]);
  if (certDir) fs.rmSync(certDir, { recursive: true, force: true });
});

const FORMS_WITH_CALLER_HEADERS = new Set([
  'request(url, options, cb)',
  'request(URL, options)',
  'request(options, cb)',
  'request(options) agent:false setHost:false',
  'get(url, options, cb)',
  'get(options, cb)',
  'headers as pairs',
  'headers as flat array',
]);
const FORMS = [
  'request(url)',
  'request(url, cb)',
  'request(URL, cb)',
  'get(url, cb)',
  'get(URL)',
  ...FORMS_WITH_CALLER_HEADERS,
];

describe.each([
  ['http', () => httpBase],
  ['https', () => httpsBase],
])('%s: every call form', (component, base) => {
  it.each(FORMS)('%s: child client span with its tags; trace headers reach downstream; caller objects untouched', async (form) => {
    const pathPart = uniquePath();
    const result = await call(app, form, `${base()}${pathPart}?page=2`);
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ status: 200, callerUnchanged: true, isClientRequest: true });
    expect(result.body!.url).toBe(`${pathPart}?page=2`);
    if (FORMS_WITH_CALLER_HEADERS.has(form)) expect(result.body!.headers['x-caller']).toBe('yes');

    const client = await clientSpanFor(pathPart);
    const server = serverSpanOf(client);
    expect(server.tags['span.kind']).toBe('server');
    expect(client.operationName).toBe('HTTP GET');
    const port = Number(new URL(base()).port);
    expect(client.tags).toMatchObject({
      'span.kind': 'client',
      component,
      'http.method': 'GET',
      'http.url': `${base()}${pathPart}?page=2`,
      'http.status_code': 200,
      'peer.hostname': '127.0.0.1',
      'peer.ipv4': '127.0.0.1',
      'peer.port': port,
    });
    expect(client.tags.error).toBeUndefined();
    expectHeadersCarry(result.body!, client);
  });
});

describe('fetch', () => {
  it.each([
    ['http', () => httpBase],
    ['https', () => httpsBase],
  ])('over %s: child client span, headers injected, caller headers kept', async (_scheme, base) => {
    const pathPart = uniquePath();
    const result = await call(app, 'fetch', `${base()}${pathPart}?q=1`);
    expect(result).toMatchObject({ status: 200, callerUnchanged: true });
    expect(result.body!.headers['x-caller']).toBe('yes');
    const client = await clientSpanFor(pathPart);
    expect(serverSpanOf(client).tags['span.kind']).toBe('server');
    expect(client.operationName).toBe('HTTP GET');
    expect(client.tags).toMatchObject({
      'span.kind': 'client',
      component: 'fetch',
      'http.method': 'GET',
      'http.url': `${base()}${pathPart}?q=1`,
      'http.status_code': 200,
      'peer.ipv4': '127.0.0.1',
    });
    expectHeadersCarry(result.body!, client);
  });

  it('tags 5xx as an error', async () => {
    const pathPart = uniquePath('/status/502');
    expect((await call(app, 'fetch', httpBase + pathPart)).status).toBe(502);
    const client = await clientSpanFor(pathPart);
    expect(client.tags).toMatchObject({ 'http.status_code': 502, error: true });
  });

  it('logs a refused connection', async () => {
    const pathPart = uniquePath();
    const result = await call(app, 'fetch', `http://127.0.0.1:${closedPort}${pathPart}`);
    expect(result.error).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
    const client = await clientSpanFor(pathPart);
    expect(client.tags.error).toBe(true);
    expect(String(errorLogs(client)[0]?.message)).toContain('ECONNREFUSED');
  });

  it('ends the span with an error when aborted through an AbortController', async () => {
    const pathPart = uniquePath('/slow');
    const result = await call(app, 'fetch abort', httpBase + pathPart);
    expect(result.error?.name).toBe('AbortError');
    const client = await clientSpanFor(pathPart);
    expect(client.tags.error).toBe(true);
    expect(errorLogs(client)).toHaveLength(1);
    expect(errorLogs(client)[0]['error.kind']).toMatch(/Abort|DOMException/);
    expect(client.duration).toBeLessThan(3_000_000);
  });
});

describe('http status and failures', () => {
  it('records the status code; 4xx is not an error, 5xx is', async () => {
    const notFound = uniquePath('/status/404');
    const unavailable = uniquePath('/status/503');
    expect((await call(app, 'get(url, cb)', httpBase + notFound)).status).toBe(404);
    expect((await call(app, 'request(options, cb)', httpsBase + unavailable)).status).toBe(503);
    const clientNotFound = await clientSpanFor(notFound);
    expect(clientNotFound.tags['http.status_code']).toBe(404);
    expect(clientNotFound.tags.error).toBeUndefined();
    expect((await clientSpanFor(unavailable)).tags).toMatchObject({ 'http.status_code': 503, error: true });
  });

  it('logs a refused connection (ECONNREFUSED); the app sees the same error', async () => {
    const pathPart = uniquePath();
    const result = await call(app, 'get(url, cb)', `http://127.0.0.1:${closedPort}${pathPart}`);
    expect(result.error).toMatchObject({ code: 'ECONNREFUSED' });
    const client = await clientSpanFor(pathPart);
    expect(client.tags.error).toBe(true);
    const [log] = errorLogs(client);
    expect(log).toMatchObject({ event: 'error', 'error.kind': 'Error' });
    expect(String(log.message)).toContain('ECONNREFUSED');
    expect(client.tags['http.status_code']).toBeUndefined();
  });

  it('logs a timeout then the error of the destroyed request', async () => {
    const pathPart = uniquePath('/slow');
    const result = await call(app, 'timeout', httpBase + pathPart);
    expect(result.error).toMatchObject({ code: 'ECONNRESET', message: 'socket hang up' });
    const client = await clientSpanFor(pathPart);
    expect(client.tags.error).toBe(true);
    expect(client.logs.map((l) => (l.fields as Record<string, unknown>).event)).toEqual(['timeout', 'error']);
    expect(errorLogs(client)[0].message).toBe('socket hang up');
    expect(client.duration).toBeLessThan(3_000_000);
  });

  it('a synchronous throw reaches the app unchanged; the span records it', async () => {
    const pathPart = uniquePath();
    const result = await call(app, 'invalid header', httpBase + pathPart);
    expect(result.error).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_CHAR' });
    const client = await clientSpanFor(pathPart);
    expect(client.tags.error).toBe(true);
    expect(errorLogs(client)[0].message).toBe(result.error!.message);
  });

  it('an invalid URL throws its own error, untraced', async () => {
    const result = await call(app, 'invalid url', httpBase + uniquePath());
    expect(result.error).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_URL' });
  });

  it('marks a response cut before its end as aborted', async () => {
    const pathPart = uniquePath('/cut');
    expect(await call(app, 'get(url, cb)', httpBase + pathPart)).toMatchObject({ status: 200, cut: true });
    const client = await clientSpanFor(pathPart);
    expect(client.tags).toMatchObject({ 'http.status_code': 200, 'http.aborted': true, error: true });
    expect(errorLogs(client).map((f) => f.message)).toEqual(['response aborted before its end']);
  });

  it.each([
    ["get(url, cb), response 'error' listener", 'aborted'],
    ["get(url, cb), response 'aborted' listener", 'aborted'],
  ])('marks a response cut before its end as aborted also when the app listens: %s', async (form, heard) => {
    const pathPart = uniquePath('/cut');
    expect(await call(app, form, httpBase + pathPart)).toMatchObject({ status: 200, cut: true, heard });
    const client = await clientSpanFor(pathPart);
    expect(client.tags).toMatchObject({ 'http.status_code': 200, 'http.aborted': true, error: true });
    expect(errorLogs(client)).toHaveLength(1);
  });

  it.each(['abort', 'destroy'])('ends the span with an error on %s', async (form) => {
    const pathPart = uniquePath('/slow');
    const result = await call(app, form, httpsBase + pathPart);
    expect(result.error).toBeDefined();
    if (form === 'abort') expect(result.error!.name).toBe('AbortError');
    const client = await clientSpanFor(pathPart);
    expect(client.tags.error).toBe(true);
    expect(errorLogs(client)).toHaveLength(1);
    expect(errorLogs(client)[0].message).toBe(result.error!.message);
    expect(client.duration).toBeLessThan(3_000_000);
  });
});

describe('events the app sees are unchanged', () => {
  it('an unread response without listener is still dumped, the request closes, and the span ends', async () => {
    const pathPart = uniquePath();
    expect(await call(app, 'no response listener', httpBase + pathPart)).toMatchObject({ closed: true, isClientRequest: true });
    expect((await clientSpanFor(pathPart)).tags).toMatchObject({ 'http.status_code': 200 });
  });

  it('req.abort() ends the span as aborted; the app still gets its socket hang up', async () => {
    const pathPart = uniquePath('/slow');
    const result = await call(app, 'req.abort()', httpBase + pathPart);
    expect(result.error).toMatchObject({ code: 'ECONNRESET', message: 'socket hang up' });
    const client = await clientSpanFor(pathPart);
    expect(client.tags).toMatchObject({ error: true, 'http.aborted': true });
    expect(errorLogs(client).map((f) => f.message)).toEqual(['request aborted']);
    expect(client.duration).toBeLessThan(3_000_000);
  });

  it('an upgrade ends the span with status 101', async () => {
    const pathPart = uniquePath();
    expect(await call(app, 'upgrade', httpBase + pathPart)).toMatchObject({ status: 101 });
    const client = await clientSpanFor(pathPart);
    expect(client.tags['http.status_code']).toBe(101);
    expect(client.tags.error).toBeUndefined();
  });

  it('an error nobody listens to still crashes the process, as it would untraced', async () => {
    const script = path.join(__dirname, 'scripts', 'unhandled-error.js');
    const run = await runScript(script, { ...tracingEnv(agent, 'http-client-unhandled'), CLOSED_PORT: String(closedPort) });
    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(/Error: connect ECONNREFUSED/);
    expect(run.output).toMatch(/Unhandled 'error' event|ECONNREFUSED/);
  });
});

describe('ESM', () => {
  it('a named import of node:http bound before patch() is traced', async () => {
    const pathPart = uniquePath();
    const script = path.join(__dirname, 'scripts', 'esm-named-import.mjs');
    const run = await runScript(script, { ...tracingEnv(agent, 'http-client-esm'), TARGET: httpBase + pathPart });
    expect(run.code).toBe(0);
    const echo = JSON.parse(/ECHO (.*)/.exec(run.output)![1]) as Echo;
    const client = await clientSpanFor(pathPart);
    expect(agent.spans.find((s) => s.spanId === client.parentSpanId)?.operationName).toBe('esm-root');
    expectHeadersCarry(echo, client);
  });
});

describe('headers and redaction', () => {
  it.each(['get(url, options, cb)', 'fetch'])('%s: never overrides a trace header the caller set', async (form) => {
    const pathPart = uniquePath();
    const result = await call(app, form, httpBase + pathPart, '/call', '&preset=1');
    expect(result.body!.headers.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    const client = await clientSpanFor(pathPart);
    expect(idsOfUberTraceId(result.body!.headers['uber-trace-id']).spanId).toBe(client.spanId);
    expect(result.callerUnchanged).toBe(true);
  });

  it('records no userinfo and no secret query values', async () => {
    const pathPart = uniquePath();
    const host = new URL(httpBase).host;
    const result = await call(app, 'get(url, cb)', `http://user:pass@${host}${pathPart}?token=x&page=2`);
    expect(result.body!.headers.authorization).toBe(`Basic ${Buffer.from('user:pass').toString('base64')}`);
    const client = await clientSpanFor(pathPart);
    expect(client.tags['http.url']).toBe(`http://REDACTED@${host}${pathPart}?token=REDACTED&page=2`);
    expect(JSON.stringify(client)).not.toMatch(/pass|dXNlcjpwYXNz/);
  });
});

describe('what is not traced', () => {
  it('makes no span and injects nothing without an active span', async () => {
    const pathPart = uniquePath();
    const result = await call(app, 'get(url, cb)', httpBase + pathPart, '/untraced');
    const fetched = await call(app, 'fetch', httpBase + pathPart + '-fetch', '/untraced');
    for (const echo of [result.body!, fetched.body!]) {
      expect(echo.headers['uber-trace-id']).toBeUndefined();
      expect(echo.headers.traceparent).toBeUndefined();
    }
    await sentinel();
    expect(agent.spans.filter((s) => String(s.tags['http.url']).includes(pathPart))).toEqual([]);
  });

  it('makes no span and injects nothing under suppressTracing', async () => {
    const pathPart = uniquePath();
    const viaHttp = await call(app, 'request(options, cb)', httpBase + pathPart, '/suppressed');
    const viaFetch = await call(app, 'fetch', httpBase + pathPart + '-fetch', '/suppressed');
    for (const echo of [viaHttp.body!, viaFetch.body!]) {
      expect(echo.headers['x-caller']).toBe('yes');
      expect(echo.headers['uber-trace-id']).toBeUndefined();
      expect(echo.headers.traceparent).toBeUndefined();
    }
    await sentinel();
    expect(agent.spans.filter((s) => String(s.tags['http.url']).includes(pathPart))).toEqual([]);
  });

  it('skips requests matched by `ignore` (no span, no headers)', async () => {
    const ignoring = await startApp(APP, tracingEnv(agent, 'http-client-ignore', { IGNORE: `${httpBase}/ignored,unused.example` }));
    const ignoredPath = uniquePath('/ignored');
    const viaHttp = await call(ignoring, 'request(url, cb)', httpBase + ignoredPath);
    const viaFetch = await call(ignoring, 'fetch', httpBase + ignoredPath + '-fetch');
    for (const echo of [viaHttp.body!, viaFetch.body!]) {
      expect(echo.url).toContain(ignoredPath);
      expect(echo.headers['uber-trace-id']).toBeUndefined();
      expect(echo.headers.traceparent).toBeUndefined();
    }
    await sentinel(ignoring);
    expect(agent.spans.filter((s) => String(s.tags['http.url']).includes(ignoredPath))).toEqual([]);
    await ignoring.stop();
  });

  it('requestHook/responseHook that throw keep the span and the response; each option is named once in the log', async () => {
    const hooked = await startApp(APP, tracingEnv(agent, 'http-client-hooks', { THROWING_HOOKS: '1' }));
    for (const form of ['get(url, cb)', 'fetch', 'get(url, cb)']) {
      const pathPart = uniquePath('/echo/hooks');
      const result = await call(hooked, form, httpBase + pathPart);
      expect(result.status).toBe(200);
      const client = await clientSpanFor(pathPart);
      expect(client.tags).toMatchObject({ 'http.status_code': 200, 'http.method': 'GET' });
      expect(client.tags.error).toBeUndefined();
    }
    for (const option of ['requestHook', 'responseHook']) {
      const lines = hooked.output().split('\n').filter((line) => line.includes(`option ${option} of @spanwise/trace-http threw`));
      expect([option, lines.length]).toEqual([option, 1]);
      expect(lines[0]).toContain(`${option} exploded`);
    }
    expect(hooked.output()).not.toContain('tracing fault');
    await hooked.stop();
  });

  it('a DNS failure (ENOTFOUND) makes an error span; the app sees the same error', async () => {
    const result = await call(app, 'get(url, cb)', 'http://spanwise-no-such-host.invalid/dns-failure');
    expect(String(result.error?.code)).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/);
    const client = await clientSpanFor('spanwise-no-such-host.invalid');
    expect(client.tags).toMatchObject({ error: true, 'peer.hostname': 'spanwise-no-such-host.invalid' });
    expect(String(errorLogs(client)[0]?.message)).toContain(String(result.error?.code));
  });

  it('unpatch() restores the originals (http required before patch) and stops tracing', async () => {
    const unpatching = await startApp(APP, tracingEnv(agent, 'http-client-unpatch', { HTTP_REQUIRED_FIRST: '1' }));
    const before = uniquePath();
    const traced = await call(unpatching, 'get(url, cb)', httpBase + before);
    const client = await clientSpanFor(before);
    expectHeadersCarry(traced.body!, client);

    const restored = await httpGet(`${unpatching.url}/unpatch`);
    expect(JSON.parse(restored.body)).toEqual({ restored: true });

    const after = uniquePath();
    const untraced = await call(unpatching, 'request(url, cb)', httpBase + after);
    const fetched = await call(unpatching, 'fetch', httpBase + after + '-fetch');
    for (const echo of [untraced.body!, fetched.body!]) {
      expect(echo.headers['uber-trace-id']).toBeUndefined();
      expect(echo.headers.traceparent).toBeUndefined();
    }
    // The server spans of those requests still arrive (core's server span); their traces have no client span.
    const servers = await agent.waitForSpans(
      (all) => spansOfService(all, 'http-client-unpatch').filter((s) => s.tags['span.kind'] === 'server').length >= 3,
      8000,
    );
    expect(servers.filter((s) => String(s.tags['http.url']).includes(after))).toEqual([]);

    await httpGet(`${unpatching.url}/repatch`);
    const again = uniquePath();
    const retraced = await call(unpatching, 'request(url, cb)', httpBase + again);
    expectHeadersCarry(retraced.body!, await clientSpanFor(again));
    await unpatching.stop();
  });
});

function spansOfService(spans: DecodedSpan[], serviceName: string): DecodedSpan[] {
  return spans.filter((s) => s.serviceName === serviceName);
}

describe("Spanwise's own export over HTTP", () => {
  it('is never traced, even when a full packet is sent from inside a request', async () => {
    const collecting = await startAgent({ port: 0, collectorPort: 0 });
    const env = {
      ...tracingEnv(collecting, 'http-client-endpoint'),
      JAEGER_ENDPOINT: `http://127.0.0.1:${collecting.collectorPort}/api/traces`,
      SPANWISE_MAX_PACKET_SIZE: '1024',
      SPANWISE_REQUIRE_PARENT: 'false',
    };
    const exporting = await startApp(APP, env);
    try {
      const paths = Array.from({ length: 30 }, () => uniquePath('/echo/exported'));
      await Promise.all(paths.map((p) => call(exporting, 'get(url, cb)', httpBase + p)));
      const spans = await collecting.waitForSpans((all) => paths.every((p) => all.some((s) => String(s.tags['http.url']).includes(p))), 8000);
      expect(spans.filter((s) => s.tags['span.kind'] === 'client' && !String(s.tags['http.url']).includes('/echo/exported'))).toEqual([]);
      expect(spans.filter((s) => String(s.tags['http.url']).includes('/api/traces'))).toEqual([]);
    } finally {
      await exporting.stop();
      await collecting.close();
    }
  });
});

describe('concurrency', () => {
  it('60 concurrent requests with random waits: each client span is a child of its own server span', async () => {
    const count = 60;
    const traceIds = Array.from({ length: count }, (_v, i) => `feed${String(i).padStart(4, '0')}${'0'.repeat(16)}${(Date.now() % 1e8).toString(16).padStart(8, '0')}`);
    const results = await Promise.all(
      traceIds.map((traceId, i) => {
        const form = i % 3 === 0 ? 'fetch' : i % 3 === 1 ? 'get(url, cb)' : 'request(options, cb)';
        return call(app, form, `${httpBase}${uniquePath('/echo/concurrent')}`, '/call', '&delay=1', { traceparent: `00-${traceId}-00000000000000a1-01` });
      }),
    );
    const wanted = new Set(traceIds);
    const spans = await agent.waitForSpans((all) => all.filter((s) => wanted.has(s.traceId)).length >= count * 2, 15000);
    results.forEach((result, i) => {
      const inTrace = spans.filter((s) => s.traceId === traceIds[i]);
      const server = inTrace.filter((s) => s.tags['span.kind'] === 'server');
      const client = inTrace.filter((s) => s.tags['span.kind'] === 'client');
      expect(server).toHaveLength(1);
      expect(client).toHaveLength(1);
      expect(server[0].parentSpanId).toBe('00000000000000a1');
      expect(client[0].parentSpanId).toBe(server[0].spanId);
      expect(result.body!.url).toBe(new URL(String(client[0].tags['http.url'])).pathname);
      expectHeadersCarry(result.body!, client[0]);
    });
  });
});

describe('a tracer that throws', () => {
  it.each(['start', 'tags', 'span'])('(%s) changes no response', async (mode) => {
    const broken = await startApp(APP, tracingEnv(agent, `http-client-throwing-${mode}`, { THROWING_TRACER: mode }));
    for (const form of ['request(url)', 'request(options, cb)', 'get(url, options, cb)', 'headers as pairs', 'fetch']) {
      const pathPart = uniquePath();
      const result = await call(broken, form, httpBase + pathPart + '?page=2');
      expect(result).toMatchObject({ status: 200, callerUnchanged: true });
      expect(result.body!.url).toBe(`${pathPart}?page=2`);
      if (form !== 'request(url)') expect(result.body!.headers['x-caller']).toBe('yes');
    }
    expect((await call(broken, 'get(url, cb)', httpBase + uniquePath('/status/503'))).status).toBe(503);
    expect((await call(broken, 'get(url, cb)', `http://127.0.0.1:${closedPort}/`)).error).toMatchObject({ code: 'ECONNREFUSED' });
    expect((await call(broken, 'fetch abort', httpBase + uniquePath('/slow'))).error).toMatchObject({ name: 'AbortError' });
    await broken.stop();
    expect(broken.output()).not.toMatch(/Uncaught|TypeError/);
  });
});

describe('the main app, after all the above', () => {
  it('reported no tracing fault and finished no span twice', () => {
    expect(app.output()).not.toMatch(/tracing fault|only call finish|Unhandled|Uncaught/i);
  });
});
