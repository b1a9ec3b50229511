import * as path from 'path';
import { httpGet, runScript, startApp, tracingEnv, useAgent } from '../../../test-support';
import { freePort } from '../../../test-support/servers';

const script = (name: string) => path.join(__dirname, 'processes', name);

describe('tracer lifecycle in real processes', () => {
  const agent = useAgent({ scope: 'test' });

  it('a script that only creates spans exits by itself, promptly, with every span delivered', async () => {
    // A long flush interval: delivery must come from the exit flush, not the timer (which must not hold the process).
    const result = await runScript(script('short-script.js'), tracingEnv(agent, 'short', { JAEGER_REPORTER_FLUSH_INTERVAL: '60000', SPAN_COUNT: '25' }));
    expect(result.code).toBe(0);
    expect(result.ms).toBeLessThan(5000);
    const spans = await agent.waitForSpans(25, 3000);
    expect(spans.map((s) => s.operationName).sort()).toEqual(Array.from({ length: 25 }, (_, i) => `work-${i}`).sort());
  });

  it('jaeger-client\'s own reporter (SPANWISE_REPORTER=jaeger-client) also lets a script exit with every span delivered', async () => {
    const env = tracingEnv(agent, 'short-jaeger', { JAEGER_REPORTER_FLUSH_INTERVAL: '60000', SPAN_COUNT: '10', SPANWISE_REPORTER: 'jaeger-client' });
    const result = await runScript(script('short-script.js'), env);
    expect(result.code).toBe(0);
    expect(result.ms).toBeLessThan(5000);
    expect(await agent.waitForSpans(10, 3000)).toHaveLength(10);
  });

  // jaeger-client's remote sampler first waits a random part of the refresh interval (a timeout set in its
  // constructor), then refreshes on an interval: neither may hold the process. The sampling endpoint is a closed port.
  it.each([
    ['its first refresh timeout (default 60 s interval)', {}],
    ['its refresh interval, started while the script was still busy', { JAEGER_SAMPLER_REFRESH_INTERVAL: '50', LINGER_MS: '400' }],
  ])('JAEGER_SAMPLER_TYPE=remote: a short script exits by itself, not held by %s, and delivers its span', async (_, extra: Record<string, string>) => {
    const samplingPort = await freePort();
    const env = tracingEnv(agent, 'remote-sampler', { JAEGER_SAMPLER_TYPE: 'remote', JAEGER_SAMPLER_MANAGER_HOST_PORT: `127.0.0.1:${samplingPort}`, ...extra });
    const result = await runScript(script('remote-sampler.js'), env, { timeoutMs: 15000 });
    expect(result.code).toBe(0);
    const spans = await agent.waitForSpans(1, 3000);
    expect(spans.map((s) => s.operationName)).toEqual(['sampled-remotely']);
  }, 25000);

  it.each(['SIGTERM', 'SIGINT'] as const)('%s without an app handler: spans delivered, the process dies of the signal as usual', async (signal) => {
    const app = await startApp(script('signal-server.js'), tracingEnv(agent, 'sig', { JAEGER_REPORTER_FLUSH_INTERVAL: '60000' }));
    await httpGet(`${app.url}/one`);
    await httpGet(`${app.url}/two`);
    const exit = await app.stop(signal);
    expect(exit).toEqual({ code: null, signal });
    const spans = await agent.waitForSpans(2, 3000);
    expect(spans.map((s) => s.operationName).sort()).toEqual(['request /one', 'request /two']);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('%s with the app\'s own handler: spans delivered, the app keeps control', async (signal) => {
    const app = await startApp(script('signal-server.js'), tracingEnv(agent, 'sig', { JAEGER_REPORTER_FLUSH_INTERVAL: '60000', OWN_HANDLER: '1' }));
    await httpGet(`${app.url}/mine`);
    app.child.kill(signal);
    const exit = await app.exited;
    expect(exit).toEqual({ code: 7, signal: null });
    expect(app.output()).toContain(`app handled ${signal}`);
    await agent.waitForSpans(1, 3000);
  });

  it('an app handler that calls process.exit() at once: the pending spans are sent synchronously at exit (UDP)', async () => {
    const app = await startApp(script('exit-in-handler.js'), tracingEnv(agent, 'exit-now', { JAEGER_REPORTER_FLUSH_INTERVAL: '60000' }));
    await httpGet(`${app.url}/a`);
    await httpGet(`${app.url}/b`);
    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: 3, signal: null });
    const spans = await agent.waitForSpans(2, 3000);
    expect(spans.map((s) => s.operationName).sort()).toEqual(['request /a', 'request /b']);
  });

  it('creates a new tracer when the process id changes (prefork servers), and the new one delivers', async () => {
    // The old tracer's buffer is a copy of the parent's: the parent sends it, the child must not send it twice.
    const result = await runScript(script('pid-change.js'), tracingEnv(agent, 'fork'));
    expect(result.output).toContain('"recreated":true');
    const spans = await agent.waitForSpans((all) => all.some((s) => s.operationName === 'after-fork'), 3000);
    expect(spans.filter((s) => s.operationName === 'after-fork')).toHaveLength(1);
  });

  it('bad configuration fails at startup with a message naming the setting', async () => {
    const result = await runScript(script('short-script.js'), tracingEnv(agent, 'bad', { JAEGER_AGENT_PORT: 'not-a-port' }));
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('JAEGER_AGENT_PORT must be a number, got "not-a-port"');
  });
});
