'use strict';
/**
 * Runs every Elasticsearch scenario of the integration suite in one process, against one client major:
 * each step runs under its own parent span `step:<name>`; what the app observed is printed as `RESULT <json>`
 * (test-support/scenario-app.js), after a last root span `scenario:end` that tells the test everything was sent.
 * Env: FIXTURE (es7|es8|es9), ES_URL (cluster or stand-in), STANDIN_URL (failure endpoints), CLOSED_PORT.
 */
const path = require('path');
const core = require('@spanwise/trace-core');
const elasticsearch = require('@spanwise/trace-elasticsearch');
const { request, reportScenario } = require('../../../../test-support/scenario-app');

elasticsearch.patch();

const fixtureDir = path.resolve(__dirname, '../../../../fixtures', process.env.FIXTURE);
const es = require(require.resolve('@elastic/elasticsearch', { paths: [fixtureDir] }));
const major = parseInt(process.env.FIXTURE.replace('es', ''), 10); // es8 or es8-lowest
const legacy = major === 7;

const report = { major, steps: {}, outsideSteps: {} };
let current = report.outsideSteps;

/** The transport's HTTP request must run with tracing suppressed: no second client span below the ES span. */
const BaseConnection = legacy ? es.Connection : es.UndiciConnection;
class CheckingConnection extends BaseConnection {
  request(...args) {
    (current.suppressed ??= []).push(core.isTracingSuppressed());
    return super.request(...args);
  }
}

const lastResponse = {};
function newClient(node, options = {}) {
  const created = new es.Client({ node, maxRetries: 0, Connection: CheckingConnection, ...options });
  const remember = (err, result) => Object.assign(lastResponse, { err, result });
  if (legacy) created.on('response', remember);
  else created.diagnostic.on('response', remember);
  return created;
}

const client = newClient(process.env.ES_URL);
const standIn = newClient(process.env.STANDIN_URL);

/** Request arguments for the major: 7 takes `body`, 8/9 take the body's fields (or named bodies). */
const withBody = (params, body) => (legacy ? { ...params, body } : { ...params, ...body });
const query = { query: { match: { title: 'dune' } } };

async function step(name, fn) {
  const out = (report.steps[name] = {});
  current = out;
  try {
    await request(`step:${name}`, (parent) => fn(out, parent));
  } catch (error) {
    out.uncaught = `${error && error.name}: ${error && error.message}`;
  } finally {
    current = report.outsideSteps;
  }
}

function describeError(error) {
  return { name: error.name, kind: error.constructor.name, statusCode: error.meta ? error.meta.statusCode : undefined, sameAsTransport: error === lastResponse.err };
}

async function expectError(out, call) {
  try {
    await call();
    out.error = null;
  } catch (error) {
    out.error = describeError(error);
  }
}

async function main() {
  await step('index', async (out) => {
    const result = await client.index(legacy ? { index: 'books', id: '1', body: { title: 'secret dune' }, refresh: true } : { index: 'books', id: '1', document: { title: 'secret dune' }, refresh: true });
    out.result = legacy ? result.body.result : result.result;
  });
  await step('search', async (out) => {
    const result = await client.search(withBody({ index: 'books', routing: 'r1' }, query), legacy ? undefined : { meta: true });
    out.sameResult = result === lastResponse.result;
    out.hits = result.body.hits.hits.length;
  });
  await step('get', async (out) => {
    const result = await client.get({ index: 'books', id: '1' });
    out.found = legacy ? result.body.found : result.found;
  });
  await step('count', async () => {
    await client.count(withBody({ index: 'books' }, query));
  });
  await step('info', async () => {
    await client.info();
  });
  await step('bulk', async (out) => {
    const operations = [{ index: { _index: 'books', _id: '2' } }, { title: 'secret bulk document' }];
    const result = await client.bulk(legacy ? { body: operations, refresh: true } : { operations, refresh: true });
    out.items = (legacy ? result.body : result).items.length;
  });
  await step('msearch', async () => {
    const searches = [{ index: 'books' }, { query: { match_all: {} } }];
    await client.msearch(legacy ? { body: searches } : { searches });
  });
  await step('bulk-helper', async (out) => {
    const stats = await client.helpers.bulk({ datasource: [{ title: 'secret a' }, { title: 'secret b' }], onDocument: () => ({ index: { _index: 'books' } }) });
    out.successful = stats.successful;
  });
  await step('scroll-helper', async (out) => {
    out.pages = 0;
    for await (const page of client.helpers.scrollSearch(withBody({ index: 'books', scroll: '1m', size: 1 }, { query: { match_all: {} } }))) {
      out.pages++;
      if (out.pages > 3) break;
      void page;
    }
  });
  await step('custom', async (out) => {
    const params = { method: 'GET', path: '/_custom/thing', querystring: { token: 'abc', pretty: true } };
    if (legacy) {
      await new Promise((resolve) => client.transport.request(params, (err) => resolve(err)));
      return;
    }
    await client.transport.request(params).catch((err) => (out.error = err.name));
  });
  await step('truncate', async () => {
    await client.search(withBody({ index: 'books' }, { query: { match: { title: 'x'.repeat(10000) } } })).catch(() => undefined);
  });
  await step('opt-in', async () => {
    elasticsearch.patch({ recordDocumentBodies: true, maxStatementLength: 30 });
    try {
      await client.index(legacy ? { index: 'books', id: '3', body: { title: 'recorded document body' } } : { index: 'books', id: '3', document: { title: 'recorded document body' } });
    } finally {
      elasticsearch.patch();
    }
  });
  await step('error-404', async (out) => {
    await expectError(out, () => client.search(withBody({ index: 'missing-index' }, query)));
  });
  await step('error-400', async (out) => {
    await expectError(out, () => client.search(withBody({ index: 'books' }, { query: { bogus: {} } })));
  });
  await step('error-500', async (out) => {
    await expectError(out, () => standIn.search(withBody({ index: 'boom' }, query)));
  });
  await step('connection-refused', async (out) => {
    const refused = newClient(`http://127.0.0.1:${process.env.CLOSED_PORT}`);
    await expectError(out, () => refused.search(withBody({ index: 'books' }, query)));
    await refused.close();
  });
  await step('no-living-connections', async (out) => {
    // Every node filtered out: the pool has none to give, the request fails before any socket is opened.
    const none = newClient(process.env.ES_URL, { nodeFilter: () => false });
    await expectError(out, () => none.search(withBody({ index: 'books' }, query)));
    await none.close();
  });
  await step('timeout', async (out) => {
    const slow = newClient(process.env.STANDIN_URL, { requestTimeout: 300 });
    await expectError(out, () => slow.search(withBody({ index: 'slow' }, query)));
    await slow.close();
  });
  await step('unhandled', async (out) => {
    const seen = new Promise((resolve) => process.once('unhandledRejection', (reason) => resolve(reason)));
    client.search(withBody({ index: 'missing-index' }, query)); // not awaited, not handled: must stay unhandled
    const reason = await Promise.race([seen, new Promise((resolve) => setTimeout(() => resolve(null), 2000))]);
    out.unhandled = reason ? reason.name : null;
  });
  if (legacy) {
    await step('callback', async (out, parent) => {
      await new Promise((resolve) =>
        client.search(withBody({ index: 'books' }, query), (err, result) => {
          out.error = err ? err.name : null;
          out.sameResult = result === lastResponse.result;
          out.callbackInCallerContext = core.getActiveSpan() === parent;
          resolve();
        }),
      );
    });
    await step('abortable', async (out) => {
      const request = client.search(withBody({ index: 'books' }, query));
      out.hasAbort = typeof request.abort === 'function';
      const result = await request;
      out.sameResult = result === lastResponse.result;
    });
  }
  await step('concurrent', async () => {
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => {
        const parent = core.getTracer().startSpan(`concurrent:${i}`);
        return core
          .withSpan(parent, () => client.search(withBody({ index: `conc-${i}` }, query)).catch(() => undefined))
          .finally(() => parent.finish());
      }),
    );
  });
  await client.search(withBody({ index: 'books' }, query)); // no active span: no span at all
  await step('unpatched', async () => {
    elasticsearch.unpatch();
    await client.search(withBody({ index: 'books' }, query));
    await client.helpers.bulk({ datasource: [{ title: 'a' }], onDocument: () => ({ index: { _index: 'books' } }) });
  });
  await step('repatched', async () => {
    elasticsearch.patch();
    await client.search(withBody({ index: 'books' }, query));
  });
  await client.close();
  await standIn.close();
}

reportScenario(report, async () => {
  await main();
  await request('scenario:end', async () => undefined);
});
