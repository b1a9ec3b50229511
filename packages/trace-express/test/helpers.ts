import * as path from 'path';
import { ROOT, type AgentReceiver, type DecodedSpan } from '../../../test-support';

/** The two Express majors, each resolved from its fixture workspace. */
export const MAJORS = [
  { name: 'express4', dir: path.join(ROOT, 'fixtures/express4') },
  { name: 'express5', dir: path.join(ROOT, 'fixtures/express5') },
];

export const SERVICE_APP = 'test-apps/express-service/index.js';
export const script = (name: string) => path.join(__dirname, 'scripts', name);

export const isServer = (span: DecodedSpan) => span.tags['span.kind'] === 'server';

/** The server span of `service` whose http.url is `url` (waits for it). */
export async function serverSpanFor(agent: AgentReceiver, service: string, url: string, timeoutMs = 5000): Promise<DecodedSpan> {
  const match = (s: DecodedSpan) => s.serviceName === service && isServer(s) && s.tags['http.url'] === url;
  const spans = await agent.waitForSpans((all) => all.some(match), timeoutMs);
  return spans.find(match)!;
}
