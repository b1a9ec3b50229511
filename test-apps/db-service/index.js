'use strict';
/**
 * db-service: GET /users/:id does one pooled MySQL query and one Redis GET (the benchmark/demo endpoint).
 * env: MYSQL_URL, REDIS_URL, PORT (0 = free port), SERVICE_NAME / JAEGER_SERVICE_NAME, TRACING=off (untraced
 * baseline), MYSQL2_DIR / IOREDIS_DIR (which fixture provides the library; default mysql2-latest, ioredis5),
 * POOL_SIZE (default 4). Prints `LISTENING <port>` once the table is ready.
 */
const http = require('http');
const path = require('path');

const tracing = process.env.TRACING !== 'off';
const ROOT = path.resolve(__dirname, '../..');
if (!process.env.JAEGER_SERVICE_NAME) process.env.JAEGER_SERVICE_NAME = process.env.SERVICE_NAME || 'db-service';

let core;
if (tracing) {
  core = require('@spanwise/trace-core');
  require('@spanwise/trace-mysql2').patch();
  require('@spanwise/trace-ioredis').patch();
}
const fromFixture = (name, dir) => require(require.resolve(name, { paths: [dir] }));
const mysql = fromFixture('mysql2', process.env.MYSQL2_DIR || path.join(ROOT, 'fixtures/mysql2-latest'));
const Redis = fromFixture('ioredis', process.env.IOREDIS_DIR || path.join(ROOT, 'fixtures/ioredis5'));

for (const name of ['MYSQL_URL', 'REDIS_URL']) {
  if (!process.env[name]) {
    console.error(`db-service: set ${name}`);
    process.exit(2);
  }
}
const pool = mysql.createPool({ uri: process.env.MYSQL_URL, connectionLimit: Number(process.env.POOL_SIZE || 4) });
const redis = new Redis(process.env.REDIS_URL);

async function setup() {
  const db = pool.promise();
  await db.query('CREATE TABLE IF NOT EXISTS spanwise_demo_users (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL)');
  await db.query("INSERT IGNORE INTO spanwise_demo_users (id, name) VALUES (1, 'Ada'), (2, 'Grace'), (42, 'Douglas')");
  await redis.set('user:42:visits', '1');
}

function getUser(id, res) {
  redis.get(`user:${id}:visits`, (redisError, visits) => {
    if (redisError) return fail(res, redisError);
    pool.query('SELECT id, name FROM spanwise_demo_users WHERE id = ?', [id], (sqlError, rows) => {
      if (sqlError) return fail(res, sqlError);
      if (rows.length === 0) return send(res, 404, { error: 'not found' });
      send(res, 200, { ...rows[0], visits: visits === null ? null : Number(visits) });
    });
  });
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function fail(res, error) {
  send(res, 500, { error: error.code || error.message });
}

const USER_ROUTE = /^\/users\/(\d+)$/;

const server = http.createServer((req, res) => {
  const match = USER_ROUTE.exec((req.url || '/').split('?')[0]);
  if (!tracing) return match ? getUser(Number(match[1]), res) : send(res, 404, { error: 'not found' });
  const record = core.startServerSpan(req, res, 'http');
  if (match) core.setRoute(req, '/users/:id');
  core.withSpan(record && record.span, () => (match ? getUser(Number(match[1]), res) : send(res, 404, { error: 'not found' })));
});

setup().then(
  () => server.listen(Number(process.env.PORT || 0), () => console.log(`LISTENING ${server.address().port}`)),
  (error) => {
    console.error(`db-service: setup failed: ${error.message}`);
    process.exit(1);
  },
);
