import { httpGet, runScript, startApp, tracingEnv, useAgent, type RunningApp } from '../../../test-support';
import { REGISTER_JS, script, serverSpans, udpSocketsOf, withRegister } from './helpers';

/**
 * Process lifecycle through register, with real processes: cluster workers, forked children, preloading through
 * NODE_OPTIONS, scripts that end by themselves, and signals. Each process reports its own spans, from its own
 * tracer (its own `client-uuid` process tag), created only in processes that make spans.
 */
describe('process lifecycle under register', () => {
  const agent = useAgent({ scope: 'test' });
  const extraPids = new Set<number>();
  afterEach(async () => {
    for (const pid of extraPids) killQuietly(pid);
    extraPids.clear();
  });

  const uuidOf = (span: { processTags: Record<string, unknown> }) => span.processTags['client-uuid'];

  it('cluster: the primary, which serves nothing, creates no tracer and opens no UDP socket; each worker reports its own spans', async () => {
    const app = await startApp(script('cluster-app.js'), tracingEnv(agent, 'clustered', { SPANWISE_LOG_LEVEL: 'debug' }), withRegister);
    const workerPids = [...app.output().matchAll(/WORKER (\d+)/g)].map((m) => Number(m[1]));
    workerPids.forEach((pid) => extraPids.add(pid));
    expect(workerPids).toHaveLength(2);

    const servedBy = new Map<string, number>();
    for (let i = 0; servedBy.size < 40 && i < 40; i++) {
      const url = `/who?n=${i}`;
      servedBy.set(url, JSON.parse((await httpGet(`${app.url}${url}`)).body).pid);
    }
    expect(new Set(servedBy.values())).toEqual(new Set(workerPids));
    await agent.waitForSpans(40, 5000);

    // Every span of a worker carries that worker's tracer identity, and the two workers' identities differ.
    const uuidByPid = new Map<number, Set<unknown>>();
    for (const span of serverSpans(agent.spans)) {
      expect(span.operationName).toBe('GET /who');
      const pid = servedBy.get(String(span.tags['http.url']))!;
      if (!uuidByPid.has(pid)) uuidByPid.set(pid, new Set());
      uuidByPid.get(pid)!.add(uuidOf(span));
    }
    expect([...uuidByPid.keys()].sort()).toEqual([...workerPids].sort());
    for (const uuids of uuidByPid.values()) expect(uuids.size).toBe(1);
    expect(new Set([...uuidByPid.values()].map((u) => [...u][0])).size).toBe(2);

    const primary = app.child.pid!;
    expect(udpSocketsOf(primary)).toBe(0);
    for (const pid of workerPids) expect(udpSocketsOf(pid)).toBe(1);
    expect(app.output()).not.toContain(`in process ${primary}`);
    for (const pid of workerPids) expect(app.output()).toContain(`tracer created for service "clustered" in process ${pid}`);
    expect(await app.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  async function checkForkedChildren(app: RunningApp, service: string): Promise<void> {
    const answer = JSON.parse((await httpGet(`${app.url}/fanout`)).body) as { parent: number; children: number[] };
    answer.children.forEach((pid) => extraPids.add(pid));
    await agent.waitForSpans(5, 5000);
    const [front] = serverSpans(agent.spans).filter((s) => s.serviceName === service);
    const calls = agent.spans.filter((s) => s.parentSpanId === front.spanId && s.tags.component === 'fetch');
    expect(calls).toHaveLength(2);
    const childSpans = serverSpans(agent.spans).filter((s) => s.serviceName === `${service}-child`);
    expect(childSpans).toHaveLength(2);
    for (const span of childSpans) {
      expect(span).toMatchObject({ operationName: 'GET', traceId: front.traceId });
      expect(calls.map((c) => c.spanId)).toContain(span.parentSpanId);
    }
    const identities = new Set([uuidOf(front), ...childSpans.map(uuidOf)]);
    expect(identities.size).toBe(3);
  }

  it('child_process.fork: children inherit the -r flag and report their own spans, continuing the trace', async () => {
    const app = await startApp(script('fork-parent.js'), tracingEnv(agent, 'forker'), withRegister);
    await checkForkedChildren(app, 'forker');
  });

  it('NODE_OPTIONS=--require .../register.js preloads it in the process and in every child', async () => {
    const app = await startApp(script('fork-parent.js'), tracingEnv(agent, 'node-options', { NODE_OPTIONS: `--require ${REGISTER_JS}` }));
    await checkForkedChildren(app, 'node-options');
  });

  it('NODE_OPTIONS=--import @spanwise/trace-auto/register preloads it in ESM children too (fork-child.mjs)', async () => {
    const app = await startApp(script('fork-parent.js'), tracingEnv(agent, 'node-import', { NODE_OPTIONS: '--import @spanwise/trace-auto/register', CHILD_ESM: '1' }));
    await checkForkedChildren(app, 'node-import');
  });

  it('a short script exits by itself, promptly, with every span delivered (no flush timer needed)', async () => {
    const env = tracingEnv(agent, 'script', { JAEGER_REPORTER_FLUSH_INTERVAL: '60000', COUNT: '20' });
    const result = await runScript(script('short-script.js'), env, withRegister);
    expect(result).toMatchObject({ code: 0, signal: null });
    expect(result.ms).toBeLessThan(5000);
    const spans = await agent.waitForSpans(41, 3000);
    const [root] = spans.filter((s) => s.operationName === 'batch-job');
    expect(spans.filter((s) => s.tags.component === 'fetch' && s.parentSpanId === root.spanId)).toHaveLength(20);
    expect(serverSpans(spans)).toHaveLength(20);
  });

  describe.each(['SIGTERM', 'SIGINT'] as const)('%s on an Express app run through register', (signal) => {
    const env = (service: string, extra: Record<string, string> = {}) => tracingEnv(agent, service, { JAEGER_REPORTER_FLUSH_INTERVAL: '60000', ...extra });

    it('without an app handler: spans delivered, the process still dies of the signal', async () => {
      const app = await startApp(script('express-app.js'), env('sig'), withRegister);
      await httpGet(`${app.url}/users/1`);
      await httpGet(`${app.url}/users/2`);
      expect(await app.stop(signal)).toEqual({ code: null, signal });
      const spans = await agent.waitForSpans(2, 3000);
      expect(spans.map((s) => s.operationName)).toEqual(['GET /users/:id', 'GET /users/:id']);
    });

    it('with the app\'s own handler: spans delivered, the app keeps control and its exit status', async () => {
      const app = await startApp(script('express-app.js'), env('sig-own', { OWN_HANDLER: '1' }), withRegister);
      await httpGet(`${app.url}/users/1`);
      app.child.kill(signal);
      expect(await app.exited).toEqual({ code: 7, signal: null });
      expect(app.output()).toContain(`app handled ${signal}`);
      expect((await agent.waitForSpans(1, 3000))[0].operationName).toBe('GET /users/:id');
    });
  });
});

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

