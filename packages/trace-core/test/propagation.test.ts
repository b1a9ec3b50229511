import { parseB3Multi, parseB3Single, parseTraceparent, writeB3Multi, writeB3Single, writeTraceparent } from '../src/propagation';
import { hasValidUberTraceId } from '../src/propagation/jaeger-header';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('W3C traceparent', () => {
  it('parses a valid header with tracestate', () => {
    expect(parseTraceparent({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: 'vendor=x' })).toEqual({ traceId: TRACE, spanId: SPAN, sampled: true, traceState: 'vendor=x' });
    expect(parseTraceparent({ traceparent: `00-${TRACE}-${SPAN}-00` })?.sampled).toBe(false);
  });

  it.each([
    'garbage',
    `00-${TRACE}-${SPAN}`,
    `00-${'0'.repeat(32)}-${SPAN}-01`,
    `00-${TRACE}-${'0'.repeat(16)}-01`,
    `ff-${TRACE}-${SPAN}-01`,
    `00-${TRACE}-${SPAN}-01-extra`,
    `00-${TRACE.toUpperCase()}-${SPAN}-01`,
    `00-${TRACE}-${SPAN}-zz`,
  ])('rejects malformed %s', (value) => {
    expect(parseTraceparent({ traceparent: value })).toBeUndefined();
  });

  it('accepts future versions with extra fields', () => {
    expect(parseTraceparent({ traceparent: `01-${TRACE}-${SPAN}-01-what-ever` })?.traceId).toBe(TRACE);
  });

  it('writes traceparent and tracestate', () => {
    const headers: Record<string, unknown> = {};
    writeTraceparent({ traceId: TRACE, spanId: SPAN, sampled: false, traceState: 'a=b' }, headers);
    expect(headers).toEqual({ traceparent: `00-${TRACE}-${SPAN}-00`, tracestate: 'a=b' });
  });
});

describe('B3', () => {
  it('parses multi-header, 64 and 128-bit', () => {
    expect(parseB3Multi({ 'x-b3-traceid': SPAN, 'x-b3-spanid': SPAN, 'x-b3-sampled': '1' })).toMatchObject({ traceId: '0000000000000000' + SPAN, spanId: SPAN, sampled: true });
    expect(parseB3Multi({ 'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN, 'x-b3-parentspanid': 'a'.repeat(16), 'x-b3-flags': '1' })).toMatchObject({ traceId: TRACE, parentSpanId: 'a'.repeat(16), debug: true, sampled: true });
  });

  it('parses single header', () => {
    expect(parseB3Single({ b3: `${TRACE}-${SPAN}-1-${'b'.repeat(16)}` })).toMatchObject({ traceId: TRACE, spanId: SPAN, sampled: true, parentSpanId: 'b'.repeat(16) });
    expect(parseB3Single({ b3: `${TRACE}-${SPAN}` })?.sampled).toBeUndefined();
    expect(parseB3Single({ b3: `${TRACE}-${SPAN}-d` })).toMatchObject({ debug: true });
  });

  it.each([{ b3: '1' }, { b3: 'nope' }, { b3: `${TRACE}-short-1` }, { b3: `${TRACE}-${SPAN}-x` }, { b3: `${TRACE}-${SPAN}-1-zz` }])('rejects malformed single %j', (headers) => {
    expect(parseB3Single(headers)).toBeUndefined();
  });

  it.each([{ 'x-b3-traceid': 'xyz', 'x-b3-spanid': SPAN }, { 'x-b3-traceid': TRACE }, { 'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN, 'x-b3-sampled': 'maybe' }])('rejects malformed multi %j', (headers) => {
    expect(parseB3Multi(headers)).toBeUndefined();
  });

  it('writes both forms', () => {
    const multi: Record<string, unknown> = {};
    writeB3Multi({ traceId: TRACE, spanId: SPAN, parentSpanId: 'c'.repeat(16), sampled: true }, multi);
    expect(multi).toEqual({ 'x-b3-traceid': TRACE, 'x-b3-spanid': SPAN, 'x-b3-parentspanid': 'c'.repeat(16), 'x-b3-sampled': '1' });
    const single: Record<string, unknown> = {};
    writeB3Single({ traceId: TRACE, spanId: SPAN, sampled: false }, single);
    expect(single).toEqual({ b3: `${TRACE}-${SPAN}-0` });
  });
});

describe('uber-trace-id validation', () => {
  it.each([`${TRACE}:${SPAN}:0:1`, 'abc:def:0:1', `${TRACE}%3A${SPAN}%3A0%3A1`])('accepts %s', (value) => {
    expect(hasValidUberTraceId({ 'uber-trace-id': value })).toBe(true);
  });
  it.each(['12zz:1:0:1', '0:1:0:1', 'a:0:0:1', 'a:b:c', 'a:b:c:d:e', '%E0%A4%A', ''])('rejects %s', (value) => {
    expect(hasValidUberTraceId({ 'uber-trace-id': value })).toBe(false);
  });
});
