/**
 * Route names on every @koa/router fixture of the version matrix (lowest and latest of 12 to 15):
 * nested routers, prefixes and a handler calling next() into a router middleware.
 */
import { httpGet, startApp, tracingEnv, useAgent, type RunningApp } from '../../../test-support';
import { describeEachVersion } from '../../../test-support/each-version';
import { serverSpanOf, uniquePath } from '../../../test-support/server-spans';

describeEachVersion('@koa/router', ({ dir }) => {
  const agent = useAgent();
  let app: RunningApp;

  beforeAll(async () => {
    app = await startApp('test-apps/koa-service/index.js', tracingEnv(agent, 'koa-service', { KOA_DIR: dir }));
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
