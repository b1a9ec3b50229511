/**
 * Conformance: the same small app (test-support/conformance-app.js) on every supported framework, run as two real
 * processes, one with `-r @spanwise/trace-auto/register` and one without, must look the same to its clients and to
 * itself. Adding a framework is one entry in CONFORMANCE_APPS (and its routes in the app); adding a check is one
 * entry in CONFORMANCE_CASES.
 */
import * as path from 'path';
import { httpGet, ROOT, startApp, tracingEnv, type AgentReceiver, type RunningApp } from './index';

export const CONFORMANCE_APP = path.join(ROOT, 'test-support', 'conformance-app.js');
export const CONFORMANCE_STARTUP = path.join(ROOT, 'test-support', 'conformance-startup.js');
export const REGISTER_ARGS = ['-r', '@spanwise/trace-auto/register'];

/** The frameworks the app runs on (`CONFORMANCE_FRAMEWORK`). */
export const CONFORMANCE_APPS = ['http', 'express4', 'express5', 'koa2', 'koa3', 'fastify4', 'fastify5'] as const;

export interface ConformanceCase {
  name: string;
  path: string;
  headers?: Record<string, string>;
}

/** Each case is one request to both copies; status, body and headers (but the date) must be identical. */
export const CONFORMANCE_CASES: ConformanceCase[] = [
  { name: 'text and a header the app sets', path: '/hello' },
  { name: 'JSON with a route parameter', path: '/json/7' },
  { name: "a handler's error: the framework's own error response", path: '/fail' },
  { name: 'no such route: the framework\'s 404', path: '/nope' },
  {
    name: 'the framework objects the app sees: Object.keys, own symbols and JSON of req/res/ctx/ctx.state/request/reply, Fastify plugin tree and hooks, the app\'s own span decorator',
    path: '/introspect',
  },
  { name: 'a request that continues a W3C trace', path: '/json/8', headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } },
  { name: 'a request that continues a Jaeger trace', path: '/json/9', headers: { 'uber-trace-id': '0af7651916cd43dd8448eb211c80319c:b7ad6b7169203331:0:1' } },
];

/**
 * Fake timers installed and restored while handling a request: compared like a case, but run last by the suite,
 * since a tracer that used the faked globals would stay stalled for the rest of the process.
 */
export const FAKE_TIMERS_CASE: ConformanceCase = { name: 'fake timers installed and restored while handling a request', path: '/fake-timers' };

/** Headers that differ between any two processes: the clock. */
const VOLATILE_HEADERS = new Set(['date']);

export interface Observed {
  status: number;
  body: string;
  headers: Record<string, unknown>;
}

export async function observe(app: RunningApp, testCase: ConformanceCase): Promise<Observed> {
  const response = await httpGet(`${app.url}${testCase.path}`, testCase.headers ?? {});
  const headers = Object.fromEntries(Object.entries(response.headers).filter(([name]) => !VOLATILE_HEADERS.has(name)));
  return { status: response.status, body: response.body, headers };
}

export interface ConformancePair {
  plain: RunningApp;
  traced: RunningApp;
}

/** The app on `framework`, without and with the register; production mode, so error pages carry no stack trace. */
export async function startConformancePair(agent: AgentReceiver, framework: string): Promise<ConformancePair> {
  const env = tracingEnv(agent, `conformance-${framework}`, { CONFORMANCE_FRAMEWORK: framework, NODE_ENV: 'production' });
  const [plain, traced] = await Promise.all([startApp(CONFORMANCE_APP, env), startApp(CONFORMANCE_APP, env, { nodeArgs: REGISTER_ARGS })]);
  return { plain, traced };
}
