/** Pure span logic: API naming, index, query string, the body policy and truncation. */
import { Readable } from 'stream';
import { apiName, apiNameFromPath, indexFromPath, peerTags, queryString, resolveOptions, serializeBody, statement } from '../src/utils';

describe('apiNameFromPath (7.x, and raw transport requests)', () => {
  test.each([
    ['GET', '/', 'info'],
    ['HEAD', '/', 'ping'],
    ['PUT', '/idx', 'indices.create'],
    ['DELETE', '/idx', 'indices.delete'],
    ['HEAD', '/idx', 'indices.exists'],
    ['GET', '/idx', 'indices.get'],
    ['GET', '/idx/_doc/123', 'get'],
    ['HEAD', '/idx/_doc/123', 'exists'],
    ['DELETE', '/idx/_doc/123', 'delete'],
    ['PUT', '/idx/_doc/123', 'index'],
    ['POST', '/idx/_doc', 'index'],
    ['GET', '/idx/_source/1', 'get_source'],
    ['PUT', '/idx/_create/1', 'create'],
    ['POST', '/idx/_update/1', 'update'],
    ['POST', '/idx/_search', 'search'],
    ['GET', '/_search', 'search'],
    ['POST', '/idx/_search/template', 'search_template'],
    ['POST', '/_search/scroll', 'scroll'],
    ['DELETE', '/_search/scroll', 'clear_scroll'],
    ['POST', '/_bulk', 'bulk'],
    ['POST', '/idx/_bulk', 'bulk'],
    ['POST', '/_msearch', 'msearch'],
    ['POST', '/_msearch/template', 'msearch_template'],
    ['POST', '/idx/_count', 'count'],
    ['POST', '/idx/_delete_by_query', 'delete_by_query'],
    ['POST', '/idx/_update_by_query', 'update_by_query'],
    ['POST', '/_sql', 'sql.query'],
    ['POST', '/_sql/close', 'sql.clear_cursor'],
    ['POST', '/_sql/translate', 'sql.translate'],
    ['POST', '/idx/_pit', 'open_point_in_time'],
    ['DELETE', '/_pit', 'close_point_in_time'],
    ['GET', '/idx/_mapping', 'indices.get_mapping'],
    ['PUT', '/idx/_mapping', 'indices.put_mapping'],
    ['POST', '/idx/_refresh', 'indices.refresh'],
    ['GET', '/idx/_validate/query', 'indices.validate_query'],
    ['GET', '/_cat/indices/idx', 'cat.indices'],
    ['GET', '/_cat', 'cat'],
    ['GET', '/_cluster/health', 'cluster.health'],
    ['GET', '/_ilm/policy/my-policy', 'ilm'],
    ['GET', '/idx/type/1', 'GET'],
    ['POST', '/a/b/c', 'POST'],
    ['GET', '/idx/_doc/_underscored_id', 'get'],
    ['GET', '/idx/_search?q=x', 'search'],
  ])('%s %s → %s', (method, path, expected) => {
    expect(apiNameFromPath(method, path)).toBe(expected);
  });

  test('ids, index names and query strings never reach the name (low cardinality)', () => {
    const names = new Set<string>();
    for (let i = 0; i < 100; i++) {
      names.add(apiNameFromPath('GET', `/index-${i}/_doc/${i * 7919}`));
      names.add(apiNameFromPath('POST', `/logs-2024.01.${i}/_search?from=${i}`));
    }
    expect([...names].sort()).toEqual(['get', 'search']);
  });

  test('8/9 clients name the API in params.meta.name; without it the path decides', () => {
    expect(apiName({ method: 'POST', path: '/idx/_search', meta: { name: 'search' } })).toBe('search');
    expect(apiName({ method: 'PUT', path: '/idx', meta: { name: 'indices.create' } })).toBe('indices.create');
    expect(apiName({ method: 'GET', path: '/idx/_doc/1' })).toBe('get');
    expect(apiName({ method: 'post', path: '/_bulk', meta: {} })).toBe('bulk');
    expect(apiName({})).toBe('info');
  });
});

describe('indexFromPath', () => {
  test.each([
    ['/books/_search', 'books'],
    ['/books', 'books'],
    ['/books/_doc/1', 'books'],
    [`/${encodeURIComponent('a,b')}/_search`, 'a,b'],
    ['/_search', undefined],
    ['/_cat/indices/books', undefined],
    ['/', undefined],
    ['', undefined],
    [undefined, undefined],
    ['/%E0%A4%A/_search', '%E0%A4%A'],
  ])('%s → %s', (path, expected) => {
    expect(indexFromPath(path)).toBe(expected);
  });
});

describe('queryString (elasticsearch.params)', () => {
  test('serialised like the transport: arrays joined with commas, null and undefined skipped', () => {
    expect(queryString({ routing: 'r1', size: 10, _source: ['a', 'b'], x: undefined, y: null })).toBe('routing=r1&size=10&_source=a%2Cb');
  });
  test('8/9 options.querystring is appended; a string is kept', () => {
    expect(queryString({ a: 1 }, { b: true })).toBe('a=1&b=true');
    expect(queryString('pretty=true')).toBe('pretty=true');
  });
  test('secret-looking parameters are redacted', () => {
    expect(queryString({ api_key: 'k', token: 't', q: 'dune' })).toBe('api_key=REDACTED&token=REDACTED&q=dune');
  });
  test('nothing to record → undefined', () => {
    expect(queryString({})).toBeUndefined();
    expect(queryString(undefined)).toBeUndefined();
    expect(queryString('')).toBeUndefined();
  });
});

describe('statement (db.statement) policy', () => {
  const defaults = resolveOptions();
  const optIn = resolveOptions({ recordDocumentBodies: true });
  const query = { query: { match: { title: 'dune' } } };

  test('query APIs record their body as JSON', () => {
    for (const api of ['search', 'count', 'delete_by_query', 'update_by_query', 'sql.query', 'esql.query', 'eql.search', 'async_search.submit']) {
      expect(statement(api, { body: query }, defaults)).toBe(JSON.stringify(query));
    }
  });
  test('msearch bodies are ndjson, as sent', () => {
    expect(statement('msearch', { bulkBody: [{ index: 'a' }, query] }, defaults)).toBe(`{"index":"a"}\n${JSON.stringify(query)}\n`);
  });
  test('document bodies (index, create, update, bulk) and other bodies are never recorded by default', () => {
    for (const api of ['index', 'create', 'update', 'bulk', 'indices.create', 'ingest.simulate', 'POST']) {
      expect(statement(api, { body: { secret: 'document' }, bulkBody: [{ index: {} }, { secret: 1 }] }, defaults)).toBeUndefined();
    }
  });
  test('recordDocumentBodies: true records them', () => {
    expect(statement('index', { body: { title: 't' } }, optIn)).toBe('{"title":"t"}');
    expect(statement('bulk', { bulkBody: [{ index: {} }, { title: 't' }] }, optIn)).toBe('{"index":{}}\n{"title":"t"}\n');
  });
  test('cut at maxStatementLength, marked with ...; 0 records nothing', () => {
    const long = { query: { match: { title: 'x'.repeat(100) } } };
    expect(statement('search', { body: long }, resolveOptions({ maxStatementLength: 20 }))).toBe(JSON.stringify(long).slice(0, 20) + '...');
    expect(statement('search', { body: long }, resolveOptions({ maxStatementLength: 0 }))).toBeUndefined();
    expect(statement('search', { body: query }, resolveOptions({ maxStatementLength: JSON.stringify(query).length }))).toBe(JSON.stringify(query));
  });
  test('empty bodies (7.x sends "") record nothing', () => {
    expect(statement('search', { body: '' }, defaults)).toBeUndefined();
    expect(statement('search', {}, defaults)).toBeUndefined();
  });
});

describe('serializeBody', () => {
  test('strings as they are, buffers as text, streams and unserialisable objects not at all', () => {
    expect(serializeBody('{"a":1}', 100)).toBe('{"a":1}');
    expect(serializeBody(Buffer.from('{"a":1}'), 100)).toBe('{"a":1}');
    expect(serializeBody(Readable.from(['x']), 100)).toBeUndefined();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(serializeBody(circular, 100)).toBeUndefined();
    expect(serializeBody(null, 100)).toBeUndefined();
  });
  test('a huge ndjson body stops being serialised once past the limit', () => {
    const lines = Array.from({ length: 200_000 }, (_, i) => ({ id: i }));
    const text = serializeBody(lines, 50)!;
    expect(text.length).toBeGreaterThan(50);
    expect(text.length).toBeLessThan(80);
  });
  test('a huge buffer is read only up to the limit', () => {
    expect(serializeBody(Buffer.alloc(1_000_000, 'a'), 10)).toHaveLength(11);
  });
});

describe('peerTags and options', () => {
  test('node host and port, default ports by protocol, IPv6 without brackets', () => {
    expect(peerTags(new URL('http://es.local:9201'))).toEqual({ 'peer.hostname': 'es.local', 'peer.port': 9201 });
    expect(peerTags(new URL('https://user:secret@es.cloud'))).toEqual({ 'peer.hostname': 'es.cloud', 'peer.port': 443 });
    expect(peerTags(new URL('http://[::1]/'))).toEqual({ 'peer.hostname': '::1', 'peer.port': 80 });
    expect(peerTags(undefined)).toEqual({});
  });
  test('resolveOptions: defaults, and invalid values fall back to them', () => {
    expect(resolveOptions()).toEqual({ maxStatementLength: 4096, recordDocumentBodies: false });
    expect(resolveOptions({ maxStatementLength: -1, recordDocumentBodies: 'yes' })).toEqual({ maxStatementLength: 4096, recordDocumentBodies: false });
    expect(resolveOptions({ maxStatementLength: 100.7, recordDocumentBodies: true })).toEqual({ maxStatementLength: 100, recordDocumentBodies: true });
  });
});
