/**
 * Pure logic of trace-http, in-process: call-form parsing, header copies, ignore rules, naming, redaction.
 * (Patching itself is tested through real processes in http-client.test.ts.)
 */
import type { Span } from 'opentracing';
import { init, resetForTests, setReporterFactory, startClientSpan, shutdown, withSpan } from '@spanwise/trace-core';
import { parseHttpCall } from '../src/arguments';
import { headersWithTrace, isIgnored, onFetchCreate, onFetchEnd, onFetchError, onFetchHeaders, operationName, redactedUrl, startHttpCall } from '../src/utils';
import type { OutgoingRequestInfo } from '../src/types';

const reported: unknown[] = [];
const errorsLogged: string[] = [];

beforeAll(() => {
  setReporterFactory(() => ({
    name: () => 'memory',
    report: (span) => reported.push(span),
    setProcess: () => undefined,
    flush: (callback) => callback?.(),
    close: (callback) => callback?.(),
  }));
  init({
    serviceName: 'trace-http-unit',
    flushOnExit: false,
    logLevel: 'error',
    logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: (message) => errorsLogged.push(message) },
  });
});

afterAll(async () => {
  await shutdown();
  resetForTests();
});

function rootSpan(): Span {
  const span = startClientSpan('unit', { allowRoot: true });
  if (!span) throw new Error('no span');
  return span;
}

describe('parseHttpCall', () => {
  const callback = () => undefined;

  it('reads a URL string with options overriding its parts, as Node does', () => {
    const call = parseHttpCall('http', ['http://user:pw@example.com:8080/a?b=1', { method: 'post', headers: { x: '1' } }, callback])!;
    expect(call.info).toEqual({
      component: 'http',
      method: 'POST',
      protocol: 'http:',
      hostname: 'example.com',
      port: 8080,
      path: '/a?b=1',
      url: 'http://example.com:8080/a?b=1',
      socketPath: undefined,
    });
    expect(call.auth).toBe('user:pw');
    expect(call.headers).toEqual({ x: '1' });
  });

  it('reads a URL object, an IPv6 host and the https default port', () => {
    const call = parseHttpCall('https', [new URL('https://[::1]/x')])!;
    expect(call.info).toMatchObject({ protocol: 'https:', hostname: '::1', port: 443, path: '/x', url: 'https://[::1]/x' });
  });

  it('reads an options object: hostname before host, default port and path', () => {
    const call = parseHttpCall('http', [{ host: 'h.example', headers: [['a', 'b']] }])!;
    expect(call.info).toMatchObject({ hostname: 'h.example', port: 80, path: '/', method: 'GET', url: 'http://h.example/' });
    expect(parseHttpCall('https', [{ hostname: 'a', host: 'b', defaultPort: 8443, auth: 'u:p', socketPath: '/tmp/s' }])).toMatchObject({
      info: { hostname: 'a', port: 8443, socketPath: '/tmp/s', url: 'https://a:8443/' },
      auth: 'u:p',
    });
  });

  it('keeps a proxy request whose path is the absolute URL', () => {
    expect(parseHttpCall('http', [{ host: 'proxy', port: 3128, path: 'http://target.example/x' }])!.info.url).toBe('http://target.example/x');
  });

  it('throws for an invalid URL (the caller then lets the original throw its own error)', () => {
    expect(() => parseHttpCall('http', ['not a url'])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_URL' }));
  });

  it('declines forms Node would reject', () => {
    expect(parseHttpCall('http', [])).toBeUndefined();
    expect(parseHttpCall('http', [42])).toBeUndefined();
    expect(parseHttpCall('http', ['http://a/', 'weird'])).toBeUndefined();
  });

  describe('argsWithHeaders: same arguments, the options replaced by a copy with other headers', () => {
    const headers = { injected: '1' };

    it.each([
      ['(url)', ['http://a/'], ['http://a/', { headers }]],
      ['(url, cb)', ['http://a/', callback], ['http://a/', { headers }, callback]],
      ['(url, undefined, cb)', ['http://a/', undefined, callback], ['http://a/', { headers }, callback]],
      ['(url, null, cb)', ['http://a/', null, callback], ['http://a/', { headers }, callback]],
      ['(url, options, cb)', ['http://a/', { method: 'PUT', agent: false }, callback], ['http://a/', { method: 'PUT', agent: false, headers }, callback]],
      ['(options)', [{ host: 'a', setHost: false }], [{ host: 'a', setHost: false, headers }]],
      ['(options, cb)', [{ host: 'a' }, callback], [{ host: 'a', headers }, callback]],
    ])('%s', (_form, args, expected) => {
      const frozen = args.map((arg) => (arg && typeof arg === 'object' ? Object.freeze(arg) : arg));
      const result = parseHttpCall('http', frozen)!.argsWithHeaders(headers);
      expect(result).toEqual(expected);
      expect(result).not.toBe(frozen);
      frozen.forEach((arg, i) => {
        if (arg && typeof arg === 'object') expect(result[i]).not.toBe(arg);
        if (typeof arg === 'function') expect(result).toContain(arg);
      });
    });

    it('keeps symbol-keyed options', () => {
      const key = Symbol('k');
      const copy = parseHttpCall('http', [{ host: 'a', [key]: 1 }])!.argsWithHeaders(headers)[0] as Record<symbol, unknown>;
      expect(copy[key]).toBe(1);
    });
  });
});

describe('headersWithTrace', () => {
  it('adds uber-trace-id and traceparent to a copy, leaving the caller object alone', () => {
    const span = rootSpan();
    const caller = Object.freeze({ 'X-Caller': 'yes' });
    const result = headersWithTrace(span, caller) as Record<string, string>;
    expect(result).not.toBe(caller);
    expect(caller).toEqual({ 'X-Caller': 'yes' });
    expect(result['X-Caller']).toBe('yes');
    const spanId = (span.context() as unknown as { toSpanId(): string }).toSpanId();
    expect(result['uber-trace-id']).toContain(`:${spanId}:`);
    expect(result.traceparent).toMatch(new RegExp(`^00-[0-9a-f]{32}-${spanId.padStart(16, '0')}-01$`));
  });

  it('never overrides a trace header the caller set, whatever its case', () => {
    const result = headersWithTrace(rootSpan(), { TraceParent: 'mine' }) as Record<string, string>;
    expect(result.TraceParent).toBe('mine');
    expect(result.traceparent).toBeUndefined();
    expect(result['uber-trace-id']).toBeDefined();
  });

  it('works without caller headers', () => {
    expect(Object.keys(headersWithTrace(rootSpan(), undefined) as object).sort()).toEqual(['traceparent', 'uber-trace-id']);
  });

  it('appends to arrays of pairs and flat arrays in their own style', () => {
    const pairs = Object.freeze([['host', 'a'], ['traceparent', 'mine']]);
    const fromPairs = headersWithTrace(rootSpan(), pairs) as string[][];
    expect(fromPairs).not.toBe(pairs);
    expect(fromPairs.slice(0, 2)).toEqual(pairs);
    expect(fromPairs.map((p) => p[0])).toEqual(['host', 'traceparent', 'uber-trace-id']);
    const flat = Object.freeze(['host', 'a']);
    const fromFlat = headersWithTrace(rootSpan(), flat) as string[];
    expect(fromFlat.filter((_v, i) => i % 2 === 0)).toEqual(['host', 'uber-trace-id', 'traceparent']);
    expect(flat).toEqual(['host', 'a']);
  });
});

describe('isIgnored', () => {
  const info: OutgoingRequestInfo = {
    component: 'http',
    method: 'GET',
    protocol: 'http:',
    hostname: 'metadata.internal',
    port: 8500,
    path: '/v1/health?x=1',
    url: 'http://metadata.internal:8500/v1/health?x=1',
  };

  it('matches host names, host:port, URL prefixes, patterns and predicates', () => {
    expect(isIgnored(info, undefined)).toBe(false);
    expect(isIgnored(info, 'metadata.internal')).toBe(true);
    expect(isIgnored(info, 'metadata.internal:8500')).toBe(true);
    expect(isIgnored(info, 'metadata.internal:80')).toBe(false);
    expect(isIgnored(info, 'http://metadata.internal:8500/v1/')).toBe(true);
    expect(isIgnored(info, 'http://metadata.internal:8500/v2/')).toBe(false);
    expect(isIgnored(info, /\/health/)).toBe(true);
    expect(isIgnored(info, ['other', (url, request) => url.endsWith('x=1') && request.method === 'GET'])).toBe(true);
    expect(isIgnored(info, [() => false, /nope/])).toBe(false);
  });

  it('treats a throwing predicate as "not ignored", and reports it', () => {
    expect(
      isIgnored(info, () => {
        throw new Error('bad rule');
      }),
    ).toBe(false);
    expect(errorsLogged.join('\n')).toMatch(/tracing fault in http ignore rule.*bad rule/);
  });
});

describe('naming and redaction', () => {
  it('names spans by method, few names', () => {
    expect(operationName('GET')).toBe('HTTP GET');
    expect(operationName('PATCH')).toBe('HTTP PATCH');
    expect(operationName('PROPFIND')).toBe('HTTP');
  });

  it('replaces userinfo and secret query values', () => {
    expect(redactedUrl({ url: 'http://host/path?token=x&page=2' }, 'user:pass')).toBe('http://REDACTED@host/path?token=REDACTED&page=2');
    expect(redactedUrl({ url: 'https://host/p?api_key=1&q=a' }, undefined)).toBe('https://host/p?api_key=REDACTED&q=a');
  });
});

/** What the in-memory reporter received, read from jaeger-client's Span. */
interface ReportedSpan {
  operationName: string;
  tags: Record<string, unknown>;
  logs: Array<Record<string, unknown>>;
}
function reportedSpans(): ReportedSpan[] {
  return (reported as Array<{ _operationName: string; _tags: Array<{ key: string; value: unknown }>; _logs: Array<{ fields: Array<{ key: string; value: unknown }> }> }>).map((span) => ({
    operationName: span._operationName,
    tags: Object.fromEntries(span._tags.map((t) => [t.key, t.value])),
    logs: span._logs.map((l) => Object.fromEntries(l.fields.map((f) => [f.key, f.value]))),
  }));
}

describe('span logic, called directly', () => {
  beforeEach(() => {
    reported.length = 0;
  });

  it('startHttpCall: nothing without an active span', () => {
    expect(startHttpCall('http', ['http://a.example/'], {})).toBeUndefined();
  });

  it('startHttpCall: a tagged span, injected args, hooks called; the span ends once', () => {
    const parent = rootSpan();
    const requestHook = jest.fn();
    const responseHook = jest.fn();
    const traced = withSpan(parent, () => startHttpCall('https', ['https://u:p@10.1.2.3:8443/x?secret=1', { method: 'post' }], { requestHook, responseHook }))!;
    expect((traced.args[1] as { headers: Record<string, string> }).headers['uber-trace-id']).toBeDefined();
    expect(requestHook).toHaveBeenCalledWith(traced.call.span, expect.objectContaining({ method: 'POST', hostname: '10.1.2.3', port: 8443 }));
    traced.call.setStatus(503);
    expect(responseHook).toHaveBeenCalledWith(traced.call.span, expect.objectContaining({ method: 'POST' }), 503);
    traced.call.fail(new Error('boom'));
    traced.call.fail(new Error('again'));
    traced.call.end();
    const [span] = reportedSpans();
    expect(reportedSpans()).toHaveLength(1);
    expect(span.operationName).toBe('HTTP POST');
    expect(span.tags).toMatchObject({
      'span.kind': 'client',
      component: 'https',
      'http.method': 'POST',
      'http.url': 'https://REDACTED@10.1.2.3:8443/x?secret=REDACTED',
      'http.status_code': 503,
      'peer.hostname': '10.1.2.3',
      'peer.ipv4': '10.1.2.3',
      'peer.port': 8443,
      error: true,
    });
    expect(span.logs.map((l) => l.message)).toEqual(['boom']);
  });

  it('startHttpCall: a throwing hook is reported, the call is still traced', () => {
    const traced = withSpan(rootSpan(), () =>
      startHttpCall('http', ['http://a.example/'], {
        requestHook: () => {
          throw new Error('hook broke');
        },
      }),
    );
    expect(traced).toBeDefined();
    expect(errorsLogged.join('\n')).toMatch(/http requestHook.*hook broke/);
  });

  it('startHttpCall: ignored and invalid calls are left alone', () => {
    withSpan(rootSpan(), () => {
      expect(startHttpCall('http', ['http://a.example/'], { ignore: 'a.example' })).toBeUndefined();
      expect(startHttpCall('http', ['::not a url'], {})).toBeUndefined();
    });
    expect(reportedSpans()).toEqual([]);
  });

  it('fetch: headers added unless present, status, one end whatever undici publishes', () => {
    const addHeader = jest.fn();
    const request = { origin: 'http://127.0.0.1:9999', method: 'GET', path: '/f?token=t', headers: ['TraceParent', 'mine'], addHeader };
    withSpan(rootSpan(), () => onFetchCreate(request, {}));
    expect(addHeader.mock.calls.map((c) => c[0])).toEqual(['uber-trace-id']);
    onFetchHeaders(request, { statusCode: 502 });
    onFetchError(request, new Error('reset'));
    onFetchError(request, new Error('reset again'));
    onFetchEnd(request);
    expect(reportedSpans()).toHaveLength(1);
    expect(reportedSpans()[0].tags).toMatchObject({ component: 'fetch', 'http.url': 'http://127.0.0.1:9999/f?token=REDACTED', 'http.status_code': 502, error: true });
    expect(reportedSpans()[0].logs.map((l) => l.message)).toEqual(['reset']);
  });

  it('fetch: undici 5 raw header text is understood', () => {
    const addHeader = jest.fn();
    withSpan(rootSpan(), () => onFetchCreate({ origin: 'https://x.example', method: 'PUT', path: '/', headers: 'uber-trace-id: mine\r\n', addHeader }, {}));
    expect(addHeader.mock.calls.map((c) => c[0])).toEqual(['traceparent']);
  });
});
