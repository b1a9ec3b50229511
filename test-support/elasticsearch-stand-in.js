'use strict';
/**
 * A small local stand-in for an Elasticsearch node: real HTTP, answering the REST endpoints the tests and the
 * search-service test-app call, with the headers and bodies the official clients 7, 8 and 9 check
 * (`x-elastic-product: Elasticsearch`, the info body the 7.x product check reads, ES error bodies).
 *
 * Special indices: `missing-index` → 404 index_not_found_exception, `boom` → 500, `slow` → never answers
 * (for request timeouts); a search body containing `"bogus"` → 400 parsing_exception.
 *
 * startStandIn({ port? }) → Promise<{ url, port, requests, close() }>; `requests` lists {method, path, query, body}.
 */
const http = require('http');

const JSON_TYPE = 'application/json; charset=UTF-8';
const VERSION = { number: '8.15.0', build_flavor: 'default', build_type: 'docker', lucene_version: '9.11.1' };

function startStandIn(options = {}) {
  const requests = [];
  const stalled = new Set();
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const url = new URL(req.url, 'http://stand-in');
      const record = { method: req.method, path: url.pathname, query: url.search.slice(1), body, headers: req.headers };
      requests.push(record);
      const answer = route(record);
      if (answer === STALL) {
        stalled.add(res);
        res.on('close', () => stalled.delete(res));
        return;
      }
      const payload = answer.body === undefined || req.method === 'HEAD' ? '' : JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        'content-type': JSON_TYPE,
        'content-length': Buffer.byteLength(payload),
        'x-elastic-product': 'Elasticsearch',
      });
      res.end(payload);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        requests,
        close: () =>
          new Promise((done) => {
            for (const res of stalled) res.destroy();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

const STALL = Symbol('stall');

function route({ method, path, query, body }) {
  const segments = path.split('/').filter(Boolean);
  const index = segments[0] && !segments[0].startsWith('_') ? decodeURIComponent(segments[0]) : undefined;
  if (index === 'slow') return STALL;
  if (index === 'boom') return error(500, 'null_pointer_exception', 'boom: the stand-in failed on purpose');
  if (index === 'missing-index') return error(404, 'index_not_found_exception', `no such index [${index}]`, index);
  const endpoint = segments.find((s) => s.startsWith('_'));
  if (segments.length === 0) return method === 'HEAD' ? ok() : ok(info());
  switch (endpoint) {
    case '_doc':
    case '_create':
      if (method === 'GET' || method === 'HEAD') return getDoc(index, segments[2]);
      return { status: 201, body: { _index: index, _id: segments[2] ?? 'generated-id', _version: 1, result: 'created', _shards: shards(), _seq_no: 0, _primary_term: 1 } };
    case '_update':
      return ok({ _index: index, _id: segments[2], _version: 2, result: 'updated', _shards: shards() });
    case '_search':
      if (segments[0] === '_search' && segments[1] === 'scroll') return scroll(method);
      if (body.includes('"bogus"')) return error(400, 'parsing_exception', 'unknown query [bogus]');
      return ok(searchResult(index, /(^|&)scroll=/.test(query)));
    case '_count':
      return ok({ count: 1, _shards: shards() });
    case '_bulk':
      return ok(bulkResult(body, index));
    case '_msearch':
      return ok({ took: 1, responses: ndjsonLines(body).filter((_, i) => i % 2 === 1).map(() => ({ ...searchResult(index, false), status: 200 })) });
    default:
      return ok({ acknowledged: true });
  }
}

function ok(body = {}) {
  return { status: 200, body };
}

function error(status, type, reason, index) {
  const cause = { type, reason, ...(index ? { 'resource.type': 'index_or_alias', 'resource.id': index, index_uuid: '_na_', index } : {}) };
  return { status, body: { error: { root_cause: [cause], ...cause }, status } };
}

function info() {
  return { name: 'stand-in', cluster_name: 'spanwise-tests', cluster_uuid: 'stand-in-uuid', version: VERSION, tagline: 'You Know, for Search' };
}

function shards() {
  return { total: 1, successful: 1, failed: 0 };
}

function getDoc(index, id) {
  if (id === 'missing') return { status: 404, body: { _index: index, _id: id, found: false } };
  return ok({ _index: index, _id: id, _version: 1, _seq_no: 0, _primary_term: 1, found: true, _source: { title: 'Dune' } });
}

function searchResult(index, withScroll) {
  const hit = { _index: index ?? 'books', _id: '1', _score: 1, _source: { title: 'Dune' } };
  return {
    ...(withScroll ? { _scroll_id: 'stand-in-scroll-id' } : {}),
    took: 1,
    timed_out: false,
    _shards: { ...shards(), skipped: 0 },
    hits: { total: { value: 1, relation: 'eq' }, max_score: 1, hits: [hit] },
  };
}

function scroll(method) {
  if (method === 'DELETE') return ok({ succeeded: true, num_freed: 1 });
  return ok({ _scroll_id: 'stand-in-scroll-id', took: 1, timed_out: false, _shards: shards(), hits: { total: { value: 1, relation: 'eq' }, max_score: 1, hits: [] } });
}

function ndjsonLines(body) {
  return body.split('\n').filter((line) => line.trim() !== '');
}

function bulkResult(body, defaultIndex) {
  const items = [];
  const lines = ndjsonLines(body);
  for (let i = 0; i < lines.length; i++) {
    let action;
    try {
      action = JSON.parse(lines[i]);
    } catch {
      continue;
    }
    const type = Object.keys(action)[0];
    const target = action[type] ?? {};
    items.push({ [type]: { _index: target._index ?? defaultIndex, _id: target._id ?? `generated-${i}`, _version: 1, result: type === 'delete' ? 'deleted' : 'created', status: type === 'delete' ? 200 : 201, _shards: shards() } });
    if (type !== 'delete') i++;
  }
  return { took: 1, errors: false, items };
}

module.exports = { startStandIn };

if (require.main === module) {
  startStandIn({ port: Number(process.env.PORT ?? 9200) }).then((standIn) => console.log(`LISTENING ${standIn.port}`));
}
