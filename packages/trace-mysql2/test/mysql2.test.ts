/**
 * mysql2 against a real MariaDB (test-support/servers.ts: MYSQL_URL or a private instance), in real child
 * processes, spans decoded from the UDP packets jaeger-client sends. Every test runs on each mysql2 fixture of the
 * version matrix (test-support/each-version.ts): the lowest claimed, the latest 3.x (lib/base/connection.js) and
 * 3.11.4 (lib/connection.js, before the 3.11.5 refactor).
 */
import * as path from 'path';
import { childrenOf, onlyChildOf, requestSpan, requireErrorLog, ROOT, runScenario, runScript, tracingEnv, spansUntilMarker, useAgent, waitForRequests, type DecodedSpan } from '../../../test-support';
import { describeEachVersion } from '../../../test-support/each-version';
import { ensureMysql, freePort, stopServers, type DatabaseServer } from '../../../test-support/servers';

const SCRIPT = path.join(__dirname, 'scripts', 'scenario.js');
const SERVICE = 'mysql2-test';

let db: DatabaseServer;
const agent = useAgent({ clearBeforeEach: true });

beforeAll(async () => {
  db = await ensureMysql();
}, 90000);

afterAll(() => stopServers());

type Result = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- the JSON a scenario process printed

const run = (fixture: string, scenario: string, extra: Record<string, string> = {}) =>
  runScenario<Result>(SCRIPT, { ...tracingEnv(agent, SERVICE), MYSQL_URL: db.url, FIXTURE_DIR: path.join(ROOT, fixture), SCENARIO: scenario, ...extra }, 45000);
/** Wait until every request span named in `requests` has arrived, plus at least `dbSpans` mysql2 spans. */
const collect = (requests: string[], dbSpans: number) => waitForRequests(agent, requests, { component: 'mysql2', count: dbSpans });
const isDb = (s: DecodedSpan) => s.tags.component === 'mysql2';
const onlyChild = (spans: DecodedSpan[], request: string) => onlyChildOf(spans, requestSpan(spans, request));

describeEachVersion('mysql2', ({ name, version }) => {
  const fixture = `fixtures/${name}`;
  it('traces every statement form on a connection, with tags, masked SQL and the caller context', async () => {
    const result = await run(fixture, 'connection');
    expect(result.version).toBe(version);
    expect(result.patched).toEqual([`mysql2@${result.version}`]);
    const requests = ['callback', 'values', 'options-object', 'execute', 'prepared', 'emitter', 'stream', 'error', 'stream-error', 'sync-throw', 'promise', 'promise-prepared', 'promise-error'];
    const spans = await collect(requests, 14);

    const insert = onlyChild(spans, 'callback');
    expect(insert.operationName).toBe('INSERT spanwise_users');
    expect(insert.tags).toMatchObject({
      'span.kind': 'client',
      component: 'mysql2',
      'db.type': 'sql',
      'db.instance': db.database,
      'db.user': db.user,
      'db.statement': 'INSERT INTO spanwise_users (id, email) VALUES (?, ?)',
      'peer.hostname': db.host,
      'peer.port': db.port,
      'peer.address': `${db.host}:${db.port}`,
    });
    expect(insert.tags.error).toBeUndefined();
    expect(result.callbackActiveIsRequest).toBe(true);

    expect(onlyChild(spans, 'values').tags['db.statement']).toBe('SELECT * FROM spanwise_users WHERE email = ?');
    expect(onlyChild(spans, 'options-object').tags['db.statement']).toBe('SELECT id FROM spanwise_users WHERE id = ?');

    const execute = onlyChild(spans, 'execute');
    expect(execute.operationName).toBe('SELECT spanwise_users');
    expect(execute.tags['db.statement']).toBe('SELECT email FROM spanwise_users WHERE id = ?');
    expect(result.executeActiveIsRequest).toBe(true);
    expect(result.executeRows).toEqual([{ email: 'alice@example.com' }]);

    // connection.prepare() + statement.execute(): a span per execution (the PREPARE itself makes none).
    const prepared = onlyChild(spans, 'prepared');
    expect([prepared.operationName, prepared.tags['db.statement']]).toEqual(['SELECT spanwise_users', 'SELECT email FROM spanwise_users WHERE id = ?']);
    expect(result.prepareActiveIsRequest).toBe(true);
    expect(result.preparedActiveIsRequest).toBe(true);
    expect(result.preparedRows).toEqual([{ email: 'alice@example.com' }]);
    expect(onlyChild(spans, 'promise-prepared').tags['db.statement']).toBe('SELECT id FROM spanwise_users WHERE email = ?');
    expect(result.promisePreparedRows).toBe(1);

    for (const request of ['emitter', 'stream']) {
      const span = onlyChild(spans, request);
      expect(span.operationName).toBe('SELECT spanwise_users');
      expect(span.tags.error).toBeUndefined();
    }
    expect(result.emitterRows).toBe(1);
    expect(result.emitterActiveIsRequest).toBe(true);
    expect(result.streamRows).toBe(1);
    expect(result.streamActiveIsRequest).toBe(true);

    // Statements outside a request make no span (the table setup ran before any request).
    expect(spans.filter((s) => /^(DROP|CREATE) TABLE/.test(s.operationName))).toEqual([]);
    // No literal value reaches any span: not in tags, not in error logs.
    expect(JSON.stringify(spans)).not.toContain('alice@example.com');
  });

  it('tags and logs errors with the MySQL code; the app gets the error untouched', async () => {
    const result = await run(fixture, 'connection');
    const spans = await collect(['error', 'stream-error', 'sync-throw', 'promise-error'], 14);

    const duplicate = onlyChild(spans, 'error');
    expect(duplicate.tags.error).toBe(true);
    const fields = requireErrorLog(duplicate);
    expect(fields).toMatchObject({ 'db.error.code': 'ER_DUP_ENTRY', 'db.error.errno': 1062, 'db.error.sql_state': '23000' });
    expect(fields.message).toBe("Duplicate entry '?' for key 'email'");
    // What the app received is mysql2's own error, message and SQL unmasked.
    expect(result.duplicateError).toEqual({
      message: "Duplicate entry 'alice@example.com' for key 'email'",
      code: 'ER_DUP_ENTRY',
      errno: 1062,
      sql: "INSERT INTO spanwise_users (id, email) VALUES (2, 'alice@example.com')",
      isError: true,
    });

    const streamError = onlyChild(spans, 'stream-error');
    expect(streamError.tags.error).toBe(true);
    expect(requireErrorLog(streamError)['db.error.code']).toBe('ER_NO_SUCH_TABLE');
    expect(result.streamError).toBe('ER_NO_SUCH_TABLE');

    const syncThrow = onlyChild(spans, 'sync-throw');
    expect(syncThrow.tags.error).toBe(true);
    expect(requireErrorLog(syncThrow).message).toBe(result.syncThrow);
    expect(result.syncThrow).toMatch(/Bind parameters must not contain undefined/);

    const promiseError = onlyChild(spans, 'promise-error');
    expect(promiseError.tags.error).toBe(true);
    expect(requireErrorLog(promiseError)['db.error.code']).toBe('ER_NO_SUCH_TABLE');
    expect(result.promiseError.code).toBe('ER_NO_SUCH_TABLE');
  });

  it('traces the mysql2/promise wrapper', async () => {
    const result = await run(fixture, 'connection');
    const spans = await collect(['promise'], 14);
    const children = childrenOf(spans, requestSpan(spans, 'promise'));
    expect(children.map((s) => [s.operationName, s.tags['db.statement']])).toEqual([
      ['SELECT spanwise_users', 'SELECT COUNT(*) AS n FROM spanwise_users'],
      ['SELECT spanwise_users', 'SELECT id FROM spanwise_users WHERE id = ?'],
    ]);
    expect(result.promiseCount).toBe(1);
    expect(result.promiseExecuted).toBe(1);
  });

  it('puts every statement of 24 concurrent requests on a pool of 2 under its own request', async () => {
    const requests = 24;
    const perRequest = 6;
    const result = await run(fixture, 'pool', { REQUESTS: String(requests) });
    const names = Array.from({ length: requests }, (_u, i) => `pool-request-${i}`);
    const spans = await collect(names, requests * perRequest);
    const dbSpans = spans.filter(isDb);
    expect(dbSpans).toHaveLength(requests * perRequest);
    for (const name of names) {
      const children = childrenOf(spans, requestSpan(spans, name));
      expect(children.map((s) => s.operationName)).toEqual(['SELECT', 'SELECT', 'SELECT', 'SELECT', 'SELECT', 'SELECT']);
    }
    // Every db span's parent is a request span of its own trace (none orphaned, none under another request).
    const requestIds = new Set(spans.filter((s) => names.includes(s.operationName)).map((s) => `${s.traceId}/${s.spanId}`));
    expect(dbSpans.filter((s) => !requestIds.has(`${s.traceId}/${s.parentSpanId}`))).toEqual([]);
    // The app's own callbacks and continuations ran in their request too.
    expect(result.mismatches).toBe(0);
  });

  it('keeps pool cluster statements in their request', async () => {
    const requests = 12;
    const result = await run(fixture, 'cluster', { REQUESTS: String(requests) });
    const names = Array.from({ length: requests }, (_u, i) => `cluster-request-${i}`);
    const spans = await collect(names, requests * 2);
    for (const name of names) expect(childrenOf(spans, requestSpan(spans, name)).filter(isDb)).toHaveLength(2);
    expect(result.mismatches).toBe(0);
  });

  it('loads mysql2 before patch() (require.cache) and keeps context in the pool', async () => {
    const result = await run(fixture, 'pool', { REQUESTS: '6', LOAD: 'mysql2-first' });
    const names = Array.from({ length: 6 }, (_u, i) => `pool-request-${i}`);
    const spans = await collect(names, 36);
    for (const name of names) expect(childrenOf(spans, requestSpan(spans, name))).toHaveLength(6);
    expect(result.mismatches).toBe(0);
  });

  it('traces an app that only loads mysql2/promise', async () => {
    const result = await run(fixture, 'statements', { LOAD: 'promise-first' });
    expect(result.patched).toEqual([`mysql2@${result.version}`]);
    const spans = await collect(['long', 'short'], 2);
    expect(onlyChild(spans, 'short').tags['db.statement']).toBe('SELECT ? AS a, ? AS b');
  });

  it('truncates db.statement at 2048 characters by default, or at maxStatementLength', async () => {
    await run(fixture, 'statements');
    let spans = await collect(['long', 'short'], 2);
    expect(onlyChild(spans, 'long').tags['db.statement']).toBe('SELECT ? AS a, ? AS b');
    agent.clear();
    await run(fixture, 'statements', { TRACE_OPTIONS: JSON.stringify({ statement: 'raw' }) });
    spans = await collect(['long', 'short'], 2);
    const long = onlyChild(spans, 'long').tags['db.statement'] as string;
    expect(long).toHaveLength(2048);
    expect(long.startsWith("SELECT 'xxx")).toBe(true);
    expect(long.endsWith('...')).toBe(true);
    expect(onlyChild(spans, 'short').tags['db.statement']).toBe("SELECT 'secret' AS a, 7 AS b");
    agent.clear();
    await run(fixture, 'statements', { TRACE_OPTIONS: JSON.stringify({ statement: 'raw', maxStatementLength: 20 }) });
    spans = await collect(['long', 'short'], 2);
    expect(onlyChild(spans, 'short').tags['db.statement']).toBe("SELECT 'secret' A...");
  });

  it('sqlCommenter: true sends a traceparent comment naming the statement span (query only, not execute)', async () => {
    const result = await run(fixture, 'commenter', { TRACE_OPTIONS: JSON.stringify({ sqlCommenter: true }) });
    const spans = await collect(['commented'], 2);
    const [query, execute] = childrenOf(spans, requestSpan(spans, 'commented'));
    expect(result.serverSawQuery).toBe(`SELECT info FROM information_schema.processlist WHERE id = CONNECTION_ID() /*traceparent='00-${query.traceId.padStart(32, '0')}-${query.spanId}-01'*/`); // MariaDB drops the trailing ;
    // The recorded statement is the app's, without the comment.
    expect(query.tags['db.statement']).toBe('SELECT info FROM information_schema.processlist WHERE id = CONNECTION_ID();');
    expect(result.serverSawExecute).toBe('SELECT info FROM information_schema.processlist WHERE id = CONNECTION_ID()');
    expect(execute.tags.error).toBeUndefined();
  });

  it('sqlCommenterOnExecute comments execute statements too', async () => {
    const result = await run(fixture, 'commenter', { TRACE_OPTIONS: JSON.stringify({ sqlCommenter: true, sqlCommenterOnExecute: true }) });
    const spans = await collect(['commented'], 2);
    const [, execute] = childrenOf(spans, requestSpan(spans, 'commented'));
    expect(result.serverSawExecute).toBe(`SELECT info FROM information_schema.processlist WHERE id = CONNECTION_ID() /*traceparent='00-${execute.traceId.padStart(32, '0')}-${execute.spanId}-01'*/`);
  });

  it('a throwing statement option costs the tag, never the query', async () => {
    const result = await run(fixture, 'statements', { TRACE_OPTIONS: JSON.stringify({}), THROWING_STATEMENT_OPTION: '1' });
    expect(result.shortRows).toEqual([{ a: 'secret', b: 7 }]);
    const spans = await collect(['long', 'short'], 2);
    const short = onlyChild(spans, 'short');
    expect(short.operationName).toBe('SELECT');
    expect(short.tags['db.statement']).toBeUndefined();
    expect(short.tags.error).toBeUndefined();
  });

  it('a throwing statement option is logged once, naming the option and the package', async () => {
    const { code, output } = await runScript(
      SCRIPT,
      { ...tracingEnv(agent, SERVICE), MYSQL_URL: db.url, FIXTURE_DIR: path.join(ROOT, fixture), SCENARIO: 'statements', TRACE_OPTIONS: '{}', THROWING_STATEMENT_OPTION: '1' },
      { timeoutMs: 45000 },
    );
    expect(code).toBe(0);
    await collect(['long', 'short'], 2);
    const lines = output.split('\n').filter((line) => line.includes('option statement of @spanwise/trace-mysql2 threw'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('bug in the app-supplied statement function');
    expect(output).not.toContain('tracing fault');
  });

  it('sends no comment by default', async () => {
    const result = await run(fixture, 'commenter');
    expect(result.serverSawQuery).toBe('SELECT info FROM information_schema.processlist WHERE id = CONNECTION_ID()');
  });

  it('poolWaitSpans: a getConnection span per checkout records the wait', async () => {
    await run(fixture, 'poolWait', { TRACE_OPTIONS: JSON.stringify({ poolWaitSpans: true }) });
    const spans = await collect(['wait-0', 'wait-1', 'wait-2'], 6);
    const waits = ['wait-0', 'wait-1', 'wait-2'].map((name) => {
      const children = childrenOf(spans, requestSpan(spans, name));
      expect(children.map((s) => s.operationName).sort()).toEqual(['SELECT', 'getConnection']);
      const wait = children.find((s) => s.operationName === 'getConnection')!;
      expect(wait.tags).toMatchObject({ component: 'mysql2', 'span.kind': 'client', 'db.instance': db.database });
      return wait.tags['db.pool.wait_ms'] as number;
    });
    waits.sort((a, b) => a - b);
    // One connection, three requests: the second waits for one SLEEP(0.1), the third for two.
    expect(waits[1]).toBeGreaterThanOrEqual(80);
    expect(waits[2]).toBeGreaterThanOrEqual(180);
  });

  it('makes no pool wait spans by default', async () => {
    await run(fixture, 'poolWait');
    const spans = await collect(['wait-0', 'wait-1', 'wait-2'], 3);
    expect(spans.filter((s) => s.operationName === 'getConnection')).toEqual([]);
  });

  it('unpatch() restores mysql2; patch() twice traces each statement once', async () => {
    const result = await run(fixture, 'unpatch');
    const spans = await collect(['patched', 'unpatched', 'repatched'], 2);
    expect(result.afterUnpatch).toEqual([]);
    expect(childrenOf(spans, requestSpan(spans, 'patched'))).toHaveLength(1);
    expect(childrenOf(spans, requestSpan(spans, 'unpatched'))).toHaveLength(0);
    expect(childrenOf(spans, requestSpan(spans, 'repatched'))).toHaveLength(1);
  });

  it('masks secrets quoted in real MariaDB error messages (message, error.object, stack) and in executable comments', async () => {
    const result = await run(fixture, 'secretErrors');
    const names = ['syntax', 'duplicate', 'integer', 'variable', 'comment', 'execute', 'promise'].map((n) => `secret-${n}`);
    const spans = await collect(names, names.length);
    // The app got MariaDB's own messages, secret included.
    expect(result.errors.syntax.message).toMatch(/near 'WHERE pw = 'hunter2'' at line 1$/);
    expect(result.errors.duplicate.message).toBe("Duplicate entry ''hunter2' for key 'pw'");
    expect(result.errors.duplicate.sqlMessage).toBe("Duplicate entry ''hunter2' for key 'pw'");
    expect(result.errors.integer.message).toMatch(/^Incorrect integer value: 'hunter2' for column/);
    expect(result.errors.variable.message).toBe("Variable 'sql_mode' can't be set to the value of 'hunter2'");
    expect(result.errors.execute.message).toContain('hunter2');
    expect(result.errors.promise.message).toContain('hunter2');
    expect(result.errors.comment.rows).toEqual([{ x: 'hunter2', y: 1 }]);

    const messageOf = (request: string) => requireErrorLog(onlyChild(spans, request)).message;
    expect(messageOf('secret-syntax')).toMatch(/near 'WHERE pw = \?' at line 1$/);
    expect(messageOf('secret-duplicate')).toBe("Duplicate entry '?' for key 'pw'");
    expect(messageOf('secret-integer')).toMatch(/^Incorrect integer value: '\?' for column `spanwise_test`.`spanwise_secrets`.`n` at row 1$/);
    expect(messageOf('secret-variable')).toBe("Variable 'sql_mode' can't be set to the value of '?'");
    for (const request of ['secret-syntax', 'secret-duplicate', 'secret-promise', 'secret-execute']) {
      const fields = requireErrorLog(onlyChild(spans, request));
      expect(fields['error.object']).toBe(`Error: ${fields.message}`);
      expect(String(fields.stack).startsWith(`Error: ${fields.message}\n    at `)).toBe(true);
    }
    expect(onlyChild(spans, 'secret-comment').tags['db.statement']).toBe('SELECT /*!50000 ? */ AS x, /*+ MAX_EXECUTION_TIME(?) */ ? AS y');
    // Nowhere in any span: tags, logs, stacks.
    expect(JSON.stringify(spans)).not.toContain('hunter2');
  });

  it("pool.query/execute (callback, emitter, promise) that get no connection make one error span, and the app's callback behaves as before", async () => {
    const deadPort = await freePort();
    const result = await run(fixture, 'poolFailures', { DEAD_MYSQL_URL: `mysql://${db.user}:x@127.0.0.1:${deadPort}/${db.database}` });
    const failing = ['query', 'execute', 'promise-query', 'promise-execute', 'emitter'].flatMap((form) => [`refused-${form}`, `denied-${form}`]).concat(['closed-query', 'closed-execute', 'closed-promise', 'cluster-dead-query', 'cluster-missing-execute']);
    const spans = await collect([...failing, 'live-query', 'live-execute'], failing.length + 2);
    for (const request of failing) {
      const failure = result.failures[request];
      expect([request, failure.isError]).toEqual([request, true]);
      if (request.startsWith('refused')) expect(failure.code).toBe('ECONNREFUSED');
      if (request.startsWith('denied')) expect(failure.code).toBe('ER_ACCESS_DENIED_ERROR');
      if (request.startsWith('closed')) expect(failure.message).toBe('Pool is closed.');
      if ('inRequest' in failure) expect([request, failure.inRequest]).toEqual([request, true]);
      const span = onlyChild(spans, request);
      expect(span.tags).toMatchObject({ error: true, component: 'mysql2', 'span.kind': 'client' });
      // A cluster that found no node cannot say which server it meant.
      if (!request.startsWith('cluster')) expect(span.tags['db.instance']).toBe(db.database);
      else expect(span.tags['peer.address']).toBeUndefined();
      const fields = requireErrorLog(span);
      expect([request, fields.message]).toEqual([request, failure.message]);
    }
    expect(onlyChild(spans, 'refused-query').tags['db.statement']).toBe('SELECT * FROM t WHERE pw = ?');
    expect(onlyChild(spans, 'refused-query').operationName).toBe('SELECT t');
    expect(onlyChild(spans, 'refused-query').tags['peer.port']).toBe(deadPort);
    expect(onlyChild(spans, 'denied-execute').tags['db.statement']).toBe('SELECT ? AS a');
    expect(requireErrorLog(onlyChild(spans, 'denied-query'))['db.error.code']).toBe('ER_ACCESS_DENIED_ERROR');
    // Latest mysql2 passes on the node's error; 3.11 retries, drops the node, then finds none.
    expect(result.failures['cluster-dead-query'].message).toMatch(/ECONNREFUSED|Pool does Not exist/);
    expect(result.failures['cluster-missing-execute'].message).toMatch(/^Pool does Not exists?\.$/);
    for (const request of ['live-query', 'live-execute']) expect(onlyChild(spans, request).tags.error).toBeUndefined();
    expect(JSON.stringify(spans)).not.toContain('hunter2');
  });

  it('unsampled traces: no spans reported, context still kept, sqlcommenter flags 00', async () => {
    const unsampled = { JAEGER_SAMPLER_TYPE: 'const', JAEGER_SAMPLER_PARAM: '0' };
    const pool = await run(fixture, 'pool', { REQUESTS: '4', ...unsampled });
    expect(pool.mismatches).toBe(0);
    const commenter = await run(fixture, 'commenter', { ...unsampled, TRACE_OPTIONS: JSON.stringify({ sqlCommenter: true }) });
    expect(commenter.serverSawQuery).toMatch(/ \/\*traceparent='00-[0-9a-f]{32}-[0-9a-f]{16}-00'\*\/$/);
    // A sampled run under another service name, sent after: once it arrived, anything the unsampled runs sent has too.
    const marker = 'mysql2-marker';
    const spans = await spansUntilMarker(agent, () => run(fixture, 'statements', { JAEGER_SERVICE_NAME: marker }), (s) => s.serviceName === marker && s.operationName === 'short');
    expect(spans.filter((s) => s.serviceName !== marker)).toEqual([]);
  });
});
