import type { Span } from 'opentracing';
import { clientTags, endClientSpan, isRecording, peerTags as tagsOfPeer, reportFault, redactUrl, setTags, startClientCall, TAGS, truncateStatement, urlPeer, type TagMap, type TruncateOptions } from '@spanwise/trace-core';
import type { ResolvedOptions, TransportRequestOptions, TransportRequestParams, TransportResult } from './types';

export const COMPONENT = '@elastic/elasticsearch';
export const DEFAULT_MAX_STATEMENT_LENGTH = 4096;

/**
 * APIs whose body is a query (or a list of queries), recorded as db.statement. Every other body (index,
 * create, update, bulk documents; mappings, settings, scripts) is recorded only with `recordDocumentBodies`.
 */
export const QUERY_APIS: ReadonlySet<string> = new Set([
  'search',
  'msearch',
  'count',
  'search_template',
  'msearch_template',
  'render_search_template',
  'explain',
  'field_caps',
  'knn_search',
  'terms_enum',
  'search_mvt',
  'mget',
  'open_point_in_time',
  'delete_by_query',
  'update_by_query',
  'indices.validate_query',
  'async_search.submit',
  'eql.search',
  'esql.query',
  'esql.async_query',
  'sql.query',
  'sql.translate',
  'fleet.search',
  'fleet.msearch',
  'rollup.rollup_search',
]);

/** The API of a request: the name the 8/9 client passes in `params.meta.name`, else derived from method and path (7). */
export function apiName(params: TransportRequestParams): string {
  const name = params.meta?.name;
  if (typeof name === 'string' && name !== '') return name;
  return apiNameFromPath(String(params.method ?? 'GET').toUpperCase(), String(params.path ?? '/'));
}

/**
 * A low-cardinality API name from method and path, matching the 8/9 client's names for common APIs:
 * `GET /idx/_doc/1` → `get`, `POST /idx/_search` → `search`, `GET /_cat/indices/idx` → `cat.indices`.
 * Only `_`-prefixed segments (fixed by the REST API, never user data: index names cannot start with `_`)
 * decide the name; a path without one names the index APIs, or else just the method.
 */
export function apiNameFromPath(method: string, path: string): string {
  const segments = path.split('?', 1)[0].split('/').filter((s) => s !== '');
  const at = segments.findIndex((s) => s.startsWith('_'));
  if (at === -1) return apiNameWithoutEndpoint(method, segments.length);
  return endpointApi(method, segments[at].slice(1), segments[at + 1]);
}

function apiNameWithoutEndpoint(method: string, segmentCount: number): string {
  if (segmentCount === 0) {
    if (method === 'GET') return 'info';
    if (method === 'HEAD') return 'ping';
  } else if (segmentCount === 1) {
    if (method === 'PUT') return 'indices.create';
    if (method === 'DELETE') return 'indices.delete';
    if (method === 'HEAD') return 'indices.exists';
    if (method === 'GET') return 'indices.get';
  }
  return method;
}

function endpointApi(method: string, endpoint: string, next: string | undefined): string {
  switch (endpoint) {
    case 'doc':
      return method === 'GET' ? 'get' : method === 'HEAD' ? 'exists' : method === 'DELETE' ? 'delete' : 'index';
    case 'source':
      return method === 'HEAD' ? 'exists_source' : 'get_source';
    case 'search':
      if (next === 'scroll') return method === 'DELETE' ? 'clear_scroll' : 'scroll';
      if (next === 'template') return 'search_template';
      return 'search';
    case 'msearch':
      return next === 'template' ? 'msearch_template' : 'msearch';
    case 'sql':
      if (next === 'close') return 'sql.clear_cursor';
      if (next === 'translate') return 'sql.translate';
      return 'sql.query';
    case 'pit':
      return method === 'DELETE' ? 'close_point_in_time' : 'open_point_in_time';
    case 'mapping':
    case 'mappings':
      return method === 'GET' ? 'indices.get_mapping' : 'indices.put_mapping';
    case 'settings':
      return method === 'GET' ? 'indices.get_settings' : 'indices.put_settings';
    case 'alias':
    case 'aliases':
      return method === 'GET' ? 'indices.get_alias' : 'indices.update_aliases';
    case 'validate':
      return 'indices.validate_query';
    case 'refresh':
    case 'flush':
    case 'forcemerge':
    case 'stats':
    case 'open':
    case 'close':
      return `indices.${endpoint}`;
    case 'cat':
    case 'cluster':
      return next && !next.startsWith('_') ? `${endpoint}.${next}` : endpoint;
    default:
      return endpoint;
  }
}

/** The index (or comma-separated indices) a request targets: the first path segment, unless it is an endpoint. */
export function indexFromPath(path: string | undefined): string | undefined {
  if (typeof path !== 'string' || path.length < 2) return undefined;
  const end = path.indexOf('/', 1);
  const first = end === -1 ? path.slice(1) : path.slice(1, end);
  if (first === '' || first.startsWith('_')) return undefined;
  try {
    return decodeURIComponent(first);
  } catch {
    return first;
  }
}

/** The query string as sent (8/9 merge `options.querystring` in), secret-looking parameters redacted. */
export function queryString(querystring: unknown, extra?: Record<string, unknown>): string | undefined {
  let text = typeof querystring === 'string' ? querystring : '';
  if (!text) text = appendQuery(text, querystring);
  if (extra) text = appendQuery(text, extra);
  if (text === '') return undefined;
  return redactUrl('?' + text).slice(1);
}

function appendQuery(text: string, object: unknown): string {
  if (!object || typeof object !== 'object') return text;
  for (const key of Object.keys(object)) {
    const value = (object as Record<string, unknown>)[key];
    if (value === undefined || value === null) continue;
    const encoded = Array.isArray(value) ? value.join(',') : String(value);
    text += `${text ? '&' : ''}${encodeURIComponent(key)}=${encodeURIComponent(encoded)}`;
  }
  return text;
}

/** The body of a request as sent (JSON, or ndjson for bulk bodies), cut at `max`; undefined if the policy forbids it. */
export function statement(api: string, params: TransportRequestParams, options: ResolvedOptions): string | undefined {
  const max = options.maxStatementLength;
  if (!(max > 0)) return undefined;
  if (!options.recordDocumentBodies && !QUERY_APIS.has(api)) return undefined;
  const text = serializeBody(params.body ?? params.bulkBody, max);
  if (text === undefined || text === '') return undefined;
  return truncateStatement(text, max, KEEP_LIMIT_THEN_MARK);
}

/** `maxStatementLength` is the number of characters kept; the `...` mark comes after them. */
const KEEP_LIMIT_THEN_MARK: TruncateOptions = { markAfterLimit: true };

/** Serialized the way the transport sends it; ndjson lines stop being added once past `max`. */
export function serializeBody(body: unknown, max: number): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8', 0, Math.min(body.length, max + 1));
  if (typeof (body as { pipe?: unknown }).pipe === 'function') return undefined; // a stream: not ours to read
  if (Array.isArray(body)) return ndjson(body, max);
  try {
    return JSON.stringify(body);
  } catch {
    return undefined;
  }
}

function ndjson(lines: unknown[], max: number): string {
  let text = '';
  for (const line of lines) {
    text += (typeof line === 'string' ? line : JSON.stringify(line)) + '\n';
    if (text.length > max) break;
  }
  return text;
}

/** Start the span of one API call, or undefined (no parent, suppressed, or a fault). Tags only for recorded spans. */
export function startRequestSpan(params: TransportRequestParams, options: TransportRequestOptions | undefined, config: ResolvedOptions): Span | undefined {
  if (!params || typeof params !== 'object') return undefined;
  const api = apiName(params);
  const span = startClientCall(`elasticsearch.${api}`, COMPONENT_TAGS);
  if (!span || !isRecording(span)) return span;
  try {
    setTags(span, requestTags(api, params, options, config));
  } catch (error) {
    reportFault('elasticsearch request tags', error);
  }
  return span;
}

const COMPONENT_TAGS = clientTags(COMPONENT, undefined, { [TAGS.DB_TYPE]: 'elasticsearch' });

/** The tags of one API call (besides component and db.type). */
export function requestTags(api: string, params: TransportRequestParams, options: TransportRequestOptions | undefined, config: ResolvedOptions): TagMap {
  return {
    'es.method': params.method,
    'es.url': typeof params.path === 'string' ? params.path : undefined,
    'elasticsearch.params': queryString(params.querystring, options && typeof options === 'object' ? options.querystring : undefined),
    [TAGS.DB_INSTANCE]: indexFromPath(params.path),
    [TAGS.DB_STATEMENT]: statement(api, params, config),
  };
}

/** Finish the span of a call with what the transport reported: status, the node that answered, the error. */
export function endRequestSpan(span: Span, error: unknown, result: TransportResult | undefined): void {
  let status: number | undefined;
  try {
    const outcome = result ?? resultOfError(error);
    status = typeof outcome?.statusCode === 'number' && outcome.statusCode > 0 ? outcome.statusCode : undefined;
    if (isRecording(span)) setTags(span, { [TAGS.HTTP_STATUS_CODE]: status, ...peerTags(outcome?.meta?.connection?.url) });
  } catch (fault) {
    reportFault('elasticsearch response tags', fault);
  }
  endClientSpan(span, error, undefined, status === undefined ? undefined : { [TAGS.HTTP_STATUS_CODE]: status });
}

function resultOfError(error: unknown): TransportResult | undefined {
  const meta = error && typeof error === 'object' ? (error as { meta?: unknown }).meta : undefined;
  return meta && typeof meta === 'object' ? (meta as TransportResult) : undefined;
}

/** The node that answered (never its userinfo). */
export function peerTags(url: URL | undefined): TagMap {
  if (!url || typeof url.hostname !== 'string') return {};
  return tagsOfPeer(urlPeer(url));
}

export function resolveOptions(options: { maxStatementLength?: unknown; recordDocumentBodies?: unknown } = {}): ResolvedOptions {
  const max = options.maxStatementLength;
  return {
    maxStatementLength: typeof max === 'number' && Number.isFinite(max) && max >= 0 ? Math.floor(max) : DEFAULT_MAX_STATEMENT_LENGTH,
    recordDocumentBodies: options.recordDocumentBodies === true,
  };
}
