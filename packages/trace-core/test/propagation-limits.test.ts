import { resolveConfig } from '../src/config';
import { propagationDrops, sanitizeTraceState, setPropagationLimits, DEFAULT_PROPAGATION_LIMITS } from '../src/propagation';
import { limitBaggage, readW3cBaggage, writeW3cBaggage } from '../src/propagation/baggage';
import { init, getPropagation, getTracer, resetForTests } from '../src/tracer';

afterEach(() => setPropagationLimits(DEFAULT_PROPAGATION_LIMITS));

describe('tracestate (W3C Trace Context rules)', () => {
  it.each([
    ['rojo=00f067aa0ba902b7', 'rojo=00f067aa0ba902b7'],
    ['rojo=00f067aa0ba902b7 , congo=t61rcWkgMzE', 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE'],
    ['tenant1@sys=v, ,a-b*c/d_e=x y', 'tenant1@sys=v,a-b*c/d_e=x y'],
    ['', undefined],
  ])('keeps a valid header %j', (raw, expected) => {
    expect(sanitizeTraceState(raw)).toBe(expected);
  });

  it.each([
    ['an upper-case key', 'Rojo=1'],
    ['a key starting with a digit (not multi-tenant)', '1abc=1'],
    ['a value with "="', 'rojo=a=b'],
    ['a control character in a value', 'rojo=a\u0000c,x=1'],
    ['a member without "="', 'rojo'],
    ['a duplicate key', 'rojo=1,rojo=2'],
    ['33 members', Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(',')],
    ['a 257-character value', `rojo=${'v'.repeat(257)}`],
    ['a system id over 14 characters', `t@${'s'.repeat(15)}=1`],
    ['a 13 KB member', `rojo=${'x'.repeat(13 * 1024)}`],
  ])('drops the whole header for %s, and counts it', (_what, raw) => {
    const before = propagationDrops().traceStateInvalid;
    expect(sanitizeTraceState(raw)).toBeUndefined();
    expect(propagationDrops().traceStateInvalid).toBe(before + 1);
  });

  it('cuts a long header to maxTraceStateBytes: members over 128 characters first, then from the end', () => {
    const long = `big=${'v'.repeat(200)}`;
    const shorts = Array.from({ length: 20 }, (_, i) => `key${i}=${'s'.repeat(40)}`);
    const before = propagationDrops().traceStateTruncated;
    const cut = sanitizeTraceState([shorts[0], long, ...shorts.slice(1)].join(','))!;
    expect(cut.length).toBeLessThanOrEqual(512);
    expect(cut).not.toContain('big=');
    expect(cut.startsWith(`${shorts[0]},${shorts[1]}`)).toBe(true);
    expect(cut.split(',')).toHaveLength(Math.floor(513 / (shorts[0].length + 1)));
    expect(propagationDrops().traceStateTruncated).toBe(before + 1);
    setPropagationLimits({ ...DEFAULT_PROPAGATION_LIMITS, maxTraceStateBytes: 0 });
    expect(sanitizeTraceState('rojo=1')).toBeUndefined();
  });
});

describe('baggage caps', () => {
  it('keeps items in order up to maxBaggageItems and maxBaggageBytes, counting what it drops', () => {
    setPropagationLimits({ ...DEFAULT_PROPAGATION_LIMITS, maxBaggageItems: 3, maxBaggageBytes: 30 });
    const baggage: Record<string, string> = { a: '1', b: 'x'.repeat(40), c: '3', d: '4', e: '5' };
    const before = propagationDrops().baggageItems;
    limitBaggage(baggage);
    expect(baggage).toEqual({ a: '1', c: '3', d: '4' });
    expect(propagationDrops().baggageItems).toBe(before + 2);
  });

  it('reads the W3C baggage header: percent-decoding, properties dropped, malformed members skipped', () => {
    const baggage: Record<string, string> = {};
    readW3cBaggage({ baggage: 'user=alice%20b, tier = gold;prop=1,bad key=1,ok=%E0%A4%A' }, baggage);
    expect(baggage).toEqual({ user: 'alice b', tier: 'gold' });
  });

  it('writes the W3C baggage header percent-encoded and at most maxBaggageBytes long', () => {
    const headers: Record<string, unknown> = {};
    writeW3cBaggage({ user: 'alice b', 'not a token': 'x', long: 'y'.repeat(3000), tier: 'gold' }, headers);
    expect(headers.baggage).toBe('user=alice%20b,tier=gold');
    const none: Record<string, unknown> = {};
    writeW3cBaggage({}, none);
    expect(none).toEqual({});
  });
});

describe('Propagation with a jaeger-client tracer: baggage read from uberctx-* and baggage, capped, written in both forms', () => {
  beforeEach(() => {
    resetForTests();
    init({ serviceName: 'limits', reporter: { agentPort: 9 }, flushOnExit: false, propagation: { maxBaggageItems: 4, maxBaggageBytes: 200 } });
  });
  afterEach(() => resetForTests());

  it('a W3C traceparent context gets uberctx-* and baggage items; outgoing headers carry the capped set both ways', () => {
    const headers: Record<string, string> = {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      'uberctx-first': 'one',
      baggage: `second=two,third=${'x'.repeat(300)},fourth=4,fifth=5,sixth=6`,
    };
    const context = getPropagation().extract(headers)!;
    const span = getTracer().startSpan('child', { childOf: context });
    expect(span.getBaggageItem('first')).toBe('one');
    expect(span.getBaggageItem('second')).toBe('two');
    expect(span.getBaggageItem('third')).toBeUndefined();
    const out: Record<string, unknown> = {};
    getPropagation().inject(span, out);
    const uber = Object.keys(out).filter((k) => k.startsWith('uberctx-')).sort();
    expect(uber).toEqual(['uberctx-fifth', 'uberctx-first', 'uberctx-fourth', 'uberctx-second']);
    expect(out.baggage).toBe('first=one,second=two,fourth=4,fifth=5');
    expect(String(out.traceparent)).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(out['uber-trace-id']).toBeDefined();
  });

  it('uber-trace-id with 13 KB of uberctx-* baggage: at most maxBaggageItems/maxBaggageBytes are passed on', () => {
    const headers: Record<string, string> = { 'uber-trace-id': 'a3ce929d0e0e4736:00f067aa0ba902b7:0:1' };
    for (let i = 0; i < 26; i++) headers[`uberctx-k${i}`] = 'v'.repeat(500);
    headers['uberctx-small'] = 's';
    const span = getTracer().startSpan('child', { childOf: getPropagation().extract(headers)! });
    const out: Record<string, unknown> = {};
    getPropagation().inject(span, out);
    expect(Object.keys(out).filter((k) => k.startsWith('uberctx-'))).toEqual(['uberctx-small']);
  });
});

describe('configuration of the caps', () => {
  it('defaults, options and SPANWISE_MAX_* variables', () => {
    expect(resolveConfig({}, {}).propagationLimits).toEqual({ maxBaggageItems: 32, maxBaggageBytes: 2048, maxTraceStateBytes: 512 });
    expect(resolveConfig({}, { SPANWISE_MAX_BAGGAGE_ITEMS: '8', SPANWISE_MAX_BAGGAGE_BYTES: '1024', SPANWISE_MAX_TRACESTATE_BYTES: '256' }).propagationLimits).toEqual({
      maxBaggageItems: 8,
      maxBaggageBytes: 1024,
      maxTraceStateBytes: 256,
    });
    expect(resolveConfig({ propagation: { maxBaggageItems: 2 } }, { SPANWISE_MAX_BAGGAGE_ITEMS: '8' }).propagationLimits.maxBaggageItems).toBe(2);
    expect(resolveConfig({}, { SPANWISE_MAX_VALUE_LENGTH: '1000', SPANWISE_MAX_STACK_LENGTH: '2000' }).reporter).toMatchObject({ maxValueLength: 1000, maxStackLength: 2000 });
  });

  it.each([
    [{ SPANWISE_MAX_BAGGAGE_ITEMS: 'many' }, /SPANWISE_MAX_BAGGAGE_ITEMS must be a number/],
    [{ SPANWISE_MAX_BAGGAGE_BYTES: '-1' }, /SPANWISE_MAX_BAGGAGE_BYTES \(propagation.maxBaggageBytes\) must be an integer of at least 0/],
    [{ SPANWISE_MAX_TRACESTATE_BYTES: '1.5' }, /SPANWISE_MAX_TRACESTATE_BYTES/],
    [{ SPANWISE_MAX_VALUE_LENGTH: '3' }, /SPANWISE_MAX_VALUE_LENGTH \(reporter.maxValueLength\) must be an integer of at least 16/],
    [{ SPANWISE_MAX_STACK_LENGTH: 'x' }, /SPANWISE_MAX_STACK_LENGTH must be a number/],
  ])('rejects %j at startup, naming the setting', (env, message) => {
    expect(() => resolveConfig({}, env)).toThrow(message);
  });
});
