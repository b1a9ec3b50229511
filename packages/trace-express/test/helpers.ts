import * as path from 'path';
import { type AgentReceiver, type DecodedSpan } from '../../../test-support';
import { versionFixtures } from '../../../test-support/each-version';

/** Every Express fixture of the version matrix (lowest and latest of 4 and 5), each resolved from its workspace. */
export const MAJORS = versionFixtures('express').map(({ name, dir }) => ({ name, dir }));

export const SERVICE_APP = 'test-apps/express-service/index.js';
export const script = (name: string) => path.join(__dirname, 'scripts', name);

export const isServer = (span: DecodedSpan) => span.tags['span.kind'] === 'server';

/** The server span of `service` whose http.url is `url` (waits for it). */
export async function serverSpanFor(agent: AgentReceiver, service: string, url: string, timeoutMs = 5000): Promise<DecodedSpan> {
  const match = (s: DecodedSpan) => s.serviceName === service && isServer(s) && s.tags['http.url'] === url;
  const spans = await agent.waitForSpans((all) => all.some(match), timeoutMs);
  return spans.find(match)!;
}
