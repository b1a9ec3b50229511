/**
 * Real database servers for integration tests: MariaDB/MySQL and Redis.
 *
 * `ensureMysql()` / `ensureRedis()` use MYSQL_URL / REDIS_URL when set (CI services), else start a PRIVATE
 * server for this process on a free port with a temporary data directory, wait until it answers, and return
 * how to reach it. A server that cannot be found or started fails the suite with how to provide one: never skip.
 * One instance per kind per process (memoized); `stop()` kills it and removes its data directory.
 */
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

export interface DatabaseServer {
  /** `mysql://user:password@127.0.0.1:port/database` or `redis://:password@127.0.0.1:port/0` */
  url: string;
  host: string;
  port: number;
  user: string;
  password: string;
  /** MySQL database name; for Redis the db number as a string. */
  database: string;
  /** True when started by this process (false for MYSQL_URL / REDIS_URL). */
  private: boolean;
  stop(): Promise<void>;
}

const HOW_TO_PROVIDE = {
  mysql:
    'Provide a MySQL/MariaDB server: set MYSQL_URL=mysql://user:password@host:port/database (the user needs CREATE/DROP on that database), ' +
    'or install MariaDB so tests can start a private one: apt-get install -y mariadb-server (needs /usr/sbin/mariadbd and mariadb-install-db).',
  redis: 'Provide a Redis server: set REDIS_URL=redis://[:password@]host:port[/db], or install it so tests can start a private one: apt-get install -y redis-server.',
  cluster:
    'Provide a Redis Cluster: set REDIS_CLUSTER_NODES=host:port[,host:port...] (no password), or install redis-server and redis-tools (redis-cli) so tests can start a private 3-master cluster.',
};

const MYSQL_TEST_USER = 'spanwise';
const MYSQL_TEST_PASSWORD = 'spanwise-test-pw';
const MYSQL_TEST_DATABASE = 'spanwise_test';
const REDIS_TEST_PASSWORD = 'spanwise-redis-pw';

let mysqlPromise: Promise<DatabaseServer> | undefined;
let redisPromise: Promise<DatabaseServer> | undefined;
let clusterPromise: Promise<RedisCluster> | undefined;

export interface RedisCluster {
  /** Seed nodes, e.g. for `new Redis.Cluster(nodes)`. */
  nodes: Array<{ host: string; port: number }>;
  private: boolean;
  stop(): Promise<void>;
}
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** A MySQL-compatible server: MYSQL_URL, else a private MariaDB with a password-authenticated test user. */
export function ensureMysql(): Promise<DatabaseServer> {
  mysqlPromise ??= process.env.MYSQL_URL ? Promise.resolve().then(() => fromUrl(process.env.MYSQL_URL!, 3306, 'mysql')) : startPrivateMysql();
  return mysqlPromise;
}

/** A Redis server: REDIS_URL, else a private redis-server requiring a password (so AUTH is exercised). */
export function ensureRedis(): Promise<DatabaseServer> {
  redisPromise ??= process.env.REDIS_URL ? Promise.resolve().then(() => fromUrl(process.env.REDIS_URL!, 6379, 'redis')) : startPrivateRedis();
  return redisPromise;
}

/** A Redis Cluster: REDIS_CLUSTER_NODES, else three private cluster-enabled redis-servers joined by redis-cli. */
export function ensureRedisCluster(): Promise<RedisCluster> {
  clusterPromise ??= process.env.REDIS_CLUSTER_NODES ? Promise.resolve().then(() => clusterFromEnv(process.env.REDIS_CLUSTER_NODES!)) : startPrivateCluster();
  return clusterPromise;
}

/** Stop every private server this process started (afterAll). External servers are left alone. */
export async function stopServers(): Promise<void> {
  const started: Array<Promise<{ stop(): Promise<void> }> | undefined> = [mysqlPromise, redisPromise, clusterPromise];
  mysqlPromise = redisPromise = clusterPromise = undefined;
  for (const promise of started) {
    const server = await promise?.catch(() => undefined);
    await server?.stop();
  }
}

function fromUrl(raw: string, defaultPort: number, kind: 'mysql' | 'redis'): DatabaseServer {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${kind === 'mysql' ? 'MYSQL_URL' : 'REDIS_URL'} is not a URL: ${raw}. ${HOW_TO_PROVIDE[kind]}`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || (kind === 'redis' ? '0' : '');
  if (kind === 'mysql' && !database) throw new Error(`MYSQL_URL must name a database (mysql://user:password@host:port/database). ${HOW_TO_PROVIDE.mysql}`);
  return {
    url: raw,
    host: url.hostname,
    port: Number(url.port) || defaultPort,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database,
    private: false,
    stop: async () => undefined,
  };
}

function findBinary(candidates: string[]): string | undefined {
  for (const candidate of candidates) if (fs.existsSync(candidate)) return candidate;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    for (const candidate of candidates) {
      const full = path.join(dir, path.basename(candidate));
      if (fs.existsSync(full)) return full;
    }
  }
  return undefined;
}

/** A port free right now on 127.0.0.1 (the server binds it moments later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function startPrivateMysql(): Promise<DatabaseServer> {
  const mariadbd = findBinary(['/usr/sbin/mariadbd', '/usr/sbin/mysqld']);
  const installDb = findBinary(['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db']);
  const client = findBinary(['/usr/bin/mariadb', '/usr/bin/mysql']);
  if (!mariadbd || !installDb || !client) throw new Error(`No MySQL server: MYSQL_URL is not set and MariaDB is not installed. ${HOW_TO_PROVIDE.mysql}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanwise-mariadb-'));
  const dataDir = path.join(dir, 'data');
  const socket = path.join(dir, 'mysqld.sock');
  const asUser = process.getuid?.() === 0 ? ['--user=root'] : [];
  const install = spawnSync(installDb, ['--no-defaults', `--datadir=${dataDir}`, '--auth-root-authentication-method=normal', '--skip-test-db', `--tmpdir=${dir}`, ...asUser], { encoding: 'utf8', timeout: 60000 });
  if (install.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`mariadb-install-db failed (${install.status ?? install.error}): ${install.stderr || install.stdout}. ${HOW_TO_PROVIDE.mysql}`);
  }
  const port = await freePort();
  const child = spawn(
    mariadbd,
    [
      '--no-defaults',
      `--datadir=${dataDir}`,
      `--socket=${socket}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--pid-file=${path.join(dir, 'mysqld.pid')}`,
      `--log-error=${path.join(dir, 'error.log')}`,
      '--skip-log-bin',
      `--tmpdir=${dir}`,
      '--innodb-buffer-pool-size=16M',
      '--max-connections=200',
      ...asUser,
    ],
    { stdio: 'ignore' },
  );
  const server = trackChild(child, dir, 'mariadbd');
  const runSql = (sql: string) => spawnSync(client, ['--no-defaults', '-uroot', `--socket=${socket}`, '-e', sql], { encoding: 'utf8', timeout: 10000 });
  try {
    await waitFor(() => runSql('SELECT 1').status === 0, 30000, () => `mariadbd did not accept connections in 30 s. Log:\n${readTail(path.join(dir, 'error.log'))}\n${HOW_TO_PROVIDE.mysql}`, server);
    const setup = runSql(
      `CREATE DATABASE ${MYSQL_TEST_DATABASE}; CREATE USER '${MYSQL_TEST_USER}'@'%' IDENTIFIED BY '${MYSQL_TEST_PASSWORD}'; ` +
        `GRANT ALL ON ${MYSQL_TEST_DATABASE}.* TO '${MYSQL_TEST_USER}'@'%';`,
    );
    if (setup.status !== 0) throw new Error(`could not create the test user: ${setup.stderr}`);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    url: `mysql://${MYSQL_TEST_USER}:${MYSQL_TEST_PASSWORD}@127.0.0.1:${port}/${MYSQL_TEST_DATABASE}`,
    host: '127.0.0.1',
    port,
    user: MYSQL_TEST_USER,
    password: MYSQL_TEST_PASSWORD,
    database: MYSQL_TEST_DATABASE,
    private: true,
    stop: server.stop,
  };
}

async function startPrivateRedis(): Promise<DatabaseServer> {
  const redisServer = findBinary(['/usr/bin/redis-server', '/usr/local/bin/redis-server']);
  if (!redisServer) throw new Error(`No Redis server: REDIS_URL is not set and redis-server is not installed. ${HOW_TO_PROVIDE.redis}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanwise-redis-'));
  const port = await freePort();
  const child = spawn(
    redisServer,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', dir, '--requirepass', REDIS_TEST_PASSWORD],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const server = trackChild(child, dir, 'redis-server');
  try {
    await waitFor(() => /Ready to accept connections/.test(output), 15000, () => `redis-server did not become ready in 15 s. Output:\n${output}\n${HOW_TO_PROVIDE.redis}`, server);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    url: `redis://:${REDIS_TEST_PASSWORD}@127.0.0.1:${port}/0`,
    host: '127.0.0.1',
    port,
    user: '',
    password: REDIS_TEST_PASSWORD,
    database: '0',
    private: true,
    stop: server.stop,
  };
}

interface Tracked {
  exited: () => string | undefined;
  stop(): Promise<void>;
}

function trackChild(child: ChildProcess, dir: string, name: string): Tracked {
  children.add(child);
  let exitedWith: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exitedWith = `${name} exited (code ${code}, signal ${signal})`;
      children.delete(child);
      resolve();
    }),
  );
  child.once('error', (error) => (exitedWith = `${name} could not start: ${error.message}`));
  return {
    exited: () => exitedWith,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitFor(ready: () => boolean, timeoutMs: number, message: () => string, server: Tracked): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (ready()) return;
    const exited = server.exited();
    if (exited) throw new Error(`${exited}. ${message()}`);
    if (Date.now() > deadline) throw new Error(message());
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function readTail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}

function clusterFromEnv(value: string): RedisCluster {
  const nodes = value.split(',').map((entry) => {
    const [host, port] = entry.trim().split(':');
    if (!host || !Number(port)) throw new Error(`REDIS_CLUSTER_NODES must be host:port[,host:port...], got ${value}. ${HOW_TO_PROVIDE.cluster}`);
    return { host, port: Number(port) };
  });
  return { nodes, private: false, stop: async () => undefined };
}

async function startPrivateCluster(): Promise<RedisCluster> {
  const redisServer = findBinary(['/usr/bin/redis-server', '/usr/local/bin/redis-server']);
  const redisCli = findBinary(['/usr/bin/redis-cli', '/usr/local/bin/redis-cli']);
  if (!redisServer || !redisCli) throw new Error(`No Redis Cluster: REDIS_CLUSTER_NODES is not set and redis-server/redis-cli are not installed. ${HOW_TO_PROVIDE.cluster}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spanwise-redis-cluster-'));
  const servers: Tracked[] = [];
  const nodes: Array<{ host: string; port: number }> = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const nodeDir = path.join(dir, String(port));
      fs.mkdirSync(nodeDir);
      const child = spawn(
        redisServer,
        ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', path.join(nodeDir, 'nodes.conf'), '--dir', nodeDir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      child.stdout!.on('data', (d) => (output += d));
      child.stderr!.on('data', (d) => (output += d));
      const server = trackChild(child, nodeDir, 'redis-server (cluster node)');
      servers.push(server);
      await waitFor(() => /Ready to accept connections/.test(output), 15000, () => `cluster node did not start. Output:\n${output}\n${HOW_TO_PROVIDE.cluster}`, server);
      nodes.push({ host: '127.0.0.1', port });
    }
    const create = spawnSync(redisCli, ['--cluster', 'create', ...nodes.map((n) => `${n.host}:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'], { encoding: 'utf8', timeout: 30000 });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    const clusterOk = () => nodes.every((n) => /cluster_state:ok/.test(spawnSync(redisCli, ['-p', String(n.port), 'cluster', 'info'], { encoding: 'utf8', timeout: 5000 }).stdout ?? ''));
    await waitFor(clusterOk, 20000, () => `the cluster did not reach cluster_state:ok. ${HOW_TO_PROVIDE.cluster}`, servers[0]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes, private: true, stop };
}
