import { buildTree, type SpanNode as TimingNode } from './timing';
import type { DecodedSpan, Trace } from './types';

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

export { parentIdOf, selfTime } from './timing';

export type SpanNode = TimingNode<DecodedSpan>;

/** Builds the span tree of a trace; returns nodes in display (depth-first, start-sorted) order. */
export function flattenTree(trace: Trace): SpanNode[] {
  return buildTree(trace.spans);
}
