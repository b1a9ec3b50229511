import type { HttpComponent, OutgoingRequestInfo } from './types';

/**
 * The call forms of `http.request`/`http.get` (and https): `(url[, options][, cb])` with a string or URL,
 * or `(options[, cb])`. Node copies the options' own enumerable properties over the URL's parts, so a
 * shallow copy with other headers means exactly what the caller's object meant.
 */
type Options = Record<string | symbol, unknown>;

export interface HttpCall {
  info: OutgoingRequestInfo;
  /** Userinfo of the URL or `options.auth`: only ever passed through the redactor. */
  auth: string | undefined;
  /** The caller's headers (object, array of pairs, flat array) or undefined; never mutated. */
  headers: unknown;
  /** The arguments to call the original with: the caller's, with `headers` in a copy of the options. */
  argsWithHeaders(headers: unknown): unknown[];
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** Undefined for a form Node would reject or that is too unusual to trace safely; throws for an invalid URL. */
export function parseHttpCall(component: HttpComponent, args: ArrayLike<unknown>): HttpCall | undefined {
  const first = args[0];
  let url: URL | undefined;
  if (typeof first === 'string') url = new URL(first);
  else if (isUrl(first)) url = first;
  else if (!isObject(first)) return undefined;

  const optionsIndex = url ? 1 : 0;
  const candidate = args[optionsIndex];
  if (candidate !== undefined && candidate !== null && typeof candidate !== 'function' && !isObject(candidate)) return undefined;
  const options = isObject(candidate) ? (candidate as Options) : undefined;
  const read = (key: string): unknown => options?.[key];
  const info = describe(component, url, read);
  const auth = stringOrUndefined(read('auth')) ?? userinfo(url);
  return {
    info,
    auth,
    headers: read('headers'),
    argsWithHeaders: (headers) => {
      const result = Array.prototype.slice.call(args) as unknown[];
      const copy = { ...options, headers };
      if (options || candidate === null || (candidate === undefined && result.length > optionsIndex)) result[optionsIndex] = copy;
      else result.splice(optionsIndex, 0, copy); // (url) or (url, cb): add the options argument
      return result;
    },
  };
}

function describe(component: HttpComponent, url: URL | undefined, read: (key: string) => unknown): OutgoingRequestInfo {
  const protocol = stringOrUndefined(read('protocol')) ?? url?.protocol ?? (component === 'https' ? 'https:' : 'http:');
  const hostname = stringOrUndefined(read('hostname')) ?? (url ? unbracket(url.hostname) : undefined) ?? stringOrUndefined(read('host')) ?? 'localhost';
  const agent = read('agent') as { defaultPort?: unknown } | undefined;
  const port =
    Number(read('port') ?? (url?.port || undefined)) || Number(read('defaultPort')) || Number(agent?.defaultPort) || DEFAULT_PORTS[protocol] || 80;
  const path = stringOrUndefined(read('path')) ?? (url ? url.pathname + url.search : '/');
  const method = (stringOrUndefined(read('method')) ?? 'GET').toUpperCase();
  const socketPath = stringOrUndefined(read('socketPath'));
  return { component, method, protocol, hostname, port, path, url: fullUrl(protocol, hostname, port, path), socketPath };
}

/** `protocol//host[:port]/path`; a proxy request's path is already the absolute URL. */
export function fullUrl(protocol: string, hostname: string, port: number, path: string): string {
  if (path.startsWith('http://') || path.startsWith('https://')) return path;
  const host = hostname.includes(':') ? `[${hostname}]` : hostname;
  const portPart = port === DEFAULT_PORTS[protocol] ? '' : `:${port}`;
  return `${protocol}//${host}${portPart}${path.startsWith('/') ? path : '/' + path}`;
}

/** Node's own test for a WHATWG URL passed to http.request. */
function isUrl(value: unknown): value is URL {
  const candidate = value as { href?: unknown; protocol?: unknown; auth?: unknown; path?: unknown } | null;
  return Boolean(candidate?.href && candidate.protocol && candidate.auth === undefined && candidate.path === undefined);
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function unbracket(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

function userinfo(url: URL | undefined): string | undefined {
  if (!url || (!url.username && !url.password)) return undefined;
  return `${url.username}:${url.password}`;
}
