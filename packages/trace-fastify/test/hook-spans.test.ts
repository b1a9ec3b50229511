/** The hook-span wrapper on traced requests, in-process with an in-memory tracer. */
import { getActiveSpan, resetForTests, withSpan } from '@spanwise/trace-core';
import type { FastifyRequestLike } from '../src/types';
import { wrapHook } from '../src/utils';
import { idOf, inMemoryTracer, parentOf, tracedRequest } from '../../../test-support/in-memory-tracer';

describe('wrapHook on a traced request', () => {
  let memory: { spans: any[] }; // eslint-disable-line @typescript-eslint/no-explicit-any -- jaeger-client's spans are untyped
  beforeEach(() => {
    memory = inMemoryTracer();
  });
  afterAll(() => resetForTests());

  function request() {
    const { req, record } = tracedRequest('fastify');
    return { request: { raw: req, method: 'GET' } as FastifyRequestLike, record };
  }
  const tag = (span: { _tags: { key: string; value: unknown }[] }, key: string) => span._tags.find((t) => t.key === key)?.value;

  it('callback hook: a child span of the server span, active in the hook; done gets its arguments unchanged and runs under the server span', () => {
    const { request: req, record } = request();
    let inHook: unknown;
    let inDone: unknown;
    const hook = wrapHook('onSend', function compress(_request: unknown, _reply: unknown, payload: string, done: (err: null, p: string) => void) {
      inHook = getActiveSpan();
      done(null, payload.toUpperCase());
    });
    const doneArgs: unknown[] = [];
    withSpan(record.span, () =>
      hook(req, {}, 'payload', (...args: unknown[]) => {
        inDone = getActiveSpan();
        doneArgs.push(...args);
      }),
    );
    expect(doneArgs).toEqual([null, 'PAYLOAD']);
    expect(memory.spans).toHaveLength(1);
    const [span] = memory.spans;
    expect(span.operationName).toBe('onSend compress');
    expect(parentOf(span)).toBe(idOf(record.span));
    expect(tag(span, 'hook.name')).toBe('onSend');
    expect(inHook).toBe(span);
    expect(inDone).toBe(record.span);
  });

  it('callback hook calling done(error): the span records it; done receives the same error', () => {
    const { request: req, record } = request();
    const error = new Error('denied');
    const hook = wrapHook('preHandler', function check(_r: unknown, _p: unknown, done: (e: Error) => void) {
      done(error);
    });
    const received: unknown[] = [];
    withSpan(record.span, () => hook(req, {}, (e: unknown) => received.push(e)));
    expect(received).toEqual([error]);
    expect(tag(memory.spans[0], 'error')).toBe(true);
  });

  it('async hook: span ends when it settles, the rejection is the hook\'s own', async () => {
    const { request: req, record } = request();
    const error = new Error('async denied');
    const hook = wrapHook('onRequest', async function authenticate() {
      await new Promise((r) => setTimeout(r, 5));
      throw error;
    });
    await expect(withSpan(record.span, () => hook(req, {}))).rejects.toBe(error);
    const [span] = memory.spans;
    expect(span.operationName).toBe('onRequest authenticate');
    expect(tag(span, 'error')).toBe(true);
    expect(span._duration).toBeGreaterThanOrEqual(3);
  });

  it('a throw from a callback hook propagates unchanged and ends the span once', () => {
    const { request: req, record } = request();
    const error = new Error('sync');
    const hook = wrapHook('preValidation', function broken() {
      throw error;
    });
    expect(() => withSpan(record.span, () => hook(req, {}, () => undefined))).toThrow(error);
    expect(memory.spans).toHaveLength(1);
  });

  it('an error with a 4xx statusCode does not mark the hook span failed', async () => {
    const { request: req, record } = request();
    const unauthorized = Object.assign(new Error('401'), { statusCode: 401 });
    const hook = wrapHook('onRequest', async function auth() {
      throw unauthorized;
    });
    await expect(withSpan(record.span, () => hook(req, {}))).rejects.toBe(unauthorized);
    expect(tag(memory.spans[0], 'error')).toBeUndefined();
  });
});
