/**
 * Time computations over a trace's spans: parent resolution, the span tree, self time, the critical path,
 * percentiles and the "where the time goes" table. Used by the agent in Node and, unchanged, by the trace
 * viewer's page: this module imports nothing, so its compiled CommonJS output runs in the browser inside a
 * tiny `exports` wrapper (see ui/server.ts). Times are microseconds.
 */

/** The fields of a span these computations read (a DecodedSpan has them all). */
export interface TimedSpan {
  traceId: string;
  spanId: string;
  /** '0000000000000000' for roots. */
  parentSpanId: string;
  references: readonly { refType: string; traceId: string; spanId: string }[];
  serviceName: string;
  operationName: string;
  startTime: number;
  duration: number;
}

export interface SpanNode<S extends TimedSpan = TimedSpan> {
  span: S;
  children: SpanNode<S>[];
  depth: number;
  /** The span names a parent that is not in the trace. */
  orphan: boolean;
}

export interface CriticalSegment {
  spanId: string;
  start: number;
  end: number;
}

export interface TimeRow {
  serviceName: string;
  operationName: string;
  /** Sum of the spans' self time. */
  selfTotal: number;
  count: number;
  /** Of the spans' durations (nearest rank). */
  p50: number;
  p99: number;
  /** Trace ids of the slowest spans of this kind, slowest first, without repeats (at most 5). */
  slowestTraces: string[];
}

const ZERO_ID = '0000000000000000';
const SLOWEST_KEPT = 5;

const endOf = (s: TimedSpan): number => s.startTime + s.duration;
const byStart = (a: TimedSpan, b: TimedSpan): number => a.startTime - b.startTime || a.duration - b.duration;

/**
 * The id of the span's parent: parentSpanId, or (when that is zero) the first reference into the same
 * trace, CHILD_OF preferred. Undefined for roots.
 */
export function parentIdOf(span: TimedSpan): string | undefined {
  if (span.parentSpanId !== ZERO_ID && span.parentSpanId !== span.spanId) return span.parentSpanId;
  const refs = span.references.filter((r) => r.traceId === span.traceId && r.spanId !== span.spanId);
  const ref = refs.find((r) => r.refType === 'CHILD_OF') ?? refs[0];
  return ref?.spanId;
}

/**
 * The parts of a span's interval not covered by any child: the children's intervals are clipped to the span
 * (time a child spends after its parent ended, e.g. an async FOLLOWS_FROM child, does not count) and merged (so
 * concurrent children are not counted twice). Sorted, non-overlapping [start, end) pairs.
 */
export function selfIntervals(span: TimedSpan, children: readonly TimedSpan[]): [number, number][] {
  const start = span.startTime;
  const end = endOf(span);
  const clipped = children
    .map((c) => [Math.max(c.startTime, start), Math.min(endOf(c), end)] as [number, number])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const gaps: [number, number][] = [];
  let cursor = start;
  for (const [s, e] of clipped) {
    if (s > cursor) gaps.push([cursor, s]);
    if (e > cursor) cursor = e;
  }
  if (end > cursor) gaps.push([cursor, end]);
  return gaps;
}

/** SELF time: the span's duration minus the union of its children's clipped intervals. Never negative. */
export function selfTime(span: TimedSpan, children: readonly TimedSpan[]): number {
  let total = 0;
  for (const [s, e] of selfIntervals(span, children)) total += e - s;
  return total;
}

/**
 * Builds the span tree; returns the nodes in display order (depth first, siblings by start). Spans whose parent
 * is missing, or that are caught in a parent cycle (malformed data), are shown at top level as orphans.
 */
export function buildTree<S extends TimedSpan>(spans: readonly S[]): SpanNode<S>[] {
  const nodes: SpanNode<S>[] = spans
    .slice()
    .sort(byStart)
    .map((span) => ({ span, children: [], depth: 0, orphan: false }));
  const byId = new Map<string, SpanNode<S>>();
  for (const n of nodes) if (!byId.has(n.span.spanId)) byId.set(n.span.spanId, n);
  const roots: SpanNode<S>[] = [];
  for (const n of nodes) {
    const pid = parentIdOf(n.span);
    const parent = pid === undefined ? undefined : byId.get(pid);
    if (parent && parent !== n) parent.children.push(n);
    else {
      n.orphan = pid !== undefined;
      roots.push(n);
    }
  }
  const out: SpanNode<S>[] = [];
  const seen = new Set<SpanNode<S>>();
  const visit = (root: SpanNode<S>): void => {
    const stack: [SpanNode<S>, number][] = [[root, 0]];
    while (stack.length) {
      const [n, depth] = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      n.depth = depth;
      out.push(n);
      for (let i = n.children.length - 1; i >= 0; i--) stack.push([n.children[i], depth + 1]);
    }
  };
  for (const r of roots) visit(r);
  for (const n of nodes) {
    if (!seen.has(n)) {
      n.orphan = true;
      visit(n);
    }
  }
  return out;
}

/** The root whose critical path describes the trace: the longest non-orphan root (else the longest root). */
export function mainRoot<S extends TimedSpan>(nodes: readonly SpanNode<S>[]): SpanNode<S> | undefined {
  let best: SpanNode<S> | undefined;
  for (const n of nodes) {
    if (n.depth !== 0) continue;
    if (!best || (best.orphan && !n.orphan) || (best.orphan === n.orphan && n.span.duration > best.span.duration)) best = n;
  }
  return best;
}

/**
 * The critical path under `root`: the chain of work that determined when it finished. Walking back from the
 * span's end, the child that finished last (before the cursor) is on the path, its own critical path is followed,
 * and the cursor moves to that child's start; time not covered that way is the span's own. Children running past
 * the parent's end are clipped to it. Returns segments covering [root start, root end] exactly, sorted by start.
 */
export function criticalPath<S extends TimedSpan>(root: SpanNode<S>): CriticalSegment[] {
  const segments: CriticalSegment[] = [];
  const work: [SpanNode<S>, number][] = [[root, endOf(root.span)]];
  while (work.length) {
    const [node, until] = work.pop()!;
    const start = node.span.startTime;
    const end = Math.min(until, endOf(node.span));
    const kids = node.children
      .filter((k) => k.span.startTime < end && endOf(k.span) > start)
      .sort((a, b) => endOf(b.span) - endOf(a.span));
    let cursor = end;
    for (const kid of kids) {
      if (cursor <= start) break;
      if (kid.span.startTime >= cursor) continue;
      const kidEnd = Math.min(endOf(kid.span), cursor);
      if (kidEnd < cursor) segments.push({ spanId: node.span.spanId, start: kidEnd, end: cursor });
      work.push([kid, kidEnd]);
      cursor = Math.max(kid.span.startTime, start);
    }
    if (cursor > start) segments.push({ spanId: node.span.spanId, start, end: cursor });
  }
  return segments.sort((a, b) => a.start - b.start);
}

/** Nearest-rank percentile (p from 0 to 100) of values sorted ascending; NaN for no values. */
export function percentile(sortedAscending: readonly number[], p: number): number {
  const n = sortedAscending.length;
  if (n === 0) return NaN;
  const rank = Math.ceil((p / 100) * n);
  return sortedAscending[Math.min(n - 1, Math.max(0, rank - 1))];
}

/**
 * "Where the time goes" over many traces: per service and operation, the summed self time, the span count and
 * the p50/p99 of durations, with the traces holding the slowest such spans. Sorted by total self time, largest first.
 */
export function timeByOperation<S extends TimedSpan>(traces: readonly { traceId: string; spans: readonly S[] }[]): TimeRow[] {
  interface Acc { row: TimeRow; durations: number[]; slow: { duration: number; traceId: string }[] }
  const accs = new Map<string, Acc>();
  for (const trace of traces) {
    for (const node of buildTree(trace.spans)) {
      const { serviceName, operationName, duration } = node.span;
      const key = `${serviceName}\u0000${operationName}`;
      let acc = accs.get(key);
      if (!acc) {
        acc = { row: { serviceName, operationName, selfTotal: 0, count: 0, p50: 0, p99: 0, slowestTraces: [] }, durations: [], slow: [] };
        accs.set(key, acc);
      }
      acc.row.selfTotal += selfTime(node.span, node.children.map((c) => c.span));
      acc.row.count++;
      acc.durations.push(duration);
      acc.slow.push({ duration, traceId: trace.traceId });
    }
  }
  const rows: TimeRow[] = [];
  for (const { row, durations, slow } of accs.values()) {
    durations.sort((a, b) => a - b);
    row.p50 = percentile(durations, 50);
    row.p99 = percentile(durations, 99);
    slow.sort((a, b) => b.duration - a.duration);
    for (const s of slow) {
      if (row.slowestTraces.length === SLOWEST_KEPT) break;
      if (!row.slowestTraces.includes(s.traceId)) row.slowestTraces.push(s.traceId);
    }
    rows.push(row);
  }
  return rows.sort((a, b) => b.selfTotal - a.selfTotal || b.count - a.count);
}
