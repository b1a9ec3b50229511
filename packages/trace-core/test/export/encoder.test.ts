import {
  SpanEncoder,
  batchFraming,
  emitBatchFraming,
  encodeProcess,
  encodeSpan,
  type JaegerSpanLike,
} from '../../src/export';
import {
  ThriftUtils,
  UDPSender,
  decodeBatch,
  decodeEmitBatch,
  decodeSpan,
  jaegerSpanBytes,
  jaegerThrift,
  memoryTracer,
  normProcess,
  normSpan,
  opentracing,
  type JaegerSpan,
} from './helpers';

/** Finished spans from a real jaeger-client tracer covering ids, references, every tag type and logs. */
function buildSpans(traceId128bit: boolean): JaegerSpan[] {
  const { tracer, reporter } = memoryTracer({ traceId128bit, tags: { 'process.num': 42, 'process.flag': true } });
  const root = tracer.startSpan('root', { startTime: Number('1700000000123.4567') });
  const other = tracer.startSpan('other-trace');
  const child = tracer.startSpan('child', {
    references: [opentracing.childOf(root.context()), opentracing.followsFrom(other.context())],
    startTime: Number('1700000000200.0004'),
  });
  const tagged = tracer.startSpan('tags-of-every-kind', { childOf: child.context() });
  tagged.addTags({
    str: 'plain',
    utf8: 'héllo wörld ✓ 𝄞',
    long_str: 'x'.repeat(300),
    empty: '',
    int: 42,
    neg: -7,
    float: 3.14159,
    big: 2 ** 60,
    nan: NaN,
    inf: Infinity,
    t: true,
    f: false,
    bin: Buffer.from([0, 1, 2, 255]),
    obj: { a: 1, b: [true, null] },
    arr: [1, 'two'],
    nul: null,
    undef: undefined,
    bigint: BigInt('12345678901234567890'),
    date: new Date(0),
  });
  tagged.setTag('error', true);
  tagged.log({ event: 'cache-miss', key: 'k1', size: 12.5, ok: false }, Number('1700000000300.9999'));
  tagged.log({ message: 'with object', payload: { nested: { deep: 1 } } });
  tagged.finish(1700000000400.25);
  const negative = tracer.startSpan('negative-duration', { startTime: 1700000000500 });
  negative.finish(1700000000499.5);
  child.finish();
  other.finish();
  root.finish(1700000001000);
  const spans = reporter.spans.slice();
  tracer.close();
  return spans;
}

function named(spans: JaegerSpan[], operationName: string): JaegerSpan {
  const span = spans.find((s) => s._operationName === operationName);
  if (!span) throw new Error(`no span named ${operationName}`);
  return span;
}

describe('SpanEncoder: byte-level equivalence with jaeger-client', () => {
  for (const wide of [false, true]) {
    describe(`${wide ? '128' : '64'}-bit trace ids`, () => {
      const spans = buildSpans(wide);

      test('builds the spans we meant to cover', () => {
        expect(spans.length).toBe(5);
        const tagged = named(spans, 'tags-of-every-kind');
        expect(tagged._logs.length).toBe(2);
        expect(spans.some((s) => s._references.length === 2)).toBe(true);
        for (const s of spans) expect(s._spanContext.traceId?.length).toBe(wide ? 16 : 8);
      });

      test('jaegerCompatible mode writes exactly the bytes jaeger-client writes', () => {
        for (const span of spans) {
          expect(encodeSpan(span, { jaegerCompatible: true }).toString('hex')).toBe(jaegerSpanBytes(span).toString('hex'));
        }
      });

      test('compact mode decodes (thriftrw) to the same fields as ThriftUtils.spanToThrift', () => {
        for (const span of spans) {
          const ours = decodeSpan(encodeSpan(span));
          const theirs = decodeSpan(jaegerSpanBytes(span));
          expect(normSpan(ours, true)).toEqual(normSpan(theirs));
          // only the value field selected by vType is present in compact mode
          for (const t of ours.tags ?? []) expect(t.vLong ?? null).toBeNull();
        }
      });

      test('ids, parent, references, flags and times match jaeger-client field by field', () => {
        const child = named(spans, 'child');
        const root = named(spans, 'root');
        const other = named(spans, 'other-trace');
        const d = decodeSpan(encodeSpan(child));
        const t = ThriftUtils.spanToThrift(child);
        expect(d.traceIdLow).toEqual(t.traceIdLow);
        expect(d.traceIdHigh).toEqual(t.traceIdHigh);
        expect(d.spanId).toEqual(child._spanContext.spanId);
        expect(d.parentSpanId).toEqual(root._spanContext.spanId);
        expect(d.flags).toBe(child._spanContext.flags);
        expect(d.startTime).toEqual(t.startTime);
        expect(d.duration).toEqual(t.duration);
        // 1700000000200.0004 ms -> 1700000000200000 us (truncated like node-int64)
        expect(d.startTime.readBigInt64BE(0)).toBe(1700000000200000n);
        expect(d.references.map((r) => r.refType)).toEqual(['CHILD_OF', 'FOLLOWS_FROM']);
        expect(d.references[1].spanId).toEqual(other._spanContext.spanId);
        if (wide) expect(Buffer.concat([d.traceIdHigh, d.traceIdLow])).toEqual(child._spanContext.traceId);
        else expect(d.traceIdHigh).toEqual(Buffer.alloc(8));
        const neg = decodeSpan(encodeSpan(named(spans, 'negative-duration')));
        expect(neg.duration.readBigInt64BE(0)).toBe(-500n);
      });

      test('tag types are chosen like jaeger-client (double, bool, binary, JSON objects, String())', () => {
        const tagged = named(spans, 'tags-of-every-kind');
        const tags = Object.fromEntries(decodeSpan(encodeSpan(tagged)).tags.map((t) => [t.key, t]));
        expect(tags.int).toMatchObject({ vType: 'DOUBLE', vDouble: 42 });
        expect(tags.big).toMatchObject({ vType: 'DOUBLE', vDouble: 2 ** 60 });
        expect(tags.f).toMatchObject({ vType: 'BOOL', vBool: false });
        expect(tags.bin.vType).toBe('BINARY');
        expect(tags.bin.vBinary).toEqual(Buffer.from([0, 1, 2, 255]));
        expect(tags.obj).toMatchObject({ vType: 'STRING', vStr: '{"a":1,"b":[true,null]}' });
        expect(tags.nul).toMatchObject({ vType: 'STRING', vStr: 'null' });
        expect(tags.undef).toMatchObject({ vType: 'STRING', vStr: 'undefined' });
        expect(tags.bigint).toMatchObject({ vType: 'STRING', vStr: '12345678901234567890' });
        expect(tags.utf8.vStr).toBe('héllo wörld ✓ 𝄞');
        expect(Number.isNaN(tags.nan.vDouble)).toBe(true);
      });
    });
  }

  test('process struct matches jaeger-client (both modes)', () => {
    const tags = [
      { key: 'jaeger.version', value: 'Node-3.19.0' },
      { key: 'hostname', value: 'h' },
      { key: 'num', value: 1.5 },
      { key: 'flag', value: true },
    ];
    const proc = new jaegerThrift.Process({ serviceName: 'svc', tags: ThriftUtils.getThriftTags(tags).map((t: unknown) => new jaegerThrift.Tag(t)) });
    const theirs = jaegerThrift.Process.rw.toBuffer(proc).value;
    expect(encodeProcess('svc', tags, { jaegerCompatible: true })).toEqual(theirs);
    const r = jaegerThrift.Process.rw.readFrom(encodeProcess('svc', tags), 0);
    expect(normProcess(r.value, true)).toEqual(normProcess(jaegerThrift.Process.rw.readFrom(theirs, 0).value));
  });

  test('full UDP emitBatch payload equals what jaeger-client UDPSender sends for the same batch', () => {
    const spans = buildSpans(true);
    const processTags = [
      { key: 'jaeger.version', value: 'Node-3.19.0' },
      { key: 'ip', value: '10.1.2.3' },
    ];
    const sender = new UDPSender({});
    let theirs: Buffer | null = null;
    sender._client.send = (b: Buffer, o: number, l: number, _p: number, _h: string, cb: (err: Error | null, sent: number) => void) => {
      theirs = Buffer.from(b.subarray(o, o + l));
      cb(null, l);
    };
    try {
      sender.setProcess({ serviceName: 'udp-svc', tags: ThriftUtils.getThriftTags(processTags) });
      for (const s of spans) sender.append(ThriftUtils.spanToThrift(s));
      sender.flush();
    } finally {
      sender._client.close();
    }
    expect(theirs).not.toBeNull();

    for (const jaegerCompatible of [true, false]) {
      const enc = new SpanEncoder({ jaegerCompatible, initialSize: 16 });
      for (const s of spans) enc.encodeSpan(s);
      const framing = emitBatchFraming(encodeProcess('udp-svc', processTags, { jaegerCompatible }));
      const ours = Buffer.concat([framing.prefix(spans.length), enc.buf.subarray(0, enc.pos), framing.suffix]);
      if (jaegerCompatible) expect(ours.toString('hex')).toBe(theirs!.toString('hex'));
      const a = decodeEmitBatch(ours);
      const b = decodeEmitBatch(theirs!);
      expect({ name: a.name, type: a.type, id: a.id, version: a.version }).toEqual({
        name: b.name,
        type: b.type,
        id: b.id,
        version: b.version,
      });
      expect(normProcess(a.body.batch.process)).toEqual(normProcess(b.body.batch.process));
      expect(a.body.batch.spans.map((s) => normSpan(s, !jaegerCompatible))).toEqual(
        b.body.batch.spans.map((s) => normSpan(s)),
      );
      if (!jaegerCompatible) expect(ours.length).toBeLessThan(theirs!.length);
    }
  });

  test('HTTP Batch body decodes as jaeger.Batch with the same spans', () => {
    const spans = buildSpans(false);
    const enc = new SpanEncoder();
    for (const s of spans) enc.encodeSpan(s);
    const framing = batchFraming(encodeProcess('http-svc', [{ key: 'k', value: 'v' }]));
    const body = Buffer.concat([framing.prefix(spans.length), enc.buf.subarray(0, enc.pos), framing.suffix]);
    expect(framing.overhead).toBe(body.length - enc.pos);
    const batch = decodeBatch(body);
    expect(batch.process.serviceName).toBe('http-svc');
    expect(batch.spans.map((s) => normSpan(s))).toEqual(spans.map((s) => normSpan(decodeSpan(jaegerSpanBytes(s)))));
  });

  test('the buffer grows for huge spans and ids shorter than 8 bytes are left-padded', () => {
    const enc = new SpanEncoder({ initialSize: 8 });
    const span: JaegerSpanLike = {
      _spanContext: { traceId: Buffer.from([1, 2, 3]), spanId: Buffer.from([9]), parentId: null, flags: 1 },
      _operationName: 'huge',
      _references: [],
      _startTime: 1,
      _duration: 2,
      _tags: [{ key: 'blob', value: 'é'.repeat(100000) }],
      _logs: [],
    };
    enc.encodeSpan(span);
    const d = decodeSpan(enc.buf.subarray(0, enc.pos));
    expect(d.traceIdLow).toEqual(Buffer.from([0, 0, 0, 0, 0, 1, 2, 3]));
    expect(d.traceIdHigh).toEqual(Buffer.alloc(8));
    expect(d.spanId).toEqual(Buffer.from([0, 0, 0, 0, 0, 0, 0, 9]));
    expect(d.tags[0].vStr?.length).toBe(100000);
  });

  test('values jaeger-client would throw on (circular objects) are encoded as String(value), never thrown', () => {
    const { tracer, reporter } = memoryTracer();
    const circular: { a: number; self?: unknown } = { a: 1 };
    circular.self = circular;
    const span = tracer.startSpan('circular');
    span.setTag('c', circular);
    span.log({ nested: { big: BigInt(1) } });
    span.finish();
    const d = decodeSpan(encodeSpan(reporter.spans[0]));
    expect(d.tags.find((t) => t.key === 'c')).toMatchObject({ vType: 'STRING', vStr: '[object Object]' });
    expect(d.logs[0].fields[0]).toMatchObject({ key: 'nested', vType: 'STRING', vStr: '[object Object]' });
    tracer.close();
  });
});
