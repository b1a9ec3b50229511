/**
 * Spawns the built CLI (packages/agent/dist/cli.js). beforeAll runs an incremental `tsc -b packages/agent`
 * so the test works without a prior build (root `npm test` also runs `tsc -b` first).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { normalizeId } from '@spanwise/agent';
import { closeTracer, encodeCompactEmitBatch, jaeger, sendUdp, silentLogger, udpTracer, type CV } from './helpers';

interface TraceList {
  traces: Array<{ rootService: string; rootOperation: string }>;
  stats: Record<string, number>;
}

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.resolve(__dirname, '../dist/cli.js');

beforeAll(() => {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'packages/agent'], { cwd: ROOT, stdio: 'pipe' });
}, 120_000);

let child: ChildProcess | undefined;
let tmp: string | undefined;
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

function waitForOutput(proc: ChildProcess, get: () => string, re: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const m = get().match(re);
      if (m) {
        clearTimeout(timer);
        proc.stdout!.off('data', check);
        proc.off('exit', onExit);
        resolve(m);
        return true;
      }
      return false;
    };
    const onExit = (): void => {
      if (!check()) reject(new Error(`CLI exited before printing ${re}; output:\n${get()}`));
    };
    const timer = setTimeout(() => {
      proc.stdout!.off('data', check);
      proc.off('exit', onExit);
      reject(new Error(`timed out waiting for ${re}; output:\n${get()}`));
    }, timeoutMs);
    proc.stdout!.on('data', check);
    proc.on('exit', onExit);
    check();
  });
}

test('prints the bound port, a waterfall per completed trace, and writes --out on SIGTERM', async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spanwise-agent-'));
  const out = path.join(tmp, 'traces.json');
  const proc = spawn(process.execPath, [CLI, '--port', '0', '--idle-ms', '100', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  child = proc;
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));

  const [, port] = await waitForOutput(proc, () => stdout, /^spanwise-agent listening on udp:\/\/127\.0\.0\.1:(\d+)\n/);
  expect(Number(port)).toBeGreaterThan(0);

  const tracer = udpTracer(Number(port), 'cli-svc');
  const root = tracer.startSpan('GET /cli');
  const kid = tracer.startSpan('db.query', { childOf: root });
  kid.setTag('error', true);
  kid.finish();
  root.finish();
  await closeTracer(tracer);

  const traceId = normalizeId(root.context().toTraceId());
  await waitForOutput(proc, () => stdout, new RegExp(`Trace ${traceId}  2 spans[^]*GET /cli[^]*db\\.query`));
  expect(stdout).not.toContain('\u001b[');  // not a TTY: no colour
  expect(stdout).toMatch(/✖ +└ cli-svc: db\.query/);

  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  proc.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(stderr).toBe('');
  const json = JSON.parse(fs.readFileSync(out, 'utf8'));
  expect(json.data).toHaveLength(1);
  expect(json.data[0].traceID).toBe(traceId);
  expect(json.data[0].spans.map((s: { operationName: string }) => s.operationName).sort()).toEqual(['GET /cli', 'db.query']);
  expect(Object.values(json.data[0].processes)).toEqual([expect.objectContaining({ serviceName: 'cli-svc' })]);
}, 30_000);

test('--collector-port accepts jaeger-client HTTP posts; --quiet prints no waterfall; SIGINT saves --out', async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spanwise-agent-'));
  const out = path.join(tmp, 'http.json');
  const proc = spawn(process.execPath, [CLI, '--port=0', '--collector-port=0', '--quiet', '--idle-ms=50', `--out=${out}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  child = proc;
  let stdout = '';
  proc.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  const [, httpPort] = await waitForOutput(proc, () => stdout, /collector on http:\/\/127\.0\.0\.1:(\d+)\/api\/traces\n/);
  const res = await fetch(`http://127.0.0.1:${httpPort}/api/traces`, { method: 'POST', body: 'garbage' });
  expect(res.status).toBe(400);
  await res.text();

  const tracer = jaeger.initTracer(
    { serviceName: 'http-cli', sampler: { type: 'const', param: 1 }, reporter: { collectorEndpoint: `http://127.0.0.1:${httpPort}/api/traces`, flushIntervalMs: 10 } },
    { logger: silentLogger },
  );
  const span = tracer.startSpan('via-http');
  span.finish();
  await closeTracer(tracer);
  // the trace completes after --idle-ms and is then written to --out
  const deadline = Date.now() + 10_000;
  let saved: { data: Array<{ traceID: string; spans: Array<{ operationName: string }> }> } | undefined;
  while (Date.now() < deadline) {
    saved = JSON.parse(fs.readFileSync(out, 'utf8'));
    if (saved?.data.length) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(saved?.data[0].spans[0]).toMatchObject({ operationName: 'via-http', spanID: normalizeId(span.context().toSpanId()) });

  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  proc.kill('SIGINT');
  expect(await exited).toBe(0);
  expect(stdout).not.toMatch(/Trace /);
  expect(JSON.parse(fs.readFileSync(out, 'utf8')).data).toHaveLength(1);
}, 30_000);

test.each([
  [['--port', 'abc'], /--port must be an integer/],
  [['--port', '70000'], /--port must be an integer/],
  [['--collector-port', '-1'], /--collector-port/],
  [['--idle-ms', '0'], /--idle-ms/],
  [['--port'], /--port needs a value/],
  [['--bogus'], /unknown option "--bogus"/],
  [['--max-traces', '10'], /--max-traces needs --ui/],
  [['--ui-host', '0.0.0.0'], /--ui-host needs --ui/],
  [['--ui', '--max-traces', '0'], /--max-traces must be an integer from 1/],
  [['--ui', '--max-bytes', '12x'], /--max-bytes must be a size/],
  [['--ui', '--max-bytes', '10'], /--max-bytes must be a size/],
  [['--ui', '--ui-port', '99999'], /--ui-port must be an integer/],
  [['--ui', '--port', '0', '--ui-port', '0', '--load', '/nonexistent/spanwise.json'], /--load \/nonexistent\/spanwise\.json: ENOENT/],
])('invalid options fail at startup naming the option: %j', (args, message) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 10_000 });
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stdout).toBe('');
});

test('a taken port fails with exit code 1 and a clear message', () => {
  const busy = spawnSync(process.execPath, ['-e', `
    const s = require('dgram').createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const r = require('child_process').spawnSync(process.execPath, [${JSON.stringify(CLI)}, '--port', String(s.address().port)], { encoding: 'utf8' });
      process.stdout.write(JSON.stringify(r));
      s.close();
    });`], { encoding: 'utf8', timeout: 20_000 });
  const r = JSON.parse(busy.stdout);
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/cannot listen on 127\.0\.0\.1:\d+.*EADDRINUSE/);
});

test('--ui serves the viewer on 127.0.0.1 with --load\'s traces and the bounds given; spans received are kept within them', async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spanwise-agent-'));
  const file = path.join(tmp, 'in.json');
  const loaded = (n: number): object => ({ traceID: `${n}`.padStart(16, '0'), processes: { p1: { serviceName: 'loaded', tags: [] } }, spans: [{ traceID: `${n}`, spanID: '1', operationName: `op${n}`, references: [], startTime: 1e15 + n, duration: 5, tags: [], logs: [], processID: 'p1' }] });
  fs.writeFileSync(file, JSON.stringify({ data: [loaded(1), loaded(2)] }));
  const proc = spawn(process.execPath, [CLI, '--port', '0', '--ui', '--ui-port', '0', '--max-traces', '2', '--max-bytes', '1m', '--load', file, '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child = proc;
  let stdout = '';
  proc.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  const [, url] = await waitForOutput(proc, () => stdout, /^spanwise-agent listening on udp:\/\/127\.0\.0\.1:\d+\nspanwise-agent viewer on (http:\/\/127\.0\.0\.1:\d+\/)\n/);
  const list = async (): Promise<TraceList> => (await fetch(`${url}api/traces`)).json() as Promise<TraceList>;
  expect((await list()).traces.map((t) => t.rootOperation)).toEqual(['op2', 'op1']);
  const page = await fetch(url);
  expect(page.headers.get('content-type')).toMatch(/text\/html/);
  expect(await page.text()).toMatch(/<script src="app\.js">/);
  const timing = await (await fetch(`${url}timing.js`)).text();
  expect(timing).toMatch(/window\.SpanwiseTiming = exports/);

  const port = Number(/udp:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)![1]);
  const tracer = udpTracer(port, 'live-svc');
  tracer.startSpan('live').finish();
  await closeTracer(tracer);
  const deadline = Date.now() + 10_000;
  let body = await list();
  while (body.traces[0]?.rootOperation !== 'live' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    body = await list();
  }
  expect(body.traces.map((t) => t.rootOperation)).toEqual(['live', 'op2']); // --max-traces 2: op1 forgotten
  expect(body.stats).toMatchObject({ traces: 2, evictedTraces: 1 });

  // the Thrift compact protocol (other Jaeger clients, port 6831 format) reaches the viewer too
  const long = (v: bigint): CV => ({ t: 'i64', v });
  const compactSpan: CV = { t: 'struct', v: [[1, long(0x77n)], [2, long(0n)], [3, long(0x1n)], [4, long(0n)], [5, { t: 'binary', v: 'compact-op' }], [7, { t: 'i32', v: 1 }], [8, long(BigInt(Date.now()) * 1000n)], [9, long(10n)]] };
  await sendUdp(port, encodeCompactEmitBatch({ t: 'struct', v: [[1, { t: 'struct', v: [[1, { t: 'binary', v: 'compact-svc' }]] }], [2, { t: 'list', elem: 'struct', v: [compactSpan] }]] }));
  while (body.traces[0]?.rootOperation !== 'compact-op' && Date.now() < deadline + 10_000) {
    await new Promise((r) => setTimeout(r, 50));
    body = await list();
  }
  expect(body.traces.map((t) => `${t.rootService} ${t.rootOperation}`)).toEqual(['compact-svc compact-op', 'live-svc live']);
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  proc.kill('SIGTERM');
  expect(await exited).toBe(0);
}, 30_000);

test('--ui-host binds the viewer elsewhere only when asked, warning that it has no authentication', async () => {
  const proc = spawn(process.execPath, [CLI, '--port', '0', '--ui', '--ui-port', '0', '--ui-host', '0.0.0.0', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child = proc;
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const [, port] = await waitForOutput(proc, () => stdout, /viewer on http:\/\/0\.0\.0\.0:(\d+)\/\n/);
  for (let i = 0; i < 100 && !stderr; i++) await new Promise((r) => setTimeout(r, 50)); // a separate pipe
  expect(stderr).toMatch(/the viewer on 0\.0\.0\.0 has no authentication/);
  // bound to all interfaces, so the loopback-only Host check is off
  expect((await fetch(`http://127.0.0.1:${port}/api/traces`, { headers: { 'x-test': '1' } })).status).toBe(200);
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  proc.kill('SIGTERM');
  expect(await exited).toBe(0);
}, 30_000);
