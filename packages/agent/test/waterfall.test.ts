import { stripVTControlCharacters } from 'util';
import { groupTraces, renderWaterfall, selfTime, toJaegerJson, type DecodedSpan, type JaegerSpan, type Trace } from '@spanwise/agent';

const BASE = 1_700_000_000_000_000; // µs

let seq = 0;
function span(p: Partial<DecodedSpan> & { op: string; start: number; dur: number }): DecodedSpan {
  seq++;
  return {
    traceId: p.traceId ?? '00000000000000aa',
    spanId: p.spanId ?? seq.toString(16).padStart(16, '0'),
    parentSpanId: p.parentSpanId ?? '0000000000000000',
    operationName: p.op,
    serviceName: p.serviceName ?? 'api',
    processTags: p.processTags ?? { hostname: 'h1' },
    flags: 1,
    startTime: BASE + p.start,
    duration: p.dur,
    tags: p.tags ?? {},
    logs: p.logs ?? [],
    references: p.references ?? [],
  };
}

describe('selfTime', () => {
  const parent = span({ op: 'p', start: 0, dur: 100_000 });
  test('no children: the whole duration', () => {
    expect(selfTime(parent, [])).toBe(100_000);
  });
  test('sequential children are subtracted', () => {
    expect(selfTime(parent, [span({ op: 'a', start: 10_000, dur: 20_000 }), span({ op: 'b', start: 50_000, dur: 10_000 })])).toBe(70_000);
  });
  test('overlapping concurrent children are not double counted', () => {
    const kids = [
      span({ op: 'a', start: 10_000, dur: 40_000 }), // 10..50
      span({ op: 'b', start: 20_000, dur: 10_000 }), // 20..30 inside a
      span({ op: 'c', start: 40_000, dur: 20_000 }), // 40..60 overlaps a
      span({ op: 'd', start: 80_000, dur: 5_000 }), // 80..85
    ];
    expect(selfTime(parent, kids)).toBe(100_000 - 50_000 - 5_000);
  });
  test('children outliving the parent (or starting before it) are clipped to the parent', () => {
    const kids = [span({ op: 'late', start: 90_000, dur: 500_000 }), span({ op: 'early', start: -20_000, dur: 30_000 })];
    expect(selfTime(parent, kids)).toBe(100_000 - 10_000 - 10_000);
    expect(selfTime(parent, [span({ op: 'after', start: 200_000, dur: 1_000 })])).toBe(100_000);
    expect(selfTime(parent, [span({ op: 'all', start: -1, dur: 200_000 })])).toBe(0);
  });
});

describe('renderWaterfall', () => {
  const root = span({ op: 'GET /orders', start: 0, dur: 100_000, spanId: '0000000000000001' });
  const db = span({ op: 'db.query', serviceName: 'db', start: 10_000, dur: 30_000, spanId: '0000000000000002', parentSpanId: '0000000000000001' });
  const cache = span({ op: 'cache.get', start: 20_000, dur: 40_000, spanId: '0000000000000003', parentSpanId: '0000000000000001', tags: { error: true } });
  const nested = span({ op: 'db.connect', serviceName: 'db', start: 12_000, dur: 5_000, spanId: '0000000000000004', parentSpanId: '0000000000000002' });
  const orphan = span({ op: 'lost', start: 50_000, dur: 10_000, spanId: '0000000000000005', parentSpanId: '00000000000000ff' });
  const trace: Trace = { traceId: '00000000000000aa', spans: [orphan, cache, nested, db, root] };

  const out = renderWaterfall(trace, { width: 100, color: false });
  const lines = out.split('\n');
  const row = (op: string): string => {
    const l = lines.find((x) => x.includes(op));
    if (!l) throw new Error(`no line for ${op} in\n${out}`);
    return l;
  };
  const beforeBar = (line: string): string => line.slice(0, line.lastIndexOf('│', line.length - 2)); // tree lines use │ too
  const numbers = (op: string): number[] => (beforeBar(row(op)).match(/-?\d+\.\d\d/g) ?? []).map(Number);

  test('header, one line per span in tree order, at most 100 columns, no colour', () => {
    expect(lines[0]).toBe('Trace 00000000000000aa  5 spans  2 services  100.00 ms  1 error');
    const order = lines.slice(2).map((l) => l.match(/(GET \/orders|db\.query|db\.connect|cache\.get|lost)/)?.[1]);
    expect(order).toEqual(['GET /orders', 'db.query', 'db.connect', 'cache.get', 'lost']);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(100);
    expect(out).not.toContain('\u001b[');
  });

  test('children are indented under their parent', () => {
    const indentOf = (op: string): number => row(op).slice(2).search(/\S/);
    expect(indentOf('GET /orders')).toBe(0);
    expect(indentOf('db.query')).toBe(0); // "├ " starts at column 0 for depth 1
    expect(row('db.query').slice(2)).toMatch(/^├ db: db\.query/); // a sibling follows: ├
    expect(row('db.connect').slice(2)).toMatch(/^│ └ db: db\.connect/); // under db.query, whose sibling follows: │
    expect(row('cache.get').slice(2)).toMatch(/^└ api: cache\.get/); // the last child: └
    expect(row('GET /orders').slice(2)).toMatch(/^api: GET \/orders/);
  });

  test('start offset, duration and SELF time columns (children union, clipped)', () => {
    // root: children db 10..40 and cache 20..60 overlap -> covered 50 ms -> self 50 ms
    expect(numbers('GET /orders')).toEqual([0, 100, 50]);
    expect(numbers('db.query')).toEqual([10, 30, 25]);
    expect(numbers('db.connect')).toEqual([12, 5, 5]);
    expect(numbers('cache.get')).toEqual([20, 40, 40]);
    expect(numbers('lost')).toEqual([50, 10, 10]);
  });

  test('error spans are marked and orphans are shown at top level, marked', () => {
    expect(row('cache.get').startsWith('✖ ')).toBe(true);
    expect(row('db.query').startsWith('✖')).toBe(false);
    expect(row('lost').slice(2)).toMatch(/^\[orphan\] api: lost/);
    expect(row('GET /orders')).not.toContain('[orphan]');
  });

  test('bars are positioned on the timeline', () => {
    const bar = (op: string): string => row(op).split('│')[1];
    const rootBar = bar('GET /orders');
    expect(rootBar).toMatch(/^█+$/);
    const cacheBar = bar('cache.get');
    expect(cacheBar.length).toBe(rootBar.length);
    const from = cacheBar.indexOf('█');
    const to = cacheBar.lastIndexOf('█') + 1;
    expect(from).toBe(Math.floor(0.2 * rootBar.length));
    expect(to).toBe(Math.ceil(0.6 * rootBar.length));
  });

  test('no colour by default when stdout is not a TTY', () => {
    const desc = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
    Object.defineProperty(process.stdout, 'isTTY', { value: false, configurable: true });
    try {
      expect(renderWaterfall(trace)).toBe(out);
    } finally {
      if (desc) Object.defineProperty(process.stdout, 'isTTY', desc);
      else delete (process.stdout as { isTTY?: boolean }).isTTY;
    }
  });

  test('colour only when asked', () => {
    const colored = renderWaterfall(trace, { color: true });
    expect(colored).toContain('\u001b[31m'); // error in red
    expect(stripVTControlCharacters(colored)).toBe(out);
  });

  test('long names are truncated to keep the width', () => {
    const long = span({ op: 'x'.repeat(200), start: 0, dur: 1 });
    const l = renderWaterfall({ traceId: long.traceId, spans: [long] }, { color: false, width: 100 }).split('\n')[2];
    expect([...l].length).toBe(100);
    expect(l).toContain('…');
  });
});

describe('renderWaterfall: key tags and names', () => {
  const root = span({ op: 'GET /users/:id', start: 0, dur: 10_000, spanId: '00000000000000b1', tags: { 'http.status_code': 200 } });
  const query = span({
    op: 'SELECT users',
    serviceName: 'users',
    start: 1_000,
    dur: 2_000,
    spanId: '00000000000000b2',
    parentSpanId: '00000000000000b1',
    tags: { 'db.statement': 'SELECT * FROM users\n  WHERE id = ?', error: true },
    logs: [{ timestamp: BASE + 2_000, fields: { event: 'error', message: "Unknown column 'x'" } }],
  });
  const trace: Trace = { traceId: '00000000000000bb', spans: [root, query] };

  test('a dim second line under a span shows its status code, masked statement and error message', () => {
    const lines = renderWaterfall(trace, { width: 100, color: false }).split('\n');
    expect(lines[2]).toContain('api: GET /users/:id');
    expect(lines[3]).toBe('  │ status 200');
    expect(lines[4]).toContain('users: SELECT users');
    expect(lines[5]).toBe("      SELECT * FROM users WHERE id = ? · error: Unknown column 'x'");
    const colored = renderWaterfall(trace, { width: 100, color: true }).split('\n');
    expect(colored[3]).toBe('\u001b[2m  │ status 200\u001b[0m');
  });

  test('spans without key tags get no second line', () => {
    const plain = span({ op: 'plain', start: 0, dur: 1 });
    expect(renderWaterfall({ traceId: plain.traceId, spans: [plain] }, { color: false }).split('\n')).toHaveLength(3);
  });

  test('names are not cut when the terminal is wide enough: the name column grows, the timeline keeps 20 columns', () => {
    const name = 'GET /api/v1/organisations/:organisationId/projects/:projectId';
    const long = span({ op: name, serviceName: 'gateway', start: 0, dur: 1 });
    const wide = renderWaterfall({ traceId: long.traceId, spans: [long] }, { color: false, width: 130 }).split('\n')[2];
    expect(wide).toContain(`gateway: ${name}`);
    expect([...wide].length).toBe(130);
    expect(wide.split('│')[1].length).toBeGreaterThanOrEqual(20);
    const narrow = renderWaterfall({ traceId: long.traceId, spans: [long] }, { color: false, width: 80 }).split('\n')[2];
    expect(narrow).toContain('…');
    expect([...narrow].length).toBe(80);
  });
});

describe('groupTraces', () => {
  test('groups by traceId and sorts spans by start', () => {
    const a1 = span({ op: 'a1', start: 5, dur: 1, traceId: 'a'.repeat(16) });
    const a2 = span({ op: 'a2', start: 1, dur: 1, traceId: 'a'.repeat(16) });
    const b1 = span({ op: 'b1', start: 0, dur: 1, traceId: 'b'.repeat(32) });
    const traces = groupTraces([a1, b1, a2]);
    expect(traces.map((t) => t.traceId)).toEqual(['b'.repeat(32), 'a'.repeat(16)]);
    expect(traces[1].spans.map((s) => s.operationName)).toEqual(['a2', 'a1']);
  });
});

describe('toJaegerJson', () => {
  test('produces the Jaeger query-API shape Jaeger UI opens', () => {
    const root = span({ op: 'root', start: 0, dur: 2000, spanId: '00000000000000a1', processTags: { hostname: 'h1', pid: 1 } });
    const sameProcess = { hostname: 'h1', pid: 1 };
    const child = span({
      op: 'child',
      start: 100,
      dur: 500,
      spanId: '00000000000000a2',
      parentSpanId: '00000000000000a1',
      processTags: sameProcess,
      tags: { s: 'x', i: 3, f: 0.5, b: true },
      logs: [{ timestamp: BASE + 150, fields: { event: 'hit' } }],
      references: [{ refType: 'FOLLOWS_FROM', traceId: '00000000000000aa', spanId: '00000000000000a9' }],
    });
    const other = span({ op: 'other', serviceName: 'db', start: 10, dur: 1, spanId: '00000000000000a3', parentSpanId: '00000000000000a1' });
    const json = toJaegerJson(groupTraces([root, child, other]));
    expect(json.data).toHaveLength(1);
    const t = json.data[0];
    expect(t.traceID).toBe('00000000000000aa');
    expect(Object.keys(t.processes).sort()).toEqual(['p1', 'p2']);
    const procOf = (s: JaegerSpan) => t.processes[s.processID];
    const [r, o, c] = t.spans;
    expect(r).toMatchObject({ traceID: '00000000000000aa', spanID: '00000000000000a1', operationName: 'root', references: [], startTime: BASE, duration: 2000, flags: 1 });
    expect(procOf(r)).toEqual({ serviceName: 'api', tags: [{ key: 'hostname', type: 'string', value: 'h1' }, { key: 'pid', type: 'int64', value: 1 }] });
    expect(procOf(o).serviceName).toBe('db');
    expect(c.references).toEqual([
      { refType: 'CHILD_OF', traceID: '00000000000000aa', spanID: '00000000000000a1' },
      { refType: 'FOLLOWS_FROM', traceID: '00000000000000aa', spanID: '00000000000000a9' },
    ]);
    expect(c.startTime).toBe(BASE + 100);
    expect(c.duration).toBe(500);
    expect(c.tags).toEqual([
      { key: 's', type: 'string', value: 'x' },
      { key: 'i', type: 'int64', value: 3 },
      { key: 'f', type: 'float64', value: 0.5 },
      { key: 'b', type: 'bool', value: true },
    ]);
    expect(c.logs).toEqual([{ timestamp: BASE + 150, fields: [{ key: 'event', type: 'string', value: 'hit' }] }]);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json); // plain JSON
  });

  test('an explicit CHILD_OF reference to the parent is not duplicated', () => {
    const child = span({
      op: 'c',
      start: 1,
      dur: 1,
      parentSpanId: '00000000000000b1',
      references: [{ refType: 'CHILD_OF', traceId: '00000000000000aa', spanId: '00000000000000b1' }],
    });
    const json = toJaegerJson([{ traceId: child.traceId, spans: [child] }]);
    expect(json.data[0].spans[0].references).toHaveLength(1);
  });
});
