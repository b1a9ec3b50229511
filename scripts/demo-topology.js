/** Which test-apps the demo starts (downstream first) and which requests it sends. */
const path = require('path');
const ROOT = path.resolve(__dirname, '..');

/** MariaDB and Redis for the db-service: MYSQL_URL/REDIS_URL, or private servers when the binaries are installed. */
async function databases() {
  const { ensureMysql, ensureRedis, stopServers } = require('../test-support/dist/servers.js');
  try {
    const [mysql, redis] = await Promise.all([ensureMysql(), ensureRedis()]);
    return { env: { MYSQL_URL: mysql.url, REDIS_URL: redis.url }, stop: stopServers };
  } catch (error) {
    await stopServers().catch(() => {});
    return { unavailable: String(error.message || error).split('\n')[0] };
  }
}

function demoServices(dbs) {
  const services = [
    { name: 'users-service', app: 'test-apps/express-service/index.js', env: { EXPRESS_DIR: path.join(ROOT, 'fixtures/express5') }, description: 'Express 5' },
    { name: 'gateway', app: 'test-apps/express-service/index.js', env: { EXPRESS_DIR: path.join(ROOT, 'fixtures/express4') }, downstream: 'users-service', description: 'Express 4, calls users-service' },
    { name: 'catalog', app: 'test-apps/fastify-service/index.js', env: { FASTIFY_DIR: path.join(ROOT, 'fixtures/fastify5'), DOWNSTREAM_PATH: '/users/42' }, downstream: 'users-service', description: 'Fastify 5, calls users-service' },
    { name: 'storefront', app: 'test-apps/koa-service/index.js', env: { KOA_DIR: path.join(ROOT, 'fixtures/koa3'), DOWNSTREAM_PATH: '/fanout' }, downstream: 'catalog', description: 'Koa 3, calls catalog' },
    { name: 'search-service', app: 'test-apps/search-service/index.js', env: { ES_URL: process.env.ES_URL || '' }, description: process.env.ES_URL ? `Elasticsearch at ${process.env.ES_URL}` : 'Elasticsearch client 9 against a local stand-in (no ES_URL given)' },
  ];
  if (dbs.env) services.push({ name: 'db-service', app: 'test-apps/db-service/index.js', env: dbs.env, description: 'one pooled MariaDB query and one Redis GET per request' });
  return services;
}

function demoRequests(s) {
  const requests = [
    { url: `${s.gateway.url}/fanout`, note: 'gateway awaits a timer, then calls users-service over HTTP' },
    { url: `${s.storefront.url}/fanout`, note: 'Koa -> Fastify -> Express: one trace across three services' },
    { url: `${s.gateway.url}/api/orgs/7/users/42`, note: 'nested routers: one span named by the full route pattern' },
    { url: `${s['users-service'].url}/users/42?token=secret`, note: 'the token value is redacted in http.url' },
    { url: `${s.gateway.url}/error`, note: 'a thrown error: error=true and an error log' },
    { url: `${s['search-service'].url}/search?q=tracing`, note: 'an Elasticsearch search under the request span' },
  ];
  if (s['db-service']) requests.push({ url: `${s['db-service'].url}/users/1`, note: 'MariaDB query (literals masked) and Redis GET under the request' });
  return requests;
}

module.exports = { databases, demoServices, demoRequests };
