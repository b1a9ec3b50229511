import { ZERO_SPAN_ID, type DecodedSpan, type Trace } from './types';

const byStart = (a: DecodedSpan, b: DecodedSpan): number => a.startTime - b.startTime || a.duration - b.duration;

/** Groups spans by traceId (spans sorted by startTime); traces are ordered by their first span's start. */
export function groupTraces(spans: readonly DecodedSpan[]): Trace[] {
  const map = new Map<string, DecodedSpan[]>();
  for (const s of spans) {
    let list = map.get(s.traceId);
    if (!list) map.set(s.traceId, (list = []));
    list.push(s);
  }
  const traces = [...map].map(([traceId, list]) => ({ traceId, spans: list.slice().sort(byStart) }));
  return traces.sort((a, b) => a.spans[0].startTime - b.spans[0].startTime);
}

/**
 * The id of the span's parent: parentSpanId, or (when that is zero) the first reference into the same
 * trace, CHILD_OF preferred. Undefined for roots.
 */
export function parentIdOf(span: DecodedSpan): string | undefined {
  if (span.parentSpanId !== ZERO_SPAN_ID && span.parentSpanId !== span.spanId) return span.parentSpanId;
  const refs = span.references.filter((r) => r.traceId === span.traceId && r.spanId !== span.spanId);
  const ref = refs.find((r) => r.refType === 'CHILD_OF') ?? refs[0];
  return ref?.spanId;
}

/**
 * SELF time of a span in microseconds: its duration minus the time covered by the union of its
 * children's intervals, each clipped to the parent's interval (concurrent children are not double
 * counted; time a child spends after the parent ended does not count). Never negative.
 */
export function selfTime(span: DecodedSpan, children: readonly DecodedSpan[]): number {
  const start = span.startTime;
  const end = span.startTime + span.duration;
  const intervals = children
    .map((c) => [Math.max(c.startTime, start), Math.min(c.startTime + c.duration, end)] as const)
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let curS = -Infinity;
  let curE = -Infinity;
  for (const [s, e] of intervals) {
    if (s > curE) {
      if (curE > curS) covered += curE - curS;
      curS = s;
      curE = e;
    } else if (e > curE) {
      curE = e;
    }
  }
  if (curE > curS) covered += curE - curS;
  return Math.max(0, span.duration - covered);
}

export interface SpanNode {
  span: DecodedSpan;
  children: SpanNode[];
  depth: number;
  /** The span names a parent that is not in the trace. */
  orphan: boolean;
}

/** Builds the span tree of a trace; returns nodes in display (depth-first, start-sorted) order. */
export function flattenTree(trace: Trace): SpanNode[] {
  const spans = trace.spans.slice().sort(byStart);
  const byId = new Map<string, SpanNode>();
  const nodes = spans.map((span) => ({ span, children: [] as SpanNode[], depth: 0, orphan: false }));
  for (const n of nodes) if (!byId.has(n.span.spanId)) byId.set(n.span.spanId, n);
  const roots: SpanNode[] = [];
  for (const n of nodes) {
    const pid = parentIdOf(n.span);
    const parent = pid === undefined ? undefined : byId.get(pid);
    if (parent && parent !== n) parent.children.push(n);
    else {
      n.orphan = pid !== undefined;
      roots.push(n);
    }
  }
  const out: SpanNode[] = [];
  const seen = new Set<SpanNode>();
  const visit = (n: SpanNode, depth: number): void => {
    if (seen.has(n)) return;
    seen.add(n);
    n.depth = depth;
    out.push(n);
    for (const c of n.children) visit(c, depth + 1);
  };
  for (const r of roots) visit(r, 0);
  // spans caught in a parent cycle (malformed data) are shown at top level as orphans
  for (const n of nodes) {
    if (!seen.has(n)) {
      n.orphan = true;
      visit(n, 0);
    }
  }
  return out;
}
