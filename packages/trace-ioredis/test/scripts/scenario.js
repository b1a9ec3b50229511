'use strict';
/**
 * A small app driving ioredis in a real process. env: REDIS_URL, FIXTURE_DIR (which ioredis), SCENARIO,
 * LOAD ('patch-first' | 'ioredis-first'), TRACE_OPTIONS (JSON). Each "request" is a root span made here.
 * Prints `RESULT <json>` with what the app itself observed.
 */
const { getActiveSpan } = require('@spanwise/trace-core');
const { request, reportScenario } = require('../../../../test-support/scenario-app');
const tracing = require('@spanwise/trace-ioredis');

const fixtureDir = process.env.FIXTURE_DIR;
const options = process.env.TRACE_OPTIONS ? JSON.parse(process.env.TRACE_OPTIONS) : undefined;
if (process.env.THROWING_STATEMENT_OPTION) {
  options.statement = () => {
    throw new Error('bug in the app-supplied statement formatter');
  };
}
const url = process.env.REDIS_URL;
let Redis;
if ((process.env.LOAD || 'patch-first') === 'patch-first') {
  tracing.patch(options);
  Redis = require(require.resolve('ioredis', { paths: [fixtureDir] }));
} else {
  Redis = require(require.resolve('ioredis', { paths: [fixtureDir] }));
  tracing.patch(options);
}

const result = { version: require(require.resolve('ioredis/package.json', { paths: [fixtureDir] })).version, patched: tracing.patchedVersions() };

const ready = (client) => (client.status === 'ready' ? Promise.resolve() : new Promise((resolve) => client.once('ready', resolve)));
const caught = (promise) => promise.then(() => undefined, (err) => err);

const scenarios = {
  async commands() {
    const redis = new Redis(url);
    await ready(redis); // handshake (AUTH, INFO, CLIENT SETINFO) outside any request
    await redis.del('user:1', 'list:1', 'n');
    await request('set-get', async () => {
      await redis.set('user:1', 'secret-value');
      result.got = await redis.get('user:1');
    });
    await request('callback', (span) =>
      new Promise((resolve, reject) =>
        redis.get('user:1', (err, value) => {
          result.callbackActiveIsRequest = getActiveSpan() === span;
          err ? reject(err) : resolve(value);
        }),
      ),
    );
    await request('wrongtype', async () => {
      const err = await caught(redis.lpush('user:1', 'x'));
      result.wrongtype = { name: err.name, kind: err.constructor.name, message: err.message };
    });
    await request('unknown-command', async () => {
      const err = await caught(redis.call('nosuchcommand', 'secret-arg'));
      result.unknownCommand = err.message;
    });
    await request('pipeline', async () => {
      result.pipeline = await redis.pipeline().set('a', 'secret-a').get('a').incr('n').exec();
    });
    await request('multi', async () => {
      result.multi = await redis.multi().set('b', 'secret-b').get('b').exec();
    });
    await request('pipeline-error', async () => {
      const results = await redis.pipeline().lpush('user:1', 'x').get('a').exec();
      result.pipelineError = results.map(([err, value]) => [err ? err.message : null, value]);
    });
    await redis.quit();

    const db3Url = new URL(url);
    db3Url.pathname = '/3';
    const db3 = new Redis(db3Url.toString());
    await ready(db3);
    await request('db3', () => db3.set('k', 'v'));
    await db3.quit();
  },

  /** lazyConnect: the first command connects inside the request; concurrent requests queue offline meanwhile. */
  async offlineQueue() {
    const lazy = new Redis(url, { lazyConnect: true });
    const requests = Number(process.env.REQUESTS || 10);
    result.mismatches = 0;
    await Promise.all(
      Array.from({ length: requests }, (_u, i) =>
        request(`queued-${i}`, async (span) => {
          await lazy.incr(`counter:${i}`);
          if (getActiveSpan() !== span) result.mismatches++;
          await lazy.pipeline().get(`counter:${i}`).del(`counter:${i}`).exec();
          if (getActiveSpan() !== span) result.mismatches++;
        }),
      ),
    );
    await lazy.quit();
  },

  /** Many concurrent requests on one shared, connected client. */
  async concurrent() {
    const redis = new Redis(url);
    await ready(redis);
    const requests = Number(process.env.REQUESTS || 30);
    await Promise.all(
      Array.from({ length: requests }, (_u, i) =>
        request(`shared-${i}`, async () => {
          await redis.set(`c:${i}`, String(i));
          await redis.get(`c:${i}`);
          await redis.del(`c:${i}`);
        }),
      ),
    );
    await redis.quit();
  },

  /** enableAutoPipelining: commands of concurrent requests share batches, each keeps its own span. */
  async autoPipelining() {
    const redis = new Redis(url, { enableAutoPipelining: true });
    await ready(redis);
    const requests = Number(process.env.REQUESTS || 10);
    result.mismatches = 0;
    await Promise.all(
      Array.from({ length: requests }, (_u, i) =>
        request(`auto-${i}`, async (span) => {
          await Promise.all([redis.set(`auto:${i}`, 'secret-auto'), redis.get(`auto:${i}`)]);
          if (getActiveSpan() !== span) result.mismatches++;
          await redis.del(`auto:${i}`);
        }),
      ),
    );
    await redis.quit();
  },

  /** Real error replies that quote the arguments (all carry the value `hunter2`). */
  async replyErrors() {
    const redis = new Redis(url);
    await ready(redis);
    await redis.set('spanwise:string', 'x');
    result.errors = {};
    const commands = {
      subcommand: ['config', 'hunter2'],
      'client-subcommand': ['client', "hunter2' x"],
      'unknown-command': ['nosuch', 'hunter2'],
      'acl-modifier': ['acl', 'setuser', 'spanwise-nobody', 'hunter2'],
      'lua-global': ['eval', 'return hunter2', '0'],
      'lua-error': ['eval', "return redis.error_reply(\"ERR bad value 'hunter2'\")", '0'],
      wrongtype: ['lpush', 'spanwise:string', 'hunter2'],
    };
    for (const [name, [command, ...args]] of Object.entries(commands)) {
      await request(`reply-${name}`, async () => {
        const err = await caught(redis.call(command, ...args));
        result.errors[name] = err ? err.message : null;
      });
    }
    await request('reply-pipeline', async () => {
      const results = await redis.pipeline().call('config', 'hunter2').get('spanwise:string').exec();
      result.errors.pipeline = results[0][0] && results[0][0].message;
    });
    await redis.quit();
  },

  /** Commands that fail before reaching the wire: offline queue off, closed client, a server that refuses. */
  async offline() {
    const noQueue = new Redis(url, { enableOfflineQueue: false, lazyConnect: true });
    await request('no-offline-queue', async () => {
      const err = await caught(noQueue.get('spanwise:k'));
      result.noOfflineQueue = err && err.message;
    });
    noQueue.disconnect();
    const closed = new Redis(url);
    await ready(closed);
    await closed.quit();
    await request('closed-client', async () => {
      const err = await caught(closed.set('spanwise:k', 'hunter2'));
      result.closedClient = err && err.message;
    });
    await request('closed-callback', (span) =>
      new Promise((resolve) =>
        closed.get('spanwise:k', (err) => {
          result.closedCallback = { message: err && err.message, inRequest: getActiveSpan() === span };
          resolve();
        }),
      ),
    );
    const dead = new Redis({ port: Number(process.env.DEAD_PORT), host: '127.0.0.1', retryStrategy: () => null, maxRetriesPerRequest: 0 });
    dead.on('error', () => undefined);
    await request('refused', async () => {
      const err = await caught(dead.get('spanwise:k'));
      result.refused = err && err.message;
    });
    dead.disconnect();
  },

  /** A command timeout and a connection lost while a command waits. */
  async failures() {
    const slow = new Redis(url, { commandTimeout: 100 });
    await ready(slow);
    await request('timeout', async () => {
      const err = await caught(slow.blpop('spanwise:empty', 2));
      result.timeout = err && err.message;
    });
    slow.disconnect();
    const doomed = new Redis(url, { retryStrategy: () => null });
    await ready(doomed);
    await request('connection-lost', async () => {
      const pending = caught(doomed.blpop('spanwise:never', 0));
      setTimeout(() => doomed.disconnect(), 50);
      const err = await pending;
      result.connectionLost = err && err.message;
    });
  },

  /** A Cluster client (REDIS_CLUSTER_NODES: host:port,...): keys on different nodes, a same-slot pipeline. */
  async cluster() {
    const nodes = process.env.REDIS_CLUSTER_NODES.split(',').map((n) => ({ host: n.split(':')[0], port: Number(n.split(':')[1]) }));
    const cluster = new Redis.Cluster(nodes);
    await ready(cluster);
    const requests = Number(process.env.REQUESTS || 10);
    result.mismatches = 0;
    await Promise.all(
      Array.from({ length: requests }, (_u, i) =>
        request(`cluster-${i}`, async (span) => {
          await cluster.set(`key:${i}`, 'secret-cluster');
          await cluster.get(`key:${i}`);
          await cluster.pipeline().set(`{user:${i}}:a`, 'secret-cluster').get(`{user:${i}}:a`).exec();
          if (getActiveSpan() !== span) result.mismatches++;
        }),
      ),
    );
    result.slots = cluster.slots.length;
    await cluster.quit();
  },

  async unpatch() {
    const redis = new Redis(url);
    await ready(redis);
    await request('patched', () => redis.ping());
    tracing.unpatch();
    result.afterUnpatch = tracing.patchedVersions();
    await request('unpatched', () => redis.ping());
    tracing.patch(options);
    tracing.patch(options);
    await request('repatched', () => redis.ping());
    await redis.quit();
  },
};

reportScenario(result, scenarios[process.env.SCENARIO]);
