/**
 * ioredis against a real Redis (test-support/servers.ts: REDIS_URL or a private redis-server with a password),
 * in real child processes, spans decoded from jaeger-client's UDP packets. Each test runs on every ioredis fixture
 * of the version matrix (test-support/each-version.ts).
 */
import * as path from 'path';
import { childrenOfRequest, requestSpan, requireErrorLog, ROOT, runScenario, runScript, tracingEnv, useAgent, waitForRequests, type DecodedSpan } from '../../../test-support';
import { describeEachVersion } from '../../../test-support/each-version';
import { ensureRedis, ensureRedisCluster, freePort, stopServers, type DatabaseServer, type RedisCluster } from '../../../test-support/servers';

const SCRIPT = path.join(__dirname, 'scripts', 'scenario.js');
const SERVICE = 'ioredis-test';
const HANDSHAKE = ['AUTH', 'HELLO', 'INFO', 'SELECT', 'CLIENT'];

let redis: DatabaseServer;
let cluster: RedisCluster;
const agent = useAgent({ clearBeforeEach: true });

beforeAll(async () => {
  redis = await ensureRedis();
  cluster = await ensureRedisCluster();
}, 90000);

afterAll(() => stopServers());

type Result = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the JSON a scenario process printed

const run = (fixture: string, scenario: string, extra: Record<string, string> = {}) =>
  runScenario<Result>(SCRIPT, { ...tracingEnv(agent, SERVICE), REDIS_URL: redis.url, FIXTURE_DIR: path.join(ROOT, fixture), SCENARIO: scenario, ...extra }, 30000);
const isRedis = (s: DecodedSpan) => s.tags.component === 'ioredis';
const collect = (requests: string[], redisSpans: number) => waitForRequests(agent, requests, { component: 'ioredis', count: redisSpans });

describeEachVersion('ioredis', ({ name, version }) => {
  const fixture = `fixtures/${name}`;
  it('traces commands with the command and key only, in the caller context; the handshake makes no spans', async () => {
    const result = await run(fixture, 'commands');
    expect(result.version).toBe(version);
    expect(result.patched).toEqual([`ioredis@${result.version}`]);
    const spans = await collect(['set-get', 'callback', 'wrongtype', 'unknown-command', 'pipeline', 'multi', 'pipeline-error', 'db3'], 9);

    const [set, get] = childrenOfRequest(spans, 'set-get');
    expect(set.operationName).toBe('SET');
    expect(set.tags).toMatchObject({
      'span.kind': 'client',
      component: 'ioredis',
      'db.type': 'redis',
      'db.instance': '0',
      'db.statement': 'SET user:1',
      'peer.hostname': redis.host,
      'peer.port': redis.port,
      'peer.address': `${redis.host}:${redis.port}`,
    });
    expect(get.operationName).toBe('GET');
    expect(get.tags['db.statement']).toBe('GET user:1');
    expect(result.got).toBe('secret-value');
    expect(childrenOfRequest(spans, 'callback').map((s) => s.operationName)).toEqual(['GET']);
    expect(result.callbackActiveIsRequest).toBe(true);
    expect(childrenOfRequest(spans, 'db3')[0].tags['db.instance']).toBe('3');

    // Values, the password and handshake commands never show up.
    const all = JSON.stringify(spans);
    for (const secret of ['secret-value', 'secret-a', 'secret-b', 'secret-arg', redis.password]) expect(all).not.toContain(secret);
    expect(spans.filter((s) => HANDSHAKE.includes(s.operationName))).toEqual([]);
    // Every redis span has a request parent: nothing ran outside a request (setup, DEL, QUIT) made a span.
    const requestIds = new Set(spans.filter((s) => !isRedis(s)).map((s) => s.spanId));
    expect(spans.filter((s) => isRedis(s) && !requestIds.has(s.parentSpanId))).toEqual([]);
  });

  it('tags and logs errors; the app gets the same error', async () => {
    const result = await run(fixture, 'commands');
    const spans = await collect(['wrongtype', 'unknown-command'], 9);
    const [lpush] = childrenOfRequest(spans, 'wrongtype');
    expect(lpush.tags.error).toBe(true);
    expect(requireErrorLog(lpush)).toMatchObject({ 'db.error.code': 'WRONGTYPE', 'error.kind': result.wrongtype.kind, message: result.wrongtype.message });
    expect(result.wrongtype).toMatchObject({ name: 'ReplyError', message: 'WRONGTYPE Operation against a key holding the wrong kind of value' });

    const [unknown] = childrenOfRequest(spans, 'unknown-command');
    expect(unknown.operationName).toBe('NOSUCHCOMMAND');
    expect(unknown.tags['db.statement']).toBe('NOSUCHCOMMAND');
    expect(requireErrorLog(unknown)).toMatchObject({ 'db.error.code': 'ERR', message: "ERR unknown command 'nosuchcommand', with args beginning with: ?" });
    // The app's error still quotes its argument: only the span's copy is masked.
    expect(result.unknownCommand).toContain("'secret-arg'");
  });

  it('makes one span per pipeline and per MULTI, with the command list, and none per command', async () => {
    const result = await run(fixture, 'commands');
    const spans = await collect(['pipeline', 'multi', 'pipeline-error'], 9);
    const pipeline = childrenOfRequest(spans, 'pipeline');
    expect(pipeline).toHaveLength(1);
    expect(pipeline[0].operationName).toBe('PIPELINE');
    expect(pipeline[0].tags).toMatchObject({ 'db.redis.pipeline_length': 3, 'db.redis.commands': 'SET GET INCR', 'db.statement': 'SET a\nGET a\nINCR n', component: 'ioredis' });
    expect(result.pipeline).toEqual([[null, 'OK'], [null, 'secret-a'], [null, 1]]);

    const multi = childrenOfRequest(spans, 'multi');
    expect(multi).toHaveLength(1);
    expect(multi[0].operationName).toBe('MULTI');
    expect(multi[0].tags).toMatchObject({ 'db.redis.pipeline_length': 2, 'db.redis.commands': 'SET GET' });
    expect(result.multi).toEqual([[null, 'OK'], [null, 'secret-b']]);

    const failed = childrenOfRequest(spans, 'pipeline-error');
    expect(failed).toHaveLength(1);
    expect(failed[0].tags).toMatchObject({ error: true, 'db.redis.failed_commands': 1 });
    expect(requireErrorLog(failed[0])['db.error.code']).toBe('WRONGTYPE');
    expect(result.pipelineError[0][0]).toMatch(/^WRONGTYPE/);
  });

  it('keeps commands queued before the connection is ready in the request that issued them', async () => {
    const result = await run(fixture, 'offlineQueue', { REQUESTS: '10' });
    const names = Array.from({ length: 10 }, (_u, i) => `queued-${i}`);
    const spans = await collect(names, 21);
    for (const [i, name] of names.entries()) {
      const children = childrenOfRequest(spans, name).filter((s) => s.operationName !== 'connect');
      expect(children.map((s) => [s.operationName, s.tags['db.statement']])).toEqual([
        ['INCR', `INCR counter:${i}`],
        ['PIPELINE', `GET counter:${i}\nDEL counter:${i}`],
      ]);
    }
    // The lazy connection was opened by the first request: one connect span, there; no handshake spans.
    const connects = spans.filter((s) => s.operationName === 'connect');
    expect(connects).toHaveLength(1);
    expect(connects[0].tags).toMatchObject({ component: 'ioredis', 'span.kind': 'client', 'peer.port': redis.port });
    expect(connects[0].tags.error).toBeUndefined();
    expect(names.map((name) => requestSpan(spans, name).spanId)).toContain(connects[0].parentSpanId);
    expect(spans.filter((s) => HANDSHAKE.includes(s.operationName))).toEqual([]);
    expect(result.mismatches).toBe(0);
  });

  it('puts each command of 30 concurrent requests on a shared client under its own request', async () => {
    await run(fixture, 'concurrent', { REQUESTS: '30' });
    const names = Array.from({ length: 30 }, (_u, i) => `shared-${i}`);
    const spans = await collect(names, 90);
    for (const [i, name] of names.entries()) {
      expect(childrenOfRequest(spans, name).map((s) => s.tags['db.statement'])).toEqual([`SET c:${i}`, `GET c:${i}`, `DEL c:${i}`]);
    }
  });

  it('auto-pipelining: each command keeps its own span in its own request, no batch span', async () => {
    const result = await run(fixture, 'autoPipelining', { REQUESTS: '10' });
    const names = Array.from({ length: 10 }, (_u, i) => `auto-${i}`);
    const spans = await collect(names, 30);
    for (const [i, name] of names.entries()) {
      expect(childrenOfRequest(spans, name).map((s) => s.tags['db.statement']).sort()).toEqual([`DEL auto:${i}`, `GET auto:${i}`, `SET auto:${i}`]);
    }
    expect(spans.filter((s) => s.operationName === 'PIPELINE')).toEqual([]);
    expect(spans.filter(isRedis)).toHaveLength(30);
    expect(result.mismatches).toBe(0);
  });

  it('error replies that quote arguments carry no argument value into the span (message, error.object, stack)', async () => {
    const result = await run(fixture, 'replyErrors');
    const names = ['subcommand', 'client-subcommand', 'unknown-command', 'acl-modifier', 'lua-global', 'lua-error', 'wrongtype', 'pipeline'];
    const spans = await collect(names.map((n) => `reply-${n}`), names.length);
    // Real Redis replies, as the app got them: each quotes the value.
    for (const name of names.filter((n) => n !== 'wrongtype')) expect([name, result.errors[name]]).toEqual([name, expect.stringContaining('hunter2')]);
    expect(result.errors.wrongtype).toBe('WRONGTYPE Operation against a key holding the wrong kind of value');
    const messageOf = (request: string) => requireErrorLog(childrenOfRequest(spans, request)[0]).message;
    expect(messageOf('reply-subcommand')).toBe("ERR unknown subcommand '?'. Try CONFIG HELP.");
    expect(messageOf('reply-unknown-command')).toBe("ERR unknown command 'nosuch', with args beginning with: ?");
    expect(messageOf('reply-wrongtype')).toBe(result.errors.wrongtype);
    for (const name of names) {
      const [span] = childrenOfRequest(spans, `reply-${name}`);
      const fields = requireErrorLog(span);
      expect(span.tags.error).toBe(true);
      expect(String(fields['error.object'])).toBe(`ReplyError: ${fields.message}`);
      expect(String(fields.stack).startsWith(`ReplyError: ${fields.message}\n`)).toBe(true);
    }
    expect(JSON.stringify(spans)).not.toContain('hunter2');
  });

  it('a statement formatter that throws costs the tag only: the span is kept and the option is named once in the log', async () => {
    const { code, output } = await runScript(
      SCRIPT,
      { ...tracingEnv(agent, SERVICE), REDIS_URL: redis.url, FIXTURE_DIR: path.join(ROOT, fixture), SCENARIO: 'commands', TRACE_OPTIONS: '{}', THROWING_STATEMENT_OPTION: '1' },
      { timeoutMs: 30000 },
    );
    expect(code).toBe(0);
    const spans = await collect(['set-get', 'pipeline'], 9);
    const [set, get] = childrenOfRequest(spans, 'set-get');
    expect([set.operationName, get.operationName]).toEqual(['SET', 'GET']);
    expect(set.tags).toMatchObject({ component: 'ioredis', 'db.type': 'redis' });
    expect(set.tags['db.statement']).toBeUndefined();
    expect(set.tags.error).toBeUndefined();
    expect(childrenOfRequest(spans, 'pipeline').map((s) => s.operationName)).toEqual(['PIPELINE']);
    const lines = output.split('\n').filter((line) => line.includes('option statement of @spanwise/trace-ioredis threw'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('bug in the app-supplied statement formatter');
    expect(output).not.toContain('tracing fault');
  });

  it('commands that fail before reaching the wire (offline queue off, closed client, refused connection) make one error span each', async () => {
    const result = await run(fixture, 'offline', { DEAD_PORT: String(await freePort()) });
    const requests = ['no-offline-queue', 'closed-client', 'closed-callback', 'refused'];
    const spans = await collect(requests, 4);
    expect(result.noOfflineQueue).toMatch(/enableOfflineQueue/);
    expect(result.closedClient).toBe('Connection is closed.');
    expect(result.closedCallback).toEqual({ message: 'Connection is closed.', inRequest: true });
    expect(result.refused).toBeTruthy();
    const messages: Record<string, string> = { 'no-offline-queue': result.noOfflineQueue, 'closed-client': result.closedClient, 'closed-callback': result.closedCallback.message, refused: result.refused };
    for (const request of requests) {
      const commands = childrenOfRequest(spans, request).filter((s) => s.operationName !== 'connect');
      expect(commands).toHaveLength(1);
      expect(commands[0].tags).toMatchObject({ error: true, component: 'ioredis' });
      expect(requireErrorLog(commands[0]).message).toBe(messages[request]);
    }
    expect(JSON.stringify(spans)).not.toContain('hunter2');
  });

  it('records command timeouts and lost connections as errors', async () => {
    const result = await run(fixture, 'failures');
    const spans = await collect(['timeout', 'connection-lost'], 2);
    const [timedOut] = childrenOfRequest(spans, 'timeout');
    expect(timedOut.operationName).toBe('BLPOP');
    expect(timedOut.tags.error).toBe(true);
    expect(requireErrorLog(timedOut).message).toBe('Command timed out');
    expect(result.timeout).toBe('Command timed out');
    const [lost] = childrenOfRequest(spans, 'connection-lost');
    expect(lost.tags.error).toBe(true);
    expect(requireErrorLog(lost).message).toBe(result.connectionLost);
    expect(result.connectionLost).toMatch(/Connection is closed/);
  });

  it('patches an ioredis loaded before patch()', async () => {
    const result = await run(fixture, 'concurrent', { REQUESTS: '3', LOAD: 'ioredis-first' });
    expect(result.patched).toEqual([`ioredis@${result.version}`]);
    const spans = await collect(['shared-0', 'shared-1', 'shared-2'], 9);
    expect(childrenOfRequest(spans, 'shared-1').map((s) => s.operationName)).toEqual(['SET', 'GET', 'DEL']);
  });

  it("statement: 'command' records the name only", async () => {
    await run(fixture, 'commands', { TRACE_OPTIONS: JSON.stringify({ statement: 'command' }) });
    const spans = await collect(['set-get', 'pipeline'], 9);
    expect(childrenOfRequest(spans, 'set-get').map((s) => s.tags['db.statement'])).toEqual(['SET', 'GET']);
    expect(childrenOfRequest(spans, 'pipeline')[0].tags['db.statement']).toBe('SET\nGET\nINCR');
  });

  it('unpatch() restores ioredis; patch() twice traces each command once', async () => {
    const result = await run(fixture, 'unpatch');
    const spans = await collect(['patched', 'unpatched', 'repatched'], 2);
    expect(result.afterUnpatch).toEqual([]);
    expect(childrenOfRequest(spans, 'patched').map((s) => s.operationName)).toEqual(['PING']);
    expect(childrenOfRequest(spans, 'unpatched')).toEqual([]);
    expect(childrenOfRequest(spans, 'repatched').map((s) => s.operationName)).toEqual(['PING']);
  });

  it('traces Cluster clients: one span per command with the node it went to, pipelines as one span', async () => {
    const nodes = cluster.nodes.map((n) => `${n.host}:${n.port}`);
    const result = await run(fixture, 'cluster', { REQUESTS: '10', REDIS_CLUSTER_NODES: nodes.join(',') });
    const names = Array.from({ length: 10 }, (_u, i) => `cluster-${i}`);
    const spans = await collect(names, 30);
    const usedNodes = new Set<string>();
    for (const [i, name] of names.entries()) {
      const children = childrenOfRequest(spans, name).filter((s) => s.operationName !== 'connect');
      expect(children.map((s) => [s.operationName, s.tags['db.statement']])).toEqual([
        ['SET', `SET key:${i}`],
        ['GET', `GET key:${i}`],
        ['PIPELINE', `SET {user:${i}}:a\nGET {user:${i}}:a`],
      ]);
      for (const span of children) {
        expect(span.tags).toMatchObject({ component: 'ioredis', 'db.type': 'redis', 'db.redis.cluster': true });
        if (span.operationName !== 'PIPELINE') {
          expect(nodes).toContain(span.tags['peer.address']);
          usedNodes.add(span.tags['peer.address'] as string);
        }
      }
    }
    expect(usedNodes.size).toBeGreaterThan(1); // the keys really were spread over the cluster
    // Node connections are lazy: the request whose command first needs a node opens it, with a connect span.
    const requestIds = new Set(names.map((name) => requestSpan(spans, name).spanId));
    for (const connect of spans.filter((s) => s.operationName === 'connect')) {
      expect(requestIds).toContain(connect.parentSpanId);
      expect(nodes).toContain(connect.tags['peer.address']);
    }
    expect(spans.filter((s) => HANDSHAKE.includes(s.operationName) || s.operationName === 'CLUSTER')).toEqual([]);
    expect(JSON.stringify(spans)).not.toContain('secret-cluster');
    expect(result.mismatches).toBe(0);
  });
});
