'use strict';
/**
 * A small app driving mysql2 in a real process (require-in-the-middle needs real requires, not jest's).
 * env: MYSQL_URL, FIXTURE_DIR (which mysql2), SCENARIO, LOAD ('patch-first' | 'mysql2-first' | 'promise-first'),
 * TRACE_OPTIONS (JSON for patch()). Each "request" is a root span made here; statements run inside it.
 * Prints `RESULT <json>` with what the app itself observed (errors it got, active span in callbacks).
 */
const { getActiveSpan } = require('@spanwise/trace-core');
const { request, reportScenario } = require('../../../../test-support/scenario-app');
const tracing = require('@spanwise/trace-mysql2');

const fixtureDir = process.env.FIXTURE_DIR;
const load = process.env.LOAD || 'patch-first';
const options = process.env.TRACE_OPTIONS ? JSON.parse(process.env.TRACE_OPTIONS) : undefined;
if (process.env.THROWING_STATEMENT_OPTION) {
  options.statement = () => {
    throw new Error('bug in the app-supplied statement function');
  };
}
const url = process.env.MYSQL_URL;
const resolveFromFixture = (name) => require.resolve(name, { paths: [fixtureDir] });

let mysql;
let mysqlPromise;
if (load === 'patch-first') {
  tracing.patch(options);
  mysql = require(resolveFromFixture('mysql2'));
  mysqlPromise = require(resolveFromFixture('mysql2/promise'));
} else if (load === 'mysql2-first') {
  mysql = require(resolveFromFixture('mysql2'));
  mysqlPromise = require(resolveFromFixture('mysql2/promise'));
  tracing.patch(options);
} else if (load === 'promise-first') {
  mysqlPromise = require(resolveFromFixture('mysql2/promise'));
  tracing.patch(options);
} else throw new Error(`unknown LOAD ${load}`);

const result = { version: require(require('path').join(require('path').dirname(resolveFromFixture('mysql2')), 'package.json')).version, patched: tracing.patchedVersions() };

const cb = (resolve, reject) => (err, rows) => (err ? reject(err) : resolve(rows));

const scenarios = {
  /** Connection API in every form, plus statements outside any request. */
  async connection() {
    const conn = mysql.createConnection(url);
    await new Promise((resolve, reject) => conn.query('DROP TABLE IF EXISTS spanwise_users', cb(resolve, reject)));
    await new Promise((resolve, reject) => conn.query('CREATE TABLE spanwise_users (id INT PRIMARY KEY, email VARCHAR(100) UNIQUE)', cb(resolve, reject)));
    await request('callback', (span) =>
      new Promise((resolve, reject) =>
        conn.query("INSERT INTO spanwise_users (id, email) VALUES (1, 'alice@example.com')", (err, rows) => {
          result.callbackActiveIsRequest = getActiveSpan() === span;
          cb(resolve, reject)(err, rows);
        }),
      ),
    );
    await request('values', () => new Promise((resolve, reject) => conn.query('SELECT * FROM spanwise_users WHERE email = ?', ['alice@example.com'], cb(resolve, reject))));
    await request('options-object', () => new Promise((resolve, reject) => conn.query({ sql: 'SELECT id FROM spanwise_users WHERE id = 1', rowsAsArray: true }, cb(resolve, reject))));
    await request('execute', (span) =>
      new Promise((resolve, reject) =>
        conn.execute('SELECT email FROM spanwise_users WHERE id = ?', [1], (err, rows) => {
          result.executeActiveIsRequest = getActiveSpan() === span;
          result.executeRows = rows;
          cb(resolve, reject)(err, rows);
        }),
      ),
    );
    await request('prepared', (span) =>
      new Promise((resolve, reject) =>
        conn.prepare('SELECT email FROM spanwise_users WHERE id = ?', (err, statement) => {
          if (err) return reject(err);
          result.prepareActiveIsRequest = getActiveSpan() === span;
          statement.execute([1], (executeErr, rows) => {
            result.preparedActiveIsRequest = getActiveSpan() === span;
            result.preparedRows = rows;
            statement.close();
            executeErr ? reject(executeErr) : resolve();
          });
        }),
      ),
    );
    await request('emitter', (span) =>
      new Promise((resolve, reject) => {
        const rows = [];
        const query = conn.query('SELECT id, email FROM spanwise_users');
        query.on('result', (row) => {
          rows.push(row);
          result.emitterActiveIsRequest = getActiveSpan() === span;
        });
        query.on('error', reject);
        query.on('end', () => resolve((result.emitterRows = rows.length)));
      }),
    );
    await request('stream', (span) =>
      new Promise((resolve, reject) => {
        let count = 0;
        conn
          .query('SELECT id FROM spanwise_users')
          .stream()
          .on('data', () => {
            count++;
            result.streamActiveIsRequest = getActiveSpan() === span;
          })
          .on('error', reject)
          .on('end', () => resolve((result.streamRows = count)));
      }),
    );
    await request('error', () =>
      new Promise((resolve) =>
        conn.query("INSERT INTO spanwise_users (id, email) VALUES (2, 'alice@example.com')", (err) => {
          result.duplicateError = { message: err.message, code: err.code, errno: err.errno, sql: err.sql, isError: err instanceof Error };
          resolve();
        }),
      ),
    );
    await request('stream-error', () =>
      new Promise((resolve) => {
        const query = conn.query('SELECT * FROM spanwise_no_such_table');
        query.on('error', (err) => (result.streamError = err.code));
        query.on('end', resolve);
      }),
    );
    await request('sync-throw', () => {
      try {
        conn.execute('SELECT ?', [undefined], () => undefined);
      } catch (err) {
        result.syncThrow = err.message;
      }
    });
    await new Promise((resolve) => conn.end(resolve));

    const promiseConn = await mysqlPromise.createConnection(url);
    await request('promise', async () => {
      const [rows] = await promiseConn.query('SELECT COUNT(*) AS n FROM spanwise_users');
      result.promiseCount = rows[0].n;
      const [executed] = await promiseConn.execute('SELECT id FROM spanwise_users WHERE id = ?', [1]);
      result.promiseExecuted = executed.length;
    });
    await request('promise-prepared', async () => {
      const statement = await promiseConn.prepare('SELECT id FROM spanwise_users WHERE email = ?');
      const [rows] = await statement.execute(['alice@example.com']);
      result.promisePreparedRows = rows.length;
      await statement.close();
    });
    await request('promise-error', async () => {
      try {
        await promiseConn.query('SELECT * FROM spanwise_no_such_table');
      } catch (err) {
        result.promiseError = { code: err.code, message: err.message };
      }
    });
    await promiseConn.end();
  },

  /** Busy pool: 2 connections, many concurrent requests; every statement must land in its own request. */
  async pool() {
    const requests = Number(process.env.REQUESTS || 24);
    const pool = mysql.createPool({ uri: url, connectionLimit: 2 });
    const promisePool = mysqlPromise.createPool({ uri: url, connectionLimit: 2 });
    result.mismatches = 0;
    const check = (span) => {
      if (getActiveSpan() !== span) result.mismatches++;
    };
    await Promise.all(
      Array.from({ length: requests }, (_unused, i) =>
        request(`pool-request-${i}`, async (span) => {
          await new Promise((resolve, reject) =>
            pool.query('SELECT SLEEP(0.05) AS s, ? AS i', [i], (err, rows) => {
              check(span);
              cb(resolve, reject)(err, rows);
            }),
          );
          await new Promise((resolve, reject) =>
            pool.execute('SELECT ? AS i', [i], (err, rows) => {
              check(span);
              cb(resolve, reject)(err, rows);
            }),
          );
          await new Promise((resolve, reject) =>
            pool.getConnection((err, conn) => {
              check(span);
              if (err) return reject(err);
              conn.query('SELECT SLEEP(0.02)', (queryErr) => {
                check(span);
                conn.release();
                queryErr ? reject(queryErr) : resolve();
              });
            }),
          );
          await promisePool.query('SELECT SLEEP(0.02)');
          check(span);
          const conn = await promisePool.getConnection();
          check(span);
          await conn.execute('SELECT ? AS i', [i]);
          conn.release();
          await new Promise((resolve, reject) => {
            const query = pool.query('SELECT SLEEP(0.01) AS s');
            query.on('result', () => check(span));
            query.on('error', reject);
            query.on('end', resolve);
          });
        }),
      ),
    );
    await new Promise((resolve) => pool.end(resolve));
    await promisePool.end();
  },

  /** A pool cluster (one pool of 2 behind it), the namespace API and cluster.getConnection. */
  async cluster() {
    const requests = Number(process.env.REQUESTS || 12);
    const cluster = mysql.createPoolCluster();
    cluster.add('MAIN', { uri: url, connectionLimit: 2 });
    result.mismatches = 0;
    const check = (span) => {
      if (getActiveSpan() !== span) result.mismatches++;
    };
    await Promise.all(
      Array.from({ length: requests }, (_unused, i) =>
        request(`cluster-request-${i}`, async (span) => {
          await new Promise((resolve, reject) =>
            cluster.of('MAIN').query('SELECT SLEEP(0.03)', (err, rows) => {
              check(span);
              cb(resolve, reject)(err, rows);
            }),
          );
          await new Promise((resolve, reject) =>
            cluster.getConnection('MAIN', (err, conn) => {
              check(span);
              if (err) return reject(err);
              conn.query('SELECT ? AS i', [i], (queryErr) => {
                check(span);
                conn.release();
                queryErr ? reject(queryErr) : resolve();
              });
            }),
          );
        }),
      ),
    );
    await new Promise((resolve) => cluster.end(resolve));
  },

  /** What the server received, for sqlCommenter: MariaDB shows the running statement's full text. */
  async commenter() {
    const conn = await mysqlPromise.createConnection(url);
    await request('commented', async () => {
      const [rows] = await conn.query('SELECT info FROM information_schema.processlist WHERE id = CONNECTION_ID();');
      result.serverSawQuery = rows[0].info;
      const [executed] = await conn.execute('SELECT info FROM information_schema.processlist WHERE id = CONNECTION_ID()');
      result.serverSawExecute = executed[0].info;
    });
    await conn.end();
  },

  /** poolWaitSpans: a pool of 1 and 3 concurrent requests, so two of them wait. */
  async poolWait() {
    const pool = mysql.createPool({ uri: url, connectionLimit: 1 });
    await Promise.all([0, 1, 2].map((i) => request(`wait-${i}`, () => new Promise((resolve, reject) => pool.query('SELECT SLEEP(0.1)', cb(resolve, reject))))));
    await new Promise((resolve) => pool.end(resolve));
  },

  /** unpatch() restores mysql2; patch() again traces again, once per statement even if called twice. */
  async unpatch() {
    const conn = await mysqlPromise.createConnection(url);
    await request('patched', () => conn.query('SELECT 1'));
    tracing.unpatch();
    result.afterUnpatch = tracing.patchedVersions();
    await request('unpatched', () => conn.query('SELECT 2'));
    tracing.patch(options);
    tracing.patch(options);
    await request('repatched', () => conn.query('SELECT 3'));
    await conn.end();
  },

  /** Real failing statements whose error messages quote a secret (and comments that run as SQL). */
  async secretErrors() {
    const conn = mysql.createConnection(url);
    const run = (sql) => new Promise((resolve) => conn.query(sql, (err, rows) => resolve(err ? { message: err.message, sqlMessage: err.sqlMessage, code: err.code } : { rows })));
    await run('DROP TABLE IF EXISTS spanwise_secrets');
    await run('CREATE TABLE spanwise_secrets (pw VARCHAR(100) UNIQUE, n INT)');
    await run("INSERT INTO spanwise_secrets (pw) VALUES ('''hunter2')");
    result.errors = {};
    const statements = {
      syntax: "SELECT * FROM spanwise_secrets WHERE WHERE pw = 'hunter2'",
      duplicate: "INSERT INTO spanwise_secrets (pw) VALUES ('''hunter2')",
      integer: "INSERT INTO spanwise_secrets (n) VALUES ('hunter2')",
      variable: "SET SESSION sql_mode = 'hunter2'",
      comment: "SELECT /*!50000 'hunter2' */ AS x, /*+ MAX_EXECUTION_TIME(1000) */ 1 AS y",
    };
    for (const [name, sql] of Object.entries(statements)) await request(`secret-${name}`, async () => (result.errors[name] = await run(sql)));
    await request('secret-execute', () => new Promise((resolve) => conn.execute("SELECT * FROM spanwise_secrets WHERE WHERE pw = 'hunter2'", [], (err) => resolve((result.errors.execute = { message: err && err.message })))));
    await new Promise((resolve) => conn.end(resolve));
    const promiseConn = await mysqlPromise.createConnection(url);
    await request('secret-promise', async () => {
      try {
        await promiseConn.query("INSERT INTO spanwise_secrets (pw) VALUES ('''hunter2')");
      } catch (err) {
        result.errors.promise = { message: err.message, stackHasSecret: String(err.stack).includes('hunter2') };
      }
    });
    await promiseConn.end();
  },

  /**
   * Pool statements that fail before any connection is had: a server that refuses connections, a wrong password,
   * a closed pool; callback, emitter and promise forms.
   */
  async poolFailures() {
    const deadUrl = process.env.DEAD_MYSQL_URL;
    const wrongPassword = new URL(url);
    wrongPassword.password = 'wrong-hunter2';
    const pools = {
      refused: () => mysql.createPool({ uri: deadUrl, connectionLimit: 1 }),
      denied: () => mysql.createPool({ uri: wrongPassword.toString(), connectionLimit: 1 }),
    };
    result.failures = {};
    const record = (name, err, extra = {}) => (result.failures[name] = { code: err && err.code, message: err && err.message, isError: err instanceof Error, ...extra });
    for (const [kind, make] of Object.entries(pools)) {
      const pool = make();
      const promisePool = make().promise();
      await request(`${kind}-query`, (span) => new Promise((resolve) => pool.query("SELECT * FROM t WHERE pw = 'hunter2'", (err, rows) => resolve(record(`${kind}-query`, err, { rows, inRequest: getActiveSpan() === span })))));
      await request(`${kind}-execute`, (span) => new Promise((resolve) => pool.execute('SELECT ? AS a', ['hunter2'], (err, rows) => resolve(record(`${kind}-execute`, err, { rows, inRequest: getActiveSpan() === span })))));
      await request(`${kind}-promise-query`, () => promisePool.query('SELECT 1').then(() => record(`${kind}-promise-query`, null), (err) => record(`${kind}-promise-query`, err)));
      await request(`${kind}-promise-execute`, () => promisePool.execute('SELECT ?', [1]).then(() => record(`${kind}-promise-execute`, null), (err) => record(`${kind}-promise-execute`, err)));
      await request(`${kind}-emitter`, (span) =>
        new Promise((resolve) => {
          const query = pool.query('SELECT 2');
          query.on('error', (err) => resolve(record(`${kind}-emitter`, err, { inRequest: getActiveSpan() === span })));
          query.on('end', () => resolve(record(`${kind}-emitter`, null)));
        }),
      );
      await new Promise((resolve) => pool.end(() => resolve()));
      await promisePool.end().catch(() => undefined);
    }
    const closed = mysql.createPool({ uri: url, connectionLimit: 1 });
    await new Promise((resolve) => closed.end(resolve));
    await request('closed-query', () => new Promise((resolve) => closed.query('SELECT 3', (err) => resolve(record('closed-query', err)))));
    await request('closed-execute', () => new Promise((resolve) => closed.execute('SELECT 4', [], (err) => resolve(record('closed-execute', err)))));
    const closedPromise = mysqlPromise.createPool({ uri: url, connectionLimit: 1 });
    await closedPromise.end();
    await request('closed-promise', () => closedPromise.query('SELECT 5').then(() => record('closed-promise', null), (err) => record('closed-promise', err)));
    // A pool cluster: its namespace retries nodes itself; only its final failure is the statement's.
    const cluster = mysql.createPoolCluster({ removeNodeErrorCount: 1 });
    cluster.add('DEAD', { uri: deadUrl, connectionLimit: 1 });
    await request('cluster-dead-query', () => new Promise((resolve) => cluster.of('DEAD').query("SELECT 'hunter2'", (err) => resolve(record('cluster-dead-query', err)))));
    await request('cluster-missing-execute', () => new Promise((resolve) => cluster.of('MISSING').execute('SELECT 9', [], (err) => resolve(record('cluster-missing-execute', err)))));
    await new Promise((resolve) => cluster.end(() => resolve()));
    // A pool that works: one statement span each, as before (none added by the failure path).
    const live = mysql.createPool({ uri: url, connectionLimit: 1 });
    await request('live-query', () => new Promise((resolve) => live.query('SELECT 6', (err) => resolve(record('live-query', err)))));
    await request('live-execute', () => new Promise((resolve) => live.execute('SELECT 7', [], (err) => resolve(record('live-execute', err)))));
    await new Promise((resolve) => live.end(resolve));
  },

  /** Statement options: a long statement (truncation) and a plain one. */
  async statements() {
    const conn = await mysqlPromise.createConnection(url);
    await request('long', () => conn.query(`SELECT '${'x'.repeat(3000)}' AS a, 42 AS b`));
    await request('short', async () => {
      const [rows] = await conn.query("SELECT 'secret' AS a, 7 AS b");
      result.shortRows = rows;
    });
    await conn.end();
  },
};

reportScenario(result, scenarios[process.env.SCENARIO]);
