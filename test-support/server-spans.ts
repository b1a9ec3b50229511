/**
 * Helpers for testing HTTP-server instrumentations (Express, Koa, Fastify) against real test-apps:
 * unique request URLs, finding a request's server span, aborted requests, trace headers.
 */
import * as http from 'http';
import * as net from 'net';
import type { AgentReceiver, DecodedSpan } from '@spanwise/agent';
import { httpGet } from './apps';
import { spansUntilMarker } from './spans';

let counter = 0;

/** `path` with a query that makes it unique, so its span can be told from every other request's. */
export function uniquePath(path: string): string {
  counter += 1;
  return `${path}${path.includes('?') ? '&' : '?'}req=${process.pid}-${counter}`;
}

export const isServerSpanOf = (path: string) => (span: DecodedSpan) => span.tags['span.kind'] === 'server' && span.tags['http.url'] === path;

/** Everything the app at `appUrl` reported before a marker request sent now (see spansUntilMarker). */
export function spansUntilMarkerRequest(agent: AgentReceiver, appUrl: string): Promise<DecodedSpan[]> {
  const marker = uniquePath('/spanwise-marker');
  return spansUntilMarker(agent, () => httpGet(`${appUrl}${marker}`), isServerSpanOf(marker));
}

/** Wait for the server span of the request to `path` (a uniquePath) of the app at `appUrl`, and check it has no second one. */
export async function serverSpanOf(agent: AgentReceiver, appUrl: string, path: string): Promise<DecodedSpan> {
  const matches = isServerSpanOf(path);
  await agent.waitForSpans((spans) => spans.some(matches), 5000);
  const found = (await spansUntilMarkerRequest(agent, appUrl)).filter(matches);
  if (found.length !== 1) throw new Error(`expected exactly one server span for ${path}, got ${found.length}`);
  return found[0];
}

/** Send a GET over a raw socket and destroy the socket `afterMs` after writing it, before the (slow) response comes. */
export function abortedGet(url: string, afterMs: number): Promise<void> {
  const { hostname, port, pathname, search } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(`GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
      setTimeout(() => {
        socket.destroy();
        resolve();
      }, afterMs);
    });
    socket.on('error', reject);
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
