import { buildTree, criticalPath, percentile, selfIntervals, timeByOperation, type DecodedSpan } from '@spanwise/agent';
import { mainRoot, selfTime } from '../src/timing';

const ZERO = '0000000000000000';
const id = (n: number): string => n.toString(16).padStart(16, '0');

/** A span with id n, parent p (0 = root), start and duration in µs. */
function sp(n: number, p: number, start: number, dur: number, extra: Partial<DecodedSpan> = {}): DecodedSpan {
  return {
    traceId: 'aaaaaaaaaaaaaaaa', spanId: id(n), parentSpanId: p ? id(p) : ZERO, operationName: `op${n}`, serviceName: 'svc',
    processTags: {}, flags: 1, startTime: start, duration: dur, tags: {}, logs: [], references: [], ...extra,
  };
}

describe('selfTime / selfIntervals', () => {
  test('overlapping children are counted once', () => {
    const parent = sp(1, 0, 0, 100);
    const kids = [sp(2, 1, 10, 40), sp(3, 1, 30, 30), sp(4, 1, 80, 5)]; // union 10..60 and 80..85
    expect(selfIntervals(parent, kids)).toEqual([[0, 10], [60, 80], [85, 100]]);
    expect(selfTime(parent, kids)).toBe(100 - 50 - 5);
  });

  test('an async child running past its parent only covers the part inside the parent', () => {
    const parent = sp(1, 0, 0, 100);
    const asyncKid = sp(2, 1, 90, 500, { references: [{ refType: 'FOLLOWS_FROM', traceId: 'aaaaaaaaaaaaaaaa', spanId: id(1) }] });
    expect(selfTime(parent, [asyncKid])).toBe(90);
    expect(selfTime(parent, [sp(3, 1, 150, 10)])).toBe(100); // starts after the parent ended
    expect(selfTime(parent, [sp(4, 1, -20, 300)])).toBe(0); // covers it all
  });

  test('a child nested inside another child does not change the parent\'s self time', () => {
    const parent = sp(1, 0, 0, 100);
    expect(selfTime(parent, [sp(2, 1, 0, 50), sp(3, 1, 10, 10)])).toBe(50);
  });
});

describe('buildTree', () => {
  test('nests by parentSpanId and FOLLOWS_FROM references, orphans at top level, survives cycles', () => {
    const followsFrom = sp(4, 0, 60, 5, { references: [{ refType: 'FOLLOWS_FROM', traceId: 'aaaaaaaaaaaaaaaa', spanId: id(1) }] });
    const nodes = buildTree([sp(3, 2, 20, 10), sp(1, 0, 0, 100), sp(2, 1, 10, 50), followsFrom, sp(5, 99, 5, 1), sp(6, 7, 0, 1), sp(7, 6, 0, 1)]);
    expect(nodes.map((n) => [n.span.spanId.slice(-1), n.depth, n.orphan])).toEqual([
      ['1', 0, false], ['2', 1, false], ['3', 2, false], ['4', 1, false],
      ['5', 0, true], ['6', 0, true], ['7', 1, false],
    ]);
    expect(mainRoot(nodes)!.span.spanId).toBe(id(1));
  });

  test('a 10,000-deep chain does not overflow the stack', () => {
    const spans = Array.from({ length: 10_000 }, (_, i) => sp(i + 1, i, i, 20_000 - 2 * i));
    const nodes = buildTree(spans);
    expect(nodes[9_999].depth).toBe(9_999);
    const segs = criticalPath(nodes[0]);
    expect(segs.reduce((t, s) => t + s.end - s.start, 0)).toBe(20_000);
  });
});

describe('criticalPath', () => {
  const total = (segs: { start: number; end: number }[]): number => segs.reduce((t, s) => t + s.end - s.start, 0);

  test('follows the last-finishing child back in time and gives the gaps to the parent', () => {
    // root 0..100; A 10..40; B 20..70 (finishes last, overlaps A); C (child of B) 30..60
    const nodes = buildTree([sp(1, 0, 0, 100), sp(2, 1, 10, 30), sp(3, 1, 20, 50), sp(4, 3, 30, 30)]);
    const segs = criticalPath(nodes[0]);
    expect(segs.map((s) => [s.spanId.slice(-1), s.start, s.end])).toEqual([
      ['1', 0, 10], // before A: root's own
      ['2', 10, 20], // A until B started
      ['3', 20, 30],
      ['4', 30, 60],
      ['3', 60, 70],
      ['1', 70, 100],
    ]);
    expect(total(segs)).toBe(100);
  });

  test('a child running past its parent is clipped; a child starting after the parent ended is ignored', () => {
    const nodes = buildTree([sp(1, 0, 0, 100), sp(2, 1, 50, 200), sp(3, 1, 120, 10)]);
    const segs = criticalPath(nodes[0]);
    expect(segs.map((s) => [s.spanId.slice(-1), s.start, s.end])).toEqual([['1', 0, 50], ['2', 50, 100]]);
  });

  test('a span with no children is all on the path; zero-length spans add nothing', () => {
    const nodes = buildTree([sp(1, 0, 0, 10), sp(2, 1, 5, 0)]);
    expect(criticalPath(nodes[0])).toEqual([{ spanId: id(1), start: 0, end: 5 }, { spanId: id(1), start: 5, end: 10 }]);
  });
});

describe('percentile (nearest rank)', () => {
  test('p50 and p99 of known values', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('timeByOperation', () => {
  test('sums self time per service and operation, sorted by it, with percentiles and slowest traces', () => {
    const t = (traceId: string, rootDur: number, dbDur: number): { traceId: string; spans: DecodedSpan[] } => ({
      traceId,
      spans: [
        sp(1, 0, 0, rootDur, { traceId, serviceName: 'api', operationName: 'GET /x' }),
        sp(2, 1, 10, dbDur, { traceId, serviceName: 'db', operationName: 'SELECT' }),
        sp(3, 1, 10, dbDur / 2, { traceId, serviceName: 'db', operationName: 'SELECT' }), // concurrent with 2
      ],
    });
    const rows = timeByOperation([t('t1', 100, 80), t('t2', 300, 40), t('t3', 50, 20)]);
    expect(rows.map((r) => [r.serviceName, r.operationName, r.count, r.selfTotal])).toEqual([
      ['api', 'GET /x', 3, 100 - 80 + (300 - 40) + (50 - 20)],
      ['db', 'SELECT', 6, 80 + 40 + 40 + 20 + 20 + 10],
    ]);
    const api = rows[0];
    expect([api.p50, api.p99]).toEqual([100, 300]);
    expect(api.slowestTraces).toEqual(['t2', 't1', 't3']);
    expect(rows[1].slowestTraces).toEqual(['t1', 't2', 't3']);
    expect([rows[1].p50, rows[1].p99]).toEqual([20, 80]);
  });
});
