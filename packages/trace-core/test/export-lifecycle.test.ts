import * as path from 'path';
import { runScript, startApp, tracingEnv, useAgent } from '../../../test-support';

const script = (name: string) => path.join(__dirname, 'processes', name);
const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('exporter: spans finished before any kind of exit are delivered (real processes, UDP)', () => {
  const agent = useAgent({ scope: 'test' });

  it.each([
    ['same-tick', { code: 0, signal: null }],
    ['after-await', { code: 3, signal: null }],
    ['uncaught', { code: 1, signal: null }],
    ['unhandled-rejection', { code: 1, signal: null }],
    ['sigterm', { code: null, signal: 'SIGTERM' }],
  ])('process exit: %s, in the tick that created the tracer', async (kind, exit) => {
    const env = tracingEnv(agent, `exit-${kind}`, { JAEGER_REPORTER_FLUSH_INTERVAL: '60000', EXIT_KIND: kind, SPAN_COUNT: '3' });
    const result = await runScript(script('exit-kinds.js'), env);
    expect({ code: result.code, signal: result.signal }).toEqual(exit);
    const spans = await agent.waitForSpans(3, 3000);
    expect(spans.map((s) => s.operationName).sort()).toEqual(names('before-exit', 3));
  });
});

describe('exporter: flushing at exit has one owner, init()\'s flushOnExit (real processes, UDP)', () => {
  const agent = useAgent({ scope: 'test' });

  const kinds: Array<[string, { code: number | null; signal: string | null }]> = [
    ['natural', { code: 0, signal: null }],
    ['same-tick', { code: 0, signal: null }],
    ['after-await', { code: 3, signal: null }],
    ['sigterm', { code: null, signal: 'SIGTERM' }],
  ];

  it.each(kinds)('flushOnExit: false: nothing is sent at exit (%s)', async (kind, exit) => {
    const env = tracingEnv(agent, 'no-exit-flush', { JAEGER_REPORTER_FLUSH_INTERVAL: '60000', EXIT_KIND: kind, SPAN_COUNT: '5', FLUSH_ON_EXIT: 'false' });
    const result = await runScript(script('exit-kinds.js'), env);
    expect({ code: result.code, signal: result.signal }).toEqual(exit);
    // the marker: a span sent by another process after this one exited, so anything it sent arrived before
    await runScript(script('exit-kinds.js'), tracingEnv(agent, 'marker', { EXIT_KIND: 'natural', SPAN_COUNT: '1' }));
    const spans = await agent.waitForSpans((all) => all.some((s) => s.serviceName === 'marker'), 5000);
    expect(spans.filter((s) => s.serviceName === 'no-exit-flush')).toEqual([]);
  });

  it.each(kinds)('by default everything is sent at exit (%s)', async (kind, exit) => {
    const env = tracingEnv(agent, 'exit-flush', { JAEGER_REPORTER_FLUSH_INTERVAL: '60000', EXIT_KIND: kind, SPAN_COUNT: '500' });
    const result = await runScript(script('exit-kinds.js'), env);
    expect({ code: result.code, signal: result.signal }).toEqual(exit);
    const spans = await agent.waitForSpans(500, 5000);
    expect(spans.map((s) => s.operationName).sort()).toEqual(names('before-exit', 500).sort());
  });
});

describe('exporter: fake timers in the app do not stall export', () => {
  const agent = useAgent({ scope: 'test' });

  it.each([
    ['created before the episode', '0'],
    ['created during the episode', '1'],
  ])('@sinonjs/fake-timers installed then uninstalled mid-run, tracer %s: every span arrives while the process runs on', async (_when, during) => {
    const startedAt = Date.now();
    const env = tracingEnv(agent, 'fake-timers', { JAEGER_REPORTER_FLUSH_INTERVAL: '50', SPAN_COUNT: '20', TRACER_DURING: during });
    const app = await startApp(script('fake-timers.js'), env);
    const spans = await agent.waitForSpans(60, 5000);
    expect(spans.map((s) => s.operationName).sort()).toEqual([...names('after', 20), ...names('before', 20), ...names('during', 20)].sort());
    // span times come from the real clock, not the app's fake Date/performance
    const startsMs = spans.map((s) => s.startTime / 1000);
    expect(Math.min(...startsMs)).toBeGreaterThan(startedAt - 1000);
    expect(Math.max(...startsMs)).toBeLessThan(Date.now() + 1000);
    expect(app.child.exitCode).toBeNull();
    const deadline = Date.now() + 5000;
    while (!app.output().includes('STATS ') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const stats = JSON.parse(/STATS (.*)/.exec(app.output())![1]);
    expect(stats).toMatchObject({ reported: 60, sent: 60, pending: { spans: 0, bytes: 0 } });
  });
});
