/** test-support/servers.ts: external servers come from MYSQL_URL / REDIS_URL / REDIS_CLUSTER_NODES, bad values fail loudly. */
const saved = { ...process.env };

afterEach(() => {
  process.env = { ...saved };
  jest.resetModules();
});

async function load() {
  return import('../servers');
}

it('uses MYSQL_URL when set, without starting anything', async () => {
  process.env.MYSQL_URL = 'mysql://app:p%40ss@db.example:3307/shop';
  const { ensureMysql } = await load();
  const server = await ensureMysql();
  expect(server).toMatchObject({ host: 'db.example', port: 3307, user: 'app', password: 'p@ss', database: 'shop', private: false, url: process.env.MYSQL_URL });
  await server.stop();
});

it('uses REDIS_URL when set (default port and db)', async () => {
  process.env.REDIS_URL = 'redis://:secret@cache.example';
  const { ensureRedis } = await load();
  expect(await ensureRedis()).toMatchObject({ host: 'cache.example', port: 6379, password: 'secret', database: '0', private: false });
});

it('uses REDIS_CLUSTER_NODES when set', async () => {
  process.env.REDIS_CLUSTER_NODES = '10.0.0.1:7000, 10.0.0.2:7001';
  const { ensureRedisCluster } = await load();
  expect((await ensureRedisCluster()).nodes).toEqual([
    { host: '10.0.0.1', port: 7000 },
    { host: '10.0.0.2', port: 7001 },
  ]);
});

it('fails with how to provide a server when the variables are wrong', async () => {
  process.env.MYSQL_URL = 'not a url';
  process.env.REDIS_URL = 'also not';
  process.env.REDIS_CLUSTER_NODES = 'nohostport';
  const { ensureMysql, ensureRedis, ensureRedisCluster } = await load();
  await expect(ensureMysql()).rejects.toThrow(/MYSQL_URL is not a URL.*apt-get install -y mariadb-server/s);
  await expect(ensureRedis()).rejects.toThrow(/REDIS_URL is not a URL.*apt-get install -y redis-server/s);
  await expect(ensureRedisCluster()).rejects.toThrow(/REDIS_CLUSTER_NODES must be host:port/);
});

it('requires a database in MYSQL_URL', async () => {
  process.env.MYSQL_URL = 'mysql://app:pw@db.example:3306';
  const { ensureMysql } = await load();
  await expect(ensureMysql()).rejects.toThrow(/MYSQL_URL must name a database/);
});
