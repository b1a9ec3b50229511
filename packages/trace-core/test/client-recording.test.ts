import type { Span } from 'opentracing';
import {
  ClientCall,
  clientTags,
  endClientSpan,
  errorForSpan,
  getTracer,
  peerTags,
  recordClientError,
  serverPeer,
  startClientCall,
  truncateStatement,
  urlPeer,
  withSpan,
  type ErrorRecording,
} from '../src';
import { inMemoryTracer } from '../../../test-support/in-memory-tracer';

interface Recorded {
  tags: Record<string, unknown>;
  logs: Array<Record<string, unknown>>;
}

function recorded(span: unknown): Recorded {
  const raw = span as { _tags: Array<{ key: string; value: unknown }>; _logs: Array<{ fields: Array<{ key: string; value: unknown }> }> };
  return {
    tags: Object.fromEntries(raw._tags.map((t) => [t.key, t.value])),
    logs: raw._logs.map((log) => Object.fromEntries(log.fields.map((f) => [f.key, f.value]))),
  };
}

function childSpan(name = 'call', tags = {}): Span {
  const parent = getTracer().startSpan('request');
  return withSpan(parent, () => startClientCall(name, tags))!;
}

const maskQuoted = (message: string) => message.replace(/'[^']*'/g, "'?'");

describe('peer tags', () => {
  it('serverPeer: host:port with the client default, or a unix socket as the address alone', () => {
    expect(serverPeer({ host: 'db', port: 3307 }, 3306)).toEqual({ hostname: 'db', port: 3307, address: 'db:3307' });
    expect(serverPeer({}, 6379)).toEqual({ hostname: 'localhost', port: 6379, address: 'localhost:6379' });
    expect(serverPeer(undefined, 5432)).toEqual({ hostname: 'localhost', port: 5432, address: 'localhost:5432' });
    expect(serverPeer({ host: 'db', socketPath: '/run/db.sock' }, 3306)).toEqual({ address: '/run/db.sock' });
  });

  it('urlPeer: IPv6 without brackets, the scheme default port, never the userinfo', () => {
    expect(urlPeer(new URL('http://[::1]:9200/'))).toEqual({ hostname: '::1', port: 9200 });
    expect(urlPeer(new URL('https://user:secret@es.cloud'))).toEqual({ hostname: 'es.cloud', port: 443 });
    expect(urlPeer(new URL('http://es.local'))).toEqual({ hostname: 'es.local', port: 80 });
  });

  it('peerTags sets each field given; clientTags puts the component first and the peer last', () => {
    expect(peerTags({ hostname: 'h', port: 1, address: 'h:1', service: 'billing' })).toEqual({ 'peer.hostname': 'h', 'peer.port': 1, 'peer.address': 'h:1', 'peer.service': 'billing' });
    expect(peerTags({ address: '/sock' })).toEqual({ 'peer.address': '/sock' });
    expect(clientTags('redis-client', { hostname: 'c', port: 2 }, { 'db.type': 'redis' })).toEqual({ component: 'redis-client', 'db.type': 'redis', 'peer.hostname': 'c', 'peer.port': 2 });
    expect(clientTags('es', undefined)).toEqual({ component: 'es' });
  });
});

describe('startClientCall', () => {
  it('a client span with the shared tags, a child of the active span; none outside a trace', () => {
    inMemoryTracer();
    const tags = clientTags('db', serverPeer({ host: 'db' }, 3306));
    const span = childSpan('SELECT t', tags);
    expect(recorded(span).tags).toMatchObject({ 'span.kind': 'client', component: 'db', 'peer.hostname': 'db', 'peer.port': 3306, 'peer.address': 'db:3306' });
    expect(tags).toEqual({ component: 'db', 'peer.hostname': 'db', 'peer.port': 3306, 'peer.address': 'db:3306' }); // not mutated
    expect(startClientCall('SELECT t', tags)).toBeUndefined();
  });

  it('does no tag work for an unsampled span', () => {
    inMemoryTracer({ sampler: { type: 'const', param: 0 } });
    let reads = 0;
    const tags = {
      get component() {
        reads++;
        return 'db';
      },
    };
    childSpan('SELECT t', tags);
    expect(reads).toBe(0);
    inMemoryTracer();
    childSpan('SELECT t', tags);
    expect(reads).toBe(1);
  });
});

describe('ending a client call', () => {
  const errors: ErrorRecording = { maskMessage: maskQuoted, fields: (error) => ({ 'db.error.code': (error as { code?: string }).code }) };

  it('ends once whichever way comes first; the error flag and log follow the OpenTracing convention, masked', () => {
    const memory = inMemoryTracer();
    const call = new ClientCall(childSpan(), errors);
    const error = Object.assign(new RangeError("Duplicate entry 'hunter2' for key 'k'"), { code: 'ER_DUP_ENTRY', sql: "INSERT 'hunter2'" });
    expect(call.end(error)).toBe(true);
    expect(call.end()).toBe(false);
    expect(call.end(new Error('later'))).toBe(false);
    expect(call.done).toBe(true);
    expect(memory.spans).toHaveLength(1);
    const { tags, logs } = recorded(memory.spans[0]);
    expect(tags.error).toBe(true);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ event: 'error', 'error.kind': 'RangeError', message: "Duplicate entry '?' for key '?'", 'db.error.code': 'ER_DUP_ENTRY' });
    expect(String(logs[0].stack)).toMatch(/^RangeError: Duplicate entry '\?' for key '\?'\n\s+at /);
    expect(JSON.stringify(logs)).not.toContain('hunter2');
    expect(error.message).toBe("Duplicate entry 'hunter2' for key 'k'"); // the app's error is untouched
  });

  it('a success records no error; null and undefined are no error', () => {
    const memory = inMemoryTracer();
    endClientSpan(childSpan(), null, errors);
    new ClientCall(childSpan()).end(undefined);
    for (const span of memory.spans) expect(recorded(span)).toEqual({ tags: expect.not.objectContaining({ error: true }), logs: [] });
  });

  it('extra fields join the error log', () => {
    const memory = inMemoryTracer();
    endClientSpan(childSpan(), new Error('not found'), undefined, { 'http.status_code': 404 });
    expect(recorded(memory.spans[0]).logs[0]).toMatchObject({ message: 'not found', 'http.status_code': 404 });
  });

  it('an unsampled span gets no masking or field work', () => {
    inMemoryTracer({ sampler: { type: 'const', param: 0 } });
    const span = childSpan();
    let work = 0;
    recordClientError(span, new Error("'x'"), { maskMessage: (m) => (work++, m), fields: () => (work++, {}) });
    expect(work).toBe(0);
    expect(recorded(span).logs).toEqual([]);
  });
});

describe('errorForSpan', () => {
  it('the error itself when nothing is masked or cut; non-errors as they are', () => {
    const error = new Error('plain');
    expect(errorForSpan(error, { maskMessage: maskQuoted })).toBe(error);
    expect(errorForSpan(error)).toBe(error);
    expect(errorForSpan('text')).toBe('text');
  });

  it('cuts a long message before masking it (bounded cost), keeping name, prototype and frames', () => {
    const error = new TypeError('x'.repeat(10_000) + "'secret'");
    let seen = 0;
    const copy = errorForSpan(error, { maskMessage: (m) => ((seen = Math.max(seen, m.length)), m), maxMessageLength: 100 }) as Error;
    expect(copy).toBeInstanceOf(TypeError);
    expect(copy.message).toHaveLength(100);
    expect(copy.message.endsWith('...')).toBe(true);
    expect(seen).toBeLessThanOrEqual(100);
    expect(copy.stack).toMatch(/^TypeError: x+\.\.\.\n\s+at /);
    expect(copy.stack).not.toContain('secret');
    expect((errorForSpan(error) as Error).message).toHaveLength(2048);
  });

  it('masks a stack header that quotes more than the message', () => {
    const error = new Error('safe');
    error.stack = "Error: value 'hunter2'\n    at f (file.js:1:1)";
    const copy = errorForSpan(error, { maskMessage: maskQuoted }) as Error;
    expect(copy.stack).toBe('Error: safe\n    at f (file.js:1:1)');
  });
});

describe('truncateStatement', () => {
  it('counts the mark in the limit by default, or keeps the limit and marks after it', () => {
    expect(truncateStatement('SELECT 1', 8)).toBe('SELECT 1');
    expect(truncateStatement('SELECT 12', 8)).toBe('SELEC...');
    expect(truncateStatement('SELECT 12', 8)).toHaveLength(8);
    expect(truncateStatement('SELECT 12', 8, { markAfterLimit: true })).toBe('SELECT 1...');
    expect(truncateStatement('SELECT 12', 0)).toBe('SELECT 12');
  });
});
