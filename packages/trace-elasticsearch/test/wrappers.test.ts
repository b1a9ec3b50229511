/**
 * The wrappers against minimal transports shaped like the real ones (8/9: async request + Diagnostic emitter;
 * 7: callback or thenable-with-abort): the app sees the same values, errors, `this`, arguments and objects.
 * Spans travel through the real jaeger-client reporter over UDP to an in-test agent.
 */
import { EventEmitter } from 'events';
import type { Span } from 'opentracing';
import { flush, getActiveSpan, getTracer, init, isTracingSuppressed, withSpan } from '@spanwise/trace-core';
import { spansUntilMarker, useAgent, type DecodedSpan } from '../../../test-support';
import { patch, patchLegacyTransportClass, patchTransportClass, unpatch, unpatchLegacyTransportClass, unpatchTransportClass } from '../src/instrumentation';

type Fn = (...args: any[]) => any; // eslint-disable-line @typescript-eslint/no-explicit-any -- stand-ins of the client's methods of any signature
const agent = useAgent();
let parent: Span;

beforeAll(async () => {
  init({ serviceName: 'es-wrappers', reporter: { agentHost: '127.0.0.1', agentPort: agent.port, flushIntervalMs: 50 } });
});

beforeEach(() => {
  agent.clear();
  patch({});
  parent = getTracer().startSpan('parent');
});

class ResponseError extends Error {
  constructor(readonly meta: unknown) {
    super('index_not_found_exception');
    this.name = 'ResponseError';
  }
}

const node = (port: number) => ({ connection: { url: new URL(`http://node-${port}.local:${port}`) } });
const search = { method: 'POST', path: '/books/_search', body: { query: { match_all: {} } }, meta: { name: 'search' } };

/** The ES spans sent for this test (after the parent is finished and flushed). */
async function esSpans(expected: number): Promise<DecodedSpan[]> {
  parent.finish();
  await flush();
  await agent.waitForSpans((spans) => spans.some((s) => s.operationName === 'parent'), 5000);
  // A span finished and flushed after everything else: once it arrived, so did any late extra span.
  const sendMarker = () => {
    getTracer().startSpan('marker').finish();
    return flush();
  };
  const spans = await spansUntilMarker(agent, sendMarker, (s) => s.operationName === 'marker');
  const found = spans.filter((s) => s.operationName !== 'parent');
  expect(found).toHaveLength(expected);
  return found;
}

describe('clients 8/9: Transport.prototype.request (async)', () => {
  class Diagnostic extends EventEmitter {}
  class Transport {
    diagnostic = new Diagnostic();
    impl: Fn = async () => undefined;
  }
  const proto = Transport.prototype as unknown as { request: Fn };
  const original = async function request(this: Transport, ...args: unknown[]) {
    return this.impl.apply(this, args);
  };
  proto.request = original;

  beforeEach(() => patchTransportClass(Transport, Diagnostic));
  afterEach(() => unpatchTransportClass(Transport, Diagnostic));

  test('resolves with the same value; this and arguments untouched; status and node from the diagnostic result', async () => {
    const transport = new Transport();
    const value = { hits: {} };
    const options = { meta: false };
    let seen: { self: unknown; args: unknown[]; suppressed: boolean } | undefined;
    transport.impl = async function (this: Transport, ...args: unknown[]) {
      seen = { self: this, args, suppressed: isTracingSuppressed() };
      this.diagnostic.emit('serialization', null, { statusCode: 0, meta: node(9201) });
      this.diagnostic.emit('response', null, { statusCode: 201, meta: node(9999) });
      return value;
    };
    const result = await withSpan(parent, () => proto.request.call(transport, search, options));
    expect(result).toBe(value);
    expect(seen!.self).toBe(transport);
    expect(seen!.args).toHaveLength(2);
    expect(seen!.args[0]).toBe(search);
    expect(seen!.args[1]).toBe(options);
    expect(seen!.suppressed).toBe(true);
    const [span] = await esSpans(1);
    expect(span.operationName).toBe('elasticsearch.search');
    expect(span.tags).toMatchObject({ 'peer.hostname': 'node-9201.local', 'peer.port': 9201, 'db.instance': 'books', 'es.method': 'POST' });
    expect(span.tags['http.status_code']).toBeUndefined(); // the first result seen was still at status 0
  });

  test('rejects with the same error object; the span records it with the status from error.meta', async () => {
    const transport = new Transport();
    const error = new ResponseError({ statusCode: 404, meta: node(9202) });
    transport.impl = async () => {
      throw error;
    };
    await expect(withSpan(parent, () => proto.request.call(transport, search))).rejects.toBe(error);
    const [span] = await esSpans(1);
    expect(span.tags).toMatchObject({ error: true, 'http.status_code': 404, 'peer.port': 9202 });
    expect(span.logs[0].fields).toMatchObject({ event: 'error', 'error.kind': 'ResponseError', message: 'index_not_found_exception', 'http.status_code': 404 });
  });

  test('a synchronous throw and a non-promise return pass through unchanged', async () => {
    const transport = new Transport();
    const error = new Error('sync');
    proto.request = original; // replaced below by a non-async implementation
    unpatchTransportClass(Transport, Diagnostic);
    proto.request = function () {
      throw error;
    };
    patchTransportClass(Transport, Diagnostic);
    expect(() => withSpan(parent, () => proto.request.call(transport, search))).toThrow(error);
    unpatchTransportClass(Transport, Diagnostic);
    proto.request = () => 42;
    patchTransportClass(Transport, Diagnostic);
    expect(withSpan(parent, () => proto.request.call(transport, search))).toBe(42);
    unpatchTransportClass(Transport, Diagnostic);
    proto.request = original;
    const spans = await esSpans(2);
    expect(spans.map((s) => s.tags.error)).toEqual([true, undefined]);
  });

  test('malformed params reach the original untouched, without a span or a fault', async () => {
    const transport = new Transport();
    transport.impl = async (...args: unknown[]) => args;
    for (const params of [null, undefined, 'GET /', 42]) {
      await expect(withSpan(parent, () => proto.request.call(transport, params))).resolves.toEqual([params]);
    }
    await esSpans(0);
  });

  test('no active span, or unpatched through a kept reference: the original runs as is', async () => {
    const transport = new Transport();
    const wrapped = proto.request;
    transport.impl = async () => isTracingSuppressed();
    await expect(proto.request.call(transport, search)).resolves.toBe(false);
    unpatch();
    await expect(withSpan(parent, () => wrapped.call(transport, search))).resolves.toBe(false);
    await esSpans(0);
  });

  test('a request made inside a traced request (sniffing, retries) makes no span of its own', async () => {
    const transport = new Transport();
    transport.impl = async function (this: Transport, params: { path: string }) {
      if (params.path !== '/_nodes/_all/http') await proto.request.call(this, { method: 'GET', path: '/_nodes/_all/http' });
      return 'ok';
    };
    await withSpan(parent, () => proto.request.call(transport, search));
    const spans = await esSpans(1);
    expect(spans[0].operationName).toBe('elasticsearch.search');
  });

  test('patching twice wraps once; unpatch restores the original functions', async () => {
    patchTransportClass(Transport, Diagnostic);
    const transport = new Transport();
    await withSpan(parent, () => proto.request.call(transport, search));
    await esSpans(1);
    unpatchTransportClass(Transport, Diagnostic);
    expect(proto.request).toBe(original);
    expect(Object.prototype.hasOwnProperty.call(Diagnostic.prototype, 'emit') ? Diagnostic.prototype.emit : EventEmitter.prototype.emit).toBe(EventEmitter.prototype.emit);
  });

  test('the diagnostic emitter keeps its listeners, arguments and return value', () => {
    const diagnostic = new Diagnostic();
    const received: unknown[][] = [];
    diagnostic.on('response', (...args: unknown[]) => received.push(args));
    const result = { statusCode: 200 };
    expect(diagnostic.emit('response', null, result)).toBe(true);
    expect(diagnostic.emit('sniff', null, null)).toBe(false);
    expect(received).toEqual([[null, result]]);
    expect(received[0][1]).toBe(result);
  });
});

describe('client 7: Transport.prototype.request (callback, or thenable with abort)', () => {
  interface Outcome {
    error: unknown;
    result: unknown;
  }
  class Transport {
    outcome: Outcome = { error: null, result: { statusCode: 200, meta: node(9300) } };
    aborted = false;
  }
  const proto = Transport.prototype as unknown as { request: Fn };
  const original = function request(this: Transport, params: unknown, options?: unknown, callback?: unknown) {
    if (typeof options === 'function') {
      callback = options;
    }
    let promise: Promise<unknown> | null = null;
    if (callback === undefined) {
      let settle: Fn = () => undefined;
      promise = new Promise((resolve, reject) => (settle = (err: unknown, result: unknown) => (err ? reject(err) : resolve(result))));
      callback = settle;
    }
    const { error, result } = this.outcome;
    setImmediate(() => (callback as Fn).call(undefined, error, result));
    return {
      then: (a?: Fn, b?: Fn) => promise?.then(a, b),
      catch: (b?: Fn) => promise?.catch(b),
      finally: (f?: Fn) => promise?.finally(f),
      abort: function (this: unknown) {
        return this;
      },
    };
  };
  proto.request = original;

  beforeEach(() => patchLegacyTransportClass(Transport));
  afterEach(() => unpatchLegacyTransportClass(Transport));

  test('callback form (params, options, callback): same arguments and this, in the caller’s context', async () => {
    const transport = new Transport();
    const calls: Array<{ args: unknown[]; self: unknown; active: unknown }> = [];
    const { returned } = await new Promise<{ returned: unknown }>((resolve) => {
      const value = withSpan(parent, () =>
        proto.request.call(transport, { method: 'GET', path: '/books/_doc/1' }, {}, function (this: unknown, ...args: unknown[]) {
          calls.push({ args, self: this, active: getActiveSpan() });
          resolve({ returned: value }); // not resolve(value): a thenable would be adopted
        }),
      );
    });
    expect(calls).toHaveLength(1);
    expect(calls[0].args).toEqual([null, transport.outcome.result]);
    expect(calls[0].args[1]).toBe(transport.outcome.result);
    expect(calls[0].self).toBeUndefined();
    expect(calls[0].active).toBe(parent);
    expect(typeof (returned as { abort: Fn }).abort).toBe('function');
    const [span] = await esSpans(1);
    expect(span.operationName).toBe('elasticsearch.get');
    expect(span.tags).toMatchObject({ 'http.status_code': 200, 'peer.port': 9300, 'es.url': '/books/_doc/1' });
  });

  test('callback form (params, callback) with an error: the same error and result reach the callback', async () => {
    const transport = new Transport();
    const error = new ResponseError({ statusCode: 500 });
    const result = { statusCode: 500, meta: node(9301) };
    transport.outcome = { error, result };
    const args = await new Promise<unknown[]>((resolve) => withSpan(parent, () => proto.request.call(transport, { method: 'POST', path: '/_search' }, (...a: unknown[]) => resolve(a))));
    expect(args[0]).toBe(error);
    expect(args[1]).toBe(result);
    const [span] = await esSpans(1);
    expect(span.tags).toMatchObject({ error: true, 'http.status_code': 500, 'peer.port': 9301 });
  });

  test('promise form: the very object returned (with abort) resolves or rejects with the same value', async () => {
    const transport = new Transport();
    const request = withSpan(parent, () => proto.request.call(transport, { method: 'POST', path: '/_search' }));
    expect(request.abort()).toBe(request);
    await expect(request).resolves.toBe(transport.outcome.result);
    const error = new ResponseError({ statusCode: 400, meta: node(9302) });
    transport.outcome = { error, result: undefined };
    const failing = withSpan(parent, () => proto.request.call(transport, { method: 'POST', path: '/_count' }));
    await expect(failing.catch((e: unknown) => e)).resolves.toBe(error);
    let finallyRan = false;
    await withSpan(parent, () => proto.request.call(transport, { method: 'POST', path: '/_count' })).finally(() => (finallyRan = true)).catch(() => undefined);
    expect(finallyRan).toBe(true);
    const spans = await esSpans(3);
    expect(spans.map((s) => [s.operationName, s.tags['http.status_code']])).toEqual([
      ['elasticsearch.search', 200],
      ['elasticsearch.count', 400],
      ['elasticsearch.count', 400],
    ]);
  });

  test('an argument form the client does not know (a non-function callback) is passed through untouched', async () => {
    const transport = new Transport();
    const seen: unknown[][] = [];
    unpatchLegacyTransportClass(Transport);
    proto.request = (...args: unknown[]) => seen.push(args);
    patchLegacyTransportClass(Transport);
    withSpan(parent, () => proto.request.call(transport, search, {}, null));
    unpatchLegacyTransportClass(Transport);
    proto.request = original;
    expect(seen).toEqual([[search, {}, null]]);
    await esSpans(0);
  });
});
