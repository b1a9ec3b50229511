/**
 * @elastic/elasticsearch 7, 8 and 9 side by side: each fixture of the version matrix (the lowest claimed and the latest
 * of each major, test-support/each-version.ts) runs test/support/scenario.js in its own node
 * process (so require-in-the-middle sees the real package), reporting over UDP to an in-test agent.
 * Against the local stand-in server by default; set ES_URL=http://user:pass@host:9200 to run the API
 * steps against a real cluster (the 5xx and stalled-request steps always use the stand-in).
 */
import * as path from 'path';
import { childrenOf, errorLog, requestSpan, runScenario, runScript, tracingEnv, useAgent, type DecodedSpan } from '../../../test-support';
import { freePort } from '../../../test-support/servers';

import { describeEachVersion } from '../../../test-support/each-version';
import { startStandIn, type StandIn } from '../../../test-support/elasticsearch-stand-in';

const SCENARIO = path.join(__dirname, 'support', 'scenario.js');
const REAL_CLUSTER = process.env.ES_URL;
const ZERO = '0000000000000000';

interface StepReport {
  suppressed?: boolean[];
  error?: { name: string; kind: string; statusCode?: number | null; sameAsTransport: boolean } | null;
  [key: string]: unknown;
}
interface Report {
  major: number;
  steps: Record<string, StepReport>;
  outsideSteps: StepReport;
}

const agent = useAgent();
let standIn: StandIn;
let closedPort: number;

beforeAll(async () => {
  standIn = await startStandIn();
  closedPort = await freePort();
});

afterAll(async () => {
  await standIn?.close();
});

describeEachVersion(['@elastic/elasticsearch', '@elastic/transport'], ({ name: fixture, major }) => {
  const service = `es-scenario-${fixture}`;
  let report: Report;
  let spans: DecodedSpan[];
  let firstRequest: number;
  const esUrl = () => new URL(REAL_CLUSTER ?? standIn.url);

  beforeAll(async () => {
    firstRequest = standIn.requests.length;
    const env = tracingEnv(agent, service, {
      FIXTURE: fixture,
      ES_URL: REAL_CLUSTER ?? standIn.url,
      STANDIN_URL: standIn.url,
      CLOSED_PORT: String(closedPort),
    });
    report = await runScenario<Report>(SCENARIO, env, 60000);
    // The scenario's last span: everything it sent before has arrived with it.
    await agent.waitForSpans((all) => all.some((s) => s.serviceName === service && s.operationName === 'scenario:end'), 10000);
    spans = agent.spans.filter((s) => s.serviceName === service);
  }, 90000);

  const stepSpan = (name: string) => requestSpan(spans, `step:${name}`);
  const esSpansOf = (name: string) => childrenOf(spans, stepSpan(name));
  const onlyEsSpanOf = (name: string) => {
    const children = esSpansOf(name);
    expect(children.map((s) => s.operationName)).toHaveLength(1);
    return children[0];
  };

  test('a search makes one client span named from the API, with the request and the node that answered', () => {
    const span = onlyEsSpanOf('search');
    expect(span.operationName).toBe('elasticsearch.search');
    expect(span.tags).toMatchObject({
      'span.kind': 'client',
      component: '@elastic/elasticsearch',
      'db.type': 'elasticsearch',
      'es.method': 'POST',
      'es.url': '/books/_search',
      'elasticsearch.params': 'routing=r1',
      'db.instance': 'books',
      'db.statement': JSON.stringify({ query: { match: { title: 'dune' } } }),
      'http.status_code': 200,
      'peer.hostname': esUrl().hostname,
      'peer.port': Number(esUrl().port || (esUrl().protocol === 'https:' ? 443 : 80)),
    });
    expect(span.tags.error).toBeUndefined();
    expect(report.steps.search.sameResult).toBe(true);
  });

  test('document APIs are named without ids and never record the document', () => {
    const index = onlyEsSpanOf('index');
    expect(index.operationName).toBe('elasticsearch.index');
    expect(index.tags).toMatchObject({ 'es.method': 'PUT', 'es.url': '/books/_doc/1', 'db.instance': 'books', 'elasticsearch.params': 'refresh=true' });
    expect(index.tags['db.statement']).toBeUndefined();
    const get = onlyEsSpanOf('get');
    expect(get.operationName).toBe('elasticsearch.get');
    expect(get.tags).toMatchObject({ 'es.method': 'GET', 'es.url': '/books/_doc/1', 'http.status_code': 200 });
    const bulk = onlyEsSpanOf('bulk');
    expect(bulk.operationName).toBe('elasticsearch.bulk');
    expect(bulk.tags['db.statement']).toBeUndefined();
    expect(report.steps.bulk.items).toBe(1);
  });

  test('query APIs record their body as sent: JSON, or ndjson for msearch', () => {
    expect(onlyEsSpanOf('count').tags).toMatchObject({ 'db.statement': JSON.stringify({ query: { match: { title: 'dune' } } }) });
    const msearch = onlyEsSpanOf('msearch');
    expect(msearch.operationName).toBe('elasticsearch.msearch');
    expect(msearch.tags['db.statement']).toBe('{"index":"books"}\n{"query":{"match_all":{}}}\n');
    expect(onlyEsSpanOf('info').operationName).toBe('elasticsearch.info');
  });

  test('long statements are cut at maxStatementLength (default 4096) and marked', () => {
    const statement = String(onlyEsSpanOf('truncate').tags['db.statement']);
    expect(statement).toHaveLength(4096 + 3);
    expect(statement.startsWith('{"query":{"match":{"title":"xxx')).toBe(true);
    expect(statement.endsWith('...')).toBe(true);
  });

  test('recordDocumentBodies: true records document bodies, cut at the configured length', () => {
    const span = onlyEsSpanOf('opt-in');
    expect(span.operationName).toBe('elasticsearch.index');
    expect(span.tags['db.statement']).toBe(JSON.stringify({ title: 'recorded document body' }).slice(0, 30) + '...');
  });

  test('the bulk helper and the scroll helper produce spans through the transport', () => {
    const bulk = esSpansOf('bulk-helper');
    expect(bulk.length).toBeGreaterThanOrEqual(1);
    for (const span of bulk) {
      expect(span.operationName).toBe('elasticsearch.bulk');
      expect(span.tags['db.statement']).toBeUndefined();
    }
    expect(report.steps['bulk-helper'].successful).toBe(2);
    const scroll = esSpansOf('scroll-helper').map((s) => s.operationName);
    expect(scroll[0]).toBe('elasticsearch.search');
    expect(scroll).toContain('elasticsearch.clear_scroll');
    if (!REAL_CLUSTER) expect(scroll).toEqual(['elasticsearch.search', 'elasticsearch.scroll', 'elasticsearch.clear_scroll']);
  });

  test('a raw transport.request is named from its path, with secret query parameters redacted', () => {
    const span = onlyEsSpanOf('custom');
    expect(span.operationName).toBe('elasticsearch.custom');
    expect(span.tags).toMatchObject({ 'es.method': 'GET', 'es.url': '/_custom/thing', 'elasticsearch.params': 'token=REDACTED&pretty=true' });
    expect(span.tags['db.instance']).toBeUndefined();
  });

  test.each([
    ['error-404', 404],
    ['error-400', 400],
    ['error-500', 500],
  ])('%s: error=true, an error log with the kind and status; the app gets the transport’s own error', (step, status) => {
    const span = onlyEsSpanOf(step);
    expect(span.operationName).toBe('elasticsearch.search');
    expect(span.tags).toMatchObject({ error: true, 'http.status_code': status });
    expect(errorLog(span)).toMatchObject({ event: 'error', 'error.kind': 'ResponseError', 'http.status_code': status });
    expect(String(errorLog(span)?.message)).not.toBe('');
    expect(report.steps[step].error).toEqual({ name: 'ResponseError', kind: 'ResponseError', statusCode: status, sameAsTransport: true });
  });

  test('connection refused: ConnectionError, with the node that was tried', () => {
    const span = onlyEsSpanOf('connection-refused');
    expect(span.tags).toMatchObject({ error: true, 'peer.hostname': '127.0.0.1', 'peer.port': closedPort });
    expect(span.tags['http.status_code']).toBeUndefined();
    expect(errorLog(span)).toMatchObject({ 'error.kind': 'ConnectionError' });
    expect(report.steps['connection-refused'].error).toMatchObject({ kind: 'ConnectionError', sameAsTransport: true });
  });

  test('no living connections (fails before the wire): one error span, the app gets the same error', () => {
    const span = onlyEsSpanOf('no-living-connections');
    expect(span.operationName).toBe('elasticsearch.search');
    expect(span.tags.error).toBe(true);
    expect(errorLog(span)).toMatchObject({ 'error.kind': 'NoLivingConnectionsError' });
    expect(report.steps['no-living-connections'].error).toMatchObject({ kind: 'NoLivingConnectionsError' });
    // 8/9 also publish it on their diagnostics; 7 emits no 'response' event for it, so there is nothing to compare.
    if (major > 7) expect(report.steps['no-living-connections'].error?.sameAsTransport).toBe(true);
  });

  test('request timeout against a stalled node: TimeoutError, span as long as the wait', () => {
    const span = onlyEsSpanOf('timeout');
    expect(span.tags).toMatchObject({ error: true, 'peer.port': standIn.port });
    expect(errorLog(span)).toMatchObject({ 'error.kind': 'TimeoutError' });
    expect(span.duration).toBeGreaterThanOrEqual(290_000);
    expect(report.steps.timeout.error).toMatchObject({ kind: 'TimeoutError', sameAsTransport: true });
  });

  test('a rejection the app does not handle stays unhandled', () => {
    expect(report.steps.unhandled.unhandled).toBe('ResponseError');
    expect(onlyEsSpanOf('unhandled').tags.error).toBe(true);
  });

  test('30 concurrent requests each keep their own span under their own parent', () => {
    for (let i = 0; i < 30; i++) {
      const parents = spans.filter((s) => s.operationName === `concurrent:${i}`);
      expect(parents).toHaveLength(1);
      const children = childrenOf(spans, parents[0]);
      expect(children.map((s) => s.tags['db.instance'])).toEqual([`conc-${i}`]);
    }
  });

  test('the transport’s own HTTP request runs with tracing suppressed (no second client span); calls without a parent make no span', () => {
    for (const [name, step] of Object.entries(report.steps)) {
      if (name === 'unpatched' || name === 'no-living-connections') continue; // the latter opens no connection at all
      expect({ name, suppressed: step.suppressed?.every(Boolean) }).toEqual({ name, suppressed: true });
    }
    expect(report.outsideSteps.suppressed).toEqual([false]);
    expect(spans.filter((s) => s.operationName.startsWith('elasticsearch.') && s.parentSpanId === ZERO)).toEqual([]);
  });

  test('unpatch() stops tracing (helpers included) and patch() brings it back', () => {
    expect(esSpansOf('unpatched')).toEqual([]);
    expect(report.steps.unpatched.suppressed).toEqual([false, false]);
    expect(onlyEsSpanOf('repatched').operationName).toBe('elasticsearch.search');
  });

  if (major === 7) {
    test('7.x: the automatic product check (GET /) is hidden inside the first call’s span', () => {
      const first = onlyEsSpanOf('index');
      expect(first.operationName).toBe('elasticsearch.index');
      expect(report.steps.index.suppressed).toEqual([true, true]); // the product check and the index request
      const infoSpans = spans.filter((s) => s.tags['es.url'] === '/');
      expect(infoSpans.map((s) => s.parentSpanId)).toEqual([stepSpan('info').spanId]);
      if (!REAL_CLUSTER) {
        const seen = standIn.requests.slice(firstRequest, firstRequest + 2).map((r) => `${r.method} ${r.path}`);
        expect(seen).toEqual(['GET /', 'PUT /books/_doc/1']);
      }
    });

    test('7.x callback form: same result, callback runs in the caller’s context', () => {
      expect(onlyEsSpanOf('callback').operationName).toBe('elasticsearch.search');
      expect(report.steps.callback).toMatchObject({ error: null, sameResult: true, callbackInCallerContext: true });
    });

    test('7.x promise form keeps the returned object with abort()', () => {
      expect(onlyEsSpanOf('abortable').operationName).toBe('elasticsearch.search');
      expect(report.steps.abortable).toMatchObject({ hasAbort: true, sameResult: true });
    });
  }
});

test('clients 7, 8 and 9 loaded side by side before patch() are all traced', async () => {
  const service = 'es-late-patch';
  const run = await runScript(path.join(__dirname, 'support', 'late-patch.js'), tracingEnv(agent, service, { ES_URL: REAL_CLUSTER ?? standIn.url }), { timeoutMs: 30000 });
  expect(run.output).toContain('DONE');
  await agent.waitForSpans((all) => all.filter((s) => s.serviceName === service).length >= 6, 10000);
  const spans = agent.spans.filter((s) => s.serviceName === service);
  for (const fixture of ['es7', 'es8', 'es9']) {
    const parent = spans.find((s) => s.operationName === `late:${fixture}`)!;
    const children = spans.filter((s) => s.parentSpanId === parent.spanId);
    expect(children.map((s) => [s.operationName, s.tags['db.instance']])).toEqual([['elasticsearch.search', 'books']]);
  }
});
