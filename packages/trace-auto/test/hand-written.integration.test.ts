import { httpGet, runScript, startApp, tracingEnv, useAgent, type DecodedSpan } from '../../../test-support';
import { clientSpans, script, serverSpans, withRegister } from './helpers';

/**
 * Hand-written spans (OpenTracing's global tracer, startActiveSpan) in real processes, in every way Spanwise is
 * loaded: Spanwise's lazy global tracer is installed when it loads, so spans made before anything automatic created
 * the tracer (a script, a server's startup) are exported; spans are read from the UDP packets.
 */
const ZERO = '0000000000000000';
const byName = (spans: DecodedSpan[], name: string): DecodedSpan => {
  const found = spans.filter((s) => s.operationName === name);
  if (found.length !== 1) throw new Error(`expected one "${name}" span, got ${found.length}: ${spans.map((s) => s.operationName).join(', ')}`);
  return found[0];
};
const lineOf = (output: string, prefix: string): unknown => {
  const line = output.split('\n').find((l) => l.startsWith(prefix));
  if (!line) throw new Error(`no ${prefix} line in:\n${output}`);
  return JSON.parse(line.slice(prefix.length));
};

describe('hand-written spans', () => {
  const agent = useAgent({ scope: 'test' });

  it('a script under -r register that uses only OpenTracing: its span is exported and inject writes the trace headers', async () => {
    const result = await runScript(script('hand-written-script.js'), tracingEnv(agent, 'script', { OPENTRACING_ONLY: '1' }), withRegister);
    expect(result.code).toBe(0);
    const [job] = await agent.waitForSpans(1, 5000);
    expect(job).toMatchObject({ operationName: 'script-job', serviceName: 'script', parentSpanId: ZERO });
    const headers = lineOf(result.output, 'INJECTED ') as Record<string, string>;
    expect(headers['uber-trace-id']).toBe(`${job.traceId.replace(/^0+/, '')}:${job.spanId.replace(/^0+/, '')}:0:1`);
    expect(headers.traceparent).toBe(`00-${job.traceId.padStart(32, '0')}-${job.spanId}-01`);
  });

  it('spans without a parent are children of the active span; a root is asked for explicitly; startActiveSpan records errors and passes results on', async () => {
    const result = await runScript(script('hand-written-script.js'), tracingEnv(agent, 'script'), withRegister);
    expect(result.code).toBe(0);
    expect(lineOf(result.output, 'RESULTS ')).toEqual({ value: 42, awaited: 'done', thrown: 'sync boom', sameRejection: true, unhandled: ['nobody handles this'] });
    expect(result.output).not.toContain('tracing fault');
    const spans = await agent.waitForSpans(13, 5000);
    const outer = byName(spans, 'sync-outer');
    expect(outer.parentSpanId).toBe(ZERO);
    expect(byName(spans, 'inner-default')).toMatchObject({ parentSpanId: outer.spanId, traceId: outer.traceId });
    for (const name of ['root-by-references', 'root-by-null', 'root-by-option', 'under-noop', 'child-of-noop']) {
      expect(byName(spans, name).parentSpanId).toBe(ZERO);
      expect(byName(spans, name).traceId).not.toBe(outer.traceId);
    }
    const asyncOuter = byName(spans, 'async-outer');
    expect(asyncOuter.tags).toMatchObject({ 'job.kind': 'async' });
    expect(asyncOuter.tags.error).toBeUndefined();
    expect(asyncOuter.duration).toBeGreaterThanOrEqual(4000);
    expect(byName(spans, 'async-inner').parentSpanId).toBe(asyncOuter.spanId);
    for (const [name, kind, message] of [
      ['sync-fails', 'TypeError', 'sync boom'],
      ['async-fails', 'Error', 'async boom'],
      ['async-unhandled', 'Error', 'nobody handles this'],
    ]) {
      const failed = byName(spans, name);
      expect(failed.tags.error).toBe(true);
      expect(failed.logs.map((l) => l.fields)).toContainEqual(expect.objectContaining({ event: 'error', 'error.kind': kind, message }));
    }
  });

  describe('spans made at a server startup, before any request, following docs/getting-started.md', () => {
    async function expectStartupSpans(app: { url: string; output(): string }, name: string, service: string): Promise<void> {
      const spans = await agent.waitForSpans((all) => all.some((s) => s.operationName === name) && clientSpans(all).length > 0, 5000);
      const startup = byName(spans, name);
      expect(startup).toMatchObject({ serviceName: service, parentSpanId: ZERO });
      const [client] = clientSpans(spans);
      expect(client).toMatchObject({ parentSpanId: startup.spanId, traceId: startup.traceId });
      expect(await httpGet(`${app.url}/hello`)).toMatchObject({ status: 200 });
      await agent.waitForSpans((all) => serverSpans(all).some((s) => s.tags['http.url'] === '/hello'), 5000);
      expect(app.output()).not.toContain('tracing fault');
    }

    it('under -r register', async () => {
      const app = await startApp(script('startup-spans.js'), tracingEnv(agent, 'startup-register'), withRegister);
      await expectStartupSpans(app, 'price calculation', 'startup-register');
    });

    it('with only trace-http patch() and Express traceMiddleware()', async () => {
      const app = await startApp(script('startup-spans.js'), tracingEnv(agent, 'startup-middleware', { MIDDLEWARE: '1' }));
      await expectStartupSpans(app, 'price calculation', 'startup-middleware');
    });

    it('in an ESM app under --import register', async () => {
      const app = await startApp(script('startup-spans.mjs'), tracingEnv(agent, 'startup-esm'), { nodeArgs: ['--import', '@spanwise/trace-auto/register'] });
      await expectStartupSpans(app, 'cache warm-up', 'startup-esm');
      expect(byName(agent.spans, 'startup done').parentSpanId).toBe(ZERO);
    });
  });
});

describe('loading Spanwise is cheap: jaeger-client is required only when the tracer is created', () => {
  it.each(['register', '@spanwise/trace-core', '@spanwise/trace-express', '@spanwise/trace-koa', '@spanwise/trace-fastify', '@spanwise/trace-http', '@spanwise/trace-mysql2', '@spanwise/trace-ioredis', '@spanwise/trace-elasticsearch'])(
    '%s',
    async (load) => {
      const result = await runScript(script('module-load.js'), { LOAD: load, JAEGER_AGENT_PORT: '9', JAEGER_DISABLED: 'false' });
      expect(result.code).toBe(0);
      const stages = result.output.split('\n').filter((l) => l.startsWith('STAGE ')).map((l) => JSON.parse(l.slice(6)));
      expect(stages).toEqual([
        { stage: 'loaded', jaeger: 0 },
        { stage: 'entry point called', jaeger: 0 },
        { stage: 'first span', jaeger: expect.any(Number) },
      ]);
      expect(stages[2].jaeger).toBeGreaterThan(0);
    },
  );
});

describe('configuration errors in an app with only a middleware, plugin or patch()', () => {
  it.each(['express', 'koa', 'fastify', 'http', 'mysql2'])('%s: a bad JAEGER_AGENT_PORT fails at the call, with the message the register prints', async (entry) => {
    const env = { ENTRY: entry, JAEGER_AGENT_PORT: 'abc', PORT: '0' };
    const register = await runScript(script('middleware-only.js'), env, withRegister);
    const message = 'Spanwise configuration: JAEGER_AGENT_PORT must be a number, got "abc"';
    expect(register).toMatchObject({ code: 1 });
    expect(register.output).toBe(`[spanwise] ${message}\n`);
    const alone = await runScript(script('middleware-only.js'), env);
    expect(alone.code).not.toBe(0);
    expect(alone.output).toContain(`ConfigurationError: ${message}\n`);
    expect(alone.output).not.toContain('LISTENING');
  });
});

