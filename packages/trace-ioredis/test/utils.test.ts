import { clientTags, commandName, commandStatement, resolveOptions } from '../src/utils';

// The real Command class (pure logic: no patching, no connection), so key extraction is ioredis's own.
 
const { Command } = require('ioredis') as { Command: new (name: string, args?: unknown[]) => { name: string; getKeys(): unknown[] } };

const keyed = resolveOptions();
const statementOf = (name: string, args: unknown[], options = keyed) => commandStatement(commandName(name), new Command(name, args), options);

describe('commandStatement', () => {
  it('records the command and its first key, never values', () => {
    expect(statementOf('set', ['user:1', 'secret', 'EX', 60])).toBe('SET user:1');
    expect(statementOf('hset', ['h', 'field', 'secret'])).toBe('HSET h');
    expect(statementOf('mset', ['a', 'secret-1', 'b', 'secret-2'])).toBe('MSET a');
    expect(statementOf('get', [Buffer.from('binary-key')])).toBe('GET binary-key');
  });

  it('records only the name for commands without keys: AUTH, HELLO, CLIENT, PING', () => {
    expect(statementOf('auth', ['user', 'password'])).toBe('AUTH');
    expect(statementOf('hello', [3, 'AUTH', 'user', 'password'])).toBe('HELLO');
    expect(statementOf('client', ['SETINFO', 'lib-name', 'ioredis'])).toBe('CLIENT');
    expect(statementOf('ping', [])).toBe('PING');
  });

  it('takes EVAL keys from numkeys, never the script or its arguments', () => {
    expect(statementOf('eval', ["return redis.call('get', KEYS[1])", 1, 'key:1', 'secret-arg'])).toBe('EVAL key:1');
  });

  it('cuts very long keys and statements', () => {
    expect(statementOf('get', ['k'.repeat(1000)])).toBe(`GET ${'k'.repeat(256)}...`);
    expect(statementOf('get', ['k'.repeat(100)], resolveOptions({ maxStatementLength: 10 }))).toBe('GET kkk...');
  });

  it("statement: 'command' and a custom function", () => {
    expect(statementOf('set', ['user:1', 'v'], resolveOptions({ statement: 'command' }))).toBe('SET');
    const custom = resolveOptions({ statement: (name, keys) => `${name}(${keys.length})` });
    expect(statementOf('mget', ['a', 'b', 'c'], custom)).toBe('MGET(3)');
  });

  it('falls back to the name when the key list cannot be computed', () => {
    const broken = { name: 'get', getKeys: () => { throw new Error('boom'); } };
    expect(commandStatement('GET', broken, keyed)).toBe('GET');
  });
});

describe('commandName', () => {
  it('upper-cases', () => {
    expect(commandName('get')).toBe('GET');
    expect(commandName('get')).toBe('GET');
    expect(commandName('xReadGroup')).toBe('XREADGROUP');
  });
});

describe('clientTags', () => {
  it('single node: db number (the selected one), user, peer', () => {
    expect(clientTags({ options: { host: 'cache', port: 6380, db: 2, username: 'app' }, condition: { select: 5 } })).toEqual({
      component: 'ioredis',
      'db.type': 'redis',
      'db.user': 'app',
      'db.instance': '5',
      'peer.hostname': 'cache',
      'peer.port': 6380,
      'peer.address': 'cache:6380',
    });
    expect(clientTags({ options: {} })).toMatchObject({ 'db.instance': '0', 'peer.address': 'localhost:6379' });
    expect(clientTags({ options: { path: '/run/redis.sock' } })).toMatchObject({ 'peer.address': '/run/redis.sock' });
  });

  it('cluster: no peer (the node that serves each command adds it)', () => {
    const tags = clientTags({ isCluster: true, options: {} });
    expect(tags).toMatchObject({ component: 'ioredis', 'db.redis.cluster': true });
    expect(tags['peer.address']).toBeUndefined();
  });
});
