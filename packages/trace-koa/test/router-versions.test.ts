/**
 * Route names across @koa/router majors (12 and 15 are covered with the Koa fixtures in koa.test.ts):
 * nested routers, prefixes and a handler calling next() into a router middleware.
 */
import * as path from 'path';
import { httpGet, ROOT, startApp, tracingEnv, useAgent, type RunningApp } from '../../../test-support';
import { serverSpanOf, uniquePath } from '../../../test-support/server-spans';

describe.each([
  { name: '@koa/router 13 with Koa 2', dir: 'fixtures/koa-router13' },
  { name: '@koa/router 14 with Koa 3', dir: 'fixtures/koa-router14' },
])('trace-koa route names with $name', ({ dir }) => {
  const agent = useAgent();
  let app: RunningApp;

  beforeAll(async () => {
    app = await startApp('test-apps/koa-service/index.js', tracingEnv(agent, 'koa-service', { KOA_DIR: path.join(ROOT, dir) }));
  });

  it.each([
    ['/users/7', 'GET /users/:id'],
    ['/api/v1/items/9', 'GET /api/v1/items/:item'],
    ['/api/chain/3', 'GET /api/chain/:id'],
    ['/not/a/route', 'GET (unmatched)'],
  ])('%s is named %s', async (route, operationName) => {
    const url = uniquePath(route);
    await httpGet(`${app.url}${url}`);
    expect((await serverSpanOf(agent, app.url, url)).operationName).toBe(operationName);
  });
});
