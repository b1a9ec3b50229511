import { decodeAgentPacket, decodeBatch, normalizeId, agentThriftPath } from '@spanwise/agent';
import * as fs from 'fs';
import { encodeBinaryBatch, encodeBinaryEmitBatch, encodeCompactEmitBatch, i64, type CV } from './helpers';

const str = (v: string): CV => ({ t: 'binary', v });
const long = (v: bigint): CV => ({ t: 'i64', v });
const tag = (key: string, vType: number, field: number, value: CV): CV => ({ t: 'struct', v: [[1, str(key)], [2, { t: 'i32', v: vType }], [field, value]] });

const rawBatch = {
  process: { serviceName: 'compact-svc', tags: [{ key: 'ip', vType: 'STRING', vStr: '10.0.0.1' }] },
  spans: [
    {
      traceIdLow: i64(-2n),
      traceIdHigh: i64(0x0102030405060708n),
      spanId: i64(0xabn),
      parentSpanId: i64(0xcdn),
      operationName: 'op',
      references: [{ refType: 'FOLLOWS_FROM', traceIdLow: i64(-2n), traceIdHigh: i64(0x0102030405060708n), spanId: i64(0xefn) }],
      flags: 3,
      startTime: i64(1_700_000_000_123_456n),
      duration: i64(789n),
      tags: [
        { key: 's', vType: 'STRING', vStr: 'x' },
        { key: 'd', vType: 'DOUBLE', vDouble: -1.25 },
        { key: 'b', vType: 'BOOL', vBool: true },
        { key: 'f', vType: 'BOOL', vBool: false },
        { key: 'l', vType: 'LONG', vLong: i64(-5n) },
        { key: 'bin', vType: 'BINARY', vBinary: Buffer.from('héllo') },
      ],
      logs: [{ timestamp: i64(1_700_000_000_123_500n), fields: [{ key: 'event', vType: 'STRING', vStr: 'done' }] }],
    },
  ],
};

const compactBatch: CV = {
  t: 'struct',
  v: [
    [1, { t: 'struct', v: [[1, str('compact-svc')], [2, { t: 'list', elem: 'struct', v: [tag('ip', 0, 3, str('10.0.0.1'))] }]] }],
    [
      2,
      {
        t: 'list',
        elem: 'struct',
        v: [
          {
            t: 'struct',
            v: [
              [1, long(-2n)],
              [2, long(0x0102030405060708n)],
              [3, long(0xabn)],
              [4, long(0xcdn)],
              [5, str('op')],
              [6, { t: 'list', elem: 'struct', v: [{ t: 'struct', v: [[1, { t: 'i32', v: 1 }], [2, long(-2n)], [3, long(0x0102030405060708n)], [4, long(0xefn)]] }] }],
              [7, { t: 'i32', v: 3 }],
              [8, long(1_700_000_000_123_456n)],
              [9, long(789n)],
              [
                10,
                {
                  t: 'list',
                  elem: 'struct',
                  v: [
                    tag('s', 0, 3, str('x')),
                    tag('d', 1, 4, { t: 'double', v: -1.25 }),
                    tag('b', 2, 5, { t: 'bool', v: true }),
                    tag('f', 2, 5, { t: 'bool', v: false }),
                    tag('l', 3, 6, long(-5n)),
                    tag('bin', 4, 7, { t: 'binary', v: Buffer.from('héllo') }),
                  ],
                },
              ],
              [11, { t: 'list', elem: 'struct', v: [{ t: 'struct', v: [[1, long(1_700_000_000_123_500n)], [2, { t: 'list', elem: 'struct', v: [tag('event', 0, 3, str('done'))] }]] }] }],
            ],
          },
        ],
      },
    ],
  ],
};

const expected = [
  {
    traceId: '0102030405060708fffffffffffffffe',
    spanId: '00000000000000ab',
    parentSpanId: '00000000000000cd',
    operationName: 'op',
    serviceName: 'compact-svc',
    processTags: { ip: '10.0.0.1' },
    flags: 3,
    startTime: 1_700_000_000_123_456,
    duration: 789,
    tags: { s: 'x', d: -1.25, b: true, f: false, l: -5, bin: Buffer.from('héllo').toString('base64') },
    logs: [{ timestamp: 1_700_000_000_123_500, fields: { event: 'done' } }],
    references: [{ refType: 'FOLLOWS_FROM', traceId: '0102030405060708fffffffffffffffe', spanId: '00000000000000ef' }],
  },
];

describe('decoders', () => {
  test('binary emitBatch (port 6832 format)', () => {
    expect(decodeAgentPacket(encodeBinaryEmitBatch(rawBatch))).toEqual(expected);
  });

  test('compact emitBatch (port 6831 format) decodes to the same spans', () => {
    expect(decodeAgentPacket(encodeCompactEmitBatch(compactBatch))).toEqual(expected);
  });

  test('binary Batch (HTTP collector body)', () => {
    expect(decodeBatch(encodeBinaryBatch(rawBatch))).toEqual(expected);
  });

  test('garbage and truncated input throw Errors', () => {
    const compact = encodeCompactEmitBatch(compactBatch);
    const binary = encodeBinaryEmitBatch(rawBatch);
    for (const bad of [Buffer.alloc(0), Buffer.from('hello'), compact.subarray(0, compact.length - 5), binary.subarray(0, 30), Buffer.alloc(64, 0xff)]) {
      expect(() => decodeAgentPacket(bad)).toThrow(Error);
    }
    expect(() => decodeBatch(Buffer.from('nope'))).toThrow(/not a Thrift binary Batch/);
  });

  test('normalizeId pads jaeger-client ids and rejects non-hex', () => {
    expect(normalizeId('ABC')).toBe('0000000000000abc');
    expect(normalizeId('1ffffffffffffffff')).toBe('0000000000000001ffffffffffffffff');
    expect(() => normalizeId('xyz')).toThrow(/normalizeId/);
  });

  test('agentThriftPath points at the IDL shipped in jaeger-client', () => {
    expect(fs.readFileSync(agentThriftPath(), 'utf8')).toMatch(/service Agent/);
  });
});
