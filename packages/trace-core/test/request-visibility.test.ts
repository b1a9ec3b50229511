/**
 * Tracing must not change what an app sees of its own req/res: Spanwise's per-request state is not a property of
 * them, so util.inspect, assert.deepStrictEqual and Object.getOwnPropertySymbols see the same as without tracing.
 */
import * as path from 'path';
import { httpGet, ROOT, startApp, stopAllApps, tracingEnv, useAgent } from '../../../test-support';

const SCRIPT = path.join(__dirname, 'processes', 'inspect-request.js');
const REGISTER = ['-r', '@spanwise/trace-auto/register'];

interface Seen {
  inspect: string;
  requestSymbols: string[];
  responseSymbols: string[];
  responseListeners: string[];
}

const SERVERS: [string, Record<string, string>, string][] = [
  ['plain http', { SERVER: 'http' }, '/plain'],
  ['Express 4', { SERVER: 'express', EXPRESS_DIR: path.join(ROOT, 'fixtures/express4') }, '/api/users/7'],
  ['Express 5', { SERVER: 'express', EXPRESS_DIR: path.join(ROOT, 'fixtures/express5') }, '/api/users/7'],
];

describe('req/res look the same to the app with and without tracing', () => {
  const agent = useAgent();
  afterEach(() => stopAllApps());

  async function seen(env: Record<string, string>, urlPath: string, nodeArgs: string[]): Promise<Seen> {
    const app = await startApp(SCRIPT, env, { nodeArgs });
    const response = await httpGet(`${app.url}${urlPath}`);
    expect(response.status).toBe(200);
    return JSON.parse(response.body) as Seen;
  }

  it.each(SERVERS)('%s under the register: no spanwise symbol on req, same own symbols on req and res, no listener added to res', async (name, env, urlPath) => {
    const service = `visibility-${name.replace(/\W+/g, '-')}`;
    const traced = await seen(tracingEnv(agent, service, env), urlPath, REGISTER);
    const untraced = await seen(env, urlPath, []);
    expect(traced.inspect).not.toMatch(/spanwise/i);
    expect(traced.requestSymbols).toEqual(untraced.requestSymbols);
    expect(traced.responseSymbols).toEqual(untraced.responseSymbols);
    expect(traced.responseListeners).toEqual(untraced.responseListeners);
    // The request was traced all the same.
    const spans = await agent.waitForSpans((all) => all.some((s) => s.serviceName === service), 5000);
    expect(spans.some((s) => s.serviceName === service && s.operationName.startsWith('GET'))).toBe(true);
  }, 30000);
});
