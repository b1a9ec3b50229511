/**
 * Helpers for testing HTTP-server instrumentations (Express, Koa, Fastify) against real test-apps:
 * unique request URLs, finding a request's server span, aborted requests, trace headers.
 */
import * as http from 'http';
import type { AgentReceiver, DecodedSpan } from '@spanwise/agent';

let counter = 0;

/** `path` with a query that makes it unique, so its span can be told from every other request's. */
export function uniquePath(path: string): string {
  counter += 1;
  return `${path}${path.includes('?') ? '&' : '?'}req=${process.pid}-${counter}`;
}

export const isServerSpanOf = (path: string) => (span: DecodedSpan) => span.tags['span.kind'] === 'server' && span.tags['http.url'] === path;

/** Wait for the server span of the request to `path` (a uniquePath), then check no second one arrives. */
export async function serverSpanOf(agent: AgentReceiver, path: string, settleMs = 150): Promise<DecodedSpan> {
  const matches = isServerSpanOf(path);
  await agent.waitForSpans((spans) => spans.some(matches), 5000);
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const found = agent.spans.filter(matches);
  if (found.length !== 1) throw new Error(`expected exactly one server span for ${path}, got ${found.length}`);
  return found[0];
}

/** Every span of the trace, once `count` of them have arrived. */
export async function traceSpans(agent: AgentReceiver, traceId: string, count: number): Promise<DecodedSpan[]> {
  const spans = await agent.waitForSpans((all) => all.filter((s) => s.traceId === traceId).length >= count, 5000);
  return spans.filter((s) => s.traceId === traceId);
}

export function childrenOf(spans: DecodedSpan[], parent: DecodedSpan): DecodedSpan[] {
  return spans.filter((s) => s.parentSpanId === parent.spanId && s.traceId === parent.traceId);
}

export function errorLog(span: DecodedSpan): Record<string, unknown> | undefined {
  return span.logs.find((l) => l.fields.event === 'error')?.fields;
}

/** Send a GET and destroy the connection after `afterMs`, before the (slow) response comes. */
export function abortedGet(url: string, afterMs: number): Promise<void> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false });
    req.on('error', () => resolve());
    req.on('response', (res) => res.resume());
    setTimeout(() => {
      req.destroy();
      resolve();
    }, afterMs);
  });
}

/** POST `body` in two writes `gapMs` apart, so the server reads it in separate socket events. */
export function slowPost(url: string, body: string, gapMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    const half = Math.floor(body.length / 2);
    req.write(body.slice(0, half));
    setTimeout(() => req.end(body.slice(half)), gapMs);
  });
}

/** Random ids for incoming trace headers. */
export function randomHex(chars: number): string {
  let out = '';
  while (out.length < chars) out += Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '0');
  out = out.slice(0, chars);
  return out.replace(/^0/, '1');
}
