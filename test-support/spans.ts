/**
 * Queries over decoded spans (what the agent receiver got), one signature each, shared by every package's tests.
 */
import type { AgentReceiver, DecodedSpan } from '@spanwise/agent';

const list = (spans: readonly DecodedSpan[]) => spans.map((s) => `${s.serviceName}: ${s.operationName}`).join(', ') || '(none)';

/** The one span named `name` (a scenario's request or step span); throws unless there is exactly one. */
export function requestSpan(spans: readonly DecodedSpan[], name: string): DecodedSpan {
  const found = spans.filter((s) => s.operationName === name);
  if (found.length !== 1) throw new Error(`expected exactly one span named ${name}, got ${found.length} among: ${list(spans)}`);
  return found[0];
}

/** The direct children of `parent`, in arrival order. */
export function childrenOf(spans: readonly DecodedSpan[], parent: DecodedSpan): DecodedSpan[] {
  return spans.filter((s) => s.traceId === parent.traceId && s.parentSpanId === parent.spanId);
}

/** The direct children of the one span named `name` (a scenario's request). */
export function childrenOfRequest(spans: readonly DecodedSpan[], name: string): DecodedSpan[] {
  return childrenOf(spans, requestSpan(spans, name));
}

/** The only child of `parent`; throws unless it has exactly one. */
export function onlyChildOf(spans: readonly DecodedSpan[], parent: DecodedSpan): DecodedSpan {
  const children = childrenOf(spans, parent);
  if (children.length !== 1) throw new Error(`expected one child of ${parent.operationName}, got ${children.length}: ${list(children)}`);
  return children[0];
}

/** The fields of the span's `event: error` log, or undefined when it has none. */
export function errorLog(span: DecodedSpan): Record<string, unknown> | undefined {
  return span.logs.find((l) => l.fields.event === 'error')?.fields;
}

/** The fields of the span's `event: error` log; throws when it has none. */
export function requireErrorLog(span: DecodedSpan): Record<string, unknown> {
  const fields = errorLog(span);
  if (!fields) throw new Error(`span ${span.operationName} has no error log`);
  return fields;
}

/** Every span of the trace, once `count` of them have arrived. */
export async function traceSpans(agent: AgentReceiver, traceId: string, count: number): Promise<DecodedSpan[]> {
  const spans = await agent.waitForSpans((all) => all.filter((s) => s.traceId === traceId).length >= count, 5000);
  return spans.filter((s) => s.traceId === traceId);
}

/**
 * Waits until a span named each of `names` has arrived, and at least `count` spans tagged `component`
 * (a scenario's requests and the client spans they made); returns everything received.
 */
export function waitForRequests(agent: AgentReceiver, names: readonly string[], children: { component: string; count: number }, timeoutMs = 10000): Promise<DecodedSpan[]> {
  const ofComponent = (s: DecodedSpan) => s.tags.component === children.component;
  return agent.waitForSpans((spans) => names.every((name) => spans.some((s) => s.operationName === name)) && spans.filter(ofComponent).length >= children.count, timeoutMs);
}

/**
 * Proof that something did NOT arrive, without sleeping: `sendMarker()` makes the same process report one more
 * span (a request, a script step) after everything before it; resolves, once the marker arrived, with every span
 * received but the marker's own, so whatever is missing from them was never sent.
 */
export async function spansUntilMarker(agent: AgentReceiver, sendMarker: () => Promise<unknown>, isMarker: (span: DecodedSpan) => boolean, timeoutMs = 10000): Promise<DecodedSpan[]> {
  await sendMarker();
  const spans = await agent.waitForSpans((all) => all.some(isMarker), timeoutMs);
  return spans.filter((s) => !isMarker(s));
}
