'use strict';
// GET /users/:id on Express 4: one pooled mysql2 query and one ioredis GET (MYSQL_URL, REDIS_URL), nothing else registered.
const { fromFixture, spanwise, listening } = require('./common');

const trace = spanwise('trace-express');
if (trace) {
  spanwise('trace-mysql2').patch();
  spanwise('trace-ioredis').patch();
}
const express = fromFixture('express', 'express4');
const mysql = fromFixture('mysql2', 'mysql2-latest');
const Redis = fromFixture('ioredis', 'ioredis5');

const pool = mysql.createPool({ uri: process.env.MYSQL_URL, connectionLimit: 4 });
const redis = new Redis(process.env.REDIS_URL);
const app = express();
if (trace) app.use(trace.traceMiddleware());
app.get('/users/:id', (req, res, next) => {
  redis.get(`user:${req.params.id}:visits`, (redisError, visits) => {
    if (redisError) return next(redisError);
    pool.query('SELECT id, name FROM bench_users WHERE id = ?', [req.params.id], (sqlError, rows) => {
      if (sqlError) return next(sqlError);
      res.json({ ...rows[0], visits: Number(visits) });
    });
  });
});

async function setup() {
  const db = pool.promise();
  await db.query('CREATE TABLE IF NOT EXISTS bench_users (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL)');
  await db.query("INSERT IGNORE INTO bench_users (id, name) VALUES (42, 'Ada')");
  await redis.set('user:42:visits', '7');
}

setup().then(
  () => {
    const server = app.listen(0, '127.0.0.1', () => listening(server));
  },
  (error) => {
    console.error(`db app: setup failed: ${error.message}`);
    process.exit(1);
  },
);
